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
    /// What the refusal adds when this program is missing (how to point the commands at it).
    hint: Option<String>,
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
            hint: None,
        }
    }

    /// ssot-guard as the script names it: the path in a shell variable, which
    /// [`BIN_VARIABLE`] replaces when set as the script runs.
    pub fn binary_in(variable: &str) -> Program {
        Program {
            found: format!("command -v -- \"${variable}\" >/dev/null 2>&1"),
            name: Name::InQuotes(format!("${variable}")),
            hint: Some(format!("set {BIN_VARIABLE} to the binary's path")),
        }
    }

    /// ssot-guard as a pasted line names it: its path, quoted, fixed when the plan was written.
    pub fn binary_at(path: &str) -> Program {
        Program {
            found: format!("command -v -- {} >/dev/null 2>&1", sh(path)),
            name: Name::Word(sh(path)),
            hint: Some(format!(
                "plan again with {BIN_VARIABLE} set to the binary's path"
            )),
        }
    }
}

/// The shell variables the script's preflight collects the missing programs in, and the hints
/// for them.
pub const SCRIPT_VARIABLES: Missing = Missing {
    names: "missing",
    hints: "missing_hints",
};
/// The ones pasted lines use (they run in the engineer's own shell).
pub const PASTED_VARIABLES: Missing = Missing {
    names: "ssot_guard_missing",
    hints: "ssot_guard_missing_hints",
};

/// The shell variables a lookup of programs fills: the names of the missing programs, each after
/// a space, and what to do about them beyond installing them (each in parentheses after a space).
#[derive(Clone, Copy)]
pub struct Missing {
    pub names: &'static str,
    pub hints: &'static str,
}

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
    plan.migration
        .rule
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
                hint: None,
            }
        })
        .collect()
}

/// The first word of a validation command that names its program (after any `NAME=value`), if
/// it is plain: one with quotes, `$` or brackets is left to `sh`.
pub(crate) fn validation_program(command: &str) -> Option<&str> {
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

/// Shell that sets `variables.names` to the names of the programs not found, each after a space,
/// and (when a program has a hint) `variables.hints` to the hints of those, its commands joined by
/// `separator` (`"\n"` in a script, `"; "` on a pasted line).
pub fn collect_missing(variables: Missing, programs: &[Program], separator: &str) -> String {
    let names = variables.names;
    let hints = variables.hints;
    let mut lines = vec![format!("{names}=")];
    if programs.iter().any(|p| p.hint.is_some()) {
        lines.push(format!("{hints}="));
    }
    for program in programs {
        let append = match &program.name {
            Name::InQuotes(name) => format!("{names}=\"${names} {name}\""),
            Name::Word(word) => format!("{names}=\"${names} \"{word}"),
        };
        let append = match &program.hint {
            Some(hint) => format!(
                "{{ {append}; {hints}=\"${hints}\"{}; }}",
                sh(&format!(" (for ssot-guard: {hint})"))
            ),
            None => append,
        };
        lines.push(format!("{} || {append}", program.found));
    }
    lines.join(separator)
}

/// The refusal for missing programs, as one shell word that expands the variables
/// [`collect_missing`] set: `prefix`, the names, and what to do (install them, plus the hints of
/// the missing ones, then `again`).
pub fn missing_message(
    variables: Missing,
    programs: &[Program],
    prefix: &str,
    again: &str,
) -> String {
    let hints = if programs.iter().any(|p| p.hint.is_some()) {
        format!("\"${}\"", variables.hints)
    } else {
        String::new()
    };
    format!(
        "{}\"${}\"{}{hints}{}",
        sh(&format!(
            "{prefix}these programs are not found (not on PATH, or not executable):"
        )),
        variables.names,
        sh("; nothing was changed: install them"),
        sh(&format!(", then {again}"))
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
