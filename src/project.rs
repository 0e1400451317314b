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
use crate::python::syntax::{parse, python_line_ends};
use crate::python::{ModuleOfFile, ModulePath};
use crate::rules::Migration;

/// How deep a chain of re-exports is followed before we give up on it.
const MAX_REEXPORT_DEPTH: usize = 32;

/// What an imported name turns out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolResolution {
    /// The migrated class.
    Class(ClassSource),
    /// The module is in the project and does not bind the name: the import raises ImportError.
    Undefined,
    /// Something else: another class of the same name, or a module outside the project.
    NotTheClass,
}

/// Where an imported class comes from, seen two ways. They differ for a deprecated module that
/// has become a shim re-exporting the SSOT class: importing from it is still a deprecated import,
/// but the instances are SSOT instances, whose missing members raise today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassSource {
    /// The module the import goes through: deprecated (a finding), SSOT, or both.
    pub via: ResolvesTo,
    /// The class definition it ends at: decides whether a missing member raises today.
    pub class: ResolvesTo,
}

impl ClassSource {
    fn direct(origin: ResolvesTo) -> ClassSource {
        ClassSource {
            via: origin,
            class: origin,
        }
    }

    fn merge(self, other: ClassSource) -> ClassSource {
        ClassSource {
            via: self.via.merge(other.via),
            class: self.class.merge(other.class),
        }
    }
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
    /// `src` lists the package roots relative to `root`; by default `.` and `src`, as ruff's `src`.
    pub fn new(root: &Path, src: &[PathBuf], migration: Migration) -> Project {
        let root = absolute(root);
        let src_roots = if src.is_empty() {
            vec![root.clone(), root.join("src")]
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

    /// The module a file defines, when it lies under one of the package roots (the innermost
    /// one: `src/pkg/m.py` is `pkg.m`, not `src.pkg.m`).
    pub fn module_of_file(&self, path: &Path) -> Option<ModuleOfFile> {
        let path = absolute(path);
        self.src_roots
            .iter()
            .filter_map(|root| path.strip_prefix(root).ok())
            .min_by_key(|relative| relative.components().count())
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
        let Some(exports) = exports else {
            // Outside the project: trust the module's name.
            return named.map_or(SymbolResolution::NotTheClass, |origin| {
                SymbolResolution::Class(ClassSource::direct(origin))
            });
        };
        if !exports.binds() {
            return SymbolResolution::Undefined;
        }
        match named {
            Some(ResolvesTo::Deprecated) => {
                // Its own class, or (a shim) whatever class it re-exports.
                let own = exports
                    .bindings
                    .iter()
                    .any(Option::is_none)
                    .then_some(ResolvesTo::Deprecated);
                let reexported = self.follow(&exports, depth).map(|source| source.class);
                let class = match (own, reexported) {
                    (Some(own), Some(other)) => own.merge(other),
                    (own, other) => own.or(other).unwrap_or(ResolvesTo::Deprecated),
                };
                SymbolResolution::Class(ClassSource {
                    via: ResolvesTo::Deprecated,
                    class,
                })
            }
            Some(origin) => SymbolResolution::Class(ClassSource::direct(origin)),
            None => self
                .follow(&exports, depth)
                .map_or(SymbolResolution::NotTheClass, SymbolResolution::Class),
        }
    }

    /// Follows what a project module imports the symbol from (its explicit imports, else its star
    /// imports) and merges where those lead.
    fn follow(&self, exports: &ModuleExports, depth: usize) -> Option<ClassSource> {
        let sources: Vec<&ModulePath> = if exports.bindings.is_empty() {
            exports.star_imports.iter().collect()
        } else {
            exports.bindings.iter().flatten().collect()
        };
        sources
            .into_iter()
            .filter_map(|source| match self.resolve_at_depth(source, depth + 1) {
                SymbolResolution::Class(found) => Some(found),
                _ => None,
            })
            .reduce(ClassSource::merge)
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
        let source = python_line_ends(&source);
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
            let source = python_line_ends(&source);
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
