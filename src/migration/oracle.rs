//! One migration compiled against a workspace: its rule, what the two class definitions say
//! (the risky members), and the oracle that tells where an imported name really comes from
//! (following re-exports through the workspace's export tables, with its own cache).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::resolution::{self, ModuleResolution, Provides, Role, RuleWarning};
use super::{MembersSource, MigrationSummary};
use crate::finding::ResolvesTo;
use crate::fixpoint::{self, Equation};
use crate::python::class_kind::{ClassKind, Extra, Keywords};
use crate::python::interface::{
    is_dunder, read_class, BaseClasses, ClassInterface, PYDANTIC_SELF_RETURNING,
};
use crate::python::oracle::{ClassOracle, ClassSource, SymbolResolution};
use crate::python::resolve::Resolver;
use crate::python::scopes::{FileScopes, MODULE_SCOPE};
use crate::python::syntax::{parse, python_line_ends};
use crate::python::ModulePath;
use crate::rules::Migration;
use crate::workspace::{ExportBinding, ModuleExports, Workspace};

/// What the migration means for attribute accesses and constructor calls.
#[derive(Clone, Debug)]
pub struct MigrationInterface {
    /// Members the deprecated class has and the SSOT class lacks.
    pub risky_members: BTreeSet<String>,
    /// For mocks made with a spec of the class (which read only the class object's attributes,
    /// `dir(C)`): class attributes of the deprecated class that the SSOT class lacks.
    pub mock_risky_members: BTreeSet<String>,
    pub members_source: MembersSource,
    /// Methods (of either class, or pydantic's) that return an instance of the class.
    pub self_returning: BTreeSet<String>,
    /// Which constructor keywords the move breaks, and how.
    pub keywords: KeywordChange,
    /// What the two classes are (`None` for a side that is not read from the project).
    pub deprecated_kind: Option<ClassKind>,
    pub ssot_kind: Option<ClassKind>,
    /// Bases of the SSOT class that could not be read (outside the project, not known): their
    /// members count as missing, so a risky member may be one they provide.
    pub ssot_unresolved_bases: BTreeSet<String>,
}

/// Which keywords the deprecated constructor takes and the SSOT's does not.
#[derive(Clone, Debug)]
pub enum KeywordChange {
    /// From the class definitions: a keyword some deprecated class accepts and the SSOT class
    /// does not meets `fate`.
    Derived {
        deprecated: Vec<Keywords>,
        ssot: Keywords,
        fate: Option<KeywordFate>,
    },
    /// Without the definitions: the risky members are the keywords, dropped as pydantic's
    /// default config drops them (the built-in rule's class is a pydantic model).
    Configured,
    /// One class (a shim): no keyword changes.
    Unchanged,
}

/// What the SSOT class does with a keyword it does not take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeywordFate {
    /// A pydantic model with the default config (`extra="ignore"`): the value is lost silently.
    SilentlyDropped,
    /// A pydantic model with `extra="forbid"`: `ValidationError`.
    ValidationError,
    /// A plain class, dataclass, attrs class or `NamedTuple`: `TypeError`.
    TypeError,
}

impl KeywordFate {
    /// What a class of `kind` does with a keyword it does not take; `None` when it keeps it
    /// (`extra="allow"`, a `TypedDict`).
    fn of(kind: ClassKind) -> Option<KeywordFate> {
        match kind {
            ClassKind::Pydantic {
                extra: Extra::Ignore,
            } => Some(KeywordFate::SilentlyDropped),
            ClassKind::Pydantic {
                extra: Extra::Forbid,
            } => Some(KeywordFate::ValidationError),
            ClassKind::Pydantic {
                extra: Extra::Allow,
            }
            | ClassKind::TypedDict => None,
            ClassKind::Dataclass | ClassKind::Attrs | ClassKind::NamedTuple | ClassKind::Plain => {
                Some(KeywordFate::TypeError)
            }
        }
    }
}

