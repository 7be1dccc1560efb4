//! Flow-sensitive tracking of request-scoped values through one function.
//!
//! A forward may-analysis over the function's CFG. The state maps access paths (`p`, `s.buf`,
//! `this->m_p`, `arr[]`) to the request-scoped values they may hold, each value carrying the
//! trace of how it got there. Assignments to a path replace what it held (strong update), so a
//! variable reassigned to heap memory stops being request-scoped; at control-flow joins the
//! states are united. Stores into static storage are reported as [`Event`]s; rules decide what
//! becomes a finding.

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use crate::analysis::index::Index;
use crate::catalog::Kind;
use crate::diagnostic::{FileId, Span};
use crate::ir::*;

/// Facts kept per value; more origins than this are dropped (the first ones are reported).
const MAX_FACTS: usize = 8;
/// Trace steps kept per fact.
const MAX_STEPS: usize = 12;
/// Times a block may be re-analysed before the function is abandoned as too complex.
const MAX_VISITS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub span: Span,
    pub message: String,
}

/// One way a value may be request-scoped: where it came from and how it travelled.
#[derive(Debug, Clone)]
pub struct Fact {
    pub kind: Kind,
    /// The call that produced the value.
    pub origin: Span,
    /// The API that produced it (`AllocateRequestMemory`).
    pub api: Rc<str>,
    /// Steps after the origin (assignments), in order.
    pub steps: Rc<Vec<Step>>,
}

impl Fact {
    fn with_step(&self, span: Span, message: String) -> Fact {
        let mut f = self.clone();
        if f.steps.len() < MAX_STEPS && f.steps.last().is_none_or(|s| s.span != span) {
            Rc::make_mut(&mut f.steps).push(Step { span, message });
        }
        f
    }
}

