//! Lowering of a tree-sitter-rust syntax tree into the IR.
//!
//! A Rust IIS module binds `httpserv.h` by hand: `#[repr(C)]` vtable structs, raw
//! `*mut IHttpContext` pointers, `unsafe` blocks, and often a thin wrapper layer. The lowering
//! maps the Rust spellings onto the shapes the engine already understands from C++:
//!
//! - `(*p).f` and `p.f` on a pointer-typed local are `p->f`; `self.f` is `this->f`. References
//!   (`&T`, `&mut T`) are pointers.
//! - `((*(*ctx).vtbl).AllocateRequestMemory)(ctx, n)` is the method call
//!   `ctx->AllocateRequestMemory(n)`; `ctx.allocate_request_memory(n)` is too (snake_case
//!   names of the catalogue's methods are spelled as in the catalogue).
//! - Guards and views return their receiver: `LAST.lock().unwrap().push(p)` is `LAST.push(p)`,
//!   `*LAST.lock().unwrap() = p` is `LAST = p`, `p.as_ref().unwrap()` is `p`. A `let` bound to
//!   a guard or to `&place` is a reference local (stores through it reach the place).
//! - `p.is_null()` is `p == NULL`; `if let Some(x) = NonNull::new(p)`, `match`, `?` and
//!   `let ... else` on an `Option` test their scrutinee against NULL.
//! - Closures are lambdas with the enclosing locals they name as captures; a closure that runs
//!   synchronously (`TL.with(|c| ...)`, `CELL.get_or_init(|| ...)`, `opt.map(|x| ...)`,
//!   `thread::scope`, `catch_unwind`) is lowered inline, its parameter bound to the receiver.
//! - Thread hand-offs spelled as methods (`builder.spawn(f)`, `tx.send(p)`) are calls of the
//!   free functions `spawn` and `Sender::send`, which the catalogue lists.
//! - Raw-pointer writes (`p.write(v)`, `ptr::copy_nonoverlapping(src, dst, n)`) are stores
//!   through the pointer; `slice::from_raw_parts(p, n)` and `.as_ptr()` are views of `p`.
//! - Macro invocations are parsed again from their token trees: `thread_local!`/`lazy_static!`
//!   declare statics, `assert!` is a branch, `panic!` ends the path, `vec![..]` builds a vector,
//!   and any other macro is an opaque use of the expressions it contains (a macro whose second
//!   argument names an IIS method, `vtbl_call!(ctx, AllocateRequestMemory, n)`, is that call).
//!   `macro_rules!` bodies are templates and are not lowered.
//!
//! The lowering is total and bounded like the C++ one: unknown nodes become `Opaque`
//! expressions whose parts are still lowered, ERROR nodes are searched for statements, and
//! recursion stops at `MAX_DEPTH`.

use std::collections::HashSet;
use std::rc::Rc;
use std::sync::OnceLock;

use tree_sitter::{Node, Tree};
use tree_sitter_rust::LANGUAGE;

/// Field lookups by a precomputed id: `Node::child_by_field_name` compares the name with every
/// field name of the grammar on each call, and the lowering asks for fields at every node.
trait Fields<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        static IDS: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, u16>> =
            std::sync::OnceLock::new();
        let ids = IDS.get_or_init(|| {
            let lang: tree_sitter::Language = LANGUAGE.into();
            (1..=lang.field_count() as u16)
                .filter_map(|id| Some((lang.field_name_for_id(id)?, id)))
                .collect()
        });
        // A name the grammar does not have: no such child.
        self.child_by_field_id(*ids.get(name)?)
    }
}

use crate::catalog::Catalog;
use crate::diagnostic::Span;
use crate::ir::*;
use crate::syntax::cfg::{CfgBuilder, EXIT};

const MAX_DEPTH: u32 = 200;
/// What a closure body or a macro's token tree parsed again costs in `MAX_DEPTH` units: their
/// frames are larger than one level of expression nesting.
const NESTED_FN_COST: u32 = 8;

/// IIS methods the analysis recognises by name outside the catalogue's lists (stored-context
/// containers and their owners).
const STRUCTURAL_METHODS: &[&str] = &[
    "SetModuleContext",
    "GetModuleContext",
    "GetModuleContextContainer",
    "GetNamedContextContainer",
    "GetConnection",
    "GetSite",
    "GetApplication",
    "GetUrlInfo",
    "GetMetadata",
    "GetFileInfo",
];

/// Methods whose value is their receiver: lock and cell guards, `Option`/`Result` unwrapping,
/// clones, iterators over a container, borrowed views.
const IDENTITY_METHODS: &[&str] = &[
    "lock",
    "try_lock",
    "try_read",
    "try_write",
    "borrow",
    "borrow_mut",
    "get_mut",
    "get",
    "get_unchecked",
    "get_unchecked_mut",
    "unwrap",
    "expect",
    "unwrap_unchecked",
    "unwrap_or_default",
    "as_ref",
    "as_mut",
    "as_deref",
    "as_deref_mut",
    "deref",
    "deref_mut",
    "clone",
    "cloned",
    "copied",
    "to_str",
    "to_bytes",
    "to_bytes_with_nul",
    "to_string_lossy",
    "as_bytes",
    "as_str",
    "as_slice",
    "as_mut_slice",
    "as_c_str",
    "as_os_str",
    "as_path",
    "load",
    "ok",
    "err",
    "ok_or",
    "ok_or_else",
    "take",
    "into_inner",
    "iter",
    "iter_mut",
    "into_iter",
    "values",
    "values_mut",
    "entry",
    "first",
    "last",
    "first_mut",
    "last_mut",
    "leak",
    "map_err",
    "inspect_err",
    "context",
    "with_context",
];

/// Guard methods: a `let` initialised with a chain of these on a place is a reference to it.
const GUARD_METHODS: &[&str] = &[
    "lock",
    "try_lock",
    "write",
    "read",
    "try_write",
    "borrow_mut",
    "borrow",
    "get_mut",
    "get_or_init",
    "get_or_insert_with",
    "deref_mut",
    "as_mut",
    "unwrap",
    "expect",
];

/// Methods that return a raw pointer to (the data of) their receiver.
const POINTER_VIEWS: &[&str] = &[
    "as_ptr",
    "as_mut_ptr",
    "cast",
    "cast_mut",
    "cast_const",
    "as_non_null_ptr",
    "into_raw",
];

/// Combinators that call their closure before they return: the closure is lowered inline.
const SYNC_COMBINATORS: &[&str] = &[
    "with",
    "with_borrow",
    "with_borrow_mut",
    "call_once",
    "call_once_force",
    "get_or_init",
    "get_or_insert_with",
    "or_insert_with",
    "map",
    "and_then",
    "map_or",
    "map_or_else",
    "unwrap_or_else",
    "or_else",
    "then",
    "for_each",
    "inspect",
    "is_some_and",
    "is_none_or",
];

/// Methods that hand their closure to another thread or to deferred work.
const SPAWN_METHODS: &[&str] = &["spawn", "spawn_blocking", "spawn_local", "spawn_fifo"];

/// Methods that send a value over a channel to another thread.
const SEND_METHODS: &[&str] = &["send", "try_send", "send_timeout", "blocking_send"];

/// Macros whose arguments are expressions even when written with braces.
const EXPR_MACROS: &[&str] = &["vec", "format", "println", "print", "write", "writeln"];

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

/// The IIS method names a snake_case Rust name may stand for.
fn iis_methods() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let c = catalog();
        let mut s: HashSet<String> = c.sources.iter().map(|s| s.method.clone()).collect();
        s.extend(c.completion_methods.iter().cloned());
        s.extend(c.buffer_sinks.keys().cloned());
        s.extend(
            c.returns
                .keys()
                .filter_map(|k| k.rsplit("::").next())
                .map(str::to_owned),
        );
        s.extend(STRUCTURAL_METHODS.iter().map(|m| (*m).to_owned()));
        s
    })
}

/// Types whose `T::new(..)`/`T::from(..)` the analysis models as a construction: wrappers,
/// cells, owned strings, views and vectors.
fn is_modelled_type(name: &str) -> bool {
    let c = catalog();
    name == "vector"
        || c.smart_pointers.contains(name)
        || c.transparent.contains(name)
        || c.content_types.contains(name)
        || c.view_types.contains(name)
}

/// `allocate_request_memory` → `AllocateRequestMemory`, when that is an IIS method.
fn iis_method_name(name: &str) -> Option<String> {
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let camel: String = name
        .split('_')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    iis_methods().contains(&camel).then_some(camel)
}

/// A method name as the catalogue spells it.
fn method_name(name: &str) -> String {
    iis_method_name(name).unwrap_or_else(|| name.to_owned())
}

/// Trait and base names of the IIS module classes, as the index knows them.
fn module_base(name: &str) -> Option<&'static str> {
    let n = name
        .trim_end_matches("Vtbl")
        .trim_end_matches("VTable")
        .trim_end_matches("Vtable")
        .trim_end_matches("_vtbl");
    match n {
        "CGlobalModule" | "GlobalModule" | "IGlobalModule" => Some("CGlobalModule"),
        "CHttpModule" | "HttpModule" | "IHttpModule" => Some("CHttpModule"),
        "IHttpModuleFactory" | "HttpModuleFactory" | "ModuleFactory" => Some("IHttpModuleFactory"),
        "IHttpStoredContext" | "HttpStoredContext" | "StoredContext" => Some("IHttpStoredContext"),
        _ => None,
    }
}

fn is_upper(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
}

fn named_children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|c| !matches!(c.kind(), "line_comment" | "block_comment"))
        .collect()
}

fn children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.children(&mut c).collect()
}

/// Strip parentheses around an expression.
fn peel_parens(mut n: Node) -> Node {
    while n.kind() == "parenthesized_expression" {
        match named_children(n).as_slice() {
            [only] => n = *only,
            _ => break,
        }
    }
    n
}

/// The operand of `*x` (through parentheses).
fn deref_operand(n: Node) -> Option<Node> {
    let n = peel_parens(n);
    if n.kind() == "unary_expression" && n.child(0).is_some_and(|o| o.kind() == "*") {
        return named_children(n).into_iter().next();
    }
    None
}

/// The identifier a simple pattern binds: `x`, `mut x`, `ref x`, `ref mut x`.
fn simple_binding(p: Node) -> Option<Node> {
    match p.kind() {
        "identifier" => Some(p),
        "mut_pattern" | "ref_pattern" => named_children(p)
            .into_iter()
            .find(|c| c.kind() != "mutable_specifier")
            .and_then(simple_binding),
        _ => None,
    }
}

/// Expressions that need branches to produce a value.
fn is_branching(kind: &str) -> bool {
    matches!(
        kind,
        "if_expression"
            | "match_expression"
            | "loop_expression"
            | "while_expression"
            | "for_expression"
    )
}

