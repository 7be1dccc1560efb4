//! `request-memory-unchecked`: request memory used with no NULL check since the allocation.

use crate::analysis::dataflow::Event;
use crate::analysis::finding::{diagnostic, origin, origin_label, trace, value_phrase};
use crate::diagnostic::{Diagnostic, FileId, Label};

pub const ID: &str = "request-memory-unchecked";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::Unchecked { fact, span } = ev else {
                return None;
            };
            let labels = vec![Label {
                message: format!("{}; it may return NULL", origin_label(fact)),
                ..origin(fact)
            }];
            let last = (*span, "used here with no NULL check on the way".to_owned());
            diagnostic(
                ID,
                file,
                *span,
                &[("value", &value_phrase(fact))],
                labels,
                trace(file, fact, Some(last)),
            )
        })
        .collect()
}
