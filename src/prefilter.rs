//! The pre-filter: which files can matter, decided from their bytes before anything is parsed.
//!
//! In a large tree most files never touch the IIS API, and parsing is most of iislint's cost.
//! A file is parsed (`driver` iterates these to a fixed point) when:
//!
//! 1. its text names the IIS API ([`Needles`]: the catalogue's interfaces, request-scoped
//!    sources, completion calls, module base classes, the config's `[api]` wrappers, and their
//!    Rust spellings) — a *seed*;
//! 2. a parsed file includes it (`#include`, by file name, case-insensitively);
//! 3. it defines, by a lexical scan ([`FileFacts::defines`]), a function, type, static or
//!    class-with-methods that a parsed file names (a callee's summary, a declared type);
//! 4. it names a parsed function whose summary hands request-scoped values to its callers
//!    (returned, written to an out-parameter, kept in a member), found by [`scan_words`].
//!
//! Every value the analysis tracks starts at a catalogued name, and a function can only
//! receive one from a caller (rule 3 reaches the callee) or a callee (rule 4 reaches the
//! caller), so a file outside the closure can hold no finding and change no summary: the
//! findings are those of a run over every file (`--no-prefilter`, and a test over every
//! fixture, check that). The lexical scan over-approximates (a name defined in a macro, an
//! expression that looks like a definition): more files parsed, never fewer.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::catalog::Catalog;
use crate::ir::{ExprKind, Function, Module, TypeRef};
use crate::syntax::Language;

/// Names whose presence in a file's bytes makes it a seed.
pub struct Needles {
    ac: AhoCorasick,
}

/// Methods and base classes the analysis knows by name outside the catalogue's lists.
const STRUCTURAL: &[&str] = &[
    "SetModuleContext",
    "GetModuleContext",
    "GetModuleContextContainer",
    "GetNamedContextContainer",
    "HttpModule",
    "GlobalModule",
    "StoredContext",
    "ModuleFactory",
];

impl Needles {
    pub fn new(catalog: &Catalog) -> Needles {
        let mut names: Vec<String> = STRUCTURAL.iter().map(|s| (*s).to_owned()).collect();
        let ty = |names: &mut Vec<String>, t: &str| {
            // `IHttpContext` also as Rust bindings spell it (`HttpContext`): the shorter name is
            // a substring of the longer, so one needle finds both.
            let t = t.rsplit("::").next().unwrap_or(t);
            let stripped = t
                .strip_prefix('I')
                .filter(|r| r.starts_with(|c: char| c.is_ascii_uppercase()));
            names.push(stripped.unwrap_or(t).to_owned());
        };
        for s in &catalog.sources {
            // A source that needs its receiver's type is found through that type.
            if !s.require_type || s.types.is_empty() {
                names.push(s.method.clone());
            }
            for t in &s.types {
                ty(&mut names, t);
            }
        }
        for (k, v) in &catalog.returns {
            if let Some((iface, _)) = k.split_once("::") {
                ty(&mut names, iface);
            }
            ty(&mut names, v);
        }
        for t in &catalog.request_object_types {
            ty(&mut names, t);
        }
        names.extend(catalog.completion_methods.iter().cloned());
        names.extend(catalog.buffer_sinks.keys().cloned());
        // Rust spells methods in snake case (`allocate_request_memory`).
        let snake: Vec<String> = names
            .iter()
            .filter(|n| n.contains(|c: char| c.is_ascii_lowercase()))
            .map(|n| snake_case(n))
            .collect();
        names.extend(snake);
        names.retain(|n| n.len() >= 3);
        names.sort();
        names.dedup();
        // A full DFA: a few hundred short names make a small one, and it is the fastest
        // search over every byte of every file that does not name the API.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&names)
            .expect("the needles are a few hundred short names");
        Needles { ac }
    }

    /// Does `text` name the IIS API?
    pub fn is_match(&self, text: &str) -> bool {
        self.ac.is_match(text)
    }
}

/// `AllocateRequestMemory` → `allocate_request_memory`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// What the pre-filter knows of one file without parsing it. Name lists are sorted and unique.
#[derive(Debug, Default, Clone)]
pub struct FileFacts {
    /// The text names the IIS API.
    pub seed: bool,
    /// File names of `#include`s, lowercased, without directories.
    pub includes: Vec<String>,
    /// Free functions it defines (and Rust statics, constants, macros).
    pub free: Vec<String>,
    /// Types it defines (classes, structs, enums, `typedef`s, `using`s, Rust items), and
    /// classes whose methods it defines (`CFoo::Bar(...) {`, Rust `impl` blocks).
    pub types: Vec<String>,
    /// Classes (and Rust traits) its classes derive from.
    pub derives: Vec<String>,
    /// Methods it defines (in a class body, out of line, in an `impl`).
    pub methods: Vec<String>,
}

