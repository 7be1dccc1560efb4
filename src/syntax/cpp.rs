//! Lowering of a tree-sitter-cpp syntax tree into the IR.
//!
//! The lowering is total: every node kind it does not understand becomes an `Opaque` expression
//! (its sub-expressions still lowered) or is skipped, and ERROR nodes are searched for the
//! statements and expressions inside them, so a function with a syntax error is still analysed.
//! Recursion is bounded by `MAX_DEPTH`; deeper nesting is cut off as opaque.

use rustc_hash::FxHashMap as HashMap;

use tree_sitter::{Node, Tree};
use tree_sitter_cpp::LANGUAGE;

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

use crate::diagnostic::Span;
use crate::ir::*;
use crate::syntax::cfg::CfgBuilder;
use crate::syntax::preprocess::{ControlMacro, Jump, MacroTable};

/// How deep the lowering recurses (items, statements and expressions together, one counter for
/// the whole file): deeper code is opaque. This bounds the lowering's stack: measured in a debug
/// build, a level costs up to ~8 KiB, so 160 levels (1.3 MiB) fit the 2 MiB stacks of rayon's
/// worker threads. `else if` and `#elif` chains are lowered iteratively and cost one level in
/// all. `tests/robustness.rs` nests 100,000 levels of each construct on 2 MiB stacks.
pub const MAX_DEPTH: u32 = 160;

/// How deep expressions nest (across lambdas too): a deeper sub-expression is opaque. This bounds
/// the depth of the IR's expression trees, which the analysis recurses over: measured in a debug
/// build, a level of a call costs the analysis ~14 KiB of stack, so 64 levels take 0.9 MiB.
/// Statements and items add no IR depth (they become control-flow graphs).
pub const MAX_EXPR_DEPTH: u32 = 64;

/// How deep template arguments of a type are read: `A<B<C<...>>>`.
const MAX_TYPE_DEPTH: u32 = 16;

pub fn lower(tree: &Tree, src: &str, macros: &MacroTable) -> Module {
    let mut lw = Lowerer {
        src,
        macros,
        module: Module::default(),
        class_stack: Vec::new(),
        depth: 0,
        expr_depth: 0,
    };
    lw.items(tree.root_node());
    lw.module
}

struct Lowerer<'a> {
    src: &'a str,
    /// Control-flow macros (`ErrorIf`) are lowered as branches.
    macros: &'a MacroTable,
    module: Module,
    /// Classes whose bodies we are in (for inline method definitions).
    class_stack: Vec<String>,
    depth: u32,
    /// Nesting of the expression being lowered; see `MAX_EXPR_DEPTH`.
    expr_depth: u32,
}

fn span(n: Node) -> Span {
    Span::new(n.start_byte(), n.end_byte())
}

fn named_children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c).collect()
}

fn children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.children(&mut c).collect()
}

/// Declarator facts: name, pointer depth, reference, array, function.
#[derive(Default, Debug)]
struct DeclInfo<'t> {
    name: Option<Node<'t>>,
    pointers: u8,
    is_ref: bool,
    is_array: bool,
    function: Option<Node<'t>>,
}

