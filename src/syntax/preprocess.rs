//! Blanking of annotation and calling-convention macros before parsing.
//!
//! tree-sitter-cpp does not expand macros, and Windows C++ is full of them (`_In_`, `WINAPI`,
//! `STDMETHODIMP`). Overwriting them with spaces removes most ERROR nodes while keeping every
//! byte offset, so spans found in the blanked text are spans of the original file.

use rustc_hash::FxHashMap as HashMap;

/// What to do with a macro name found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacroAction {
    /// Overwrite the name with spaces.
    Blank,
    /// Overwrite the name and its balanced `( ... )` argument list.
    BlankCall,
    /// Overwrite the name and the parentheses; keep what is inside.
    Unwrap,
    /// Replace the name by a token no longer than it, padded with spaces.
    Replace(String),
}

/// Where a control-flow macro jumps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jump {
    Goto(String),
    Return,
}

/// A function-like macro that hides control flow: `#define ErrorIf(expr, hr) if (expr) { ...
/// goto Error; }`. Calls to it are lowered as a branch to `jump`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlMacro {
    pub jump: Jump,
    /// The argument that is the jump condition (`if (expr)`).
    pub cond_arg: Option<usize>,
    /// The argument tested for NULL; the macro jumps when it is NULL.
    pub null_arg: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct MacroTable {
    actions: HashMap<String, MacroAction>,
    controls: HashMap<String, ControlMacro>,
}

impl MacroTable {
    pub fn insert(&mut self, name: &str, action: MacroAction) {
        if let MacroAction::Replace(with) = &action
            && with.len() > name.len()
        {
            return; // would shift offsets
        }
        self.actions.insert(name.to_owned(), action);
    }

    pub fn get(&self, name: &str) -> Option<&MacroAction> {
        self.actions.get(name)
    }

    pub fn len(&self) -> usize {
        self.actions.len()
    }

    pub fn control(&self, name: &str) -> Option<&ControlMacro> {
        self.controls.get(name)
    }

    pub fn insert_control(&mut self, name: &str, m: ControlMacro) {
        self.controls.insert(name.to_owned(), m);
    }

