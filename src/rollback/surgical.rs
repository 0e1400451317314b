//! The surgical rollback: switch only the class's import statements back to the deprecated
//! module, keeping every change made to the file after its migration. The result is a patch
//! against HEAD's version for `git apply`, and it is checked before it is offered: the patched
//! file must bind the class from the deprecated module only.

use std::path::Path;

use tree_sitter::Node;

use crate::check::MigrationOutcome;
use crate::engine::{Engine, Parse};
use crate::finding::ResolvesTo;
use crate::fix::{apply, Edit};
use crate::python::imports::{self, Import};
use crate::python::oracle::SymbolResolution;
use crate::python::syntax::{field, parse, text, walk, Descend, Visitor, FIELDS, KINDS};

/// A patch that switches the import statements back.
#[derive(Clone, Debug)]
pub struct SurgicalPatch {
    /// A `git diff` patch against HEAD's version of the file.
    pub patch: String,
    /// The 1-based lines (in HEAD's version) of the import statements it switches.
    pub lines: Vec<usize>,
    /// The blob of the patched file: what the file holds once the patch is applied.
    pub blob: git2::Oid,
}

/// Builds the patch for `source` (HEAD's version of the file at `repo_path`, on disk at `file`),
/// judged by `engine` (which holds the one migration to undo); the error says why there is none,
/// in words for the engineer.
pub fn build(
    source: &[u8],
    repo_path: &str,
    file: Option<&Path>,
    engine: &Engine,
) -> Result<SurgicalPatch, String> {
    let file = file.ok_or_else(|| "the file is outside the project".to_owned())?;
    let switched = switch_imports(source, file, engine)?;
    let original = std::str::from_utf8(source).unwrap_or_default();
    let blob = git2::Oid::hash_object(git2::ObjectType::Blob, switched.text.as_bytes())
        .map_err(|e| format!("cannot hash the patched file: {}", e.message()))?;
    Ok(SurgicalPatch {
        patch: crate::fix::unified_diff(original, &switched.text, repo_path)?,
        lines: switched.lines,
        blob,
    })
}

/// The file with its import statements switched back.
#[derive(Debug)]
pub struct SwitchedImports {
    pub text: String,
    /// The 1-based lines of the statements switched.
    pub lines: Vec<usize>,
}

