//! `--baseline`: an earlier JSON or SARIF output; only findings it does not have are reported,
//! matched by fingerprint (rule, file, line content, trace shape), not by line number.

mod common;

use common::*;

/// A module with one escape; `extra` is inserted at the top (moving every line down) and
/// `body` at the end of the function.
fn module(extra: &str, body: &str) -> String {
    format!(
        "{extra}static char* g_pszLast = NULL;\nstatic char* g_pszOther = NULL;\n\nvoid Remember(IHttpContext* pHttpContext)\n{{\n    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);\n    g_pszLast = psz;\n{body}}}\n"
    )
}

fn findings(v: &serde_json::Value) -> Vec<(String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn only_new_findings_are_reported_after_code_moves() {
    for (format, file) in [("json", "baseline.json"), ("sarif", "baseline.sarif")] {
        let dir = project(&[("m.cpp", &module("", ""))]);
        let o = iislint(dir.path(), &["check", "--format", format, "-o", file, "."]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{format}: the baseline run has a finding"
        );

        // Code above moves the old finding down three lines: still known.
        write(dir.path(), "m.cpp", &module("// one\n// two\n\n", ""));
        let o = iislint(dir.path(), &["check", "--baseline", file, "."]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stdout(&o));
        assert_eq!(
            stdout(&o),
            "0 findings in 0 files, 1 file checked (1 in the baseline)\n"
        );

        // A new defect fails the run; only it is reported.
        write(
            dir.path(),
            "m.cpp",
            &module("// one\n// two\n\n", "    g_pszOther = psz;\n"),
        );
        let o = iislint(
            dir.path(),
            &["check", "--baseline", file, "--format", "json", "."],
        );
        assert_eq!(o.status.code(), Some(1), "{format}");
        let v = json(&o.stdout);
        assert_eq!(
            findings(&v),
            [("request-scope-escape-static".to_owned(), 11)],
            "{format}"
        );
        assert_eq!(v["summary"]["findings"], 1);
        assert_eq!(v["summary"]["baseline"], 1);
        let known = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| !f["suppressed"].is_null())
            .expect("the known finding is kept in JSON");
        assert_eq!(known["suppressed"]["kind"], "baseline");
        assert_eq!(
            known["suppressed"]["reason"],
            format!("in the baseline `{file}`")
        );
        assert_eq!(known["start"]["line"], 10);

        // The SARIF of a baselined run leaves the known finding out.
        let o = iislint(
            dir.path(),
            &["check", "--baseline", file, "--format", "sarif", "."],
        );
        let s = json(&o.stdout);
        let results = s["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            11
        );
    }
}

#[test]
fn a_changed_line_is_a_new_finding_and_whitespace_is_not() {
    let dir = project(&[("m.cpp", &module("", ""))]);
    iislint(
        dir.path(),
        &["check", "--format", "json", "-o", "b.json", "."],
    );
    // Re-indented: the same finding.
    let reindented = module("", "").replace("    g_pszLast = psz;", "\tg_pszLast  =  psz ;");
    write(dir.path(), "m.cpp", &reindented);
    let o = iislint(dir.path(), &["check", "--baseline", "b.json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A different line content: a new finding.
    let changed = module("", "").replace("    g_pszLast = psz;", "    g_pszLast = psz + 1;");
    write(dir.path(), "m.cpp", &changed);
    let o = iislint(dir.path(), &["check", "--baseline", "b.json", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

#[test]
fn each_baseline_entry_absorbs_one_finding() {
    // Two stores with the same line content and the same trace: one fingerprint, twice.
    let two = "static char* g_p = NULL;\nvoid A(IHttpContext* c)\n{\n    char* p = (char*)c->AllocateRequestMemory(8);\n    g_p = p;\n}\nvoid B(IHttpContext* c)\n{\n    char* p = (char*)c->AllocateRequestMemory(8);\n    g_p = p;\n}\n";
    let one = &two[..two.find("void B").unwrap()];
    let dir = project(&[("m.cpp", one)]);
    iislint(
        dir.path(),
        &["check", "--format", "json", "-o", "b.json", "."],
    );
    write(dir.path(), "m.cpp", two);
    let o = iislint(
        dir.path(),
        &["check", "--baseline", "b.json", "--format", "json", "."],
    );
    let v = json(&o.stdout);
    let fps: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), 2);
    assert_eq!(fps[0], fps[1], "same rule, file, line content and trace");
    assert_eq!(
        findings(&v),
        [("request-scope-escape-static".to_owned(), 10)]
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_baselined_runs_json_is_itself_a_baseline() {
    let dir = project(&[("m.cpp", &module("", ""))]);
    iislint(
        dir.path(),
        &["check", "--format", "json", "-o", "b1.json", "."],
    );
    let o = iislint(
        dir.path(),
        &[
            "check",
            "--baseline",
            "b1.json",
            "--json-file",
            "b2.json",
            ".",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = iislint(dir.path(), &["check", "--baseline", "b2.json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_finding_in_another_file_is_not_in_the_baseline() {
    let dir = project(&[("a.cpp", &module("", ""))]);
    iislint(
        dir.path(),
        &["check", "--format", "json", "-o", "b.json", "."],
    );
    write(dir.path(), "b.cpp", &module("", ""));
    let o = iislint(
        dir.path(),
        &["check", "--baseline", "b.json", "--format", "json", "."],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o.stdout);
    let active: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(active, ["b.cpp"]);
}

#[test]
fn a_broken_baseline_is_a_tool_failure() {
    let dir = project(&[
        ("m.cpp", DEFECT),
        (
            "old.json",
            "{\"version\":1,\"findings\":[{\"rule\":\"x\"}]}",
        ),
        (
            "other.sarif",
            "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"cppcheck\"}},\"results\":[]}]}",
        ),
        ("junk.json", "not json"),
    ]);
    for (file, expected) in [
        (
            "missing.json",
            "iislint: error: baseline `missing.json`: cannot read",
        ),
        (
            "old.json",
            "iislint: error: baseline `old.json`: finding 0 has no `fingerprint`",
        ),
        (
            "other.sarif",
            "iislint: error: baseline `other.sarif`: run 0 of this SARIF log is from `cppcheck`, not iislint",
        ),
        (
            "junk.json",
            "iislint: error: baseline `junk.json`: not JSON",
        ),
    ] {
        let o = iislint(dir.path(), &["check", "--baseline", file, "."]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        assert!(stderr(&o).starts_with(expected), "{file}: {}", stderr(&o));
        assert!(
            stdout(&o).is_empty(),
            "no report when the baseline is broken"
        );
    }
}
