//! Pass one over a file: its scopes and every name each scope binds.
//!
//! Python decides scope by binding, not by order: a name assigned anywhere in a function is local
//! to the whole function. So the facts are gathered first, per scope, and the checks resolve
//! names against them afterwards. Several bindings of one name in one scope (an import in `try`
//! and another in `except ImportError`) are all kept: the name may hold any of them.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::imports::{self, Import};
use super::module_path::{ModuleOfFile, ModulePath};
use super::syntax::{text, walk, Descend, Visitor, FIELDS, KINDS};

pub type ScopeId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    /// Comprehensions and generator expressions have their own scope for their loop variables.
    Comprehension,
}

/// How a name got its value.
#[derive(Clone, Debug)]
pub enum Binding<'a> {
    /// An import: the name refers to `target` (a module, or a name inside one).
    Import { target: ModulePath, site: Node<'a> },
    /// An annotation (`x: T`, `def f(x: T)`): the name holds a `T`.
    Annotated { annotation: Node<'a> },
    /// An assignment (`x = value`, a parameter default, a walrus): the name holds `value`.
    Assigned { value: Node<'a> },
    /// `def name(...)`: what calling it returns comes from its return annotation.
    Function { definition: Node<'a> },
    /// `class Name`: a class of this file, whose scope is `scope_of_node[definition.id()]`.
    Class { definition: Node<'a> },
    /// Anything else (loop variable, plain parameter): it shadows outer names.
    Other,
}

/// A binding together with the scope its right-hand side is evaluated in.
#[derive(Clone, Debug)]
pub struct Fact<'a> {
    pub binding: Binding<'a>,
    pub scope: ScopeId,
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// The name of the function or class (`run`, `<lambda>`); empty for the module and
    /// comprehensions. [`FileScopes::qualified_name`] joins them.
    pub name: &'a str,
    pub names: HashMap<&'a str, Vec<Fact<'a>>>,
    /// For a method: the name of its first parameter (`self`).
    pub self_name: Option<&'a str>,
    /// For a `@classmethod`: the name of its first parameter (`cls`), the class itself.
    pub cls_name: Option<&'a str>,
    /// For a class: what `self.<attribute>` is assigned in its methods and annotated in its body.
    pub attributes: HashMap<&'a str, Vec<Fact<'a>>>,
    /// For the module: `from M import *` statements, in source order.
    pub star_imports: Vec<(ModulePath, Node<'a>)>,
}

/// The scopes of one file. Scope 0 is the module.
#[derive(Debug)]
pub struct FileScopes<'a> {
    pub scopes: Vec<Scope<'a>>,
    /// The scope that a function, lambda, class or comprehension node opens, by node id.
    pub scope_of_node: HashMap<usize, ScopeId>,
}

pub const MODULE_SCOPE: ScopeId = 0;

impl<'a> FileScopes<'a> {
    /// Collects the scopes and bindings of a parsed file.
    pub fn collect(root: Node<'a>, source: &'a [u8], file: Option<&ModuleOfFile>) -> Self {
        let mut collector = Collector {
            source,
            file,
            scopes: vec![Scope::new(ScopeKind::Module, None, "")],
            scope_of_node: HashMap::new(),
            stack: vec![MODULE_SCOPE],
            static_functions: HashSet::new(),
            class_methods: HashSet::new(),
        };
        walk(root, &mut collector);
        FileScopes {
            scopes: collector.scopes,
            scope_of_node: collector.scope_of_node,
        }
    }

    /// Python's name lookup from `scope` outwards: the scope itself, then enclosing functions and
    /// the module; class bodies are only seen from directly inside them. Returns the scope that
    /// binds the name and its facts, or `None` when no scope does (a builtin, a star import).
    pub fn lookup(&self, scope: ScopeId, name: &str) -> Option<(ScopeId, &[Fact<'a>])> {
        let mut current = Some(scope);
        let mut first = true;
        while let Some(id) = current {
            let s = &self.scopes[id];
            if first || s.kind != ScopeKind::Class {
                if let Some(facts) = s.names.get(name) {
                    return Some((id, facts));
                }
            }
            first = false;
            current = s.parent;
        }
        None
    }

    /// The dotted name of a scope (`Agent.run`, `Agent.run.<lambda>`); empty for the module. Built
    /// when asked (a finding's scope), since storing it per scope costs O(depth^2) on deep nests.
    pub fn qualified_name(&self, scope: ScopeId) -> String {
        let mut names = Vec::new();
        let mut current = Some(scope);
        while let Some(id) = current {
            let name = self.scopes[id].name;
            if !name.is_empty() {
                names.push(name);
            }
            current = self.scopes[id].parent;
        }
        names.reverse();
        names.join(".")
    }

    /// The class `name` is inside `scope`, when `name` is the `cls` parameter of a classmethod
    /// (or of the classmethod enclosing a nested function).
    pub fn class_of_cls(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let (binding_scope, _) = self.lookup(scope, name)?;
        let method = &self.scopes[binding_scope];
        if method.cls_name != Some(name) {
            return None;
        }
        method.parent
    }

    /// The scope of the class of this file that `name` is in `scope`, when every binding of
    /// the name there is that one `class` statement.
    pub fn local_class(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let (_, facts) = self.lookup(scope, name)?;
        let mut class = None;
        for fact in facts {
            let Binding::Class { definition } = fact.binding else {
                return None;
            };
            class = self.scope_of_node.get(&definition.id()).copied();
        }
        class
    }

    /// The class whose instance `name` is inside `scope`, when `name` is the `self` parameter of a
    /// method (or of the method enclosing a nested function).
    pub fn class_of_self(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let (binding_scope, _) = self.lookup(scope, name)?;
        let method = &self.scopes[binding_scope];
        if method.self_name != Some(name) {
            return None;
        }
        method.parent
    }
}

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, parent: Option<ScopeId>, name: &'a str) -> Self {
        Scope {
            kind,
            parent,
            name,
            names: HashMap::new(),
            self_name: None,
            cls_name: None,
            attributes: HashMap::new(),
            star_imports: Vec::new(),
        }
    }
}

impl<'a> Visitor<'a> for Collector<'a, '_> {
    fn enter(&mut self, node: Node<'a>, _parent: Option<Node<'a>>) -> Descend {
        self.record(node);
        Descend::Yes
    }

    fn leave(&mut self, node: Node<'a>) {
        if self.scope_of_node.get(&node.id()) == self.stack.last() {
            self.stack.pop();
        }
    }
}

struct Collector<'a, 'f> {
    source: &'a [u8],
    file: Option<&'f ModuleOfFile>,
    scopes: Vec<Scope<'a>>,
    scope_of_node: HashMap<usize, ScopeId>,
    stack: Vec<ScopeId>,
    /// Functions decorated with `@staticmethod` / `@classmethod`, by node id.
    static_functions: HashSet<usize>,
    /// Functions decorated with `@classmethod`, by node id.
    class_methods: HashSet<usize>,
}

impl<'a> Collector<'a, '_> {
    fn current(&self) -> ScopeId {
        *self.stack.last().expect("the module scope is never popped")
    }

    fn bind(&mut self, scope: ScopeId, name: &'a str, binding: Binding<'a>, evaluated_in: ScopeId) {
        if name.is_empty() {
            return;
        }
        self.scopes[scope]
            .names
            .entry(name)
            .or_default()
            .push(Fact {
                binding,
                scope: evaluated_in,
            });
    }

    fn bind_here(&mut self, name: &'a str, binding: Binding<'a>) {
        let scope = self.current();
        self.bind(scope, name, binding, scope);
    }

    /// Opens a scope for `node`; returns its id.
    fn open(&mut self, node: Node<'a>, kind: ScopeKind, name: &'a str) -> ScopeId {
        let parent = self.current();
        let id = self.scopes.len();
        self.scopes.push(Scope::new(kind, Some(parent), name));
        self.scope_of_node.insert(node.id(), id);
        self.stack.push(id);
        id
    }

    /// Records what `node` binds, opening a scope for functions, lambdas, classes and comprehensions.
    fn record(&mut self, node: Node<'a>) {
        let kinds = &*KINDS;
        let kind = node.kind_id();
        if kind == kinds.function_definition {
            self.function(node);
        } else if kind == kinds.lambda {
            self.open(node, ScopeKind::Function, "<lambda>");
            if let Some(parameters) = node.child_by_field_id(FIELDS.parameters) {
                self.parameters(parameters, None);
            }
        } else if kind == kinds.class_definition {
            let name = node
                .child_by_field_id(FIELDS.name)
                .map_or("", |n| text(n, self.source));
            self.bind_here(name, Binding::Class { definition: node });
            self.open(node, ScopeKind::Class, name);
        } else if kind == kinds.list_comprehension
            || kind == kinds.set_comprehension
            || kind == kinds.dictionary_comprehension
            || kind == kinds.generator_expression
        {
            self.open(node, ScopeKind::Comprehension, "");
        } else if kind == kinds.decorated_definition {
            self.decorated(node);
        } else if kind == kinds.import_statement || kind == kinds.import_from_statement {
            self.import(node);
        } else if kind == kinds.assignment {
            self.assignment(node);
        } else if kind == kinds.augmented_assignment
            || kind == kinds.for_statement
            || kind == kinds.for_in_clause
        {
            if let Some(left) = node.child_by_field_id(FIELDS.left) {
                self.bind_targets(left);
            }
        } else if kind == kinds.as_pattern_target {
            self.bind_targets(node);
        } else if kind == kinds.named_expression {
            if let (Some(name), Some(value)) = (
                node.child_by_field_id(FIELDS.name),
                node.child_by_field_id(FIELDS.value),
            ) {
                self.bind_here(text(name, self.source), Binding::Assigned { value });
            }
        }
    }

    fn function(&mut self, node: Node<'a>) {
        let name = node
            .child_by_field_id(FIELDS.name)
            .map_or("", |n| text(n, self.source));
        self.bind_here(name, Binding::Function { definition: node });
        let enclosing = self.current();
        let in_class = self.scopes[enclosing].kind == ScopeKind::Class;
        let is_method = in_class && !self.static_functions.contains(&node.id());
        let is_class_method = in_class && self.class_methods.contains(&node.id());
        let scope = self.open(node, ScopeKind::Function, name);
        if let Some(parameters) = node.child_by_field_id(FIELDS.parameters) {
            self.parameters(parameters, is_method.then_some(enclosing));
            if is_class_method {
                self.scopes[scope].cls_name = first_parameter(parameters, self.source);
            }
        }
    }

    /// Remembers a function decorated with `@staticmethod` or `@classmethod`: it has no `self`.
    /// (Recorded when the decorated definition is entered, before the function itself.)
    fn decorated(&mut self, decorated: Node<'a>) {
        let Some(definition) = decorated.child_by_field_id(FIELDS.definition) else {
            return;
        };
        for decorator in decorator_names(decorated, self.source) {
            if matches!(decorator, "staticmethod" | "classmethod") {
                self.static_functions.insert(definition.id());
            }
            if decorator == "classmethod" {
                self.class_methods.insert(definition.id());
            }
        }
    }

    /// Binds the parameters of the function (or lambda) whose scope is current. For a method
    /// (`class_scope` is its class) the first positional parameter is `self`.
    fn parameters(&mut self, parameters: Node<'a>, class_scope: Option<ScopeId>) {
        let kinds = &*KINDS;
        let scope = self.current();
        let enclosing = self.scopes[scope].parent.unwrap_or(MODULE_SCOPE);
        let mut first_positional = class_scope.is_some();
        let mut cursor = parameters.walk();
        for parameter in parameters.named_children(&mut cursor) {
            let kind = parameter.kind_id();
            let (name, binding) = if kind == kinds.identifier {
                (Some(parameter), Binding::Other)
            } else if kind == kinds.typed_parameter {
                let name = parameter
                    .named_child(0)
                    .filter(|n| n.kind_id() == kinds.identifier);
                match parameter.child_by_field_id(FIELDS.type_) {
                    Some(annotation) if name.is_some() => (name, Binding::Annotated { annotation }),
                    _ => (name, Binding::Other),
                }
            } else if kind == kinds.typed_default_parameter {
                let name = parameter.child_by_field_id(FIELDS.name);
                match parameter.child_by_field_id(FIELDS.type_) {
                    Some(annotation) => (name, Binding::Annotated { annotation }),
                    None => (name, Binding::Other),
                }
            } else if kind == kinds.default_parameter {
                let name = parameter.child_by_field_id(FIELDS.name);
                match parameter.child_by_field_id(FIELDS.value) {
                    Some(value) => (name, Binding::Assigned { value }),
                    None => (name, Binding::Other),
                }
            } else if kind == kinds.list_splat_pattern || kind == kinds.dictionary_splat_pattern {
                first_positional = false;
                (parameter.named_child(0), Binding::Other)
            } else {
                (None, Binding::Other)
            };
            let Some(name) = name else { continue };
            let name = text(name, self.source);
            if first_positional {
                self.scopes[scope].self_name = Some(name);
                first_positional = false;
            }
            // Defaults are evaluated where the function is defined; annotations of parameters
            // name classes visible there too.
            self.bind(scope, name, binding, enclosing);
        }
    }

    fn import(&mut self, node: Node<'a>) {
        match imports::decode(node, self.source, self.file) {
            Some(Import::Names(names)) => {
                for name in names {
                    self.bind_here(
                        name.local_name,
                        Binding::Import {
                            target: name.target,
                            site: name.site,
                        },
                    );
                }
            }
            Some(Import::Star { module, site }) => {
                let scope = self.current();
                self.scopes[scope].star_imports.push((module, site));
            }
            None => {}
        }
    }

    fn assignment(&mut self, node: Node<'a>) {
        let Some(left) = node.child_by_field_id(FIELDS.left) else {
            return;
        };
        let binding = match (
            node.child_by_field_id(FIELDS.type_),
            node.child_by_field_id(FIELDS.right),
        ) {
            (Some(annotation), _) => Binding::Annotated { annotation },
            (None, Some(value)) => Binding::Assigned { value },
            (None, None) => Binding::Other,
        };
        let scope = self.current();
        if left.kind_id() == KINDS.identifier {
            let name = text(left, self.source);
            if self.scopes[scope].kind == ScopeKind::Class {
                // A class-body field (`state: DeepAgentState`) is what `self.state` holds.
                self.scopes[scope]
                    .attributes
                    .entry(name)
                    .or_default()
                    .push(Fact {
                        binding: binding.clone(),
                        scope,
                    });
            }
            self.bind(scope, name, binding, scope);
        } else if left.kind_id() == KINDS.attribute {
            self.self_attribute(left, binding, scope);
        } else {
            self.bind_targets(left);
        }
    }

    /// `self.x = value` inside a method: `self.x` holds `value` in every method of the class.
    fn self_attribute(&mut self, target: Node<'a>, binding: Binding<'a>, scope: ScopeId) {
        let (Some(object), Some(attribute)) = (
            target.child_by_field_id(FIELDS.object),
            target.child_by_field_id(FIELDS.attribute),
        ) else {
            return;
        };
        if object.kind_id() != KINDS.identifier {
            return;
        }
        let object_name = text(object, self.source);
        // `self` is bound in an enclosing method scope, found through the stack (the scopes
        // are still being collected, so `FileScopes::class_of_self` cannot be used yet).
        let class = self.stack.iter().rev().find_map(|&id| {
            let s = &self.scopes[id];
            (s.self_name == Some(object_name))
                .then_some(s.parent)
                .flatten()
        });
        if let Some(class) = class {
            let name = text(attribute, self.source);
            self.scopes[class]
                .attributes
                .entry(name)
                .or_default()
                .push(Fact { binding, scope });
        }
    }

    /// Binds every plain name in an assignment or loop target (`a`, `a, b`, `(a, [b, *c])`) as
    /// `Other`: we do not track values through unpacking.
    fn bind_targets(&mut self, target: Node<'a>) {
        let kinds = &*KINDS;
        let mut pending = vec![target];
        while let Some(node) = pending.pop() {
            let kind = node.kind_id();
            if kind == kinds.identifier {
                self.bind_here(text(node, self.source), Binding::Other);
            } else if kind == kinds.pattern_list
                || kind == kinds.tuple_pattern
                || kind == kinds.list_pattern
                || kind == kinds.list_splat_pattern
                || kind == kinds.as_pattern_target
                || kind == kinds.parenthesized_expression
            {
                let mut cursor = node.walk();
                pending.extend(node.named_children(&mut cursor));
            }
        }
    }
}

/// The last names of a decorated definition's decorators: `property` for `@property`,
/// `cached_property` for `@functools.cached_property`, `setter` for `@x.setter`.
pub fn decorator_names<'s>(decorated: Node<'_>, source: &'s [u8]) -> Vec<&'s str> {
    let mut cursor = decorated.walk();
    decorated
        .children(&mut cursor)
        .filter(|child| child.kind_id() == KINDS.decorator)
        .map(|decorator| {
            let written = text(decorator, source).trim_start_matches('@').trim();
            let callee = written.split('(').next().unwrap_or(written).trim();
            callee.rsplit('.').next().unwrap_or(callee).trim()
        })
        .collect()
}

/// The name of a function's first parameter, when it is a plain or annotated name.
fn first_parameter<'a>(parameters: Node<'_>, source: &'a [u8]) -> Option<&'a str> {
    let first = parameters.named_child(0)?;
    let kind = first.kind_id();
    let name = if kind == KINDS.identifier {
        first
    } else if kind == KINDS.typed_parameter {
        first.named_child(0)?
    } else if kind == KINDS.default_parameter || kind == KINDS.typed_default_parameter {
        first.child_by_field_id(FIELDS.name)?
    } else {
        return None;
    };
    (name.kind_id() == KINDS.identifier).then(|| text(name, source))
}
