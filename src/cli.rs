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
use crate::gate::baseline::Baseline;
use crate::gate::changed::ChangedLines;
use crate::gate::staged::staged_files;
use crate::project::Project;
use crate::report::{write_report, write_statistics, Format};
use crate::rules::{load_rules, Migration};
use crate::scan::{scan, scan_contents, FileError, ScanOptions, ScanResult};

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
    Check(Box<CheckArgs>),
    /// Print a finding code's documentation (what, why, example, fix), like `ruff rule`.
    Explain(ExplainArgs),
    /// Which failing file to roll back, to which revision, and safe commands to do it.
    Rollback(crate::rollback::cli::RollbackArgs),
    /// List the `checkpoint: pre-` commits (Level 2 rollback points), newest first.
    Checkpoints(crate::rollback::cli::CheckpointsArgs),
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// The code (`SSOT002`) or its name (`missing-member`).
    #[arg(value_parser = parse_code, required_unless_present = "all")]
    code: Option<Code>,
    /// List every code.
    #[arg(long, conflicts_with = "code")]
    all: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or folders to scan (default: the current folder; with --staged: every staged file).
    paths: Vec<PathBuf>,
    /// Scan what git's index holds for the files (what a commit will contain), not the working
    /// tree: for pre-commit hooks.
    #[arg(long)]
    staged: bool,
    /// Only findings not in this baseline file fail (and are reported).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every current finding to this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// With --baseline: drop the entries fixed since; never adds any.
    #[arg(long, requires = "baseline")]
    update_baseline: bool,
    /// Only findings on lines changed since this revision fail (and are reported).
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// Fail only when there are more than N failing findings.
    #[arg(long, value_name = "N")]
    max_violations: Option<usize>,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
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
    /// After the report, print to standard error where the scan's time went: files and bytes
    /// read, files checked and parsed whole, bytes handed to tree-sitter, the slowest file.
    #[arg(long)]
    stats: bool,
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
        Command::Check(args) => check(*args),
        Command::Explain(args) => explain(&args),
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

