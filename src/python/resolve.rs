//! What an expression refers to: the migrated class, an instance of it, or neither.
//!
//! A name holds an instance when its scope binds it from an annotation naming the class
//! (`DeepAgentState`, `"DeepAgentState"`, `Optional[...]`, `... | None`), from a constructor call,
//! from a method that returns the class, from `Mock(spec=...)`, or from another instance.
//! `self.x` holds one when a method of the class assigns or annotates it so.

use std::cell::RefCell;
use std::collections::HashMap;

use tree_sitter::Node;

use super::oracle::{ClassOracle, SymbolResolution};
use super::scopes::{decorator_names, Binding, Fact, FileScopes, ScopeId, MODULE_SCOPE};
use super::syntax::{field, text, FIELDS, KINDS};
use super::ModulePath;
use crate::finding::ResolvesTo;
use crate::fixpoint::{self, Equation};

/// How many steps (`a = b`, `b = c(...)`, ...) an instance is followed through.
const MAX_DEPTH: usize = 16;

/// No module has more segments than this: its file's path would pass Linux's `PATH_MAX` (4,096
/// bytes, one name and one `/` a segment at least). Longer attribute chains are not module paths.
const MAX_PATH_SEGMENTS: usize = 2048;

/// `unittest.mock` factories that make an instance-like mock from a `spec`.
const MOCK_FACTORIES: &[&str] = &[
    "Mock",
    "MagicMock",
    "AsyncMock",
    "NonCallableMock",
    "NonCallableMagicMock",
];

/// Parameters of the mock factories that are not attributes of the mock.
const MOCK_PARAMETERS: &[&str] = &[
    "spec",
    "spec_set",
    "side_effect",
    "return_value",
    "wraps",
    "name",
    "parent",
    "unsafe",
    "instance",
    "_name",
    "_new_name",
    "_new_parent",
    "_spec_as_instance",
    "_eat_self",
];

/// A mock made with a spec of the class: reading an attribute the spec class lacks raises
/// `AttributeError` (unless the same scope set it first); with `spec_set` (or
/// `create_autospec(..., spec_set=True)`) writing one does too. Deleting never raises.
/// (Checked with python3.11's `unittest.mock`.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockSpec<'a> {
    /// Where the spec class comes from.
    pub origin: ResolvesTo,
    pub restricts_writes: bool,
    /// Attributes its constructor call configures (`Mock(spec=C, thread_id="t")`).
    pub preset: Vec<&'a str>,
}

