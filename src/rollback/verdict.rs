//! Judging one version of a file with the scanner's own engine: every decision about history
//! (which commit migrated the file, which commit was last known good) runs [`Engine::check`] on
//! the blob's bytes, with the needles the scan learned (the symbol and every alias under which a
//! module provides the class), never a text search.
//!
//! A blob from history is checked against the working tree's project: where a re-exporting module
//! says the class comes from is read from today's files, not from the same commit. That is an
//! accepted approximation: re-export modules rarely change during a migration, and reading every
//! commit's whole tree to resolve one import would make history searches far slower.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::Oid;

use crate::check::MigrationOutcome;
use crate::codes::Code;
use crate::engine::{Engine, Parse};
use crate::error::{Error, Result};
use crate::finding::{Finding, ResolvesTo};
use crate::git::Repo;
use crate::python::ModuleOfFile;
use crate::workspace::Workspace;

/// A finding that means the file fails today, as its code's rule file says: today an
/// error-severity SSOT002 (a member the SSOT class lacks, on an SSOT instance: AttributeError),
/// SSOT003 (a keyword the SSOT class silently drops) or SSOT004 (an import of the class from a
/// module that does not define it: ImportError).
pub fn is_failing(finding: &Finding) -> bool {
    finding.code.fails_today(finding.severity)
}

/// What one version of a file binds and whether it fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub resolves_to: Option<ResolvesTo>,
    /// Failing findings (see [`is_failing`]).
    pub failing: usize,
    /// Imports the class from a project module that does not define it (SSOT004).
    pub unresolved_import: bool,
}

impl Verdict {
    pub fn of(outcome: &MigrationOutcome) -> Verdict {
        Verdict {
            resolves_to: outcome.resolves_to,
            failing: outcome.findings.iter().filter(|f| is_failing(f)).count(),
            unresolved_import: outcome
                .findings
                .iter()
                .any(|f| f.code == Code::UnresolvedImport),
        }
    }

    pub fn fails(self) -> bool {
        self.failing > 0
    }

    /// Binds the class from the deprecated module and nowhere else: a version to roll back to.
    pub fn binds_only_deprecated(self) -> bool {
        self.resolves_to == Some(ResolvesTo::Deprecated) && !self.unresolved_import
    }

    /// Binds the class from the SSOT module (alone or beside the deprecated one), or tries to
    /// import it from a module that does not define it: a version a migration produced.
    pub fn moved_off_deprecated(self) -> bool {
        matches!(self.resolves_to, Some(ResolvesTo::Ssot | ResolvesTo::Both))
            || self.unresolved_import
    }
}

/// Where the project lies in the repository, to map paths in git trees to the project's modules.
pub struct ProjectInRepo {
    /// The project root relative to the work tree, `""` or ending in `/`.
    prefix: String,
    /// The project root as the workspace has it (not canonicalized), so module lookups match.
    root: PathBuf,
}

impl ProjectInRepo {
    pub fn new(repo: &Repo, root: &Path) -> Result<ProjectInRepo> {
        let canonical = root.canonicalize().map_err(|e| Error::io(root, e))?;
        let relative = canonical
            .strip_prefix(repo.workdir())
            .map_err(|_| Error::Git {
                message: format!(
                    "the project root `{}` is outside the repository `{}`",
                    root.display(),
                    repo.workdir().display()
                ),
                help: Some(
                    "run ssot-guard inside the repository that holds the project".to_owned(),
                ),
            })?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let prefix = if parts.is_empty() {
            String::new()
        } else {
            format!("{}/", parts.join("/"))
        };
        Ok(ProjectInRepo {
            prefix,
            root: root.to_path_buf(),
        })
    }

    /// The project root relative to the work tree: `""` at the top level, else `sub/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A work-tree path relative to the project root; `None` outside the project.
    pub fn project_path<'p>(&self, repo_path: &'p str) -> Option<&'p str> {
        repo_path.strip_prefix(self.prefix.as_str())
    }

    /// Where a work-tree path lies on disk, spelled the way the workspace spells its roots.
    pub fn file(&self, repo_path: &str) -> Option<PathBuf> {
        Some(self.root.join(self.project_path(repo_path)?))
    }

    /// The module a work-tree path defines, with the package root it is imported from (relative
    /// to the work tree, `.` for the top level).
    pub fn module(&self, workspace: &Workspace, repo_path: &str) -> Option<(ModuleOfFile, String)> {
        let file = self.file(repo_path)?;
        let module = workspace.module_of_file(&file)?;
        // `a/b/c.py` is `a.b.c`: its root is three components up; `a/b/__init__.py` is `a.b`,
        // also three components up.
        let depth = module.module.segments().count() + usize::from(module.is_package);
        let components: Vec<&str> = repo_path.split('/').collect();
        let root_parts = &components[..components.len().saturating_sub(depth)];
        let root = if root_parts.is_empty() {
            ".".to_owned()
        } else {
            root_parts.join("/")
        };
        Some((module, root))
    }
}

/// Verdicts on blobs, cached by blob id and path: a version of a file is parsed once however many
/// commits hold it. (The path is part of the key because relative imports resolve against it.)
pub struct Verdicts<'p> {
    /// An engine with the one migration the plan undoes.
    engine: &'p Engine,
    layout: &'p ProjectInRepo,
    cache: HashMap<(Oid, String), Verdict>,
    parsed: usize,
}

impl<'p> Verdicts<'p> {
    pub fn new(engine: &'p Engine, layout: &'p ProjectInRepo) -> Verdicts<'p> {
        Verdicts {
            engine,
            layout,
            cache: HashMap::new(),
            parsed: 0,
        }
    }

    /// The verdict on `blob` as the file at `path` (work-tree relative). A blob that cannot be
    /// read is judged as binding nothing and failing nothing.
    pub fn judge(&mut self, repo: &Repo, blob: Oid, path: &str) -> Verdict {
        let key = (blob, path.to_owned());
        if let Some(verdict) = self.cache.get(&key) {
            return *verdict;
        }
        let verdict = match repo.read_blob(blob) {
            Ok(bytes) => self.judge_bytes(&bytes, path),
            Err(_) => Verdict::default(),
        };
        self.cache.insert(key, verdict);
        verdict
    }

    /// The verdict on `source` as the file at `path`, without the cache. A file the engine
    /// cannot judge (a bug of ours) is judged as binding nothing and failing nothing.
    pub fn judge_bytes(&mut self, source: &[u8], path: &str) -> Verdict {
        if !self.engine.may_matter(source) {
            return Verdict::default();
        }
        self.parsed += 1;
        let Some(file) = self.layout.file(path) else {
            return Verdict::default();
        };
        match self.engine.check(&file, source, Parse::Sparse) {
            Ok(judged) => judged
                .outcome
                .migrations
                .first()
                .map(Verdict::of)
                .unwrap_or_default(),
            Err(_) => Verdict::default(),
        }
    }

    /// How many blobs were parsed (cache misses that mention the symbol or an alias).
    pub fn parsed(&self) -> usize {
        self.parsed
    }
}