impl<'a> Lowerer<'a> {
    fn text(&self, n: Node) -> &'a str {
        // The text is valid UTF-8 and node bounds fall on character boundaries: a checked slice
        // costs O(1), where validating the bytes again costs their length.
        self.src.get(n.start_byte()..n.end_byte()).unwrap_or("")
    }

    /// The last `::` segment of a name node, without template arguments.
    fn last_segment(&self, mut n: Node) -> String {
        // Names nest to the right (`a::b::c` is `a::(b::c)`): walk down, never recurse.
        loop {
            match n.kind() {
                "qualified_identifier"
                | "template_type"
                | "template_function"
                | "template_method" => match n.field("name") {
                    Some(inner) => n = inner,
                    None => return String::new(),
                },
                _ => {
                    let t = self.text(n);
                    let t = t.split('<').next().unwrap_or(t);
                    return t.rsplit("::").next().unwrap_or(t).trim().to_owned();
                }
            }
        }
    }

    /// The scope (class) part of a qualified name: `A::B::f` → `B`.
    fn scope_segment(&self, mut n: Node) -> Option<String> {
        if n.kind() != "qualified_identifier" {
            return None;
        }
        loop {
            let name = n.field("name")?;
            if name.kind() != "qualified_identifier" {
                break;
            }
            n = name;
        }
        let scope = n.field("scope")?;
        Some(self.last_segment(scope))
    }

    fn note_errors(&mut self, n: Node) {
        if n.is_error() || n.is_missing() {
            self.module.syntax_errors += 1;
        }
    }

    // ---------------------------------------------------------------- top level

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

    fn item(&mut self, n: Node) {
        self.note_errors(n);
        match n.kind() {
            "function_definition" => self.function_definition(n),
            "declaration" | "field_declaration" => self.declaration(n),
            "class_specifier" | "struct_specifier" | "union_specifier" => self.class(n),
            "type_definition" | "alias_declaration" => self.typedef(n),
            "template_declaration"
            | "linkage_specification"
            | "namespace_definition"
            | "declaration_list"
            | "field_declaration_list"
            | "preproc_else"
            | "ERROR"
            | "translation_unit"
            | "export_declaration" => {
                // Bodies and alternatives hold further items; ERROR nodes too.
                self.items(n);
            }
            "preproc_if" | "preproc_ifdef" | "preproc_elif" | "preproc_elifdef" => {
                self.preproc_items(n)
            }
            _ => {}
        }
    }

    /// The arms of an `#if`/`#elif`/`#else` chain at namespace or class scope. The chain nests
    /// to the right; it is walked iteratively, at the cost of one level of depth.
    fn preproc_items(&mut self, mut n: Node) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        loop {
            let alternative = n.field("alternative");
            for c in named_children(n) {
                if Some(c) != alternative {
                    self.item(c);
                }
            }
            match alternative {
                Some(a) if matches!(a.kind(), "preproc_elif" | "preproc_elifdef") => {
                    self.note_errors(a);
                    n = a;
                }
                Some(a) => {
                    self.item(a);
                    break;
                }
                None => break,
            }
        }
        self.depth -= 1;
    }

    /// `typedef struct _X {...} X, *PX;` and `using X = T;`: record the aliases (and the class).
    fn typedef(&mut self, n: Node) {
        let Some(t) = n.field("type") else {
            return;
        };
        if n.kind() == "alias_declaration" {
            if let Some(name) = n.field("name") {
                let target = self.type_descriptor(t);
                self.module
                    .typedefs
                    .push((self.text(name).to_owned(), target));
            }
            return;
        }
        self.item(t);
        let mut cursor = n.walk();
        let declarators: Vec<Node> = n
            .children_by_field_name("declarator", &mut cursor)
            .collect();
        for d in declarators {
            let info = self.declarator_info(d);
            let (Some(name), None) = (info.name, info.function) else {
                continue;
            };
            let target = self.type_ref(Some(t), &info);
            let alias = self.last_segment(name);
            if !alias.is_empty() && alias != target.name {
                self.module.typedefs.push((alias, target));
            }
        }
    }

    fn declarator_info<'t>(&self, mut d: Node<'t>) -> DeclInfo<'t> {
        let mut info = DeclInfo::default();
        for _ in 0..64 {
            match d.kind() {
                "init_declarator" | "attributed_declarator" | "parenthesized_declarator" => {
                    match d.field("declarator").or_else(|| d.named_child(0)) {
                        Some(x) => d = x,
                        None => break,
                    }
                }
                "pointer_declarator" | "abstract_pointer_declarator" => {
                    info.pointers = info.pointers.saturating_add(1);
                    match d.field("declarator") {
                        Some(x) => d = x,
                        None => break,
                    }
                }
                "reference_declarator" | "abstract_reference_declarator" => {
                    info.is_ref = true;
                    match named_children(d)
                        .into_iter()
                        .find(|c| c.kind() != "type_qualifier")
                    {
                        Some(x) => d = x,
                        None => break,
                    }
                }
                "array_declarator" | "abstract_array_declarator" => {
                    info.is_array = true;
                    match d.field("declarator") {
                        Some(x) => d = x,
                        None => break,
                    }
                }
                "function_declarator" | "abstract_function_declarator" => {
                    info.function = Some(d);
                    match d.field("declarator") {
                        Some(x) => d = x,
                        None => break,
                    }
                }
                "identifier"
                | "field_identifier"
                | "qualified_identifier"
                | "destructor_name"
                | "operator_name"
                | "type_identifier"
                | "template_function" => {
                    info.name = Some(d);
                    break;
                }
                _ => break,
            }
        }
        info
    }

    fn type_ref(&self, ty: Option<Node>, info: &DeclInfo) -> TypeRef {
        self.type_ref_at(ty, info, 0)
    }

    fn type_ref_at(&self, ty: Option<Node>, info: &DeclInfo, depth: u32) -> TypeRef {
        let mut t = ty.map(|t| self.base_type(t, depth)).unwrap_or_default();
        t.pointers = t.pointers.saturating_add(info.pointers);
        t.is_ref |= info.is_ref;
        t.is_array |= info.is_array;
        t
    }

    /// The type a type node names; template arguments are read `MAX_TYPE_DEPTH` deep.
    fn base_type(&self, mut n: Node, depth: u32) -> TypeRef {
        while n.kind() == "qualified_identifier" {
            match n.field("name") {
                Some(inner) => n = inner,
                None => return TypeRef::default(),
            }
        }
        match n.kind() {
            "primitive_type" | "type_identifier" => TypeRef {
                name: self.text(n).to_owned(),
                ..TypeRef::default()
            },
            "sized_type_specifier" => {
                let text = self.text(n);
                TypeRef {
                    name: text.split_whitespace().last().unwrap_or("int").to_owned(),
                    ..TypeRef::default()
                }
            }
            "template_type" => {
                let name = n
                    .field("name")
                    .map(|x| self.last_segment(x))
                    .unwrap_or_default();
                let args = n
                    .field("arguments")
                    .filter(|_| depth < MAX_TYPE_DEPTH)
                    .map(|a| {
                        named_children(a)
                            .into_iter()
                            .map(|c| self.type_descriptor_at(c, depth + 1))
                            .collect()
                    })
                    .unwrap_or_default();
                TypeRef {
                    name,
                    args,
                    ..TypeRef::default()
                }
            }
            "struct_specifier" | "class_specifier" | "union_specifier" | "enum_specifier" => {
                TypeRef {
                    name: n
                        .field("name")
                        .map(|x| self.last_segment(x))
                        .unwrap_or_default(),
                    ..TypeRef::default()
                }
            }
            "type_descriptor" => self.type_descriptor_at(n, depth),
            _ => TypeRef::default(),
        }
    }

    fn type_descriptor(&self, n: Node) -> TypeRef {
        self.type_descriptor_at(n, 0)
    }

    fn type_descriptor_at(&self, n: Node, depth: u32) -> TypeRef {
        if n.kind() != "type_descriptor" {
            return self.base_type(n, depth);
        }
        let info = n
            .field("declarator")
            .map(|d| self.declarator_info(d))
            .unwrap_or_default();
        self.type_ref_at(n.field("type"), &info, depth)
    }

    fn storage_of(&self, decl: Node) -> (bool, bool, bool) {
        let (mut is_static, mut is_extern, mut is_tls) = (false, false, false);
        for c in children(decl) {
            match c.kind() {
                "storage_class_specifier" => match self.text(c) {
                    "static" => is_static = true,
                    "extern" => is_extern = true,
                    "thread_local" | "_Thread_local" | "__thread" => is_tls = true,
                    _ => {}
                },
                "ms_declspec_modifier" if self.text(c).contains("thread") => is_tls = true,
                _ => {}
            }
        }
        (is_static, is_extern, is_tls)
    }

    /// A namespace-scope declaration or a class member declaration.
    fn declaration(&mut self, n: Node) {
        let ty = n.field("type");
        if let Some(t) = ty
            && matches!(
                t.kind(),
                "class_specifier" | "struct_specifier" | "union_specifier"
            )
            && t.field("body").is_some()
        {
            self.class(t);
        }
        let (is_static, _is_extern, is_tls) = self.storage_of(n);
        let in_class = self.class_stack.last().cloned();
        let mut cursor = n.walk();
        let declarators: Vec<Node> = n
            .children_by_field_name("declarator", &mut cursor)
            .collect();
        for d in declarators {
            let info = self.declarator_info(d);
            let Some(name_node) = info.name else { continue };
            if info.function.is_some() {
                // A declaration: remember the return type.
                let ret = self.type_ref(ty, &info);
                let method = self.last_segment(name_node);
                match &in_class {
                    Some(class) if n.kind() == "field_declaration" => {
                        if let Some(c) = self
                            .module
                            .classes
                            .iter_mut()
                            .rev()
                            .find(|c| &c.name == class)
                        {
                            c.methods.push((method, ret));
                        }
                    }
                    _ => self.module.function_decls.push((method, ret)),
                }
                continue;
            }
            let tr = self.type_ref(ty, &info);
            let name = self.last_segment(name_node);
            if name.is_empty() {
                continue;
            }
            if let Some(class) = &in_class
                && n.kind() == "field_declaration"
            {
                if let Some(c) = self
                    .module
                    .classes
                    .iter_mut()
                    .rev()
                    .find(|c| &c.name == class)
                {
                    c.fields.push(Field {
                        name: name.clone(),
                        ty: tr.clone(),
                        is_static: is_static || is_tls,
                        span: span(name_node),
                    });
                }
                if is_static || is_tls {
                    self.module.statics.push(StaticVar {
                        name,
                        class: Some(class.clone()),
                        ty: tr,
                        storage: if is_tls {
                            Storage::ThreadLocal
                        } else {
                            Storage::StaticMember
                        },
                        span: span(name_node),
                        internal: false,
                    });
                }
                continue;
            }
            // Namespace scope: `T g;`, `static T g;`, `extern T g;`, `T C::s = ...;`.
            let class = self.scope_segment(name_node);
            let storage = if is_tls {
                Storage::ThreadLocal
            } else if class.is_some() {
                Storage::StaticMember
            } else {
                Storage::Global
            };
            let internal = is_static && class.is_none();
            self.module.statics.push(StaticVar {
                name,
                class,
                ty: tr,
                storage,
                span: span(name_node),
                internal,
            });
        }
    }

    fn class(&mut self, n: Node) {
        let Some(name_node) = n.field("name") else {
            // Anonymous: still look for methods inside.
            if let Some(body) = n.field("body") {
                self.items(body);
            }
            return;
        };
        let name = self.last_segment(name_node);
        let mut bases = Vec::new();
        for c in named_children(n) {
            if c.kind() == "base_class_clause" {
                for b in named_children(c) {
                    if matches!(
                        b.kind(),
                        "type_identifier" | "qualified_identifier" | "template_type"
                    ) {
                        bases.push(self.last_segment(b));
                    }
                }
            }
        }
        self.module.classes.push(Class {
            name: name.clone(),
            bases,
            fields: Vec::new(),
            methods: Vec::new(),
            span: span(n),
        });
        if let Some(body) = n.field("body") {
            self.class_stack.push(name);
            self.items(body);
            self.class_stack.pop();
        }
    }

    fn function_definition(&mut self, n: Node) {
        let Some(decl) = n.field("declarator") else {
            return;
        };
        let info = self.declarator_info(decl);
        let (Some(fdecl), Some(name_node)) = (info.function, info.name) else {
            return;
        };
        let name = self.last_segment(name_node);
        let class = self
            .scope_segment(name_node)
            .or_else(|| self.class_stack.last().cloned());
        let ret = self.type_ref(n.field("type"), &info);
        let mut fb = FnBuilder::new(self);
        if let Some(params) = fdecl.field("parameters") {
            fb.params(params);
        }
        // Constructor initialisers `: m_p(p)` are assignments to members at entry.
        for c in named_children(n) {
            if c.kind() == "field_initializer_list" {
                fb.field_initializers(c);
            }
        }
        if let Some(body) = n.field("body") {
            fb.stmt(body);
        }
        let f = fb.finish(name, class, span(n), span(name_node), ret);
        self.module.functions.push(f);
    }
}

