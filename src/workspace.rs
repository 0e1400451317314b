//! The project as files and modules, with no migration inside: its package roots, which file
//! defines which module, where sources are read from (the disk, with an overlay such as git's
//! index), and what each module binds at module level (the statements that can re-export a
//! class). Every migration of a scan shares one workspace and its caches.
//!
//! Modules are read lazily, when a scanned file imports from them, so scanning a few files (as
//! pre-commit does) reads only what those files import.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::paths::absolute;
use crate::python::scopes::{Binding, Fact, FileScopes, MODULE_SCOPE};
use crate::python::syntax::{parse, plain_string, python_line_ends, text, FIELDS, KINDS};
use crate::python::{comments, sparse};
use crate::python::{ModuleOfFile, ModulePath};

/// Where the workspace reads files: the disk, or the disk under an overlay of other contents
/// (the staged versions from git's index, a commit's class definitions; later, an editor's
/// unsaved buffers).
#[derive(Debug, Default)]
pub struct Sources {
    /// Contents that replace the disk's, by absolute path.
    overlay: HashMap<PathBuf, Arc<[u8]>>,
    /// Files the overlay's version does not have, whatever the disk holds.
    removed: HashSet<PathBuf>,
}

impl Sources {
    /// The disk as it is.
    pub fn disk() -> Sources {
        Sources::default()
    }

    /// The disk with `files` (absolute paths) holding the given contents instead.
    pub fn with_overlay(files: impl IntoIterator<Item = (PathBuf, Arc<[u8]>)>) -> Sources {
        Sources {
            overlay: files.into_iter().collect(),
            removed: HashSet::new(),
        }
    }

    /// The disk with each of `files` (absolute paths) holding the given contents, or missing
    /// (`None`): one version of a few files, such as a commit's.
    pub fn with_versions(files: impl IntoIterator<Item = (PathBuf, Option<Arc<[u8]>>)>) -> Sources {
        let mut sources = Sources::default();
        for (path, contents) in files {
            match contents {
                Some(bytes) => {
                    sources.overlay.insert(path, bytes);
                }
                None => {
                    sources.removed.insert(path);
                }
            }
        }
        sources
    }

    /// The contents of `path`; `None` when it cannot be read.
    pub fn read(&self, path: &Path) -> Option<Cow<'_, [u8]>> {
        if self.removed.contains(path) {
            return None;
        }
        match self.overlay.get(path) {
            Some(bytes) => Some(Cow::Borrowed(bytes)),
            None => std::fs::read(path).ok().map(Cow::Owned),
        }
    }

    pub fn is_file(&self, path: &Path) -> bool {
        !self.removed.contains(path) && (self.overlay.contains_key(path) || path.is_file())
    }
}

/// How a project module binds one module-level name, as far as re-exports go.
#[derive(Debug)]
pub(crate) enum ExportBinding {
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
pub(crate) struct ModuleExports {
    pub(crate) names: HashMap<String, Vec<ExportBinding>>,
    pub(crate) star_imports: Vec<ModulePath>,
    /// `__all__`, when the module defines it: what `from module import *` binds.
    all: Option<HashSet<String>>,
}

impl ModuleExports {
    /// Whether `from <this module> import *` binds `name`: listed in `__all__`, or without one,
    /// any name not starting with an underscore.
    pub(crate) fn star_provides(&self, name: &str) -> bool {
        match &self.all {
            Some(all) => all.contains(name),
            None => !name.starts_with('_'),
        }
    }
}

pub struct Workspace {
    /// The folder module paths are relative to (with `src` entries below it).
    pub root: PathBuf,
    src_roots: Vec<PathBuf>,
    sources: Sources,
    exports: Mutex<HashMap<ModulePath, Option<Arc<ModuleExports>>>>,
}

impl Workspace {
    /// `src` lists the package roots relative to `root`; by default `.` and `src`, as ruff's `src`.
    pub fn new(root: &Path, src: &[PathBuf], sources: Sources) -> Workspace {
        let root = absolute(root);
        let src_roots = if src.is_empty() {
            vec![root.clone(), root.join("src")]
        } else {
            src.iter().map(|s| absolute(&root.join(s))).collect()
        };
        Workspace {
            root,
            src_roots,
            sources,
            exports: Mutex::new(HashMap::new()),
        }
    }

    /// The same project (root, package roots) read from `sources`, with empty caches.
    pub fn with_sources(&self, sources: Sources) -> Workspace {
        Workspace {
            root: self.root.clone(),
            src_roots: self.src_roots.clone(),
            sources,
            exports: Mutex::new(HashMap::new()),
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
        self.possible_module_files(module)
            .into_iter()
            .find(|candidate| self.sources.is_file(candidate))
    }

    /// Every file that would define `module`, in the order imports look (a module deleted from
    /// the project was one of these).
    pub fn possible_module_files(&self, module: &ModulePath) -> Vec<PathBuf> {
        let relative: PathBuf = module.segments().collect();
        self.src_roots
            .iter()
            .flat_map(|root| {
                let base = root.join(&relative);
                ["py", "pyi"]
                    .into_iter()
                    .map(|ext| base.with_extension(ext))
                    .chain(["__init__.py", "__init__.pyi"].map(|init| base.join(init)))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The contents of a file, from the overlay or the disk.
    pub fn read(&self, path: &Path) -> Option<Cow<'_, [u8]>> {
        self.sources.read(path)
    }

    /// The module-level bindings of a project module; `None` when the module is not in the
    /// project or cannot be read.
    pub(crate) fn exports(&self, module: &ModulePath) -> Option<Arc<ModuleExports>> {
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
        let bytes = self.read(&path)?;
        let source = python_line_ends(&bytes);
        let file = self.module_of_file(&path);
        // Only the statements that can bind a module-level name another module imports are
        // parsed: imports, `__all__`, name assignments and class definitions (any class may be
        // the one a migration moves); the whole file when the statements cannot be told apart
        // or what is kept does not parse cleanly. The functions of a kept class bind no
        // module-level name: they are left out too, and so are comments.
        let blanked = comments::blank_comments(&source);
        let reduced = sparse::top_level_blocks(&blanked).and_then(|blocks| {
            let kept: Vec<bool> = blocks
                .iter()
                .map(|block| {
                    let text = &blanked[block.range.clone()];
                    block.has_import
                        || sparse::contains_word(text, b"class")
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
