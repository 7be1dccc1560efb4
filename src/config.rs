//! Project configuration: the `iislint.toml` file.
//!
//! The configuration file is looked up by [`discover`], which walks from a
//! starting directory upward and returns the first `iislint.toml` it finds.
//! [`load`] (or [`parse`] for in-memory text) turns it into a validated
//! [`Config`]. Every problem with the file — a TOML syntax error, an unknown
//! key at any level, a value of the wrong type, an unknown rule id, an
//! invalid glob, a zero size limit — is reported as
//! [`ConfigError::Invalid`], whose `Display` is
//! `<path>:<line>:<column>: <message>` (1-based line and column) with a
//! one-line message that names the offending key.
//!
//! # Format
//!
//! All keys are optional; an empty file is valid and means "defaults".
//!
//! ```toml
//! # Rules to run. Omit to run every rule; an empty list runs none.
//! select = ["request-scope-escape-static"]
//! # Rules never to run (applied after `select`).
//! ignore = ["request-memory-unchecked"]
//! # Files or directories to skip, as globs relative to the directory that
//! # contains this file. `*` does not cross `/`, `**` does. A directory
//! # pattern excludes everything below it: `third_party` and
//! # `third_party/**` both exclude `third_party/x/y.cpp`.
//! exclude = ["third_party/**", "**/generated/*.cpp"]
//!
//! # Rules to ignore in the files matching a glob (same glob syntax).
//! [per-file-ignores]
//! "tests/**" = ["request-memory-dead-alloc"]
//!
//! [preprocess]
//! # Extra macros to blank out before parsing. `NAME` blanks the macro
//! # name; `NAME(...)` marks it function-like, so its argument list is
//! # blanked too.
//! blank-macros = ["MY_EXPORT", "MY_SAL_IN(...)"]
//!
//! [api]
//! # Extra functions or methods whose return value is request memory.
//! request-memory = ["MyAllocRequestMemory", "CRequestPool::Allocate"]
//!
//! [limits]
//! # Skip source files larger than this many bytes (must be > 0).
//! max-file-size = 10485760
//! # Skip a file whose parse takes longer than this many milliseconds (must be > 0).
//! parse-timeout-ms = 20000
//! # Skip (with a notice) a function whose control-flow graph has more basic blocks than
//! # this (must be > 0): generated code the analysis would take minutes over.
//! max-function-blocks = 10000
//! ```
//!
//! Rule ids in `select`, `ignore` and `per-file-ignores` are checked
//! against the analyzer's known rules; a misspelt id is an error that
//! suggests the closest known id.

use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use toml::Spanned;

/// Name of the configuration file.
pub const FILE_NAME: &str = "iislint.toml";

/// A validated configuration.
///
/// The glob matchers used by [`Config::is_excluded`] and
/// [`Config::ignored_for`] are built by [`parse`]; if `exclude` or
/// `per_file_ignores` are changed afterwards, call
/// [`Config::rebuild_matchers`].
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// File the configuration came from (`None` = built-in defaults).
    pub path: Option<PathBuf>,
    /// Directory containing the config file; globs are relative to it.
    /// Empty for defaults or a bare `iislint.toml` path (= current directory).
    pub root: PathBuf,
    /// Rules to run; `None` = all rules.
    pub select: Option<Vec<String>>,
    /// Rules never to run.
    pub ignore: Vec<String>,
    /// Exclusion glob patterns, as written.
    pub exclude: Vec<String>,
    /// `(glob, rule ids)` pairs from `[per-file-ignores]`, globs as written.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// `[preprocess] blank-macros`: `NAME` or `NAME(...)` (function-like).
    /// See [`split_blank_macro`].
    pub blank_macros: Vec<String>,
    /// `[api] request-memory`: `Name` or `Class::Method`.
    pub request_memory: Vec<String>,
    /// `[limits] max-file-size` in bytes; always > 0 when set.
    pub max_file_size: Option<u64>,
    /// `[limits] parse-timeout-ms`; always > 0 when set.
    pub parse_timeout_ms: Option<u64>,
    /// `[limits] max-function-blocks`; always > 0 when set.
    pub max_function_blocks: Option<u64>,

    exclude_set: GlobSet,
    per_file_set: GlobSet,
    /// For each glob in `per_file_set`, its index in `per_file_ignores`.
    per_file_owner: Vec<usize>,
    /// `root` made absolute (lexically) against the cwd at parse time.
    root_abs: Option<PathBuf>,
    /// `root` with symlinks resolved, when it exists.
    root_canon: Option<PathBuf>,
}

/// Errors from [`load`] and [`parse`].
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("{}: cannot read config: {message}", path.display())]
    Io { path: PathBuf, message: String },
    /// The file was read but is not a valid configuration.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// Dotted key the error is about (`select`, `api.request-memory`, ...), when known.
        key: Option<String>,
        /// One-line message; it names the key when one is known.
        message: String,
    },
}

/// Walks from `start` (a directory; a file means its directory) upward and
/// returns the first `iislint.toml` found. A relative `start` is resolved
/// against the current directory first, so the walk does not stop at the
/// current directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = if start.is_absolute() {
        lexical_normalize(start)
    } else {
        let cwd = std::env::current_dir().ok()?;
        lexical_normalize(&cwd.join(start))
    };
    if dir.is_file() {
        dir.pop();
    }
    for ancestor in dir.ancestors() {
        let candidate = ancestor.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    None
}

/// Reads and parses a config file. `known_rules` are the valid rule ids.
pub fn load(path: &Path, known_rules: &[&str]) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path, known_rules)
}