/// Scan one file.
pub fn scan(text: &str, lang: Language, needles: &Needles) -> FileFacts {
    let seed = needles.is_match(text);
    if seed {
        // A seed is parsed anyway: what it defines is never looked up, only what it includes.
        return FileFacts {
            seed,
            includes: match lang {
                Language::Cpp => text
                    .lines()
                    .filter(|l| l.trim_start().starts_with('#'))
                    .filter_map(|l| include_name(l.trim_start()))
                    .collect(),
                Language::Rust => Vec::new(),
            },
            ..FileFacts::default()
        };
    }
    let lexed = lex(text, lang);
    let defs = match lang {
        Language::Cpp => cpp_defines(&lexed.tokens),
        Language::Rust => rust_defines(&lexed.tokens),
    };
    let owned = |mut v: Vec<&str>| -> Vec<String> {
        v.sort_unstable();
        v.dedup();
        v.into_iter().map(str::to_owned).collect()
    };
    FileFacts {
        seed,
        includes: lexed.includes,
        free: owned(defs.free),
        types: owned(defs.types),
        derives: owned(defs.derives),
        methods: owned(defs.methods),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a str),
    Punct(u8),
}

struct Lexed<'a> {
    tokens: Vec<Tok<'a>>,
    includes: Vec<String>,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Identifiers and punctuation, without comments, string and character literals, numbers and
/// (C/C++) preprocessor lines, whose `#include`s are collected. Linear in the text; never
/// fails (an unterminated literal or comment runs to the end of the text).
fn lex(text: &str, lang: Language) -> Lexed<'_> {
    let b = text.as_bytes();
    let n = b.len();
    let mut tokens = Vec::with_capacity(n / 6);
    let mut includes = Vec::new();
    let mut i = 0;
    // Only whitespace since the last newline: a `#` here starts a directive.
    let mut line_start = true;
    let find = |from: usize, pat: &[u8]| -> usize {
        b[from.min(n)..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map_or(n, |p| from + p + pat.len())
    };
    while i < n {
        let c = b[i];
        if c == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let at_line_start = line_start;
        line_start = false;
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < n && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = find(i + 2, b"*/"),
            b'#' if at_line_start && lang == Language::Cpp => {
                let start = i;
                // To the end of the line, following backslash continuations.
                while i < n && b[i] != b'\n' {
                    if b[i] == b'\\' && b.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    } else if b[i] == b'\\'
                        && b.get(i + 1) == Some(&b'\r')
                        && b.get(i + 2) == Some(&b'\n')
                    {
                        i += 2;
                    }
                    i += 1;
                }
                if let Some(name) = include_name(&text[start..i]) {
                    includes.push(name);
                }
            }
            b'"' => i = skip_string(b, i + 1),
            b'\'' => {
                if lang == Language::Rust {
                    // A character literal (`'a'`, `'\n'`) or a lifetime (`'a`).
                    if b.get(i + 1) == Some(&b'\\') {
                        i = skip_char(b, i + 1);
                    } else {
                        let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                        if b.get(i + 1 + len) == Some(&b'\'') {
                            i += len + 2;
                        } else {
                            i += 1;
                        }
                    }
                } else {
                    i = skip_char(b, i + 1);
                }
            }
            c if c.is_ascii_digit() => {
                // Numbers, with C++14 digit separators and suffixes.
                while i < n && (is_ident_byte(b[i]) || b[i] == b'.' || b[i] == b'\'') {
                    i += 1;
                }
            }
            c if is_ident_start(c) => {
                let start = i;
                while i < n && is_ident_byte(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                // Raw strings: C++ `R"d(...)d"` (also `LR`, `u8R`...), Rust `r"..."`/`r#"..."#`.
                if b.get(i) == Some(&b'"') && lang == Language::Cpp && word.ends_with('R') {
                    i = skip_cpp_raw(b, i + 1);
                } else if lang == Language::Rust
                    && (word == "r" || word == "br" || word == "cr")
                    && matches!(b.get(i), Some(b'"') | Some(b'#'))
                {
                    i = skip_rust_raw(b, i);
                } else if b.get(i) == Some(&b'"') && lang == Language::Cpp
                    || (lang == Language::Rust && (word == "b" || word == "c"))
                        && b.get(i) == Some(&b'"')
                {
                    // `L"..."`, `u8"..."`, `b"..."`: the prefix is part of the literal.
                    i = skip_string(b, i + 1);
                } else {
                    tokens.push(Tok::Ident(word));
                }
            }
            _ => {
                if c.is_ascii() {
                    tokens.push(Tok::Punct(c));
                }
                i += 1;
                // Skip the rest of a multi-byte character.
                while i < n && !text.is_char_boundary(i) {
                    i += 1;
                }
            }
        }
    }
    Lexed { tokens, includes }
}

