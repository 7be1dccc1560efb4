//! The benchmark's tree generator: a synthetic source tree of native IIS modules mixed with
//! unrelated C++, C and Rust, deterministic from a seed (the same spec gives the same bytes on
//! every machine).
//!
//! A tree is a list of *units*, each generated on its own from a seed drawn from the spec's:
//!
//! - **IIS modules** (`modules/<name>/`): a header with the module, factory, statistics and
//!   configuration classes and the helpers' prototypes (SAL annotations, `IfFailGo`-style
//!   macros); `module.cpp` with notification methods (headers, server variables,
//!   `AllocateRequestMemory` checked for NULL, `goto Finished`); `helpers.cpp` with helpers the
//!   notifications call across files; `config.cpp`; `register.cpp` with the globals and
//!   `RegisterModule`; sometimes `global.cpp` with a `CGlobalModule`. Some modules carry planted
//!   defects, each marked with a trailing `// planted: <rule-id>` comment on the line where
//!   iislint should report it; [`planted`] reads them back.
//! - **C++ libraries** (`libs/<name>/`): headers and sources in a modern style (namespaces,
//!   class templates, enum classes, lambdas, range-for, exceptions) or a Win32 style (Hungarian
//!   names, SAL, HRESULT, COM-like classes), constant tables, gtest-style tests. They never
//!   mention the IIS API.
//! - **C libraries** (`clibs/<name>/`): include guards, structs, function-pointer tables,
//!   `goto cleanup`, `#ifdef` blocks.
//! - **Rust crates** (`crates/<name>/`): structs, enums, traits, generics, `match`, closures,
//!   iterator chains, `macro_rules!`, test modules.
//!
//! Function bodies come from one statement generator (assignments, calls into the unit's own
//! functions, `if`/`for`/`while`/`switch`, style-specific statements), with the occasional long
//! function of several hundred lines.

#![allow(dead_code)]

use std::fmt::{self, Write as _};
use std::path::Path;

use rayon::prelude::*;

/// Bump when the generated text changes, so that recorded figures name the generator they
/// were taken with.
pub const GENERATOR_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------------------
// Spec, plan, output
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Most of the code is IIS modules.
    IisHeavy,
    /// At least 90% of the files never mention the IIS API.
    MostlyUnrelated,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::IisHeavy => "iis-heavy",
            Shape::MostlyUnrelated => "mostly-unrelated",
        }
    }

    pub fn parse(s: &str) -> Option<Shape> {
        match s {
            "iis-heavy" => Some(Shape::IisHeavy),
            "mostly-unrelated" => Some(Shape::MostlyUnrelated),
            _ => None,
        }
    }

    /// Share of the lines (percent) given to IIS modules, C++ libraries, C libraries and Rust.
    fn weights(self) -> [usize; 4] {
        match self {
            Shape::IisHeavy => [72, 17, 3, 8],
            Shape::MostlyUnrelated => [3, 70, 9, 18],
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub shape: Shape,
    /// Approximate number of lines (the tree ends up a little over).
    pub lines: usize,
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UnitKind {
    Iis,
    Cpp,
    C,
    Rust,
}

#[derive(Clone, Debug)]
struct Unit {
    kind: UnitKind,
    index: usize,
    seed: u64,
    lines: usize,
    /// IIS modules only: plant every kind of defect (the first module of every tree).
    all_defects: bool,
    /// IIS modules only: percent chance of each kind of defect.
    defect_percent: usize,
}

/// One generated file: its path relative to the tree's root (with `/`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenFile {
    pub path: String,
    pub text: String,
}

/// A defect the generator planted: iislint should report `rule` at `line` of `path`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Planted {
    pub path: String,
    pub line: usize,
    pub rule: String,
}

/// What a generated tree holds.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub lines: usize,
    pub bytes: u64,
    pub cpp_files: usize,
    pub rust_files: usize,
    /// Files that mention the IIS API (see [`mentions_iis`]).
    pub iis_files: usize,
    pub units: [usize; 4],
    pub planted: Vec<Planted>,
}

impl Summary {
    fn add(&mut self, f: &GenFile) {
        self.files += 1;
        self.lines += f.text.bytes().filter(|&b| b == b'\n').count();
        self.bytes += f.text.len() as u64;
        if f.path.ends_with(".rs") {
            self.rust_files += 1;
        } else {
            self.cpp_files += 1;
        }
        if mentions_iis(&f.text) {
            self.iis_files += 1;
        }
        self.planted.extend(planted(&f.path, &f.text));
    }

    fn merge(mut self, other: Summary) -> Summary {
        self.files += other.files;
        self.lines += other.lines;
        self.bytes += other.bytes;
        self.cpp_files += other.cpp_files;
        self.rust_files += other.rust_files;
        self.iis_files += other.iis_files;
        for i in 0..4 {
            self.units[i] += other.units[i];
        }
        self.planted.extend(other.planted);
        self
    }

    /// Percent of the files that never mention the IIS API.
    pub fn unrelated_percent(&self) -> f64 {
        if self.files == 0 {
            return 0.0;
        }
        100.0 * (self.files - self.iis_files) as f64 / self.files as f64
    }
}

/// Does this text mention the IIS API (its header, interfaces, base classes or allocator)?
pub fn mentions_iis(text: &str) -> bool {
    [
        "httpserv.h",
        "IHttp",
        "CHttpModule",
        "CGlobalModule",
        "AllocateRequestMemory",
    ]
    .iter()
    .any(|k| text.contains(k))
}

/// The defects planted in one file: lines ending in `// planted: <rule-id>`.
pub fn planted(path: &str, text: &str) -> Vec<Planted> {
    const MARK: &str = "// planted: ";
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let at = l.find(MARK)?;
            Some(Planted {
                path: path.to_owned(),
                line: i + 1,
                rule: l[at + MARK.len()..].trim().to_owned(),
            })
        })
        .collect()
}

fn plan(spec: &Spec) -> Vec<Unit> {
    let mut rng = Rng::new(spec.seed ^ 0x6973_6c69_6e74);
    let weights = spec.shape.weights();
    let mut units = Vec::new();
    let mut planned = 0;
    let mut per_kind = [0usize; 4];
    while planned < spec.lines {
        // The first unit is always an IIS module with every kind of defect, so that even a
        // tiny tree checks that iislint finds them. After that, the kind that is furthest
        // behind its share comes next (with some noise), so a tree of any size has the
        // shape's mix.
        let kind = if units.is_empty() {
            UnitKind::Iis
        } else {
            let total = planned.max(1) as f64;
            let mut best = 0;
            let mut best_gap = f64::MIN;
            for (k, &w) in weights.iter().enumerate() {
                if w == 0 {
                    continue;
                }
                let gap = w as f64 / 100.0 - per_kind[k] as f64 / total
                    + (rng.below(1000) as f64 / 1000.0 - 0.5) * 0.02;
                if gap > best_gap {
                    best_gap = gap;
                    best = k;
                }
            }
            [UnitKind::Iis, UnitKind::Cpp, UnitKind::C, UnitKind::Rust][best]
        };
        let lines = match kind {
            UnitKind::Iis => rng.range(700, 3200),
            UnitKind::Cpp => {
                if rng.chance(15) {
                    rng.range(15_000, 45_000)
                } else {
                    rng.range(2_000, 12_000)
                }
            }
            UnitKind::C => rng.range(1_500, 9_000),
            UnitKind::Rust => rng.range(1_200, 12_000),
        };
        let lines = lines.min(spec.lines.saturating_sub(planned).max(600));
        let k = kind as usize;
        per_kind[k] += lines;
        planned += lines;
        units.push(Unit {
            kind,
            index: units.len(),
            seed: rng.next_u64(),
            lines,
            all_defects: units.is_empty(),
            defect_percent: match spec.shape {
                Shape::IisHeavy => 12,
                Shape::MostlyUnrelated => 25,
            },
        });
    }
    units
}

fn generate_unit(u: &Unit) -> Vec<GenFile> {
    let mut rng = Rng::new(u.seed);
    match u.kind {
        UnitKind::Iis => iis_unit(&mut rng, u),
        UnitKind::Cpp => cpp_unit(&mut rng, u),
        UnitKind::C => c_unit(&mut rng, u),
        UnitKind::Rust => rust_unit(&mut rng, u),
    }
}

/// The units of the tree, generated (in parallel, in plan order). Files come out a little
/// longer than their budgets (a function is finished once started), so the plan asks for
/// the spec's lines and the tree is the shortest prefix of the plan that reaches them: the
/// mix of kinds is kept, and the size is the spec's, give or take one unit.
fn generate_units(spec: &Spec) -> Vec<(UnitKind, Vec<GenFile>)> {
    let units: Vec<(UnitKind, Vec<GenFile>)> = plan(spec)
        .par_iter()
        .map(|u| (u.kind, generate_unit(u)))
        .collect();
    let mut lines = 0;
    let mut keep = 0;
    for (_, files) in &units {
        if lines >= spec.lines {
            break;
        }
        lines += files
            .iter()
            .map(|f| f.text.bytes().filter(|&b| b == b'\n').count())
            .sum::<usize>();
        keep += 1;
    }
    let mut units = units;
    units.truncate(keep);
    units
}

/// Every file of the tree, in memory (in plan order).
pub fn generate(spec: &Spec) -> Vec<GenFile> {
    generate_units(spec)
        .into_iter()
        .flat_map(|(_, files)| files)
        .collect()
}

/// Write the tree under `dir` (emptied first) and describe it.
pub fn write_tree(spec: &Spec, dir: &Path) -> std::io::Result<Summary> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let summaries: Vec<std::io::Result<Summary>> = generate_units(spec)
        .into_par_iter()
        .map(|(kind, files)| {
            let mut s = Summary::default();
            s.units[kind as usize] += 1;
            for f in files {
                let path = dir.join(&f.path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, &f.text)?;
                s.add(&f);
            }
            Ok(s)
        })
        .collect();
    let mut total = Summary::default();
    for s in summaries {
        total = total.merge(s?);
    }
    total.planted.sort();
    Ok(total)
}

/// Describe files held in memory (as [`write_tree`] would).
pub fn summarize(files: &[GenFile]) -> Summary {
    let mut s = Summary::default();
    for f in files {
        s.add(f);
    }
    s.planted.sort();
    s
}

// ---------------------------------------------------------------------------------------------
// Randomness, text, names
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// A text being written, with its indentation, brace style and line count.
struct W {
    s: String,
    ind: usize,
    lines: usize,
    allman: bool,
    tab: &'static str,
}

macro_rules! ln {
    ($w:expr, $($t:tt)*) => { $w.line(format_args!($($t)*)) };
}
macro_rules! open {
    ($w:expr, $($t:tt)*) => { $w.open(format_args!($($t)*)) };
}

impl W {
    fn new(allman: bool, tab: &'static str) -> W {
        W {
            s: String::with_capacity(64 * 1024),
            ind: 0,
            lines: 0,
            allman,
            tab,
        }
    }

    fn line(&mut self, args: fmt::Arguments<'_>) {
        for _ in 0..self.ind {
            self.s.push_str(self.tab);
        }
        let _ = self.s.write_fmt(args);
        self.s.push('\n');
        self.lines += 1;
    }

    /// A line at column 0 (preprocessor lines, labels).
    fn raw(&mut self, text: &str) {
        self.s.push_str(text);
        self.s.push('\n');
        self.lines += 1;
    }

    fn blank(&mut self) {
        self.s.push('\n');
        self.lines += 1;
    }

    /// `head {` (or `head` then `{` in Allman style), then indent.
    fn open(&mut self, head: fmt::Arguments<'_>) {
        if self.allman {
            self.line(head);
            self.line(format_args!("{{"));
        } else {
            self.line(format_args!("{head} {{"));
        }
        self.ind += 1;
    }

    /// `public:` and the like, one level out.
    fn access(&mut self, label: &str) {
        self.ind -= 1;
        self.line(format_args!(" {label}"));
        self.ind += 1;
    }

    fn close(&mut self) {
        self.ind -= 1;
        self.line(format_args!("}}"));
    }

    fn close_with(&mut self, tail: &str) {
        self.ind -= 1;
        self.line(format_args!("}}{tail}"));
    }

    /// `} else {` and the like.
    fn mid(&mut self, head: &str) {
        self.ind -= 1;
        if self.allman {
            self.line(format_args!("}}"));
            self.line(format_args!("{head}"));
            self.line(format_args!("{{"));
        } else {
            self.line(format_args!("}} {head} {{"));
        }
        self.ind += 1;
    }

    fn finish(self, path: String) -> GenFile {
        GenFile { path, text: self.s }
    }
}

const NOUNS: &[&str] = &[
    "buffer",
    "header",
    "cache",
    "entry",
    "token",
    "session",
    "config",
    "value",
    "node",
    "item",
    "record",
    "range",
    "block",
    "frame",
    "packet",
    "stream",
    "table",
    "index",
    "key",
    "path",
    "host",
    "agent",
    "cookie",
    "chunk",
    "slot",
    "queue",
    "pool",
    "page",
    "field",
    "column",
    "segment",
    "span",
    "list",
    "map",
    "tree",
    "graph",
    "edge",
    "vertex",
    "event",
    "timer",
    "handle",
    "lock",
    "state",
    "status",
    "result",
    "count",
    "size",
    "offset",
    "limit",
    "flag",
    "mode",
    "option",
    "policy",
    "rule",
    "filter",
    "rewrite",
    "route",
    "target",
    "source",
    "channel",
    "message",
    "payload",
    "digest",
    "hash",
    "signature",
    "credential",
    "tenant",
    "quota",
    "metric",
    "counter",
    "sample",
    "histogram",
    "trace",
    "journal",
    "snapshot",
    "batch",
    "cursor",
    "window",
    "region",
    "bucket",
    "shard",
    "replica",
    "lease",
    "ticket",
    "grant",
    "schema",
    "variant",
    "symbol",
    "scope",
    "module",
    "plugin",
    "widget",
    "layer",
    "texture",
    "mesh",
    "shader",
    "vector",
    "matrix",
    "quaternion",
    "sprite",
    "socket",
    "endpoint",
    "codec",
];
const VERBS: &[&str] = &[
    "get",
    "set",
    "find",
    "parse",
    "format",
    "build",
    "append",
    "remove",
    "insert",
    "update",
    "check",
    "validate",
    "compute",
    "load",
    "store",
    "flush",
    "reset",
    "init",
    "open",
    "close",
    "read",
    "write",
    "encode",
    "decode",
    "hash",
    "compare",
    "merge",
    "split",
    "trim",
    "normalize",
    "resolve",
    "lookup",
    "register",
    "dispatch",
    "apply",
    "collect",
    "emit",
    "scan",
    "visit",
    "render",
    "serialize",
    "compress",
    "expand",
    "copy",
    "swap",
    "clear",
    "reserve",
    "resize",
    "sort",
    "select",
    "count",
    "measure",
    "refresh",
    "prune",
    "rotate",
    "drain",
];
const ADJS: &[&str] = &[
    "last",
    "first",
    "next",
    "prev",
    "current",
    "default",
    "max",
    "min",
    "total",
    "local",
    "remote",
    "cached",
    "pending",
    "active",
    "raw",
    "parsed",
    "encoded",
    "shared",
    "primary",
    "secondary",
    "temp",
    "base",
    "root",
    "stale",
    "dirty",
    "spare",
    "inner",
    "outer",
];
const ORGS: &[&str] = &[
    "acme",
    "contoso",
    "fabrikam",
    "northwind",
    "tailspin",
    "litware",
    "adatum",
    "proseware",
];
const HTTP_HEADERS: &[&str] = &[
    "X-Trace-Id",
    "X-Request-Id",
    "X-Forwarded-For",
    "X-Client-Tag",
    "X-Tenant",
    "X-Api-Key",
    "X-Session",
    "X-Correlation-Id",
    "X-Feature",
    "X-Locale",
    "X-Device",
    "X-Region",
    "User-Agent",
    "Referer",
    "Accept-Language",
    "Cookie",
    "Authorization",
    "If-None-Match",
];
const SERVER_VARS: &[&str] = &[
    "URL",
    "QUERY_STRING",
    "REMOTE_ADDR",
    "HTTP_HOST",
    "SCRIPT_NAME",
    "PATH_INFO",
    "SERVER_NAME",
    "AUTH_USER",
    "REQUEST_METHOD",
    "HTTPS",
    "LOCAL_ADDR",
    "APPL_MD_PATH",
];