/// Parses config text. `path` is used in error messages, and its parent
/// directory becomes [`Config::root`], the base directory for globs.
pub fn parse(text: &str, path: &Path, known_rules: &[&str]) -> Result<Config, ConfigError> {
    // Editors do not show a byte-order mark, so positions are counted without it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&e, text, path))?;
    let ctx = Ctx {
        text,
        path,
        known_rules,
    };
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let root_abs = if root.is_absolute() {
        Some(lexical_normalize(&root))
    } else {
        std::env::current_dir()
            .ok()
            .map(|cwd| lexical_normalize(&cwd.join(&root)))
    };
    let canon_base = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root.as_path()
    };
    let root_canon = std::fs::canonicalize(canon_base).ok();

    let select = match raw.select {
        Some(ids) => Some(ctx.rule_ids(&ids, "select")?),
        None => None,
    };
    let ignore = ctx.rule_ids(&raw.ignore, "ignore")?;

    let mut exclude = Vec::with_capacity(raw.exclude.len());
    for pattern in &raw.exclude {
        ctx.check_glob(pattern, "exclude")?;
        exclude.push(pattern.get_ref().clone());
    }

    let mut per_file_ignores = Vec::with_capacity(raw.per_file_ignores.0.len());
    for (pattern, ids) in &raw.per_file_ignores.0 {
        ctx.check_glob(pattern, "per-file-ignores")?;
        let key = format!("per-file-ignores.{}", toml_key(pattern.get_ref()));
        per_file_ignores.push((pattern.get_ref().clone(), ctx.rule_ids(ids, &key)?));
    }

    let mut blank_macros = Vec::with_capacity(raw.preprocess.blank_macros.len());
    for entry in &raw.preprocess.blank_macros {
        if split_blank_macro(entry.get_ref()).is_none() {
            return Err(ctx.invalid(
                entry.span(),
                "preprocess.blank-macros",
                format!(
                    "invalid macro `{}` (expected an identifier, optionally followed by `(...)`)",
                    entry.get_ref()
                ),
            ));
        }
        blank_macros.push(entry.get_ref().clone());
    }

    let mut request_memory = Vec::with_capacity(raw.api.request_memory.len());
    for entry in &raw.api.request_memory {
        if !is_qualified_name(entry.get_ref()) {
            return Err(ctx.invalid(
                entry.span(),
                "api.request-memory",
                format!(
                    "invalid function name `{}` (expected `Name` or `Class::Method`)",
                    entry.get_ref()
                ),
            ));
        }
        request_memory.push(entry.get_ref().clone());
    }

    let positive = |value: &Option<Spanned<u64>>, key: &str| match value {
        Some(v) if *v.get_ref() == 0 => {
            Err(ctx.invalid(v.span(), key, "must be greater than 0".to_string()))
        }
        Some(v) => Ok(Some(*v.get_ref())),
        None => Ok(None),
    };
    let max_file_size = positive(&raw.limits.max_file_size, "limits.max-file-size")?;
    let parse_timeout_ms = positive(&raw.limits.parse_timeout_ms, "limits.parse-timeout-ms")?;
    let max_function_blocks = positive(
        &raw.limits.max_function_blocks,
        "limits.max-function-blocks",
    )?;

    let mut config = Config {
        path: Some(path.to_path_buf()),
        root,
        select,
        ignore,
        exclude,
        per_file_ignores,
        blank_macros,
        request_memory,
        max_file_size,
        parse_timeout_ms,
        max_function_blocks,
        exclude_set: GlobSet::empty(),
        per_file_set: GlobSet::empty(),
        per_file_owner: Vec::new(),
        root_abs,
        root_canon,
    };
    // Every glob was compiled above, so this only fails if globset rejects
    // a set it accepted piecewise; report that at the top of the file.
    config
        .rebuild_matchers()
        .map_err(|e| ctx.invalid(0..0, "exclude", format!("invalid glob set: {}", e.kind())))?;
    Ok(config)
}

/// Splits a `blank-macros` entry into its macro name and whether it is
/// function-like (`NAME(...)`). Returns `None` for a malformed entry.
pub fn split_blank_macro(entry: &str) -> Option<(&str, bool)> {
    match entry.strip_suffix("(...)") {
        Some(name) if is_ident(name) => Some((name, true)),
        Some(_) => None,
        None if is_ident(entry) => Some((entry, false)),
        None => None,
    }
}

