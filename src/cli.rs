//! The command line: the clap parser of every command, and the dispatch to `commands/`. `run`
//! returns the exit code: 0 clean, 1 failing findings, 2 usage, config or I/O error; except
//! `bisect-script`, whose errors exit 255: `git bisect run` stops on codes above 127, where the
//! usual 2 would mark the commit bad.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands;

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
    /// Find deprecated imports of the migrated classes and risky attribute accesses.
    Check(Box<commands::check::CheckArgs>),
    /// Print a finding code's documentation (what, why, example, fix), like `ruff rule`.
    Explain(commands::explain::ExplainArgs),
    /// Which failing file to roll back, to which revision, and safe commands to do it.
    Rollback(commands::rollback::RollbackArgs),
    /// List the `checkpoint: pre-` commits (Level 2 rollback points), newest first.
    Checkpoints(commands::rollback::CheckpointsArgs),
    /// Move the files whose fixes are safe to the SSOT class in batches, each behind a
    /// `checkpoint: pre-<migration>-batch-K` commit (Level 2 rollback points).
    Migrate(commands::migrate::MigrateArgs),
    /// List the loaded rules, where each came from, and what each resolved to in this project.
    Rules(commands::rules::RulesArgs),
    /// From a traceback, a log or a pytest JUnit report to the files to roll back, the suspect
    /// commits and the runbook level.
    ///
    /// Exits 1 when the symptoms point at a migration, 0 when they do not, 2 on an error (the
    /// answer is still printed when the scan could not check a path).
    Triage(commands::triage::TriageArgs),
    /// The test for `git bisect run`: exits 0 good, 1 bad, 125 skip or 255 abort.
    ///
    /// Runs the rule's validation commands (or the command after `--`) from the project root and
    /// reads pytest's exit codes and the migration's own errors in their output.
    BisectScript(commands::bisect::BisectArgs),
}

/// Why `bisect-script` stops a bisect after its own error (printed above it).
const CANNOT_JUDGE: &str = "cannot judge this commit (the error above)";

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` are "errors" that print to stdout and exit 0.
            let _ = error.print();
            let bisecting = std::env::args_os()
                .nth(1)
                .is_some_and(|a| a == "bisect-script");
            return match error.exit_code() {
                0 => ExitCode::SUCCESS,
                _ if bisecting => commands::bisect::abort(CANNOT_JUDGE),
                code => ExitCode::from(u8::try_from(code).unwrap_or(2)),
            };
        }
    };
    let bisecting = matches!(cli.command, Command::BisectScript(_));
    let result = match cli.command {
        Command::Check(args) => commands::check::run(*args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Rollback(args) => commands::rollback::run(args),
        Command::Checkpoints(args) => commands::rollback::run_checkpoints(args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Migrate(args) => commands::migrate::run(args),
        Command::Triage(args) => commands::triage::run(args),
        Command::BisectScript(args) => commands::bisect::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            commands::print_error(error);
            if bisecting {
                commands::bisect::abort(CANNOT_JUDGE)
            } else {
                ExitCode::from(2)
            }
        }
    }
}
