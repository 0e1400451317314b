//! `ssot-guard bisect-script`: the test `git bisect run` calls at each commit. It runs the rule's
//! validation commands (or the command after `--`) and turns pytest's exit codes into the ones
//! bisect reads: good, bad, skip, abort. pytest's codes 2 to 6 say the tests did not run (a
//! collection error, no tests collected), which is a skip, unless the output shows the migration's
//! own error: an `ImportError` of the moved class at collection is exactly the breakage bisect
//! hunts for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus};

use clap::Args;

use crate::error::{Error, Result};
use crate::migration::MigrationOracle;
use crate::session::Session;
use crate::triage::errors::in_output;
use crate::workspace::Sources;

#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes, for `git bisect run`:
  0          the command exited 0: good
  1          it exited 1, or 7..=127 (not 125): bad
  1          it exited 2..=6 and its output shows the migration's own error \
(ImportError, AttributeError, ...): bad
  125        it exited 2..=6 (pytest: interrupted, internal error, usage error, no tests \
collected), or 125: skip
  255        it was killed by a signal or exited above 127, its program is not found, or \
ssot-guard itself failed (bad flags, no rule): git bisect aborts on codes above 127, rather \
than mark the commit")]
pub struct BisectArgs {
    /// A path inside the project.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Use this config file instead of looking for one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The migration whose validation runs and whose errors count as bad (by rule id); needed
    /// when several are loaded.
    #[arg(long, value_name = "ID")]
    migration: Option<String>,
    /// The command to run instead of the rule's validation commands (run directly, not through
    /// `sh`), after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// What `git bisect run` makes of an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Good,
    Bad,
    Skip,
    Abort,
}

impl Verdict {
    fn code(self) -> u8 {
        match self {
            Verdict::Good => 0,
            Verdict::Bad => 1,
            Verdict::Skip => 125,
            Verdict::Abort => 255,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Bad => "bad",
            Verdict::Skip => "skip",
            Verdict::Abort => "abort",
        }
    }
}

/// The verdict on a command that exited with `code` (`None`: killed by a signal), given whether
/// its output shows the migration's own error. Codes above 127 are what a shell reports for a
/// child killed by a signal, and git bisect aborts on them anyway: abort.
fn verdict(code: Option<i32>, shows_own_error: bool) -> Verdict {
    match code {
        Some(0) => Verdict::Good,
        Some(2..=6) if shows_own_error => Verdict::Bad,
        Some(2..=6 | 125) => Verdict::Skip,
        Some(1..=127) => Verdict::Bad,
        _ => Verdict::Abort,
    }
}

/// What pytest means by `code`, for the summary line.
fn pytest_meaning(code: i32) -> Option<&'static str> {
    Some(match code {
        1 => "tests failed",
        2 => "interrupted or collection error",
        3 => "internal error",
        4 => "usage error",
        5 => "no tests collected",
        _ => return None,
    })
}

/// A command to run: one of the rule's validation commands (through `sh -c`), or the words after
/// `--` (run directly).
enum Run<'a> {
    Shell(&'a str),
    Direct(&'a str, &'a [String]),
}

