//! The tree benchmark (issue 7): generates large synthetic source trees with the repository's
//! own generator (`treegen.rs`) and measures, in one run on the same files:
//!
//! - iislint's full check (the release binary, as a child process): wall time, peak resident
//!   memory, lines per second, and the phases it reports with `--stats`;
//! - parse-only (tree-sitter alone on every file, parallel like the real run, each file read
//!   once), and the ratio of the two;
//! - the same with `--jobs 1`, for scaling;
//! - a single-file run, as a pre-commit hook does it;
//! - with `--with-competitors`, ast-grep and semgrep searching the same tree for
//!   `AllocateRequestMemory` calls, when they are installed.
//!
//! It also checks that iislint found every planted defect. Run it through
//! `scripts/bench.sh` (which can install the competitors) or directly:
//!
//! ```text
//! cargo bench --bench tree -- --small
//! cargo bench --bench tree -- --lines 2000000 --shape iis-heavy --repeat 3
//! ```

mod measure;
mod treegen;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;

use measure::{BinaryCheck, ParseOnly, PlantedCheck};
use treegen::{Shape, Spec, Summary};

#[derive(Parser, Debug)]
#[command(
    name = "tree",
    about = "iislint on large generated trees: full check vs parse-only, memory, scaling, competitors"
)]
struct Args {
    /// Tree shape: iis-heavy, mostly-unrelated, or both.
    #[arg(long, default_value = "both")]
    shape: String,
    /// Approximate number of lines per tree.
    #[arg(long, default_value_t = 2_000_000)]
    lines: usize,
    /// The small configuration (50,000 lines), to check that the benchmark works.
    #[arg(long)]
    small: bool,
    /// Seed of the generator: the same seed gives the same tree.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Directory the trees are written under (default: <temp dir>/iislint-bench).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Threads for the "all cores" runs (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Time each measurement this many times and keep the fastest.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Skip the `--jobs 1` runs.
    #[arg(long)]
    no_scaling: bool,
    /// Also time ast-grep and semgrep, when installed (scripts/bench.sh installs them).
    #[arg(long)]
    with_competitors: bool,
    /// Also time the full check in-process, through the library.
    #[arg(long)]
    in_process: bool,
    /// Write the trees, print where, and stop.
    #[arg(long)]
    generate_only: bool,
    /// Keep the trees afterwards (default: removed at the end).
    #[arg(long)]
    keep: bool,
    /// Also write the figures to this file as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// The iislint binary to time (default: the one cargo built with this benchmark).
    #[arg(long)]
    iislint: Option<PathBuf>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() {
    let args = Args::parse();
    let lines = if args.small { 50_000 } else { args.lines };
    let shapes: Vec<Shape> = match args.shape.as_str() {
        "both" => vec![Shape::IisHeavy, Shape::MostlyUnrelated],
        s => match Shape::parse(s) {
            Some(shape) => vec![shape],
            None => {
                eprintln!("unknown shape `{s}` (expected iis-heavy, mostly-unrelated or both)");
                std::process::exit(2);
            }
        },
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let bin = args
        .iislint
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_iislint")));
    let root = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("iislint-bench"));
    let repeat = args.repeat.max(1);

    println!(
        "iislint tree benchmark: generator v{}, seed {}, ~{} lines per tree, {} jobs (of {} cores), best of {}",
        treegen::GENERATOR_VERSION,
        args.seed,
        group(lines),
        jobs,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        repeat
    );
    println!("binary: {}", bin.display());
    let mut results = Vec::new();
    let mut failed = false;
    for shape in shapes {
        let spec = Spec {
            shape,
            lines,
            seed: args.seed,
        };
        let dir = root.join(format!("{}-{}-{}", shape.name(), lines, args.seed));
        let scratch = root.join(format!("{}-{}-{}.out", shape.name(), lines, args.seed));
        std::fs::create_dir_all(&scratch).expect("scratch directory");
        let t = Instant::now();
        let summary = treegen::write_tree(&spec, &dir).expect("write the tree");
        let gen_time = t.elapsed();
        println!();
        println!(
            "== {}: {} lines, {} files ({} C/C++, {} Rust; {:.1}% never mention the IIS API), {} MB, generated in {:.1} s",
            shape.name(),
            group(summary.lines),
            group(summary.files),
            group(summary.cpp_files),
            group(summary.rust_files),
            summary.unrelated_percent(),
            summary.bytes / 1_000_000,
            gen_time.as_secs_f64()
        );
        println!("   tree: {}", dir.display());
        if args.generate_only {
            continue;
        }
        let r = measure_tree(&args, &bin, &dir, &scratch, shape, &summary, jobs, repeat);
        failed |= r.planted.found < r.planted.planted || r.full.run.exit.is_none_or(|c| c > 1);
        results.push((shape, summary, r));
        if !args.keep {
            let _ = std::fs::remove_dir_all(&dir);
            let _ = std::fs::remove_dir_all(&scratch);
        }
    }
    if results.is_empty() {
        return;
    }
    println!();
    print_table(&results, jobs);
    if let Some(path) = &args.json {
        write_json(path, &args, lines, jobs, &results);
        println!("\nfigures written to {}", path.display());
    }
    if failed {
        eprintln!("\nthe benchmark ran, but iislint missed planted defects or failed (see above)");
        std::process::exit(1);
    }
}

struct TreeResult {
    parse: ParseOnly,
    full: BinaryCheck,
    in_process: Option<Duration>,
    parse_1: Option<ParseOnly>,
    full_1: Option<BinaryCheck>,
    planted: PlantedCheck,
    single: Option<Single>,
    competitors: Vec<Competitor>,
}

struct Single {
    path: String,
    lines: usize,
    median: Duration,
    max: Duration,
    runs: usize,
}

struct Competitor {
    tool: String,
    version: String,
    wall: Option<Duration>,
    peak_rss_kib: Option<u64>,
    matches: Option<usize>,
    files: Option<usize>,
    /// Files the tool reported it could not parse (semgrep).
    errors: Option<usize>,
    note: String,
}

#[allow(clippy::too_many_arguments)]
fn measure_tree(
    args: &Args,
    bin: &Path,
    dir: &Path,
    scratch: &Path,
    shape: Shape,
    summary: &Summary,
    jobs: usize,
    repeat: usize,
) -> TreeResult {
    warm_up(dir);
    let lines = summary.lines;

    // Parse-only and the full check, alternating, fastest of `repeat`.
    let mut parse: Option<ParseOnly> = None;
    let mut full: Option<BinaryCheck> = None;
    for _ in 0..repeat {
        let p = measure::parse_only(dir, jobs);
        if parse.as_ref().is_none_or(|b| p.wall < b.wall) {
            parse = Some(p);
        }
        let f = measure::check_binary(bin, dir, &["."], jobs, scratch).expect("iislint runs");
        if full.as_ref().is_none_or(|b| f.run.wall < b.run.wall) {
            full = Some(f);
        }
    }
    let (parse, full) = (parse.expect("measured"), full.expect("measured"));
    let check_ratio = ratio(full.run.wall, parse.wall);
    println!(
        "   parse-only (tree-sitter, {jobs} threads): {:>8.2} s  {:>6} lines/s   ({} files, {} with syntax errors as written)",
        parse.wall.as_secs_f64(),
        kilo(per_sec(lines, parse.wall)),
        group(parse.files),
        group(parse.with_errors)
    );
    println!(
        "   iislint check (release binary, -j {jobs}): {:>8.2} s  {:>6} lines/s   peak RSS {}   exit {}",
        full.run.wall.as_secs_f64(),
        kilo(per_sec(lines, full.run.wall)),
        mb(full.run.peak_rss_kib),
        full.run.exit.map_or("signal".into(), |c| c.to_string())
    );
    if let Some(p) = &full.phases {
        println!("      phases (--stats): {}", phases_text(p));
        if let Some(n) = p.files_parsed {
            println!(
                "      files parsed: {} of {} (pre-filter)",
                group(n),
                group(p.files)
            );
        }
    } else if let Some(l) = &full.stats_line {
        println!("      {l}");
    }
    if full.run.exit.is_none_or(|c| c > 1) {
        println!(
            "      iislint failed:\n{}",
            indent(&full.run.stderr, "        ")
        );
    }
    match shape {
        Shape::IisHeavy => println!(
            "   ratio check / parse-only: {check_ratio:.2}  (target ≤ 1.30); peak RSS target < 300 MB at 2M lines"
        ),
        Shape::MostlyUnrelated => println!(
            "   ratio check / parse-only: {check_ratio:.2}  (target here: ≤ 0.50 × ast-grep, with --with-competitors)"
        ),
    }

    let planted = measure::compare(&summary.planted, &full.findings);
    println!(
        "   planted defects: {} found of {}; other findings: {}",
        planted.found,
        planted.planted,
        planted.other.len()
    );
    for m in planted.missing.iter().take(10) {
        println!("      missing: {}:{} {}", m.path, m.line, m.rule);
    }
    for o in planted.other.iter().take(5) {
        println!("      other:   {}:{} {}", o.path, o.line, o.rule);
    }

    let in_process = args.in_process.then(|| {
        let r = measure::check_in_process(dir, jobs);
        println!(
            "   iislint check (library, in-process):     {:>8.2} s",
            r.wall.as_secs_f64()
        );
        r.wall
    });

    let (mut parse_1, mut full_1) = (None, None);
    if !args.no_scaling && jobs > 1 {
        let p = measure::parse_only(dir, 1);
        let f = measure::check_binary(bin, dir, &["."], 1, scratch).expect("iislint runs");
        println!(
            "   --jobs 1: iislint {:.2} s, parse-only {:.2} s; speed-up with {jobs} jobs: iislint {:.2}×, parse-only {:.2}×",
            f.run.wall.as_secs_f64(),
            p.wall.as_secs_f64(),
            ratio(f.run.wall, full.run.wall),
            ratio(p.wall, parse.wall)
        );
        parse_1 = Some(p);
        full_1 = Some(f);
    }

    let single = single_file(bin, dir, scratch);
    if let Some(s) = &single {
        println!(
            "   single file ({}, {} lines): median {:.1} ms, max {:.1} ms over {} runs  (target < 50 ms)",
            s.path,
            s.lines,
            ms(s.median),
            ms(s.max),
            s.runs
        );
    }

    let mut competitors = Vec::new();
    if args.with_competitors {
        // Fastest of `repeat` runs, as for iislint.
        let tools: [fn(&Path, &Path, usize) -> Competitor; 2] = [ast_grep, semgrep];
        for tool in tools {
            let mut best = tool(dir, scratch, jobs);
            for _ in 1..repeat {
                if best.wall.is_none() {
                    break;
                }
                let c = tool(dir, scratch, jobs);
                if c.wall.is_some_and(|w| best.wall.is_some_and(|b| w < b)) {
                    best = c;
                }
            }
            competitors.push(best);
        }
        let calls = count_calls(dir);
        for c in &competitors {
            match c.wall {
                Some(w) => println!(
                    "   {} ({}): {:.2} s, peak RSS {}, {} matches of {} calls in {} files{}; iislint / {}: {:.2}{}",
                    c.tool,
                    c.version,
                    w.as_secs_f64(),
                    mb(c.peak_rss_kib),
                    c.matches.map_or("?".into(), group),
                    group(calls),
                    c.files.map_or("?".into(), group),
                    c.errors
                        .map_or(String::new(), |e| format!(" ({e} with parse errors)")),
                    c.tool,
                    ratio(full.run.wall, w),
                    if c.note.is_empty() {
                        String::new()
                    } else {
                        format!("  ({})", c.note)
                    }
                ),
                None => println!("   {}: {}", c.tool, c.note),
            }
        }
    }

    TreeResult {
        parse,
        full,
        in_process,
        parse_1,
        full_1,
        planted,
        single,
        competitors,
    }
}

/// The phases of `--stats`, with whatever counts the line had (older binaries print fewer).
fn phases_text(p: &measure::Phases) -> String {
    let mut out = format!("discovery {:.0} ms, read {:.0} ms", p.discovery, p.read);
    if let Some(t) = p.prefilter {
        out += &format!(", prefilter {t:.0} ms");
    }
    out += &format!(
        ", parse+lower {:.0} ms, analysis {:.0} ms",
        p.parse, p.analysis
    );
    let mut counts = Vec::new();
    if let Some(r) = p.analysis_rounds {
        counts.push(format!("{r} round{}", if r == 1 { "" } else { "s" }));
    }
    if let (Some(a), Some(f)) = (p.functions_analysed, p.functions) {
        counts.push(format!("{} of {} functions analysed", group(a), group(f)));
    }
    if !counts.is_empty() {
        out += &format!(" ({})", counts.join(", "));
    }
    out + &format!(", output {:.0} ms", p.output)
}

/// Read every file once, so that the first timed run does not pay for the disk.
fn warm_up(dir: &Path) {
    fn walk(d: &Path) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p);
            } else {
                let _ = std::fs::read(&p);
            }
        }
    }
    walk(dir);
}

