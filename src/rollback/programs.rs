//! The programs a plan's commands run, checked before anything changes. A script that finds a
//! program missing only after the restore stops there, with the file restored and nothing
//! committed: so the script's preflight, and the first pasted line of each file and of each
//! level, look up every program first (`command -v`) and refuse, naming the missing ones.
//!
//! `ssot-guard` itself need not be on PATH (`cargo build --release` leaves it in
//! `target/release/`): the commands run the binary that wrote them, by its absolute path, or the
//! one [`BIN_VARIABLE`] names.

use std::path::PathBuf;

use super::quote::sh;
use super::RollbackPlan;

/// Names the ssot-guard binary the commands run. Set while the plan is written, it is what the
/// commands say; set while the script runs, it replaces what the script says.
pub const BIN_VARIABLE: &str = "SSOT_GUARD_BIN";

/// The ssot-guard the plan's commands run: [`BIN_VARIABLE`] when it is set (a relative path made
/// absolute, a bare name left to PATH), else the running binary's own path. When neither can be
/// said as text, `ssot-guard`, which the preflight then looks up like any other program.
pub fn own_binary() -> String {
    let named = std::env::var_os(BIN_VARIABLE)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .map(|path| {
            if path.components().count() > 1 && path.is_relative() {
                std::path::absolute(&path).unwrap_or(path)
            } else {
                path
            }
        });
    named
        .or_else(|| std::env::current_exe().ok())
        .and_then(|path| path.into_os_string().into_string().ok())
        .unwrap_or_else(|| "ssot-guard".to_owned())
}

/// A program the commands run.
pub struct Program {
    /// The shell condition that holds when the program can be run.
    found: String,
    /// Its name for the refusal: text that may stand inside double quotes, or a shell word.
    name: Name,
}

enum Name {
    /// A plain word, or a `$variable`: safe inside double quotes.
    InQuotes(String),
    /// A single-quoted shell word.
    Word(String),
}

impl Program {
    /// A program found by name on PATH (`git`).
    fn on_path(name: &str) -> Program {
        Program {
            found: format!("command -v {name} >/dev/null 2>&1"),
            name: Name::InQuotes(name.to_owned()),
        }
    }

    /// ssot-guard as the script names it: the path in a shell variable.
    pub fn binary_in(variable: &str) -> Program {
        Program {
            found: format!("command -v -- \"${variable}\" >/dev/null 2>&1"),
            name: Name::InQuotes(format!("${variable}")),
        }
    }

    /// ssot-guard as a pasted line names it: its path, quoted.
    pub fn binary_at(path: &str) -> Program {
        Program {
            found: format!("command -v -- {} >/dev/null 2>&1", sh(path)),
            name: Name::Word(sh(path)),
        }
    }
}

/// The shell variable the script's preflight collects missing programs in.
pub const SCRIPT_VARIABLE: &str = "missing";
/// The one pasted lines use (they run in the engineer's own shell).
pub const PASTED_VARIABLE: &str = "ssot_guard_missing";

/// What Level 1 runs, file by file: git (restore, commit), `python3` (the import check), the
/// validation commands' programs and `ssot_guard` (`check --expect-violations`).
pub fn level_one(plan: &RollbackPlan<'_>, ssot_guard: Program) -> Vec<Program> {
    let mut programs = vec![Program::on_path("git"), Program::on_path("python3")];
    programs.extend(validation(plan));
    programs.push(ssot_guard);
    dedup(programs)
}

/// What a script that refuses or prints only runs.
pub fn git_only() -> Vec<Program> {
    vec![Program::on_path("git")]
}

/// What Levels 2 and 3 run: git, `xargs` (the listing of what the reset or checkout would
/// overwrite), `date` (Level 3's branch name) and the validation commands' programs.
pub fn levels_two_three(plan: &RollbackPlan<'_>, level_three: bool) -> Vec<Program> {
    let mut programs = vec![Program::on_path("git"), Program::on_path("xargs")];
    if level_three {
        programs.push(Program::on_path("date"));
    }
    programs.extend(validation(plan));
    dedup(programs)
}

/// The programs of the rule's validation commands: each command's first word after any
/// `NAME=value`, when it is a plain word (a word with quotes, `$`, globs or brackets is not run as
/// written, so it is not looked up). A relative path is looked up in the project's folder, where
/// the command runs.
fn validation(plan: &RollbackPlan<'_>) -> Vec<Program> {
    let prefix = plan.project_prefix.trim_end_matches('/');
    plan.project
        .migration
        .validation
        .iter()
        .filter_map(|command| validation_program(command))
        .map(|program| {
            // A plain word does not start with `-`: no `--` needed, and the same condition as
            // [`Program::on_path`] for the same name.
            let lookup = format!("command -v {program}");
            let found = if program.contains('/') && !program.starts_with('/') && !prefix.is_empty()
            {
                format!("(cd {} && {lookup}) >/dev/null 2>&1", sh(prefix))
            } else {
                format!("{lookup} >/dev/null 2>&1")
            };
            Program {
                found,
                name: Name::InQuotes(program.to_owned()),
            }
        })
        .collect()
}

/// The first word of a validation command that names its program, if it is plain.
fn validation_program(command: &str) -> Option<&str> {
    let plain = |word: &str| {
        !word.starts_with('-')
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._/+-@%:,".contains(&b))
    };
    let assignment = |word: &str| {
        word.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    };
    command
        .split_whitespace()
        .find(|word| !assignment(word))
        .filter(|word| plain(word))
}

fn dedup(programs: Vec<Program>) -> Vec<Program> {
    let mut kept: Vec<Program> = Vec::with_capacity(programs.len());
    for program in programs {
        if !kept.iter().any(|p| p.found == program.found) {
            kept.push(program);
        }
    }
    kept
}

/// Shell that sets `variable` to the names of the programs not found, each after a space, its
/// commands joined by `separator` (`"\n"` in a script, `"; "` on a pasted line).
pub fn collect_missing(variable: &str, programs: &[Program], separator: &str) -> String {
    let mut lines = vec![format!("{variable}=")];
    for program in programs {
        let append = match &program.name {
            Name::InQuotes(name) => format!("{variable}=\"${variable} {name}\""),
            Name::Word(word) => format!("{variable}=\"${variable} \"{word}"),
        };
        lines.push(format!("{} || {append}", program.found));
    }
    lines.join(separator)
}

/// What a refusal for missing programs says before and after their names (the caller writes
/// `'BEFORE'"$variable"'AFTER'`). `binary` is how to point the commands at ssot-guard, when they
/// run it; `again` is what to do once the programs are there.
pub fn missing_message(binary: Option<&str>, again: &str) -> (String, String) {
    let binary = binary.map_or_else(String::new, |how| format!(" (for ssot-guard: {how})"));
    (
        "these programs are not found (not on PATH, or not executable):".to_owned(),
        format!("; nothing was changed: install them{binary}, then {again}"),
    )
}

#[cfg(test)]
mod tests {
    use super::validation_program;

    #[test]
    fn a_validation_command_names_its_program_in_its_first_plain_word() {
        assert_eq!(
            validation_program("python3 tests/suite.py"),
            Some("python3")
        );
        assert_eq!(
            validation_program("PYTHONPATH=. DEBUG=1 ./scripts/check.sh --fast"),
            Some("./scripts/check.sh")
        );
        assert_eq!(validation_program("(cd backend && make test)"), None);
        assert_eq!(validation_program("\"$HOME/bin/check\""), None);
        assert_eq!(validation_program("py*"), None);
        assert_eq!(validation_program(""), None);
    }
}
