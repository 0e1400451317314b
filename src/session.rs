//! What every command builds first, from its flags: the config found from the first path (or
//! named with `--config`), the project root, the rules, and the engine over them. `check` and
//! `rollback` both start here, so they judge the same files the same way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::codes::Code;
use crate::config::{self, Config};
use crate::discover::{discover, DiscoverOptions, DEFAULT_EXCLUDE};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::rule_set;
use crate::rules::{load_rules, Migration};
use crate::scan::{scan, ScanOptions, ScanResult};
use crate::workspace::{Sources, Workspace};

pub struct Session {
    pub config: Config,
    pub engine: Engine,
}

impl Session {
    /// Loads the config and the rules for `paths` (which must exist), keeps the migrations
    /// `wanted` names (`--migration A,B`; else the config's `migration`; else every rule), and
    /// reads the project's files through `sources`.
    pub fn load(
        paths: &[PathBuf],
        config_file: Option<&Path>,
        wanted: &[String],
        sources: Sources,
    ) -> Result<Session> {
        let session = Session::load_unchecked(paths, config_file, wanted, sources)?;
        // A class that no module of its rule defines is a rule that cannot match: an error
        // before anything is scanned (a module that is not in the project is only a warning).
        if let Some(error) = session
            .engine
            .migrations()
            .iter()
            .find_map(|m| m.rule_error())
        {
            return Err(error);
        }
        Ok(session)
    }

    /// [`Session::load`] that keeps rules which cannot match (for `rules`, which shows why).
    pub fn load_unchecked(
        paths: &[PathBuf],
        config_file: Option<&Path>,
        wanted: &[String],
        sources: Sources,
    ) -> Result<Session> {
        for path in paths {
            if std::fs::symlink_metadata(path).is_err() {
                return Err(Error::MissingPath(path.display().to_string()));
            }
        }
        let first = &paths[0];
        let config = match config_file {
            Some(path) => config::load(path)?,
            None => config::discover(first)?.unwrap_or_default(),
        };
        let root = project_root(&config, first);
        let rules = select_migrations(wanted, &config)?;
        let workspace = Arc::new(Workspace::new(&root, &config.src, sources));
        Ok(Session {
            engine: Engine::new(workspace, rules),
            config,
        })
    }

    pub fn root(&self) -> &Path {
        &self.engine.workspace().root
    }

    /// Every file under `paths` discovered (the config's excludes; `.gitignore` unless
    /// `no_ignore`) and judged with every code: what `rollback`, `migrate` and `triage` act on,
    /// since `select` and `ignore` hide findings, they do not make code work. What could not be
    /// walked is among the result's errors, beside what could not be read. Also the files.
    pub fn scan_every_code(
        &self,
        paths: &[PathBuf],
        no_ignore: bool,
    ) -> Result<(Vec<PathBuf>, ScanResult)> {
        let discovered = discover(paths, &self.discover_options(&[], &[], no_ignore))?;
        let mut result = scan(
            paths,
            &discovered.files,
            &self.engine,
            &ScanOptions {
                selected: Code::ALL.to_vec(),
                prefilter: true,
            },
        );
        result.add_errors(discovered.errors);
        Ok((discovered.files, result))
    }

    /// Which files a scan reads: flags over the config over the defaults.
    pub fn discover_options(
        &self,
        exclude: &[String],
        extend_exclude: &[String],
        no_ignore: bool,
    ) -> DiscoverOptions {
        let config = &self.config;
        let mut patterns: Vec<String> = if !exclude.is_empty() {
            exclude.to_vec()
        } else if let Some(configured) = &config.exclude {
            configured.clone()
        } else {
            DEFAULT_EXCLUDE.iter().map(|p| (*p).to_owned()).collect()
        };
        patterns.extend(config.extend_exclude.iter().cloned());
        patterns.extend(extend_exclude.iter().cloned());
        DiscoverOptions {
            respect_ignore: !no_ignore && config.respect_gitignore.unwrap_or(true),
            exclude: patterns,
            project_root: self.root().to_path_buf(),
        }
    }
}

/// The config file's folder, else the git work tree, else the scanned folder.
fn project_root(config: &Config, first_path: &Path) -> PathBuf {
    if let Some(folder) = config.folder() {
        return folder.to_path_buf();
    }
    let start = if first_path.is_dir() {
        first_path.to_path_buf()
    } else {
        first_path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    git2::Repository::discover(&start)
        .ok()
        .and_then(|repo| repo.workdir().map(Path::to_path_buf))
        .unwrap_or(start)
}

/// The loaded rules that `wanted` names (else the config's `migration`, comma-separated), in
/// load order; every rule when neither names any.
fn select_migrations(wanted: &[String], config: &Config) -> Result<Vec<Migration>> {
    let migrations = load_rules(&config.rules)?;
    let from_config: Vec<String> = config
        .migration
        .iter()
        .flat_map(|ids| ids.split(','))
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    let wanted = if wanted.is_empty() {
        &from_config[..]
    } else {
        wanted
    };
    let mut selected = if wanted.is_empty() {
        migrations
    } else {
        rule_set::select(migrations, wanted)?
    };
    if let Some(globs) = &config.golden_path {
        for migration in &mut selected {
            migration.set_golden_path(globs.clone())?;
        }
    }
    Ok(selected)
}
