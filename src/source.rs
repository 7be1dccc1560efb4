//! Reading files: decoding, binary detection and the line index.

use std::path::{Path, PathBuf};

use crate::diagnostic::FileId;

/// A file of the run, decoded to UTF-8. Spans index into `text`.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as shown to the user (relative to the working directory where possible).
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

/// Why a file was not analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("cannot read file: {0}")]
    Io(String),
    #[error("file no longer exists (removed during the run), skipped")]
    Vanished,
    #[error("not a regular file, skipped")]
    NotAFile,
    #[error("binary file (contains NUL bytes), skipped")]
    Binary,
    #[error(
        "file is {size} bytes, over the limit of {limit} bytes (`[limits] max-file-size`), skipped"
    )]
    TooLarge { size: u64, limit: u64 },
}

impl SkipReason {
    /// A failure (the file should have been analysed and could not be), not a deliberate skip.
    pub fn is_error(&self) -> bool {
        matches!(self, SkipReason::Io(_))
    }
}

/// A decoded file's text, and what went wrong decoding it (the text is still analysed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Byte offset (in the file) of the first invalid sequence, when there was one: invalid
    /// sequences are decoded as U+FFFD.
    pub invalid_at: Option<usize>,
}

/// A decoded file reads as its text.
impl std::ops::Deref for Decoded {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl Decoded {
    /// The notice for a file that was decoded with replacements.
    pub fn warning(&self) -> Option<String> {
        self.invalid_at.map(|at| {
            format!(
                "not valid UTF-8 or UTF-16 (first invalid byte at offset {at}); invalid \
                 sequences were read as U+FFFD and the rest analysed"
            )
        })
    }
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            id,
            path,
            text,
            line_starts,
        }
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and 1-based column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        // Inside a character (never from the parser; defensive): its start.
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Decode raw bytes into text: UTF-8 (a leading BOM is dropped; spans are offsets into the
/// decoded text), UTF-16 LE/BE with a BOM. Binary content (NUL bytes in a file without a
/// UTF-16 BOM) is refused. Invalid UTF-8 (a Windows-1252 comment, a truncated sequence) and
/// unpaired UTF-16 surrogates are decoded as U+FFFD, so one bad byte does not hide the file's
/// findings; `invalid_at` says where the first one was.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, SkipReason> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(decode_utf16(rest, u16::from_le_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(decode_utf16(rest, u16::from_be_bytes));
    }
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    if bytes[bom..].contains(&0) {
        return Err(SkipReason::Binary);
    }
    let mut bytes = bytes;
    bytes.drain(..bom);
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            invalid_at: None,
        },
        Err(e) => Decoded {
            invalid_at: Some(bom + e.utf8_error().valid_up_to()),
            text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
    })
}

fn decode_utf16(rest: &[u8], f: fn([u8; 2]) -> u16) -> Decoded {
    let mut invalid_at = None;
    let units = rest.chunks(2).map(|c| match *c {
        [a, b] => f([a, b]),
        // An odd trailing byte: not a code unit.
        _ => 0xDC00,
    });
    let text = char::decode_utf16(units)
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|_| {
                invalid_at.get_or_insert(2 + 2 * i);
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    Decoded { text, invalid_at }
}

/// Read and decode a file, refusing files over `max_bytes` and anything that is not a regular
/// file (a FIFO or a device would block or never end). At most `max_bytes + 1` bytes are read,
/// so a file that grows while it is read is refused too.
pub fn read(path: &Path, max_bytes: u64) -> Result<Decoded, SkipReason> {
    use std::io::Read;
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => SkipReason::Vanished,
        _ => SkipReason::Io(e.to_string()),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(SkipReason::Io("is a directory".into()));
    }
    if !meta.is_file() {
        return Err(SkipReason::NotAFile);
    }
    let too_large = |size| SkipReason::TooLarge {
        size,
        limit: max_bytes,
    };
    if meta.len() > max_bytes {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let f = SourceFile::new(FileId(0), "a".into(), "ab\ncé x\r\nz".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4)); // after "cé " (é is 2 bytes)
        assert_eq!(f.line_col(5), (2, 2)); // inside é: its start
        assert_eq!(f.line_col(100), (3, 2)); // past the end: the end
        assert_eq!(f.line_text(2), "cé x");
        assert_eq!(f.line_text(3), "z");
    }

    fn text(bytes: &[u8]) -> (String, Option<usize>) {
        let d = decode(bytes.to_vec()).expect("decodes");
        (d.text, d.invalid_at)
    }

    #[test]
    fn decodes_boms_and_refuses_binary() {
        assert_eq!(text(b"\xEF\xBB\xBFint x;"), ("int x;".into(), None));
        assert_eq!(text(b"\xFF\xFEa\0b\0"), ("ab".into(), None));
        assert_eq!(text(b"\xFE\xFF\0a\0b"), ("ab".into(), None));
        assert_eq!(decode(b"a\0b".to_vec()), Err(SkipReason::Binary));
        assert_eq!(
            decode(b"\xEF\xBB\xBFa\0b".to_vec()),
            Err(SkipReason::Binary)
        );
    }

    #[test]
    fn invalid_sequences_become_replacement_characters() {
        assert_eq!(text(b"ab\xFF"), ("ab\u{FFFD}".into(), Some(2)));
        assert_eq!(
            text(b"\xEF\xBB\xBFab\xE9c"),
            ("ab\u{FFFD}c".into(), Some(5))
        );
        // An unpaired surrogate and an odd trailing byte in UTF-16.
        assert_eq!(
            text(b"\xFF\xFEa\0\x00\xD8b\0"),
            ("a\u{FFFD}b".into(), Some(4))
        );
        assert_eq!(text(b"\xFF\xFEa\0b"), ("a\u{FFFD}".into(), Some(4)));
        let d = decode(b"\xE9".to_vec()).unwrap();
        assert!(d.warning().unwrap().contains("offset 0"));
    }
}