impl<'a> MockSpec<'a> {
    /// One mock for a name bound to mocks on several paths: the strictest of them.
    fn merge(mut self, other: MockSpec<'a>) -> MockSpec<'a> {
        self.origin = self.origin.merge(other.origin);
        self.restricts_writes |= other.restricts_writes;
        self.preset.retain(|name| other.preset.contains(name));
        self
    }
}

pub struct Resolver<'a, 'p> {
    pub scopes: &'p FileScopes<'a>,
    pub source: &'a [u8],
    pub oracle: &'p dyn ClassOracle,
    /// Memo of `name_instance`, also the guard against cycles (`a = b; b = a`).
    instances: RefCell<HashMap<(ScopeId, &'a str), Option<ResolvesTo>>>,
    /// The same for `self.x`, by class scope and attribute name.
    attribute_instances: RefCell<HashMap<(ScopeId, &'a str), Option<ResolvesTo>>>,
    /// Memo of `chain_root`, by attribute node id.
    chain_roots: RefCell<HashMap<usize, Option<(Node<'a>, usize)>>>,
    /// Memo of `name_class`: every name solved so far.
    classes: RefCell<HashMap<(ScopeId, &'a str), Option<ResolvesTo>>>,
}

impl<'a, 'p> Resolver<'a, 'p> {
    pub fn new(scopes: &'p FileScopes<'a>, source: &'a [u8], oracle: &'p dyn ClassOracle) -> Self {
        Resolver {
            scopes,
            source,
            oracle,
            instances: RefCell::new(HashMap::new()),
            attribute_instances: RefCell::new(HashMap::new()),
            chain_roots: RefCell::new(HashMap::new()),
            classes: RefCell::new(HashMap::new()),
        }
    }

    /// The dotted path an expression names through imports: with `import a.b as m`, `m.c` is
    /// `a.b.c`. `None` when the chain does not start at an imported name.
    pub fn import_path(&self, expression: Node<'a>, scope: ScopeId) -> Option<ModulePath> {
        let (root, links) = self.chain_root(expression)?;
        if links > MAX_PATH_SEGMENTS {
            return None;
        }
        let mut path = self.imported_path(scope, text(root, self.source))?;
        let mut attributes = Vec::with_capacity(links);
        let mut node = expression;
        while node.kind_id() == KINDS.attribute {
            attributes.push(text(node.child_by_field_id(FIELDS.attribute)?, self.source));
            node = node.child_by_field_id(FIELDS.object)?;
        }
        for attribute in attributes.iter().rev() {
            path = path.join(attribute);
        }
        Some(path)
    }

    /// The identifier an attribute chain (`a.b.c`) starts at, and how many links lead to it.
    /// Remembered for every link of the chain, so that a checker asking at each link of a chain
    /// of n links spends O(n) in all, not O(n^2).
    fn chain_root(&self, expression: Node<'a>) -> Option<(Node<'a>, usize)> {
        if expression.kind_id() != KINDS.attribute {
            return (expression.kind_id() == KINDS.identifier).then_some((expression, 0));
        }
        if let Some(known) = self.chain_roots.borrow().get(&expression.id()) {
            return *known;
        }
        let mut links = Vec::new();
        let mut node = Some(expression);
        while let Some(link) = node.filter(|n| n.kind_id() == KINDS.attribute) {
            links.push(link);
            node = link.child_by_field_id(FIELDS.object);
        }
        let root = node.filter(|n| n.kind_id() == KINDS.identifier);
        let mut memo = self.chain_roots.borrow_mut();
        for (distance, link) in links.iter().rev().enumerate() {
            memo.insert(link.id(), root.map(|root| (root, distance + 1)));
        }
        root.map(|root| (root, links.len()))
    }

    /// The path a plain name was imported as, when its scope binds it by an import.
    fn imported_path(&self, scope: ScopeId, name: &str) -> Option<ModulePath> {
        let (_, facts) = self.scopes.lookup(scope, name)?;
        facts.iter().find_map(|fact| match &fact.binding {
            Binding::Import { target, .. } => Some(target.clone()),
            _ => None,
        })
    }

    /// Whether `expression` is the migrated class itself, and from where.
    pub fn class_ref(&self, expression: Node<'a>, scope: ScopeId) -> Option<ResolvesTo> {
        let kind = expression.kind_id();
        if kind == KINDS.identifier {
            self.name_class(text(expression, self.source), scope)
        } else if kind == KINDS.attribute {
            self.attribute_class(expression, scope)
        } else {
            None
        }
    }

    /// `m.DeepAgentState` through an imported module, or `self.state_cls` when the class (or
    /// one of its methods) binds that attribute to the class.
    fn attribute_class(&self, attribute: Node<'a>, scope: ScopeId) -> Option<ResolvesTo> {
        if let Some(path) = self.import_path(attribute, scope) {
            return class_of(self.oracle.resolve_path(&path));
        }
        let (class, name) = self.member_of_local_class(attribute, scope, 0)?;
        self.class_attribute_class(class, name)
    }

    /// `(class scope, member)` of `obj.member` when `obj` is a class of this file or an
    /// instance of one (see [`Resolver::class_of_receiver`]).
    fn member_of_local_class(
        &self,
        attribute: Node<'a>,
        scope: ScopeId,
        depth: usize,
    ) -> Option<(ScopeId, &'a str)> {
        let object = attribute.child_by_field_id(FIELDS.object)?;
        let class = self.class_of_receiver(object, scope, depth)?;
        let name = text(attribute.child_by_field_id(FIELDS.attribute)?, self.source);
        Some((class, name))
    }

    /// Whether the class of this file whose scope is `class` binds its attribute `name` to the
    /// migrated class (`state_cls = DeepAgentState` in its body, `self.state_cls = ...` in a
    /// method), and from where.
    pub fn class_attribute_class(&self, class: ScopeId, name: &str) -> Option<ResolvesTo> {
        let class_scope = &self.scopes.scopes[class];
        let facts = class_scope
            .attributes
            .get(name)
            .into_iter()
            .chain(class_scope.names.get(name))
            .flatten();
        facts.fold(None, |origin, fact| {
            let found = match &fact.binding {
                Binding::Assigned { value } if value.kind_id() == KINDS.identifier => {
                    self.name_class(text(*value, self.source), fact.scope)
                }
                Binding::Assigned { value } if value.kind_id() == KINDS.attribute => self
                    .import_path(*value, fact.scope)
                    .and_then(|path| class_of(self.oracle.resolve_path(&path))),
                _ => None,
            };
            match found {
                Some(found) => Some(ResolvesTo::merge_option(origin, found)),
                None => origin,
            }
        })
    }

    /// The class of this file whose instance (or which itself) `object` is: `self` in a method,
    /// `cls` in a classmethod, the class's name, or a name bound to `Class(...)` or annotated
    /// `Class`.
    fn class_of_receiver(&self, object: Node<'a>, scope: ScopeId, depth: usize) -> Option<ScopeId> {
        if object.kind_id() != KINDS.identifier || depth >= MAX_DEPTH {
            return None;
        }
        let name = text(object, self.source);
        if let Some(class) = self
            .scopes
            .class_of_self(scope, name)
            .or_else(|| self.scopes.class_of_cls(scope, name))
            .or_else(|| self.scopes.local_class(scope, name))
        {
            return Some(class);
        }
        let (_, facts) = self.scopes.lookup(scope, name)?;
        facts.iter().find_map(|fact| match &fact.binding {
            Binding::Assigned { value } if value.kind_id() == KINDS.call => {
                let function = value.child_by_field_id(FIELDS.function)?;
                (function.kind_id() == KINDS.identifier)
                    .then(|| {
                        self.scopes
                            .local_class(fact.scope, text(function, self.source))
                    })
                    .flatten()
            }
            Binding::Annotated { annotation } if annotation.kind_id() == KINDS.type_ => {
                let named = annotation.named_child(0)?;
                (named.kind_id() == KINDS.identifier)
                    .then(|| {
                        self.scopes
                            .local_class(fact.scope, text(named, self.source))
                    })
                    .flatten()
            }
            _ => None,
        })
    }

    /// What calling `function` returns, when it is a function or method of this file whose
    /// return annotation names the class: `f()`, `self.m()`, `cls.m()`, `Class.m()`,
    /// `obj.m()` on an instance of a class of this file. An `async def` returns a coroutine,
    /// so only `await f()` is the instance. A function imported from a project module is asked
    /// of the oracle (`def`s there, followed through re-exports).
    fn returned_instance(
        &self,
        function: Node<'a>,
        scope: ScopeId,
        awaited: bool,
        depth: usize,
    ) -> Option<ResolvesTo> {
        let kind = function.kind_id();
        // A function of a project module: `create_state(...)`, `factories.create_state(...)`.
        if let Some(path) = self.import_path(function, scope) {
            return self.oracle.function_returns(&path, awaited);
        }
        let facts: &[Fact<'a>] = if kind == KINDS.identifier {
            self.scopes.lookup(scope, text(function, self.source))?.1
        } else if kind == KINDS.attribute {
            let object = function.child_by_field_id(FIELDS.object)?;
            let class = self.class_of_receiver(object, scope, depth)?;
            let name = text(function.child_by_field_id(FIELDS.attribute)?, self.source);
            self.scopes.scopes[class].names.get(name)?
        } else {
            return None;
        };
        // An `async def` gives the instance only awaited; a plain one only not.
        self.merge(facts, |fact| {
            let (returns, is_async) = self.declared_return(fact)?;
            (is_async == awaited).then_some(returns)
        })
    }

    /// What a `def` bound by `fact` says it returns: the class its return annotation names
    /// (read where the `def` is), and whether it is an `async def` (whose call is a coroutine).
    /// `None` for another binding, or an annotation that names something else.
    pub fn declared_return(&self, fact: &Fact<'a>) -> Option<(ResolvesTo, bool)> {
        let Binding::Function { definition } = fact.binding else {
            return None;
        };
        let is_async = definition
            .child(0)
            .is_some_and(|first| first.kind() == "async");
        let annotation = definition.child_by_field_id(FIELDS.return_type)?;
        Some((self.annotation_class(annotation, fact.scope)?, is_async))
    }

    /// `obj.prop` where `prop` is a `@property` (or `cached_property`) of a class of this file
    /// whose return annotation names the class.
    fn property_instance(
        &self,
        attribute: Node<'a>,
        scope: ScopeId,
        depth: usize,
    ) -> Option<ResolvesTo> {
        let (class, name) = self.member_of_local_class(attribute, scope, depth)?;
        let facts = self.scopes.scopes[class].names.get(name)?;
        self.merge(facts, |fact| {
            let Binding::Function { definition } = fact.binding else {
                return None;
            };
            let decorated = definition.parent()?;
            let is_property = decorated.kind_id() == KINDS.decorated_definition
                && decorator_names(decorated, self.source)
                    .iter()
                    .any(|name| matches!(*name, "property" | "cached_property"));
            if !is_property {
                return None;
            }
            self.declared_return(fact).map(|(returns, _)| returns)
        })
    }

    /// Whether a plain name is the migrated class in `scope`, and from where. Names bound to
    /// names (`Alias = DeepAgentState`, `json = json`, `a = b; b = a`) are solved together, once
    /// per file, without recursion.
    pub fn name_class(&self, name: &'a str, scope: ScopeId) -> Option<ResolvesTo> {
        if let Some(known) = self.classes.borrow().get(&(scope, name)) {
            return *known;
        }
        let solution = fixpoint::solve((scope, name), |&(scope, name)| {
            self.name_class_equation(scope, name)
        });
        let value = solution[0].1;
        self.classes.borrow_mut().extend(solution);
        value
    }

    fn name_class_equation(
        &self,
        scope: ScopeId,
        name: &'a str,
    ) -> Equation<(ScopeId, &'a str), ResolvesTo> {
        if let Some(known) = self.classes.borrow().get(&(scope, name)) {
            return Equation::constant(*known);
        }
        let Some((_, facts)) = self.scopes.lookup(scope, name) else {
            return Equation::constant(self.star_class(name));
        };
        let mut constant = None;
        let mut depends_on = Vec::new();
        for fact in facts {
            let found = match &fact.binding {
                Binding::Import { target, .. } => class_of(self.oracle.resolve_path(target)),
                Binding::Assigned { value } if value.kind_id() == KINDS.identifier => {
                    depends_on.push((fact.scope, text(*value, self.source)));
                    None
                }
                // `Alias = m.DeepAgentState`
                Binding::Assigned { value } if value.kind_id() == KINDS.attribute => {
                    self.attribute_class(*value, fact.scope)
                }
                // `cls: type[DeepAgentState]`: the class, or a subclass of it.
                Binding::Annotated { annotation } => type_argument(*annotation, self.source)
                    .and_then(|class| self.class_ref(class, fact.scope)),
                _ => None,
            };
            if let Some(found) = found {
                constant = Some(ResolvesTo::merge_option(constant, found));
            }
        }
        Equation {
            constant,
            depends_on,
            finish: std::convert::identity,
        }
    }

    /// The class as bound to `name` by the module's star imports (a name no scope binds).
    fn star_class(&self, name: &str) -> Option<ResolvesTo> {
        let module = &self.scopes.scopes[MODULE_SCOPE];
        module.star_imports.iter().fold(None, |origin, (star, _)| {
            match self.oracle.resolve_star(star, name) {
                SymbolResolution::Class(found) => {
                    Some(ResolvesTo::merge_option(origin, found.class))
                }
                _ => origin,
            }
        })
    }

    /// Whether `expression` evaluates to an instance of the migrated class, and of which origin.
    pub fn instance(&self, expression: Node<'a>, scope: ScopeId) -> Option<ResolvesTo> {
        self.instance_at_depth(expression, scope, 0)
    }

    fn instance_at_depth(
        &self,
        expression: Node<'a>,
        scope: ScopeId,
        depth: usize,
    ) -> Option<ResolvesTo> {
        let mut node = expression;
        let mut awaited = false;
        for step in depth..MAX_DEPTH {
            let kind = node.kind_id();
            if kind == KINDS.identifier {
                return self.name_instance(scope, text(node, self.source), step);
            } else if kind == KINDS.attribute {
                return self
                    .self_attribute_instance(node, scope, step)
                    .or_else(|| self.property_instance(node, scope, step));
            } else if kind == KINDS.await_ {
                awaited = true;
                node = node.named_child(0)?;
                continue;
            } else if kind == KINDS.call {
                let function = node.child_by_field_id(FIELDS.function)?;
                if let Some(origin) = self.class_ref(function, scope) {
                    return Some(origin);
                }
                if let Some(mock) = self.mock_of_class(node, function, scope) {
                    return Some(mock.origin);
                }
                if let Some(origin) = self.returned_instance(function, scope, awaited, step) {
                    return Some(origin);
                }
                // `x.copy_with_updates(...)` on an instance, `Cls.model_validate(...)` on the class.
                if function.kind_id() != KINDS.attribute {
                    return None;
                }
                let method = text(function.child_by_field_id(FIELDS.attribute)?, self.source);
                if !self.oracle.returns_instance(method) {
                    return None;
                }
                let receiver = function.child_by_field_id(FIELDS.object)?;
                if let Some(origin) = self.class_ref(receiver, scope) {
                    return Some(origin);
                }
                node = receiver;
            } else if kind == KINDS.parenthesized_expression {
                node = node.named_child(0)?;
            } else if kind == KINDS.named_expression {
                node = node.child_by_field_id(FIELDS.value)?;
            } else if kind == KINDS.assignment {
                node = node.child_by_field_id(FIELDS.right)?;
            } else {
                return None;
            }
        }
        None
    }

    fn name_instance(&self, scope: ScopeId, name: &'a str, depth: usize) -> Option<ResolvesTo> {
        let (binding_scope, facts) = self.scopes.lookup(scope, name)?;
        self.memoized_facts_instance(&self.instances, (binding_scope, name), facts, depth)
    }

    /// `self.x`: an instance when a method of the class (or the class body) makes `x` one.
    fn self_attribute_instance(
        &self,
        attribute: Node<'a>,
        scope: ScopeId,
        depth: usize,
    ) -> Option<ResolvesTo> {
        // `self.state`, or `holder.state` on an instance of a class of this file whose body
        // annotates (or whose methods assign) `state`.
        let (class, name) = self.member_of_local_class(attribute, scope, depth)?;
        self.attribute_instance_at_depth(class, name, depth)
    }

    /// Whether `self.<name>` holds an instance in methods of the class whose scope is `class`.
    pub fn attribute_instance(&self, class: ScopeId, name: &'a str) -> Option<ResolvesTo> {
        self.attribute_instance_at_depth(class, name, 0)
    }

    fn attribute_instance_at_depth(
        &self,
        class: ScopeId,
        name: &'a str,
        depth: usize,
    ) -> Option<ResolvesTo> {
        let facts = self.scopes.scopes[class].attributes.get(name)?;
        self.memoized_facts_instance(&self.attribute_instances, (class, name), facts, depth)
    }

    /// [`Resolver::facts_instance`] remembered under `key` in `memo`, which also cuts cycles
    /// (`a = b; b = a`): a key being computed reads as no instance.
    fn memoized_facts_instance(
        &self,
        memo: &RefCell<HashMap<(ScopeId, &'a str), Option<ResolvesTo>>>,
        key: (ScopeId, &'a str),
        facts: &[Fact<'a>],
        depth: usize,
    ) -> Option<ResolvesTo> {
        if let Some(known) = memo.borrow().get(&key) {
            return *known;
        }
        memo.borrow_mut().insert(key, None);
        let origin = self.facts_instance(facts, depth);
        memo.borrow_mut().insert(key, origin);
        origin
    }

    fn facts_instance(&self, facts: &[Fact<'a>], depth: usize) -> Option<ResolvesTo> {
        self.merge(facts, |fact| match &fact.binding {
            Binding::Annotated { annotation } => self.annotation_class(*annotation, fact.scope),
            Binding::Assigned { value } => self.instance_at_depth(*value, fact.scope, depth + 1),
            _ => None,
        })
    }

    /// `Mock(spec=C)`, `Mock(C)`, `MagicMock(spec_set=C)`, `create_autospec(C)`,
    /// `create_autospec(C, spec_set=True, instance=True)` and their `mock.` forms.
    fn mock_of_class(
        &self,
        call: Node<'a>,
        function: Node<'a>,
        scope: ScopeId,
    ) -> Option<MockSpec<'a>> {
        let name = last_name(function, self.source)?;
        let arguments = call.child_by_field_id(FIELDS.arguments)?;
        let mut cursor = arguments.walk();
        let arguments: Vec<Node<'a>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_id() != KINDS.comment)
            .collect();
        let positional = arguments
            .iter()
            .find(|a| a.kind_id() != KINDS.keyword_argument)
            .copied();
        let keyword = |names: &[&str]| {
            arguments
                .iter()
                .find_map(|argument| keyword_value(*argument, self.source, names))
        };
        let keyword_names = arguments.iter().filter_map(|argument| {
            (argument.kind_id() == KINDS.keyword_argument)
                .then(|| argument.child_by_field_id(FIELDS.name))
                .flatten()
                .map(|name| text(name, self.source))
        });
        let (spec, restricts_writes) = if MOCK_FACTORIES.contains(&name) {
            // `Mock`'s first positional parameter is `spec`.
            match (keyword(&["spec_set"]), keyword(&["spec"]).or(positional)) {
                (Some(spec_set), _) => (spec_set, true),
                (None, Some(spec)) => (spec, false),
                (None, None) => return None,
            }
        } else if name == "create_autospec" {
            let spec_set =
                keyword(&["spec_set"]).is_some_and(|value| text(value, self.source) == "True");
            (keyword(&["spec"]).or(positional)?, spec_set)
        } else {
            return None;
        };
        let origin = self.class_ref(spec, scope)?;
        // Other keywords configure attributes (`Mock(spec=C, thread_id="t")`), as
        // `configure_mock` does.
        let preset = keyword_names
            .filter(|name| !MOCK_PARAMETERS.contains(name))
            .collect();
        Some(MockSpec {
            origin,
            restricts_writes,
            preset,
        })
    }

    /// The mock `expression` is when it is one: a name or `self.x` every instance-making binding
    /// of which is a mock of the class (a name that is a real instance on some path is an
    /// instance, as before).
    pub fn mock(&self, expression: Node<'a>, scope: ScopeId) -> Option<MockSpec<'a>> {
        let facts = match expression.kind_id() {
            kind if kind == KINDS.identifier => {
                self.scopes.lookup(scope, text(expression, self.source))?.1
            }
            kind if kind == KINDS.attribute => {
                let object = expression.child_by_field_id(FIELDS.object)?;
                if object.kind_id() != KINDS.identifier {
                    return None;
                }
                let class = self
                    .scopes
                    .class_of_self(scope, text(object, self.source))?;
                let name = text(expression.child_by_field_id(FIELDS.attribute)?, self.source);
                self.scopes.scopes[class].attributes.get(name)?
            }
            _ => return None,
        };
        // The mocks first (syntactic): most names bind none, and need no instance work.
        let mut mock: Option<MockSpec<'a>> = None;
        let mut others = Vec::new();
        for fact in facts {
            let mocked = match &fact.binding {
                Binding::Assigned { value } if value.kind_id() == KINDS.call => value
                    .child_by_field_id(FIELDS.function)
                    .and_then(|function| self.mock_of_class(*value, function, fact.scope)),
                _ => None,
            };
            match (mocked, mock.take()) {
                (Some(found), None) => mock = Some(found),
                (Some(found), Some(earlier)) => mock = Some(earlier.merge(found)),
                (None, earlier) => {
                    mock = earlier;
                    others.push(fact);
                }
            }
        }
        let mock = mock?;
        // A real instance on another path keeps the instance rules.
        let instance_elsewhere = others
            .into_iter()
            .any(|fact| self.facts_instance(std::slice::from_ref(fact), 0).is_some());
        (!instance_elsewhere).then_some(mock)
    }

    /// The class an annotation names, seeing through `Optional[...]`, `Union[..., None]`,
    /// `... | None` and string (forward-reference) annotations.
    pub fn annotation_class(&self, annotation: Node<'a>, scope: ScopeId) -> Option<ResolvesTo> {
        let mut node = annotation;
        for _ in 0..MAX_DEPTH {
            let kind = node.kind_id();
            if kind == KINDS.type_ || kind == KINDS.type_parameter {
                node = only_non_none(node)?;
            } else if kind == KINDS.identifier || kind == KINDS.attribute {
                return self.class_ref(node, scope);
            } else if kind == KINDS.string {
                return self.string_annotation_class(node, scope);
            } else if kind == KINDS.generic_type {
                let base = node.named_child(0)?;
                if !is_optional_or_union(text(base, self.source)) {
                    return None;
                }
                node = node.named_child(1)?;
            } else if kind == KINDS.subscript {
                let base = node.child_by_field_id(FIELDS.value)?;
                if !is_optional_or_union(text(base, self.source)) {
                    return None;
                }
                let mut cursor = node.walk();
                let arguments: Vec<Node<'a>> = node
                    .children_by_field_id(field(FIELDS.subscript), &mut cursor)
                    .collect();
                node = single_non_none(&arguments)?;
            } else if kind == KINDS.binary_operator || kind == KINDS.union_type {
                node = only_non_none(node)?;
            } else {
                return None;
            }
        }
        None
    }

    /// `"DeepAgentState"`, `"Optional[DeepAgentState]"`, `"st.DeepAgentState | None"`.
    fn string_annotation_class(&self, string: Node<'a>, scope: ScopeId) -> Option<ResolvesTo> {
        let mut cursor = string.walk();
        let mut content = None;
        for child in string.named_children(&mut cursor) {
            if child.kind_id() == KINDS.interpolation {
                return None; // an f-string is not a type
            }
            if child.kind_id() == KINDS.string_content {
                content = Some(child);
            }
        }
        let dotted = annotation_text_name(text(content?, self.source))?;
        match dotted.split_once('.') {
            None => self.name_class(dotted, scope),
            Some((first, rest)) => {
                let path = self.imported_path(scope, first)?.join(rest);
                class_of(self.oracle.resolve_path(&path))
            }
        }
    }

    fn merge(
        &self,
        facts: &[Fact<'a>],
        mut each: impl FnMut(&Fact<'a>) -> Option<ResolvesTo>,
    ) -> Option<ResolvesTo> {
        facts.iter().fold(None, |origin, fact| match each(fact) {
            Some(found) => Some(ResolvesTo::merge_option(origin, found)),
            None => origin,
        })
    }
}

fn class_of(resolution: SymbolResolution) -> Option<ResolvesTo> {
    resolution.class_source().map(|source| source.class)
}

/// The last name of a callee: `Mock` for `Mock`, `mock.Mock` and `unittest.mock.Mock`.
fn last_name<'s>(function: Node<'_>, source: &'s [u8]) -> Option<&'s str> {
    if function.kind_id() == KINDS.identifier {
        Some(text(function, source))
    } else if function.kind_id() == KINDS.attribute {
        Some(text(function.child_by_field_id(FIELDS.attribute)?, source))
    } else {
        None
    }
}

/// The value of a `name=value` argument when `name` is one of `names`.
fn keyword_value<'a>(argument: Node<'a>, source: &[u8], names: &[&str]) -> Option<Node<'a>> {
    if argument.kind_id() != KINDS.keyword_argument {
        return None;
    }
    let name = text(argument.child_by_field_id(FIELDS.name)?, source);
    names
        .contains(&name)
        .then(|| argument.child_by_field_id(FIELDS.value))
        .flatten()
}

/// `X` of an annotation `type[X]`, `Type[X]` or `typing.Type[X]` (a class value).
fn type_argument<'a>(annotation: Node<'a>, source: &[u8]) -> Option<Node<'a>> {
    let node = if annotation.kind_id() == KINDS.type_ {
        annotation.named_child(0)?
    } else {
        annotation
    };
    let kind = node.kind_id();
    let (base, argument) = if kind == KINDS.generic_type {
        let argument = node.named_child(1)?;
        let argument = if argument.kind_id() == KINDS.type_parameter {
            argument.named_child(0)?
        } else {
            argument
        };
        (node.named_child(0)?, argument)
    } else if kind == KINDS.subscript {
        (
            node.child_by_field_id(FIELDS.value)?,
            node.child_by_field_id(FIELDS.subscript)?,
        )
    } else {
        return None;
    };
    let argument = if argument.kind_id() == KINDS.type_ {
        argument.named_child(0)?
    } else {
        argument
    };
    matches!(text(base, source), "type" | "Type" | "typing.Type").then_some(argument)
}

fn is_optional_or_union(base: &str) -> bool {
    matches!(
        base.rsplit('.').next().unwrap_or(base).trim(),
        "Optional" | "Union"
    )
}

/// The one named child of `node` that is not `None` (`X | None`, `type_parameter(X, None)`).
fn only_non_none(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    single_non_none(&children)
}

fn single_non_none<'a>(nodes: &[Node<'a>]) -> Option<Node<'a>> {
    let mut rest = nodes.iter().filter(|n| !is_none(**n));
    let first = *rest.next()?;
    rest.next().is_none().then_some(first)
}

fn is_none(node: Node<'_>) -> bool {
    if node.kind_id() == KINDS.none {
        return true;
    }
    // `None` inside a `type` wrapper.
    node.kind_id() == KINDS.type_
        && node
            .named_child(0)
            .is_some_and(|c| c.kind_id() == KINDS.none)
}

/// The class name a string annotation names: `X`, `a.X`, `Optional[X]`, `Union[X, None]`,
/// `X | None`. `None` for anything else (`List[X]` holds no `X` itself).
fn annotation_text_name(annotation: &str) -> Option<&str> {
    let mut text = annotation.trim();
    for _ in 0..MAX_DEPTH {
        let generic = ["Optional[", "typing.Optional[", "Union[", "typing.Union["]
            .iter()
            .find_map(|prefix| text.strip_prefix(prefix))
            .and_then(|rest| rest.strip_suffix(']'));
        let parts: Vec<&str> = match generic {
            Some(inner) => split_top_level(inner, ','),
            None => split_top_level(text, '|'),
        };
        let mut names = parts
            .into_iter()
            .map(str::trim)
            .filter(|part| *part != "None");
        let single = names.next()?;
        if names.next().is_some() {
            return None;
        }
        if single == text {
            let is_dotted = single.split('.').all(crate::python::syntax::is_identifier);
            return is_dotted.then_some(single);
        }
        text = single;
    }
    None
}

/// Splits at `separator` outside brackets.
fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            c if c == separator && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::annotation_text_name;

    #[test]
    fn string_annotations_name_their_class() {
        assert_eq!(
            annotation_text_name("DeepAgentState"),
            Some("DeepAgentState")
        );
        assert_eq!(
            annotation_text_name(" Optional[DeepAgentState] "),
            Some("DeepAgentState")
        );
        assert_eq!(
            annotation_text_name("Union[None, st.DeepAgentState]"),
            Some("st.DeepAgentState")
        );
        assert_eq!(
            annotation_text_name("DeepAgentState | None"),
            Some("DeepAgentState")
        );
        assert_eq!(annotation_text_name("List[DeepAgentState]"), None);
        assert_eq!(annotation_text_name("Union[A, B]"), None);
        assert_eq!(annotation_text_name("not a type"), None);
    }
}
