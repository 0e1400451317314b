//! Character columns (what editors and SARIF count) from byte positions, in time linear in the
//! line however many positions on it are asked: a generated file can hold 100,000 findings on one
//! line, and counting the characters before each from the line start would be quadratic.

use std::cell::RefCell;
use std::collections::HashMap;

pub struct CharColumns<'s> {
    source: &'s [u8],
    /// By line start: how its bytes map to characters.
    lines: RefCell<HashMap<usize, Line>>,
}

enum Line {
    /// Every byte is a character.
    Ascii,
    /// Where each character starts (relative to the line start), as `String::from_utf8_lossy`
    /// decodes the line: a valid character, or one invalid sequence read as U+FFFD.
    Characters(Vec<u32>),
}

impl<'s> CharColumns<'s> {
    pub fn new(source: &'s [u8]) -> Self {
        CharColumns {
            source,
            lines: RefCell::new(HashMap::new()),
        }
    }

    /// The 1-based character column of the position at `byte`, `byte_column` bytes into its line.
    pub fn column(&self, byte: usize, byte_column: usize) -> usize {
        let line_start = byte.saturating_sub(byte_column);
        let mut lines = self.lines.borrow_mut();
        let line = lines
            .entry(line_start)
            .or_insert_with(|| Line::read(&self.source[line_start..]));
        match line {
            Line::Ascii => byte_column + 1,
            Line::Characters(starts) => {
                let before = u32::try_from(byte_column).unwrap_or(u32::MAX);
                starts.partition_point(|&start| start < before) + 1
            }
        }
    }
}

impl Line {
    fn read(rest: &[u8]) -> Line {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        if line.is_ascii() {
            return Line::Ascii;
        }
        let mut starts = Vec::new();
        let mut offset = 0usize;
        for chunk in line.utf8_chunks() {
            for (at, _) in chunk.valid().char_indices() {
                starts.push(offset + at);
            }
            offset += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                starts.push(offset);
                offset += chunk.invalid().len();
            }
        }
        Line::Characters(
            starts
                .into_iter()
                .map(|start| u32::try_from(start).unwrap_or(u32::MAX))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::CharColumns;

    /// What the columns must equal: the characters `String::from_utf8_lossy` finds before.
    fn lossy_column(source: &[u8], byte: usize, byte_column: usize) -> usize {
        String::from_utf8_lossy(&source[byte - byte_column..byte])
            .chars()
            .count()
            + 1
    }

    #[test]
    fn columns_count_characters_as_lossy_decoding_does() {
        let source = "x = 1\nnamé = \"ünï\" + s.a\n".as_bytes();
        let mut with_invalid = b"ab\xff\xfecd = \xe2\x82\xac s\n".to_vec();
        with_invalid.extend_from_slice(source);
        for source in [source, with_invalid.as_slice()] {
            let columns = CharColumns::new(source);
            let mut line_start = 0;
            for (byte, _) in source.iter().enumerate() {
                let is_boundary = std::str::from_utf8(&source[byte..]).is_ok()
                    || source[byte] < 0x80
                    || source[byte] >= 0xc0;
                if is_boundary {
                    let expected = lossy_column(source, byte, byte - line_start);
                    assert_eq!(columns.column(byte, byte - line_start), expected, "{byte}");
                }
                if source[byte] == b'\n' {
                    line_start = byte + 1;
                }
            }
        }
    }
}
