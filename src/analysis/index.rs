//! What the whole run declares: static variables and classes of every file, and the type
//! questions the rules ask of them. Built once after lowering, read by all threads.

use rustc_hash::FxHashMap as HashMap;

use crate::analysis::summary::FnRef;
use crate::catalog::Catalog;
use crate::diagnostic::FileId;
use crate::ir::{Class, Expr, ExprKind, Field, Function, Module, StaticVar, Stmt, TypeRef};

pub struct Index<'a> {
    pub catalog: &'a Catalog,
    globals: HashMap<&'a str, Vec<(FileId, &'a StaticVar)>>,
    static_members: HashMap<(&'a str, &'a str), (FileId, &'a StaticVar)>,
    classes: HashMap<&'a str, Vec<&'a Class>>,
    typedefs: HashMap<&'a str, &'a TypeRef>,
    /// Return types of the run's methods (class, name) and free functions (name).
    methods: HashMap<(&'a str, &'a str), &'a TypeRef>,
    functions: HashMap<&'a str, Option<&'a TypeRef>>,
    /// Every function of the run by its (unqualified) name; constructors by the class name.
    pub functions_by_name: HashMap<&'a str, Vec<FnRef>>,
    modules: HashMap<FileId, &'a Module>,
    /// Stored-context classes and whether an instance is attached to a container that outlives
    /// the request (connection, site, application...).
    stored_contexts: HashMap<String, bool>,
    /// The transitive bases of every class name, computed once: one name may be declared by
    /// many classes of the run (a class per module with the same name), and the analysis asks
    /// for bases at every method call.
    bases_of: HashMap<&'a str, Vec<&'a str>>,
}

/// Why instances of a class outlive requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    GlobalModule,
    ModuleFactory,
    /// An `IHttpStoredContext` attached to a connection, site, application or URL container.
    LongLivedStoredContext,
}

impl Role {
    pub fn describe(self) -> &'static str {
        match self {
            Role::GlobalModule => "global module",
            Role::ModuleFactory => "module factory",
            Role::LongLivedStoredContext => "long-lived stored context",
        }
    }
}

/// Container owners whose module context outlives the request.
const LONG_LIVED_OWNERS: &[&str] = &[
    "GetConnection",
    "GetSite",
    "GetApplication",
    "GetUrlInfo",
    "GetMetadata",
    "GetFileInfo",
];
const LONG_LIVED_OWNER_TYPES: &[&str] = &[
    "IHttpConnection",
    "IHttpSite",
    "IHttpApplication",
    "IHttpUrlInfo",
    "IMetadataInfo",
    "IHttpFileInfo",
];

/// Classes the IIS SDK declares: a receiver of one of these types is what it says, and a class
/// of the project deriving from one is that interface too.
const DEPTH_LIMIT: u32 = 16;

