//! The import graph of the scanned files: which project file imports which, read with the same
//! import decoding the checks use. Walked with explicit stacks and queues, never recursion, and
//! cycles between modules (common in real code) are fine: every count visits a file once.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;

use rayon::prelude::*;
use tree_sitter::Node;

use crate::paths::absolute;
use crate::python::imports::{decode, Import};
use crate::python::sparse;
use crate::python::syntax::{parse, python_line_ends, text, walk, Descend, Visitor, KINDS};
use crate::python::ModulePath;
use crate::workspace::Workspace;

/// Project files (by index into the list it was built from) and their imports of each other.
#[derive(Debug)]
pub struct ImportGraph {
    index: HashMap<PathBuf, usize>,
    /// Per file, the project files it imports, in the order the imports first appear.
    imports: Vec<Vec<usize>>,
    /// Per file, the project files that import it directly.
    importers: Vec<Vec<usize>>,
}

/// A tree of the top-level statements of `bytes` that hold an import (the others blanked in
/// place); the whole file when the statements cannot be told apart.
fn parse_imports(bytes: &[u8]) -> Option<tree_sitter::Tree> {
    let Some(blocks) = sparse::top_level_blocks(bytes) else {
        return parse(bytes);
    };
    let kept: Vec<bool> = blocks.iter().map(|block| block.has_import).collect();
    parse(&sparse::blank_out_in_place(bytes, &blocks, &kept, &[]))
}

impl ImportGraph {
    /// The graph of `files` (absolute or relative to the current folder): an edge for each import
    /// statement (anywhere in the file, also inside functions) that names a module one of the
    /// files defines.
    pub fn build(workspace: &Workspace, files: &[PathBuf]) -> ImportGraph {
        let index: HashMap<PathBuf, usize> = files
            .iter()
            .enumerate()
            .map(|(at, path)| (absolute(path), at))
            .collect();
        // In parallel, each file's imports; only the statements that hold one are parsed (the
        // rest is blanked in place), so a big module costs its import lines.
        let imports: Vec<Vec<usize>> = files
            .par_iter()
            .enumerate()
            .map(|(at, path)| {
                let path = absolute(path);
                let Some(read) = workspace.read(&path) else {
                    return Vec::new();
                };
                // Lone `\r` line ends as Python reads them (same length: offsets stay put).
                let bytes = python_line_ends(&read).into_owned();
                if memchr::memmem::find(&bytes, b"import").is_none() {
                    return Vec::new();
                }
                let Some(tree) = parse_imports(&bytes) else {
                    return Vec::new();
                };
                let module = workspace.module_of_file(&path);
                let mut found = ImportStatements::default();
                walk(tree.root_node(), &mut found);
                let mut targets: Vec<usize> = Vec::new();
                for statement in found.nodes {
                    for imported in imported_modules(statement, &bytes, module.as_ref()) {
                        let file = innermost_project_file(workspace, &index, &imported);
                        if let Some(file) = file.filter(|file| *file != at) {
                            if !targets.contains(&file) {
                                targets.push(file);
                            }
                        }
                    }
                }
                targets
            })
            .collect();
        let mut importers = vec![Vec::new(); files.len()];
        for (from, targets) in imports.iter().enumerate() {
            for &to in targets {
                importers[to].push(from);
            }
        }
        ImportGraph {
            index,
            imports,
            importers,
        }
    }

    /// The index of `path` among the files the graph was built from.
    pub fn file(&self, path: &std::path::Path) -> Option<usize> {
        self.index.get(&absolute(path)).copied()
    }

    /// The project files `file` imports directly, in the order its imports name them.
    pub fn imports(&self, file: usize) -> &[usize] {
        &self.imports[file]
    }

    /// How many other project files import `file`, directly or through others (a breadth-first
    /// walk backwards along the imports; a cycle through `file` does not count it).
    pub fn transitive_importers(&self, file: usize) -> usize {
        let mut seen = vec![false; self.importers.len()];
        seen[file] = true;
        let mut queue = VecDeque::from([file]);
        let mut count = 0;
        while let Some(next) = queue.pop_front() {
            for &importer in &self.importers[next] {
                if !seen[importer] {
                    seen[importer] = true;
                    count += 1;
                    queue.push_back(importer);
                }
            }
        }
        count
    }
}

/// Collects the import statements of a tree.
#[derive(Default)]
struct ImportStatements<'t> {
    nodes: Vec<Node<'t>>,
}

impl<'t> Visitor<'t> for ImportStatements<'t> {
    fn enter(&mut self, node: Node<'t>, _parent: Option<Node<'t>>) -> Descend {
        let kind = node.kind_id();
        if kind == KINDS.import_statement || kind == KINDS.import_from_statement {
            self.nodes.push(node);
            Descend::No
        } else {
            Descend::Yes
        }
    }
}

/// The dotted paths an import statement names: `import a.b.c` names `a.b.c` (the decoding binds
/// only `a`, so the full path is read from the statement), `from a.b import c` names `a.b.c`
/// (a submodule, or a name of `a.b`), `from a import *` names `a`.
fn imported_modules(
    statement: Node<'_>,
    source: &[u8],
    module: Option<&crate::python::ModuleOfFile>,
) -> Vec<ModulePath> {
    let plain_import = statement.kind_id() == KINDS.import_statement;
    match decode(statement, source, module) {
        Some(Import::Names(names)) => names
            .into_iter()
            .map(|name| {
                if plain_import {
                    let dotted: String = text(name.site, source)
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    ModulePath::new(dotted)
                } else {
                    name.target
                }
            })
            .collect(),
        Some(Import::Star { module, .. }) => vec![module],
        None => Vec::new(),
    }
}

/// The scanned file of the longest prefix of `path` that is a project module: `a.b.C` (a class
/// of `a.b`) is `a/b.py`.
fn innermost_project_file(
    workspace: &Workspace,
    index: &HashMap<PathBuf, usize>,
    path: &ModulePath,
) -> Option<usize> {
    let mut current = Some(path.clone());
    while let Some(module) = current {
        if let Some(file) = workspace.module_file(&module) {
            if let Some(at) = index.get(&absolute(&file)) {
                return Some(*at);
            }
        }
        current = module.split_last().map(|(parent, _)| parent);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Sources;

    #[test]
    fn importers_are_counted_through_chains_and_cycles() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("pkg/__init__.py", ""),
            ("pkg/a.py", "from pkg.b import B\n"),
            ("pkg/b.py", "import pkg.c\nB = 1\n"),
            ("pkg/c.py", "def f():\n    from . import b\n"),
            ("pkg/leaf.py", "from pkg import a\n"),
        ];
        let mut paths = Vec::new();
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, text).unwrap();
            paths.push(full);
        }
        let workspace = Workspace::new(dir.path(), &[], Sources::disk());
        let graph = ImportGraph::build(&workspace, &paths);
        let counts: Vec<usize> = (0..paths.len())
            .map(|file| graph.transitive_importers(file))
            .collect();
        // b and c import each other; a imports b; leaf imports a.
        assert_eq!(counts, [0, 1, 3, 3, 0]);
        assert_eq!(graph.imports(4), [1]);
        assert_eq!(graph.imports(2), [3]);
    }
}
