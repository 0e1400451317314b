//! The command line: the clap parser of every command, and the dispatch to `commands/`. `run`
//! returns the exit code: 0 clean, 1 failing findings, 2 usage, config or I/O error.

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
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(*args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Rollback(args) => commands::rollback::run(args),
        Command::Checkpoints(args) => commands::rollback::run_checkpoints(args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Migrate(args) => commands::migrate::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            commands::print_error(error);
            ExitCode::from(2)
        }
    }
}
