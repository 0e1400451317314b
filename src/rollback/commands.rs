//! The commands of a plan, as the engineer pastes them (one command per entry) and as the script
//! runs them. Every path and message is single-quoted ([`super::quote::sh`]); revisions are full
//! commit ids; nothing here can push.
//!
//! Pasted commands are safe one line at a time, in the engineer's own interactive shell (no
//! `set -e`, which would close it): the line that overwrites a file, commits it or resets the
//! branch carries its own guard, so a refusal earlier does not let a later line do damage. At
//! Level 1 each check after the restore runs only when the restore and the checks before it
//! succeeded, and the commit only when all of them did ([`STATE_VARIABLE`]); when a check fails,
//! the file stays restored and uncommitted, and the commit line says so and how to undo the
//! restore. The first line that changes anything also checks that every program the commands
//! run is there ([`super::programs`]); ssot-guard is named by its path, so it need not be on
//! PATH. Levels 2 and 3 guard against what `git status --porcelain` does not show, too: an
//! ignored file the target commit tracks, or one where it has a folder, which the reset or
//! checkout would overwrite.

use super::programs::{self, Program, PASTED_VARIABLES};
use super::quote::{git_for, python_str, sh};
use super::surgical::SurgicalPatch;
use super::target::RollbackTarget;
use super::{Candidate, Level, LevelTargetKind, RollbackPlan};
use crate::git::CommitRef;
use crate::report::one_line;

/// The shell condition "the file has no uncommitted change" (working tree and index).
pub fn clean_condition(path: &str) -> String {
    let git = git_for(path);
    let quoted = sh(path);
    format!("{git} diff --quiet -- {quoted} && {git} diff --cached --quiet -- {quoted}")
}

/// What the engineer reads when a file has uncommitted changes.
pub fn dirty_message(path: &str) -> String {
    format!(
        "{} has uncommitted changes; stash them first: {} stash push -- {}",
        one_line(path),
        git_for(path),
        sh(path)
    )
}

/// Restores the pre-migration version. `git checkout REV -- FILE` when the path is the same
/// there; after a rename, the old path's blob written to today's path.
pub fn restore_line(candidate: &Candidate, target: &RollbackTarget) -> String {
    let path = &candidate.path;
    if target.restore_path == *path {
        format!(
            "{} checkout {} -- {}",
            git_for(path),
            target.rollback_to.id,
            sh(path)
        )
    } else {
        format!("git cat-file blob {} > {}", old_blob(target), sh(path))
    }
}

/// The old path's blob in the rollback target, `REV:PATH`, as a shell word.
fn old_blob(target: &RollbackTarget) -> String {
    sh(&format!(
        "{}:{}",
        target.rollback_to.id, target.restore_path
    ))
}

/// [`restore_line`] as a pasted line says it. After a rename the redirection empties the file
/// before `git cat-file` runs, so the line first checks that the blob is there (`cat-file -e`):
/// pasted in a clone without it (shallow, or another repository), it leaves the file as it was.
/// (The script checks the revision in its preflight; under `set -e` an `A && B` whose `A` fails
/// would not even stop it.)
fn pasted_restore_line(candidate: &Candidate, target: &RollbackTarget) -> String {
    let line = restore_line(candidate, target);
    if target.restore_path == candidate.path {
        line
    } else {
        format!("git cat-file -e {} && {line}", old_blob(target))
    }
}

/// `python3 -B -c` importing the file's module with its package root on `sys.path`; a file that
/// is not a module is compiled instead (`compile`, not `py_compile`, which writes bytecode
/// whatever `-B` says). `-B`: no `__pycache__` is left in the work tree, where a repository that
/// does not ignore it would show it as untracked, and a later Level 2 or 3 would refuse.
pub fn import_check(candidate: &Candidate) -> String {
    match &candidate.module {
        Some((module, root)) => {
            let code = format!(
                "import importlib, sys; sys.path.insert(0, {}); importlib.import_module({}); \
                 print({})",
                python_str(root),
                python_str(module.module.as_str()),
                python_str(&format!("import ok: {}", module.module.as_str()))
            );
            format!("python3 -B -c {}", sh(&code))
        }
        None => format!(
            "python3 -B -c {} {}",
            sh(
                "import sys; source = open(sys.argv[1], \"rb\").read(); compile(source, \
                sys.argv[1], \"exec\")"
            ),
            sh(&candidate.path)
        ),
    }
}

/// What tells Python to write no bytecode: the script exports it; a pasted validation command
/// runs in a subshell that does ([`pasted_validation`]), so the engineer's shell keeps its own.
pub const NO_BYTECODE: &str = "PYTHONDONTWRITEBYTECODE=1";

