//! Fingerprints: identities of findings that survive edits elsewhere in the file.
//!
//! Two kinds:
//!
//! - [`line_hashes`]: GitHub code scanning's `primaryLocationLineHash`, the value the
//!   `upload-sarif` action would compute for a result's start line. iislint puts it into the
//!   SARIF itself, so GitHub tracks alerts across commits without re-reading the sources.
//! - [`finding`]: iislint's own fingerprint (`iislint/v1`), used by `--baseline`: the rule, the
//!   file, the whitespace-free content of the primary line and the shape of every trace. It does
//!   not contain a line number, so a finding keeps its fingerprint when code above it moves.

use crate::diagnostic::Diagnostic;

/// Characters of the window the line hash covers, counted from the first non-blank character
/// of the line (blanks skipped, line ends normalised to `\n`).
const BLOCK_SIZE: usize = 100;
const MOD: u64 = 37;
/// Fed after the last character, as the upload action does.
const EOF: u16 = 0xFFFF;

/// The line hash of every line of `text`: element `i` is line `i + 1`'s hash with its occurrence
/// suffix (`"a1b2c3d4e5f6a7b8:1"`).
///
/// The algorithm is the one GitHub's upload action applies (a polynomial rolling hash, base 37,
/// wrapping at 64 bits, over a window of 100 UTF-16 code units that skips spaces and tabs and
/// normalises CR and CRLF to LF; an end-of-file marker and zero padding after the last line;
/// `:N` counts earlier lines of the file with the same hash). Lines are counted the same way:
/// a lone CR ends a line too. A text without a final line end has as many lines as
/// [`crate::source::SourceFile`] counts; one with a final line end has one more (empty) line.
///
/// `text` is the decoded file. The action reads the file's bytes as UTF-8, so for a file with a
/// UTF-8 byte-order mark its hash of line 1 also covers the mark, and for a UTF-16 file every
/// hash differs; the action then keeps iislint's value and logs a warning, and alerts are still
/// tracked consistently from one iislint run to the next.
pub fn line_hashes(text: &str) -> Vec<String> {
    let mut h = LineHasher::new();
    for unit in text.encode_utf16() {
        h.push(unit);
    }
    h.finish()
}

struct LineHasher {
    /// The last `BLOCK_SIZE` characters fed to the hash (a ring).
    window: [u16; BLOCK_SIZE],
    /// For each slot of the ring: the line that starts at that character, if one does.
    starts: [Option<usize>; BLOCK_SIZE],
    /// The ring position of the oldest character (the next to be overwritten).
    index: usize,
    hash: u64,
    /// `MOD` to the power `BLOCK_SIZE`: the weight of the character leaving the window.
    leaving_weight: u64,
    line: usize,
    at_line_start: bool,
    after_cr: bool,
    seen: std::collections::HashMap<u64, usize>,
    /// `(line, hash:count)` in the order produced (increasing line).
    out: Vec<(usize, String)>,
}

impl LineHasher {
    fn new() -> Self {
        LineHasher {
            window: [0; BLOCK_SIZE],
            starts: [None; BLOCK_SIZE],
            index: 0,
            hash: 0,
            leaving_weight: (0..BLOCK_SIZE).fold(1u64, |acc, _| acc.wrapping_mul(MOD)),
            line: 0,
            at_line_start: true,
            after_cr: false,
            seen: std::collections::HashMap::new(),
            out: Vec::new(),
        }
    }

    /// Emit the hash of the line whose first character is the oldest in the window: the window
    /// now holds exactly that character and the `BLOCK_SIZE - 1` after it.
    fn emit(&mut self) {
        if let Some(line) = self.starts[self.index].take() {
            let n = self.seen.entry(self.hash).or_insert(0);
            *n += 1;
            self.out.push((line, format!("{:x}:{n}", self.hash)));
        }
    }

    fn roll(&mut self, c: u16) {
        let leaving = self.window[self.index];
        self.window[self.index] = c;
        self.hash = MOD
            .wrapping_mul(self.hash)
            .wrapping_add(u64::from(c))
            .wrapping_sub(self.leaving_weight.wrapping_mul(u64::from(leaving)));
        self.index = (self.index + 1) % BLOCK_SIZE;
    }

    fn push(&mut self, c: u16) {
        const TAB: u16 = b'\t' as u16;
        const SPACE: u16 = b' ' as u16;
        const LF: u16 = b'\n' as u16;
        const CR: u16 = b'\r' as u16;
        // Blanks are not part of the hash; neither is the LF of a CRLF. Any skipped character
        // ends a pending CR (so "\r \n" is two line ends, as in the upload action).
        if c == SPACE || c == TAB || (self.after_cr && c == LF) {
            self.after_cr = false;
            return;
        }
        let c = if c == CR {
            self.after_cr = true;
            LF
        } else {
            self.after_cr = false;
            c
        };
        self.emit();
        if self.at_line_start {
            self.at_line_start = false;
            self.line += 1;
            self.starts[self.index] = Some(self.line);
        }
        if c == LF {
            self.at_line_start = true;
        }
        self.roll(c);
    }