/// One file, as a pre-commit hook runs iislint: a typical (median-sized) `module.cpp`.
fn single_file(bin: &Path, dir: &Path, scratch: &Path) -> Option<Single> {
    let mut modules: Vec<(u64, PathBuf)> = std::fs::read_dir(dir.join("modules"))
        .ok()?
        .flatten()
        .map(|e| e.path().join("module.cpp"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
        .collect();
    modules.sort();
    let (_, path) = modules.get(modules.len() / 2)?.clone();
    let rel = path
        .strip_prefix(dir)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    let lines = std::fs::read_to_string(&path).ok()?.lines().count();
    let runs = 21;
    let mut times = Vec::new();
    for _ in 0..runs {
        let mut cmd = Command::new(bin);
        cmd.current_dir(dir)
            .env("NO_COLOR", "1")
            .arg("check")
            .arg("--quiet")
            .arg(&rel);
        let r = measure::run_child(&mut cmd, &scratch.join("single.txt")).ok()?;
        times.push(r.wall);
    }
    let max = times.iter().copied().max().unwrap_or_default();
    Some(Single {
        path: rel,
        lines,
        median: measure::median(times),
        max,
        runs,
    })
}

/// `AllocateRequestMemory(` occurrences in C/C++ files: what a search should match.
fn count_calls(dir: &Path) -> usize {
    fn walk(d: &Path, n: &mut usize) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, n);
            } else if p.extension().is_some_and(|x| x != "rs") {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    *n += t.matches("->AllocateRequestMemory(").count();
                }
            }
        }
    }
    let mut n = 0;
    walk(dir, &mut n);
    n
}