impl<'a> Index<'a> {
    pub fn new(catalog: &'a Catalog, modules: &[(FileId, &'a Module)]) -> Self {
        let mut ix = Index {
            catalog,
            globals: HashMap::default(),
            static_members: HashMap::default(),
            classes: HashMap::default(),
            typedefs: HashMap::default(),
            methods: HashMap::default(),
            functions: HashMap::default(),
            stored_contexts: HashMap::default(),
            functions_by_name: HashMap::default(),
            modules: modules.iter().copied().collect(),
            bases_of: HashMap::default(),
        };
        for &(file, m) in modules {
            for s in &m.statics {
                match &s.class {
                    Some(c) => {
                        ix.static_members
                            .entry((c.as_str(), s.name.as_str()))
                            .or_insert((file, s));
                    }
                    None => ix
                        .globals
                        .entry(s.name.as_str())
                        .or_default()
                        .push((file, s)),
                }
            }
            for c in &m.classes {
                ix.classes.entry(c.name.as_str()).or_default().push(c);
            }
            for (alias, target) in &m.typedefs {
                ix.typedefs.entry(alias.as_str()).or_insert(target);
            }
            for c in &m.classes {
                for (name, ret) in &c.methods {
                    ix.methods
                        .entry((c.name.as_str(), name.as_str()))
                        .or_insert(ret);
                }
            }
            for (name, ret) in &m.function_decls {
                let e = ix.functions.entry(name.as_str()).or_insert(Some(ret));
                if e.is_some_and(|r| r != ret) {
                    *e = None;
                }
            }
            for f in &m.functions {
                match &f.class {
                    Some(c) => {
                        ix.methods
                            .entry((c.as_str(), f.name.as_str()))
                            .or_insert(&f.ret);
                    }
                    None => {
                        // Overloads with different return types: unknown.
                        let e = ix.functions.entry(f.name.as_str()).or_insert(Some(&f.ret));
                        if e.is_some_and(|r| *r != f.ret) {
                            *e = None;
                        }
                    }
                }
            }
        }
        for &(file, m) in modules {
            for (i, f) in m.functions.iter().enumerate() {
                ix.functions_by_name
                    .entry(f.name.as_str())
                    .or_default()
                    .push(FnRef {
                        file,
                        index: i as u32,
                    });
            }
        }
        for &(_, m) in modules {
            for f in &m.functions {
                for (class, long_lived) in stored_context_uses(f) {
                    *ix.stored_contexts.entry(class).or_insert(false) |= long_lived;
                }
            }
        }
        let names: Vec<&'a str> = ix.classes.keys().copied().collect();
        let bases_of = names
            .into_iter()
            .map(|c| (c, ix.compute_bases(c)))
            .collect();
        ix.bases_of = bases_of;
        ix
    }

    pub fn function(&self, f: FnRef) -> &'a Function {
        &self.modules[&f.file].functions[f.index as usize]
    }

    pub fn functions_named(&self, name: &str) -> &[FnRef] {
        self.functions_by_name
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Is `class` a subclass (transitively) of `base`?
    pub fn is_subclass(&self, class: &str, base: &str) -> bool {
        self.bases(class).contains(&base)
    }

    /// The declared return type of `class::method` (or of a base's), when the run declares it.
    pub fn method_return(&self, class: &str, method: &str) -> Option<&'a TypeRef> {
        std::iter::once(class)
            .chain(self.bases(class).iter().copied())
            .find_map(|c| self.methods.get(&(c, method)).copied())
    }

    /// The declared return type of a free function, when the run declares exactly one.
    pub fn function_return(&self, name: &str) -> Option<&'a TypeRef> {
        self.functions.get(name).copied().flatten()
    }

    /// Why instances of `class` outlive requests, if they do.
    pub fn role(&self, class: &str) -> Option<Role> {
        let bases = self.bases(class);
        if bases.contains(&"CGlobalModule") {
            return Some(Role::GlobalModule);
        }
        if bases.contains(&"IHttpModuleFactory") {
            return Some(Role::ModuleFactory);
        }
        let long_lived = |c: &str| self.stored_contexts.get(c).copied().unwrap_or(false);
        if long_lived(class) || bases.iter().any(|b| long_lived(b)) {
            return Some(Role::LongLivedStoredContext);
        }
        None
    }

    /// The global `name` as seen from `from`: the file's own declaration first, then one with
    /// external linkage, then (a `static` in a header the file includes) any.
    pub fn global(&self, name: &str, from: FileId) -> Option<(FileId, &'a StaticVar)> {
        let v = self.globals.get(name)?;
        v.iter()
            .find(|(f, _)| *f == from)
            .or_else(|| v.iter().find(|(_, s)| !s.internal))
            .or_else(|| v.first())
            .copied()
    }

    pub fn static_member(&self, class: &str, name: &str) -> Option<(FileId, &'a StaticVar)> {
        if let Some(hit) = self.static_members.get(&(class, name)) {
            return Some(*hit);
        }
        // Declared in a base class?
        for base in self.bases(class) {
            if let Some(hit) = self.static_members.get(&(base, name)) {
                return Some(*hit);
            }
        }
        None
    }

    pub fn is_class(&self, name: &str) -> bool {
        self.classes.contains_key(name)
    }

    /// All (transitive) base classes of `class` that the run declares or names, nearest first.
    pub fn bases(&self, class: &str) -> &[&'a str] {
        self.bases_of
            .get(class)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn compute_bases(&self, class: &str) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<&'a str> = Default::default();
        let mut todo: Vec<(&str, u32)> = vec![(class, 0)];
        while let Some((c, depth)) = todo.pop() {
            if depth > DEPTH_LIMIT {
                continue;
            }
            for cl in self.classes.get(c).into_iter().flatten() {
                for b in &cl.bases {
                    if seen.insert(b.as_str()) {
                        out.push(b.as_str());
                        todo.push((b.as_str(), depth + 1));
                    }
                }
            }
        }
        out
    }

    /// Does `class` derive (transitively) from one of `targets`?
    pub fn derives_from(&self, class: &str, targets: &[String]) -> bool {
        self.bases(class)
            .iter()
            .any(|b| targets.iter().any(|t| t == b))
    }

    /// A data member of `class` or of one of its bases.
    pub fn field(&self, class: &str, name: &str) -> Option<&'a Field> {
        let mut classes = vec![class];
        classes.extend(self.bases(class));
        classes.iter().find_map(|c| {
            self.classes
                .get(c)
                .into_iter()
                .flatten()
                .find_map(|cl| cl.fields.iter().find(|f| f.name == name))
        })
    }

    /// The named type behind wrappers: `CComPtr<IHttpContext>` → `IHttpContext` with one more
    /// pointer; `std::atomic<char*>` → `char*`.
    pub fn effective(&self, ty: &TypeRef) -> TypeRef {
        let mut t = ty.clone();
        // Typedefs of the run: `PHX_INFO` → `_HX_INFO*`.
        for _ in 0..8 {
            match self.typedefs.get(t.name.as_str()) {
                Some(target) if target.name != t.name => {
                    let mut resolved = (*target).clone();
                    resolved.pointers = resolved.pointers.saturating_add(t.pointers);
                    resolved.is_ref |= t.is_ref;
                    resolved.is_array |= t.is_array;
                    t = resolved;
                }
                _ => break,
            }
        }
        for _ in 0..4 {
            let Some(first) = t.args.first() else { break };
            if self.catalog.smart_pointers.contains(&t.name) {
                let mut inner = first.clone();
                inner.pointers = inner.pointers.saturating_add(1).saturating_add(t.pointers);
                t = inner;
            } else if self.catalog.transparent.contains(&t.name) {
                let mut inner = first.clone();
                inner.pointers = inner.pointers.saturating_add(t.pointers);
                t = inner;
            } else {
                break;
            }
        }
        if self.catalog.pointer_typedefs.contains(&t.name) {
            t.pointers = t.pointers.saturating_add(1);
        }
        t
    }

    /// Can a place of this type hold a pointer (so that storing a request pointer into it keeps
    /// the pointer)? Unknown types can. Strings own copies; scalars hold numbers.
    pub fn can_hold_pointer(&self, ty: &TypeRef) -> bool {
        self.can_hold_pointer_depth(ty, 0)
    }

    fn can_hold_pointer_depth(&self, ty: &TypeRef, depth: u32) -> bool {
        let t = self.effective(ty);
        if t.is_unknown() || t.pointers > 0 || depth > 4 {
            return true;
        }
        if self.is_content_type(&t) || self.catalog.scalar_types.contains(&t.name) {
            return false;
        }
        if !t.args.is_empty() {
            // A container: what its elements can hold.
            return t
                .args
                .iter()
                .any(|a| self.can_hold_pointer_depth(a, depth + 1));
        }
        true
    }

    /// A type that owns a copy of what it is built from (`std::string`, `CString`).
    pub fn is_content_type(&self, t: &TypeRef) -> bool {
        if t.pointers > 0 {
            return false;
        }
        if self.catalog.content_types.contains(&t.name) {
            return true;
        }
        // `std::vector<char>` and friends: a vector of scalars owns its bytes.
        t.name == "vector"
            && t.args.len() == 1
            && t.args[0].pointers == 0
            && self.catalog.scalar_types.contains(&t.args[0].name)
    }

    pub fn is_view_type(&self, name: &str) -> bool {
        self.catalog.view_types.contains(name)
    }
}

