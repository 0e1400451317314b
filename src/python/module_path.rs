//! Dotted Python module paths, and how files and relative imports map onto them.

use std::fmt;
use std::path::Path;

/// A dotted module path such as `netra_backend.app.agents.state`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModulePath(String);

impl ModulePath {
    pub fn new(dotted: impl Into<String>) -> Self {
        ModulePath(dotted.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `a.b` joined with `c` is `a.b.c`.
    pub fn join(&self, name: &str) -> ModulePath {
        if self.0.is_empty() {
            ModulePath(name.to_owned())
        } else {
            ModulePath(format!("{}.{}", self.0, name))
        }
    }

    /// `a.b.c` splits into `(a.b, c)`; a single segment has no parent.
    pub fn split_last(&self) -> Option<(ModulePath, &str)> {
        let (parent, last) = self.0.rsplit_once('.')?;
        Some((ModulePath(parent.to_owned()), last))
    }

    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    /// The module a file defines, from its path relative to a source root: `a/b/c.py` is `a.b.c`
    /// and `a/b/__init__.py` is the package `a.b`. `None` for files that are not modules.
    pub fn from_relative_file(relative: &Path) -> Option<ModuleOfFile> {
        let mut segments: Vec<&str> = Vec::new();
        for component in relative.components() {
            segments.push(component.as_os_str().to_str()?);
        }
        let file = segments.pop()?;
        let stem = file
            .strip_suffix(".py")
            .or_else(|| file.strip_suffix(".pyi"))?;
        let is_package = stem == "__init__";
        if !is_package {
            segments.push(stem);
        }
        if segments.is_empty() {
            return None;
        }
        Some(ModuleOfFile {
            module: ModulePath(segments.join(".")),
            is_package,
        })
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The module a scanned file defines, which relative imports are resolved against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleOfFile {
    pub module: ModulePath,
    /// `__init__.py`: relative imports start from the package itself, not from its parent.
    pub is_package: bool,
}

impl ModuleOfFile {
    /// Resolves `from <level dots><tail> import ...` the way the import system does: one dot is the
    /// importing file's package, each further dot one package up. `None` when the dots climb above
    /// the top-level package.
    pub fn resolve_relative(&self, level: usize, tail: Option<&str>) -> Option<ModulePath> {
        let mut package: Vec<&str> = self.module.segments().collect();
        if !self.is_package {
            package.pop();
        }
        for _ in 1..level {
            package.pop();
        }
        if package.is_empty() {
            return None;
        }
        let base = ModulePath::new(package.join("."));
        Some(match tail {
            Some(tail) => base.join(tail),
            None => base,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &str) -> ModuleOfFile {
        ModulePath::from_relative_file(Path::new(path)).unwrap()
    }

    #[test]
    fn files_map_to_modules() {
        assert_eq!(module("a/b/c.py").module.as_str(), "a.b.c");
        assert!(!module("a/b/c.py").is_package);
        assert_eq!(module("a/b/__init__.py").module.as_str(), "a.b");
        assert!(module("a/b/__init__.py").is_package);
        assert_eq!(module("a/stub.pyi").module.as_str(), "a.stub");
        assert!(ModulePath::from_relative_file(Path::new("__init__.py")).is_none());
        assert!(ModulePath::from_relative_file(Path::new("a/readme.txt")).is_none());
    }

    #[test]
    fn relative_imports_climb_packages() {
        let file = module("netra_backend/app/agents/foo.py");
        assert_eq!(
            file.resolve_relative(1, Some("state")).unwrap().as_str(),
            "netra_backend.app.agents.state"
        );
        assert_eq!(
            file.resolve_relative(2, Some("schemas.agent_models"))
                .unwrap()
                .as_str(),
            "netra_backend.app.schemas.agent_models"
        );
        assert_eq!(
            file.resolve_relative(1, None).unwrap().as_str(),
            "netra_backend.app.agents"
        );
        assert_eq!(
            file.resolve_relative(3, Some("x")).unwrap().as_str(),
            "netra_backend.x"
        );
        assert_eq!(file.resolve_relative(4, Some("x")), None);

        let package = module("netra_backend/app/agents/__init__.py");
        assert_eq!(
            package.resolve_relative(1, Some("state")).unwrap().as_str(),
            "netra_backend.app.agents.state"
        );
    }
}