/// The rule's validation commands as pasted lines: each in a subshell that exports
/// [`NO_BYTECODE`] (the commands may run Python that imports the project) and runs it from the
/// project root. The subshell also keeps a `cd` or `exit` in the command from moving or closing
/// the engineer's shell.
pub fn pasted_validation(plan: &RollbackPlan<'_>) -> Vec<String> {
    validation_commands(plan, true)
}

/// The rule's validation commands, run from the project root, as the script runs them (it
/// exports [`NO_BYTECODE`] itself).
pub fn validation(plan: &RollbackPlan<'_>) -> Vec<String> {
    validation_commands(plan, false)
}

/// The rule's validation commands, each run from the project root (`cd` into it, when the
/// project is below the top level), in a subshell that exports [`NO_BYTECODE`] when `export`:
/// the one place both [`pasted_validation`] and [`validation`] build them.
fn validation_commands(plan: &RollbackPlan<'_>, export: bool) -> Vec<String> {
    let prefix = plan.project_prefix.trim_end_matches('/');
    let cd = if prefix.is_empty() {
        String::new()
    } else {
        format!("cd {} && ", sh(prefix))
    };
    plan.migration
        .rule
        .validation
        .iter()
        .map(|command| {
            if export {
                format!("(export {NO_BYTECODE} && {cd}{command})")
            } else if cd.is_empty() {
                command.clone()
            } else {
                format!("({cd}{command})")
            }
        })
        .collect()
}

/// After a rollback the deprecated import is back: the check must find it. `ssot_guard` is the
/// binary as a shell word.
pub fn expect_violations(
    plan: &RollbackPlan<'_>,
    candidate: &Candidate,
    ssot_guard: &str,
) -> String {
    format!(
        "{ssot_guard} check{} --expect-violations -- {}",
        plan.check_flags,
        sh(&candidate.path)
    )
}

/// The `if` (or `elif`) branch of a pasted line that refuses when a program the commands run is
/// missing, naming it: `CONDITIONS; then echo ... >&2; false`.
fn programs_refusal(programs: &[Program]) -> String {
    format!(
        "{}; [ -n \"${}\" ]; then echo {} >&2; false",
        programs::collect_missing(PASTED_VARIABLES, programs, "; "),
        PASTED_VARIABLES.names,
        programs::missing_message(
            PASTED_VARIABLES,
            programs,
            "ssot-guard: refused: ",
            "paste these commands again"
        ),
    )
}

/// The runbook's commit message: the file, the reason and the issue.
pub fn commit_message(
    plan: &RollbackPlan<'_>,
    candidate: &Candidate,
    target: &RollbackTarget,
    surgical: bool,
) -> String {
    let rule = &plan.migration.rule;
    let symbol = &rule.symbol;
    let path = one_line(&candidate.path);
    let (subject, how) = if surgical {
        (
            format!("rollback: switch {path} back to deprecated {symbol} import"),
            format!(
                "- Switches only the {symbol} import back; {} later {} to this file {}",
                target.later_commits,
                super::plural(target.later_commits, "commit", "commits"),
                super::plural(target.later_commits, "stays", "stay")
            ),
        )
    } else {
        (
            format!("rollback: restore {path} to deprecated {symbol} import"),
            format!(
                "- Restores the version before migration commit {} (from {})",
                target.migration.short, target.rollback_to.short
            ),
        )
    };
    format!(
        "{subject}\n\n- Emergency rollback due to migration issue: {}\n{how}\n- Restores \
         functionality while investigation continues\n- Temporary measure pending issue \
         resolution\n\nIssue: {} {symbol} SSOT Migration",
        reason_summary(candidate),
        rule.issue
    )
}

/// The failing findings in a few words: `SSOT002 at line 4 (thread_id)`.
pub fn reason_summary(candidate: &Candidate) -> String {
    if candidate.failing.is_empty() {
        return "named by the on-call engineer (the scan finds nothing failing)".to_owned();
    }
    const SHOWN: usize = 5;
    let mut parts: Vec<String> = candidate
        .failing
        .iter()
        .take(SHOWN)
        .map(|f| match &f.member {
            Some(member) => format!("{} at line {} ({member})", f.code.as_str(), f.location.line),
            None => format!("{} at line {}", f.code.as_str(), f.location.line),
        })
        .collect();
    if candidate.failing.len() > SHOWN {
        parts.push(format!("{} more", candidate.failing.len() - SHOWN));
    }
    parts.join(", ")
}

