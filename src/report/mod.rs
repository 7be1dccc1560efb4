//! Rendering a run. The only module that formats findings for people or tools.
//!
//! Every renderer reads a [`Report`]: the run, the source root that machine-readable paths are
//! relative to, each finding's fingerprint, and which findings a baseline already knows.

pub mod fingerprint;
pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, FileId};
use crate::driver::Run;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable findings with the code shown.
    Text,
    /// One JSON document (schema in docs/json.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`): inline annotations.
    Github,
}

/// Whether a finding counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<'a> {
    Active,
    /// Silenced by an allow-comment, with its reason (possibly empty).
    Suppressed(&'a str),
    /// Already in the baseline given with `--baseline`.
    Baseline,
}

/// A run prepared for rendering.
pub struct Report<'a> {
    pub run: &'a Run,
    /// The absolute source root (the repository root by default).
    pub root: PathBuf,
    cwd: PathBuf,
    /// Per file: its path relative to `root`, `/`-separated; `None` when outside it.
    rel: Vec<Option<String>>,
    /// Per diagnostic: `iislint/v1` fingerprint.
    fingerprints: Vec<String>,
    /// Per diagnostic: matched by the baseline.
    baselined: Vec<bool>,
    /// The baseline file, when one was given.
    pub baseline: Option<PathBuf>,
}

impl<'a> Report<'a> {
    /// `root` and `cwd` must be absolute; the run's relative paths are relative to `cwd`.
    pub fn new(run: &'a Run, root: &Path, cwd: &Path) -> Self {
        let root = normalize(root);
        let cwd = normalize(cwd);
        let rel: Vec<Option<String>> = run
            .files
            .iter()
            .map(|f| relative_to(&root, &cwd, &f.path))
            .collect();
        let fingerprints = run
            .diagnostics
            .iter()
            .map(|d| {
                let f = run.file(d.file);
                let (line, _) = f.line_col(d.primary.start);
                let path = rel[d.file.0 as usize]
                    .clone()
                    .unwrap_or_else(|| slashed(&f.path));
                fingerprint::finding(d, &path, f.line_text(line))
            })
            .collect();
        Report {
            run,
            baselined: vec![false; run.diagnostics.len()],
            root,
            cwd,
            rel,
            fingerprints,
            baseline: None,
        }
    }

    /// Mark the findings a baseline knows (`matched` is parallel to `run.diagnostics`).
    pub fn set_baseline(&mut self, path: PathBuf, matched: Vec<bool>) {
        assert_eq!(matched.len(), self.run.diagnostics.len());
        self.baselined = matched;
        self.baseline = Some(path);
    }

    pub fn fingerprints(&self) -> &[String] {
        &self.fingerprints
    }

    pub fn fingerprint(&self, i: usize) -> &str {
        &self.fingerprints[i]
    }

    pub fn status(&self, i: usize) -> Status<'a> {
        let d = &self.run.diagnostics[i];
        match &d.suppressed {
            Some(reason) => Status::Suppressed(reason),
            None if self.baselined[i] => Status::Baseline,
            None => Status::Active,
        }
    }

    /// The findings that count, with their index in `run.diagnostics`.
    pub fn active(&self) -> impl Iterator<Item = (usize, &'a Diagnostic)> + '_ {
        self.run
            .diagnostics
            .iter()
            .enumerate()
            .filter(|(i, _)| self.status(*i) == Status::Active)
    }

    pub fn active_count(&self) -> usize {
        self.active().count()
    }

    pub fn suppressed_count(&self) -> usize {
        self.run
            .diagnostics
            .iter()
            .filter(|d| d.suppressed.is_some())
            .count()
    }

    pub fn baseline_count(&self) -> usize {
        (0..self.run.diagnostics.len())
            .filter(|&i| self.status(i) == Status::Baseline)
            .count()
    }

    /// The files with active findings.
    pub fn files_with_findings(&self) -> usize {
        let files: std::collections::BTreeSet<FileId> =
            self.active().map(|(_, d)| d.file).collect();
        files.len()
    }

    /// A file's path relative to the source root (`/`-separated), if it is inside it.
    pub fn root_relative(&self, file: FileId) -> Option<&str> {
        self.rel[file.0 as usize].as_deref()
    }

    /// Any path of the run (a file's or a notice's) relative to the source root.
    pub fn path_relative(&self, path: &Path) -> Option<String> {
        relative_to(&self.root, &self.cwd, path)
    }

    /// The path shown to machines: relative to the root, or the absolute path when outside it.
    pub fn machine_path(&self, path: &Path) -> String {
        self.path_relative(path)
            .unwrap_or_else(|| slashed(&normalize(&self.cwd.join(path))))
    }

    /// The absolute form of a path of the run.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }
}

/// The default source root: the nearest directory at or above `cwd` that holds `.git` (a
/// repository or a worktree), else `cwd` itself.
pub fn find_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Remove `.` and resolve `..` without touching the file system (symlinks are kept as named).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn relative_to(root: &Path, cwd: &Path, path: &Path) -> Option<String> {
    let abs = normalize(&cwd.join(path));
    let rel = abs.strip_prefix(root).ok()?;
    Some(slashed(rel))
}

/// A path with `/` between its components.
fn slashed(p: &Path) -> String {
    let parts: Vec<String> = p
        .components()
        .filter_map(|c| match c {
            Component::RootDir => None,
            c => Some(c.as_os_str().to_string_lossy().into_owned()),
        })
        .collect();
    let joined = parts.join("/");
    if p.has_root() && !matches!(p.components().next(), Some(Component::Prefix(_))) {
        format!("/{joined}")
    } else {
        joined
    }
}

pub fn render(
    format: Format,
    report: &Report,
    out: &mut dyn Write,
    color: bool,
    quiet: bool,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::render(report, out, color, quiet),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out, quiet),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_root() {
        let root = Path::new("/repo");
        let cwd = Path::new("/repo/src");
        assert_eq!(
            relative_to(root, cwd, Path::new("a/m.cpp")).as_deref(),
            Some("src/a/m.cpp")
        );
        assert_eq!(
            relative_to(root, cwd, Path::new("../b.cpp")).as_deref(),
            Some("b.cpp")
        );
        assert_eq!(
            relative_to(root, cwd, Path::new("/repo/./c/d.h")).as_deref(),
            Some("c/d.h")
        );
        assert_eq!(relative_to(root, cwd, Path::new("/elsewhere/x.cpp")), None);
        assert_eq!(relative_to(root, cwd, Path::new("../../x.cpp")), None);
        assert_eq!(slashed(Path::new("/elsewhere/x.cpp")), "/elsewhere/x.cpp");
    }
}
