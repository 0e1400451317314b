//! The command line: raw arguments (clap) turned into validated settings, then the scan and the
//! report. `run` returns the exit code: 0 clean, 1 failing findings, 2 usage, config or I/O error.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::codes::Code;
use crate::config::{self, Config};
use crate::discover::{discover, DiscoverOptions, DEFAULT_EXCLUDE};
use crate::error::{Error, Result};
use crate::project::Project;
use crate::report::{write_report, write_statistics, Format};
use crate::rules::{load_rules, Migration};
use crate::scan::{scan, ScanOptions};

#[derive(Debug, Parser)]
#[command(
    name = "ssot-guard",
    version,
    about = "Keeps a Python code base safe while it moves a class to its single source of truth"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find deprecated imports of the migrated class and risky attribute accesses.
    Check(CheckArgs),
    /// Which failing file to roll back, to which revision, and safe commands to do it.
    Rollback(crate::rollback::cli::RollbackArgs),
    /// List the `checkpoint: pre-` commits (Level 2 rollback points), newest first.
    Checkpoints(crate::rollback::cli::CheckpointsArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or folders to scan.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print the number of findings per code instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Use this config file instead of looking for one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Scan files that .gitignore, .ignore and git's exclude files leave out.
    #[arg(long)]
    no_ignore: bool,
    /// Only these codes (comma-separated, e.g. SSOT001,SSOT002).
    #[arg(long, value_delimiter = ',', value_parser = parse_code)]
    select: Vec<Code>,
    /// Leave out these codes.
    #[arg(long, value_delimiter = ',', value_parser = parse_code)]
    ignore: Vec<Code>,
    /// Exclude patterns, replacing the configured and default ones.
    #[arg(long, value_delimiter = ',')]
    exclude: Vec<String>,
    /// Exclude patterns, added to the others.
    #[arg(long, value_delimiter = ',')]
    extend_exclude: Vec<String>,
    /// The migration to check, by rule id (needed when several rules are loaded).
    #[arg(long, value_name = "ID")]
    migration: Option<String>,
    /// Exit 0 even when there are failing findings.
    #[arg(long, conflicts_with = "expect_violations")]
    exit_zero: bool,
    /// Exit 1 when there are NO failing findings (after a rollback the deprecated import is
    /// expected back).
    #[arg(long)]
    expect_violations: bool,
    /// Parse every file, even those that never mention the symbol (slower; same report).
    #[arg(long)]
    no_prefilter: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

fn parse_code(text: &str) -> std::result::Result<Code, String> {
    Code::parse(text).ok_or_else(|| {
        format!(
            "unknown code `{text}` (known: {})",
            Code::ALL.map(Code::as_str).join(", ")
        )
    })
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rollback(args) => crate::rollback::cli::run(args),
        Command::Checkpoints(args) => crate::rollback::cli::run_checkpoints(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            print_error(error);
            ExitCode::from(2)
        }
    }
}

fn print_error(error: Error) {
    eprintln!("{:?}", miette::Report::new(error));
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    if let Some(threads) = args.threads {
        // Only fails when a pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build_global();
    }
    let (config, project) = load_project(
        &args.paths,
        args.config.as_deref(),
        args.migration.as_deref(),
    )?;
    let options = discover_options(
        &config,
        &project,
        &args.exclude,
        &args.extend_exclude,
        args.no_ignore,
    );
    let discovered = discover(&args.paths, &options)?;

    let select: Vec<Code> = if !args.select.is_empty() {
        args.select.clone()
    } else {
        config.select.clone().unwrap_or_else(|| Code::ALL.to_vec())
    };
    let selected: Vec<Code> = select
        .into_iter()
        .filter(|code| !config.ignore.contains(code) && !args.ignore.contains(code))
        .collect();
    let options = ScanOptions {
        selected,
        prefilter: !args.no_prefilter,
    };
    let result = scan(&discovered.files, &project, &options);

    let stdout = io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = if args.statistics {
        write_statistics(&mut out, args.format, &result)
    } else {
        write_report(&mut out, args.format, &result, &project, color)
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        // `ssot-guard check | head`: the reader has all it wants.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(Error::io(Path::new("<stdout>"), e)),
    }

    let failing = result
        .findings()
        .any(|(_, finding)| finding.severity.fails());
    let had_errors = !discovered.errors.is_empty() || !result.errors.is_empty();
    for error in discovered.errors.into_iter().chain(result.errors) {
        print_error(error);
    }
    if had_errors {
        return Ok(ExitCode::from(2));
    }
    Ok(match (failing, args.exit_zero, args.expect_violations) {
        (_, true, _) => ExitCode::SUCCESS,
        (true, _, true) | (false, _, false) => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
}

/// What `check` and `rollback` share: the config found from the first path (or named with
/// `--config`), and the project it describes with its migration rule.
pub(crate) fn load_project(
    paths: &[PathBuf],
    config_file: Option<&Path>,
    migration: Option<&str>,
) -> Result<(Config, Project)> {
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
    let migration = select_migration(migration, &config)?;
    let project = Project::new(&root, &config.src, migration);
    Ok((config, project))
}

/// Which files a scan reads: flags over the config over the defaults.
pub(crate) fn discover_options(
    config: &Config,
    project: &Project,
    exclude: &[String],
    extend_exclude: &[String],
    no_ignore: bool,
) -> DiscoverOptions {
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
        project_root: project.root.clone(),
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

fn select_migration(wanted: Option<&str>, config: &Config) -> Result<Migration> {
    let mut migrations = load_rules(&config.rules)?;
    let wanted = wanted.or(config.migration.as_deref());
    let index = match wanted {
        Some(id) => migrations.iter().position(|m| m.id == id),
        None if migrations.len() == 1 => Some(0),
        None => None,
    };
    let ids: Vec<&str> = migrations.iter().map(|m| m.id.as_str()).collect();
    let Some(index) = index else {
        let message = match wanted {
            Some(id) => format!("no migration rule with id `{id}`"),
            None => "several migration rules are loaded; choose one".to_owned(),
        };
        return Err(Error::usage(
            message,
            Some(format!(
                "pass `--migration ID` or set `migration` in the config; loaded: {}",
                ids.join(", ")
            )),
        ));
    };
    let mut migration = migrations.swap_remove(index);
    if let Some(globs) = &config.golden_path {
        migration.set_golden_path(globs.clone())?;
    }
    Ok(migration)
}
