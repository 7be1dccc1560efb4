//! `request-memory-dead-alloc`: an allocation whose pointer is overwritten or dropped on every
//! path before any use.

use crate::analysis::dataflow::Event;
use crate::analysis::finding::diagnostic;
use crate::diagnostic::{Diagnostic, FileId};

pub const ID: &str = "request-memory-dead-alloc";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::DeadAlloc { origin, api } = ev else {
                return None;
            };
            diagnostic(
                ID,
                file,
                *origin,
                &[("value", &format!("Request memory from `{api}`"))],
                Vec::new(),
                Vec::new(),
            )
        })
        .collect()
}