/// Past the closing quote of a string whose body starts at `i`.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            // An unterminated C string ends at the line (Rust strings may span lines).
            _ => i += 1,
        }
    }
    b.len()
}

/// Past a character literal whose body starts at `i` (at most a few bytes; a stray quote
/// skips only itself).
fn skip_char(b: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < b.len() && j < i + 12 {
        match b[j] {
            b'\\' => j += 2,
            b'\'' => return j + 1,
            b'\n' => return i,
            _ => j += 1,
        }
    }
    i
}

/// Past `delim(...)delim"` of a C++ raw string whose `"` is just before `i`.
fn skip_cpp_raw(b: &[u8], i: usize) -> usize {
    let Some(open) = b[i..].iter().take(17).position(|&c| c == b'(') else {
        return skip_string(b, i);
    };
    let mut close = Vec::with_capacity(open + 2);
    close.push(b')');
    close.extend_from_slice(&b[i..i + open]);
    close.push(b'"');
    let from = i + open + 1;
    b[from..]
        .windows(close.len())
        .position(|w| w == close.as_slice())
        .map_or(b.len(), |p| from + p + close.len())
}

/// Past a Rust raw string `#*"..."#*` starting at `i`.
fn skip_rust_raw(b: &[u8], mut i: usize) -> usize {
    let mut hashes = 0;
    while b.get(i) == Some(&b'#') {
        hashes += 1;
        i += 1;
    }
    if b.get(i) != Some(&b'"') {
        return i;
    }
    i += 1;
    while i < b.len() {
        if b[i] == b'"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    b.len()
}

/// The file name of `#include "dir/x.h"` / `#include <x.h>`, lowercased.
fn include_name(line: &str) -> Option<String> {
    let rest = line[1..].trim_start();
    let rest = rest.strip_prefix("include")?.trim_start();
    let close = match rest.as_bytes().first()? {
        b'"' => '"',
        b'<' => '>',
        _ => return None,
    };
    let inner = &rest[1..];
    let path = &inner[..inner.find(close)?];
    let name = path.rsplit(['/', '\\']).next()?.trim();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// For each `(`, `{` or `[`, the index of its closing token (or the end); linear.
fn matching(tokens: &[Tok<'_>]) -> Vec<u32> {
    let mut close = vec![tokens.len() as u32; tokens.len()];
    // One stack per kind: unbalanced input closes the innermost bracket of the same kind.
    let mut stacks: [Vec<usize>; 3] = Default::default();
    for (i, t) in tokens.iter().enumerate() {
        if let Tok::Punct(p) = *t {
            match p {
                b'(' => stacks[0].push(i),
                b'{' => stacks[1].push(i),
                b'[' => stacks[2].push(i),
                b')' | b'}' | b']' => {
                    let k = match p {
                        b')' => 0,
                        b'}' => 1,
                        _ => 2,
                    };
                    if let Some(open) = stacks[k].pop() {
                        close[open] = i as u32;
                    }
                }
                _ => {}
            }
        }
    }
    close
}

const CPP_NOT_FUNCTIONS: &[&str] = &[
    "if",
    "for",
    "while",
    "switch",
    "catch",
    "return",
    "sizeof",
    "alignof",
    "decltype",
    "defined",
    "__declspec",
    "__attribute__",
    "static_assert",
    "throw",
    "noexcept",
    "alignas",
    "_Pragma",
    "__pragma",
    "typeid",
    "new",
    "delete",
];

/// What one file appears to define, by kind of name.
#[derive(Default)]
struct Defs<'a> {
    free: Vec<&'a str>,
    types: Vec<&'a str>,
    derives: Vec<&'a str>,
    methods: Vec<&'a str>,
}

/// Ends of the class (C++) or `impl`/`trait` (Rust) bodies the scan is inside: a function
/// defined there is a method.
struct Bodies(Vec<usize>);

impl Bodies {
    fn enter(&mut self, end: usize) {
        self.0.push(end);
    }

    /// Is token `i` inside one of the bodies?
    fn inside(&mut self, i: usize) -> bool {
        while self.0.last().is_some_and(|&end| end < i) {
            self.0.pop();
        }
        !self.0.is_empty()
    }
}

fn cpp_defines<'a>(t: &[Tok<'a>]) -> Defs<'a> {
    let close = matching(t);
    let mut out = Defs::default();
    let mut classes = Bodies(Vec::new());
    // Where the last `typedef` scanned ended: a token is scanned by one `typedef` at most, so
    // `typedef typedef typedef ...` stays linear.
    let mut typedef_end = 0usize;
    let punct = |i: usize, p: u8| matches!(t.get(i), Some(Tok::Punct(q)) if *q == p);
    for i in 0..t.len() {
        let Tok::Ident(word) = t[i] else { continue };
        match word {
            "class" | "struct" | "union" | "enum" => {
                // `class DECLSPEC CName final : public Base {`: the last name before `{`/`:`.
                let mut last = None;
                let mut j = i + 1;
                while j < t.len() && j < i + 64 {
                    match t[j] {
                        Tok::Ident("final" | "sealed" | "class" | "struct") => {}
                        Tok::Ident(w) => last = Some(w),
                        Tok::Punct(b'(') | Tok::Punct(b'[') => j = close[j] as usize,
                        Tok::Punct(b':') if punct(j + 1, b':') => j += 1,
                        Tok::Punct(b'{') => {
                            out.types.extend(last);
                            classes.enter(close[j] as usize);
                            break;
                        }
                        Tok::Punct(b':') => {
                            // The bases: a class deriving from `Base` may override what a call
                            // through a `Base*` reaches.
                            out.types.extend(last);
                            let mut k = j + 1;
                            while k < t.len() && k < j + 64 {
                                match t[k] {
                                    Tok::Punct(b'{') => {
                                        classes.enter(close[k] as usize);
                                        break;
                                    }
                                    Tok::Punct(b'<' | b';') => break,
                                    Tok::Ident("public" | "private" | "protected" | "virtual") => {}
                                    Tok::Ident(w) => out.derives.push(w),
                                    _ => {}
                                }
                                k += 1;
                            }
                            break;
                        }
                        Tok::Punct(_) => break,
                    }
                    j += 1;
                }
            }
            "typedef" if i >= typedef_end => {
                // Every name that ends a declarator: `typedef struct {..} X, *PX;`,
                // `typedef void (*PFN)(int);`, `typedef char BUF[8];`.
                let mut j = i + 1;
                while j < t.len() && j < i + 4096 {
                    match t[j] {
                        Tok::Punct(b';') => break,
                        Tok::Punct(b'{') => j = close[j] as usize,
                        Tok::Ident(w)
                            if matches!(
                                t.get(j + 1),
                                Some(Tok::Punct(b';' | b',' | b')' | b'['))
                            ) =>
                        {
                            out.types.push(w)
                        }
                        _ => {}
                    }
                    j += 1;
                }
                typedef_end = j;
            }
            "using" => {
                if let (Some(Tok::Ident(w)), true) = (t.get(i + 1), punct(i + 2, b'=')) {
                    out.types.push(w);
                }
            }
            // A member initialiser (`: m_x(0), m_y(1) {`) is not a definition.
            _ if punct(i + 1, b'(')
                && !CPP_NOT_FUNCTIONS.contains(&word)
                && !(i >= 1 && punct(i - 1, b',')
                    || i >= 1 && punct(i - 1, b':') && !(i >= 2 && punct(i - 2, b':')))
                && is_cpp_definition(t, &close, close[i + 1] as usize + 1) =>
            {
                // `CFoo::Bar(...) {`: a method of `CFoo`; `CFoo::~CFoo()`.
                let mut k = i;
                if k >= 1 && punct(k - 1, b'~') {
                    k -= 1;
                }
                let mut qualified = false;
                while k >= 3 && punct(k - 1, b':') && punct(k - 2, b':') {
                    match t[k - 3] {
                        Tok::Ident(q) => {
                            out.types.push(q);
                            qualified = true;
                            k -= 3;
                        }
                        _ => break,
                    }
                }
                if qualified || classes.inside(i) {
                    out.methods.push(word);
                } else {
                    out.free.push(word);
                }
            }
            _ => {}
        }
    }
    out
}

