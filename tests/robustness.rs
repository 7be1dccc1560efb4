//! Robustness (issue 8): whatever a repository holds — invalid UTF-8, UTF-16 from Visual Studio,
//! binary blobs with a `.h` name, 50 MB files, megabyte lines, code nested 100,000 deep, syntax
//! errors, symlink loops, unreadable or vanishing files — iislint never crashes, hangs or hides
//! the other results: what it skips it names, with the reason, and it reports everything else.
//!
//! Deep inputs run on threads with the 2 MiB stack rayon's workers get by default (the binary's
//! workers, and the global pool `driver::check_text` uses), in the debug build the tests use,
//! where stack frames are largest.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use iislint::catalog::Catalog;
use iislint::config::Config;
use iislint::diagnostic::Severity;
use iislint::driver::{self, Options, Run};
use serde_json::Value;

/// The stack rayon gives its worker threads (and std its spawned threads) by default.
const STACK: usize = 2 * 1024 * 1024;

/// The line and column of the finding in `DEFECT` (`g_pszLast = psz;`).
const DEFECT_LINE: usize = 14;
const DEFECT_COL: usize = 5;

/// `check_text` on a thread with a 2 MiB stack.
fn check_small_stack(name: &str, text: String) -> Run {
    let name = name.to_owned();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || driver::check_text(Path::new(&name), &text))
        .expect("thread starts")
        .join()
        .expect("no panic escapes check_text")
}

/// (rule, line, column, suppressed) of every finding, in order.
fn findings(run: &Run) -> Vec<(String, usize, usize, bool)> {
    run.diagnostics
        .iter()
        .map(|d| {
            let (line, col) = run.file(d.file).line_col(d.primary.start);
            (d.rule.to_owned(), line, col, d.suppressed.is_some())
        })
        .collect()
}

fn no_internal_errors(run: &Run) {
    for n in &run.notices {
        assert!(
            n.level != Severity::Error,
            "{}: {}",
            n.path.display(),
            n.message
        );
    }
}

/// The line `text` starts on when appended after `before`.
fn line_after(before: &str) -> usize {
    before.matches('\n').count() + 1
}

fn escape_static_at(run: &Run, line: usize, col: usize) -> bool {
    findings(run)
        .iter()
        .any(|(r, l, c, _)| r == "request-scope-escape-static" && *l == line && *c == col)
}

// ------------------------------------------------------------------------- deep nesting

const N: usize = 100_000;

/// A deeply nested `construct`, then the defect: no stack overflow, no internal error, and the
/// defect after it is still found.
fn deep(name: &str, construct: String) {
    let mut text = construct;
    text.push('\n');
    let line = line_after(&text) + DEFECT_LINE - 1;
    text.push_str(DEFECT);
    let run = check_small_stack(name, text);
    no_internal_errors(&run);
    assert!(
        escape_static_at(&run, line, DEFECT_COL),
        "{name}: the defect after the deep code is reported: {:?}",
        findings(&run)
    );
}

fn in_fn(body: &str) -> String {
    format!("void f(int a, char* p, IHttpContext* c)\n{{\n{body}\n}}")
}

#[test]
fn deep_parentheses() {
    deep(
        "parens.cpp",
        in_fn(&format!("p = {}p{};", "(".repeat(N), ")".repeat(N))),
    );
}

#[test]
fn deep_braces() {
    deep(
        "braces.cpp",
        in_fn(&format!("{}p = 0;{}", "{".repeat(N), "}".repeat(N))),
    );
}

#[test]
fn deep_if() {
    deep("if.cpp", in_fn(&format!("{}p = 0;", "if (a) ".repeat(N))));
    deep(
        "if-blocks.cpp",
        in_fn(&format!("{}p = 0;{}", "if (a) { ".repeat(N), "}".repeat(N))),
    );
}

#[test]
fn long_else_if_chain_is_lowered_whole() {
    // The last arm of a chain far longer than the lowering's depth limit is still analysed.
    let arms = " else if (a == 1) p = 0;".repeat(2_000);
    let body = format!("if (a) p = 0;{arms} else g_p = (char*)c->AllocateRequestMemory(8);");
    let text = format!("static char* g_p;\n{}", in_fn(&body));
    let run = check_small_stack("elseif.cpp", text);
    no_internal_errors(&run);
    assert!(
        findings(&run)
            .iter()
            .any(|(r, l, ..)| r == "request-scope-escape-static" && *l == 4),
        "{:?}",
        findings(&run)
    );
}

