//! The `rollback` and `checkpoints` commands: flags, and the runs that print a plan. A plan
//! undoes one migration: the one named, the only one loaded, or the only one with failing files.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::discover::Excludes;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::git::{checkpoints, Repo};
use crate::rollback::verdict::{is_failing, ProjectInRepo};
use crate::rollback::{plan, Level, LevelChoice, PlanInput, PlanOptions};
use crate::scan::ScanResult;
use crate::session::Session;
use crate::workspace::Sources;

/// How a plan (or the checkpoint list) is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// The ranked table, the level and why, and the commands.
    Human,
    /// The `check` JSON report plus the `rollback` object of DESIGN.md.
    Json,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Files to plan a rollback for (even when the scan finds nothing failing in them), or
    /// folders to scan for failing files.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// Print the plan as one bash script (review it, then run it from the repository top level).
    #[arg(long, conflicts_with = "format")]
    script: bool,
    /// Switch only the class's import statements back (a patch for `git apply`), keeping the
    /// changes made to the files after their migration.
    #[arg(long)]
    surgical: bool,
    /// The runbook level the commands and the script carry out (default: the recommended one).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    level: Option<u8>,
    /// Use this config file instead of looking for one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The migration to undo, by rule id (needed when several rules are loaded and more than
    /// one has failing files).
    #[arg(long, value_name = "ID")]
    migration: Option<String>,
    /// Scan files that .gitignore, .ignore and git's exclude files leave out.
    #[arg(long)]
    no_ignore: bool,
}

#[derive(Debug, Args)]
pub struct CheckpointsArgs {
    /// A path inside the repository.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// Only the checkpoints of this migration (by rule id): those whose summary names its id,
    /// symbol or issue, or names no other loaded migration.
    #[arg(long, value_name = "ID")]
    migration: Option<String>,
    /// Use this config file instead of looking for one (with --migration).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// `ssot-guard rollback`: exit 0 with a plan (even "nothing to roll back"), 2 on errors.
pub fn run(args: RollbackArgs) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    run_to(args, &mut out)
}