impl Run<'_> {
    /// The program to look up before anything runs: the first word (of a shell command, see
    /// [`crate::rollback::programs::validation_program`]).
    fn program(&self) -> Option<&str> {
        match self {
            Run::Direct(program, _) => Some(program),
            Run::Shell(command) => crate::rollback::programs::validation_program(command),
        }
    }

    fn command(&self) -> Command {
        let mut command = match self {
            Run::Shell(text) => {
                let mut command = Command::new("sh");
                command.args(["-c", text]);
                command
            }
            Run::Direct(program, args) => {
                let mut command = Command::new(program);
                command.args(*args);
                command
            }
        };
        // Bisect checks out old trees: no `.pyc` may be written into them.
        command.env("PYTHONDONTWRITEBYTECODE", "1");
        command
    }

    /// The command as the summary line names it: on one line, each word after `--` a shell word.
    fn shown(&self) -> String {
        let text = match self {
            Run::Shell(text) => (*text).to_owned(),
            Run::Direct(program, args) => std::iter::once(*program)
                .chain(args.iter().map(String::as_str))
                .map(|word| {
                    if plain(word) {
                        word.to_owned()
                    } else {
                        crate::rollback::quote::sh(word)
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        };
        crate::report::one_line(&text).into_owned()
    }
}

/// A word the shell takes as written: no quotes, `$`, globs, brackets or spaces.
fn plain(word: &str) -> bool {
    !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/+-@%:,=".contains(&b))
}

/// Whether `sh` finds `program` (a builtin, a name on PATH, or a path from `folder`), as the
/// command will.
fn found(program: &str, folder: &Path) -> bool {
    Command::new("sh")
        .args(["-c", "command -v -- \"$1\" >/dev/null 2>&1", "sh", program])
        .current_dir(folder)
        .status()
        .is_ok_and(|status| status.success())
}

/// `ssot-guard bisect-script`: the verdict's exit code (see [`verdict`]); errors before anything
/// runs are the caller's to turn into 255 (with [`abort`]).
pub fn run(args: BisectArgs) -> Result<ExitCode> {
    let wanted: Vec<String> = args.migration.iter().cloned().collect();
    let session = Session::load(
        std::slice::from_ref(&args.path),
        args.config.as_deref(),
        &wanted,
        Sources::disk(),
    )?;
    let migration = chosen_migration(&session, args.migration.as_deref())?;
    let runs: Vec<Run<'_>> = match args.command.split_first() {
        Some((program, rest)) => vec![Run::Direct(program, rest)],
        None => migration
            .rule
            .validation
            .iter()
            .map(|command| Run::Shell(command))
            .collect(),
    };
    if runs.is_empty() {
        return Err(Error::usage(
            format!(
                "the rule `{}` has no validation commands: pass one after --",
                migration.id
            ),
            Some("git bisect run ssot-guard bisect-script -- python3 -m pytest tests/".to_owned()),
        ));
    }
    let root = session.root();
    let missing: Vec<&str> = runs
        .iter()
        .filter_map(Run::program)
        .filter(|program| !found(program, root))
        .collect();
    if !missing.is_empty() {
        return Ok(abort(&format!(
            "not found (not on PATH, not a file from {}): {}; nothing was run",
            root.display(),
            missing.join(", ")
        )));
    }
    for each in &runs {
        let output = match each.command().current_dir(root).output() {
            Ok(output) => output,
            Err(e) => return Ok(abort(&format!("cannot run `{}`: {e}", each.shown()))),
        };
        let written = std::io::stdout()
            .write_all(&output.stdout)
            .and_then(|()| std::io::stderr().write_all(&output.stderr));
        // Nobody reads the output (a closed pipe): the verdict still holds.
        let _ = written;
        if output.status.success() {
            continue;
        }
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let own = own_error(&text, migration);
        let verdict = verdict(output.status.code(), own.is_some());
        eprintln!(
            "ssot-guard bisect-script: `{}`: {}",
            each.shown(),
            summary(output.status, own.as_deref(), verdict)
        );
        return Ok(ExitCode::from(verdict.code()));
    }
    eprintln!(
        "ssot-guard bisect-script: exit 0 -> {} ({})",
        Verdict::Good.word(),
        Verdict::Good.code()
    );
    Ok(ExitCode::SUCCESS)
}

/// The migration `--migration` names, else the only one loaded.
fn chosen_migration<'s>(session: &'s Session, id: Option<&str>) -> Result<&'s MigrationOracle> {
    let migrations = session.engine.migrations();
    let chosen = match id {
        Some(id) => migrations.iter().find(|m| m.rule.answers_to(id)),
        None if migrations.len() == 1 => migrations.first(),
        None => None,
    };
    chosen.map(|m| &**m).ok_or_else(|| {
        let ids: Vec<&str> = migrations.iter().map(|m| &*m.id).collect();
        let message = match id {
            Some(id) => format!("no migration rule with id `{id}`"),
            None => format!(
                "{} migrations are loaded ({}); bisect-script judges one",
                ids.len(),
                ids.join(", ")
            ),
        };
        Error::usage(
            message,
            Some(format!("pass `--migration ID`; loaded: {}", ids.join(", "))),
        )
    })
}

