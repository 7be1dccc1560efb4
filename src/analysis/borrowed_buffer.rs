//! `borrowed-buffer-by-reference`: a buffer that dies before the response is sent, passed to an
//! IIS method that keeps the pointer.

use crate::analysis::dataflow::Event;
use crate::analysis::finding::{diagnostic, origin, trace};
use crate::diagnostic::{Diagnostic, FileId};

pub const ID: &str = "borrowed-buffer-by-reference";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::Borrowed { fact, span, sink } = ev else {
                return None;
            };
            let labels = vec![origin(fact)];
            let last = (*span, format!("IIS keeps the pointer passed to `{sink}`"));
            diagnostic(
                ID,
                file,
                *span,
                &[("sink", &format!("`{sink}`")), ("detail", &fact.api)],
                labels,
                trace(file, fact, Some(last)),
            )
        })
        .collect()
}
