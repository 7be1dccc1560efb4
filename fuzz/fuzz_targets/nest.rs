//! Structure-aware: the input chooses a sequence of nesting constructs (each byte pair: which
//! construct, how many times), so inputs reach tens of thousands of levels of mixed nesting that
//! byte-level mutation of source text rarely builds. The first byte picks C++ or Rust and whether
//! the nesting is closed or cut off.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

const CPP: [(&str, &str); 24] = [
    ("(", ")"),
    ("{", "}"),
    ("if (a) { ", "}"),
    ("if (a) ", ""),
    ("else ", ""),
    ("[&]{ return ", "; }()"),
    ("f(", ")"),
    ("p[", "]"),
    ("!", ""),
    ("a->", ""),
    ("a::", ""),
    ("A<", ">"),
    ("#if X\n", "\n#endif\n"),
    ("#elif Y\n", ""),
    ("namespace n { ", "}"),
    ("struct S { void m() { ", "} };"),
    ("while (a) ", ""),
    ("switch (a) { case 1: ", "}"),
    ("try { ", "} catch (...) {}"),
    ("__try { ", "} __finally {}"),
    ("x = ", ";"),
    ("a ? p : ", ""),
    ("p = (char*)c->AllocateRequestMemory(", ")"),
    ("g_p = ", ";"),
];

const RUST: [(&str, &str); 16] = [
    ("(", ")"),
    ("{ ", " }"),
    ("if a { ", " }"),
    ("|| ", ""),
    ("f(", ")"),
    ("p[", "]"),
    ("!", ""),
    ("p.m(", ")"),
    (".m()", ""),
    ("a::", ""),
    ("Option<", ">"),
    ("mod m { fn f() { ", " } }"),
    ("loop { ", " }"),
    ("match a { _ => ", " }"),
    ("vec![", "]"),
    ("unsafe { ", " }"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let rust = mode & 1 == 1;
    let table: &[(&str, &str)] = if rust { &RUST } else { &CPP };
    let mut text = String::from(if rust {
        "static mut G: *mut u8 = 0 as *mut u8;\nfn f(a: bool, p: S, c: &IHttpContext) {\n"
    } else {
        "static char* g_p;\nvoid f(int a, char* p, IHttpContext* c) {\n"
    });
    let mut closers = Vec::new();
    for pair in rest.chunks(2) {
        let (kind, reps) = (pair[0] as usize % table.len(), *pair.get(1).unwrap_or(&0));
        let (open, close) = table[kind];
        for _ in 0..(reps as usize % 128) + 1 {
            text.push_str(open);
            closers.push(close);
        }
    }
    text.push('p');
    let keep = if mode & 2 == 0 {
        closers.len()
    } else {
        closers.len() / 2
    };
    for c in closers.iter().rev().take(keep) {
        text.push_str(c);
    }
    text.push_str("\n}\n");
    let name = if rust { "nest.rs" } else { "nest.cpp" };
    if let Some(run) = common::check(name, text.as_bytes()) {
        common::render_all(&run);
    }
});
