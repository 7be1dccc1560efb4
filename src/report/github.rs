//! GitHub Actions workflow commands: one `::error` or `::warning` line per active finding, which
//! GitHub shows as an annotation on the line, in the pull request's diff and the run's summary.
//!
//! `::error file=src/m.cpp,line=14,col=5,endLine=14,endColumn=20,title=rule-id::message`
//!
//! Paths are relative to the source root (the repository root, as GitHub expects); columns
//! count characters, `endColumn` is exclusive as in the JSON output. The message carries the
//! finding's sentence, its trace and its help, as several lines (encoded as `%0A`). Files that
//! could not be analysed become annotations on the file. A plain summary line follows unless
//! `--quiet`.

use std::io::Write;
use std::path::Path;

use crate::diagnostic::Severity;
use crate::report::Report;

/// Escape a command's message (`%`, CR, LF), as the Actions runner decodes it.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property's value: the message's escapes, and `:` and `,`, which end it.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn render(report: &Report, out: &mut dyn Write, quiet: bool) -> std::io::Result<()> {
    let run = report.run;
    for (_, d) in report.active() {
        let f = run.file(d.file);
        let (line, col) = f.line_col(d.primary.start);
        let (end_line, end_col) = f.line_col(d.primary.end.max(d.primary.start));
        let mut message = d.message.clone();
        let several = d.traces.len() > 1;
        for (n, t) in d.traces.iter().enumerate() {
            message.push('\n');
            if several {
                message.push_str(&format!("trace {} of {}:", n + 1, d.traces.len()));
            } else {
                message.push_str("trace:");
            }
            for (i, step) in t.iter().enumerate() {
                let sf = run.file(step.file);
                let (l, c) = sf.line_col(step.span.start);
                message.push_str(&format!(
                    "\n  {}. {}:{l}:{c}: {}",
                    i + 1,
                    report.machine_path(&sf.path),
                    step.message
                ));
            }
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        message.push_str(&format!("\nsee `iislint explain {}`", d.rule));
        writeln!(
            out,
            "::{} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            command(d.severity),
            escape_property(&report.machine_path(&f.path)),
            escape_property(d.rule),
            escape_data(&message),
        )?;
    }
    for n in &run.notices {
        let path = report.machine_path(&n.path);
        writeln!(
            out,
            "::{} file={},title=iislint::{}",
            command(n.level),
            escape_property(&path),
            escape_data(&format!("{}: {}", Path::new(&path).display(), n.message)),
        )?;
    }
    if !quiet {
        writeln!(out, "{}", crate::report::text::summary(report))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("100% a\r\nb"), "100%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
