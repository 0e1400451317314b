//! tree-sitter-python node kinds and fields looked up once, the parser per thread, and the
//! cursor walk every pass uses (no recursion: a deeply nested file cannot blow the stack), and
//! what counts as a Python name.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use tree_sitter::{Language, Node, Parser, Tree};

pub static LANGUAGE: LazyLock<Language> = LazyLock::new(|| tree_sitter_python::LANGUAGE.into());

macro_rules! ids {
    ($name:ident, $lookup:ident, $ty:ty, { $($field:ident = $text:literal),* $(,)? }) => {
        /// Ids of the grammar's names we match on, resolved once.
        pub struct $name { $(pub $field: $ty),* }
        impl $name {
            fn load(language: &Language) -> Self {
                Self { $($field: $lookup(language, $text)),* }
            }
        }
    };
}

fn kind_id(language: &Language, kind: &str) -> u16 {
    language.id_for_node_kind(kind, true)
}

fn field_id(language: &Language, field: &str) -> u16 {
    language
        .field_id_for_name(field)
        .unwrap_or_else(|| panic!("tree-sitter-python has no field `{field}`"))
        .get()
}

/// `children_by_field_id` takes the non-zero form of a field id.
pub fn field(id: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(id).expect("field ids are non-zero")
}

ids!(Kinds, kind_id, u16, {
    aliased_import = "aliased_import",
    argument_list = "argument_list",
    as_pattern_target = "as_pattern_target",
    assignment = "assignment",
    attribute = "attribute",
    augmented_assignment = "augmented_assignment",
    await_ = "await",
    binary_operator = "binary_operator",
    call = "call",
    class_definition = "class_definition",
    comment = "comment",
    decorated_definition = "decorated_definition",
    decorator = "decorator",
    default_parameter = "default_parameter",
    delete_statement = "delete_statement",
    dictionary_comprehension = "dictionary_comprehension",
    dictionary_splat_pattern = "dictionary_splat_pattern",
    dotted_name = "dotted_name",
    error = "ERROR",
    except_clause = "except_clause",
    expression_statement = "expression_statement",
    for_in_clause = "for_in_clause",
    for_statement = "for_statement",
    function_definition = "function_definition",
    generator_expression = "generator_expression",
    generic_type = "generic_type",
    identifier = "identifier",
    import_from_statement = "import_from_statement",
    import_prefix = "import_prefix",
    import_statement = "import_statement",
    interpolation = "interpolation",
    keyword_argument = "keyword_argument",
    lambda = "lambda",
    list = "list",
    list_comprehension = "list_comprehension",
    list_splat_pattern = "list_splat_pattern",
    named_expression = "named_expression",
    none = "none",
    parameters = "parameters",
    parenthesized_expression = "parenthesized_expression",
    pattern_list = "pattern_list",
    relative_import = "relative_import",
    set_comprehension = "set_comprehension",
    string = "string",
    string_content = "string_content",
    subscript = "subscript",
    try_statement = "try_statement",
    tuple = "tuple",
    tuple_pattern = "tuple_pattern",
    list_pattern = "list_pattern",
    type_ = "type",
    type_parameter = "type_parameter",
    typed_default_parameter = "typed_default_parameter",
    typed_parameter = "typed_parameter",
    union_type = "union_type",
    wildcard_import = "wildcard_import",
});

ids!(Fields, field_id, u16, {
    alias = "alias",
    arguments = "arguments",
    attribute = "attribute",
    body = "body",
    definition = "definition",
    function = "function",
    left = "left",
    module_name = "module_name",
    name = "name",
    object = "object",
    parameters = "parameters",
    return_type = "return_type",
    right = "right",
    subscript = "subscript",
    superclasses = "superclasses",
    type_ = "type",
    value = "value",
});

pub static KINDS: LazyLock<Kinds> = LazyLock::new(|| Kinds::load(&LANGUAGE));
pub static FIELDS: LazyLock<Fields> = LazyLock::new(|| Fields::load(&LANGUAGE));

thread_local! {
    /// One parser per thread, reused for every file the thread parses.
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser
            .set_language(&LANGUAGE)
            .expect("tree-sitter-python matches the tree-sitter version");
        parser
    });
}

/// Parses Python source bytes. tree-sitter recovers from syntax errors, so a tree always comes
/// back unless parsing was cancelled (which we never ask for).
///
/// Comments are made spaces first ([`super::comments`]): the tree has no comment nodes, and every
/// other node lies where it lies in `source`, whose text it is read from.
pub fn parse(source: &[u8]) -> Option<Tree> {
    parse_comment_free(&super::comments::blank_comments(source))
}