/// What writing a member the SSOT class lacks does (`obj.m = v`, `setattr(obj, "m", v)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteFate {
    /// The write raises this exception (`ValueError` for a pydantic model, `AttributeError`
    /// for a `NamedTuple` or a `TypedDict`, which is a `dict`).
    Raises(&'static str),
    /// The write works and adds an attribute that the SSOT class's code never reads: no error,
    /// the value is lost to it (a plain class or dataclass with a `__dict__`).
    StrayAttribute,
    /// A slotted class raises `AttributeError`, another adds a stray attribute (attrs:
    /// `define` is slotted by default, `attr.s` is not).
    SlottedOrStray,
    /// The SSOT class is not read from the project: nothing known beyond that it lacks it.
    Unknown,
    /// The write works and later reads see it (`extra="allow"`): no finding.
    Kept,
}

impl WriteFate {
    fn of(kind: Option<ClassKind>) -> WriteFate {
        match kind {
            None => WriteFate::Unknown,
            Some(ClassKind::Pydantic {
                extra: Extra::Ignore | Extra::Forbid,
            }) => WriteFate::Raises("ValueError"),
            Some(ClassKind::Pydantic {
                extra: Extra::Allow,
            }) => WriteFate::Kept,
            Some(ClassKind::NamedTuple | ClassKind::TypedDict) => {
                WriteFate::Raises("AttributeError")
            }
            Some(ClassKind::Plain | ClassKind::Dataclass) => WriteFate::StrayAttribute,
            Some(ClassKind::Attrs) => WriteFate::SlottedOrStray,
        }
    }
}

impl MigrationInterface {
    /// What writing a member the SSOT class lacks does.
    pub fn write_fate(&self) -> WriteFate {
        WriteFate::of(self.ssot_kind)
    }

    /// What passing `keyword` to the SSOT class's constructor does, when the deprecated class
    /// takes it and the SSOT class does not; `None` when the move changes nothing for it.
    pub fn dropped_keyword(&self, keyword: &str) -> Option<KeywordFate> {
        match &self.keywords {
            KeywordChange::Derived {
                deprecated,
                ssot,
                fate,
            } => (deprecated.iter().any(|k| k.accepts(keyword)) && !ssot.accepts(keyword))
                .then_some(*fate)
                .flatten(),
            KeywordChange::Configured => self
                .risky_members
                .contains(keyword)
                .then_some(KeywordFate::SilentlyDropped),
            KeywordChange::Unchanged => None,
        }
    }
}

/// A migration rule as this workspace resolves it.
pub struct MigrationOracle {
    /// The rule's id, shared by every finding of the migration.
    pub id: Arc<str>,
    pub rule: Migration,
    pub interface: MigrationInterface,
    /// Each module of the rule (deprecated ones, then the SSOT module) as this project has it.
    pub modules: Vec<ModuleResolution>,
    /// What the rule says about itself in this project (modules that are not in it).
    pub warnings: Vec<RuleWarning>,
    workspace: Arc<Workspace>,
    /// Every re-export query answered so far (answers do not depend on the order of queries).
    resolutions: Mutex<HashMap<Query, Option<ClassSource>>>,
    /// Per project module asked about, its factories (see [`MigrationOracle::function_returns`]).
    factories: Mutex<HashMap<ModulePath, Arc<Factories>>>,
}

/// A module's factories: each function's name, what it returns, and whether it is `async`.
type Factories = HashMap<String, (ResolvesTo, bool)>;

/// How many re-exports lead from a name to the factory it is, at most.
const MAX_FACTORY_STEPS: usize = 16;

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

impl MigrationOracle {
    pub fn new(workspace: Arc<Workspace>, rule: Migration) -> MigrationOracle {
        let mut oracle = MigrationOracle {
            id: Arc::from(rule.id.as_str()),
            interface: MigrationInterface {
                risky_members: BTreeSet::new(),
                mock_risky_members: BTreeSet::new(),
                members_source: MembersSource::Configured,
                self_returning: BTreeSet::new(),
                keywords: KeywordChange::Unchanged,
                deprecated_kind: None,
                ssot_kind: None,
                ssot_unresolved_bases: BTreeSet::new(),
            },
            modules: Vec::new(),
            warnings: Vec::new(),
            rule,
            workspace,
            resolutions: Mutex::new(HashMap::new()),
            factories: Mutex::new(HashMap::new()),
        };
        oracle.modules = oracle.resolve_modules();
        let origin = &oracle.rule.origin;
        let lines: Vec<usize> = origin
            .deprecated
            .iter()
            .chain([&origin.ssot])
            .map(|span| origin.line(span))
            .collect();
        oracle.warnings =
            resolution::warnings(&oracle.modules, &origin.path.display().to_string(), &lines);
        oracle.interface = oracle.derive_interface();
        oracle
    }

