#!/usr/bin/env bash
# Prove the pre-commit hook with the real `pre-commit` tool: a temporary git repository whose
# .pre-commit-config.yaml points at a clone of this repository (with the working tree's changes
# committed into the clone, since pre-commit needs a committed rev); committing a file with a
# defect must fail with the finding shown, committing a clean file must pass.
#
# pre-commit builds the hook with `cargo install` (language: rust). CARGO_TARGET_DIR points at
# this repository's target directory so that the dependencies built by the rest of CI are
# reused; set IISLINT_HOOK_TARGET_DIR to build elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
command -v pre-commit >/dev/null || { echo "pre-commit is not installed (pip install pre-commit)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git_() { git -c user.name=iislint-ci -c user.email=ci@iislint.invalid -c commit.gpgsign=false -c init.defaultBranch=main "$@"; }

# The hook repository: a clone of this one, plus the working tree's uncommitted changes.
git_ clone --quiet "$repo" "$tmp/hookrepo"
git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$tmp/hookrepo"
git_ -C "$tmp/hookrepo" add -A
git_ -C "$tmp/hookrepo" diff --cached --quiet || git_ -C "$tmp/hookrepo" commit --quiet -m "working tree"
rev=$(git -C "$tmp/hookrepo" rev-parse HEAD)

# A project that uses the hook.
project="$tmp/project"
git_ init --quiet "$project"
cat >"$project/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $tmp/hookrepo
    rev: $rev
    hooks:
      - id: iislint
YAML
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export CARGO_TARGET_DIR="${IISLINT_HOOK_TARGET_DIR:-$repo/target}"
cd "$project"
pre-commit install >/dev/null
git_ add .pre-commit-config.yaml
echo "-- installing the hook (cargo install, rev ${rev:0:12})"
start=$SECONDS
pre-commit install-hooks
echo "   installed in $((SECONDS - start)) s"

echo "-- a clean file: the commit passes"
cp "$repo/testdata/cli/clean.cpp" clean.cpp
git_ add clean.cpp
if ! git_ commit -m "clean" >"$tmp/clean.log" 2>&1; then
  echo "the commit of a clean file failed:"; cat "$tmp/clean.log"; exit 1
fi
grep -E '^iislint\.+Passed' "$tmp/clean.log"

echo "-- a file with a defect: the commit fails with the finding shown"
cp "$repo/testdata/cli/defect.cpp" module.cpp
git_ add module.cpp
if git_ commit -m "defect" >"$tmp/defect.log" 2>&1; then
  echo "the commit of a file with a defect passed:"; cat "$tmp/defect.log"; exit 1
fi
cat "$tmp/defect.log"
grep -qE '^iislint\.+Failed' "$tmp/defect.log" || { echo "the hook did not fail"; exit 1; }
grep -q 'exit code: 1' "$tmp/defect.log" || { echo "expected exit code 1 (findings)"; exit 1; }
grep -q 'error\[request-scope-escape-static\]' "$tmp/defect.log" || { echo "finding not shown"; exit 1; }
grep -q 'module.cpp:14:5' "$tmp/defect.log" || { echo "location not shown"; exit 1; }
[ "$(git rev-list --count HEAD)" -eq 1 ] || { echo "the defect was committed"; exit 1; }
echo "pre-commit hook: ok"
