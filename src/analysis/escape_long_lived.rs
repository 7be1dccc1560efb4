//! `request-scope-escape-long-lived`: a request-scoped value stored into a member of an object
//! that outlives the request (global module, factory, connection-scoped stored context), or
//! through a pointer held in static storage.

use crate::analysis::dataflow::Event;
use crate::analysis::escape_static::store_findings;
use crate::diagnostic::{Diagnostic, FileId};

pub const ID: &str = "request-scope-escape-long-lived";

pub fn check(file: FileId, events: &[Event]) -> Vec<Diagnostic> {
    store_findings(ID, true, file, events)
}
