//! The visitor and what the rules see. [`Checker`] walks a parsed file once per migration, keeps
//! the scope stack, and decides what each import, attribute, call and name it meets is (a
//! reference to the class, a member access, a reflection call); the rules in [`super::rules`]
//! judge it and report through the [`Context`].

use std::collections::{BTreeSet, HashMap};

use tree_sitter::Node;

use crate::codes::Code;
use crate::finding::{Finding, Location, ResolvesTo, Severity};
use crate::migration::MigrationOracle;
use crate::python::columns::CharColumns;
use crate::python::imports::{self, Import};
use crate::python::oracle::SymbolResolution;
use crate::python::resolve::Resolver;
use crate::python::scopes::{FileScopes, ScopeId, MODULE_SCOPE};
use crate::python::sparse::LineStarts;
use crate::python::syntax::{plain_string, string_content, text, Descend, Visitor, FIELDS, KINDS};
use crate::python::{ModuleOfFile, ModulePath};

use super::rules::{
    deprecated_import, dropped_field, guarded_access, missing_member, mixed_sources,
    unresolved_import,
};

/// The builtins that reach a member by name: `getattr(x, "m")` and friends.
pub(crate) const REFLECTION_BUILTINS: [&str; 4] = ["getattr", "hasattr", "setattr", "delattr"];

/// What a rule sees of the file being checked, and where it reports.
pub(crate) struct Context<'a, 'p> {
    pub(crate) resolver: Resolver<'a, 'p>,
    pub(crate) scopes: &'p FileScopes<'a>,
    pub(crate) source: &'a [u8],
    pub(crate) migration: &'p MigrationOracle,
    positions: Option<&'p LineStarts>,
    columns: CharColumns<'a>,
    stack: Vec<ScopeId>,
    findings: Vec<Finding>,
    /// Attributes set on spec'd mocks so far, by scope, receiver as written and member: the
    /// end byte of the earliest statement that sets it (a read after it finds the attribute).
    mock_writes: HashMap<(ScopeId, &'a str, &'a str), usize>,
}

impl<'a> Context<'a, '_> {
    /// The scope the visitor is in.
    pub(crate) fn scope(&self) -> ScopeId {
        *self.stack.last().expect("the module scope is never popped")
    }

    /// Remembers that the statement ending at `end` sets `member` on the mock `receiver`.
    pub(crate) fn record_mock_write(&mut self, receiver: &'a str, member: &'a str, end: usize) {
        let key = (self.scope(), receiver, member);
        let earliest = self.mock_writes.entry(key).or_insert(end);
        *earliest = (*earliest).min(end);
    }

    /// Whether this scope set `member` on the mock `receiver` in a statement before `at`.
    pub(crate) fn mock_set_before(&self, receiver: &str, member: &str, at: usize) -> bool {
        self.mock_writes
            .get(&(self.scope(), receiver, member))
            .is_some_and(|&end| end <= at)
    }

    /// The migrated class's name.
    pub(crate) fn symbol(&self) -> &str {
        &self.migration.rule.symbol
    }

    pub(crate) fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.source)
    }

    /// Where `node` is in the original file (a sparse copy keeps rows and columns, not bytes).
    pub(crate) fn location(&self, node: Node<'_>) -> Location {
        let start = node.start_position();
        let end = node.end_position();
        let (start_byte, end_byte) = match self.positions {
            Some(lines) => (
                lines.offset(start.row, start.column),
                lines.offset(end.row, end.column),
            ),
            None => (node.start_byte(), node.end_byte()),
        };
        Location {
            line: start.row + 1,
            column: self.columns.column(node.start_byte(), start.column),
            end_line: end.row + 1,
            end_column: self.columns.column(node.end_byte(), end.column),
            start_byte,
            end_byte,
        }
    }

    /// Where the member's name is written in a finding's site: the attribute of `x.m`, the
    /// keyword of `m=...`, the text of the string in `getattr(x, "m")`.
    pub(crate) fn member_location(&self, site: Node<'_>) -> Option<Location> {
        let kind = site.kind_id();
        let name = if kind == KINDS.attribute {
            site.child_by_field_id(FIELDS.attribute)?
        } else if kind == KINDS.keyword_argument {
            site.child_by_field_id(FIELDS.name)?
        } else if kind == KINDS.call {
            let arguments = site.child_by_field_id(FIELDS.arguments)?;
            let mut cursor = arguments.walk();
            let string = arguments
                .named_children(&mut cursor)
                .filter(|a| a.kind_id() != KINDS.comment)
                .nth(1)?;
            string_content(string)?
        } else {
            return None;
        };
        Some(self.location(name))
    }

    /// Reports a finding in the current scope; the builder adds what else the rule knows.
    pub(crate) fn report(
        &mut self,
        code: Code,
        severity: Severity,
        location: Location,
        message: String,
    ) -> FindingBuilder<'_> {
        let scope = self.scopes.qualified_name(self.scope());
        self.findings.push(Finding {
            migration: self.migration.id.clone(),
            code,
            severity,
            location,
            message,
            help: None,
            symbol: self.migration.rule.symbol.clone(),
            member: None,
            receiver: None,
            scope,
            fingerprint: String::new(),
            member_span: None,
            through: None,
            fix: None,
        });
        FindingBuilder(self.findings.last_mut().expect("just pushed"))
    }
}

