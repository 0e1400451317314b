//! The visitor: walks a parsed file once per migration, keeps the scope stack, and reports
//! what each import, attribute, call and name it meets amounts to.

use std::collections::BTreeSet;

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
use crate::python::syntax::{plain_string, text, Descend, Visitor, FIELDS, KINDS};
use crate::python::{ModuleOfFile, ModulePath};

/// The builtins that reach a member by name: `getattr(x, "m")` and friends.
pub(super) const REFLECTION_BUILTINS: [&str; 4] = ["getattr", "hasattr", "setattr", "delattr"];

/// A binding of the symbol from the deprecated or SSOT module, in source order.
struct SymbolBinding {
    origin: ResolvesTo,
    location: Location,
}

pub(super) struct Checker<'a, 'p> {
    resolver: Resolver<'a, 'p>,
    scopes: &'p FileScopes<'a>,
    source: &'a [u8],
    positions: Option<&'p LineStarts>,
    columns: CharColumns<'a>,
    migration: &'p MigrationOracle,
    module: Option<&'p ModuleOfFile>,
    stack: Vec<ScopeId>,
    findings: Vec<Finding>,
    bindings: Vec<SymbolBinding>,
    /// Names used that no scope binds: the module's star imports provide them, if anything does.
    star_names: BTreeSet<&'a str>,
}

impl<'a> Visitor<'a> for Checker<'a, '_> {
    fn enter(&mut self, node: Node<'a>, parent: Option<Node<'a>>) -> Descend {
        if let Some(&scope) = self.scopes.scope_of_node.get(&node.id()) {
            self.stack.push(scope);
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
        }
        Descend::Yes
    }

    fn leave(&mut self, node: Node<'a>) {
        if self.scopes.scope_of_node.contains_key(&node.id()) {
            self.stack.pop();
        }
    }
}

impl<'a, 'p> Checker<'a, 'p> {
    pub(super) fn new(
        scopes: &'p FileScopes<'a>,
        source: &'a [u8],
        positions: Option<&'p LineStarts>,
        module: Option<&'p ModuleOfFile>,
        migration: &'p MigrationOracle,
    ) -> Self {
        Checker {
            resolver: Resolver::new(scopes, source, migration),
            scopes,
            source,
            positions,
            columns: CharColumns::new(source),
            migration,
            module,
            stack: vec![MODULE_SCOPE],
            findings: Vec::new(),
            bindings: Vec::new(),
            star_names: BTreeSet::new(),
        }
    }

    pub(super) fn resolver(&self) -> &Resolver<'a, 'p> {
        &self.resolver
    }

    /// The findings once the whole file has been walked (unsorted, suppressions not applied),
    /// and where the file's bindings of the symbol come from.
    pub(super) fn finish(mut self) -> (Vec<Finding>, Option<ResolvesTo>) {
        self.star_imports();
        self.mixed_sources();
        let resolves_to = self
            .bindings
            .iter()
            .map(|binding| binding.origin)
            .reduce(ResolvesTo::merge);
        (self.findings, resolves_to)
    }

    fn scope(&self) -> ScopeId {
        *self.stack.last().expect("the module scope is never popped")
    }

    fn symbol(&self) -> &str {
        &self.migration.rule.symbol
    }

    fn import(&mut self, node: Node<'a>) {
        let Some(Import::Names(names)) = imports::decode(node, self.source, self.module) else {
            return; // star imports are judged once the whole file has been seen
        };
        for name in names {
            let Some((module, imported)) = name.target.split_last() else {
                continue;
            };
            let resolution = self.migration.resolve(&module, imported);
            self.symbol_reference(
                name.site,
                &module,
                imported,
                resolution,
                ReferenceForm::Import,
            );
        }
    }

