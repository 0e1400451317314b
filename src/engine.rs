//! The engine: the one way any command judges Python. `check`, `rollback` (its verdicts on
//! history, Level 3's last known good, the surgical patch) all hand a file's path and bytes to
//! [`Engine::check`]; the engine decides whether the bytes can matter (needles), parses them
//! sparsely or whole, once for every migration, turns a bug of ours into an error about the
//! file, and fingerprints the findings.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::check::{check_source, check_source_sparse, FileOutcome};
use crate::error::Error;
use crate::finding::{fingerprint, Finding};
use crate::migration::{MigrationOracle, MigrationSummary};
use crate::paths::Located;
use crate::rules::Migration;
use crate::workspace::{Sources, Workspace};

/// How much of a file is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parse {
    /// Only the statements that can matter to a migration (the same findings, faster).
    Sparse,
    /// Every statement (`--no-prefilter`).
    Whole,
}

/// One file, judged.
#[derive(Debug)]
pub struct Judged {
    /// The file needed tree-sitter's error recovery, and mentions a migrated symbol: findings
    /// may be lost. (A syntax error elsewhere cannot hide a finding: every finding starts from
    /// a symbol's name or an alias, which a file without the symbol reaches through imports
    /// that are parsed anyway. Defined so, reports are the same with and without sparse parsing.)
    pub parse_error: bool,
    /// Per migration, in the engine's order; findings sorted and fingerprinted.
    pub outcome: FileOutcome,
    /// Module-level names other than a symbol under which this file, as a module, provides a
    /// migrated class to other modules.
    pub aliases: Vec<String>,
}

pub struct Engine {
    workspace: Arc<Workspace>,
    migrations: Vec<Arc<MigrationOracle>>,
    /// A searcher for each migration's symbol, built once: history verdicts ask about
    /// thousands of blobs.
    symbols: Vec<memchr::memmem::Finder<'static>>,
    /// Names other than the symbols under which project modules provide a class, as learned
    /// by the files checked so far: needles for [`Engine::may_matter`].
    aliases: Mutex<BTreeSet<String>>,
}

impl Engine {
    /// The migrations in the order their rules were loaded.
    pub fn new(workspace: Arc<Workspace>, rules: Vec<Migration>) -> Engine {
        let migrations: Vec<Arc<MigrationOracle>> = rules
            .into_iter()
            .map(|rule| Arc::new(MigrationOracle::new(workspace.clone(), rule)))
            .collect();
        Engine {
            symbols: symbol_finders(&migrations),
            workspace,
            migrations,
            aliases: Mutex::new(BTreeSet::new()),
        }
    }

    /// The same rules over the project read from `sources` (a commit's class definitions), with
    /// the aliases learned so far.
    pub fn with_sources(&self, sources: Sources) -> Engine {
        let engine = Engine::new(
            Arc::new(self.workspace.with_sources(sources)),
            self.migrations.iter().map(|m| m.rule.clone()).collect(),
        );
        engine.learn_aliases(self.lock_aliases().iter());
        engine
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    pub fn migrations(&self) -> &[Arc<MigrationOracle>] {
        &self.migrations
    }

    /// An engine for the one migration at `index` (a rollback undoes one migration), sharing
    /// this one's workspace, caches and learned aliases.
    pub fn select(&self, index: usize) -> Engine {
        let migrations = vec![self.migrations[index].clone()];
        Engine {
            symbols: symbol_finders(&migrations),
            workspace: self.workspace.clone(),
            migrations,
            aliases: Mutex::new(self.lock_aliases().clone()),
        }
    }

    /// The migration of an engine made by [`Engine::select`] (else the first).
    pub fn the_migration(&self) -> &MigrationOracle {
        &self.migrations[0]
    }

    /// The migrations as reports describe them.
    pub fn summaries(&self) -> Vec<MigrationSummary> {
        self.migrations.iter().map(|m| m.summary()).collect()
    }

    /// Whether a file can hold a finding or change one: its bytes mention a migrated symbol, or
    /// a name under which a module checked so far provides a class. A file that mentions none
    /// cannot: every finding starts from a reference to a class by one of its names.
    pub fn may_matter(&self, source: &[u8]) -> bool {
        self.mentions_symbol(source)
            || self
                .lock_aliases()
                .iter()
                .any(|alias| memchr::memmem::find(source, alias.as_bytes()).is_some())
    }

    /// Adds names under which modules provide a class (see [`Judged::aliases`]).
    pub fn learn_aliases<'a>(&self, aliases: impl IntoIterator<Item = &'a String>) {
        self.lock_aliases().extend(aliases.into_iter().cloned());
    }

    /// Judges `source` as the file at `path` against every migration. A bug of ours on one file
    /// becomes an error about that file (`Error::Internal`), not a crash of the command.
    pub fn check(&self, path: &Path, source: &[u8], parse: Parse) -> Result<Judged, Error> {
        let module = self.workspace.module_of_file(path);
        let migrations: Vec<&MigrationOracle> = self.migrations.iter().map(|m| &**m).collect();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match parse {
            Parse::Sparse => check_source_sparse(source, module.as_ref(), &migrations),
            Parse::Whole => check_source(source, module.as_ref(), &migrations),
        }))
        .map_err(|_| Error::Internal(path.display().to_string()))?;
        let mentions_symbol = self.mentions_symbol(source);
        // What other files can import: the names the module binds publicly to a class.
        let mut aliases: Vec<String> = match &module {
            Some(module) => outcome
                .migrations
                .iter()
                .zip(&migrations)
                .flat_map(|(found, migration)| {
                    found
                        .class_aliases
                        .iter()
                        .filter(|alias| migration.resolve(&module.module, alias).is_class())
                })
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        // A factory is a needle too: a file that calls one holds an instance.
        aliases.extend(
            outcome
                .migrations
                .iter()
                .flat_map(|found| found.factories.iter().cloned()),
        );
        aliases.sort_unstable();
        aliases.dedup();
        let project_path = Located::new(path, None, &self.workspace.root).project_path;
        let mut outcome = outcome;
        for found in &mut outcome.migrations {
            assign_fingerprints(&project_path, &mut found.findings);
        }
        Ok(Judged {
            parse_error: outcome.parse_error && mentions_symbol,
            outcome,
            aliases,
        })
    }

    fn mentions_symbol(&self, source: &[u8]) -> bool {
        self.symbols
            .iter()
            .any(|symbol| symbol.find(source).is_some())
    }

    fn lock_aliases(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        // Inserts are atomic, so a poisoned lock is still usable.
        self.aliases.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn symbol_finders(migrations: &[Arc<MigrationOracle>]) -> Vec<memchr::memmem::Finder<'static>> {
    migrations
        .iter()
        .flat_map(|m| m.rule.class_names())
        .map(|name| memchr::memmem::Finder::new(name.as_bytes()).into_owned())
        .collect()
}

/// Fingerprints use the path below the project root, so they do not depend on where the scan ran.
fn assign_fingerprints(project_path: &str, findings: &mut [Finding]) {
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    for finding in findings.iter_mut() {
        let identity = fingerprint(project_path, finding, 0);
        let occurrence = occurrences.entry(identity).or_default();
        finding.fingerprint = fingerprint(project_path, finding, *occurrence);
        *occurrence += 1;
    }
}
