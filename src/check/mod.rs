//! Pass two over a file: the checks. Walks the tree once more, resolving each import, attribute
//! and call against the scopes of pass one, and reports findings.
//!
//! - this file: the per-file driver (whole parse, one visitor run per migration, suppressions
//!   applied, findings sorted);
//! - `sparse.rs`: which statements a sparse parse keeps;
//! - `context.rs`: the visitor and the context the rules report through;
//! - `suppression.rs`: `# ssot-guard: ignore[...]` comments;
//! - `rules/`: one file per finding code.

mod context;
pub(crate) mod rules;
mod sparse;
mod suppression;

use std::collections::HashMap;

use tree_sitter::Node;

use crate::finding::{Finding, ResolvesTo};
use crate::migration::MigrationOracle;
use crate::python::resolve::Resolver;
use crate::python::scopes::{Binding, Fact, FileScopes, MODULE_SCOPE};
use crate::python::sparse::LineStarts;
use crate::python::syntax::{parse, python_line_ends, text, walk, FIELDS, KINDS};
use crate::python::ModuleOfFile;

use context::Checker;
pub use sparse::check_source_sparse;
use suppression::{suppression_comments, Suppression};

/// What checking one file found, for each migration it was checked against.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// tree-sitter had to recover from a syntax error; findings inside the broken part are lost.
    pub parse_error: bool,
    /// One per migration, in the order the migrations were given.
    pub migrations: Vec<MigrationOutcome>,
}

/// What checking one file found for one migration.
#[derive(Debug, Default)]
pub struct MigrationOutcome {
    /// Where the file's bindings of the symbol come from, `None` when it binds none.
    pub resolves_to: Option<ResolvesTo>,
    /// Sorted by position; suppressed findings are already removed.
    pub findings: Vec<Finding>,
    /// Module-level names other than the symbol that the file binds to the class: where the file
    /// is a module, other files may import the class under these names.
    pub class_aliases: Vec<String>,
    /// Module-level functions of the file (its own `def`s, and those it imports) that return an
    /// instance: other files that call one hold an instance without naming the class.
    pub factories: Vec<String>,
}

impl FileOutcome {
    /// A file that could not be parsed at all: nothing found for any migration.
    fn unparsed(migrations: usize) -> FileOutcome {
        FileOutcome {
            parse_error: true,
            migrations: (0..migrations)
                .map(|_| MigrationOutcome::default())
                .collect(),
        }
    }
}

/// Checks one file's source against each migration, parsing all of it once. `module` is the
/// module the file defines (for relative imports).
pub fn check_source(
    source: &[u8],
    module: Option<&ModuleOfFile>,
    migrations: &[&MigrationOracle],
) -> FileOutcome {
    check_whole(&python_line_ends(source), module, migrations)
}

/// [`check_source`] on a source whose line ends are already Python's.
fn check_whole(
    source: &[u8],
    module: Option<&ModuleOfFile>,
    migrations: &[&MigrationOracle],
) -> FileOutcome {
    crate::stats::count_whole_parse();
    let Some(tree) = parse(source) else {
        return FileOutcome::unparsed(migrations.len());
    };
    let root = tree.root_node();
    let scopes = FileScopes::collect(root, source, module);
    let suppressions = suppression_comments(source, root, source);
    check_tree(
        root,
        &scopes,
        source,
        None,
        module,
        migrations,
        &suppressions,
    )
}

/// Runs every migration's checks over one parsed tree.
fn check_tree(
    root: Node<'_>,
    scopes: &FileScopes<'_>,
    source: &[u8],
    positions: Option<&LineStarts>,
    module: Option<&ModuleOfFile>,
    migrations: &[&MigrationOracle],
    suppressions: &HashMap<usize, Suppression>,
) -> FileOutcome {
    FileOutcome {
        parse_error: root.has_error(),
        migrations: migrations
            .iter()
            .map(|migration| {
                run_checks(
                    root,
                    scopes,
                    source,
                    positions,
                    module,
                    migration,
                    suppressions,
                )
            })
            .collect(),
    }
}

/// The checks over a parsed file. `positions` maps rows and columns back to byte offsets in the
/// original file when `source` is a sparse copy of it.
fn run_checks(
    root: Node<'_>,
    scopes: &FileScopes<'_>,
    source: &[u8],
    positions: Option<&LineStarts>,
    module: Option<&ModuleOfFile>,
    migration: &MigrationOracle,
    suppressions: &HashMap<usize, Suppression>,
) -> MigrationOutcome {
    let mut checker = Checker::new(scopes, source, positions, module, migration);
    walk(root, &mut checker);
    let class_aliases = class_aliases(scopes, source, migration, checker.resolver());
    let factories = factories(scopes, migration, checker.resolver());
    let (mut findings, resolves_to) = checker.finish();
    findings.retain(|finding| {
        !suppressions
            .get(&finding.location.line)
            .is_some_and(|suppression| suppression.covers(finding.code))
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    MigrationOutcome {
        resolves_to,
        findings,
        class_aliases,
        factories,
    }
}

/// Module-level names the file binds to a function that returns an instance, sorted.
fn factories<'a>(
    scopes: &FileScopes<'a>,
    migration: &MigrationOracle,
    resolver: &Resolver<'a, '_>,
) -> Vec<String> {
    let mut factories: Vec<String> = scopes.scopes[MODULE_SCOPE]
        .names
        .iter()
        .filter(|(_, facts)| {
            facts.iter().any(|fact| match &fact.binding {
                Binding::Function { .. } => resolver.declared_return(fact).is_some(),
                Binding::Import { target, .. } => migration.function_returns(target).is_some(),
                _ => false,
            })
        })
        .map(|(name, _)| (*name).to_owned())
        .collect();
    factories.sort_unstable();
    factories
}

/// Module-level names other than the symbol that the file binds to the class, sorted.
fn class_aliases<'a>(
    scopes: &FileScopes<'a>,
    source: &[u8],
    migration: &MigrationOracle,
    resolver: &Resolver<'a, '_>,
) -> Vec<String> {
    let mut aliases: Vec<String> = scopes.scopes[MODULE_SCOPE]
        .names
        .iter()
        .filter(|(name, _)| !migration.rule.names_class(name))
        .filter(|(name, facts)| {
            resolver.name_class(name, MODULE_SCOPE).is_some()
                || facts
                    .iter()
                    .any(|fact| names_the_symbol(fact, source, &migration.rule))
        })
        .map(|(name, _)| (*name).to_owned())
        .collect();
    aliases.sort_unstable();
    aliases
}

/// `Alias = DeepAgentState` (or `= m.DeepAgentState`): in the module that defines the class the
/// file's own scopes see a class definition, not the class, yet other modules import the alias.
/// A candidate only: the scan keeps the aliases the project resolves to the class.
fn names_the_symbol(fact: &Fact<'_>, source: &[u8], rule: &crate::rules::Migration) -> bool {
    let Binding::Assigned { value } = fact.binding else {
        return false;
    };
    let kind = value.kind_id();
    let last = if kind == KINDS.identifier {
        Some(value)
    } else if kind == KINDS.attribute {
        value.child_by_field_id(FIELDS.attribute)
    } else {
        None
    };
    last.is_some_and(|name| rule.names_class(text(name, source)))
}
