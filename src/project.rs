//! The project being scanned: where its modules live, what the two class definitions say, and
//! where an imported `DeepAgentState` really comes from.
//!
//! Modules of the project are read lazily, when a scanned file imports from them, so scanning a
//! few files (as pre-commit does) reads only what those files import.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::finding::ResolvesTo;
use crate::fixpoint::{self, Equation, Join};
pub use crate::migration::MembersSource;
use crate::migration::MigrationSummary;
use crate::python::interface::{class_interface, is_dunder, PYDANTIC_SELF_RETURNING};
use crate::python::scopes::{Binding, Fact, FileScopes, MODULE_SCOPE};
use crate::python::syntax::{parse, plain_string, python_line_ends, text, FIELDS, KINDS};
use crate::python::{comments, sparse};
use crate::python::{ModuleOfFile, ModulePath};
use crate::rules::Migration;

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

impl SymbolResolution {
    /// Where the class comes from, when the name is the class.
    pub fn class_source(self) -> Option<ClassSource> {
        match self {
            SymbolResolution::Class(source) => Some(source),
            _ => None,
        }
    }

    pub fn is_class(self) -> bool {
        matches!(self, SymbolResolution::Class(_))
    }
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

/// What the migration means for attribute accesses.
#[derive(Clone, Debug)]
pub struct MigrationInterface {
    /// Members the deprecated class has and the SSOT class lacks.
    pub risky_members: BTreeSet<String>,
    pub members_source: MembersSource,
    /// Methods (of either class, or pydantic's) that return an instance of the class.
    pub self_returning: BTreeSet<String>,
}

/// How a project module binds one module-level name, as far as re-exports go.
#[derive(Debug)]
enum ExportBinding {
    /// `from m import X`, `import m.X as Y`: the dotted path it names. `public` when the module
    /// makes it part of its interface (see [`ModuleExports`]).
    Import { target: ModulePath, public: bool },
    /// `Y = X` or `Y = m.X`: another name of the module, or a path through an imported one. An
    /// assignment defines the name, so it is always public.
    Alias(String),
    /// A definition or any other value.
    Local,
}

/// The module-level bindings of a project module, read from its import statements, its `__all__`
/// and its plain-name assignments (the statements that can re-export the class).
///
/// Under its own name the class is followed through every import, as Python does. Under another
/// name (`from ... import DeepAgentState as AgentState`) an import counts as a re-export only when
/// the module makes it public the way `mypy --no-implicit-reexport` and pyright define it (listed
/// in `__all__`, or imported as `X as X`) or the module is a package's `__init__`: a consumer's
/// private `as LegacyState` is not an export, and does not make every file that says
/// `LegacyState` a candidate for parsing.
#[derive(Debug, Default)]
struct ModuleExports {
    names: HashMap<String, Vec<ExportBinding>>,
    star_imports: Vec<ModulePath>,
    /// `__all__`, when the module defines it: what `from module import *` binds.
    all: Option<HashSet<String>>,
}

impl ModuleExports {
    /// Whether `from <this module> import *` binds `name`: listed in `__all__`, or without one,
    /// any name not starting with an underscore.
    fn star_provides(&self, name: &str) -> bool {
        match &self.all {
            Some(all) => all.contains(name),
            None => !name.starts_with('_'),
        }
    }
}

pub struct Project {
    /// The folder module paths are relative to (with `src` entries below it).
    pub root: PathBuf,
    src_roots: Vec<PathBuf>,
    pub migration: Migration,
    pub interface: MigrationInterface,
    exports: Mutex<HashMap<ModulePath, Option<Arc<ModuleExports>>>>,
    /// Every re-export query answered so far (answers do not depend on the order of queries).
    resolutions: Mutex<HashMap<Query, Option<ClassSource>>>,
}

/// A question about a module-level name, one node of the re-export equations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Query {
    /// What `module.name` is.
    Resolve(ModulePath, String),
    /// What `from module import *` binds `name` to.
    Star(ModulePath, String),
    /// Where the bindings of `name` in `module` lead (see [`Project::follow`]).
    Follow {
        module: ModulePath,
        name: String,
        internal: bool,
    },
}

impl Join for ClassSource {
    fn join(self, other: ClassSource) -> ClassSource {
        self.merge(other)
    }
}