/// Does what follows a parameter list (from `j`) open a function body: qualifiers, a trailing
/// return type, an exception specification, then `{` or a constructor's `:` initialiser list?
fn is_cpp_definition(t: &[Tok<'_>], close: &[u32], mut j: usize) -> bool {
    let limit = j + 48;
    while j < t.len() && j < limit {
        match t[j] {
            Tok::Punct(b'{') => return true,
            Tok::Punct(b':') => {
                if matches!(t.get(j + 1), Some(Tok::Punct(b':'))) {
                    j += 1;
                } else {
                    return true;
                }
            }
            Tok::Punct(b'(') | Tok::Punct(b'[') => j = close[j] as usize,
            Tok::Ident("try") => return true,
            Tok::Ident(_) => {}
            Tok::Punct(b'-' | b'>' | b'<' | b'&' | b'*') => {}
            Tok::Punct(_) => return false,
        }
        j += 1;
    }
    false
}

fn rust_defines<'a>(t: &[Tok<'a>]) -> Defs<'a> {
    let close = matching(t);
    let mut out = Defs::default();
    let mut impls = Bodies(Vec::new());
    let ident = |i: usize| match t.get(i) {
        Some(Tok::Ident(w)) => Some(*w),
        _ => None,
    };
    for i in 0..t.len() {
        let Tok::Ident(word) = t[i] else { continue };
        match word {
            "fn" => {
                if let Some(w) = ident(i + 1) {
                    if impls.inside(i) {
                        out.methods.push(w);
                    } else {
                        out.free.push(w);
                    }
                }
            }
            "struct" | "enum" | "union" | "type" | "mod" => out.types.extend(ident(i + 1)),
            // `const NAME: T`, `static mut NAME: T` (not `*const T`, `const fn`).
            "const" | "static" => {
                let j = if ident(i + 1) == Some("mut") {
                    i + 2
                } else {
                    i + 1
                };
                if matches!(t.get(j + 1), Some(Tok::Punct(b':'))) {
                    out.free.extend(ident(j));
                }
            }
            "macro_rules" if matches!(t.get(i + 1), Some(Tok::Punct(b'!'))) => {
                out.free.extend(ident(i + 2));
            }
            "impl" | "trait" => {
                // `impl<T> Trait<X> for Type<T> where .. {`: the last name outside `<>` is the
                // type; a name before `for` is a trait it implements.
                let mut depth = 0i32;
                let mut last = None;
                let mut in_where = false;
                let mut j = i + 1;
                while j < t.len() && j < i + 96 {
                    match t[j] {
                        Tok::Punct(b'<') => depth += 1,
                        // `->` in `impl Fn() -> T` is not a closing bracket.
                        Tok::Punct(b'>') if !matches!(t.get(j - 1), Some(Tok::Punct(b'-'))) => {
                            depth -= 1
                        }
                        Tok::Punct(b'{') => {
                            impls.enter(close[j] as usize);
                            break;
                        }
                        Tok::Punct(b';') => break,
                        Tok::Ident("where") if depth == 0 => in_where = true,
                        Tok::Ident("for") if depth == 0 && word == "impl" => {
                            out.derives.extend(last.take());
                        }
                        Tok::Ident("dyn" | "unsafe" | "mut" | "const") => {}
                        Tok::Ident(w)
                            if depth == 0 && !in_where && (word == "impl" || last.is_none()) =>
                        {
                            last = Some(w)
                        }
                        _ => {}
                    }
                    j += 1;
                }
                out.types.extend(last);
            }
            _ => {}
        }
    }
    out
}