impl Config {
    /// True when `path` matches an `exclude` glob. `path` may be absolute
    /// or relative to the current directory; it is matched relative to
    /// [`Config::root`] and as given, and so are its parent directories.
    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        self.candidates(path).iter().any(|candidate| {
            let mut hit = false;
            for_each_prefix(candidate, |s| {
                hit = self.exclude_set.is_match(s);
                hit
            });
            hit
        })
    }

    /// Rule ids ignored for `path` by `per-file-ignores` (each id once, in
    /// config order). `path` is interpreted as for [`Config::is_excluded`].
    pub fn ignored_for(&self, path: &Path) -> Vec<&str> {
        if self.per_file_ignores.is_empty() {
            return Vec::new();
        }
        let mut hit = vec![false; self.per_file_ignores.len()];
        for candidate in self.candidates(path) {
            for_each_prefix(&candidate, |s| {
                for glob in self.per_file_set.matches(s) {
                    let owner = self.per_file_owner.get(glob).copied();
                    if let Some(flag) = owner.and_then(|i| hit.get_mut(i)) {
                        *flag = true;
                    }
                }
                false
            });
        }
        let mut out: Vec<&str> = Vec::new();
        for ((_, ids), matched) in self.per_file_ignores.iter().zip(hit) {
            if matched {
                for id in ids {
                    if !out.contains(&id.as_str()) {
                        out.push(id);
                    }
                }
            }
        }
        out
    }

    /// True when rule `id` is enabled by `select` and `ignore`.
    pub fn is_rule_enabled(&self, id: &str) -> bool {
        let selected = match &self.select {
            Some(select) => select.iter().any(|s| s == id),
            None => true,
        };
        selected && !self.ignore.iter().any(|s| s == id)
    }

    /// True when rule `id` is enabled for `path` (`select`, `ignore` and
    /// `per-file-ignores`).
    pub fn is_rule_enabled_for(&self, id: &str, path: &Path) -> bool {
        self.is_rule_enabled(id) && !self.ignored_for(path).contains(&id)
    }

    /// Recompiles the glob matchers from `exclude` and `per_file_ignores`.
    pub fn rebuild_matchers(&mut self) -> Result<(), globset::Error> {
        let mut builder = GlobSetBuilder::new();
        for pattern in &self.exclude {
            for glob in compile_glob(pattern)? {
                builder.add(glob);
            }
        }
        self.exclude_set = builder.build()?;
        let mut builder = GlobSetBuilder::new();
        self.per_file_owner.clear();
        for (index, (pattern, _)) in self.per_file_ignores.iter().enumerate() {
            for glob in compile_glob(pattern)? {
                builder.add(glob);
                self.per_file_owner.push(index);
            }
        }
        self.per_file_set = builder.build()?;
        Ok(())
    }

    /// The `/`-separated strings `path` is matched as: relative to the
    /// root (lexically, then via the cwd, then via symlink resolution) and
    /// as given.
    fn candidates(&self, path: &Path) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |p: &Path| {
            let s = to_slash(p);
            if !s.is_empty() && !out.contains(&s) {
                out.push(s);
            }
        };
        let given = lexical_normalize(path);
        let root = lexical_normalize(&self.root);
        let mut stripped = false;
        // An empty root is the cwd: handled below for absolute paths.
        let lexical = match root.as_os_str().is_empty() && given.is_absolute() {
            true => None,
            false => given.strip_prefix(&root).ok(),
        };
        if let Some(rel) = lexical {
            add(rel);
            stripped = true;
        }
        if let Some(root_abs) = &self.root_abs {
            let absolute = if given.is_absolute() {
                Some(given.clone())
            } else {
                std::env::current_dir()
                    .ok()
                    .map(|cwd| lexical_normalize(&cwd.join(&given)))
            };
            if let Some(rel) = absolute
                .as_deref()
                .and_then(|a| a.strip_prefix(root_abs).ok())
            {
                add(rel);
                stripped = true;
            }
        }
        // Symlinks (e.g. a root reached through a link): resolve both.
        let canonical = match (&self.root_canon, stripped) {
            (Some(root_canon), false) => std::fs::canonicalize(path)
                .ok()
                .and_then(|c| c.strip_prefix(root_canon).ok().map(Path::to_path_buf)),
            _ => None,
        };
        if let Some(rel) = canonical {
            add(&rel);
        }
        add(&given);
        out
    }
}

// ---------------------------------------------------------------------------
// Serde mirror of the file.

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", expecting = "a table")]
struct RawConfig {
    #[serde(default)]
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    per_file_ignores: RawPerFileIgnores,
    #[serde(default)]
    preprocess: RawPreprocess,
    #[serde(default)]
    api: RawApi,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", expecting = "a table")]
struct RawPreprocess {
    #[serde(default)]
    blank_macros: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", expecting = "a table")]
struct RawApi {
    #[serde(default)]
    request_memory: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", expecting = "a table")]
struct RawLimits {
    #[serde(default)]
    max_file_size: Option<Spanned<u64>>,
    #[serde(default)]
    parse_timeout_ms: Option<Spanned<u64>>,
    #[serde(default)]
    max_function_blocks: Option<Spanned<u64>>,
}

/// `[per-file-ignores]`: glob keys (with their spans) to rule-id arrays.
#[derive(Default)]
struct RawPerFileIgnores(Vec<(Spanned<String>, Vec<Spanned<String>>)>);

impl<'de> Deserialize<'de> for RawPerFileIgnores {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PerFileVisitor;
        impl<'de> Visitor<'de> for PerFileVisitor {
            type Value = RawPerFileIgnores;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of glob = [rule ids]")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let ids: Vec<Spanned<String>> = map.next_value()?;
                    entries.push((key, ids));
                }
                // toml hands table entries over sorted by key; restore file order.
                entries.sort_by_key(|(key, _)| key.span().start);
                Ok(RawPerFileIgnores(entries))
            }
        }
        deserializer.deserialize_map(PerFileVisitor)
    }
}

// ---------------------------------------------------------------------------
// Validation.

struct Ctx<'a> {
    text: &'a str,
    path: &'a Path,
    known_rules: &'a [&'a str],
}

impl Ctx<'_> {
    fn invalid(&self, span: Range<usize>, key: &str, message: String) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            key: Some(key.to_string()),
            message: format!("`{key}`: {message}"),
        }
    }

    fn rule_ids(&self, ids: &[Spanned<String>], key: &str) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let id_str = id.get_ref().as_str();
            if !self.known_rules.contains(&id_str) {
                let mut message = format!("unknown rule id `{id_str}`");
                if let Some(best) = closest(id_str, self.known_rules.iter().copied()) {
                    message.push_str(&format!("; did you mean `{best}`?"));
                }
                return Err(self.invalid(id.span(), key, message));
            }
            out.push(id_str.to_string());
        }
        Ok(out)
    }

    fn check_glob(&self, pattern: &Spanned<String>, key: &str) -> Result<(), ConfigError> {
        let text = pattern.get_ref();
        if text.trim().is_empty() {
            return Err(self.invalid(pattern.span(), key, "empty glob pattern".to_string()));
        }
        compile_glob(text).map(drop).map_err(|e| {
            self.invalid(
                pattern.span(),
                key,
                format!("invalid glob `{text}`: {}", e.kind()),
            )
        })
    }
}

