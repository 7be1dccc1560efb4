//! `request-memory-in-loop`: an allocation inside a loop whose trip count the client controls.

use crate::analysis::dataflow::Event;
use crate::analysis::finding::diagnostic;
use crate::diagnostic::{Diagnostic, FileId, Label};

pub const ID: &str = "request-memory-in-loop";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::InLoop {
                origin,
                api,
                cond,
                input,
            } = ev
            else {
                return None;
            };
            let labels = vec![
                Label {
                    file,
                    span: *cond,
                    message: "the loop runs as long as this condition, which depends on request input and has no fixed bound".into(),
                },
                crate::analysis::finding::origin(input),
            ];
            diagnostic(
                ID,
                file,
                *origin,
                &[("value", &format!("Request memory from `{api}`"))],
                labels,
                Vec::new(),
            )
        })
        .collect()
}
