//! The plan for people: the ranked table, the level and why, then each file with its reasons,
//! its revisions and its commands. Commands are printed flush left, exactly as they are to be
//! pasted (a multi-line patch stays byte-exact); prose never holds a raw control character.

use std::io::{self, Write};

use super::target::HeadMinusOne;
use super::{commands, explain_no_target, plural, Candidate, Level, LevelTargetKind, RollbackPlan};
use crate::git::checkpoints::CHECKPOINT_MARKER;
use crate::report::one_line;

pub fn write(out: &mut dyn Write, plan: &RollbackPlan<'_>) -> io::Result<()> {
    let rule = &plan.migration.rule;
    writeln!(
        out,
        "Rollback plan for `{}` (migration {}, issue {})",
        one_line(&rule.symbol),
        one_line(&rule.id),
        one_line(&rule.issue)
    )?;
    let on = plan.head.branch.as_deref().map_or_else(
        || "detached HEAD".to_owned(),
        |b| format!("branch {}", one_line(b)),
    );
    writeln!(
        out,
        "HEAD {} on {on}: \"{}\"",
        plan.head_commit.short,
        one_line(&plan.head_commit.summary)
    )?;
    writeln!(out)?;
    if plan.candidates.is_empty() {
        writeln!(out, "No file fails: nothing to roll back.")?;
        return Ok(());
    }
    table(out, plan)?;
    writeln!(out)?;
    level(out, plan)?;
    for candidate in &plan.candidates {
        writeln!(out)?;
        file(out, plan, candidate)?;
    }
    writeln!(out)?;
    checkpoints(out, plan)?;
    writeln!(out)?;
    writeln!(
        out,
        "As one script: {} --script > rollback.sh, review it, then run `bash rollback.sh` from \
         the repository top level (it refuses, changing nothing, on uncommitted changes).",
        plan.rerun
    )
}

fn table(out: &mut dyn Write, plan: &RollbackPlan<'_>) -> io::Result<()> {
    let rows: Vec<[String; 7]> = plan
        .candidates
        .iter()
        .map(|c| {
            let (migration, rollback_to, head_minus_one) = match &c.target {
                Ok(t) => (
                    t.migration.short.clone(),
                    t.rollback_to.short.clone(),
                    if t.head_minus_one.correct() {
                        "right"
                    } else {
                        "WRONG"
                    }
                    .to_owned(),
                ),
                Err(_) => ("-".to_owned(), "none".to_owned(), "-".to_owned()),
            };
            [
                c.rank.to_string(),
                c.severity.as_str().to_owned(),
                c.failing.len().to_string(),
                one_line(&c.path).into_owned(),
                migration,
                rollback_to,
                head_minus_one,
            ]
        })
        .collect();
    let header = [
        "#",
        "severity",
        "failing",
        "file",
        "migration",
        "roll back to",
        "HEAD~1",
    ];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 7]| {
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let padding = width - cell.chars().count();
            // Numbers right-aligned, text left-aligned.
            if index == 0 || index == 2 {
                text.push_str(&" ".repeat(padding));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                if index + 1 < cells.len() {
                    text.push_str(&" ".repeat(padding));
                }
            }
            if index + 1 < cells.len() {
                text.push_str("  ");
            }
        }
        text.trim_end().to_owned()
    };
    writeln!(out, "{}", line(header))?;
    for row in &rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
    }
    Ok(())
}

fn level(out: &mut dyn Write, plan: &RollbackPlan<'_>) -> io::Result<()> {
    let level = &plan.level;
    match level.recommended {
        Some(recommended) => writeln!(
            out,
            "Recommended: Level {} ({}): {}.",
            recommended.number(),
            recommended.title(),
            level.reason
        )?,
        None => writeln!(out, "Recommended: no rollback: {}.", level.reason)?,
    }
    for note in &level.notes {
        writeln!(out, "Note: {note}.")?;
    }
    if let (Some(Level::Two | Level::Three), Some(target)) = (level.level, &level.target) {
        let what = match target.kind {
            LevelTargetKind::Checkpoint => "the checkpoint",
            LevelTargetKind::MigrationParent => "the migration commit's parent (not a checkpoint)",
            LevelTargetKind::LastKnownGood => {
                "the last known good commit (the newest at which no file fails)"
            }
        };
        writeln!(
            out,
            "Level {} goes to {what} {} \"{}\"; {} {} after it {} left behind ({}).",
            level.level.map_or(0, Level::number),
            target.commit.short,
            one_line(&target.commit.summary),
            target.discards_commits,
            plural(target.discards_commits, "commit", "commits"),
            plural(target.discards_commits, "is", "are"),
            if target.kind == LevelTargetKind::LastKnownGood {
                "on the current branch, untouched"
            } else {
                "kept on a backup branch"
            }
        )?;
        writeln!(
            out,
            "Level {} commands:",
            level.level.map_or(0, Level::number)
        )?;
        writeln!(out)?;
        for command in commands::level(plan) {
            writeln!(out, "{command}")?;
        }
        writeln!(out)?;
        writeln!(out, "Level 1 for each file, as an alternative:")?;
    }
    Ok(())
}

