//! The analysis: the dataflow engine over the IR, and the rules that turn its events into
//! diagnostics. Never sees a syntax tree; never prints.

pub mod borrowed_buffer;
pub mod dataflow;
pub mod escape_long_lived;
pub mod escape_static;
pub mod escape_thread;
pub mod finding;
pub mod index;
pub mod memory_dead_alloc;
pub mod memory_freed;
pub mod memory_in_loop;
pub mod memory_unchecked;
pub mod use_after_completion;

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

type Check = fn(FileId, &[Event]) -> Vec<Diagnostic>;

/// Every rule that reads the dataflow's events.
pub const CHECKS: &[(&str, Check)] = &[
    (escape_static::ID, escape_static::check),
    (escape_long_lived::ID, escape_long_lived::check),
    (escape_thread::ID, escape_thread::check),
    (use_after_completion::ID, use_after_completion::check),
    (memory_freed::ID, memory_freed::check),
    (memory_unchecked::ID, memory_unchecked::check),
    (memory_dead_alloc::ID, memory_dead_alloc::check),
    (memory_in_loop::ID, memory_in_loop::check),
    (borrowed_buffer::ID, borrowed_buffer::check),
];

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
    finding::merge(
        CHECKS
            .iter()
            .filter(|(id, _)| filter.enabled(id))
            .flat_map(|(_, check)| check(file, &events))
            .collect(),
    )
}
