//! What every fuzz target checks of a run: no internal error (a panic caught in parsing or
//! analysis becomes one), and every location it reports lies in the text, on character
//! boundaries, with a line and column.

use std::path::Path;

use iislint::driver::{self, Run};

pub fn check(name: &str, data: &[u8]) -> Option<Run> {
    let decoded = iislint::source::decode(data.to_vec()).ok()?;
    // The whole pipeline on the text, then again through the pre-filter: same findings.
    let run = driver::check_text_with(Path::new(name), &decoded.text, false);
    let filtered = driver::check_text_with(Path::new(name), &decoded.text, true);
    let key = |r: &Run| -> Vec<_> {
        r.diagnostics
            .iter()
            .map(|d| (d.primary, d.rule, d.message.clone(), d.suppressed.is_some()))
            .collect()
    };
    assert_eq!(key(&run), key(&filtered), "the pre-filter changed the findings");
    for n in &run.notices {
        assert!(
            !n.message.contains("internal error"),
            "{}: {}",
            n.path.display(),
            n.message
        );
    }
    let file = &run.files[0];
    let text = &file.text;
    for d in &run.diagnostics {
        let spans = std::iter::once(d.primary)
            .chain(d.labels.iter().map(|l| l.span))
            .chain(d.traces.iter().flatten().map(|s| s.span));
        for s in spans {
            assert!(s.start <= s.end && s.end <= text.len(), "{d:?}");
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{d:?}"
            );
            let (line, col) = file.line_col(s.start);
            assert!(line >= 1 && col >= 1);
        }
    }
    Some(run)
}

/// Render the run in every format: renderers must accept whatever the analysis reports.
pub fn render_all(run: &Run) {
    use iislint::report::{self, Format, Report};
    let root = Path::new("/fuzz");
    let rep = Report::new(run, root, root);
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Github] {
        let mut out = Vec::new();
        report::render(format, &rep, &mut out, false, false).expect("renders to memory");
        if matches!(format, Format::Json | Format::Sarif) {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out) {
                panic!("{format:?} output is not valid JSON: {e}");
            }
        }
    }
}