/// [`parse`] for a text whose comments are already spaces (sparse parsing lexes the file once
/// and parses reduced copies of it, round after round).
pub fn parse_comment_free(source: &[u8]) -> Option<Tree> {
    crate::stats::count_parse(source.len());
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser.reset();
        parser.parse(source, None)
    })
}

/// Python ends a line at `\n`, `\r\n` or a lone `\r`; tree-sitter-python only at the first two,
/// and reads a lone `\r` as a syntax error. The source with each lone `\r` made a `\n`: the same
/// length, so byte offsets and columns stay put, and rows count lines as Python does. Borrowed
/// when there is none (the usual case).
pub fn python_line_ends(source: &[u8]) -> Cow<'_, [u8]> {
    let lone = |i: &usize| source.get(i + 1) != Some(&b'\n');
    let Some(first) = memchr::memchr_iter(b'\r', source).find(lone) else {
        return Cow::Borrowed(source);
    };
    let mut copy = source.to_vec();
    for i in memchr::memchr_iter(b'\r', &source[first..]) {
        if lone(&(first + i)) {
            copy[first + i] = b'\n';
        }
    }
    Cow::Owned(copy)
}

/// A node's source text; non-UTF-8 bytes make it empty, which matches no name we look for.
pub fn text<'s>(node: Node<'_>, source: &'s [u8]) -> &'s str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

/// What a visitor wants after entering a node.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Descend {
    Yes,
    No,
}

/// A pass over a syntax tree, driven by [`walk`].
pub trait Visitor<'t> {
    /// Called on the way down with the node's parent (`None` at the root); decides whether the
    /// node's children are visited. (`Node::parent` costs a walk from the root in tree-sitter, so
    /// a pass that asked it at every node would be quadratic on deep trees.)
    fn enter(&mut self, node: Node<'t>, parent: Option<Node<'t>>) -> Descend;
    /// Called on the way up, after the children.
    fn leave(&mut self, _node: Node<'t>) {}
}

/// Depth-first walk over `root` with one `TreeCursor` (no recursion: a deeply nested file cannot
/// blow the stack). Error nodes are never entered: what lies inside them is not trustworthy syntax.
pub fn walk<'t>(root: Node<'t>, visitor: &mut impl Visitor<'t>) {
    let mut cursor = root.walk();
    // The ancestors of the cursor's node, innermost last.
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    loop {
        let node = cursor.node();
        let is_error = node.kind_id() == KINDS.error;
        if !is_error
            && visitor.enter(node, ancestors.last().copied()) == Descend::Yes
            && cursor.goto_first_child()
        {
            ancestors.push(node);
            continue;
        }
        if !is_error {
            visitor.leave(node);
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            ancestors.pop();
            visitor.leave(cursor.node());
        }
    }
}

/// The content of a plain string literal (`"thread_id"`), not an f-string or a concatenation.
pub fn plain_string<'s>(node: Node<'_>, source: &'s [u8]) -> Option<&'s str> {
    plain_string_content(node).map(|content| content.map_or("", |c| text(c, source)))
}

/// The `string_content` node of a plain string literal (see [`plain_string`]); `None` also
/// for the empty string.
pub fn string_content(node: Node<'_>) -> Option<Node<'_>> {
    plain_string_content(node).flatten()
}

/// A plain string's content node (`None` inside for `""`); `None` for an f-string with
/// interpolations, a concatenation, or a node that is no string.
fn plain_string_content(node: Node<'_>) -> Option<Option<Node<'_>>> {
    if node.kind_id() != KINDS.string {
        return None;
    }
    let mut cursor = node.walk();
    let mut content = None;
    for child in node.named_children(&mut cursor) {
        if child.kind_id() == KINDS.string_content {
            content = Some(child);
        } else if child.kind_id() == KINDS.interpolation {
            return None;
        }
    }
    Some(content)
}

/// A Python identifier (`thread_id`, `_private`, `état`); keywords are not told apart.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// A dotted module path as Python imports it (`netra_backend.app.agents.state`).
pub fn is_dotted_name(name: &str) -> bool {
    name.split('.').all(is_identifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_dotted_names() {
        for name in ["thread_id", "_x", "X1", "\u{e9}tat"] {
            assert!(is_identifier(name), "{name}");
        }
        for name in ["", "1x", "a-b", "a.b", "a b"] {
            assert!(!is_identifier(name), "{name}");
        }
        assert!(is_dotted_name("netra_backend.app.agents.state"));
        assert!(is_dotted_name("state"));
        for name in ["", "a.", ".a", "a..b", "a.1b", "new-mod"] {
            assert!(!is_dotted_name(name), "{name}");
        }
    }
}