fn ast_grep(dir: &Path, scratch: &Path, jobs: usize) -> Competitor {
    let Some((exe, version)) = measure::find_tool(&["ast-grep", "sg"], "ast-grep") else {
        return Competitor {
            tool: "ast-grep".into(),
            version: String::new(),
            wall: None,
            peak_rss_kib: None,
            matches: None,
            files: None,
            errors: None,
            note: "not installed (scripts/bench.sh --with-competitors installs it)".into(),
        };
    };
    // Headers and .c files are C++ for iislint; tell ast-grep the same, so that both read the
    // same files. Rust files are left out: the pattern is C++.
    let cfg_dir = scratch.join("ast-grep");
    let _ = std::fs::create_dir_all(cfg_dir.join("rules"));
    let cfg = cfg_dir.join("sgconfig.yml");
    let _ = std::fs::write(
        &cfg,
        "ruleDirs:\n  - rules\nlanguageGlobs:\n  cpp: [\"*.h\", \"*.c\", \"*.inl\", \"*.ipp\"]\n",
    );
    let out = scratch.join("ast-grep.jsonl");
    let mut cmd = Command::new(&exe);
    cmd.current_dir(dir)
        .arg("run")
        .arg("--config")
        .arg(&cfg)
        .arg("--pattern")
        .arg("$RECV->AllocateRequestMemory($$$ARGS)")
        .arg("--lang")
        .arg("cpp")
        .arg("--json=stream")
        .arg("--threads")
        .arg(jobs.to_string())
        .arg("--inspect")
        .arg("summary")
        .arg(".");
    match measure::run_child(&mut cmd, &out) {
        Ok(r) => {
            let matches = std::fs::read_to_string(&out)
                .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
                .ok();
            // `--inspect summary` prints "scannedFileCount=N" (wording varies by version).
            let files = r
                .stderr
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '=')
                .find_map(|w| {
                    w.strip_prefix("scannedFileCount=")
                        .and_then(|n| n.parse().ok())
                });
            let ok = r.exit.is_some_and(|c| c <= 1);
            Competitor {
                tool: "ast-grep".into(),
                version,
                wall: Some(r.wall),
                peak_rss_kib: r.peak_rss_kib,
                matches,
                files,
                errors: None,
                note: if ok {
                    String::new()
                } else {
                    format!("failed: {}", first_line(&r.stderr))
                },
            }
        }
        Err(e) => Competitor {
            tool: "ast-grep".into(),
            version,
            wall: None,
            peak_rss_kib: None,
            matches: None,
            files: None,
            errors: None,
            note: format!("could not run: {e}"),
        },
    }
}

