//! `rollback --format json`: the `check` report (DESIGN.md, version 2) plus a `rollback` object.
//!
//! Beside DESIGN.md's fields, the object carries what a tool needs to carry out Levels 2 and 3
//! (`target`, `commands`, `notes`), and each candidate the lines a whole-file restore would
//! discard (`discarded_lines`) and, when it has no target, why (`no_target`) with the `fix`.

use std::io::{self, Write};

use serde::Serialize;

use super::{commands, explain_no_target, Candidate, RollbackPlan, RunbookSeverity};
use crate::report::json::{report, Report};
use crate::scan::ScanResult;

#[derive(Serialize)]
struct RollbackReport<'a> {
    #[serde(flatten)]
    report: Report<'a>,
    rollback: RollbackJson,
}

#[derive(Serialize)]
pub struct RollbackJson {
    level: Option<u8>,
    reason: String,
    recommended_level: Option<u8>,
    target: Option<TargetJson>,
    commands: Vec<String>,
    notes: Vec<String>,
    candidates: Vec<CandidateJson>,
    checkpoints: Vec<CommitJson>,
}

#[derive(Serialize)]
struct TargetJson {
    kind: &'static str,
    commit: String,
    summary: String,
    discards_commits: usize,
}

#[derive(Serialize)]
struct CommitJson {
    commit: String,
    summary: String,
}

#[derive(Serialize)]
struct CandidateJson {
    path: String,
    rank: usize,
    severity: RunbookSeverity,
    reasons: Vec<String>,
    migration_commit: Option<String>,
    rollback_to: Option<String>,
    head_minus_one_correct: bool,
    later_commits: usize,
    discarded_lines: usize,
    commands: Vec<String>,
    surgical_commands: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    no_target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<Vec<String>>,
}

fn candidate(plan: &RollbackPlan<'_>, candidate: &Candidate) -> CandidateJson {
    let reasons = candidate.reasons();
    match &candidate.target {
        Ok(target) => CandidateJson {
            path: candidate.path.clone(),
            rank: candidate.rank,
            severity: candidate.severity,
            reasons,
            migration_commit: Some(target.migration.id.to_string()),
            rollback_to: Some(target.rollback_to.id.to_string()),
            head_minus_one_correct: target.head_minus_one.correct(),
            later_commits: target.later_commits,
            discarded_lines: target.discarded.total(),
            commands: commands::restore(plan, candidate, target),
            surgical_commands: candidate
                .surgical
                .as_ref()
                .map(|patch| commands::surgical(plan, candidate, target, patch))
                .unwrap_or_default(),
            no_target: None,
            fix: None,
        },
        Err(no_target) => CandidateJson {
            path: candidate.path.clone(),
            rank: candidate.rank,
            severity: candidate.severity,
            reasons,
            migration_commit: None,
            rollback_to: None,
            head_minus_one_correct: false,
            later_commits: 0,
            discarded_lines: 0,
            commands: Vec::new(),
            surgical_commands: Vec::new(),
            no_target: Some(explain_no_target(no_target, &plan.migration.rule.symbol)),
            fix: Some(candidate.fix(plan.migration)),
        },
    }
}

/// The `rollback` object of the JSON report (DESIGN.md), also `triage`'s.
pub fn rollback_object(plan: &RollbackPlan<'_>) -> RollbackJson {
    let level = &plan.level;
    RollbackJson {
        level: level.level.map(super::Level::number),
        reason: level.reason.clone(),
        recommended_level: level.recommended.map(super::Level::number),
        target: level.target.as_ref().map(|target| TargetJson {
            kind: target.kind.as_str(),
            commit: target.commit.id.to_string(),
            summary: target.commit.summary.clone(),
            discards_commits: target.discards_commits,
        }),
        commands: commands::level(plan),
        notes: level.notes.clone(),
        candidates: plan.candidates.iter().map(|c| candidate(plan, c)).collect(),
        checkpoints: plan
            .checkpoints
            .iter()
            .map(|c| CommitJson {
                commit: c.id.to_string(),
                summary: c.summary.clone(),
            })
            .collect(),
    }
}

pub fn write(out: &mut dyn Write, result: &ScanResult, plan: &RollbackPlan<'_>) -> io::Result<()> {
    let document = RollbackReport {
        report: report(result),
        rollback: rollback_object(plan),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
