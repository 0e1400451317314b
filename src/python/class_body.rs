//! What one class body says about its class, without looking at its bases: the names it binds
//! (methods, properties, nested classes, assignments, `__slots__`, the attributes its methods set
//! on `self`), which of them the class object itself has, its class-level names in definition
//! order (the raw material of fields), its constructor's parameters and its pydantic config.
//!
//! Every walk here is a loop over an explicit stack or a [`walk`]: a deeply nested body cannot
//! overflow the stack.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use tree_sitter::Node;

use super::class_kind::Extra;
use super::imports::{decode, Import};
use super::syntax::{plain_string, text, walk, Descend, Visitor, FIELDS, KINDS, LANGUAGE};

/// Node kinds [`KINDS`] does not have.
pub(crate) struct MoreKinds {
    pub block: u16,
    pub if_statement: u16,
    pub elif_clause: u16,
    pub else_clause: u16,
    pub try_statement: u16,
    pub except_clause: u16,
    pub finally_clause: u16,
    pub while_statement: u16,
    pub with_statement: u16,
    pub with_clause: u16,
    pub as_pattern: u16,
    pub match_statement: u16,
    pub case_clause: u16,
    pub positional_separator: u16,
    pub dictionary: u16,
    pub pair: u16,
    pub set: u16,
    pub list_splat: u16,
    pub expression_list: u16,
    pub nonlocal_statement: u16,
    pub global_statement: u16,
}

pub(crate) static MORE: LazyLock<MoreKinds> = LazyLock::new(|| {
    let id = |kind: &str| LANGUAGE.id_for_node_kind(kind, true);
    MoreKinds {
        block: id("block"),
        if_statement: id("if_statement"),
        elif_clause: id("elif_clause"),
        else_clause: id("else_clause"),
        try_statement: id("try_statement"),
        except_clause: id("except_clause"),
        finally_clause: id("finally_clause"),
        while_statement: id("while_statement"),
        with_statement: id("with_statement"),
        with_clause: id("with_clause"),
        as_pattern: id("as_pattern"),
        match_statement: id("match_statement"),
        case_clause: id("case_clause"),
        positional_separator: id("positional_separator"),
        dictionary: id("dictionary"),
        pair: id("pair"),
        set: id("set"),
        list_splat: id("list_splat"),
        expression_list: id("expression_list"),
        nonlocal_statement: id("nonlocal_statement"),
        global_statement: id("global_statement"),
    }
});

/// The statements of a body in source order, the ones nested in `if`/`try`/`with`/`for`/
/// `while`/`match` blocks included (they run in the same scope), but not those of nested
/// functions or classes. Compound statements are listed too, before their blocks.
pub(crate) fn scope_statements(body: Node<'_>) -> Vec<Node<'_>> {
    let more = &*MORE;
    let compound = [
        more.if_statement,
        more.try_statement,
        more.while_statement,
        more.with_statement,
        more.match_statement,
        KINDS.for_statement,
    ];
    let clauses = [
        more.elif_clause,
        more.else_clause,
        more.except_clause,
        more.finally_clause,
        more.case_clause,
    ];
    let mut statements = Vec::new();
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        let kind = node.kind_id();
        // A body or block holds statements; a compound statement or clause holds blocks.
        let holds_statements = node == body || kind == more.block;
        if !holds_statements && !clauses.contains(&kind) {
            statements.push(node);
            if !compound.contains(&kind) {
                continue;
            }
        }
        let mut cursor = node.walk();
        let children: Vec<_> = node
            .named_children(&mut cursor)
            .filter(|child| {
                let kind = child.kind_id();
                if holds_statements {
                    kind != KINDS.error
                } else {
                    kind == more.block || clauses.contains(&kind)
                }
            })
            .collect();
        stack.extend(children.into_iter().rev());
    }
    statements
}

/// `decorated_definition` -> its definition, with its decorators.
pub(crate) fn undecorate(node: Node<'_>) -> (Node<'_>, Vec<Node<'_>>) {
    if node.kind_id() != KINDS.decorated_definition {
        return (node, Vec::new());
    }
    let mut cursor = node.walk();
    let decorators = node
        .named_children(&mut cursor)
        .filter(|child| child.kind_id() == KINDS.decorator)
        .filter_map(|decorator| decorator.named_child(0))
        .collect();
    (
        node.child_by_field_id(FIELDS.definition).unwrap_or(node),
        decorators,
    )
}