fn check(mut args: CheckArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    if let Some(threads) = args.threads {
        // Only fails when a pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build_global();
    }
    let named_paths = !args.paths.is_empty();
    if !named_paths {
        args.paths.push(PathBuf::from("."));
    }
    // A path that does not exist is reported like a file that cannot be read: the other paths
    // are still scanned, and the exit code is 2. With none left there is nothing to scan.
    // (`--staged` judges named paths by the index, not the disk.)
    let mut missing_paths = Vec::new();
    if !args.staged {
        let (existing, missing): (Vec<PathBuf>, Vec<PathBuf>) = args
            .paths
            .into_iter()
            .partition(|path| std::fs::symlink_metadata(path).is_ok());
        if existing.is_empty() {
            return Err(Error::MissingPath(missing[0].display().to_string()));
        }
        args.paths = existing;
        missing_paths = missing;
    }
    let (config, project) = load_project(
        &args.paths,
        args.config.as_deref(),
        args.migration.as_deref(),
    )?;
    let first = &args.paths[0];
    let options = ScanOptions {
        selected: selected_codes(&args, &config),
        prefilter: !args.no_prefilter,
    };

    // Every path that could not be checked goes into the report, not only onto stderr.
    let mut walk_errors: Vec<FileError> = missing_paths
        .iter()
        .map(|path| {
            let error = Error::MissingPath(path.display().to_string());
            FileError::new(Some(path), error, &project.root)
        })
        .collect();
    let mut result = if args.staged {
        let only = if named_paths {
            args.paths.as_slice()
        } else {
            &[]
        };
        let staged = staged_files(first, only)?;
        walk_errors.extend(
            staged
                .errors
                .into_iter()
                .map(|(path, error)| FileError::new(Some(&path), error, &project.root)),
        );
        scan_contents(&staged.files, &project, &options)
    } else {
        let discovery = discover_options(
            &config,
            &project,
            &args.exclude,
            &args.extend_exclude,
            args.no_ignore,
        );
        let discovered = discover(&args.paths, &discovery)?;
        walk_errors.extend(discovered.errors);
        scan(&args.paths, &discovered.files, &project, &options)
    };
    // Baselines and `--changed-since` filter findings only: an error is never hidden.
    result.add_errors(walk_errors);

    if let Some(path) = &args.write_baseline {
        Baseline::write_from(path, &project.migration.id, &result)?;
        eprintln!(
            "wrote {} findings to the baseline `{}`",
            result.findings().count(),
            path.display()
        );
    }
    if let Some(revision) = &args.changed_since {
        let changed = ChangedLines::since(first, revision)?;
        let mut unchanged = 0;
        for file in &mut result.files {
            let before = file.findings.len();
            file.findings
                .retain(|finding| changed.contains(&file.absolute_path, finding.location.line));
            unchanged += before - file.findings.len();
        }
        eprintln!("{unchanged} findings on lines not changed since `{revision}` are not reported");
    }
    if let Some(path) = &args.baseline {
        let baseline = Baseline::load(path)?;
        let outcome = baseline.apply(&mut result);
        eprintln!(
            "{} findings are in the baseline `{}`",
            outcome.known,
            path.display()
        );
        for entry in &outcome.fixed {
            eprintln!(
                "fixed since the baseline: {} {}:{} {}",
                entry.code,
                entry.path,
                entry.line,
                entry.member.as_deref().unwrap_or("-")
            );
        }
        if args.update_baseline && !outcome.fixed.is_empty() {
            baseline.shrink(&outcome.fixed)?;
            eprintln!(
                "dropped {} fixed entries from the baseline",
                outcome.fixed.len()
            );
        }
    }

    match write_output(&args, &result) {
        Ok(()) => {}
        // `ssot-guard check | head`: the reader has all it wants.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => {
            let target = args
                .output
                .clone()
                .unwrap_or_else(|| PathBuf::from("<stdout>"));
            return Err(Error::io(&target, e));
        }
    }

    if args.stats {
        for line in result.stats.lines(started.elapsed()) {
            eprintln!("{line}");
        }
    }
    let failing = result
        .findings()
        .filter(|(_, finding)| finding.severity.fails())
        .count();
    let had_errors = !result.errors.is_empty();
    for error in result.errors {
        print_error(error.error);
    }
    if had_errors {
        return Ok(ExitCode::from(2));
    }
    let fails = failing > args.max_violations.unwrap_or(0);
    Ok(match (fails, args.exit_zero, args.expect_violations) {
        (_, true, _) => ExitCode::SUCCESS,
        (true, _, true) | (false, _, false) => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
}

/// Writes the report (or the statistics) to `--output` or standard output.
fn write_output(args: &CheckArgs, result: &ScanResult) -> io::Result<()> {
    let (mut out, color): (Box<dyn Write>, bool) = match &args.output {
        Some(path) => (
            Box::new(io::BufWriter::new(std::fs::File::create(path)?)),
            false,
        ),
        None => {
            let stdout = io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            (Box::new(io::BufWriter::new(stdout.lock())), color)
        }
    };
    if args.statistics {
        write_statistics(&mut out, args.format, result)?;
    } else {
        write_report(&mut out, args.format, result, color)?;
    }
    out.flush()
}

/// `--select` (else the config's `select`, else every code) minus every `ignore`.
fn selected_codes(args: &CheckArgs, config: &Config) -> Vec<Code> {
    let select: Vec<Code> = if !args.select.is_empty() {
        args.select.clone()
    } else {
        config.select.clone().unwrap_or_else(|| Code::ALL.to_vec())
    };
    select
        .into_iter()
        .filter(|code| !config.ignore.contains(code) && !args.ignore.contains(code))
        .collect()
}

fn explain(args: &ExplainArgs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    let written = match args.code {
        Some(code) => write_explanation(&mut out, code),
        None => Code::ALL.iter().try_for_each(|code| {
            writeln!(
                out,
                "{}  {:<18} {}",
                code.as_str(),
                code.name(),
                code.doc().summary
            )
        }),
    };
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io(Path::new("<stdout>"), e)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn write_explanation(out: &mut dyn Write, code: Code) -> io::Result<()> {
    let doc = code.doc();
    let indent = |text: &str| {
        text.lines()
            .map(|line| format!("    {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    writeln!(out, "# {} ({})\n", code.as_str(), code.name())?;
    writeln!(out, "## What it does\n{}\n", doc.what)?;
    writeln!(out, "## Why is this bad?\n{}\n", doc.why)?;
    writeln!(out, "## Example\n{}\n", indent(doc.example))?;
    writeln!(out, "## Use instead\n{}", indent(doc.fix))
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
