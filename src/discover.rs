//! Finding the files to check: directories are walked in parallel with the `ignore` crate
//! (honouring `.gitignore`, `.ignore` and hidden files unless told not to); files named
//! explicitly are always checked, whatever their extension or ignore status. The config's
//! `exclude` globs apply to both.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::config::Config;
use crate::syntax::Language;

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("path `{0}` does not exist")]
    NotFound(String),
}

/// A file to check, with the language it is read as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub language: Language,
}

/// A problem met while walking: reported, not fatal. `error` is true when files may have been
/// missed (a directory or path that cannot be read), false for a broken ignore file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkNotice {
    pub path: PathBuf,
    pub message: String,
    pub error: bool,
}

pub fn discover(
    paths: &[PathBuf],
    config: &Config,
    no_ignore: bool,
    threads: usize,
) -> Result<(Vec<Candidate>, Vec<WalkNotice>), DiscoverError> {
    let found = Mutex::new(Vec::new());
    let notices = Mutex::new(Vec::new());
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(DiscoverError::NotFound(p.display().to_string()));
            }
            // It exists but cannot be looked at (a symlink loop, a directory above it that
            // cannot be searched): the rest of the run goes on, and the run fails.
            Err(e) => {
                if let Ok(mut n) = notices.lock() {
                    n.push(WalkNotice {
                        path: clean(p),
                        message: format!("cannot read path: {e}"),
                        error: true,
                    });
                }
                continue;
            }
        };
        if !meta.is_dir() {
            if !config.is_excluded(p) {
                let language = Language::of(p).unwrap_or(Language::Cpp);
                push(&found, clean(p), language);
            }
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(p);
        builder
            .standard_filters(!no_ignore)
            .follow_links(false)
            .threads(threads.max(1));
        if !no_ignore {
            builder.add_custom_ignore_filename(".iislintignore");
        }
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                use ignore::WalkState;
                match entry {
                    Ok(e) => {
                        let path = e.path();
                        if config.is_excluded(path) {
                            return if e.file_type().is_some_and(|t| t.is_dir()) {
                                WalkState::Skip
                            } else {
                                WalkState::Continue
                            };
                        }
                        if e.file_type().is_some_and(|t| t.is_file())
                            && let Some(language) = Language::of(path)
                        {
                            push(&found, clean(path), language);
                        }
                    }
                    Err(err) => {
                        let path = err_path(&err).unwrap_or_else(|| p.clone());
                        let notice = WalkNotice {
                            error: err.io_error().is_some(),
                            message: walk_message(&err),
                            path: clean(&path),
                        };
                        if let Ok(mut n) = notices.lock() {
                            n.push(notice);
                        }
                    }
                }
                WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap_or_default();
    found.sort();
    found.dedup_by(|a, b| a.path == b.path);
    let mut notices = notices.into_inner().unwrap_or_default();
    notices.sort();
    Ok((found, notices))
}

fn push(found: &Mutex<Vec<Candidate>>, path: PathBuf, language: Language) {
    if let Ok(mut f) = found.lock() {
        f.push(Candidate { path, language });
    }
}

/// `./src/a.cpp` → `src/a.cpp`, for display.
fn clean(p: &Path) -> PathBuf {
    p.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

/// The message of a walk error, without the path the notice names anyway.
fn walk_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            walk_message(err)
        }
        ignore::Error::Io(e) => format!("cannot read directory: {e}, skipped"),
        other => other.to_string(),
    }
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => err_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}