/// What the lowered files need from others.
#[derive(Default)]
pub struct Needs<'m> {
    /// Names of free functions called or referred to, and of globals read (Rust statics).
    pub free: Vec<&'m str>,
    /// Types declared anywhere (locals, parameters, members, statics, return types, bases,
    /// casts, constructions), the classes of methods, the qualifiers of qualified names.
    pub types: Vec<&'m str>,
    /// Names of methods called (`recv->Method()`).
    pub methods: Vec<&'m str>,
}

/// What a lowered module uses that another file may define. A method call is resolved through
/// its receiver's declared class, whose name is among the types; so only free names are needed
/// by name.
pub fn needed_names<'m>(m: &'m Module, out: &mut Needs<'m>) {
    fn ty<'m>(t: &'m TypeRef, out: &mut Needs<'m>) {
        if !t.name.is_empty() {
            out.types.push(&t.name);
        }
        t.args.iter().for_each(|a| ty(a, out));
    }
    /// `ns::Class::f`: `f` a free function (or a method of `Class`), the rest types.
    fn name<'m>(n: &'m str, out: &mut Needs<'m>) {
        let mut parts = n.rsplit("::").filter(|s| !s.is_empty());
        out.free.extend(parts.next());
        out.types.extend(parts);
    }
    fn function<'m>(f: &'m Function, out: &mut Needs<'m>) {
        if let Some(c) = &f.class {
            out.types.extend(c.split("::").filter(|s| !s.is_empty()));
        }
        ty(&f.ret, out);
        f.locals.iter().for_each(|l| ty(&l.ty, out));
        for e in f.exprs() {
            e.visit(&mut |e| match &e.kind {
                ExprKind::Name(n) => name(n, out),
                ExprKind::Call { callee, .. } => {
                    if let ExprKind::Field { name, .. } = &callee.peel().kind {
                        out.methods.push(name);
                    }
                }
                ExprKind::Construct(c) => ty(&c.ty, out),
                ExprKind::Cast { ty: t, .. } => ty(t, out),
                _ => {}
            });
        }
        f.lambdas.iter().for_each(|l| function(l, out));
    }
    m.functions.iter().for_each(|f| function(f, out));
    for s in &m.statics {
        ty(&s.ty, out);
        if let Some(c) = &s.class {
            out.types.extend(c.split("::").filter(|s| !s.is_empty()));
        }
    }
    for c in &m.classes {
        // The class itself: its subclasses elsewhere may override what its users call.
        out.types.push(&c.name);
        for b in &c.bases {
            out.types.extend(b.split("::").filter(|s| !s.is_empty()));
        }
        c.fields.iter().for_each(|f| ty(&f.ty, out));
        c.methods.iter().for_each(|(_, t)| ty(t, out));
    }
    for (_, t) in m.function_decls.iter().chain(&m.typedefs) {
        ty(t, out);
    }
}

