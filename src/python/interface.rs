//! The interface of a class definition: the members it has, and which of its methods return an
//! instance of the class (so that `state.copy_with_updates(...)` is known to be one too).

use std::collections::{BTreeSet, HashMap};

use tree_sitter::Node;

use super::syntax::{text, FIELDS, KINDS};

/// Members every pydantic `BaseModel` has (v2 API and the deprecated v1 names it still serves).
/// A class that derives from `BaseModel` has them whether or not it overrides them, so they count
/// on both sides of the migration and are never risky.
const PYDANTIC_BASE_MODEL: &[&str] = &[
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "model_computed_fields",
    "model_config",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_extra",
    "model_fields",
    "model_fields_set",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
];

/// Pydantic methods that return an instance of the model they are called on (or for).
pub const PYDANTIC_SELF_RETURNING: &[&str] = &[
    "construct",
    "copy",
    "model_construct",
    "model_copy",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "parse_file",
    "parse_obj",
    "parse_raw",
];

/// Known base classes whose members we cannot read from the project, by their last name.
fn known_base_members(base: &str) -> Option<&'static [&'static str]> {
    match base {
        "BaseModel" => Some(PYDANTIC_BASE_MODEL),
        _ => None,
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassInterface {
    /// Fields, class attributes, methods, properties (and setters), nested classes, and the
    /// members of known or same-module base classes.
    pub members: BTreeSet<String>,
    /// Methods whose return annotation is the class itself (or `Self`).
    pub self_returning: BTreeSet<String>,
}

/// Reads the interface of the top-level class `name` in a parsed module. Base classes defined in
/// the same module contribute their members; `BaseModel` contributes pydantic's.
pub fn class_interface(root: Node<'_>, source: &[u8], name: &str) -> Option<ClassInterface> {
    let classes = top_level_classes(root, source);
    classes.get(name)?;
    let mut interface = ClassInterface::default();
    let mut pending = vec![name.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(class_name) = pending.pop() {
        if !seen.insert(class_name.clone()) {
            continue;
        }
        let Some(class) = classes.get(class_name.as_str()) else {
            if let Some(members) = known_base_members(&class_name) {
                interface
                    .members
                    .extend(members.iter().map(|m| (*m).to_owned()));
            }
            continue;
        };
        read_body(*class, source, name, &mut interface);
        pending.extend(base_names(*class, source));
    }
    Some(interface)
}

fn top_level_classes<'a>(root: Node<'a>, source: &'a [u8]) -> HashMap<&'a str, Node<'a>> {
    let mut classes = HashMap::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        let class = unwrap_decorated(statement);
        if class.kind_id() == KINDS.class_definition {
            if let Some(name) = class.child_by_field_id(FIELDS.name) {
                classes.insert(text(name, source), class);
            }
        }
    }
    classes
}

/// The last name of each base class (`pydantic.BaseModel` is `BaseModel`).
fn base_names(class: Node<'_>, source: &[u8]) -> Vec<String> {
    let Some(superclasses) = class.child_by_field_id(FIELDS.superclasses) else {
        return Vec::new();
    };
    let mut cursor = superclasses.walk();
    superclasses
        .named_children(&mut cursor)
        .filter(|base| base.kind_id() == KINDS.identifier || base.kind_id() == KINDS.attribute)
        .map(|base| {
            let dotted = text(base, source);
            dotted
                .rsplit('.')
                .next()
                .unwrap_or(dotted)
                .trim()
                .to_owned()
        })
        .collect()
}

fn unwrap_decorated(node: Node<'_>) -> Node<'_> {
    if node.kind_id() == KINDS.decorated_definition {
        node.child_by_field_id(FIELDS.definition).unwrap_or(node)
    } else {
        node
    }
}

fn read_body(class: Node<'_>, source: &[u8], class_name: &str, interface: &mut ClassInterface) {
    let Some(body) = class.child_by_field_id(FIELDS.body) else {
        return;
    };
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        let definition = unwrap_decorated(statement);
        let kind = definition.kind_id();
        if kind == KINDS.function_definition || kind == KINDS.class_definition {
            let Some(name) = definition.child_by_field_id(FIELDS.name) else {
                continue;
            };
            let name = text(name, source);
            interface.members.insert(name.to_owned());
            if kind == KINDS.function_definition
                && definition
                    .child_by_field_id(FIELDS.return_type)
                    .is_some_and(|r| names_class(text(r, source), class_name))
            {
                interface.self_returning.insert(name.to_owned());
            }
        } else if kind == KINDS.expression_statement {
            let mut inner = definition.walk();
            for assignment in definition.named_children(&mut inner) {
                if assignment.kind_id() != KINDS.assignment {
                    continue;
                }
                if let Some(left) = assignment.child_by_field_id(FIELDS.left) {
                    if left.kind_id() == KINDS.identifier {
                        interface.members.insert(text(left, source).to_owned());
                    }
                }
            }
        }
    }
}

/// Whether a return annotation's text names the class: `C`, `"C"`, `'C'`, `Self`, `Optional[C]`.
fn names_class(annotation: &str, class_name: &str) -> bool {
    let mut text = annotation.trim();
    text = text.trim_matches(|c| c == '"' || c == '\'');
    if let Some(inner) = text
        .strip_prefix("Optional[")
        .or_else(|| text.strip_prefix("typing.Optional["))
        .and_then(|rest| rest.strip_suffix(']'))
    {
        text = inner.trim().trim_matches(|c| c == '"' || c == '\'');
    }
    let last = text.rsplit('.').next().unwrap_or(text);
    last == class_name || last == "Self"
}

/// A name is a dunder (`__init__`): part of the object protocol, never a risky member.
pub fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::syntax::parse;

    #[test]
    fn reads_members_bases_and_self_returning_methods() {
        let source = br#"
class Base:
    base_field: int = 0

class State(Base, BaseModel):
    user_id: str
    CONSTANT = 1
    @property
    def thread_id(self) -> str: ...
    @thread_id.setter
    def thread_id(self, value): ...
    def copy_with_updates(self, **kw) -> "State": ...
    def merge(self) -> Optional["State"]: ...
    def other(self) -> int: ...
    class Config: ...
"#;
        let tree = parse(source).unwrap();
        let interface = class_interface(tree.root_node(), source, "State").unwrap();
        for member in [
            "user_id",
            "CONSTANT",
            "thread_id",
            "copy_with_updates",
            "Config",
            "base_field",
            "model_dump",
        ] {
            assert!(interface.members.contains(member), "{member}");
        }
        assert_eq!(
            interface
                .self_returning
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["copy_with_updates", "merge"]
        );
        assert!(class_interface(tree.root_node(), source, "Missing").is_none());
    }
}
