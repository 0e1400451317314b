//! `ssot-guard migrate`: the safe files forward in batches, each behind a checkpoint commit
//! (see `migrate/`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::Write;

use clap::Args;

use crate::error::{Error, Result};
use crate::fix::forward::plan_scan;
use crate::fix::write::{apply_scan, write_file};
use crate::fix::Applicability;
use crate::migrate::plan::{plan, Plan};
use crate::migrate::run;
use crate::scan::ScanResult;
use crate::session::Session;
use crate::workspace::Sources;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Files or folders to move (default: the current folder).
    paths: Vec<PathBuf>,
    /// Files per batch (a module and its tests count as one).
    #[arg(long, value_name = "N", default_value_t = 5)]
    batch: usize,
    /// Run the rule's validation commands after each batch; the first failing batch is undone
    /// to its checkpoint (and kept on a branch).
    #[arg(long)]
    validate: bool,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also move files whose fixes are unsafe (member renames, `getattr` defaults).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Use this config file instead of looking for one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The migration to move (by rule id); needed when several are loaded.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    migration: Vec<String>,
    /// Output format of the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
}

pub fn run(mut args: MigrateArgs) -> Result<ExitCode> {
    if args.paths.is_empty() {
        args.paths.push(PathBuf::from("."));
    }
    let allowed = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let repo = git2::Repository::discover(&args.paths[0]).map_err(|e| {
        Error::usage(
            format!("migrate needs a git repository: {}", e.message()),
            None,
        )
    })?;
    let workdir = repo
        .workdir()
        .and_then(|w| std::fs::canonicalize(w).ok())
        .ok_or_else(|| Error::usage("migrate needs a work tree".to_owned(), None))?;
    if !args.dry_run {
        run::require_clean(&repo)?;
    }
    let (session, scanned, result) = scan_for_fixes(&args)?;
    let migration = &session.engine.the_migration().rule;
    let plan = plan(
        session.engine.workspace(),
        &scanned,
        &result,
        migration,
        allowed,
        args.batch,
    );
    if args.dry_run {
        return match print_plan(&plan, args.format) {
            // `migrate --dry-run | head`: the reader has all it wants.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Error::io(Path::new("<stdout>"), e))
            }
            _ => Ok(ExitCode::SUCCESS),
        };
    }
    let total = plan.batches.len();
    for batch in &plan.batches {
        // Each batch changes what the next can do: scan again, fix only this batch's files.
        let (session, _, mut result) = scan_for_fixes(&args)?;
        result.files.retain(|f| {
            batch
                .files
                .iter()
                .any(|b| b.absolute_path == f.absolute_path)
        });
        let applied = apply_scan(&session.engine, &result, allowed, true);
        for dropped in &applied.dropped {
            eprintln!("not moved: `{}`: {}", dropped.path, dropped.reason);
        }
        if applied.files.is_empty() {
            say(&format!(
                "batch {} of {total}: nothing left to move",
                batch.number
            ));
            continue;
        }
        let id = &plan.migration;
        let checkpoint = run::checkpoint(
            &repo,
            &format!("checkpoint: pre-{id}-batch-{}", batch.number),
        )?;
        let mut paths = Vec::new();
        for file in &applied.files {
            write_file(&file.absolute_path, &file.fixed)
                .map_err(|e| Error::io(&file.absolute_path, e))?;
            paths.push(relative_to(&workdir, &file.absolute_path)?);
        }
        let message = run::batch_message(
            id,
            migration.ssot.as_str(),
            &migration.issue,
            batch.number,
            total,
            &paths,
        );
        let commit = run::commit_files(&repo, &paths, &message)?;
        say(&format!(
            "batch {} of {total}: checkpoint {}, commit {}: {} files",
            batch.number,
            short(checkpoint),
            short(commit),
            paths.len()
        ));
        if !args.validate {
            continue;
        }
        if let Some(failed) = run::validate(&migration.validation, &workdir)? {
            let branch = format!("ssot-guard/failed-{id}-batch-{}", batch.number);
            run::undo_to(&repo, checkpoint, &branch)?;
            say(&format!(
                "batch {} failed its validation: `{}` exited {}; HEAD is back at its checkpoint {}, \
                 the batch is kept on `{branch}`\n{}",
                batch.number,
                failed.command,
                failed.code.map_or("on a signal".to_owned(), |c| c.to_string()),
                short(checkpoint),
                failed.tail
            ));
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A line of progress on standard output; a closed pipe does not stop a migration half-way.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The session, the scanned files and the scan with every finding's fix.
fn scan_for_fixes(args: &MigrateArgs) -> Result<(Session, Vec<PathBuf>, ScanResult)> {
    let session = Session::load(
        &args.paths,
        args.config.as_deref(),
        &args.migration,
        Sources::disk(),
    )?;
    if session.engine.migrations().len() != 1 {
        return Err(Error::usage(
            "migrate moves one migration at a time: name it with --migration ID".to_owned(),
            None,
        ));
    }
    let (files, mut result) = session.scan_every_code(&args.paths, false)?;
    // A file that could not be read could be one that must move, or one that imports a moved
    // module: nothing moves until every file can be judged.
    if !result.errors.is_empty() {
        let count = result.errors.len();
        let first = result.errors[0].path.clone().unwrap_or_default();
        for error in result.errors {
            super::print_error(error.error);
        }
        return Err(Error::usage(
            format!(
                "{count} paths could not be checked (the first: `{first}`); migrate moves \
                 nothing until every file can be judged"
            ),
            None,
        ));
    }
    plan_scan(&session.engine, &mut result, true);
    Ok((session, files, result))
}

fn relative_to(workdir: &Path, path: &Path) -> Result<String> {
    let absolute = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    absolute
        .strip_prefix(workdir)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .map_err(|_| {
            Error::usage(
                format!("`{}` is outside the work tree", path.display()),
                None,
            )
        })
}

fn short(id: git2::Oid) -> String {
    id.to_string()[..10].to_owned()
}

fn print_plan(plan: &Plan, format: PlanFormat) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == PlanFormat::Json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(plan).expect("a plan serializes")
        )?;
        return out.flush();
    }
    let files: usize = plan.batches.iter().map(|b| b.files.len()).sum();
    writeln!(
        out,
        "{} files in {} batches for `{}`:",
        files,
        plan.batches.len(),
        plan.migration
    )?;
    for batch in &plan.batches {
        writeln!(out, "batch {}:", batch.number)?;
        for file in &batch.files {
            writeln!(out, "  {}  ({})", file.path, file.why())?;
        }
    }
    if !plan.left.is_empty() {
        writeln!(out, "not moved:")?;
        for (path, why) in &plan.left {
            writeln!(out, "  {path}: {why}")?;
        }
    }
    out.flush()
}