// -------------------------------------------------------------------- functions

struct FnBuilder<'l, 'a> {
    lw: &'l mut Lowerer<'a>,
    locals: Vec<Local>,
    params: u32,
    scopes: Scopes,
    /// The CFG under construction.
    cfg: CfgBuilder,
    /// (continue target, break target) of the enclosing loops; switches push (None, break).
    jumps: Vec<(Option<BlockId>, BlockId)>,
    labels: HashMap<String, BlockId>,
    /// Label blocks whose labelled statement has been lowered.
    defined_labels: Vec<BlockId>,
    /// Blocks started by `case`/`default` labels (with "is default"), innermost switch last.
    case_blocks: Vec<(BlockId, bool)>,
    lambdas: Vec<Function>,
}

/// The names in scope in a function: lookups cost the same however many locals and nested
/// scopes there are (a generated function with 100,000 locals or an `else if` chain of 100,000
/// arms would otherwise be quadratic).
struct Scopes {
    /// Each name's visible declarations, innermost (latest) last.
    by_name: HashMap<String, Vec<LocalId>>,
    /// For each open scope, the names it declared.
    declared: Vec<Vec<String>>,
}

impl Scopes {
    fn new() -> Self {
        Scopes {
            by_name: HashMap::default(),
            declared: vec![Vec::new()],
        }
    }

    fn push(&mut self) {
        self.declared.push(Vec::new());
    }

    fn pop(&mut self) {
        for name in self.declared.pop().unwrap_or_default() {
            if let Some(ids) = self.by_name.get_mut(&name) {
                ids.pop();
                if ids.is_empty() {
                    self.by_name.remove(&name);
                }
            }
        }
    }

    fn declare(&mut self, name: String, id: LocalId) {
        if let Some(scope) = self.declared.last_mut() {
            self.by_name.entry(name.clone()).or_default().push(id);
            scope.push(name);
        }
    }

    /// The innermost visible declaration of `name`.
    fn lookup(&self, name: &str) -> Option<LocalId> {
        self.by_name.get(name)?.last().copied()
    }
}

impl<'l, 'a> FnBuilder<'l, 'a> {
    fn new(lw: &'l mut Lowerer<'a>) -> Self {
        FnBuilder {
            lw,
            locals: Vec::new(),
            params: 0,
            scopes: Scopes::new(),
            cfg: CfgBuilder::default(),
            jumps: Vec::new(),
            labels: HashMap::default(),
            defined_labels: Vec::new(),
            case_blocks: Vec::new(),
            lambdas: Vec::new(),
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

    fn text(&self, n: Node) -> &'a str {
        self.lw.text(n)
    }

    fn lookup(&self, name: &str) -> Option<LocalId> {
        self.scopes.lookup(name)
    }

    fn declare(
        &mut self,
        name: String,
        ty: TypeRef,
        storage: Storage,
        sp: Span,
        is_param: bool,
    ) -> LocalId {
        let id = self.locals.len() as LocalId;
        let is_ref = ty.is_ref;
        self.locals.push(Local {
            name: name.clone(),
            ty,
            storage,
            span: sp,
            is_param,
            is_ref,
        });
        self.scopes.declare(name, id);
        id
    }

    fn params(&mut self, list: Node) {
        for p in named_children(list) {
            if !matches!(
                p.kind(),
                "parameter_declaration" | "optional_parameter_declaration"
            ) {
                continue;
            }
            let info = p
                .field("declarator")
                .map(|d| self.lw.declarator_info(d))
                .unwrap_or_default();
            let ty = self.lw.type_ref(p.field("type"), &info);
            let Some(name_node) = info.name else {
                // Unnamed parameter: keep the position.
                self.declare(String::new(), ty, Storage::Automatic, span(p), true);
                self.params += 1;
                continue;
            };
            let name = self.text(name_node).to_owned();
            self.declare(name, ty, Storage::Automatic, span(name_node), true);
            self.params += 1;
        }
    }

    fn field_initializers(&mut self, list: Node) {
        for fi in named_children(list) {
            let kids = named_children(fi);
            let (Some(member), Some(args)) = (kids.first(), kids.last()) else {
                continue;
            };
            let name = self.lw.last_segment(*member);
            let target = Expr::new(
                ExprKind::Field {
                    base: Box::new(Expr::new(ExprKind::This, span(*member))),
                    name,
                    arrow: true,
                },
                span(*member),
            );
            let values: Vec<Expr> = named_children(*args)
                .into_iter()
                .filter(|c| c.kind() != "comment")
                .map(|c| self.expr(c))
                .collect();
            let rhs = match values.len() {
                1 => values
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Expr::opaque(span(*args))),
                _ => Expr::new(ExprKind::InitList(values), span(*args)),
            };
            self.cfg.push(Stmt::Expr(Expr::new(
                ExprKind::Assign {
                    lhs: Box::new(target),
                    rhs: Box::new(rhs),
                    compound: None,
                },
                span(fi),
            )));
        }
    }

    // ------------------------------------------------------------ statements

    fn stmt(&mut self, n: Node) {
        if self.lw.depth > MAX_DEPTH {
            return;
        }
        self.lw.depth += 1;
        self.stmt_inner(n);
        self.lw.depth -= 1;
    }

    fn block_of(&mut self, n: Node) {
        self.scopes.push();
        for c in named_children(n) {
            self.stmt(c);
        }
        self.scopes.pop();
    }