#[test]
fn deep_expressions() {
    let cases = [
        ("sum.cpp", format!("p = p{};", " + 1".repeat(N))),
        ("fields.cpp", format!("p{} = 0;", "->m".repeat(N))),
        ("calls.cpp", format!("g{};", "(p)".repeat(N))),
        ("subscripts.cpp", format!("p{} = 0;", "[0]".repeat(N))),
        ("assign.cpp", format!("{}p;", "p = ".repeat(N))),
        ("unary.cpp", format!("a = {}a;", "!".repeat(N))),
        ("casts.cpp", format!("p = {}p;", "(char*)".repeat(N))),
        ("comma.cpp", format!("a = 0{};", ", 0".repeat(N))),
        (
            "ternary.cpp",
            format!("p = {}p{};", "a ? p : (".repeat(N), ")".repeat(N)),
        ),
        (
            "ternary-flat.cpp",
            format!("p = {}p;", "a ? p : ".repeat(N)),
        ),
        ("strings.cpp", format!("p = {};", "\"a\" ".repeat(N))),
        (
            "init-lists.cpp",
            format!("int x[1] = {}0{};", "{".repeat(N), "}".repeat(N)),
        ),
        (
            "lambdas.cpp",
            format!(
                "auto x = {}0{};",
                "[&]{ return ".repeat(N),
                ";}()".repeat(N)
            ),
        ),
    ];
    for (name, body) in cases {
        deep(name, in_fn(&body));
    }
}

#[test]
fn deep_statements() {
    let cases = [
        ("loops.cpp", format!("{}p = 0;", "while (a) ".repeat(N))),
        (
            "switch.cpp",
            format!("{}p = 0;", "switch (a) case 1: ".repeat(N)),
        ),
        (
            "pp-if.cpp",
            format!("{}p = 0;\n{}", "#if A\n".repeat(N), "#endif\n".repeat(N)),
        ),
        (
            "pp-elif.cpp",
            format!("#if A\n{}p = 0;\n#endif\n", "p = 0;\n#elif B\n".repeat(N)),
        ),
    ];
    for (name, body) in cases {
        deep(name, in_fn(&body));
    }
}

#[test]
fn deep_declarations() {
    let cases = [
        (
            "namespaces.cpp",
            format!("{}int x;{}", "namespace a { ".repeat(N), "}".repeat(N)),
        ),
        (
            "structs.cpp",
            format!("{}int x;{}", "struct A { ".repeat(N), "};".repeat(N)),
        ),
        (
            "pp-if-top.cpp",
            format!("{}int x;\n{}", "#if A\n".repeat(N), "#endif\n".repeat(N)),
        ),
        (
            "pp-elif-top.cpp",
            format!("#if A\n{}int x;\n#endif\n", "int x;\n#elif B\n".repeat(N)),
        ),
        ("qualified.cpp", format!("int {}x = 0;", "a::".repeat(N))),
        (
            "qualified-fn.cpp",
            format!("void {}f() {{}}", "a::".repeat(N)),
        ),
        ("pointers.cpp", format!("int {}x;", "*".repeat(N))),
        (
            "templates.cpp",
            format!("A{}{} x;", "<A".repeat(N / 10), ">".repeat(N / 10)),
        ),
    ];
    for (name, text) in cases {
        deep(name, text);
    }
}

