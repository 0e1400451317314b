//! `rollback --script`: the plan as one bash script. Everything that can refuse is checked first
//! (every program it runs is there, top level, HEAD unchanged since the plan, revisions present,
//! every file committed as it is, every patch applying cleanly), so a refusal changes nothing;
//! refusals exit 3. ssot-guard is the binary that wrote the script, by its path (or
//! `SSOT_GUARD_BIN`, when set as the script runs). A reset or checkout never runs with uncommitted
//! work, nor over an ignored (or untracked) file the target commit tracks or has a folder at, and
//! pushes are comments.

use std::fmt::Write;

use super::commands::{self, DIRTY_TREE_MESSAGE};
use super::programs::{self, Program, BIN_VARIABLE, SCRIPT_VARIABLES};
use super::quote::{git_for, sh};
use super::{explain_no_target, Candidate, Level, LevelTargetKind, RollbackPlan};
use crate::report::one_line;

/// Exit status of a refusal.
pub const REFUSED: u8 = 3;

/// The shell variable the script keeps the ssot-guard binary in.
const BINARY_VARIABLE: &str = "ssot_guard";

/// The shell variable that, from a file's restore to its commit, says what state a failing step
/// leaves the file in and how to undo the restore ([`commands::left_restored`]); the ERR trap
/// prints it.
const LEFT_RESTORED: &str = "left_restored";

pub fn write(plan: &RollbackPlan<'_>) -> String {
    let mut level = plan.level.level;
    let mut fallback = None;
    if matches!(level, Some(Level::Two | Level::Three)) && plan.level.target.is_none() {
        fallback = Some(level.map_or(0, Level::number));
        level = Some(Level::One);
    }
    let mut script = header(plan, level);
    if let Some(wanted) = fallback {
        let _ = writeln!(
            script,
            "# Level {wanted} has no target (see `ssot-guard rollback`): Level 1 instead, file by file.\n"
        );
    }
    match level {
        Some(Level::One) => level_one(&mut script, plan),
        Some(Level::Two | Level::Three) => level_two_three(&mut script, plan),
        None => script
            .push_str("printf 'ssot-guard rollback: no file fails: nothing to roll back\\n'\n"),
    }
    script
}

fn header(plan: &RollbackPlan<'_>, level: Option<Level>) -> String {
    let rule = &plan.migration.rule;
    let title = level.map_or_else(
        || "nothing to roll back".to_owned(),
        |l| format!("Level {} ({})", l.number(), l.title()),
    );
    let branch = plan.head.branch.as_deref().map_or_else(
        || "detached HEAD".to_owned(),
        |b| format!("branch {}", one_line(b)),
    );
    let programs = preflight_programs(plan, level);
    format!(
        "#!/usr/bin/env bash\n\
         # ssot-guard rollback: {title} for `{}` (migration {}, issue {}).\n\
         # Planned at HEAD {} on {branch}. Review it, then run it from the repository top level.\n\
         # It changes nothing unless every check passes (a refusal exits {REFUSED}); it never pushes.\n\
         set -euo pipefail\n\
         export GIT_LITERAL_PATHSPECS=1\n\
         # Python (the import check, the validation) writes no __pycache__ into the work tree.\n\
         export {no_bytecode}\n\
         \n\
         refuse() {{\n    printf 'ssot-guard rollback: refused: %s\\n' \"$1\" >&2\n    exit {REFUSED}\n}}\n\
         trap 'printf \"ssot-guard rollback: a step failed (line %s); git status shows what changed\\n\" \"$LINENO\" >&2; [ -z \"${{{LEFT_RESTORED}:-}}\" ] || printf \"ssot-guard rollback: %s\\n\" \"${LEFT_RESTORED}\" >&2' ERR\n\
         \n\
         {programs}\
         \n\
         # Preflight: the repository and HEAD are the ones this plan was made for.\n\
         [ \"$(git rev-parse --is-inside-work-tree 2>/dev/null)\" = true ] || refuse 'not inside a git work tree'\n\
         [ -z \"$(git rev-parse --show-prefix)\" ] || refuse 'run this script from the repository top level'\n\
         [ \"$(git rev-parse HEAD)\" = {} ] || refuse {}\n",
        one_line(&rule.symbol),
        one_line(&rule.id),
        one_line(&rule.issue),
        plan.head_commit.short,
        plan.head_commit.id,
        sh(&commands::head_moved(plan)),
        no_bytecode = commands::NO_BYTECODE,
    )
}

