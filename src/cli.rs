//! The command line. Parses arguments, loads the configuration, runs the driver, renders.
//! Exit codes: 0 no findings, 1 findings, 2 usage, configuration or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::baseline;
use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::driver::{self, Options};
use crate::report::{self, Format, Report};
use crate::rules;

const AFTER_HELP: &str = "\
Examples:
  iislint check                         check the current directory
  iislint check src/ --format sarif -o iislint.sarif
  iislint check --sarif-file iislint.sarif --json-file iislint.json
                                        text on the terminal, SARIF and JSON files
  iislint check --baseline iislint-baseline.json
                                        report only findings the baseline does not have
  iislint check module.cpp --select request-scope-escape-static
  iislint rules                         list the rules
  iislint explain request-scope-escape-static

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or I/O error.";

#[derive(Parser, Debug)]
#[command(
    name = "iislint",
    version,
    about = "Finds request-scoped memory that outlives its request in native IIS modules",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check C/C++ (and Rust) sources for lifetime defects
    #[command(after_help = AFTER_HELP)]
    Check(Box<CheckArgs>),
    /// List the rules
    Rules,
    /// Print a rule's documentation
    Explain {
        /// The rule id, e.g. request-scope-escape-static
        rule: String,
    },
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a SARIF 2.1.0 report to FILE
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,
    /// Also write a JSON report to FILE
    #[arg(long, value_name = "FILE")]
    pub json_file: Option<PathBuf>,
    /// Report only findings that are not in FILE (an earlier JSON or SARIF output of iislint)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Make SARIF URIs, GitHub annotation paths and fingerprints relative to DIR (default: the
    /// git work tree around the current directory, else the current directory)
    #[arg(long, value_name = "DIR")]
    pub srcroot: Option<PathBuf>,
    /// Run only these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Option<Vec<String>>,
    /// Do not run these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Use this configuration file instead of looking for iislint.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: number of cores)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Exit with 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,
    /// Do not honour .gitignore, .ignore and hidden-file rules
    #[arg(long)]
    pub no_ignore: bool,
    /// Print only the findings (no summary line, no notices)
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print timings and counts to standard error
    #[arg(long)]
    pub stats: bool,
    /// Parse every file, not only those that can reach the IIS API (same findings, slower;
    /// for checking the pre-filter)
    #[arg(long)]
    pub no_prefilter: bool,
}

/// Run the command line; `main` only maps the result to the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("iislint: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Rules => {
            let mut out = std::io::stdout().lock();
            let width = rules::all().iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in rules::all() {
                writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.summary
                )?;
            }
            Ok(0)
        }
        Command::Explain { rule } => match rules::get(&rule) {
            Some(r) => {
                print!("{}", r.markdown());
                Ok(0)
            }
            None => anyhow::bail!(
                "unknown rule `{rule}` (known rules: {})",
                rules::ids().join(", ")
            ),
        },
        Command::Check(args) => check(*args),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<u8> {
    let known = rules::ids();
    for id in args.select.iter().flatten().chain(&args.ignore) {
        if !known.contains(&id.as_str()) {
            anyhow::bail!("unknown rule `{id}` (known rules: {})", known.join(", "));
        }
    }
    let cwd = std::env::current_dir()?;
    let root = match &args.srcroot {
        Some(dir) => {
            if !dir.is_dir() {
                anyhow::bail!("--srcroot `{}` is not a directory", dir.display());
            }
            cwd.join(dir)
        }
        None => report::find_root(&cwd),
    };
    let baseline = match &args.baseline {
        Some(p) => Some(baseline::load(p)?),
        None => None,
    };
    let config = match &args.config {
        Some(p) => config::load(p, &known)?,
        None => match config::discover(&cwd) {
            Some(p) => config::load(&p, &known)?,
            None => Config::default(),
        },
    };
    let mut catalog = Catalog::builtin();
    for spec in &config.request_memory {
        catalog.add_request_memory(spec);
    }
    let jobs = match args.jobs {
        Some(0) => anyhow::bail!("--jobs must be at least 1"),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let opts = Options {
        paths: args.paths,
        config,
        catalog,
        select: args.select,
        ignore: args.ignore,
        no_ignore: args.no_ignore,
        jobs,
        prefilter: !args.no_prefilter,
    };
    let run = driver::run(&opts)?;

    let t = std::time::Instant::now();
    let mut rep = Report::new(&run, &root, &cwd);
    if let Some(b) = &baseline {
        b.apply(&mut rep);
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let write_file = |format: Format, path: &PathBuf| -> anyhow::Result<()> {
        let mut buf = Vec::new();
        report::render(format, &rep, &mut buf, false, args.quiet)?;
        std::fs::write(path, buf)
            .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", path.display()))
    };
    match &args.output {
        Some(path) => write_file(args.format, path)?,
        None => {
            let mut out = std::io::stdout().lock();
            report::render(args.format, &rep, &mut out, color, args.quiet)?;
            out.flush()?;
        }
    }
    if let Some(path) = &args.sarif_file {
        write_file(Format::Sarif, path)?;
    }
    if let Some(path) = &args.json_file {
        write_file(Format::Json, path)?;
    }
    let output_time = t.elapsed();
    if args.format == Format::Text && !args.quiet || run.has_errors() {
        for n in &run.notices {
            eprintln!(
                "iislint: {}: {}: {}",
                n.level.as_str(),
                n.path.display(),
                n.message
            );
        }
    }
    if args.stats {
        let s = &run.stats;
        eprintln!(
            "iislint: stats: {} files ({} found, {} parsed), {} bytes, {} lines; discovery {:.1} ms, read {:.1} ms, prefilter {:.1} ms, parse {:.1} ms, analysis {:.1} ms ({} {}, {} of {} functions), output {:.1} ms",
            s.files_checked,
            s.files_found,
            s.files_parsed,
            s.bytes,
            s.lines,
            ms(s.discovery),
            ms(s.read),
            ms(s.prefilter),
            ms(s.parse),
            ms(s.analysis),
            s.analysis_rounds,
            if s.analysis_rounds == 1 {
                "round"
            } else {
                "rounds"
            },
            s.functions_analysed,
            s.functions,
            ms(output_time),
        );
    }
    if run.has_errors() {
        return Ok(2);
    }
    let findings = rep.active_count() > 0;
    Ok(if findings && !args.exit_zero { 1 } else { 0 })
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