/// Compiles a glob as written in the config: `./` prefixes and a trailing
/// `/` are dropped; `*` does not cross `/`. A pattern ending in `/**` also
/// yields the directory itself (`third_party/**` matches `third_party`), so
/// a walker can prune it.
fn compile_glob(pattern: &str) -> Result<Vec<globset::Glob>, globset::Error> {
    let mut p = pattern;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    while p.len() > 1 && p.ends_with('/') {
        p = &p[..p.len() - 1];
    }
    let build = |p: &str| {
        GlobBuilder::new(p)
            .literal_separator(true)
            .case_insensitive(cfg!(windows))
            .build()
    };
    let mut globs = vec![build(p)?];
    match p.strip_suffix("/**") {
        Some(dir) if !dir.is_empty() && dir != "**" => globs.push(build(dir)?),
        _ => {}
    }
    Ok(globs)
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `Name`, `Class::Method`, `ns::Class::Method`.
fn is_qualified_name(s: &str) -> bool {
    s.split("::").all(is_ident)
}

/// Renders a key the way it would be written in TOML (quoted unless bare).
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

// ---------------------------------------------------------------------------
// TOML error conversion.

fn toml_error(e: &toml::de::Error, text: &str, path: &Path) -> ConfigError {
    let offset = e.span().map(|s| s.start);
    let (line, column) = offset.map_or((1, 1), |o| line_col(text, o));
    let raw = one_line(e.message());
    let table = error_key_path(e);
    let (key, message) = if let Some((field, expected)) = split_unknown_field(&raw) {
        let key = match &table {
            Some(t) => format!("{t}.{field}"),
            None => field.to_string(),
        };
        let mut message = format!("unknown key `{field}`");
        if let Some(t) = &table {
            message.push_str(&format!(" in `[{t}]`"));
        }
        if let Some(expected) = expected {
            message.push_str(&format!(" (expected {expected})"));
            if let Some(best) = closest(field, backticked(expected)) {
                message.push_str(&format!("; did you mean `{best}`?"));
            }
        }
        (Some(key), message)
    } else if let Some(key) = table {
        let message = format!("`{key}`: {}", polish(&raw));
        (Some(key), message)
    } else if let Some((key, shown)) = offset.and_then(|o| key_at(text, o)) {
        let message = format!("`{shown}`: {raw}");
        (Some(key), message)
    } else {
        (None, raw)
    };
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        key,
        message,
    }
}

/// The dotted key path toml attaches to value errors (`select`,
/// `api`, ...). toml only exposes it through `Display`, which appends
/// "in `a.b`" after the message when no input is attached.
fn error_key_path(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let rest = shown.strip_prefix(e.message())?.trim();
    let keys = rest.strip_prefix("in `")?.strip_suffix('`')?;
    (!keys.is_empty()).then(|| keys.to_string())
}

/// Splits serde's "unknown field `x`, expected ..." into (`x`, expected list).
fn split_unknown_field(message: &str) -> Option<(&str, Option<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let field = &rest[..end];
    let expected = rest[end + 1..].strip_prefix(", expected ");
    Some((field, expected))
}

/// The `backticked` names in a message.
fn backticked(s: &str) -> impl Iterator<Item = &str> {
    s.split('`').skip(1).step_by(2)
}

/// TOML wording for serde's data-model terms.
fn polish(message: &str) -> String {
    message
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected a table")
        .replace("expected u64", "expected a positive integer")
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Best effort for syntax errors, which toml reports without a key: finds
/// the statement containing byte `offset` by a light scan of the text and
/// returns (dotted key, how to show it): a `key = value` statement gives its
/// key qualified by the current table, a table header gives `[name]`.
fn key_at(text: &str, offset: usize) -> Option<(String, String)> {
    let b = text.as_bytes();
    let mut table = String::new();
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
            continue;
        }
        if i > offset {
            return None;
        }
        match b[i] {
            b'#' => i = line_end(b, i),
            b'[' => {
                let end = line_end(b, i);
                let name = header_name(text.get(i..end).unwrap_or(""));
                if offset < end {
                    return Some((name.clone(), format!("[{name}]")));
                }
                table = name;
                i = end;
            }
            _ => {
                let eq = scan_key(b, i);
                let key = text.get(i..eq).unwrap_or("").trim().to_string();
                if b.get(eq) != Some(&b'=') {
                    let end = line_end(b, eq);
                    if offset < end {
                        return None;
                    }
                    i = end;
                    continue;
                }
                let end = scan_value(b, eq + 1);
                if offset <= end {
                    let key = if table.is_empty() {
                        key
                    } else {
                        format!("{table}.{key}")
                    };
                    return Some((key.clone(), key));
                }
                i = end;
            }
        }
    }
    None
}

fn line_end(b: &[u8], from: usize) -> usize {
    b.iter()
        .skip(from)
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p)
}

fn header_name(line: &str) -> String {
    let inner = line.trim_start_matches('[');
    let inner = inner.split(']').next().unwrap_or("");
    inner.trim().to_string()
}

/// Index of the `=` ending the key that starts at `from`, or of the
/// newline / end of text when there is none.
fn scan_key(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'=' | b'\n' => return i,
            b'"' | b'\'' => i = skip_string(b, i),
            _ => i += 1,
        }
    }
    b.len()
}

