//! Baselines (`--baseline FILE`): the findings of an earlier run, so that a code base can adopt
//! iislint and fail CI only on new defects.
//!
//! A baseline is an earlier JSON (`--format json`) or SARIF (`--format sarif`) output of
//! iislint. Findings are matched by fingerprint (`report::fingerprint::finding`: the rule, the
//! file, the content of the primary line and the shape of the traces), never by line number,
//! so code that moves keeps its findings known. Matching counts: a baseline with one finding
//! of a fingerprint absorbs one finding of the current run with it, not every copy.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::report::sarif::FINGERPRINT_KEY;
use crate::report::{Report, Status};

/// The fingerprints of an earlier run, with how often each occurred.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub path: PathBuf,
    counts: HashMap<String, usize>,
    /// Findings in the baseline.
    pub len: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("baseline `{path}`: {message}")]
pub struct BaselineError {
    pub path: String,
    pub message: String,
}

/// Read a baseline file.
pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let text = std::fs::read_to_string(path).map_err(|e| BaselineError {
        path: path.display().to_string(),
        message: format!("cannot read: {e}"),
    })?;
    parse(path, &text)
}

/// Parse a baseline: iislint's JSON output or its SARIF output.
pub fn parse(path: &Path, text: &str) -> Result<Baseline, BaselineError> {
    let err = |message: String| BaselineError {
        path: path.display().to_string(),
        message,
    };
    let v: Value = serde_json::from_str(text).map_err(|e| {
        err(format!(
            "not JSON ({e}); expected the JSON or SARIF output of iislint"
        ))
    })?;
    let mut fingerprints = Vec::new();
    if let Some(runs) = v.get("runs").and_then(Value::as_array) {
        for (r, run) in runs.iter().enumerate() {
            let tool = run
                .pointer("/tool/driver/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            if tool != "iislint" {
                return Err(err(format!(
                    "run {r} of this SARIF log is from `{tool}`, not iislint"
                )));
            }
            let results = run.get("results").and_then(Value::as_array);
            for (i, res) in results.into_iter().flatten().enumerate() {
                let fp = res
                    .get("partialFingerprints")
                    .and_then(|p| p.get(FINGERPRINT_KEY))
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        err(format!(
                            "result {i} has no `partialFingerprints.{FINGERPRINT_KEY}`; regenerate the baseline with this version of iislint"
                        ))
                    })?;
                fingerprints.push(fp.to_owned());
            }
        }
    } else if let Some(findings) = v.get("findings").and_then(Value::as_array) {
        for (i, f) in findings.iter().enumerate() {
            let fp = f
                .get("fingerprint")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    err(format!(
                        "finding {i} has no `fingerprint`; regenerate the baseline with this version of iislint"
                    ))
                })?;
            fingerprints.push(fp.to_owned());
        }
    } else {
        return Err(err(
            "neither iislint's JSON output (`findings`) nor a SARIF log (`runs`)".into(),
        ));
    }
    let mut counts = HashMap::new();
    for fp in &fingerprints {
        *counts.entry(fp.clone()).or_insert(0) += 1;
    }
    Ok(Baseline {
        path: path.to_path_buf(),
        counts,
        len: fingerprints.len(),
    })
}

impl Baseline {
    /// Which findings of the report the baseline knows, parallel to `run.diagnostics`. Findings
    /// silenced by an allow-comment are not matched (they do not count anyway); each baseline
    /// entry matches at most one finding, in the run's (sorted) order.
    pub fn matches(&self, report: &Report) -> Vec<bool> {
        let mut left = self.counts.clone();
        (0..report.run.diagnostics.len())
            .map(|i| {
                if let Status::Suppressed(_) = report.status(i) {
                    return false;
                }
                match left.get_mut(report.fingerprint(i)) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                }
            })
            .collect()
    }

    /// Apply the baseline to a report.
    pub fn apply(&self, report: &mut Report) {
        let matched = self.matches(report);
        report.set_baseline(self.path.clone(), matched);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_and_sarif_and_refuses_other_documents() {
        let p = Path::new("b.json");
        let b = parse(
            p,
            r#"{"version":1,"findings":[{"fingerprint":"aa"},{"fingerprint":"aa"},{"fingerprint":"bb"}]}"#,
        )
        .unwrap();
        assert_eq!(b.len, 3);
        assert_eq!(b.counts["aa"], 2);
        let b = parse(
            p,
            r#"{"runs":[{"tool":{"driver":{"name":"iislint"}},"results":[{"partialFingerprints":{"iislint/v1":"cc","primaryLocationLineHash":"1:1"}}]}]}"#,
        )
        .unwrap();
        assert_eq!(b.counts["cc"], 1);
        let e = parse(p, r#"{"runs":[{"tool":{"driver":{"name":"other"}}}]}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "baseline `b.json`: run 0 of this SARIF log is from `other`, not iislint"
        );
        assert!(
            parse(p, r#"{"findings":[{"rule":"x"}]}"#)
                .unwrap_err()
                .to_string()
                .contains("finding 0 has no `fingerprint`")
        );
        assert!(parse(p, "[]").is_err());
        assert!(parse(p, "not json").is_err());
    }
}