/// The finding [`Context::report`] just added, to complete.
pub(crate) struct FindingBuilder<'f>(&'f mut Finding);

impl FindingBuilder<'_> {
    pub(crate) fn help(self, help: String) -> Self {
        self.0.help = Some(help);
        self
    }

    /// The member of the class the finding is about.
    pub(crate) fn member(self, member: &str) -> Self {
        self.0.member = Some(member.to_owned());
        self
    }

    /// Where the member's name is written (see [`Finding::member_span`]).
    pub(crate) fn member_span(self, location: Option<Location>) -> Self {
        self.0.member_span = location.map(|l| l.start_byte..l.end_byte);
        self
    }

    /// The re-exporting module a reference goes through (see [`Finding::through`]).
    pub(crate) fn through(self, module: &str) -> Self {
        self.0.through = Some(module.to_owned());
        self
    }

    /// The expression whose member is accessed, as written.
    pub(crate) fn receiver(self, receiver: String) -> Self {
        self.0.receiver = Some(receiver);
        self
    }
}

/// A binding of the symbol from the deprecated or SSOT module.
pub(crate) struct SymbolBinding {
    pub(crate) origin: ResolvesTo,
    pub(crate) location: Location,
}

/// A reference to `module.name` that is the class (under its own name or an alias), or the
/// class's name in a project module that does not define it.
pub(crate) struct Reference<'r, 'a> {
    /// The imported name, the attribute (`state.DeepAgentState`) or the star import statement.
    pub(crate) site: Node<'a>,
    pub(crate) location: Location,
    pub(crate) module: &'r ModulePath,
    pub(crate) name: &'r str,
    /// Never [`SymbolResolution::NotTheClass`].
    pub(crate) resolution: SymbolResolution,
    pub(crate) form: ReferenceForm,
}

#[derive(Clone, Copy)]
pub(crate) enum ReferenceForm {
    Import,
    Attribute,
    Star,
}

/// `getattr` / `hasattr` / `setattr` / `delattr` (the builtins, not shadowed) on an instance of
/// the class, or the class, with a risky member name as a plain string.
pub(crate) struct Reflection<'a> {
    pub(crate) call: Node<'a>,
    /// One of [`REFLECTION_BUILTINS`].
    pub(crate) function: &'a str,
    pub(crate) receiver: Node<'a>,
    pub(crate) member: &'a str,
    pub(crate) origin: ResolvesTo,
    /// How many arguments the call has (`getattr(x, "m", None)`: 3).
    pub(crate) arguments: usize,
}

pub(crate) struct Checker<'a, 'p> {
    ctx: Context<'a, 'p>,
    module: Option<&'p ModuleOfFile>,
    bindings: Vec<SymbolBinding>,
    /// Names used that no scope binds: the module's star imports provide them, if anything does.
    star_names: BTreeSet<&'a str>,
}