/// Index of the newline ending the value that starts at `from` (arrays and
/// inline tables may span lines), or the end of text.
fn scan_value(b: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\n' if depth == 0 => return i,
            b'#' => {
                i = line_end(b, i);
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(b, i);
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Index just past the string starting at `from` (a quote). An unterminated
/// single-line string stops at the newline.
fn skip_string(b: &[u8], from: usize) -> usize {
    let quote = b[from];
    let basic = quote == b'"';
    if b.get(from + 1) == Some(&quote) && b.get(from + 2) == Some(&quote) {
        let mut i = from + 3;
        while i < b.len() {
            if basic && b[i] == b'\\' {
                i += 2;
            } else if b[i] == quote && b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote)
            {
                return i + 3;
            } else {
                i += 1;
            }
        }
        return b.len();
    }
    let mut i = from + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if basic => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

// ---------------------------------------------------------------------------
// Suggestions.

/// The candidate closest to `word` within a small edit distance.
fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 2).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let d = levenshtein(word, candidate);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------
// Paths.

/// Removes `.` components and resolves `..` against preceding normal
/// components, without touching the file system.
fn lexical_normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

/// `path` with `/` separators (`C:/x` for a Windows prefix).
fn to_slash(path: &Path) -> String {
    let mut out = String::new();
    let mut need_sep = false;
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => {
                out.push_str(&prefix.as_os_str().to_string_lossy());
                need_sep = false;
            }
            Component::RootDir => {
                out.push('/');
                need_sep = false;
            }
            Component::CurDir => {}
            Component::ParentDir | Component::Normal(_) => {
                if need_sep {
                    out.push('/');
                }
                out.push_str(&component.as_os_str().to_string_lossy());
                need_sep = true;
            }
        }
    }
    out
}