    fn stmt_inner(&mut self, n: Node) {
        self.lw.note_errors(n);
        match n.kind() {
            "compound_statement" => self.block_of(n),
            "expression_statement" => {
                for c in named_children(n) {
                    if let Some(m) = self.control_macro(c) {
                        self.control_call(c, &m);
                        continue;
                    }
                    let e = self.expr(c);
                    self.cfg.push(Stmt::Expr(e));
                }
            }
            "declaration" => self.local_declaration(n),
            "if_statement" => self.if_stmt(n),
            "while_statement" => self.while_stmt(n),
            "do_statement" => self.do_stmt(n),
            "for_statement" => self.for_stmt(n),
            "for_range_loop" => self.for_range(n),
            "switch_statement" => self.switch_stmt(n),
            "case_statement" => self.case_stmt(n),
            "break_statement" => {
                if let Some(&(_, brk)) = self.jumps.last() {
                    self.cfg.terminate(Terminator::Goto(brk));
                }
            }
            "continue_statement" => {
                if let Some(cont) = self.jumps.iter().rev().find_map(|(c, _)| *c) {
                    self.cfg.terminate(Terminator::Goto(cont));
                }
            }
            "return_statement" | "co_return_statement" => {
                let value = named_children(n)
                    .into_iter()
                    .find(|c| c.kind() != "comment")
                    .map(|c| self.expr(c));
                self.cfg.terminate(Terminator::Return {
                    value,
                    span: span(n),
                });
            }
            "throw_statement" => {
                for c in named_children(n) {
                    let e = self.expr(c);
                    self.cfg.push(Stmt::Expr(e));
                }
                self.cfg.terminate(Terminator::Exit);
            }
            "goto_statement" => {
                if let Some(l) = n.field("label") {
                    let target = self.label_block(self.text(l).to_owned());
                    self.cfg.terminate(Terminator::Goto(target));
                }
            }
            "labeled_statement" => {
                if let Some(l) = n.field("label") {
                    let target = self.label_block(self.text(l).to_owned());
                    self.defined_labels.push(target);
                    self.cfg.goto_and_enter(target);
                }
                for c in named_children(n) {
                    if c.kind() != "statement_identifier" {
                        self.stmt(c);
                    }
                }
            }
            "try_statement" => self.try_stmt(n),
            "seh_try_statement" => self.seh_try(n),
            "seh_leave_statement" => {}
            "attributed_statement" => {
                for c in named_children(n) {
                    if c.kind() != "attribute_declaration" {
                        self.stmt(c);
                    }
                }
            }
            "preproc_if" | "preproc_ifdef" | "preproc_elif" | "preproc_elifdef" => {
                self.preproc_branch(n)
            }
            "preproc_else" => {
                for c in named_children(n) {
                    self.stmt(c);
                }
            }
            "ERROR" => self.error_stmt(n),
            "comment"
            | "preproc_call"
            | "preproc_def"
            | "preproc_function_def"
            | "preproc_include"
            | "type_definition"
            | "alias_declaration"
            | "using_declaration"
            | "static_assert_declaration"
            | "namespace_alias_definition" => {}
            "function_definition" => {
                // A local class's method or a misparse: lower it as a function of its own.
                self.lw.function_definition(n);
            }
            "class_specifier" | "struct_specifier" => self.lw.class(n),
            _ => {
                // An expression where a statement was expected (error recovery), or something
                // we do not model: evaluate it for its effects.
                let e = self.expr(n);
                self.cfg.push(Stmt::Expr(e));
            }
        }
    }

    /// `#if A ... #elif B ... #else ... #endif`: any one arm may be compiled. The `#elif`
    /// chain is walked iteratively, like an `else if` chain.
    fn preproc_branch(&mut self, mut n: Node) {
        let mut joins = Vec::new();
        loop {
            let alternative = n.field("alternative");
            let join = self.cfg.new_block();
            joins.push(join);
            let then_b = self.cfg.new_block();
            let else_b = self.cfg.new_block();
            let cond = Expr::opaque(span(n));
            self.cfg.terminate(Terminator::Branch {
                cond,
                then: then_b,
                else_: else_b,
            });
            self.cfg.cur = Some(then_b);
            for c in named_children(n) {
                if Some(c) == alternative || n.field("condition") == Some(c) {
                    continue;
                }
                if c.kind() == "identifier" && n.field("name") == Some(c) {
                    continue;
                }
                self.stmt(c);
            }
            self.cfg.goto_and_enter(join);
            self.cfg.cur = Some(else_b);
            match alternative {
                Some(a) if matches!(a.kind(), "preproc_elif" | "preproc_elifdef") => {
                    self.lw.note_errors(a);
                    n = a;
                }
                Some(a) => {
                    self.stmt(a);
                    break;
                }
                None => break,
            }
        }
        for join in joins.into_iter().rev() {
            self.cfg.goto_and_enter(join);
        }
    }

    /// An ERROR node inside a function: lower what is recognisable inside it.
    fn error_stmt(&mut self, n: Node) {
        for c in named_children(n) {
            match c.kind() {
                k if is_statement_kind(k) => self.stmt(c),
                "identifier" | "field_identifier" | "type_identifier" | "primitive_type"
                | "comment" | "number_literal" | "string_literal" => {}
                _ => {
                    let e = self.expr(c);
                    self.cfg.push(Stmt::Expr(e));
                }
            }
        }
    }

    /// A call of a control-flow macro of the project (`ErrorIf(...)`).
    fn control_macro(&self, n: Node) -> Option<ControlMacro> {
        if n.kind() != "call_expression" {
            return None;
        }
        let f = n.field("function")?;
        if f.kind() != "identifier" {
            return None;
        }
        self.lw.macros.control(self.text(f)).cloned()
    }

    /// `ErrorIf(cond, hr)` → `if (cond) { hr; goto Error; }`; `CheckNull(p)` →
    /// `if (p == NULL) goto ...`; otherwise a branch on the macro's arguments.
    fn control_call(&mut self, n: Node, m: &ControlMacro) {
        let sp = span(n);
        let mut args = n
            .field("arguments")
            .map(|a| self.args(a))
            .unwrap_or_default();
        let (cond, rest) = if let Some(i) = m.cond_arg.filter(|i| *i < args.len()) {
            let cond = args.remove(i);
            (cond, args)
        } else if let Some(i) = m.null_arg.filter(|i| *i < args.len()) {
            let tested = args.remove(i);
            let null = Expr::new(ExprKind::Lit(Lit::Null), tested.span);
            let cond = Expr::new(
                ExprKind::Binary {
                    op: BinOp::Eq,
                    lhs: Box::new(tested),
                    rhs: Box::new(null),
                },
                sp,
            );
            (cond, args)
        } else {
            (Expr::new(ExprKind::Opaque(args), sp), Vec::new())
        };
        let jump_b = self.cfg.new_block();
        let next = self.cfg.new_block();
        self.cfg.terminate(Terminator::Branch {
            cond,
            then: jump_b,
            else_: next,
        });
        self.cfg.cur = Some(jump_b);
        for r in rest {
            self.cfg.push(Stmt::Expr(r));
        }
        match &m.jump {
            Jump::Goto(label) => {
                let target = self.label_block(label.clone());
                self.cfg.terminate(Terminator::Goto(target));
            }
            Jump::Return => self.cfg.terminate(Terminator::Return {
                value: Some(Expr::opaque(sp)),
                span: sp,
            }),
        }
        self.cfg.cur = Some(next);
    }

