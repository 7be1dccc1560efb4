//! The benchmark's measurements, shared by the bench target (`benches/tree/main.rs`) and its
//! smoke test (`tests/bench_smoke.rs`):
//!
//! - [`parse_only`]: the baseline. The same walk as iislint's (`iislint::discover`), each file
//!   read once (`iislint::source::read`) and parsed by tree-sitter alone
//!   (`iislint::syntax::parse_only`), in parallel on a pool of `jobs` threads, like the real run.
//! - [`check_in_process`]: the full check through the library (`iislint::driver::run`).
//! - [`check_binary`]: the full check by the release binary, run as a child process: wall time,
//!   peak resident memory (`wait4`'s `ru_maxrss`), findings from its JSON report and the phases
//!   it prints with `--stats`.
//! - [`run_child`]: any command, timed the same way (used for ast-grep and semgrep).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::treegen::Planted;

/// Tree-sitter alone on every file.
#[derive(Clone, Debug)]
pub struct ParseOnly {
    pub wall: Duration,
    pub files: usize,
    pub lines: usize,
    pub bytes: u64,
    /// Files whose tree has an ERROR or MISSING node (parsed as written, macros and all).
    pub with_errors: usize,
}

pub fn parse_only(dir: &Path, jobs: usize) -> ParseOnly {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("thread pool");
    pool.install(|| {
        let t = Instant::now();
        let config = iislint::config::Config::default();
        let (candidates, _) =
            iislint::discover::discover(&[dir.to_path_buf()], &config, false, jobs)
                .expect("the tree exists");
        let per_file: Vec<(usize, u64, bool)> = candidates
            .par_iter()
            .map(|c| {
                let Ok(text) = iislint::source::read(&c.path, u64::MAX) else {
                    return (0, 0, false);
                };
                let tree = iislint::syntax::parse_only(c.language, &text);
                let bad = tree.is_none_or(|t| t.root_node().has_error());
                let lines = text.bytes().filter(|&b| b == b'\n').count();
                (lines, text.len() as u64, bad)
            })
            .collect();
        let wall = t.elapsed();
        ParseOnly {
            wall,
            files: per_file.len(),
            lines: per_file.iter().map(|p| p.0).sum(),
            bytes: per_file.iter().map(|p| p.1).sum(),
            with_errors: per_file.iter().filter(|p| p.2).count(),
        }
    })
}

/// A finding, located as the planted defects are: path relative to the tree, 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    pub path: String,
    pub line: usize,
    pub rule: String,
}

#[derive(Clone, Debug)]
pub struct InProcess {
    pub wall: Duration,
    pub findings: Vec<Finding>,
    pub notices: usize,
    pub stats: iislint::driver::Stats,
}

/// The full check through the library, with every rule and the built-in catalogue.
pub fn check_in_process(dir: &Path, jobs: usize) -> InProcess {
    let opts = iislint::driver::Options {
        paths: vec![dir.to_path_buf()],
        config: iislint::config::Config::default(),
        catalog: iislint::catalog::Catalog::builtin(),
        select: None,
        ignore: vec![],
        no_ignore: false,
        jobs,
        prefilter: true,
    };
    let t = Instant::now();
    let run = iislint::driver::run(&opts).expect("the run starts");
    let wall = t.elapsed();
    let findings = run
        .active()
        .map(|d| {
            let f = run.file(d.file);
            Finding {
                path: relative(dir, &f.path),
                line: f.line_index(d.primary.start) + 1,
                rule: d.rule.to_owned(),
            }
        })
        .collect();
    InProcess {
        wall,
        findings,
        notices: run.notices.len(),
        stats: run.stats.clone(),
    }
}

