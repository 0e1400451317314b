//! Comments, found without a parser, so that they can be taken out before tree-sitter sees them.
//!
//! tree-sitter-python's external scanner looks ahead over the rest of a run of comment lines at
//! every newline when their indentation differs from the next code line, so a run of N commented
//! -out lines costs O(N^2) (3,000 such lines in one real test module: 4.4 s). Comments are
//! extras: no node we read depends on them. Turning each comment's bytes into spaces keeps every
//! byte offset, row and column, makes those lines blank (which the scanner skips in linear time),
//! and halves the parse time of comment-heavy files besides.
//!
//! The lexer tracks strings (a `#` inside one is not a comment) with the sparse lexer's rules;
//! where it cannot tell (an unterminated string, an f-string only a parser can follow) it gives
//! up, and the file is parsed as it is.

use std::borrow::Cow;
use std::ops::Range;

use super::sparse::skip_string;

/// The byte range of every comment (from `#` to the end of its line, line break excluded), in
/// order; `None` when the lexer is unsure where strings end.
pub fn comment_ranges(source: &[u8]) -> Option<Vec<Range<usize>>> {
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(found) = memchr::memchr3(b'#', b'"', b'\'', &source[i..]) {
        let at = i + found;
        if source[at] == b'#' {
            let end = memchr::memchr(b'\n', &source[at..]).map_or(source.len(), |n| at + n);
            // A `\r` before the `\n` is the line break's, not the comment's.
            let end = if end > at && source[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            ranges.push(at..end);
            i = end;
        } else {
            i = skip_string(source, at)?;
        }
    }
    Some(ranges)
}

/// `source` with the bytes of every comment made spaces (the same length), or the source itself
/// when it has no comment or the lexer is unsure.
pub fn blank_comments(source: &[u8]) -> Cow<'_, [u8]> {
    match comment_ranges(source) {
        Some(ranges) if !ranges.is_empty() => {
            let mut blanked = source.to_vec();
            for range in ranges {
                if !continues_a_line(source, range.start) {
                    blanked[range].fill(b' ');
                }
            }
            Cow::Owned(blanked)
        }
        _ => Cow::Borrowed(source),
    }
}

/// Whether the comment at `at` is alone on a line that a backslash continues onto
/// (`x = 1 \\` then `    # note`): tree-sitter reads that line with the statement, and a blank
/// line there would end the statement differently. Such a comment stays.
fn continues_a_line(source: &[u8], at: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &source[..at]).map_or(0, |n| n + 1);
    let alone = source[line_start..at]
        .iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\x0c'));
    let before = &source[..line_start];
    let before = before.strip_suffix(b"\n").unwrap_or(before);
    let before = before.strip_suffix(b"\r").unwrap_or(before);
    alone && before.ends_with(b"\\")
}

#[cfg(test)]
mod tests {
    use super::{blank_comments, comment_ranges};

    #[test]
    fn comments_outside_strings_become_spaces() {
        let source = b"x = '#not' # yes\n    # a whole line\r\ns = \"\"\"\n# in a docstring\n\"\"\"  #\nf\"{'#'}\" # f\n";
        let blanked = blank_comments(source);
        assert_eq!(
            std::str::from_utf8(&blanked).unwrap(),
            "x = '#not'      \n                  \r\ns = \"\"\"\n# in a docstring\n\"\"\"   \nf\"{'#'}\"    \n"
        );
        assert_eq!(blanked.len(), source.len());
    }

    #[test]
    fn a_comment_a_backslash_continues_onto_stays() {
        let source = b"assert f(x) \\\n    #== note\n# blank\n";
        assert_eq!(
            &*blank_comments(source),
            b"assert f(x) \\\n    #== note\n       \n"
        );
    }

    #[test]
    fn an_unterminated_string_leaves_the_source_as_it_is() {
        assert_eq!(comment_ranges(b"x = 'open\n# c\n"), None);
        assert_eq!(&*blank_comments(b"x = 'open\n# c\n"), b"x = 'open\n# c\n");
        assert_eq!(comment_ranges(b"x = 1\n"), Some(vec![]));
    }
}
