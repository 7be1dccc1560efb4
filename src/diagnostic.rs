//! Findings as plain data. Rules produce these; only `report` renders them.

use serde::Serialize;

/// Index of a file in the run's file table (`driver::Run::files`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// A half-open byte range into a file's (decoded) text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in a file with a message: a secondary label or one step of a trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id, e.g. `request-scope-escape-static`.
    pub rule: &'static str,
    pub severity: Severity,
    /// One sentence that stands alone.
    pub message: String,
    pub file: FileId,
    /// The primary location: where the user must act.
    pub primary: Span,
    /// The label under the primary span.
    pub primary_label: String,
    /// Secondary labels (e.g. the allocation).
    pub labels: Vec<Label>,
    /// How the value got here: one trace per origin or call chain, each from where the value
    /// became request-scoped to the escape, in order. Findings with several origins at the same
    /// place are merged into one with several traces.
    pub traces: Vec<Vec<Label>>,
    pub help: Option<String>,
    /// `Some(reason)` when an allow-comment silenced this finding.
    pub suppressed: Option<String>,
}