impl<'a> Visitor<'a> for Checker<'a, '_> {
    fn enter(&mut self, node: Node<'a>, parent: Option<Node<'a>>) -> Descend {
        if let Some(&scope) = self.ctx.scopes.scope_of_node.get(&node.id()) {
            self.ctx.stack.push(scope);
        }
        let kind = node.kind_id();
        if kind == KINDS.import_statement || kind == KINDS.import_from_statement {
            self.import(node);
            return Descend::No;
        }
        if kind == KINDS.attribute {
            self.attribute(node, parent);
        } else if kind == KINDS.call {
            self.call(node);
        } else if kind == KINDS.identifier {
            self.identifier(node, parent);
        } else if kind == KINDS.string {
            // An f-string's interpolations are code: walked on.
            deprecated_import::string(&mut self.ctx, node);
        }
        Descend::Yes
    }

    fn leave(&mut self, node: Node<'a>) {
        if self.ctx.scopes.scope_of_node.contains_key(&node.id()) {
            self.ctx.stack.pop();
        }
    }
}

impl<'a, 'p> Checker<'a, 'p> {
    pub(crate) fn new(
        scopes: &'p FileScopes<'a>,
        source: &'a [u8],
        positions: Option<&'p LineStarts>,
        module: Option<&'p ModuleOfFile>,
        migration: &'p MigrationOracle,
    ) -> Self {
        Checker {
            ctx: Context {
                resolver: Resolver::new(scopes, source, migration),
                scopes,
                source,
                migration,
                positions,
                columns: CharColumns::new(source),
                stack: vec![MODULE_SCOPE],
                findings: Vec::new(),
                mock_writes: HashMap::new(),
            },
            module,
            bindings: Vec::new(),
            star_names: BTreeSet::new(),
        }
    }

    pub(crate) fn resolver(&self) -> &Resolver<'a, 'p> {
        &self.ctx.resolver
    }

    /// The findings once the whole file has been walked (unsorted, suppressions not applied),
    /// and where the file's bindings of the symbol come from.
    pub(crate) fn finish(mut self) -> (Vec<Finding>, Option<ResolvesTo>) {
        self.star_imports();
        self.bindings
            .sort_by_key(|binding| binding.location.start_byte);
        mixed_sources::check(&mut self.ctx, &self.bindings);
        let resolves_to = self
            .bindings
            .iter()
            .map(|binding| binding.origin)
            .reduce(ResolvesTo::merge);
        (self.ctx.findings, resolves_to)
    }

    fn import(&mut self, node: Node<'a>) {
        let Some(Import::Names(names)) = imports::decode(node, self.ctx.source, self.module) else {
            return; // star imports are judged once the whole file has been seen
        };
        for name in names {
            let Some((module, imported)) = name.target.split_last() else {
                continue;
            };
            let resolution = self.ctx.migration.resolve(&module, imported);
            self.symbol_reference(
                name.site,
                &module,
                imported,
                resolution,
                ReferenceForm::Import,
            );
        }
    }

    /// Hands one reference to `module.name` to the rules, when it is the class (under its own
    /// name or an alias) or the class's name in a module that does not define it.
    fn symbol_reference(
        &mut self,
        site: Node<'a>,
        module: &ModulePath,
        name: &str,
        resolution: SymbolResolution,
        form: ReferenceForm,
    ) {
        // Most imported names are something else: nothing to locate for them.
        if resolution == SymbolResolution::NotTheClass {
            return;
        }
        let reference = Reference {
            site,
            location: self.ctx.location(site),
            module,
            name,
            resolution,
            form,
        };
        if let Some(source) = resolution.class_source() {
            self.bindings.push(SymbolBinding {
                origin: source.via,
                location: reference.location,
            });
        }
        deprecated_import::check(&mut self.ctx, &reference);
        unresolved_import::check(&mut self.ctx, &reference);
    }

    fn attribute(&mut self, node: Node<'a>, parent: Option<Node<'a>>) {
        let (Some(object), Some(member_node)) = (
            node.child_by_field_id(FIELDS.object),
            node.child_by_field_id(FIELDS.attribute),
        ) else {
            return;
        };
        let member = self.ctx.text(member_node);
        let scope = self.ctx.scope();
        // `state.DeepAgentState` after `from netra_backend.app.agents import state`, or a
        // re-exported alias of the class reached the same way.
        let reference = self
            .ctx
            .resolver
            .import_path(node, scope)
            .and_then(|path| {
                let (module, _) = path.split_last()?;
                Some((self.ctx.migration.resolve(&module, member), module))
            })
            .filter(|(resolution, _)| {
                self.ctx.migration.rule.names_class(member) || resolution.is_class()
            });
        if let Some((resolution, module)) = reference {
            self.symbol_reference(node, &module, member, resolution, ReferenceForm::Attribute);
        } else {
            missing_member::attribute(&mut self.ctx, node, parent, object, member);
        }
    }