/// Random mixtures of every nesting construct (expressions in statements in lambdas in classes in
/// namespaces in `#if`s...), 20,000 deep, closed properly or cut off at random: no overflow, no
/// internal error. Deterministic: a fixed seed.
#[test]
fn random_nested_mixtures() {
    const NESTS: [(&str, &str); 20] = [
        ("(", ")"),
        ("{", "}"),
        ("if (a) { ", "}"),
        ("if (a) ", ""),
        ("[&]{ return ", "; }()"),
        ("f(", ")"),
        ("p[", "]"),
        ("!", ""),
        ("a->", ""),
        ("a::", ""),
        ("A<", ">"),
        ("#if X\n", "\n#endif\n"),
        ("namespace n { ", "}"),
        ("struct S { void m() { ", "} };"),
        ("while (a) ", ""),
        ("switch (a) { case 1: ", "}"),
        ("try { ", "} catch (...) {}"),
        ("__try { ", "} __finally {}"),
        ("x = ", ";"),
        ("a ? p : ", ""),
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..8 {
        let depth = 20_000;
        let mut open = String::new();
        let mut closers = Vec::with_capacity(depth);
        for _ in 0..depth {
            let (o, c) = NESTS[(next() % NESTS.len() as u64) as usize];
            open.push_str(o);
            closers.push(c);
        }
        open.push('p');
        // Close all, or a random part (a truncated file).
        let keep = if round % 3 == 0 {
            (next() % depth as u64) as usize
        } else {
            depth
        };
        for c in closers.iter().rev().take(keep) {
            open.push_str(c);
        }
        let text = in_fn(&open);
        no_internal_errors(&check_small_stack(&format!("mix{round}.cpp"), text));
    }
}

/// Generated code: 100,000 locals, labels, cases, branches or functions stay linear.
#[test]
fn huge_functions_and_files() {
    let locals: String = (0..N).map(|i| format!("char* v{i} = p;\n")).collect();
    deep("locals.cpp", in_fn(&locals));
    let cases: String = (0..N / 2)
        .map(|i| format!("case {i}: p = 0; break;\n"))
        .collect();
    deep("cases.cpp", in_fn(&format!("switch (a) {{ {cases} }}")));
    let functions: String = (0..N / 2)
        .map(|i| format!("void f{i}(char* p) {{ f{}(p); }}\n", (i + 1) % (N / 2)))
        .collect();
    deep("functions.cpp", functions);
}

/// Deep Rust: method-call chains, nested generics, parentheses, blocks, field chains, `else if`
/// chains and modules, 100,000 deep, on a 2 MiB stack.
#[test]
fn deep_rust_nesting() {
    let cases = [
        (
            "methods.rs",
            format!("fn f(p: S) {{ p{}; }}", ".m()".repeat(N)),
        ),
        (
            "generics.rs",
            format!(
                "static G: {}u8{} = 0;",
                "Option<".repeat(N / 10),
                ">".repeat(N / 10)
            ),
        ),
        (
            "parens.rs",
            format!("fn f() {{ let x = {}1{}; }}", "(".repeat(N), ")".repeat(N)),
        ),
        (
            "blocks.rs",
            format!("fn f() {{ {}1{} }}", "{".repeat(N), "}".repeat(N)),
        ),
        (
            "fields.rs",
            format!("fn f(p: S) {{ p{} = 1; }}", ".m".repeat(N)),
        ),
        (
            "else-if.rs",
            format!(
                "fn f(a: bool) {{ if a {{ 1 }}{} else {{ 2 }}; }}",
                " else if a { 1 }".repeat(N)
            ),
        ),
        (
            "modules.rs",
            format!("{}fn f() {{}}{}", "mod a { ".repeat(N), "}".repeat(N)),
        ),
    ];
    for (name, text) in cases {
        no_internal_errors(&check_small_stack(name, text));
    }
}

/// The binary end to end: its own thread pool, default stacks.
#[test]
fn deep_file_through_the_binary() {
    let deep = in_fn(&format!("p = {}p{};", "(".repeat(N), ")".repeat(N)));
    let dir = project(&[("deep.cpp", &deep), ("m.cpp", DEFECT)]);
    let o = iislint(dir.path(), &["check", "--jobs", "2", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("m.cpp:14:5"), "{}", stdout(&o));
}

// --------------------------------------------------------------------------- encodings

/// A defect whose line holds non-ASCII characters before the store (é is 2 UTF-8 bytes and 1
/// UTF-16 unit, 😀 4 bytes and 2 units), so columns in characters, bytes and UTF-16 units differ.
fn unicode_defect() -> String {
    DEFECT.replace("    g_pszLast = psz;", "    /* é😀 */ g_pszLast = psz;")
}

/// Where `needle` is in `text`: (line, column in chars, byte offset, column in UTF-16 units).
fn position(text: &str, needle: &str) -> (u64, u64, u64, u64) {
    let at = text.find(needle).expect("needle in text");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() + 1;
    let col = text[line_start..at].chars().count() + 1;
    let col16 = text[line_start..at].encode_utf16().count() + 1;
    (line as u64, col as u64, at as u64, col16 as u64)
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

/// The one finding of a JSON run: (path, line, column, offset).
fn json_finding(v: &Value) -> (String, u64, u64, u64) {
    let f = &v["findings"][0];
    (
        f["path"].as_str().unwrap_or_default().to_owned(),
        f["start"]["line"].as_u64().unwrap_or_default(),
        f["start"]["column"].as_u64().unwrap_or_default(),
        f["start"]["offset"].as_u64().unwrap_or_default(),
    )
}

#[test]
fn utf16_utf8_bom_and_crlf_files_report_exact_positions() {
    let lf = unicode_defect();
    let crlf = lf.replace('\n', "\r\n");
    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("utf8.cpp", lf.clone().into_bytes(), &lf),
        (
            "utf8-bom.cpp",
            [&[0xEF, 0xBB, 0xBF][..], lf.as_bytes()].concat(),
            &lf,
        ),
        ("utf16le.cpp", utf16(&lf, false), &lf),
        ("utf16be.cpp", utf16(&lf, true), &lf),
        ("crlf.cpp", crlf.clone().into_bytes(), &crlf),
        ("utf16le-crlf.cpp", utf16(&crlf, false), &crlf),
        (
            "utf8-bom-crlf.cpp",
            [&[0xEF, 0xBB, 0xBF][..], crlf.as_bytes()].concat(),
            &crlf,
        ),
    ];
    let dir = project(&[]);
    for (name, bytes, _) in &files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    for (name, _, decoded) in &files {
        let (line, col, offset, col16) = position(decoded, "g_pszLast = psz");
        assert_eq!((line, col), (14, 14), "{name}");

        let o = iislint(dir.path(), &["check", "--format", "json", name]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let v = json(&o.stdout);
        assert_eq!(v["notices"], Value::Array(vec![]), "{name}");
        assert_eq!(
            json_finding(&v),
            (name.to_string(), line, col, offset),
            "{name}: JSON line, column (chars) and offset (bytes of the decoded text)"
        );

        let o = iislint(dir.path(), &["check", "--format", "sarif", name]);
        let v = json(&o.stdout);
        let region = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], line, "{name}");
        assert_eq!(
            region["startColumn"], col16,
            "{name}: SARIF columns are UTF-16 units"
        );

        let o = iislint(dir.path(), &["check", name]);
        let text = stdout(&o);
        assert!(
            text.contains(&format!("{name}:{line}:{col}")),
            "{name}: {text}"
        );
        assert!(
            text.contains("/* é😀 */ g_pszLast = psz;\n"),
            "{name}: the line is shown decoded, without its CR: {text}"
        );
    }
}

#[test]
fn invalid_utf8_is_read_with_replacement_characters_and_analysed() {
    // A Windows-1252 comment (é = 0xE9) before the defect: the file is still analysed.
    let mut bytes = b"// caf\xe9 au lait\n".to_vec();
    bytes.extend_from_slice(DEFECT.as_bytes());
    let dir = project(&[]);
    std::fs::write(dir.path().join("latin1.cpp"), &bytes).expect("write");
    let o = iislint(dir.path(), &["check", "--format", "json", "latin1.cpp"]);
    assert_eq!(o.status.code(), Some(1), "a warning does not fail the run");
    let v = json(&o.stdout);
    assert_eq!(json_finding(&v).1, 15);
    let notice = &v["notices"][0];
    assert_eq!(notice["path"], "latin1.cpp");
    assert_eq!(notice["level"], "warning");
    let message = notice["message"].as_str().unwrap_or_default();
    assert!(message.contains("not valid UTF-8"), "{message}");
    assert!(message.contains("offset 6"), "{message}");
    // UTF-16 with an unpaired surrogate: the same.
    let mut bytes = utf16(DEFECT, false);
    bytes.extend_from_slice(&[0x00, 0xD8]);
    std::fs::write(dir.path().join("surrogate.cpp"), &bytes).expect("write");
    let o = iislint(dir.path(), &["check", "surrogate.cpp"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("surrogate.cpp: not valid UTF-8 or UTF-16"));
}

#[test]
fn binary_files_are_skipped_with_a_notice_and_the_rest_reported() {
    let dir = project(&[("m.cpp", DEFECT)]);
    let mut blob = b"\x7fELF\x02\x01\x01\x00".to_vec();
    blob.extend((0..=255u8).cycle().take(64 * 1024));
    std::fs::write(dir.path().join("blob.h"), &blob).expect("write");
    std::fs::write(dir.path().join("nul.cpp"), b"int x;\0int y;\n").expect("write");
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("iislint: warning: blob.h: binary file (contains NUL bytes), skipped"),
        "{err}"
    );
    assert!(err.contains("nul.cpp: binary file"), "{err}");
    assert!(stdout(&o).contains("m.cpp:14:5"));
    assert!(stdout(&o).ends_with("1 finding in 1 file, 1 file checked\n"));
}

#[test]
fn empty_files_are_checked_quietly() {
    let dir = project(&[("empty.cpp", ""), ("blank.h", "\n\n   \n")]);
    std::fs::write(dir.path().join("bom-only.cpp"), b"\xEF\xBB\xBF").expect("write");
    std::fs::write(dir.path().join("utf16-bom-only.cpp"), b"\xFF\xFE").expect("write");
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "0 findings in 0 files, 4 files checked\n");
    assert_eq!(stderr(&o), "");
}