/// A place in static storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticTarget {
    /// "the global `g_p`", "an element of the static member `C::s_a`".
    pub describe: String,
    pub storage: Storage,
    /// Where the variable is declared.
    pub decl: Option<(FileId, Span)>,
    /// The type of the place stored into, when known.
    pub ty: TypeRef,
    /// The store goes through a pointer held in static storage into the object it points to.
    pub through_pointer: bool,
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

    fn union(mut self, other: Value) -> Value {
        self.absorb(other);
        self
    }

    fn absorb(&mut self, other: Value) {
        for f in other.facts {
            if self.facts.len() < MAX_FACTS
                && !self
                    .facts
                    .iter()
                    .any(|g| g.origin == f.origin && g.kind == f.kind)
            {
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
            && self.facts.iter().all(|f| {
                other
                    .facts
                    .iter()
                    .any(|g| g.origin == f.origin && g.kind == f.kind)
            })
            && self.addr.is_some() == other.addr.is_some()
    }

    fn with_step(&self, span: Span, message: impl Fn() -> String) -> Value {
        if self.facts.is_empty() {
            return self.clone();
        }
        let msg = message();
        Value {
            facts: self
                .facts
                .iter()
                .map(|f| f.with_step(span, msg.clone()))
                .collect(),
            addr: self.addr.clone(),
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
    fn child(&self, seg: Seg) -> Place {
        let mut p = self.clone();
        p.path.push(seg);
        p
    }
}

/// Where an assignment writes.
enum Dest {
    Tracked(Place),
    Static(StaticTarget),
    Unknown,
}

type State = BTreeMap<Place, Value>;

/// Something the rules may report.
#[derive(Debug, Clone)]
pub enum Event {
    /// A request-scoped value stored into static storage.
    StaticStore {
        target: StaticTarget,
        fact: Fact,
        /// The store: assignment, initialiser or call.
        span: Span,
    },
}

pub struct FnAnalysis<'a> {
    pub index: &'a Index<'a>,
    pub file: FileId,
    pub func: &'a Function,
    /// The class whose members unqualified names may refer to.
    pub class: Option<&'a str>,
    pub events: Vec<Event>,
    seen: HashSet<(Span, Span)>,
    /// Types of `auto` locals, inferred from their initialisers.
    inferred: Vec<Option<TypeRef>>,
    /// Local ids of reference locals bound to static storage.
    ref_bindings: BTreeMap<LocalId, Rc<StaticTarget>>,
}

/// Analyse one function (and the lambdas defined in it); return its events.
pub fn analyze_function<'a>(
    index: &'a Index<'a>,
    file: FileId,
    func: &'a Function,
    class: Option<&'a str>,
) -> Vec<Event> {
    let mut a = FnAnalysis {
        index,
        file,
        func,
        class,
        events: Vec::new(),
        seen: HashSet::new(),
        inferred: vec![None; func.locals.len()],
        ref_bindings: BTreeMap::new(),
    };
    a.run();
    let mut events = a.events;
    for l in &func.lambdas {
        events.extend(analyze_function(index, file, l, class));
    }
    events
}

impl<'a> FnAnalysis<'a> {
    fn run(&mut self) {
        let cfg = &self.func.body;
        let n = cfg.blocks.len();
        let mut input: Vec<Option<State>> = vec![None; n];
        input[0] = Some(State::new());
        let mut visits = vec![0usize; n];
        let mut work: Vec<BlockId> = vec![0];
        let mut queued = vec![false; n];
        queued[0] = true;
        while let Some(b) = work.pop() {
            queued[b as usize] = false;
            visits[b as usize] += 1;
            if visits[b as usize] > MAX_VISITS {
                continue;
            }
            let Some(mut st) = input[b as usize].clone() else {
                continue;
            };
            let block = &cfg.blocks[b as usize];
            for s in &block.stmts {
                self.stmt(s, &mut st);
            }
            match &block.term {
                Terminator::Branch { cond, .. } => {
                    self.eval(cond, &mut st);
                }
                Terminator::Switch { value, .. } => {
                    self.eval(value, &mut st);
                }
                Terminator::Return { value: Some(v), .. } => {
                    self.eval(v, &mut st);
                }
                _ => {}
            }
            for succ in block.term.successors(cfg.exit) {
                let slot = &mut input[succ as usize];
                let changed = match slot {
                    None => {
                        *slot = Some(st.clone());
                        true
                    }
                    Some(old) => join_into(old, &st),
                };
                if changed && !queued[succ as usize] {
                    queued[succ as usize] = true;
                    work.push(succ);
                }
            }
        }
    }

    fn stmt(&mut self, s: &Stmt, st: &mut State) {
        match s {
            Stmt::Expr(e) => {
                self.eval(e, st);
            }
            Stmt::Decl { local, init, span } => {
                let l = self.func.local(*local);
                let Some(init) = init else {
                    st.remove(&Place {
                        root: Root::Local(*local),
                        path: vec![],
                    });
                    return;
                };
                if l.ty.is_unknown() {
                    let t = self.type_of(init);
                    if !t.is_unknown() {
                        self.inferred[*local as usize] = Some(t);
                    }
                }
                let v = self.eval(init, st);
                if l.is_ref {
                    // A reference bound to static storage: stores through it go there.
                    if let Dest::Static(t) = self.dest(init, st) {
                        self.ref_bindings.insert(*local, Rc::new(t));
                    }
                }
                if l.storage.is_static() {
                    // A static local's initialiser runs once and keeps the first request's value.
                    let target = self.local_target(*local);
                    self.report_store(target, &v, *span);
                    return;
                }
                let ty = self.local_type(*local);
                let v = if self.index.is_content_type(&self.index.effective(&ty))
                    || !self.index.can_hold_pointer(&ty)
                {
                    Value::default()
                } else {
                    let name = &l.name;
                    v.with_step(*span, || format!("assigned to `{name}` here"))
                };
                assign(
                    st,
                    Place {
                        root: Root::Local(*local),
                        path: vec![],
                    },
                    v,
                );
            }
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
            through_pointer: false,
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
            through_pointer: false,
        }
    }

    fn report_store(&mut self, target: StaticTarget, v: &Value, span: Span) {
        if target.through_pointer || !self.index.can_hold_pointer(&target.ty) {
            return;
        }
        for f in &v.facts {
            if self.seen.insert((span, f.origin)) {
                self.events.push(Event::StaticStore {
                    target: target.clone(),
                    fact: f.clone(),
                    span,
                });
            }
        }
    }

    // ------------------------------------------------------------ names and places

    /// Resolve an unqualified or qualified name that is not a local.
    fn resolve_name(&self, name: &str) -> Dest {
        if let Some(global) = name.strip_prefix("::") {
            return match self.index.global(global) {
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
                && let Some((f, v)) = self.index.global(last)
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
                return Dest::Tracked(member_place(name));
            }
        }
        if let Some((f, v)) = self.index.global(name) {
            return Dest::Static(self.static_target(f, v));
        }
        if self.class.is_some() {
            // A member of a base the run does not declare (an SDK class).
            return Dest::Tracked(member_place(name));
        }
        Dest::Tracked(Place {
            root: Root::Name(name.to_owned()),
            path: vec![],
        })
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
                Dest::Tracked(Place {
                    root: Root::Local(*id),
                    path: vec![],
                })
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
                            None => Dest::Tracked(member_place(name)),
                        },
                        None => Dest::Tracked(member_place(name)),
                    };
                }
                match self.dest(base, st) {
                    Dest::Tracked(p) => {
                        if *arrow {
                            // Through a local pointer: to static storage if it points there.
                            if let Some(t) = read(st, &p).addr {
                                let mut t = (*t).clone();
                                t.describe = format!("the field `{name}` of {}", t.describe);
                                t.ty = self.field_type(&t.ty, name);
                                return Dest::Static(t);
                            }
                            Dest::Tracked(p.child(Seg::Arrow(name.clone())))
                        } else {
                            Dest::Tracked(p.child(Seg::Field(name.clone())))
                        }
                    }
                    Dest::Static(mut t) => {
                        t.describe = format!("the field `{name}` of {}", t.describe);
                        if *arrow {
                            // `g_p->f = x` writes into the heap object `g_p` points to.
                            t.through_pointer = true;
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
                    if ty.pointers > 0 && !ty.is_array {
                        t.through_pointer = true; // `g_p[i] = x` writes into what g_p points to
                    }
                    t.describe = format!("an element of {}", t.describe);
                    t.ty = element_type(&ty);
                    Dest::Static(t)
                }
                Dest::Unknown => Dest::Unknown,
            },
            ExprKind::Deref(inner) => {
                let v = self.peek(inner, st);
                match v.addr {
                    Some(t) => Dest::Static((*t).clone()),
                    None => Dest::Unknown,
                }
            }
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

    /// The value of an expression without side effects (for place resolution).
    fn peek(&self, e: &Expr, st: &State) -> Value {
        match &e.peel().kind {
            ExprKind::Local(id) => {
                let mut v = read(
                    st,
                    &Place {
                        root: Root::Local(*id),
                        path: vec![],
                    },
                );
                if v.addr.is_none() {
                    v.addr = self.ref_bindings.get(id).cloned();
                }
                v
            }
            ExprKind::AddrOf(inner) => match self.dest(inner, st) {
                Dest::Static(t) => Value {
                    facts: vec![],
                    addr: Some(Rc::new(t)),
                },
                _ => Value::default(),
            },
            _ => Value::default(),
        }
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
                _ => TypeRef::default(),
            },
            ExprKind::Deref(inner) => {
                let mut t = self.index.effective(&self.type_of(inner));
                t.pointers = t.pointers.saturating_sub(1);
                t
            }
            ExprKind::Cast { ty, .. } => ty.clone(),
            ExprKind::Construct { ty, heap, .. } => {
                let mut t = ty.clone();
                if *heap {
                    t.pointers += 1;
                }
                t
            }
            _ => TypeRef::default(),
        }
    }

    /// Is this call (`recv->method(...)` or `function(...)`) a catalogued source?
    fn source_of(&self, callee: &Expr) -> Option<(Kind, Rc<str>)> {
        let catalog = self.index.catalog;
        match &callee.peel().kind {
            ExprKind::Field { base, name, .. } => {
                if !catalog.is_source_name(name) {
                    return None;
                }
                let recv = self.index.effective(&self.type_of(base));
                let known = !recv.is_unknown();
                catalog
                    .sources
                    .iter()
                    .filter(|s| s.method == *name)
                    .find(|s| {
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
                    .map(|s| (s.kind, Rc::from(s.method.as_str())))
            }
            ExprKind::Name(n) => {
                let last = n.rsplit("::").next().unwrap_or(n);
                catalog
                    .sources
                    .iter()
                    .find(|s| s.method == last && s.free_function)
                    .map(|s| (s.kind, Rc::from(s.method.as_str())))
            }
            _ => None,
        }
    }

    // ------------------------------------------------------------ evaluation

    fn eval(&mut self, e: &Expr, st: &mut State) -> Value {
        match &e.kind {
            ExprKind::Local(id) => {
                let mut v = read(
                    st,
                    &Place {
                        root: Root::Local(*id),
                        path: vec![],
                    },
                );
                if v.addr.is_none() {
                    v.addr = self.ref_bindings.get(id).cloned();
                }
                v
            }
            ExprKind::Name(_) | ExprKind::This => match self.dest(e, st) {
                Dest::Tracked(p) => read(st, &p),
                _ => Value::default(),
            },
            ExprKind::Field { base, .. } => {
                self.eval(base, st);
                match self.dest(e, st) {
                    // `read` also sees a request-scoped aggregate the field is part of.
                    Dest::Tracked(p) => read(st, &p),
                    _ => Value::default(),
                }
            }
            ExprKind::Index { base, index } => {
                self.eval(index, st);
                self.eval(base, st);
                match self.dest(e, st) {
                    Dest::Tracked(p) => read(st, &p),
                    _ => Value::default(),
                }
            }
            ExprKind::Deref(inner) => {
                self.eval(inner, st);
                Value::default() // the pointee's content
            }
            ExprKind::AddrOf(inner) => {
                if let Dest::Static(t) = self.dest(inner, st)
                    && !t.through_pointer
                {
                    // `&g_p`, `&g_arr[2]`: the address of static storage.
                    self.eval(inner, st);
                    return Value {
                        facts: vec![],
                        addr: Some(Rc::new(t)),
                    };
                }
                match &inner.peel().kind {
                    // `&p[n]` and `&*p` are addresses inside what `p` points to.
                    ExprKind::Index { base, index } => {
                        self.eval(index, st);
                        self.eval(base, st)
                    }
                    ExprKind::Deref(x) => self.eval(x, st),
                    _ => {
                        self.eval(inner, st);
                        Value::default()
                    }
                }
            }
            ExprKind::Call { callee, args } => self.call(e, callee, args, st),
            ExprKind::Construct {
                ty,
                args,
                placement,
                heap,
            } => {
                let place_v = placement
                    .iter()
                    .fold(Value::default(), |acc, p| acc.union(self.eval(p, st)));
                let arg_vs: Vec<Value> = args.iter().map(|a| self.eval(a, st)).collect();
                if !placement.is_empty() {
                    return place_v; // placement new returns its buffer
                }
                if *heap || self.index.is_content_type(ty) {
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
                    return Value::default();
                }
                // An aggregate built from request-scoped parts holds them.
                arg_vs
                    .into_iter()
                    .fold(Value::default(), |acc, v| acc.union(without_addr(v)))
            }
            ExprKind::Assign { lhs, rhs, compound } => {
                let rv = self.eval(rhs, st);
                let v = match compound {
                    None => rv,
                    Some(BinOp::Add) => self.eval(lhs, st).union(without_addr(rv)),
                    Some(BinOp::Sub) => self.eval(lhs, st),
                    Some(BinOp::Other) => {
                        self.eval(lhs, st);
                        Value::default()
                    }
                };
                self.store(lhs, v.clone(), e.span, st);
                v
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.eval(lhs, st);
                let r = self.eval(rhs, st);
                match op {
                    // Pointer arithmetic keeps the pointer's provenance.
                    BinOp::Add => without_addr(l).union(without_addr(r)),
                    // `p - n` is a pointer; `p - q` a distance.
                    BinOp::Sub if r.facts.is_empty() => without_addr(l),
                    _ => Value::default(),
                }
            }
            ExprKind::Unary(inner) => {
                self.eval(inner, st);
                Value::default()
            }
            ExprKind::IncDec(inner) => self.eval(inner, st),
            ExprKind::Cast { ty, expr, .. } => {
                let v = self.eval(expr, st);
                let t = self.index.effective(ty);
                if !t.is_unknown() && !self.index.can_hold_pointer(&t) {
                    Value::default() // `(DWORD)(...)`: a number now
                } else {
                    v
                }
            }
            ExprKind::Cond { cond, then, else_ } => {
                self.eval(cond, st);
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
                self.eval(expr, st);
                Value::default()
            }
            ExprKind::Lambda { captures, .. } => {
                // A closure holding request-scoped captures is request-scoped.
                let mut v = Value::default();
                for c in captures {
                    let ce = Expr::new(
                        match self.func.locals.iter().rposition(|l| l.name == c.name) {
                            Some(id) => ExprKind::Local(id as LocalId),
                            None => ExprKind::Name(c.name.clone()),
                        },
                        c.span,
                    );
                    v.absorb(without_addr(self.eval(&ce, st)));
                }
                v
            }
            ExprKind::Opaque(items) => {
                for i in items {
                    self.eval(i, st);
                }
                Value::default()
            }
        }
    }

    fn call(&mut self, e: &Expr, callee: &Expr, args: &[Expr], st: &mut State) -> Value {
        // Evaluate the receiver and the arguments first (their effects happen before the call).
        match &callee.peel().kind {
            ExprKind::Field { base, .. } => {
                self.eval(base, st);
            }
            _ => {
                self.eval(callee, st);
            }
        }
        let arg_vs: Vec<Value> = args.iter().map(|a| self.eval(a, st)).collect();
        if let Some((kind, api)) = self.source_of(callee) {
            return Value {
                facts: vec![Fact {
                    kind,
                    origin: e.span,
                    api,
                    steps: Rc::new(Vec::new()),
                }],
                addr: None,
            };
        }
        let catalog = self.index.catalog;
        let Some(name) = callee.callee_name() else {
            return Value::default();
        };
        match &callee.peel().kind {
            ExprKind::Field { base, .. } => {
                // `g_list.push_back(p)`, `g_atom.store(p)`: a store into the receiver.
                if catalog.store_methods.contains(name) {
                    let v = arg_vs.iter().fold(Value::default(), |acc, v| {
                        acc.union(without_addr(v.clone()))
                    });
                    match self.dest(base, st) {
                        Dest::Static(t) => self.report_store(t, &v, e.span),
                        Dest::Tracked(p) => {
                            let ty = self.type_of(base);
                            if self.index.can_hold_pointer(&ty) && !v.facts.is_empty() {
                                weak_assign(st, p.child(Seg::Elem), v);
                            }
                        }
                        Dest::Unknown => {}
                    }
                }
                Value::default()
            }
            ExprKind::Name(_) => {
                if let Some(sf) = catalog.store_functions.iter().find(|s| s.name == name)
                    && let (Some(dest), Some(val)) = (args.get(sf.dest), arg_vs.get(sf.value))
                {
                    // `InterlockedExchangePointer(&g_p, p)`: a store into `*dest`.
                    let d = self.peek(dest, st);
                    if let Some(t) = d.addr {
                        let v = val.clone();
                        self.report_store((*t).clone(), &v, e.span);
                    }
                    return Value::default();
                }
                if let Some(&i) = catalog.propagate.get(name) {
                    return arg_vs.get(i).cloned().map(without_addr).unwrap_or_default();
                }
                if self.index.is_view_type(name) {
                    // `std::string_view(p)`: a view of the same memory.
                    return arg_vs.into_iter().next().unwrap_or_default();
                }
                Value::default()
            }
            _ => Value::default(),
        }
    }

    fn store(&mut self, lhs: &Expr, v: Value, span: Span, st: &mut State) {
        match self.dest(lhs, st) {
            Dest::Static(t) => self.report_store(t, &v, span),
            Dest::Tracked(p) => {
                let ty = self.type_of(lhs);
                let keep = ty.is_unknown()
                    || (self.index.can_hold_pointer(&ty)
                        && !self.index.is_content_type(&self.index.effective(&ty)));
                let v = if keep {
                    let desc = describe_expr(self.func, lhs);
                    v.with_step(span, || format!("assigned to `{desc}` here"))
                } else {
                    Value::default()
                };
                match p.path.last() {
                    // An element of an array or container: may-update.
                    Some(Seg::Elem) => weak_assign(st, p, v),
                    _ => assign(st, p, v),
                }
            }
            Dest::Unknown => {}
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

/// The value at a place: its own and that of its parts (a struct holding a request pointer is
/// request-scoped), but not of objects reached through pointers.
fn read(st: &State, p: &Place) -> Value {
    let mut v = Value::default();
    for (k, val) in st.range(p.clone()..) {
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
        if let Some(val) = st.get(&prefix) {
            v.absorb(without_addr(val.clone()));
        }
    }
    v
}

/// Strong update: the place and all its parts now hold `v`.
fn assign(st: &mut State, p: Place, v: Value) {
    let stale: Vec<Place> = st
        .range(p.clone()..)
        .take_while(|(k, _)| k.root == p.root && k.path.starts_with(&p.path))
        .map(|(k, _)| k.clone())
        .collect();
    for k in stale {
        st.remove(&k);
    }
    if !v.is_empty() {
        st.insert(p, v);
    }
}

/// May-update: the place holds `v` in addition to what it held.
fn weak_assign(st: &mut State, p: Place, v: Value) {
    if v.is_empty() {
        return;
    }
    st.entry(p).or_default().absorb(v);
}

/// Join `other` into `into`; true when `into` changed.
fn join_into(into: &mut State, other: &State) -> bool {
    let mut changed = false;
    for (k, v) in other {
        match into.get_mut(k) {
            Some(old) => {
                let before = old.clone();
                old.absorb(v.clone());
                if !old.same(&before) {
                    changed = true;
                }
            }
            None => {
                into.insert(k.clone(), v.clone());
                changed = true;
            }
        }
    }
    changed
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