/// The function-level slice: which lowered functions can matter. A function can only see a
/// request-scoped value if its text names the API or a type or static that holds one (a class
/// whose declaration names the API, its subclasses, typedefs of them, statics of those types),
/// if it is a method of such a class, or if it calls one of those (the value comes back) or is
/// called from one (the value is passed in). So the slice is the functions that do, every
/// function that calls them (transitively), and every function those call (transitively); by
/// name, over-approximating overloads and overrides. The rest would be analysed to empty
/// summaries and no events: they are not analysed.
///
/// `modules[i]` is file `i`'s module with text `texts[i]` (an unparsed file's module is empty).
/// Returns, per file, per function, whether it is in the slice.
pub fn function_slice(modules: &[Module], texts: &[&str], needles: &Needles) -> Vec<Vec<bool>> {
    use rayon::prelude::*;
    use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
    let span_text = |file: usize, span: crate::diagnostic::Span| -> &str {
        texts[file].get(span.start..span.end).unwrap_or("")
    };
    // Types that hold request-scoped values, to a fixed point over bases, fields and typedefs.
    fn last(n: &str) -> &str {
        n.rsplit("::").next().unwrap_or(n)
    }
    let mut types: HashSet<&str> = HashSet::default();
    for (i, m) in modules.iter().enumerate() {
        for c in &m.classes {
            if needles.is_match(span_text(i, c.span)) {
                types.insert(last(&c.name));
            }
        }
    }
    let named = |t: &TypeRef, types: &HashSet<&str>| -> bool {
        let mut stack = vec![t];
        while let Some(t) = stack.pop() {
            if types.contains(last(&t.name)) || needles.is_match(&t.name) {
                return true;
            }
            stack.extend(&t.args);
        }
        false
    };
    loop {
        let before = types.len();
        for m in modules {
            for c in &m.classes {
                let name = last(&c.name);
                if !types.contains(name)
                    && (c.bases.iter().any(|b| types.contains(last(b)))
                        || c.fields.iter().any(|f| named(&f.ty, &types)))
                {
                    types.insert(name);
                }
            }
            for (alias, target) in &m.typedefs {
                if !types.contains(alias.as_str()) && named(target, &types) {
                    types.insert(alias);
                }
            }
        }
        if types.len() == before {
            break;
        }
    }
    let mut words: Vec<&str> = types.iter().copied().collect();
    for m in modules {
        for st in &m.statics {
            if named(&st.ty, &types) {
                words.push(&st.name);
            }
        }
    }
    let words = WordSet::new(&words);

    // The functions, the names each refers to, and who refers to a name.
    let mut nodes: Vec<(usize, usize)> = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        nodes.extend((0..m.functions.len()).map(|k| (i, k)));
    }
    let func = |n: usize| &modules[nodes[n].0].functions[nodes[n].1];
    // Per function, in parallel: does it see such a value itself, and what names it refers to.
    let per_fn: Vec<(bool, Vec<&str>)> = (0..nodes.len())
        .into_par_iter()
        .map(|n| {
            let f = func(n);
            let text = span_text(nodes[n].0, f.span);
            let seed = f.class.as_deref().is_some_and(|c| types.contains(last(c)))
                || needles.is_match(text)
                || words.found_in(text);
            let mut names = Vec::new();
            referred_names(f, &mut names);
            names.sort_unstable();
            names.dedup();
            (seed, names)
        })
        .collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut referrers: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut keep = vec![false; nodes.len()];
    let mut todo: Vec<usize> = Vec::new();
    let mut refs: Vec<Vec<&str>> = Vec::with_capacity(nodes.len());
    for (n, (seed, names)) in per_fn.into_iter().enumerate() {
        by_name.entry(func(n).name.as_str()).or_default().push(n);
        for name in &names {
            referrers.entry(name).or_default().push(n);
        }
        refs.push(names);
        if seed {
            keep[n] = true;
            todo.push(n);
        }
    }
    // Callers, transitively.
    while let Some(n) = todo.pop() {
        for &r in referrers.get(func(n).name.as_str()).into_iter().flatten() {
            if !keep[r] {
                keep[r] = true;
                todo.push(r);
            }
        }
    }
    // Then callees of all of those, transitively.
    todo.extend((0..nodes.len()).filter(|&n| keep[n]));
    while let Some(n) = todo.pop() {
        for name in &refs[n] {
            for &c in by_name.get(name).into_iter().flatten() {
                if !keep[c] {
                    keep[c] = true;
                    todo.push(c);
                }
            }
        }
    }
    let mut out: Vec<Vec<bool>> = modules
        .iter()
        .map(|m| vec![false; m.functions.len()])
        .collect();
    for (n, &(i, k)) in nodes.iter().enumerate() {
        out[i][k] = keep[n];
    }
    out
}

