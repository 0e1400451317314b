//! The project being scanned: where its modules live, what the two class definitions say, and
//! where an imported `DeepAgentState` really comes from.
//!
//! Modules of the project are read lazily, when a scanned file imports from them, so scanning a
//! few files (as pre-commit does) reads only what those files import.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::finding::ResolvesTo;
use crate::python::interface::{class_interface, is_dunder, PYDANTIC_SELF_RETURNING};
use crate::python::scopes::{Binding, FileScopes, MODULE_SCOPE};
use crate::python::syntax::parse;
use crate::python::{ModuleOfFile, ModulePath};
use crate::rules::Migration;

/// How deep a chain of re-exports is followed before we give up on it.
const MAX_REEXPORT_DEPTH: usize = 32;

/// What an imported name turns out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolResolution {
    /// The migrated class, from the deprecated module, the SSOT module, or both.
    Class(ResolvesTo),
    /// The module is in the project and does not bind the name: the import raises ImportError.
    Undefined,
    /// Something else: another class of the same name, or a module outside the project.
    NotTheClass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MembersSource {
    /// Read from both class definitions in the project.
    Derived,
    /// The rule file's `risky-members` list.
    Configured,
}

/// What the migration means for attribute accesses.
#[derive(Clone, Debug)]
pub struct MigrationInterface {
    /// Members the deprecated class has and the SSOT class lacks.
    pub risky_members: BTreeSet<String>,
    pub members_source: MembersSource,
    /// Methods (of either class, or pydantic's) that return an instance of the class.
    pub self_returning: BTreeSet<String>,
}

/// The module-level bindings of the symbol in a project module.
#[derive(Debug)]
struct ModuleExports {
    /// One per binding: an import from another module, or `None` for a local definition.
    bindings: Vec<Option<ModulePath>>,
    star_imports: Vec<ModulePath>,
}

pub struct Project {
    /// The folder module paths are relative to (with `src` entries below it).
    pub root: PathBuf,
    src_roots: Vec<PathBuf>,
    pub migration: Migration,
    pub interface: MigrationInterface,
    exports: Mutex<HashMap<ModulePath, Option<Arc<ModuleExports>>>>,
}

impl Project {
    /// `src` lists the package roots relative to `root` (`.` by default, like ruff's `src`).
    pub fn new(root: &Path, src: &[PathBuf], migration: Migration) -> Project {
        let root = absolute(root);
        let src_roots = if src.is_empty() {
            vec![root.clone()]
        } else {
            src.iter().map(|s| absolute(&root.join(s))).collect()
        };
        let mut project = Project {
            root,
            src_roots,
            interface: MigrationInterface {
                risky_members: BTreeSet::new(),
                members_source: MembersSource::Configured,
                self_returning: BTreeSet::new(),
            },
            migration,
            exports: Mutex::new(HashMap::new()),
        };
        project.interface = project.derive_interface();
        project
    }

    /// The module a file defines, when it lies under one of the package roots.
    pub fn module_of_file(&self, path: &Path) -> Option<ModuleOfFile> {
        let path = absolute(path);
        self.src_roots
            .iter()
            .find_map(|root| path.strip_prefix(root).ok())
            .and_then(ModulePath::from_relative_file)
    }

    /// The file that defines `module` in the project, if any.
    pub fn module_file(&self, module: &ModulePath) -> Option<PathBuf> {
        let relative: PathBuf = module.segments().collect();
        self.src_roots.iter().find_map(|root| {
            let base = root.join(&relative);
            ["py", "pyi"]
                .into_iter()
                .map(|ext| base.with_extension(ext))
                .chain(["__init__.py", "__init__.pyi"].map(|init| base.join(init)))
                .find(|candidate| candidate.is_file())
        })
    }

    /// Where `module.<symbol>` comes from.
    pub fn resolve(&self, module: &ModulePath) -> SymbolResolution {
        self.resolve_at_depth(module, 0)
    }

    fn resolve_at_depth(&self, module: &ModulePath, depth: usize) -> SymbolResolution {
        if depth > MAX_REEXPORT_DEPTH {
            return SymbolResolution::NotTheClass;
        }
        let exports = self.exports(module);
        let named = if self.migration.is_deprecated(module) {
            Some(ResolvesTo::Deprecated)
        } else if *module == self.migration.ssot {
            Some(ResolvesTo::Ssot)
        } else {
            None
        };
        match (named, exports) {
            (Some(origin), None) => SymbolResolution::Class(origin),
            (Some(origin), Some(exports)) if exports.binds() => SymbolResolution::Class(origin),
            (Some(_), Some(_)) => SymbolResolution::Undefined,
            (None, None) => SymbolResolution::NotTheClass,
            (None, Some(exports)) => self.resolve_reexport(&exports, depth),
        }
    }