fn cap(s: impl AsRef<str>) -> String {
    let mut c = s.as_ref().chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// `CamelCase` from two random words.
fn camel2(rng: &mut Rng) -> String {
    format!("{}{}", cap(rng.pick(ADJS)), cap(rng.pick(NOUNS)))
}

fn snake2(rng: &mut Rng) -> String {
    format!("{}_{}", rng.pick(ADJS), rng.pick(NOUNS))
}

/// A unique-enough name for a unit: two words and the unit's index.
fn unit_name(rng: &mut Rng, index: usize) -> String {
    format!("{}{}{}", rng.pick(NOUNS), rng.pick(NOUNS), index)
}

// ---------------------------------------------------------------------------------------------
// Function bodies
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// Windows C++: Hungarian names, HRESULT, `goto Finished`, Allman braces.
    Win,
    /// Modern C++: snake_case, `auto`, lambdas, range-for, K&R braces.
    Modern,
    /// C: `goto cleanup`, K&R braces.
    C,
    /// Rust.
    Rust,
}

/// A function a body may call: its name and number of integer arguments.
#[derive(Clone, Debug)]
struct Callee {
    name: String,
    arity: usize,
    /// Returns HRESULT (Win) or an error code (C) rather than a number.
    status: bool,
}

/// The statement generator for one function body.
struct Body<'a> {
    rng: Rng,
    style: Style,
    /// Integer variables in scope.
    ints: Vec<String>,
    /// Vectors in scope (modern C++, Rust).
    vecs: Vec<String>,
    calls: &'a [Callee],
    /// Win: `hr` and a `Finished:` label; C: `rc` and a `cleanup:` label.
    status: bool,
    /// Statements left to write.
    left: usize,
    depth: usize,
    fresh: usize,
}

impl<'a> Body<'a> {
    fn new(rng: &mut Rng, style: Style, calls: &'a [Callee], statements: usize) -> Body<'a> {
        Body {
            rng: Rng::new(rng.next_u64()),
            style,
            ints: Vec::new(),
            vecs: Vec::new(),
            calls,
            status: false,
            left: statements,
            depth: 0,
            fresh: 0,
        }
    }

    fn fresh(&mut self, base: &str) -> String {
        self.fresh += 1;
        format!("{base}{}", self.fresh)
    }

    fn var(&mut self) -> String {
        if self.ints.is_empty() {
            return "0".into();
        }
        let i = self.rng.below(self.ints.len());
        self.ints[i].clone()
    }

    /// Two different variables when there are two.
    fn var2(&mut self) -> (String, String) {
        let a = self.var();
        for _ in 0..4 {
            let b = self.var();
            if b != a {
                return (a, b);
            }
        }
        let b = self.lit();
        (a, b)
    }

    /// A variable or literal other than `not`.
    fn atom_not(&mut self, not: &str) -> String {
        for _ in 0..4 {
            let a = self.atom();
            if a != not {
                return a;
            }
        }
        self.lit()
    }

    fn lit(&mut self) -> String {
        match self.rng.below(6) {
            0 => format!("0x{:X}", self.rng.below(0x10000)),
            1 => format!("{}", 1usize << self.rng.below(12)),
            _ => format!("{}", self.rng.below(200)),
        }
    }

    fn atom(&mut self) -> String {
        if self.rng.chance(70) {
            self.var()
        } else {
            self.lit()
        }
    }

    fn expr(&mut self) -> String {
        const OPS: &[&str] = &["+", "-", "*", "^", "|", "&", "<<", ">>", "%", "/"];
        match self.rng.below(12) {
            0..=3 => self.atom(),
            4..=6 => {
                let (a, op) = (self.var(), *self.rng.pick(OPS));
                let b = self.atom_not(&a);
                if op == "%" || op == "/" {
                    format!("{a} {op} ({b} + 1)")
                } else if op == "<<" || op == ">>" {
                    format!("{a} {op} {}", self.rng.range(1, 7))
                } else {
                    format!("{a} {op} {b}")
                }
            }
            7 => {
                let (a, b, c) = (self.var(), self.atom(), self.lit());
                format!("({a} + {b}) * {c}")
            }
            8 | 9 => self.call_expr().unwrap_or_else(|| self.var()),
            10 => {
                let (a, b) = self.var2();
                match self.style {
                    Style::Rust => format!("if {a} > {b} {{ {a} - {b} }} else {{ {b} - {a} }}"),
                    _ => format!("({a} > {b} ? {a} - {b} : {b} - {a})"),
                }
            }
            _ => {
                let a = self.var();
                match self.style {
                    Style::Win => format!("LOWORD({a}) + HIWORD({a})"),
                    Style::Modern => format!("static_cast<std::size_t>({a}) >> 1"),
                    Style::C => format!("(size_t)({a}) >> 1"),
                    Style::Rust => format!("{a}.rotate_left(3)"),
                }
            }
        }
    }

    fn cond(&mut self) -> String {
        const CMP: &[&str] = &["<", ">", "<=", ">=", "==", "!="];
        match self.rng.below(5) {
            0 | 1 => {
                let (a, c) = (self.var(), *self.rng.pick(CMP));
                let b = self.atom_not(&a);
                format!("{a} {c} {b}")
            }
            2 => {
                let ((a, b), l) = (self.var2(), self.lit());
                format!("{a} != 0 && {b} < {l}")
            }
            3 => {
                let (a, l) = (self.var(), 1usize << self.rng.below(16));
                format!("({a} & 0x{l:X}) != 0")
            }
            _ => {
                let (a, b) = self.var2();
                format!("{a} > {b} || {b} == 0")
            }
        }
    }

    fn call_args(&mut self, n: usize) -> String {
        (0..n).map(|_| self.atom()).collect::<Vec<_>>().join(", ")
    }

    /// A call to a number-returning function of the unit.
    fn call_expr(&mut self) -> Option<String> {
        if self.calls.is_empty() {
            return None;
        }
        let c = &self.calls[self.rng.below(self.calls.len())];
        if c.status {
            return None;
        }
        let (name, arity) = (c.name.clone(), c.arity);
        let args = self.call_args(arity);
        Some(format!("{name}({args})"))
    }

    /// The statements of a block: at least one line, even when the budget is spent.
    fn statements(&mut self, w: &mut W, n: usize) {
        if self.left == 0 && n > 0 {
            self.comment(w);
            return;
        }
        for _ in 0..n {
            if self.left == 0 {
                break;
            }
            self.statement(w);
        }
    }

    fn statement(&mut self, w: &mut W) {
        self.left -= 1;
        let nest = self.depth < 3 && self.left > 2;
        let r = self.rng.below(100);
        match r {
            0..=20 => self.assign(w),
            21..=33 => self.call_stmt(w),
            34..=47 if nest => self.if_stmt(w),
            48..=55 if nest => self.for_stmt(w),
            56..=59 if nest => self.while_stmt(w),
            60..=63 if nest => self.switch_stmt(w),
            64..=75 => self.special(w),
            76..=82 => self.comment(w),
            _ => self.compound(w),
        }
    }

    fn target(&mut self) -> String {
        // Never assign to a parameter-looking name in Rust (they are immutable).
        self.var()
    }

    fn assign(&mut self, w: &mut W) {
        if self.ints.is_empty() {
            return self.comment(w);
        }
        let t = self.target();
        let mut e = self.expr();
        if e == t {
            e = self.lit();
        }
        ln!(w, "{t} = {e};");
    }

    fn compound(&mut self, w: &mut W) {
        if self.ints.is_empty() {
            return self.comment(w);
        }
        const OPS: &[&str] = &["+=", "-=", "^=", "|=", "&="];
        let (t, op) = (self.target(), *self.rng.pick(OPS));
        let e = self.atom_not(&t);
        if self.style == Style::Rust && (op == "+=" || op == "-=") {
            let m = if op == "+=" {
                "wrapping_add"
            } else {
                "wrapping_sub"
            };
            ln!(w, "{t} = {t}.{m}({e});");
        } else {
            ln!(w, "{t} {op} {e};");
        }
    }

    fn call_stmt(&mut self, w: &mut W) {
        if self.calls.is_empty() || self.ints.is_empty() {
            return self.compound(w);
        }
        let c = self.calls[self.rng.below(self.calls.len())].clone();
        let args = self.call_args(c.arity);
        match (self.style, c.status, self.status) {
            (Style::Win, true, true) => {
                if self.rng.chance(50) {
                    ln!(w, "IfFailGo({}({args}));", c.name);
                } else {
                    ln!(w, "hr = {}({args});", c.name);
                    open!(w, "if (FAILED(hr))");
                    ln!(w, "goto Finished;");
                    w.close();
                }
            }
            (Style::C, true, true) => {
                ln!(w, "rc = {}({args});", c.name);
                open!(w, "if (rc != 0)");
                ln!(w, "goto cleanup;");
                w.close();
            }
            (_, true, _) => ln!(w, "(void){}({args});", c.name),
            _ => {
                let t = self.target();
                ln!(w, "{t} = {}({args});", c.name);
            }
        }
    }

    fn if_stmt(&mut self, w: &mut W) {
        let c = self.cond();
        self.depth += 1;
        let n = self.rng.range(1, 4);
        match self.style {
            Style::Rust => open!(w, "if {c}"),
            _ => open!(w, "if ({c})"),
        }
        self.statements(w, n);
        if self.rng.chance(25) {
            let c2 = self.cond();
            match self.style {
                Style::Rust => w.mid(&format!("else if {c2}")),
                _ => w.mid(&format!("else if ({c2})")),
            }
            let n = self.rng.range(1, 3);
            self.statements(w, n);
        }
        if self.rng.chance(40) {
            w.mid("else");
            let n = self.rng.range(1, 3);
            self.statements(w, n);
        }
        w.close();
        self.depth -= 1;
    }

    fn for_stmt(&mut self, w: &mut W) {
        self.depth += 1;
        let n = self.rng.range(1, 4);
        let bound = self.atom();
        match self.style {
            Style::Win => {
                let i = self.fresh("i");
                open!(w, "for (DWORD {i} = 0; {i} < {bound}; {i}++)");
                self.ints.push(i);
            }
            Style::C => {
                let i = self.fresh("i");
                open!(w, "for (size_t {i} = 0; {i} < (size_t)({bound}); ++{i})");
                self.ints.push(i);
            }
            Style::Modern => {
                if !self.vecs.is_empty() && self.rng.chance(50) {
                    let v = self.vecs[self.rng.below(self.vecs.len())].clone();
                    let e = self.fresh("elem");
                    open!(w, "for (const auto& {e} : {v})");
                    self.ints.push(e);
                } else {
                    let i = self.fresh("i");
                    open!(w, "for (std::size_t {i} = 0; {i} < {bound}; ++{i})");
                    self.ints.push(i);
                }
            }
            Style::Rust => {
                if !self.vecs.is_empty() && self.rng.chance(50) {
                    let v = self.vecs[self.rng.below(self.vecs.len())].clone();
                    let e = self.fresh("elem");
                    open!(w, "for &{e} in {v}.iter()");
                    self.ints.push(e);
                } else {
                    let i = self.fresh("i");
                    open!(w, "for {i} in 0..({bound} % 64)");
                    self.ints.push(i);
                }
            }
        }
        // Loop variables are read, never assigned: keep them out of the targets by
        // popping them after the body (they are only in scope there anyway).
        let lv = self.ints.len() - 1;
        self.statements_reading(w, n, lv);
        if self.rng.chance(20) {
            let c = self.cond();
            match self.style {
                Style::Rust => open!(w, "if {c}"),
                _ => open!(w, "if ({c})"),
            }
            ln!(w, "break;");
            w.close();
        }
        self.ints.truncate(lv);
        w.close();
        self.depth -= 1;
    }

    /// Statements that may read `ints[lv]` but not assign it.
    fn statements_reading(&mut self, w: &mut W, n: usize, lv: usize) {
        let loop_var = self.ints.remove(lv);
        // Readable through a shadow list: put it back only for expressions.
        for _ in 0..n {
            if self.left == 0 {
                break;
            }
            if self.rng.chance(40) && !self.ints.is_empty() {
                self.left -= 1;
                let t = self.target();
                let l = self.lit();
                match self.style {
                    Style::Rust => ln!(w, "{t} ^= ({loop_var} as u64).wrapping_mul({l});"),
                    _ => ln!(w, "{t} += {loop_var} * {l};"),
                }
            } else {
                self.statement(w);
            }
        }
        self.ints.insert(lv, loop_var);
    }

    fn while_stmt(&mut self, w: &mut W) {
        self.depth += 1;
        let c = self.cond();
        let n = self.rng.range(1, 3);
        match self.style {
            Style::Rust => open!(w, "while {c}"),
            _ => open!(w, "while ({c})"),
        }
        self.statements(w, n);
        // Always leave: the code is never run, but it should look like it terminates.
        match self.style {
            Style::Rust => ln!(w, "break;"),
            _ => ln!(w, "break;"),
        }
        w.close();
        self.depth -= 1;
    }

    fn switch_stmt(&mut self, w: &mut W) {
        self.depth += 1;
        let v = self.var();
        let cases = self.rng.range(2, 6);
        match self.style {
            Style::Rust => {
                open!(w, "match {v} % {}", cases + 1);
                for k in 0..cases {
                    open!(w, "{k} =>");
                    let n = self.rng.range(1, 2);
                    self.statements(w, n);
                    w.close();
                }
                open!(w, "_ =>");
                let n = self.rng.range(0, 1);
                self.statements(w, n);
                w.close();
                w.close();
            }
            _ => {
                open!(w, "switch ({v})");
                for k in 0..cases {
                    let label = if self.style == Style::Win && self.rng.chance(30) {
                        format!("0x{:X}", k * 0x10)
                    } else {
                        k.to_string()
                    };
                    let n = self.rng.range(1, 2);
                    if self.style == Style::Modern {
                        // Braced, so that declarations in a case are scoped.
                        open!(w, "case {label}:");
                        self.statements(w, n);
                        ln!(w, "break;");
                        w.close();
                    } else {
                        ln!(w, "case {label}:");
                        w.ind += 1;
                        self.statements(w, n);
                        ln!(w, "break;");
                        w.ind -= 1;
                    }
                }
                ln!(w, "default:");
                w.ind += 1;
                ln!(w, "break;");
                w.ind -= 1;
                w.close();
            }
        }
        self.depth -= 1;
    }

    fn comment(&mut self, w: &mut W) {
        const NOTES: &[&str] = &[
            "keep the order: callers rely on it",
            "fast path first; the slow path below handles the rest",
            "the value is clamped again by the caller",
            "see the design note in the header",
            "wrap-around is intended here",
            "cheap enough to recompute every time",
            "do not reorder with the check above",
            "historical: older peers send this field unpadded",
            "TODO: measure before making this adaptive",
            "bounded by the table size",
        ];
        let note = *self.rng.pick(NOTES);
        match self.style {
            Style::C if self.rng.chance(50) => ln!(w, "/* {note} */"),
            _ => ln!(w, "// {note}"),
        }
    }

    fn special(&mut self, w: &mut W) {
        match self.style {
            Style::Win => {
                let v = self.var();
                match self.rng.below(5) {
                    0 if self.status => {
                        ln!(w, "if ({v} > 0x{:X})", 1usize << self.rng.range(8, 20));
                        ln!(w, "{{");
                        ln!(w, "    hr = HRESULT_FROM_WIN32(ERROR_INVALID_DATA);");
                        ln!(w, "    goto Finished;");
                        ln!(w, "}}");
                    }
                    1 => ln!(w, "{v} = min({v}, {});", self.lit()),
                    2 => {
                        let l = self.lit();
                        ln!(
                            w,
                            "InterlockedExchangeAdd(reinterpret_cast<LONG*>(&{v}), {l});"
                        )
                    }
                    3 => {
                        let a = self.var();
                        ln!(w, "{v} = MAKELONG(LOWORD({a}), HIWORD({v}));")
                    }
                    _ => ln!(w, "{v} |= 0x{:04X};", 1usize << self.rng.below(16)),
                }
            }
            Style::Modern => match self.rng.below(5) {
                0 => {
                    let f = self.fresh("step");
                    let (a, l) = (self.var(), self.lit());
                    ln!(
                        w,
                        "auto {f} = [&](std::size_t v) {{ return v * {l} + {a}; }};"
                    );
                    let t = self.target();
                    ln!(w, "{t} = {f}({t});");
                }
                1 => {
                    let v = self.fresh("values");
                    let (a, b) = (self.atom(), self.atom());
                    ln!(w, "std::vector<std::size_t> {v}{{{a}, {b}}};");
                    ln!(w, "{v}.push_back({});", self.expr());
                    self.vecs.push(v);
                }
                2 if !self.vecs.is_empty() => {
                    let v = self.vecs[self.rng.below(self.vecs.len())].clone();
                    let t = self.target();
                    ln!(
                        w,
                        "{t} += std::accumulate({v}.begin(), {v}.end(), std::size_t{{0}});"
                    );
                }
                3 if self.depth < 3 && self.left > 2 => {
                    self.depth += 1;
                    open!(w, "try");
                    let n = self.rng.range(1, 2);
                    self.statements(w, n);
                    w.mid("catch (const std::exception& ex)");
                    ln!(w, "log_error(\"{}\", ex.what());", snake2(&mut self.rng));
                    w.close();
                    self.depth -= 1;
                }
                _ => {
                    let (t, a) = (self.target(), self.var());
                    ln!(w, "{t} = std::max<std::size_t>({t}, {a});");
                }
            },
            Style::C => match self.rng.below(3) {
                0 if self.status => {
                    let v = self.var();
                    open!(w, "if ({v} > {})", 1usize << self.rng.range(8, 20));
                    ln!(w, "rc = -EINVAL;");
                    ln!(w, "goto cleanup;");
                    w.close();
                }
                1 => {
                    let v = self.var();
                    ln!(w, "{v} = (({v} + 7) & ~(size_t)7);");
                }
                _ => {
                    let v = self.var();
                    ln!(w, "assert({v} < SIZE_MAX);");
                }
            },
            Style::Rust => match self.rng.below(4) {
                0 => {
                    let v = self.fresh("values");
                    let (a, b) = (self.atom(), self.atom());
                    ln!(w, "let mut {v}: Vec<u64> = vec![{a}, {b}];");
                    ln!(w, "{v}.push({});", self.expr());
                    self.vecs.push(v);
                }
                1 if !self.vecs.is_empty() => {
                    let v = self.vecs[self.rng.below(self.vecs.len())].clone();
                    let (t, l) = (self.target(), self.lit());
                    ln!(
                        w,
                        "{t} = {v}.iter().copied().filter(|x| x % 2 == 0).map(|x| x.wrapping_mul({l})).sum();"
                    );
                }
                2 if !self.vecs.is_empty() => {
                    let v = self.vecs[self.rng.below(self.vecs.len())].clone();
                    let t = self.target();
                    open!(w, "if let Some(&first) = {v}.first()");
                    ln!(w, "{t} ^= first;");
                    w.close();
                }
                _ => {
                    let (t, a) = (self.target(), self.var());
                    ln!(w, "{t} = {t}.max({a}).saturating_sub(1);");
                }
            },
        }
    }
}

/// A function's statement count: mostly short, sometimes long.
fn body_size(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..=54 => rng.range(4, 14),
        55..=89 => rng.range(14, 40),
        90..=97 => rng.range(40, 110),
        _ => rng.range(110, 260),
    }
}

