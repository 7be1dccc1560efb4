//! The CI documentation stays true: every key of the JSON output is documented in docs/json.md,
//! the pre-commit hook definition has what docs/ci.md promises, and docs/ci.md's workflow
//! uploads SARIF with the permission it needs.

mod common;

use common::*;

fn keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn every_json_key_is_documented() {
    // A finding, a suppressed one, a baselined one and a notice: every kind of field.
    let src = "static char* g_p;\nstatic char* g_q;\nvoid f(IHttpContext* c) {\n    char* p = (char*)c->AllocateRequestMemory(8);\n    g_p = p; // iislint: allow(request-scope-escape-static) reason\n    g_q = p;\n}\n";
    let dir = project(&[("m.cpp", src), ("d.cpp", DEFECT)]);
    std::fs::write(dir.path().join("blob.h"), b"a\0b").unwrap();
    iislint(dir.path(), &["check", "--json-file", "b.json", "d.cpp"]);
    let o = iislint(
        dir.path(),
        &["check", "--format", "json", "--baseline", "b.json", "."],
    );
    let v = json(&o.stdout);
    let kinds: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["suppressed"]["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["baseline", "comment"], "both kinds present");
    let mut all = std::collections::BTreeSet::new();
    keys(&v, &mut all);
    let doc = std::fs::read_to_string(root().join("docs/json.md")).unwrap();
    for k in &all {
        assert!(
            doc.contains(&format!("\"{k}\":")),
            "docs/json.md does not document `{k}`"
        );
    }
}

#[test]
fn the_pre_commit_hook_is_defined_as_documented() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    for line in [
        "- id: iislint",
        "entry: iislint check",
        "language: rust",
        "types_or: [c, c++, rust]",
        "require_serial: true",
    ] {
        assert!(
            hooks.lines().any(|l| l.trim_start_matches("  ") == line),
            "{line}"
        );
    }
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    assert!(ci.contains("- id: iislint"));
}

#[test]
fn the_documented_workflow_uploads_sarif() {
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    for needle in [
        "security-events: write",
        "uses: github/codeql-action/upload-sarif@",
        "sarif_file: iislint.sarif",
        "iislint check --format github --sarif-file iislint.sarif .",
        "if: always()",
    ] {
        assert!(ci.contains(needle), "docs/ci.md lacks `{needle}`");
    }
    // The flags the page documents exist.
    let help = stdout(&iislint(&root(), &["check", "--help"]));
    for flag in [
        "--sarif-file",
        "--json-file",
        "--baseline",
        "--srcroot",
        "--exit-zero",
    ] {
        assert!(help.contains(flag), "{flag}");
        assert!(ci.contains(flag), "docs/ci.md mentions {flag}");
    }
    assert!(help.contains("github"));
}
