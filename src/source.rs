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
    #[error("binary file (contains NUL bytes), skipped")]
    Binary,
    #[error("not valid UTF-8 (invalid byte at offset {0}), skipped")]
    InvalidUtf8(usize),
    #[error("file is {size} bytes, over the limit of {limit} bytes, skipped")]
    TooLarge { size: u64, limit: u64 },
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
        let offset = offset.min(self.text.len());
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
/// decoded text), UTF-16 LE/BE with a BOM. Binary content (NUL bytes in
/// a file without a UTF-16 BOM) and invalid UTF-8 are refused.
pub fn decode(bytes: Vec<u8>) -> Result<String, SkipReason> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    if body.contains(&0) {
        return Err(SkipReason::Binary);
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(SkipReason::InvalidUtf8(e.valid_up_to())),
    }
}

fn decode_utf16(rest: &[u8], f: fn([u8; 2]) -> u16) -> Result<String, SkipReason> {
    let units = rest.chunks_exact(2).map(|c| f([c[0], c[1]]));
    char::decode_utf16(units)
        .enumerate()
        .map(|(i, r)| r.map_err(|_| SkipReason::InvalidUtf8(2 + 2 * i)))
        .collect()
}

/// Read and decode a file, refusing files over `max_bytes`.
pub fn read(path: &Path, max_bytes: u64) -> Result<String, SkipReason> {
    let meta = std::fs::metadata(path).map_err(|e| SkipReason::Io(e.to_string()))?;
    if meta.is_dir() {
        return Err(SkipReason::Io("is a directory".into()));
    }
    if meta.len() > max_bytes {
        return Err(SkipReason::TooLarge {
            size: meta.len(),
            limit: max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| SkipReason::Io(e.to_string()))?;
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
        assert_eq!(f.line_text(2), "cé x");
        assert_eq!(f.line_text(3), "z");
    }

    #[test]
    fn decodes_boms_and_refuses_binary() {
        assert_eq!(decode(b"\xEF\xBB\xBFint x;".to_vec()).unwrap(), "int x;");
        assert_eq!(decode(b"\xFF\xFEa\0b\0".to_vec()).unwrap(), "ab");
        assert_eq!(decode(b"\xFE\xFF\0a\0b".to_vec()).unwrap(), "ab");
        assert_eq!(decode(b"a\0b".to_vec()), Err(SkipReason::Binary));
        assert_eq!(decode(b"ab\xFF".to_vec()), Err(SkipReason::InvalidUtf8(2)));
    }
}