// ----------------------------------------------------------------------------- sizes

#[test]
fn a_50_mb_file_is_skipped_by_default_and_analysed_under_a_raised_limit() {
    // 50 lines of 1 MiB comments, then the defect.
    let line = format!("// {}\n", "x".repeat(1024 * 1024 - 4));
    let big = line.repeat(50) + DEFECT;
    let dir = project(&[("big.cpp", &big), ("m.cpp", DEFECT)]);
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1), "a size skip is a warning");
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "iislint: warning: big.cpp: file is {} bytes, over the limit of 8388608 bytes \
             (`[limits] max-file-size`), skipped",
            big.len()
        )),
        "{err}"
    );
    assert!(stdout(&o).contains("m.cpp:14:5"));

    write(
        dir.path(),
        "iislint.toml",
        "[limits]\nmax-file-size = 60000000\n",
    );
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "");
    let out = stdout(&o);
    assert!(out.contains("big.cpp:64:5"), "{out}");
    assert!(out.contains("m.cpp:14:5"), "{out}");
}

#[test]
fn megabyte_lines_keep_exact_columns() {
    let mb = 1024 * 1024;
    let comment = format!("// {}\n", "é".repeat(mb / 2));
    let string = format!("const char* s = \"{}\";\n", "a".repeat(mb));
    let array = format!("int a[] = {{{}0}};", "0,".repeat(mb / 2));
    let store = " static char* g_p; void f(IHttpContext* c) { g_p = (char*)c->AllocateRequestMemory(1); }\n";
    let text = format!("{comment}{string}{array}{store}{DEFECT}");
    let (line, col, ..) = position(&text, "g_p = (char*)");
    assert_eq!(line, 3);
    let run = check_small_stack("long-lines.cpp", text.clone());
    no_internal_errors(&run);
    assert!(
        escape_static_at(&run, 3, col as usize),
        "{:?}",
        findings(&run)
    );
    assert!(escape_static_at(&run, 3 + DEFECT_LINE, DEFECT_COL));

    let dir = project(&[("long-lines.cpp", &text)]);
    let o = iislint(dir.path(), &["check", "--format", "json", "."]);
    let v = json(&o.stdout);
    assert_eq!(v["findings"][0]["start"]["column"], col);
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains(&format!("long-lines.cpp:3:{col}")));
}

