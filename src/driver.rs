//! The pipeline of one run: discover → read → learn macros → parse and lower (parallel, one
//! parser per thread) → index the whole run → analyse (parallel) → suppressions → sort.
//! Each file is read once and parsed once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::analysis::{self, index::Index};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::discover::{self, Candidate};
use crate::ir::Module;
use crate::prefilter::{self, FileFacts, Needles};
use crate::source::{self, SourceFile};
use crate::suppress;
use crate::syntax::{self, preprocess::MacroTable};

/// Stack of each worker thread.
const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Files over this size are skipped unless the config says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// A file whose parse runs longer than this is skipped unless the config says otherwise.
pub const DEFAULT_PARSE_TIMEOUT_MS: u64 = 20_000;

/// A function whose control-flow graph has more basic blocks than this is not analysed unless
/// the config says otherwise. The dataflow's time and memory grow faster than the number of
/// blocks in generated shapes (measured in a release build: 12,000 blocks of `goto` spaghetti
/// take 8 s and 1.3 GB, 24,000 blocks 56 s and 5.2 GB; 15,000 blocks of allocations 2 s and
/// 1.4 GB), so the default keeps one function to a few seconds and about a gigabyte.
pub const DEFAULT_MAX_FUNCTION_BLOCKS: u64 = 10_000;

/// Test hook: when this environment variable is set and not empty, parsing any file whose path
/// contains its value panics, to prove end to end that a panic in one file becomes a notice for
/// that file and the rest of the run still reports. Not for users; the only environment read
/// outside `cli`.
pub const TEST_PANIC_ENV: &str = "IISLINT_TEST_PANIC_ON";

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub config: Config,
    pub catalog: Catalog,
    /// Rules chosen on the command line (override the config's `select`).
    pub select: Option<Vec<String>>,
    /// Rules switched off on the command line (added to the config's `ignore`).
    pub ignore: Vec<String>,
    pub no_ignore: bool,
    pub jobs: usize,
    /// Parse only the files that can matter (`prefilter`); `false` parses every file (same
    /// findings, slower: `--no-prefilter`).
    pub prefilter: bool,
}

/// Something about the run that is not a finding: a skipped file, an internal error.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    pub path: PathBuf,
    pub level: Severity,
    pub message: String,
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files_found: usize,
    pub files_checked: usize,
    /// Files parsed: those the pre-filter kept.
    pub files_parsed: usize,
    pub bytes: u64,
    pub lines: usize,
    pub discovery: Duration,
    pub read: Duration,
    /// Scanning texts for the pre-filter (and for callers, between analyses).
    pub prefilter: Duration,
    pub parse: Duration,
    pub analysis: Duration,
    /// Times the whole run was analysed: one, plus one per round of callers the pre-filter
    /// added.
    pub analysis_rounds: usize,
    /// Functions lowered, and those the pre-filter's function slice kept for analysis (summed
    /// over rounds; zero without the pre-filter).
    pub functions: usize,
    pub functions_analysed: usize,
}

pub struct Run {
    pub files: Vec<SourceFile>,
    /// Sorted by file, position and rule. Suppressed findings are kept, marked.
    pub diagnostics: Vec<Diagnostic>,
    pub notices: Vec<Notice>,
    pub stats: Stats,
}

impl Run {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Findings that were not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none())
    }

    /// True when a file could not be analysed because of an error (not a deliberate skip).
    pub fn has_errors(&self) -> bool {
        self.notices.iter().any(|n| n.level == Severity::Error)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

pub fn run(opts: &Options) -> Result<Run, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        // Lowering and analysis recurse with explicit depth limits; the larger stack is a
        // margin for frame sizes that differ between builds, not a substitute for the limits.
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    pool.install(|| run_in_pool(opts))
}

fn run_in_pool(opts: &Options) -> Result<Run, RunError> {
    let t = Instant::now();
    let (candidates, walk_notices) =
        discover::discover(&opts.paths, &opts.config, opts.no_ignore, opts.jobs)?;
    let discovery = t.elapsed();
    let mut run = check_candidates(opts, candidates);
    run.stats.discovery = discovery;
    run.notices.extend(walk_notices.into_iter().map(|n| Notice {
        path: n.path,
        level: if n.error {
            Severity::Error
        } else {
            Severity::Warning
        },
        message: n.message,
    }));
    run.notices.sort();
    Ok(run)
}