/// A dotted name's text without white space (`a . b` is `a.b`); `None` for anything else.
pub(crate) fn dotted(node: Node<'_>, source: &[u8]) -> Option<String> {
    let kind = node.kind_id();
    if kind != KINDS.identifier && kind != KINDS.attribute {
        return None;
    }
    let name: String = text(node, source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    super::syntax::is_dotted_name(&name).then_some(name)
}

/// The keyword arguments of a call or class statement's `argument_list`: name and value node.
pub(crate) fn keyword_arguments<'t>(
    arguments: Node<'t>,
    source: &'t [u8],
) -> Vec<(&'t str, Node<'t>)> {
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.kind_id() == KINDS.keyword_argument)
        .filter_map(|argument| {
            let name = argument.child_by_field_id(FIELDS.name)?;
            let value = argument.child_by_field_id(FIELDS.value)?;
            Some((text(name, source), value))
        })
        .collect()
}

/// A call's function as a dotted name and its keyword arguments (`field(init=False)`).
pub(crate) fn call_parts<'t>(
    node: Node<'t>,
    source: &'t [u8],
) -> Option<(String, Vec<(&'t str, Node<'t>)>)> {
    if node.kind_id() != KINDS.call {
        return None;
    }
    let function = dotted(node.child_by_field_id(FIELDS.function)?, source)?;
    let arguments = node.child_by_field_id(FIELDS.arguments)?;
    Some((function, keyword_arguments(arguments, source)))
}

/// The last segment of a dotted name.
pub(crate) fn last_name(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

/// An annotation's outermost name, quotes and subscript dropped: `ClassVar` for
/// `typing.ClassVar[int]` and `"ClassVar[int]"`.
pub(crate) fn annotation_head(annotation: &str) -> &str {
    let text = annotation.trim().trim_matches(|c| c == '"' || c == '\'');
    let head = text.split('[').next().unwrap_or(text).trim();
    last_name(head)
}

/// A name bound at class level, in definition order.
#[derive(Clone, Debug)]
pub(crate) struct Entry<'t> {
    pub name: &'t str,
    /// The `type` node of `name: T` or `name: T = v`.
    pub annotation: Option<Node<'t>>,
    /// The right-hand side of `name = v` or `name: T = v`.
    pub value: Option<Node<'t>>,
}

/// The parameters of a `def`, as keywords a call may pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Params {
    /// Positional-or-keyword and keyword-only names, the first parameter (`self`) left out.
    pub keywords: BTreeSet<String>,
    /// A `**kwargs` parameter: any keyword is accepted.
    pub var_keyword: bool,
}

/// The name a parameter binds (`a`, `a: int`, `a=1`, `a: int = 1`), and whether it is one at
/// all (`*args`, `**kw`, `*` and `/` are not plain parameters).
fn parameter_name<'t>(parameter: Node<'t>) -> Option<Node<'t>> {
    let kind = parameter.kind_id();
    let name = if kind == KINDS.identifier {
        parameter
    } else if kind == KINDS.typed_parameter {
        parameter.named_child(0)?
    } else if kind == KINDS.default_parameter || kind == KINDS.typed_default_parameter {
        parameter.child_by_field_id(FIELDS.name)?
    } else {
        return None;
    };
    (name.kind_id() == KINDS.identifier).then_some(name)
}

/// `**kw` or `**kw: Any`.
fn is_var_keyword(parameter: Node<'_>) -> bool {
    let kind = parameter.kind_id();
    kind == KINDS.dictionary_splat_pattern
        || kind == KINDS.typed_parameter
            && parameter
                .named_child(0)
                .is_some_and(|inner| inner.kind_id() == KINDS.dictionary_splat_pattern)
}

impl Params {
    /// Reads `(self, a, /, b, *args, c, d=1, **kw)`: keywords `b`, `c`, `d`, and `**kw`. Names
    /// before `/` are positional-only (checked with `python3`: passing one by keyword raises
    /// "got some positional-only arguments passed as keyword arguments").
    pub fn read(parameters: Node<'_>, source: &[u8]) -> Params {
        let mut params = Params::default();
        let mut names: Vec<&str> = Vec::new();
        let mut cursor = parameters.walk();
        for (index, parameter) in parameters.named_children(&mut cursor).enumerate() {
            if let Some(name) = parameter_name(parameter) {
                // The first parameter is `self` (or `cls` in `__new__`), whatever its name.
                if index > 0 {
                    names.push(text(name, source));
                }
            } else if is_var_keyword(parameter) {
                params.var_keyword = true;
            } else if parameter.kind_id() == MORE.positional_separator {
                names.clear();
            }
        }
        params.keywords = names.into_iter().map(str::to_owned).collect();
        params
    }
}

