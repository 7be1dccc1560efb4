//! Every rule's documentation is executable: its Example must fire the rule and its
//! Use-instead must not. A rule whose docs drift from its behaviour fails here.

use iislint::catalog::Catalog;
use iislint::config::Config;
use iislint::driver::{self, Options};
use iislint::rules;

fn findings_of(rule: &str, code: &str, ext: &str) -> usize {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("example.{ext}"));
    std::fs::write(&path, code).expect("write example");
    let opts = Options {
        paths: vec![path],
        config: Config::default(),
        catalog: Catalog::builtin(),
        select: None,
        ignore: vec![],
        no_ignore: true,
        jobs: 1,
        prefilter: true,
    };
    let run = driver::run(&opts).expect("run");
    run.active().filter(|d| d.rule == rule).count()
}

#[test]
fn examples_fire_and_use_instead_is_silent() {
    let all = rules::all();
    assert!(all.len() >= 2);
    for r in all {
        let ext = if r.example_language == "rust" {
            "rs"
        } else {
            "cpp"
        };
        assert!(
            findings_of(&r.id, &r.example, ext) > 0,
            "{}: its ## Example does not fire",
            r.id
        );
        assert_eq!(
            findings_of(&r.id, &r.use_instead, ext),
            0,
            "{}: its ## Use instead fires",
            r.id
        );
    }
}

#[test]
fn every_rule_has_fixtures() {
    let testdata = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut all_text = String::new();
    let mut stack = vec![testdata];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("testdata readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                all_text.push_str(&t);
            }
        }
    }
    for r in rules::all() {
        assert!(
            all_text.contains(&format!("//~^ {}", r.id))
                || all_text.contains(&format!("//~ {}", r.id)),
            "rule {} has no positive fixture in testdata/",
            r.id
        );
    }
}
