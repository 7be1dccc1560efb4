#!/usr/bin/env bash
# Validate iislint's SARIF with Microsoft's SARIF validator (rule kinds Sarif;Gh, levels
# Error;Warning) for three runs: one with findings, a clean one, and one with files that could
# not be analysed. Fails on any validator result. Needs node/npm (the validator comes from the
# npm registry) and a built binary (IISLINT, default target/release/iislint).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
iislint=${IISLINT:-$repo/target/release/iislint}
[ -x "$iislint" ] || cargo build --locked --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "-- installing @microsoft/sarif-multitool"
npm install --prefix "$tmp/validator" --no-audit --no-fund --silent @microsoft/sarif-multitool >/dev/null
multitool="$tmp/validator/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
chmod u+x "$multitool"   # its postinstall script (chmod) may not have run

expect() { # expect CODE -- command...: run, and fail unless it exits with CODE
  local want=$1; shift 2
  local got=0; "$@" || got=$?
  if [ "$got" -ne "$want" ]; then echo "expected exit $want, got $got: $*"; exit 1; fi
}

# 1. Findings: the example module and every fixture (all rules, multi-trace findings).
expect 1 -- "$iislint" check -q --format sarif -o "$tmp/findings.sarif" examples testdata
# 2. A clean run.
expect 0 -- "$iislint" check -q --format sarif -o "$tmp/clean.sarif" testdata/cli/clean.cpp
# 3. Files that could not be analysed: binary, not UTF-8, and unreadable (/proc/self/mem reads
#    fail with EIO even for root), beside one with a finding.
mkdir "$tmp/unreadable"
cp testdata/cli/defect.cpp "$tmp/unreadable/"
printf '\177ELF\000\001' >"$tmp/unreadable/blob.h"
printf '// caf\351\nint x;\n' >"$tmp/unreadable/latin1.cpp"
ln -s /proc/self/mem "$tmp/unreadable/mem.cpp"
(cd "$tmp/unreadable" && expect 2 -- "$iislint" check -q --format sarif -o "$tmp/unreadable.sarif" . mem.cpp 2>/dev/null)

status=0
for name in findings clean unreadable; do
  "$multitool" validate "$tmp/$name.sarif" -o "$tmp/$name.report.sarif" --log ForceOverwrite \
    --rule-kind "Sarif;Gh" --level "Error;Warning" >"$tmp/$name.log" 2>&1 || {
    echo "validator failed on $name.sarif:"; cat "$tmp/$name.log"; exit 1; }
  node -e '
    const [file, report] = process.argv.slice(1);
    const log = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const out = JSON.parse(require("fs").readFileSync(report, "utf8"));
    const res = out.runs[0].results || [];
    const n = (l) => res.filter((r) => (r.level || "warning") === l).length;
    const run = log.runs[0];
    console.log(`${file.split("/").pop()}: ${(run.results || []).length} results, ` +
      `${run.invocations[0].toolExecutionNotifications.length} notifications, ` +
      `executionSuccessful ${run.invocations[0].executionSuccessful} -> ` +
      `validator: ${n("error")} errors, ${n("warning")} warnings`);
    for (const r of res) console.log(`  ${r.ruleId} ${r.level}: ${r.message.text || JSON.stringify(r.message.arguments)}`);
    process.exit(res.length ? 1 : 0);
  ' "$tmp/$name.sarif" "$tmp/$name.report.sarif" || status=1
done
exit $status