/// What a class body binds, read without its bases.
#[derive(Debug, Default)]
pub(crate) struct ClassBody<'t> {
    /// Every name the body binds, `__slots__` entries, and attributes its methods set on their
    /// first parameter.
    pub members: BTreeSet<String>,
    /// The part of [`members`](Self::members) that a plain class object has as attributes:
    /// names the body binds to a value (`def`, `class`, `=`, `+=`, `for`, `with ... as`,
    /// `import`) and `__slots__` entries (slot descriptors); not a bare annotation (`x: int`)
    /// nor an attribute set on `self`/`cls` in a method. Checked with `python3`: `dir(C)` lists
    /// `k` (`k = 1`), `y` (`y: int = 2`), methods, properties, nested classes, `for` targets,
    /// imported names and slots, and neither `x` (`x: int`) nor `attr` (`self.attr = 1` in a
    /// method) nor `registry` (`cls.registry = {}` in a classmethod not yet called). What a
    /// class decorator or base changes is left to the caller.
    pub class_members: BTreeSet<String>,
    /// Methods whose return annotation names the class (or `Self`).
    pub self_returning: BTreeSet<String>,
    /// Methods annotated `-> Self`: self-returning in subclasses too.
    pub returns_self: BTreeSet<String>,
    /// Names assigned or annotated at class level, in definition order.
    pub entries: Vec<Entry<'t>>,
    /// The parameters of the body's own `__init__` and `__new__` (the last definition wins).
    pub init: Option<Params>,
    pub new: Option<Params>,
    /// `extra` from `model_config = ConfigDict(extra=...)` / `{"extra": ...}` or
    /// `class Config: extra = ...`.
    pub extra: Option<Extra>,
}

