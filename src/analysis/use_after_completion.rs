//! `use-after-completion`: a request object, or request memory or data, used after the request
//! context was completed (`IndicateCompletion`, `PostCompletion`) or released
//! (`ReleaseClonedContext`) on the same path.

use crate::analysis::dataflow::Event;
use crate::analysis::finding::{diagnostic, origin, trace, value_phrase};
use crate::diagnostic::{Diagnostic, FileId, Label};

pub const ID: &str = "use-after-completion";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::UseAfterCompletion {
                fact,
                span,
                completion,
                completion_api,
            } = ev
            else {
                return None;
            };
            let labels = vec![
                Label {
                    file,
                    span: *completion,
                    message: format!("the request context is completed by `{completion_api}` here"),
                },
                origin(fact),
            ];
            // A value that becomes a request object where it is used has no history of its own.
            let mut t = if fact.origin == *span && fact.steps.is_empty() {
                Vec::new()
            } else {
                trace(file, fact, None)
            };
            t.push(Label {
                file,
                span: *completion,
                message: format!("completed by `{completion_api}` here"),
            });
            t.push(Label {
                file,
                span: *span,
                message: "used after completion here".into(),
            });
            diagnostic(
                ID,
                file,
                *span,
                &[
                    ("value", &value_phrase(fact)),
                    ("completion", &format!("`{completion_api}`")),
                ],
                labels,
                t,
            )
        })
        .collect()
}
