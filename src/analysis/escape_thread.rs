//! `request-scope-escape-thread`: a request-scoped value handed to another thread or deferred
//! work, outside the `RQ_NOTIFICATION_PENDING` protocol.

use crate::analysis::dataflow::{Event, HandoffReason};
use crate::analysis::finding::{diagnostic, origin, trace, value_phrase};
use crate::diagnostic::{Diagnostic, FileId, Label};

pub const ID: &str = "request-scope-escape-thread";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    events
        .iter()
        .filter_map(|ev| {
            let Event::Handoff {
                sink,
                fact,
                span,
                reason,
            } = ev
            else {
                return None;
            };
            let mut labels = vec![origin(fact)];
            if let HandoffReason::Returns(ret_file, ret) = reason {
                labels.push(Label {
                    file: *ret_file,
                    span: *ret,
                    message: "this path returns without `RQ_NOTIFICATION_PENDING`, so the request may end while the worker runs".into(),
                });
            }
            let sink_desc = match reason {
                HandoffReason::GlobalNotification => {
                    format!("`{sink}` from a global notification, which cannot pend")
                }
                HandoffReason::Returns(..) => format!("`{sink}`"),
            };
            let last = (*span, format!("handed to `{sink}` here"));
            diagnostic(
                ID,
                file,
                *span,
                &[("value", &value_phrase(fact)), ("sink", &sink_desc)],
                labels,
                trace(file, fact, Some(last)),
            )
        })
        .collect()
}