    fn label_block(&mut self, name: String) -> BlockId {
        if let Some(b) = self.labels.get(&name) {
            return *b;
        }
        let b = self.cfg.new_block();
        self.labels.insert(name, b);
        b
    }

    fn local_declaration(&mut self, n: Node) {
        let ty_node = n.field("type");
        let (is_static, is_extern, is_tls) = self.lw.storage_of(n);
        if is_extern {
            return; // names a global declared elsewhere
        }
        let storage = if is_tls {
            Storage::ThreadLocal
        } else if is_static {
            Storage::StaticLocal
        } else {
            Storage::Automatic
        };
        let mut cursor = n.walk();
        let declarators: Vec<Node> = n
            .children_by_field_name("declarator", &mut cursor)
            .collect();
        for d in declarators {
            let info = self.lw.declarator_info(d);
            let Some(name_node) = info.name else { continue };
            let ty = self.lw.type_ref(ty_node, &info);
            let mut init = None;
            if let Some(fdecl) = info.function {
                // `CString s(p);` parses as a function declaration: read the "parameters" as
                // constructor arguments when they are plain names.
                let Some(args) = self.vexing_parse_args(fdecl) else {
                    continue;
                };
                init = Some(Expr::new(
                    ExprKind::Construct(Box::new(ConstructExpr {
                        ty: ty.clone(),
                        args,
                        placement: Vec::new(),
                        heap: false,
                    })),
                    span(d),
                ));
            } else if d.kind() == "init_declarator"
                && let Some(v) = d.field("value")
            {
                init = Some(match v.kind() {
                    "argument_list" | "initializer_list" => {
                        let args = self.args(v);
                        Expr::new(
                            ExprKind::Construct(Box::new(ConstructExpr {
                                ty: ty.clone(),
                                args,
                                placement: Vec::new(),
                                heap: false,
                            })),
                            span(v),
                        )
                    }
                    _ => self.expr(v),
                });
            }
            let name = self.text(name_node).to_owned();
            let id = self.declare(name, ty, storage, span(name_node), false);
            self.cfg.push(Stmt::Decl {
                local: id,
                init,
                span: span(d),
            });
        }
    }

    fn vexing_parse_args(&mut self, fdecl: Node) -> Option<Vec<Expr>> {
        let params = fdecl.field("parameters")?;
        named_children(params)
            .into_iter()
            .filter(|p| p.kind() != "comment")
            .map(|p| self.param_as_expr(p, 0))
            .collect()
    }

    /// Read a "parameter" of a vexing parse back as the expression it is: `p` (a name),
    /// `std::move(task)` (a call whose arguments are again such parameters).
    fn param_as_expr(&mut self, p: Node, depth: u32) -> Option<Expr> {
        if p.kind() != "parameter_declaration" || depth > 8 {
            return None;
        }
        let t = p.field("type")?;
        if !matches!(t.kind(), "type_identifier" | "qualified_identifier") {
            return None;
        }
        let name = self.text(t);
        let callee = Expr::new(
            match self.lookup(name) {
                Some(id) => ExprKind::Local(id),
                None => ExprKind::Name(name.split_whitespace().collect()),
            },
            span(t),
        );
        match p.field("declarator") {
            None => Some(callee),
            Some(d) if d.kind() == "abstract_function_declarator" => {
                let list = d.field("parameters")?;
                let args = named_children(list)
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .map(|c| self.param_as_expr(c, depth + 1))
                    .collect::<Option<Vec<Expr>>>()?;
                Some(Expr::new(
                    ExprKind::Call {
                        callee: Box::new(callee),
                        args,
                    },
                    span(p),
                ))
            }
            Some(_) => None,
        }
    }

    /// The condition of `if`/`while`/`switch` (a `condition_clause`), lowered as an expression;
    /// a declaration in it is pushed as a statement first.
    fn condition(&mut self, n: Option<Node>) -> Expr {
        let Some(n) = n else {
            return Expr::new(ExprKind::Opaque(Vec::new()), Span::default());
        };
        if n.kind() != "condition_clause" {
            return self.expr(n);
        }
        if let Some(init) = n.field("initializer") {
            self.stmt(init);
        }
        match n.field("value") {
            Some(v) if v.kind() == "declaration" => {
                self.local_declaration(v);
                // The condition is the declared variable's value.
                match self.locals.len().checked_sub(1) {
                    Some(id) => Expr::new(ExprKind::Local(id as LocalId), span(v)),
                    None => Expr::opaque(span(v)),
                }
            }
            Some(v) => self.expr(v),
            None => Expr::opaque(span(n)),
        }
    }

    /// `if`, with its `else if` chain walked iteratively (a chain nests to the right, and
    /// generated dispatchers have hundreds of arms): the same CFG as lowering each nested `if`
    /// in its parent's `else` block, at the cost of one level of depth for the whole chain.
    fn if_stmt(&mut self, mut n: Node) {
        let mut joins = Vec::new();
        loop {
            self.scopes.push();
            let cond = self.condition(n.field("condition"));
            let then_b = self.cfg.new_block();
            let else_b = self.cfg.new_block();
            let join = self.cfg.new_block();
            joins.push(join);
            self.cfg.terminate(Terminator::Branch {
                cond,
                then: then_b,
                else_: else_b,
            });
            self.cfg.cur = Some(then_b);
            if let Some(c) = n.field("consequence") {
                self.stmt(c);
            }
            self.cfg.goto_and_enter(join);
            self.cfg.cur = Some(else_b);
            let Some(a) = n.field("alternative") else {
                break;
            };
            let arms: Vec<Node> = named_children(a)
                .into_iter()
                .filter(|c| c.kind() != "comment")
                .collect();
            match arms[..] {
                [next] if next.kind() == "if_statement" => {
                    self.lw.note_errors(next);
                    n = next;
                }
                _ => {
                    for c in arms {
                        self.stmt(c);
                    }
                    break;
                }
            }
        }
        for join in joins.into_iter().rev() {
            self.cfg.goto_and_enter(join);
            self.scopes.pop();
        }
    }

    /// Record a loop whose blocks are `head`, `parts` and every block created since `first`.
    fn record_loop(&mut self, head: BlockId, parts: &[BlockId], first: usize, has_condition: bool) {
        let mut blocks = vec![head];
        blocks.extend_from_slice(parts);
        // A label a `goto` inside the loop jumps to, defined after the loop, is not part of it.
        let pending_label =
            |b: &BlockId| self.labels.values().any(|l| l == b) && !self.defined_labels.contains(b);
        blocks.extend(
            (first..self.cfg.blocks.len())
                .map(|b| b as BlockId)
                .filter(|b| !pending_label(b)),
        );
        blocks.sort_unstable();
        blocks.dedup();
        self.cfg.loops.push(Loop {
            head,
            blocks,
            has_condition,
        });
    }

    fn while_stmt(&mut self, n: Node) {
        let head = self.cfg.new_block();
        let body = self.cfg.new_block();
        let after = self.cfg.new_block();
        let first = self.cfg.blocks.len();
        self.cfg.goto_and_enter(head);
        self.scopes.push();
        let cond = self.condition(n.field("condition"));
        self.cfg.terminate(Terminator::Branch {
            cond,
            then: body,
            else_: after,
        });
        self.cfg.cur = Some(body);
        self.jumps.push((Some(head), after));
        if let Some(b) = n.field("body") {
            self.stmt(b);
        }
        self.jumps.pop();
        self.scopes.pop();
        self.cfg.goto_and_enter(head);
        self.record_loop(head, &[body], first, true);
        self.cfg.cur = Some(after);
    }