/// Win-style locals: declared at the top, Hungarian.
fn win_locals(rng: &mut Rng, body: &mut Body<'_>, w: &mut W, n: usize) {
    const TYPES: &[(&str, &str)] = &[
        ("DWORD", "dw"),
        ("ULONG", "ul"),
        ("SIZE_T", "cb"),
        ("DWORD", "cch"),
        ("LONG", "l"),
        ("USHORT", "us"),
    ];
    for _ in 0..n {
        let (ty, pre) = *rng.pick(TYPES);
        let name = format!("{pre}{}", cap(rng.pick(NOUNS)));
        if body.ints.contains(&name) {
            continue;
        }
        ln!(w, "{ty:<8}{name} = 0;");
        body.ints.push(name);
    }
}

fn modern_locals(rng: &mut Rng, body: &mut Body<'_>, w: &mut W, n: usize) {
    for _ in 0..n {
        let name = format!("{}_{}", rng.pick(ADJS), rng.pick(NOUNS));
        if body.ints.contains(&name) {
            continue;
        }
        let ty = if rng.chance(70) {
            "std::size_t"
        } else {
            "auto"
        };
        let init = if ty == "auto" { "std::size_t{0}" } else { "0" };
        ln!(w, "{ty} {name} = {init};");
        body.ints.push(name);
    }
}

fn c_locals(rng: &mut Rng, body: &mut Body<'_>, w: &mut W, n: usize) {
    for _ in 0..n {
        let name = format!(
            "{}_{}",
            rng.pick(NOUNS),
            rng.pick(&["len", "n", "off", "cnt", "idx"])
        );
        if body.ints.contains(&name) {
            continue;
        }
        ln!(w, "size_t {name} = 0;");
        body.ints.push(name);
    }
}

fn rust_locals(rng: &mut Rng, body: &mut Body<'_>, w: &mut W, n: usize) {
    for _ in 0..n {
        let name = format!("{}_{}", rng.pick(ADJS), rng.pick(NOUNS));
        if body.ints.contains(&name) {
            continue;
        }
        ln!(w, "let mut {name}: u64 = 0;");
        body.ints.push(name);
    }
}

/// A Win-style free function or method, complete: signature, locals, body, exit.
/// `owner` makes it a method definition `owner::name`.
fn win_function(
    rng: &mut Rng,
    w: &mut W,
    owner: Option<&str>,
    f: &Callee,
    calls: &[Callee],
    statements: usize,
) {
    const PTYPES: &[(&str, &str)] = &[
        ("DWORD", "dw"),
        ("ULONG", "ul"),
        ("SIZE_T", "cb"),
        ("DWORD", "cch"),
        ("USHORT", "us"),
    ];
    let mut body = Body::new(rng, Style::Win, calls, statements);
    if rng.chance(40) {
        ln!(w, "//");
        ln!(
            w,
            "// {}: {} the {} {}.",
            f.name,
            rng.pick(VERBS),
            rng.pick(ADJS),
            rng.pick(NOUNS)
        );
        ln!(w, "//");
    }
    ln!(w, "{}", if f.status { "HRESULT" } else { "DWORD" });
    let qual = owner.map(|o| format!("{o}::")).unwrap_or_default();
    if f.arity == 0 {
        ln!(w, "{qual}{}(", f.name);
        ln!(w, "    VOID");
    } else {
        ln!(w, "{qual}{}(", f.name);
        for i in 0..f.arity {
            let (ty, pre) = PTYPES[(i + f.name.len()) % PTYPES.len()];
            let name = format!(
                "{pre}{}{}",
                cap(NOUNS[(i * 7 + f.name.len()) % NOUNS.len()]),
                i
            );
            let sep = if i + 1 == f.arity { "" } else { "," };
            ln!(w, "    _In_ {ty:<10}{name}{sep}");
            body.ints.push(name);
        }
    }
    ln!(w, "    )");
    ln!(w, "{{");
    w.ind += 1;
    if f.status {
        ln!(w, "HRESULT hr = S_OK;");
        body.status = true;
    }
    let n = rng.range(1, 5);
    win_locals(rng, &mut body, w, n);
    w.blank();
    let n = body.left;
    body.statements(w, n);
    if f.status {
        w.blank();
        w.raw("Finished:");
        ln!(w, "return hr;");
    } else {
        let e = body.expr();
        ln!(w, "return static_cast<DWORD>({e});");
    }
    w.ind -= 1;
    ln!(w, "}}");
    w.blank();
}

fn modern_function(
    rng: &mut Rng,
    w: &mut W,
    owner: Option<&str>,
    f: &Callee,
    calls: &[Callee],
    statements: usize,
    prefix: &str,
) {
    let mut body = Body::new(rng, Style::Modern, calls, statements);
    let mut params = Vec::new();
    for i in 0..f.arity {
        let name = format!("{}_{}", NOUNS[(i * 5 + f.name.len()) % NOUNS.len()], i);
        params.push(format!("std::size_t {name}"));
        body.ints.push(name);
    }
    if rng.chance(30) {
        ln!(
            w,
            "/// {} the {} {}.",
            cap(rng.pick(VERBS)),
            rng.pick(ADJS),
            rng.pick(NOUNS)
        );
    }
    let qual = owner.map(|o| format!("{o}::")).unwrap_or_default();
    if rng.chance(15) {
        open!(
            w,
            "{prefix}auto {qual}{}({}) -> std::size_t",
            f.name,
            params.join(", ")
        );
    } else {
        open!(
            w,
            "{prefix}std::size_t {qual}{}({})",
            f.name,
            params.join(", ")
        );
    }
    let n = rng.range(1, 4);
    modern_locals(rng, &mut body, w, n);
    if rng.chance(30) {
        let (a, b) = (body.atom(), body.atom());
        ln!(w, "std::vector<std::size_t> values{{{a}, {b}}};");
        body.vecs.push("values".into());
    }
    let n = body.left;
    body.statements(w, n);
    let e = body.expr();
    ln!(w, "return {e};");
    w.close();
    w.blank();
}

fn c_function(rng: &mut Rng, w: &mut W, f: &Callee, calls: &[Callee], statements: usize, st: bool) {
    let mut body = Body::new(rng, Style::C, calls, statements);
    let mut params = Vec::new();
    for i in 0..f.arity {
        let name = format!("{}_{}", NOUNS[(i * 3 + f.name.len()) % NOUNS.len()], i);
        params.push(format!("size_t {name}"));
        body.ints.push(name);
    }
    let params = if params.is_empty() {
        "void".to_owned()
    } else {
        params.join(", ")
    };
    let stat = if st { "static " } else { "" };
    let ret = if f.status { "int" } else { "size_t" };
    if rng.chance(30) {
        ln!(w, "/*");
        ln!(
            w,
            " * {}: {} the {} {}.",
            f.name,
            rng.pick(VERBS),
            rng.pick(ADJS),
            rng.pick(NOUNS)
        );
        ln!(w, " */");
    }
    ln!(w, "{stat}{ret}");
    open!(w, "{}({params})", f.name);
    if f.status {
        ln!(w, "int rc = 0;");
        body.status = true;
    }
    let n = rng.range(1, 4);
    c_locals(rng, &mut body, w, n);
    w.blank();
    let n = body.left;
    body.statements(w, n);
    if f.status {
        w.raw("cleanup:");
        ln!(w, "return rc;");
    } else {
        let e = body.expr();
        ln!(w, "return {e};");
    }
    w.close();
    w.blank();
}

/// A unit's functions: names, arities and whether they return a status.
fn callees(rng: &mut Rng, style: Style, n: (usize, usize), status_percent: usize) -> Vec<Callee> {
    let n = rng.range(n.0, n.1);
    let mut out: Vec<Callee> = Vec::with_capacity(n);
    while out.len() < n {
        let (v, a, o) = (*rng.pick(VERBS), *rng.pick(ADJS), *rng.pick(NOUNS));
        let name = match style {
            Style::Win => format!("{}{}{}", cap(v), cap(a), cap(o)),
            Style::Modern | Style::C | Style::Rust => format!("{v}_{a}_{o}"),
        };
        if out.iter().any(|c| c.name == name) {
            continue;
        }
        out.push(Callee {
            name,
            arity: rng.range(0, 4),
            status: rng.chance(status_percent),
        });
    }
    out
}

