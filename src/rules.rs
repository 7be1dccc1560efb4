//! Rule definitions: one `rules/<id>.toml` per rule, embedded at build time, read into a plain
//! serde mirror and validated into a [`Rule`]. `explain`, the SARIF rule table and the README's
//! table all come from these files; nobody writes a rule's docs twice.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::diagnostic::Severity;

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RuleFile {
    id: String,
    severity: String,
    summary: String,
    message: String,
    label: String,
    help: String,
    precision: String,
    security_severity: String,
    cwe: Vec<String>,
    docs: DocsFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DocsFile {
    what_it_does: String,
    why_is_this_bad: String,
    example: String,
    use_instead: String,
    /// Markdown links, one per reference.
    references: Vec<String>,
    /// Language of the example code blocks (`cpp` or `rust`).
    #[serde(default = "default_lang")]
    example_language: String,
}

fn default_lang() -> String {
    "cpp".into()
}

/// A validated rule definition.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    /// One line, for tables and SARIF `shortDescription`.
    pub summary: String,
    /// The finding's message, with `{value}`, `{target}`, `{api}` placeholders.
    pub message: String,
    /// The label under the primary location.
    pub label: String,
    pub help: String,
    pub what_it_does: String,
    pub why_is_this_bad: String,
    pub example: String,
    pub use_instead: String,
    pub references: Vec<String>,
    pub example_language: String,
    /// `very-high`, `high`, `medium` or `low`: how often a finding is a true defect (SARIF).
    pub precision: String,
    /// A CVSS-like score from 0.1 to 10.0 that GitHub maps to critical/high/medium/low.
    pub security_severity: String,
    /// CWE ids the defect is an instance of (`"416"`).
    pub cwe: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("rules/{file}: {message}")]
pub struct RuleError {
    pub file: String,
    pub message: String,
}

impl TryFrom<(&str, RuleFile)> for Rule {
    type Error = RuleError;

    fn try_from((file, r): (&str, RuleFile)) -> Result<Self, RuleError> {
        let err = |message: String| RuleError {
            file: file.to_owned(),
            message,
        };
        if format!("{}.toml", r.id) != file {
            return Err(err(format!("id `{}` does not match the file name", r.id)));
        }
        if !r
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(err(format!("id `{}` must be kebab-case", r.id)));
        }
        let severity = match r.severity.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            s => return Err(err(format!("severity `{s}` must be `error` or `warning`"))),
        };
        for (name, text) in [
            ("summary", &r.summary),
            ("message", &r.message),
            ("docs.what-it-does", &r.docs.what_it_does),
            ("docs.why-is-this-bad", &r.docs.why_is_this_bad),
            ("docs.example", &r.docs.example),
            ("docs.use-instead", &r.docs.use_instead),
        ] {
            if text.trim().is_empty() {
                return Err(err(format!("`{name}` is empty")));
            }
        }
        if !matches!(
            r.precision.as_str(),
            "very-high" | "high" | "medium" | "low"
        ) {
            return Err(err(format!(
                "precision `{}` must be very-high, high, medium or low",
                r.precision
            )));
        }
        if !r
            .security_severity
            .parse::<f64>()
            .is_ok_and(|v| (0.1..=10.0).contains(&v))
        {
            return Err(err(format!(
                "security-severity `{}` must be a number from 0.1 to 10.0",
                r.security_severity
            )));
        }
        if let Some(c) = r.cwe.iter().find(|c| c.parse::<u32>().is_err()) {
            return Err(err(format!("cwe `{c}` must be a CWE number")));
        }
        if r.docs.references.is_empty() {
            return Err(err("`docs.references` needs at least one reference".into()));
        }
        Ok(Rule {
            id: r.id,
            severity,
            summary: r.summary.trim().to_owned(),
            message: r.message.trim().to_owned(),
            label: r.label.trim().to_owned(),
            help: r.help.trim().to_owned(),
            what_it_does: r.docs.what_it_does.trim().to_owned(),
            why_is_this_bad: r.docs.why_is_this_bad.trim().to_owned(),
            example: r.docs.example.trim_end().to_owned(),
            use_instead: r.docs.use_instead.trim_end().to_owned(),
            references: r.docs.references,
            example_language: r.docs.example_language,
            precision: r.precision,
            security_severity: r.security_severity,
            cwe: r.cwe,
        })
    }
}

/// Parse and validate every embedded rule file.
pub fn load_all() -> Result<Vec<Rule>, RuleError> {
    RULE_FILES
        .iter()
        .map(|(file, text)| {
            let parsed: RuleFile = toml::from_str(text).map_err(|e| RuleError {
                file: (*file).to_owned(),
                message: e.to_string().lines().next().unwrap_or("invalid").to_owned(),
            })?;
            Rule::try_from((*file, parsed))
        })
        .collect()
}

/// All rules, sorted by id. The embedded files are validated by the test suite; a broken file
/// aborts at start-up with its name rather than mid-scan.
pub fn all() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| match load_all() {
        Ok(mut rules) => {
            rules.sort_by(|a, b| a.id.cmp(&b.id));
            rules
        }
        Err(e) => panic!("invalid embedded rule definition: {e}"),
    })
}

pub fn get(id: &str) -> Option<&'static Rule> {
    all().iter().find(|r| r.id == id)
}

pub fn ids() -> Vec<&'static str> {
    all().iter().map(|r| r.id.as_str()).collect()
}

impl Rule {
    /// The rule's documentation as Markdown (`iislint explain`, SARIF `help.markdown`).
    pub fn markdown(&self) -> String {
        let lang = &self.example_language;
        let refs: String = self.references.iter().map(|r| format!("- {r}\n")).collect();
        format!(
            "# {id} ({sev})\n\n{summary}\n\n## What it does\n{what}\n\n## Why is this bad?\n{why}\n\n## Example\n```{lang}\n{ex}\n```\n\n## Use instead\n```{lang}\n{ui}\n```\n\n## References\n{refs}",
            id = self.id,
            sev = self.severity.as_str(),
            summary = self.summary,
            what = self.what_it_does,
            why = self.why_is_this_bad,
            ex = self.example,
            ui = self.use_instead,
        )
    }

    /// Fill the message template.
    pub fn render_message(&self, vars: &[(&str, &str)]) -> String {
        let mut m = self.message.clone();
        for (k, v) in vars {
            m = m.replace(&format!("{{{k}}}"), v);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_is_valid() {
        let rules = load_all().expect("all rule files valid");
        assert!(!rules.is_empty());
        for r in &rules {
            assert!(r.markdown().contains("## Use instead"));
        }
    }

    #[test]
    fn rejects_broken_rule_files() {
        let bad: RuleFile = toml::from_str(
            r#"id = "x-y"
severity = "fatal"
summary = "s"
message = "m"
label = "l"
help = "h"
precision = "high"
security-severity = "5.0"
cwe = []
[docs]
what-it-does = "w"
why-is-this-bad = "w"
example = "e"
use-instead = "u"
references = ["r"]
"#,
        )
        .unwrap();
        let e = Rule::try_from(("x-y.toml", bad)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rules/x-y.toml: severity `fatal` must be `error` or `warning`"
        );
        assert!(toml::from_str::<RuleFile>("id = \"a\"\nbogus = 1").is_err());
    }
}