impl<'t> ClassBody<'t> {
    pub fn read(class: Node<'t>, source: &'t [u8], class_name: &str) -> ClassBody<'t> {
        let mut body = ClassBody::default();
        let Some(block) = class.child_by_field_id(FIELDS.body) else {
            return body;
        };
        let more = &*MORE;
        let mut config_extra = None;
        let mut model_config_extra = None;
        for statement in scope_statements(block) {
            let (definition, decorators) = undecorate(statement);
            let kind = definition.kind_id();
            if kind == KINDS.function_definition {
                body.read_method(definition, &decorators, source, class_name);
            } else if kind == KINDS.class_definition {
                let Some(name) = definition.child_by_field_id(FIELDS.name) else {
                    continue;
                };
                let name = text(name, source);
                body.bind(name);
                if name == "Config" {
                    config_extra = config_class_extra(definition, source).or(config_extra);
                }
            } else if kind == KINDS.expression_statement {
                let mut cursor = definition.walk();
                for expression in definition.named_children(&mut cursor) {
                    if expression.kind_id() == KINDS.assignment {
                        if let Some(extra) = body.read_assignment(expression, source) {
                            model_config_extra = Some(extra);
                        }
                    } else if expression.kind_id() == KINDS.augmented_assignment {
                        if let Some(left) = expression.child_by_field_id(FIELDS.left) {
                            body.bind_targets(left, source);
                        }
                    }
                }
            } else if kind == KINDS.for_statement {
                if let Some(left) = definition.child_by_field_id(FIELDS.left) {
                    body.bind_targets(left, source);
                }
            } else if kind == more.with_statement {
                for target in with_targets(definition) {
                    body.bind_targets(target, source);
                }
            } else if kind == KINDS.import_statement || kind == KINDS.import_from_statement {
                if let Some(Import::Names(names)) = decode(definition, source, None) {
                    for name in names {
                        body.bind(name.local_name);
                    }
                }
            }
        }
        body.extra = model_config_extra.or(config_extra);
        body
    }

    /// A name the body binds to a value: a member of the class object and of its instances.
    fn bind(&mut self, name: &str) {
        self.members.insert(name.to_owned());
        self.class_members.insert(name.to_owned());
    }

    /// The plain names an assignment target binds to a value (`a` and `b` in `a, (b, c.d)`).
    fn bind_targets(&mut self, left: Node<'_>, source: &[u8]) {
        let mut names = BTreeSet::new();
        names_bound(left, source, &mut names);
        self.class_members.extend(names.iter().cloned());
        self.members.extend(names);
    }

    fn read_method(
        &mut self,
        function: Node<'t>,
        decorators: &[Node<'t>],
        source: &'t [u8],
        class_name: &str,
    ) {
        let Some(name) = function.child_by_field_id(FIELDS.name) else {
            return;
        };
        let name = text(name, source);
        self.bind(name);
        if let Some(annotation) = function.child_by_field_id(FIELDS.return_type) {
            let annotation = text(annotation, source);
            if names_class(annotation, class_name) {
                self.self_returning.insert(name.to_owned());
            }
            if names_class(annotation, "Self") {
                self.returns_self.insert(name.to_owned());
            }
        }
        let Some(parameters) = function.child_by_field_id(FIELDS.parameters) else {
            return;
        };
        match name {
            "__init__" => self.init = Some(Params::read(parameters, source)),
            "__new__" => self.new = Some(Params::read(parameters, source)),
            _ => {}
        }
        let is_static = decorators.iter().any(|decorator| {
            dotted(*decorator, source).is_some_and(|d| last_name(&d) == "staticmethod")
        });
        let receiver = parameters
            .named_child(0)
            .and_then(parameter_name)
            .map(|name| text(name, source));
        if let (false, Some(receiver), Some(block)) =
            (is_static, receiver, function.child_by_field_id(FIELDS.body))
        {
            let mut visitor = ReceiverAttributes {
                receiver,
                source,
                block,
                members: &mut self.members,
            };
            walk(block, &mut visitor);
        }
    }

    /// `a = 1`, `a: int`, `a: int = 1`, `a, b = 1, 2`, `a = b = 1`. Returns the `extra` of a
    /// `model_config = ...`.
    fn read_assignment(&mut self, assignment: Node<'t>, source: &'t [u8]) -> Option<Extra> {
        // `a = b = v`: each link's left binds; `v` is the value of all of them. Only a single
        // target can be annotated (`a: int = v`), so the annotation is the first link's.
        let annotation = assignment.child_by_field_id(FIELDS.type_);
        let mut lefts = Vec::new();
        let mut link = assignment;
        let value = loop {
            lefts.extend(link.child_by_field_id(FIELDS.left));
            match link.child_by_field_id(FIELDS.right) {
                Some(right) if right.kind_id() == KINDS.assignment => link = right,
                right => break right,
            }
        };
        let mut extra = None;
        for (index, left) in lefts.into_iter().enumerate() {
            if value.is_some() {
                self.bind_targets(left, source);
            } else {
                // `x: int` declares `x` for the instances; the class has no such attribute.
                names_bound(left, source, &mut self.members);
            }
            if left.kind_id() != KINDS.identifier {
                continue;
            }
            let name = text(left, source);
            self.entries.push(Entry {
                name,
                annotation: annotation.filter(|_| index == 0),
                value,
            });
            match (name, value) {
                ("__slots__", Some(value)) => {
                    let mut names = BTreeSet::new();
                    slots(value, source, &mut names);
                    self.class_members.extend(names.iter().cloned());
                    self.members.extend(names);
                }
                ("model_config", Some(value)) => extra = config_value_extra(value, source),
                _ => {}
            }
        }
        extra
    }
}