    /// Reports what one reference to `module.name` resolves to, when it is the class (under its
    /// own name or an alias) or the class's name in a module that does not define it.
    fn symbol_reference(
        &mut self,
        site: Node<'a>,
        module: &ModulePath,
        name: &str,
        resolution: SymbolResolution,
        form: ReferenceForm,
    ) {
        // Most imported names are something else: nothing to format or locate for them.
        if resolution == SymbolResolution::NotTheClass {
            return;
        }
        let symbol = if name == self.symbol() {
            format!("`{name}`")
        } else {
            format!("`{name}` (`{}` under another name)", self.symbol())
        };
        let location = self.location(site);
        match resolution {
            SymbolResolution::Class(source) => {
                let origin = source.via;
                self.bindings.push(SymbolBinding { origin, location });
                if origin == ResolvesTo::Ssot {
                    return;
                }
                let via = if self.migration.rule.is_deprecated(module) {
                    format!("deprecated module `{module}`")
                } else {
                    format!("`{module}`, which re-exports the deprecated class")
                };
                let message = match form {
                    ReferenceForm::Import => format!("{symbol} is imported from {via}"),
                    ReferenceForm::Attribute => format!(
                        "`{}` refers to {symbol} from {via}",
                        text(site, self.source)
                    ),
                    ReferenceForm::Star => {
                        format!("`from {module} import *` binds {symbol} from {via}")
                    }
                };
                self.report(
                    Code::DeprecatedImport,
                    Severity::Warning,
                    location,
                    message,
                    Some(self.ssot_help()),
                    None,
                    None,
                );
            }
            SymbolResolution::Undefined => {
                let message = format!(
                    "{symbol} is imported from `{module}`, which does not define it (ImportError)"
                );
                self.report(
                    Code::UnresolvedImport,
                    Severity::Error,
                    location,
                    message,
                    Some(self.ssot_help()),
                    None,
                    None,
                );
            }
            SymbolResolution::NotTheClass => {} // returned above
        }
    }

    fn ssot_help(&self) -> String {
        format!(
            "import it from the SSOT module: `from {} import {}`",
            self.migration.rule.ssot,
            self.symbol()
        )
    }

    fn attribute(&mut self, node: Node<'a>, parent: Option<Node<'a>>) {
        let (Some(object), Some(member_node)) = (
            node.child_by_field_id(FIELDS.object),
            node.child_by_field_id(FIELDS.attribute),
        ) else {
            return;
        };
        let member = text(member_node, self.source);
        let scope = self.scope();
        // `state.DeepAgentState` after `from netra_backend.app.agents import state`, or a
        // re-exported alias of the class reached the same way.
        let reference = self
            .resolver
            .import_path(node, scope)
            .and_then(|path| {
                let (module, _) = path.split_last()?;
                Some((self.migration.resolve(&module, member), module))
            })
            .filter(|(resolution, _)| member == self.symbol() || resolution.is_class());
        if let Some((resolution, module)) = reference {
            self.symbol_reference(node, &module, member, resolution, ReferenceForm::Attribute);
        } else if member != self.symbol() && self.migration.interface.risky_members.contains(member)
        {
            let origin = self
                .resolver
                .instance(object, scope)
                .or_else(|| self.resolver.class_ref(object, scope));
            if let Some(origin) = origin {
                let access = Access::of_attribute(node, parent);
                self.missing_member(node, object, member, origin, access);
            }
        }
    }

    fn missing_member(
        &mut self,
        site: Node<'a>,
        receiver: Node<'a>,
        member: &str,
        origin: ResolvesTo,
        access: Access,
    ) {
        let receiver_text = receiver_text(receiver, self.source);
        let severity = origin.access_severity();
        let consequence = match severity {
            Severity::Error => "raises AttributeError",
            _ => "will raise AttributeError once this file uses the SSOT class",
        };
        let message = format!(
            "{} `{member}` on `{receiver_text}`: the SSOT `{}` has no `{member}`; this {consequence}",
            access.verb(),
            self.symbol(),
        );
        let help = self.member_help(member);
        self.report(
            Code::MissingMember,
            severity,
            self.location(site),
            message,
            Some(help),
            Some(member),
            Some(receiver_text),
        );
    }