/// `container->SetModuleContext(pStored, id)` calls of a function: the stored object's class and
/// whether the container outlives the request. A syntactic pre-pass: the container is judged
/// by the expression (or the local initialised with it) that produced it.
fn stored_context_uses(f: &Function) -> Vec<(String, bool)> {
    let init_of = |id: u32| -> Option<&Expr> {
        f.body
            .blocks
            .iter()
            .flat_map(|b| &b.stmts)
            .find_map(|s| match s {
                Stmt::Decl {
                    local,
                    init: Some(e),
                    ..
                } if *local == id => Some(e),
                _ => None,
            })
    };
    let owner_long_lived = |owner: &Expr| -> bool {
        match &owner.peel().kind {
            ExprKind::Call { callee, .. } => callee
                .callee_name()
                .is_some_and(|n| LONG_LIVED_OWNERS.contains(&n)),
            ExprKind::Local(id) => {
                LONG_LIVED_OWNER_TYPES.contains(&f.local(*id).ty.name.as_str())
                    || init_of(*id).is_some_and(|e| {
                        matches!(&e.peel().kind, ExprKind::Call { callee, .. }
                            if callee.callee_name().is_some_and(|n| LONG_LIVED_OWNERS.contains(&n)))
                    })
            }
            _ => false,
        }
    };
    let container_long_lived = |c: &Expr| -> bool {
        let c = match &c.peel().kind {
            ExprKind::Local(id) => match init_of(*id) {
                Some(e) => e,
                None => return false,
            },
            _ => c,
        };
        match &c.peel().kind {
            ExprKind::Call { callee, .. } => match &callee.peel().kind {
                ExprKind::Field { base, name, .. } if name == "GetModuleContextContainer" => {
                    owner_long_lived(base)
                }
                _ => false,
            },
            _ => false,
        }
    };
    let class_of = |e: &Expr| -> Option<String> {
        match &e.peel().kind {
            ExprKind::Construct(c) => Some(c.ty.name.clone()),
            ExprKind::Local(id) => {
                let ty = &f.local(*id).ty;
                if !ty.is_unknown() {
                    return Some(ty.name.clone());
                }
                match init_of(*id).map(|e| &e.peel().kind) {
                    Some(ExprKind::Construct(c)) => Some(c.ty.name.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    };
    let mut out = Vec::new();
    for e in f.exprs() {
        e.visit(&mut |x| {
            if let ExprKind::Call { callee, args } = &x.kind
                && let ExprKind::Field { base, name, .. } = &callee.peel().kind
                && name == "SetModuleContext"
                && let Some(class) = args.first().and_then(&class_of)
                && !class.is_empty()
            {
                out.push((class, container_long_lived(base)));
            }
        });
    }
    out
}
