//! `request-memory-freed`: request memory or request data passed to a function that frees.

use crate::analysis::dataflow::Event;
use crate::analysis::finding::{diagnostic, origin, trace, value_phrase};
use crate::diagnostic::{Diagnostic, FileId};

pub const ID: &str = "request-memory-freed";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::Freed { fact, span, func } = ev else {
                return None;
            };
            let labels = vec![origin(fact)];
            let last = (*span, format!("freed by `{func}` here"));
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