/// Names a function (and its lambdas) refers to: callees, names read (function pointers),
/// constructed types (constructors).
fn referred_names<'m>(f: &'m Function, out: &mut Vec<&'m str>) {
    for e in f.exprs() {
        e.visit(&mut |e| match &e.kind {
            ExprKind::Name(n) => out.extend(n.rsplit("::").next()),
            ExprKind::Field { name, .. } => out.push(name),
            ExprKind::Construct(c) => out.push(&c.ty.name),
            _ => {}
        });
    }
    // Locals' declared types: a class's constructor runs at the declaration.
    out.extend(f.locals.iter().map(|l| l.ty.name.as_str()));
    f.lambdas.iter().for_each(|l| referred_names(l, out));
}

/// For each text, does it contain one of `words` as a whole identifier?
pub struct WordSet {
    ac: Option<AhoCorasick>,
}

impl WordSet {
    pub fn new<S: AsRef<[u8]>>(words: &[S]) -> WordSet {
        // Leftmost-longest without overlaps is enough: a match rejected for running into a
        // longer identifier covers only identifier characters, so no whole-word match can start
        // inside it.
        let ac = (!words.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .build(words)
                .or_else(|_| {
                    AhoCorasickBuilder::new()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(words)
                })
                .expect("names of functions")
        });
        WordSet { ac }
    }

    /// Does `text` contain one of the words, not as part of a longer identifier?
    pub fn found_in(&self, text: &str) -> bool {
        let Some(ac) = &self.ac else { return false };
        let b = text.as_bytes();
        ac.find_iter(text).any(|m| {
            let before = m.start().checked_sub(1).map(|i| b[i]);
            let after = b.get(m.end()).copied();
            !before.is_some_and(is_ident_byte) && !after.is_some_and(is_ident_byte)
        })
    }
}