/// Calls `f` with `path` and each of its parent directories (`a/b/c`,
/// `a/b`, `a`) until it returns true.
fn for_each_prefix(path: &str, mut f: impl FnMut(&str) -> bool) {
    let mut s = path;
    loop {
        if !s.is_empty() && s != "/" && f(s) {
            return;
        }
        match s.rfind('/') {
            Some(i) => s = &s[..i],
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[&str] = &[
        "request-scope-escape-static",
        "request-scope-escape-global",
        "request-memory-unchecked",
        "request-memory-dead-alloc",
    ];

    const FULL: &str = r#"select = ["request-scope-escape-static"]   # optional; default all rules
ignore = ["request-memory-unchecked"]
exclude = ["third_party/**", "**/generated/*.cpp"]

[per-file-ignores]
"tests/**" = ["request-memory-dead-alloc"]

[preprocess]
blank-macros = ["MY_EXPORT", "MY_SAL_IN(...)"]

[api]
request-memory = ["MyAllocRequestMemory", "CRequestPool::Allocate"]

[limits]
max-file-size = 10485760
parse-timeout-ms = 20000
max-function-blocks = 25000
"#;

    fn err(text: &str) -> (String, Option<String>) {
        match parse(text, Path::new("iislint.toml"), RULES) {
            Ok(c) => panic!("expected an error for {text:?}, got {c:?}"),
            Err(e) => {
                let shown = e.to_string();
                match e {
                    ConfigError::Invalid { key, .. } => (shown, key),
                    ConfigError::Io { .. } => panic!("unexpected Io error: {shown}"),
                }
            }
        }
    }

    fn ok(text: &str, path: &Path) -> Config {
        match parse(text, path, RULES) {
            Ok(c) => c,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn scratch_dir(name: &str) -> tempfile::TempDir {
        match tempfile::Builder::new().prefix(name).tempdir() {
            Ok(d) => d,
            Err(e) => panic!("tempdir: {e}"),
        }
    }

    #[test]
    fn full_valid_config() {
        let c = ok(FULL, Path::new("/proj/iislint.toml"));
        assert_eq!(c.path.as_deref(), Some(Path::new("/proj/iislint.toml")));
        assert_eq!(c.root, PathBuf::from("/proj"));
        assert_eq!(
            c.select,
            Some(vec!["request-scope-escape-static".to_string()])
        );
        assert_eq!(c.ignore, vec!["request-memory-unchecked"]);
        assert_eq!(c.exclude, vec!["third_party/**", "**/generated/*.cpp"]);
        assert_eq!(
            c.per_file_ignores,
            vec![(
                "tests/**".to_string(),
                vec!["request-memory-dead-alloc".to_string()]
            )]
        );
        assert_eq!(c.blank_macros, vec!["MY_EXPORT", "MY_SAL_IN(...)"]);
        assert_eq!(
            c.request_memory,
            vec!["MyAllocRequestMemory", "CRequestPool::Allocate"]
        );
        assert_eq!(c.max_file_size, Some(10_485_760));
        assert_eq!(c.parse_timeout_ms, Some(20_000));
        assert_eq!(c.max_function_blocks, Some(25_000));
        assert!(c.is_rule_enabled("request-scope-escape-static"));
        assert!(!c.is_rule_enabled("request-memory-unchecked"));
        assert!(!c.is_rule_enabled("request-scope-escape-global"));
        assert!(c.is_rule_enabled_for("request-scope-escape-static", Path::new("x.cpp")));
        assert_eq!(
            c.ignored_for(Path::new("/proj/tests/x.cpp")),
            vec!["request-memory-dead-alloc"]
        );
    }

    #[test]
    fn inline_tables_and_dotted_keys_are_accepted() {
        let c = ok(
            "api = { request-memory = [\"A::B\"] }\nlimits.max-file-size = 5\n",
            Path::new("iislint.toml"),
        );
        assert_eq!(c.request_memory, vec!["A::B"]);
        assert_eq!(c.max_file_size, Some(5));
    }

    #[test]
    fn empty_file_gives_defaults() {
        for text in ["", "# only a comment\n\n", "\u{feff}"] {
            let c = ok(text, Path::new("iislint.toml"));
            assert_eq!(c.path.as_deref(), Some(Path::new("iislint.toml")));
            assert_eq!(c.root, PathBuf::new());
            assert_eq!(c.select, None);
            assert!(c.ignore.is_empty());
            assert!(c.exclude.is_empty());
            assert!(c.per_file_ignores.is_empty());
            assert!(c.blank_macros.is_empty());
            assert!(c.request_memory.is_empty());
            assert_eq!(c.max_file_size, None);
            assert_eq!(c.parse_timeout_ms, None);
            assert_eq!(c.max_function_blocks, None);
            assert!(c.is_rule_enabled("request-memory-unchecked"));
            assert!(!c.is_excluded(Path::new("a.cpp")));
            assert!(c.ignored_for(Path::new("a.cpp")).is_empty());
        }
        let d = Config::default();
        assert!(d.path.is_none());
        assert!(d.is_rule_enabled("anything"));
    }

    #[test]
    fn every_documented_key_is_accepted() {
        // Guards against the serde field names drifting from the docs.
        let c = ok(
            "select = []\nignore = []\nexclude = []\n[per-file-ignores]\n[preprocess]\n\
             blank-macros = []\n[api]\nrequest-memory = []\n[limits]\nmax-file-size = 1\n\
             parse-timeout-ms = 1\nmax-function-blocks = 1\n",
            Path::new("iislint.toml"),
        );
        assert_eq!(c.select, Some(vec![]));
        assert!(!c.is_rule_enabled("request-memory-unchecked"));
    }

    #[test]
    fn unknown_top_level_key() {
        let (shown, key) = err("select = []\nignore = []\nselekt = [\"x\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:3:1: unknown key `selekt` (expected one of `select`, `ignore`, \
             `exclude`, `per-file-ignores`, `preprocess`, `api`, `limits`); did you mean `select`?"
        );
        assert_eq!(key.as_deref(), Some("selekt"));
    }

    #[test]
    fn unknown_key_in_api() {
        let (shown, key) = err("[api]\nrequest-memory = []\nalloc-functions = [\"X\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:3:1: unknown key `alloc-functions` in `[api]` (expected `request-memory`)"
        );
        assert_eq!(key.as_deref(), Some("api.alloc-functions"));

        let (shown, _) = err("\n[api]\n  request-memroy = []\n");
        assert_eq!(
            shown,
            "iislint.toml:3:3: unknown key `request-memroy` in `[api]` (expected \
             `request-memory`); did you mean `request-memory`?"
        );
        let (shown, key) = err("api = { foo = 1 }\n");
        assert_eq!(
            shown,
            "iislint.toml:1:9: unknown key `foo` in `[api]` (expected `request-memory`)"
        );
        assert_eq!(key.as_deref(), Some("api.foo"));
    }

    #[test]
    fn wrong_types() {
        let (shown, key) = err("select = \"x\"\n");
        assert_eq!(
            shown,
            "iislint.toml:1:10: `select`: invalid type: string \"x\", expected an array"
        );
        assert_eq!(key.as_deref(), Some("select"));

        let (shown, _) = err("ignore = [\"request-memory-unchecked\", 3]\n");
        assert_eq!(
            shown,
            "iislint.toml:1:39: `ignore`: invalid type: integer `3`, expected a string"
        );
        let (shown, _) = err("api = 3\n");
        assert_eq!(
            shown,
            "iislint.toml:1:7: `api`: invalid type: integer `3`, expected a table"
        );
        let (shown, key) = err("[limits]\nmax-file-size = -1\n");
        assert_eq!(
            shown,
            "iislint.toml:2:17: `limits.max-file-size`: invalid value: integer `-1`, expected a \
             positive integer"
        );
        assert_eq!(key.as_deref(), Some("limits.max-file-size"));
        let (shown, _) = err("[per-file-ignores]\n\"tests/**\" = \"x\"\n");
        assert_eq!(
            shown,
            "iislint.toml:2:14: `per-file-ignores.tests/**`: invalid type: string \"x\", \
             expected an array"
        );
    }

    #[test]
    fn unknown_rule_id_with_suggestion() {
        let (shown, key) = err("# rules\nselect = [\"request-scope-escape-statik\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:2:11: `select`: unknown rule id `request-scope-escape-statik`; did you \
             mean `request-scope-escape-static`?"
        );
        assert_eq!(key.as_deref(), Some("select"));

        let (shown, _) = err("ignore = [\"request-memory-unchecked\", \"bogus\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:1:39: `ignore`: unknown rule id `bogus`"
        );

        let (shown, key) =
            err("[per-file-ignores]\n\"tests/**\" = [\"request-memory-dead-aloc\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:2:15: `per-file-ignores.\"tests/**\"`: unknown rule id \
             `request-memory-dead-aloc`; did you mean `request-memory-dead-alloc`?"
        );
        assert_eq!(key.as_deref(), Some("per-file-ignores.\"tests/**\""));
    }

    #[test]
    fn invalid_glob() {
        let (shown, key) = err("select = []\nignore = []\n\n\nexclude = [\"src/[\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:5:12: `exclude`: invalid glob `src/[`: unclosed character class; \
             missing ']'"
        );
        assert_eq!(key.as_deref(), Some("exclude"));

        let (shown, key) = err("[per-file-ignores]\n\"a/{b\" = []\n");
        assert!(
            shown.starts_with("iislint.toml:2:1: `per-file-ignores`: invalid glob `a/{b`: "),
            "{shown}"
        );
        assert_eq!(key.as_deref(), Some("per-file-ignores"));

        let (shown, _) = err("exclude = [\"\"]\n");
        assert_eq!(shown, "iislint.toml:1:12: `exclude`: empty glob pattern");
    }

    #[test]
    fn syntax_errors() {
        let (shown, key) = err("select = []\nignore = []\nexclude = [\"a\",, \"b\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:3:16: `exclude`: extra comma in array, expected value"
        );
        assert_eq!(key.as_deref(), Some("exclude"));
        assert!(!shown.contains('\n'));

        let (shown, _) = err("[api]\nrequest-memory = [\"A\",\n  \"B\"\n  \"C\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:4:3: `api.request-memory`: missing comma between array elements, \
             expected `,`"
        );
        let (shown, _) = err("ignore = []\nignore = []\n");
        assert_eq!(shown, "iislint.toml:2:1: `ignore`: duplicate key");
        let (shown, key) = err("[api]\n[api]\n");
        assert_eq!(shown, "iislint.toml:2:2: `[api]`: duplicate key");
        assert_eq!(key.as_deref(), Some("api"));
        let (shown, _) = err("select = [\"a\n");
        assert!(shown.starts_with("iislint.toml:1:"), "{shown}");
        assert!(shown.contains("`select`: "), "{shown}");
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn other_value_errors() {
        let (shown, key) = err("[limits]\nmax-file-size = 0\n");
        assert_eq!(
            shown,
            "iislint.toml:2:17: `limits.max-file-size`: must be greater than 0"
        );
        assert_eq!(key.as_deref(), Some("limits.max-file-size"));
        let (shown, key) = err("[limits]\nparse-timeout-ms = 0\n");
        assert_eq!(
            shown,
            "iislint.toml:2:20: `limits.parse-timeout-ms`: must be greater than 0"
        );
        assert_eq!(key.as_deref(), Some("limits.parse-timeout-ms"));
        let (shown, _) = err("[preprocess]\nblank-macros = [\"OK\", \"BAD(\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:2:23: `preprocess.blank-macros`: invalid macro `BAD(` (expected an \
             identifier, optionally followed by `(...)`)"
        );
        let (shown, _) = err("[api]\nrequest-memory = [\"A::\"]\n");
        assert_eq!(
            shown,
            "iislint.toml:2:19: `api.request-memory`: invalid function name `A::` (expected \
             `Name` or `Class::Method`)"
        );
    }

    #[test]
    fn columns_count_characters_and_skip_bom() {
        let (shown, _) = err("\u{feff}exclude = [\"é\"]\nignore = [\"é\", 1]\n");
        assert_eq!(
            shown,
            "iislint.toml:2:16: `ignore`: invalid type: integer `1`, expected a string"
        );
        let (shown, _) = err("ignore = []\r\nselekt = 1\r\n");
        assert!(
            shown.starts_with("iislint.toml:2:1: unknown key `selekt`"),
            "{shown}"
        );
    }

    #[test]
    fn no_panics_on_truncated_or_odd_input() {
        let mut inputs: Vec<String> = Vec::new();
        for (i, _) in FULL.char_indices() {
            inputs.push(FULL[..i].to_string());
        }
        for odd in [
            "[",
            "[[",
            "]",
            "=",
            "\"",
            "'''",
            "\"\"\"\n",
            "a.b.c = 1",
            "[a]\nb = {",
            "x = \"\\",
            "select = [\"é",
            "[per-file-ignores]\n\"\" = []",
            "\0",
            "é = 1",
        ] {
            inputs.push(odd.to_string());
        }
        for text in &inputs {
            let _ = parse(text, Path::new("iislint.toml"), RULES);
            for offset in 0..=text.len() + 1 {
                let _ = key_at(text, offset);
                let _ = line_col(text, offset);
            }
        }
    }

    #[test]
    fn levenshtein_and_closest() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(closest("selekt", ["select", "ignore"]), Some("select"));
        assert_eq!(closest("x", ["api"]), None);
        assert_eq!(closest("zzzzzzzz", RULES.iter().copied()), None);
    }

    #[test]
    fn load_reports_io_errors() {
        let dir = scratch_dir("iislint-cfg-io");
        let missing = dir.path().join(FILE_NAME);
        match load(&missing, RULES) {
            Err(ConfigError::Io { path, message }) => {
                assert_eq!(path, missing);
                assert!(!message.is_empty());
            }
            other => panic!("expected Io error, got {other:?}"),
        }
        let bad = dir.path().join("bad.toml");
        if let Err(e) = std::fs::write(&bad, [0xff, 0xfe, b'x']) {
            panic!("write: {e}");
        }
        let e = load(&bad, RULES).err().map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|s| s.contains("bad.toml: cannot read config: ")),
            "{e:?}"
        );
        let good = dir.path().join(FILE_NAME);
        if let Err(e) = std::fs::write(&good, FULL) {
            panic!("write: {e}");
        }
        match load(&good, RULES) {
            Ok(c) => assert_eq!(c.root, dir.path()),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn discover_walks_upward() {
        let dir = scratch_dir("iislint-cfg-discover");
        let top = dir.path().join("a");
        let deep = top.join("b").join("c");
        if let Err(e) = std::fs::create_dir_all(&deep) {
            panic!("mkdir: {e}");
        }
        let file = top.join(FILE_NAME);
        if let Err(e) = std::fs::write(&file, "") {
            panic!("write: {e}");
        }
        assert_eq!(discover(&deep), Some(file.clone()));
        assert_eq!(discover(&top), Some(file.clone()));
        // A file as start means its directory; `..` is resolved lexically.
        let source = deep.join("x.cpp");
        if let Err(e) = std::fs::write(&source, "") {
            panic!("write: {e}");
        }
        assert_eq!(discover(&source), Some(file.clone()));
        assert_eq!(discover(&deep.join("..").join("c")), Some(file.clone()));
        // The nearest file wins.
        let nearer = top.join("b").join(FILE_NAME);
        if let Err(e) = std::fs::write(&nearer, "") {
            panic!("write: {e}");
        }
        assert_eq!(discover(&deep), Some(nearer));
        // A directory named like the file is not a config.
        let decoy = dir.path().join("d");
        if let Err(e) = std::fs::create_dir_all(decoy.join(FILE_NAME)) {
            panic!("mkdir: {e}");
        }
        assert_ne!(discover(&decoy), Some(decoy.join(FILE_NAME)));
    }

    const GLOBS: &str = r#"exclude = ["third_party/**", "**/generated/*.cpp", "./vendor/", "*.g.cpp"]

[per-file-ignores]
"tests/**" = ["request-memory-dead-alloc"]
"**/*_test.cpp" = ["request-memory-unchecked", "request-memory-dead-alloc"]
"legacy" = ["request-scope-escape-global"]
"#;

    #[test]
    fn is_excluded_relative_and_absolute() {
        let dir = scratch_dir("iislint-cfg-excl");
        let root = dir.path();
        let c = ok(GLOBS, &root.join(FILE_NAME));
        let yes = [
            "third_party/x/y.cpp",
            "./third_party/a.cpp",
            "third_party",
            "src/generated/a.cpp",
            "generated/a.cpp",
            "vendor/lib/a.h",
            "vendor",
            "top.g.cpp",
        ];
        let no = [
            "src/main.cpp",
            "src/generated/sub/a.cpp",
            "src/third_party/a.cpp",
            "src/top.g.cpp",
            "vendored/a.cpp",
            "third_party_x/a.cpp",
        ];
        for rel in yes {
            assert!(c.is_excluded(Path::new(rel)), "relative {rel}");
            assert!(c.is_excluded(&root.join(rel)), "absolute {rel}");
        }
        for rel in no {
            assert!(!c.is_excluded(Path::new(rel)), "relative {rel}");
            assert!(!c.is_excluded(&root.join(rel)), "absolute {rel}");
        }
        assert!(c.is_excluded(&root.join("src/../third_party/a.cpp")));
        assert!(!c.is_excluded(Path::new("/elsewhere/src/main.cpp")));

        // A config given by a bare relative path: root is the cwd.
        let c = ok(GLOBS, Path::new(FILE_NAME));
        assert!(c.is_excluded(Path::new("third_party/x/y.cpp")));
        assert!(!c.is_excluded(Path::new("src/main.cpp")));
        if let Ok(cwd) = std::env::current_dir() {
            assert!(c.is_excluded(&cwd.join("third_party/x/y.cpp")));
            assert!(!c.is_excluded(&cwd.join("src/main.cpp")));
        }
    }

    #[cfg(unix)]
    #[test]
    fn is_excluded_through_symlinked_root() {
        let dir = scratch_dir("iislint-cfg-link");
        let real = dir.path().join("real");
        let link = dir.path().join("link");
        if let Err(e) = std::fs::create_dir_all(real.join("third_party")) {
            panic!("mkdir: {e}");
        }
        if let Err(e) = std::fs::write(real.join("third_party/a.cpp"), "") {
            panic!("write: {e}");
        }
        if let Err(e) = std::os::unix::fs::symlink(&real, &link) {
            panic!("symlink: {e}");
        }
        let c = ok(GLOBS, &link.join(FILE_NAME));
        assert!(c.is_excluded(&real.join("third_party/a.cpp")));
        assert!(c.is_excluded(&link.join("third_party/a.cpp")));
        let c = ok(GLOBS, &real.join(FILE_NAME));
        assert!(c.is_excluded(&link.join("third_party/a.cpp")));
    }

    #[test]
    fn ignored_for_relative_and_absolute() {
        let dir = scratch_dir("iislint-cfg-pfi");
        let root = dir.path();
        let c = ok(GLOBS, &root.join(FILE_NAME));
        for base in [PathBuf::new(), root.to_path_buf()] {
            let at = |p: &str| base.join(p);
            assert_eq!(
                c.ignored_for(&at("tests/unit/a.cpp")),
                vec!["request-memory-dead-alloc"]
            );
            // Both entries match; ids come once each, in config order.
            assert_eq!(
                c.ignored_for(&at("tests/a_test.cpp")),
                vec!["request-memory-dead-alloc", "request-memory-unchecked"]
            );
            assert_eq!(
                c.ignored_for(&at("src/x/a_test.cpp")),
                vec!["request-memory-unchecked", "request-memory-dead-alloc"]
            );
            assert_eq!(
                c.ignored_for(&at("legacy/old/a.cpp")),
                vec!["request-scope-escape-global"]
            );
            assert!(c.ignored_for(&at("src/main.cpp")).is_empty());
            assert!(!c.is_rule_enabled_for("request-memory-unchecked", &at("src/a_test.cpp")));
            assert!(c.is_rule_enabled_for("request-memory-unchecked", &at("src/a.cpp")));
        }
    }

    #[test]
    fn rebuild_matchers_after_edit() {
        let mut c = ok("", Path::new(FILE_NAME));
        c.exclude.push("out/**".to_string());
        assert!(c.rebuild_matchers().is_ok());
        assert!(c.is_excluded(Path::new("out/a.cpp")));
        c.exclude.push("[".to_string());
        assert!(c.rebuild_matchers().is_err());
    }

    #[test]
    fn blank_macro_entries() {
        assert_eq!(split_blank_macro("MY_EXPORT"), Some(("MY_EXPORT", false)));
        assert_eq!(
            split_blank_macro("MY_SAL_IN(...)"),
            Some(("MY_SAL_IN", true))
        );
        assert_eq!(split_blank_macro("(...)"), None);
        assert_eq!(split_blank_macro("A B"), None);
        assert_eq!(split_blank_macro("1X"), None);
    }
}
