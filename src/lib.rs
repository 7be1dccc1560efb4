//! iislint: a static analyzer for native IIS modules.
//!
//! Data flows one way: `discover` finds files, `source` reads them, `syntax` parses and lowers
//! them into the language-neutral `ir`, `analysis` runs the rules on the IR and produces
//! `diagnostic::Diagnostic`s, `suppress` applies allow-comments, and `report` renders.
//! Only `syntax` knows tree-sitter; only `report` prints.

pub mod analysis;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod driver;
pub mod ir;
pub mod prefilter;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod syntax;