/// The shell variable pasted Level 1 lines keep a file's progress in, so that each line runs only
/// when the ones before it succeeded, one line at a time in the engineer's own interactive shell
/// (`set -e` would close that shell at the first failure): `restored PATH` once the first line
/// restored the file, `failed PATH` once a check after it failed, empty otherwise. The first line
/// empties it, whatever an earlier paste left; the commit empties it.
const STATE_VARIABLE: &str = "ssot_guard_state";

/// The value of [`STATE_VARIABLE`] in `state` (`restored`, `failed`) for the candidate's file, as
/// a shell word.
fn state(candidate: &Candidate, state: &str) -> String {
    sh(&format!("{state} {}", candidate.path))
}

/// The shell condition "the file holds `expected`".
fn holds(path: &str, expected: git2::Oid) -> String {
    format!(
        "[ \"$({} hash-object -- {})\" = {expected} ]",
        git_for(path),
        sh(path)
    )
}

/// What undoes a restore: HEAD's version back in the work tree and the index. Offered only when
/// the file was clean before the restore (the first line refuses otherwise) and holds the
/// rolled-back version now, so it discards nothing that no commit holds.
pub fn undo_restore(path: &str) -> String {
    format!("{} checkout HEAD -- {}", git_for(path), sh(path))
}

/// Said when a check after the restore failed: the state the file is left in, and how to undo.
pub fn left_restored(path: &str) -> String {
    format!(
        "{} holds the rolled-back version, not committed; to undo the restore: {}",
        one_line(path),
        undo_restore(path)
    )
}

/// A check after the restore, run only when the first line restored the file and no check
/// before it failed; when it fails, it marks the file failed, so that no line below runs and the
/// commit line refuses. `what` names the check in the messages.
fn guarded_check(candidate: &Candidate, command: &str, what: &str) -> String {
    let path = one_line(&candidate.path);
    format!(
        "if [ \"${STATE_VARIABLE}\" = {} ]; then {command} || {{ {STATE_VARIABLE}={}; echo {} >&2; \
         false; }}; else echo {} >&2; false; fi",
        state(candidate, "restored"),
        state(candidate, "failed"),
        sh(&format!(
            "ssot-guard: failed: {what} ({path} stays restored, not committed; the lines below do \
             nothing)"
        )),
        sh(&format!(
            "ssot-guard: skipped: {what} ({path} is not restored, or a check above failed)"
        )),
    )
}

/// Stages and commits the file, but only when the first line restored it, every check after it
/// passed, and it holds the rolled-back version (`expected`): pasted lines run whatever the lines
/// before them did, and this one must neither commit a rollback that failed its checks nor sweep
/// uncommitted changes (a refused restore) into a "rollback" commit. When a check failed it says
/// what state the file is in and how to undo the restore; nothing is ever discarded here.
fn add_and_commit(
    plan: &RollbackPlan<'_>,
    candidate: &Candidate,
    target: &RollbackTarget,
    surgical: bool,
    expected: git2::Oid,
) -> String {
    let path = &candidate.path;
    let git = git_for(path);
    let quoted = sh(path);
    let holds = holds(path, expected);
    format!(
        "if [ \"${STATE_VARIABLE}\" = {restored} ] && {holds}; then {git} add -- {quoted} && {git} \
         commit -m {} -- {quoted} && {STATE_VARIABLE}=; elif [ \"${STATE_VARIABLE}\" = {failed} ] \
         && {holds}; then echo {} >&2; false; else echo {} >&2; false; fi",
        sh(&commit_message(plan, candidate, target, surgical)),
        sh(&format!(
            "ssot-guard: refused: not committing {}: a check above failed, and HEAD is unchanged. \
             {} (then, once the cause is fixed, paste these commands again)",
            one_line(path),
            left_restored(path)
        )),
        sh(&format!(
            "ssot-guard: refused: not committing {}: the first line did not restore it, or it no \
             longer holds the rolled-back version (a step above was refused or failed); git status \
             shows what changed",
            one_line(path)
        )),
        restored = state(candidate, "restored"),
        failed = state(candidate, "failed"),
    )
}

/// The checks after a file is restored, each guarded ([`guarded_check`]): it imports, the
/// validation passes, the check sees the deprecated import back.
fn checks(plan: &RollbackPlan<'_>, candidate: &Candidate) -> Vec<String> {
    let mut commands = vec![guarded_check(
        candidate,
        &import_check(candidate),
        "the import check",
    )];
    for command in pasted_validation(plan) {
        commands.push(guarded_check(candidate, &command, "the validation command"));
    }
    commands.push(guarded_check(
        candidate,
        &expect_violations(plan, candidate, &sh(&plan.ssot_guard)),
        "ssot-guard check --expect-violations",
    ));
    commands
}

