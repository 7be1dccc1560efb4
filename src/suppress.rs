//! Allow-comments: `// iislint: allow(<rule>[, <rule>...]) <reason>` on the line before a
//! finding or at the end of its line, and `// iislint: allow-file(<rule>)` anywhere in the
//! file. The same text works in C++ and Rust. A suppression that silences nothing is itself
//! reported as `unused-suppression`.

use crate::diagnostic::{Diagnostic, Label, Span};
use crate::rules;
use crate::source::SourceFile;

pub const UNUSED_ID: &str = "unused-suppression";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line the suppression applies to (`None` for `allow-file`).
    pub target_line: Option<usize>,
    /// The rule ids named, each with the span of its text.
    pub rules: Vec<(String, Span)>,
    pub reason: String,
    /// The whole `iislint: allow(...)` text.
    pub span: Span,
}

/// Find every allow-comment in a file's text.
pub fn parse(file: &SourceFile) -> Vec<Suppression> {
    let text = &file.text;
    let mut out = Vec::new();
    let starts: Vec<usize> = text.match_indices("iislint:").map(|(at, _)| at).collect();
    // The first `//` and `/*` of the current line, found once per line: a line holding many
    // allow-comments must not be scanned once per comment.
    let mut openers: Option<(usize, Option<usize>, Option<usize>)> = None;
    for (k, &at) in starts.iter().enumerate() {
        let line_idx = file.line_index(at);
        let line_start = file.line_starts()[line_idx];
        let line_end = file
            .line_starts()
            .get(line_idx + 1)
            .map_or(text.len(), |next| next - 1);
        let (slashes, star) = match openers {
            Some((l, slashes, star)) if l == line_idx => (slashes, star),
            _ => {
                let line = &text[line_start..line_end];
                let found = (
                    line.find("//").map(|i| line_start + i),
                    line.find("/*").map(|i| line_start + i),
                );
                openers = Some((line_idx, found.0, found.1));
                found
            }
        };
        // Must be inside a comment that starts on this line.
        let before_at = |opener: Option<usize>| opener.filter(|o| o + 2 <= at);
        let Some(comment_at) = before_at(slashes).or_else(|| before_at(star)) else {
            continue;
        };
        let code_before = text[line_start..comment_at].trim();
        // The comment's text ends at the line end, or where the next allow-comment starts.
        let rest_end = starts
            .get(k + 1)
            .copied()
            .filter(|next| *next < line_end)
            .unwrap_or(line_end);
        let rest = &text[at + "iislint:".len()..rest_end];
        let body = rest.trim_start();
        let body_at = rest_end - rest.len() + (rest.len() - body.len());
        let (file_wide, args_at) = if body.starts_with("allow-file(") {
            (true, body_at + "allow-file(".len())
        } else if body.starts_with("allow(") {
            (false, body_at + "allow(".len())
        } else {
            continue;
        };
        let Some(close_rel) = text[args_at..rest_end].find(')') else {
            continue;
        };
        let close = args_at + close_rel;
        let mut rules = Vec::new();
        let mut pos = args_at;
        for part in text[args_at..close].split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let start = pos + (part.len() - part.trim_start().len());
                rules.push((trimmed.to_owned(), Span::new(start, start + trimmed.len())));
            }
            pos += part.len() + 1;
        }
        let reason = text[close + 1..rest_end]
            .trim()
            .trim_end_matches("*/")
            .trim()
            .to_owned();
        let line = line_idx + 1;
        out.push(Suppression {
            target_line: if file_wide {
                None
            } else if code_before.is_empty() {
                Some(line + 1)
            } else {
                Some(line)
            },
            rules,
            reason,
            span: Span::new(at, close + 1),
        });
    }
    out
}

/// Mark the diagnostics of `file` that a suppression silences, and return an
/// `unused-suppression` finding for each suppression entry that silenced nothing.
/// `enabled` tells whether a rule ran for this file: a suppression of a rule that did not run
/// is not unused.
pub fn apply(
    file: &SourceFile,
    diags: &mut [Diagnostic],
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let sups = parse(file);
    if sups.is_empty() {
        return Vec::new();
    }
    let mut used: Vec<Vec<bool>> = sups.iter().map(|s| vec![false; s.rules.len()]).collect();
    for d in diags.iter_mut().filter(|d| d.file == file.id) {
        let line = file.line_index(d.primary.start) + 1;
        for (si, s) in sups.iter().enumerate() {
            if s.target_line.is_some_and(|l| l != line) {
                continue;
            }
            if let Some(ri) = s.rules.iter().position(|(r, _)| r == d.rule) {
                used[si][ri] = true;
                if d.suppressed.is_none() {
                    d.suppressed = Some(s.reason.clone());
                }
            }
        }
    }
    let Some(rule) = rules::get(UNUSED_ID) else {
        return Vec::new();
    };
    if !enabled(UNUSED_ID) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (si, s) in sups.iter().enumerate() {
        for (ri, (id, span)) in s.rules.iter().enumerate() {
            let detail = if rules::get(id).is_none() {
                format!("unknown rule `{id}` in suppression")
            } else if !enabled(id) || used[si][ri] {
                continue;
            } else if s.target_line.is_none() {
                format!("`allow-file({id})` silences nothing: `{id}` reports nothing in this file")
            } else {
                format!("suppression of `{id}` silences nothing on the line it applies to")
            };
            out.push(Diagnostic {
                rule: UNUSED_ID,
                severity: rule.severity,
                message: rule.render_message(&[("detail", &detail)]),
                file: file.id,
                primary: *span,
                primary_label: rule.label.clone(),
                labels: vec![Label {
                    file: file.id,
                    span: s.span,
                    message: "in this suppression".into(),
                }],
                traces: Vec::new(),
                help: Some(rule.help.clone()),
                suppressed: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::FileId;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "t.cpp".into(), text.into())
    }

    #[test]
    fn parses_the_three_forms() {
        let f = file(
            "// iislint: allow(a-b, c) because\nx = 1; // iislint: allow(d)\n/* iislint: allow-file(e) */\n",
        );
        let s = parse(&f);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].target_line, Some(2));
        assert_eq!(
            s[0].rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            vec!["a-b", "c"]
        );
        assert_eq!(&f.text[s[0].rules[1].1.start..s[0].rules[1].1.end], "c");
        assert_eq!(s[0].reason, "because");
        assert_eq!(s[1].target_line, Some(2));
        assert_eq!(s[2].target_line, None);
        assert_eq!(s[2].rules[0].0, "e");
    }

    #[test]
    fn ignores_text_outside_comments() {
        let f = file("const char* s = \"iislint: allow(x)\";\n");
        assert!(parse(&f).is_empty());
    }
}
