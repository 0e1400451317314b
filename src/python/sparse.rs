//! Sparse parsing: parse only the top-level statements of a file that can matter to the
//! migration, and leave the rest out.
//!
//! Every finding starts from the symbol's name, so a top-level statement (a function, a class, an
//! assignment) that never mentions it, nor an import, nor a module-level name that the kept
//! statements bind, cannot hold a finding or change one. Leaving such statements out of the parse
//! keeps every line where it was (they become empty lines), so rows and columns do not move; byte
//! offsets are mapped back by [`LineStarts`].
//!
//! Finding the statements needs no parser: a small lexer tracks strings, comments, brackets and
//! line continuations, and a line that starts at column 0 outside all of them starts a statement.
//! When the lexer is unsure (an unterminated string, unbalanced brackets) it gives up, and the
//! whole file is parsed.

use std::ops::Range;

/// Byte offset of the start of every line, to map a (row, byte column) back to a byte offset.
#[derive(Debug, Clone)]
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    pub fn of(source: &[u8]) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source).map(|i| i + 1));
        LineStarts(starts)
    }

    /// The byte offset of `row` (0-based) and `column` (bytes).
    pub fn offset(&self, row: usize, column: usize) -> usize {
        self.0.get(row).map_or(0, |start| start + column)
    }
}

/// One top-level statement (with its decorators, and its `else`/`except`/... clauses), as the
/// byte range of its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub range: Range<usize>,
    /// Holds an `import` or `from` statement at the start of one of its lines.
    pub has_import: bool,
}

/// The top-level statements of a file, in order, covering every byte; `None` when the lexer is
/// unsure where they are.
pub fn top_level_blocks(source: &[u8]) -> Option<Vec<Block>> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut start = 0;
    let mut has_import = false;
    let mut after_decorator = false;
    let mut depth: usize = 0;
    let mut continued = false;
    let mut i = 0;
    while i < source.len() {
        // At the start of a line.
        let line_start = i;
        let mut j = i;
        while j < source.len() && matches!(source[j], b' ' | b'\t' | b'\x0c') {
            j += 1;
        }
        let logical_start = depth == 0 && !continued;
        if logical_start && j < source.len() && !matches!(source[j], b'\n' | b'\r' | b'#') {
            let word = leading_word(&source[j..]);
            if j == line_start {
                let continues =
                    matches!(word, b"else" | b"elif" | b"except" | b"finally") || after_decorator;
                if !continues && line_start > 0 {
                    blocks.push(Block {
                        range: start..line_start,
                        has_import,
                    });
                    start = line_start;
                    has_import = false;
                }
                after_decorator = source[j] == b'@';
            }
            has_import |= matches!(word, b"import" | b"from");
        }
        // The rest of the line.
        continued = false;
        i = j;
        while i < source.len() && source[i] != b'\n' {
            match source[i] {
                b'#' => {
                    while i < source.len() && source[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' | b'\'' => {
                    i = skip_string(source, i)?;
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
                b'\\' => {
                    let next = source.get(i + 1..).unwrap_or_default();
                    if next.starts_with(b"\n") || next.starts_with(b"\r\n") {
                        continued = true;
                    }
                    i += 1;
                }
                _ => {}
            }
            i += 1;
        }
        i += 1; // the newline
    }
    if depth != 0 || continued {
        return None;
    }
    blocks.push(Block {
        range: start..source.len(),
        has_import,
    });
    Some(blocks)
}

fn leading_word(text: &[u8]) -> &[u8] {
    let end = text
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Skips the string literal whose opening quote is at `i`; returns the index after it. `None` for
/// a string that is not closed (a single-quoted one at the end of its line, any at the end of the
/// file).
fn skip_string(source: &[u8], i: usize) -> Option<usize> {
    let quote = source[i];
    let triple = source.get(i..i + 3) == Some(&[quote, quote, quote][..]);
    let mut k = if triple { i + 3 } else { i + 1 };
    while k < source.len() {
        match source[k] {
            b'\\' => k += 2,
            c if c == quote => {
                if !triple {
                    return Some(k + 1);
                }
                if source.get(k..k + 3) == Some(&[quote, quote, quote][..]) {
                    return Some(k + 3);
                }
                k += 1;
            }
            b'\n' if !triple => return None,
            _ => k += 1,
        }
    }
    None
}

/// Whether `word` occurs in `text` as a whole identifier.
pub fn contains_word(text: &[u8], word: &[u8]) -> bool {
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    memchr::memmem::find_iter(text, word).any(|at| {
        let before = at.checked_sub(1).map(|b| text[b]);
        let after = text.get(at + word.len()).copied();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// `source` with the blocks not `kept` reduced to their line breaks: same rows and columns for
/// everything kept, far less to parse.
pub fn blank_out(source: &[u8], blocks: &[Block], kept: &[bool]) -> Vec<u8> {
    let mut sparse = Vec::with_capacity(source.len());
    for (block, keep) in blocks.iter().zip(kept) {
        let bytes = &source[block.range.clone()];
        if *keep {
            sparse.extend_from_slice(bytes);
        } else {
            sparse.extend(bytes.iter().filter(|&&c| c == b'\n'));
        }
    }
    sparse
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(source: &str) -> Vec<(String, bool)> {
        top_level_blocks(source.as_bytes())
            .unwrap()
            .into_iter()
            .map(|b| (source[b.range].to_owned(), b.has_import))
            .collect()
    }

    #[test]
    fn statements_split_at_column_zero_outside_strings_and_brackets() {
        let source = "import os\n\nx = (\n1,\n)\n@decorator\n\ndef f():\n    s = '''\nnot = a statement\n'''\n    return s\nif a:\n    pass\nelse:\n    from m import n\ntry:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\ny = 1 \\\n+ 2\n# comment\nz = '#'  # (\n";
        assert_eq!(
            blocks(source),
            [
                ("import os\n\n".to_owned(), true),
                ("x = (\n1,\n)\n".to_owned(), false),
                (
                    "@decorator\n\ndef f():\n    s = '''\nnot = a statement\n'''\n    return s\n"
                        .to_owned(),
                    false
                ),
                (
                    "if a:\n    pass\nelse:\n    from m import n\n".to_owned(),
                    true
                ),
                (
                    "try:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\n".to_owned(),
                    false
                ),
                ("y = 1 \\\n+ 2\n# comment\n".to_owned(), false),
                ("z = '#'  # (\n".to_owned(), false),
            ]
        );
    }

    #[test]
    fn unsure_lexing_gives_up() {
        assert_eq!(top_level_blocks(b"x = (1,\ny = 2\n"), None);
        assert_eq!(top_level_blocks(b"x = 'open\ny = 2\n"), None);
        assert_eq!(top_level_blocks(b"x = \"\"\"never closed\n"), None);
        assert_eq!(top_level_blocks(b"x = )\n"), None);
    }

    #[test]
    fn words_and_blanking() {
        assert!(contains_word(b"a = state.x", b"state"));
        assert!(!contains_word(b"a = states.x + my_state", b"state"));
        let source = b"a = 1\nb = (\n2)\nc = 3\n";
        let found = top_level_blocks(source).unwrap();
        assert_eq!(
            blank_out(source, &found, &[true, false, true]),
            b"a = 1\n\n\nc = 3\n"
        );
        let lines = LineStarts::of(source);
        assert_eq!(lines.offset(3, 2), 17);
    }
}
