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

use tree_sitter::Tree;

use super::syntax::parse_comment_free;

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
/// unsure where they are. Where it cannot tell, it errs on the side of one larger statement:
/// merging never loses code, since a statement is kept when any of its text matters.
pub fn top_level_blocks(source: &[u8]) -> Option<Vec<Block>> {
    let first_line = source.strip_prefix(b"\xef\xbb\xbf").map_or(0, |_| 3);
    statements_at(source, 0..source.len(), first_line, b"")
}

/// The statements of `range` that start at lines indented by exactly `indent` (the top level:
/// none; a class body: its first statement's), each running to the next; lexing starts at
/// `first_line`, the first line of the first statement.
fn statements_at(
    source: &[u8],
    range: Range<usize>,
    first_line: usize,
    indent: &[u8],
) -> Option<Vec<Block>> {
    let mut starts: Vec<usize> = vec![range.start];
    let mut after_decorator = false;
    for line in logical_lines(source, range.clone(), first_line)? {
        if source[line.start..line.text] != *indent {
            continue;
        }
        let word = leading_word(&source[line.text..]);
        let continues =
            matches!(word, b"else" | b"elif" | b"except" | b"finally") || after_decorator;
        if !continues && line.start > first_line {
            starts.push(line.start);
        }
        after_decorator = source[line.text] == b'@';
    }
    starts.push(range.end);
    Some(
        starts
            .windows(2)
            .map(|pair| {
                let range = pair[0]..pair[1];
                // Conservative: the word anywhere (after `;`, after `try:`, in a string) counts.
                let has_import = contains_word(&source[range.clone()], b"import");
                Block { range, has_import }
            })
            .collect(),
    )
}

/// A line that starts a logical line (outside brackets, strings and continuations) and holds
/// more than white space and a comment.
struct LogicalLine {
    start: usize,
    /// Where its text starts, after the indentation.
    text: usize,
}

/// The logical lines of `range`, lexing from `first_line`; `None` when the lexer is unsure.
fn logical_lines(
    source: &[u8],
    range: Range<usize>,
    first_line: usize,
) -> Option<Vec<LogicalLine>> {
    let mut lines = Vec::new();
    lex_logical_lines(source, range, first_line, |line| {
        lines.push(line);
        true
    })?;
    Some(lines)
}

/// The first logical line of `range` that `wanted` accepts; the lexer stops there (so what
/// follows is not checked: the caller has lexed the range before).
fn first_logical_line(
    source: &[u8],
    range: Range<usize>,
    mut wanted: impl FnMut(&LogicalLine) -> bool,
) -> Option<LogicalLine> {
    let mut found = None;
    lex_logical_lines(source, range.clone(), range.start, |line| {
        if wanted(&line) {
            found = Some(line);
            return false;
        }
        true
    })?;
    found
}

