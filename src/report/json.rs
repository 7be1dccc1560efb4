//! JSON output. The schema is documented in `docs/json.md` and versioned by `version`.

use std::io::Write;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, FileId, Label, Span};
use crate::driver::Run;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<Finding<'a>>,
    notices: Vec<NoticeOut>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
pub struct Position {
    /// 1-based.
    pub line: usize,
    /// 1-based, counted in Unicode scalar values.
    pub column: usize,
    /// 0-based byte offset into the file.
    pub offset: usize,
}

#[derive(Serialize)]
struct Location {
    path: String,
    start: Position,
    end: Position,
    message: String,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: String,
    start: Position,
    end: Position,
    labels: Vec<Location>,
    traces: Vec<Vec<Location>>,
    help: Option<&'a str>,
    suppressed: Option<Suppressed<'a>>,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: &'a str,
}

#[derive(Serialize)]
struct NoticeOut {
    path: String,
    level: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    suppressed: usize,
    files_checked: usize,
    files_with_findings: usize,
    notices: usize,
}

pub fn position(run: &Run, file: FileId, offset: usize) -> Position {
    let (line, column) = run.file(file).line_col(offset);
    Position {
        line,
        column,
        offset,
    }
}

fn path_of(run: &Run, file: FileId) -> String {
    run.file(file).path.display().to_string()
}

fn location(run: &Run, l: &Label) -> Location {
    Location {
        path: path_of(run, l.file),
        start: position(run, l.file, l.span.start),
        end: position(run, l.file, l.span.end),
        message: l.message.clone(),
    }
}

fn finding<'a>(run: &Run, d: &'a Diagnostic) -> Finding<'a> {
    let Span { start, end } = d.primary;
    Finding {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: &d.message,
        path: path_of(run, d.file),
        start: position(run, d.file, start),
        end: position(run, d.file, end),
        labels: std::iter::once(Label {
            file: d.file,
            span: d.primary,
            message: d.primary_label.clone(),
        })
        .chain(d.labels.iter().cloned())
        .map(|l| location(run, &l))
        .collect(),
        traces: d
            .traces
            .iter()
            .map(|t| t.iter().map(|l| location(run, l)).collect())
            .collect(),
        help: d.help.as_deref(),
        suppressed: d.suppressed.as_deref().map(|reason| Suppressed { reason }),
    }
}

pub fn render(run: &Run, out: &mut dyn Write) -> std::io::Result<()> {
    let findings: Vec<Finding> = run.diagnostics.iter().map(|d| finding(run, d)).collect();
    let active = run.active().count();
    let files_with: std::collections::BTreeSet<FileId> = run.active().map(|d| d.file).collect();
    let doc = Document {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "iislint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        notices: run
            .notices
            .iter()
            .map(|n| NoticeOut {
                path: n.path.display().to_string(),
                level: n.level.as_str(),
                message: n.message.clone(),
            })
            .collect(),
        summary: Summary {
            findings: active,
            suppressed: run.diagnostics.len() - active,
            files_checked: run.stats.files_checked,
            files_with_findings: files_with.len(),
            notices: run.notices.len(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
