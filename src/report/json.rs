//! JSON output. The schema is documented in `docs/json.md` and versioned by `version`.

use std::io::Write;

use serde::Serialize;

use crate::diagnostic::{FileId, Label, Span};
use crate::driver::Run;
use crate::report::{Report, Status};

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
    /// `iislint/v1` fingerprint: what `--baseline` matches on.
    fingerprint: &'a str,
    suppressed: Option<Suppressed>,
}

#[derive(Serialize)]
struct Suppressed {
    /// `comment` (an allow-comment) or `baseline` (known to `--baseline`).
    kind: &'static str,
    reason: String,
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
    /// Findings left out because the baseline knows them.
    baseline: usize,
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

fn finding<'a>(report: &'a Report, i: usize) -> Finding<'a> {
    let run = report.run;
    let d = &run.diagnostics[i];
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
        fingerprint: report.fingerprint(i),
        suppressed: match report.status(i) {
            Status::Active => None,
            Status::Suppressed(reason) => Some(Suppressed {
                kind: "comment",
                reason: reason.to_owned(),
            }),
            Status::Baseline => Some(Suppressed {
                kind: "baseline",
                reason: match &report.baseline {
                    Some(p) => format!("in the baseline `{}`", p.display()),
                    None => "in the baseline".to_owned(),
                },
            }),
        },
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let run = report.run;
    let findings: Vec<Finding> = (0..run.diagnostics.len())
        .map(|i| finding(report, i))
        .collect();
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
            findings: report.active_count(),
            suppressed: report.suppressed_count(),
            files_checked: run.stats.files_checked,
            files_with_findings: report.files_with_findings(),
            notices: run.notices.len(),
            baseline: report.baseline_count(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