/// Refuses unless every program the script runs is there: git always; Level 1 (when a file has
/// a target) also `python3`, the validation commands' programs and ssot-guard, kept in
/// [`BINARY_VARIABLE`]; Levels 2 and 3 `xargs`, `date` and the validation commands' programs.
fn preflight_programs(plan: &RollbackPlan<'_>, level: Option<Level>) -> String {
    let mut text = String::from("# Preflight: every program this script runs is here.\n");
    let has_target = plan.candidates.iter().any(|c| c.target.is_ok());
    let programs = match level {
        Some(Level::One) if has_target => {
            let _ = writeln!(
                text,
                "# ssot-guard is the binary that wrote this script (it need not be on PATH), or \
                 ${BIN_VARIABLE}.\n\
                 {BINARY_VARIABLE}={}\n\
                 [ -z \"${{{BIN_VARIABLE}:-}}\" ] || {BINARY_VARIABLE}=${BIN_VARIABLE}",
                sh(&plan.ssot_guard)
            );
            programs::level_one(plan, Program::binary_in(BINARY_VARIABLE))
        }
        Some(level @ (Level::Two | Level::Three)) if plan.level.target.is_some() => {
            programs::levels_two_three(plan, level == Level::Three)
        }
        _ => programs::git_only(),
    };
    let _ = writeln!(
        text,
        "{}\n[ -z \"${}\" ] || refuse {}",
        programs::collect_missing(SCRIPT_VARIABLES, &programs, "\n"),
        SCRIPT_VARIABLES.names,
        programs::missing_message(SCRIPT_VARIABLES, &programs, "", "run this again"),
    );
    text
}

fn require_commit(script: &mut String, id: git2::Oid) {
    let _ = writeln!(
        script,
        "git cat-file -e {id}^{{commit}} 2>/dev/null || refuse {}",
        sh(&format!("commit {id} is not in this repository"))
    );
}

fn level_one(script: &mut String, plan: &RollbackPlan<'_>) {
    // (candidate, use the surgical patch)
    let chosen: Vec<(&Candidate, bool)> = plan
        .candidates
        .iter()
        .filter(|c| c.target.is_ok())
        .map(|c| (c, plan.surgical))
        .collect();
    for candidate in plan.candidates.iter().filter(|c| c.target.is_err()) {
        if let Err(no_target) = &candidate.target {
            let _ = writeln!(
                script,
                "# Skipped {}: {}",
                one_line(&candidate.path),
                explain_no_target(no_target, &plan.migration.rule.symbol)
            );
            for fix in candidate.fix(plan.migration) {
                let _ = writeln!(script, "#   fix: {fix}");
            }
        }
    }
    if chosen.is_empty() {
        script.push_str(
            "refuse 'no candidate has a revision to roll back to (see the comments above)'\n",
        );
        return;
    }
    let _ = writeln!(script, "\n# Preflight: every file is committed as it is.");
    for &(candidate, surgical) in &chosen {
        let Ok(target) = &candidate.target else {
            continue;
        };
        let path = &candidate.path;
        let git = git_for(path);
        let quoted = sh(path);
        require_commit(script, target.rollback_to.id);
        let _ = writeln!(
            script,
            "{git} ls-files --error-unmatch -- {quoted} >/dev/null 2>&1 || refuse {}",
            sh(&format!("{} is not tracked by git", one_line(path)))
        );
        let _ = writeln!(
            script,
            "{git} diff --quiet -- {quoted} || refuse {}",
            sh(&commands::dirty_message(path))
        );
        let _ = writeln!(
            script,
            "{git} diff --cached --quiet -- {quoted} || refuse {}",
            sh(&commands::dirty_message(path).replacen("uncommitted", "staged", 1))
        );
        if surgical {
            match &candidate.surgical {
                Ok(patch) => {
                    let _ = writeln!(
                        script,
                        "patch_{}={}\nprintf '%s' \"$patch_{}\" | git apply --check || refuse {}",
                        candidate.rank,
                        sh(&patch.patch),
                        candidate.rank,
                        sh(&format!(
                            "the surgical patch for {} does not apply cleanly",
                            one_line(path)
                        ))
                    );
                }
                Err(why) => {
                    let _ = writeln!(
                        script,
                        "refuse {}",
                        sh(&format!(
                            "no surgical patch for {}: {why}; plan without --surgical to restore \
                             the whole file",
                            one_line(path)
                        ))
                    );
                }
            }
        }
    }
    script.push_str(
        "if ! git symbolic-ref -q HEAD >/dev/null; then\n    echo 'ssot-guard rollback: note: HEAD is \
         detached: the rollback commits will be on no branch (git switch -c NAME keeps them)' >&2\nfi\n",
    );

    let total = chosen.len();
    for (index, &(candidate, surgical)) in chosen.iter().enumerate() {
        let Ok(target) = &candidate.target else {
            continue;
        };
        let path = &candidate.path;
        let _ = writeln!(
            script,
            "\n# {}/{total} {} ({}): migrated in {} \"{}\"",
            index + 1,
            one_line(path),
            candidate.severity.as_str(),
            target.migration.short,
            one_line(&target.migration.summary)
        );
        if surgical {
            let _ = writeln!(
                script,
                "# Switch only the import statements back; later changes stay.\nprintf '%s' \"$patch_{}\" | git apply",
                candidate.rank
            );
        } else {
            if target.later_commits > 0 {
                let discards = format!(
                    "restoring the whole file {} discards {} later {} (+{} -{} lines); --surgical keeps {}",
                    one_line(path),
                    target.later_commits,
                    super::plural(target.later_commits, "commit", "commits"),
                    target.discarded.added,
                    target.discarded.removed,
                    super::plural(target.later_commits, "it", "them"),
                );
                let _ = writeln!(
                    script,
                    "# {discards}\necho {} >&2",
                    sh(&format!("ssot-guard rollback: note: {discards}"))
                );
            }
            let _ = writeln!(
                script,
                "# Restore the version of {} (before the migration).",
                target.rollback_to.short
            );
            let _ = writeln!(script, "{}", commands::restore_line(candidate, target));
        }
        // Until the commit, a failing step says what state the file is in and how to undo.
        let _ = writeln!(
            script,
            "{LEFT_RESTORED}={}",
            sh(&commands::left_restored(path))
        );
        let _ = writeln!(script, "{}", commands::import_check(candidate));
        for command in commands::validation(plan) {
            let _ = writeln!(script, "{command}");
        }
        let _ = writeln!(
            script,
            "{}",
            commands::expect_violations(plan, candidate, &format!("\"${BINARY_VARIABLE}\""))
        );
        let _ = writeln!(script, "{} add -- {}", git_for(path), sh(path));
        let _ = writeln!(
            script,
            "{} commit -m {} -- {}",
            git_for(path),
            sh(&commands::commit_message(plan, candidate, target, surgical)),
            sh(path)
        );
        let _ = writeln!(script, "{LEFT_RESTORED}=");
    }
    let _ = writeln!(
        script,
        "\nprintf 'ssot-guard rollback: rolled back %s %s; review with git log, then push\\n' {total} {}\n\
         # git push   # after review; never --force",
        super::plural(total, "file", "files")
    );
}

