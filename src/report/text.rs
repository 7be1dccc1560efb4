//! Human-readable output with codespan-reporting: `path:line:col`, severity, rule id, message,
//! the code with the primary location underlined, secondary labels, the trace and a help line.

use std::io::Write;
use std::ops::Range;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, LabelStyle, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};

use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::driver::Run;
use crate::report::Report;

/// The run's files as codespan sees them (no copy of the text).
struct RunFiles<'a>(&'a Run);

impl<'a> Files<'a> for RunFiles<'a> {
    type FileId = FileId;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<String, FilesError> {
        let f = self
            .0
            .files
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?;
        Ok(f.path.display().to_string())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        let f = self
            .0
            .files
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?;
        Ok(&f.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let f = self
            .0
            .files
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?;
        Ok(f.line_index(byte_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self
            .0
            .files
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?;
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(f.text.len());
        Ok(start..end)
    }
}

fn to_codespan(run: &Run, d: &Diagnostic) -> CsDiagnostic<FileId> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let mut labels = vec![
        CsLabel::new(LabelStyle::Primary, d.file, d.primary.start..d.primary.end)
            .with_message(&d.primary_label),
    ];
    for l in &d.labels {
        labels.push(
            CsLabel::new(LabelStyle::Secondary, l.file, l.span.start..l.span.end)
                .with_message(&l.message),
        );
    }
    let mut notes = Vec::new();
    let several = d.traces.len() > 1;
    for (n, steps) in d.traces.iter().enumerate() {
        if steps.len() <= 2 && !several {
            continue; // the labels already show a two-step trace
        }
        let mut trace = if several {
            format!("trace {} of {}:", n + 1, d.traces.len())
        } else {
            String::from("trace:")
        };
        for (i, step) in steps.iter().enumerate() {
            let f = run.file(step.file);
            let (line, col) = f.line_col(step.span.start);
            trace.push_str(&format!(
                "\n  {}. {}:{line}:{col}: {}",
                i + 1,
                f.path.display(),
                step.message
            ));
        }
        notes.push(trace);
    }
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    notes.push(format!("see `iislint explain {}`", d.rule));
    CsDiagnostic::new(severity)
        .with_message(&d.message)
        .with_code(d.rule)
        .with_labels(labels)
        .with_notes(notes)
}

pub fn render(
    report: &Report,
    out: &mut dyn Write,
    color: bool,
    quiet: bool,
) -> std::io::Result<()> {
    let rendered = if color {
        emit_all(report, termcolor::Ansi::new(Vec::new()))?.into_inner()
    } else {
        emit_all(report, termcolor::NoColor::new(Vec::new()))?.into_inner()
    };
    out.write_all(&rendered)?;
    if !quiet {
        writeln!(out, "{}", summary(report))?;
    }
    Ok(())
}

/// `3 findings in 2 files, 4 files checked (1 suppressed, 2 in the baseline)`.
pub fn summary(report: &Report) -> String {
    let run = report.run;
    let count = report.active_count();
    let files_with = report.files_with_findings();
    let mut summary = format!(
        "{count} {} in {files_with} {}, {} {} checked",
        plural(count, "finding", "findings"),
        plural(files_with, "file", "files"),
        run.stats.files_checked,
        plural(run.stats.files_checked, "file", "files"),
    );
    let mut notes = Vec::new();
    let suppressed = report.suppressed_count();
    if suppressed > 0 {
        notes.push(format!("{suppressed} suppressed"));
    }
    let known = report.baseline_count();
    if known > 0 {
        notes.push(format!("{known} in the baseline"));
    }
    if !notes.is_empty() {
        summary.push_str(&format!(" ({})", notes.join(", ")));
    }
    summary
}

fn emit_all<W: termcolor::WriteColor>(report: &Report, mut w: W) -> std::io::Result<W> {
    let run = report.run;
    let files = RunFiles(run);
    let config = term::Config::default();
    for (_, d) in report.active() {
        term::emit_to_write_style(&mut w, &config, &files, &to_codespan(run, d))
            .map_err(std::io::Error::other)?;
    }
    Ok(w)
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