fn semgrep(dir: &Path, scratch: &Path, jobs: usize) -> Competitor {
    let Some((exe, version)) = measure::find_tool(&["semgrep"], "semgrep") else {
        return Competitor {
            tool: "semgrep".into(),
            version: String::new(),
            wall: None,
            peak_rss_kib: None,
            matches: None,
            files: None,
            errors: None,
            note: "not installed (scripts/bench.sh --with-competitors installs it)".into(),
        };
    };
    let out = scratch.join("semgrep.json");
    let mut cmd = Command::new(&exe);
    cmd.current_dir(dir)
        .env("SEMGREP_SEND_METRICS", "off")
        .arg("scan")
        .arg("--metrics=off")
        .arg("--disable-version-check")
        .arg("--quiet")
        .arg("--no-git-ignore")
        .arg("--lang")
        .arg("cpp")
        .arg("--pattern")
        .arg("$RECV->AllocateRequestMemory(...)")
        .arg("--jobs")
        .arg(jobs.to_string())
        .arg("--timeout")
        .arg("0")
        .arg("--max-target-bytes")
        .arg("0")
        .arg("--json")
        .arg("--output")
        .arg(&out)
        .arg(".");
    match measure::run_child(&mut cmd, &scratch.join("semgrep-stdout.txt")) {
        Ok(r) => {
            let v: Option<serde_json::Value> = std::fs::read_to_string(&out)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
            let matches = v
                .as_ref()
                .and_then(|v| Some(v.get("results")?.as_array()?.len()));
            let files = v
                .as_ref()
                .and_then(|v| Some(v.get("paths")?.get("scanned")?.as_array()?.len()));
            let errors = v
                .as_ref()
                .and_then(|v| Some(v.get("errors")?.as_array()?.len()));
            let ok = r.exit.is_some_and(|c| c <= 1) && matches.is_some();
            Competitor {
                tool: "semgrep".into(),
                version,
                wall: Some(r.wall),
                peak_rss_kib: r.peak_rss_kib,
                matches,
                files,
                errors,
                note: if ok {
                    String::new()
                } else {
                    format!("failed: {}", first_line(&r.stderr))
                },
            }
        }
        Err(e) => Competitor {
            tool: "semgrep".into(),
            version,
            wall: None,
            peak_rss_kib: None,
            matches: None,
            files: None,
            errors: None,
            note: format!("could not run: {e}"),
        },
    }
}