/// Level 1, whole file: guard and restore, checks, commit.
pub fn restore(
    plan: &RollbackPlan<'_>,
    candidate: &Candidate,
    target: &RollbackTarget,
) -> Vec<String> {
    let mut commands = vec![when_clean(
        plan,
        candidate,
        &pasted_restore_line(candidate, target),
    )];
    commands.extend(checks(plan, candidate));
    commands.push(add_and_commit(
        plan,
        candidate,
        target,
        false,
        target.restore_blob,
    ));
    commands
}

/// `action`, run only when every program the commands run is there and the candidate's file has
/// no uncommitted change, and then marked restored ([`STATE_VARIABLE`]); else a refusal that names
/// the missing programs, or says how to stash.
fn when_clean(plan: &RollbackPlan<'_>, candidate: &Candidate, action: &str) -> String {
    let programs = programs::level_one(plan, Program::binary_at(&plan.ssot_guard));
    format!(
        "{STATE_VARIABLE}=; if {}; elif {}; then {action} && {STATE_VARIABLE}={}; else echo {} >&2; \
         false; fi",
        programs_refusal(&programs),
        clean_condition(&candidate.path),
        state(candidate, "restored"),
        sh(&format!(
            "ssot-guard: refused: {}",
            dirty_message(&candidate.path)
        ))
    )
}

/// The shell variable a pasted surgical rollback keeps its patch in.
const PATCH_VARIABLE: &str = "ssot_guard_patch";

/// Level 1, surgical: the patch, guard and `git apply` after `git apply --check`, checks, commit.
pub fn surgical(
    plan: &RollbackPlan<'_>,
    candidate: &Candidate,
    target: &RollbackTarget,
    patch: &SurgicalPatch,
) -> Vec<String> {
    let mut commands = vec![
        format!("{PATCH_VARIABLE}={}", sh(&patch.patch)),
        when_clean(
            plan,
            candidate,
            &format!(
                "printf '%s' \"${PATCH_VARIABLE}\" | git apply --check && printf '%s' \
                 \"${PATCH_VARIABLE}\" | git apply"
            ),
        ),
    ];
    commands.extend(checks(plan, candidate));
    commands.push(add_and_commit(plan, candidate, target, true, patch.blob));
    commands
}

/// Refused when anything is uncommitted: a reset or checkout must never take work with it.
pub const DIRTY_TREE_MESSAGE: &str = "the work tree has uncommitted changes (git status \
     --porcelain is not empty): commit or stash them (git stash push --include-untracked) first";

/// The files the work tree holds untracked (ignored ones included) at a path the target commit
/// tracks, or at a path where the target has a folder, one a line, quoted as git quotes odd
/// names; run at the top level. `git status --porcelain` does not list ignored files, yet `reset
/// --hard` overwrites them with the target's version (a `.env` or `config/local.py` ignored today
/// but committed back then), and replaces an ignored file `cfg` with the folder `cfg/` the target
/// has (`checkout --no-overwrite-ignore` stops there instead, half-way).
///
/// The paths the target has and the index lacks go NUL-separated to `ls-files --others` as
/// literal pathspecs (a path the target has as a file and the work tree as a folder lists what is
/// inside); `xargs -r` runs nothing when there are none. Then each folder of the target that the
/// work tree holds as something else (a file, a symlink) is asked about by name: a folder as a
/// pathspec would list every untracked file inside it, `__pycache__` included, which the target
/// does not overwrite. A failing `ls-files` in the loop fails the listing (with `pipefail`).
pub fn overwritten_listing(target: git2::Oid) -> String {
    format!(
        "{{ git diff-index --cached -z --name-only --diff-filter=D {target} | xargs -0 -r git \
         --literal-pathspecs ls-files --others -- && git ls-tree -r -d -z --name-only {target} | \
         while IFS= read -r -d '' folder; do if [ -L \"$folder\" ] || {{ [ -e \"$folder\" ] && [ ! \
         -d \"$folder\" ]; }}; then git --literal-pathspecs ls-files --others -- \"$folder\" || \
         exit 1; fi; done; }}"
    )
}

/// Refused when the target tracks files the work tree holds ignored (or untracked), or has folders
/// where it holds such files: the reset or checkout would overwrite them, and no commit holds the
/// engineer's version. `action` is "resetting to" or "checking out".
pub fn overwritten_message(target: &CommitRef, action: &str) -> String {
    format!(
        "these files are ignored (or untracked) here, but {short} tracks them (or has a folder \
         at their path), and {action} {short} would overwrite them: move them out of the work \
         tree first (mv FILE /somewhere/safe/), then run this again:",
        short = target.short
    )
}

