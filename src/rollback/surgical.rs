//! The surgical rollback: switch only the class's import statements back to the deprecated
//! module, keeping every change made to the file after its migration. The result is a patch
//! against HEAD's version for `git apply`, and it is checked before it is offered: the patched
//! file must bind the class from the deprecated module only.

use std::path::Path;

use tree_sitter::Node;

use super::verdict::Verdicts;
use crate::finding::ResolvesTo;
use crate::project::{Project, SymbolResolution};
use crate::python::imports::{self, Import};
use crate::python::syntax::{field, parse, text, walk, Descend, Visitor, FIELDS, KINDS};
use crate::python::ModuleOfFile;

/// A patch that switches the import statements back.
#[derive(Clone, Debug)]
pub struct SurgicalPatch {
    /// A `git diff` patch against HEAD's version of the file.
    pub patch: String,
    /// The 1-based lines (in HEAD's version) of the import statements it switches.
    pub lines: Vec<usize>,
}

/// Builds the patch for `source` (HEAD's version of the file at `repo_path`); the error says why
/// there is none, in words for the engineer.
pub fn build(
    source: &[u8],
    repo_path: &str,
    module: Option<&ModuleOfFile>,
    project: &Project,
    verdicts: &Verdicts<'_>,
) -> Result<SurgicalPatch, String> {
    let original = std::str::from_utf8(source)
        .map_err(|_| "the file is not UTF-8; restore the whole file instead".to_owned())?;
    let tree = parse(source).ok_or_else(|| "the file cannot be parsed".to_owned())?;
    let mut collector = Statements::default();
    walk(tree.root_node(), &mut collector);

    let symbol = project.migration.symbol.as_str();
    let deprecated = project.migration.deprecated[0].as_str();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut lines = Vec::new();
    for statement in collector.statements {
        let Some(Import::Names(names)) = imports::decode(statement, source, module) else {
            continue;
        };
        let switched: Vec<Node<'_>> = names
            .iter()
            .filter(|name| {
                name.target.split_last().is_some_and(|(from, imported)| {
                    imported == symbol
                        && matches!(
                            project.resolve(&from),
                            SymbolResolution::Class(ResolvesTo::Ssot | ResolvesTo::Both)
                        )
                })
            })
            .map(|name| entry_of(name.site))
            .collect();
        if switched.is_empty() {
            continue;
        }
        let line = statement.start_position().row + 1;
        let statement_text = text(statement, source);
        // Import statements hold no strings, so a `#` is a comment we would have to move.
        if statement_text.contains('#') {
            return Err(format!(
                "the import statement on line {line} has a comment inside; switch it by hand"
            ));
        }
        let Some(module_node) = statement.child_by_field_id(FIELDS.module_name) else {
            continue;
        };
        let mut cursor = statement.walk();
        let entries: Vec<Node<'_>> = statement
            .children_by_field_id(field(FIELDS.name), &mut cursor)
            .collect();
        let kept: Vec<Node<'_>> = entries
            .iter()
            .filter(|entry| !switched.iter().any(|s| s.id() == entry.id()))
            .copied()
            .collect();
        if kept.is_empty() {
            edits.push((module_node.byte_range(), deprecated.to_owned()));
        } else {
            let list = |nodes: &[Node<'_>]| {
                nodes
                    .iter()
                    .map(|n| text(*n, source))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let line_start = original[..statement.start_byte()]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let lead = &original[line_start..statement.start_byte()];
            let separator = if lead.chars().all(|c| c == ' ' || c == '\t') {
                format!("\n{lead}")
            } else {
                "; ".to_owned()
            };
            edits.push((
                statement.byte_range(),
                format!(
                    "from {deprecated} import {}{separator}from {} import {}",
                    list(&switched),
                    text(module_node, source),
                    list(&kept)
                ),
            ));
        }
        lines.push(line);
    }
    if edits.is_empty() {
        return Err(format!(
            "no import statement binds `{symbol}` from the SSOT module (it comes in another way, \
             such as `module.{symbol}`); restore the whole file instead"
        ));
    }

    let mut patched = original.to_owned();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, replacement) in edits {
        patched.replace_range(range, &replacement);
    }
    let before = verdicts.outcome(source, repo_path);
    let after = verdicts.outcome(patched.as_bytes(), repo_path);
    if after.parse_error && !before.parse_error {
        return Err(
            "switching the imports would break the file's syntax; switch them by hand".to_owned(),
        );
    }
    if after.resolves_to != Some(ResolvesTo::Deprecated) {
        return Err(format!(
            "switching the import statements is not enough: the file also binds `{symbol}` from \
             the SSOT module another way (`module.{symbol}`, a star import); restore the whole \
             file or edit it by hand"
        ));
    }
    Ok(SurgicalPatch {
        patch: unified_diff(original, &patched, repo_path)?,
        lines,
    })
}

/// The import-list entry a name belongs to: `S` or `S as X`.
fn entry_of(site: Node<'_>) -> Node<'_> {
    match site.parent() {
        Some(parent) if parent.kind_id() == KINDS.aliased_import => parent,
        _ => site,
    }
}

/// A patch in `git diff` form (paths quoted the way git quotes them), for `git apply`.
fn unified_diff(old: &str, new: &str, path: &str) -> Result<String, String> {
    let failed = |e: git2::Error| format!("cannot build the patch: {}", e.message());
    let mut patch = git2::Patch::from_buffers(
        old.as_bytes(),
        Some(Path::new(path)),
        new.as_bytes(),
        Some(Path::new(path)),
        None,
    )
    .map_err(failed)?;
    let buf = patch.to_buf().map_err(failed)?;
    buf.as_str()
        .map(str::to_owned)
        .map_err(|_| "the patch is not UTF-8".to_owned())
}

/// Every `from ... import ...` statement, at any depth (imports inside functions count).
#[derive(Default)]
struct Statements<'t> {
    statements: Vec<Node<'t>>,
}

impl<'t> Visitor<'t> for Statements<'t> {
    fn enter(&mut self, node: Node<'t>) -> Descend {
        if node.kind_id() == KINDS.import_from_statement {
            self.statements.push(node);
            return Descend::No;
        }
        Descend::Yes
    }
}
