#!/bin/sh
# Seed the fuzz corpora from the repository's sources: every C/C++ file under testdata/ and
# examples/ for check_cpp, every Rust file for check_rust, a few of each for decode.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/check_cpp corpus/check_rust corpus/decode
find ../testdata ../examples -type f \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.cxx' \
    -o -name '*.h' -o -name '*.hh' -o -name '*.hpp' -o -name '*.hxx' -o -name '*.inl' \) |
    while read -r f; do cp "$f" "corpus/check_cpp/$(echo "$f" | tr '/.' '__')"; done
find ../testdata ../examples -type f -name '*.rs' |
    while read -r f; do cp "$f" "corpus/check_rust/$(echo "$f" | tr '/.' '__')"; done
cp ../testdata/cli/*.cpp corpus/decode/
