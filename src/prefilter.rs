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

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::catalog::Catalog;
use crate::ir::{ExprKind, Function, Module, TypeRef};
use crate::syntax::Language;

/// Names whose presence in a file's bytes makes it a seed.
pub struct Needles {
    ac: AhoCorasick,
    names: Vec<String>,
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
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&names)
            .expect("the needles are a few hundred short names");
        Needles { ac, names }
    }

    /// Does `text` name the IIS API?
    pub fn is_match(&self, text: &str) -> bool {
        self.ac.is_match(text)
    }

    /// The names searched for (sorted).
    pub fn names(&self) -> &[String] {
        &self.names
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

/// What the pre-filter knows of one file without parsing it.
#[derive(Debug, Default, Clone)]
pub struct FileFacts {
    /// The text names the IIS API.
    pub seed: bool,
    /// File names of `#include`s, lowercased, without directories.
    pub includes: Vec<String>,
    /// Names the file appears to define (sorted, unique): functions, types, `typedef`s,
    /// classes whose methods it defines out of line (`CFoo::Bar(...) {`), Rust items and the
    /// types of its `impl` blocks.
    pub defines: Vec<String>,
}

/// Scan one file.
pub fn scan(text: &str, lang: Language, needles: &Needles) -> FileFacts {
    let seed = needles.is_match(text);
    let lexed = lex(text, lang);
    let mut defines = match lang {
        Language::Cpp => cpp_defines(&lexed.tokens),
        Language::Rust => rust_defines(&lexed.tokens),
    };
    defines.sort_unstable();
    defines.dedup();
    FileFacts {
        seed,
        includes: lexed.includes,
        defines: defines.into_iter().map(str::to_owned).collect(),
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

fn cpp_defines<'a>(t: &[Tok<'a>]) -> Vec<&'a str> {
    let close = matching(t);
    let mut out = Vec::new();
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
                            out.extend(last);
                            break;
                        }
                        Tok::Punct(b':') => {
                            // The bases too: a class deriving from `Base` may override what a
                            // call through a `Base*` reaches.
                            out.extend(last);
                            let mut k = j + 1;
                            while k < t.len() && k < j + 64 {
                                match t[k] {
                                    Tok::Punct(b'{') => break,
                                    Tok::Punct(b'<') => break,
                                    Tok::Ident("public" | "private" | "protected" | "virtual") => {}
                                    Tok::Ident(w) => out.push(w),
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
            "typedef" => {
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
                            out.push(w)
                        }
                        _ => {}
                    }
                    j += 1;
                }
            }
            "using" => {
                if let (Some(Tok::Ident(w)), true) = (t.get(i + 1), punct(i + 2, b'=')) {
                    out.push(w);
                }
            }
            _ if punct(i + 1, b'(')
                && !CPP_NOT_FUNCTIONS.contains(&word)
                && is_cpp_definition(t, &close, close[i + 1] as usize + 1) =>
            {
                out.push(word);
                // `CFoo::Bar(...) {`: the class's methods are defined here; `~CFoo`.
                let mut k = i;
                if k >= 1 && punct(k - 1, b'~') {
                    k -= 1;
                }
                while k >= 3 && punct(k - 1, b':') && punct(k - 2, b':') {
                    match t[k - 3] {
                        Tok::Ident(q) => {
                            out.push(q);
                            k -= 3;
                        }
                        _ => break,
                    }
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
            Tok::Punct(b'-' | b'>' | b'<' | b'&' | b'*' | b',') => {
                if t[j] == Tok::Punct(b',') {
                    return false;
                }
            }
            Tok::Punct(_) => return false,
        }
        j += 1;
    }
    false
}

fn rust_defines<'a>(t: &[Tok<'a>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let ident = |i: usize| match t.get(i) {
        Some(Tok::Ident(w)) => Some(*w),
        _ => None,
    };
    for i in 0..t.len() {
        let Tok::Ident(word) = t[i] else { continue };
        match word {
            "fn" | "struct" | "enum" | "union" | "trait" | "type" | "mod" => {
                out.extend(ident(i + 1));
            }
            // `const NAME: T`, `static mut NAME: T` (not `*const T`, `const fn`).
            "const" | "static" => {
                let j = if ident(i + 1) == Some("mut") {
                    i + 2
                } else {
                    i + 1
                };
                if matches!(t.get(j + 1), Some(Tok::Punct(b':'))) {
                    out.extend(ident(j));
                }
            }
            "macro_rules" if matches!(t.get(i + 1), Some(Tok::Punct(b'!'))) => {
                out.extend(ident(i + 2));
            }
            "impl" => {
                // `impl<T> Trait<X> for Type<T> where .. {`: the last name outside `<>`.
                let mut depth = 0i32;
                let mut last = None;
                let mut j = i + 1;
                while j < t.len() && j < i + 96 {
                    match t[j] {
                        Tok::Punct(b'<') => depth += 1,
                        // `->` in `impl Fn() -> T` is not a closing bracket.
                        Tok::Punct(b'>') if !matches!(t.get(j - 1), Some(Tok::Punct(b'-'))) => {
                            depth -= 1
                        }
                        Tok::Punct(b'{' | b';') => break,
                        Tok::Ident("where") if depth == 0 => break,
                        Tok::Ident("for" | "dyn" | "unsafe" | "mut" | "const") => {}
                        Tok::Ident(w) if depth == 0 => last = Some(w),
                        _ => {}
                    }
                    j += 1;
                }
                out.extend(last);
            }
            _ => {}
        }
    }
    out
}