    /// A project module that is neither the deprecated nor the SSOT one: follow what it imports.
    fn resolve_reexport(&self, exports: &ModuleExports, depth: usize) -> SymbolResolution {
        if !exports.binds() {
            return SymbolResolution::Undefined;
        }
        let mut origin: Option<ResolvesTo> = None;
        let explicit = exports.bindings.iter().flatten();
        let sources: Vec<&ModulePath> = if exports.bindings.is_empty() {
            exports.star_imports.iter().collect()
        } else {
            explicit.collect()
        };
        for source in sources {
            if let SymbolResolution::Class(found) = self.resolve_at_depth(source, depth + 1) {
                origin = Some(ResolvesTo::merge_option(origin, found));
            }
        }
        origin.map_or(SymbolResolution::NotTheClass, SymbolResolution::Class)
    }

    /// The module-level bindings of the symbol in a project module; `None` when the module is not
    /// in the project or cannot be read.
    fn exports(&self, module: &ModulePath) -> Option<Arc<ModuleExports>> {
        if let Some(cached) = self.lock_exports().get(module) {
            return cached.clone();
        }
        let computed = self.read_exports(module).map(Arc::new);
        self.lock_exports()
            .entry(module.clone())
            .or_insert(computed)
            .clone()
    }

    fn lock_exports(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<ModulePath, Option<Arc<ModuleExports>>>> {
        // A panic while holding the lock cannot leave the map half-written (inserts are atomic),
        // so a poisoned lock is still usable.
        self.exports.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read_exports(&self, module: &ModulePath) -> Option<ModuleExports> {
        let path = self.module_file(module)?;
        let source = std::fs::read(&path).ok()?;
        let tree = parse(&source)?;
        let file = self.module_of_file(&path);
        let scopes = FileScopes::collect(tree.root_node(), &source, file.as_ref());
        let module_scope = &scopes.scopes[MODULE_SCOPE];
        let symbol = self.migration.symbol.as_str();
        let bindings = module_scope
            .names
            .get(symbol)
            .map(|facts| {
                facts
                    .iter()
                    .map(|fact| match &fact.binding {
                        Binding::Import { target, .. } => match target.split_last() {
                            Some((from, name)) if name == symbol => Some(from),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(ModuleExports {
            bindings,
            star_imports: module_scope
                .star_imports
                .iter()
                .map(|(module, _)| module.clone())
                .collect(),
        })
    }

    /// Risky members from the two class definitions when both are in the project, else the rule's
    /// configured list.
    fn derive_interface(&self) -> MigrationInterface {
        let symbol = self.migration.symbol.as_str();
        let read = |module: &ModulePath| {
            let path = self.module_file(module)?;
            let source = std::fs::read(&path).ok()?;
            let tree = parse(&source)?;
            class_interface(tree.root_node(), &source, symbol)
        };
        let deprecated = self.migration.deprecated.iter().find_map(read);
        let ssot = read(&self.migration.ssot);
        let mut self_returning: BTreeSet<String> = PYDANTIC_SELF_RETURNING
            .iter()
            .map(|m| (*m).to_owned())
            .collect();
        match (deprecated, ssot) {
            (Some(deprecated), Some(ssot)) => {
                self_returning.extend(deprecated.self_returning.iter().cloned());
                self_returning.extend(ssot.self_returning.iter().cloned());
                MigrationInterface {
                    risky_members: deprecated
                        .members
                        .difference(&ssot.members)
                        .filter(|m| !is_dunder(m))
                        .cloned()
                        .collect(),
                    members_source: MembersSource::Derived,
                    self_returning,
                }
            }
            _ => MigrationInterface {
                risky_members: self
                    .migration
                    .fallback_risky_members
                    .iter()
                    .cloned()
                    .collect(),
                members_source: MembersSource::Configured,
                self_returning,
            },
        }
    }
}

impl ModuleExports {
    fn binds(&self) -> bool {
        !self.bindings.is_empty() || !self.star_imports.is_empty()
    }
}

/// An absolute path without touching the file system (no symlink resolution), so that the paths
/// of scanned files and package roots compare as written.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