fn print_table(results: &[(Shape, Summary, TreeResult)], jobs: usize) {
    println!(
        "| tree | lines | files | parsed files | parse-only | iislint | iislint / parse-only | lines/s | peak RSS | iislint -j 1 | speed-up | single file |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (shape, s, r) in results {
        println!(
            "| {} | {} | {} | {} | {:.2} s | {:.2} s | {:.2} | {} | {} | {} | {} | {} |",
            shape.name(),
            group(s.lines),
            group(s.files),
            r.full
                .phases
                .as_ref()
                .and_then(|p| p.files_parsed)
                .map_or("-".into(), group),
            r.parse.wall.as_secs_f64(),
            r.full.run.wall.as_secs_f64(),
            ratio(r.full.run.wall, r.parse.wall),
            kilo(per_sec(s.lines, r.full.run.wall)),
            mb(r.full.run.peak_rss_kib),
            r.full_1
                .as_ref()
                .map_or("-".into(), |f| format!("{:.2} s", f.run.wall.as_secs_f64())),
            r.full_1.as_ref().map_or("-".into(), |f| format!(
                "{:.2}× ({jobs} jobs)",
                ratio(f.run.wall, r.full.run.wall)
            )),
            r.single
                .as_ref()
                .map_or("-".into(), |x| format!("{:.1} ms", ms(x.median))),
        );
    }
    let any = results
        .iter()
        .any(|(_, _, r)| r.competitors.iter().any(|c| c.wall.is_some()));
    if any {
        println!();
        println!("| tree | tool | time | peak RSS | matches | iislint / tool |");
        println!("|---|---|---:|---:|---:|---:|");
        for (shape, _, r) in results {
            for c in &r.competitors {
                if let Some(w) = c.wall {
                    println!(
                        "| {} | {} | {:.2} s | {} | {} | {:.2} |",
                        shape.name(),
                        c.version,
                        w.as_secs_f64(),
                        mb(c.peak_rss_kib),
                        c.matches.map_or("?".into(), group),
                        ratio(r.full.run.wall, w)
                    );
                }
            }
        }
    }
}