/// Read, parse and analyse the files found. A file that cannot be read (gone since it was
/// found, unreadable, binary, too large) becomes a notice; the rest are checked.
pub fn check_candidates(opts: &Options, candidates: Vec<Candidate>) -> Run {
    let mut stats = Stats {
        files_found: candidates.len(),
        ..Stats::default()
    };
    let mut notices = Vec::new();
    // Read and decode every file once.
    let t = Instant::now();
    let max = opts.config.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
    let read: Vec<(Candidate, Result<source::Decoded, source::SkipReason>)> = candidates
        .into_par_iter()
        .map(|c| {
            let r = source::read(&c.path, max);
            (c, r)
        })
        .collect();
    let mut files = Vec::new();
    let mut langs = Vec::new();
    for (c, r) in read {
        match r {
            Ok(decoded) => {
                if let Some(message) = decoded.warning() {
                    notices.push(Notice {
                        path: c.path.clone(),
                        level: Severity::Warning,
                        message,
                    });
                }
                let id = FileId(files.len() as u32);
                langs.push(c.language);
                files.push(SourceFile::new(id, c.path, decoded.text));
            }
            Err(reason) => notices.push(Notice {
                level: if reason.is_error() {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                path: c.path,
                message: reason.to_string(),
            }),
        }
    }
    stats.read = t.elapsed();
    check_files(opts, files, langs, notices, stats)
}

/// Parse, lower and analyse one in-memory file, as a run of that file alone with the built-in
/// catalogue, every rule and the default limits; suppressions are applied. The entry for fuzzing
/// and tests: `path_hint` picks the language (by extension) and names the file.
pub fn check_text(path_hint: &Path, text: &str) -> Run {
    check_text_with(path_hint, text, true)
}

/// [`check_text`], with the pre-filter on or off (`--no-prefilter`): the fuzz targets run both
/// and require the same findings.
pub fn check_text_with(path_hint: &Path, text: &str, prefilter: bool) -> Run {
    static OPTIONS: std::sync::OnceLock<[Options; 2]> = std::sync::OnceLock::new();
    let all = OPTIONS.get_or_init(|| {
        [false, true].map(|prefilter| Options {
            paths: Vec::new(),
            config: Config::default(),
            catalog: Catalog::builtin(),
            select: None,
            ignore: Vec::new(),
            no_ignore: false,
            jobs: 1,
            prefilter,
        })
    });
    let opts = &all[usize::from(prefilter)];
    let lang = syntax::Language::of(path_hint).unwrap_or(syntax::Language::Cpp);
    let file = SourceFile::new(FileId(0), path_hint.to_path_buf(), text.to_owned());
    let stats = Stats {
        files_found: 1,
        ..Stats::default()
    };
    check_files(opts, vec![file], vec![lang], Vec::new(), stats)
}

/// Parse, lower and analyse decoded files; `files[i]` has id `i` and language `langs[i]`.
fn check_files(
    opts: &Options,
    files: Vec<SourceFile>,
    langs: Vec<syntax::Language>,
    mut notices: Vec<Notice>,
    mut stats: Stats,
) -> Run {
    stats.files_checked = files.len();
    stats.bytes = files.iter().map(|f| f.text.len() as u64).sum();
    stats.lines = files.iter().map(|f| f.line_starts().len()).sum();

    // Macros: the catalogue's, the config's, and the simple ones the sources define.
    let t = Instant::now();
    let macros = macro_table(opts, &files, &langs, &mut notices);
    let learning = t.elapsed();
    let t = Instant::now();
    let lower = Lowering {
        files: &files,
        langs: &langs,
        macros: &macros,
        timeout_ms: opts
            .config
            .parse_timeout_ms
            .unwrap_or(DEFAULT_PARSE_TIMEOUT_MS),
        max_blocks: opts
            .config
            .max_function_blocks
            .unwrap_or(DEFAULT_MAX_FUNCTION_BLOCKS),
        panic_on: std::env::var(TEST_PANIC_ENV).ok().filter(|s| !s.is_empty()),
    };
    let mut modules: Vec<Module> = files.iter().map(|_| Module::default()).collect();
    // The pre-filter (`prefilter`): which files can matter. Without it, every file.
    let n = files.len();
    let needles = opts.prefilter.then(|| Needles::new(&opts.catalog));
    let facts: Vec<FileFacts> = if let Some(needles) = &needles {
        files
            .par_iter()
            .zip(langs.par_iter())
            .map(|(f, &lang)| {
                std::panic::catch_unwind(|| prefilter::scan(&f.text, lang, needles))
                    // A scan that fails parses the file: the pre-filter may only save work.
                    .unwrap_or_else(|_| FileFacts {
                        seed: true,
                        ..FileFacts::default()
                    })
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut selected: Vec<bool> = if opts.prefilter {
        facts.iter().map(|f| f.seed).collect()
    } else {
        vec![true; n]
    };
    let mut lowered = vec![false; n];
    let mut failed = vec![false; n];
    // Files by the names they define, and by their file names (for `#include`).
    let mut free_in: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut type_in: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut derived_in: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut named: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, fact) in facts.iter().enumerate() {
        for (names, map) in [
            (&fact.free, &mut free_in),
            (&fact.types, &mut type_in),
            (&fact.derives, &mut derived_in),
        ] {
            for d in names {
                map.entry(d.as_str()).or_default().push(i);
            }
        }
        if let Some(name) = files[i].path.file_name() {
            named
                .entry(name.to_string_lossy().to_ascii_lowercase())
                .or_default()
                .push(i);
        }
    }
    // Types the parsed files use and methods they call (for overrides in subclasses).
    let mut used_types: HashSet<String> = HashSet::new();
    let mut called_methods: HashSet<String> = HashSet::new();
    stats.prefilter = t.elapsed();
    let mut parse_time = learning;
    let mut analysis_time = Duration::ZERO;
    let analysis = loop {
        // Parse and lower what is selected, then what it includes and what defines the names
        // it uses, until nothing new is needed.
        let t = Instant::now();
        loop {
            let pending: Vec<usize> = (0..n).filter(|&i| selected[i] && !lowered[i]).collect();
            if pending.is_empty() {
                break;
            }
            for (i, m) in lower.run(&pending, &mut notices) {
                lowered[i] = true;
                match m {
                    Some(m) => modules[i] = m,
                    None => failed[i] = true,
                }
            }
            if !opts.prefilter {
                break;
            }
            let mut needs = prefilter::Needs::default();
            let mut includes: Vec<&str> = Vec::new();
            for &i in &pending {
                prefilter::needed_names(&modules[i], &mut needs);
                includes.extend(facts[i].includes.iter().map(String::as_str));
            }
            called_methods.extend(needs.methods.iter().map(|m| (*m).to_owned()));
            used_types.extend(needs.types.iter().map(|m| (*m).to_owned()));
            let mut select = |files: Option<&Vec<usize>>| {
                for &j in files.into_iter().flatten() {
                    selected[j] = true;
                }
            };
            for name in needs.free {
                select(free_in.get(name));
            }
            for name in needs.types {
                select(type_in.get(name));
            }
            for name in includes {
                select(named.get(name));
            }
            // Subclasses of the classes used that override a method called: a call through
            // the base class may reach them.
            for (base, derived) in &derived_in {
                if !used_types.contains(*base) || !type_in.contains_key(base) {
                    continue;
                }
                for &j in derived {
                    if !selected[j] && facts[j].methods.iter().any(|m| called_methods.contains(m)) {
                        selected[j] = true;
                    }
                }
            }
        }
        parse_time += t.elapsed();

        // Analyse the whole run (summaries cross files).
        let t = Instant::now();
        let pairs: Vec<(FileId, &Module)> =
            files.iter().map(|f| f.id).zip(modules.iter()).collect();
        let index = Index::new(&opts.catalog, &pairs);
        let enabled =
            |file: FileId, rule: &str| rule_enabled(opts, &files[file.0 as usize].path, rule);
        let slice = if let Some(needles) = &needles {
            let texts: Vec<&str> = files.iter().map(|f| f.text.as_str()).collect();
            prefilter::function_slice(&modules, &texts, needles)
        } else {
            Vec::new()
        };
        let analysed = |f: analysis::summary::FnRef| {
            slice.is_empty() || slice[f.file.0 as usize][f.index as usize]
        };
        let analysis = analysis::analyze_program(&index, &pairs, &enabled, &analysed);
        stats.functions += slice.iter().map(Vec::len).sum::<usize>();
        stats.functions_analysed += slice.iter().flatten().filter(|k| **k).count();
        analysis_time += t.elapsed();
        stats.analysis_rounds += 1;
        if !opts.prefilter {
            break analysis;
        }
        // Callers of functions that hand request-scoped values out: parse them and go again.
        let t = Instant::now();
        let unselected: Vec<(usize, &str)> = (0..n)
            .filter(|&i| !selected[i])
            .map(|i| (i, files[i].text.as_str()))
            .collect();
        let callers = prefilter::scan_words(&analysis.exported, &unselected);
        stats.prefilter += t.elapsed();
        if callers.is_empty() {
            break analysis;
        }
        for i in callers {
            selected[i] = true;
        }
    };
    stats.parse = parse_time;
    stats.files_parsed = lowered.iter().filter(|l| **l).count();
    stats.files_checked -= failed.iter().filter(|f| **f).count();
    for (file, message) in analysis.failures {
        notices.push(Notice {
            path: files[file.0 as usize].path.clone(),
            level: Severity::Error,
            message,
        });
    }
    let t = Instant::now();
    let mut diagnostics = analysis.diagnostics;
    let mut by_file: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
    for d in diagnostics.drain(..) {
        by_file[d.file.0 as usize].push(d);
    }
    let per_file: Vec<(Vec<Diagnostic>, Option<Notice>)> = files
        .par_iter()
        .zip(by_file.into_par_iter())
        .map(|(f, mut diags)| {
            let filter = |rule: &str| rule_enabled(opts, &f.path, rule);
            // A panic here leaves the file's findings unsuppressed, with an internal error.
            let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                suppress::apply(f, &mut diags, &filter)
            }));
            match applied {
                Ok(unused) => {
                    diags.extend(unused);
                    (diags, None)
                }
                Err(p) => {
                    for d in &mut diags {
                        d.suppressed = None;
                    }
                    let notice =
                        internal_error(&f.path, "applying suppressions", &panic_message(p));
                    (diags, Some(notice))
                }
            }
        })
        .collect();
    diagnostics = Vec::new();
    for (diags, notice) in per_file {
        diagnostics.extend(diags);
        notices.extend(notice);
    }
    stats.analysis = analysis_time + t.elapsed();

    diagnostics.sort_by(|a, b| {
        (a.file, a.primary.start, a.rule, &a.message).cmp(&(
            b.file,
            b.primary.start,
            b.rule,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| {
        a.file == b.file && a.primary == b.primary && a.rule == b.rule && a.message == b.message
    });
    notices.sort();
    Run {
        files,
        diagnostics,
        notices,
        stats,
    }
}

/// Parsing and lowering a set of files, with the per-file budgets.
struct Lowering<'a> {
    files: &'a [SourceFile],
    langs: &'a [syntax::Language],
    macros: &'a MacroTable,
    timeout_ms: u64,
    max_blocks: u64,
    panic_on: Option<String>,
}

impl Lowering<'_> {
    /// Parse and lower `which` (in parallel); `None` for a file that failed or ran out of
    /// time, with its notice.
    fn run(&self, which: &[usize], notices: &mut Vec<Notice>) -> Vec<(usize, Option<Module>)> {
        let lowered: Vec<(usize, Result<Module, Notice>)> =
            which.par_iter().map(|&i| (i, self.one(i))).collect();
        lowered
            .into_iter()
            .map(|(i, m)| match m {
                Ok(mut m) => {
                    let path = &self.files[i].path;
                    // The analysis budget: a function too large to analyse in reasonable time
                    // is left out (calls to it are unknown calls), with a notice.
                    m.functions.retain(|func| {
                        let blocks = func.body.blocks.len() as u64;
                        let fits = blocks <= self.max_blocks;
                        if !fits {
                            notices.push(Notice {
                                path: path.clone(),
                                level: Severity::Warning,
                                message: format!(
                                    "function `{}` has {blocks} basic blocks, over the limit of \
                                     {} (`[limits] max-function-blocks`), not analysed",
                                    func.name, self.max_blocks
                                ),
                            });
                        }
                        fits
                    });
                    (i, Some(m))
                }
                Err(notice) => {
                    notices.push(notice);
                    (i, None)
                }
            })
            .collect()
    }

    fn one(&self, i: usize) -> Result<Module, Notice> {
        let f = &self.files[i];
        let lang = self.langs[i];
        let timeout_ms = self.timeout_ms;
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        let parsed = std::panic::catch_unwind(|| {
            if let Some(p) = &self.panic_on
                && f.path.to_string_lossy().contains(p.as_str())
            {
                panic!("{TEST_PANIC_ENV} test hook");
            }
            syntax::parse_and_lower_until(lang, &f.text, self.macros, Some(deadline))
        });
        match parsed {
            Ok(Ok(mut m)) => {
                m.shrink_to_fit();
                Ok(m)
            }
            Ok(Err(syntax::Timeout)) => Err(Notice {
                path: f.path.clone(),
                level: Severity::Warning,
                message: format!(
                    "parsing took longer than {timeout_ms} ms (`[limits] parse-timeout-ms`), \
                     file skipped"
                ),
            }),
            Err(p) => Err(internal_error(&f.path, "parsing", &panic_message(p))),
        }
    }
}

fn macro_table(
    opts: &Options,
    files: &[SourceFile],
    langs: &[syntax::Language],
    notices: &mut Vec<Notice>,
) -> MacroTable {
    let mut table = opts.catalog.macros.clone();
    for spec in &opts.config.blank_macros {
        table.insert_spec(spec);
    }
    let base = table.clone();
    let per_file: Vec<Result<_, Notice>> = files
        .par_iter()
        .zip(langs.par_iter())
        .filter(|(f, l)| **l == syntax::Language::Cpp && f.text.contains("define"))
        .map(|(f, _)| {
            std::panic::catch_unwind(|| {
                (
                    base.learn_defines(&f.text),
                    syntax::preprocess::function_like_defines(&f.text),
                )
            })
            .map_err(|p| internal_error(&f.path, "reading macros", &panic_message(p)))
        })
        .collect();
    let mut learned = Vec::new();
    let mut functions = Vec::new();
    for r in per_file {
        match r {
            Ok((l, f)) => {
                learned.push(l);
                functions.push(f);
            }
            Err(notice) => notices.push(notice),
        }
    }
    for (name, action) in learned.into_iter().flatten() {
        if table.get(&name).is_none() {
            table.insert(&name, action);
        }
    }
    let functions: Vec<_> = functions.into_iter().flatten().collect();
    table.learn_controls(&functions);
    table
}

/// Is `rule` enabled for `path`: command line first, then the config.
pub fn rule_enabled(opts: &Options, path: &Path, rule: &str) -> bool {
    if opts.ignore.iter().any(|r| r == rule) {
        return false;
    }
    let selected = match &opts.select {
        Some(sel) => sel.iter().any(|r| r == rule),
        None => match &opts.config.select {
            Some(sel) => sel.iter().any(|r| r == rule),
            None => true,
        },
    };
    selected
        && !opts.config.ignore.iter().any(|r| r == rule)
        && !opts.config.ignored_for(path).contains(&rule)
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

fn internal_error(path: &Path, phase: &str, msg: &str) -> Notice {
    Notice {
        path: path.to_path_buf(),
        level: Severity::Error,
        message: format!("internal error during {phase}, file skipped: {msg}"),
    }
}