/// Importing the class's own name from a deprecated module that defines it: a deprecated import
/// whose class is the deprecated one, or also whatever it re-exports.
fn deprecated_with_own_class(reexported: Option<ClassSource>) -> Option<ClassSource> {
    Some(ClassSource {
        via: ResolvesTo::Deprecated,
        class: reexported.map_or(ResolvesTo::Deprecated, |r| {
            ResolvesTo::Deprecated.merge(r.class)
        }),
    })
}

/// Importing the class's own name from a deprecated module that only re-exports a class (a
/// shim): still a deprecated import, but of the class it re-exports.
fn deprecated_shim(reexported: Option<ClassSource>) -> Option<ClassSource> {
    Some(ClassSource {
        via: ResolvesTo::Deprecated,
        class: reexported.map_or(ResolvesTo::Deprecated, |r| r.class),
    })
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
            resolutions: Mutex::new(HashMap::new()),
        };
        project.interface = project.derive_interface();
        project
    }

    /// The migration as the reports describe it.
    pub fn summary(&self) -> MigrationSummary {
        let rule = &self.migration;
        MigrationSummary {
            id: rule.id.as_str().into(),
            symbol: rule.symbol.clone(),
            deprecated: rule
                .deprecated
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
            ssot: rule.ssot.as_str().to_owned(),
            issue: rule.issue.clone(),
            risky_members: self.interface.risky_members.iter().cloned().collect(),
            members_source: self.interface.members_source,
        }
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

    /// Where `module.<name>` comes from: the migrated class (under its own name or a re-exported
    /// alias), a module that does not define it, or something else.
    pub fn resolve(&self, module: &ModulePath, name: &str) -> SymbolResolution {
        if name == self.migration.symbol {
            if let Some(exports) = self.exports(module) {
                if !exports.names.contains_key(name) && exports.star_imports.is_empty() {
                    return SymbolResolution::Undefined;
                }
            }
        }
        self.solve(Query::Resolve(module.clone(), name.to_owned()))
    }

    /// [`Project::resolve`] for a dotted path `<module>.<name>`.
    pub fn resolve_path(&self, path: &ModulePath) -> SymbolResolution {
        match path.split_last() {
            Some((module, name)) => self.resolve(&module, name),
            None => SymbolResolution::NotTheClass,
        }
    }

    /// Where the `name` that `from module import *` binds comes from: like [`Project::resolve`],
    /// but `NotTheClass` when the import does not bind the name (`__all__`, a private name).
    pub fn resolve_star(&self, module: &ModulePath, name: &str) -> SymbolResolution {
        self.solve(Query::Star(module.clone(), name.to_owned()))
    }

    /// Solves a query and everything it leads to, without recursion (re-exports may form any
    /// cycle: `json = json`, modules importing each other), and caches every answer.
    fn solve(&self, query: Query) -> SymbolResolution {
        let known = self.lock_resolutions().get(&query).copied();
        let value = known.unwrap_or_else(|| {
            let solution = fixpoint::solve(query, |query| self.equation(query));
            let value = solution[0].1;
            self.lock_resolutions().extend(solution);
            value
        });
        value.map_or(SymbolResolution::NotTheClass, SymbolResolution::Class)
    }

    /// What one query depends on. Answers cached by earlier solves are constants.
    fn equation(&self, query: &Query) -> Equation<Query, ClassSource> {
        if let Some(known) = self.lock_resolutions().get(query) {
            return Equation::constant(*known);
        }
        match query {
            Query::Resolve(module, name) => self.resolve_equation(module, name),
            Query::Star(module, name) => match self.exports(module) {
                Some(exports) if !exports.star_provides(name) => Equation::constant(None),
                _ => Equation::join_of(vec![Query::Resolve(module.clone(), name.clone())]),
            },
            Query::Follow {
                module,
                name,
                internal,
            } => match self.exports(module) {
                Some(exports) => Equation::join_of(self.follow(module, &exports, name, *internal)),
                None => Equation::constant(None),
            },
        }
    }

    fn resolve_equation(&self, module: &ModulePath, name: &str) -> Equation<Query, ClassSource> {
        let is_symbol = name == self.migration.symbol;
        let named = if !is_symbol {
            None
        } else if self.migration.is_deprecated(module) {
            Some(ResolvesTo::Deprecated)
        } else if *module == self.migration.ssot {
            Some(ResolvesTo::Ssot)
        } else {
            None
        };
        let Some(exports) = self.exports(module) else {
            // Outside the project: trust the module's name.
            return Equation::constant(named.map(ClassSource::direct));
        };
        if !exports.names.contains_key(name) && exports.star_imports.is_empty() {
            return Equation::constant(None);
        }
        let follow = vec![Query::Follow {
            module: module.clone(),
            name: name.to_owned(),
            internal: false,
        }];
        match named {
            // Its own class, or (a shim) whatever class it re-exports.
            Some(ResolvesTo::Deprecated) => {
                let own = exports.names.get(name).is_some_and(|bindings| {
                    bindings.iter().any(|b| matches!(b, ExportBinding::Local))
                });
                Equation {
                    constant: None,
                    depends_on: follow,
                    finish: if own {
                        deprecated_with_own_class
                    } else {
                        deprecated_shim
                    },
                }
            }
            Some(origin) => Equation::constant(Some(ClassSource::direct(origin))),
            None => Equation::join_of(follow),
        }
    }

    /// What a project module binds `name` to (its explicit bindings, else its star imports).
    /// `internal` for a name the module uses itself (`Y = X`): then every import counts, not only
    /// those it makes public.
    fn follow(
        &self,
        module: &ModulePath,
        exports: &ModuleExports,
        name: &str,
        internal: bool,
    ) -> Vec<Query> {
        let is_symbol = name == self.migration.symbol;
        let resolve = |path: &ModulePath| {
            path.split_last()
                .map(|(from, name)| Query::Resolve(from, name.to_owned()))
        };
        match exports.names.get(name) {
            Some(bindings) => bindings
                .iter()
                .filter_map(|binding| match binding {
                    ExportBinding::Import { target, public }
                        if is_symbol || internal || *public =>
                    {
                        resolve(target)
                    }
                    // `Y = X`: another name of the module; `Y = m.X`: through an imported module.
                    ExportBinding::Alias(dotted) => match dotted.split_once('.') {
                        None if *dotted != self.migration.symbol => Some(Query::Follow {
                            module: module.clone(),
                            name: dotted.clone(),
                            internal: true,
                        }),
                        None => Some(Query::Resolve(module.clone(), dotted.clone())),
                        Some((first, rest)) => {
                            let target =
                                exports.names.get(first)?.iter().find_map(|b| match b {
                                    ExportBinding::Import { target, .. } => Some(target),
                                    _ => None,
                                })?;
                            resolve(&target.join(rest))
                        }
                    },
                    _ => None,
                })
                .collect(),
            None => exports
                .star_imports
                .iter()
                .map(|star| Query::Star(star.clone(), name.to_owned()))
                .collect(),
        }
    }

    /// The names under which `module` provides the class to `from module import *`, its own
    /// star imports included, in name order (a superset where an `__all__` up the chain would
    /// leave one out: it only decides which statements sparse parsing keeps).
    pub fn class_names(&self, module: &ModulePath) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let mut pending = vec![module.clone()];
        let mut seen = HashSet::new();
        while let Some(module) = pending.pop() {
            if !seen.insert(module.clone()) {
                continue;
            }
            let Some(exports) = self.exports(&module) else {
                continue;
            };
            names.extend(
                exports
                    .names
                    .keys()
                    .filter(|name| exports.star_provides(name))
                    .filter(|name| self.resolve(&module, name).is_class())
                    .cloned(),
            );
            pending.extend(exports.star_imports.iter().cloned());
        }
        names
    }

    /// The module-level bindings of a project module; `None` when the module is not in the
    /// project or cannot be read.
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

    fn lock_resolutions(&self) -> std::sync::MutexGuard<'_, HashMap<Query, Option<ClassSource>>> {
        // As for `lock_exports`: inserts are atomic, so a poisoned lock is still usable.
        self.resolutions.lock().unwrap_or_else(|e| e.into_inner())
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
        let bytes = std::fs::read(&path).ok()?;
        let source = python_line_ends(&bytes);
        let file = self.module_of_file(&path);
        // Only the statements that can bind a re-export are parsed; the whole file when the
        // statements cannot be told apart or what is kept does not parse cleanly.
        // The functions of a kept class bind no module-level name: they are left out too, and
        // so are comments.
        let symbol = self.migration.symbol.as_bytes();
        let blanked = comments::blank_comments(&source);
        let reduced = sparse::top_level_blocks(&blanked).and_then(|blocks| {
            let kept: Vec<bool> = blocks
                .iter()
                .map(|block| {
                    let text = &blanked[block.range.clone()];
                    block.has_import
                        || sparse::contains_word(text, symbol)
                        || sparse::contains_word(text, b"__all__")
                        || sparse::is_name_assignment(text)
                })
                .collect();
            let dropped: Vec<std::ops::Range<usize>> = blocks
                .iter()
                .zip(&kept)
                .filter(|(_, keep)| **keep)
                .flat_map(|(block, _)| sparse::class_members(&blanked, block).unwrap_or_default())
                .filter(|member| sparse::function_name(&blanked, member).is_some())
                .map(|member| member.range)
                .collect();
            sparse::parse_kept(&blanked, &blocks, &kept, &dropped)
        });
        let (tree, source) = match reduced {
            Some((tree, reduced)) => (tree, Cow::Owned(reduced)),
            None => (parse(&source)?, source),
        };
        let scopes = FileScopes::collect(tree.root_node(), &source, file.as_ref());
        Some(module_exports(
            &scopes,
            &source,
            file.is_some_and(|f| f.is_package),
        ))
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

