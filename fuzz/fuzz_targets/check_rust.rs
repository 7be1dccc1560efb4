//! The whole pipeline on one Rust file.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Some(run) = common::check("fuzz.rs", data) {
        common::render_all(&run);
    }
});