fn level_two_three(script: &mut String, plan: &RollbackPlan<'_>) {
    let Some(target) = &plan.level.target else {
        return;
    };
    require_commit(script, target.commit.id);
    let _ = writeln!(
        script,
        "dirty=$(git status --porcelain)\n[ -z \"$dirty\" ] || refuse \"$(printf '%s:\\n%s' {} \"$dirty\")\"",
        sh(&format!("{DIRTY_TREE_MESSAGE}; uncommitted"))
    );
    let action = if target.kind == LevelTargetKind::LastKnownGood {
        "checking out"
    } else {
        "resetting to"
    };
    let _ = writeln!(
        script,
        "overwritten=$({}) || refuse {}\n[ -z \"$overwritten\" ] || refuse \"$(printf '%s\\n%s' {} \"$overwritten\")\"",
        commands::overwritten_listing(target.commit.id),
        sh(&commands::overwritten_unknown(&target.commit)),
        sh(&commands::overwritten_message(&target.commit, action))
    );
    match target.kind {
        LevelTargetKind::Checkpoint | LevelTargetKind::MigrationParent => {
            let backup = commands::backup_branch(plan);
            let _ = writeln!(
                script,
                "if git show-ref --verify --quiet {}; then refuse {}; fi",
                sh(&format!("refs/heads/{backup}")),
                sh(&format!("branch {backup} already exists"))
            );
            let what = if target.kind == LevelTargetKind::Checkpoint {
                "checkpoint"
            } else {
                "parent of the phase's migration commit (no checkpoint exists)"
            };
            let _ = writeln!(
                script,
                "\n# Keep HEAD on a branch, then reset to the {what} {} \"{}\".\n\
                 # The reset leaves {} {} behind (kept on the branch).\n\
                 git branch {} {}\n\
                 printf 'ssot-guard rollback: HEAD kept on branch %s\\n' {}\n\
                 git reset --hard {}",
                target.commit.short,
                one_line(&target.commit.summary),
                target.discards_commits,
                super::plural(target.discards_commits, "commit", "commits"),
                sh(&backup),
                plan.head_commit.id,
                sh(&backup),
                target.commit.id
            );
        }
        LevelTargetKind::LastKnownGood => {
            let _ = writeln!(
                script,
                "\n# A new branch at the last known good commit {} \"{}\" ({} {} before HEAD).\n\
                 git checkout --no-overwrite-ignore -b \"emergency-rollback-$(date -u +%Y%m%d-%H%M%S)\" {}",
                target.commit.short,
                one_line(&target.commit.summary),
                target.discards_commits,
                super::plural(target.discards_commits, "commit", "commits"),
                target.commit.id
            );
        }
    }
    script.push_str("\n# Validation.\n");
    for command in commands::validation(plan) {
        let _ = writeln!(script, "{command}");
    }
    let push = if target.kind == LevelTargetKind::LastKnownGood {
        "# git push origin HEAD   # publish the emergency branch once it is validated"
    } else {
        "# git push --force-with-lease origin HEAD   # only if the undone commits were deployed: \
         rewrites shared history (DANGEROUS)"
    };
    let _ = writeln!(
        script,
        "\nprintf 'ssot-guard rollback: done; review, then push by hand\\n'\n{push}"
    );
}
