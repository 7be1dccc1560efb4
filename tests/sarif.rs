//! SARIF output as GitHub code scanning reads it: the rule table, results with embedded links,
//! code flows, UTF-16 regions, line hashes, URIs relative to the source root, notifications.
//! (Microsoft's validator runs on the same three kinds of run in `.ci/sarif-validate.sh`.)

mod common;

use common::*;
use serde_json::Value;

fn sarif(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let o = iislint(dir, &all);
    (o.status.code(), json(&o.stdout))
}

#[test]
fn driver_lists_every_rule_with_docs_and_security_properties() {
    let (code, v) = sarif(&root(), &["testdata/cli/clean.cpp"]);
    assert_eq!(code, Some(0));
    let driver = &v["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "iislint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let listed = iislint(&root(), &["rules"]);
    let ids: Vec<String> = stdout(&listed)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect();
    let rules = driver["rules"].as_array().unwrap();
    let got: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(got, ids, "every rule, not only the ones that fired");
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert_ne!(
            r["name"], r["id"],
            "{id}: a friendly name differs from the id"
        );
        for key in ["shortDescription", "fullDescription"] {
            assert!(!r[key]["text"].as_str().unwrap().is_empty(), "{id} {key}");
        }
        let explain = stdout(&iislint(&root(), &["explain", id]));
        assert_eq!(
            r["help"]["markdown"],
            explain.as_str(),
            "{id}: help.markdown is the docs"
        );
        let text = r["help"]["text"].as_str().unwrap();
        for section in ["What it does", "Why is this bad?", "Example", "Use instead"] {
            assert!(text.contains(section), "{id}: help.text has {section}");
        }
        assert!(!text.contains("```"), "{id}: help.text is plain text");
        assert!(
            matches!(
                r["defaultConfiguration"]["level"].as_str(),
                Some("error" | "warning")
            ),
            "{id}"
        );
        let props = &r["properties"];
        let tags: Vec<&str> = props["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&"security"), "{id}: {tags:?}");
        assert!(
            matches!(
                props["precision"].as_str(),
                Some("very-high" | "high" | "medium" | "low")
            ),
            "{id}"
        );
        let sev: f64 = props["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&sev), "{id}: {sev}");
    }
    let static_rule = rules
        .iter()
        .find(|r| r["id"] == "request-scope-escape-static")
        .unwrap();
    assert_eq!(static_rule["name"], "RequestScopeEscapeStatic");
    assert_eq!(static_rule["defaultConfiguration"]["level"], "error");
    assert!(
        static_rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("external/cwe/cwe-416"))
    );
}

#[test]
fn a_result_links_its_allocation_and_carries_flows_regions_and_fingerprints() {
    let (code, v) = sarif(&root(), &["testdata/cli/defect.cpp"]);
    assert_eq!(code, Some(1));
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let res = &results[0];
    assert_eq!(res["ruleId"], "request-scope-escape-static");
    assert_eq!(
        run["tool"]["driver"]["rules"][res["ruleIndex"].as_u64().unwrap() as usize]["id"],
        res["ruleId"]
    );
    assert_eq!(res["level"], "error");

    // The first sentence stands alone; then links to the related locations by id.
    let msg = res["message"]["text"].as_str().unwrap();
    let first = msg.split(". ").next().unwrap();
    assert_eq!(
        first,
        "Request memory from `AllocateRequestMemory` is stored in the global `g_pszLast`, which outlives the request"
    );
    assert!(
        msg.contains("[request memory allocated by `AllocateRequestMemory` here](1)"),
        "{msg}"
    );
    let related = res["relatedLocations"].as_array().unwrap();
    let alloc = related.iter().find(|l| l["id"] == 1).expect("id 1");
    assert_eq!(alloc["physicalLocation"]["region"]["startLine"], 9);
    for l in related {
        let id = l["id"].as_u64().unwrap();
        assert!(
            msg.contains(&format!("]({id})")),
            "every related location is linked"
        );
    }

    // The primary location is the escape, relative to the source root.
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "testdata/cli/defect.cpp");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        loc["region"],
        serde_json::json!({ "startLine": 14, "startColumn": 5, "endLine": 14, "endColumn": 20 })
    );

    // One code flow per trace, as many steps as the JSON trace.
    let j = json(
        &iislint(
            &root(),
            &["check", "--format", "json", "testdata/cli/defect.cpp"],
        )
        .stdout,
    );
    let traces = j["findings"][0]["traces"].as_array().unwrap();
    let flows = res["codeFlows"].as_array().unwrap();
    assert_eq!(flows.len(), traces.len());
    for (flow, trace) in flows.iter().zip(traces) {
        let steps = flow["threadFlows"][0]["locations"].as_array().unwrap();
        assert_eq!(steps.len(), trace.as_array().unwrap().len());
        for (s, t) in steps.iter().zip(trace.as_array().unwrap()) {
            assert_eq!(
                s["location"]["physicalLocation"]["region"]["startLine"],
                t["start"]["line"]
            );
        }
    }

    // GitHub's line hash of line 14 (value derived independently, see report::fingerprint)
    // and iislint's own fingerprint, the same as in the JSON output.
    assert_eq!(
        res["partialFingerprints"]["primaryLocationLineHash"],
        "38c4e32945f5ed9:1"
    );
    assert_eq!(
        res["partialFingerprints"]["iislint/v1"],
        j["findings"][0]["fingerprint"]
    );
    assert_eq!(
        run["invocations"][0],
        serde_json::json!({ "executionSuccessful": true, "toolExecutionNotifications": [] })
    );
}

