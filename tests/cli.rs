//! End-to-end tests of the `iislint` binary: exit codes, rendered output (insta snapshots),
//! configuration errors, suppressions and determinism.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run iislint in `dir` with colour off and no config discovery above the temp dirs.
fn iislint(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("iislint")
        .expect("binary built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("iislint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temp project with the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }
    dir
}

const DEFECT: &str = include_str!("../testdata/cli/defect.cpp");
const CLEAN: &str = include_str!("../testdata/cli/clean.cpp");

#[test]
fn text_output_shows_the_store_the_allocation_and_the_trace() {
    let o = iislint(&root(), &["check", "testdata/cli/defect.cpp"]);
    assert_eq!(o.status.code(), Some(1), "findings exit with 1");
    insta::assert_snapshot!("text_defect", stdout(&o));
}

#[test]
fn clean_file_exits_zero_with_summary() {
    let o = iislint(&root(), &["check", "testdata/cli/clean.cpp"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "0 findings in 0 files, 1 file checked\n");
}

#[test]
fn exit_zero_and_quiet() {
    let o = iislint(
        &root(),
        &["check", "--exit-zero", "-q", "testdata/cli/defect.cpp"],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("error[request-scope-escape-static]"));
    assert!(!out.contains("findings in"), "quiet drops the summary");
}

#[test]
fn json_output_is_stable() {
    let o = iislint(
        &root(),
        &["check", "--format", "json", "testdata/cli/defect.cpp"],
    );
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("json_defect", stdout(&o));
}

#[test]
fn json_columns_count_characters_and_sarif_columns_utf16() {
    let o = iislint(
        &root(),
        &["check", "--format", "json", "testdata/cli/unicode.cpp"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let f = &v["findings"][0];
    assert_eq!(f["start"]["line"], 6);
    // `    /* äöü — */ wchar_t* pw = ...; g_pwszSummary = pw;`
    let line = "    /* äöü — */ wchar_t* pw = reinterpret_cast<wchar_t*>(pHttpContext->AllocateRequestMemory(8)); ";
    assert_eq!(f["start"]["column"], line.chars().count() + 1);
    let o = iislint(
        &root(),
        &["check", "--format", "sarif", "testdata/cli/unicode.cpp"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif");
    let region = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], line.encode_utf16().count() + 1);
    assert_eq!(region["startLine"], 6);
}

#[test]
fn sarif_has_rules_results_and_trace() {
    let o = iislint(
        &root(),
        &["check", "--format", "sarif", "testdata/cli/defect.cpp"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif json");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "request-scope-escape-static")
    );
    let res = &run["results"][0];
    assert_eq!(res["ruleId"], "request-scope-escape-static");
    assert_eq!(
        rules[res["ruleIndex"].as_u64().unwrap() as usize]["id"],
        res["ruleId"]
    );
    assert_eq!(
        res["locations"][0]["physicalLocation"]["region"]["startLine"],
        14
    );
    assert_eq!(
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "testdata/cli/defect.cpp"
    );
    let flow = &res["codeFlows"][0]["threadFlows"][0]["locations"];
    assert_eq!(
        flow.as_array().unwrap().len(),
        3,
        "allocation, assignment, store"
    );
}

#[test]
fn output_file_option_writes_the_report() {
    let dir = project(&[("m.cpp", DEFECT)]);
    let o = iislint(
        dir.path(),
        &["check", "--format", "json", "-o", "out.json", "."],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    let text = std::fs::read_to_string(dir.path().join("out.json")).expect("report written");
    assert!(text.contains("\"rule\": \"request-scope-escape-static\""));
}

#[test]
fn missing_path_is_a_usage_error() {
    let o = iislint(&root(), &["check", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "iislint: error: path `no/such/dir` does not exist\n"
    );
}

#[test]
fn unknown_rule_in_select_is_a_usage_error() {
    let o = iislint(
        &root(),
        &[
            "check",
            "--select",
            "request-scope-escape-statik",
            "testdata/cli",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("iislint: error: unknown rule `request-scope-escape-statik`"));
}

#[test]
fn select_and_ignore_choose_rules() {
    let dir = project(&[("m.cpp", DEFECT)]);
    let o = iislint(
        dir.path(),
        &["check", "--ignore", "request-scope-escape-static", "."],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = iislint(
        dir.path(),
        &["check", "--select", "unused-suppression", "."],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = iislint(
        dir.path(),
        &["check", "--select", "request-scope-escape-static", "."],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn broken_config_names_file_line_and_key() {
    let dir = project(&[
        ("m.cpp", DEFECT),
        (
            "iislint.toml",
            "ignore = []\nselekt = [\"request-scope-escape-static\"]\n",
        ),
    ]);
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("iislint: error: "), "{err}");
    assert!(
        err.contains("iislint.toml:2:1: unknown key `selekt`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn config_is_found_upwards_and_applies() {
    let dir = project(&[
        ("src/deep/m.cpp", DEFECT),
        ("iislint.toml", "exclude = [\"src/deep/**\"]\n"),
    ]);
    let o = iislint(&dir.path().join("src"), &["check", "."]);
    // The config's exclude is relative to the config file's directory.
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 files checked"));
}

#[test]
fn config_per_file_ignores_and_extra_api() {
    let wrapper = "static char* g_p;\nvoid f(CPool* pool) {\n    char* p = (char*)pool->Grab(8);\n    g_p = p;\n}\n";
    let dir = project(&[
        ("a/m.cpp", DEFECT),
        ("b/w.cpp", wrapper),
        (
            "iislint.toml",
            "[per-file-ignores]\n\"a/**\" = [\"request-scope-escape-static\"]\n\n[api]\nrequest-memory = [\"CPool::Grab\"]\n",
        ),
    ]);
    let o = iislint(dir.path(), &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec!["b/w.cpp"],
        "a/ ignored; the configured wrapper is a source"
    );
}

#[test]
fn unknown_macros_are_blanked_from_config_or_learned_from_defines() {
    // Without help, `MY_EXPORT(void) f(...) MY_NOEXCEPT` does not parse as a function.
    let src = "static char* g_p;\nMY_EXPORT(void) Remember(IHttpContext* pHttpContext) MY_NOEXCEPT\n{\n    char* p = (char*)pHttpContext->AllocateRequestMemory(8);\n    g_p = p;\n}\n";
    let count = |dir: &Path| {
        let o = iislint(dir, &["check", "--format", "json", "."]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["summary"]["findings"].as_u64().unwrap()
    };
    let bare = project(&[("m.cpp", src)]);
    assert_eq!(
        count(bare.path()),
        0,
        "the unblanked macro hides the function"
    );
    let configured = project(&[
        ("m.cpp", src),
        (
            "iislint.toml",
            "[preprocess]\nblank-macros = [\"MY_NOEXCEPT\"]\n",
        ),
    ]);
    assert_eq!(
        count(configured.path()),
        1,
        "blank-macros from iislint.toml"
    );
    let learned = project(&[("m.cpp", src), ("defs.h", "#define MY_NOEXCEPT\n")]);
    assert_eq!(
        count(learned.path()),
        1,
        "an empty #define elsewhere in the run"
    );
}

#[test]
fn suppressions_silence_and_unused_ones_are_reported() {
    let src = "static char* g_p;\nstatic char* g_q;\nvoid f(IHttpContext* pHttpContext) {\n    char* p = (char*)pHttpContext->AllocateRequestMemory(8);\n    // iislint: allow(request-scope-escape-static) freed by the owner before the request ends\n    g_p = p;\n    g_q = p; // iislint: allow(request-scope-escape-static)\n    // iislint: allow(request-scope-escape-static) nothing here\n    p = 0;\n    // iislint: allow(no-such-rule)\n    p = 0;\n}\n";
    let dir = project(&[("m.cpp", src)]);
    let o = iislint(dir.path(), &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let got: Vec<(String, u64, bool)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["start"]["line"].as_u64().unwrap(),
                !f["suppressed"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("request-scope-escape-static".to_owned(), 6, true),
            ("request-scope-escape-static".to_owned(), 7, true),
            ("unused-suppression".to_owned(), 8, false),
            ("unused-suppression".to_owned(), 10, false),
        ]
    );
    assert_eq!(
        v["findings"][0]["suppressed"]["reason"],
        "freed by the owner before the request ends"
    );
    // Suppressed findings do not count; the unused suppressions do (warnings).
    assert_eq!(o.status.code(), Some(1));
    // allow-file silences the rule for the whole file.
    let dir = project(&[(
        "m.cpp",
        "// iislint: allow-file(request-scope-escape-static)\nstatic char* g_p;\nvoid f(IHttpContext* c) { g_p = (char*)c->AllocateRequestMemory(1); }\n",
    )]);
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("(1 suppressed)"));
}

#[test]
fn gitignore_is_honoured_unless_no_ignore_and_named_files_always_checked() {
    let dir = project(&[
        ("vendor/m.cpp", DEFECT),
        (".gitignore", "vendor/\n"),
        ("clean.cpp", CLEAN),
    ]);
    std::fs::create_dir(dir.path().join(".git")).expect("git dir");
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = iislint(dir.path(), &["check", "--no-ignore", "."]);
    assert_eq!(o.status.code(), Some(1));
    let o = iislint(dir.path(), &["check", "vendor/m.cpp"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a file named explicitly is checked"
    );
}

#[test]
fn output_is_identical_for_any_jobs() {
    let args = ["check", "--format", "json", "testdata"];
    let one = iislint(&root(), &[&args[..], &["--jobs", "1"]].concat());
    let two = iislint(&root(), &[&args[..], &["--jobs", "2"]].concat());
    let four = iislint(&root(), &[&args[..], &["--jobs", "4"]].concat());
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn bad_files_are_reported_and_the_rest_still_checked() {
    let dir = project(&[("m.cpp", DEFECT)]);
    std::fs::write(dir.path().join("blob.h"), b"\x7fELF\x00\x01\x02").expect("write");
    std::fs::write(dir.path().join("latin1.cpp"), b"// caf\xe9\nint x;\n").expect("write");
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the finding in m.cpp is still reported"
    );
    let err = stderr(&o);
    assert!(err.contains("blob.h: binary file"), "{err}");
    assert!(err.contains("latin1.cpp: not valid UTF-8"), "{err}");
}

#[test]
fn rules_and_explain() {
    let o = iislint(&root(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("rules_table", stdout(&o));
    let o = iislint(&root(), &["explain", "request-scope-escape-static"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for heading in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## References",
    ] {
        assert!(text.contains(heading), "missing {heading}");
    }
    let o = iislint(&root(), &["explain", "nope"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_and_version() {
    let o = iislint(&root(), &["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!("iislint {}\n", env!("CARGO_PKG_VERSION"))
    );
    let o = iislint(&root(), &["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Examples:"));
    let o = iislint(&root(), &["check", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn github_format_prints_workflow_commands() {
    let o = iislint(
        &root(),
        &["check", "--format", "github", "testdata/cli/defect.cpp"],
    );
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("github_defect", stdout(&o));
}

#[test]
fn github_format_escapes_properties_and_messages_and_annotates_skipped_files() {
    let dir = project(&[("src/a,b:c.cpp", DEFECT)]);
    std::fs::create_dir(dir.path().join(".git")).expect("git dir");
    std::fs::write(dir.path().join("src/blob.h"), b"\x7fELF\x00").expect("write");
    // Run from a subdirectory: paths are relative to the repository root, as GitHub wants.
    let o = iislint(
        &dir.path().join("src"),
        &["check", "--format", "github", "-q", "."],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            "::error file=src/a%2Cb%3Ac.cpp,line=14,col=5,endLine=14,endColumn=20,title=request-scope-escape-static::Request memory from `AllocateRequestMemory` is stored in the global `g_pszLast`, which outlives the request%0Atrace:%0A  1. src/a,b:c.cpp:9:24: "
        ),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "::warning file=src/blob.h,title=iislint::src/blob.h: binary file (contains NUL bytes), skipped"
    );
}

#[test]
fn the_prefilter_skips_only_files_that_cannot_matter() {
    // Of the closure fixture's six files, only unrelated.cpp reaches nothing of the API and is
    // reached by nothing; the other five are parsed (seed, include, callees, caller).
    let dir = root().join("testdata/prefilter-closure");
    let o = iislint(&dir, &["check", "--stats", "--jobs", "1", "."]);
    let err = stderr(&o);
    assert!(err.contains("6 files (6 found, 5 parsed)"), "{err}");
    assert!(stdout(&o).ends_with("4 findings in 4 files, 6 files checked\n"));
    let all = iislint(&dir, &["check", "--stats", "--no-prefilter", "."]);
    assert!(
        stderr(&all).contains("6 files (6 found, 6 parsed)"),
        "{}",
        stderr(&all)
    );
    assert_eq!(stdout(&all), stdout(&o));
}