    fn member_help(&self, member: &str) -> String {
        match self.migration.rule.renames.get(member) {
            Some(renamed) => format!("the SSOT class calls it `{renamed}`: use `{renamed}` instead of `{member}`"),
            None => format!(
                "`{}.{}` has no `{member}`: move this logic off the state object or add `{member}` to the SSOT class",
                self.migration.rule.ssot,
                self.symbol()
            ),
        }
    }

    fn call(&mut self, node: Node<'a>) {
        let (Some(function), Some(arguments)) = (
            node.child_by_field_id(FIELDS.function),
            node.child_by_field_id(FIELDS.arguments),
        ) else {
            return;
        };
        let scope = self.scope();
        if function.kind_id() == KINDS.identifier {
            let name = text(function, self.source);
            if REFLECTION_BUILTINS.contains(&name) && self.scopes.lookup(scope, name).is_none() {
                self.reflection(node, name, arguments, scope);
                return;
            }
        }
        if let Some(origin) = self.resolver.class_ref(function, scope) {
            self.constructor(function, arguments, origin);
        }
    }

    /// `getattr` / `hasattr` / `setattr` / `delattr` with a risky member name as a plain string.
    fn reflection(&mut self, call: Node<'a>, function: &str, arguments: Node<'a>, scope: ScopeId) {
        if arguments.kind_id() != KINDS.argument_list {
            return;
        }
        let mut cursor = arguments.walk();
        let positional: Vec<Node<'a>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_id() != KINDS.comment)
            .collect();
        let (Some(&receiver), Some(&name)) = (positional.first(), positional.get(1)) else {
            return;
        };
        let Some(member) = plain_string(name, self.source) else {
            return;
        };
        if !self.migration.interface.risky_members.contains(member) {
            return;
        }
        let Some(origin) = self
            .resolver
            .instance(receiver, scope)
            .or_else(|| self.resolver.class_ref(receiver, scope))
        else {
            return;
        };
        let access = match (function, positional.len()) {
            ("getattr", 2) => Access::Read,
            ("setattr", _) => Access::Write,
            ("delattr", _) => Access::Delete,
            _ => {
                let receiver_text = receiver_text(receiver, self.source);
                let message = match function {
                    "hasattr" => format!(
                        "`hasattr({receiver_text}, \"{member}\")` is always False on the SSOT `{}`, which has no `{member}`",
                        self.symbol()
                    ),
                    _ => format!(
                        "`getattr({receiver_text}, \"{member}\", ...)` always returns its default on the SSOT `{}`, which has no `{member}`",
                        self.symbol()
                    ),
                };
                let help = self.member_help(member);
                self.report(
                    Code::GuardedAccess,
                    Severity::Info,
                    self.location(call),
                    message,
                    Some(help),
                    Some(member),
                    Some(receiver_text),
                );
                return;
            }
        };
        self.missing_member(call, receiver, member, origin, access);
    }

    /// `DeepAgentState(thread_id=...)`: keywords only the deprecated class understands. The
    /// message names the callee as written (`legacy.DeepAgentState`, an alias).
    fn constructor(&mut self, callee: Node<'a>, arguments: Node<'a>, origin: ResolvesTo) {
        let callee = receiver_text(callee, self.source);
        let mut cursor = arguments.walk();
        let keywords: Vec<Node<'a>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_id() == KINDS.keyword_argument)
            .collect();
        for keyword in keywords {
            let Some(name) = keyword.child_by_field_id(FIELDS.name) else {
                continue;
            };
            let member = text(name, self.source);
            if !self.migration.interface.risky_members.contains(member) {
                continue;
            }
            let severity = origin.access_severity();
            let message = format!(
                "`{callee}({member}=...)`: the SSOT class silently drops `{member}` (pydantic ignores unknown fields)"
            );
            let help = self.member_help(member);
            self.report(
                Code::DroppedField,
                severity,
                self.location(keyword),
                message,
                Some(help),
                Some(member),
                None,
            );
        }
    }