fn strip_generics(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for ch in s.chars() {
        match ch {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            c if depth == 0 && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out.replace("::::", "::").trim_end_matches("::").to_owned()
}

pub fn lower(tree: &Tree, src: &str) -> Module {
    let mut lw = Lowerer {
        src: Rc::from(src),
        base: 0,
        file_len: src.len(),
        in_snippet: false,
        module: Module::default(),
        impl_stack: Vec::new(),
        generics: Vec::new(),
        depth: 0,
    };
    lw.items(tree.root_node());
    lw.module
}

struct Lowerer {
    /// The text the current tree was parsed from: the file, or a macro's token tree parsed again.
    src: Rc<str>,
    /// Where `src` starts in the file (negative when a snippet begins with a synthetic prefix).
    base: isize,
    file_len: usize,
    in_snippet: bool,
    module: Module,
    /// The `Self` type of the `impl` blocks we are in (`None` for an impl on a pointer).
    impl_stack: Vec<Option<String>>,
    /// Type parameters in scope (`T` of `struct SendPtr<T>`): types the analysis cannot know.
    generics: Vec<String>,
    depth: u32,
}

impl Lowerer {
    fn span(&self, n: Node) -> Span {
        let f = |x: usize| ((x as isize + self.base).max(0) as usize).min(self.file_len);
        Span::new(f(n.start_byte()), f(n.end_byte()))
    }

    fn text(&self, n: Node) -> &str {
        self.src.get(n.start_byte()..n.end_byte()).unwrap_or("")
    }

    fn note_errors(&mut self, n: Node) {
        if !self.in_snippet && (n.is_error() || n.is_missing()) {
            self.module.syntax_errors += 1;
        }
    }

    fn self_type(&self) -> Option<String> {
        self.impl_stack.last().cloned().flatten()
    }

    /// A type name as the analysis knows it.
    fn type_name(&self, raw: &str) -> String {
        match raw {
            "Self" => self.self_type().unwrap_or_else(|| "Self".to_owned()),
            "Vec" => "vector".to_owned(),
            "RequestNotificationStatus" => "REQUEST_NOTIFICATION_STATUS".to_owned(),
            "GlobalNotificationStatus" => "GLOBAL_NOTIFICATION_STATUS".to_owned(),
            _ => raw.to_owned(),
        }
    }

    /// A path as written, without whitespace and generic arguments; `Self` is the impl type.
    fn path_text(&self, n: Node) -> String {
        let t = strip_generics(self.text(n));
        match (t.strip_prefix("Self::"), self.self_type()) {
            (Some(rest), Some(ty)) => format!("{ty}::{rest}"),
            _ => t,
        }
    }

    /// Parse `snippet` (text standing at `base` in the file) and run `f` on its root.
    fn with_snippet<R>(
        &mut self,
        snippet: String,
        base: isize,
        f: impl FnOnce(&mut Self, Node) -> R,
    ) -> Option<R> {
        let tree = super::parse_only(super::Language::Rust, &snippet)?;
        let src = std::mem::replace(&mut self.src, Rc::from(snippet));
        let old_base = std::mem::replace(&mut self.base, base);
        let old_in = std::mem::replace(&mut self.in_snippet, true);
        let r = f(self, tree.root_node());
        self.src = src;
        self.base = old_base;
        self.in_snippet = old_in;
        Some(r)
    }

    // ---------------------------------------------------------------- types

    fn type_ref(&self, n: Node) -> TypeRef {
        self.type_ref_at(n, 0)
    }

    /// A type, `depth` levels inside another (deeper than `MAX_TYPE_DEPTH` is unknown: no
    /// recursion without a bound).
    fn type_ref_at(&self, n: Node, depth: u32) -> TypeRef {
        if depth > MAX_TYPE_DEPTH {
            return TypeRef::default();
        }
        match n.kind() {
            "primitive_type" => TypeRef {
                name: self.text(n).to_owned(),
                ..TypeRef::default()
            },
            "type_identifier" | "identifier" => {
                let t = self.text(n);
                if self.generics.iter().any(|g| g == t) {
                    return TypeRef::default();
                }
                TypeRef {
                    name: self.type_name(t),
                    ..TypeRef::default()
                }
            }
            "scoped_type_identifier" | "scoped_identifier" => match n.field("name") {
                Some(name) => self.type_ref_at(name, depth + 1),
                None => TypeRef::default(),
            },
            "generic_type" => {
                let mut t = n
                    .field("type")
                    .map(|x| self.type_ref_at(x, depth + 1))
                    .unwrap_or_default();
                t.args = n
                    .field("type_arguments")
                    .map(|a| {
                        named_children(a)
                            .into_iter()
                            .filter(|c| !matches!(c.kind(), "lifetime" | "type_binding"))
                            .map(|c| self.type_ref_at(c, depth + 1))
                            .collect()
                    })
                    .unwrap_or_default();
                t
            }
            "pointer_type" | "reference_type" => {
                let mut t = n
                    .field("type")
                    .map(|x| self.type_ref_at(x, depth + 1))
                    .unwrap_or_default();
                t.pointers = t.pointers.saturating_add(1);
                t
            }
            "array_type" => {
                let mut t = n
                    .field("element")
                    .map(|x| self.type_ref_at(x, depth + 1))
                    .unwrap_or_default();
                if n.field("length").is_some() {
                    t.is_array = true;
                }
                t
            }
            _ => TypeRef::default(),
        }
    }

    // ---------------------------------------------------------------- items

    fn items(&mut self, n: Node) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for c in named_children(n) {
            self.item(c);
        }
        self.depth -= 1;
    }

    /// Bring the type parameters of an item into scope; returns how many to pop.
    fn push_generics(&mut self, n: Node) -> usize {
        let Some(tp) = n.field("type_parameters") else {
            return 0;
        };
        let before = self.generics.len();
        for p in named_children(tp) {
            if p.kind() == "type_parameter"
                && let Some(name) = p.field("name")
            {
                let name = self.text(name).to_owned();
                self.generics.push(name);
            }
        }
        self.generics.len() - before
    }

    fn item(&mut self, n: Node) {
        self.note_errors(n);
        let pushed = self.push_generics(n);
        self.item_inner(n);
        let keep = self.generics.len() - pushed;
        self.generics.truncate(keep);
    }

    fn item_inner(&mut self, n: Node) {
        match n.kind() {
            "function_item" => {
                let class = self.self_type();
                self.function_item(n, class);
            }
            "static_item" => {
                if let Some(s) = self.static_item(n, Storage::Global) {
                    self.module.statics.push(s);
                }
            }
            "struct_item" | "union_item" => self.struct_item(n),
            "impl_item" => self.impl_item(n),
            "trait_item" => self.trait_item(n),
            "type_item" => {
                if let (Some(name), Some(t)) = (n.field("name"), n.field("type")) {
                    let target = self.type_ref(t);
                    let alias = self.text(name).to_owned();
                    if !target.is_unknown() && alias != target.name {
                        self.module.typedefs.push((alias, target));
                    }
                }
            }
            "function_signature_item" => {
                if let Some(name) = n.field("name") {
                    let ret = self.return_type(n);
                    let name = self.text(name).to_owned();
                    self.module.function_decls.push((name, ret));
                }
            }
            "mod_item" | "foreign_mod_item" => {
                if let Some(b) = n.field("body") {
                    self.items(b);
                }
            }
            "declaration_list" | "source_file" | "ERROR" => self.items(n),
            "macro_invocation" => {
                let statics = self.static_macro(n, Storage::ThreadLocal, Storage::Global);
                self.module.statics.extend(statics);
            }
            _ => {}
        }
    }

    fn return_type(&self, n: Node) -> TypeRef {
        n.field("return_type")
            .map(|t| self.type_ref(t))
            .unwrap_or_default()
    }

    fn static_item(&self, n: Node, storage: Storage) -> Option<StaticVar> {
        let name = n.field("name")?;
        Some(StaticVar {
            name: self.text(name).to_owned(),
            class: None,
            ty: n
                .field("type")
                .map(|t| self.type_ref(t))
                .unwrap_or_default(),
            storage,
            span: self.span(name),
            internal: !named_children(n)
                .iter()
                .any(|c| c.kind() == "visibility_modifier"),
        })
    }

    /// `thread_local! { static X: T = ...; }` and `lazy_static! { static ref X: T = ...; }`:
    /// the statics they declare.
    fn static_macro(&mut self, n: Node, tls: Storage, lazy: Storage) -> Vec<StaticVar> {
        let name = n
            .field("macro")
            .map(|m| self.path_text(m))
            .unwrap_or_default();
        let storage = match name.rsplit("::").next().unwrap_or("") {
            "thread_local" => tls,
            "lazy_static" => lazy,
            _ => return Vec::new(),
        };
        let Some(tt) = named_children(n)
            .into_iter()
            .find(|c| c.kind() == "token_tree")
        else {
            return Vec::new();
        };
        let mut bytes = self.text(tt).as_bytes().to_vec();
        if bytes.len() < 2 {
            return Vec::new();
        }
        let last = bytes.len() - 1;
        bytes[0] = b' ';
        bytes[last] = b' ';
        blank_static_ref(&mut bytes);
        let Ok(snippet) = String::from_utf8(bytes) else {
            return Vec::new();
        };
        let base = self.base + tt.start_byte() as isize;
        self.with_snippet(snippet, base, |lw, root| {
            let mut out = Vec::new();
            let mut todo = vec![root];
            while let Some(x) = todo.pop() {
                for c in named_children(x) {
                    match c.kind() {
                        "static_item" => out.extend(lw.static_item(c, storage)),
                        "ERROR" => todo.push(c),
                        _ => {}
                    }
                }
            }
            out.sort_by_key(|s| s.span.start);
            out
        })
        .unwrap_or_default()
    }

    fn struct_item(&mut self, n: Node) {
        let Some(name_node) = n.field("name") else {
            return;
        };
        let name = self.text(name_node).to_owned();
        let mut fields = Vec::new();
        if let Some(body) = n.field("body") {
            if body.kind() == "ordered_field_declaration_list" {
                let mut c = body.walk();
                for (i, t) in body.children_by_field_name("type", &mut c).enumerate() {
                    fields.push(Field {
                        name: i.to_string(),
                        ty: self.type_ref(t),
                        is_static: false,
                        span: self.span(t),
                    });
                }
            } else {
                for f in named_children(body) {
                    if f.kind() != "field_declaration" {
                        continue;
                    }
                    let (Some(fname), Some(t)) = (f.field("name"), f.field("type")) else {
                        continue;
                    };
                    fields.push(Field {
                        name: self.text(fname).to_owned(),
                        ty: self.type_ref(t),
                        is_static: false,
                        span: self.span(fname),
                    });
                }
            }
        }
        // `#[repr(C)] struct MyGlobal { base: CGlobalModule, .. }` or a vtable pointer
        // `vtbl: *const CGlobalModuleVtbl` as the first field: the module class it implements.
        let bases = fields
            .first()
            .and_then(|f| module_base(&f.ty.name))
            .map(|b| vec![b.to_owned()])
            .unwrap_or_default();
        self.module.classes.push(Class {
            name,
            bases,
            fields,
            methods: Vec::new(),
            span: self.span(n),
        });
    }

    fn impl_item(&mut self, n: Node) {
        let ty = n.field("type");
        let name = ty
            .filter(|t| {
                matches!(
                    t.kind(),
                    "type_identifier" | "generic_type" | "scoped_type_identifier"
                )
            })
            .map(|t| self.type_ref(t).name)
            .filter(|s| !s.is_empty());
        if let (Some(name), Some(tr)) = (&name, n.field("trait")) {
            let trait_name = self.type_ref(tr).name;
            let mut bases = vec![trait_name.clone()];
            if let Some(b) = module_base(&trait_name)
                && b != trait_name
            {
                bases.push(b.to_owned());
            }
            self.module.classes.push(Class {
                name: name.clone(),
                bases,
                fields: Vec::new(),
                methods: Vec::new(),
                span: self.span(n),
            });
        }
        self.impl_stack.push(name);
        if let Some(body) = n.field("body") {
            self.items(body);
        }
        self.impl_stack.pop();
    }

    /// A trait: its provided methods are functions of the trait; its declared ones are
    /// methods with return types.
    fn trait_item(&mut self, n: Node) {
        let Some(name_node) = n.field("name") else {
            return;
        };
        let name = self.text(name_node).to_owned();
        let mut methods = Vec::new();
        self.impl_stack.push(Some(name.clone()));
        if let Some(body) = n.field("body") {
            for c in named_children(body) {
                match c.kind() {
                    "function_item" => self.function_item(c, Some(name.clone())),
                    "function_signature_item" => {
                        if let Some(m) = c.field("name") {
                            methods.push((method_name(self.text(m)), self.return_type(c)));
                        }
                    }
                    _ => {}
                }
            }
        }
        self.impl_stack.pop();
        self.module.classes.push(Class {
            name,
            bases: Vec::new(),
            fields: Vec::new(),
            methods,
            span: self.span(n),
        });
    }

    fn function_item(&mut self, n: Node, class: Option<String>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        let Some(name_node) = n.field("name") else {
            return;
        };
        let Some(body) = n.field("body") else {
            return;
        };
        let mut name = self.text(name_node).to_owned();
        if class.is_some() {
            name = method_name(&name);
        }
        let pushed = self.push_generics(n);
        let ret = self.return_type(n);
        let (sp, name_sp) = (self.span(n), self.span(name_node));
        let mut fb = FnBuilder::new(self, Rc::new(HashSet::new()));
        if let Some(p) = n.field("parameters") {
            fb.params(p);
        }
        fb.fn_body(body);
        let f = fb.finish(name, class, sp, name_sp, ret);
        self.module.functions.push(f);
        let keep = self.generics.len() - pushed;
        self.generics.truncate(keep);
    }
}

/// `static ref X` in a `lazy_static!` body: blank the `ref` so that it parses as a static.
fn blank_static_ref(bytes: &mut [u8]) {
    let mut i = 0;
    while i + 6 <= bytes.len() {
        let word_start = i == 0 || !is_ident_byte(bytes[i - 1]);
        if word_start && bytes[i..].starts_with(b"static") {
            let mut j = i + 6;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if bytes[j..].starts_with(b"ref") && bytes.get(j + 3).is_none_or(|b| !is_ident_byte(*b))
            {
                bytes[j..j + 3].copy_from_slice(b"   ");
            }
            i = j;
        } else {
            i += 1;
        }
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Types nested deeper than this are unknown.
const MAX_TYPE_DEPTH: u32 = 32;

/// What one call or field access costs in `MAX_DEPTH` units.
const CHAIN_COST: u32 = 6;

// -------------------------------------------------------------------- functions

#[derive(Debug, Clone)]
enum Bind {
    Local(LocalId),
    /// A closure parameter that stands for its receiver (`TL.with(|c| ..)`: `c` is `TL`).
    Alias(Expr),
}

/// Where a value goes.
#[derive(Debug, Clone, Copy)]
enum Want {
    Nothing,
    Value,
    Into(LocalId),
    /// The value is what the function returns (a body's tail and the branches of one).
    Return,
}

struct JumpTarget {
    label: Option<String>,
    cont: Option<BlockId>,
    brk: BlockId,
    value: Option<LocalId>,
    is_loop: bool,
}

/// A closure lowered inline: where its `return` goes.
#[derive(Clone)]
struct InlineRet {
    target: BlockId,
    value: Option<LocalId>,
    /// The closure's return is the function's (`catch_unwind` around the whole body).
    is_fn: bool,
}

struct FnBuilder<'l> {
    lw: &'l mut Lowerer,
    locals: Vec<Local>,
    params: u32,
    scopes: Vec<Vec<(String, Bind)>>,
    /// The CFG under construction.
    cfg: CfgBuilder,
    jumps: Vec<JumpTarget>,
    rets: Vec<InlineRet>,
    lambdas: Vec<Function>,
    depth: u32,
    /// For a closure: the names of the enclosing functions' locals, which it may capture.
    outer: Rc<HashSet<String>>,
    /// Parameters of `thread::scope` closures: what they spawn is joined before the scope ends.
    scope_handles: Vec<String>,
}

impl<'l> FnBuilder<'l> {
    fn new(lw: &'l mut Lowerer, outer: Rc<HashSet<String>>) -> Self {
        let depth = lw.depth;
        FnBuilder {
            lw,
            locals: Vec::new(),
            params: 0,
            scopes: vec![Vec::new()],
            cfg: CfgBuilder::default(),
            jumps: Vec::new(),
            rets: Vec::new(),
            lambdas: Vec::new(),
            depth,
            outer,
            scope_handles: Vec::new(),
        }
    }

    fn finish(
        self,
        name: String,
        class: Option<String>,
        span: Span,
        name_span: Span,
        ret: TypeRef,
    ) -> Function {
        Function {
            name,
            class,
            span,
            name_span,
            ret,
            params: self.params,
            locals: self.locals,
            body: self.cfg.finish(),
            lambdas: self.lambdas,
        }
    }

    fn span(&self, n: Node) -> Span {
        self.lw.span(n)
    }

    fn text(&self, n: Node) -> String {
        self.lw.text(n).to_owned()
    }

    fn lookup(&self, name: &str) -> Option<Bind> {
        self.scopes.iter().rev().find_map(|s| {
            s.iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.clone())
        })
    }

    fn bind(&mut self, name: String, b: Bind) {
        if let Some(s) = self.scopes.last_mut() {
            s.push((name, b));
        }
    }

    /// A new local, not yet visible by name.
    fn new_local(&mut self, name: String, ty: TypeRef, sp: Span, is_ref: bool) -> LocalId {
        let id = self.locals.len() as LocalId;
        self.locals.push(Local {
            name,
            ty,
            storage: Storage::Automatic,
            span: sp,
            is_param: false,
            is_ref,
        });
        id
    }

    fn declare(&mut self, name: String, ty: TypeRef, sp: Span, is_ref: bool) -> LocalId {
        let id = self.new_local(name.clone(), ty, sp, is_ref);
        self.bind(name, Bind::Local(id));
        id
    }

    /// Declare `name` and initialise it with `init`.
    fn declare_init(&mut self, name_node: Node, init: Option<Expr>, sp: Span) -> LocalId {
        let name = self.text(name_node);
        let nsp = self.span(name_node);
        let id = self.declare(name, TypeRef::default(), nsp, false);
        self.cfg.push(Stmt::Decl {
            local: id,
            init,
            span: sp,
        });
        id
    }

    /// A temporary holding `e`, unless `e` is a plain place that can be read twice.
    fn tempify(&mut self, e: Expr, label: &str) -> Expr {
        if is_pure(&e) {
            return e;
        }
        let sp = e.span;
        let id = self.new_local(label.to_owned(), TypeRef::default(), sp, false);
        self.cfg.push(Stmt::Decl {
            local: id,
            init: Some(e),
            span: sp,
        });
        Expr::new(ExprKind::Local(id), sp)
    }

    /// The names a closure defined here may capture.
    fn visible_names(&self) -> HashSet<String> {
        let mut out: HashSet<String> = (*self.outer).clone();
        for s in &self.scopes {
            for (n, b) in s {
                if matches!(b, Bind::Local(_)) && !n.is_empty() {
                    out.insert(n.clone());
                }
            }
        }
        out
    }

    fn with_snippet<R>(
        &mut self,
        snippet: String,
        base: isize,
        f: impl FnOnce(&mut Self, Node) -> R,
    ) -> Option<R> {
        if self.depth + NESTED_FN_COST > MAX_DEPTH {
            return None;
        }
        let tree = super::parse_only(super::Language::Rust, &snippet)?;
        let src = std::mem::replace(&mut self.lw.src, Rc::from(snippet));
        let old_base = std::mem::replace(&mut self.lw.base, base);
        let old_in = std::mem::replace(&mut self.lw.in_snippet, true);
        self.depth += NESTED_FN_COST;
        let r = f(self, tree.root_node());
        self.depth -= NESTED_FN_COST;
        self.lw.src = src;
        self.lw.base = old_base;
        self.lw.in_snippet = old_in;
        Some(r)
    }

    // ------------------------------------------------------------ parameters and bodies

    fn params(&mut self, list: Node) {
        let mut complex = Vec::new();
        for p in named_children(list) {
            let (pat, ty) = match p.kind() {
                "self_parameter" | "variadic_parameter" | "attribute_item" => continue,
                "parameter" => (
                    p.field("pattern"),
                    p.field("type")
                        .map(|t| self.lw.type_ref(t))
                        .unwrap_or_default(),
                ),
                // A closure parameter without a type is the pattern itself.
                _ => (Some(p), TypeRef::default()),
            };
            if pat.is_some_and(|x| x.kind() == "self") {
                continue;
            }
            let binding = pat.and_then(simple_binding);
            let name = binding.map(|b| self.text(b)).unwrap_or_default();
            let sp = self.span(binding.or(pat).unwrap_or(p));
            let id = self.declare(name, ty, sp, false);
            self.locals[id as usize].is_param = true;
            self.params += 1;
            if let (None, Some(pat)) = (binding, pat) {
                complex.push((pat, id, sp));
            }
        }
        for (pat, id, sp) in complex {
            self.bind_pattern(pat, Expr::new(ExprKind::Local(id), sp));
        }
    }

    /// A function's (or closure's) body: its value is returned.
    fn fn_body(&mut self, body: Node) {
        self.value(body, Want::Return);
    }

    // ------------------------------------------------------------ statements

    fn block(&mut self, n: Node, want: Want) -> Option<Expr> {
        let label = named_children(n)
            .into_iter()
            .find(|c| c.kind() == "label")
            .map(|l| self.label_name(l));
        let kids: Vec<Node> = named_children(n)
            .into_iter()
            .filter(|c| {
                !matches!(
                    c.kind(),
                    "label" | "attribute_item" | "inner_attribute_item" | "empty_statement"
                )
            })
            .collect();
        let tail = kids
            .last()
            .filter(|l| self.is_tail(**l))
            .map(|_| kids.len() - 1);
        let outer_want = want;
        let (want, temp, after) = match label {
            Some(label) => {
                let temp = self.break_value(want, "<block>", self.span(n));
                let want = temp.map_or(Want::Nothing, Want::Into);
                let after = self.cfg.new_block();
                self.jumps.push(JumpTarget {
                    label: Some(label),
                    cont: None,
                    brk: after,
                    value: temp,
                    is_loop: false,
                });
                (want, temp, Some(after))
            }
            None => (want, None, None),
        };
        self.scopes.push(Vec::new());
        let mut result = None;
        for (i, k) in kids.iter().enumerate() {
            if Some(i) == tail {
                result = self.value(*k, want);
            } else {
                self.stmt(*k);
            }
        }
        self.scopes.pop();
        if let Some(after) = after {
            self.jumps.pop();
            self.cfg.goto_and_enter(after);
            let sp = self.span(n);
            return self.result(outer_want, temp, sp);
        }
        result
    }

    fn is_tail(&self, n: Node) -> bool {
        match n.kind() {
            "expression_statement" => !self.lw.text(n).trim_end().ends_with(';'),
            "let_declaration"
            | "function_item"
            | "static_item"
            | "struct_item"
            | "union_item"
            | "impl_item"
            | "trait_item"
            | "mod_item"
            | "foreign_mod_item"
            | "use_declaration"
            | "const_item"
            | "type_item"
            | "enum_item"
            | "macro_definition"
            | "extern_crate_declaration" => false,
            "macro_invocation" => !self.lw.text(n).trim_end().ends_with('}'),
            _ => true,
        }
    }

    fn label_name(&self, label: Node) -> String {
        self.text(label).trim_start_matches('\'').to_owned()
    }

    /// For `Want::Value`, a temporary the branches deliver their values into.
    fn materialize(&mut self, want: Want, label: &str, sp: Span) -> (Want, Option<LocalId>) {
        match want {
            Want::Value => {
                let id = self.new_local(label.to_owned(), TypeRef::default(), sp, false);
                (Want::Into(id), Some(id))
            }
            Want::Into(id) => (want, Some(id)),
            Want::Nothing | Want::Return => (want, None),
        }
    }

    /// For a construct whose value comes from `break v` (a loop, a labelled block): the
    /// temporary that holds it, also when the value is returned.
    fn break_value(&mut self, want: Want, label: &str, sp: Span) -> Option<LocalId> {
        match want {
            Want::Value | Want::Return => {
                Some(self.new_local(label.to_owned(), TypeRef::default(), sp, false))
            }
            Want::Into(id) => Some(id),
            Want::Nothing => None,
        }
    }

    /// The value of a construct whose result is in `temp` (from `materialize`/`break_value`).
    fn result(&mut self, want: Want, temp: Option<LocalId>, sp: Span) -> Option<Expr> {
        let e = Expr::new(ExprKind::Local(temp?), sp);
        match want {
            Want::Value => Some(e),
            Want::Return => self.deliver(e, want),
            _ => None,
        }
    }

    fn stmt(&mut self, n: Node) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.lw.note_errors(n);
        match n.kind() {
            "let_declaration" => self.let_decl(n),
            "expression_statement" => {
                for c in named_children(n) {
                    self.value(c, Want::Nothing);
                }
            }
            "macro_invocation" => {
                self.macro_call(n, Want::Nothing);
            }
            "empty_statement"
            | "attribute_item"
            | "inner_attribute_item"
            | "use_declaration"
            | "const_item"
            | "macro_definition"
            | "extern_crate_declaration"
            | "enum_item"
            | "label" => {}
            "function_item" => {
                let saved = std::mem::replace(&mut self.lw.depth, self.depth + NESTED_FN_COST);
                self.lw.function_item(n, None);
                self.lw.depth = saved;
            }
            "static_item" => {
                if let Some(s) = self.lw.static_item(n, Storage::StaticLocal) {
                    self.local_static(s);
                }
            }
            "type_item" | "struct_item" | "union_item" | "impl_item" | "trait_item"
            | "mod_item" | "foreign_mod_item" => {
                let saved = std::mem::replace(&mut self.lw.depth, self.depth + NESTED_FN_COST);
                self.lw.item(n);
                self.lw.depth = saved;
            }
            "ERROR" => {
                for c in named_children(n) {
                    match c.kind() {
                        "identifier" | "type_identifier" | "primitive_type" | "integer_literal"
                        | "string_literal" | "mutable_specifier" => {}
                        _ => self.stmt(c),
                    }
                }
            }
            _ => {
                self.value(n, Want::Nothing);
            }
        }
        self.depth -= 1;
    }

    /// A `static` declared inside a function: a local with static storage.
    fn local_static(&mut self, s: StaticVar) {
        let id = self.declare(s.name, s.ty, s.span, false);
        self.locals[id as usize].storage = s.storage;
        self.cfg.push(Stmt::Decl {
            local: id,
            init: None,
            span: s.span,
        });
    }

    fn let_decl(&mut self, n: Node) {
        let sp = self.span(n);
        let value = n.field("value");
        let Some(pat) = n.field("pattern") else {
            if let Some(v) = value {
                self.value(v, Want::Nothing);
            }
            return;
        };
        let ty = n
            .field("type")
            .map(|t| self.lw.type_ref(t))
            .unwrap_or_default();
        if let Some(alt) = n.field("alternative") {
            // `let Some(x) = v else { return ... };`
            let v = match value {
                Some(v) => self.expr(v),
                None => Expr::opaque(sp),
            };
            if let Some(cond) = self.pattern_test(pat, v) {
                let ok = self.cfg.new_block();
                let els = self.cfg.new_block();
                self.cfg.terminate(Terminator::Branch {
                    cond,
                    then: ok,
                    else_: els,
                });
                self.cfg.cur = Some(els);
                self.block(alt, Want::Nothing);
                if self.cfg.cur.is_some() {
                    self.cfg.terminate(Terminator::Exit);
                }
                self.cfg.cur = Some(ok);
            }
            return;
        }
        if let Some(b) = simple_binding(pat) {
            let name = self.text(b);
            let nsp = self.span(b);
            let Some(v) = value.map(peel_parens) else {
                let id = self.declare(name, ty, nsp, false);
                self.cfg.push(Stmt::Decl {
                    local: id,
                    init: None,
                    span: sp,
                });
                return;
            };
            if is_branching(v.kind()) {
                // The branches assign the variable itself.
                let id = self.new_local(name.clone(), ty, nsp, false);
                self.cfg.push(Stmt::Decl {
                    local: id,
                    init: None,
                    span: sp,
                });
                self.value(v, Want::Into(id));
                self.bind(name, Bind::Local(id));
                return;
            }
            let unwrap_ty = if ty.is_unknown() && self.is_reference_init(v) {
                TypeRef {
                    pointers: 1,
                    ..TypeRef::default()
                }
            } else {
                ty.clone()
            };
            if self.let_unwrap(name.clone(), nsp, unwrap_ty, v, sp) {
                return;
            }
            let (init, is_ref) = self.let_init(v);
            let ty = if !ty.is_unknown() {
                ty
            } else if !is_ref && self.is_reference_init(v) {
                // A reference of a type the analysis infers from the initialiser: its fields
                // are reached through it.
                TypeRef {
                    pointers: 1,
                    ..TypeRef::default()
                }
            } else {
                self.infer_array(v)
            };
            let id = self.declare(name, ty, nsp, is_ref);
            self.cfg.push(Stmt::Decl {
                local: id,
                init: Some(init),
                span: sp,
            });
            return;
        }
        // Destructuring: `let (a, b) = (x, y);` pairs the parts; otherwise every name bound
        // gets the whole value.
        if let Some(v) = value.map(peel_parens)
            && pat.kind() == "tuple_pattern"
            && v.kind() == "tuple_expression"
        {
            let pats = named_children(pat);
            let vals = named_children(v);
            if pats.len() == vals.len() {
                let inits: Vec<Expr> = vals.iter().map(|x| self.expr(*x)).collect();
                for (p, init) in pats.into_iter().zip(inits) {
                    self.bind_pattern(p, init);
                }
                return;
            }
        }
        let init = match value {
            Some(v) => self.expr(v),
            None => Expr::opaque(sp),
        };
        let init = self.tempify(init, "<let>");
        self.bind_pattern(pat, init);
    }

    /// The initialiser of `let x = v;` and whether `x` is a reference to a place: `&place`,
    /// `&mut place`, or a guard (`X.lock().unwrap()`).
    fn let_init(&mut self, v: Node) -> (Expr, bool) {
        if v.kind() == "reference_expression"
            && let Some(inner) = v.field("value").map(peel_parens)
        {
            if let Some(target) = deref_operand(inner) {
                return (self.expr(target), false); // `&mut *p` is `p`
            }
            if matches!(
                inner.kind(),
                "identifier" | "scoped_identifier" | "field_expression" | "self"
            ) {
                return (self.expr(inner), true);
            }
        }
        let is_ref = self.is_guard_chain(v, false);
        (self.expr(v), is_ref)
    }

    /// `X.lock().unwrap()`, `CELL.borrow_mut()`, `self.cache.write().expect("..")`: a guard
    /// of what a lock or cell holds. Unless `strict`, `X.as_mut().unwrap()` too.
    fn is_guard_chain(&self, n: Node, strict: bool) -> bool {
        let mut cur = peel_parens(n);
        let mut any = false;
        loop {
            if cur.kind() != "call_expression" {
                return any
                    && matches!(
                        cur.kind(),
                        "identifier" | "scoped_identifier" | "field_expression" | "self"
                    );
            }
            let Some(f) = cur.field("function") else {
                return false;
            };
            if f.kind() != "field_expression" {
                return false;
            }
            let m = f.field("field").map(|x| self.lw.text(x)).unwrap_or("");
            if !GUARD_METHODS.contains(&m) || (strict && matches!(m, "as_mut" | "deref_mut")) {
                return false;
            }
            any |= !matches!(m, "unwrap" | "expect");
            match f.field("value") {
                Some(v) => cur = peel_parens(v),
                None => return false,
            }
        }
    }

    /// Does this initialiser produce a reference: `&mut *p`, `Box::leak(..)`,
    /// `p.as_mut().unwrap()`?
    fn is_reference_init(&self, v: Node) -> bool {
        let v = peel_parens(v);
        match v.kind() {
            "reference_expression" => true,
            "unsafe_block" | "block" => named_children(v)
                .into_iter()
                .rfind(|c| c.kind() != "label")
                .filter(|l| self.is_tail(*l))
                .and_then(|l| match l.kind() {
                    "expression_statement" => named_children(l).into_iter().next(),
                    _ => Some(l),
                })
                .is_some_and(|l| self.is_reference_init(l)),
            "call_expression" => {
                let Some(f) = v.field("function") else {
                    return false;
                };
                match f.kind() {
                    "field_expression" => {
                        let m = f.field("field").map(|x| self.lw.text(x)).unwrap_or("");
                        match m {
                            "as_mut" | "as_ref" | "leak" => true,
                            "unwrap" | "expect" | "unwrap_unchecked" => {
                                f.field("value").is_some_and(|r| self.is_reference_init(r))
                            }
                            _ => false,
                        }
                    }
                    "scoped_identifier" => self.lw.text(f).ends_with("::leak"),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// `let buf = [0u8; 256];`: a local array of bytes.
    fn infer_array(&self, v: Node) -> TypeRef {
        if v.kind() != "array_expression" || v.field("length").is_none() {
            return TypeRef::default();
        }
        let elem = named_children(v)
            .into_iter()
            .find(|c| Some(*c) != v.field("length"));
        TypeRef {
            name: elem.map(|e| self.literal_type(e)).unwrap_or_default(),
            is_array: true,
            ..TypeRef::default()
        }
    }

    fn literal_type(&self, n: Node) -> String {
        let t = self.lw.text(n);
        match n.kind() {
            "integer_literal" => {
                for suffix in [
                    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128",
                    "isize",
                ] {
                    if t.ends_with(suffix) {
                        return suffix.to_owned();
                    }
                }
                "i32".to_owned()
            }
            "float_literal" => "f64".to_owned(),
            "boolean_literal" => "bool".to_owned(),
            "char_literal" => "char".to_owned(),
            _ => String::new(),
        }
    }

    /// Declare every name a pattern binds, each initialised with `init`.
    fn bind_pattern(&mut self, pat: Node, init: Expr) {
        let sp = self.span(pat);
        let mut names = Vec::new();
        self.pattern_names(pat, &mut names, 0);
        if names.is_empty() {
            // `let _ = v;` still evaluates `v`.
            self.deliver(init, Want::Nothing);
            return;
        }
        for b in names {
            self.declare_init(b, Some(init.clone()), sp);
        }
    }

    fn pattern_names<'t>(&self, p: Node<'t>, out: &mut Vec<Node<'t>>, depth: u32) {
        if depth > 32 {
            return;
        }
        match p.kind() {
            "identifier" => {
                let t = self.lw.text(p);
                if !is_upper(t) && t != "_" {
                    out.push(p);
                }
            }
            "shorthand_field_identifier" => out.push(p),
            "or_pattern" => {
                if let Some(first) = named_children(p).into_iter().next() {
                    self.pattern_names(first, out, depth + 1);
                }
            }
            "field_pattern" => match p.field("pattern") {
                Some(x) => self.pattern_names(x, out, depth + 1),
                None => {
                    if let Some(n) = p.field("name") {
                        out.push(n);
                    }
                }
            },
            "tuple_struct_pattern" | "struct_pattern" => {
                let ty = p.field("type");
                for c in named_children(p) {
                    if Some(c) != ty {
                        self.pattern_names(c, out, depth + 1);
                    }
                }
            }
            "mut_pattern" | "ref_pattern" | "captured_pattern" | "tuple_pattern"
            | "slice_pattern" | "reference_pattern" => {
                for c in named_children(p) {
                    self.pattern_names(c, out, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Test `scrut` against a pattern and bind its names. `None` when the pattern always
    /// matches. `Some(x)` tests `scrut != NULL`, `None` tests `scrut == NULL`.
    fn pattern_test(&mut self, pat: Node, scrut: Expr) -> Option<Expr> {
        let sp = self.span(pat);
        match pat.kind() {
            "_" | "remaining_field_pattern" => None,
            "identifier" => {
                let t = self.text(pat);
                if t == "None" {
                    return Some(null_test(scrut, BinOp::Eq, sp));
                }
                if is_upper(&t) {
                    return Some(Expr::new(ExprKind::Opaque(vec![scrut]), sp));
                }
                self.declare_init(pat, Some(scrut), sp);
                None
            }
            "mut_pattern" | "ref_pattern" => match named_children(pat)
                .into_iter()
                .find(|c| c.kind() != "mutable_specifier")
            {
                Some(inner) => self.pattern_test(inner, scrut),
                None => None,
            },
            "captured_pattern" => {
                let kids = named_children(pat);
                let scrut = self.tempify(scrut, "<match>");
                if let Some(first) = kids.first() {
                    self.declare_init(*first, Some(scrut.clone()), sp);
                }
                match kids.get(1) {
                    Some(p) => self.pattern_test(*p, scrut),
                    None => None,
                }
            }
            "tuple_struct_pattern" => {
                let ty = pat.field("type");
                let variant = ty
                    .map(|t| self.lw.path_text(t))
                    .unwrap_or_default()
                    .rsplit("::")
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let inner: Vec<Node> = named_children(pat)
                    .into_iter()
                    .filter(|c| Some(*c) != ty)
                    .collect();
                // `Some(x)`/`Ok(x)` test the value against NULL, `Err(e)` tests for NULL: a
                // NULL check of `NonNull::new(p)`, and the success of a hand-off's `Result`.
                let op = match variant.as_str() {
                    "Some" | "Ok" => Some(BinOp::Ne),
                    "Err" => Some(BinOp::Eq),
                    _ => None,
                };
                if let Some(op) = op
                    && inner.len() <= 1
                {
                    if inner.is_empty() {
                        return Some(null_test(scrut, op, sp));
                    }
                    if !is_pure(&scrut)
                        && let Some(b) = simple_binding(inner[0])
                    {
                        let id = self.declare_init(b, Some(scrut), sp);
                        let bound = Expr::new(ExprKind::Local(id), self.span(b));
                        return Some(null_test(bound, op, sp));
                    }
                    let scrut = self.tempify(scrut, "<match>");
                    self.bind_pattern(inner[0], scrut.clone());
                    return Some(null_test(scrut, op, sp));
                }
                let scrut = self.tempify(scrut, "<match>");
                for i in inner {
                    self.bind_pattern(i, scrut.clone());
                }
                Some(Expr::new(ExprKind::Opaque(vec![scrut]), sp))
            }
            _ => {
                let scrut = self.tempify(scrut, "<match>");
                self.bind_pattern(pat, scrut.clone());
                Some(Expr::new(ExprKind::Opaque(vec![scrut]), sp))
            }
        }
    }

    // ------------------------------------------------------------ control flow

    /// Lower `n` and deliver its value as `want` says.
    fn value(&mut self, n: Node, want: Want) -> Option<Expr> {
        // Calls and field accesses recurse through several large frames per level (method
        // chains `a.b().c()...`): they cost more of the depth budget.
        let cost = match n.kind() {
            "call_expression" | "field_expression" => CHAIN_COST,
            _ => 1,
        };
        if self.depth + cost > MAX_DEPTH {
            let e = Expr::opaque(self.span(n));
            return self.deliver(e, want);
        }
        self.depth += cost;
        let r = self.value_inner(n, want);
        self.depth -= cost;
        r
    }

    fn value_inner(&mut self, n: Node, want: Want) -> Option<Expr> {
        self.lw.note_errors(n);
        match n.kind() {
            "block" => self.block(n, want),
            "unsafe_block" | "const_block" => {
                match named_children(n).into_iter().find(|c| c.kind() == "block") {
                    Some(b) => self.block(b, want),
                    None => self.unit(want, n),
                }
            }
            "if_expression" => self.if_expr(n, want),
            "match_expression" => self.match_expr(n, want),
            "loop_expression" | "while_expression" | "for_expression" => self.loop_expr(n, want),
            "return_expression" => {
                self.return_expr(n);
                self.unit(want, n)
            }
            "break_expression" => {
                self.break_expr(n);
                self.unit(want, n)
            }
            "continue_expression" => {
                let label = named_children(n)
                    .into_iter()
                    .find(|c| c.kind() == "label")
                    .map(|l| self.label_name(l));
                let target = self
                    .jumps
                    .iter()
                    .rev()
                    .find(|j| j.is_loop && (label.is_none() || j.label == label))
                    .and_then(|j| j.cont);
                if let Some(t) = target {
                    self.cfg.terminate(Terminator::Goto(t));
                }
                self.unit(want, n)
            }
            "parenthesized_expression" => match named_children(n).as_slice() {
                [only] => self.value(*only, want),
                _ => {
                    let e = self.expr_inner(n);
                    self.deliver(e, want)
                }
            },
            "expression_statement" => {
                let kids = named_children(n);
                let last = kids.len().checked_sub(1);
                let mut r = None;
                for (i, k) in kids.into_iter().enumerate() {
                    if Some(i) == last {
                        r = self.value(k, want);
                    } else {
                        self.value(k, Want::Nothing);
                    }
                }
                r
            }
            "macro_invocation" => self.macro_call(n, want),
            _ => {
                let e = self.expr_inner(n);
                self.deliver(e, want)
            }
        }
    }

    fn unit(&mut self, want: Want, n: Node) -> Option<Expr> {
        match want {
            Want::Value => Some(Expr::opaque(self.span(n))),
            _ => None,
        }
    }

    /// Leave the function with `value`.
    fn return_with(&mut self, value: Option<Expr>, span: Span) {
        self.cfg.terminate(Terminator::Return { value, span });
    }

    fn deliver(&mut self, e: Expr, want: Want) -> Option<Expr> {
        match want {
            Want::Value => Some(e),
            Want::Nothing => {
                if !matches!(&e.kind, ExprKind::Lit(_))
                    && !matches!(&e.kind, ExprKind::Opaque(v) if v.is_empty())
                {
                    self.cfg.push(Stmt::Expr(e));
                }
                None
            }
            Want::Return => {
                let sp = e.span;
                self.return_with(Some(e), sp);
                None
            }
            Want::Into(id) => {
                let sp = e.span;
                self.cfg.push(Stmt::Expr(Expr::new(
                    ExprKind::Assign {
                        lhs: Box::new(Expr::new(ExprKind::Local(id), sp)),
                        rhs: Box::new(e),
                        compound: None,
                    },
                    sp,
                )));
                None
            }
        }
    }

    /// The value of an expression (its control flow, if any, is lowered into blocks).
    fn expr(&mut self, n: Node) -> Expr {
        match self.value(n, Want::Value) {
            Some(e) => e,
            None => Expr::opaque(self.span(n)),
        }
    }

    /// The condition of `if`/`while`: an expression, `let P = v`, or a chain of them.
    fn condition(&mut self, n: Node) -> Option<Expr> {
        match n.kind() {
            "let_condition" => {
                let v = match n.field("value") {
                    Some(v) => self.expr(v),
                    None => Expr::opaque(self.span(n)),
                };
                match n.field("pattern") {
                    Some(p) => self.pattern_test(p, v),
                    None => Some(v),
                }
            }
            "let_chain" => {
                let sp = self.span(n);
                let mut acc: Option<Expr> = None;
                for c in named_children(n) {
                    if let Some(e) = self.condition(c) {
                        acc = Some(match acc {
                            None => e,
                            Some(a) => Expr::new(
                                ExprKind::Binary {
                                    op: BinOp::And,
                                    lhs: Box::new(a),
                                    rhs: Box::new(e),
                                },
                                sp,
                            ),
                        });
                    }
                }
                acc
            }
            _ => Some(self.expr(n)),
        }
    }

    fn if_expr(&mut self, n: Node, want: Want) -> Option<Expr> {
        let sp = self.span(n);
        let outer_want = want;
        let (want, temp) = self.materialize(want, "<if>", sp);
        self.scopes.push(Vec::new());
        let cond = match n.field("condition") {
            Some(c) => self.condition(c),
            None => None,
        };
        let then_b = self.cfg.new_block();
        let else_b = self.cfg.new_block();
        let join = self.cfg.new_block();
        match cond {
            Some(cond) => self.cfg.terminate(Terminator::Branch {
                cond,
                then: then_b,
                else_: else_b,
            }),
            None => self.cfg.terminate(Terminator::Goto(then_b)),
        }
        self.cfg.cur = Some(then_b);
        if let Some(c) = n.field("consequence") {
            self.value(c, want);
        }
        self.cfg.goto_and_enter(join);
        self.scopes.pop();
        self.cfg.cur = Some(else_b);
        if let Some(a) = n.field("alternative") {
            for c in named_children(a) {
                self.value(c, want);
            }
        }
        self.cfg.goto_and_enter(join);
        self.result(outer_want, temp, sp)
    }

    fn match_expr(&mut self, n: Node, want: Want) -> Option<Expr> {
        let sp = self.span(n);
        let scrut = match n.field("value") {
            Some(v) => self.expr(v),
            None => Expr::opaque(sp),
        };
        let scrut = self.tempify(scrut, "<match>");
        let outer_want = want;
        let (want, temp) = self.materialize(want, "<match>", sp);
        let join = self.cfg.new_block();
        let arms: Vec<Node> = n
            .field("body")
            .map(|b| {
                named_children(b)
                    .into_iter()
                    .filter(|c| c.kind() == "match_arm")
                    .collect()
            })
            .unwrap_or_default();
        for arm in arms {
            self.scopes.push(Vec::new());
            let mp = arm.field("pattern");
            let guard = mp.and_then(|p| p.field("condition"));
            let pat = mp.and_then(|p| {
                named_children(p)
                    .into_iter()
                    .find(|c| Some(*c) != guard && c.kind() != "attribute_item")
            });
            let test = match pat {
                Some(p) => self.pattern_test(p, scrut.clone()),
                // `_` is an anonymous node.
                None => None,
            };
            let arm_b = self.cfg.new_block();
            let next = self.cfg.new_block();
            match test {
                Some(cond) => self.cfg.terminate(Terminator::Branch {
                    cond,
                    then: arm_b,
                    else_: next,
                }),
                None => self.cfg.terminate(Terminator::Goto(arm_b)),
            }
            self.cfg.cur = Some(arm_b);
            if let Some(g) = guard
                && let Some(gc) = self.condition(g)
            {
                let body_b = self.cfg.new_block();
                self.cfg.terminate(Terminator::Branch {
                    cond: gc,
                    then: body_b,
                    else_: next,
                });
                self.cfg.cur = Some(body_b);
            }
            if let Some(v) = arm.field("value") {
                self.value(v, want);
            }
            self.cfg.goto_and_enter(join);
            self.scopes.pop();
            self.cfg.cur = Some(next);
        }
        // A match is exhaustive: no path falls through every arm.
        self.cfg.terminate(Terminator::Exit);
        self.cfg.cur = Some(join);
        self.result(outer_want, temp, sp)
    }

    /// Record a loop whose blocks are `head`, `parts` and every block created since `first`.
    fn record_loop(&mut self, head: BlockId, parts: &[BlockId], first: usize, has_condition: bool) {
        let mut blocks = vec![head];
        blocks.extend_from_slice(parts);
        blocks.extend((first..self.cfg.blocks.len()).map(|b| b as BlockId));
        blocks.sort_unstable();
        blocks.dedup();
        self.cfg.loops.push(Loop {
            head,
            blocks,
            has_condition,
        });
    }

    fn loop_expr(&mut self, n: Node, want: Want) -> Option<Expr> {
        let sp = self.span(n);
        let label = named_children(n)
            .into_iter()
            .find(|c| c.kind() == "label")
            .map(|l| self.label_name(l));
        // Only `loop` has a value (`break v`).
        let temp = if n.kind() == "loop_expression" {
            self.break_value(want, "<loop>", sp)
        } else {
            None
        };
        self.scopes.push(Vec::new());
        let body_node = n.field("body");
        match n.kind() {
            "loop_expression" => {
                let head = self.cfg.new_block();
                let after = self.cfg.new_block();
                let first = self.cfg.blocks.len();
                self.cfg.goto_and_enter(head);
                self.jumps.push(JumpTarget {
                    label,
                    cont: Some(head),
                    brk: after,
                    value: temp,
                    is_loop: true,
                });
                if let Some(b) = body_node {
                    self.block(b, Want::Nothing);
                }
                self.jumps.pop();
                self.cfg.goto_and_enter(head);
                self.record_loop(head, &[], first, false);
                self.cfg.cur = Some(after);
            }
            "while_expression" => {
                let head = self.cfg.new_block();
                let body = self.cfg.new_block();
                let after = self.cfg.new_block();
                let first = self.cfg.blocks.len();
                self.cfg.goto_and_enter(head);
                let cond = match n.field("condition") {
                    Some(c) => self.condition(c),
                    None => None,
                };
                match cond {
                    Some(cond) => self.cfg.terminate(Terminator::Branch {
                        cond,
                        then: body,
                        else_: after,
                    }),
                    None => self.cfg.terminate(Terminator::Goto(body)),
                }
                self.cfg.cur = Some(body);
                self.jumps.push(JumpTarget {
                    label,
                    cont: Some(head),
                    brk: after,
                    value: None,
                    is_loop: true,
                });
                if let Some(b) = body_node {
                    self.block(b, Want::Nothing);
                }
                self.jumps.pop();
                self.cfg.goto_and_enter(head);
                self.record_loop(head, &[body], first, true);
                self.cfg.cur = Some(after);
            }
            _ => self.for_expr(n, label),
        }
        self.scopes.pop();
        self.result(want, temp, sp)
    }

    /// `for i in a..b` counts (its condition is `i < b`); `for x in iter` binds each element.
    fn for_expr(&mut self, n: Node, label: Option<String>) {
        let sp = self.span(n);
        let pat = n.field("pattern");
        let value = n.field("value").map(peel_parens);
        let range = value.filter(|v| v.kind() == "range_expression");
        let counter = pat.and_then(simple_binding);
        let head = self.cfg.new_block();
        let body = self.cfg.new_block();
        let step = self.cfg.new_block();
        let after = self.cfg.new_block();
        let mut has_condition = false;
        let mut iter = None;
        let mut bound_counter = None;
        match (range, counter) {
            (Some(r), Some(c)) => {
                // `for i in a..b` is `i = a; while i < b { ...; i += 1 }`.
                let parts = named_children(r);
                let inclusive = children(r).iter().any(|k| k.kind() == "..=");
                let start = parts.first().map(|p| self.expr(*p));
                let end = parts.get(1).map(|p| self.expr(*p));
                let id = self.declare_init(c, start, sp);
                bound_counter = Some(id);
                if let Some(end) = end {
                    has_condition = true;
                    let cond = Expr::new(
                        ExprKind::Binary {
                            op: if inclusive { BinOp::Le } else { BinOp::Lt },
                            lhs: Box::new(Expr::new(ExprKind::Local(id), self.span(c))),
                            rhs: Box::new(end),
                        },
                        self.span(r),
                    );
                    iter = Some(cond);
                }
            }
            _ => {
                if let Some(v) = value {
                    let e = self.expr(v);
                    iter = Some(self.tempify(e, "<iter>"));
                }
            }
        }
        let first = self.cfg.blocks.len();
        self.cfg.goto_and_enter(head);
        match (&iter, has_condition) {
            (Some(cond), true) => self.cfg.terminate(Terminator::Branch {
                cond: cond.clone(),
                then: body,
                else_: after,
            }),
            _ => self.cfg.terminate(Terminator::Branch {
                cond: Expr::opaque(sp),
                then: body,
                else_: after,
            }),
        }
        self.cfg.cur = Some(body);
        if !has_condition && let Some(p) = pat {
            let elem = iter.clone().unwrap_or_else(|| Expr::opaque(sp));
            self.bind_pattern(p, elem);
        }
        self.jumps.push(JumpTarget {
            label,
            cont: Some(step),
            brk: after,
            value: None,
            is_loop: true,
        });
        if let Some(b) = n.field("body") {
            self.block(b, Want::Nothing);
        }
        self.jumps.pop();
        self.cfg.goto_and_enter(step);
        if let Some(id) = bound_counter {
            let target = Expr::new(ExprKind::Local(id), sp);
            self.cfg.push(Stmt::Expr(Expr::new(
                ExprKind::IncDec(Box::new(target)),
                sp,
            )));
        }
        self.cfg.terminate(Terminator::Goto(head));
        self.record_loop(head, &[body, step], first, has_condition);
        self.cfg.cur = Some(after);
    }

    fn return_expr(&mut self, n: Node) {
        let sp = self.span(n);
        let value = named_children(n).into_iter().next();
        if let Some(r) = self.rets.last().cloned()
            && !r.is_fn
        {
            if let Some(v) = value {
                match r.value {
                    Some(id) => self.value(v, Want::Into(id)),
                    None => self.value(v, Want::Nothing),
                };
            }
            self.cfg.terminate(Terminator::Goto(r.target));
            return;
        }
        let value = value.map(|v| self.expr(v));
        self.return_with(value, sp);
    }

    /// Leave the function (or the inline closure) without a meaningful value (`?`).
    fn early_return(&mut self, sp: Span) {
        if let Some(r) = self.rets.last().cloned()
            && !r.is_fn
        {
            self.cfg.terminate(Terminator::Goto(r.target));
            return;
        }
        self.return_with(Some(Expr::opaque(sp)), sp);
    }

    fn break_expr(&mut self, n: Node) {
        let kids = named_children(n);
        let label = kids
            .iter()
            .find(|c| c.kind() == "label")
            .map(|l| self.label_name(*l));
        let value = kids.iter().find(|c| c.kind() != "label").copied();
        let target = self
            .jumps
            .iter()
            .rev()
            .find(|j| match &label {
                Some(l) => j.label.as_ref() == Some(l),
                None => j.is_loop,
            })
            .map(|j| (j.brk, j.value));
        if let Some(v) = value {
            match target.and_then(|(_, v)| v) {
                Some(id) => self.value(v, Want::Into(id)),
                None => self.value(v, Want::Nothing),
            };
        }
        if let Some((brk, _)) = target {
            self.cfg.terminate(Terminator::Goto(brk));
        }
    }

    /// `e?`: leaves when `e` is `None`/`Err` (tested as NULL), and is `e`'s value otherwise.
    fn try_expr(&mut self, n: Node) -> Expr {
        let sp = self.span(n);
        let inner = match named_children(n).into_iter().next() {
            Some(i) => self.expr(i),
            None => Expr::opaque(sp),
        };
        let v = self.tempify(inner, "<?>");
        let out = self.cfg.new_block();
        let next = self.cfg.new_block();
        self.cfg.terminate(Terminator::Branch {
            cond: null_test(v.clone(), BinOp::Eq, sp),
            then: out,
            else_: next,
        });
        self.cfg.cur = Some(out);
        self.early_return(sp);
        self.cfg.cur = Some(next);
        v
    }
}

fn null_test(e: Expr, op: BinOp, sp: Span) -> Expr {
    let null = Expr::new(ExprKind::Lit(Lit::Null), sp);
    Expr::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(e),
            rhs: Box::new(null),
        },
        sp,
    )
}

/// A place that can be evaluated twice without effects.
fn is_pure(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Local(_) | ExprKind::Name(_) | ExprKind::This | ExprKind::Lit(_) => true,
        ExprKind::Field { base, .. }
        | ExprKind::Deref(base)
        | ExprKind::Cast { expr: base, .. } => is_pure(base),
        _ => false,
    }
}

// ------------------------------------------------------------------ expressions

impl FnBuilder<'_> {
    fn expr_inner(&mut self, n: Node) -> Expr {
        let sp = self.span(n);
        let kind = match n.kind() {
            "identifier" => return self.ident(n),
            "self" => ExprKind::This,
            "scoped_identifier" => self.path_expr(n),
            "field_expression" => self.field_expr(n),
            "call_expression" => return self.call(n),
            "generic_function" => match n.field("function") {
                Some(f) => return self.expr(f),
                None => ExprKind::Opaque(Vec::new()),
            },
            "index_expression" => {
                let kids = named_children(n);
                let base = match kids.first() {
                    Some(b) => self.expr(*b),
                    None => Expr::opaque(sp),
                };
                let index = match kids.get(1) {
                    Some(i) => self.expr(*i),
                    None => Expr::opaque(sp),
                };
                ExprKind::Index {
                    base: Box::new(base),
                    index: Box::new(index),
                }
            }
            "unary_expression" => return self.unary(n),
            "reference_expression" => return self.reference(n),
            "binary_expression" => {
                let lhs = self.boxed(n.field("left"), sp);
                let rhs = self.boxed(n.field("right"), sp);
                let op = match n.field("operator").map(|o| self.lw.text(o)) {
                    Some("+") => BinOp::Add,
                    Some("-") => BinOp::Sub,
                    Some("==") => BinOp::Eq,
                    Some("!=") => BinOp::Ne,
                    Some("<") => BinOp::Lt,
                    Some("<=") => BinOp::Le,
                    Some(">") => BinOp::Gt,
                    Some(">=") => BinOp::Ge,
                    Some("&&") => BinOp::And,
                    Some("||") => BinOp::Or,
                    _ => BinOp::Other,
                };
                ExprKind::Binary { op, lhs, rhs }
            }
            "assignment_expression" => {
                let rhs = self.boxed(n.field("right"), sp);
                let lhs = self.boxed(n.field("left"), sp);
                ExprKind::Assign {
                    lhs,
                    rhs,
                    compound: None,
                }
            }
            "compound_assignment_expr" => {
                let rhs = self.boxed(n.field("right"), sp);
                let lhs = self.boxed(n.field("left"), sp);
                let compound = match n.field("operator").map(|o| self.lw.text(o)) {
                    Some("+=") => BinOp::Add,
                    Some("-=") => BinOp::Sub,
                    _ => BinOp::Other,
                };
                ExprKind::Assign {
                    lhs,
                    rhs,
                    compound: Some(compound),
                }
            }
            "type_cast_expression" => {
                let ty = n
                    .field("type")
                    .map(|t| self.lw.type_ref(t))
                    .unwrap_or_default();
                ExprKind::Cast {
                    kind: CastKind::As,
                    ty: Box::new(ty),
                    expr: self.boxed(n.field("value"), sp),
                }
            }
            "try_expression" => return self.try_expr(n),
            "await_expression" => match named_children(n).into_iter().next() {
                Some(i) => return self.expr(i),
                None => ExprKind::Opaque(Vec::new()),
            },
            "closure_expression" => self.closure(n),
            "async_block" | "gen_block" => self.async_block(n),
            "struct_expression" => {
                let ty = n
                    .field("name")
                    .map(|t| self.lw.type_ref(t))
                    .unwrap_or_default();
                let mut args = Vec::new();
                if let Some(body) = n.field("body") {
                    for f in named_children(body) {
                        match f.kind() {
                            "field_initializer" => {
                                if let Some(v) = f.field("value") {
                                    args.push(self.expr(v));
                                }
                            }
                            "shorthand_field_initializer" | "base_field_initializer" => {
                                if let Some(v) = named_children(f)
                                    .into_iter()
                                    .find(|c| c.kind() != "attribute_item")
                                {
                                    args.push(self.expr(v));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                ExprKind::Construct(Box::new(ConstructExpr {
                    ty,
                    args,
                    placement: Vec::new(),
                    heap: false,
                }))
            }
            "tuple_expression" => ExprKind::InitList(self.exprs(named_children(n))),
            "array_expression" => {
                let len = n.field("length");
                let elems = named_children(n)
                    .into_iter()
                    .filter(|c| Some(*c) != len && c.kind() != "attribute_item")
                    .collect();
                ExprKind::InitList(self.exprs(elems))
            }
            "unit_expression" => ExprKind::Opaque(Vec::new()),
            "range_expression" => ExprKind::Opaque(self.exprs(named_children(n))),
            "integer_literal" => {
                let t = self.lw.text(n);
                let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '_');
                let zero = !digits.is_empty()
                    && digits
                        .bytes()
                        .all(|b| matches!(b, b'0' | b'x' | b'X' | b'_' | b'b' | b'o'));
                ExprKind::Lit(if zero { Lit::Zero } else { Lit::Number })
            }
            "float_literal" => ExprKind::Lit(Lit::Number),
            "string_literal" | "raw_string_literal" => ExprKind::Lit(Lit::String),
            "char_literal" => ExprKind::Lit(Lit::Char),
            "boolean_literal" => ExprKind::Lit(Lit::Bool(self.lw.text(n) == "true")),
            "block"
            | "unsafe_block"
            | "const_block"
            | "if_expression"
            | "match_expression"
            | "loop_expression"
            | "while_expression"
            | "for_expression"
            | "return_expression"
            | "break_expression"
            | "continue_expression"
            | "macro_invocation" => {
                return self.expr(n);
            }
            _ => {
                // Unknown or ERROR: keep the effects of what is inside.
                let inner: Vec<Node> = named_children(n)
                    .into_iter()
                    .filter(|c| {
                        !matches!(
                            c.kind(),
                            "type_identifier"
                                | "primitive_type"
                                | "mutable_specifier"
                                | "lifetime"
                                | "type_arguments"
                        )
                    })
                    .collect();
                ExprKind::Opaque(self.exprs(inner))
            }
        };
        Expr::new(kind, sp)
    }

    fn exprs(&mut self, nodes: Vec<Node>) -> Vec<Expr> {
        nodes.into_iter().map(|c| self.expr(c)).collect()
    }

    fn boxed(&mut self, n: Option<Node>, sp: Span) -> Box<Expr> {
        Box::new(match n {
            Some(n) => self.expr(n),
            None => Expr::opaque(sp),
        })
    }

    /// A name: a local, a closure parameter standing for its receiver, `None` (NULL), or an
    /// item of the crate. Fields are always reached through `self` in Rust, so a name that is
    /// not a local is never a member: it is looked up as a global (`::NAME`). In a closure, the
    /// enclosing function's locals are such names too; `lambda` lists them as captures.
    fn ident(&mut self, n: Node) -> Expr {
        let sp = self.span(n);
        let t = self.text(n);
        let kind = match self.lookup(&t) {
            Some(Bind::Local(id)) => ExprKind::Local(id),
            Some(Bind::Alias(e)) => e.kind,
            None if t == "None" => ExprKind::Lit(Lit::Null),
            None => ExprKind::Name(format!("::{t}")),
        };
        Expr::new(kind, sp)
    }

    fn path_expr(&mut self, n: Node) -> ExprKind {
        let p = self.lw.path_text(n);
        let mut segs = p.rsplit("::");
        let last = segs.next().unwrap_or("");
        let owner = segs.next().unwrap_or("");
        if last == "None" {
            return ExprKind::Lit(Lit::Null);
        }
        if matches!(
            owner,
            "RequestNotificationStatus" | "REQUEST_NOTIFICATION_STATUS"
        ) && matches!(
            last.to_ascii_lowercase().as_str(),
            "pending" | "rqnotificationpending" | "rq_notification_pending"
        ) {
            return ExprKind::Name("RQ_NOTIFICATION_PENDING".to_owned());
        }
        ExprKind::Name(p)
    }

    /// Does `.f` on this expression go through a pointer (`p->f`)?
    fn is_pointer_like(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::This => true,
            ExprKind::Local(id) => {
                let l = &self.locals[*id as usize];
                !l.is_ref && l.ty.pointers > 0
            }
            _ => false,
        }
    }

    /// The object a field or method is reached on, and whether through a pointer: `(*p).f` is
    /// `p->f`, and `(*&g).f` (`(*addr_of_mut!(G)).f`) is `g.f`.
    fn receiver(&mut self, recv: Node) -> (Expr, bool) {
        match deref_operand(recv) {
            Some(inner) => match self.expr(inner) {
                Expr {
                    kind: ExprKind::AddrOf(place),
                    ..
                } => (*place, false),
                // `*r` of a reference bound to a place is that place.
                e @ Expr {
                    kind: ExprKind::Local(id),
                    ..
                } if self.locals[id as usize].is_ref => (e, false),
                e => (e, true),
            },
            None => {
                let r = self.expr(recv);
                let arrow = self.is_pointer_like(&r);
                (r, arrow)
            }
        }
    }

    fn field_expr(&mut self, n: Node) -> ExprKind {
        let sp = self.span(n);
        let name = n.field("field").map(|f| self.text(f)).unwrap_or_default();
        let (base, arrow) = match n.field("value") {
            Some(v) => self.receiver(v),
            None => (Expr::opaque(sp), false),
        };
        ExprKind::Field {
            base: Box::new(base),
            name,
            arrow,
        }
    }

    fn unary(&mut self, n: Node) -> Expr {
        let sp = self.span(n);
        let op = n.child(0).map(|o| o.kind()).unwrap_or("");
        let Some(operand) = named_children(n).into_iter().next() else {
            return Expr::opaque(sp);
        };
        let kind = match op {
            "*" => {
                // `*X.lock().unwrap()` is `X` itself.
                if self.is_guard_chain(operand, true) {
                    return self.expr(operand);
                }
                ExprKind::Deref(Box::new(self.expr(operand)))
            }
            "!" => ExprKind::Unary {
                op: UnaryOp::Not,
                expr: Box::new(self.expr(operand)),
            },
            _ => ExprKind::Unary {
                op: UnaryOp::Other,
                expr: Box::new(self.expr(operand)),
            },
        };
        Expr::new(kind, sp)
    }

    /// `&x`: the address of a static or a place (an out-parameter); a local array decays to
    /// itself; `&*p` is `p`; a reference to a temporary is its value.
    fn reference(&mut self, n: Node) -> Expr {
        let sp = self.span(n);
        let Some(inner) = n.field("value").map(peel_parens) else {
            return Expr::opaque(sp);
        };
        if let Some(target) = deref_operand(inner) {
            return self.expr(target);
        }
        match inner.kind() {
            "identifier" | "scoped_identifier" | "field_expression" | "self"
            | "index_expression" => {
                let e = self.expr(inner);
                if let ExprKind::Local(id) = e.kind
                    && self.locals[id as usize].ty.is_array
                {
                    return e;
                }
                Expr::new(ExprKind::AddrOf(Box::new(e)), sp)
            }
            _ => self.expr(inner),
        }
    }

    // ------------------------------------------------------------ calls

    fn call(&mut self, n: Node) -> Expr {
        let sp = self.span(n);
        let args: Vec<Node> = n
            .field("arguments")
            .map(|a| {
                named_children(a)
                    .into_iter()
                    .filter(|c| c.kind() != "attribute_item")
                    .collect()
            })
            .unwrap_or_default();
        let Some(mut f) = n.field("function") else {
            let args = self.exprs(args);
            return Expr::new(ExprKind::Opaque(args), sp);
        };
        if f.kind() == "generic_function"
            && let Some(inner) = f.field("function")
        {
            f = inner;
        }
        match f.kind() {
            "field_expression" => {
                let name = f.field("field").map(|x| self.text(x)).unwrap_or_default();
                if let Some(recv) = f.field("value") {
                    return self.method_call(n, recv, &name, args);
                }
            }
            "identifier" if self.lookup(self.lw.text(f)).is_none() => {
                let path = self.lw.path_text(f);
                return self.path_call(n, &path, args);
            }
            "scoped_identifier" => {
                let path = self.lw.path_text(f);
                return self.path_call(n, &path, args);
            }
            "parenthesized_expression" => {
                if let Some(e) = self.vtable_call(n, f, &args) {
                    return e;
                }
            }
            _ => {}
        }
        let callee = self.expr(f);
        let args = self.exprs(args);
        Expr::new(
            ExprKind::Call {
                callee: Box::new(callee),
                args,
            },
            sp,
        )
    }

    /// `((*(*ctx).vtbl).AllocateRequestMemory)(ctx, n)`: a call through a vtable is the method
    /// call `ctx->AllocateRequestMemory(n)`.
    fn vtable_call(&mut self, n: Node, f: Node, args: &[Node]) -> Option<Expr> {
        let inner = peel_parens(f);
        if inner.kind() != "field_expression" || args.is_empty() {
            return None;
        }
        let field = self.text(inner.field("field")?);
        let table = inner
            .field("value")
            .map(|v| self.lw.text(v).to_ascii_lowercase())
            .unwrap_or_default();
        let known = iis_methods().contains(&field) || iis_method_name(&field).is_some();
        if !known && !table.contains("vtbl") && !table.contains("vtable") {
            return None;
        }
        let recv = self.expr(args[0]);
        let rest = self.exprs(args[1..].to_vec());
        Some(self.method_expr(n, recv, true, &method_name(&field), rest))
    }

    fn method_expr(&self, n: Node, recv: Expr, arrow: bool, name: &str, args: Vec<Expr>) -> Expr {
        let sp = self.span(n);
        let callee = Expr::new(
            ExprKind::Field {
                base: Box::new(recv),
                name: name.to_owned(),
                arrow,
            },
            sp,
        );
        Expr::new(
            ExprKind::Call {
                callee: Box::new(callee),
                args,
            },
            sp,
        )
    }

    fn method_call(&mut self, n: Node, recv_node: Node, name: &str, args: Vec<Node>) -> Expr {
        let sp = self.span(n);
        // Closures that run before the method returns are lowered inline.
        if SYNC_COMBINATORS.contains(&name)
            && let Some(ci) = args
                .iter()
                .position(|a| peel_parens(*a).kind() == "closure_expression")
        {
            return self.combinator(n, recv_node, name, args, ci);
        }
        // Spawning threads or tasks, sending to another thread: calls of the catalogue's
        // hand-off functions.
        let recv_text = self.text(peel_parens(recv_node));
        if SPAWN_METHODS.contains(&name) && !self.scope_handles.contains(&recv_text) {
            self.value(recv_node, Want::Nothing);
            let args = self.exprs(args);
            return call_named(name, args, sp);
        }
        if SEND_METHODS.contains(&name) && !args.is_empty() {
            let (recv, _) = self.receiver(recv_node);
            if self.may_be_sender(&recv) {
                let args = self.exprs(args);
                return call_named(&format!("Sender::{name}"), args, sp);
            }
            let args = self.exprs(args);
            return self.method_expr(n, recv, false, name, args);
        }
        let (recv, arrow) = self.receiver(recv_node);
        let pointer = arrow || self.is_pointer_like(&recv);
        match (name, args.len()) {
            // (A lock's result is not a pointer: no check there.)
            ("unwrap" | "expect", _) if !self.is_guard_chain(recv_node, true) => {
                for a in args {
                    self.value(a, Want::Nothing);
                }
                let v = self.tempify(recv, "<unwrap>");
                self.panic_unless_set(v.clone(), sp);
                return v;
            }
            ("is_null" | "is_none", 0) => return null_test(recv, BinOp::Eq, sp),
            ("is_some" | "is_ok", 0) => return null_test(recv, BinOp::Ne, sp),
            ("is_err", 0) => return null_test(recv, BinOp::Eq, sp),
            ("write" | "read", 0) if !pointer => return recv,
            ("read" | "read_volatile" | "read_unaligned", 0) => {
                return Expr::new(ExprKind::Deref(Box::new(recv)), sp);
            }
            ("write" | "write_volatile" | "write_unaligned", 1) => {
                let v = self.expr(args[0]);
                return assign(Expr::new(ExprKind::Deref(Box::new(recv)), sp), v, sp);
            }
            ("write_bytes", _) => {
                let rest = self.exprs(args);
                let v = Expr::new(ExprKind::Opaque(rest), sp);
                return assign(Expr::new(ExprKind::Deref(Box::new(recv)), sp), v, sp);
            }
            ("copy_from" | "copy_from_nonoverlapping", _) if !args.is_empty() => {
                let src = self.expr(args[0]);
                let v = Expr::new(ExprKind::Deref(Box::new(src)), sp);
                return assign(Expr::new(ExprKind::Deref(Box::new(recv)), sp), v, sp);
            }
            ("copy_to" | "copy_to_nonoverlapping", _) if !args.is_empty() => {
                let dst = self.expr(args[0]);
                let v = Expr::new(ExprKind::Deref(Box::new(recv)), sp);
                return assign(Expr::new(ExprKind::Deref(Box::new(dst)), sp), v, sp);
            }
            (
                "add" | "offset" | "wrapping_add" | "wrapping_offset" | "byte_add" | "byte_offset",
                1,
            ) => {
                let rhs = self.expr(args[0]);
                return binary(BinOp::Add, recv, rhs, sp);
            }
            ("sub" | "wrapping_sub" | "byte_sub" | "offset_from", 1) => {
                let rhs = self.expr(args[0]);
                return binary(BinOp::Sub, recv, rhs, sp);
            }
            ("unwrap_or" | "unwrap_or_else" | "or" | "or_else", 1) => {
                let d = self.expr(args[0]);
                return Expr::new(
                    ExprKind::Cond {
                        cond: Box::new(Expr::opaque(sp)),
                        then: Box::new(recv),
                        else_: Box::new(d),
                    },
                    sp,
                );
            }
            _ => {}
        }
        if POINTER_VIEWS.contains(&name) {
            for a in args {
                self.value(a, Want::Nothing);
            }
            return Expr::new(
                ExprKind::Cast {
                    kind: CastKind::As,
                    ty: Box::new(TypeRef {
                        pointers: 1,
                        ..TypeRef::default()
                    }),
                    expr: Box::new(recv),
                },
                sp,
            );
        }
        if IDENTITY_METHODS.contains(&name) {
            for a in args {
                self.value(a, Want::Nothing);
            }
            return recv;
        }
        let args = self.exprs(args);
        self.method_expr(n, recv, arrow, &method_name(name), args)
    }

    /// `v.unwrap()`: the path goes on only when `v` is `Some`/`Ok` (tested as non-NULL).
    fn panic_unless_set(&mut self, v: Expr, sp: Span) {
        let ok = self.cfg.new_block();
        let panic = self.cfg.new_block();
        self.cfg.terminate(Terminator::Branch {
            cond: null_test(v, BinOp::Eq, sp),
            then: panic,
            else_: ok,
        });
        self.cfg.cur = Some(panic);
        self.cfg.terminate(Terminator::Exit);
        self.cfg.cur = Some(ok);
    }

    /// `let x = v.unwrap();` (or `expect`): `x` holds `v`, and the path goes on only when it
    /// is set. Returns false when `v` is not such a call.
    fn let_unwrap(&mut self, name: String, nsp: Span, ty: TypeRef, v: Node, sp: Span) -> bool {
        let Some(f) = (v.kind() == "call_expression")
            .then(|| v.field("function"))
            .flatten()
        else {
            return false;
        };
        let method = f.field("field").map(|m| self.lw.text(m));
        let recv = f.field("value");
        let (Some("unwrap" | "expect"), Some(recv)) = (method, recv) else {
            return false;
        };
        if f.kind() != "field_expression" || self.is_guard_chain(v, true) {
            return false;
        }
        if let Some(args) = v.field("arguments") {
            for a in named_children(args) {
                self.value(a, Want::Nothing);
            }
        }
        let init = self.expr(recv);
        let id = self.declare(name, ty, nsp, false);
        self.cfg.push(Stmt::Decl {
            local: id,
            init: Some(init),
            span: sp,
        });
        self.panic_unless_set(Expr::new(ExprKind::Local(id), nsp), sp);
        true
    }

    /// Could this receiver of `send` be a channel's sending end?
    fn may_be_sender(&self, recv: &Expr) -> bool {
        match &recv.kind {
            ExprKind::Local(id) => {
                let t = &self.locals[*id as usize].ty;
                t.is_unknown() || t.name.ends_with("Sender")
            }
            _ => true,
        }
    }

    /// `recv.with(|c| ..)`, `CELL.get_or_init(|| v)`, `opt.map(|x| ..)`: the closure runs now.
    fn combinator(
        &mut self,
        n: Node,
        recv_node: Node,
        name: &str,
        args: Vec<Node>,
        ci: usize,
    ) -> Expr {
        let sp = self.span(n);
        let (recv, arrow) = self.receiver(recv_node);
        let recv = self.tempify(recv, "<receiver>");
        let mut others = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if i != ci {
                others.push(self.expr(*a));
            }
        }
        let clo = peel_parens(args[ci]);
        let param_vals = match name {
            "call_once" | "call_once_force" | "get_or_init" | "get_or_insert_with"
            | "or_insert_with" | "unwrap_or_else" | "or_else" | "map_or_else" | "then" => {
                Vec::new()
            }
            _ => vec![recv.clone()],
        };
        let v = self
            .inline_closure(clo, param_vals, Want::Value, false)
            .unwrap_or_else(|| Expr::opaque(sp));
        match name {
            // The closure's value is stored into the receiver.
            "get_or_init" | "get_or_insert_with" | "or_insert_with" => {
                self.method_expr(n, recv, arrow, name, vec![v])
            }
            "unwrap_or_else" | "or_else" | "map_or" | "map_or_else" => {
                let other = others.into_iter().next().unwrap_or_else(|| recv.clone());
                Expr::new(
                    ExprKind::Cond {
                        cond: Box::new(Expr::opaque(sp)),
                        then: Box::new(other),
                        else_: Box::new(v),
                    },
                    sp,
                )
            }
            "inspect" => recv,
            "for_each" | "call_once" | "call_once_force" | "is_some_and" | "is_none_or" => {
                Expr::new(ExprKind::Opaque(vec![v]), sp)
            }
            _ => v,
        }
    }

    /// Lower a closure's body in place: its parameters are bound to `params` (a plain place is
    /// an alias, so that `c.set(p)` in `TL.with(|c| ..)` stores into `TL`).
    fn inline_closure(
        &mut self,
        clo: Node,
        params: Vec<Expr>,
        want: Want,
        is_fn: bool,
    ) -> Option<Expr> {
        let sp = self.span(clo);
        self.scopes.push(Vec::new());
        let pats: Vec<Node> = clo
            .field("parameters")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| {
                if p.kind() == "parameter" {
                    p.field("pattern")
                } else {
                    Some(p)
                }
            })
            .collect();
        for (i, p) in pats.into_iter().enumerate() {
            let val = params.get(i).cloned();
            match (simple_binding(p), val) {
                (Some(b), Some(v)) if is_pure(&v) => {
                    let name = self.text(b);
                    self.bind(name, Bind::Alias(v));
                }
                (Some(b), v) => {
                    self.declare_init(b, v, sp);
                }
                (None, v) => {
                    let v = v.unwrap_or_else(|| Expr::opaque(sp));
                    self.bind_pattern(p, v);
                }
            }
        }
        let body = clo.field("body");
        let simple = body.is_some_and(|b| b.kind() != "block" && !is_branching(b.kind()));
        let (inner_want, temp) = if is_fn {
            (Want::Return, None)
        } else if simple {
            (want, None)
        } else {
            self.materialize(want, "<closure>", sp)
        };
        let join = self.cfg.new_block();
        self.rets.push(InlineRet {
            target: join,
            value: temp,
            is_fn,
        });
        let v = body.and_then(|b| self.value(b, inner_want));
        self.rets.pop();
        if is_fn {
            // The closure's end is the function's; what follows the call is reached only when
            // the closure panicked.
            if self.cfg.cur.is_some() {
                self.cfg.terminate(Terminator::Goto(EXIT));
            }
            self.cfg.cur = Some(join);
            self.scopes.pop();
            return None;
        }
        self.cfg.goto_and_enter(join);
        self.scopes.pop();
        match temp {
            Some(t) if matches!(want, Want::Value) => Some(Expr::new(ExprKind::Local(t), sp)),
            Some(_) => None,
            None => v,
        }
    }

    /// A call of a free function or an associated function (`Type::f`).
    fn path_call(&mut self, n: Node, path: &str, args: Vec<Node>) -> Expr {
        let sp = self.span(n);
        let (qual, last) = path.rsplit_once("::").unwrap_or(("", path));
        let qlast = qual.rsplit("::").next().unwrap_or(qual);
        let ptr = qual.is_empty() || qlast == "ptr";
        let deref = |e: Expr| Expr::new(ExprKind::Deref(Box::new(e)), sp);
        match (last, args.len()) {
            ("null" | "null_mut", 0) if ptr => return Expr::new(ExprKind::Lit(Lit::Null), sp),
            ("write" | "write_volatile" | "write_unaligned", 2) if qlast == "ptr" => {
                let dst = self.expr(args[0]);
                let v = self.expr(args[1]);
                return assign(deref(dst), v, sp);
            }
            ("write_bytes", 3) if qlast == "ptr" => {
                let dst = self.expr(args[0]);
                let rest = self.exprs(args[1..].to_vec());
                return assign(deref(dst), Expr::new(ExprKind::Opaque(rest), sp), sp);
            }
            ("copy" | "copy_nonoverlapping", 3) if ptr => {
                let src = self.expr(args[0]);
                let dst = self.expr(args[1]);
                self.value(args[2], Want::Nothing);
                return assign(deref(dst), deref(src), sp);
            }
            ("read" | "read_volatile" | "read_unaligned", 1) if qlast == "ptr" => {
                let src = self.expr(args[0]);
                return deref(src);
            }
            ("from_raw_parts" | "from_raw_parts_mut", 2) if qual.is_empty() || qlast == "slice" => {
                return self.view(args, sp);
            }
            ("slice_from_raw_parts" | "slice_from_raw_parts_mut", 2) => {
                return self.view(args, sp);
            }
            ("drop", 1) if qual.is_empty() || qlast == "mem" => {
                let args = self.exprs(args);
                return Expr::new(ExprKind::Opaque(args), sp);
            }
            ("new", 1) if matches!(qlast, "Box" | "Rc" | "Arc") => {
                // A smart pointer owning its argument: it holds what the argument holds.
                let args = self.exprs(args);
                return Expr::new(
                    ExprKind::Construct(Box::new(ConstructExpr {
                        ty: TypeRef {
                            name: qlast.to_owned(),
                            ..TypeRef::default()
                        },
                        args,
                        placement: Vec::new(),
                        heap: false,
                    })),
                    sp,
                );
            }
            ("scope", 1)
                if matches!(qlast, "" | "thread" | "rayon" | "crossbeam")
                    && peel_parens(args[0]).kind() == "closure_expression" =>
            {
                let clo = peel_parens(args[0]);
                let handle = clo
                    .field("parameters")
                    .and_then(|p| named_children(p).into_iter().next())
                    .map(|p| self.text(p));
                if let Some(h) = &handle {
                    self.scope_handles.push(h.clone());
                }
                let v = self.inline_closure(clo, Vec::new(), Want::Value, false);
                if handle.is_some() {
                    self.scope_handles.pop();
                }
                return v.unwrap_or_else(|| Expr::opaque(sp));
            }
            ("catch_unwind", 1) => {
                if let Some(clo) = closure_in(args[0]) {
                    let is_fn = self.in_return_position(n);
                    return self
                        .inline_closure(clo, Vec::new(), Want::Value, is_fn)
                        .unwrap_or_else(|| Expr::opaque(sp));
                }
            }
            _ => {}
        }
        // `IHttpContext::AllocateRequestMemory(ctx, n)`: a method called by its path.
        if !qual.is_empty()
            && !args.is_empty()
            && (iis_methods().contains(last) || iis_method_name(last).is_some())
        {
            let recv = self.expr(args[0]);
            let rest = self.exprs(args[1..].to_vec());
            return self.method_expr(n, recv, true, &method_name(last), rest);
        }
        // Constructions: `Box::new(x)`, `Some(x)`, `Wrapper(x)`, `NonNull::new(p)`.
        let construct =
            if matches!(last, "new" | "new_unchecked" | "from" | "new_in") && is_upper(qlast) {
                let ty = self.lw.type_name(qlast);
                is_modelled_type(&ty).then_some(ty)
            } else if qual.is_empty() && is_upper(last) {
                Some(match last {
                    "Some" => "Option".to_owned(),
                    "Ok" | "Err" => "Result".to_owned(),
                    _ => self.lw.type_name(last),
                })
            } else if is_upper(last) && is_upper(qlast) {
                Some(self.lw.type_name(qlast)) // an enum variant `E::V(x)`
            } else {
                None
            };
        let args = self.exprs(args);
        if let Some(name) = construct {
            return Expr::new(
                ExprKind::Construct(Box::new(ConstructExpr {
                    ty: TypeRef {
                        name,
                        ..TypeRef::default()
                    },
                    args,
                    placement: Vec::new(),
                    heap: false,
                })),
                sp,
            );
        }
        call_named(path, args, sp)
    }

    /// `slice::from_raw_parts(p, n)`: a view of `p`.
    fn view(&mut self, args: Vec<Node>, sp: Span) -> Expr {
        let p = self.expr(args[0]);
        for a in &args[1..] {
            self.value(*a, Want::Nothing);
        }
        Expr::new(
            ExprKind::Cast {
                kind: CastKind::As,
                ty: Box::new(TypeRef {
                    pointers: 1,
                    ..TypeRef::default()
                }),
                expr: Box::new(p),
            },
            sp,
        )
    }

    /// Is the value of `n` what the function returns: its body's tail (through method
    /// chains, `match` scrutinees and blocks) or a `return`?
    fn in_return_position(&self, n: Node) -> bool {
        let mut cur = n;
        for _ in 0..64 {
            let Some(p) = cur.parent() else {
                return false;
            };
            match p.kind() {
                "return_expression" => return true,
                "field_expression"
                | "call_expression"
                | "arguments"
                | "parenthesized_expression"
                | "match_expression"
                | "try_expression"
                | "unsafe_block"
                | "expression_statement" => {}
                "block" => {
                    let last = named_children(p).into_iter().last();
                    if last != Some(cur) || !self.is_tail(cur) && cur.kind() != "call_expression" {
                        return false;
                    }
                    if p.parent().is_some_and(|g| g.kind() == "function_item") {
                        return true;
                    }
                }
                _ => return false,
            }
            cur = p;
        }
        false
    }

    // ------------------------------------------------------------ closures

    fn closure(&mut self, n: Node) -> ExprKind {
        let is_move = children(n).iter().any(|c| c.kind() == "move");
        let params = n.field("parameters");
        let body = n.field("body");
        self.lambda(n, params, body, is_move)
    }

    /// `async move { .. }`: deferred code, like a closure without parameters.
    fn async_block(&mut self, n: Node) -> ExprKind {
        let is_move = children(n).iter().any(|c| c.kind() == "move");
        let body = named_children(n).into_iter().find(|c| c.kind() == "block");
        self.lambda(n, None, body, is_move)
    }

    fn lambda(
        &mut self,
        n: Node,
        params: Option<Node>,
        body: Option<Node>,
        is_move: bool,
    ) -> ExprKind {
        let sp = self.span(n);
        let outer = Rc::new(self.visible_names());
        let index = self.lambdas.len() as u32;
        let scope_handles = self.scope_handles.clone();
        let depth = self.depth;
        let mut fb = FnBuilder::new(self.lw, outer.clone());
        fb.depth = depth + NESTED_FN_COST;
        fb.scope_handles = scope_handles;
        if let Some(p) = params {
            fb.params(p);
        }
        if let Some(b) = body {
            fb.fn_body(b);
        }
        let f = fb.finish("<lambda>".to_owned(), None, sp, sp, TypeRef::default());
        let mut captures: Vec<Capture> = Vec::new();
        let mut add = |name: &str| {
            if outer.contains(name) && !captures.iter().any(|c| c.name == name) {
                captures.push(Capture {
                    name: name.to_owned(),
                    by_ref: !is_move,
                    span: sp,
                });
            }
        };
        for e in f.exprs() {
            e.visit(&mut |x| match &x.kind {
                ExprKind::Name(name) => add(name.trim_start_matches("::")),
                ExprKind::Lambda {
                    captures: inner, ..
                } => {
                    for c in inner {
                        add(&c.name);
                    }
                }
                _ => {}
            });
        }
        self.lambdas.push(f);
        ExprKind::Lambda { index, captures }
    }

    // ------------------------------------------------------------ macros

    fn macro_call(&mut self, n: Node, want: Want) -> Option<Expr> {
        let sp = self.span(n);
        let path = n
            .field("macro")
            .map(|m| self.lw.path_text(m))
            .unwrap_or_default();
        let name = path.rsplit("::").next().unwrap_or("").to_owned();
        match name.as_str() {
            "thread_local" | "lazy_static" => {
                let statics = self
                    .lw
                    .static_macro(n, Storage::ThreadLocal, Storage::StaticLocal);
                for s in statics {
                    self.local_static(s);
                }
                return self.unit(want, n);
            }
            "macro_rules" => return self.unit(want, n),
            _ => {}
        }
        let Some(tt) = named_children(n)
            .into_iter()
            .find(|c| c.kind() == "token_tree")
        else {
            return self.deliver(Expr::opaque(sp), want);
        };
        let braces = self.lw.text(tt).starts_with('{');
        if braces && !EXPR_MACROS.contains(&name.as_str()) {
            return self.macro_block(tt, want);
        }
        let args = self.macro_args(tt, name == "vec");
        match name.as_str() {
            "panic" | "unreachable" | "todo" | "unimplemented" => {
                for a in args {
                    self.deliver(a, Want::Nothing);
                }
                self.cfg.terminate(Terminator::Exit);
                self.unit(want, n)
            }
            "assert" | "debug_assert" | "assert_eq" | "debug_assert_eq" | "assert_ne"
            | "debug_assert_ne" => {
                let mut args = args.into_iter();
                let cond = match name.as_str() {
                    "assert" | "debug_assert" => args.next(),
                    _ => match (args.next(), args.next()) {
                        (Some(a), Some(b)) => Some(binary(
                            if name.ends_with("_eq") {
                                BinOp::Eq
                            } else {
                                BinOp::Ne
                            },
                            a,
                            b,
                            sp,
                        )),
                        (a, _) => a,
                    },
                };
                for a in args {
                    self.deliver(a, Want::Nothing);
                }
                if let Some(cond) = cond {
                    let ok = self.cfg.new_block();
                    let fail = self.cfg.new_block();
                    self.cfg.terminate(Terminator::Branch {
                        cond,
                        then: ok,
                        else_: fail,
                    });
                    self.cfg.cur = Some(fail);
                    self.cfg.terminate(Terminator::Exit);
                    self.cfg.cur = Some(ok);
                }
                self.unit(want, n)
            }
            "vec" => {
                let elem = self.vec_element_type(tt);
                let e = Expr::new(
                    ExprKind::Construct(Box::new(ConstructExpr {
                        ty: TypeRef {
                            name: "vector".to_owned(),
                            args: elem.into_iter().collect(),
                            ..TypeRef::default()
                        },
                        args,
                        placement: Vec::new(),
                        heap: false,
                    })),
                    sp,
                );
                self.deliver(e, want)
            }
            "addr_of" | "addr_of_mut" => {
                let e = match args.into_iter().next() {
                    Some(a) => Expr::new(ExprKind::AddrOf(Box::new(a)), sp),
                    None => Expr::opaque(sp),
                };
                self.deliver(e, want)
            }
            "dbg" => {
                let e = args.into_iter().next().unwrap_or_else(|| Expr::opaque(sp));
                self.deliver(e, want)
            }
            "concat" | "stringify" | "include_str" | "include_bytes" | "env" | "option_env"
            | "cstr" | "c_str" | "file" | "line" | "column" | "module_path" => {
                self.deliver(Expr::new(ExprKind::Lit(Lit::String), sp), want)
            }
            _ => {
                // `vtbl_call!(ctx, AllocateRequestMemory, n)`: the IIS method call it expands to.
                let method = match args.get(1).map(|a| &a.kind) {
                    Some(ExprKind::Name(m)) => {
                        let m = m.trim_start_matches("::");
                        (iis_methods().contains(m) || iis_method_name(m).is_some())
                            .then(|| method_name(m))
                    }
                    _ => None,
                };
                let e = match method {
                    Some(m) => {
                        let mut it = args.into_iter();
                        let recv = it.next().unwrap_or_else(|| Expr::opaque(sp));
                        let rest: Vec<Expr> = it.skip(1).collect();
                        self.method_expr(n, recv, true, &m, rest)
                    }
                    None => Expr::new(ExprKind::Opaque(args), sp),
                };
                self.deliver(e, want)
            }
        }
    }

    /// The expressions inside a macro's token tree, parsed again as call arguments.
    fn macro_args(&mut self, tt: Node, vec: bool) -> Vec<Expr> {
        const PREFIX: &str = "fn __iislint_macro(){__m";
        let text = self.lw.text(tt);
        if text.len() < 2 {
            return Vec::new();
        }
        let mut inner = text[1..text.len() - 1].to_owned();
        if vec && let Some(semi) = top_level_semicolon(&inner) {
            // `vec![x; n]`: the element and the count.
            inner.replace_range(semi..semi + 1, ",");
        }
        let snippet = format!("{PREFIX}({inner});}}");
        let base = self.lw.base + tt.start_byte() as isize - PREFIX.len() as isize;
        self.with_snippet(snippet, base, |fb, root| {
            let Some(list) = find_kind(root, "arguments", 6) else {
                return Vec::new();
            };
            let kids = named_children(list);
            fb.exprs(kids)
        })
        .unwrap_or_default()
    }

    /// `my_macro! { stmts }`: the statements, parsed again as a block.
    fn macro_block(&mut self, tt: Node, want: Want) -> Option<Expr> {
        const PREFIX: &str = "fn __iislint_macro()";
        let snippet = format!("{PREFIX}{}", self.lw.text(tt));
        let base = self.lw.base + tt.start_byte() as isize - PREFIX.len() as isize;
        let sp = self.span(tt);
        self.with_snippet(snippet, base, |fb, root| {
            match find_kind(root, "block", 3) {
                Some(b) => fb.block(b, want),
                None => fb.unit(want, root),
            }
        })
        .flatten()
        .or_else(|| matches!(want, Want::Value).then(|| Expr::opaque(sp)))
    }

    /// `vec![0u8; n]`: the element type when the element is a literal.
    fn vec_element_type(&self, tt: Node) -> Option<TypeRef> {
        let first = named_children(tt).into_iter().next()?;
        let name = self.literal_type(first);
        (!name.is_empty()).then_some(TypeRef {
            name,
            ..TypeRef::default()
        })
    }
}

fn top_level_semicolon(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b';' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// The first node of `kind` at most `depth` levels down (first children first).
fn find_kind<'t>(n: Node<'t>, kind: &str, depth: u32) -> Option<Node<'t>> {
    if n.kind() == kind {
        return Some(n);
    }
    if depth == 0 {
        return None;
    }
    named_children(n)
        .into_iter()
        .find_map(|c| find_kind(c, kind, depth - 1))
}

/// The closure in `catch_unwind(|| ..)` or `catch_unwind(AssertUnwindSafe(|| ..))`.
fn closure_in(n: Node) -> Option<Node> {
    let n = peel_parens(n);
    match n.kind() {
        "closure_expression" => Some(n),
        "call_expression" => {
            let args = n.field("arguments")?;
            named_children(args).into_iter().find_map(closure_in)
        }
        _ => None,
    }
}

fn call_named(name: &str, args: Vec<Expr>, sp: Span) -> Expr {
    Expr::new(
        ExprKind::Call {
            callee: Box::new(Expr::new(ExprKind::Name(name.to_owned()), sp)),
            args,
        },
        sp,
    )
}

fn assign(lhs: Expr, rhs: Expr, sp: Span) -> Expr {
    Expr::new(
        ExprKind::Assign {
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
            compound: None,
        },
        sp,
    )
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr, sp: Span) -> Expr {
    Expr::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        sp,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower_text(src: &str) -> Module {
        let tree = super::super::parse_only(super::super::Language::Rust, src).unwrap();
        lower(&tree, src)
    }

    #[test]
    fn statics_structs_and_impls() {
        let m = lower_text(
            r#"
static mut LAST: *mut u8 = std::ptr::null_mut();
thread_local! { static TL: Cell<*mut u8> = Cell::new(null_mut()); }
lazy_static! { static ref MAP: Mutex<Vec<usize>> = Mutex::new(Vec::new()); }
struct Cache { last: *mut u8 }
impl CGlobalModule for Cache {}
impl Cache { fn get_request(&self) {} }
"#,
        );
        let names: Vec<(&str, Storage)> = m
            .statics
            .iter()
            .map(|s| (s.name.as_str(), s.storage))
            .collect();
        assert_eq!(
            names,
            vec![
                ("LAST", Storage::Global),
                ("TL", Storage::ThreadLocal),
                ("MAP", Storage::Global)
            ]
        );
        assert_eq!(m.statics[0].ty.pointers, 1);
        assert!(
            m.classes
                .iter()
                .any(|c| c.name == "Cache" && c.bases.contains(&"CGlobalModule".to_owned()))
        );
        assert_eq!(m.functions[0].name, "GetRequest");
        assert_eq!(m.functions[0].class.as_deref(), Some("Cache"));
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(
            iis_method_name("allocate_request_memory").as_deref(),
            Some("AllocateRequestMemory")
        );
        assert_eq!(
            iis_method_name("post_completion").as_deref(),
            Some("PostCompletion")
        );
        assert_eq!(iis_method_name("push"), None);
    }

    /// Every call of the first function, as `callee(args)` with receivers spelled out.
    fn calls(m: &Module) -> Vec<String> {
        fn show(e: &Expr, f: &Function) -> String {
            match &e.kind {
                ExprKind::Local(id) => f.local(*id).name.clone(),
                ExprKind::Name(n) => n.clone(),
                ExprKind::This => "self".into(),
                ExprKind::Field { base, name, arrow } => {
                    format!("{}{}{name}", show(base, f), if *arrow { "->" } else { "." })
                }
                ExprKind::Lit(Lit::Null) => "NULL".into(),
                ExprKind::Lit(_) => "lit".into(),
                ExprKind::Binary { op, lhs, rhs } => {
                    format!("{} {op:?} {}", show(lhs, f), show(rhs, f))
                }
                ExprKind::Assign { lhs, rhs, .. } => {
                    format!("{} = {}", show(lhs, f), show(rhs, f))
                }
                ExprKind::Call { callee, args } => {
                    let args: Vec<String> = args.iter().map(|a| show(a, f)).collect();
                    format!("{}({})", show(callee, f), args.join(", "))
                }
                _ => "?".into(),
            }
        }
        let f = &m.functions[0];
        f.exprs().map(|e| show(e, f)).collect()
    }

    #[test]
    fn rust_spellings_become_the_cpp_shapes() {
        let m = lower_text(
            r#"
unsafe fn f(ctx: *mut IHttpContext, p: *mut u8) {
    ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, 8);
    (*ctx).get_request();
    LAST.lock().unwrap().push(p);
    *CACHE.write().unwrap() = p;
    p.is_null();
    tx.send(p);
}
"#,
        );
        assert_eq!(
            calls(&m),
            vec![
                "ctx->AllocateRequestMemory(lit)",
                "ctx->GetRequest()",
                "::LAST.push(p)",
                "::CACHE = p",
                "p Eq NULL",
                "Sender::send(p)",
            ]
        );
    }

    #[test]
    fn macro_spans_point_into_the_file() {
        let src = "fn f(p: *mut u8) { println!(\"{}\", *p); }";
        let m = lower_text(src);
        let mut derefs = Vec::new();
        for e in m.functions[0].exprs() {
            e.visit(&mut |x| {
                if let ExprKind::Deref(_) = x.kind {
                    derefs.push(&src[x.span.start..x.span.end]);
                }
            });
        }
        assert_eq!(derefs, vec!["*p"]);
    }
}