    fn finish(mut self) -> Vec<String> {
        self.push(EOF);
        for _ in 0..BLOCK_SIZE {
            self.emit();
            self.roll(0);
        }
        debug_assert!(self.out.windows(2).all(|w| w[0].0 + 1 == w[1].0));
        self.out.into_iter().map(|(_, h)| h).collect()
    }
}

/// The content of a line as fingerprints see it: without spaces, tabs and the line end.
pub fn normalize_line(line: &str) -> String {
    line.chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect()
}

/// iislint's fingerprint of a finding (`iislint/v1`, 32 hex digits): a 128-bit FNV-1a hash of
/// the rule id, the file's path relative to the source root (`/`-separated), the primary
/// line's content without blanks, and each trace as the sequence of its step messages. Line
/// and column numbers are not part of it.
pub fn finding(d: &Diagnostic, path: &str, primary_line: &str) -> String {
    let mut h = Fnv128::new();
    h.field(b"iislint/v1");
    h.field(d.rule.as_bytes());
    h.field(path.as_bytes());
    h.field(normalize_line(primary_line).as_bytes());
    for t in &d.traces {
        h.field(b"trace");
        for step in t {
            h.field(step.message.as_bytes());
        }
    }
    format!("{:032x}", h.0)
}

/// FNV-1a, 128 bits. Stable across platforms and releases, unlike `std`'s hashers.
struct Fnv128(u128);

impl Fnv128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;

    fn new() -> Self {
        Fnv128(Self::OFFSET)
    }

    fn byte(&mut self, b: u8) {
        self.0 ^= u128::from(b);
        self.0 = self.0.wrapping_mul(Self::PRIME);
    }

    /// A length-prefixed field, so that field boundaries are part of the hash.
    fn field(&mut self, bytes: &[u8]) {
        for b in (bytes.len() as u64).to_le_bytes() {
            self.byte(b);
        }
        for &b in bytes {
            self.byte(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv128_matches_the_published_test_vector() {
        // FNV-1a 128 of "a" (from the FNV reference test suite).
        let mut h = Fnv128::new();
        h.byte(b'a');
        assert_eq!(h.0, 0xd228cb696f1a8caf78912b704e4a8964);
    }

    fn hashes_of(text: &str) -> Vec<String> {
        line_hashes(text)
    }

    /// Values published with the upload action's own tests (github/codeql-action,
    /// src/fingerprints.test.ts): an empty file, blanks, every kind of line end, repeats.
    #[test]
    fn line_hashes_match_the_upload_actions_published_values() {
        assert_eq!(hashes_of(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            hashes_of(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        let expected = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        for text in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_eq!(hashes_of(text), expected, "{text:?}");
        }
        assert_eq!(
            hashes_of(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ]
        );
        let mut lorem = vec!["a7f2ff13bc495cf2"; 6];
        lorem.extend([
            "a7f2ff1481e87703",
            "a9cf91f7bbf1862b",
            "55ec222b86bcae53",
            "cc97dc7b1d7d8f7b",
            "c129715d7a2bc9a3",
        ]);
        let got = hashes_of(&"Lorem ipsum dolor sit amet.\n".repeat(10));
        let want: Vec<String> = lorem
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{h}:{}", if i < 6 { i + 1 } else { 1 }))
            .collect();
        assert_eq!(got, want);
    }

    /// Values derived independently: by hand for "a" (the window holds `a`, the end-of-file
    /// marker and 98 zeros, so the hash is 97·37^99 + 65535·37^98 mod 2^64), and with a
    /// separate, non-rolling script (hash of each line's 100-character window computed
    /// directly) for the rest, including UTF-16 surrogate pairs and non-ASCII lines.
    #[test]
    fn line_hashes_match_independently_derived_values() {
        assert_eq!(hashes_of("a"), ["53b5d4aabe50d64:1"]);
        assert_eq!(
            hashes_of("x = \"\u{1F600}\";\n  y\u{e9} = 1;\n"),
            [
                "8ca00d699bf72083:1",
                "7fc94df42aa3e5fc:1",
                "c129715d7a2bc9a3:1"
            ]
        );
        assert_eq!(
            hashes_of("int a;\nint a;\nint a;\nint b;\n"),
            [
                "ce71117440a7fb40:1",
                "1fa76b0139708af7:1",
                "ce87b61c11481a6:1",
                "bd39bb1f00ad510d:1",
                "c129715d7a2bc9a3:1"
            ]
        );
        let defect = include_str!("../../testdata/cli/defect.cpp");
        assert_eq!(hashes_of(defect)[13], "38c4e32945f5ed9:1");
        let unicode = include_str!("../../testdata/cli/unicode.cpp");
        assert_eq!(hashes_of(unicode)[5], "95eb23ac83948a51:1");
    }

    #[test]
    fn normalized_lines_ignore_blanks() {
        assert_eq!(normalize_line("\t g_p = p; \r\n"), "g_p=p;");
    }
}