    fn do_stmt(&mut self, n: Node) {
        let body = self.cfg.new_block();
        let cond_b = self.cfg.new_block();
        let after = self.cfg.new_block();
        let first = self.cfg.blocks.len();
        self.cfg.goto_and_enter(body);
        self.jumps.push((Some(cond_b), after));
        if let Some(b) = n.field("body") {
            self.stmt(b);
        }
        self.jumps.pop();
        self.cfg.goto_and_enter(cond_b);
        let cond = match n.field("condition") {
            Some(c) => self.expr(c),
            None => Expr::opaque(span(n)),
        };
        self.cfg.terminate(Terminator::Branch {
            cond,
            then: body,
            else_: after,
        });
        self.record_loop(cond_b, &[body], first, true);
        self.cfg.cur = Some(after);
    }

    fn for_stmt(&mut self, n: Node) {
        self.scopes.push();
        if let Some(init) = n.field("initializer") {
            if init.kind() == "declaration" {
                self.local_declaration(init);
            } else {
                let e = self.expr(init);
                self.cfg.push(Stmt::Expr(e));
            }
        }
        let head = self.cfg.new_block();
        let body = self.cfg.new_block();
        let step = self.cfg.new_block();
        let after = self.cfg.new_block();
        let first = self.cfg.blocks.len();
        let has_condition = n.field("condition").is_some();
        self.cfg.goto_and_enter(head);
        match n.field("condition") {
            Some(c) => {
                let cond = self.expr(c);
                self.cfg.terminate(Terminator::Branch {
                    cond,
                    then: body,
                    else_: after,
                });
            }
            None => self.cfg.terminate(Terminator::Goto(body)),
        }
        self.cfg.cur = Some(body);
        self.jumps.push((Some(step), after));
        if let Some(b) = n.field("body") {
            self.stmt(b);
        }
        self.jumps.pop();
        self.cfg.goto_and_enter(step);
        if let Some(u) = n.field("update") {
            let e = self.expr(u);
            self.cfg.push(Stmt::Expr(e));
        }
        self.cfg.terminate(Terminator::Goto(head));
        self.record_loop(head, &[body, step], first, has_condition);
        self.cfg.cur = Some(after);
        self.scopes.pop();
    }

    fn for_range(&mut self, n: Node) {
        self.scopes.push();
        let range = match n.field("right") {
            Some(r) => self.expr(r),
            None => Expr::opaque(span(n)),
        };
        let head = self.cfg.new_block();
        let body = self.cfg.new_block();
        let after = self.cfg.new_block();
        let first = self.cfg.blocks.len();
        self.cfg.goto_and_enter(head);
        self.cfg.terminate(Terminator::Branch {
            cond: Expr::opaque(span(n)),
            then: body,
            else_: after,
        });
        self.cfg.cur = Some(body);
        if let Some(d) = n.field("declarator") {
            let info = self.lw.declarator_info(d);
            let ty = self.lw.type_ref(n.field("type"), &info);
            if let Some(name_node) = info.name {
                let name = self.text(name_node).to_owned();
                let id = self.declare(name, ty, Storage::Automatic, span(name_node), false);
                self.cfg.push(Stmt::Decl {
                    local: id,
                    init: Some(range),
                    span: span(d),
                });
            }
        }
        self.jumps.push((Some(head), after));
        if let Some(b) = n.field("body") {
            self.stmt(b);
        }
        self.jumps.pop();
        self.cfg.goto_and_enter(head);
        self.record_loop(head, &[body], first, false);
        self.cfg.cur = Some(after);
        self.scopes.pop();
    }

    fn switch_stmt(&mut self, n: Node) {
        self.scopes.push();
        let value = self.condition(n.field("condition"));
        let dispatch = self.cfg.cur();
        self.cfg.cur = None;
        let after = self.cfg.new_block();
        self.jumps.push((None, after));
        let mark = self.case_blocks.len();
        if let Some(body) = n.field("body") {
            self.block_of(body);
        }
        self.jumps.pop();
        // Every block started by a case label is a target; without `default`, so is `after`.
        let cases = self.case_blocks.split_off(mark);
        let mut targets: Vec<BlockId> = cases.iter().map(|(b, _)| *b).collect();
        if !cases.iter().any(|(_, d)| *d) {
            targets.push(after);
        }
        self.cfg.blocks[dispatch as usize].term = Terminator::Switch { value, targets };
        self.cfg.goto_and_enter(after);
        self.scopes.pop();
    }

    fn case_stmt(&mut self, n: Node) {
        let b = self.cfg.new_block();
        let is_default = n.field("value").is_none();
        self.case_blocks.push((b, is_default));
        self.cfg.goto_and_enter(b); // fall-through from the previous case
        for c in named_children(n) {
            if Some(c) == n.field("value") {
                continue;
            }
            self.stmt(c);
        }
    }

    fn try_stmt(&mut self, n: Node) {
        // A handler may start from the state before the body or after it.
        let before = self.cfg.cur();
        let body_b = self.cfg.new_block();
        let after = self.cfg.new_block();
        self.cfg.cur = Some(body_b);
        if let Some(b) = n.field("body") {
            self.stmt(b);
        }
        let body_end = self.cfg.cur;
        let mut targets = vec![body_b];
        let mut handlers = Vec::new();
        for c in named_children(n) {
            if c.kind() != "catch_clause" {
                continue;
            }
            let h = self.cfg.new_block();
            targets.push(h);
            handlers.push(h);
            self.cfg.cur = Some(h);
            self.scopes.push();
            if let Some(p) = c.field("parameters") {
                self.params_as_locals(p);
            }
            if let Some(b) = c.field("body") {
                self.stmt(b);
            }
            self.scopes.pop();
            self.cfg.goto_and_enter(after);
            self.cfg.cur = None;
        }
        self.cfg.blocks[before as usize].term = Terminator::Switch {
            value: Expr::opaque(span(n)),
            targets,
        };
        if let Some(end) = body_end {
            let mut t = vec![after];
            t.extend(handlers);
            self.cfg.blocks[end as usize].term = Terminator::Switch {
                value: Expr::opaque(span(n)),
                targets: t,
            };
        }
        self.cfg.cur = Some(after);
    }

    fn params_as_locals(&mut self, list: Node) {
        let saved = self.params;
        self.params(list);
        // Catch parameters are locals, not function parameters.
        for l in &mut self.locals[saved as usize..] {
            l.is_param = false;
        }
        self.params = saved;
    }

