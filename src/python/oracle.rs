//! What the Python layer asks of a migration: the Python layer finds the qualified name an
//! expression refers to (`pkg.mod.Name`); an oracle says what that name means for one migration.
//! This keeps `python/` free of projects and rules.

use super::ModulePath;
use crate::finding::ResolvesTo;

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
    pub fn direct(origin: ResolvesTo) -> ClassSource {
        ClassSource {
            via: origin,
            class: origin,
        }
    }

    pub fn merge(self, other: ClassSource) -> ClassSource {
        ClassSource {
            via: self.via.merge(other.via),
            class: self.class.merge(other.class),
        }
    }
}

impl crate::fixpoint::Join for ClassSource {
    fn join(self, other: ClassSource) -> ClassSource {
        self.merge(other)
    }
}

/// One migration's answers about qualified names (the migration layer implements it).
pub trait ClassOracle: Sync {
    /// The migrated class's name, e.g. `DeepAgentState`.
    fn symbol(&self) -> &str;

    /// What `module.name` is.
    fn resolve(&self, module: &ModulePath, name: &str) -> SymbolResolution;

    /// What the `name` that `from module import *` binds is: like [`ClassOracle::resolve`], but
    /// `NotTheClass` when the star import does not bind the name (`__all__`, a private name).
    fn resolve_star(&self, module: &ModulePath, name: &str) -> SymbolResolution;

    /// Whether `method`, called on the class or an instance, returns an instance.
    fn returns_instance(&self, method: &str) -> bool;

    /// What calling the project function `<module>.<name>` returns, when its return
    /// annotation names the class (a factory such as `create_agent_state`), followed through
    /// re-exports; `None` for anything else. An `async def` gives the instance only `awaited`.
    fn function_returns(&self, path: &ModulePath, awaited: bool) -> Option<ResolvesTo>;

    /// [`ClassOracle::resolve`] for a dotted path `<module>.<name>`.
    fn resolve_path(&self, path: &ModulePath) -> SymbolResolution {
        match path.split_last() {
            Some((module, name)) => self.resolve(&module, name),
            None => SymbolResolution::NotTheClass,
        }
    }
}