#[test]
fn regions_count_utf16_code_units_on_non_ascii_lines() {
    // An emoji (two UTF-16 units, one character, four bytes) and `ü` before the store.
    let src = "static char* g_p;\nvoid f(IHttpContext* c) {\n    char* p = (char*)c->AllocateRequestMemory(8);\n    /* \u{1F600} \u{FC} */ g_p = p;\n}\n";
    let dir = project(&[("m.cpp", src)]);
    let (_, v) = sarif(dir.path(), &["."]);
    let res = &v["runs"][0]["results"][0];
    let region = &res["locations"][0]["physicalLocation"]["region"];
    let before = "    /* \u{1F600} \u{FC} */ ";
    assert_eq!(before.encode_utf16().count(), 15);
    assert_eq!(before.chars().count(), 14);
    assert_eq!(region["startLine"], 4);
    assert_eq!(region["startColumn"], 16);
    assert_eq!(region["endColumn"], 16 + "g_p = p".len());
    // Derived independently (a direct, non-rolling computation of the upload action's hash).
    assert_eq!(
        res["partialFingerprints"]["primaryLocationLineHash"],
        "f1a777781964ab31:1"
    );
    let j = json(&iislint(dir.path(), &["check", "--format", "json", "."]).stdout);
    assert_eq!(
        j["findings"][0]["start"]["column"], 15,
        "JSON counts characters"
    );
}

#[test]
fn a_clean_run_has_no_results_and_succeeds() {
    let dir = project(&[("clean.cpp", CLEAN)]);
    let (code, v) = sarif(dir.path(), &["."]);
    assert_eq!(code, Some(0));
    let run = &v["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(
        !run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn files_that_could_not_be_analysed_are_notifications() {
    let dir = project(&[("m.cpp", DEFECT)]);
    std::fs::write(dir.path().join("blob.h"), b"\x7fELF\x00\x01\x02").unwrap();
    std::fs::write(dir.path().join("latin1.cpp"), b"// caf\xe9\nint x;\n").unwrap();
    let (code, v) = sarif(dir.path(), &["."]);
    assert_eq!(code, Some(1), "deliberate skips are warnings");
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    let got: Vec<(&str, &str)> = notes
        .iter()
        .map(|n| {
            (
                n["level"].as_str().unwrap(),
                n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("warning", "blob.h"), ("warning", "latin1.cpp")]);
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("binary file")
    );
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 1);
}

/// A file that exists but cannot be read even by root: `/proc/self/mem` at offset 0.
#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_makes_the_execution_unsuccessful() {
    let dir = project(&[("m.cpp", DEFECT)]);
    std::os::unix::fs::symlink("/proc/self/mem", dir.path().join("mem.cpp")).unwrap();
    let (code, v) = sarif(dir.path(), &["m.cpp", "mem.cpp"]);
    assert_eq!(code, Some(2));
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert!(
        n["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("mem.cpp: cannot read file"),
        "{n}"
    );
    assert_eq!(
        v["runs"][0]["results"].as_array().unwrap().len(),
        1,
        "the rest of the run still reports"
    );
}

#[test]
fn suppressed_findings_are_left_out_of_sarif_and_kept_in_json() {
    let src = "static char* g_p;\nvoid f(IHttpContext* c) {\n    char* p = (char*)c->AllocateRequestMemory(8);\n    g_p = p; // iislint: allow(request-scope-escape-static) cleared at end of request\n}\n";
    let dir = project(&[("m.cpp", src)]);
    let (code, v) = sarif(dir.path(), &["."]);
    assert_eq!(code, Some(0));
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
    let j = json(&iislint(dir.path(), &["check", "--format", "json", "."]).stdout);
    assert_eq!(
        j["findings"][0]["suppressed"],
        serde_json::json!({ "kind": "comment", "reason": "cleared at end of request" })
    );
}

#[test]
fn uris_are_relative_to_the_repository_root_from_any_directory() {
    let dir = project(&[("src/mod/m.cpp", DEFECT)]);
    let uri_of = |v: &Value| {
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (_, v) = sarif(&dir.path().join("src"), &["."]);
    assert_eq!(uri_of(&v), "src/mod/m.cpp");
    let (_, v) = sarif(&dir.path().join("src/mod"), &["../mod/m.cpp"]);
    assert_eq!(uri_of(&v), "src/mod/m.cpp");
    let (_, v) = sarif(dir.path(), &["src"]);
    assert_eq!(uri_of(&v), "src/mod/m.cpp");
    // --srcroot chooses another root.
    let (_, v) = sarif(dir.path(), &["--srcroot", "src", "src"]);
    assert_eq!(uri_of(&v), "mod/m.cpp");
    let base = v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(base.ends_with("/src/"), "{base}");
    let o = iislint(dir.path(), &["check", "--srcroot", "nope", "src"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn several_outputs_in_one_run() {
    let dir = project(&[("m.cpp", DEFECT)]);
    let o = iislint(
        dir.path(),
        &[
            "check",
            "--format",
            "text",
            "--sarif-file",
            "out.sarif",
            "--json-file",
            "out.json",
            ".",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("error[request-scope-escape-static]"));
    assert!(stdout(&o).ends_with("1 finding in 1 file, 1 file checked\n"));
    let s = read_json(&dir.path().join("out.sarif"));
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 1);
    let j = read_json(&dir.path().join("out.json"));
    assert_eq!(j["summary"]["findings"], 1);
    assert_eq!(
        s["runs"][0]["results"][0]["partialFingerprints"]["iislint/v1"],
        j["findings"][0]["fingerprint"]
    );
    // A report that cannot be written is a tool failure.
    let o = iislint(
        dir.path(),
        &["check", "--sarif-file", "no/such/dir/x.sarif", "."],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write `no/such/dir/x.sarif`"));
}
