//! Shared pieces of the rules' findings: how a value is named, where it came from, its trace.

use crate::analysis::dataflow::Fact;
use crate::catalog::Kind;
use crate::diagnostic::{Diagnostic, FileId, Label, Span};
use crate::rules;

/// "Request memory from `AllocateRequestMemory`", "A request object (`IHttpContext*`)".
pub fn value_phrase(f: &Fact) -> String {
    match f.kind {
        Kind::RequestMemory => format!("Request memory from `{}`", f.api),
        Kind::RequestData => format!("Request data from `{}`", f.api),
        Kind::RequestObject if f.api.ends_with('*') => format!("A request object (`{}`)", f.api),
        Kind::RequestObject => format!("A request object from `{}`", f.api),
        Kind::RequestInput => format!("Request input from `{}`", f.api),
        Kind::Borrowed => capitalize(&f.api),
        Kind::Param => format!("The parameter `{}`", f.api),
    }
}

/// The label at the value's origin.
pub fn origin_label(f: &Fact) -> String {
    match f.kind {
        Kind::RequestMemory => format!("request memory allocated by `{}` here", f.api),
        Kind::RequestData => format!("request data returned by `{}` here", f.api),
        Kind::RequestObject if f.api.ends_with('*') => {
            format!("a request object (`{}`) here", f.api)
        }
        Kind::RequestObject => format!("a request object returned by `{}` here", f.api),
        Kind::RequestInput => format!("a length chosen by the client, from `{}`", f.api),
        Kind::Borrowed => format!("{} here", f.api),
        Kind::Param => format!("the parameter `{}`", f.api),
    }
}

/// The trace: the origin, each step that carried the value, and `last` (in `file`).
pub fn trace(file: FileId, f: &Fact, last: Option<(Span, String)>) -> Vec<Label> {
    let mut t = vec![origin(f)];
    t.extend(f.steps.iter().map(|s| Label {
        file: s.file,
        span: s.span,
        message: s.message.clone(),
    }));
    if let Some((span, message)) = last {
        t.push(Label {
            file,
            span,
            message,
        });
    }
    t
}

/// The label at the value's origin, in the origin's file.
pub fn origin(f: &Fact) -> Label {
    Label {
        file: f.file,
        span: f.origin,
        message: origin_label(f),
    }
}

/// A finding of `rule` with its severity, label and help from the rule's definition.
pub fn diagnostic(
    rule: &'static str,
    file: FileId,
    primary: Span,
    vars: &[(&str, &str)],
    labels: Vec<Label>,
    trace: Vec<Label>,
) -> Option<Diagnostic> {
    let traces = if trace.is_empty() {
        Vec::new()
    } else {
        vec![trace]
    };
    let r = rules::get(rule)?;
    // A label on the primary location would only repeat it.
    let mut labels = labels;
    labels.retain(|l| l.file != file || l.span != primary);
    Some(Diagnostic {
        rule,
        severity: r.severity,
        message: r.render_message(vars),
        file,
        primary,
        primary_label: r.label.clone(),
        labels,
        traces,
        help: Some(r.help.clone()),
        suppressed: None,
    })
}

/// One finding per rule and primary location: findings of several origins at the same place are
/// merged, keeping every label and every trace.
pub fn merge(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len());
    let mut at: std::collections::HashMap<(&'static str, FileId, Span), usize> =
        std::collections::HashMap::new();
    for d in diags {
        match at.get(&(d.rule, d.file, d.primary)) {
            Some(&i) => {
                let m = &mut out[i];
                for l in d.labels {
                    if !m.labels.contains(&l) {
                        m.labels.push(l);
                    }
                }
                for t in d.traces {
                    if !m.traces.contains(&t) {
                        m.traces.push(t);
                    }
                }
            }
            None => {
                at.insert((d.rule, d.file, d.primary), out.len());
                out.push(d);
            }
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
