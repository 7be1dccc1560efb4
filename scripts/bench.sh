#!/usr/bin/env bash
# The tree benchmark (issue 7; docs/performance.md). Generates large synthetic trees with the
# repository's own generator (benches/tree/treegen.rs) and measures iislint against parse-only,
# its peak memory, scaling and a single-file run; prints a report and a Markdown table.
#
#   scripts/bench.sh --small                          # 50k lines, both shapes: does it work?
#   scripts/bench.sh                                  # 2M lines, both shapes
#   scripts/bench.sh --lines 2000000 --repeat 3 --with-competitors --json bench.json
#   scripts/bench.sh --callgrind [--lines 200000] [--shape mostly-unrelated]   # where the time goes
#
# Every other option goes to the benchmark (`cargo bench --bench tree -- --help` lists them).
#
# --with-competitors also times ast-grep and semgrep. When they are not on PATH they are
# installed from PyPI (ast-grep-cli, semgrep) into a virtual environment under target/; a tool
# that fails to install is reported as missing and the rest of the run goes on. Note that
# `sg` on many Linux systems is newgrp, not ast-grep: the benchmark checks `--version`.
#
# --callgrind writes a tree (IIS-heavy unless --shape says otherwise), runs the release binary on it under
# `valgrind --tool=callgrind` with one thread, and prints the inclusive costs. Instruction
# counts are reproducible on a busy machine where wall times are not.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
competitors=0
callgrind=0
lines=""
shape=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --with-competitors) competitors=1; args+=("$1") ;;
    --callgrind) callgrind=1 ;;
    --lines) lines="$2"; args+=("$1" "$2"); shift ;;
    --lines=*) lines="${1#--lines=}"; args+=("$1") ;;
    --shape) shape="$2"; args+=("$1" "$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

# A tool on PATH that really is what we want.
is_tool() { "$1" --version 2>/dev/null | head -n 1 | grep -qi "$2"; }

if [ "$competitors" = 1 ]; then
  venv="$target_dir/bench-venv"
  if [ -d "$venv/bin" ]; then
    PATH="$(cd "$venv/bin" && pwd):$PATH"
    export PATH
  fi
  need=()
  is_tool ast-grep ast-grep || is_tool sg ast-grep || need+=(ast-grep-cli)
  semgrep --version >/dev/null 2>&1 || need+=(semgrep)
  if [ ${#need[@]} -gt 0 ]; then
    if [ ! -x "$venv/bin/pip" ]; then
      python3 -m venv "$venv" || echo "bench.sh: cannot create a Python virtual environment; competitors not installed"
    fi
    for pkg in "${need[@]}"; do
      if [ -x "$venv/bin/pip" ]; then
        echo "bench.sh: installing $pkg into $venv"
        "$venv/bin/pip" install --quiet "$pkg" || echo "bench.sh: could not install $pkg; it is reported as missing"
      fi
    done
  fi
  if [ -d "$venv/bin" ]; then
    PATH="$(cd "$venv/bin" && pwd):$PATH"
    export PATH
  fi
fi

if [ "$callgrind" = 1 ]; then
  command -v valgrind >/dev/null || { echo "bench.sh: --callgrind needs valgrind (apt-get install valgrind)"; exit 2; }
  lines="${lines:-200000}"
  shape="${shape:-iis-heavy}"
  trees="$target_dir/bench-trees"
  cargo build --release --quiet
  cargo bench --bench tree --quiet -- --generate-only --keep --shape "$shape" --lines "$lines" --dir "$trees"
  tree="$(ls -d "$trees"/"$shape"-"$lines"-* | head -n 1)"
  out="$target_dir/callgrind.iislint.out"
  echo
  echo "== valgrind --tool=callgrind iislint check --jobs 1 $tree"
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$target_dir/release/iislint" check --jobs 1 --quiet --exit-zero --stats "$tree" >/dev/null
  echo
  echo "== callgrind_annotate --inclusive=yes (top 60)"
  callgrind_annotate --inclusive=yes "$out" | head -n 80
  echo
  echo "full profile: $out (callgrind_annotate --inclusive=yes $out, or kcachegrind)"
  exit 0
fi

exec cargo bench --bench tree -- "${args[@]}"
