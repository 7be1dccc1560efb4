//! SARIF 2.1.0 output: every rule in `tool.driver.rules`, one result per active finding with its
//! primary location, related locations and the trace as a code flow. Columns are UTF-16 code
//! units, as `columnKind` says.

use std::io::Write;

use serde_json::{Value, json};

use crate::diagnostic::{FileId, Label, Severity, Span};
use crate::driver::Run;
use crate::rules;

pub const INFORMATION_URI: &str = "https://github.com/iislint/iislint";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Percent-encode a relative path for a URI reference.
pub fn uri(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 1-based line and 1-based UTF-16 column of a byte offset.
pub fn utf16_position(run: &Run, file: FileId, offset: usize) -> (usize, usize) {
    let f = run.file(file);
    let offset = offset.min(f.text.len());
    let line = f.line_index(offset);
    let start = f.line_starts()[line];
    let col = f.text[start..offset].encode_utf16().count() + 1;
    (line + 1, col)
}

fn region(run: &Run, file: FileId, span: Span) -> Value {
    let (sl, sc) = utf16_position(run, file, span.start);
    let (el, ec) = utf16_position(run, file, span.end.max(span.start));
    json!({ "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec })
}

fn physical(run: &Run, file: FileId, span: Span) -> Value {
    json!({
        "artifactLocation": { "uri": uri(&run.file(file).path), "uriBaseId": "%SRCROOT%" },
        "region": region(run, file, span),
    })
}

fn location(run: &Run, l: &Label, id: Option<usize>) -> Value {
    let mut v = json!({
        "physicalLocation": physical(run, l.file, l.span),
        "message": { "text": l.message },
    });
    if let Some(id) = id {
        v["id"] = json!(id);
    }
    v
}

pub fn render(run: &Run, out: &mut dyn Write) -> std::io::Result<()> {
    let all = rules::all();
    let rules_json: Vec<Value> = all
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.what_it_does },
                "help": { "text": r.why_is_this_bad, "markdown": r.markdown() },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": ["security", "iis"] },
            })
        })
        .collect();
    let results: Vec<Value> = run
        .active()
        .map(|d| {
            let rule_index = all.iter().position(|r| r.id == d.rule).unwrap_or(0);
            let related: Vec<Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| location(run, l, Some(i + 1)))
                .collect();
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [ { "physicalLocation": physical(run, d.file, d.primary) } ],
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            if !d.traces.is_empty() {
                let flows: Vec<Value> = d
                    .traces
                    .iter()
                    .map(|t| {
                        let steps: Vec<Value> = t
                            .iter()
                            .map(|l| json!({ "location": location(run, l, None) }))
                            .collect();
                        json!({ "threadFlows": [{ "locations": steps }] })
                    })
                    .collect();
                result["codeFlows"] = json!(flows);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = run
        .notices
        .iter()
        .map(|n| {
            json!({
                "level": level(n.level),
                "message": { "text": format!("{}: {}", n.path.display(), n.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&n.path), "uriBaseId": "%SRCROOT%" } } }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "iislint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules_json,
            }},
            "invocations": [{
                "executionSuccessful": !run.has_errors(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": "file:///" } },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
