//! The analysis: the dataflow engine over the IR, and the rules that turn its events into
//! diagnostics. Never sees a syntax tree; never prints.

pub mod dataflow;
pub mod escape_static;
pub mod index;

use crate::diagnostic::{Diagnostic, FileId};
use crate::ir::Module;
use dataflow::Event;
use index::Index;

/// Which rules are enabled for a file.
pub trait RuleFilter {
    fn enabled(&self, rule: &str) -> bool;
}

impl<F: Fn(&str) -> bool> RuleFilter for F {
    fn enabled(&self, rule: &str) -> bool {
        self(rule)
    }
}

/// Analyse every function of one file.
pub fn analyze_module(
    index: &Index,
    file: FileId,
    module: &Module,
    filter: &dyn RuleFilter,
) -> Vec<Diagnostic> {
    let mut events: Vec<Event> = Vec::new();
    for f in &module.functions {
        events.extend(dataflow::analyze_function(
            index,
            file,
            f,
            f.class.as_deref(),
        ));
    }
    let mut out = Vec::new();
    if filter.enabled(escape_static::ID) {
        out.extend(escape_static::check(file, &events));
    }
    out
}
