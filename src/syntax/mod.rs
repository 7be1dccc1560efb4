//! Parsing: the only layer that knows tree-sitter. Source text in, `ir::Module` out.

pub mod cfg;
pub mod cpp;
pub mod preprocess;
pub mod rust;

use std::cell::RefCell;
use std::time::Instant;

use crate::ir::Module;
use preprocess::MacroTable;

/// Source languages iislint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    Cpp,
    Rust,
}

impl Language {
    /// The language of a path, by its extension.
    pub fn of(path: &std::path::Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "c" | "cc" | "cpp" | "cxx" | "c++" | "h" | "hh" | "hpp" | "hxx" | "h++" | "inl"
            | "ipp" | "tpp" => Some(Language::Cpp),
            "rs" => Some(Language::Rust),
            _ => None,
        }
    }
}

thread_local! {
    /// One parser per thread and language: `tree_sitter::Parser` is not `Sync`.
    static PARSERS: RefCell<[Option<tree_sitter::Parser>; 2]> = const { RefCell::new([None, None]) };
}

fn with_parser<R>(lang: Language, f: impl FnOnce(&mut tree_sitter::Parser) -> R) -> R {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[lang as usize];
        let parser = slot.get_or_insert_with(|| {
            let mut p = tree_sitter::Parser::new();
            let language: tree_sitter::Language = match lang {
                Language::Cpp => tree_sitter_cpp::LANGUAGE.into(),
                Language::Rust => tree_sitter_rust::LANGUAGE.into(),
            };
            p.set_language(&language)
                .expect("the bundled grammar matches the tree-sitter version");
            p
        });
        f(parser)
    })
}

/// Parse only (no lowering): the baseline the benchmarks compare against.
pub fn parse_only(lang: Language, text: &str) -> Option<tree_sitter::Tree> {
    with_parser(lang, |p| p.parse(text, None))
}

/// The parse was still running at its deadline and was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout;

/// Parse `text`, cancelling the parse at `deadline`. A cancelled parser is reset, so the
/// thread's next parse starts afresh instead of resuming this one.
pub fn parse_until(
    lang: Language,
    text: &str,
    deadline: Option<Instant>,
) -> Result<tree_sitter::Tree, Timeout> {
    with_parser(lang, |p| {
        let bytes = text.as_bytes();
        let mut input = |i: usize, _| bytes.get(i..).unwrap_or_default();
        let mut past = |_: &tree_sitter::ParseState| deadline.is_some_and(|d| Instant::now() >= d);
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut past);
        match p.parse_with_options(&mut input, None, Some(options)) {
            Some(tree) => Ok(tree),
            None => {
                p.reset();
                Err(Timeout)
            }
        }
    })
}

/// Parse and lower one file. C/C++ text is first cleared of the macros in `macros`; Rust text
/// is parsed as written.
pub fn parse_and_lower(lang: Language, text: &str, macros: &MacroTable) -> Module {
    parse_and_lower_until(lang, text, macros, None).unwrap_or_default()
}

/// [`parse_and_lower`], giving up when the C/C++ parse is still running at `deadline`.
pub fn parse_and_lower_until(
    lang: Language,
    text: &str,
    macros: &MacroTable,
    deadline: Option<Instant>,
) -> Result<Module, Timeout> {
    Ok(match lang {
        Language::Cpp => {
            let blanked = preprocess::blank_macros(text, macros);
            let tree = parse_until(lang, &blanked, deadline)?;
            cpp::lower(&tree, &blanked, macros)
        }
        Language::Rust => match with_parser(lang, |p| p.parse(text, None)) {
            Some(tree) => rust::lower(&tree, text),
            None => Module::default(),
        },
    })
}