#[test]
fn a_line_of_50000_allow_comments_is_read_in_linear_time() {
    let spam = "// iislint: allow(request-scope-escape-static) why ".repeat(50_000);
    let text = format!("{spam}\n{DEFECT}");
    let start = std::time::Instant::now();
    let run = check_small_stack("spam.cpp", text);
    no_internal_errors(&run);
    assert!(escape_static_at(&run, 1 + DEFECT_LINE, DEFECT_COL));
    // Quadratic, this took minutes; linear, well under a second even in a debug build.
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
}

// ------------------------------------------------------------------------ syntax errors

#[test]
fn files_full_of_syntax_errors_are_analysed_where_they_parse() {
    let junk = "}}}} ((( @@@ #$% template<<< class ;;; ::: -> \" \n".repeat(200);
    let body_junk = DEFECT.replace(
        "    g_pszLast = psz;",
        "    int x = = ; ] @ ) ( (;\n    g_pszLast = psz;",
    );
    let text = format!("{junk}\n{body_junk}\n{junk}");
    let run = check_small_stack("broken.cpp", text.clone());
    no_internal_errors(&run);
    let (line, col, ..) = position(&text, "g_pszLast = psz");
    assert!(
        escape_static_at(&run, line as usize, col as usize),
        "{:?}",
        findings(&run)
    );
    // Random bytes that decode: no panic, no internal error.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = String::new();
    for _ in 0..200_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let alphabet = b"{}()[];<>:=*&!?,.\"'/\\#\n abcIHttp0";
        noise.push(alphabet[(seed % alphabet.len() as u64) as usize] as char);
    }
    no_internal_errors(&check_small_stack("noise.cpp", noise));
}

// ---------------------------------------------------------------- paths and file system

#[cfg(unix)]
#[test]
fn symlink_loops_neither_hang_the_walk_nor_hide_results() {
    use std::os::unix::fs::symlink;
    let dir = project(&[("src/m.cpp", DEFECT)]);
    let p = dir.path();
    symlink(".", p.join("src/loop")).expect("symlink");
    symlink("..", p.join("src/up")).expect("symlink");
    symlink("self.cpp", p.join("src/self.cpp")).expect("symlink");
    symlink("b.cpp", p.join("src/a.cpp")).expect("symlink");
    symlink("a.cpp", p.join("src/b.cpp")).expect("symlink");
    // Walking: links are not followed, so there is nothing to loop on.
    let o = iislint(p, &["check", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).ends_with("1 finding in 1 file, 1 file checked\n"));
    // Named explicitly: a notice for the loop, the other file still reported, exit 2.
    let o = iislint(p, &["check", "src/self.cpp", "src/m.cpp"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("src/m.cpp:14:5"));
    let err = stderr(&o);
    assert!(
        err.contains("iislint: error: src/self.cpp: cannot read path:"),
        "{err}"
    );
}

/// chmod 000 does not stop root from reading: when the tests run as root, the assertions that
/// need a read to fail are skipped (the rest still runs).
#[cfg(unix)]
fn unreadable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if path.is_dir() {
        std::fs::read_dir(path).is_err()
    } else {
        std::fs::read(path).is_err()
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_fail_the_run_after_reporting() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[
        ("m.cpp", DEFECT),
        ("locked.cpp", DEFECT),
        ("sub/x.cpp", DEFECT),
    ]);
    let p = dir.path();
    let file_denied = unreadable(&p.join("locked.cpp"));
    let dir_denied = unreadable(&p.join("sub"));
    let o = iislint(p, &["check", "."]);
    let out = stdout(&o);
    let err = stderr(&o);
    assert!(out.contains("m.cpp:14:5"), "{out}");
    if file_denied && dir_denied {
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("iislint: error: locked.cpp: cannot read file:"),
            "{err}"
        );
        assert!(
            err.contains("iislint: error: sub: cannot read directory:"),
            "{err}"
        );
    } else {
        // Running as root: every file is readable.
        assert_eq!(o.status.code(), Some(1), "{err}");
    }
    for d in ["sub", "locked.cpp"] {
        std::fs::set_permissions(p.join(d), std::fs::Permissions::from_mode(0o755)).ok();
    }
}

