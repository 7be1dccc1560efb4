//! The language-neutral representation the analysis works on.
//!
//! Front ends (`syntax::cpp`, later `syntax::rust`) lower a syntax tree into a [`Module`]: its
//! functions (each a control-flow graph of statements over expression trees), its static
//! variables and its classes. Nothing here refers to tree-sitter, and the analysis never sees a
//! syntax node.

use crate::diagnostic::Span;

/// One file, lowered.
#[derive(Debug, Default)]
pub struct Module {
    pub functions: Vec<Function>,
    /// Variables with static storage declared at namespace scope or as static data members.
    pub statics: Vec<StaticVar>,
    pub classes: Vec<Class>,
    /// Free functions declared without a body (`IHttpContext* CurrentContext();`): (name,
    /// return type).
    pub function_decls: Vec<(String, TypeRef)>,
    /// `typedef T Alias;` / `using Alias = T;`: (alias, target).
    pub typedefs: Vec<(String, TypeRef)>,
    /// Number of ERROR/MISSING nodes the parser produced.
    pub syntax_errors: usize,
}

/// A type as written, reduced to what the analysis needs. The front end records what is
/// written; the analysis interprets it (smart pointers, pointer typedefs) with the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeRef {
    /// The named type without qualifiers, namespaces, template arguments or pointer/reference
    /// marks: `const IHttpContext*` → `IHttpContext`, `std::vector<char*>` → `vector`.
    /// Empty when unknown (`auto`, `decltype`, missing).
    pub name: String,
    /// Template arguments: `std::map<std::string, char*>` → `[string, char*]`.
    pub args: Vec<TypeRef>,
    /// Levels of `*`.
    pub pointers: u8,
    pub is_ref: bool,
    pub is_array: bool,
}

impl TypeRef {
    pub fn is_unknown(&self) -> bool {
        self.name.is_empty()
    }
}

/// How long a named variable lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Namespace-scope or global variable.
    Global,
    /// A `static` data member of a class.
    StaticMember,
    /// A function-local `static`.
    StaticLocal,
    /// `thread_local` (any scope).
    ThreadLocal,
    /// Ordinary automatic local or parameter.
    Automatic,
}

impl Storage {
    pub fn is_static(self) -> bool {
        !matches!(self, Storage::Automatic)
    }

    /// Words used in messages: "the global `g_x`".
    pub fn describe(self) -> &'static str {
        match self {
            Storage::Global => "global",
            Storage::StaticMember => "static member",
            Storage::StaticLocal => "static local",
            Storage::ThreadLocal => "thread_local",
            Storage::Automatic => "local",
        }
    }
}

impl Module {
    /// Give back the spare capacity of every vector built by pushing: the run keeps every
    /// file's module until the analysis ends, and growth by doubling leaves a quarter of it
    /// unused on average.
    pub fn shrink_to_fit(&mut self) {
        self.functions.iter_mut().for_each(Function::shrink_to_fit);
        self.functions.shrink_to_fit();
        self.statics.shrink_to_fit();
        self.classes.shrink_to_fit();
        self.function_decls.shrink_to_fit();
        self.typedefs.shrink_to_fit();
    }
}

#[derive(Debug, Clone)]
pub struct StaticVar {
    /// Unqualified name.
    pub name: String,
    /// Enclosing class for static members (`CCache` for `CCache::s_p`).
    pub class: Option<String>,
    pub ty: TypeRef,
    pub storage: Storage,
    pub span: Span,
    /// Internal linkage (`static` at namespace scope, a private Rust `static`): other files
    /// have their own variable of that name.
    pub internal: bool,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub name: String,
    pub bases: Vec<String>,
    pub fields: Vec<Field>,
    /// Methods declared in the class body, with their return types.
    pub methods: Vec<(String, TypeRef)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: TypeRef,
    pub is_static: bool,
    pub span: Span,
}

pub type LocalId = u32;
pub type BlockId = u32;

/// A local variable or parameter of one function (static locals included, marked by `storage`).
#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub ty: TypeRef,
    pub storage: Storage,
    pub span: Span,
    pub is_param: bool,
    /// For a reference (`T& r = x`), the referent is bound at the declaration: stores to the
    /// local go to the referent.
    pub is_ref: bool,
}

