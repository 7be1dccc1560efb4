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

/// Problems met while walking (unreadable directories, symlink loops): reported, not fatal.
pub type WalkNotice = (PathBuf, String);

pub fn discover(
    paths: &[PathBuf],
    config: &Config,
    no_ignore: bool,
    threads: usize,
) -> Result<(Vec<Candidate>, Vec<WalkNotice>), DiscoverError> {
    let found = Mutex::new(Vec::new());
    let notices = Mutex::new(Vec::new());
    for p in paths {
        let meta =
            std::fs::metadata(p).map_err(|_| DiscoverError::NotFound(p.display().to_string()))?;
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
                        if let Ok(mut n) = notices.lock() {
                            n.push((path, err.to_string()));
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

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => err_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}