/// Which of `texts` contain one of `words` as an identifier (in parallel).
pub fn scan_words(words: &[String], texts: &[(usize, &str)]) -> Vec<usize> {
    use rayon::prelude::*;
    let set = WordSet::new(words);
    texts
        .par_iter()
        .filter(|(_, text)| set.found_in(text))
        .map(|(i, _)| *i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(lang: Language, text: &str) -> FileFacts {
        let needles = Needles::new(&Catalog::builtin());
        scan(text, lang, &needles)
    }

    #[test]
    fn needles_cover_the_api_in_both_spellings() {
        let needles = Needles::new(&Catalog::builtin());
        for hit in [
            "p->AllocateRequestMemory(8)",
            "ctx.allocate_request_memory(8)",
            "class C : public CGlobalModule {}",
            "impl GlobalModule for Cache {}",
            "IHttpContext* p",
            "p->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST)",
        ] {
            assert!(needles.is_match(hit), "{hit}");
        }
        for miss in [
            "int main() { return std::max(1, 2); }",
            "GetUserName(buf, &n); GetHeader(); m.GetRequest();",
        ] {
            assert!(!needles.is_match(miss), "{miss}");
        }
    }

    #[test]
    fn snake() {
        assert_eq!(
            snake_case("AllocateRequestMemory"),
            "allocate_request_memory"
        );
        assert_eq!(snake_case("GetHttpContext"), "get_http_context");
    }

    #[test]
    fn cpp_definitions() {
        let d = defs(
            Language::Cpp,
            r#"
            #include "dir\Module.H"
            #include <windows.h>
            class __declspec(novtable) CFoo final : public Base, private IOther { void In() const { } };
            struct Fwd;
            typedef struct _S { int a; } S, *PS;
            typedef void (*PFN)(int);
            using Alias = int;
            HRESULT CBar::Method(int a) const noexcept { if (a) { call(a); } }
            CBar::CBar() : m_x(0), m_y(1) {}
            auto Tail(int) -> int { return 0; }
            static void Helper(char* p) { }
            void Decl(int);
            int x = f(1), y = g(2);
            const char* s = "void Fake() {";
            // void Commented() {}
            "#,
        );
        assert_eq!(d.includes, vec!["module.h", "windows.h"]);
        assert_eq!(d.free, vec!["Helper", "Tail"]);
        assert_eq!(d.methods, vec!["CBar", "In", "Method"]);
        assert_eq!(d.derives, vec!["Base", "IOther"]);
        for want in ["CFoo", "S", "PS", "PFN", "_S", "Alias", "CBar"] {
            assert!(d.types.iter().any(|x| x == want), "{want} in {d:?}");
        }
        for not in ["Fwd", "m_x", "m_y"] {
            assert!(!d.types.iter().any(|x| x == not), "{not} in {d:?}");
        }
    }

    #[test]
    fn rust_definitions() {
        let d = defs(
            Language::Rust,
            r##"
            pub fn run<'a>(x: &'a str) -> char { 'x' }
            struct Cache<T> { p: *const u8 }
            impl<T: Clone> Drop for Cache<T> { fn drop(&mut self) {} }
            impl Cache<u8> { pub fn new() -> Self { todo!() } }
            impl<T> Clone for Cache<T> where T: Copy { fn clone(&self) -> Self { todo!() } }
            trait Keep { fn keep(&self); }
            static mut LAST: *const u8 = std::ptr::null();
            const MAX: usize = 4;
            const fn limit() -> usize { 3 }
            macro_rules! keep_it { () => {} }
            let s = r#"fn fake() {}"#;
            "##,
        );
        assert_eq!(d.free, vec!["LAST", "MAX", "keep_it", "limit", "run"]);
        assert_eq!(d.methods, vec!["clone", "drop", "keep", "new"]);
        assert_eq!(d.derives, vec!["Clone", "Drop"]);
        assert_eq!(d.types, vec!["Cache", "Keep"]);
    }

    #[test]
    fn words_are_whole_identifiers() {
        let set = WordSet::new(&["GetBuf", "Buf", "GetBufX"]);
        assert!(set.found_in("p = GetBuf(ctx);"));
        assert!(!set.found_in("p = GetBuffer(ctx); MyGetBuf(); GetBufXY();"));
        assert!(set.found_in("GetBufferBuf(); x = Buf;"));
    }

    #[test]
    fn bad_input_is_scanned_linearly() {
        let deep = "(".repeat(200_000) + &"{".repeat(100_000) + &"}".repeat(300_000);
        let _ = defs(Language::Cpp, &deep);
        let _ = defs(Language::Rust, &deep);
        let _ = defs(Language::Cpp, "R\"x( unterminated");
        let _ = defs(Language::Rust, "r##\" unterminated \" # '");
        let _ = defs(Language::Cpp, "'\\");
        // Each keyword starts a scan bounded by a constant, and a `typedef`'s scan is never
        // repeated by the next one: a megabyte of keywords takes milliseconds.
        // (8 MB of `typedef `, the default size limit, took 4 s in a release build when each
        // `typedef` scanned the 4,096 tokens after it.)
        for (word, n) in [
            ("typedef ", 1_000_000),
            ("class ", 200_000),
            ("struct X : ", 200_000),
            ("f() ", 200_000),
            ("impl ", 200_000),
            ("fn ", 200_000),
        ] {
            let text = word.repeat(n);
            let t = std::time::Instant::now();
            let _ = defs(Language::Cpp, &text);
            let _ = defs(Language::Rust, &text);
            assert!(t.elapsed().as_secs() < 10, "{word:?}: {:?}", t.elapsed());
        }
    }
}