#[derive(Debug)]
pub struct Function {
    /// Unqualified name (`OnBeginRequest`).
    pub name: String,
    /// The class it belongs to, from `Class::Name` or from being defined inside a class body.
    pub class: Option<String>,
    pub span: Span,
    pub name_span: Span,
    pub ret: TypeRef,
    /// The first `params` locals are the parameters, in order.
    pub params: u32,
    pub locals: Vec<Local>,
    pub body: Cfg,
    /// Lambdas defined in this function, lowered as functions of their own.
    pub lambdas: Vec<Function>,
}

impl Function {
    fn shrink_to_fit(&mut self) {
        self.locals.shrink_to_fit();
        for b in &mut self.body.blocks {
            b.stmts.shrink_to_fit();
        }
        self.body.blocks.shrink_to_fit();
        self.body.loops.shrink_to_fit();
        self.lambdas.iter_mut().for_each(Function::shrink_to_fit);
        self.lambdas.shrink_to_fit();
    }

    pub fn local(&self, id: LocalId) -> &Local {
        &self.locals[id as usize]
    }

    /// Every top-level expression of the body (statements, initialisers, conditions, returned
    /// values), in block order.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.body.blocks.iter().flat_map(|b| {
            b.stmts
                .iter()
                .filter_map(|s| match s {
                    Stmt::Expr(e) => Some(e),
                    Stmt::Decl { init, .. } => init.as_ref(),
                })
                .chain(match &b.term {
                    Terminator::Branch { cond, .. } => Some(cond),
                    Terminator::Switch { value, .. } => Some(value),
                    Terminator::Return { value, .. } => value.as_ref(),
                    _ => None,
                })
        })
    }
}

/// A control-flow graph. Block 0 is the entry; `exit` has no statements and no successors.
#[derive(Debug, Default)]
pub struct Cfg {
    pub blocks: Vec<Block>,
    pub exit: BlockId,
    /// The loops of the function (`while`, `do`, `for`, range-`for`).
    pub loops: Vec<Loop>,
}

/// A loop: `head` is the block whose `Branch` tests the loop condition; `blocks` are all the
/// blocks of the loop (the head included).
#[derive(Debug, Clone)]
pub struct Loop {
    pub head: BlockId,
    pub blocks: Vec<BlockId>,
    /// The loop has a condition (`for (;;)` and range-`for` have none to judge).
    pub has_condition: bool,
}

#[derive(Debug, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub term: Terminator,
}

#[derive(Debug)]
pub enum Stmt {
    /// An expression evaluated for its effects.
    Expr(Expr),
    /// A declaration of a local, with its initialiser.
    Decl {
        local: LocalId,
        init: Option<Expr>,
        span: Span,
    },
}

#[derive(Debug, Default)]
pub enum Terminator {
    #[default]
    Exit,
    Goto(BlockId),
    /// Evaluate `cond`, then go to `then` when true, `else_` when false.
    Branch {
        cond: Expr,
        then: BlockId,
        else_: BlockId,
    },
    /// Evaluate `value`, then go to any of `targets`.
    Switch {
        value: Expr,
        targets: Vec<BlockId>,
    },
    /// Evaluate the value (if any) and leave the function (goes to `Cfg::exit`).
    Return {
        value: Option<Expr>,
        span: Span,
    },
}

