//! Flow-sensitive tracking of request-scoped values through one function.
//!
//! A forward may-analysis over the function's CFG. The state maps access paths (`p`, `s.buf`,
//! `this->m_p`, `arr[]`) to the values they may hold. A value is a set of [`Fact`]s: where it
//! came from (an allocation, a request getter, a request-typed variable, a stack buffer, a
//! client-chosen number), which request context it belongs to, and the trace of how it got
//! here. Assignments replace what a path held (strong update); joins unite states. Besides the
//! paths, the state records which request contexts were completed on the way here and which
//! allocations have not been NULL-checked yet.
//!
//! The analysis emits [`Event`]s; rules decide what becomes a finding.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc as Rc;

use crate::analysis::index::{Index, Role};
use crate::analysis::summary::{FnRef, ParamHandoff, Summaries, Summary};
use crate::catalog::Kind;
use crate::diagnostic::{FileId, Span};
use crate::ir::*;

/// Facts kept per value; more origins than this are dropped (the first ones are reported).
const MAX_FACTS: usize = 8;
/// Trace steps kept per fact.
const MAX_STEPS: usize = 12;
/// Times a block may be re-analysed before the rest of the function is given up.
const MAX_VISITS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// One way a value may be request-scoped: where it came from and how it travelled.
#[derive(Debug, Clone)]
pub struct Fact {
    pub kind: Kind,
    /// The file of `origin` (a callee's file when the value came back from a call).
    pub file: FileId,
    /// The expression that produced the value.
    pub origin: Span,
    /// What produced it (`AllocateRequestMemory`, `IHttpContext*`, `stack array`).
    pub api: Rc<str>,
    /// Steps after the origin (assignments), in order.
    pub steps: Rc<Vec<Step>>,
    /// The request context the value belongs to: `None` for the request being processed, the
    /// `CloneContext` call for a child context.
    pub ctx: Option<Span>,
    /// The fact stands for whatever the caller passes as this parameter (kind `Param`):
    /// what happens to it becomes the function's summary.
    pub param: Option<u32>,
    /// The value is an object that holds the request-scoped value in a member (built by a
    /// constructor that keeps its parameter): storing it makes the member outlive the request.
    pub held: bool,
    /// In a summary's returns: an allocation returned without a NULL check, so the caller's
    /// call is the allocation (a wrapper around `AllocateRequestMemory`).
    pub fresh: bool,
}

impl Fact {
    pub fn new(kind: Kind, file: FileId, origin: Span, api: impl Into<Rc<str>>) -> Fact {
        Fact {
            kind,
            file,
            origin,
            api: api.into(),
            steps: Rc::new(Vec::new()),
            ctx: None,
            param: None,
            held: false,
            fresh: false,
        }
    }

    fn with_step(&self, file: FileId, span: Span, message: String) -> Fact {
        let mut f = self.clone();
        if f.steps.len() < MAX_STEPS
            && f.steps
                .last()
                .is_none_or(|s| s.span != span || s.file != file)
        {
            Rc::make_mut(&mut f.steps).push(Step {
                file,
                span,
                message,
            });
        }
        f
    }

    fn same(&self, other: &Fact) -> bool {
        self.origin == other.origin
            && self.kind == other.kind
            && self.file == other.file
            && self.param == other.param
    }
}

/// A place that outlives the request: static storage, or an object that lives longer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticTarget {
    /// "the global `g_p`", "the member `m_p` of the global module `CMyGlobal`".
    pub describe: String,
    pub storage: Storage,
    /// Where the variable is declared.
    pub decl: Option<(FileId, Span)>,
    /// The type of the place stored into, when known.
    pub ty: TypeRef,
    /// A member of a longer-lived object, or a store through a pointer held in static storage
    /// (`request-scope-escape-long-lived`); otherwise static storage itself.
    pub long_lived: bool,
}

/// What an expression may evaluate to.
#[derive(Debug, Clone, Default)]
pub struct Value {
    pub facts: Vec<Fact>,
    /// The value is the address of (a place in) static storage: `&g_p`, or a reference to it.
    pub addr: Option<Rc<StaticTarget>>,
}

impl Value {
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty() && self.addr.is_none()
    }

    fn of(fact: Fact) -> Value {
        Value {
            facts: vec![fact],
            addr: None,
        }
    }

    fn union(mut self, other: Value) -> Value {
        self.absorb(other);
        self
    }

    fn absorb(&mut self, other: Value) {
        for f in other.facts {
            if self.facts.len() < MAX_FACTS && !self.facts.iter().any(|g| g.same(&f)) {
                self.facts.push(f);
            }
        }
        if self.addr.is_none() {
            self.addr = other.addr;
        }
    }

    /// Same facts (by origin and kind) and same address: the fixpoint test.
    fn same(&self, other: &Value) -> bool {
        self.facts.len() == other.facts.len()
            && self
                .facts
                .iter()
                .all(|f| other.facts.iter().any(|g| g.same(f)))
            && self.addr.is_some() == other.addr.is_some()
    }

    fn with_step(&self, file: FileId, span: Span, message: impl Fn() -> String) -> Value {
        if self.facts.is_empty() {
            return self.clone();
        }
        let msg = message();
        Value {
            facts: self
                .facts
                .iter()
                .map(|f| f.with_step(file, span, msg.clone()))
                .collect(),
            addr: self.addr.clone(),
        }
    }

    fn has(&self, pred: impl Fn(Kind) -> bool) -> bool {
        self.facts.iter().any(|f| pred(f.kind))
    }

    /// Only the facts of the given kinds.
    fn only(mut self, pred: impl Fn(Kind) -> bool) -> Value {
        self.facts.retain(|f| pred(f.kind));
        self.addr = None;
        self
    }

    /// The value as a number: request data read as a number (a length, a count) and request
    /// input stay request input; pointers and objects are gone.
    fn into_number(self) -> Value {
        Value {
            facts: self
                .facts
                .into_iter()
                .filter(|f| matches!(f.kind, Kind::RequestData | Kind::RequestInput))
                .map(|mut f| {
                    f.kind = Kind::RequestInput;
                    f
                })
                .collect(),
            addr: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Root {
    Local(LocalId),
    This,
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    /// `.f` (and `this->f`): part of the same object.
    Field(String),
    /// `->f` through a local pointer: part of another object.
    Arrow(String),
    /// `[i]`: any element.
    Elem,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    root: Root,
    path: Vec<Seg>,
}

impl Place {
    fn local(id: LocalId) -> Place {
        Place {
            root: Root::Local(id),
            path: vec![],
        }
    }

    fn child(&self, seg: Seg) -> Place {
        let mut p = self.clone();
        p.path.push(seg);
        p
    }

    /// A local variable or a part of a local aggregate (not reached through a pointer).
    fn is_local_storage(&self) -> bool {
        matches!(self.root, Root::Local(_)) && !self.path.iter().any(|s| matches!(s, Seg::Arrow(_)))
    }
}

/// Where an assignment writes.
enum Dest {
    Tracked(Place),
    Static(StaticTarget),
    Unknown,
}

/// A request context completed on the path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Completion {
    ctx: Option<Span>,
    /// The parameter the completed context came in as, if it did.
    param: Option<u32>,
    call: Span,
    api: Rc<str>,
    /// The first use after it was already reported on this path.
    reported: bool,
}

#[derive(Debug, Clone, Default)]
struct State {
    places: BTreeMap<Place, Value>,
    completed: Vec<Completion>,
    /// Allocations not NULL-checked yet on this path.
    unchecked: BTreeSet<Span>,
}

impl State {
    /// Join `other` into `self`; true when `self` changed.
    fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        for (k, v) in &other.places {
            match self.places.get_mut(k) {
                Some(old) => {
                    let before = old.clone();
                    old.absorb(v.clone());
                    changed |= !old.same(&before);
                }
                None => {
                    self.places.insert(k.clone(), v.clone());
                    changed = true;
                }
            }
        }
        for c in &other.completed {
            match self
                .completed
                .iter_mut()
                .find(|d| d.ctx == c.ctx && d.call == c.call)
            {
                Some(d) => {
                    // Still unreported if unreported on either path.
                    if d.reported && !c.reported {
                        d.reported = false;
                        changed = true;
                    }
                }
                None => {
                    self.completed.push(c.clone());
                    changed = true;
                }
            }
        }
        for u in &other.unchecked {
            changed |= self.unchecked.insert(*u);
        }
        changed
    }
}

/// Something the rules may report.
#[derive(Debug, Clone)]
pub enum Event {
    /// A request-scoped value stored into static storage or a longer-lived object.
    Store {
        target: StaticTarget,
        fact: Fact,
        /// The store: assignment, initialiser or call.
        span: Span,
    },
    /// A request-scoped value handed to another thread, and the notification does not return
    /// `RQ_NOTIFICATION_PENDING` on every path after it.
    Handoff {
        sink: String,
        fact: Fact,
        span: Span,
        /// Why the exception does not apply: a return that is not PENDING, or a global
        /// notification.
        reason: HandoffReason,
    },
    /// A request-scoped value used after its context was completed.
    UseAfterCompletion {
        fact: Fact,
        span: Span,
        completion: Span,
        completion_api: Rc<str>,
    },
    /// Request memory or data passed to a function that frees memory.
    Freed {
        fact: Fact,
        span: Span,
        func: String,
    },
    /// Request memory used with no NULL check since the allocation.
    Unchecked { fact: Fact, span: Span },
    /// An allocation never used on any path.
    DeadAlloc { origin: Span, api: Rc<str> },
    /// An allocation inside a loop driven by request input with no fixed bound.
    InLoop {
        origin: Span,
        api: Rc<str>,
        /// The loop condition.
        cond: Span,
        input: Fact,
    },
    /// A buffer that dies early, handed to an IIS method that keeps the pointer.
    Borrowed {
        fact: Fact,
        span: Span,
        sink: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoffReason {
    /// This `return` (in this file) after the hand-off does not return
    /// `RQ_NOTIFICATION_PENDING`.
    Returns(FileId, Span),
    GlobalNotification,
}

/// A hand-off seen during the dataflow, judged afterwards.
struct PendingHandoff {
    sink: String,
    fact: Fact,
    /// The hand-off call: here, or inside a helper this function calls.
    file: FileId,
    span: Span,
    block: BlockId,
    in_terminator: bool,
    result_local: Option<LocalId>,
}

pub struct FnAnalysis<'a> {
    index: &'a Index<'a>,
    file: FileId,
    func: &'a Function,
    /// The class whose members unqualified names may refer to.
    class: Option<&'a str>,
    role: Option<Role>,
    summaries: Summaries<'a>,
    /// What this function does for its callers.
    summary: Summary,
    /// Events with the file of their primary location.
    events: Vec<(FileId, Event)>,
    seen: FxHashSet<(u8, Span, Span)>,
    /// Types of `auto` locals, inferred from their initialisers.
    inferred: Vec<Option<TypeRef>>,
    /// Reference locals bound to static storage.
    ref_bindings: BTreeMap<LocalId, Rc<StaticTarget>>,
    /// Where the analysis is: block, and whether in its terminator.
    cur_block: BlockId,
    in_terminator: bool,
    handoffs: Vec<PendingHandoff>,
    /// Allocations seen (origin, api, block), and the allocations used somewhere.
    allocs: Vec<(Span, Rc<str>, BlockId)>,
    used: FxHashSet<Span>,
    /// Per loop head: a fact of request input the loop condition depends on.
    loop_input: BTreeMap<BlockId, Fact>,
    /// Memoised per expression (blocks are visited more than once): the request interface an
    /// expression's declared type names, and the functions a call reaches.
    typed_cache: FxHashMap<Span, Option<Rc<str>>>,
    callee_cache: FxHashMap<Span, Vec<FnRef>>,
    /// For a lambda: the enclosing locals it captures, with their values at its creation.
    captured: Vec<(String, Value)>,
    /// The captures of the lambdas created here: (lambda index, name, value).
    lambda_seeds: Vec<(u32, Vec<(String, Value)>)>,
}

/// Analyse one function (and the lambdas defined in it) with the summaries of its callees;
/// return its events (with the file of each primary location) and its own summary.
pub fn analyze_function<'a>(
    index: &'a Index<'a>,
    summaries: Summaries<'a>,
    file: FileId,
    func: &'a Function,
    class: Option<&'a str>,
) -> (Vec<(FileId, Event)>, Summary) {
    analyze_with_captures(index, summaries, file, func, class, Vec::new())
}

