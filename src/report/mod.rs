//! Rendering a run. The only module that formats findings for people or tools.

pub mod fingerprint;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::Write;

use crate::driver::Run;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable findings with the code shown.
    Text,
    /// One JSON document (schema in docs/json.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
}

pub fn render(
    format: Format,
    run: &Run,
    out: &mut dyn Write,
    color: bool,
    quiet: bool,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::render(run, out, color, quiet),
        Format::Json => json::render(run, out),
        Format::Sarif => sarif::render(run, out),
    }
}