impl Terminator {
    pub fn successors(&self, exit: BlockId) -> Vec<BlockId> {
        match self {
            Terminator::Exit => vec![],
            Terminator::Goto(b) => vec![*b],
            Terminator::Branch { then, else_, .. } => vec![*then, *else_],
            Terminator::Switch { targets, .. } => targets.clone(),
            Terminator::Return { .. } => vec![exit],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// Bit operations, multiplication, division...: the result is a new scalar.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    /// Negation, `~`, `sizeof`...: the result is a new scalar.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastKind {
    CStyle,
    Static,
    Reinterpret,
    Const,
    Dynamic,
    /// Rust `as`.
    As,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lit {
    Null,
    /// The number 0 (also a null pointer constant).
    Zero,
    /// Any other number.
    Number,
    String,
    Bool(bool),
    Char,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A local variable or parameter of the enclosing function.
    Local(LocalId),
    /// A name not declared in the function: a member, a global, a function, an enumerator.
    /// Qualified names keep their qualifier (`CCache::s_p`, `std::move`, `::g_p`).
    Name(String),
    This,
    Field {
        base: Box<Expr>,
        name: String,
        arrow: bool,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Deref(Box<Expr>),
    AddrOf(Box<Expr>),
    /// A call. A method call has a `Field` callee (`recv->Method`); a free function a `Name`.
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `T(args)` / `T{args}` where `T` is a type, and `new T(args)` (with placement arguments).
    /// Boxed, like the type of a cast: the rare large variants would otherwise set the size of
    /// every expression.
    Construct(Box<ConstructExpr>),
    Assign {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        /// `+=`, `-=`: the target keeps what it held and adds the right side's provenance.
        compound: Option<BinOp>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `!x`, `-x`, `~x`, `sizeof x`...: produces a fresh scalar.
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    /// `++`/`--`, prefix or postfix: the operand keeps its provenance.
    IncDec(Box<Expr>),
    Cast {
        kind: CastKind,
        ty: Box<TypeRef>,
        expr: Box<Expr>,
    },
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        else_: Box<Expr>,
    },
    /// `a, b`: all evaluated, the value is the last.
    Seq(Vec<Expr>),
    /// `{a, b}`: an aggregate whose parts are the elements.
    InitList(Vec<Expr>),
    Lit(Lit),
    Delete {
        expr: Box<Expr>,
        array: bool,
    },
    /// A lambda; its body is `Function::lambdas[index]` of the enclosing function.
    Lambda {
        index: u32,
        captures: Vec<Capture>,
    },
    /// Something the front end did not understand; its sub-expressions are still evaluated,
    /// and its value is unknown (never request-scoped).
    Opaque(Vec<Expr>),
}

#[derive(Debug, Clone)]
pub struct ConstructExpr {
    pub ty: TypeRef,
    pub args: Vec<Expr>,
    pub placement: Vec<Expr>,
    /// `new T(...)`: the value is a pointer to the object.
    pub heap: bool,
}

#[derive(Debug, Clone)]
pub struct Capture {
    pub name: String,
    pub by_ref: bool,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    pub fn opaque(span: Span) -> Self {
        Expr::new(ExprKind::Opaque(Vec::new()), span)
    }

    /// Strip casts and parentheses-like wrappers that do not change the value.
    pub fn peel(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Cast { expr, .. } = &e.kind {
            e = expr;
        }
        e
    }

    /// Call `f` on this expression and every sub-expression, parents first. Lambda bodies are
    /// functions of their own and are not entered.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Local(_)
            | ExprKind::Name(_)
            | ExprKind::This
            | ExprKind::Lit(_)
            | ExprKind::Lambda { .. } => {}
            ExprKind::Field { base: x, .. }
            | ExprKind::Deref(x)
            | ExprKind::AddrOf(x)
            | ExprKind::Unary { expr: x, .. }
            | ExprKind::IncDec(x)
            | ExprKind::Cast { expr: x, .. }
            | ExprKind::Delete { expr: x, .. } => x.visit(f),
            ExprKind::Index { base, index } => {
                base.visit(f);
                index.visit(f);
            }
            ExprKind::Call { callee, args } => {
                callee.visit(f);
                args.iter().for_each(|a| a.visit(f));
            }
            ExprKind::Construct(c) => {
                c.placement.iter().for_each(|a| a.visit(f));
                c.args.iter().for_each(|a| a.visit(f));
            }
            ExprKind::Assign { lhs, rhs, .. } | ExprKind::Binary { lhs, rhs, .. } => {
                lhs.visit(f);
                rhs.visit(f);
            }
            ExprKind::Cond { cond, then, else_ } => {
                cond.visit(f);
                then.visit(f);
                else_.visit(f);
            }
            ExprKind::Seq(v) | ExprKind::InitList(v) | ExprKind::Opaque(v) => {
                v.iter().for_each(|a| a.visit(f))
            }
        }
    }

    /// The last segment of a (possibly qualified) name callee: `std::move` → `move`.
    pub fn callee_name(&self) -> Option<&str> {
        match &self.peel().kind {
            ExprKind::Name(n) => Some(n.rsplit("::").next().unwrap_or(n)),
            ExprKind::Field { name, .. } => Some(name),
            _ => None,
        }
    }
}
