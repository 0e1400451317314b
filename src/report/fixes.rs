//! What every format says about a finding's fix: its edits placed by line and column (JSON,
//! SARIF), and the fix line of the text formats.

use std::borrow::Cow;

use serde::Serialize;

use crate::finding::Finding;
use crate::fix::{Applicability, FixState};
use crate::python::columns::CharColumns;
use crate::python::syntax::python_line_ends;
use crate::scan::FileReport;

/// A 1-based line and 1-based column (in characters, as findings count them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Point {
    pub line: usize,
    pub column: usize,
}

/// The bytes a file's edits index (its original bytes), with its line ends as Python reads them
/// (`\n`, `\r\n`, a lone `\r`): what [`Places::new`] takes.
pub(crate) fn edited_text(file: &FileReport) -> Cow<'_, [u8]> {
    let bytes = match (&file.original, &file.source) {
        (Some(original), _) => &original[..],
        (None, Some(source)) => source.as_bytes(),
        (None, None) => &[],
    };
    python_line_ends(bytes)
}

/// Byte offsets of one file as [`Point`]s, in time linear in the file however many edits.
pub(crate) struct Places<'s> {
    /// Where each line starts; the first is 0.
    line_starts: Vec<usize>,
    len: usize,
    columns: CharColumns<'s>,
}

impl<'s> Places<'s> {
    /// Over the text of [`edited_text`].
    pub(crate) fn new(text: &'s [u8]) -> Places<'s> {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text).map(|newline| newline + 1))
            .collect();
        Places {
            line_starts,
            len: text.len(),
            columns: CharColumns::new(text),
        }
    }

    /// Where `byte` is; a byte past the end is the end.
    pub(crate) fn at(&self, byte: usize) -> Point {
        let byte = byte.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= byte);
        let line_start = self.line_starts[line - 1];
        Point {
            line,
            column: self.columns.column(byte, byte - line_start),
        }
    }
}

/// The text formats' line about a finding's fix, after its help (as ruff's):
/// `fix (safe): REASON`, `fix (unsafe, needs --unsafe-fixes): REASON`,
/// `fix (display-only): REASON` or `no fix: REASON`.
pub(crate) fn fix_line(state: &FixState) -> String {
    match state {
        FixState::Fix(fix) => {
            let kind = match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe, needs --unsafe-fixes",
                Applicability::DisplayOnly => "display-only",
            };
            format!("fix ({kind}): {}", fix.reason)
        }
        FixState::Unavailable(reason) => format!("no fix: {reason}"),
    }
}

/// The concise format's mark after a finding: ` [*]` with a safe fix, ` [**]` with an unsafe one.
pub(crate) fn fix_mark(finding: &Finding) -> &'static str {
    match finding.fix.as_ref().and_then(FixState::fix) {
        Some(fix) if fix.applicability == Applicability::Safe => " [*]",
        Some(fix) if fix.applicability == Applicability::Unsafe => " [**]",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::{Places, Point};
    use crate::python::syntax::python_line_ends;

    #[test]
    fn places_count_lines_as_python_and_columns_in_characters() {
        let text = python_line_ends("é = 1\r\nx = \"ü\"; y\rz".as_bytes()).into_owned();
        let places = Places::new(&text);
        let at = |byte| places.at(byte);
        assert_eq!(at(0), Point { line: 1, column: 1 });
        assert_eq!(at(2), Point { line: 1, column: 2 }, "after `é`");
        assert_eq!(at(8), Point { line: 2, column: 1 });
        assert_eq!(
            at(18),
            Point {
                line: 2,
                column: 10
            },
            "`y`, after `ü`"
        );
        assert_eq!(at(20), Point { line: 3, column: 1 }, "after a lone CR");
        assert_eq!(at(21), Point { line: 3, column: 2 }, "the end");
        assert_eq!(at(99), Point { line: 3, column: 2 }, "past the end");
    }
}