    /// The rule's error in this project: no module of it that is in the project binds the
    /// class (a misspelt symbol, wrong modules). Points at the symbol in the rule file.
    pub fn rule_error(&self) -> Option<crate::error::Error> {
        let origin = &self.rule.origin;
        resolution::undefined_class(&self.modules, &self.rule.symbol, |message, help| {
            origin.error(&origin.symbol, message, help)
        })
    }

    /// Each module of the rule, with its file and what it binds the class's name there to.
    fn resolve_modules(&self) -> Vec<ModuleResolution> {
        let rule = &self.rule;
        let deprecated = rule
            .deprecated
            .iter()
            .map(|module| (module, Role::Deprecated, rule.symbol.as_str()));
        deprecated
            .chain([(&rule.ssot, Role::Ssot, rule.ssot_name())])
            .map(|(module, role, name)| {
                let file = self.workspace.module_file(module);
                let provides = match (&file, self.exports(module)) {
                    (None, _) | (_, None) => Provides::NotInProject,
                    (Some(_), Some(exports)) => match self.resolve(module, name) {
                        SymbolResolution::Class(_) => {
                            let local = exports.names.get(name).is_some_and(|bindings| {
                                bindings.iter().any(|b| matches!(b, ExportBinding::Local))
                            });
                            if local {
                                Provides::Defines
                            } else {
                                Provides::ReExports
                            }
                        }
                        _ => Provides::Missing,
                    },
                };
                let file = file.map(|f| {
                    f.strip_prefix(&self.workspace.root)
                        .map(|relative| relative.to_path_buf())
                        .unwrap_or(f)
                });
                ModuleResolution {
                    module: module.clone(),
                    role,
                    name: name.to_owned(),
                    file,
                    provides,
                }
            })
            .collect()
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The migration as the reports describe it.
    pub fn summary(&self) -> MigrationSummary {
        let rule = &self.rule;
        MigrationSummary {
            id: self.id.clone(),
            rule: rule.rule_id.clone(),
            symbol: rule.symbol.clone(),
            new_name: rule.new_name.clone(),
            deprecated: rule
                .deprecated
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
            ssot: rule.ssot.as_str().to_owned(),
            issue: rule.issue.clone(),
            risky_members: self.interface.risky_members.iter().cloned().collect(),
            members_source: self.interface.members_source,
            warnings: self.warnings.clone(),
        }
    }

    /// Where `module.<name>` comes from: the migrated class (under its own name or a re-exported
    /// alias), a module that does not define it, or something else.
    pub fn resolve(&self, module: &ModulePath, name: &str) -> SymbolResolution {
        if self.rule.names_class(name) {
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

    /// What calling the project function `path` (`<module>.<name>`) returns when its return
    /// annotation names the class: the module's own `def`, or one it re-exports (at most
    /// [`MAX_FACTORY_STEPS`] imports away). Each answer is computed once (the module's file is
    /// parsed whole then) and cached.
    pub fn function_returns(&self, path: &ModulePath) -> Option<(ResolvesTo, bool)> {
        let mut at = path.clone();
        for _ in 0..MAX_FACTORY_STEPS {
            let (module, name) = at.split_last()?;
            // An import of the name (a re-export) leads on; a `def` is in the module's table.
            let exports = self.exports(&module)?;
            let target = exports.names.get(name).and_then(|bindings| {
                bindings.iter().find_map(|b| match b {
                    ExportBinding::Import { target, .. } => Some(target.clone()),
                    _ => None,
                })
            });
            match target {
                Some(target) => at = target,
                None => return self.module_factories(&module).get(name).copied(),
            }
        }
        None
    }

    /// The module's top-level functions whose return annotation, read in the module's own
    /// scopes, names the class, and whether each is an `async def`: parsed once per module,
    /// when first asked.
    fn module_factories(&self, module: &ModulePath) -> Arc<Factories> {
        if let Some(known) = self.lock_factories().get(module) {
            return known.clone();
        }
        let factories = Arc::new(self.read_factories(module).unwrap_or_default());
        self.lock_factories()
            .insert(module.clone(), factories.clone());
        factories
    }

    fn read_factories(&self, module: &ModulePath) -> Option<Factories> {
        let file = self.workspace.module_file(module)?;
        let source = self.workspace.read(&file)?;
        let source = python_line_ends(&source);
        let tree = parse(&source)?;
        let of_file = self.workspace.module_of_file(&file);
        let scopes = FileScopes::collect(tree.root_node(), &source, of_file.as_ref());
        let resolver = Resolver::new(&scopes, &source, self);
        let mut factories = HashMap::new();
        for (name, facts) in &scopes.scopes[MODULE_SCOPE].names {
            let returns = facts.iter().find_map(|fact| resolver.declared_return(fact));
            if let Some(returns) = returns {
                factories.insert((*name).to_owned(), returns);
            }
        }
        Some(factories)
    }

    fn lock_factories(&self) -> std::sync::MutexGuard<'_, HashMap<ModulePath, Arc<Factories>>> {
        // Inserts are atomic, so a poisoned lock is still usable.
        self.factories.lock().unwrap_or_else(|e| e.into_inner())
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
        // In a deprecated module either name of a renamed class is the deprecated import (a
        // shim may re-export the new name); in the SSOT module only the new name is the class.
        let named = if self.rule.names_class(name) && self.rule.is_deprecated(module) {
            Some(ResolvesTo::Deprecated)
        } else if name == self.rule.ssot_name() && *module == self.rule.ssot {
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
        let is_symbol = self.rule.names_class(name);
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
                        None if !self.rule.names_class(dotted) => Some(Query::Follow {
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

    fn exports(&self, module: &ModulePath) -> Option<Arc<ModuleExports>> {
        self.workspace.exports(module)
    }

    fn lock_resolutions(&self) -> std::sync::MutexGuard<'_, HashMap<Query, Option<ClassSource>>> {
        // As for `lock_exports`: inserts are atomic, so a poisoned lock is still usable.
        self.resolutions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Risky members: none when every deprecated module is a shim re-exporting the SSOT class;
    /// else from the class definitions when the SSOT's and a deprecated one are in the project
    /// (their bases read through the project's imports); else the rule's configured list.
    fn derive_interface(&self) -> MigrationInterface {
        let classes = ProjectClasses::new(&self.workspace);
        let mut self_returning: BTreeSet<String> = PYDANTIC_SELF_RETURNING
            .iter()
            .map(|m| (*m).to_owned())
            .collect();
        let symbol = self.rule.symbol.as_str();
        let provided: Vec<ClassSource> = self
            .rule
            .deprecated
            .iter()
            .filter_map(|module| self.resolve(module, symbol).class_source())
            .collect();
        let ssot = classes.interface(&self.rule.ssot, self.rule.ssot_name());
        let ssot_kind = ssot.as_ref().map(|class| class.kind);
        let ssot_unresolved_bases = ssot
            .as_ref()
            .map(|class| class.unresolved_bases.clone())
            .unwrap_or_default();
        if !provided.is_empty() && provided.iter().all(|p| p.class == ResolvesTo::Ssot) {
            return MigrationInterface {
                risky_members: BTreeSet::new(),
                mock_risky_members: BTreeSet::new(),
                members_source: MembersSource::SameClass,
                self_returning,
                keywords: KeywordChange::Unchanged,
                deprecated_kind: ssot_kind,
                ssot_kind,
                ssot_unresolved_bases,
            };
        }
        // A collapsed chain (a -> b -> c) has several deprecated classes: a member any of them
        // has and the SSOT class lacks is risky.
        let deprecated: Vec<ClassInterface> = self
            .rule
            .deprecated
            .iter()
            .filter_map(|module| classes.interface(module, symbol))
            .collect();
        let deprecated_kind = deprecated.first().map(|class| class.kind);
        match ssot {
            Some(ssot) if !deprecated.is_empty() => {
                for class in deprecated.iter().chain([&ssot]) {
                    self_returning.extend(class.self_returning.iter().cloned());
                }
                MigrationInterface {
                    risky_members: deprecated
                        .iter()
                        .flat_map(|class| class.members.difference(&ssot.members))
                        .filter(|m| !is_dunder(m))
                        .cloned()
                        .collect(),
                    mock_risky_members: deprecated
                        .iter()
                        .flat_map(|class| class.class_members.difference(&ssot.class_members))
                        .filter(|m| !is_dunder(m))
                        .cloned()
                        .collect(),
                    members_source: MembersSource::Derived,
                    self_returning,
                    keywords: KeywordChange::Derived {
                        deprecated: deprecated.iter().map(|c| c.keywords.clone()).collect(),
                        fate: KeywordFate::of(ssot.kind),
                        ssot: ssot.keywords,
                    },
                    deprecated_kind,
                    ssot_kind,
                    ssot_unresolved_bases,
                }
            }
            _ => MigrationInterface {
                risky_members: self.rule.fallback_risky_members.iter().cloned().collect(),
                // Whether they are class attributes is not known: as for instances.
                mock_risky_members: self.rule.fallback_risky_members.iter().cloned().collect(),
                members_source: MembersSource::Configured,
                self_returning,
                keywords: KeywordChange::Configured,
                deprecated_kind,
                ssot_kind,
                ssot_unresolved_bases,
            },
        }
    }
}

/// The project's classes for [`read_class`]: a class named in a module is read from the
/// module's file, following the module's re-exports (`pkg/__init__.py` importing it from
/// `.base`) a bounded number of steps. Each (module, name) is read once per migration.
struct ProjectClasses<'w> {
    workspace: &'w Workspace,
    read: RefCell<HashMap<(ModulePath, String), Option<ClassInterface>>>,
}

/// How many re-exports lead from a module to the class it names, at most.
const MAX_REEXPORT_STEPS: usize = 16;

impl<'w> ProjectClasses<'w> {
    fn new(workspace: &'w Workspace) -> ProjectClasses<'w> {
        ProjectClasses {
            workspace,
            read: RefCell::new(HashMap::new()),
        }
    }

    /// Class `name` as module `module` defines it, or the class it re-exports under that name.
    fn read_defined(&self, module: &ModulePath, name: &str) -> Option<ClassInterface> {
        let mut at = (module.clone(), name.to_owned());
        for _ in 0..MAX_REEXPORT_STEPS {
            let path = self.workspace.module_file(&at.0)?;
            let source = self.workspace.read(&path)?;
            let source = python_line_ends(&source);
            let tree = parse(&source)?;
            let file = self.workspace.module_of_file(&path);
            if let Some(class) = read_class(tree.root_node(), &source, &at.1, file.as_ref(), self) {
                return Some(class);
            }
            let exports = self.workspace.exports(&at.0)?;
            let target = exports.names.get(&at.1)?.iter().find_map(|b| match b {
                ExportBinding::Import { target, .. } => target.split_last(),
                _ => None,
            })?;
            at = (target.0, target.1.to_owned());
        }
        None
    }
}

impl BaseClasses for ProjectClasses<'_> {
    fn interface(&self, module: &ModulePath, name: &str) -> Option<ClassInterface> {
        let key = (module.clone(), name.to_owned());
        if let Some(known) = self.read.borrow().get(&key) {
            return known.clone();
        }
        let class = self.read_defined(module, name);
        self.read.borrow_mut().insert(key, class.clone());
        class
    }
}

impl ClassOracle for MigrationOracle {
    fn symbol(&self) -> &str {
        &self.rule.symbol
    }

    fn resolve(&self, module: &ModulePath, name: &str) -> SymbolResolution {
        MigrationOracle::resolve(self, module, name)
    }

    fn resolve_star(&self, module: &ModulePath, name: &str) -> SymbolResolution {
        MigrationOracle::resolve_star(self, module, name)
    }

    fn returns_instance(&self, method: &str) -> bool {
        self.interface.self_returning.contains(method)
    }

    fn function_returns(&self, path: &ModulePath, awaited: bool) -> Option<ResolvesTo> {
        let (returns, is_async) = MigrationOracle::function_returns(self, path)?;
        (is_async == awaited).then_some(returns)
    }
}
