//! `request-scope-escape-static`: a request-scoped value stored into static storage.

use crate::analysis::dataflow::Event;
use crate::diagnostic::{Diagnostic, FileId, Label};
use crate::rules;

pub const ID: &str = "request-scope-escape-static";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    let Some(rule) = rules::get(ID) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ev in events {
        let Event::StaticStore { target, fact, span } = ev;
        let what = fact.kind.describe();
        let mut value = what.to_owned();
        if let Some(first) = value.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        let message = rule.render_message(&[
            ("value", &value),
            ("api", &fact.api),
            ("target", &target.describe),
        ]);
        let origin_msg = format!("{what} allocated by `{}` here", fact.api);
        let mut labels = vec![Label {
            file,
            span: fact.origin,
            message: origin_msg.clone(),
        }];
        if let Some((dfile, dspan)) = target.decl {
            labels.push(Label {
                file: dfile,
                span: dspan,
                message: format!("{} is declared here", target.describe),
            });
        }
        let mut trace = vec![Label {
            file,
            span: fact.origin,
            message: origin_msg,
        }];
        trace.extend(fact.steps.iter().map(|s| Label {
            file,
            span: s.span,
            message: s.message.clone(),
        }));
        trace.push(Label {
            file,
            span: *span,
            message: format!("stored in {} here", target.describe),
        });
        out.push(Diagnostic {
            rule: ID,
            severity: rule.severity,
            message,
            file,
            primary: *span,
            primary_label: rule.label.clone(),
            labels,
            trace,
            help: Some(rule.help.clone()),
            suppressed: None,
        });
    }
    out
}