/// Names a lowered module uses that another file may define: free functions it calls, names
/// it reads (globals, statics), the classes of its methods, and every type it declares
/// (locals, parameters, members, statics, return types, bases, casts, constructions).
/// Method calls need no entry: the analysis resolves them through the receiver's declared
/// class, whose name is a type here.
pub fn needed_names<'m>(m: &'m Module, out: &mut Vec<&'m str>) {
    fn ty<'m>(t: &'m TypeRef, out: &mut Vec<&'m str>) {
        if !t.name.is_empty() {
            out.push(&t.name);
        }
        t.args.iter().for_each(|a| ty(a, out));
    }
    fn path<'m>(n: &'m str, out: &mut Vec<&'m str>) {
        out.extend(n.split("::").filter(|s| !s.is_empty()));
    }
    fn function<'m>(f: &'m Function, out: &mut Vec<&'m str>) {
        if let Some(c) = &f.class {
            path(c, out);
        }
        ty(&f.ret, out);
        f.locals.iter().for_each(|l| ty(&l.ty, out));
        for e in f.exprs() {
            e.visit(&mut |e| match &e.kind {
                ExprKind::Name(n) => path(n, out),
                ExprKind::Construct { ty: t, .. } | ExprKind::Cast { ty: t, .. } => ty(t, out),
                _ => {}
            });
        }
        f.lambdas.iter().for_each(|l| function(l, out));
    }
    m.functions.iter().for_each(|f| function(f, out));
    for s in &m.statics {
        ty(&s.ty, out);
        if let Some(c) = &s.class {
            path(c, out);
        }
    }
    for c in &m.classes {
        c.bases.iter().for_each(|b| path(b, out));
        c.fields.iter().for_each(|f| ty(&f.ty, out));
        c.methods.iter().for_each(|(_, t)| ty(t, out));
    }
    for (_, t) in m.function_decls.iter().chain(&m.typedefs) {
        ty(t, out);
    }
}

/// For each text, does it contain one of `words` as a whole identifier?
pub struct WordSet {
    ac: Option<AhoCorasick>,
}

impl WordSet {
    pub fn new<S: AsRef<[u8]>>(words: &[S]) -> WordSet {
        let ac = (!words.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(words)
                .expect("names of functions")
        });
        WordSet { ac }
    }

    /// Does `text` contain one of the words, not as part of a longer identifier?
    pub fn found_in(&self, text: &str) -> bool {
        let Some(ac) = &self.ac else { return false };
        let b = text.as_bytes();
        ac.find_overlapping_iter(text).any(|m| {
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

    fn defs(lang: Language, text: &str) -> Vec<String> {
        let needles = Needles::new(&Catalog::builtin());
        scan(text, lang, &needles).defines
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
            class __declspec(novtable) CFoo final : public Base { void In() const { } };
            struct Fwd;
            typedef struct _S { int a; } S, *PS;
            typedef void (*PFN)(int);
            using Alias = int;
            HRESULT CBar::Method(int a) const noexcept { if (a) { call(a); } }
            CBar::CBar() : m_x(0) {}
            auto Tail(int) -> int { return 0; }
            static void Helper(char* p) { }
            void Decl(int);
            int x = f(1), y = g(2);
            const char* s = "void Fake() {";
            // void Commented() {}
            "#,
        );
        for want in [
            "CFoo", "In", "S", "PS", "PFN", "_S", "Alias", "CBar", "Method", "Tail", "Helper",
            "m_x",
        ] {
            assert!(d.iter().any(|x| x == want), "{want} in {d:?}");
        }
        for not in ["Fwd", "Decl", "f", "g", "Fake", "Commented", "if", "call"] {
            assert!(!d.iter().any(|x| x == not), "{not} in {d:?}");
        }
        let needles = Needles::new(&Catalog::builtin());
        let facts = scan(
            "#include \"dir\\Module.H\"\n#include <windows.h>\n",
            Language::Cpp,
            &needles,
        );
        assert_eq!(facts.includes, vec!["module.h", "windows.h"]);
    }

    #[test]
    fn rust_definitions() {
        let d = defs(
            Language::Rust,
            r##"
            pub fn run<'a>(x: &'a str) -> char { 'x' }
            struct Cache<T> { p: *const u8 }
            impl<T: Clone> Drop for Cache<T> { fn drop(&mut self) {} }
            static mut LAST: *const u8 = std::ptr::null();
            const MAX: usize = 4;
            const fn limit() -> usize { 3 }
            macro_rules! keep { () => {} }
            let s = r#"fn fake() {}"#;
            "##,
        );
        for want in ["run", "Cache", "drop", "LAST", "MAX", "limit", "keep"] {
            assert!(d.iter().any(|x| x == want), "{want} in {d:?}");
        }
        for not in ["fake", "Drop", "u8", "fn"] {
            assert!(!d.iter().any(|x| x == not), "{not} in {d:?}");
        }
    }

    #[test]
    fn words_are_whole_identifiers() {
        let set = WordSet::new(&["GetBuf"]);
        assert!(set.found_in("p = GetBuf(ctx);"));
        assert!(!set.found_in("p = GetBuffer(ctx); MyGetBuf();"));
    }

    #[test]
    fn bad_input_is_scanned_linearly() {
        let deep = "(".repeat(200_000) + &"{".repeat(100_000);
        let _ = defs(Language::Cpp, &deep);
        let _ = defs(Language::Rust, &deep);
        let _ = defs(Language::Cpp, "R\"x( unterminated");
        let _ = defs(Language::Rust, "r##\" unterminated \" # '");
        let _ = defs(Language::Cpp, "'\\");
    }
}
