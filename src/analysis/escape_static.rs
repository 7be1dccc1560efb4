//! `request-scope-escape-static`: a request-scoped value stored into static storage.

use crate::analysis::dataflow::Event;
use crate::analysis::finding::{diagnostic, origin, trace, value_phrase};
use crate::diagnostic::{Diagnostic, FileId, Label};

pub const ID: &str = "request-scope-escape-static";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    store_findings(ID, false, file, events)
}

/// Findings for stores into static storage (`long_lived == false`) or longer-lived objects.
pub fn store_findings(
    rule: &'static str,
    long_lived: bool,
    file: FileId,
    events: &[Event],
) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::Store { target, fact, span } = ev else {
                return None;
            };
            if target.long_lived != long_lived {
                return None;
            }
            let mut labels = vec![origin(fact)];
            if let Some((dfile, dspan)) = target.decl {
                labels.push(Label {
                    file: dfile,
                    span: dspan,
                    message: format!("{} is declared here", target.describe),
                });
            }
            let last = (*span, format!("stored in {} here", target.describe));
            diagnostic(
                rule,
                file,
                *span,
                &[("value", &value_phrase(fact)), ("target", &target.describe)],
                labels,
                trace(file, fact, Some(last)),
            )
        })
        .collect()
}