/// The `as` targets of a `with` statement's items.
fn with_targets(with: Node<'_>) -> Vec<Node<'_>> {
    let more = &*MORE;
    let mut targets = Vec::new();
    let mut cursor = with.walk();
    for clause in with.named_children(&mut cursor) {
        if clause.kind_id() != more.with_clause {
            continue;
        }
        let mut items = clause.walk();
        for item in clause.named_children(&mut items) {
            let Some(value) = item.child_by_field_id(FIELDS.value) else {
                continue;
            };
            if value.kind_id() == more.as_pattern {
                targets.extend(value.child_by_field_id(FIELDS.alias));
            }
        }
    }
    targets
}

/// Node kinds that hold several assignment targets: `a, b`, `(a, b)`, `[a, b]`, `*a`.
fn is_target_group(kind: u16) -> bool {
    let more = &*MORE;
    kind == KINDS.pattern_list
        || kind == KINDS.tuple_pattern
        || kind == KINDS.list_pattern
        || kind == KINDS.tuple
        || kind == KINDS.list
        || kind == KINDS.parenthesized_expression
        || kind == KINDS.list_splat_pattern
        || kind == more.list_splat
        || kind == KINDS.as_pattern_target
        || kind == more.expression_list
}

/// The single targets in an assignment's left-hand side, groups opened.
fn targets(left: Node<'_>) -> Vec<Node<'_>> {
    let mut found = Vec::new();
    let mut stack = vec![left];
    while let Some(node) = stack.pop() {
        if is_target_group(node.kind_id()) {
            let mut cursor = node.walk();
            let children: Vec<_> = node.named_children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        } else {
            found.push(node);
        }
    }
    found
}

/// The plain names a target binds (`a` and `b` in `a, (b, c.d) = ...`).
fn names_bound(left: Node<'_>, source: &[u8], into: &mut BTreeSet<String>) {
    for target in targets(left) {
        if target.kind_id() == KINDS.identifier {
            into.insert(text(target, source).to_owned());
        }
    }
}

/// `__slots__ = ("a", "b")`, `["a"]`, `{"a"}`, `{"a": "doc"}` or `"a"`.
fn slots(value: Node<'_>, source: &[u8], into: &mut BTreeSet<String>) {
    let more = &*MORE;
    if let Some(name) = plain_string(value, source) {
        into.insert(name.to_owned());
        return;
    }
    let kind = value.kind_id();
    let is_collection = [
        KINDS.tuple,
        KINDS.list,
        more.set,
        more.dictionary,
        more.expression_list,
        KINDS.parenthesized_expression,
    ]
    .contains(&kind);
    if !is_collection {
        return;
    }
    let mut cursor = value.walk();
    for element in value.named_children(&mut cursor) {
        let element = if element.kind_id() == more.pair {
            match element.named_child(0) {
                Some(key) => key,
                None => continue,
            }
        } else {
            element
        };
        if let Some(name) = plain_string(element, source) {
            into.insert(name.to_owned());
        }
    }
}

/// `"forbid"` or `Extra.forbid`.
pub(crate) fn extra_value(value: Node<'_>, source: &[u8]) -> Option<Extra> {
    if let Some(name) = plain_string(value, source) {
        return Extra::from_name(name);
    }
    Extra::from_name(last_name(&dotted(value, source)?))
}

/// The `extra` of `ConfigDict(extra=...)` (any call) or `{"extra": ...}`.
fn config_value_extra(value: Node<'_>, source: &[u8]) -> Option<Extra> {
    if let Some((_, keywords)) = call_parts(value, source) {
        let (_, extra) = keywords.into_iter().find(|(name, _)| *name == "extra")?;
        return extra_value(extra, source);
    }
    if value.kind_id() != MORE.dictionary {
        return None;
    }
    let mut cursor = value.walk();
    let extra = value
        .named_children(&mut cursor)
        .filter(|pair| pair.kind_id() == MORE.pair)
        .find(|pair| {
            pair.named_child(0)
                .and_then(|key| plain_string(key, source))
                == Some("extra")
        })?;
    extra_value(extra.named_child(1)?, source)
}

/// `class Config: extra = "forbid"` (pydantic v1 style, still read by v2).
fn config_class_extra(config: Node<'_>, source: &[u8]) -> Option<Extra> {
    let block = config.child_by_field_id(FIELDS.body)?;
    let mut extra = None;
    for statement in scope_statements(block) {
        if statement.kind_id() != KINDS.expression_statement {
            continue;
        }
        let Some(assignment) = statement.named_child(0) else {
            continue;
        };
        if assignment.kind_id() != KINDS.assignment {
            continue;
        }
        let (Some(left), Some(right)) = (
            assignment.child_by_field_id(FIELDS.left),
            assignment.child_by_field_id(FIELDS.right),
        ) else {
            continue;
        };
        if left.kind_id() == KINDS.identifier && text(left, source) == "extra" {
            extra = extra_value(right, source).or(extra);
        }
    }
    extra
}

/// Whether a return annotation's text names the class: `C`, `"C"`, `'C'`, `Self`, `Optional[C]`.
pub(crate) fn names_class(annotation: &str, class_name: &str) -> bool {
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

/// Attributes a method sets on its first parameter: `self.x = ...`, `self.x: T = ...`,
/// `self.x += ...`, `with ... as self.x`, `for self.x in ...` (also in closures, unless they
/// rebind the name).
struct ReceiverAttributes<'t, 'm> {
    receiver: &'t str,
    source: &'t [u8],
    /// The method's body: everything else that is a function is a nested scope.
    block: Node<'t>,
    members: &'m mut BTreeSet<String>,
}

impl<'t> ReceiverAttributes<'t, '_> {
    fn record(&mut self, left: Node<'t>) {
        for target in targets(left) {
            if target.kind_id() != KINDS.attribute {
                continue;
            }
            let (Some(object), Some(attribute)) = (
                target.child_by_field_id(FIELDS.object),
                target.child_by_field_id(FIELDS.attribute),
            ) else {
                continue;
            };
            if object.kind_id() == KINDS.identifier && text(object, self.source) == self.receiver {
                self.members.insert(text(attribute, self.source).to_owned());
            }
        }
    }
}

impl<'t> Visitor<'t> for ReceiverAttributes<'t, '_> {
    fn enter(&mut self, node: Node<'t>, _parent: Option<Node<'t>>) -> Descend {
        let kind = node.kind_id();
        if node != self.block
            && (kind == KINDS.function_definition || kind == KINDS.lambda)
            && rebinds(node, self.receiver, self.source)
        {
            return Descend::No;
        }
        if kind == KINDS.assignment
            || kind == KINDS.augmented_assignment
            || kind == KINDS.for_statement
            || kind == KINDS.for_in_clause
        {
            if let Some(left) = node.child_by_field_id(FIELDS.left) {
                self.record(left);
            }
        } else if kind == MORE.as_pattern {
            if let Some(alias) = node.child_by_field_id(FIELDS.alias) {
                self.record(alias);
            }
        }
        Descend::Yes
    }
}

/// Whether a nested `def` or `lambda` makes `name` its own local: a parameter, or a plain
/// assignment in its own scope not declared `nonlocal`/`global`.
fn rebinds(function: Node<'_>, name: &str, source: &[u8]) -> bool {
    if let Some(parameters) = function.child_by_field_id(FIELDS.parameters) {
        let mut cursor = parameters.walk();
        for parameter in parameters.named_children(&mut cursor) {
            let bound = parameter_name(parameter).or_else(|| {
                // `*name`, `**name`, `*name: T`.
                let inner = if parameter.kind_id() == KINDS.typed_parameter {
                    parameter.named_child(0)?
                } else {
                    parameter
                };
                let kind = inner.kind_id();
                (kind == KINDS.list_splat_pattern || kind == KINDS.dictionary_splat_pattern)
                    .then(|| inner.named_child(0))
                    .flatten()
            });
            if bound.is_some_and(|bound| text(bound, source) == name) {
                return true;
            }
        }
    }
    if function.kind_id() == KINDS.lambda {
        return false;
    }
    let Some(block) = function.child_by_field_id(FIELDS.body) else {
        return false;
    };
    let mut scan = LocalBinding {
        name,
        source,
        block,
        assigned: false,
        declared: false,
    };
    walk(block, &mut scan);
    scan.assigned && !scan.declared
}

/// Looks for `name = ...` (and the other binding forms) in one function's own scope.
struct LocalBinding<'t> {
    name: &'t str,
    source: &'t [u8],
    block: Node<'t>,
    assigned: bool,
    declared: bool,
}

impl<'t> Visitor<'t> for LocalBinding<'t> {
    fn enter(&mut self, node: Node<'t>, _parent: Option<Node<'t>>) -> Descend {
        let kind = node.kind_id();
        let more = &*MORE;
        if node != self.block
            && (kind == KINDS.function_definition
                || kind == KINDS.lambda
                || kind == KINDS.class_definition)
        {
            return Descend::No;
        }
        let left = if kind == KINDS.assignment
            || kind == KINDS.augmented_assignment
            || kind == KINDS.for_statement
            || kind == KINDS.named_expression
        {
            node.child_by_field_id(FIELDS.left)
                .or_else(|| node.child_by_field_id(FIELDS.name))
        } else if kind == more.as_pattern {
            node.child_by_field_id(FIELDS.alias)
        } else {
            if kind == more.nonlocal_statement || kind == more.global_statement {
                let mut cursor = node.walk();
                if node
                    .named_children(&mut cursor)
                    .any(|declared| text(declared, self.source) == self.name)
                {
                    self.declared = true;
                }
            }
            None
        };
        if let Some(left) = left {
            let mut bound = BTreeSet::new();
            names_bound(left, self.source, &mut bound);
            if bound.contains(self.name) {
                self.assigned = true;
            }
        }
        Descend::Yes
    }
}
