//! Helpers shared by the end-to-end test files (each includes this with `mod common;`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run iislint in `dir` with colour off.
pub fn iislint(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("iislint")
        .expect("binary built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("iislint runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary project with the given files. It holds a `.git` directory, so it is its own
/// source root (nothing above it is used).
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect("git dir");
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

pub fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

pub fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("valid JSON")
}

pub fn read_json(path: &Path) -> serde_json::Value {
    json(&std::fs::read(path).expect("report written"))
}

pub const DEFECT: &str = include_str!("../../testdata/cli/defect.cpp");
pub const CLEAN: &str = include_str!("../../testdata/cli/clean.cpp");
