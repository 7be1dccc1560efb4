//! The IIS API catalogue and the preprocessing macro list, read from `rules/catalog/*.toml`
//! (embedded at build time) and extended by the project's `iislint.toml`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::syntax::preprocess::{MacroAction, MacroTable};

const IIS_API: &str = include_str!("../rules/catalog/iis-api.toml");
const PREPROCESS: &str = include_str!("../rules/catalog/preprocess.toml");
/// The Rust standard-library side of the catalogue, merged into `IIS_API` (same keys).
const RUST_API: &str = include_str!("../rules/catalog/rust.toml");

/// The three kinds of request-scoped value (RULES.md, "Vocabulary").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    RequestMemory,
    RequestData,
    RequestObject,
    /// A number chosen by the client (a length, a count): not request-scoped, but it drives
    /// loops (`request-memory-in-loop`).
    RequestInput,
    /// The address of storage that dies before the response is sent (a stack array, a local
    /// string's data): `borrowed-buffer-by-reference`.
    Borrowed,
    /// Whatever the caller passes as a parameter: what happens to it becomes the function's
    /// summary (never reported by itself).
    Param,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::RequestMemory => "request memory",
            Kind::RequestData => "request data",
            Kind::RequestObject => "a request object",
            Kind::RequestInput => "request input",
            Kind::Borrowed => "a borrowed buffer",
            Kind::Param => "a parameter",
        }
    }

    /// The kinds that escape rules follow: request-scoped values and parameters (whose escapes
    /// go into the summary).
    pub fn is_tracked(self) -> bool {
        self.is_request_scoped() || self == Kind::Param
    }

    /// Request memory, request data and request objects: the values whose lifetime ends with
    /// the request.
    pub fn is_request_scoped(self) -> bool {
        matches!(
            self,
            Kind::RequestMemory | Kind::RequestData | Kind::RequestObject
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Source {
    pub kind: Kind,
    pub method: String,
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub require_type: bool,
    /// Also matches a free-function call of this name (project wrappers from config).
    #[serde(default)]
    pub free_function: bool,
    /// The value comes out through this argument (`GetServerVariable(name, &pszValue, &cch)`)
    /// instead of the return value.
    #[serde(default)]
    pub out_arg: Option<usize>,
    /// The value is a new request context of its own (`CloneContext`).
    #[serde(default)]
    pub new_context: bool,
    #[serde(default)]
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreFunction {
    pub name: String,
    pub dest: usize,
    pub value: usize,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct ApiFile {
    source: Vec<Source>,
    returns: HashMap<String, String>,
    store_function: Vec<StoreFunction>,
    store_methods: Vec<String>,
    propagate: HashMap<String, usize>,
    content_types: Vec<String>,
    view_types: Vec<String>,
    smart_pointers: Vec<String>,
    transparent: Vec<String>,
    scalar_types: Vec<String>,
    pointer_typedefs: Vec<String>,
    request_object_types: Vec<String>,
    completion_methods: Vec<String>,
    free_functions: HashMap<String, usize>,
    threads: HashMap<String, Vec<i32>>,
    dest_functions: Vec<String>,
    buffer_sinks: HashMap<String, BufferSink>,
    leak_functions: Vec<String>,
}

impl ApiFile {
    /// Add `other`'s entries (lists are extended, tables gain its keys).
    fn merge(&mut self, other: ApiFile) {
        self.source.extend(other.source);
        self.returns.extend(other.returns);
        self.store_function.extend(other.store_function);
        self.store_methods.extend(other.store_methods);
        self.propagate.extend(other.propagate);
        self.content_types.extend(other.content_types);
        self.view_types.extend(other.view_types);
        self.smart_pointers.extend(other.smart_pointers);
        self.transparent.extend(other.transparent);
        self.scalar_types.extend(other.scalar_types);
        self.pointer_typedefs.extend(other.pointer_typedefs);
        self.request_object_types.extend(other.request_object_types);
        self.completion_methods.extend(other.completion_methods);
        self.free_functions.extend(other.free_functions);
        self.threads.extend(other.threads);
        self.dest_functions.extend(other.dest_functions);
        self.buffer_sinks.extend(other.buffer_sinks);
        self.leak_functions.extend(other.leak_functions);
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BufferSink {
    pub arg: usize,
    #[serde(default)]
    pub async_arg: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PreprocessFile {
    blank: Vec<String>,
    blank_call: Vec<String>,
    unwrap: Vec<String>,
    replace: HashMap<String, String>,
}

/// The catalogue the analysis consults. Built once per run, shared read-only by all threads.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub sources: Vec<Source>,
    /// `Interface::Method` → returned interface.
    pub returns: HashMap<String, String>,
    pub store_functions: Vec<StoreFunction>,
    pub store_methods: HashSet<String>,
    pub propagate: HashMap<String, usize>,
    pub content_types: HashSet<String>,
    pub view_types: HashSet<String>,
    pub smart_pointers: HashSet<String>,
    pub transparent: HashSet<String>,
    pub scalar_types: HashSet<String>,
    pub pointer_typedefs: HashSet<String>,
    pub request_object_types: HashSet<String>,
    pub completion_methods: HashSet<String>,
    /// Free functions: name → index of the freed argument.
    pub free_functions: HashMap<String, usize>,
    /// Thread hand-offs: name → argument indexes that reach the other thread (`None` = all).
    pub threads: HashMap<String, Option<Vec<usize>>>,
    pub dest_functions: HashSet<String>,
    pub buffer_sinks: HashMap<String, BufferSink>,
    /// Calls that leak their argument for the rest of the process (`Box::leak`,
    /// `mem::forget`): what it holds, and what is later stored into it, outlives the request.
    pub leak_functions: HashSet<String>,
    pub macros: MacroTable,
}

impl Catalog {
    /// The built-in catalogue. The embedded files are checked by tests, so this cannot fail in a
    /// released binary.
    pub fn builtin() -> Catalog {
        let mut api: ApiFile =
            toml::from_str(IIS_API).expect("rules/catalog/iis-api.toml is valid");
        let rust: ApiFile = toml::from_str(RUST_API).expect("rules/catalog/rust.toml is valid");
        api.merge(rust);
        let pre: PreprocessFile =
            toml::from_str(PREPROCESS).expect("rules/catalog/preprocess.toml is valid");
        let mut macros = MacroTable::default();
        for n in &pre.blank {
            macros.insert(n, MacroAction::Blank);
        }
        for n in &pre.blank_call {
            macros.insert(n, MacroAction::BlankCall);
        }
        for n in &pre.unwrap {
            macros.insert(n, MacroAction::Unwrap);
        }
        for (n, with) in &pre.replace {
            macros.insert(n, MacroAction::Replace(with.clone()));
        }
        let set = |v: Vec<String>| v.into_iter().collect::<HashSet<_>>();
        Catalog {
            sources: api.source,
            returns: api.returns,
            store_functions: api.store_function,
            store_methods: set(api.store_methods),
            propagate: api.propagate,
            content_types: set(api.content_types),
            view_types: set(api.view_types),
            smart_pointers: set(api.smart_pointers),
            transparent: set(api.transparent),
            scalar_types: set(api.scalar_types),
            pointer_typedefs: set(api.pointer_typedefs),
            request_object_types: set(api.request_object_types),
            completion_methods: set(api.completion_methods),
            free_functions: api.free_functions,
            threads: api
                .threads
                .into_iter()
                .map(|(k, v)| {
                    let all = v.iter().any(|i| *i < 0);
                    let idx = v.iter().filter_map(|i| usize::try_from(*i).ok()).collect();
                    (k, if all { None } else { Some(idx) })
                })
                .collect(),
            dest_functions: set(api.dest_functions),
            buffer_sinks: api.buffer_sinks,
            leak_functions: set(api.leak_functions),
            macros,
        }
    }

    /// Add the project's own request-memory producers: `Name` (a free function or a method of
    /// any receiver) or `Class::Method` (a method whose receiver is of that class).
    pub fn add_request_memory(&mut self, spec: &str) {
        let (types, method) = match spec.rsplit_once("::") {
            Some((class, m)) => (
                vec![class.rsplit("::").next().unwrap_or(class).to_owned()],
                m,
            ),
            None => (Vec::new(), spec),
        };
        self.sources.push(Source {
            kind: Kind::RequestMemory,
            method: method.to_owned(),
            free_function: types.is_empty(),
            types,
            require_type: false,
            out_arg: None,
            new_context: false,
            doc: format!("configured in iislint.toml: {spec}"),
        });
    }

    /// Is `name` (a method or function name) ever a source? A cheap pre-check.
    pub fn is_source_name(&self, name: &str) -> bool {
        self.sources.iter().any(|s| s.method == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads() {
        let c = Catalog::builtin();
        assert!(c.is_source_name("AllocateRequestMemory"));
        assert!(c.store_methods.contains("push_back"));
        assert_eq!(c.propagate.get("move"), Some(&0));
        assert_eq!(c.macros.get("_In_"), Some(&MacroAction::Blank));
        assert_eq!(c.macros.get("_In_reads_"), Some(&MacroAction::BlankCall));
        assert_eq!(
            c.macros.get("STDMETHODIMP"),
            Some(&MacroAction::Replace("HRESULT".into()))
        );
    }

    #[test]
    fn configured_sources() {
        let mut c = Catalog::builtin();
        c.add_request_memory("CPool::Allocate");
        c.add_request_memory("MyAlloc");
        let pool = c.sources.iter().find(|s| s.method == "Allocate").unwrap();
        assert_eq!(pool.types, vec!["CPool".to_owned()]);
        assert!(!pool.free_function);
        let mine = c.sources.iter().find(|s| s.method == "MyAlloc").unwrap();
        assert!(mine.free_function && mine.types.is_empty());
    }
}