/// Analyse a function whose free names `captures` are bound to the values they had where the
/// function (a lambda or closure) was created.
fn analyze_with_captures<'a>(
    index: &'a Index<'a>,
    summaries: Summaries<'a>,
    file: FileId,
    func: &'a Function,
    class: Option<&'a str>,
    captures: Vec<(String, Value)>,
) -> (Vec<(FileId, Event)>, Summary) {
    let mut a = FnAnalysis::new(index, summaries, file, func, class);
    a.captured = captures;
    a.run();
    a.judge_handoffs();
    a.judge_allocations();
    let mut events = a.events;
    let seeds = std::mem::take(&mut a.lambda_seeds);
    for (i, l) in func.lambdas.iter().enumerate() {
        let caps = seeds
            .iter()
            .filter(|(j, _)| *j == i as u32)
            .flat_map(|(_, c)| c.iter().cloned())
            .collect();
        events.extend(analyze_with_captures(index, summaries, file, l, class, caps).0);
    }
    (events, a.summary)
}

/// The functions of the run that a function's calls reach, resolved as the analysis resolves
/// them (by receiver class, arity, constructor): the edges of the call graph.
pub fn call_edges<'a>(index: &'a Index<'a>, file: FileId, func: &'a Function) -> Vec<FnRef> {
    let empty = rustc_hash::FxHashMap::default();
    let summaries = Summaries {
        global: &empty,
        local: &empty,
    };
    let mut out = Vec::new();
    edges_of(
        index,
        summaries,
        file,
        func,
        func.class.as_deref(),
        &mut out,
    );
    out.sort();
    out.dedup();
    out
}

fn edges_of<'a>(
    index: &'a Index<'a>,
    summaries: Summaries<'a>,
    file: FileId,
    func: &'a Function,
    class: Option<&'a str>,
    out: &mut Vec<FnRef>,
) {
    let mut a = FnAnalysis::new(index, summaries, file, func, class);
    // Types of `auto` locals from their initialisers, as the dataflow would infer them.
    for b in &func.body.blocks {
        for st in &b.stmts {
            if let Stmt::Decl {
                local,
                init: Some(init),
                ..
            } = st
                && func.local(*local).ty.is_unknown()
            {
                let t = a.type_of(init);
                if !t.is_unknown() {
                    a.inferred[*local as usize] = Some(t);
                }
            }
        }
    }
    for e in func.exprs() {
        e.visit(&mut |x| match &x.kind {
            ExprKind::Call { callee, args } => out.extend(a.resolve_call(callee, args.len())),
            ExprKind::Construct(c) => out.extend(a.resolve_ctor(&c.ty, c.args.len())),
            _ => {}
        });
    }
    for l in &func.lambdas {
        edges_of(index, summaries, file, l, class, out);
    }
}

impl<'a> FnAnalysis<'a> {
    fn new(
        index: &'a Index<'a>,
        summaries: Summaries<'a>,
        file: FileId,
        func: &'a Function,
        class: Option<&'a str>,
    ) -> Self {
        FnAnalysis {
            index,
            file,
            func,
            class,
            role: class.and_then(|c| index.role(c)),
            summaries,
            summary: Summary::default(),
            events: Vec::new(),
            seen: FxHashSet::default(),
            inferred: vec![None; func.locals.len()],
            ref_bindings: BTreeMap::new(),
            cur_block: 0,
            in_terminator: false,
            handoffs: Vec::new(),
            allocs: Vec::new(),
            used: FxHashSet::default(),
            loop_input: BTreeMap::new(),
            typed_cache: FxHashMap::default(),
            callee_cache: FxHashMap::default(),
            captured: Vec::new(),
            lambda_seeds: Vec::new(),
        }
    }

    fn run(&mut self) {
        let cfg = &self.func.body;
        let n = cfg.blocks.len();
        let mut input: Vec<Option<State>> = vec![None; n];
        let mut entry = State::default();
        // Each parameter stands for whatever the caller passes.
        for (i, l) in self.func.locals[..self.func.params as usize]
            .iter()
            .enumerate()
        {
            if l.name.is_empty() || !self.index.can_hold_pointer(&l.ty) {
                continue;
            }
            let f = Fact {
                param: Some(i as u32),
                ..Fact::new(Kind::Param, self.file, l.span, l.name.as_str())
            };
            entry
                .places
                .insert(Place::local(i as LocalId), Value::of(f));
        }
        // A lambda starts with its captures holding what they held where it was created.
        for (name, v) in &self.captured {
            entry.places.insert(
                Place {
                    root: Root::Name(name.clone()),
                    path: vec![],
                },
                v.clone(),
            );
        }
        input[0] = Some(entry);
        let mut visits = vec![0usize; n];
        let mut work: Vec<BlockId> = vec![0];
        let mut queued = vec![false; n];
        queued[0] = true;
        let mut exits: BTreeMap<BlockId, Vec<u32>> = BTreeMap::new();
        while let Some(b) = work.pop() {
            queued[b as usize] = false;
            visits[b as usize] += 1;
            if visits[b as usize] > MAX_VISITS {
                continue;
            }
            let Some(mut st) = input[b as usize].clone() else {
                continue;
            };
            self.cur_block = b;
            self.in_terminator = false;
            let block = &cfg.blocks[b as usize];
            for s in &block.stmts {
                self.stmt(s, &mut st);
            }
            self.in_terminator = true;
            match &block.term {
                Terminator::Branch { cond, .. } => {
                    let v = self.eval(cond, &mut st);
                    self.mark_checked(cond, &mut st);
                    if let Some(f) = v.into_number().facts.into_iter().next() {
                        self.loop_input.entry(b).or_insert(f);
                    }
                }
                Terminator::Switch { value, .. } => {
                    self.eval(value, &mut st);
                }
                Terminator::Return { value: Some(v), .. } => {
                    let val = self.eval(v, &mut st);
                    self.consume(&val);
                    for f in val.facts.iter().filter(|f| f.kind.is_tracked()) {
                        if !self.summary.returns.iter().any(|g| g.same(f)) {
                            let mut f = f.clone();
                            f.fresh = f.kind == Kind::RequestMemory
                                && f.param.is_none()
                                && st.unchecked.contains(&f.origin);
                            self.summary.returns.push(f);
                        }
                    }
                }
                _ => {}
            }
            if block.term.successors(cfg.exit).contains(&cfg.exit) {
                // The parameters whose context is completed when leaving through this block.
                let done: Vec<u32> = st.completed.iter().filter_map(|c| c.param).collect();
                exits.insert(b, done);
            }
            for succ in block.term.successors(cfg.exit) {
                let slot = &mut input[succ as usize];
                let changed = match slot {
                    None => {
                        *slot = Some(st.clone());
                        true
                    }
                    Some(old) => old.join(&st),
                };
                if changed && !queued[succ as usize] {
                    queued[succ as usize] = true;
                    work.push(succ);
                }
            }
        }
        // A function completes the context passed as a parameter when it does so on every way
        // out of it.
        let mut must: Option<Vec<u32>> = None;
        for done in exits.values() {
            must = Some(match must {
                None => done.clone(),
                Some(m) => m.into_iter().filter(|p| done.contains(p)).collect(),
            });
        }
        for p in must.unwrap_or_default() {
            if !self.summary.completes.contains(&Some(p)) {
                self.summary.completes.push(Some(p));
            }
        }
    }

    fn stmt(&mut self, s: &Stmt, st: &mut State) {
        let handoffs_before = self.handoffs.len();
        match s {
            Stmt::Expr(e) => {
                self.eval(e, st);
                // `ok = QueueUserWorkItem(...)`: the local tells whether the hand-off worked.
                if let ExprKind::Assign { lhs, .. } = &e.kind
                    && let ExprKind::Local(id) = lhs.peel().kind
                {
                    for h in &mut self.handoffs[handoffs_before..] {
                        h.result_local = Some(id);
                    }
                }
            }
            Stmt::Decl { local, init, span } => {
                let l = self.func.local(*local);
                let Some(init) = init else {
                    if l.ty.is_array && l.storage == Storage::Automatic {
                        st.places.remove(&Place::local(*local));
                    } else {
                        assign(st, Place::local(*local), Value::default());
                    }
                    return;
                };
                if l.ty.is_unknown() {
                    let t = self.type_of(init);
                    if !t.is_unknown() {
                        self.inferred[*local as usize] = Some(t);
                    }
                }
                let v = self.eval(init, st);
                for h in &mut self.handoffs[handoffs_before..] {
                    h.result_local = Some(*local);
                }
                if l.is_ref
                    && let Dest::Static(t) = self.dest(init, st)
                {
                    // A reference bound to static storage: stores through it go there.
                    self.ref_bindings.insert(*local, Rc::new(t));
                }
                if l.storage.is_static() {
                    // A static local's initialiser runs once and keeps the first request's value.
                    let target = self.local_target(*local);
                    self.report_store(target, &v, *span);
                    return;
                }
                let ty = self.local_type(*local);
                let v = self.convert_for(&ty, v);
                let name = &l.name;
                let v = v.with_step(self.file, *span, || format!("assigned to `{name}` here"));
                assign(st, Place::local(*local), v);
            }
        }
    }

    /// A value as stored into a place of type `ty`: a string type owns a copy (nothing is
    /// request-scoped), a scalar holds a number.
    fn convert_for(&self, ty: &TypeRef, v: Value) -> Value {
        if ty.is_unknown() {
            return v;
        }
        let eff = self.index.effective(ty);
        if self.index.is_content_type(&eff) {
            Value::default()
        } else if !self.index.can_hold_pointer(ty) {
            v.into_number()
        } else {
            v
        }
    }

    fn local_type(&self, id: LocalId) -> TypeRef {
        let l = self.func.local(id);
        if l.ty.is_unknown()
            && let Some(t) = &self.inferred[id as usize]
        {
            return t.clone();
        }
        l.ty.clone()
    }

    fn local_target(&self, id: LocalId) -> StaticTarget {
        let l = self.func.local(id);
        StaticTarget {
            describe: format!("the {} `{}`", l.storage.describe(), l.name),
            storage: l.storage,
            decl: Some((self.file, l.span)),
            ty: l.ty.clone(),
            long_lived: false,
        }
    }

    fn static_target(&self, file: FileId, v: &StaticVar) -> StaticTarget {
        let name = match &v.class {
            Some(c) => format!("{c}::{}", v.name),
            None => v.name.clone(),
        };
        StaticTarget {
            describe: format!("the {} `{name}`", v.storage.describe()),
            storage: v.storage,
            decl: Some((file, v.span)),
            ty: v.ty.clone(),
            long_lived: false,
        }
    }

    /// A member of the current class, which outlives requests.
    fn long_lived_member(&self, name: &str, role: Role) -> StaticTarget {
        let class = self.class.unwrap_or_default();
        let field = self.index.field(class, name);
        StaticTarget {
            describe: format!("the member `{name}` of the {} `{class}`", role.describe()),
            storage: Storage::Automatic,
            decl: None,
            ty: field.map(|f| f.ty.clone()).unwrap_or_default(),
            long_lived: true,
        }
    }