#[test]
fn a_file_that_vanishes_during_the_run_is_a_notice() {
    let dir = project(&[("m.cpp", DEFECT), ("gone.cpp", DEFECT)]);
    let opts = options(vec![dir.path().to_path_buf()], Config::default(), 2);
    let (candidates, _) =
        iislint::discover::discover(&opts.paths, &opts.config, false, 2).expect("walk");
    assert_eq!(candidates.len(), 2);
    std::fs::remove_file(dir.path().join("gone.cpp")).expect("rm");
    let run = driver::check_candidates(&opts, candidates);
    assert_eq!(run.notices.len(), 1);
    let n = &run.notices[0];
    assert!(n.path.ends_with("gone.cpp"));
    assert_eq!(n.level, Severity::Warning);
    assert_eq!(
        n.message,
        "file no longer exists (removed during the run), skipped"
    );
    assert_eq!(findings(&run).len(), 1);
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_named_as_a_file_is_skipped_without_blocking() {
    let dir = project(&[("m.cpp", DEFECT)]);
    let fifo = dir.path().join("pipe.cpp");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut args = vec!["check", "m.cpp", "/dev/zero"];
    if made {
        args.push("pipe.cpp");
    }
    let o = iislint(dir.path(), &args);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("iislint: warning: /dev/zero: not a regular file, skipped"),
        "{err}"
    );
    if made {
        assert!(
            err.contains("pipe.cpp: not a regular file, skipped"),
            "{err}"
        );
    }
}

