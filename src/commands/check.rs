//! `ssot-guard check`: the scan, the gates (baseline, changed lines, staged files) and the report.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::explain::parse_code;
use super::print_error;
use crate::codes::Code;
use crate::config::Config;
use crate::discover::discover;
use crate::error::{Error, Result};
use crate::fix::forward::plan_scan;
use crate::fix::write::{apply_scan, left_over, write_file, DroppedFix};
use crate::fix::{unified_diff, Applicability};
use crate::gate::baseline::Baseline;
use crate::gate::changed::ChangedLines;
use crate::gate::staged::staged_files;
use crate::report::{write_report, write_statistics, Format};
use crate::scan::{scan, scan_contents, FileError, ScanOptions, ScanResult};
use crate::session::Session;
use crate::workspace::Sources;

#[derive(Debug, Args)]
pub struct CheckArgs {
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
    /// Only these migrations, by rule id (comma-separated; default: every loaded rule).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    migration: Vec<String>,
    /// Exit 0 even when there are failing findings.
    #[arg(long, conflicts_with = "expect_violations")]
    exit_zero: bool,
    /// Exit 1 when there are NO failing findings (after a rollback the deprecated import is
    /// expected back).
    #[arg(long)]
    expect_violations: bool,
    /// Apply the safe fixes (and, with --unsafe-fixes, the unsafe ones), then report what
    /// remains.
    #[arg(long)]
    fix: bool,
    /// Also apply (with --fix or --diff) the fixes that may change behaviour: member renames,
    /// `getattr` defaults.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing; exit 1 when a file would change.
    #[arg(long, conflicts_with_all = ["fix", "write_baseline", "update_baseline"])]
    diff: bool,
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

pub fn run(mut args: CheckArgs) -> Result<ExitCode> {
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
    let (mut session, mut result) = scan_paths(&args, named_paths, &missing_paths)?;
    if args.diff {
        return show_diff(&args, &session, result);
    }
    if args.fix {
        // A fix can make another safe (a re-exporting module whose importers were fixed): fix
        // until nothing changes, so that fixing twice changes nothing. (`--staged` fixes the
        // work tree from the index's versions: once.)
        let passes = if args.staged { 1 } else { FIX_PASSES };
        let mut total = Written::default();
        for _ in 0..passes {
            let written = write_fixes(&args, &session, &result)?;
            total.files += written.files;
            total.findings += written.findings;
            if written.files == 0 {
                break;
            }
            // The files changed under the session's caches: scan again from scratch.
            let (fresh, again) = scan_paths(&args, named_paths, &missing_paths)?;
            session = fresh;
            result = again;
        }
        eprintln!(
            "Fixed {} findings in {} files.",
            total.findings, total.files
        );
        summarize_left(&[], left_over(&result, allowed(&args)));
    }
    let first = &args.paths[0];
    if let Some(path) = &args.write_baseline {
        Baseline::write(path, &result)?;
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

/// Loads the session and scans the paths (the index's versions with `--staged`): the report
/// before any gate, with every error and every finding's fix.
fn scan_paths(
    args: &CheckArgs,
    named_paths: bool,
    missing_paths: &[PathBuf],
) -> Result<(Session, ScanResult)> {
    let first = &args.paths[0];
    // Under `--staged` the index's versions are what the commit holds, also for the modules the
    // staged files import: they overlay the disk.
    let staged = if args.staged {
        let only = if named_paths {
            args.paths.as_slice()
        } else {
            &[]
        };
        Some(staged_files(first, only)?)
    } else {
        None
    };
    let sources = match &staged {
        Some(staged) => Sources::with_overlay(staged.files.iter().map(|(path, bytes)| {
            (
                crate::paths::absolute(path),
                std::sync::Arc::from(bytes.as_slice()),
            )
        })),
        None => Sources::disk(),
    };
    let session = Session::load(
        &args.paths,
        args.config.as_deref(),
        &args.migration,
        sources,
    )?;
    let root = session.root();
    let options = ScanOptions {
        selected: selected_codes(args, &session.config),
        prefilter: !args.no_prefilter,
    };

    // Every path that could not be checked goes into the report, not only onto stderr.
    let mut walk_errors: Vec<FileError> = missing_paths
        .iter()
        .map(|path| {
            let error = Error::MissingPath(path.display().to_string());
            FileError::new(Some(path), error, root)
        })
        .collect();
    let mut result = if let Some(staged) = staged {
        walk_errors.extend(
            staged
                .errors
                .into_iter()
                .map(|(path, error)| FileError::new(Some(&path), error, root)),
        );
        scan_contents(&staged.files, &session.engine, &options)
    } else {
        let discovery =
            session.discover_options(&args.exclude, &args.extend_exclude, args.no_ignore);
        let discovered = discover(&args.paths, &discovery)?;
        walk_errors.extend(discovered.errors);
        scan(&args.paths, &discovered.files, &session.engine, &options)
    };
    // Baselines and `--changed-since` filter findings only: an error is never hidden.
    result.add_errors(walk_errors);

    // Counts per code show no fix; everything else shows or applies them.
    if !args.statistics || args.fix || args.diff {
        plan_scan(
            &session.engine,
            &mut result,
            keeps_every_code(args, &session),
        );
    }
    Ok((session, result))
}

/// Whether the scan keeps every code's findings (no `--select`/`--ignore` narrows it): then
/// they are what each file does today, and fixes need not check the files again for them.
fn keeps_every_code(args: &CheckArgs, session: &Session) -> bool {
    selected_codes(args, &session.config).len() == Code::ALL.len()
}

/// The fixes `--unsafe-fixes` allows.
fn allowed(args: &CheckArgs) -> Applicability {
    if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    }
}

/// `--diff`: the fixes as a unified diff on standard output, a summary on standard error.
/// Exits 1 when a file would change, 0 when none would, 2 on an error.
fn show_diff(args: &CheckArgs, session: &Session, result: ScanResult) -> Result<ExitCode> {
    let applied = apply_scan(
        &session.engine,
        &result,
        allowed(args),
        keeps_every_code(args, session),
    );
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut findings = 0;
    for file in &applied.files {
        let diff = unified_diff(&file.original, &file.fixed, &file.path)
            .map_err(|message| Error::usage(message, None))?;
        findings += file.fixed_findings;
        if let Err(e) = out.write_all(diff.as_bytes()) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::from(1));
            }
            return Err(Error::io(Path::new("<stdout>"), e));
        }
    }
    let _ = out.flush();
    let files = applied.files.len();
    eprintln!("Would fix {findings} findings in {files} files.");
    summarize_left(
        &applied.dropped,
        (applied.unsafe_left, applied.display_only),
    );
    let had_errors = !result.errors.is_empty();
    for error in result.errors {
        print_error(error.error);
    }
    Ok(if had_errors {
        ExitCode::from(2)
    } else if files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// How many passes `--fix` makes at most.
const FIX_PASSES: usize = 4;

/// What one `--fix` pass wrote.
#[derive(Default)]
struct Written {
    files: usize,
    findings: usize,
}

/// One `--fix` pass: writes each file's checked fixes. With `--staged` a file whose work tree
/// differs from the index is left alone (the fix was made on the index's version).
fn write_fixes(args: &CheckArgs, session: &Session, result: &ScanResult) -> Result<Written> {
    let applied = apply_scan(
        &session.engine,
        result,
        allowed(args),
        keeps_every_code(args, session),
    );
    let mut written = Written::default();
    for dropped in &applied.dropped {
        eprintln!("fix dropped for `{}`: {}", dropped.path, dropped.reason);
    }
    for file in &applied.files {
        // Never over a change the fix did not see: an unstaged edit (`--staged` fixes the
        // index's version), or a write since the scan read the file.
        let on_disk = std::fs::read(&file.absolute_path).ok();
        if on_disk.as_deref() != Some(file.original.as_bytes()) {
            if args.staged {
                eprintln!(
                    "not fixed: `{}` has unstaged changes (with --staged the fix is made on the \
                     index's version); stage or stash them, then run again",
                    file.path
                );
            } else {
                eprintln!(
                    "not fixed: `{}` changed since the scan read it; run again",
                    file.path
                );
            }
            continue;
        }
        write_file(&file.absolute_path, &file.fixed)
            .map_err(|e| Error::io(&file.absolute_path, e))?;
        written.files += 1;
        written.findings += file.fixed_findings;
    }
    Ok(written)
}

/// What `--fix` / `--diff` left: dropped fixes, and fixes that need `--unsafe-fixes` or are
/// shown only.
fn summarize_left(dropped: &[DroppedFix], (unsafe_left, display_only): (usize, usize)) {
    for dropped in dropped {
        eprintln!("fix dropped for `{}`: {}", dropped.path, dropped.reason);
    }
    if unsafe_left > 0 {
        eprintln!("{unsafe_left} more fixes are available with --unsafe-fixes.");
    }
    if display_only > 0 {
        eprintln!("{display_only} fixes are shown only (display-only); make them by hand.");
    }
}
