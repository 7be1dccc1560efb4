//! Fixture tests: every file under `testdata/` is a test of its own.
//!
//! Each top-level directory of `testdata/` is checked as one project (its files see each
//! other's declarations, as in a real source tree). A file's expectations are written inline:
//! `//~^ rule-id` under the offending line (one `^` per line up), or `//~ rule-id` at the end of
//! the offending line; several ids may be separated by commas. Every finding must be expected
//! and every expectation found: failures are listed as **Missing** (expected, not reported) and
//! **Noisy** (reported, not expected). A finding's line is the line where its primary location
//! starts.
//!
//! Each project is also checked with and without the pre-filter (`--no-prefilter`): the two runs
//! must report exactly the same findings, suppressions and notices.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use iislint::catalog::Catalog;
use iislint::config::Config;
use iislint::driver::{self, Options};
use libtest_mimic::{Arguments, Failed, Trial};

/// (path, line) → rule ids, for one project.
type Findings = BTreeMap<(PathBuf, usize), Vec<String>>;
type ProjectResult = Arc<Result<Findings, String>>;

fn project_findings(dir: &Path) -> ProjectResult {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, ProjectResult>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(dir.to_path_buf())
        .or_insert_with(|| Arc::new(run_project(dir)))
        .clone()
}

fn options(dir: &Path, prefilter: bool) -> Options {
    Options {
        paths: vec![dir.to_path_buf()],
        config: Config::default(),
        catalog: Catalog::builtin(),
        select: None,
        ignore: vec![],
        no_ignore: true,
        jobs: 1,
        prefilter,
    }
}

/// Everything a run of `dir` reports (suppressed findings and notices included), one line each.
fn everything(dir: &Path, prefilter: bool) -> Result<Vec<String>, String> {
    let run = driver::run(&options(dir, prefilter)).map_err(|e| e.to_string())?;
    let mut out: Vec<String> = run
        .diagnostics
        .iter()
        .map(|d| {
            let f = run.file(d.file);
            format!(
                "{}:{}: {} {} (suppressed: {:?})",
                f.path.display(),
                d.primary.start,
                d.rule,
                d.message,
                d.suppressed.is_some()
            )
        })
        .collect();
    out.extend(
        run.notices
            .iter()
            .map(|n| format!("{}: {}", n.path.display(), n.message)),
    );
    Ok(out)
}

/// The pre-filter parses only the files that can matter: the project's findings, suppressions
/// and notices must be exactly those of a run that parses every file.
fn same_without_prefilter(dir: &Path) -> Result<(), Failed> {
    let with = everything(dir, true)?;
    let without = everything(dir, false)?;
    if with == without {
        return Ok(());
    }
    let mut problems = Vec::new();
    for w in &without {
        if !with.contains(w) {
            problems.push(format!("lost by the pre-filter:  {w}"));
        }
    }
    for w in &with {
        if !without.contains(w) {
            problems.push(format!("only with the pre-filter: {w}"));
        }
    }
    Err(problems.join("\n").into())
}

fn run_project(dir: &Path) -> Result<Findings, String> {
    let opts = options(dir, true);
    let run = driver::run(&opts).map_err(|e| e.to_string())?;
    if let Some(n) = run.notices.first() {
        return Err(format!("{}: {}", n.path.display(), n.message));
    }
    let mut out = Findings::new();
    for d in run.active() {
        let f = run.file(d.file);
        let line = f.line_index(d.primary.start) + 1;
        out.entry((f.path.clone(), line))
            .or_default()
            .push(d.rule.to_owned());
    }
    Ok(out)
}

/// Parse the `//~` expectations of a file: line → rule ids.
fn expectations(text: &str) -> BTreeMap<usize, Vec<String>> {
    let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("//~") else { continue };
        let rest = &line[at + 3..];
        let carets = rest.chars().take_while(|c| *c == '^').count();
        let target = (i + 1).saturating_sub(carets);
        for id in rest[carets..].split(',') {
            let id = id.split_whitespace().next().unwrap_or("");
            if !id.is_empty() {
                out.entry(target).or_default().push(id.to_owned());
            }
        }
    }
    out
}

fn check_file(project: &Path, file: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let expected = expectations(&text);
    let findings = project_findings(project);
    let findings = findings.as_ref().as_ref().map_err(|e| e.clone())?;
    let mut actual: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for ((path, line), rules) in findings {
        if path == file {
            actual.insert(*line, rules.clone());
        }
    }
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let show = |line: usize| lines.get(line - 1).map_or("", |l| l.trim());
    let mut all_lines: Vec<usize> = expected.keys().chain(actual.keys()).copied().collect();
    all_lines.sort_unstable();
    all_lines.dedup();
    for line in all_lines {
        let mut want = expected.get(&line).cloned().unwrap_or_default();
        let mut got = actual.get(&line).cloned().unwrap_or_default();
        want.sort();
        got.sort();
        for w in &want {
            if let Some(i) = got.iter().position(|g| g == w) {
                got.remove(i);
            } else {
                problems.push(format!(
                    "Missing {w} at {}:{line}: {}",
                    file.display(),
                    show(line)
                ));
            }
        }
        for g in got {
            problems.push(format!(
                "Noisy   {g} at {}:{line}: {}",
                file.display(),
                show(line)
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if iislint::syntax::Language::of(&p).is_some() {
            out.push(p);
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut trials = Vec::new();
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    projects.sort();
    let mut total_files = 0;
    for project in projects.into_iter().filter(|p| p.is_dir()) {
        let mut files = Vec::new();
        walk(&project, &mut files);
        total_files += files.len();
        for file in files {
            let name = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let project = project.clone();
            trials.push(Trial::test(name, move || check_file(&project, &file)));
        }
        let name = format!(
            "{}/ same findings without the pre-filter",
            project.strip_prefix(&root).unwrap_or(&project).display()
        );
        trials.push(Trial::test(name, move || same_without_prefilter(&project)));
    }
    assert!(
        total_files > 0,
        "no fixtures found under {}",
        root.display()
    );
    libtest_mimic::run(&args, trials).exit();
}