/// Split `total` lines into file budgets: many small files, some large ones.
fn file_budgets(rng: &mut Rng, total: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut left = total;
    while left > 0 {
        let b = match rng.below(100) {
            0..=44 => rng.range(60, 300),
            45..=84 => rng.range(300, 900),
            85..=96 => rng.range(900, 2500),
            _ => rng.range(2500, 7000),
        };
        let b = b.min(left).max(40);
        out.push(b);
        left = left.saturating_sub(b);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// IIS modules
// ---------------------------------------------------------------------------------------------

struct Notif {
    method: &'static str,
    provider: &'static str,
    flag: &'static str,
}

const NOTIFS: &[Notif] = &[
    Notif {
        method: "OnBeginRequest",
        provider: "IHttpEventProvider",
        flag: "RQ_BEGIN_REQUEST",
    },
    Notif {
        method: "OnAuthenticateRequest",
        provider: "IAuthenticationProvider",
        flag: "RQ_AUTHENTICATE_REQUEST",
    },
    Notif {
        method: "OnAuthorizeRequest",
        provider: "IHttpEventProvider",
        flag: "RQ_AUTHORIZE_REQUEST",
    },
    Notif {
        method: "OnResolveRequestCache",
        provider: "IHttpEventProvider",
        flag: "RQ_RESOLVE_REQUEST_CACHE",
    },
    Notif {
        method: "OnMapRequestHandler",
        provider: "IHttpEventProvider",
        flag: "RQ_MAP_REQUEST_HANDLER",
    },
    Notif {
        method: "OnAcquireRequestState",
        provider: "IHttpEventProvider",
        flag: "RQ_ACQUIRE_REQUEST_STATE",
    },
    Notif {
        method: "OnPreExecuteRequestHandler",
        provider: "IHttpEventProvider",
        flag: "RQ_PRE_EXECUTE_REQUEST_HANDLER",
    },
    Notif {
        method: "OnExecuteRequestHandler",
        provider: "IHttpEventProvider",
        flag: "RQ_EXECUTE_REQUEST_HANDLER",
    },
    Notif {
        method: "OnReleaseRequestState",
        provider: "IHttpEventProvider",
        flag: "RQ_RELEASE_REQUEST_STATE",
    },
    Notif {
        method: "OnUpdateRequestCache",
        provider: "IHttpEventProvider",
        flag: "RQ_UPDATE_REQUEST_CACHE",
    },
    Notif {
        method: "OnLogRequest",
        provider: "IHttpEventProvider",
        flag: "RQ_LOG_REQUEST",
    },
    Notif {
        method: "OnEndRequest",
        provider: "IHttpEventProvider",
        flag: "RQ_END_REQUEST",
    },
    Notif {
        method: "OnSendResponse",
        provider: "ISendResponseProvider",
        flag: "RQ_SEND_RESPONSE",
    },
    Notif {
        method: "OnMapPath",
        provider: "IMapPathProvider",
        flag: "RQ_MAP_PATH",
    },
];

/// The kinds of planted defects, with the rule that must report each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Defect {
    /// A namespace-scope static set to request memory in a notification.
    StaticGlobal,
    /// A function-local static cache set directly from `AllocateRequestMemory`.
    StaticLocal,
    /// A class static set in a statistics method of another file.
    ClassStatic,
    /// A helper in `helpers.cpp` keeps its argument in a global; `module.cpp` passes request
    /// memory.
    HelperStore,
    /// Request memory handed to `delete[]`.
    Freed,
    /// A `CGlobalModule` member set to request memory.
    LongLived,
}

const DEFECTS: &[Defect] = &[
    Defect::StaticGlobal,
    Defect::StaticLocal,
    Defect::ClassStatic,
    Defect::HelperStore,
    Defect::Freed,
    Defect::LongLived,
];

impl Defect {
    fn rule(self) -> &'static str {
        match self {
            Defect::StaticGlobal
            | Defect::StaticLocal
            | Defect::ClassStatic
            | Defect::HelperStore => "request-scope-escape-static",
            Defect::Freed => "request-memory-freed",
            Defect::LongLived => "request-scope-escape-long-lived",
        }
    }
}

struct IisMod {
    name: String,
    upper: String,
    module: String,
    factory: String,
    stats: String,
    config: String,
    global: Option<String>,
    notifs: Vec<&'static Notif>,
    /// Win-style helpers (numbers and HRESULTs) defined in `helpers.cpp` and `config.cpp`.
    helpers: Vec<Callee>,
    /// The request-memory copy helper (helpers.cpp): `Copy<X>ToRequest`.
    copy_helper: String,
    /// The helper that remembers a value (helpers.cpp): `Remember<X>`.
    remember: String,
    /// The global the helper keeps (a pointer with the defect, an array without).
    remember_global: String,
    /// Globals that `module.cpp` owns.
    last_global: String,
    defects: Vec<Defect>,
    headers: Vec<&'static str>,
}

impl IisMod {
    fn has(&self, d: Defect) -> bool {
        self.defects.contains(&d)
    }
}

fn iis_unit(rng: &mut Rng, u: &Unit) -> Vec<GenFile> {
    let base = camel2(rng);
    let name = format!("{base}{}", u.index);
    let upper = name.to_ascii_uppercase();
    let defects: Vec<Defect> = DEFECTS
        .iter()
        .copied()
        .filter(|_| u.all_defects || rng.chance(u.defect_percent))
        .collect();
    let mut notifs: Vec<&'static Notif> = vec![&NOTIFS[0]];
    let extra = rng.range(1, 4);
    for _ in 0..extra {
        let n = &NOTIFS[rng.range(1, NOTIFS.len() - 1)];
        if !notifs.iter().any(|m| m.method == n.method) {
            notifs.push(n);
        }
    }
    let global = if defects.contains(&Defect::LongLived) || rng.chance(35) {
        Some(format!("C{name}GlobalModule"))
    } else {
        None
    };
    let noun = cap(rng.pick(NOUNS));
    let m = IisMod {
        module: format!("C{name}Module"),
        factory: format!("C{name}Factory"),
        stats: format!("C{name}Stats"),
        config: format!("C{name}Config"),
        global,
        helpers: callees(rng, Style::Win, (6, 16), 45),
        // Prefixed with the module's name, so that the planted-defect check is about scale
        // and not about names shared between modules: iislint conflates file-local
        // `static`s of one name in different files (the first in path order wins), and a
        // module's escape into its `static` is missed when another module's `static` of
        // that name is an array.
        copy_helper: format!("{name}Copy{noun}ToRequest"),
        remember: format!("{name}RememberLast{noun}"),
        remember_global: format!("g_psz{name}Last{noun}"),
        last_global: format!("g_pszLast{}", cap(rng.pick(NOUNS))),
        notifs,
        defects,
        headers: (0..4).map(|_| *rng.pick(HTTP_HEADERS)).collect(),
        name,
        upper,
    };
    let dir = format!("modules/{}", m.name.to_ascii_lowercase());
    let total = u.lines;
    let mut files = vec![
        iis_header(rng, &m).finish(format!("{dir}/{}.h", m.name.to_ascii_lowercase())),
        iis_module_cpp(rng, &m, total * 40 / 100).finish(format!("{dir}/module.cpp")),
        iis_helpers_cpp(rng, &m, total * 22 / 100).finish(format!("{dir}/helpers.cpp")),
        iis_config_cpp(rng, &m, total * 20 / 100).finish(format!("{dir}/config.cpp")),
        iis_register_cpp(rng, &m).finish(format!("{dir}/register.cpp")),
    ];
    if m.global.is_some() {
        files.push(iis_global_cpp(rng, &m, total * 10 / 100).finish(format!("{dir}/global.cpp")));
    }
    if rng.chance(50) {
        files.push(resource_h(rng, &m).finish(format!("{dir}/resource.h")));
    }
    files
}

fn iis_includes(w: &mut W) {
    w.raw("#define _WINSOCKAPI_");
    w.raw("#include <windows.h>");
    w.raw("#include <sal.h>");
    w.raw("#include <httpserv.h>");
    w.raw("#include <strsafe.h>");
}

fn iis_header(rng: &mut Rng, m: &IisMod) -> W {
    let mut w = W::new(true, "    ");
    let u = &m.upper;
    ln!(w, "//");
    ln!(
        w,
        "// {}.h : declarations of the {} native module.",
        m.name.to_ascii_lowercase(),
        m.name
    );
    ln!(w, "//");
    w.blank();
    w.raw("#pragma once");
    w.blank();
    iis_includes(&mut w);
    w.blank();
    w.raw("#define IfFailGo(expr)          { hr = (expr); if (FAILED(hr)) { goto Finished; } }");
    w.raw("#define ErrorIf(cond, err)      if (cond) { hr = (err); goto Finished; }");
    ln!(w, "#define {u}_MAX_VALUE        {}", rng.range(64, 4096));
    ln!(
        w,
        "#define {u}_TAG              '{}'",
        &m.name[..4.min(m.name.len())]
    );
    ln!(w, "#define {u}_FLAG_VERBOSE     0x0001");
    ln!(w, "#define {u}_FLAG_STRICT      0x0002");
    w.blank();
    ln!(w, "extern IHttpServer*     g_pHttpServer;");
    ln!(w, "extern PVOID            g_pModuleId;");
    w.blank();
    ln!(w, "typedef struct _{u}_ENTRY");
    ln!(w, "{{");
    ln!(w, "    struct _{u}_ENTRY*  pNext;");
    ln!(w, "    DWORD               dwHash;");
    ln!(w, "    DWORD               cchValue;");
    ln!(w, "    CHAR                szValue[{u}_MAX_VALUE];");
    ln!(w, "}} {u}_ENTRY, *P{u}_ENTRY;");
    w.blank();
    // The configuration (config.cpp).
    ln!(w, "class {}", m.config);
    ln!(w, "{{");
    ln!(w, "public:");
    w.ind += 1;
    ln!(w, "{}();", m.config);
    w.blank();
    ln!(w, "HRESULT");
    ln!(w, "Initialize(");
    ln!(w, "    _In_ IHttpServer*   pServer");
    ln!(w, "    );");
    w.blank();
    ln!(w, "DWORD");
    ln!(w, "GetMaxValue() const");
    ln!(w, "{{");
    ln!(w, "    return m_dwMaxValue;");
    ln!(w, "}}");
    w.blank();
    ln!(w, "BOOL");
    ln!(w, "IsVerbose() const");
    ln!(w, "{{");
    ln!(w, "    return (m_dwFlags & {u}_FLAG_VERBOSE) != 0;");
    ln!(w, "}}");
    w.blank();
    for h in m.helpers.iter().filter(|h| h.name.len() % 3 == 0) {
        ln!(
            w,
            "{} {}({});",
            if h.status { "HRESULT" } else { "DWORD" },
            h.name,
            dword_params(h.arity)
        );
    }
    w.ind -= 1;
    ln!(w, "private:");
    ln!(w, "    DWORD   m_dwMaxValue;");
    ln!(w, "    DWORD   m_dwFlags;");
    ln!(w, "    WCHAR   m_wszSection[MAX_PATH];");
    ln!(w, "}};");
    w.blank();
    ln!(w, "extern {}*  g_pConfig;", m.config);
    w.blank();
    // Statistics (helpers.cpp).
    ln!(w, "class {}", m.stats);
    ln!(w, "{{");
    ln!(w, "public:");
    ln!(w, "    static VOID RecordRequest(_In_ DWORD cbRequest);");
    ln!(
        w,
        "    static VOID RecordUrl(_In_ IHttpContext* pHttpContext);"
    );
    ln!(
        w,
        "    static DWORD GetRequests() {{ return s_cRequests; }}"
    );
    ln!(w, "private:");
    ln!(w, "    static DWORD    s_cRequests;");
    ln!(w, "    static PCSTR    s_pszLastUrl;");
    ln!(w, "    static CHAR     s_szLastUrl[{u}_MAX_VALUE];");
    ln!(w, "}};");
    w.blank();
    // The request module (module.cpp).
    ln!(w, "class {} : public CHttpModule", m.module);
    ln!(w, "{{");
    ln!(w, "public:");
    w.ind += 1;
    ln!(w, "{}();", m.module);
    w.blank();
    for n in &m.notifs {
        ln!(w, "REQUEST_NOTIFICATION_STATUS");
        ln!(w, "{}(", n.method);
        ln!(w, "    IN IHttpContext*            pHttpContext,");
        ln!(w, "    IN {:<24}pProvider", format!("{}*", n.provider));
        ln!(w, "    );");
        w.blank();
    }
    ln!(w, "VOID");
    ln!(w, "Dispose();");
    w.ind -= 1;
    ln!(w, "private:");
    ln!(w, "    PSTR        m_pszStamp;");
    ln!(w, "    PCSTR       m_pszCopy;");
    ln!(w, "    DWORD       m_cNotifications;");
    ln!(w, "    ULONGLONG   m_ullStart;");
    ln!(w, "}};");
    w.blank();
    ln!(w, "class {} : public IHttpModuleFactory", m.factory);
    ln!(w, "{{");
    ln!(w, "public:");
    ln!(w, "    HRESULT");
    ln!(w, "    GetHttpModule(");
    ln!(w, "        OUT CHttpModule**       ppModule,");
    ln!(w, "        IN  IModuleAllocator*   pAllocator");
    ln!(w, "        );");
    w.blank();
    ln!(w, "    VOID");
    ln!(w, "    Terminate();");
    ln!(w, "}};");
    w.blank();
    if let Some(g) = &m.global {
        ln!(w, "class {g} : public CGlobalModule");
        ln!(w, "{{");
        ln!(w, "public:");
        ln!(w, "    GLOBAL_NOTIFICATION_STATUS");
        ln!(w, "    OnGlobalPreBeginRequest(");
        ln!(w, "        IN IPreBeginRequestProvider*    pProvider");
        ln!(w, "        );");
        w.blank();
        ln!(w, "    VOID");
        ln!(w, "    Terminate();");
        ln!(w, "private:");
        ln!(w, "    PCSTR   m_pszLastUrl;");
        ln!(w, "    CHAR    m_szLastUrl[{u}_MAX_VALUE];");
        ln!(w, "    DWORD   m_cRequests;");
        ln!(w, "}};");
        w.blank();
    }
    // Helpers (helpers.cpp).
    ln!(w, "HRESULT");
    ln!(w, "{}(", m.copy_helper);
    ln!(w, "    _In_ IHttpContext*              pHttpContext,");
    ln!(w, "    _In_reads_(cchSource) PCSTR     pszSource,");
    ln!(w, "    _In_ DWORD                      cchSource,");
    ln!(w, "    _Outptr_ PSTR*                  ppszCopy");
    ln!(w, "    );");
    w.blank();
    ln!(w, "VOID");
    ln!(w, "{}(", m.remember);
    ln!(w, "    _In_opt_ PCSTR  pszValue");
    ln!(w, "    );");
    w.blank();
    for h in m.helpers.iter().filter(|h| h.name.len() % 3 != 0) {
        ln!(w, "{}", if h.status { "HRESULT" } else { "DWORD" });
        ln!(w, "{}(", h.name);
        if h.arity == 0 {
            ln!(w, "    VOID");
        }
        for i in 0..h.arity {
            let sep = if i + 1 == h.arity { "" } else { "," };
            ln!(w, "    _In_ DWORD  dwArg{i}{sep}");
        }
        ln!(w, "    );");
        w.blank();
    }
    w
}

