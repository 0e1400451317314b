//! Suppression comments: `# ssot-guard: ignore` and `# ssot-guard: ignore[SSOT001, ...]`.

use std::collections::HashMap;

use crate::codes::Code;
use crate::python::comments;

/// `# ssot-guard: ignore` (every code) or `# ssot-guard: ignore[SSOT001, SSOT002]`.
#[derive(Debug)]
pub(super) enum Suppression {
    All,
    Codes(Vec<Code>),
}

impl Suppression {
    fn parse(comment: &str) -> Option<Suppression> {
        let rest = comment.split_once("ssot-guard: ignore")?.1;
        let Some(list) = rest.strip_prefix('[') else {
            return Some(Suppression::All);
        };
        let list = list.split(']').next().unwrap_or(list);
        Some(Suppression::Codes(
            list.split(',')
                .filter_map(|code| Code::parse(code.trim()))
                .collect(),
        ))
    }

    pub(super) fn covers(&self, code: Code) -> bool {
        match self {
            Suppression::All => true,
            Suppression::Codes(codes) => codes.contains(&code),
        }
    }
}

/// The suppression comments of a file by line, read with the comment lexer: the tree has no
/// comment nodes (see [`crate::python::comments`]). When the lexer is unsure, the file was parsed
/// with its comments, and the checker reads them from the tree instead.
pub(super) fn suppression_comments(source: &[u8]) -> HashMap<usize, Suppression> {
    let mut suppressions = HashMap::new();
    if memchr::memmem::find(source, b"ssot-guard:").is_none() {
        return suppressions;
    }
    let mut line = 1;
    let mut counted_to = 0;
    for range in comments::comment_ranges(source).unwrap_or_default() {
        let comment = std::str::from_utf8(&source[range.clone()]).unwrap_or("");
        if let Some(suppression) = Suppression::parse(comment) {
            line += memchr::memchr_iter(b'\n', &source[counted_to..range.start]).count();
            counted_to = range.start;
            suppressions.insert(line, suppression);
        }
    }
    suppressions
}
