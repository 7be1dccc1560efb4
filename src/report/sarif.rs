//! SARIF 2.1.0 output, shaped for GitHub code scanning and checked with Microsoft's SARIF
//! validator (rule kinds `Sarif;Gh`).
//!
//! - `tool.driver.rules` holds every rule, with its documentation as `help.text` and
//!   `help.markdown`, its default level and the properties GitHub reads (`tags`, `precision`,
//!   `security-severity`).
//! - One result per active finding (suppressed and baselined findings are left out). Its message
//!   is the finding's sentence, then embedded links (`[text](id)`) to its related locations; the
//!   primary location is where the value escapes; each trace is a `codeFlow`.
//! - URIs are relative to the source root (`%SRCROOT%`, resolved in `originalUriBaseIds`);
//!   regions are complete and their columns are UTF-16 code units (`columnKind`).
//! - `partialFingerprints` carries GitHub's `primaryLocationLineHash` (computed as the upload
//!   action would) and iislint's own `iislint/v1`, which `--baseline` reads.
//! - Files that could not be analysed are `toolExecutionNotifications` of the invocation.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path};

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, FileId, Label, Severity, Span};
use crate::driver::Run;
use crate::report::{Report, fingerprint};
use crate::rules::{self, Rule};

pub const INFORMATION_URI: &str = "https://github.com/iislint/iislint";
/// The base id of every relative URI.
pub const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key of iislint's own fingerprint.
pub const FINGERPRINT_KEY: &str = "iislint/v1";
/// The `partialFingerprints` key GitHub code scanning reads.
pub const LINE_HASH_KEY: &str = "primaryLocationLineHash";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Percent-encode a `/`-separated relative path as a URI reference.
pub fn uri(path: &str) -> String {
    encode(&path.replace('\\', "/"), b"-._~/")
}

/// A `file:` URI for an absolute path (with a trailing `/` when `dir`).
pub fn file_uri(path: &Path, dir: bool) -> String {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::RootDir => {}
            c => parts.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let mut s = String::from("file:///");
    s.push_str(&encode(&parts.join("/"), b"-._~/:"));
    if dir && !s.ends_with('/') {
        s.push('/');
    }
    s
}

fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
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
    let mut offset = offset.min(f.text.len());
    while !f.text.is_char_boundary(offset) {
        offset -= 1;
    }
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

/// An `artifactLocation` for a path of the run: relative to `%SRCROOT%`, or an absolute `file:`
/// URI when the path is outside the source root.
fn artifact(report: &Report, path: &Path) -> Value {
    match report.path_relative(path) {
        Some(rel) => json!({ "uri": uri(&rel), "uriBaseId": SRCROOT }),
        None => json!({ "uri": file_uri(&report.absolute(path), false) }),
    }
}

fn physical(report: &Report, file: FileId, span: Span) -> Value {
    let run = report.run;
    json!({
        "artifactLocation": artifact(report, &run.file(file).path),
        "region": region(run, file, span),
    })
}

fn location(report: &Report, l: &Label, id: Option<usize>) -> Value {
    let mut v = json!({
        "physicalLocation": physical(report, l.file, l.span),
        "message": { "text": sentence(&l.message) },
    });
    if let Some(id) = id {
        v["id"] = json!(id);
    }
    v
}

/// Escape text for a SARIF message: `[` and `]` would start or end an embedded link.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            // A backslash before a bracket would escape it; double it.
            '\\' if matches!(chars.peek(), Some('[' | ']')) => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

/// The text ending in a full stop.
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_owned()
    } else {
        format!("{t}.")
    }
}

/// The result message: the finding's sentence, which stands alone, then a sentence linking each
/// related location (`[text](id)`, ids as in `relatedLocations`).
pub fn message_text(d: &Diagnostic) -> String {
    let mut text = escape(&sentence(&d.message));
    if d.labels.is_empty() {
        return text;
    }
    let links: Vec<String> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| format!("[{}]({})", escape(l.message.trim()), i + 1))
        .collect();
    text.push_str(" See ");
    match links.split_last() {
        Some((last, [])) => text.push_str(last),
        Some((last, rest)) => {
            text.push_str(&rest.join(", "));
            text.push_str(" and ");
            text.push_str(last);
        }
        None => {}
    }
    text.push('.');
    text
}

