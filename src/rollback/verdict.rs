//! Judging one version of a file with the scanner's own engine: every decision about history
//! (which commit migrated the file, which commit was last known good) runs [`Engine::check`] on
//! the blob's bytes, with the needles the scan learned (the symbol and every alias under which a
//! module provides the class), never a text search.
//!
//! A blob from history is judged with the class definitions of its own commit: the files of the
//! migration's SSOT and deprecated modules as that commit had them (a member the SSOT class had
//! then, a deprecated module that still defined the class). The rest of the project (where a
//! re-exporting module says the class comes from) is read from today's files: re-export modules
//! rarely change during a migration, and reading every commit's whole tree to resolve one import
//! would make history searches far slower.

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
use crate::scan::FileReport;
use crate::workspace::{Sources, Workspace};

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
    /// The scan's verdict on a file for migration `id`.
    pub fn of_report(report: &FileReport, id: &str) -> Verdict {
        let findings = report.findings.iter().filter(|f| &*f.migration == id);
        Verdict {
            resolves_to: report.resolves_to(id),
            failing: findings.clone().filter(|f| is_failing(f)).count(),
            unresolved_import: findings.clone().any(|f| f.code == Code::UnresolvedImport),
        }
    }

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

/// Verdicts on blobs, cached by blob id, path and class definitions: a version of a file is
/// parsed once however many commits hold it with the same definitions. (The path is part of the
/// key because relative imports resolve against it.)
pub struct Verdicts<'p> {
    /// An engine with the one migration the plan undoes, over today's files.
    engine: &'p Engine,
    layout: &'p ProjectInRepo,
    /// The files that could define the migration's modules: work-tree path and absolute path.
    definitions: Vec<(String, PathBuf)>,
    /// The versions of the definitions (blob ids, `None`: absent) seen so far; index 0 is
    /// today's, judged with `engine`.
    versions: Vec<Vec<Option<Oid>>>,
    version_of_commit: HashMap<Oid, usize>,
    /// Engines for the other versions, built when first needed.
    engines: HashMap<usize, Engine>,
    cache: HashMap<(Oid, String, usize), Verdict>,
    parsed: usize,
}

/// Which class definitions a verdict uses: an index into [`Verdicts`]' versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DefinitionsAt(usize);

impl<'p> Verdicts<'p> {
    pub fn new(engine: &'p Engine, layout: &'p ProjectInRepo) -> Verdicts<'p> {
        let workspace = engine.workspace();
        let rule = &engine.the_migration().rule;
        let mut definitions: Vec<(String, PathBuf)> = Vec::new();
        for module in std::iter::once(&rule.ssot).chain(&rule.deprecated) {
            for file in workspace.possible_module_files(module) {
                let Some(relative) = crate::paths::below(&file, &workspace.root) else {
                    continue;
                };
                let repo_path = format!("{}{relative}", layout.prefix());
                if !definitions.iter().any(|(p, _)| *p == repo_path) {
                    definitions.push((repo_path, file));
                }
            }
        }
        let today = definitions
            .iter()
            .map(|(_, file)| {
                file.is_file()
                    .then(|| Oid::hash_file(git2::ObjectType::Blob, file).ok())
                    .flatten()
            })
            .collect();
        Verdicts {
            engine,
            layout,
            definitions,
            versions: vec![today],
            version_of_commit: HashMap::new(),
            engines: HashMap::new(),
            cache: HashMap::new(),
            parsed: 0,
        }
    }

    /// Takes `verdict` as the one on `blob` at `path` with today's definitions: the scan's own,
    /// for a file whose work-tree version is HEAD's (nothing to parse again). Used only when
    /// today's definitions are HEAD's too; else HEAD's version has another key and is judged.
    pub fn seed(&mut self, blob: Oid, path: &str, verdict: Verdict) {
        self.cache.insert((blob, path.to_owned(), 0), verdict);
    }

    /// The class definitions as `commit` has them.
    pub fn definitions_at(&mut self, repo: &Repo, commit: Oid) -> DefinitionsAt {
        if let Some(&index) = self.version_of_commit.get(&commit) {
            return DefinitionsAt(index);
        }
        let blobs: Vec<Option<Oid>> = self
            .definitions
            .iter()
            .map(|(path, _)| repo.blob_at(commit, path))
            .collect();
        let index = match self.versions.iter().position(|v| *v == blobs) {
            Some(index) => index,
            None => {
                self.versions.push(blobs);
                self.versions.len() - 1
            }
        };
        self.version_of_commit.insert(commit, index);
        DefinitionsAt(index)
    }

    /// The verdict on `blob` as the file at `path` (work-tree relative), with the definitions
    /// `at`. A blob that cannot be read is judged as binding nothing and failing nothing.
    pub fn judge(&mut self, repo: &Repo, at: DefinitionsAt, blob: Oid, path: &str) -> Verdict {
        let key = (blob, path.to_owned(), at.0);
        if let Some(verdict) = self.cache.get(&key) {
            return *verdict;
        }
        let verdict = match repo.read_blob(blob) {
            Ok(bytes) => self.judge_bytes(repo, at, &bytes, path),
            Err(_) => Verdict::default(),
        };
        self.cache.insert(key, verdict);
        verdict
    }

    /// The verdict on `source` as the file at `path`, without the cache. A file the engine
    /// cannot judge (a bug of ours) is judged as binding nothing and failing nothing.
    fn judge_bytes(
        &mut self,
        repo: &Repo,
        at: DefinitionsAt,
        source: &[u8],
        path: &str,
    ) -> Verdict {
        if !self.engine.may_matter(source) {
            return Verdict::default();
        }
        self.parsed += 1;
        let Some(file) = self.layout.file(path) else {
            return Verdict::default();
        };
        let engine = match at.0 {
            0 => self.engine,
            index => {
                if !self.engines.contains_key(&index) {
                    let engine = self.engine_for(repo, index);
                    self.engines.insert(index, engine);
                }
                &self.engines[&index]
            }
        };
        match engine.check(&file, source, Parse::Sparse) {
            Ok(judged) => judged
                .outcome
                .migrations
                .first()
                .map(Verdict::of)
                .unwrap_or_default(),
            Err(_) => Verdict::default(),
        }
    }

    /// The engine over today's files with the definitions of version `index` in their place.
    fn engine_for(&self, repo: &Repo, index: usize) -> Engine {
        let files = self
            .definitions
            .iter()
            .zip(&self.versions[index])
            .map(|((_, file), blob)| {
                let contents = blob
                    .and_then(|blob| repo.read_blob(blob).ok())
                    .map(std::sync::Arc::<[u8]>::from);
                (file.clone(), contents)
            });
        self.engine.with_sources(Sources::with_versions(files))
    }

    /// How many blobs were parsed (cache misses that mention the symbol or an alias).
    pub fn parsed(&self) -> usize {
        self.parsed
    }
}