/// [`run`], writing the plan to `out` (the fuzz target renders every form of a plan this way).
pub fn run_to(args: RollbackArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let wanted: Vec<String> = args.migration.iter().cloned().collect();
    let session = Session::load(
        &args.paths,
        args.config.as_deref(),
        &wanted,
        Sources::disk(),
    )?;
    let options = session.discover_options(&[], &[], args.no_ignore);
    let (_, mut result) = session.scan_every_code(&args.paths, args.no_ignore)?;
    let several = session.engine.migrations().len() > 1;
    let chosen = chosen_migration(&session.engine, &result)?;
    let checkpoint_names = migration_names(&session.engine, chosen);
    let engine = session.engine.select(chosen);
    let migration = engine.the_migration();
    keep_only(&mut result, &migration.id);
    let root = engine.workspace().root.clone();
    let start = if args.paths[0].is_dir() {
        args.paths[0].clone()
    } else {
        crate::paths::absolute(&args.paths[0])
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let repo = Repo::discover(&start)?;
    let layout = ProjectInRepo::new(&repo, &root)?;
    let excludes = Excludes::new(&options.exclude, &root)?;

    let check_flags = check_flags(
        &repo,
        args.config.as_deref(),
        &migration.id,
        several || args.migration.is_some() || session.config.migration.is_some(),
    );
    // The commands run this binary by its path: it need not be on PATH.
    let ssot_guard = crate::rollback::programs::own_binary();
    let mut rerun = format!("{} rollback", crate::rollback::quote::sh(&ssot_guard));
    if args.paths != [PathBuf::from(".")] {
        for path in &args.paths {
            rerun.push(' ');
            rerun.push_str(&crate::rollback::quote::sh(&path.to_string_lossy()));
        }
    }
    rerun.push_str(&check_flags);
    if args.surgical {
        rerun.push_str(" --surgical");
    }
    if let Some(level) = args.level {
        rerun.push_str(&format!(" --level {level}"));
    }
    let named = args
        .paths
        .iter()
        .filter(|path| !path.is_dir())
        .map(|path| crate::paths::absolute(path))
        .collect();
    let input = PlanInput {
        repo: &repo,
        engine: &engine,
        layout: &layout,
        excludes: &excludes,
        scan: &result,
    };
    let plan = plan(
        &input,
        PlanOptions {
            named,
            level: args
                .level
                .and_then(Level::from_number)
                .map_or(LevelChoice::Recommend, LevelChoice::Forced),
            only_named: false,
            phase_commits: Vec::new(),
            surgical: args.surgical,
            check_flags,
            rerun,
            ssot_guard,
            checkpoint_names,
        },
    )?;

    let written = if args.script {
        out.write_all(crate::rollback::script::write(&plan).as_bytes())
    } else {
        match args.format {
            PlanFormat::Human => crate::rollback::human::write(out, &plan),
            PlanFormat::Json => crate::rollback::json::write(out, &result, &plan),
        }
    }
    .and_then(|()| out.flush());
    finish(written)?;

    // A history that cannot be read is an I/O error: the plan says so for the file, and the
    // exit code says the plan is incomplete.
    let unreadable: Vec<Error> = plan
        .candidates
        .iter()
        .filter_map(|candidate| match &candidate.target {
            Err(no_target @ crate::rollback::target::NoTarget::UnreadableHistory { .. }) => {
                Some(Error::Git {
                    message: format!(
                        "cannot plan `{}`: {}",
                        crate::report::one_line(&candidate.path),
                        crate::rollback::explain_no_target(no_target, &migration.rule.symbol)
                    ),
                    help: None,
                })
            }
            _ => None,
        })
        .collect();
    let had_errors = !result.errors.is_empty() || !unreadable.is_empty();
    for error in result
        .errors
        .into_iter()
        .map(|error| error.error)
        .chain(unreadable)
    {
        super::print_error(error);
    }
    Ok(if had_errors {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The flags a plan's pasted `ssot-guard check` needs to see the same rule, quoted: the
/// `--config` file (work-tree relative when inside the repository), and `--migration ID` when
/// `name_migration` (several rules loaded, or one chosen): the pasted checks judge the migration
/// the plan undoes, and only it.
pub(crate) fn check_flags(
    repo: &Repo,
    config: Option<&Path>,
    id: &str,
    name_migration: bool,
) -> String {
    let mut flags = String::new();
    if let Some(config) = config {
        let shown = repo
            .relative(config)
            .unwrap_or_else(|| crate::paths::absolute(config).display().to_string());
        flags.push_str(&format!(" --config {}", crate::rollback::quote::sh(&shown)));
    }
    if name_migration {
        flags.push_str(&format!(" --migration {}", crate::rollback::quote::sh(id)));
    }
    flags
}

/// The index of the migration a plan undoes: the only one loaded (or named), else the only one
/// with failing files; several with failing files, or none, need `--migration`.
fn chosen_migration(engine: &Engine, result: &ScanResult) -> Result<usize> {
    let migrations = engine.migrations();
    if migrations.len() == 1 {
        return Ok(0);
    }
    let failing: Vec<usize> = (0..migrations.len())
        .filter(|index| {
            let id = &migrations[*index].id;
            result
                .findings()
                .any(|(_, finding)| finding.migration == *id && is_failing(finding))
        })
        .collect();
    if let [only] = failing[..] {
        return Ok(only);
    }
    let ids: Vec<&str> = migrations.iter().map(|m| &*m.id).collect();
    let failing_ids: Vec<&str> = failing.iter().map(|index| ids[*index]).collect();
    let message = if failing.is_empty() {
        format!(
            "{} migrations are loaded ({}) and none has failing files",
            ids.len(),
            ids.join(", ")
        )
    } else {
        format!(
            "{} migrations have failing files ({}); a plan undoes one",
            failing.len(),
            failing_ids.join(", ")
        )
    };
    Err(Error::usage(
        message,
        Some("pass `--migration ID` to plan the rollback of one migration".to_owned()),
    ))
}

/// The names of migration `chosen` and of the others, to tell whose checkpoints are whose.
pub(crate) fn migration_names(engine: &Engine, chosen: usize) -> checkpoints::MigrationNames {
    let names = |index: usize| {
        let migration = &engine.migrations()[index];
        [
            migration.id.to_string(),
            migration.rule.symbol.clone(),
            migration.rule.issue.clone(),
        ]
    };
    checkpoints::MigrationNames {
        this: names(chosen).to_vec(),
        others: (0..engine.migrations().len())
            .filter(|index| *index != chosen)
            .flat_map(names)
            .collect(),
    }
}

/// Keeps only migration `id`'s findings and facts in a scan's result.
pub(crate) fn keep_only(result: &mut ScanResult, id: &str) {
    result.migrations.retain(|migration| &*migration.id == id);
    for file in &mut result.files {
        file.findings.retain(|finding| &*finding.migration == id);
        file.resolves_to.retain(|(migration, _)| &**migration == id);
    }
}

/// `ssot-guard checkpoints`: the `checkpoint: pre-` commits reachable from HEAD, newest first.
pub fn run_checkpoints(args: CheckpointsArgs) -> Result<ExitCode> {
    if std::fs::symlink_metadata(&args.path).is_err() {
        return Err(Error::MissingPath(args.path.display().to_string()));
    }
    let repo = Repo::discover(&args.path)?;
    let head = repo.head()?;
    let mut found = checkpoints::list(&repo, head.commit)?;
    if let Some(id) = &args.migration {
        let session = Session::load(
            std::slice::from_ref(&args.path),
            args.config.as_deref(),
            &[],
            Sources::disk(),
        )?;
        let Some(index) = session
            .engine
            .migrations()
            .iter()
            .position(|migration| migration.rule.answers_to(id))
        else {
            let ids: Vec<&str> = session.engine.migrations().iter().map(|m| &*m.id).collect();
            return Err(Error::usage(
                format!("no migration rule with id `{id}`"),
                Some(format!("loaded: {}", ids.join(", "))),
            ));
        };
        let names = migration_names(&session.engine, index);
        found.retain(|checkpoint| names.owns(checkpoint));
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match args.format {
        PlanFormat::Human => (|| {
            if found.is_empty() {
                writeln!(
                    out,
                    "No checkpoints: no commit reachable from HEAD has `{}` in its message.",
                    checkpoints::CHECKPOINT_MARKER
                )?;
            }
            for checkpoint in &found {
                writeln!(
                    out,
                    "{}  {}  {}",
                    checkpoint.short,
                    utc_date(checkpoint.time),
                    crate::report::one_line(&checkpoint.summary)
                )?;
            }
            Ok(())
        })(),
        PlanFormat::Json => {
            let rows: Vec<serde_json::Value> = found
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "commit": c.id.to_string(),
                        "date": utc_date(c.time),
                        "summary": c.summary,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        }
    }
    .and_then(|()| out.flush());
    finish(written)?;
    Ok(ExitCode::SUCCESS)
}

fn finish(written: io::Result<()>) -> Result<()> {
    match written {
        Ok(()) => Ok(()),
        // `ssot-guard rollback | head`: the reader has all it wants.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(Path::new("<stdout>"), e)),
    }
}

/// `YYYY-MM-DD HH:MM` in UTC, from seconds since the epoch (Howard Hinnant's civil-from-days).
fn utc_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let minutes = seconds.rem_euclid(86_400) / 60;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc_date;

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc_date(0), "1970-01-01 00:00");
        assert_eq!(utc_date(1_700_000_000), "2023-11-14 22:13");
        assert_eq!(utc_date(951_782_400), "2000-02-29 00:00");
    }
}