    fn report_store(&mut self, target: StaticTarget, v: &Value, span: Span) {
        self.report_store_at(self.file, target, v, span);
    }

    /// A store into static storage or a longer-lived object at `file:span` (here, or inside a
    /// helper). A parameter's store goes into the summary; a value that is an object holding
    /// request data (built by a constructor that keeps it) makes the store long-lived.
    fn report_store_at(&mut self, file: FileId, target: StaticTarget, v: &Value, span: Span) {
        if !self.index.can_hold_pointer(&target.ty) {
            return;
        }
        self.consume(v);
        for f in &v.facts {
            if !f.kind.is_tracked() || !self.seen.insert((0, span, f.origin)) {
                continue;
            }
            let mut target = target.clone();
            if f.held && !target.long_lived {
                target.long_lived = true;
                target.describe = format!("the object {} points to", target.describe);
            }
            let ev = Event::Store {
                target,
                fact: f.clone(),
                span,
            };
            self.emit(file, ev, f);
        }
    }

    /// An event about `fact`: a parameter's goes into the summary (its callers report it with
    /// what they pass), any other is reported.
    fn emit(&mut self, file: FileId, ev: Event, fact: &Fact) {
        if fact.param.is_some() {
            self.summary.escapes.push((file, ev));
        } else {
            self.events.push((file, ev));
        }
    }

    // ------------------------------------------------------------ names and places

    /// Resolve an unqualified or qualified name that is not a local.
    fn resolve_name(&self, name: &str) -> Dest {
        // In a lambda, a captured local of the enclosing function (never a member or global).
        let bare = name.trim_start_matches("::");
        if self.captured.iter().any(|(n, _)| n == bare) {
            return Dest::Tracked(Place {
                root: Root::Name(bare.to_owned()),
                path: vec![],
            });
        }
        if let Some(global) = name.strip_prefix("::") {
            return match self.index.global(global, self.file) {
                Some((f, v)) => Dest::Static(self.static_target(f, v)),
                None => Dest::Unknown,
            };
        }
        if let Some((scope, last)) = name.rsplit_once("::") {
            let class = scope.rsplit("::").next().unwrap_or(scope);
            if let Some((f, v)) = self.index.static_member(class, last) {
                return Dest::Static(self.static_target(f, v));
            }
            if !self.index.is_class(class)
                && let Some((f, v)) = self.index.global(last, self.file)
            {
                return Dest::Static(self.static_target(f, v)); // `ns::g_p`
            }
            return Dest::Unknown;
        }
        if let Some(class) = self.class {
            if let Some((f, v)) = self.index.static_member(class, name) {
                return Dest::Static(self.static_target(f, v));
            }
            if self.index.field(class, name).is_some() {
                return self.member(name);
            }
        }
        if let Some((f, v)) = self.index.global(name, self.file) {
            return Dest::Static(self.static_target(f, v));
        }
        if self.class.is_some() {
            // A member of a base the run does not declare (an SDK class).
            return self.member(name);
        }
        Dest::Tracked(Place {
            root: Root::Name(name.to_owned()),
            path: vec![],
        })
    }

    /// The member `name` of `this`: tracked, or long-lived when the object outlives requests.
    fn member(&self, name: &str) -> Dest {
        match self.role {
            Some(role) => Dest::Static(self.long_lived_member(name, role)),
            None => Dest::Tracked(member_place(name)),
        }
    }

    /// Where an lvalue expression writes.
    fn dest(&self, e: &Expr, st: &State) -> Dest {
        match &e.kind {
            ExprKind::Local(id) => {
                let l = self.func.local(*id);
                if l.storage.is_static() {
                    return Dest::Static(self.local_target(*id));
                }
                if let Some(t) = self.ref_bindings.get(id) {
                    return Dest::Static((**t).clone());
                }
                Dest::Tracked(Place::local(*id))
            }
            ExprKind::Name(n) => self.resolve_name(n),
            ExprKind::This => Dest::Tracked(Place {
                root: Root::This,
                path: vec![],
            }),
            ExprKind::Field { base, name, arrow } => {
                if matches!(base.peel().kind, ExprKind::This) {
                    // `this->m` is the member `m`.
                    return match self.class {
                        Some(c) => match self.index.static_member(c, name) {
                            Some((f, v)) => Dest::Static(self.static_target(f, v)),
                            None => self.member(name),
                        },
                        None => Dest::Tracked(member_place(name)),
                    };
                }
                match self.dest(base, st) {
                    Dest::Tracked(p) => {
                        if *arrow {
                            // Through a local pointer: to static storage if it points there.
                            if let Some(t) = read(&st.places, &p).addr {
                                let mut t = (*t).clone();
                                t.describe = format!("the field `{name}` of {}", t.describe);
                                t.ty = self.field_type(&t.ty, name);
                                return Dest::Static(t);
                            }
                            // Into an object that outlives requests.
                            let owner = self.index.effective(&self.type_of(base));
                            if let Some(role) = self.index.role(&owner.name) {
                                return Dest::Static(StaticTarget {
                                    describe: format!(
                                        "the member `{name}` of the {} `{}`",
                                        role.describe(),
                                        owner.name
                                    ),
                                    storage: Storage::Automatic,
                                    decl: None,
                                    ty: self.field_type(&owner, name),
                                    long_lived: true,
                                });
                            }
                            Dest::Tracked(p.child(Seg::Arrow(name.clone())))
                        } else if let Some(t) = st.places.get(&p).and_then(|v| v.addr.clone())
                            && t.long_lived
                        {
                            // `leaked.f = v` through a reference to a leaked object.
                            let mut t = (*t).clone();
                            t.describe = format!("the field `{name}` of {}", t.describe);
                            t.ty = TypeRef::default();
                            Dest::Static(t)
                        } else {
                            Dest::Tracked(p.child(Seg::Field(name.clone())))
                        }
                    }
                    Dest::Static(mut t) => {
                        if *arrow && !t.long_lived {
                            // `g_p->f = x` writes into the object `g_p` points to.
                            t.long_lived = true;
                            t.describe = format!(
                                "the field `{name}` of the object {} points to",
                                t.describe
                            );
                        } else {
                            t.describe = format!("the field `{name}` of {}", t.describe);
                        }
                        t.ty = self.field_type(&t.ty, name);
                        Dest::Static(t)
                    }
                    Dest::Unknown => Dest::Unknown,
                }
            }
            ExprKind::Index { base, .. } => match self.dest(base, st) {
                Dest::Tracked(p) => Dest::Tracked(p.child(Seg::Elem)),
                Dest::Static(mut t) => {
                    let ty = self.index.effective(&t.ty);
                    if ty.pointers > 0 && !ty.is_array && !t.long_lived {
                        // `g_p[i] = x` writes into what `g_p` points to.
                        t.long_lived = true;
                        t.describe = format!("an element of the array {} points to", t.describe);
                    } else {
                        t.describe = format!("an element of {}", t.describe);
                    }
                    t.ty = element_type(&ty);
                    Dest::Static(t)
                }
                Dest::Unknown => Dest::Unknown,
            },
            ExprKind::Deref(inner) => match self.peek(inner, st).addr {
                Some(t) => Dest::Static((*t).clone()),
                None => Dest::Unknown,
            },
            ExprKind::Cast { expr, .. } => self.dest(expr, st),
            _ => Dest::Unknown,
        }
    }

    fn field_type(&self, owner: &TypeRef, field: &str) -> TypeRef {
        let owner = self.index.effective(owner);
        self.index
            .field(&owner.name, field)
            .map(|f| f.ty.clone())
            .unwrap_or_default()
    }

    /// The value of an expression without side effects (for place resolution and checks).
    fn peek(&self, e: &Expr, st: &State) -> Value {
        match &e.peel().kind {
            ExprKind::Local(id) => {
                let mut v = read(&st.places, &Place::local(*id));
                if v.addr.is_none() {
                    v.addr = self.ref_bindings.get(id).cloned();
                }
                v
            }
            ExprKind::AddrOf(inner) => match self.dest(inner, st) {
                Dest::Static(t) if !t.long_lived => Value {
                    facts: vec![],
                    addr: Some(Rc::new(t)),
                },
                _ => Value::default(),
            },
            ExprKind::Assign { lhs, .. } => self.peek(lhs, st),
            ExprKind::Name(_) | ExprKind::Field { .. } | ExprKind::Index { .. } => {
                match self.dest(e.peel(), st) {
                    Dest::Tracked(p) => read(&st.places, &p),
                    _ => Value::default(),
                }
            }
            _ => Value::default(),
        }
    }

    /// The pointer an expression holds itself, without what its parts hold: indexing a local
    /// array of request pointers does not dereference any of them.
    fn own_value(&self, e: &Expr, evaluated: &Value, st: &State) -> Value {
        let local_array = matches!(e.peel().kind, ExprKind::Local(id)
            if { let t = self.index.effective(&self.local_type(id)); t.is_array || (t.pointers == 0 && !t.is_unknown()) });
        match self.dest(e, st) {
            Dest::Tracked(p) if local_array || !p.path.is_empty() => {
                let mut v = st.places.get(&p).cloned().unwrap_or_default();
                v.absorb(evaluated.clone().only(|k| k == Kind::RequestData));
                v
            }
            _ => evaluated.clone(),
        }
    }

    /// What an argument makes reachable: for `&local`, the local's content (a struct holding
    /// request pointers, a chunk array); otherwise the argument's value.
    fn reach(&self, arg: &Expr, value: &Value, st: &State) -> Value {
        if let ExprKind::AddrOf(inner) = &arg.peel().kind
            && let Dest::Tracked(p) = self.dest(inner, st)
        {
            return value.clone().union(read(&st.places, &p));
        }
        value.clone()
    }

    // ------------------------------------------------------------ types

    /// Best-effort static type of an expression.
    pub fn type_of(&self, e: &Expr) -> TypeRef {
        match &e.kind {
            ExprKind::Local(id) => self.local_type(*id),
            ExprKind::Name(n) => {
                if let Some(c) = self.class
                    && let Some(f) = self.index.field(c, n)
                {
                    return f.ty.clone();
                }
                match self.resolve_name(n) {
                    Dest::Static(t) => t.ty,
                    _ => TypeRef::default(),
                }
            }
            ExprKind::This => TypeRef {
                name: self.class.unwrap_or_default().to_owned(),
                pointers: 1,
                ..TypeRef::default()
            },
            ExprKind::Field { base, name, .. } => {
                if matches!(base.peel().kind, ExprKind::This) {
                    return match self.class.and_then(|c| self.index.field(c, name)) {
                        Some(f) => f.ty.clone(),
                        None => TypeRef::default(),
                    };
                }
                let owner = self.type_of(base);
                self.field_type(&owner, name)
            }
            ExprKind::Call { callee, .. } => match &callee.kind {
                ExprKind::Field { base, name, .. } => {
                    let recv = self.index.effective(&self.type_of(base));
                    let returns = &self.index.catalog.returns;
                    if !recv.is_unknown() {
                        if let Some(t) = self.index.method_return(&recv.name, name) {
                            return t.clone();
                        }
                        let key = format!("{}::{name}", recv.name);
                        if let Some(r) = returns.get(&key) {
                            return iface(r);
                        }
                        if let Some(r) = self
                            .index
                            .bases(&recv.name)
                            .iter()
                            .find_map(|b| returns.get(&format!("{b}::{name}")))
                        {
                            return iface(r);
                        }
                        return TypeRef::default();
                    }
                    // Unknown receiver: the method's return type if the catalogue agrees.
                    let suffix = format!("::{name}");
                    let mut hits = returns.iter().filter(|(k, _)| k.ends_with(&suffix));
                    match (hits.next(), hits.next()) {
                        (Some((_, r)), None) => iface(r),
                        (Some((_, r1)), Some((_, r2))) if r1 == r2 => iface(r1),
                        _ => TypeRef::default(),
                    }
                }
                ExprKind::Name(n) => {
                    let last = n.rsplit("::").next().unwrap_or(n);
                    match n.rsplit_once("::") {
                        Some((class, m)) => self.index.method_return(class, m),
                        None => self
                            .class
                            .and_then(|c| self.index.method_return(c, last))
                            .or_else(|| self.index.function_return(last)),
                    }
                    .cloned()
                    .unwrap_or_default()
                }
                _ => TypeRef::default(),
            },
            ExprKind::Deref(inner) => {
                let mut t = self.index.effective(&self.type_of(inner));
                t.pointers = t.pointers.saturating_sub(1);
                t
            }
            ExprKind::Index { base, .. } => {
                element_type(&self.index.effective(&self.type_of(base)))
            }
            ExprKind::Cast { ty, .. } => (**ty).clone(),
            ExprKind::Construct(c) => {
                let mut t = c.ty.clone();
                if c.heap {
                    t.pointers += 1;
                }
                t
            }
            ExprKind::Assign { lhs, .. } => self.type_of(lhs),
            _ => TypeRef::default(),
        }
    }