    fn seh_try(&mut self, n: Node) {
        let before = self.cfg.cur();
        let body_b = self.cfg.new_block();
        let after = self.cfg.new_block();
        self.cfg.cur = Some(body_b);
        if let Some(b) = n.field("body") {
            self.stmt(b);
        }
        let body_end = self.cfg.cur.take();
        let mut targets = vec![body_b];
        let mut end_targets = vec![after];
        for c in named_children(n) {
            let is_finally = match c.kind() {
                "seh_except_clause" => false,
                "seh_finally_clause" => true,
                _ => continue,
            };
            let h = self.cfg.new_block();
            if is_finally {
                end_targets = vec![h]; // runs after the body
            } else {
                targets.push(h);
                end_targets.push(h);
            }
            self.cfg.cur = Some(h);
            if let Some(b) = c.field("body") {
                self.stmt(b);
            }
            self.cfg.goto_and_enter(after);
            self.cfg.cur = None;
        }
        self.cfg.blocks[before as usize].term = Terminator::Switch {
            value: Expr::opaque(span(n)),
            targets,
        };
        if let Some(end) = body_end {
            self.cfg.blocks[end as usize].term = Terminator::Switch {
                value: Expr::opaque(span(n)),
                targets: end_targets,
            };
        }
        self.cfg.cur = Some(after);
    }
}

fn is_statement_kind(k: &str) -> bool {
    k.ends_with("_statement")
        || matches!(
            k,
            "declaration"
                | "compound_statement"
                | "for_range_loop"
                | "preproc_if"
                | "preproc_ifdef"
        )
}

// ------------------------------------------------------------------ expressions

impl FnBuilder<'_, '_> {
    fn expr(&mut self, n: Node) -> Expr {
        if self.lw.depth > MAX_DEPTH || self.lw.expr_depth > MAX_EXPR_DEPTH {
            return Expr::opaque(span(n));
        }
        self.lw.depth += 1;
        self.lw.expr_depth += 1;
        let e = self.expr_inner(n);
        self.lw.expr_depth -= 1;
        self.lw.depth -= 1;
        e
    }

    fn boxed(&mut self, n: Option<Node>, whole: Node) -> Box<Expr> {
        Box::new(match n {
            Some(n) => self.expr(n),
            None => Expr::opaque(span(whole)),
        })
    }

    fn args(&mut self, list: Node) -> Vec<Expr> {
        named_children(list)
            .into_iter()
            .filter(|c| c.kind() != "comment")
            .map(|c| self.expr(c))
            .collect()
    }

    fn name_expr(&self, n: Node) -> ExprKind {
        let text = self.text(n);
        match text {
            "NULL" => return ExprKind::Lit(Lit::Null),
            "TRUE" => return ExprKind::Lit(Lit::Bool(true)),
            "FALSE" => return ExprKind::Lit(Lit::Bool(false)),
            _ => {}
        }
        match self.lookup(text) {
            Some(id) => ExprKind::Local(id),
            None => ExprKind::Name(text.to_owned()),
        }
    }

    fn expr_inner(&mut self, n: Node) -> Expr {
        self.lw.note_errors(n);
        let sp = span(n);
        let kind = match n.kind() {
            "identifier" => self.name_expr(n),
            "qualified_identifier" => {
                let t: String = self.text(n).split_whitespace().collect();
                // Drop template arguments: `std::move<T>` → `std::move`.
                ExprKind::Name(strip_template_args(&t))
            }
            "template_function" => {
                let name = n
                    .field("name")
                    .map(|x| self.text(x).to_owned())
                    .unwrap_or_default();
                ExprKind::Name(name)
            }
            "this" => ExprKind::This,
            "field_expression" => {
                let base = self.boxed(n.field("argument"), n);
                let op = n.field("operator").map(|o| self.text(o)).unwrap_or(".");
                let name = n
                    .field("field")
                    .map(|f| self.lw.last_segment(f))
                    .unwrap_or_default();
                ExprKind::Field {
                    base,
                    name,
                    arrow: op == "->",
                }
            }
            "subscript_expression" => {
                let base = self.boxed(n.field("argument"), n);
                let index = match n.field("indices") {
                    Some(list) => {
                        let mut a = self.args(list);
                        if a.len() == 1 {
                            a.pop().unwrap_or_else(|| Expr::opaque(sp))
                        } else {
                            Expr::new(ExprKind::Seq(a), span(list))
                        }
                    }
                    None => match n.field("index") {
                        Some(i) => self.expr(i),
                        None => Expr::opaque(sp),
                    },
                };
                ExprKind::Index {
                    base,
                    index: Box::new(index),
                }
            }
            "pointer_expression" => {
                let arg = self.boxed(n.field("argument"), n);
                let op = n.field("operator").map(|o| self.text(o)).unwrap_or("*");
                if op == "&" {
                    ExprKind::AddrOf(arg)
                } else {
                    ExprKind::Deref(arg)
                }
            }
            "call_expression" => return self.call(n),
            "assignment_expression" => {
                let rhs = self.boxed(n.field("right"), n);
                let lhs = self.boxed(n.field("left"), n);
                let op = n.field("operator").map(|o| self.text(o)).unwrap_or("=");
                let compound = match op {
                    "=" => None,
                    "+=" => Some(BinOp::Add),
                    "-=" => Some(BinOp::Sub),
                    _ => Some(BinOp::Other),
                };
                ExprKind::Assign { lhs, rhs, compound }
            }
            "binary_expression" => {
                let lhs = self.boxed(n.field("left"), n);
                let rhs = self.boxed(n.field("right"), n);
                let op = match n.field("operator").map(|o| self.text(o)) {
                    Some("+") => BinOp::Add,
                    Some("-") => BinOp::Sub,
                    Some("==") => BinOp::Eq,
                    Some("!=" | "not_eq") => BinOp::Ne,
                    Some("<") => BinOp::Lt,
                    Some("<=") => BinOp::Le,
                    Some(">") => BinOp::Gt,
                    Some(">=") => BinOp::Ge,
                    Some("&&" | "and") => BinOp::And,
                    Some("||" | "or") => BinOp::Or,
                    _ => BinOp::Other,
                };
                ExprKind::Binary { op, lhs, rhs }
            }
            "unary_expression" => {
                let op = match n.field("operator").map(|o| self.text(o)) {
                    Some("!" | "not") => UnaryOp::Not,
                    _ => UnaryOp::Other,
                };
                ExprKind::Unary {
                    op,
                    expr: self.boxed(n.field("argument"), n),
                }
            }
            "sizeof_expression" | "alignof_expression" | "offsetof_expression" | "noexcept" => {
                let inner: Vec<Expr> = named_children(n)
                    .into_iter()
                    .filter(|c| !matches!(c.kind(), "type_descriptor" | "comment"))
                    .map(|c| self.expr(c))
                    .collect();
                ExprKind::Unary {
                    op: UnaryOp::Other,
                    expr: Box::new(Expr::new(ExprKind::Opaque(inner), sp)),
                }
            }
            "update_expression" => ExprKind::IncDec(self.boxed(n.field("argument"), n)),
            "cast_expression" => {
                let ty = n
                    .field("type")
                    .map(|t| self.lw.type_descriptor(t))
                    .unwrap_or_default();
                ExprKind::Cast {
                    kind: CastKind::CStyle,
                    ty: Box::new(ty),
                    expr: self.boxed(n.field("value"), n),
                }
            }
            "parenthesized_expression" => {
                let kids: Vec<Node> = named_children(n)
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .collect();
                if let [only] = kids.as_slice()
                    && only.kind() != "compound_statement"
                {
                    return self.expr(*only);
                }
                ExprKind::Opaque(kids.into_iter().map(|c| self.expr(c)).collect())
            }
            "conditional_expression" => ExprKind::Cond {
                cond: self.boxed(n.field("condition"), n),
                then: self.boxed(n.field("consequence"), n),
                else_: self.boxed(n.field("alternative"), n),
            },
            "comma_expression" => {
                let mut items = Vec::new();
                let mut cur = n;
                loop {
                    if let Some(l) = cur.field("left") {
                        items.push(self.expr(l));
                    }
                    match cur.field("right") {
                        Some(r) if r.kind() == "comma_expression" => cur = r,
                        Some(r) => {
                            items.push(self.expr(r));
                            break;
                        }
                        None => break,
                    }
                }
                ExprKind::Seq(items)
            }
            "new_expression" => {
                let ty = n
                    .field("type")
                    .map(|t| self.lw.base_type(t, 0))
                    .unwrap_or_default();
                let placement = n
                    .field("placement")
                    .map(|p| self.args(p))
                    .unwrap_or_default();
                let args = n
                    .field("arguments")
                    .map(|a| self.args(a))
                    .unwrap_or_default();
                ExprKind::Construct(Box::new(ConstructExpr {
                    ty,
                    args,
                    placement,
                    heap: true,
                }))
            }
            "delete_expression" => {
                let array = self.text(n).contains('[');
                let inner = named_children(n)
                    .into_iter()
                    .find(|c| c.kind() != "comment")
                    .map(|c| self.expr(c))
                    .unwrap_or_else(|| Expr::opaque(sp));
                ExprKind::Delete {
                    expr: Box::new(inner),
                    array,
                }
            }
            "initializer_list" => ExprKind::InitList(self.args(n)),
            "compound_literal_expression" => {
                let ty = n
                    .field("type")
                    .map(|t| self.lw.base_type(t, 0))
                    .unwrap_or_default();
                let args = n.field("value").map(|v| self.args(v)).unwrap_or_default();
                ExprKind::Construct(Box::new(ConstructExpr {
                    ty,
                    args,
                    placement: Vec::new(),
                    heap: false,
                }))
            }
            "lambda_expression" => self.lambda(n),
            "number_literal" => {
                let t = self
                    .text(n)
                    .trim_end_matches(|c: char| c.is_ascii_alphabetic());
                let zero = !t.is_empty() && t.bytes().all(|b| b == b'0' || b == b'x' || b == b'X');
                ExprKind::Lit(if zero { Lit::Zero } else { Lit::Number })
            }
            "string_literal" | "concatenated_string" | "raw_string_literal" => {
                ExprKind::Lit(Lit::String)
            }
            "char_literal" => ExprKind::Lit(Lit::Char),
            "true" => ExprKind::Lit(Lit::Bool(true)),
            "false" => ExprKind::Lit(Lit::Bool(false)),
            "null" | "nullptr" => ExprKind::Lit(Lit::Null),
            "user_defined_literal" => ExprKind::Lit(Lit::Number),
            "comment" => ExprKind::Opaque(Vec::new()),
            _ => {
                // Unknown or ERROR: keep the effects of what is inside.
                let inner: Vec<Expr> = named_children(n)
                    .into_iter()
                    .filter(|c| {
                        !matches!(
                            c.kind(),
                            "comment" | "type_descriptor" | "primitive_type" | "type_identifier"
                        )
                    })
                    .map(|c| self.expr(c))
                    .collect();
                ExprKind::Opaque(inner)
            }
        };
        Expr::new(kind, sp)
    }