fn dword_params(n: usize) -> String {
    if n == 0 {
        return "VOID".into();
    }
    (0..n)
        .map(|i| format!("_In_ DWORD dwArg{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Helpers callable as free functions (the config's are methods).
fn free_helpers(m: &IisMod) -> Vec<Callee> {
    m.helpers
        .iter()
        .filter(|h| h.name.len() % 3 != 0)
        .cloned()
        .collect()
}

fn iis_module_cpp(rng: &mut Rng, m: &IisMod, budget: usize) -> W {
    let mut w = W::new(true, "    ");
    ln!(w, "//");
    ln!(
        w,
        "// module.cpp : the {} request module and its factory.",
        m.name
    );
    ln!(w, "//");
    w.blank();
    ln!(w, "#include \"{}.h\"", m.name.to_ascii_lowercase());
    w.blank();
    ln!(
        w,
        "// Value of the last request this worker saw, for the debugger extension."
    );
    ln!(w, "static PSTR {} = NULL;", m.last_global);
    ln!(
        w,
        "static CHAR g_szLastStamp[{}_MAX_VALUE] = \"\";",
        m.upper
    );
    ln!(w, "static volatile LONG g_cActive = 0;");
    w.blank();
    ln!(w, "{}::{}()", m.module, m.module);
    ln!(w, "    : m_pszStamp(NULL),");
    ln!(w, "      m_pszCopy(NULL),");
    ln!(w, "      m_cNotifications(0),");
    ln!(w, "      m_ullStart(GetTickCount64())");
    ln!(w, "{{");
    ln!(w, "}}");
    w.blank();
    ln!(w, "VOID");
    ln!(w, "{}::Dispose()", m.module);
    ln!(w, "{{");
    ln!(
        w,
        "    // The module's memory came from IModuleAllocator: run the destructor only."
    );
    ln!(w, "    this->~{}();", m.module);
    ln!(w, "}}");
    w.blank();
    let helpers = free_helpers(m);
    let per = budget.saturating_sub(w.lines + 60) / m.notifs.len().max(1);
    for (i, n) in m.notifs.iter().enumerate() {
        notification(rng, &mut w, m, n, i == 0, per, &helpers);
    }
    factory(&mut w, m);
    w
}

fn factory(w: &mut W, m: &IisMod) {
    ln!(w, "HRESULT");
    ln!(w, "{}::GetHttpModule(", m.factory);
    ln!(w, "    OUT CHttpModule**       ppModule,");
    ln!(w, "    IN  IModuleAllocator*   pAllocator");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    PVOID pvModule = NULL;");
    w.blank();
    ln!(w, "    if (ppModule == NULL || pAllocator == NULL)");
    ln!(w, "    {{");
    ln!(w, "        return E_INVALIDARG;");
    ln!(w, "    }}");
    ln!(w, "    *ppModule = NULL;");
    w.blank();
    ln!(
        w,
        "    pvModule = pAllocator->AllocateMemory(sizeof({}));",
        m.module
    );
    ln!(w, "    if (pvModule == NULL)");
    ln!(w, "    {{");
    ln!(
        w,
        "        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);"
    );
    ln!(w, "    }}");
    w.blank();
    ln!(w, "    *ppModule = new (pvModule) {}();", m.module);
    ln!(w, "    return S_OK;");
    ln!(w, "}}");
    w.blank();
    ln!(w, "VOID");
    ln!(w, "{}::Terminate()", m.factory);
    ln!(w, "{{");
    ln!(w, "    delete this;");
    ln!(w, "}}");
    w.blank();
}

/// One notification method, about `budget` lines long. The first one carries the planted
/// defects of `module.cpp`.
fn notification(
    rng: &mut Rng,
    w: &mut W,
    m: &IisMod,
    n: &Notif,
    first: bool,
    budget: usize,
    helpers: &[Callee],
) {
    let start = w.lines;
    let header = *rng.pick(&m.headers);
    let var = *rng.pick(SERVER_VARS);
    let mut body = Body::new(rng, Style::Win, helpers, 0);
    body.status = true;
    ln!(w, "REQUEST_NOTIFICATION_STATUS");
    ln!(w, "{}::{}(", m.module, n.method);
    ln!(w, "    IN IHttpContext*            pHttpContext,");
    ln!(w, "    IN {:<24}pProvider", format!("{}*", n.provider));
    ln!(w, "    )");
    ln!(w, "{{");
    w.ind += 1;
    let local_static = first && m.has(Defect::StaticLocal);
    if local_static {
        ln!(
            w,
            "// The tag never changes, so it is formatted once per process."
        );
        ln!(w, "static PSTR s_pszServerTag = NULL;");
        w.blank();
    }
    ln!(w, "HRESULT hr = S_OK;");
    ln!(w, "PCSTR   pszHeader = NULL;");
    ln!(w, "USHORT  cchHeader = 0;");
    ln!(w, "PCSTR   pszVariable = NULL;");
    ln!(w, "DWORD   cchVariable = 0;");
    ln!(w, "PSTR    pszBuffer = NULL;");
    ln!(w, "DWORD   cbBuffer = 0;");
    ln!(w, "PSTR    pszCopy = NULL;");
    if first && m.has(Defect::Freed) {
        ln!(w, "PBYTE   pbScratch = NULL;");
        ln!(w, "DWORD   cbScratch = 0;");
    }
    body.ints.push("cchHeader".into());
    body.ints.push("cchVariable".into());
    body.ints.push("cbBuffer".into());
    let k = rng.range(2, 5);
    win_locals(rng, &mut body, w, k);
    w.blank();
    ln!(w, "InterlockedIncrement(&g_cActive);");
    ln!(w, "m_cNotifications++;");
    w.blank();
    ln!(
        w,
        "pszHeader = pHttpContext->GetRequest()->GetHeader(\"{header}\", &cchHeader);"
    );
    ln!(w, "if (pszHeader == NULL)");
    ln!(w, "{{");
    ln!(w, "    cchHeader = 0;");
    ln!(w, "}}");
    ln!(w, "if (cchHeader > g_pConfig->GetMaxValue())");
    ln!(w, "{{");
    ln!(w, "    cchHeader = (USHORT)g_pConfig->GetMaxValue();");
    ln!(w, "}}");
    w.blank();
    ln!(
        w,
        "hr = pHttpContext->GetServerVariable(\"{var}\", &pszVariable, &cchVariable);"
    );
    ln!(w, "if (FAILED(hr))");
    ln!(w, "{{");
    ln!(w, "    goto Finished;");
    ln!(w, "}}");
    w.blank();
    ln!(
        w,
        "cbBuffer = cchHeader + cchVariable + {};",
        rng.range(16, 96)
    );
    ln!(
        w,
        "pszBuffer = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cbBuffer));"
    );
    ln!(w, "if (pszBuffer == NULL)");
    ln!(w, "{{");
    ln!(w, "    hr = HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);");
    ln!(w, "    goto Finished;");
    ln!(w, "}}");
    ln!(
        w,
        "hr = StringCbPrintfA(pszBuffer, cbBuffer, \"%.*s;%s;%lu\", (int)cchHeader, pszHeader ? pszHeader : \"\", pszVariable, m_cNotifications);"
    );
    ln!(w, "IfFailGo(hr);");
    w.blank();
    // Numbers in between: parsing, limits, counters.
    let filler = budget.saturating_sub(w.lines - start + 50) / 2;
    body.left = filler.min(250);
    let nn = body.left;
    body.statements(w, nn);
    w.blank();
    ln!(
        w,
        "hr = {}(pHttpContext, pszBuffer, (DWORD)strlen(pszBuffer), &pszCopy);",
        m.copy_helper
    );
    ln!(w, "IfFailGo(hr);");
    ln!(
        w,
        "// The module object is freed together with the request."
    );
    ln!(w, "m_pszCopy = pszCopy;");
    ln!(w, "{}(pszCopy);", m.remember);
    ln!(
        w,
        "strncpy_s(g_szLastStamp, sizeof(g_szLastStamp), pszBuffer, _TRUNCATE);"
    );
    if first {
        ln!(w, "{}::RecordRequest(cbBuffer);", m.stats);
        ln!(w, "{}::RecordUrl(pHttpContext);", m.stats);
    }
    w.blank();
    if first && m.has(Defect::StaticGlobal) {
        ln!(w, "// Kept for the debugger extension.");
        ln!(
            w,
            "{} = pszBuffer; // planted: {}",
            m.last_global,
            Defect::StaticGlobal.rule()
        );
        w.blank();
    }
    if local_static {
        ln!(w, "if (s_pszServerTag == NULL)");
        ln!(w, "{{");
        ln!(
            w,
            "    s_pszServerTag = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(64)); // planted: {}",
            Defect::StaticLocal.rule()
        );
        ln!(w, "    if (s_pszServerTag == NULL)");
        ln!(w, "    {{");
        ln!(w, "        hr = E_OUTOFMEMORY;");
        ln!(w, "        goto Finished;");
        ln!(w, "    }}");
        ln!(
            w,
            "    hr = StringCchPrintfA(s_pszServerTag, 64, \"%lu\", GetCurrentProcessId());"
        );
        ln!(w, "    IfFailGo(hr);");
        ln!(w, "}}");
        w.blank();
    }
    if first && m.has(Defect::Freed) {
        ln!(w, "cbScratch = cbBuffer * 2;");
        ln!(
            w,
            "pbScratch = (PBYTE) pHttpContext->AllocateRequestMemory(cbScratch);"
        );
        ln!(w, "if (pbScratch == NULL)");
        ln!(w, "{{");
        ln!(w, "    hr = E_OUTOFMEMORY;");
        ln!(w, "    goto Finished;");
        ln!(w, "}}");
        ln!(w, "ZeroMemory(pbScratch, cbScratch);");
        ln!(w, "memcpy(pbScratch, pszBuffer, cbBuffer);");
        ln!(
            w,
            "delete [] pbScratch; // planted: {}",
            Defect::Freed.rule()
        );
        w.blank();
    }
    let nn = budget.saturating_sub(w.lines - start + 20).min(250) / 2;
    body.left = nn;
    body.statements(w, nn);
    if n.method == "OnSendResponse" || rng.chance(50) {
        ln!(
            w,
            "hr = pHttpContext->GetResponse()->SetHeader(\"{header}\", pszBuffer, (USHORT)strlen(pszBuffer), TRUE);"
        );
        ln!(w, "IfFailGo(hr);");
    }
    ln!(w, "m_pszStamp = pszBuffer;");
    w.blank();
    w.raw("Finished:");
    ln!(w, "InterlockedDecrement(&g_cActive);");
    ln!(w, "if (FAILED(hr))");
    ln!(w, "{{");
    ln!(w, "    pProvider->SetErrorStatus(hr);");
    ln!(w, "    return RQ_NOTIFICATION_FINISH_REQUEST;");
    ln!(w, "}}");
    ln!(w, "return RQ_NOTIFICATION_CONTINUE;");
    w.ind -= 1;
    ln!(w, "}}");
    w.blank();
}

fn iis_helpers_cpp(rng: &mut Rng, m: &IisMod, budget: usize) -> W {
    let mut w = W::new(true, "    ");
    let u = &m.upper;
    ln!(w, "//");
    ln!(
        w,
        "// helpers.cpp : helpers the {} notifications call.",
        m.name
    );
    ln!(w, "//");
    w.blank();
    ln!(w, "#include \"{}.h\"", m.name.to_ascii_lowercase());
    w.blank();
    ln!(w, "DWORD {}::s_cRequests = 0;", m.stats);
    ln!(w, "PCSTR {}::s_pszLastUrl = NULL;", m.stats);
    ln!(w, "CHAR  {}::s_szLastUrl[{u}_MAX_VALUE] = \"\";", m.stats);
    if m.has(Defect::HelperStore) {
        ln!(w, "static PCSTR {} = NULL;", m.remember_global);
    } else {
        ln!(
            w,
            "static CHAR {}[{u}_MAX_VALUE] = \"\";",
            m.remember_global
        );
    }
    w.blank();
    // The request-memory copy: clean, returns through the out-parameter.
    ln!(w, "HRESULT");
    ln!(w, "{}(", m.copy_helper);
    ln!(w, "    _In_ IHttpContext*              pHttpContext,");
    ln!(w, "    _In_reads_(cchSource) PCSTR     pszSource,");
    ln!(w, "    _In_ DWORD                      cchSource,");
    ln!(w, "    _Outptr_ PSTR*                  ppszCopy");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    PSTR pszCopy = NULL;");
    w.blank();
    ln!(w, "    *ppszCopy = NULL;");
    ln!(
        w,
        "    pszCopy = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cchSource + 1));"
    );
    ln!(w, "    if (pszCopy == NULL)");
    ln!(w, "    {{");
    ln!(
        w,
        "        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);"
    );
    ln!(w, "    }}");
    ln!(w, "    memcpy(pszCopy, pszSource, cchSource);");
    ln!(w, "    pszCopy[cchSource] = '\\0';");
    ln!(w, "    *ppszCopy = pszCopy;");
    ln!(w, "    return S_OK;");
    ln!(w, "}}");
    w.blank();
    ln!(w, "VOID");
    ln!(w, "{}(", m.remember);
    ln!(w, "    _In_opt_ PCSTR  pszValue");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    if (pszValue == NULL)");
    ln!(w, "    {{");
    ln!(w, "        return;");
    ln!(w, "    }}");
    if m.has(Defect::HelperStore) {
        ln!(
            w,
            "    {} = pszValue; // planted: {}",
            m.remember_global,
            Defect::HelperStore.rule()
        );
    } else {
        ln!(
            w,
            "    strncpy_s({g}, sizeof({g}), pszValue, _TRUNCATE);",
            g = m.remember_global
        );
    }
    ln!(w, "}}");
    w.blank();
    ln!(w, "VOID");
    ln!(w, "{}::RecordRequest(", m.stats);
    ln!(w, "    _In_ DWORD  cbRequest");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(
        w,
        "    InterlockedIncrement(reinterpret_cast<volatile LONG*>(&s_cRequests));"
    );
    ln!(w, "    UNREFERENCED_PARAMETER(cbRequest);");
    ln!(w, "}}");
    w.blank();
    ln!(w, "VOID");
    ln!(w, "{}::RecordUrl(", m.stats);
    ln!(w, "    _In_ IHttpContext*  pHttpContext");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    PCSTR   pszUrl = NULL;");
    ln!(w, "    DWORD   cchUrl = 0;");
    ln!(w, "    PSTR    pszCopy = NULL;");
    w.blank();
    ln!(
        w,
        "    if (FAILED(pHttpContext->GetServerVariable(\"URL\", &pszUrl, &cchUrl)))"
    );
    ln!(w, "    {{");
    ln!(w, "        return;");
    ln!(w, "    }}");
    ln!(
        w,
        "    pszCopy = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cchUrl + 1));"
    );
    ln!(w, "    if (pszCopy == NULL)");
    ln!(w, "    {{");
    ln!(w, "        return;");
    ln!(w, "    }}");
    ln!(w, "    memcpy(pszCopy, pszUrl, cchUrl + 1);");
    if m.has(Defect::ClassStatic) {
        ln!(
            w,
            "    s_pszLastUrl = pszCopy; // planted: {}",
            Defect::ClassStatic.rule()
        );
    } else {
        ln!(
            w,
            "    strncpy_s(s_szLastUrl, sizeof(s_szLastUrl), pszCopy, _TRUNCATE);"
        );
    }
    ln!(w, "}}");
    w.blank();
    let helpers = free_helpers(m);
    for h in &helpers {
        if w.lines >= budget {
            // Every declared helper gets a definition, however short.
            let n = rng.range(2, 5);
            win_function(rng, &mut w, None, h, &helpers, n);
        } else {
            let n = body_size(rng);
            win_function(rng, &mut w, None, h, &helpers, n);
        }
    }
    // Then file-local helpers until the budget is spent.
    let mut locals = callees(rng, Style::Win, (4, 4), 30);
    for c in &mut locals {
        c.name = format!("{}Local", c.name);
    }
    let mut i = 0;
    while w.lines < budget {
        let c = locals[i % locals.len()].clone();
        let c = Callee {
            name: format!("{}{}", c.name, i),
            ..c
        };
        let n = body_size(rng);
        ln!(w, "static");
        win_function(rng, &mut w, None, &c, &helpers, n);
        i += 1;
    }
    w
}

fn iis_config_cpp(rng: &mut Rng, m: &IisMod, budget: usize) -> W {
    let mut w = W::new(true, "    ");
    let u = &m.upper;
    ln!(w, "//");
    ln!(
        w,
        "// config.cpp : reads the {} section of the configuration.",
        m.name
    );
    ln!(w, "//");
    w.blank();
    ln!(w, "#include \"{}.h\"", m.name.to_ascii_lowercase());
    w.blank();
    ln!(w, "{}::{}()", m.config, m.config);
    ln!(w, "    : m_dwMaxValue({u}_MAX_VALUE),");
    ln!(w, "      m_dwFlags(0)");
    ln!(w, "{{");
    ln!(w, "    m_wszSection[0] = L'\\0';");
    ln!(w, "}}");
    w.blank();
    ln!(w, "HRESULT");
    ln!(w, "{}::Initialize(", m.config);
    ln!(w, "    _In_ IHttpServer*   pServer");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    HRESULT hr = S_OK;");
    w.blank();
    ln!(w, "    ErrorIf(pServer == NULL, E_INVALIDARG);");
    ln!(
        w,
        "    hr = StringCchCopyW(m_wszSection, ARRAYSIZE(m_wszSection), L\"system.webServer/{}\");",
        m.name.to_ascii_lowercase()
    );
    ln!(w, "    IfFailGo(hr);");
    ln!(w, "    if (pServer->IsCommandLineLaunch())");
    ln!(w, "    {{");
    ln!(w, "        m_dwFlags |= {u}_FLAG_VERBOSE;");
    ln!(w, "    }}");
    w.blank();
    w.raw("Finished:");
    ln!(w, "    return hr;");
    ln!(w, "}}");
    w.blank();
    // Methods may call the other methods and the free helpers; free functions only the latter.
    let all = m.helpers.clone();
    let free = free_helpers(m);
    for h in m.helpers.iter().filter(|h| h.name.len() % 3 == 0) {
        let n = body_size(rng);
        win_function(rng, &mut w, Some(&m.config), h, &all, n);
    }
    let mut i = 0;
    while w.lines < budget {
        let mut c = callees(rng, Style::Win, (1, 1), 50).remove(0);
        c.name = format!("Parse{}{i}", c.name);
        let n = body_size(rng);
        ln!(w, "static");
        win_function(rng, &mut w, None, &c, &free, n);
        i += 1;
    }
    w
}

fn iis_register_cpp(rng: &mut Rng, m: &IisMod) -> W {
    let mut w = W::new(true, "    ");
    ln!(w, "//");
    ln!(
        w,
        "// register.cpp : entry points of the {} module.",
        m.name
    );
    ln!(w, "//");
    w.blank();
    ln!(w, "#include \"{}.h\"", m.name.to_ascii_lowercase());
    w.blank();
    ln!(w, "IHttpServer*    g_pHttpServer = NULL;");
    ln!(w, "PVOID           g_pModuleId = NULL;");
    ln!(w, "{}*  g_pConfig = NULL;", m.config);
    w.blank();
    ln!(w, "BOOL");
    ln!(w, "WINAPI");
    ln!(w, "DllMain(");
    ln!(w, "    HINSTANCE   hInstance,");
    ln!(w, "    DWORD       dwReason,");
    ln!(w, "    LPVOID      lpReserved");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    UNREFERENCED_PARAMETER(lpReserved);");
    ln!(w, "    if (dwReason == DLL_PROCESS_ATTACH)");
    ln!(w, "    {{");
    ln!(w, "        DisableThreadLibraryCalls(hInstance);");
    ln!(w, "    }}");
    ln!(w, "    return TRUE;");
    ln!(w, "}}");
    w.blank();
    let flags: Vec<&str> = m.notifs.iter().map(|n| n.flag).collect();
    ln!(w, "HRESULT");
    ln!(w, "__stdcall");
    ln!(w, "RegisterModule(");
    ln!(w, "    DWORD                           dwServerVersion,");
    ln!(w, "    IHttpModuleRegistrationInfo*    pModuleInfo,");
    ln!(w, "    IHttpServer*                    pGlobalInfo");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    HRESULT         hr = S_OK;");
    ln!(w, "    {}*  pFactory = NULL;", m.factory);
    w.blank();
    ln!(w, "    UNREFERENCED_PARAMETER(dwServerVersion);");
    ln!(w, "    g_pHttpServer = pGlobalInfo;");
    ln!(w, "    g_pModuleId = pModuleInfo->GetId();");
    w.blank();
    ln!(w, "    g_pConfig = new {}();", m.config);
    ln!(w, "    ErrorIf(g_pConfig == NULL, E_OUTOFMEMORY);");
    ln!(w, "    IfFailGo(g_pConfig->Initialize(pGlobalInfo));");
    w.blank();
    ln!(w, "    pFactory = new {}();", m.factory);
    ln!(w, "    ErrorIf(pFactory == NULL, E_OUTOFMEMORY);");
    ln!(w, "    hr = pModuleInfo->SetRequestNotifications(");
    ln!(w, "        pFactory,");
    ln!(w, "        {},", flags.join(" | "));
    ln!(
        w,
        "        {});",
        if m.notifs.iter().any(|n| n.method == "OnMapPath") {
            "RQ_MAP_PATH"
        } else {
            "0"
        }
    );
    ln!(w, "    IfFailGo(hr);");
    ln!(w, "    pFactory = NULL;");
    if let Some(g) = &m.global {
        w.blank();
        ln!(
            w,
            "    hr = pModuleInfo->SetGlobalNotifications(new {g}(), GL_PRE_BEGIN_REQUEST);"
        );
        ln!(w, "    IfFailGo(hr);");
    }
    if rng.chance(50) {
        ln!(
            w,
            "    hr = pModuleInfo->SetPriorityForRequestNotification({}, PRIORITY_ALIAS_HIGH);",
            flags[0]
        );
        ln!(w, "    IfFailGo(hr);");
    }
    w.blank();
    w.raw("Finished:");
    ln!(w, "    if (pFactory != NULL)");
    ln!(w, "    {{");
    ln!(w, "        pFactory->Terminate();");
    ln!(w, "    }}");
    ln!(w, "    return hr;");
    ln!(w, "}}");
    w
}

fn iis_global_cpp(rng: &mut Rng, m: &IisMod, budget: usize) -> W {
    let mut w = W::new(true, "    ");
    let g = m.global.as_deref().unwrap_or("CGlobal");
    ln!(w, "//");
    ln!(
        w,
        "// global.cpp : process-wide notifications of the {} module.",
        m.name
    );
    ln!(w, "//");
    w.blank();
    ln!(w, "#include \"{}.h\"", m.name.to_ascii_lowercase());
    w.blank();
    ln!(w, "GLOBAL_NOTIFICATION_STATUS");
    ln!(w, "{g}::OnGlobalPreBeginRequest(");
    ln!(w, "    IN IPreBeginRequestProvider*    pProvider");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(
        w,
        "    IHttpContext*   pHttpContext = pProvider->GetHttpContext();"
    );
    ln!(w, "    PCSTR           pszUrl = NULL;");
    ln!(w, "    DWORD           cchUrl = 0;");
    ln!(w, "    PSTR            pszCopy = NULL;");
    w.blank();
    ln!(w, "    m_cRequests++;");
    ln!(
        w,
        "    if (FAILED(pHttpContext->GetServerVariable(\"URL\", &pszUrl, &cchUrl)))"
    );
    ln!(w, "    {{");
    ln!(w, "        return GL_NOTIFICATION_CONTINUE;");
    ln!(w, "    }}");
    ln!(
        w,
        "    pszCopy = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cchUrl + 1));"
    );
    ln!(w, "    if (pszCopy == NULL)");
    ln!(w, "    {{");
    ln!(w, "        return GL_NOTIFICATION_CONTINUE;");
    ln!(w, "    }}");
    ln!(w, "    memcpy(pszCopy, pszUrl, cchUrl + 1);");
    if m.has(Defect::LongLived) {
        ln!(
            w,
            "    m_pszLastUrl = pszCopy; // planted: {}",
            Defect::LongLived.rule()
        );
    } else {
        ln!(
            w,
            "    strncpy_s(m_szLastUrl, sizeof(m_szLastUrl), pszCopy, _TRUNCATE);"
        );
    }
    ln!(w, "    return GL_NOTIFICATION_CONTINUE;");
    ln!(w, "}}");
    w.blank();
    ln!(w, "VOID");
    ln!(w, "{g}::Terminate()");
    ln!(w, "{{");
    ln!(w, "    delete this;");
    ln!(w, "}}");
    w.blank();
    let helpers = free_helpers(m);
    let mut i = 0;
    while w.lines < budget {
        let mut c = callees(rng, Style::Win, (1, 1), 50).remove(0);
        c.name = format!("{}Global{i}", c.name);
        let n = body_size(rng);
        ln!(w, "static");
        win_function(rng, &mut w, None, &c, &helpers, n);
        i += 1;
    }
    w
}

fn resource_h(rng: &mut Rng, m: &IisMod) -> W {
    let mut w = W::new(true, "    ");
    ln!(w, "//{{{{NO_DEPENDENCIES}}}}");
    ln!(w, "// resource.h : resource identifiers of {}.", m.name);
    w.blank();
    let n = rng.range(10, 60);
    for i in 0..n {
        ln!(
            w,
            "#define IDS_{}_{:<24}{}",
            m.upper,
            format!("{}_{}", rng.pick(NOUNS), i).to_ascii_uppercase(),
            100 + i
        );
    }
    w
}

// ---------------------------------------------------------------------------------------------
// Unrelated C++
// ---------------------------------------------------------------------------------------------

fn cpp_unit(rng: &mut Rng, u: &Unit) -> Vec<GenFile> {
    let win = rng.chance(28);
    let lib = format!("{}_{}", rng.pick(NOUNS), rng.pick(NOUNS));
    let lib = format!("{lib}{}", u.index);
    let org = *rng.pick(ORGS);
    let dir = format!("libs/{lib}");
    let mut files = Vec::new();
    let budgets = file_budgets(rng, u.lines);
    let style = if win { Style::Win } else { Style::Modern };
    let shared = callees(rng, style, (8, 24), if win { 45 } else { 0 });
    let mut i = 0;
    while i < budgets.len() {
        let noun = format!("{}{}", rng.pick(NOUNS), i);
        let kind = rng.below(100);
        if kind < 8 {
            let w = table_file(rng, &lib, org, &noun, budgets[i], win);
            files.push(w.finish(format!("{dir}/src/{noun}_table.cpp")));
            i += 1;
        } else if kind < 18 {
            let w = test_file(rng, &lib, org, &noun, budgets[i], &shared, win);
            files.push(w.finish(format!("{dir}/tests/{noun}_test.cpp")));
            i += 1;
        } else {
            // A header and its source: the header gets a fifth of the pair's budget.
            let b = budgets[i];
            let (hb, sb) = (b / 4 + 30, b - b / 4);
            let ext = if win {
                "h"
            } else {
                *rng.pick(&["hpp", "h", "hh"])
            };
            let (hw, class) = if win {
                win_header(rng, &noun, hb, &shared)
            } else {
                modern_header(rng, &lib, org, &noun, hb, &shared)
            };
            let src = if win {
                win_source(rng, &noun, &class, sb, &shared, ext)
            } else {
                modern_source(rng, &lib, org, &noun, &class, sb, &shared, ext)
            };
            let hpath = if win {
                format!("{dir}/inc/{noun}.{ext}")
            } else {
                format!("{dir}/include/{lib}/{noun}.{ext}")
            };
            files.push(hw.finish(hpath));
            let sext = *rng.pick(&["cpp", "cpp", "cpp", "cc", "cxx"]);
            files.push(src.finish(format!("{dir}/src/{noun}.{sext}")));
            i += 1;
        }
    }
    files
}

fn modern_header(
    rng: &mut Rng,
    lib: &str,
    org: &str,
    noun: &str,
    budget: usize,
    shared: &[Callee],
) -> (W, String) {
    let mut w = W::new(false, "    ");
    let class = format!("{}{}", cap(rng.pick(ADJS)), cap(noun));
    let guard = rng.chance(50);
    let g = format!(
        "{}_{}_H_",
        lib.to_ascii_uppercase(),
        noun.to_ascii_uppercase()
    );
    if guard {
        w.raw(&format!("#ifndef {g}"));
        w.raw(&format!("#define {g}"));
    } else {
        w.raw("#pragma once");
    }
    w.blank();
    for inc in [
        "<cstddef>",
        "<cstdint>",
        "<memory>",
        "<numeric>",
        "<string>",
        "<vector>",
    ] {
        w.raw(&format!("#include {inc}"));
    }
    if rng.chance(50) {
        w.raw("#include <unordered_map>");
        w.raw("#include <optional>");
    }
    w.blank();
    let mac = format!("{}_CHECK", lib.to_ascii_uppercase());
    w.raw(&format!("#define {mac}(cond) \\"));
    w.raw("    do { \\");
    w.raw("        if (!(cond)) { \\");
    w.raw("            ::abort(); \\");
    w.raw("        } \\");
    w.raw("    } while (0)");
    w.blank();
    ln!(w, "namespace {org} {{");
    ln!(w, "namespace {lib} {{");
    w.blank();
    ln!(w, "void log_error(const char* what, const char* detail);");
    w.blank();
    open!(w, "enum class {class}Kind : std::uint8_t");
    for k in 0..rng.range(3, 8) {
        ln!(w, "{}{k},", cap(rng.pick(NOUNS)));
    }
    w.close_with(";");
    w.blank();
    open!(w, "struct {class}Options");
    ln!(w, "std::size_t capacity = {};", rng.range(8, 4096));
    ln!(w, "bool strict = false;");
    ln!(w, "std::string name;");
    ln!(w, "{class}Kind kind = {class}Kind{{}};");
    w.close_with(";");
    w.blank();
    // A class template with inline members.
    ln!(
        w,
        "template <typename T, typename Alloc = std::allocator<T>>"
    );
    open!(w, "class {class}Ring");
    w.access("public:");
    ln!(w, "using value_type = T;");
    ln!(w, "using size_type = std::size_t;");
    w.blank();
    ln!(
        w,
        "explicit {class}Ring(size_type capacity) : data_(capacity) {{}}"
    );
    w.blank();
    ln!(
        w,
        "[[nodiscard]] size_type size() const noexcept {{ return size_; }}"
    );
    ln!(
        w,
        "[[nodiscard]] bool empty() const noexcept {{ return size_ == 0; }}"
    );
    w.blank();
    open!(w, "void push(const T& value)");
    ln!(w, "data_[(head_ + size_) % data_.size()] = value;");
    open!(w, "if (size_ < data_.size())");
    ln!(w, "++size_;");
    w.mid("else");
    ln!(w, "head_ = (head_ + 1) % data_.size();");
    w.close();
    w.close();
    w.blank();
    ln!(w, "template <typename F>");
    open!(w, "void for_each(F&& f) const");
    open!(w, "for (size_type i = 0; i < size_; ++i)");
    ln!(w, "f(data_[(head_ + i) % data_.size()]);");
    w.close();
    w.close();
    w.blank();
    w.access("private:");
    ln!(w, "std::vector<T, Alloc> data_;");
    ln!(w, "size_type head_ = 0;");
    ln!(w, "size_type size_ = 0;");
    w.close_with(";");
    w.blank();
    // The class the source defines.
    open!(w, "class {class}");
    w.access("public:");
    ln!(w, "explicit {class}(const {class}Options& options);");
    ln!(w, "virtual ~{class}();");
    ln!(w, "{class}(const {class}&) = delete;");
    ln!(w, "{class}& operator=(const {class}&) = delete;");
    w.blank();
    for c in shared.iter().take(6) {
        ln!(w, "std::size_t {}({});", c.name, size_params(c.arity));
    }
    ln!(w, "virtual std::size_t weight() const = 0;");
    w.blank();
    w.access("private:");
    ln!(w, "{class}Options options_;");
    ln!(w, "std::unique_ptr<{class}Ring<std::size_t>> ring_;");
    ln!(w, "std::size_t generation_ = 0;");
    w.close_with(";");
    w.blank();
    for c in shared.iter().skip(6) {
        ln!(w, "std::size_t {}({});", c.name, size_params(c.arity));
    }
    w.blank();
    // Inline helpers until the budget is spent.
    let mut i = 0;
    while w.lines + 4 < budget {
        let c = Callee {
            name: format!("inline_{}_{i}", rng.pick(VERBS)),
            arity: rng.range(1, 3),
            status: false,
        };
        let n = rng.range(2, 10);
        modern_function(rng, &mut w, None, &c, &[], n, "inline ");
        i += 1;
    }
    ln!(w, "}}  // namespace {lib}");
    ln!(w, "}}  // namespace {org}");
    if guard {
        w.blank();
        w.raw(&format!("#endif  // {g}"));
    }
    (w, class)
}

fn size_params(n: usize) -> String {
    (0..n)
        .map(|i| format!("std::size_t a{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[allow(clippy::too_many_arguments)]
fn modern_source(
    rng: &mut Rng,
    lib: &str,
    org: &str,
    noun: &str,
    class: &str,
    budget: usize,
    shared: &[Callee],
    ext: &str,
) -> W {
    let mut w = W::new(false, "    ");
    ln!(w, "// {noun}.cpp: the {} {noun} of {lib}.", rng.pick(ADJS));
    w.blank();
    ln!(w, "#include \"{lib}/{noun}.{ext}\"");
    w.blank();
    w.raw("#include <algorithm>");
    w.raw("#include <stdexcept>");
    w.blank();
    ln!(w, "namespace {org} {{");
    ln!(w, "namespace {lib} {{");
    w.blank();
    ln!(w, "namespace {{");
    w.blank();
    let locals = callees(rng, Style::Modern, (2, 6), 0);
    for c in &locals {
        let n = body_size(rng);
        modern_function(rng, &mut w, None, c, shared, n, "");
    }
    ln!(w, "}}  // namespace");
    w.blank();
    ln!(w, "{class}::{class}(const {class}Options& options)");
    ln!(
        w,
        "    : options_(options), ring_(std::make_unique<{class}Ring<std::size_t>>(options.capacity)) {{"
    );
    ln!(
        w,
        "    {}_CHECK(options_.capacity > 0);",
        lib.to_ascii_uppercase()
    );
    ln!(w, "}}");
    w.blank();
    ln!(w, "{class}::~{class}() = default;");
    w.blank();
    let mut all: Vec<Callee> = shared.to_vec();
    all.extend(locals.iter().cloned());
    for c in shared.iter().take(6) {
        let n = body_size(rng);
        modern_function(rng, &mut w, Some(class), c, &all, n, "");
    }
    // Free functions of the library: the header declared them; define some here.
    for c in shared.iter().skip(6) {
        if rng.chance(25) {
            let n = body_size(rng);
            modern_function(rng, &mut w, None, c, &all, n, "");
        }
    }
    let mut i = 0;
    while w.lines < budget {
        let mut c = callees(rng, Style::Modern, (1, 1), 0).remove(0);
        c.name = format!("{}_{i}", c.name);
        let n = body_size(rng);
        if rng.chance(20) {
            ln!(w, "template <typename T>");
            let mut body = Body::new(rng, Style::Modern, &all, n);
            open!(w, "T {}(const std::vector<T>& items, T seed)", c.name);
            ln!(w, "T acc = seed;");
            open!(w, "for (const auto& item : items)");
            ln!(w, "acc = acc * 31 + item;");
            w.close();
            ln!(w, "std::size_t spread = static_cast<std::size_t>(acc);");
            body.ints.push("spread".into());
            let nn = n.min(30);
            body.left = nn;
            body.statements(&mut w, nn);
            ln!(w, "return static_cast<T>(spread) ^ acc;");
            w.close();
            w.blank();
        } else {
            modern_function(rng, &mut w, None, &c, &all, n, "");
        }
        i += 1;
    }
    ln!(w, "}}  // namespace {lib}");
    ln!(w, "}}  // namespace {org}");
    w
}

fn win_header(rng: &mut Rng, noun: &str, budget: usize, shared: &[Callee]) -> (W, String) {
    let mut w = W::new(true, "    ");
    let class = format!("C{}{}", cap(rng.pick(ADJS)), cap(noun));
    w.raw("#pragma once");
    w.blank();
    w.raw("#include <windows.h>");
    w.raw("#include <sal.h>");
    w.raw("#include <unknwn.h>");
    w.blank();
    ln!(
        w,
        "#define {}_SIGNATURE    0x{:08X}",
        noun.to_ascii_uppercase(),
        rng.next_u64() as u32
    );
    w.raw("#ifndef IfFailGo");
    w.raw("#define IfFailGo(expr)  { hr = (expr); if (FAILED(hr)) { goto Finished; } }");
    w.raw("#endif");
    w.blank();
    ln!(w, "class {class} : public IUnknown");
    ln!(w, "{{");
    ln!(w, "public:");
    w.ind += 1;
    ln!(w, "{class}();");
    ln!(w, "virtual ~{class}();");
    w.blank();
    ln!(
        w,
        "STDMETHOD(QueryInterface)(_In_ REFIID riid, _COM_Outptr_ void** ppvObject);"
    );
    ln!(w, "STDMETHOD_(ULONG, AddRef)();");
    ln!(w, "STDMETHOD_(ULONG, Release)();");
    w.blank();
    for c in shared.iter().take(5) {
        ln!(
            w,
            "{} {}({});",
            if c.status { "HRESULT" } else { "DWORD" },
            c.name,
            dword_params(c.arity)
        );
    }
    w.ind -= 1;
    ln!(w, "private:");
    ln!(w, "    LONG            m_cRef;");
    ln!(w, "    DWORD           m_dwSignature;");
    ln!(w, "    SRWLOCK         m_lock;");
    ln!(w, "}};");
    w.blank();
    for c in shared.iter().skip(5) {
        ln!(w, "{}", if c.status { "HRESULT" } else { "DWORD" });
        ln!(w, "{}(", c.name);
        if c.arity == 0 {
            ln!(w, "    VOID");
        }
        for i in 0..c.arity {
            let sep = if i + 1 == c.arity { "" } else { "," };
            ln!(w, "    _In_ DWORD  dwArg{i}{sep}");
        }
        ln!(w, "    );");
        w.blank();
    }
    while w.lines + 4 < budget {
        let at = w.lines;
        ln!(
            w,
            "#define {}_{}_{}    {}",
            noun.to_ascii_uppercase(),
            rng.pick(NOUNS).to_ascii_uppercase(),
            at,
            rng.below(10000)
        );
    }
    (w, class)
}

fn win_source(
    rng: &mut Rng,
    noun: &str,
    class: &str,
    budget: usize,
    shared: &[Callee],
    ext: &str,
) -> W {
    let mut w = W::new(true, "    ");
    ln!(w, "//");
    ln!(w, "// {noun}.cpp : implementation of {class}.");
    ln!(w, "//");
    w.blank();
    ln!(w, "#include \"{noun}.{ext}\"");
    w.blank();
    ln!(w, "{class}::{class}()");
    ln!(w, "    : m_cRef(1),");
    ln!(
        w,
        "      m_dwSignature({}_SIGNATURE)",
        noun.to_ascii_uppercase()
    );
    ln!(w, "{{");
    ln!(w, "    InitializeSRWLock(&m_lock);");
    ln!(w, "}}");
    w.blank();
    ln!(w, "{class}::~{class}()");
    ln!(w, "{{");
    ln!(w, "    m_dwSignature = 0;");
    ln!(w, "}}");
    w.blank();
    ln!(w, "STDMETHODIMP");
    ln!(w, "{class}::QueryInterface(");
    ln!(w, "    _In_ REFIID             riid,");
    ln!(w, "    _COM_Outptr_ void**     ppvObject");
    ln!(w, "    )");
    ln!(w, "{{");
    ln!(w, "    if (ppvObject == NULL)");
    ln!(w, "    {{");
    ln!(w, "        return E_POINTER;");
    ln!(w, "    }}");
    ln!(w, "    *ppvObject = NULL;");
    ln!(w, "    if (riid == __uuidof(IUnknown))");
    ln!(w, "    {{");
    ln!(w, "        *ppvObject = static_cast<IUnknown*>(this);");
    ln!(w, "        AddRef();");
    ln!(w, "        return S_OK;");
    ln!(w, "    }}");
    ln!(w, "    return E_NOINTERFACE;");
    ln!(w, "}}");
    w.blank();
    ln!(w, "STDMETHODIMP_(ULONG)");
    ln!(w, "{class}::AddRef()");
    ln!(w, "{{");
    ln!(w, "    return InterlockedIncrement(&m_cRef);");
    ln!(w, "}}");
    w.blank();
    ln!(w, "STDMETHODIMP_(ULONG)");
    ln!(w, "{class}::Release()");
    ln!(w, "{{");
    ln!(w, "    LONG cRef = InterlockedDecrement(&m_cRef);");
    ln!(w, "    if (cRef == 0)");
    ln!(w, "    {{");
    ln!(w, "        delete this;");
    ln!(w, "    }}");
    ln!(w, "    return cRef;");
    ln!(w, "}}");
    w.blank();
    for c in shared.iter().take(5) {
        let n = body_size(rng);
        win_function(rng, &mut w, Some(class), c, shared, n);
    }
    for c in shared.iter().skip(5) {
        if rng.chance(25) {
            let n = body_size(rng);
            win_function(rng, &mut w, None, c, shared, n);
        }
    }
    let mut i = 0;
    while w.lines < budget {
        let mut c = callees(rng, Style::Win, (1, 1), 50).remove(0);
        c.name = format!("{}{i}", c.name);
        let n = body_size(rng);
        if rng.chance(15) {
            w.raw("#if defined(_WIN64)");
            ln!(w, "static");
            win_function(rng, &mut w, None, &c, shared, n / 2 + 1);
            w.raw("#else");
            ln!(w, "static");
            win_function(rng, &mut w, None, &c, shared, n / 2 + 1);
            w.raw("#endif");
            w.blank();
        } else {
            ln!(w, "static");
            win_function(rng, &mut w, None, &c, shared, n);
        }
        i += 1;
    }
    w
}

fn table_file(rng: &mut Rng, lib: &str, org: &str, noun: &str, budget: usize, win: bool) -> W {
    let mut w = W::new(false, "    ");
    let _ = win;
    ln!(
        w,
        "// {noun}_table.cpp: generated lookup table. Do not edit."
    );
    w.blank();
    w.raw("#include <cstdint>");
    w.raw("#include <cstddef>");
    w.blank();
    ln!(w, "namespace {org} {{");
    ln!(w, "namespace {lib} {{");
    w.blank();
    let rows = budget.saturating_sub(20).max(4);
    ln!(
        w,
        "extern const std::uint32_t k{}Table[{}];",
        cap(noun),
        rows * 8
    );
    ln!(
        w,
        "const std::uint32_t k{}Table[{}] = {{",
        cap(noun),
        rows * 8
    );
    for _ in 0..rows {
        let row: Vec<String> = (0..8)
            .map(|_| format!("0x{:08x}u", rng.next_u64() as u32))
            .collect();
        ln!(w, "    {},", row.join(", "));
    }
    ln!(w, "}};");
    w.blank();
    ln!(w, "std::uint32_t {noun}_lookup(std::size_t index) {{");
    ln!(w, "    return k{}Table[index % {}];", cap(noun), rows * 8);
    ln!(w, "}}");
    w.blank();
    ln!(w, "}}  // namespace {lib}");
    ln!(w, "}}  // namespace {org}");
    w
}

fn test_file(
    rng: &mut Rng,
    lib: &str,
    org: &str,
    noun: &str,
    budget: usize,
    shared: &[Callee],
    win: bool,
) -> W {
    let mut w = W::new(false, "    ");
    w.raw("#include <gtest/gtest.h>");
    w.blank();
    if !win {
        ln!(w, "using namespace {org}::{lib};");
        w.blank();
    }
    let suite = format!("{}Test", cap(noun));
    let mut i = 0;
    while w.lines < budget {
        open!(
            w,
            "TEST({suite}, {}{}{i})",
            cap(rng.pick(VERBS)),
            cap(rng.pick(NOUNS))
        );
        let n = rng.range(2, 12);
        let mut body = Body::new(rng, Style::Modern, &[], n);
        modern_locals(rng, &mut body, &mut w, 2);
        body.statements(&mut w, n);
        let takes_args: Vec<&Callee> = shared.iter().filter(|c| !c.status).collect();
        if let Some(c) = takes_args.first() {
            let args: Vec<String> = (0..c.arity).map(|k| format!("{}", k + 1)).collect();
            if win {
                ln!(
                    w,
                    "EXPECT_EQ({}({}), {}({}));",
                    c.name,
                    args.join(", "),
                    c.name,
                    args.join(", ")
                );
            } else {
                ln!(
                    w,
                    "EXPECT_EQ({}({}), {}u);",
                    c.name,
                    args.join(", "),
                    rng.below(100)
                );
            }
        }
        let v = body.var();
        ln!(w, "EXPECT_LE({v}, {}u);", rng.range(100, 100000));
        w.close();
        w.blank();
        i += 1;
    }
    w
}

// ---------------------------------------------------------------------------------------------
// C
// ---------------------------------------------------------------------------------------------

fn c_unit(rng: &mut Rng, u: &Unit) -> Vec<GenFile> {
    let lib = format!("{}{}", rng.pick(NOUNS), u.index);
    let dir = format!("clibs/{lib}");
    let shared = callees(rng, Style::C, (6, 16), 40);
    let mut files = Vec::new();
    for (i, b) in file_budgets(rng, u.lines).into_iter().enumerate() {
        let noun = format!("{}{i}", rng.pick(NOUNS));
        // Header.
        let mut h = W::new(false, "    ");
        let g = format!(
            "{}_{}_H",
            lib.to_ascii_uppercase(),
            noun.to_ascii_uppercase()
        );
        h.raw(&format!("#ifndef {g}"));
        h.raw(&format!("#define {g}"));
        h.blank();
        h.raw("#include <stddef.h>");
        h.raw("#include <stdint.h>");
        h.blank();
        h.raw("#ifdef __cplusplus");
        h.raw("extern \"C\" {");
        h.raw("#endif");
        h.blank();
        ln!(h, "typedef struct {noun}_ctx {{");
        for f in 0..rng.range(3, 9) {
            ln!(
                h,
                "    {} {}_{f};",
                rng.pick(&["size_t", "uint32_t", "int", "const char *", "void *"]),
                rng.pick(NOUNS)
            );
        }
        ln!(h, "}} {noun}_ctx_t;");
        h.blank();
        ln!(h, "typedef int (*{noun}_cb)(void *user, size_t len);");
        h.blank();
        for c in &shared {
            let params: Vec<String> = (0..c.arity).map(|k| format!("size_t a{k}")).collect();
            let params = if params.is_empty() {
                "void".into()
            } else {
                params.join(", ")
            };
            ln!(
                h,
                "{} {}({params});",
                if c.status { "int" } else { "size_t" },
                c.name
            );
        }
        h.blank();
        h.raw("#ifdef __cplusplus");
        h.raw("}");
        h.raw("#endif");
        h.blank();
        h.raw(&format!("#endif /* {g} */"));
        files.push(h.finish(format!("{dir}/include/{noun}.h")));
        // Source.
        let mut w = W::new(false, "    ");
        ln!(w, "/*");
        ln!(
            w,
            " * {noun}.c - {} {} handling.",
            rng.pick(ADJS),
            rng.pick(NOUNS)
        );
        ln!(w, " */");
        w.blank();
        w.raw("#include <assert.h>");
        w.raw("#include <errno.h>");
        w.raw("#include <stdint.h>");
        w.raw("#include <stdlib.h>");
        w.raw("#include <string.h>");
        w.blank();
        ln!(w, "#include \"{noun}.h\"");
        w.blank();
        ln!(
            w,
            "#define {}_MAX {}",
            noun.to_ascii_uppercase(),
            rng.range(16, 1 << 16)
        );
        w.blank();
        ln!(w, "static const {noun}_cb {noun}_handlers[] = {{");
        ln!(w, "    NULL,");
        ln!(w, "}};");
        w.blank();
        let picked: Vec<&Callee> = shared.iter().filter(|_| rng.chance(20)).collect();
        for c in picked {
            let n = body_size(rng);
            c_function(rng, &mut w, c, &shared, n, false);
        }
        let mut k = 0;
        while w.lines < b {
            let mut c = callees(rng, Style::C, (1, 1), 40).remove(0);
            c.name = format!("{noun}_{}_{k}", c.name);
            let n = body_size(rng);
            if rng.chance(10) {
                w.raw("#ifdef HAVE_FAST_PATH");
                c_function(rng, &mut w, &c, &shared, n / 2 + 1, true);
                w.raw("#else");
                c_function(rng, &mut w, &c, &shared, n / 2 + 1, true);
                w.raw("#endif");
            } else {
                c_function(rng, &mut w, &c, &shared, n, true);
            }
            k += 1;
        }
        files.push(w.finish(format!("{dir}/src/{noun}.c")));
    }
    files
}

// ---------------------------------------------------------------------------------------------
// Rust
// ---------------------------------------------------------------------------------------------

fn rust_unit(rng: &mut Rng, u: &Unit) -> Vec<GenFile> {
    let krate = format!("{}_{}{}", rng.pick(ADJS), rng.pick(NOUNS), u.index);
    let dir = format!("crates/{krate}");
    let budgets = file_budgets(rng, u.lines);
    let mut mods = Vec::new();
    let mut files = Vec::new();
    for (i, b) in budgets.iter().enumerate().skip(1) {
        let m = format!("{}{i}", rng.pick(NOUNS));
        files.push(rust_module(rng, &m, *b).finish(format!("{dir}/src/{m}.rs")));
        mods.push(m);
    }
    let mut w = W::new(false, "    ");
    ln!(
        w,
        "//! `{krate}`: {} {} utilities.",
        rng.pick(ADJS),
        rng.pick(NOUNS)
    );
    w.blank();
    for m in &mods {
        ln!(w, "pub mod {m};");
    }
    w.blank();
    let b0 = budgets.first().copied().unwrap_or(100);
    let body = rust_module(rng, "lib", b0);
    w.s.push_str(&body.s);
    w.lines += body.lines;
    files.push(w.finish(format!("{dir}/src/lib.rs")));
    files
}

fn rust_module(rng: &mut Rng, m: &str, budget: usize) -> W {
    let mut w = W::new(false, "    ");
    let ty = format!("{}{}", cap(rng.pick(ADJS)), cap(rng.pick(NOUNS)));
    if m != "lib" {
        ln!(w, "//! The {} {} of this crate.", rng.pick(ADJS), m);
        w.blank();
    }
    ln!(w, "use std::collections::HashMap;");
    ln!(w, "use std::fmt;");
    w.blank();
    ln!(w, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]");
    open!(w, "pub enum {ty}Kind");
    let variants: Vec<String> = (0..rng.range(2, 6))
        .map(|k| format!("{}{k}", cap(rng.pick(NOUNS))))
        .collect();
    for v in &variants {
        ln!(w, "{v},");
    }
    ln!(w, "Other(u32),");
    w.close();
    w.blank();
    ln!(w, "#[derive(Debug)]");
    open!(w, "pub enum {ty}Error");
    ln!(w, "Empty,");
    ln!(w, "TooLarge {{ limit: usize, got: usize }},");
    w.close();
    w.blank();
    open!(w, "impl fmt::Display for {ty}Error");
    open!(
        w,
        "fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result"
    );
    open!(w, "match self");
    ln!(w, "{ty}Error::Empty => write!(f, \"empty input\"),");
    ln!(
        w,
        "{ty}Error::TooLarge {{ limit, got }} => write!(f, \"{{got}} exceeds {{limit}}\"),"
    );
    w.close();
    w.close();
    w.close();
    w.blank();
    open!(w, "pub trait {ty}Source");
    ln!(w, "fn next_value(&mut self) -> Option<u64>;");
    open!(w, "fn remaining(&self) -> usize");
    ln!(w, "0");
    w.close();
    w.close();
    w.blank();
    ln!(w, "#[derive(Debug, Default, Clone)]");
    open!(w, "pub struct {ty}<T: Clone + Default = u64>");
    ln!(w, "items: Vec<T>,");
    ln!(w, "index: HashMap<u64, usize>,");
    ln!(w, "limit: usize,");
    ln!(w, "kind: Option<{ty}Kind>,");
    w.close();
    w.blank();
    ln!(w, "macro_rules! {}_ensure {{", m.to_ascii_lowercase());
    ln!(w, "    ($cond:expr, $err:expr) => {{");
    ln!(w, "        if !$cond {{");
    ln!(w, "            return Err($err);");
    ln!(w, "        }}");
    ln!(w, "    }};");
    ln!(w, "}}");
    w.blank();
    let fns = callees(rng, Style::Rust, (3, 10), 0);
    open!(w, "impl<T: Clone + Default> {ty}<T>");
    open!(w, "pub fn new(limit: usize) -> Self");
    ln!(
        w,
        "Self {{ items: Vec::new(), index: HashMap::new(), limit, kind: None }}"
    );
    w.close();
    w.blank();
    open!(
        w,
        "pub fn push(&mut self, key: u64, item: T) -> Result<usize, {ty}Error>"
    );
    ln!(
        w,
        "{}_ensure!(self.items.len() < self.limit, {ty}Error::TooLarge {{ limit: self.limit, got: self.items.len() }});",
        m.to_ascii_lowercase()
    );
    ln!(w, "let at = self.items.len();");
    ln!(w, "self.items.push(item);");
    ln!(w, "self.index.insert(key, at);");
    ln!(w, "Ok(at)");
    w.close();
    w.blank();
    open!(w, "pub fn kind(&self) -> {ty}Kind");
    open!(w, "match self.kind");
    ln!(w, "Some(k) => k,");
    ln!(
        w,
        "None if self.items.is_empty() => {ty}Kind::{},",
        variants[0]
    );
    ln!(w, "None => {ty}Kind::Other(self.items.len() as u32),");
    w.close();
    w.close();
    w.blank();
    for f in &fns {
        rust_fn(rng, &mut w, f, &fns, true);
    }
    w.close();
    w.blank();
    let mut i = 0;
    let mut free: Vec<Callee> = Vec::new();
    while w.lines + 12 < budget {
        let mut f = callees(rng, Style::Rust, (1, 1), 0).remove(0);
        f.name = format!("{}_{i}", f.name);
        rust_fn(rng, &mut w, &f, &free, false);
        free.push(f);
        i += 1;
    }
    ln!(w, "#[cfg(test)]");
    open!(w, "mod tests");
    ln!(w, "use super::*;");
    w.blank();
    ln!(w, "#[test]");
    open!(w, "fn push_then_kind()");
    ln!(w, "let mut t: {ty}<u64> = {ty}::new(4);");
    ln!(w, "assert!(t.push(1, 7).is_ok());");
    ln!(w, "assert!(matches!(t.kind(), {ty}Kind::Other(1)));");
    w.close();
    w.close();
    w
}

fn rust_fn(rng: &mut Rng, w: &mut W, f: &Callee, calls: &[Callee], method: bool) {
    let n = body_size(rng);
    // Methods call their siblings through `self`; free functions call the free functions
    // defined before them.
    let qualified: Vec<Callee> = if method {
        calls
            .iter()
            .filter(|c| c.name != f.name)
            .map(|c| Callee {
                name: format!("self.{}", c.name),
                ..c.clone()
            })
            .collect()
    } else {
        calls.to_vec()
    };
    let mut body = Body::new(rng, Style::Rust, &qualified, n);
    let mut params = Vec::new();
    if method {
        params.push("&self".to_owned());
    }
    for i in 0..f.arity {
        let name = format!("{}_{i}", NOUNS[(i * 11 + f.name.len()) % NOUNS.len()]);
        params.push(format!("{name}: u64"));
        body.ints.push(name);
    }
    if rng.chance(30) {
        ln!(
            w,
            "/// {} the {} {}.",
            cap(rng.pick(VERBS)),
            rng.pick(ADJS),
            rng.pick(NOUNS)
        );
    }
    let vis = if rng.chance(60) { "pub " } else { "" };
    open!(w, "{vis}fn {}({}) -> u64", f.name, params.join(", "));
    // Parameters are immutable: copy them into mutable locals first.
    let ps: Vec<String> = body.ints.drain(..).collect();
    for p in &ps {
        ln!(w, "let mut {p} = {p};");
        body.ints.push(p.clone());
    }
    let k = rng.range(1, 4);
    rust_locals(rng, &mut body, w, k);
    if method {
        ln!(w, "let mut len = self.items.len() as u64;");
        body.ints.push("len".into());
    }
    let nn = body.left;
    body.statements(w, nn);
    let e = body.expr();
    let all: Vec<String> = body.ints.clone();
    // Read every local once so none is unused.
    ln!(w, "({e}) ^ ({})", all.join(" ^ "));
    w.close();
    w.blank();
}