/// `request-scope-escape-static` → `RequestScopeEscapeStatic` (SARIF's friendly name).
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// The rule's documentation as plain text (`help.text`): the same sections as
/// [`Rule::markdown`], without Markdown syntax.
pub fn help_text(r: &Rule) -> String {
    let indent = |code: &str| -> String {
        code.lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("    {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let refs: Vec<String> = r
        .references
        .iter()
        .map(|link| match markdown_link(link) {
            Some((title, url)) => format!("- {title}: {url}"),
            None => format!("- {link}"),
        })
        .collect();
    format!(
        "{summary}.\n\nWhat it does\n\n{what}\n\nWhy is this bad?\n\n{why}\n\nExample\n\n{ex}\n\nUse instead\n\n{ui}\n\nReferences\n\n{refs}\n",
        summary = r.summary.trim_end_matches('.'),
        what = r.what_it_does,
        why = r.why_is_this_bad,
        ex = indent(&r.example),
        ui = indent(&r.use_instead),
        refs = refs.join("\n"),
    )
}

/// `[title](url)` → `(title, url)`.
fn markdown_link(s: &str) -> Option<(&str, &str)> {
    let s = s.trim();
    let rest = s.strip_prefix('[')?;
    let (title, rest) = rest.split_once("](")?;
    let url = rest.strip_suffix(')')?;
    Some((title, url))
}

fn rule_descriptor(r: &Rule) -> Value {
    let mut tags = vec![
        "security".to_owned(),
        "correctness".to_owned(),
        "iis".to_owned(),
    ];
    tags.extend(r.cwe.iter().map(|n| format!("external/cwe/cwe-{n}")));
    json!({
        "id": r.id,
        "name": pascal_case(&r.id),
        "shortDescription": { "text": sentence(&r.summary) },
        "fullDescription": { "text": r.what_it_does },
        "help": { "text": help_text(r), "markdown": r.markdown() },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": tags,
            "precision": r.precision,
            "security-severity": r.security_severity,
        },
    })
}

/// GitHub's line hashes of the files with results, computed once per file.
struct LineHashes<'a> {
    run: &'a Run,
    files: HashMap<FileId, Vec<String>>,
}

impl LineHashes<'_> {
    fn get(&mut self, file: FileId, line: usize) -> Option<String> {
        let run = self.run;
        let hashes = self
            .files
            .entry(file)
            .or_insert_with(|| fingerprint::line_hashes(&run.file(file).text));
        hashes.get(line.checked_sub(1)?).cloned()
    }
}

fn result(report: &Report, i: usize, rule_index: usize, hashes: &mut LineHashes) -> Value {
    let run = report.run;
    let d = &run.diagnostics[i];
    let mut primary = json!({ "physicalLocation": physical(report, d.file, d.primary) });
    if !d.primary_label.is_empty() {
        primary["message"] = json!({ "text": sentence(&d.primary_label) });
    }
    let mut result = json!({
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": message_text(d) },
        "locations": [primary],
    });
    if !d.labels.is_empty() {
        let related: Vec<Value> = d
            .labels
            .iter()
            .enumerate()
            .map(|(n, l)| location(report, l, Some(n + 1)))
            .collect();
        result["relatedLocations"] = json!(related);
    }
    if !d.traces.is_empty() {
        let several = d.traces.len() > 1;
        let flows: Vec<Value> = d
            .traces
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let steps: Vec<Value> = t
                    .iter()
                    .map(|l| json!({ "location": location(report, l, None) }))
                    .collect();
                let mut flow = json!({ "threadFlows": [{ "locations": steps }] });
                if several {
                    flow["message"] =
                        json!({ "text": format!("Trace {} of {}.", n + 1, d.traces.len()) });
                }
                flow
            })
            .collect();
        result["codeFlows"] = json!(flows);
    }
    let mut fingerprints = serde_json::Map::new();
    let (line, _) = utf16_position(run, d.file, d.primary.start);
    if let Some(h) = hashes.get(d.file, line) {
        fingerprints.insert(LINE_HASH_KEY.into(), json!(h));
    }
    fingerprints.insert(FINGERPRINT_KEY.into(), json!(report.fingerprint(i)));
    result["partialFingerprints"] = Value::Object(fingerprints);
    result
}

/// The whole SARIF log as a JSON value.
pub fn document(report: &Report) -> Value {
    let run = report.run;
    let all = rules::all();
    let mut hashes = LineHashes {
        run,
        files: HashMap::new(),
    };
    let results: Vec<Value> = report
        .active()
        .map(|(i, d)| {
            let rule_index = all.iter().position(|r| r.id == d.rule).unwrap_or(0);
            result(report, i, rule_index, &mut hashes)
        })
        .collect();
    let notifications: Vec<Value> = run
        .notices
        .iter()
        .map(|n| {
            json!({
                "level": level(n.level),
                "message": { "text": sentence(&format!("{}: {}", report.machine_path(&n.path), n.message)) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(report, &n.path) } }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "iislint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": all.iter().map(rule_descriptor).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": !run.has_errors(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": {
                SRCROOT: { "uri": file_uri(&report.root, true) },
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("src/a b/ü.cpp"), "src/a%20b/%C3%BC.cpp");
        assert_eq!(
            file_uri(Path::new("/home/me/my repo"), true),
            "file:///home/me/my%20repo/"
        );
        assert_eq!(file_uri(Path::new("/"), true), "file:///");
    }

    #[test]
    fn message_escapes_brackets_and_links_related_locations() {
        assert_eq!(escape("a[0] = p"), "a\\[0\\] = p");
        assert_eq!(escape("x\\[y"), "x\\\\\\[y");
        assert_eq!(sentence("outlives the request"), "outlives the request.");
        assert_eq!(
            pascal_case("request-scope-escape-static"),
            "RequestScopeEscapeStatic"
        );
        assert_eq!(
            markdown_link("[IIS docs](https://learn.microsoft.com/x)"),
            Some(("IIS docs", "https://learn.microsoft.com/x"))
        );
    }
}