/// The module-level bindings of a module, from its scopes.
fn module_exports(scopes: &FileScopes<'_>, source: &[u8], is_package: bool) -> ModuleExports {
    let module_scope = &scopes.scopes[MODULE_SCOPE];
    let facts_of_all = module_scope.names.get("__all__").map(Vec::as_slice);
    let all = dunder_all(facts_of_all, source);
    let names = module_scope
        .names
        .iter()
        .map(|(name, facts)| {
            let bindings = facts
                .iter()
                .map(|fact| match &fact.binding {
                    Binding::Import { target, site } => ExportBinding::Import {
                        target: target.clone(),
                        public: is_package
                            || all.contains(*name)
                            || is_redundant_alias(*site, name, source),
                    },
                    Binding::Assigned { value } => dotted_name(*value, source)
                        .map_or(ExportBinding::Local, ExportBinding::Alias),
                    _ => ExportBinding::Local,
                })
                .collect();
            ((*name).to_owned(), bindings)
        })
        .collect();
    ModuleExports {
        all: facts_of_all.map(|_| all.iter().map(|name| (*name).to_owned()).collect()),
        names,
        star_imports: module_scope
            .star_imports
            .iter()
            .map(|(module, _)| module.clone())
            .collect(),
    }
}

/// The names listed in `__all__ = [...]` / `(...)` (plain strings only).
fn dunder_all<'s>(facts: Option<&[Fact<'_>]>, source: &'s [u8]) -> HashSet<&'s str> {
    let mut names = HashSet::new();
    for fact in facts.unwrap_or_default() {
        let Binding::Assigned { value } = fact.binding else {
            continue;
        };
        if value.kind_id() != KINDS.list && value.kind_id() != KINDS.tuple {
            continue;
        }
        let mut cursor = value.walk();
        for item in value.named_children(&mut cursor) {
            if let Some(name) = plain_string(item, source) {
                names.insert(name);
            }
        }
    }
    names
}

/// `from m import X as X`: the form that marks an explicit re-export.
fn is_redundant_alias(site: tree_sitter::Node<'_>, name: &str, source: &[u8]) -> bool {
    site.parent().is_some_and(|parent| {
        parent.kind_id() == KINDS.aliased_import && text(site, source) == name
    })
}

/// `X` or `m.X`: a value that is only a (dotted) name.
fn dotted_name(value: tree_sitter::Node<'_>, source: &[u8]) -> Option<String> {
    let mut node = value;
    while node.kind_id() == KINDS.attribute {
        node = node.child_by_field_id(FIELDS.object)?;
    }
    (node.kind_id() == KINDS.identifier).then(|| {
        text(value, source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    })
}

/// An absolute path without touching the file system (no symlink resolution), so that the paths
/// of scanned files and package roots compare as written.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
