//! Suppression comments: `# ssot-guard: ignore` and `# ssot-guard: ignore[SSOT001, ...]`.

use std::collections::HashMap;

use tree_sitter::Node;

use crate::codes::Code;
use crate::python::comments;
use crate::python::syntax::{text, walk, Descend, Visitor, KINDS};

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
/// comment nodes (see [`crate::python::comments`]). When the lexer is unsure (a Python 3.12
/// f-string nesting its own quotes, `f"{d["k"]}"`), comments were not blanked, and they are read
/// from `tree`, parsed from `tree_text` (the whole file, or a sparse copy with the same lines),
/// instead.
pub(super) fn suppression_comments(
    source: &[u8],
    tree: Node<'_>,
    tree_text: &[u8],
) -> HashMap<usize, Suppression> {
    let mut suppressions = HashMap::new();
    if memchr::memmem::find(source, b"ssot-guard:").is_none() {
        return suppressions;
    }
    let Some(ranges) = comments::comment_ranges(source) else {
        let mut from_tree = TreeComments {
            source: tree_text,
            suppressions,
        };
        walk(tree, &mut from_tree);
        return from_tree.suppressions;
    };
    let mut line = 1;
    let mut counted_to = 0;
    for range in ranges {
        let comment = std::str::from_utf8(&source[range.clone()]).unwrap_or("");
        if let Some(suppression) = Suppression::parse(comment) {
            line += memchr::memchr_iter(b'\n', &source[counted_to..range.start]).count();
            counted_to = range.start;
            suppressions.insert(line, suppression);
        }
    }
    suppressions
}

/// Collects suppression comments from a tree parsed with its comments.
struct TreeComments<'s> {
    source: &'s [u8],
    suppressions: HashMap<usize, Suppression>,
}

impl<'t> Visitor<'t> for TreeComments<'_> {
    fn enter(&mut self, node: Node<'t>, _parent: Option<Node<'t>>) -> Descend {
        if node.kind_id() == KINDS.comment {
            if let Some(suppression) = Suppression::parse(text(node, self.source)) {
                self.suppressions
                    .insert(node.start_position().row + 1, suppression);
            }
        }
        Descend::Yes
    }
}
