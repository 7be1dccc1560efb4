//! The analysis: the dataflow engine over the IR, and the rules that turn its events into
//! diagnostics. Never sees a syntax tree; never prints.
//!
//! The whole run is analysed at once: functions are taken bottom-up over the call graph
//! (`summary::levels`), each level in parallel, so that every call is judged with the summary of
//! its callee, within a file and across files.

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
pub mod summary;
pub mod use_after_completion;

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, FileId};
use crate::ir::Module;
use dataflow::Event;
use index::Index;
use summary::{FnRef, Group, Summaries, Summary};

type Check = fn(FileId, &[Event]) -> Vec<Diagnostic>;

/// What analysing a group yields: its summaries, its events with their files, and the
/// functions whose analysis failed (file, message).
type GroupResult = (
    Vec<(FnRef, Summary)>,
    Vec<(FileId, Event)>,
    Vec<(FileId, String)>,
);

/// The analysis of a run: findings, and functions that could not be analysed.
pub struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    /// (file, message) for each function whose analysis failed; the rest of the run is
    /// unaffected.
    pub failures: Vec<(FileId, String)>,
    /// Names through which request-scoped values (or request input, or borrowed buffers) reach callers: functions whose summary
    /// returns one, writes one to an out-parameter, completes a context of their own, or keeps
    /// one in a member (with their class). The pre-filter parses the files that name them.
    pub exported: Vec<String>,
}

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

/// Times a recursive group of functions is re-analysed before its summaries are taken as they
/// are.
const MAX_ROUNDS: usize = 6;

/// Analyse every function of the run; return the findings of the rules `enabled` allows for the
/// file of each finding's primary location.
///
/// Only the functions `analysed` admits are analysed (the pre-filter's slice); the others have
/// no summary, as if the run did not contain them.
pub fn analyze_program(
    index: &Index,
    modules: &[(FileId, &Module)],
    enabled: &(dyn Fn(FileId, &str) -> bool + Sync),
    analysed: &(dyn Fn(FnRef) -> bool + Sync),
) -> Analysis {
    let module_of: HashMap<FileId, &Module> = modules.iter().copied().collect();
    let mut done: HashMap<FnRef, Summary> = HashMap::default();
    let mut events: Vec<(FileId, Event)> = Vec::new();
    let mut failures = Vec::new();
    let edges = |f: FnRef| dataflow::call_edges(index, f.file, index.function(f));
    for level in summary::levels(modules, &edges, analysed) {
        let results: Vec<GroupResult> = level
            .par_iter()
            .map(|group| analyze_group(index, &module_of, &done, group))
            .collect();
        for (sums, evs, failed) in results {
            done.extend(sums);
            events.extend(evs);
            failures.extend(failed);
        }
    }
    // Rules run per file of the primary location.
    let mut by_file: BTreeMap<FileId, Vec<Event>> = BTreeMap::new();
    for (file, ev) in events {
        by_file.entry(file).or_default().push(ev);
    }
    let diags: Vec<Diagnostic> = by_file
        .into_iter()
        .flat_map(|(file, evs)| {
            CHECKS
                .iter()
                .filter(|(id, _)| enabled(file, id))
                .flat_map(|(_, check)| check(file, &evs))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut exported = Vec::new();
    for (f, sum) in &done {
        let scoped = |fact: &dataflow::Fact| fact.kind != crate::catalog::Kind::Param;
        let keeps = sum.keeps.iter().any(|(fact, _, _)| scoped(fact));
        if sum.returns.iter().any(scoped)
            || sum.outs.iter().any(|(_, fact)| scoped(fact))
            || sum.completes.iter().any(Option::is_none)
            || keeps
        {
            let func = &module_of[&f.file].functions[f.index as usize];
            exported.push(func.name.clone());
            if keeps && let Some(class) = &func.class {
                exported.push(class.rsplit("::").next().unwrap_or(class).to_owned());
            }
        }
    }
    exported.sort();
    exported.dedup();
    Analysis {
        diagnostics: finding::merge(diags),
        failures,
        exported,
    }
}

/// Analyse one group of mutually recursive functions until their summaries are stable; return
/// the summaries and the events of the last round.
fn analyze_group(
    index: &Index,
    modules: &HashMap<FileId, &Module>,
    done: &HashMap<FnRef, Summary>,
    group: &Group,
) -> GroupResult {
    let mut local: HashMap<FnRef, Summary> = HashMap::default();
    let mut events = Vec::new();
    let mut failures = Vec::new();
    for round in 0..MAX_ROUNDS {
        events.clear();
        failures.clear();
        let mut changed = false;
        for &f in &group.functions {
            let func = &modules[&f.file].functions[f.index as usize];
            let summaries = Summaries {
                global: done,
                local: &local,
            };
            // A panic in one function is that function's failure, not the run's.
            let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                dataflow::analyze_function(index, summaries, f.file, func, func.class.as_deref())
            }));
            let (evs, sum) = match analysed {
                Ok(r) => r,
                Err(p) => {
                    let msg = p
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".to_owned());
                    failures.push((
                        f.file,
                        format!("internal error while analysing `{}`: {msg}", func.name),
                    ));
                    (Vec::new(), Summary::default())
                }
            };
            events.extend(evs);
            let before = local.get(&f).map(Summary::digest);
            if before.as_ref() != Some(&sum.digest()) {
                changed = true;
            }
            local.insert(f, sum);
        }
        // A group without recursion needs one round.
        if !group.recursive || (!changed && round > 0) {
            break;
        }
    }
    (local.into_iter().collect(), events, failures)
}