fn relative(dir: &Path, path: &Path) -> String {
    let p = path.strip_prefix(dir).unwrap_or(path);
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// One child process, timed.
#[derive(Clone, Debug)]
pub struct ChildRun {
    pub wall: Duration,
    /// Peak resident set of the child (and of its own children it waited for), in KiB.
    pub peak_rss_kib: Option<u64>,
    /// Exit code (`None` when killed by a signal).
    pub exit: Option<i32>,
    pub stderr: String,
}

/// Run `cmd` with stdout to `stdout_to` and stderr captured, and wait for it.
pub fn run_child(cmd: &mut Command, stdout_to: &Path) -> std::io::Result<ChildRun> {
    let out = std::fs::File::create(stdout_to)?;
    let err_path = stdout_to.with_extension("stderr");
    let err = std::fs::File::create(&err_path)?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let t = Instant::now();
    let child = cmd.spawn()?;
    let (exit, peak) = wait_with_rusage(child)?;
    let wall = t.elapsed();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    Ok(ChildRun {
        wall,
        peak_rss_kib: peak,
        exit,
        stderr,
    })
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn wait_with_rusage(child: std::process::Child) -> std::io::Result<(Option<i32>, Option<u64>)> {
    // `struct rusage` on 64-bit Linux: two `struct timeval` (two longs each), then 14 longs,
    // the first of which is `ru_maxrss` (KiB).
    #[repr(C)]
    struct Rusage {
        utime: [i64; 2],
        stime: [i64; 2],
        maxrss: i64,
        rest: [i64; 13],
    }
    unsafe extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
    }
    let pid = child.id() as i32;
    let mut status = 0i32;
    let mut ru = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        maxrss: 0,
        rest: [0; 13],
    };
    loop {
        // SAFETY: `pid` is our own child, not yet waited for (std never reaps on its own);
        // `status` and `ru` are valid for writes and `Rusage` matches the kernel's layout on
        // 64-bit Linux.
        let r = unsafe { wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    let exit = if status & 0x7f == 0 {
        Some((status >> 8) & 0xff)
    } else {
        None
    };
    Ok((exit, Some(ru.maxrss.max(0) as u64)))
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn wait_with_rusage(mut child: std::process::Child) -> std::io::Result<(Option<i32>, Option<u64>)> {
    let status = child.wait()?;
    Ok((status.code(), None))
}

/// What iislint prints with `--stats`: the phases in milliseconds, and the counts around them.
#[derive(Clone, Debug, Default)]
pub struct Phases {
    pub discovery: f64,
    pub read: f64,
    /// The text pre-filter (`None` when the line has no `prefilter … ms`).
    pub prefilter: Option<f64>,
    pub parse: f64,
    pub analysis: f64,
    pub output: f64,
    /// Files checked (the line's first count; 0 when unrecognised).
    pub files: usize,
    /// Files the pre-filter let through to the parser (`N parsed`).
    pub files_parsed: Option<usize>,
    pub lines: usize,
    /// Analysis rounds (`(R rounds, …)`).
    pub analysis_rounds: Option<usize>,
    /// Functions analysed, of those lowered (`A of F functions`; summed over rounds).
    pub functions_analysed: Option<usize>,
    pub functions: Option<usize>,
}

/// Read the `iislint: stats:` line. Its wording may change: a missing phase among discovery,
/// read, parse and analysis makes it `None`; any other figure not recognised is `None` (or 0).
pub fn parse_stats(stderr: &str) -> Option<Phases> {
    let line = stderr.lines().find(|l| l.contains("stats:"))?;
    let rest = &line[line.find("stats:")? + "stats:".len()..];
    // Words, without the punctuation around them: `(12 found,` gives `12`, `found`.
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    let at = |names: &[&str]| words.iter().position(|w| names.contains(w));
    // `<name> <x> ms`
    let ms = |name: &str| -> Option<f64> {
        let i = at(&[name])?;
        (*words.get(i + 2)? == "ms")
            .then(|| words.get(i + 1)?.parse().ok())
            .flatten()
    };
    // `<n> <names>`
    let count =
        |names: &[&str]| -> Option<usize> { words.get(at(names)?.checked_sub(1)?)?.parse().ok() };
    // `<a> of <f> functions`
    let (functions_analysed, functions) = match at(&["functions", "function"]) {
        Some(i) if i >= 3 && words[i - 2] == "of" => {
            (words[i - 3].parse().ok(), words[i - 1].parse().ok())
        }
        _ => (None, None),
    };
    Some(Phases {
        discovery: ms("discovery")?,
        read: ms("read")?,
        prefilter: ms("prefilter"),
        parse: ms("parse")?,
        analysis: ms("analysis")?,
        output: ms("output").unwrap_or(0.0),
        files: count(&["files", "file"]).unwrap_or(0),
        files_parsed: count(&["parsed"]),
        lines: count(&["lines", "line"]).unwrap_or(0),
        analysis_rounds: count(&["rounds", "round"]),
        functions_analysed,
        functions,
    })
}

#[derive(Clone, Debug)]
pub struct BinaryCheck {
    pub run: ChildRun,
    pub findings: Vec<Finding>,
    pub phases: Option<Phases>,
    pub stats_line: Option<String>,
}

/// `iislint check --format json -o <scratch>/report.json --stats --jobs <jobs> <paths>` in
/// `dir`. Paths in the findings are relative to `dir`.
pub fn check_binary(
    bin: &Path,
    dir: &Path,
    paths: &[&str],
    jobs: usize,
    scratch: &Path,
) -> std::io::Result<BinaryCheck> {
    let report = scratch.join("iislint-report.json");
    let _ = std::fs::remove_file(&report);
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("check")
        .arg("--format")
        .arg("json")
        .arg("-o")
        .arg(&report)
        .arg("--stats")
        .arg("--jobs")
        .arg(jobs.to_string())
        .args(paths);
    let run = run_child(&mut cmd, &scratch.join("iislint-stdout.txt"))?;
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let findings = findings_from_json(&text, dir);
    let stats_line = run
        .stderr
        .lines()
        .find(|l| l.contains("stats:"))
        .map(str::to_owned);
    let phases = parse_stats(&run.stderr);
    Ok(BinaryCheck {
        run,
        findings,
        phases,
        stats_line,
    })
}

/// The active findings of a JSON report (schema in `docs/json.md`).
pub fn findings_from_json(text: &str, dir: &Path) -> Vec<Finding> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(list) = v.get("findings").and_then(|f| f.as_array()) else {
        return Vec::new();
    };
    list.iter()
        .filter(|f| f.get("suppressed").is_none_or(|s| s.is_null()))
        .filter_map(|f| {
            Some(Finding {
                path: relative(dir, Path::new(f.get("path")?.as_str()?)),
                line: f.get("start")?.get("line")?.as_u64()? as usize,
                rule: f.get("rule")?.as_str()?.to_owned(),
            })
        })
        .collect()
}

/// How the findings compare with the planted defects.
#[derive(Clone, Debug)]
pub struct PlantedCheck {
    pub planted: usize,
    pub found: usize,
    pub missing: Vec<Planted>,
    /// Findings at places where nothing was planted.
    pub other: Vec<Finding>,
}

pub fn compare(planted: &[Planted], findings: &[Finding]) -> PlantedCheck {
    use std::collections::HashSet;
    let got: HashSet<(&str, usize, &str)> = findings
        .iter()
        .map(|f| (f.path.as_str(), f.line, f.rule.as_str()))
        .collect();
    let want: HashSet<(&str, usize, &str)> = planted
        .iter()
        .map(|p| (p.path.as_str(), p.line, p.rule.as_str()))
        .collect();
    let missing: Vec<Planted> = planted
        .iter()
        .filter(|p| !got.contains(&(p.path.as_str(), p.line, p.rule.as_str())))
        .cloned()
        .collect();
    let other: Vec<Finding> = findings
        .iter()
        .filter(|f| !want.contains(&(f.path.as_str(), f.line, f.rule.as_str())))
        .cloned()
        .collect();
    PlantedCheck {
        planted: planted.len(),
        found: planted.len() - missing.len(),
        missing,
        other,
    }
}

/// A tool on `PATH` (or at a path) and its `--version` line, if it runs and the line contains
/// `must_contain` (`sg` is also the name of shadow-utils' `newgrp`).
pub fn find_tool(candidates: &[&str], must_contain: &str) -> Option<(PathBuf, String)> {
    for c in candidates {
        let Ok(out) = Command::new(c)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
        else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let first = text.lines().next().unwrap_or("").trim().to_owned();
        if out.status.success() && first.to_ascii_lowercase().contains(must_contain) {
            return Some((PathBuf::from(c), first));
        }
        if out.status.success() && must_contain == "semgrep" && !first.is_empty() {
            // `semgrep --version` prints the bare version number.
            return Some((PathBuf::from(c), format!("semgrep {first}")));
        }
    }
    None
}

/// Median of some durations.
pub fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}