    fn call(&mut self, n: Node) -> Expr {
        let sp = span(n);
        let args = n
            .field("arguments")
            .map(|a| self.args(a))
            .unwrap_or_default();
        let Some(f) = n.field("function") else {
            return Expr::new(ExprKind::Opaque(args), sp);
        };
        // `static_cast<T>(x)` and friends are casts.
        if f.kind() == "template_function"
            && let Some(name) = f.field("name")
        {
            let kind = match self.text(name) {
                "static_cast" => Some(CastKind::Static),
                "reinterpret_cast" => Some(CastKind::Reinterpret),
                "const_cast" => Some(CastKind::Const),
                "dynamic_cast" | "safe_cast" => Some(CastKind::Dynamic),
                _ => None,
            };
            if let Some(kind) = kind {
                let ty = f
                    .field("arguments")
                    .and_then(|a| named_children(a).into_iter().next())
                    .map(|t| self.lw.type_descriptor(t))
                    .unwrap_or_default();
                let expr = args.into_iter().next().unwrap_or_else(|| Expr::opaque(sp));
                return Expr::new(
                    ExprKind::Cast {
                        kind,
                        ty: Box::new(ty),
                        expr: Box::new(expr),
                    },
                    sp,
                );
            }
        }
        if f.kind() == "primitive_type" {
            let ty = self.lw.base_type(f, 0);
            let expr = args.into_iter().next().unwrap_or_else(|| Expr::opaque(sp));
            return Expr::new(
                ExprKind::Cast {
                    kind: CastKind::CStyle,
                    ty: Box::new(ty),
                    expr: Box::new(expr),
                },
                sp,
            );
        }
        let callee = self.expr(f);
        Expr::new(
            ExprKind::Call {
                callee: Box::new(callee),
                args,
            },
            sp,
        )
    }

    fn lambda(&mut self, n: Node) -> ExprKind {
        let mut captures = Vec::new();
        let mut default_capture = None;
        if let Some(c) = n.field("captures") {
            let mut by_ref_next = false;
            for k in children(c) {
                match k.kind() {
                    "lambda_default_capture" => default_capture = Some(self.text(k).contains('&')),
                    "&" => by_ref_next = true,
                    "identifier" => {
                        captures.push(Capture {
                            name: self.text(k).to_owned(),
                            by_ref: by_ref_next,
                            span: span(k),
                        });
                        by_ref_next = false;
                    }
                    "lambda_capture_initializer" => {
                        if let Some(l) = k.field("left") {
                            captures.push(Capture {
                                name: self.text(l).to_owned(),
                                by_ref: false,
                                span: span(k),
                            });
                        }
                        by_ref_next = false;
                    }
                    _ => by_ref_next = false,
                }
            }
        }
        // The body is a function of its own; captured names are reached by name.
        let index = self.lambdas.len() as u32;
        let mut fb = FnBuilder::new(self.lw);
        if let Some(params) = n.field("declarator").and_then(|d| d.field("parameters")) {
            fb.params(params);
        }
        if let Some(body) = n.field("body") {
            fb.stmt(body);
        }
        let f = fb.finish(
            "<lambda>".to_owned(),
            None,
            span(n),
            span(n),
            TypeRef::default(),
        );
        if let Some(by_ref) = default_capture {
            // `[=]`/`[&]`: the enclosing locals the body names are captured.
            let mut implicit: Vec<Capture> = Vec::new();
            for e in f.exprs() {
                e.visit(&mut |x| {
                    if let ExprKind::Name(name) = &x.kind
                        && self.lookup(name).is_some()
                        && !implicit.iter().any(|c| &c.name == name)
                        && !captures.iter().any(|c: &Capture| &c.name == name)
                    {
                        implicit.push(Capture {
                            name: name.clone(),
                            by_ref,
                            span: span(n),
                        });
                    }
                });
            }
            captures.extend(implicit);
        }
        self.lambdas.push(f);
        ExprKind::Lambda { index, captures }
    }
}

fn strip_template_args(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for ch in s.chars() {
        match ch {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}