    fn call(&mut self, node: Node<'a>) {
        let (Some(function), Some(arguments)) = (
            node.child_by_field_id(FIELDS.function),
            node.child_by_field_id(FIELDS.arguments),
        ) else {
            return;
        };
        let scope = self.ctx.scope();
        if function.kind_id() == KINDS.identifier {
            let name = self.ctx.text(function);
            if REFLECTION_BUILTINS.contains(&name) && self.ctx.scopes.lookup(scope, name).is_none()
            {
                if let Some(reflection) = self.reflection(node, name, arguments, scope) {
                    missing_member::reflection(&mut self.ctx, &reflection);
                    guarded_access::reflection(&mut self.ctx, &reflection);
                }
                return;
            }
        }
        missing_member::configure_mock(&mut self.ctx, node, function, arguments);
        dropped_field::call(&mut self.ctx, function, arguments);
    }

    /// The reflection call `call` is, when its member is risky and its receiver the class or
    /// an instance of it.
    fn reflection(
        &self,
        call: Node<'a>,
        function: &'a str,
        arguments: Node<'a>,
        scope: ScopeId,
    ) -> Option<Reflection<'a>> {
        if arguments.kind_id() != KINDS.argument_list {
            return None;
        }
        let mut cursor = arguments.walk();
        let positional: Vec<Node<'a>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_id() != KINDS.comment)
            .collect();
        let (&receiver, &name) = (positional.first()?, positional.get(1)?);
        let member = plain_string(name, self.ctx.source)?;
        let interface = &self.ctx.migration.interface;
        if !interface.risky_members.contains(member)
            && !interface.mock_risky_members.contains(member)
        {
            return None;
        }
        let origin = self
            .ctx
            .resolver
            .instance(receiver, scope)
            .or_else(|| self.ctx.resolver.class_ref(receiver, scope))?;
        Some(Reflection {
            call,
            function,
            receiver,
            member,
            origin,
            arguments: positional.len(),
        })
    }

    /// A name used but bound by no scope comes from the module's star imports, if from anywhere.
    fn identifier(&mut self, node: Node<'a>, parent: Option<Node<'a>>) {
        if self.ctx.scopes.scopes[MODULE_SCOPE].star_imports.is_empty()
            || !is_name_use(node, parent)
        {
            return;
        }
        let name = self.ctx.text(node);
        if self.ctx.scopes.lookup(self.ctx.scope(), name).is_none() {
            self.star_names.insert(name);
        }
    }

    /// A reference at each star import that binds a name the file uses to the class.
    fn star_imports(&mut self) {
        let used = std::mem::take(&mut self.star_names);
        let symbol = self.ctx.symbol().to_owned();
        for (module, site) in &self.ctx.scopes.scopes[MODULE_SCOPE].star_imports {
            // The class's own name first, then aliases in name order: one finding per import.
            let found = used
                .iter()
                .filter(|name| **name == symbol)
                .chain(used.iter().filter(|name| **name != symbol))
                .map(|name| (*name, self.ctx.migration.resolve_star(module, name)))
                .find(|(_, resolution)| resolution.is_class());
            if let Some((name, resolution)) = found {
                let site = site.parent().unwrap_or(*site);
                self.symbol_reference(site, module, name, resolution, ReferenceForm::Star);
            }
        }
    }
}

/// An identifier that reads a variable: not a definition's name, a keyword argument's name or an
/// attribute's member name.
fn is_name_use<'t>(identifier: Node<'t>, parent: Option<Node<'t>>) -> bool {
    let Some(parent) = parent else {
        return true;
    };
    let kind = parent.kind_id();
    let is_field = |field| parent.child_by_field_id(field) == Some(identifier);
    !((kind == KINDS.attribute && is_field(FIELDS.attribute))
        || (kind == KINDS.keyword_argument && is_field(FIELDS.name))
        || ((kind == KINDS.function_definition || kind == KINDS.class_definition)
            && is_field(FIELDS.name))
        || kind == KINDS.parameters
        || kind == KINDS.typed_parameter)
}