/// The verdict's part of the summary line: the exit, pytest's meaning of it, the migration's own
/// error when it decides, and the verdict.
fn summary(status: ExitStatus, own: Option<&str>, verdict: Verdict) -> String {
    let exit = match status.code() {
        Some(code) => match pytest_meaning(code) {
            Some(meaning) => format!("exit {code} (pytest: {meaning})"),
            None => format!("exit {code}"),
        },
        None => format!("killed ({status})"),
    };
    let because = match (verdict, own) {
        (Verdict::Bad, Some(error)) if status.code() != Some(1) => {
            format!(" but the output shows the migration's own {error}")
        }
        _ => String::new(),
    };
    format!("{exit}{because} -> {} ({})", verdict.word(), verdict.code())
}

/// The first line of `output` that shows one of `migration`'s own errors, as `Type: message`.
/// Every kind of error `triage` knows is a failure of the move; the class or module must be the
/// migration's.
fn own_error(output: &str, migration: &MigrationOracle) -> Option<String> {
    in_output(output)
        .into_iter()
        .find(|mentioned| mentioned.error.concerns(migration))
        .map(|mentioned| mentioned.line)
}

/// Prints why bisect must stop and returns 255, which `git bisect run` aborts on (an exit 2 would
/// mark the commit bad).
pub fn abort(reason: &str) -> ExitCode {
    eprintln!(
        "ssot-guard bisect-script: {reason} -> {} ({})",
        Verdict::Abort.word(),
        Verdict::Abort.code()
    );
    ExitCode::from(Verdict::Abort.code())
}

#[cfg(test)]
mod tests {
    use super::{verdict, Verdict};
    use crate::rollback::programs::validation_program;

    #[test]
    fn pytest_codes_become_bisect_verdicts() {
        assert_eq!(verdict(Some(0), false), Verdict::Good);
        assert_eq!(verdict(Some(0), true), Verdict::Good);
        assert_eq!(verdict(Some(1), false), Verdict::Bad);
        for code in 2..=6 {
            assert_eq!(verdict(Some(code), false), Verdict::Skip, "{code}");
            assert_eq!(verdict(Some(code), true), Verdict::Bad, "{code}");
        }
        assert_eq!(verdict(Some(7), false), Verdict::Bad);
        assert_eq!(verdict(Some(124), false), Verdict::Bad);
        assert_eq!(verdict(Some(125), false), Verdict::Skip);
        assert_eq!(verdict(Some(125), true), Verdict::Skip);
        assert_eq!(verdict(Some(126), false), Verdict::Bad);
        assert_eq!(verdict(Some(127), false), Verdict::Bad);
        assert_eq!(verdict(Some(137), false), Verdict::Abort);
        assert_eq!(verdict(Some(-1), false), Verdict::Abort);
        assert_eq!(verdict(None, true), Verdict::Abort);
    }

    #[test]
    fn verdicts_are_the_codes_git_bisect_reads() {
        let codes: Vec<u8> = [Verdict::Good, Verdict::Bad, Verdict::Skip, Verdict::Abort]
            .iter()
            .map(|v| v.code())
            .collect();
        assert_eq!(codes, [0, 1, 125, 255]);
    }

    #[test]
    fn a_shell_command_names_its_program_in_its_first_plain_word() {
        assert_eq!(
            validation_program("python3 -m pytest tests/"),
            Some("python3")
        );
        assert_eq!(
            validation_program("PYTHONPATH=. ./scripts/check.sh --fast"),
            Some("./scripts/check.sh")
        );
        assert_eq!(validation_program("(cd backend && make test)"), None);
        assert_eq!(validation_program("\"$HOME/bin/check\""), None);
        assert_eq!(validation_program(""), None);
    }
}