    /// A request-object fact for an expression whose declared type is a request interface.
    fn typed_object(&mut self, e: &Expr) -> Option<Fact> {
        let api = match self.typed_cache.get(&e.span) {
            Some(cached) => cached.clone(),
            None => {
                let api = self.request_interface_of(e);
                self.typed_cache.insert(e.span, api.clone());
                api
            }
        }?;
        Some(Fact::new(Kind::RequestObject, self.file, e.span, api))
    }

    fn request_interface_of(&self, e: &Expr) -> Option<Rc<str>> {
        let t = self.index.effective(&self.type_of(e));
        if t.pointers == 0 && !t.is_ref {
            return None;
        }
        if !self.index.catalog.request_object_types.contains(&t.name) {
            return None;
        }
        Some(Rc::from(format!("{}*", t.name)))
    }

    /// Is this call a catalogued source? Returns the source for `recv->method(...)` whose
    /// receiver type fits, or a configured free function.
    fn source_of(&self, callee: &Expr) -> Vec<&'a crate::catalog::Source> {
        let catalog = self.index.catalog;
        match &callee.peel().kind {
            ExprKind::Field { base, name, .. } => {
                if !catalog.is_source_name(name) {
                    return Vec::new();
                }
                let recv = self.index.effective(&self.type_of(base));
                let known = !recv.is_unknown();
                catalog
                    .sources
                    .iter()
                    .filter(|s| s.method == *name)
                    .filter(|s| {
                        if s.free_function && s.types.is_empty() {
                            return true;
                        }
                        if !known {
                            return !s.require_type;
                        }
                        s.types.contains(&recv.name)
                            || self.index.derives_from(&recv.name, &s.types)
                            || (!self.index.is_class(&recv.name)
                                && !s.require_type
                                && !looks_like_iis_interface(&recv.name))
                    })
                    .collect()
            }
            ExprKind::Name(n) => {
                let last = n.rsplit("::").next().unwrap_or(n);
                catalog
                    .sources
                    .iter()
                    .filter(|s| s.method == last && s.free_function)
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    // ------------------------------------------------------------ uses

    /// The value is used: its allocations are not dead.
    fn consume(&mut self, v: &Value) {
        for f in &v.facts {
            if f.kind == Kind::RequestMemory {
                self.used.insert(f.origin);
            }
        }
    }

    /// A read of a request-scoped value: reported when its context was completed on this path.
    fn check_completed(&mut self, v: &Value, span: Span, st: &mut State) {
        if st.completed.is_empty() {
            return;
        }
        for f in &v.facts {
            if !f.kind.is_request_scoped() {
                continue;
            }
            if let Some(c) = st
                .completed
                .iter_mut()
                .find(|c| c.ctx == f.ctx && !c.reported)
            {
                c.reported = true;
                let (call, api) = (c.call, c.api.clone());
                if self.seen.insert((1, span, call)) {
                    self.events.push((
                        self.file,
                        Event::UseAfterCompletion {
                            fact: f.clone(),
                            span,
                            completion: call,
                            completion_api: api,
                        },
                    ));
                }
            }
        }
    }

    /// A dereference or write through request memory: reported when not NULL-checked since
    /// its allocation on this path (once per allocation and path).
    fn check_unchecked(&mut self, v: &Value, span: Span, st: &mut State) {
        for f in &v.facts {
            if f.kind == Kind::RequestMemory
                && st.unchecked.remove(&f.origin)
                && self.seen.insert((2, span, f.origin))
            {
                self.events.push((
                    self.file,
                    Event::Unchecked {
                        fact: f.clone(),
                        span,
                    },
                ));
            }
        }
    }

    /// A condition tests these values against NULL: their allocations are checked.
    fn mark_checked(&self, cond: &Expr, st: &mut State) {
        let mut tested: Vec<&Expr> = Vec::new();
        null_tested(cond, &mut tested);
        for e in tested {
            let v = self.peek(e, st);
            for f in &v.facts {
                st.unchecked.remove(&f.origin);
            }
        }
    }

    // ------------------------------------------------------------ evaluation

    fn eval(&mut self, e: &Expr, st: &mut State) -> Value {
        match &e.kind {
            ExprKind::Local(id) => {
                let mut v = read(&st.places, &Place::local(*id));
                if v.addr.is_none() {
                    v.addr = self.ref_bindings.get(id).cloned();
                }
                let l = self.func.local(*id);
                if l.ty.is_array && l.storage == Storage::Automatic && self.is_byte_buffer(&l.ty) {
                    v.absorb(Value::of(Fact::new(
                        Kind::Borrowed,
                        self.file,
                        l.span,
                        Rc::from(format!("the stack array `{}`", l.name)),
                    )));
                }
                self.read_done(e, v, st)
            }
            ExprKind::Name(_) | ExprKind::This => {
                let v = match self.dest(e, st) {
                    Dest::Tracked(p) => read(&st.places, &p),
                    _ => Value::default(),
                };
                self.read_done(e, v, st)
            }
            ExprKind::Field { base, arrow, .. } => {
                let base_v = self.eval(base, st);
                if *arrow {
                    self.consume(&base_v);
                    self.check_unchecked(&base_v, e.span, st);
                }
                let mut v = match self.dest(e, st) {
                    // `read` also sees a request-scoped aggregate the field is part of.
                    Dest::Tracked(p) => read(&st.places, &p),
                    _ => Value::default(),
                };
                // A field of request data is request data (`pRaw->pRawUrl`,
                // `pRaw->CookedUrl.pFullUrl`).
                v.absorb(base_v.only(|k| k == Kind::RequestData));
                self.read_done(e, v, st)
            }
            ExprKind::Index { base, index } => {
                self.eval(index, st);
                let base_v = self.eval(base, st);
                let own = self.own_value(base, &base_v, st);
                self.consume(&own);
                self.check_unchecked(&own, e.span, st);
                let mut v = match self.dest(e, st) {
                    Dest::Tracked(p) => read(&st.places, &p),
                    _ => Value::default(),
                };
                // An element of request data (`KnownHeaders[i]`) is request data.
                v.absorb(base_v.only(|k| k == Kind::RequestData));
                v
            }
            ExprKind::Deref(inner) => {
                let v = self.eval(inner, st);
                self.consume(&v);
                self.check_unchecked(&v, e.span, st);
                v.only(|k| k == Kind::RequestData)
            }
            ExprKind::AddrOf(inner) => self.address_of(inner, st),
            ExprKind::Call { callee, args } => self.call(e, callee, args, st),
            ExprKind::Construct(c) => self.construct(e, &c.ty, &c.args, &c.placement, c.heap, st),
            ExprKind::Assign { lhs, rhs, compound } => {
                let rv = self.eval(rhs, st);
                self.eval_target(lhs, st);
                let v = match compound {
                    None => rv,
                    Some(BinOp::Add) => self.peek(lhs, st).union(without_addr(rv)),
                    Some(BinOp::Sub) => self.peek(lhs, st).union(rv.into_number()),
                    Some(_) => self.peek(lhs, st).into_number().union(rv.into_number()),
                };
                self.store(lhs, v.clone(), e.span, st);
                v
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.eval(lhs, st);
                if matches!(op, BinOp::And | BinOp::Or) {
                    // `p && p[0]`: the right side runs after the left side's test.
                    self.mark_checked(lhs, st);
                }
                let r = self.eval(rhs, st);
                match op {
                    // Pointer arithmetic keeps the pointer's provenance.
                    BinOp::Add => without_addr(l).union(without_addr(r)),
                    // `p - n` is a pointer; `p - q` a distance.
                    BinOp::Sub if !r.has(Kind::is_request_scoped) => {
                        without_addr(l).union(r.into_number())
                    }
                    _ => l.into_number().union(r.into_number()),
                }
            }
            ExprKind::Unary { expr, .. } => self.eval(expr, st).into_number(),
            ExprKind::IncDec(inner) => self.eval(inner, st),
            ExprKind::Cast { ty, expr, .. } => {
                let mut v = self.eval(expr, st);
                let t = self.index.effective(ty);
                if !t.is_unknown() && !self.index.can_hold_pointer(&t) {
                    return v.into_number(); // `(DWORD)(...)`: a number now
                }
                // `(LPCSTR)strLocal`: the data of a local string.
                if t.pointers > 0
                    && let Some(f) = self.local_string_data(expr, e.span)
                {
                    v.absorb(Value::of(f));
                }
                if let Some(f) = self.typed_object(e)
                    && !v.has(|k| k == Kind::RequestObject)
                {
                    v.absorb(Value::of(f));
                }
                v
            }
            ExprKind::Cond { cond, then, else_ } => {
                self.eval(cond, st);
                self.mark_checked(cond, st);
                let a = self.eval(then, st);
                let b = self.eval(else_, st);
                a.union(b)
            }
            ExprKind::Seq(items) => {
                let mut last = Value::default();
                for i in items {
                    last = self.eval(i, st);
                }
                last
            }
            ExprKind::InitList(items) => items.iter().fold(Value::default(), |acc, i| {
                let v = self.eval(i, st);
                acc.union(without_addr(v))
            }),
            ExprKind::Lit(_) => Value::default(),
            ExprKind::Delete { expr, .. } => {
                let v = self.eval(expr, st);
                self.consume(&v);
                self.freed(&v, e.span, "delete");
                Value::default()
            }
            ExprKind::Lambda { index, captures } => {
                // A closure holding request-scoped captures is request-scoped; its body starts
                // with the captures' values.
                let mut v = Value::default();
                let mut seeds = Vec::with_capacity(captures.len());
                for c in captures {
                    let kind = match self.func.locals.iter().rposition(|l| l.name == c.name) {
                        Some(id) => ExprKind::Local(id as LocalId),
                        None => ExprKind::Name(c.name.clone()),
                    };
                    let cv = self.eval(&Expr::new(kind, c.span), st);
                    seeds.push((c.name.clone(), cv.clone()));
                    v.absorb(without_addr(cv.only(|k| k != Kind::Borrowed)));
                }
                match self.lambda_seeds.iter_mut().find(|(i, _)| i == index) {
                    Some((_, old)) => {
                        for (n, val) in seeds {
                            match old.iter_mut().find(|(m, _)| *m == n) {
                                Some((_, o)) => o.absorb(val),
                                None => old.push((n, val)),
                            }
                        }
                    }
                    None => self.lambda_seeds.push((*index, seeds)),
                }
                self.consume(&v);
                v
            }
            ExprKind::Opaque(items) => {
                for i in items {
                    let v = self.eval(i, st);
                    self.consume(&v);
                }
                Value::default()
            }
        }
    }

    /// After reading a variable: add the request-object fact of a request-typed variable, and
    /// report a read after completion.
    fn read_done(&mut self, e: &Expr, mut v: Value, st: &mut State) -> Value {
        if !v.has(|k| k == Kind::RequestObject)
            && let Some(f) = self.typed_object(e)
        {
            v.absorb(Value::of(f));
        }
        self.check_completed(&v, e.span, st);
        v
    }

    /// Evaluate the parts of an assignment's target that are read: `p[i] = x` reads `p` and `i`,
    /// `p->f = x` reads `p`; `s.f = x` reads nothing.
    fn eval_target(&mut self, lhs: &Expr, st: &mut State) {
        match &lhs.kind {
            ExprKind::Index { base, index } => {
                self.eval(index, st);
                if let Dest::Tracked(_) | Dest::Unknown = self.dest(base, st) {
                    let v = self.eval(base, st);
                    let own = self.own_value(base, &v, st);
                    self.consume(&own);
                    self.check_unchecked(&own, lhs.span, st);
                }
            }
            ExprKind::Deref(inner) => {
                let v = self.eval(inner, st);
                self.consume(&v);
                self.check_unchecked(&v, lhs.span, st);
            }
            ExprKind::Field { base, arrow, .. } => {
                if *arrow {
                    if !matches!(base.peel().kind, ExprKind::This) {
                        let v = self.eval(base, st);
                        self.consume(&v);
                        self.check_unchecked(&v, lhs.span, st);
                    }
                } else {
                    self.eval_target(base, st);
                }
            }
            ExprKind::Cast { expr, .. } => self.eval_target(expr, st),
            _ => {}
        }
    }

    fn address_of(&mut self, inner: &Expr, st: &mut State) -> Value {
        if let Dest::Static(t) = self.dest(inner, st)
            && !t.long_lived
        {
            // `&g_p`, `&g_arr[2]`: the address of static storage.
            self.eval_target(inner, st);
            return Value {
                facts: vec![],
                addr: Some(Rc::new(t)),
            };
        }
        match &inner.peel().kind {
            // `&p[n]` and `&*p` are addresses inside what `p` points to; `&v[0]` of a local
            // vector is its data.
            ExprKind::Index { base, index } => {
                self.eval(index, st);
                let mut v = self.eval(base, st);
                if let Some(f) = self.local_string_data(base, inner.span) {
                    v.absorb(Value::of(f));
                }
                v.only(|k| k != Kind::RequestInput)
            }
            ExprKind::Deref(x) => self.eval(x, st),
            _ => {
                self.eval_target(inner, st);
                Value::default()
            }
        }
    }

    fn construct(
        &mut self,
        e: &Expr,
        ty: &TypeRef,
        args: &[Expr],
        placement: &[Expr],
        heap: bool,
        st: &mut State,
    ) -> Value {
        let place_v = placement
            .iter()
            .fold(Value::default(), |acc, p| acc.union(self.eval(p, st)));
        let arg_vs: Vec<Value> = args.iter().map(|a| self.eval(a, st)).collect();
        if !placement.is_empty() {
            self.consume(&place_v);
            return place_v; // placement new returns its buffer
        }
        if self.index.catalog.threads.contains_key(&ty.name) {
            // `std::thread t(Worker, pHttpContext)`
            self.handoff(e.span, &ty.name, None, args, &arg_vs, st);
            return Value::default();
        }
        let ctors = self.resolve_ctor(ty, args.len());
        if !ctors.is_empty() {
            // A constructor of the run: the new object holds what it keeps in members.
            let kept = self.apply_summaries(e.span, &ctors, None, args, &arg_vs, st);
            arg_vs.iter().for_each(|v| self.consume(v));
            return Value {
                facts: kept
                    .facts
                    .into_iter()
                    .map(|mut f| {
                        f.held = heap;
                        f
                    })
                    .collect(),
                addr: None,
            };
        }
        if heap || self.index.is_content_type(ty) {
            arg_vs.iter().for_each(|v| self.consume(v));
            return Value::default();
        }
        let eff = self.index.effective(ty);
        if self.index.is_view_type(&ty.name)
            || self.index.catalog.smart_pointers.contains(&ty.name)
            || self.index.catalog.transparent.contains(&ty.name)
            || eff.pointers > 0
        {
            return arg_vs.into_iter().next().unwrap_or_default();
        }
        if !self.index.can_hold_pointer(ty) {
            return arg_vs
                .into_iter()
                .fold(Value::default(), |acc, v| acc.union(v.into_number()));
        }
        // An aggregate built from request-scoped parts holds them.
        arg_vs
            .into_iter()
            .fold(Value::default(), |acc, v| acc.union(without_addr(v)))
    }

    fn call(&mut self, e: &Expr, callee: &Expr, args: &[Expr], st: &mut State) -> Value {
        // The receiver and the arguments are evaluated first.
        let (recv, recv_v) = match &callee.peel().kind {
            ExprKind::Field { base, arrow, .. } => {
                let v = self.eval(base, st);
                if *arrow {
                    self.check_unchecked(&v, e.span, st);
                }
                (Some(&**base), v)
            }
            _ => {
                self.eval(callee, st);
                (None, Value::default())
            }
        };
        let arg_vs: Vec<Value> = args.iter().map(|a| self.eval(a, st)).collect();
        let catalog = self.index.catalog;
        let name = callee.callee_name().unwrap_or("");

        // Sources: return values and out-parameters.
        let sources = self.source_of(callee);
        let ctx = recv_v
            .facts
            .iter()
            .find(|f| f.kind == Kind::RequestObject)
            .and_then(|f| f.ctx);
        let mut result = Value::default();
        for s in &sources {
            let fact = Fact {
                ctx: if s.new_context { Some(e.span) } else { ctx },
                ..Fact::new(s.kind, self.file, e.span, s.method.as_str())
            };
            if s.kind == Kind::RequestMemory && !self.allocs.iter().any(|a| a.0 == e.span) {
                self.allocs.push((e.span, fact.api.clone(), self.cur_block));
            }
            if s.kind == Kind::RequestMemory {
                st.unchecked.insert(e.span);
            }
            match s.out_arg {
                Some(i) => {
                    // `GetServerVariable(name, &psz, &cch)` writes into `psz`; a pointer passed
                    // through (`ppszValue`, an out-parameter of this function) is written
                    // through.
                    let target = match args.get(i).map(|a| &a.peel().kind) {
                        Some(ExprKind::AddrOf(target)) => Some((**target).clone()),
                        Some(_) => args
                            .get(i)
                            .map(|a| Expr::new(ExprKind::Deref(Box::new(a.clone())), a.span)),
                        None => None,
                    };
                    if let Some(target) = target {
                        let ty = self.type_of(&target);
                        let v = self.convert_for(&ty, Value::of(fact));
                        self.store(&target, v, e.span, st);
                    }
                }
                None => result.absorb(Value::of(fact)),
            }
        }
        if recv.is_some() && !sources.is_empty() {
            // A method of the request: what is passed to it is used (`ReadEntityBody(pBuf, ...)`
            // writes into request memory); the receiver is only read.
            for (a, v) in args.iter().zip(&arg_vs) {
                let reach = self.reach(a, v, st);
                self.consume(&reach);
                self.check_unchecked(&reach, e.span, st);
            }
            return result;
        }
        // A function of the project declared to return a request interface (`IHttpContext*
        // CStoredContext::GetHttpContext()`) returns a request object.
        if sources.is_empty()
            && let Some(f) = self.typed_object(e)
        {
            result.absorb(Value::of(f));
            self.check_completed(&result, e.span, st);
        }

        // A function of the run: what its summary says it does with the arguments.
        let callees = match self.callee_cache.get(&e.span) {
            Some(c) => c.clone(),
            None => {
                let mut c = self.resolve_call(callee, args.len());
                c.retain(|f| self.arguments_fit(*f, args));
                self.callee_cache.insert(e.span, c.clone());
                c
            }
        };
        if !callees.is_empty() {
            let v = self.apply_summaries(e.span, &callees, recv, args, &arg_vs, st);
            result.absorb(v);
        }

        // Everything passed to a call is used by it (through `&local` too).
        self.consume(&recv_v);
        for (a, v) in args.iter().zip(&arg_vs) {
            let reach = self.reach(a, v, st);
            self.consume(&reach);
        }

        if let Some(base) = recv {
            let recv_is_request = recv_v.has(|k| k == Kind::RequestObject);
            // Completion of a request context.
            if catalog.completion_methods.contains(name) && self.receiver_may_be_context(base) {
                let mut ctxs: Vec<Option<Span>> = recv_v
                    .facts
                    .iter()
                    .filter(|f| f.kind == Kind::RequestObject)
                    .map(|f| f.ctx)
                    .collect();
                if name == "ReleaseClonedContext" {
                    // Always a child context. When where it was cloned is not known here, the
                    // receiver becomes a child context of its own from now on.
                    ctxs.retain(Option::is_some);
                    if ctxs.is_empty() {
                        ctxs.push(Some(e.span));
                        if let Dest::Tracked(p) = self.dest(base, st) {
                            let child = Fact {
                                ctx: Some(e.span),
                                ..Fact::new(
                                    Kind::RequestObject,
                                    self.file,
                                    base.span,
                                    Rc::from("IHttpContext*"),
                                )
                            };
                            assign(st, p, Value::of(child));
                        }
                    }
                }
                if ctxs.is_empty() {
                    ctxs.push(None);
                }
                let param = recv_v.facts.iter().find_map(|f| f.param);
                for ctx in ctxs {
                    st.completed.retain(|c| c.ctx != ctx);
                    st.completed.push(Completion {
                        ctx,
                        param,
                        call: e.span,
                        api: Rc::from(name),
                        reported: false,
                    });
                }
                return Value::default();
            }
            // IIS methods that keep a pointer to a buffer.
            if let Some(sink) = catalog.buffer_sinks.get(name)
                && (recv_is_request || self.receiver_may_be_iis(base))
                && sink
                    .async_arg
                    .is_none_or(|i| args.get(i).is_some_and(is_true_like))
                && let (Some(arg), Some(v)) = (args.get(sink.arg), arg_vs.get(sink.arg))
            {
                let reach = self.reach(arg, v, st);
                for f in reach.facts.iter().filter(|f| f.kind == Kind::Borrowed) {
                    if self.seen.insert((3, e.span, f.origin)) {
                        self.events.push((
                            self.file,
                            Event::Borrowed {
                                fact: f.clone(),
                                span: e.span,
                                sink: name.to_owned(),
                            },
                        ));
                    }
                }
            }
            // Handing request memory to an IIS API is a use of it.
            if recv_is_request {
                for (a, v) in args.iter().zip(&arg_vs) {
                    let reach = self.reach(a, v, st);
                    self.consume(&reach);
                    self.check_unchecked(&reach, e.span, st);
                }
            }
            // `g_list.push_back(p)`, `g_atom.store(p)`: a store into the receiver (a library
            // container; a class of the project has its own method bodies).
            // The declared outer type decides: `OnceLock<MyState>::set` is the library's.
            let declared = self.type_of(base);
            let library_wrapper = catalog.transparent.contains(&declared.name)
                || catalog.smart_pointers.contains(&declared.name);
            let recv_class = self.index.effective(&declared);
            if catalog.store_methods.contains(name)
                && (library_wrapper || !self.index.is_class(&recv_class.name))
            {
                let v = arg_vs.iter().fold(Value::default(), |acc, v| {
                    acc.union(without_addr(v.clone()))
                });
                let through_pointer =
                    matches!(&callee.peel().kind, ExprKind::Field { arrow: true, .. });
                match self.dest(base, st) {
                    Dest::Static(mut t) => {
                        if through_pointer && !t.long_lived {
                            t.long_lived = true;
                            t.describe = format!("the container {} points to", t.describe);
                        }
                        self.report_store(t, &v, e.span)
                    }
                    Dest::Tracked(p) => {
                        let ty = self.type_of(base);
                        if self.index.can_hold_pointer(&ty) && !v.facts.is_empty() {
                            weak_assign(&mut st.places, p.child(Seg::Elem), v);
                        }
                    }
                    Dest::Unknown => {}
                }
                return Value::default();
            }
            // `s.c_str()` of a local string: a buffer that dies with the string.
            if matches!(
                name,
                "c_str" | "data" | "GetString" | "GetBuffer" | "GetData"
            ) && let Some(f) = self
                .local_string_data(base, e.span)
                .or_else(|| self.foreign_string_data(base, e.span))
            {
                return Value::of(f);
            }
            return result;
        }

        // Free functions.
        if let Some(sf) = catalog.store_functions.iter().find(|s| s.name == name)
            && let (Some(dest), Some(val)) = (args.get(sf.dest), arg_vs.get(sf.value))
        {
            // `InterlockedExchangePointer(&g_p, p)`: a store into `*dest`.
            if let Some(t) = self.peek(dest, st).addr {
                self.report_store((*t).clone(), &val.clone(), e.span);
            }
            return Value::default();
        }
        if let Some(threads) = catalog.threads.get(name) {
            self.handoff(e.span, name, threads.as_deref(), args, &arg_vs, st);
            return Value::default();
        }
        if catalog.leak_functions.contains(name) {
            // `Box::leak(b)`, `mem::forget(b)`: the object lives for the rest of the process.
            let leaked = StaticTarget {
                describe: format!("an object leaked by `{name}`, which is never freed"),
                storage: Storage::Automatic,
                decl: None,
                ty: TypeRef::default(),
                long_lived: true,
            };
            let mut held = Value::default();
            for (a, v) in args.iter().zip(&arg_vs) {
                held.absorb(self.reach(a, v, st));
            }
            self.report_store(leaked.clone(), &held, e.span);
            return Value {
                facts: Vec::new(),
                addr: Some(Rc::new(leaked)),
            };
        }
        if let Some(&i) = catalog.free_functions.get(name)
            && let Some(v) = arg_vs.get(i)
        {
            self.freed(v, e.span, name);
        }
        if catalog.dest_functions.contains(name)
            && let Some(v) = arg_vs.first()
        {
            self.check_unchecked(v, e.span, st);
        }
        if is_null_check_macro(name) {
            // `IfNullGo(p)`, `ErrorIf(NULL == (p = ...), hr)`: a NULL check that may jump.
            for a in args {
                self.mark_checked(a, st);
                if name.contains("NULL") || name.contains("Null") {
                    let v = self.peek(a, st);
                    for f in &v.facts {
                        st.unchecked.remove(&f.origin);
                    }
                }
            }
        }
        if let Some(&i) = catalog.propagate.get(name) {
            return arg_vs.get(i).cloned().map(without_addr).unwrap_or_default();
        }
        if self.index.is_view_type(name) {
            // `std::string_view(p)`: a view of the same memory.
            return arg_vs.into_iter().next().unwrap_or_default();
        }
        result
    }

    /// The functions of the run a call may reach: a free function by name and arity; a method by
    /// the receiver's class (its own, inherited, or an override in a subclass); `Class::f`;
    /// an unqualified call inside a method, to the class's methods first. A call whose target
    /// cannot be resolved reaches nothing (no finding comes from an unknown callee alone).
    fn resolve_call(&self, callee: &Expr, nargs: usize) -> Vec<FnRef> {
        let fits = |f: &FnRef| {
            let func = self.index.function(*f);
            nargs <= func.params as usize && func.name != "<lambda>"
        };
        let methods_of = |class: &str, name: &str| -> Vec<FnRef> {
            self.index
                .functions_named(name)
                .iter()
                .copied()
                .filter(|f| fits(f))
                .filter(|f| {
                    self.index.function(*f).class.as_deref().is_some_and(|c| {
                        c == class
                            || self.index.is_subclass(class, c)
                            || self.index.is_subclass(c, class)
                    })
                })
                .collect()
        };
        match &callee.peel().kind {
            ExprKind::Field { base, name, .. } => {
                let recv = if matches!(base.peel().kind, ExprKind::This) {
                    self.class.unwrap_or_default().to_owned()
                } else {
                    self.index.effective(&self.type_of(base)).name
                };
                if recv.is_empty() || !self.index.is_class(&recv) {
                    return Vec::new();
                }
                methods_of(&recv, name)
            }
            ExprKind::Name(n) => {
                if let Some((class, m)) = n.rsplit_once("::") {
                    let class = class.rsplit("::").next().unwrap_or(class);
                    if self.index.is_class(class) {
                        return methods_of(class, m);
                    }
                }
                let last = n.rsplit("::").next().unwrap_or(n);
                if let Some(c) = self.class {
                    let own = methods_of(c, last);
                    if !own.is_empty() {
                        return own;
                    }
                }
                self.index
                    .functions_named(last)
                    .iter()
                    .copied()
                    .filter(|f| fits(f) && self.index.function(*f).class.is_none())
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Do the arguments' known types fit the candidate's declared parameter types? A class or
    /// interface pointer passed where another, unrelated one is declared (`IHttpContext*` for an
    /// `IHttpServer*`) means the candidate is another function of the same name (an overload,
    /// or another project's class in the same run).
    fn arguments_fit(&self, f: FnRef, args: &[Expr]) -> bool {
        let callee = self.index.function(f);
        args.iter().enumerate().all(|(i, a)| {
            let Some(param) = callee.locals.get(i).filter(|l| l.is_param) else {
                return true;
            };
            let p = self.index.effective(&param.ty);
            let t = self.index.effective(&self.type_of(a));
            let class_like = |n: &str| {
                !n.is_empty()
                    && !self.index.catalog.scalar_types.contains(n)
                    && !matches!(n, "void" | "VOID" | "auto" | "T")
            };
            if p.pointers == 0 || t.pointers == 0 || !class_like(&p.name) || !class_like(&t.name) {
                return true;
            }
            p.name == t.name
                || self.index.is_subclass(&t.name, &p.name)
                || self.index.is_subclass(&p.name, &t.name)
                || !(self.index.catalog.request_object_types.contains(&p.name)
                    || self.index.is_class(&p.name)
                    || looks_like_iis_interface(&p.name))
        })
    }

    /// The constructors of `ty` the run defines.
    fn resolve_ctor(&self, ty: &TypeRef, nargs: usize) -> Vec<FnRef> {
        if ty.name.is_empty() {
            return Vec::new();
        }
        self.index
            .functions_named(&ty.name)
            .iter()
            .copied()
            .filter(|f| {
                let func = self.index.function(*f);
                func.class.as_deref() == Some(ty.name.as_str()) && nargs <= func.params as usize
            })
            .collect()
    }

    /// A fact of the callee's summary, seen from this call: a parameter is replaced by what
    /// was passed for it (with a step at the call), a value made inside keeps its origin.
    fn at_call(
        &self,
        template: &Fact,
        call: Span,
        fname: &str,
        callee: &Function,
        arg_vs: &[Value],
    ) -> Vec<Fact> {
        let base: Vec<Fact> = match template.param {
            Some(i) => {
                let pname = callee
                    .locals
                    .get(i as usize)
                    .map_or("?", |l| l.name.as_str());
                arg_vs
                    .get(i as usize)
                    .map(|v| {
                        v.facts
                            .iter()
                            .filter(|f| f.kind.is_tracked())
                            .map(|f| {
                                f.with_step(
                                    self.file,
                                    call,
                                    format!("passed to `{fname}` as `{pname}` here"),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            }
            None => {
                vec![template.with_step(self.file, call, format!("returned from `{fname}` here"))]
            }
        };
        base.into_iter()
            .map(|mut f| {
                if template.param.is_some() {
                    for s in template.steps.iter() {
                        f = f.with_step(s.file, s.span, s.message.clone());
                    }
                }
                f.held |= template.held;
                f
            })
            .collect()
    }

    /// Apply the summaries of the functions a call may reach; return what the call returns.
    fn apply_summaries(
        &mut self,
        call: Span,
        callees: &[FnRef],
        recv: Option<&Expr>,
        args: &[Expr],
        arg_vs: &[Value],
        st: &mut State,
    ) -> Value {
        let mut result = Value::default();
        for &fr in callees {
            let Some(sum) = self.summaries.get(fr) else {
                continue;
            };
            let callee = self.index.function(fr);
            let fname = match &callee.class {
                Some(c) if *c != callee.name => format!("{c}::{}", callee.name),
                _ => callee.name.clone(),
            };
            // Escapes of parameters: reported at the store inside the callee.
            for (file, ev) in &sum.escapes {
                match ev {
                    Event::Store { target, fact, span } => {
                        let facts = self.at_call(fact, call, &fname, callee, arg_vs);
                        let v = Value { facts, addr: None };
                        self.report_store_at(*file, target.clone(), &v, *span);
                    }
                    Event::Freed { fact, span, func } => {
                        let facts = self.at_call(fact, call, &fname, callee, arg_vs);
                        self.freed_at(*file, &Value { facts, addr: None }, *span, func);
                    }
                    _ => {}
                }
            }
            for h in &sum.handoffs {
                for f in self.at_call(&h.fact, call, &fname, callee, arg_vs) {
                    self.handoff_of(h.file, h.span, &h.sink, f);
                }
            }
            for rf in &sum.returns {
                if rf.fresh {
                    // A wrapper that returns a fresh allocation unchecked: this call allocates.
                    let f = Fact::new(Kind::RequestMemory, self.file, call, fname.as_str());
                    if !self.allocs.iter().any(|a| a.0 == call) {
                        self.allocs.push((call, f.api.clone(), self.cur_block));
                    }
                    st.unchecked.insert(call);
                    result.absorb(Value::of(f));
                    continue;
                }
                let facts = self.at_call(rf, call, &fname, callee, arg_vs);
                result.absorb(Value { facts, addr: None });
            }
            // Out-parameters: `Get(ctx, &p)` writes into `p`.
            for (i, of) in &sum.outs {
                let facts = self.at_call(of, call, &fname, callee, arg_vs);
                let Some(arg) = args.get(*i as usize) else {
                    continue;
                };
                let target = match &arg.peel().kind {
                    ExprKind::AddrOf(place) => Some(&**place),
                    _ if callee.locals.get(*i as usize).is_some_and(|l| l.is_ref) => Some(arg),
                    _ => None,
                };
                let v = Value { facts, addr: None }.with_step(self.file, call, || {
                    format!("written into the argument of `{fname}` here")
                });
                match target {
                    Some(place) => self.store(place, v, call, st),
                    None => {
                        // Forwarding this function's own out-parameter.
                        for f in arg_vs
                            .get(*i as usize)
                            .map(|a| a.facts.as_slice())
                            .unwrap_or(&[])
                        {
                            if let Some(j) = f.param {
                                for g in &v.facts {
                                    self.summary.outs.push((j, g.clone()));
                                }
                            }
                        }
                    }
                }
            }
            // Completion of the request context passed (or reached) by the callee.
            for c in &sum.completes {
                let passed = c.and_then(|i| arg_vs.get(i as usize));
                let mut ctxs: Vec<Option<Span>> = passed
                    .map(|v| {
                        v.facts
                            .iter()
                            .filter(|f| f.kind == Kind::RequestObject)
                            .map(|f| f.ctx)
                            .collect()
                    })
                    .unwrap_or_default();
                let param = passed.and_then(|v| v.facts.iter().find_map(|f| f.param));
                if ctxs.is_empty() {
                    ctxs.push(None);
                }
                for ctx in ctxs {
                    st.completed.retain(|x| x.ctx != ctx);
                    st.completed.push(Completion {
                        ctx,
                        param,
                        call,
                        api: Rc::from(fname.as_str()),
                        reported: false,
                    });
                }
            }
            // Values the callee keeps in members of its object.
            for (kf, member, span) in &sum.keeps {
                let facts = self.at_call(kf, call, &fname, callee, arg_vs);
                if facts.is_empty() {
                    continue;
                }
                let Some(base) = recv else {
                    // A constructor: the new object holds them.
                    let v = Value { facts, addr: None }.with_step(self.file, call, || {
                        format!("kept in the member `{member}` of the new object")
                    });
                    result.absorb(v);
                    continue;
                };
                let v = Value { facts, addr: None };
                match self.dest(base, st) {
                    Dest::Static(mut t) => {
                        let through = matches!(base.peel().kind, ExprKind::Deref(_))
                            || self.index.effective(&self.type_of(base)).pointers > 0;
                        if through && !t.long_lived {
                            t.long_lived = true;
                            t.describe = format!("the object {} points to", t.describe);
                        }
                        t.describe = format!("the member `{member}` of {}", t.describe);
                        t.ty = TypeRef::default();
                        let callee_file = fr.file;
                        self.report_store_at(callee_file, t, &v, *span);
                    }
                    Dest::Tracked(p) if matches!(p.root, Root::This) && p.path.is_empty() => {
                        weak_assign(&mut st.places, member_place(member), v);
                    }
                    Dest::Tracked(p) => {
                        // `obj.Set(x)` keeps x in the object itself; `pObj->Set(x)` in the object
                        // `pObj` points to, which reading `pObj` does not read.
                        let through = self.index.effective(&self.type_of(base)).pointers > 0;
                        let seg = if through {
                            Seg::Arrow(member.clone())
                        } else {
                            Seg::Field(member.clone())
                        };
                        weak_assign(&mut st.places, p.child(seg), v);
                    }
                    Dest::Unknown => {}
                }
            }
        }
        result
    }

    /// Could this receiver be a request context (for completion calls)?
    fn receiver_may_be_context(&self, base: &Expr) -> bool {
        let t = self.index.effective(&self.type_of(base));
        t.is_unknown()
            || t.name.starts_with("IHttpContext")
            || self
                .index
                .derives_from(&t.name, &["IHttpContext".to_owned()])
    }

    /// Could this receiver be an IIS interface (not a class of the project)?
    fn receiver_may_be_iis(&self, base: &Expr) -> bool {
        let t = self.index.effective(&self.type_of(base));
        t.is_unknown() || looks_like_iis_interface(&t.name) || !self.index.is_class(&t.name)
    }

    /// `s.c_str()`, `(LPCSTR)s`, `&v[0]` on a local string or vector: its data, which dies
    /// with the local.
    fn local_string_data(&self, base: &Expr, span: Span) -> Option<Fact> {
        let ExprKind::Local(id) = base.peel().kind else {
            return None;
        };
        let l = self.func.local(id);
        let ty = self.index.effective(&self.local_type(id));
        if l.storage != Storage::Automatic || l.is_param || !self.index.is_content_type(&ty) {
            return None;
        }
        Some(Fact::new(
            Kind::Borrowed,
            self.file,
            span,
            Rc::from(format!("the data of the local `{}`", l.name)),
        ))
    }

    /// `m_pOther->str.c_str()` or `m_strRef.data()` (a reference member): data of a string
    /// owned by another object, reached through a pointer or reference member.
    fn foreign_string_data(&self, base: &Expr, span: Span) -> Option<Fact> {
        // The field chain down to its root: `m_pConfig->strBody`, `m_rSettings.strNotice`,
        // `m_strBodyRef`. The data belongs to another object when the chain goes through a
        // pointer or reference member of this object.
        let ty = self.index.effective(&self.type_of(base));
        if !self.index.is_content_type(&ty) {
            return None;
        }
        let member_type = |e: &Expr| -> Option<TypeRef> {
            let name = match &e.peel().kind {
                ExprKind::Name(n) if self.class.is_some() => n.as_str(),
                ExprKind::Field { base, name, .. }
                    if matches!(base.peel().kind, ExprKind::This) =>
                {
                    name.as_str()
                }
                _ => return None,
            };
            if !matches!(self.resolve_name(name), Dest::Tracked(_)) {
                return None;
            }
            self.class
                .and_then(|c| self.index.field(c, name))
                .map(|f| f.ty.clone())
        };
        let mut cur = base.peel();
        loop {
            if let Some(t) = member_type(cur) {
                let t = self.index.effective(&t);
                if t.is_ref || t.pointers > 0 {
                    let path = describe_expr(self.func, base);
                    let how = if t.is_ref {
                        "a reference member"
                    } else {
                        "a pointer member"
                    };
                    return Some(Fact::new(
                        Kind::Borrowed,
                        self.file,
                        span,
                        Rc::from(format!(
                            "the data of `{path}`, reached through {how} and owned by another object"
                        )),
                    ));
                }
                return None;
            }
            match &cur.kind {
                ExprKind::Field { base: inner, .. } | ExprKind::Index { base: inner, .. } => {
                    cur = inner.peel()
                }
                _ => return None,
            }
        }
    }

    fn is_byte_buffer(&self, ty: &TypeRef) -> bool {
        let t = self.index.effective(ty);
        t.pointers == 0 && self.index.catalog.scalar_types.contains(&t.name)
    }

    fn freed(&mut self, v: &Value, span: Span, func: &str) {
        self.freed_at(self.file, v, span, func);
    }

    fn freed_at(&mut self, file: FileId, v: &Value, span: Span, func: &str) {
        for f in &v.facts {
            if matches!(
                f.kind,
                Kind::RequestMemory | Kind::RequestData | Kind::Param
            ) && self.seen.insert((4, span, f.origin))
            {
                let ev = Event::Freed {
                    fact: f.clone(),
                    span,
                    func: func.to_owned(),
                };
                self.emit(file, ev, f);
            }
        }
    }

    fn handoff(
        &mut self,
        span: Span,
        sink: &str,
        which: Option<&[usize]>,
        args: &[Expr],
        arg_vs: &[Value],
        st: &State,
    ) {
        for (i, (a, v)) in args.iter().zip(arg_vs).enumerate() {
            if which.is_some_and(|w| !w.contains(&i)) {
                continue;
            }
            let reach = self.reach(a, v, st);
            for f in reach.facts.iter().filter(|f| f.kind.is_tracked()) {
                self.handoff_of(self.file, span, sink, f.clone());
            }
        }
    }

    /// A value handed to another thread at `file:span` (here, or inside a helper called here).
    fn handoff_of(&mut self, file: FileId, span: Span, sink: &str, fact: Fact) {
        if fact.param.is_some() && self.is_notification() {
            // A notification judges its own hand-offs (its context parameter is a request
            // object by type); its callers do not.
            return;
        }
        if fact.param.is_some() {
            // Whether the caller pends is the caller's to judge.
            if !self
                .summary
                .handoffs
                .iter()
                .any(|h| h.span == span && h.fact.same(&fact))
            {
                self.summary.handoffs.push(ParamHandoff {
                    sink: sink.to_owned(),
                    fact,
                    file,
                    span,
                });
            }
            return;
        }
        if self
            .handoffs
            .iter()
            .any(|h| h.span == span && h.fact.same(&fact))
        {
            return;
        }
        self.handoffs.push(PendingHandoff {
            sink: sink.to_owned(),
            fact,
            file,
            span,
            block: self.cur_block,
            in_terminator: self.in_terminator,
            result_local: None,
        });
    }

    fn store(&mut self, lhs: &Expr, v: Value, span: Span, st: &mut State) {
        // `*ppOut = v` and `rOut = v` through an out-parameter: the caller's variable.
        if let Some(i) = self.out_param(lhs) {
            self.consume(&v);
            for f in v.facts.iter().filter(|f| f.kind.is_tracked()) {
                if !self.summary.outs.iter().any(|(j, g)| *j == i && g.same(f)) {
                    self.summary.outs.push((i, f.clone()));
                }
            }
            return;
        }
        match self.dest(lhs, st) {
            Dest::Static(t) => self.report_store(t, &v, span),
            Dest::Tracked(p) => {
                if let (Root::This, [Seg::Field(member)]) = (&p.root, p.path.as_slice()) {
                    // Kept in a member of this object: the callers' objects hold it.
                    for f in v.facts.iter().filter(|f| f.kind.is_tracked()) {
                        if !self
                            .summary
                            .keeps
                            .iter()
                            .any(|(g, m, _)| m == member && g.same(f))
                        {
                            self.summary.keeps.push((f.clone(), member.clone(), span));
                        }
                    }
                }
                let into_caller = matches!(p.root, Root::Local(id) if self.func.local(id).is_ref);
                if !p.is_local_storage() || into_caller {
                    self.consume(&v); // into a member, another object or the caller's: used
                }
                let ty = self.type_of(lhs);
                let v = self.convert_for(&ty, v);
                let desc = describe_expr(self.func, lhs);
                let v = v.with_step(self.file, span, || format!("assigned to `{desc}` here"));
                match p.path.last() {
                    // An element of an array or container: may-update.
                    Some(Seg::Elem) => weak_assign(&mut st.places, p, v),
                    _ => assign(st, p, v),
                }
            }
            Dest::Unknown => self.consume(&v),
        }
    }

    /// The parameter an assignment writes through: `*pp = v` for a pointer parameter, `r = v`
    /// for a reference parameter.
    fn out_param(&self, lhs: &Expr) -> Option<u32> {
        let params = self.func.params;
        match &lhs.peel().kind {
            ExprKind::Deref(inner) => match inner.peel().kind {
                ExprKind::Local(id) if id < params => {
                    let t = self.index.effective(&self.func.local(id).ty);
                    (t.pointers >= 2 || t.is_ref || t.is_unknown()).then_some(id)
                }
                _ => None,
            },
            ExprKind::Local(id) if *id < params && self.func.local(*id).is_ref => Some(*id),
            _ => None,
        }
    }

    // ------------------------------------------------------------ after the dataflow

    fn is_notification(&self) -> bool {
        matches!(
            self.func.ret.name.as_str(),
            "REQUEST_NOTIFICATION_STATUS" | "GLOBAL_NOTIFICATION_STATUS"
        )
    }

    /// Thread hand-offs: allowed in a request notification that returns
    /// `RQ_NOTIFICATION_PENDING` on every path after a successful hand-off.
    fn judge_handoffs(&mut self) {
        let ret = self.func.ret.name.as_str();
        let handoffs = std::mem::take(&mut self.handoffs);
        for h in handoffs {
            let reason = match ret {
                "GLOBAL_NOTIFICATION_STATUS" => Some(HandoffReason::GlobalNotification),
                "REQUEST_NOTIFICATION_STATUS" => self.first_non_pending_return(&h),
                // Not a notification: whether its caller pends is not known here.
                _ => None,
            };
            if let Some(reason) = reason
                && self.seen.insert((5, h.span, h.fact.origin))
            {
                self.events.push((
                    h.file,
                    Event::Handoff {
                        sink: h.sink,
                        fact: h.fact,
                        span: h.span,
                        reason,
                    },
                ));
            }
        }
    }

    /// The first `return` reachable after the hand-off (on a path where it succeeded) that does
    /// not return `RQ_NOTIFICATION_PENDING`.
    fn first_non_pending_return(&self, h: &PendingHandoff) -> Option<HandoffReason> {
        let cfg = &self.func.body;
        let mut seen = vec![false; cfg.blocks.len()];
        let mut todo: Vec<BlockId> = Vec::new();
        let start = &cfg.blocks[h.block as usize];
        // Successors of the hand-off's block, without the edge where it failed.
        let first = self.success_edges(start, h, true);
        if let Terminator::Return { value, span } = &start.term {
            if !returns_pending(value.as_ref()) {
                return Some(HandoffReason::Returns(self.file, *span));
            }
            return None;
        }
        todo.extend(first);
        while let Some(b) = todo.pop() {
            if std::mem::replace(&mut seen[b as usize], true) {
                continue;
            }
            let block = &cfg.blocks[b as usize];
            if let Terminator::Return { value, span } = &block.term {
                if !returns_pending(value.as_ref()) {
                    return Some(HandoffReason::Returns(self.file, *span));
                }
                continue;
            }
            todo.extend(self.success_edges(block, h, false));
        }
        None
    }

    /// The successors of `block` on paths where the hand-off `h` succeeded.
    fn success_edges(&self, block: &Block, h: &PendingHandoff, at_start: bool) -> Vec<BlockId> {
        let exit = self.func.body.exit;
        if let Terminator::Branch { cond, then, else_ } = &block.term {
            let tests = |e: &Expr| {
                (at_start && h.in_terminator && e.span == h.span)
                    || matches!((h.result_local, &e.peel().kind), (Some(l), ExprKind::Local(x)) if l == *x)
            };
            if let Some(success_is_true) = success_polarity(cond, &tests) {
                return vec![if success_is_true { *then } else { *else_ }];
            }
        }
        block.term.successors(exit)
    }

    /// Allocations never used (dead) and allocations in request-driven unbounded loops.
    fn judge_allocations(&mut self) {
        let cfg = &self.func.body;
        for (origin, api, block) in std::mem::take(&mut self.allocs) {
            if !self.used.contains(&origin) {
                self.events.push((
                    self.file,
                    Event::DeadAlloc {
                        origin,
                        api: api.clone(),
                    },
                ));
            }
            for l in &cfg.loops {
                if !l.has_condition || !l.blocks.contains(&block) {
                    continue;
                }
                let Some(input) = self.loop_input.get(&l.head) else {
                    continue;
                };
                if loop_is_bounded(cfg, l) {
                    continue;
                }
                let cond = match &cfg.blocks[l.head as usize].term {
                    Terminator::Branch { cond, .. } => cond.span,
                    _ => continue,
                };
                self.events.push((
                    self.file,
                    Event::InLoop {
                        origin,
                        api: api.clone(),
                        cond,
                        input: input.clone(),
                    },
                ));
                break;
            }
        }
    }
}

fn iface(name: &str) -> TypeRef {
    TypeRef {
        name: name.to_owned(),
        pointers: 1,
        ..TypeRef::default()
    }
}

/// The IIS SDK names its interfaces `IHttp...`, `IModule...` etc.; a receiver of such a type
/// that the catalogue does not list for a method is not that method's owner.
fn looks_like_iis_interface(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 2 && b[0] == b'I' && b[1].is_ascii_uppercase() && b[2].is_ascii_lowercase()
}

fn element_type(t: &TypeRef) -> TypeRef {
    if t.is_array {
        let mut e = t.clone();
        e.is_array = false;
        return e;
    }
    if t.pointers > 0 {
        let mut e = t.clone();
        e.pointers -= 1;
        return e;
    }
    // A container: its (last) template argument is the element/mapped type.
    t.args.last().cloned().unwrap_or_default()
}

fn without_addr(mut v: Value) -> Value {
    v.addr = None;
    v
}

fn member_place(name: &str) -> Place {
    Place {
        root: Root::This,
        path: vec![Seg::Field(name.to_owned())],
    }
}

fn is_zero_like(e: &Expr) -> bool {
    matches!(
        e.peel().kind,
        ExprKind::Lit(Lit::Null | Lit::Zero | Lit::Bool(false))
    )
}

fn is_true_like(e: &Expr) -> bool {
    matches!(e.peel().kind, ExprKind::Lit(Lit::Bool(true) | Lit::Number))
}

/// The sub-expressions a condition tests against NULL (or for truth).
fn null_tested<'e>(cond: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &cond.peel().kind {
        ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } => null_tested(expr, out),
        ExprKind::Binary {
            op: BinOp::Eq | BinOp::Ne,
            lhs,
            rhs,
        } => {
            if is_zero_like(rhs) {
                null_tested(lhs, out);
            } else if is_zero_like(lhs) {
                null_tested(rhs, out);
            }
        }
        ExprKind::Binary {
            op: BinOp::And | BinOp::Or,
            lhs,
            rhs,
        } => {
            null_tested(lhs, out);
            null_tested(rhs, out);
        }
        ExprKind::Assign { .. }
        | ExprKind::Local(_)
        | ExprKind::Name(_)
        | ExprKind::Field { .. }
        | ExprKind::Index { .. } => out.push(cond.peel()),
        _ => {}
    }
}

/// Macro-like calls that test for NULL and may jump (`ErrorIf`, `IfNullGo`,
/// `FINISHED_IF_NULL_ALLOC`, `RETURN_IF_NULL_ALLOC`, `CHECK_NULL`): a name with `If`/`IF`,
/// `Null`/`NULL` or `Check`/`CHECK` in it.
fn is_null_check_macro(name: &str) -> bool {
    ["If", "IF", "NULL", "Null", "Check", "CHECK", "Chk", "CHK"]
        .iter()
        .any(|w| name.contains(w))
}

/// When `cond` tests whether the hand-off (matched by `is_it`) succeeded: `Some(true)` when the
/// true edge is the success, `Some(false)` when the false edge is.
fn success_polarity(cond: &Expr, is_it: &dyn Fn(&Expr) -> bool) -> Option<bool> {
    let e = cond.peel();
    if is_it(e) {
        return Some(true);
    }
    match &e.kind {
        ExprKind::Assign { lhs, rhs, .. } if is_it(rhs.peel()) || is_it(lhs.peel()) => Some(true),
        ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } => success_polarity(expr, is_it).map(|p| !p),
        ExprKind::Binary {
            op: op @ (BinOp::Eq | BinOp::Ne),
            lhs,
            rhs,
        } => {
            let inner = if is_zero_like(rhs) {
                lhs
            } else if is_zero_like(lhs) {
                rhs
            } else {
                return None;
            };
            success_polarity(inner, is_it).map(|p| if *op == BinOp::Eq { !p } else { p })
        }
        ExprKind::Call { callee, args } => {
            let inner = args.first()?;
            match callee.callee_name()? {
                "FAILED" => success_polarity(inner, is_it).map(|p| !p),
                "SUCCEEDED" => success_polarity(inner, is_it),
                _ => None,
            }
        }
        _ => None,
    }
}

fn returns_pending(value: Option<&Expr>) -> bool {
    matches!(value.map(|v| &v.peel().kind), Some(ExprKind::Name(n)) if n.ends_with("RQ_NOTIFICATION_PENDING"))
}

/// Does the loop have a fixed upper bound: its condition, or a test inside it that leaves the
/// loop, compares something against a constant (`i < 16`, `cbTotal <= MAX_BODY`)?
fn loop_is_bounded(cfg: &Cfg, l: &Loop) -> bool {
    let inside = |b: BlockId| l.blocks.contains(&b);
    for &b in &l.blocks {
        let Terminator::Branch { cond, then, else_ } = &cfg.blocks[b as usize].term else {
            continue;
        };
        let leaves = |s: BlockId| {
            !inside(s)
                || cfg.blocks[s as usize]
                    .term
                    .successors(cfg.exit)
                    .iter()
                    .any(|x| !inside(*x))
                || matches!(cfg.blocks[s as usize].term, Terminator::Return { .. })
        };
        if b == l.head {
            if has_upper_bound(cond, true) {
                return true;
            }
        } else if (leaves(*then) || leaves(*else_)) && has_upper_bound(cond, false) {
            return true;
        }
    }
    false
}

/// A comparison against a constant: `x < C`/`x <= C` (loop condition), or `x > C`/`x >= C`
/// (a test that breaks out), C a non-zero literal or a constant-like name.
fn has_upper_bound(cond: &Expr, is_loop_condition: bool) -> bool {
    let mut found = false;
    cond.visit(&mut |e| {
        if let ExprKind::Binary { op, lhs, rhs } = &e.kind {
            let (below, above) = match op {
                BinOp::Lt | BinOp::Le => (lhs, rhs),
                BinOp::Gt | BinOp::Ge => (rhs, lhs),
                _ => return,
            };
            // Loop condition `x < C`; break test `x > C`.
            let constant = if is_loop_condition { above } else { below };
            let other = if is_loop_condition { below } else { above };
            if is_constant(constant) && !is_constant(other) {
                found = true;
            }
        }
    });
    found
}

fn is_constant(e: &Expr) -> bool {
    match &e.peel().kind {
        ExprKind::Lit(Lit::Number) => true,
        ExprKind::Name(n) => {
            let last = n.rsplit("::").next().unwrap_or(n);
            (last.len() > 1
                && last
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
                || (last.starts_with('k')
                    && last[1..].starts_with(|c: char| c.is_ascii_uppercase()))
        }
        ExprKind::Unary {
            op: UnaryOp::Other,
            expr,
        } => matches!(expr.kind, ExprKind::Opaque(_)), // sizeof
        ExprKind::Call { callee, .. } => {
            matches!(
                callee.callee_name(),
                Some("_countof" | "ARRAYSIZE" | "RTL_NUMBER_OF" | "size")
            )
        }
        ExprKind::Binary { lhs, rhs, .. } => is_constant(lhs) && is_constant(rhs),
        _ => false,
    }
}

/// The value at a place: its own and that of its parts (a struct holding a request pointer is
/// request-scoped), but not of objects reached through pointers.
fn read(places: &BTreeMap<Place, Value>, p: &Place) -> Value {
    let mut v = Value::default();
    for (k, val) in places.range(p.clone()..) {
        if k.root != p.root || !k.path.starts_with(&p.path) {
            break;
        }
        if k.path[p.path.len()..]
            .iter()
            .any(|s| matches!(s, Seg::Arrow(_)))
        {
            continue;
        }
        v.absorb(val.clone());
    }
    // A field of a request-scoped aggregate (`s.f` after `s = t`).
    let mut prefix = p.clone();
    while let Some(Seg::Field(_)) = prefix.path.last() {
        prefix.path.pop();
        if let Some(val) = places.get(&prefix) {
            v.absorb(without_addr(val.clone()));
        }
    }
    v
}

/// Strong update: the place and all its parts now hold `v`.
fn assign(st: &mut State, p: Place, v: Value) {
    let stale: Vec<Place> = st
        .places
        .range(p.clone()..)
        .take_while(|(k, _)| k.root == p.root && k.path.starts_with(&p.path))
        .map(|(k, _)| k.clone())
        .collect();
    for k in stale {
        st.places.remove(&k);
    }
    if !v.is_empty() {
        st.places.insert(p, v);
    }
}

/// May-update: the place holds `v` in addition to what it held.
fn weak_assign(places: &mut BTreeMap<Place, Value>, p: Place, v: Value) {
    if v.is_empty() {
        return;
    }
    places.entry(p).or_default().absorb(v);
}

/// A short source-like description of an lvalue for trace messages.
pub fn describe_expr(func: &Function, e: &Expr) -> String {
    match &e.kind {
        ExprKind::Local(id) => func.local(*id).name.clone(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::This => "this".into(),
        ExprKind::Field { base, name, arrow } => {
            let b = describe_expr(func, base);
            format!("{b}{}{name}", if *arrow { "->" } else { "." })
        }
        ExprKind::Index { base, .. } => format!("{}[...]", describe_expr(func, base)),
        ExprKind::Deref(inner) => format!("*{}", describe_expr(func, inner)),
        ExprKind::Cast { expr, .. } => describe_expr(func, expr),
        _ => "...".into(),
    }
}
