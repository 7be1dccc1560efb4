//! Decoding and the line index: any bytes either decode or are refused, and every offset of
//! the decoded text has a line and column.
#![no_main]

use libfuzzer_sys::fuzz_target;

use iislint::diagnostic::FileId;
use iislint::source::{SourceFile, decode};

fuzz_target!(|data: &[u8]| {
    let Ok(d) = decode(data.to_vec()) else {
        assert!(data.contains(&0));
        return;
    };
    let f = SourceFile::new(FileId(0), "fuzz.cpp".into(), d.text.clone());
    let mut last = (0, 0);
    for (i, _) in d.text.char_indices() {
        let lc = f.line_col(i);
        assert!(lc > last || i == 0, "positions increase");
        last = lc;
        let _ = f.line_text(lc.0);
    }
});