#[test]
fn a_directory_where_a_file_is_expected_is_a_clear_error() {
    let dir = project(&[("m.cpp", DEFECT), ("d/x.cpp", CLEAN)]);
    let p = dir.path();
    for (args, expected) in [
        (
            vec!["check", "--config", "d", "m.cpp"],
            "iislint: error: d: cannot read config:",
        ),
        (vec!["check", "--baseline", "d", "m.cpp"], "iislint: error:"),
        (
            vec!["check", "-o", "d", "m.cpp"],
            "iislint: error: cannot write `d`",
        ),
        (
            vec!["check", "--sarif-file", "d", "m.cpp"],
            "iislint: error: cannot write `d`",
        ),
        (
            vec!["check", "--json-file", "d", "m.cpp"],
            "iislint: error: cannot write `d`",
        ),
    ] {
        let o = iislint(p, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with(expected), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    }
    // A directory with a source file's name is walked, never read as a file.
    std::fs::create_dir(p.join("dir.cpp")).expect("mkdir");
    write(p, "dir.cpp/inner.cpp", DEFECT);
    let o = iislint(p, &["check", "dir.cpp"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("inner.cpp:14:5"));
}

#[test]
fn nonexistent_paths_exit_2_with_one_line() {
    let dir = project(&[("m.cpp", DEFECT)]);
    let o = iislint(dir.path(), &["check", "m.cpp", "nope.cpp"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "iislint: error: path `nope.cpp` does not exist\n"
    );
    assert_eq!(stdout(&o), "");
}

// ----------------------------------------------------------------------------- budgets

#[test]
fn a_parse_over_the_time_limit_is_skipped_with_a_notice() {
    // It names the IIS API, so the pre-filter parses it.
    let slow: String = "IHttpContext* Current();\n".to_owned()
        + &(0..80_000)
            .map(|i| format!("void f{i}(char* p) {{ if (p) {{ p[0] = 0; }} }}\n"))
            .collect::<String>();
    let dir = project(&[("slow.cpp", &slow), ("m.cpp", DEFECT)]);
    write(
        dir.path(),
        "iislint.toml",
        "[limits]\nparse-timeout-ms = 200\n",
    );
    let o = iislint(dir.path(), &["check", "--jobs", "1", "."]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "iislint: warning: slow.cpp: parsing took longer than 200 ms \
             (`[limits] parse-timeout-ms`), file skipped"
        ),
        "{err}"
    );
    assert_eq!(o.status.code(), Some(1), "a budget skip is a warning");
    // m.cpp is parsed after the cancelled parse on the same thread: the parser was reset.
    assert!(stdout(&o).contains("m.cpp:14:5"), "{}", stdout(&o));
    assert!(stdout(&o).ends_with("1 finding in 1 file, 1 file checked\n"));
}

#[test]
fn a_cancelled_parser_starts_afresh() {
    use iislint::syntax::{self, Language};
    let macros = Catalog::builtin().macros;
    let big = "int f() { return 1; }\n".repeat(50_000);
    let past = std::time::Instant::now();
    for _ in 0..3 {
        assert_eq!(
            syntax::parse_and_lower_until(Language::Cpp, &big, &macros, Some(past)).err(),
            Some(syntax::Timeout)
        );
        let m = syntax::parse_and_lower_until(Language::Cpp, DEFECT, &macros, None)
            .expect("no deadline");
        assert_eq!(m.functions.len(), 1);
        assert_eq!(m.syntax_errors, 0);
    }
}

#[test]
fn a_function_over_the_block_limit_is_not_analysed_and_named() {
    let big = in_fn(&"if (a) p = 0;\n".repeat(100)).replace("void f(", "void big(");
    let text = format!("{big}\n{DEFECT}");
    let dir = project(&[("m.cpp", &text)]);
    write(
        dir.path(),
        "iislint.toml",
        "[limits]\nmax-function-blocks = 50\n",
    );
    let o = iislint(dir.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("iislint: warning: m.cpp: function `big` has 302 basic blocks, over the limit of 50 (`[limits] max-function-blocks`), not analysed"),
        "{err}"
    );
    assert!(stdout(&o).contains(&format!("m.cpp:{}:5", 104 + DEFECT_LINE)));
}

// ----------------------------------------------------------------- panics and notices

/// `IISLINT_TEST_PANIC_ON` (a test hook of the driver) panics while parsing a file whose path
/// contains it: the panic becomes an error notice naming the file, every other finding is
/// reported in every format, and the exit code is 2.
#[test]
fn a_panic_in_one_file_is_an_internal_error_for_that_file_only() {
    let dir = project(&[("boom.cpp", DEFECT), ("ok.cpp", DEFECT), ("blob.h", "")]);
    std::fs::write(dir.path().join("blob.h"), b"\0\0\0").expect("write");
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("iislint")
            .expect("binary built")
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env(driver::TEST_PANIC_ENV, "boom")
            .args(args)
            .output()
            .expect("iislint runs")
    };

    let o = run(&["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("ok.cpp:14:5"));
    assert!(!stdout(&o).contains("boom.cpp:14"));
    let err = stderr(&o);
    assert!(
        err.contains(
            "iislint: error: boom.cpp: internal error during parsing, file skipped: \
             IISLINT_TEST_PANIC_ON test hook"
        ),
        "{err}"
    );
    assert!(
        err.contains("iislint: warning: blob.h: binary file"),
        "{err}"
    );

    let o = run(&["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o.stdout);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["findings"][0]["path"], "ok.cpp");
    let notices: Vec<(&str, &str)> = v["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .map(|n| {
            (
                n["path"].as_str().unwrap_or_default(),
                n["level"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(notices, [("blob.h", "warning"), ("boom.cpp", "error")]);

    let o = run(&["check", "--format", "sarif", "."]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o.stdout);
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().expect("notes");
    let boom = notes
        .iter()
        .find(|n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "boom.cpp")
        .expect("a notification for boom.cpp");
    assert_eq!(boom["level"], "error");
    assert!(
        boom["message"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("internal error during parsing")
    );
    assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(1));
}

// -------------------------------------------------------------- config and arguments

#[test]
fn config_and_argument_errors_are_one_line_with_exit_2() {
    let dir = project(&[("m.cpp", DEFECT)]);
    let p = dir.path();
    let cases: [(&str, Vec<&str>, &str); 6] = [
        (
            "select = [\"request-scope-escape-statik\"]\n",
            vec!["check", "."],
            "iislint.toml:1:11: `select`: unknown rule id `request-scope-escape-statik`",
        ),
        (
            "exclude = [\"src/[\"]\n",
            vec!["check", "."],
            "iislint.toml:1:12: `exclude`: invalid glob `src/[`",
        ),
        (
            "select = [\n",
            vec!["check", "."],
            "iislint.toml:1:11: `select`: unclosed array",
        ),
        (
            "[limits]\nparse-timeout-ms = 0\n",
            vec!["check", "."],
            "iislint.toml:2:20: `limits.parse-timeout-ms`: must be greater than 0",
        ),
        (
            "",
            vec!["check", "--select", "no-such-rule", "."],
            "unknown rule `no-such-rule`",
        ),
        (
            "",
            vec!["check", "--jobs", "0", "."],
            "--jobs must be at least 1",
        ),
    ];
    for (config, args, expected) in cases {
        write(p, "iislint.toml", config);
        let o = iislint(p, &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{config:?} {args:?}: {err}");
        assert!(
            err.starts_with("iislint: error: "),
            "{config:?} {args:?}: {err}"
        );
        assert!(err.contains(expected), "{config:?} {args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert_eq!(stdout(&o), "");
    }
}

// ------------------------------------------------------------------------- properties

fn options(paths: Vec<PathBuf>, config: Config, jobs: usize) -> Options {
    Options {
        paths,
        config,
        catalog: Catalog::builtin(),
        select: None,
        ignore: Vec::new(),
        no_ignore: true,
        jobs,
        prefilter: true,
    }
}

/// Everything a run reports, with paths, positions and messages.
fn everything(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = run
        .diagnostics
        .iter()
        .map(|d| {
            let f = run.file(d.file);
            let (l, c) = f.line_col(d.primary.start);
            let traces: Vec<String> = d
                .traces
                .iter()
                .flatten()
                .map(|s| format!("{}@{}", run.file(s.file).path.display(), s.span.start))
                .collect();
            format!(
                "{}:{l}:{c} {} {} {:?} {traces:?}",
                f.path.display(),
                d.rule,
                d.message,
                d.suppressed
            )
        })
        .collect();
    out.extend(
        run.notices
            .iter()
            .map(|n| format!("{} {:?} {}", n.path.display(), n.level, n.message)),
    );
    out
}

/// The same files, named in any order, walked with any number of threads: the same output.
#[test]
fn output_is_identical_for_any_jobs_any_file_order_and_without_the_prefilter() {
    let root = common::root().join("testdata");
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("testdata")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    let reference =
        everything(&driver::run(&options(projects.clone(), Config::default(), 1)).expect("run"));
    assert!(reference.len() > 100);
    let mut seed = 7u64;
    for jobs in [2, 3, 4, 8] {
        // A different permutation of the paths each time.
        for i in (1..projects.len()).rev() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            projects.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let run = driver::run(&options(projects.clone(), Config::default(), jobs)).expect("run");
        assert_eq!(
            everything(&run),
            reference,
            "--jobs {jobs}, paths {projects:?}"
        );
    }
    // And the same without the pre-filter: all of testdata as one run, where every project's
    // names meet every other's.
    let mut all = options(projects, Config::default(), 2);
    all.prefilter = false;
    let run = driver::run(&all).expect("run");
    assert_eq!(everything(&run), reference, "--no-prefilter");
}

/// Adding an allow-comment for one finding silences that finding and changes nothing else.
#[test]
fn a_suppression_comment_never_changes_other_findings() {
    let mut files = Vec::new();
    collect_sources(&common::root().join("testdata"), &mut files);
    let mut checked = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.display().to_string();
        let before = findings(&driver::check_text(&path, &text));
        let lines: Vec<&str> = text.split('\n').collect();
        for (i, (rule, line, _, suppressed)) in before.iter().enumerate() {
            if *suppressed || rule == "unused-suppression" {
                continue;
            }
            let target = lines[line - 1];
            if target.trim_end().ends_with('\\') || target.contains("/*") {
                continue;
            }
            let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let comment = if path.extension().is_some_and(|e| e == "rs") || !target.contains("//") {
                format!(" // iislint: allow({rule}) property test")
            } else {
                continue;
            };
            edited[line - 1].push_str(&comment);
            let after = findings(&driver::check_text(&path, &edited.join("\n")));
            let mut expected = before.clone();
            expected[i].3 = true;
            // Several findings of the rule on that line are all silenced.
            for e in expected.iter_mut() {
                if e.0 == *rule && e.1 == *line {
                    e.3 = true;
                }
            }
            assert_eq!(after, expected, "{name}: allow({rule}) on line {line}");
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} suppressions tried");
}

fn collect_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_sources(&p, out);
        } else if iislint::syntax::Language::of(&p).is_some() {
            out.push(p);
        }
    }
}

// ---------------------------------------------------------------------- fuzz findings

/// Every input the fuzzers (`fuzz/`) crashed or hung on, kept as a regression test: each must
/// now run without a panic, an internal error or a stack overflow.
#[test]
fn fuzz_regressions() {
    let dir = common::root().join("testdata/robustness/fuzz");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    inputs.sort();
    for input in inputs {
        let bytes = std::fs::read(&input).expect("read");
        let name = input.file_name().unwrap_or_default().to_string_lossy();
        let as_name = if name.starts_with("check_rust") {
            "fuzz.rs"
        } else {
            "fuzz.cpp"
        };
        let Ok(decoded) = iislint::source::decode(bytes) else {
            continue;
        };
        let run = check_small_stack(as_name, decoded.text.clone());
        for n in &run.notices {
            assert!(
                !n.message.contains("internal error"),
                "{}: {}",
                input.display(),
                n.message
            );
        }
    }
}
