//! The whole pipeline on one C++ file: decode, blank macros, parse, lower, index, analyse,
//! suppressions, every renderer.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Some(run) = common::check("fuzz.cpp", data) {
        common::render_all(&run);
    }
});