fn write_json(
    path: &Path,
    args: &Args,
    lines: usize,
    jobs: usize,
    results: &[(Shape, Summary, TreeResult)],
) {
    use serde_json::json;
    let trees: Vec<serde_json::Value> = results
        .iter()
        .map(|(shape, s, r)| {
            json!({
                "shape": shape.name(),
                "lines": s.lines,
                "files": s.files,
                "bytes": s.bytes,
                "unrelated_percent": s.unrelated_percent(),
                "parse_only_s": r.parse.wall.as_secs_f64(),
                "iislint_s": r.full.run.wall.as_secs_f64(),
                "ratio": ratio(r.full.run.wall, r.parse.wall),
                "lines_per_s": per_sec(s.lines, r.full.run.wall),
                "peak_rss_kib": r.full.run.peak_rss_kib,
                "phases_ms": r.full.phases.as_ref().map(|p| json!({
                    "discovery": p.discovery, "read": p.read, "prefilter": p.prefilter,
                    "parse": p.parse, "analysis": p.analysis, "output": p.output,
                })),
                "files_parsed": r.full.phases.as_ref().and_then(|p| p.files_parsed),
                "analysis_rounds": r.full.phases.as_ref().and_then(|p| p.analysis_rounds),
                "functions": r.full.phases.as_ref().and_then(|p| p.functions),
                "functions_analysed": r.full.phases.as_ref().and_then(|p| p.functions_analysed),
                "in_process_s": r.in_process.map(|d| d.as_secs_f64()),
                "parse_only_j1_s": r.parse_1.as_ref().map(|p| p.wall.as_secs_f64()),
                "iislint_j1_s": r.full_1.as_ref().map(|f| f.run.wall.as_secs_f64()),
                "planted": r.planted.planted,
                "planted_found": r.planted.found,
                "other_findings": r.planted.other.len(),
                "single_file": r.single.as_ref().map(|x| json!({
                    "path": x.path, "lines": x.lines,
                    "median_ms": ms(x.median), "max_ms": ms(x.max), "runs": x.runs,
                })),
                "competitors": r.competitors.iter().map(|c| json!({
                    "tool": c.tool, "version": c.version,
                    "time_s": c.wall.map(|w| w.as_secs_f64()),
                    "peak_rss_kib": c.peak_rss_kib, "matches": c.matches, "files": c.files,
                    "files_with_parse_errors": c.errors,
                    "note": c.note,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "generator_version": treegen::GENERATOR_VERSION,
        "seed": args.seed,
        "lines": lines,
        "jobs": jobs,
        "repeat": args.repeat,
        "trees": trees,
    });
    let text = serde_json::to_string_pretty(&doc).expect("serialisable");
    if let Err(e) = std::fs::write(path, text + "\n") {
        eprintln!("cannot write {}: {e}", path.display());
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn per_sec(lines: usize, d: Duration) -> f64 {
    lines as f64 / d.as_secs_f64().max(1e-9)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn kilo(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else {
        format!("{:.0}k", x / 1e3)
    }
}

fn mb(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.0} MB", k as f64 / 1024.0))
}

fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

fn indent(s: &str, pad: &str) -> String {
    s.lines()
        .take(20)
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
