//! Function summaries and the order they are computed in.
//!
//! A summary says what a function does, for its callers: which parameters escape (into static
//! storage, a longer-lived object, another thread, a free), what its return value and its
//! out-parameters may carry, which request context it completes, and which parameters it keeps
//! in members of `this` (constructors, setters). Summaries are computed bottom-up over the call
//! graph of the whole run; a recursive group of functions is iterated until its summaries are
//! stable.

use rustc_hash::FxHashMap as HashMap;

use crate::analysis::dataflow::{Event, Fact};
use crate::diagnostic::{FileId, Span};
use crate::ir::Module;

/// A function of the run: its file and its index in that file's module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FnRef {
    pub file: FileId,
    pub index: u32,
}

/// A hand-off of a parameter to another thread inside the function; judged at the caller.
#[derive(Debug, Clone)]
pub struct ParamHandoff {
    pub sink: String,
    pub fact: Fact,
    pub file: FileId,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Events whose value is a parameter (`Fact::param`): stores and frees of what the caller
    /// passes, with the file they happen in.
    pub escapes: Vec<(FileId, Event)>,
    /// Hand-offs of parameters to other threads.
    pub handoffs: Vec<ParamHandoff>,
    /// What the return value may be: request-scoped values made inside, or parameters.
    pub returns: Vec<Fact>,
    /// Out-parameters: (parameter, what is written through it).
    pub outs: Vec<(u32, Fact)>,
    /// Request contexts completed: the one passed as a parameter, or (`None`) one the function
    /// reaches by itself.
    pub completes: Vec<Option<u32>>,
    /// Values kept in members of `this`: (value, member, the store).
    pub keeps: Vec<(Fact, String, Span)>,
}

impl Summary {
    pub fn is_empty(&self) -> bool {
        self.escapes.is_empty()
            && self.handoffs.is_empty()
            && self.returns.is_empty()
            && self.outs.is_empty()
            && self.completes.is_empty()
            && self.keeps.is_empty()
    }

    /// A comparable digest, for the fixpoint over recursive functions.
    pub fn digest(&self) -> Vec<(u8, FileId, Span, Option<u32>, u8)> {
        let key = |f: &Fact| (f.file, f.origin, f.param, f.kind as u8);
        let mut d: Vec<(u8, FileId, Span, Option<u32>, u8)> = Vec::new();
        for (file, e) in &self.escapes {
            if let Some((f, span)) = event_fact(e) {
                d.push((0, *file, span, f.param, f.kind as u8));
            }
        }
        for h in &self.handoffs {
            d.push((1, h.file, h.span, h.fact.param, 0));
        }
        for f in &self.returns {
            let (a, b, c, k) = key(f);
            d.push((2, a, b, c, k));
        }
        for (i, f) in &self.outs {
            let (a, b, _, k) = key(f);
            d.push((3, a, b, Some(*i), k));
        }
        for c in &self.completes {
            d.push((4, FileId(0), Span::default(), *c, 0));
        }
        for (f, _, span) in &self.keeps {
            d.push((5, f.file, *span, f.param, f.kind as u8));
        }
        d.sort();
        d.dedup();
        d
    }
}

fn event_fact(e: &Event) -> Option<(&Fact, Span)> {
    match e {
        Event::Store { fact, span, .. } | Event::Freed { fact, span, .. } => Some((fact, *span)),
        _ => None,
    }
}

/// Summaries visible to one analysis: those of the group being iterated, then the finished ones.
#[derive(Clone, Copy)]
pub struct Summaries<'s> {
    pub global: &'s HashMap<FnRef, Summary>,
    pub local: &'s HashMap<FnRef, Summary>,
}

impl<'s> Summaries<'s> {
    pub fn get(&self, f: FnRef) -> Option<&'s Summary> {
        self.local.get(&f).or_else(|| self.global.get(&f))
    }
}

/// Groups of functions in bottom-up order: each inner `Vec` is one level, whose groups (strongly
/// connected components of the call graph) depend only on groups of earlier levels, so a level's
/// groups can be analysed in parallel. `edges` gives the functions a function calls. Each group
/// says whether it is recursive (several functions, or one that calls itself).
pub fn levels(
    modules: &[(FileId, &Module)],
    edges: &(dyn Fn(FnRef) -> Vec<FnRef> + Sync),
    keep: &(dyn Fn(FnRef) -> bool + Sync),
) -> Vec<Vec<Group>> {
    use rayon::prelude::*;
    let mut nodes: Vec<FnRef> = Vec::new();
    for &(file, m) in modules {
        for i in 0..m.functions.len() {
            let f = FnRef {
                file,
                index: i as u32,
            };
            if keep(f) {
                nodes.push(f);
            }
        }
    }
    let id_of: HashMap<FnRef, usize> = nodes.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .par_iter()
        .map(|f| {
            edges(*f)
                .iter()
                .filter_map(|g| id_of.get(g).copied())
                .collect()
        })
        .collect();
    let comps = tarjan(&edges);
    // `tarjan` yields components callees-first; a component's level is one more than the
    // highest level among the components it calls.
    let mut comp_of = vec![0usize; nodes.len()];
    for (c, comp) in comps.iter().enumerate() {
        for &v in comp {
            comp_of[v] = c;
        }
    }
    let mut level = vec![0usize; comps.len()];
    for (c, comp) in comps.iter().enumerate() {
        let mut l = 0;
        for &v in comp {
            for &w in &edges[v] {
                let d = comp_of[w];
                if d != c {
                    l = l.max(level[d] + 1);
                }
            }
        }
        level[c] = l;
    }
    let depth = level.iter().copied().max().map_or(0, |m| m + 1);
    let mut out: Vec<Vec<Group>> = vec![Vec::new(); depth];
    for (c, comp) in comps.into_iter().enumerate() {
        let recursive = comp.len() > 1 || edges[comp[0]].contains(&comp[0]);
        let mut functions: Vec<FnRef> = comp.into_iter().map(|v| nodes[v]).collect();
        functions.sort();
        out[level[c]].push(Group {
            functions,
            recursive,
        });
    }
    for l in &mut out {
        l.sort_by(|a, b| a.functions.cmp(&b.functions));
    }
    out
}

/// Functions whose summaries depend on each other.
#[derive(Debug, Clone)]
pub struct Group {
    pub functions: Vec<FnRef>,
    pub recursive: bool,
}

/// Strongly connected components, iteratively (no recursion: call chains can be long),
/// in reverse topological order (a component after every component it reaches).
fn tarjan(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comps: Vec<Vec<usize>> = Vec::new();
    let mut next = 0usize;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to look at)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*ei) {
                *ei += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(comp);
            }
        }
    }
    comps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tarjan_orders_callees_first_and_groups_cycles() {
        // 0 -> 1 -> 2 -> 1 (cycle 1-2), 0 -> 3
        let edges = vec![vec![1, 3], vec![2], vec![1], vec![]];
        let comps = tarjan(&edges);
        let pos = |v: usize| comps.iter().position(|c| c.contains(&v)).unwrap();
        assert_eq!(pos(1), pos(2), "a cycle is one component");
        assert!(pos(1) < pos(0) && pos(3) < pos(0), "callees before callers");
        assert_eq!(comps.len(), 3);
    }
}