/// Refused when [`overwritten_listing`] failed: nothing may be overwritten unchecked.
pub fn overwritten_unknown(target: &CommitRef) -> String {
    format!(
        "could not list the ignored files {} tracks (see the error above)",
        target.short
    )
}

/// Refused when HEAD is not the commit the plan was made at.
pub fn head_moved(plan: &RollbackPlan<'_>) -> String {
    format!(
        "HEAD is no longer {} (the plan was made there): run ssot-guard rollback again",
        plan.head_commit.short
    )
}

/// The name of the branch that keeps HEAD before a Level 2 reset.
pub fn backup_branch(plan: &RollbackPlan<'_>) -> String {
    format!("ssot-guard/before-rollback-{}", plan.head_commit.short)
}

/// The shell variable pasted Levels 2 and 3 keep [`overwritten_listing`]'s output in.
const OVERWRITTEN_VARIABLE: &str = "ssot_guard_overwritten";

/// Levels 2 and 3: the guarded reset or checkout, the validation, and the push as a comment.
///
/// The guarded line refuses, changing nothing, when a program the commands run is missing (naming
/// it), with uncommitted work (listing it), and when the target tracks a file the work tree holds
/// ignored or untracked, or has a folder where it holds one (listing those, or when they cannot be
/// listed); Level 2 also when HEAD moved since the plan (the backup branch would keep the planned
/// HEAD, and the reset would leave the new commits on no branch). Level 3's checkout also has
/// `--no-overwrite-ignore`.
pub fn level(plan: &RollbackPlan<'_>) -> Vec<String> {
    let Some(target) = &plan.level.target else {
        return Vec::new();
    };
    let action = match target.kind {
        LevelTargetKind::LastKnownGood => "checking out",
        LevelTargetKind::Checkpoint | LevelTargetKind::MigrationParent => "resetting to",
    };
    // `elif` conditions, each with its refusal. The listing runs at the top level (pasted
    // commands may run below it) with `pipefail`, so that a failing `git diff-index` refuses.
    let refusals = format!(
        "[ -n \"$(git status --porcelain)\" ]; then echo {} >&2; git status --porcelain >&2; \
         false; elif ! {OVERWRITTEN_VARIABLE}=$(set -o pipefail && cd -- \"$(git rev-parse \
         --show-toplevel)\" && {}); then echo {} >&2; false; elif [ -n \"${OVERWRITTEN_VARIABLE}\" \
         ]; then echo {} >&2; printf '%s\\n' \"${OVERWRITTEN_VARIABLE}\" >&2; false",
        sh(&format!("ssot-guard: refused: {DIRTY_TREE_MESSAGE}")),
        overwritten_listing(target.commit.id),
        sh(&format!(
            "ssot-guard: refused: {}",
            overwritten_unknown(&target.commit)
        )),
        sh(&format!(
            "ssot-guard: refused: {}",
            overwritten_message(&target.commit, action)
        )),
    );
    let level_three = target.kind == LevelTargetKind::LastKnownGood;
    let missing = programs_refusal(&programs::levels_two_three(plan, level_three));
    let mut commands = Vec::new();
    match (plan.level.level, target.kind) {
        (Some(Level::Two), LevelTargetKind::Checkpoint | LevelTargetKind::MigrationParent) => {
            commands.push(format!(
                "if {missing}; elif [ \"$(git rev-parse HEAD)\" != {head} ]; then echo {moved} >&2; \
                 false; elif {refusals}; else git branch {} {head} && git reset --hard {}; fi",
                sh(&backup_branch(plan)),
                target.commit.id,
                head = plan.head_commit.id,
                moved = sh(&format!("ssot-guard: refused: {}", head_moved(plan))),
            ));
            commands.extend(pasted_validation(plan));
            commands.push(
                "# git push --force-with-lease origin HEAD   # only if the undone commits were \
                 deployed: rewrites shared history (DANGEROUS)"
                    .to_owned(),
            );
        }
        (Some(Level::Three), LevelTargetKind::LastKnownGood) => {
            commands.push(format!(
                "if {missing}; elif {refusals}; else git checkout --no-overwrite-ignore -b \
                 \"emergency-rollback-$(date -u +%Y%m%d-%H%M%S)\" {}; fi",
                target.commit.id
            ));
            commands.extend(pasted_validation(plan));
            commands.push(
                "# git push origin HEAD   # publish the emergency branch once it is validated"
                    .to_owned(),
            );
        }
        _ => {}
    }
    commands
}