fn file(out: &mut dyn Write, plan: &RollbackPlan<'_>, candidate: &Candidate) -> io::Result<()> {
    writeln!(
        out,
        "{}. {}  [{}]",
        candidate.rank,
        one_line(&candidate.path),
        candidate.severity.as_str()
    )?;
    let heading = if candidate.failing.is_empty() {
        "Named"
    } else {
        "Fails today"
    };
    writeln!(out, "   {heading}:")?;
    for reason in candidate.reasons() {
        writeln!(out, "     {reason}")?;
    }
    if !candidate.state.is_clean() && candidate.state.committed {
        writeln!(
            out,
            "   Uncommitted changes: the commands refuse until they are stashed ({}).",
            commands::dirty_message(&candidate.path)
        )?;
    }
    let target = match &candidate.target {
        Ok(target) => target,
        Err(no_target) => {
            writeln!(
                out,
                "   No rollback target: {}.",
                explain_no_target(no_target, &plan.migration.rule.symbol)
            )?;
            writeln!(out, "   Fix it instead:")?;
            for fix in candidate.fix(plan.migration) {
                writeln!(out, "     {fix}")?;
            }
            return Ok(());
        }
    };
    writeln!(
        out,
        "   Migration commit: {} \"{}\"",
        target.migration.short,
        one_line(&target.migration.summary)
    )?;
    let renamed = if target.restore_path == candidate.path {
        String::new()
    } else {
        format!(", where the file was {}", one_line(&target.restore_path))
    };
    writeln!(
        out,
        "   Roll back to:     {} \"{}\" (its parent{renamed})",
        target.rollback_to.short,
        one_line(&target.rollback_to.summary)
    )?;
    let naive = "the runbook's `git checkout HEAD~1 -- FILE`";
    let verdict = match target.head_minus_one {
        HeadMinusOne::Correct => format!("right: {naive} restores the same version"),
        HeadMinusOne::NoParent => format!("WRONG: {naive} fails: HEAD has no parent here"),
        HeadMinusOne::Missing => format!("WRONG: {naive} fails: HEAD~1 has no such file"),
        HeadMinusOne::SameAsHead => format!(
            "WRONG: {naive} changes nothing (HEAD~1 has HEAD's version); restore from {} instead",
            target.rollback_to.short
        ),
        HeadMinusOne::Other => format!(
            "WRONG: {naive} restores another version, not the one before the migration; restore \
             from {} instead",
            target.rollback_to.short
        ),
    };
    writeln!(out, "   HEAD~1:           {verdict}")?;
    let surgical_first = plan.surgical || target.later_commits > 0;
    if target.later_commits > 0 {
        writeln!(
            out,
            "   Later work:       {} {} changed this file after its migration (+{} -{} lines); \
             restoring the whole file discards {}.",
            target.later_commits,
            plural(target.later_commits, "commit", "commits"),
            target.discarded.added,
            target.discarded.removed,
            plural(target.later_commits, "it", "them")
        )?;
    } else {
        writeln!(
            out,
            "   Later work:       none: no commit changed this file after its migration."
        )?;
    }
    match &candidate.surgical {
        Ok(patch) if surgical_first => {
            let lines: Vec<String> = patch.lines.iter().map(usize::to_string).collect();
            writeln!(
                out,
                "   Recommended:      the surgical rollback (--surgical): switch only the import \
                 {} on {} {} back to the deprecated module{}.",
                plural(lines.len(), "statement", "statements"),
                plural(lines.len(), "line", "lines"),
                lines.join(", "),
                if target.later_commits > 0 {
                    ", keeping the later work"
                } else {
                    ""
                }
            )?;
            command_block(
                out,
                "Surgical commands",
                &commands::surgical(plan, candidate, target, patch),
            )?;
            writeln!(out)?;
            command_block(
                out,
                "Whole-file commands",
                &commands::restore(plan, candidate, target),
            )?;
        }
        Ok(_) => {
            command_block(out, "Commands", &commands::restore(plan, candidate, target))?;
        }
        Err(why) => {
            if surgical_first {
                writeln!(out, "   No surgical patch: {why}.")?;
            }
            command_block(out, "Commands", &commands::restore(plan, candidate, target))?;
        }
    }
    Ok(())
}

/// Commands flush left, exactly as they are pasted, between blank lines.
fn command_block(out: &mut dyn Write, title: &str, commands: &[String]) -> io::Result<()> {
    writeln!(out, "   {title} (paste from the repository top level):")?;
    writeln!(
        out,
        "   Each line runs only when the lines above it succeeded; when a check fails, nothing is \
         committed, and the last line says what state the file is in and how to undo the restore."
    )?;
    writeln!(out)?;
    for command in commands {
        writeln!(out, "{command}")?;
    }
    Ok(())
}

fn checkpoints(out: &mut dyn Write, plan: &RollbackPlan<'_>) -> io::Result<()> {
    if plan.checkpoints.is_empty() {
        return writeln!(
            out,
            "Checkpoints: none (no commit message contains `{CHECKPOINT_MARKER}`)."
        );
    }
    writeln!(out, "Checkpoints (newest first):")?;
    for checkpoint in &plan.checkpoints {
        writeln!(
            out,
            "  {} \"{}\"",
            checkpoint.short,
            one_line(&checkpoint.summary)
        )?;
    }
    Ok(())
}
