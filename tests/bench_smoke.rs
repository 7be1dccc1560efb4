//! The tree benchmark (`benches/tree/`) in a tiny configuration: a check that it works, not a
//! timed test. The generator is deterministic and gives each shape its mix; on a small tree,
//! both measurements produce numbers, and iislint (the library and the binary) finds every
//! planted defect.

#[path = "../benches/tree/measure.rs"]
mod measure;
#[path = "../benches/tree/treegen.rs"]
mod treegen;

use std::path::Path;

use treegen::{Shape, Spec};

const SHAPES: [Shape; 2] = [Shape::IisHeavy, Shape::MostlyUnrelated];

#[test]
fn generator_is_deterministic() {
    for shape in SHAPES {
        let spec = Spec {
            shape,
            lines: 5_000,
            seed: 3,
        };
        let a = treegen::generate(&spec);
        assert_eq!(
            a,
            treegen::generate(&spec),
            "{}: same seed, same tree",
            shape.name()
        );
        assert_ne!(
            a,
            treegen::generate(&Spec { seed: 4, ..spec }),
            "{}: another seed, another tree",
            shape.name()
        );
    }
}

#[test]
fn shapes_have_their_mix() {
    // The CI-sized configuration of the benchmark, generated in memory.
    let iis = treegen::summarize(&treegen::generate(&Spec {
        shape: Shape::IisHeavy,
        lines: 50_000,
        seed: 7,
    }));
    assert!(iis.lines >= 50_000, "{iis:?}");
    assert!(
        iis.iis_files * 2 > iis.files,
        "IIS-heavy: most files are IIS modules ({} of {})",
        iis.iis_files,
        iis.files
    );
    let other = treegen::summarize(&treegen::generate(&Spec {
        shape: Shape::MostlyUnrelated,
        lines: 50_000,
        seed: 7,
    }));
    assert!(
        other.unrelated_percent() >= 90.0,
        "mostly unrelated: ≥ 90% of the files never mention the IIS API ({:.1}%)",
        other.unrelated_percent()
    );
    assert!(other.rust_files > 0 && other.cpp_files > 0, "{other:?}");
}

#[test]
fn small_tree_benchmark_runs_and_finds_planted_defects() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let bin = Path::new(env!("CARGO_BIN_EXE_iislint"));
    for shape in SHAPES {
        let spec = Spec {
            shape,
            lines: 5_000,
            seed: 7,
        };
        let dir = tmp.path().join(shape.name());
        let scratch = tmp.path().join(format!("{}.out", shape.name()));
        std::fs::create_dir_all(&scratch).expect("scratch dir");
        let summary = treegen::write_tree(&spec, &dir).expect("tree written");
        let name = shape.name();
        // The first module of every tree carries one defect of each kind.
        assert!(summary.planted.len() >= 6, "{name}: {:?}", summary.planted);

        let parse = measure::parse_only(&dir, 2);
        assert_eq!(
            parse.files, summary.files,
            "{name}: parse-only saw every file"
        );
        assert_eq!(
            parse.lines, summary.lines,
            "{name}: parse-only read every line"
        );
        assert!(parse.wall.as_nanos() > 0);

        let lib = measure::check_in_process(&dir, 2);
        assert_eq!(lib.notices, 0, "{name}: no file skipped");
        assert_eq!(lib.stats.files_checked, summary.files);
        let c = measure::compare(&summary.planted, &lib.findings);
        assert!(
            c.missing.is_empty(),
            "{name}: the library missed planted defects: {:?}\nfound: {:?}",
            c.missing,
            lib.findings
        );

        let run = measure::check_binary(bin, &dir, &["."], 2, &scratch).expect("binary runs");
        assert_eq!(
            run.run.exit,
            Some(1),
            "{name}: findings, exit 1\n{}",
            run.run.stderr
        );
        assert!(run.run.wall.as_nanos() > 0);
        if cfg!(all(target_os = "linux", target_pointer_width = "64")) {
            assert!(
                run.run.peak_rss_kib.is_some_and(|k| k > 1024),
                "{:?}",
                run.run
            );
        }
        let phases = run.phases.as_ref().unwrap_or_else(|| {
            panic!(
                "{name}: the benchmark reads the phases from `--stats`; if its wording changed, \
                 update `parse_stats` in benches/tree/measure.rs: {}",
                run.run.stderr
            )
        });
        // The counts the pre-filter and the function slice added to the line.
        assert_eq!(phases.files, summary.files, "{name}: {:?}", run.stats_line);
        assert!(
            phases
                .files_parsed
                .is_some_and(|n| n > 0 && n <= phases.files),
            "{name}: files parsed read from `--stats` (0 < parsed ≤ files): {:?}",
            run.stats_line
        );
        assert_eq!(
            phases.files_parsed,
            Some(lib.stats.files_parsed),
            "{name}: the binary and the library parse the same files"
        );
        assert!(phases.prefilter.is_some(), "{name}: {:?}", run.stats_line);
        assert!(
            phases.analysis_rounds.is_some_and(|r| r >= 1),
            "{name}: {:?}",
            run.stats_line
        );
        assert!(
            matches!(
                (phases.functions_analysed, phases.functions),
                (Some(a), Some(f)) if a <= f
            ),
            "{name}: functions analysed of lowered: {:?}",
            run.stats_line
        );
        let c = measure::compare(&summary.planted, &run.findings);
        assert!(
            c.missing.is_empty(),
            "{name}: the binary missed planted defects: {:?}",
            c.missing
        );
    }
}

#[test]
fn stats_line_is_read() {
    let line = "iislint: stats: 4967 files (4967 found, 4082 parsed), 59680360 bytes, 2006102 \
                lines; discovery 24.6 ms, read 143.7 ms, prefilter 225.4 ms, parse 5176.8 ms, \
                analysis 2134.5 ms (1 rounds, 17743 of 32340 functions), output 7.7 ms";
    let p = measure::parse_stats(line).expect("parsed");
    assert_eq!(
        (p.files, p.files_parsed, p.lines),
        (4967, Some(4082), 2006102)
    );
    assert_eq!(
        (p.discovery, p.read, p.prefilter),
        (24.6, 143.7, Some(225.4))
    );
    assert_eq!((p.parse, p.analysis, p.output), (5176.8, 2134.5, 7.7));
    assert_eq!(p.analysis_rounds, Some(1));
    assert_eq!(
        (p.functions_analysed, p.functions),
        (Some(17743), Some(32340))
    );
}

#[test]
fn older_stats_line_is_still_read() {
    // Before the pre-filter: no parsed count, prefilter time, rounds or functions.
    let line = "iislint: stats: 12 files (12 found), 201904 bytes, 5918 lines; discovery 1.5 ms, \
                read 0.3 ms, parse 21.0 ms, analysis 4.2 ms, output 0.1 ms";
    let p = measure::parse_stats(line).expect("parsed");
    assert_eq!((p.files, p.lines), (12, 5918));
    assert_eq!((p.discovery, p.read, p.parse), (1.5, 0.3, 21.0));
    assert_eq!((p.analysis, p.output), (4.2, 0.1));
    assert_eq!(
        (p.files_parsed, p.prefilter, p.analysis_rounds),
        (None, None, None)
    );
    assert_eq!((p.functions_analysed, p.functions), (None, None));
    assert!(measure::parse_stats("iislint: stats: something else entirely").is_none());
}
