//! Cross-file interprocedural findings: one finding at the helper's store, one trace per call
//! chain, each trace crossing the call.

use iislint::catalog::Catalog;
use iislint::config::Config;
use iislint::driver::{self, Options};

#[test]
fn sink_wrapper_called_from_two_places_is_one_finding_with_two_traces() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/interprocedural");
    let opts = Options {
        paths: vec![dir],
        config: Config::default(),
        catalog: Catalog::builtin(),
        select: None,
        ignore: vec![],
        no_ignore: true,
        jobs: 2,
        prefilter: true,
    };
    let run = driver::run(&opts).expect("run");
    let at = |name: &str, line: usize| {
        run.active()
            .filter(|d| {
                let f = run.file(d.file);
                f.path.ends_with(name) && f.line_index(d.primary.start) + 1 == line
            })
            .collect::<Vec<_>>()
    };
    let found = at("helpers.cpp", 199);
    assert_eq!(found.len(), 1, "one finding at the store inside the helper");
    let d = found[0];
    assert_eq!(d.rule, "request-scope-escape-static");
    assert_eq!(d.traces.len(), 2, "one trace per caller");
    for t in &d.traces {
        let files: Vec<String> = t
            .iter()
            .map(|l| run.file(l.file).path.display().to_string())
            .collect();
        assert!(
            files.iter().any(|f| f.ends_with("module.cpp")),
            "starts in the caller: {files:?}"
        );
        assert!(
            files.last().is_some_and(|f| f.ends_with("helpers.cpp")),
            "ends at the store"
        );
        assert!(
            t.iter()
                .any(|l| l.message.starts_with("passed to `RememberLastValue`")),
            "crosses the call: {t:?}"
        );
    }
}