    /// Learn the control-flow macros among `defines` (name, parameters, body), resolving
    /// macros that jump through another one (`CheckNull` → `ErrorIf`).
    pub fn learn_controls(&mut self, defines: &[(String, Vec<String>, String)]) {
        for _ in 0..4 {
            let mut changed = false;
            for (name, params, body) in defines {
                if self.controls.contains_key(name) {
                    continue;
                }
                if let Some(m) = self.control_of(params, body) {
                    self.controls.insert(name.clone(), m);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn control_of(&self, params: &[String], body: &str) -> Option<ControlMacro> {
        let tokens = tokens(body);
        let jump = tokens
            .iter()
            .position(|t| *t == "goto")
            .and_then(|i| tokens.get(i + 1))
            .map(|l| Jump::Goto((*l).to_owned()))
            .or_else(|| tokens.contains(&"return").then_some(Jump::Return))
            .or_else(|| {
                tokens
                    .iter()
                    .find_map(|t| self.controls.get(*t).map(|m| m.jump.clone()))
            })?;
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let cond_arg = compact.find("if(").and_then(|at| {
            let inner = &compact[at + 3..];
            let mut depth = 1usize;
            let end = inner.char_indices().find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })?;
            let cond = inner[..end].trim_start_matches('(').trim_end_matches(')');
            params.iter().position(|p| p == cond)
        });
        let null_arg = params.iter().position(|p| {
            [
                format!("({p})==nullptr"),
                format!("({p})==NULL"),
                format!("{p}==NULL"),
                format!("{p}==nullptr"),
                format!("NULL=={p}"),
                format!("nullptr=={p}"),
                format!("NULL==({p})"),
                format!("nullptr==({p})"),
                format!("!({p})"),
            ]
            .iter()
            .any(|pat| compact.contains(pat.as_str()))
        });
        Some(ControlMacro {
            jump,
            cond_arg,
            null_arg,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Add a name as written in configuration: `NAME` blanks, `NAME(...)` blanks a call.
    pub fn insert_spec(&mut self, spec: &str) {
        match spec.strip_suffix("(...)") {
            Some(name) => self.insert(name.trim(), MacroAction::BlankCall),
            None => self.insert(spec.trim(), MacroAction::Blank),
        }
    }

    /// Learn the simple object-like macros a source file defines:
    /// `#define MY_API WINAPI` (a body made only of blanked macros) is blanked,
    /// `#define alloc_new new` (a single token no longer than the name) is replaced,
    /// `#define NOTHING` (empty) is blanked. Function-like macros with an empty body are
    /// blanked with their arguments. Anything else is left alone.
    pub fn learn_defines(&self, text: &str) -> Vec<(String, MacroAction)> {
        let mut learned = Vec::new();
        for line in logical_lines(text) {
            let line = line.as_str();
            let t = line.trim_start();
            let Some(rest) = t.strip_prefix('#') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix("define") else {
                continue;
            };
            if !rest.starts_with([' ', '\t']) {
                continue;
            }
            let rest = rest.trim_start();
            let name_len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if name_len == 0 {
                continue;
            }
            let name = &rest[..name_len];
            let after = &rest[name_len..];
            if let Some(params) = after.strip_prefix('(') {
                // Function-like: only an empty body is understood.
                if let Some(close) = params.find(')')
                    && strip_comment(&params[close + 1..]).is_empty()
                {
                    learned.push((name.to_owned(), MacroAction::BlankCall));
                }
                continue;
            }
            let body = strip_comment(after);
            let tokens: Vec<&str> = body.split_whitespace().collect();
            let is_ident = |t: &str| {
                !t.is_empty()
                    && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && !t.as_bytes()[0].is_ascii_digit()
            };
            let action = match tokens.as_slice() {
                [] => Some(MacroAction::Blank),
                toks if toks.iter().all(|t| {
                    matches!(self.get(t), Some(MacroAction::Blank)) || *t == "__declspec(dllexport)"
                }) =>
                {
                    Some(MacroAction::Blank)
                }
                [one] if is_ident(one) && one.len() <= name.len() && self.get(one).is_none() => {
                    Some(MacroAction::Replace((*one).to_owned()))
                }
                _ => None,
            };
            if let Some(action) = action {
                learned.push((name.to_owned(), action));
            }
        }
        learned
    }
}

/// Lines with their `\` continuations joined.
fn logical_lines(text: &str) -> Vec<String> {
    // Only directives are wanted: a line that does not start with `#` (and is not the
    // continuation of one) is passed over without being copied.
    let mut out = Vec::new();
    let mut cur = String::new();
    // Inside a logical line: `Some(true)` for a directive, `Some(false)` for other text.
    let mut open: Option<bool> = None;
    for line in text.lines() {
        let l = line.trim_end();
        let directive = *open.get_or_insert_with(|| l.trim_start().starts_with('#'));
        let continues = l.ends_with('\\');
        if directive {
            match l.strip_suffix('\\') {
                Some(part) => {
                    cur.push_str(part);
                    cur.push(' ');
                }
                None => cur.push_str(l),
            }
        }
        if !continues {
            if directive {
                out.push(std::mem::take(&mut cur));
            }
            open = None;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The function-like macros a file defines: (name, parameters, body).
pub fn function_like_defines(text: &str) -> Vec<(String, Vec<String>, String)> {
    let mut out = Vec::new();
    for line in logical_lines(text) {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix('#') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("define") else {
            continue;
        };
        let rest = rest.trim_start();
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let (name, after) = rest.split_at(name_len);
        let Some(params) = after.strip_prefix('(') else {
            continue;
        };
        let Some(close) = params.find(')') else {
            continue;
        };
        let list: Vec<String> = params[..close]
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        let body = strip_comment(&params[close + 1..]).to_owned();
        if !name.is_empty() && !body.is_empty() {
            out.push((name.to_owned(), list, body));
        }
    }
    out
}

fn tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn strip_comment(s: &str) -> &str {
    let s = match s.find("//") {
        Some(i) => &s[..i],
        None => s,
    };
    let s = match s.find("/*") {
        Some(i) => &s[..i],
        None => s,
    };
    s.trim()
}

/// Apply the table to C/C++ text. Comments, string and character literals and preprocessor
/// directive lines are left untouched. The result has the same length and the same newlines.
pub fn blank_macros(text: &str, table: &MacroTable) -> String {
    let src = text.as_bytes();
    let mut out = src.to_vec();
    let n = src.len();
    let mut i = 0;
    let mut line_start = true;
    while i < n {
        let b = src[i];
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let at_line_start = std::mem::replace(&mut line_start, false);
        if b == b'#' && at_line_start {
            // Skip the directive, with its continuation lines.
            while i < n && src[i] != b'\n' {
                if src[i] == b'\\' && i + 1 < n && src[i + 1] == b'\n' {
                    i += 1;
                }
                i += 1;
            }
            continue;
        }
        if b == b'/' && i + 1 < n && src[i + 1] == b'/' {
            while i < n && src[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if b == b'/' && i + 1 < n && src[i + 1] == b'*' {
            i += 2;
            while i < n && !(src[i] == b'*' && i + 1 < n && src[i + 1] == b'/') {
                i += 1;
            }
            i = (i + 2).min(n);
            continue;
        }
        if b == b'"' || b == b'\'' {
            i = skip_quoted(src, i);
            continue;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < n && (src[i].is_ascii_alphanumeric() || src[i] == b'_') {
                i += 1;
            }
            // Raw string literal: R"delim( ... )delim", also with an encoding prefix.
            if i < n
                && src[i] == b'"'
                && matches!(&text[start..i], "R" | "LR" | "uR" | "UR" | "u8R")
            {
                i = skip_raw_string(src, i);
                continue;
            }
            let Some(action) = table.get(&text[start..i]) else {
                continue;
            };
            match action {
                MacroAction::Blank => fill(&mut out, start, i),
                MacroAction::Replace(with) => {
                    out[start..start + with.len()].copy_from_slice(with.as_bytes());
                    fill(&mut out, start + with.len(), i);
                }
                MacroAction::BlankCall | MacroAction::Unwrap => {
                    let mut j = i;
                    while j < n && matches!(src[j], b' ' | b'\t') {
                        j += 1;
                    }
                    if j < n && src[j] == b'(' {
                        let close = matching_paren(src, j);
                        if *action == MacroAction::BlankCall {
                            fill(&mut out, start, close);
                        } else {
                            fill(&mut out, start, j + 1);
                            if close > j + 1 && src[close - 1] == b')' {
                                out[close - 1] = b' ';
                            }
                        }
                        i = close;
                    } else {
                        fill(&mut out, start, i);
                    }
                }
            }
            continue;
        }
        i += 1;
    }
    // Only ASCII bytes outside multi-byte sequences were replaced by ASCII, so this is UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Overwrite with spaces, keeping newlines.
fn fill(out: &mut [u8], start: usize, end: usize) {
    for b in &mut out[start..end] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

fn skip_quoted(src: &[u8], open: usize) -> usize {
    let q = src[open];
    let mut i = open + 1;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b'\n' => return i, // unterminated: stop at the line end
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

fn skip_raw_string(src: &[u8], quote: usize) -> usize {
    let mut i = quote + 1;
    let delim_start = i;
    while i < src.len() && src[i] != b'(' && src[i] != b'\n' && i - delim_start <= 16 {
        i += 1;
    }
    if i >= src.len() || src[i] != b'(' {
        return quote + 1;
    }
    let mut close = Vec::with_capacity(i - delim_start + 2);
    close.push(b')');
    close.extend_from_slice(&src[delim_start..i]);
    close.push(b'"');
    src[i..]
        .windows(close.len())
        .position(|w| w == close.as_slice())
        .map_or(src.len(), |p| i + p + close.len())
}

/// The offset just past the `)` matching the `(` at `open`, or the end of the line when
/// unbalanced on a reasonable distance.
fn matching_paren(src: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < src.len() {
        match src[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' | b'\'' => {
                i = skip_quoted(src, i);
                continue;
            }
            b';' | b'{' | b'}' => return i, // never blank past a statement
            _ => {}
        }
        i += 1;
    }
    src.len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn logical_lines_are_directives_with_their_continuations() {
        let text = "int x = 1 \\\n#define NOT_ONE y\n  #define A \\\n  B\nint y;\n#define C";
        assert_eq!(
            logical_lines(text),
            vec!["  #define A    B".to_owned(), "#define C".to_owned()]
        );
    }

    use super::*;

    fn table() -> MacroTable {
        let mut t = MacroTable::default();
        t.insert("_In_", MacroAction::Blank);
        t.insert("WINAPI", MacroAction::Blank);
        t.insert("_In_reads_", MacroAction::BlankCall);
        t.insert("STDMETHODIMP_", MacroAction::Unwrap);
        t.insert("STDMETHODIMP", MacroAction::Replace("HRESULT".into()));
        t
    }

    #[test]
    fn blanks_keep_offsets() {
        let src = "HRESULT WINAPI f(_In_ int a, _In_reads_(n)\nBYTE* b) // _In_\n{ s = \"_In_\"; }";
        let out = blank_macros(src, &table());
        assert_eq!(out.len(), src.len());
        assert_eq!(
            out,
            "HRESULT        f(     int a,              \nBYTE* b) // _In_\n{ s = \"_In_\"; }"
        );
    }

    #[test]
    fn unwrap_and_replace() {
        let t = table();
        assert_eq!(
            blank_macros("STDMETHODIMP_(ULONG) Release();", &t),
            "              ULONG  Release();"
        );
        assert_eq!(
            blank_macros("STDMETHODIMP QueryInterface();", &t),
            "HRESULT      QueryInterface();"
        );
    }

    #[test]
    fn directives_are_untouched_and_defines_learned() {
        let t = table();
        let src = "#define MY_API WINAPI _In_\n#define alloc_new new\n#define EMPTY\n#define F(x)\n#define LONGER short_name_that_is_long\n#define V 1\n";
        let learned = t.learn_defines(src);
        assert_eq!(
            learned,
            vec![
                ("MY_API".to_owned(), MacroAction::Blank),
                ("alloc_new".to_owned(), MacroAction::Replace("new".into())),
                ("EMPTY".to_owned(), MacroAction::Blank),
                ("F".to_owned(), MacroAction::BlankCall),
            ]
        );
        assert_eq!(blank_macros("#define X WINAPI\n", &t), "#define X WINAPI\n");
    }

    #[test]
    fn learns_control_flow_macros() {
        let src = "#define ErrorIf(expr, hresult) if (expr) { hr = hresult; goto Error; }\n\
                   #define CheckNull(expr) ErrorIf(NULL == expr, E_INVALIDARG)\n\
                   #define _GOTO_FINISHED() goto Finished\n\
                   #define FINISHED_IF_NULL_ALLOC(ptr) do { if ((ptr) == nullptr) { \\\n\
                       hr = E_OUTOFMEMORY; _GOTO_FINISHED(); }} while (0, 0)\n\
                   #define RETURN_IF_FAILED(hr) do { if (FAILED(hr)) { return hr; } } while (0)\n\
                   #define LOG(x) printf(x)\n";
        let mut t = MacroTable::default();
        t.learn_controls(&function_like_defines(src));
        let goto = |l: &str| Jump::Goto(l.to_owned());
        assert_eq!(
            t.control("ErrorIf"),
            Some(&ControlMacro {
                jump: goto("Error"),
                cond_arg: Some(0),
                null_arg: None
            })
        );
        assert_eq!(
            t.control("CheckNull"),
            Some(&ControlMacro {
                jump: goto("Error"),
                cond_arg: None,
                null_arg: Some(0)
            })
        );
        assert_eq!(
            t.control("FINISHED_IF_NULL_ALLOC"),
            Some(&ControlMacro {
                jump: goto("Finished"),
                cond_arg: None,
                null_arg: Some(0)
            })
        );
        assert_eq!(
            t.control("RETURN_IF_FAILED").map(|m| &m.jump),
            Some(&Jump::Return)
        );
        assert_eq!(t.control("LOG"), None);
    }

    #[test]
    fn unbalanced_call_stops_at_statement_end() {
        let t = table();
        let out = blank_macros("_In_reads_(n int x; y();", &t);
        assert_eq!(out, "                  ; y();");
    }
}