    /// A name used but bound by no scope comes from the module's star imports, if from anywhere.
    fn identifier(&mut self, node: Node<'a>, parent: Option<Node<'a>>) {
        if self.scopes.scopes[MODULE_SCOPE].star_imports.is_empty() || !is_name_use(node, parent) {
            return;
        }
        let name = text(node, self.source);
        if self.scopes.lookup(self.scope(), name).is_none() {
            self.star_names.insert(name);
        }
    }

    /// SSOT001 at a star import that binds a name the file uses to the deprecated class.
    fn star_imports(&mut self) {
        let used = std::mem::take(&mut self.star_names);
        for (module, site) in &self.scopes.scopes[MODULE_SCOPE].star_imports {
            // The class's own name first, then aliases in name order: one finding per import.
            let found = used
                .iter()
                .filter(|name| **name == self.symbol())
                .chain(used.iter().filter(|name| **name != self.symbol()))
                .map(|name| (*name, self.migration.resolve_star(module, name)))
                .find(|(_, resolution)| resolution.is_class());
            if let Some((name, resolution)) = found {
                let site = site.parent().unwrap_or(*site);
                self.symbol_reference(site, module, name, resolution, ReferenceForm::Star);
            }
        }
    }

    /// SSOT005 at the first binding that makes the file bind both classes.
    fn mixed_sources(&mut self) {
        self.bindings
            .sort_by_key(|binding| binding.location.start_byte);
        let mut origin: Option<ResolvesTo> = None;
        let mut first_line = 0;
        let mut mixed_at = None;
        for binding in &self.bindings {
            if origin.is_none() {
                first_line = binding.location.line;
            }
            let merged = ResolvesTo::merge_option(origin, binding.origin);
            if merged == ResolvesTo::Both {
                mixed_at = Some(binding.location);
                break;
            }
            origin = Some(merged);
        }
        if let Some(location) = mixed_at {
            let message = format!(
                "this file binds `{}` from both the deprecated and the SSOT module (first binding on line {first_line})",
                self.symbol()
            );
            let help = format!("import it only from `{}`", self.migration.rule.ssot);
            self.report(
                Code::MixedSources,
                Severity::Warning,
                location,
                message,
                Some(help),
                None,
                None,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        code: Code,
        severity: Severity,
        location: Location,
        message: String,
        help: Option<String>,
        member: Option<&str>,
        receiver: Option<String>,
    ) {
        self.findings.push(Finding {
            migration: self.migration.id.clone(),
            code,
            severity,
            location,
            message,
            help,
            symbol: self.migration.rule.symbol.clone(),
            member: member.map(str::to_owned),
            receiver,
            scope: self.scopes.qualified_name(self.scope()),
            fingerprint: String::new(),
        });
    }

    fn location(&self, node: Node<'_>) -> Location {
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
}

#[derive(Clone, Copy)]
enum ReferenceForm {
    Import,
    Attribute,
    Star,
}

#[derive(Clone, Copy)]
enum Access {
    Read,
    Write,
    Delete,
}

impl Access {
    fn of_attribute<'t>(attribute: Node<'t>, parent: Option<Node<'t>>) -> Access {
        let Some(parent) = parent else {
            return Access::Read;
        };
        let kind = parent.kind_id();
        if kind == KINDS.delete_statement {
            Access::Delete
        } else if (kind == KINDS.assignment || kind == KINDS.augmented_assignment)
            && parent.child_by_field_id(FIELDS.left) == Some(attribute)
        {
            Access::Write
        } else {
            Access::Read
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Access::Read => "reads",
            Access::Write => "writes",
            Access::Delete => "deletes",
        }
    }
}

/// The receiver as written, on one line and at most 80 characters.
fn receiver_text(node: Node<'_>, source: &[u8]) -> String {
    let raw = String::from_utf8_lossy(&source[node.byte_range()]);
    let single_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match single_line.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &single_line[..cut]),
        None => single_line,
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