/// Rewrites every `from M import ...` that binds the class from the SSOT module (directly or
/// through a re-export, under its name or another: `from compat import AgentState` becomes
/// `from <deprecated> import DeepAgentState as AgentState`) to import it from the deprecated
/// module; other names of the statement stay imported from `M`. Checked with the engine: the
/// result must bind the class from the deprecated module only.
pub fn switch_imports(
    source: &[u8],
    file: &Path,
    engine: &Engine,
) -> Result<SwitchedImports, String> {
    let migration = engine.the_migration();
    let module = engine.workspace().module_of_file(file);
    let module = module.as_ref();
    let original = std::str::from_utf8(source)
        .map_err(|_| "the file is not UTF-8; restore the whole file instead".to_owned())?;
    let tree = parse(source).ok_or_else(|| "the file cannot be parsed".to_owned())?;
    let mut collector = Statements::default();
    walk(tree.root_node(), &mut collector);

    let symbol = migration.rule.symbol.as_str();
    let deprecated = migration.rule.deprecated[0].as_str();
    let mut edits: Vec<Edit> = Vec::new();
    let mut lines = Vec::new();
    for statement in collector.statements {
        let Some(Import::Names(names)) = imports::decode(statement, source, module) else {
            continue;
        };
        // Each entry to switch, with what it becomes: itself when it names the class, else
        // `Class as local`.
        let switched: Vec<(Node<'_>, String)> = names
            .iter()
            .filter(|name| {
                name.target.split_last().is_some_and(|(from, imported)| {
                    matches!(
                        migration.resolve(&from, imported),
                        SymbolResolution::Class(source)
                            if matches!(source.via, ResolvesTo::Ssot | ResolvesTo::Both)
                    )
                })
            })
            .map(|name| {
                let entry = entry_of(name.site);
                let imported = name
                    .target
                    .split_last()
                    .map(|(_, imported)| imported.to_owned());
                let written = if imported.as_deref() == Some(symbol) {
                    text(entry, source).to_owned()
                } else {
                    format!("{symbol} as {}", name.local_name)
                };
                (entry, written)
            })
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
            .filter(|entry| !switched.iter().any(|(s, _)| s.id() == entry.id()))
            .copied()
            .collect();
        let renamed = switched
            .iter()
            .any(|(entry, written)| text(*entry, source) != written);
        if kept.is_empty() && !renamed {
            edits.push(Edit::replace(module_node.byte_range(), deprecated));
        } else {
            let list = |nodes: &[Node<'_>]| {
                nodes
                    .iter()
                    .map(|n| text(*n, source))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let switched_list = switched
                .iter()
                .map(|(_, written)| written.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let line_start = original[..statement.start_byte()]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let lead = &original[line_start..statement.start_byte()];
            let separator = if lead.chars().all(|c| c == ' ' || c == '\t') {
                format!("\n{lead}")
            } else {
                "; ".to_owned()
            };
            let rest = if kept.is_empty() {
                String::new()
            } else {
                format!(
                    "{separator}from {} import {}",
                    text(module_node, source),
                    list(&kept)
                )
            };
            edits.push(Edit::replace(
                statement.byte_range(),
                format!("from {deprecated} import {switched_list}{rest}"),
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

    let patched = apply(original, &edits)
        .map_err(|_| "the import statements' edits overlap; switch them by hand".to_owned())?;
    let judge = |bytes: &[u8]| {
        engine
            .check(file, bytes, Parse::Whole)
            .ok()
            .map(|judged| {
                let parse_error = judged.outcome.parse_error;
                let outcome = judged.outcome.migrations.into_iter().next();
                (parse_error, outcome.unwrap_or_default())
            })
            .unwrap_or((false, MigrationOutcome::default()))
    };
    let before = judge(source);
    let after = judge(patched.as_bytes());
    if after.0 && !before.0 {
        return Err(
            "switching the imports would break the file's syntax; switch them by hand".to_owned(),
        );
    }
    if after.1.resolves_to != Some(ResolvesTo::Deprecated) {
        return Err(format!(
            "switching the import statements is not enough: the file also binds `{symbol}` from \
             the SSOT module another way (`module.{symbol}`, a star import); restore the whole \
             file or edit it by hand"
        ));
    }
    Ok(SwitchedImports {
        text: patched,
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

/// Every `from ... import ...` statement, at any depth (imports inside functions count).
#[derive(Default)]
struct Statements<'t> {
    statements: Vec<Node<'t>>,
}

impl<'t> Visitor<'t> for Statements<'t> {
    fn enter(&mut self, node: Node<'t>, _parent: Option<Node<'t>>) -> Descend {
        if node.kind_id() == KINDS.import_from_statement {
            self.statements.push(node);
            return Descend::No;
        }
        Descend::Yes
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rules::load_rules;
    use crate::workspace::{Sources, Workspace};

    /// The bundled example back end: both class definitions, and `registry` re-exporting the SSOT
    /// class.
    fn engine() -> (Engine, std::path::PathBuf) {
        let migration = load_rules(&[]).unwrap().remove(0);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/backend");
        let workspace = Workspace::new(&root, &[], Sources::disk());
        (
            Engine::new(std::sync::Arc::new(workspace), vec![migration]),
            root,
        )
    }

    fn switch(source: &str, file: &str) -> Result<String, String> {
        let (engine, root) = engine();
        switch_imports(source.as_bytes(), &root.join(file), &engine).map(|s| s.text)
    }

    const SSOT: &str = "netra_backend.app.schemas.agent_models";
    const OLD: &str = "netra_backend.app.agents.state";
    const FILE: &str = "netra_backend/app/services/x.py";

    #[test]
    fn a_lone_import_changes_only_its_module() {
        let source = format!("from {SSOT} import DeepAgentState\nfrom {SSOT} import (\n    DeepAgentState as S,\n)\n");
        assert_eq!(
            switch(&source, FILE).unwrap(),
            format!("from {OLD} import DeepAgentState\nfrom {OLD} import (\n    DeepAgentState as S,\n)\n")
        );
    }

    #[test]
    fn other_names_stay_with_the_ssot_module() {
        let source = format!(
            "def f():\n    from {SSOT} import AgentResult, DeepAgentState as S, DeepAgentState\n    return S\n"
        );
        assert_eq!(
            switch(&source, FILE).unwrap(),
            format!(
                "def f():\n    from {OLD} import DeepAgentState as S, DeepAgentState\n    from {SSOT} import AgentResult\n    return S\n"
            )
        );
    }

    #[test]
    fn relative_imports_and_re_exports_are_switched() {
        let source = "from ..schemas.agent_models import DeepAgentState\nfrom netra_backend.app.schemas.registry import DeepAgentState as R\n";
        assert_eq!(
            switch(source, FILE).unwrap(),
            format!("from {OLD} import DeepAgentState\nfrom {OLD} import DeepAgentState as R\n")
        );
    }

    #[test]
    fn forms_it_cannot_switch_are_refused_with_a_reason() {
        let attribute = format!("import {SSOT} as models\n\nx = models.DeepAgentState()\n");
        assert!(switch(&attribute, FILE)
            .unwrap_err()
            .starts_with("no import statement binds `DeepAgentState` from the SSOT module"));
        let mixed = format!(
            "from {SSOT} import DeepAgentState\nimport {SSOT} as m\ny = m.DeepAgentState\n"
        );
        assert!(switch(&mixed, FILE)
            .unwrap_err()
            .starts_with("switching the import statements is not enough"));
        let comment = format!(
            "from {SSOT} import (  # the state\n    AgentResult,\n    DeepAgentState,\n)\n"
        );
        assert_eq!(
            switch(&comment, FILE).unwrap_err(),
            "the import statement on line 1 has a comment inside; switch it by hand"
        );
    }
}