/// Hands each logical line of `range` to `each` until it returns false; `None` when the lexer is
/// unsure (and did not stop before).
fn lex_logical_lines(
    source: &[u8],
    range: Range<usize>,
    first_line: usize,
    mut each: impl FnMut(LogicalLine) -> bool,
) -> Option<()> {
    let mut depth: usize = 0;
    let mut continued = false;
    // The last byte of the previous line outside comments and white space: after an operator
    // or a dot, tree-sitter carries the statement on to the next line.
    let mut dangling = false;
    let mut i = first_line;
    while i < range.end {
        // At the start of a line.
        let line_start = i;
        let mut j = i;
        while j < range.end && matches!(source[j], b' ' | b'\t' | b'\x0c') {
            j += 1;
        }
        let logical_start = depth == 0 && !continued && !dangling;
        if logical_start && j < range.end && !matches!(source[j], b'\n' | b'\r' | b'#') {
            let line = LogicalLine {
                start: line_start,
                text: j,
            };
            if !each(line) {
                return Some(());
            }
        }
        // The rest of the line.
        continued = false;
        let mut last = None;
        i = j;
        while i < range.end && source[i] != b'\n' {
            match source[i] {
                b'#' => {
                    while i < range.end && source[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' | b'\'' => {
                    i = skip_string(source, i)?;
                    // A string that runs past the range's end: the range is not a statement.
                    if i > range.end {
                        return None;
                    }
                    last = Some(b'"');
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
                b'\\' => {
                    let next = source.get(i + 1..).unwrap_or_default();
                    if next.starts_with(b"\n") || next.starts_with(b"\r\n") {
                        // A line continuation: the next line goes on with this statement.
                        continued = true;
                        i += if next.starts_with(b"\n") { 1 } else { 2 };
                        break;
                    }
                    // A stray backslash (a syntax error): it and the byte after it.
                    i += 2;
                    continue;
                }
                _ => {}
            }
            if !source[i].is_ascii_whitespace() {
                last = Some(source[i]);
            }
            i += 1;
        }
        dangling = last.is_some_and(|c| b".=+-*/%&|^<>,~".contains(&c));
        i += 1; // the newline
    }
    if depth != 0 || continued {
        return None;
    }
    Some(())
}

/// The statements of a top-level class's body (its methods, its assignments, ...), when `block`
/// is a class definition with an indented body; `None` otherwise or when the lexer is unsure.
pub fn class_members(source: &[u8], block: &Block) -> Option<Vec<Block>> {
    let header = first_logical_line(source, block.range.clone(), |line| {
        line.text == line.start && source[line.text] != b'@'
    })?;
    if leading_word(&source[header.text..]) != b"class" {
        return None;
    }
    let body = first_logical_line(source, block.range.clone(), |line| line.text > line.start)?;
    let indent = &source[body.start..body.text];
    // Lexes the whole body: unsure lexing anywhere in it gives `None`.
    statements_at(source, body.start..block.range.end, body.start, indent)
}

/// The name a member defines when it is a function (decorated or not): `run` for
/// `@decorator\n    async def run(self):`. Only these may be left out of a kept class.
pub fn function_name<'s>(source: &'s [u8], member: &Block) -> Option<&'s str> {
    let definition = first_logical_line(source, member.range.clone(), |line| {
        source[line.text] != b'@'
    })?;
    let mut text = &source[definition.text..member.range.end];
    if leading_word(text) == b"async" {
        text = text[5..].trim_ascii_start();
    }
    if leading_word(text) != b"def" {
        return None;
    }
    let name = leading_word(text[3..].trim_ascii_start());
    std::str::from_utf8(name)
        .ok()
        .filter(|name| !name.is_empty())
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
/// file), and for an f-string whose closing quote would fall inside a replacement field: Python
/// 3.12 lets `f"{x["k"]}"` reuse the quote there, which only a parser can follow.
pub(crate) fn skip_string(source: &[u8], i: usize) -> Option<usize> {
    let quote = source[i];
    let is_f_string = source[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .any(|c| matches!(c, b'f' | b'F' | b't' | b'T'));
    let triple = source.get(i..i + 3) == Some(&[quote, quote, quote][..]);
    let mut k = if triple { i + 3 } else { i + 1 };
    let mut fields: usize = 0;
    while k < source.len() {
        match source[k] {
            b'\\' => k += 2,
            b'{' if is_f_string => {
                if source.get(k + 1) == Some(&b'{') && fields == 0 {
                    k += 2;
                } else {
                    fields += 1;
                    k += 1;
                }
            }
            b'}' if is_f_string => {
                if source.get(k + 1) == Some(&b'}') && fields == 0 {
                    k += 2;
                } else {
                    fields = fields.saturating_sub(1);
                    k += 1;
                }
            }
            c if c == quote => {
                let closes = !triple || source.get(k..k + 3) == Some(&[quote, quote, quote][..]);
                if closes && fields > 0 {
                    return None;
                }
                if closes {
                    return Some(if triple { k + 3 } else { k + 1 });
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
    contains_word_with(text, &memchr::memmem::Finder::new(word))
}

/// [`contains_word`] with the word's searcher built once, for many texts.
pub fn contains_word_with(text: &[u8], word: &memchr::memmem::Finder<'_>) -> bool {
    // ASCII only: a byte of a non-ASCII character may be white space to tree-sitter (U+200B), so
    // it must not hide a match. A false match only keeps more.
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let length = word.needle().len();
    word.find_iter(text).any(|at| {
        let before = at.checked_sub(1).map(|b| text[b]);
        let after = text.get(at + length).copied();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Whether a statement is a plain-name assignment on one line, `Y = X` or `Y = m.X` (with an
/// optional annotation or comment): the form that can re-export the class under another name.
pub fn is_name_assignment(text: &[u8]) -> bool {
    let is_ident = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let first_line = text.split(|&c| c == b'\n').next().unwrap_or_default();
    // Only blank lines and comments may follow: the statement is that one line.
    let after = &text[first_line.len()..];
    let rest_is_blank = after.split(|&c| c == b'\n').all(|line| {
        let line = line.trim_ascii();
        line.is_empty() || line.starts_with(b"#")
    });
    let line = match memchr::memchr(b'#', first_line) {
        Some(comment) => &first_line[..comment],
        None => first_line,
    };
    let Some(equals) = memchr::memchr(b'=', line) else {
        return false;
    };
    let (target, value) = (&line[..equals], line[equals + 1..].trim_ascii());
    let name = match memchr::memchr(b':', target) {
        Some(colon) => &target[..colon],
        None => target,
    }
    .trim_ascii();
    rest_is_blank
        && !name.is_empty()
        && name.iter().all(is_ident)
        && !value.is_empty()
        && !value.starts_with(b"=")
        && value.iter().all(|c| is_ident(c) || *c == b'.')
}

/// Parses `source` with only the `kept` blocks, less the `dropped` members of kept classes (see
/// [`blank_out`]): the tree and the text it was parsed from, or `None` when that text does not
/// parse cleanly (then the whole file must be). `source` has its comments made spaces already
/// ([`super::comments::blank_comments`]), as the statements were found in that text.
pub fn parse_kept(
    source: &[u8],
    blocks: &[Block],
    kept: &[bool],
    dropped: &[Range<usize>],
) -> Option<(Tree, Vec<u8>)> {
    let reduced = blank_out(source, blocks, kept, dropped);
    let tree = parse_comment_free(&reduced)?;
    (!tree.root_node().has_error()).then_some((tree, reduced))
}

/// `source` with the blocks not `kept` reduced to their line breaks, and each `dropped` member
/// (sorted, inside kept blocks) to a `pass` at its indentation and its line breaks: same rows
/// and columns for everything kept, far less to parse.
pub fn blank_out(
    source: &[u8],
    blocks: &[Block],
    kept: &[bool],
    dropped: &[Range<usize>],
) -> Vec<u8> {
    let mut sparse = Vec::with_capacity(source.len());
    let mut dropped = dropped.iter().peekable();
    for (block, keep) in blocks.iter().zip(kept) {
        let bytes = &source[block.range.clone()];
        if !*keep {
            sparse.extend(bytes.iter().filter(|&&c| c == b'\n'));
            continue;
        }
        let mut at = block.range.start;
        while let Some(member) = dropped.next_if(|member| member.start < block.range.end) {
            sparse.extend_from_slice(&source[at..member.start]);
            let text = &source[member.clone()];
            let indent = indentation(text);
            sparse.extend_from_slice(&text[..indent]);
            sparse.extend_from_slice(b"pass");
            sparse.extend(text.iter().filter(|&&c| c == b'\n'));
            at = member.end;
        }
        sparse.extend_from_slice(&source[at..block.range.end]);
    }
    sparse
}

/// How many bytes of indentation `line` starts with.
fn indentation(line: &[u8]) -> usize {
    line.iter()
        .take_while(|c| matches!(c, b' ' | b'\t' | b'\x0c'))
        .count()
}

/// Like [`blank_out`], but every byte stays where it was: the blocks not `kept` become spaces,
/// each `dropped` member a `pass` at its indentation followed by spaces, line breaks kept. A
/// tree of the result has the original's byte offsets (fixes edit the original by them).
pub fn blank_out_in_place(
    source: &[u8],
    blocks: &[Block],
    kept: &[bool],
    dropped: &[Range<usize>],
) -> Vec<u8> {
    let blank = |bytes: &mut [u8]| {
        for byte in bytes.iter_mut().filter(|b| !matches!(b, b'\n' | b'\r')) {
            *byte = b' ';
        }
    };
    let mut sparse = source.to_vec();
    for (block, keep) in blocks.iter().zip(kept) {
        if !*keep {
            blank(&mut sparse[block.range.clone()]);
        }
    }
    for member in dropped {
        let text = &mut sparse[member.clone()];
        let indent = indentation(text);
        blank(&mut text[indent..]);
        if let Some(room) = text.get_mut(indent..indent + 4) {
            room.copy_from_slice(b"pass");
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
        // Python 3.12 reuses the quote inside a replacement field: only a parser can follow.
        assert_eq!(
            top_level_blocks(b"a = f\"\"\"{'\"\"\"'}'\"\"\"\nb = 1\n"),
            None
        );
        assert_eq!(top_level_blocks(b"a = f\"{x[\"k\"]}\"\n"), None);
        assert!(top_level_blocks(b"a = f\"{x['k']} {{literal}}\"\nb = 1\n").is_some());
        // A stray backslash at the very end is a syntax error, not a continuation.
        assert!(top_level_blocks(b"a = 1 \\").is_some());
    }

    #[test]
    fn the_line_after_a_continuation_starts_a_statement() {
        let source = "x = \\\n1\nfrom m import *\ny = 2\n";
        let found = blocks(source);
        assert_eq!(found[0], ("x = \\\n1\n".to_owned(), false));
        // `*` at the end of a line might carry on (tree-sitter would): kept together.
        assert_eq!(found[1], ("from m import *\ny = 2\n".to_owned(), true));
    }

    #[test]
    fn imports_anywhere_in_a_statement_count() {
        let found = blocks("x = 1; import os\ntry: from m import n\nexcept E: pass\ny = 2\n");
        assert_eq!(
            found.iter().map(|(_, import)| *import).collect::<Vec<_>>(),
            [true, true, false]
        );
    }

    #[test]
    fn a_bom_and_dangling_operators() {
        let source = "\u{feff}import os\ns = state.\nDeepAgentState()\nz = 1\n";
        let found = blocks(source);
        assert_eq!(found.len(), 3);
        assert!(found[0].1);
        assert_eq!(found[1].0, "s = state.\nDeepAgentState()\n");
        assert!(contains_word(
            "x = \u{200b}DeepAgentState".as_bytes(),
            b"DeepAgentState"
        ));
    }

    #[test]
    fn words_and_blanking() {
        assert!(contains_word(b"a = state.x", b"state"));
        assert!(!contains_word(b"a = states.x + my_state", b"state"));
        let source = b"a = 1\nb = (\n2)\nc = 3\n";
        let found = top_level_blocks(source).unwrap();
        assert_eq!(
            blank_out(source, &found, &[true, false, true], &[]),
            b"a = 1\n\n\nc = 3\n"
        );
        let lines = LineStarts::of(source);
        assert_eq!(lines.offset(3, 2), 17);
    }

    #[test]
    fn name_assignments_are_told_from_other_statements() {
        for yes in ["A = B\n", "A = m.B  # alias\n", "A: type = B\n", "A=B"] {
            assert!(is_name_assignment(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "A = B()\n",
            "A == B\n",
            "A = 'B'\n",
            "a.b = C\n",
            "A = \\\n  B\n",
            "= B\n",
        ] {
            assert!(!is_name_assignment(no.as_bytes()), "{no:?}");
        }
    }
}
