//! The runbook's level for a plan: Level 3 when a golden-path file fails, Level 2 when several
//! HIGH files share one migration commit, else Level 1; and where Levels 2 and 3 go, never a
//! guessed or empty revision.

use std::collections::BTreeMap;

use git2::Oid;

use super::last_good::LastGoodSearch;
use super::target::RollbackTarget;
use super::{plural, Candidate, RunbookSeverity};
use crate::error::Result;
use crate::git::checkpoints::{self, CHECKPOINT_MARKER};
use crate::git::discard::commits_after;
use crate::git::{CommitRef, Repo};
use crate::report::one_line;

/// The runbook's rollback levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Single-file rollback: restore each file from the revision before its migration.
    One,
    /// Phase rollback: reset to the checkpoint before a migration commit.
    Two,
    /// Complete restore: the last known good commit.
    Three,
}

impl Level {
    pub fn number(self) -> u8 {
        match self {
            Level::One => 1,
            Level::Two => 2,
            Level::Three => 3,
        }
    }

    pub fn from_number(number: u8) -> Option<Level> {
        match number {
            1 => Some(Level::One),
            2 => Some(Level::Two),
            3 => Some(Level::Three),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Level::One => "single-file rollback",
            Level::Two => "phase rollback",
            Level::Three => "complete restore",
        }
    }
}

/// Where a Level 2 or Level 3 rollback goes.
#[derive(Clone, Debug)]
pub struct LevelTarget {
    pub kind: LevelTargetKind,
    pub commit: CommitRef,
    /// Commits reachable from HEAD but not from the target: what a reset to it leaves behind.
    pub discards_commits: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelTargetKind {
    /// A `checkpoint: pre-...` commit before the phase's migration commit.
    Checkpoint,
    /// No checkpoint: the parent of the phase's migration commit.
    MigrationParent,
    /// The newest commit at which no file fails.
    LastKnownGood,
}

impl LevelTargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LevelTargetKind::Checkpoint => "checkpoint",
            LevelTargetKind::MigrationParent => "migration_parent",
            LevelTargetKind::LastKnownGood => "last_known_good",
        }
    }
}

/// Who picks the level: the plan from the failing files, `--level`, or `triage` from the
/// symptoms (with its reason).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelChoice {
    Recommend,
    Forced(Level),
    Decided(Level, String),
}

/// The level to use, why, and where Levels 2 and 3 go.
#[derive(Clone, Debug)]
pub struct LevelPlan {
    /// What the commands and the script carry out: `--level`, else the recommendation.
    pub level: Option<Level>,
    pub recommended: Option<Level>,
    pub reason: String,
    /// For Levels 2 and 3; `None` when there is none (never a guess).
    pub target: Option<LevelTarget>,
    /// Said when Level 2 or 3 has no target, or when the level was forced.
    pub notes: Vec<String>,
}

pub(crate) fn choose_level(
    repo: &Repo,
    head: Oid,
    candidates: &[Candidate],
    checkpoints: &[CommitRef],
    choice: &LevelChoice,
    phase: &[CommitRef],
    last_good: &mut LastGoodSearch<'_, '_>,
) -> Result<LevelPlan> {
    let critical: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.severity == RunbookSeverity::Critical && !c.failing.is_empty())
        .collect();
    // HIGH files by their migration commit; the largest group, newest commit first on ties.
    let mut groups: BTreeMap<Oid, Vec<&Candidate>> = BTreeMap::new();
    for candidate in candidates {
        if let (RunbookSeverity::High, Ok(found)) = (candidate.severity, &candidate.target) {
            groups
                .entry(found.migration.id)
                .or_default()
                .push(candidate);
        }
    }
    let shared = groups
        .values()
        .filter(|group| group.len() >= 2)
        .max_by(|a, b| {
            a.len()
                .cmp(&b.len())
                .then(migration_of(a).time.cmp(&migration_of(b).time))
                .then(migration_of(b).id.cmp(&migration_of(a).id))
        });

    let (recommended, reason) = if let LevelChoice::Decided(level, reason) = choice {
        (Some(*level), reason.clone())
    } else if let Some(first) = critical.first() {
        (
            Some(Level::Three),
            format!(
                "{} golden-path (CRITICAL) {} {} today ({}{}): the runbook restores the last known \
                 good commit",
                critical.len(),
                plural(critical.len(), "file", "files"),
                plural(critical.len(), "fails", "fail"),
                one_line(&first.path),
                if critical.len() > 1 { ", ..." } else { "" },
            ),
        )
    } else if let Some(group) = shared {
        let migration = migration_of(group);
        (
            Some(Level::Two),
            format!(
                "{} HIGH files share migration commit {} \"{}\": a phase rollback undoes it as one",
                group.len(),
                migration.short,
                one_line(&migration.summary)
            ),
        )
    } else if candidates.is_empty() {
        (None, "no file fails: nothing to roll back".to_owned())
    } else {
        (
            Some(Level::One),
            if candidates.iter().all(|c| c.failing.is_empty()) {
                "the named files, one by one".to_owned()
            } else {
                "no golden-path file fails and no two HIGH files share a migration commit: roll \
                 back file by file"
                    .to_owned()
            },
        )
    };

    let forced = match choice {
        LevelChoice::Forced(level) => Some(*level),
        _ => None,
    };
    let level = forced.or(recommended);
    let mut notes = Vec::new();
    if let Some(forced) = forced.filter(|&forced| Some(forced) != recommended) {
        notes.push(format!(
            "Level {} was asked for (--level {}); the recommendation is {}",
            forced.number(),
            forced.number(),
            recommended.map_or_else(
                || "no rollback".to_owned(),
                |l| format!("Level {}", l.number())
            )
        ));
    }
    let target = match level {
        Some(Level::Three) => match last_good.find(head)? {
            Some(commit) => Some(LevelTarget {
                kind: LevelTargetKind::LastKnownGood,
                discards_commits: commits_after(repo, head, commit.id)?.len(),
                commit,
            }),
            None => {
                notes.push(
                    "no commit in the history is free of failing files: there is no last known \
                     good commit to restore; roll back file by file (Level 1) instead"
                        .to_owned(),
                );
                None
            }
        },
        Some(Level::Two) => {
            let group: Vec<&Candidate> = match shared {
                Some(group) => group.clone(),
                None => candidates.iter().filter(|c| c.target.is_ok()).collect(),
            };
            level_two_target(repo, head, &group, phase, checkpoints, &mut notes)?
        }
        _ => None,
    };
    Ok(LevelPlan {
        level,
        recommended,
        reason,
        target,
        notes,
    })
}

fn migration_of<'c>(group: &[&'c Candidate]) -> &'c CommitRef {
    &group[0]
        .target
        .as_ref()
        .expect("groups hold candidates with a target")
        .migration
}

/// The newest checkpoint before the phase's migration commits; without one, the migration
/// commit's parent (when one parent precedes them all). Never a guess.
fn level_two_target(
    repo: &Repo,
    head: Oid,
    group: &[&Candidate],
    phase: &[CommitRef],
    checkpoints: &[CommitRef],
    notes: &mut Vec<String>,
) -> Result<Option<LevelTarget>> {
    let targets: Vec<&RollbackTarget> = group
        .iter()
        .filter_map(|c| c.target.as_ref().ok())
        .collect();
    if targets.is_empty() && phase.is_empty() {
        notes.push(
            "no candidate has a migration commit: a phase rollback has nothing to go back before"
                .to_owned(),
        );
        return Ok(None);
    }
    let mut migrations: Vec<Oid> = targets
        .iter()
        .map(|t| t.migration.id)
        .chain(phase.iter().map(|c| c.id))
        .collect();
    migrations.sort();
    migrations.dedup();
    if let Some(checkpoint) = checkpoints::newest_before(repo, checkpoints, &migrations) {
        return Ok(Some(LevelTarget {
            kind: LevelTargetKind::Checkpoint,
            discards_commits: commits_after(repo, head, checkpoint.id)?.len(),
            commit: checkpoint.clone(),
        }));
    }
    // Each phase commit's own parent, beside each migration commit's.
    let phase_parents: Vec<(CommitRef, &CommitRef)> = phase
        .iter()
        .filter_map(|c| {
            let parent = repo.commit(c.id)?.parent_id(0).ok()?;
            Some((repo.commit_ref(parent), c))
        })
        .collect();
    let parents: Vec<(&CommitRef, &CommitRef)> = targets
        .iter()
        .map(|t| (&t.rollback_to, &t.migration))
        .chain(phase_parents.iter().map(|(parent, c)| (parent, *c)))
        .collect();
    let named: Vec<String> = parents
        .iter()
        .map(|(parent, of)| format!("{} (parent of {})", parent.short, of.short))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    notes.push(format!(
        "no `{CHECKPOINT_MARKER}` commit comes before the phase's migration; offering the \
         migration commit's parent instead: {}",
        named.join(", ")
    ));
    // One parent that precedes every migration commit of the phase (or is one's parent).
    let parent = parents
        .iter()
        .map(|(parent, _)| *parent)
        .filter(|parent| {
            migrations.iter().all(|&m| {
                repo.git()
                    .graph_descendant_of(m, parent.id)
                    .unwrap_or(false)
            })
        })
        .max_by_key(|parent| parent.time);
    match parent {
        Some(parent) => Ok(Some(LevelTarget {
            kind: LevelTargetKind::MigrationParent,
            discards_commits: commits_after(repo, head, parent.id)?.len(),
            commit: parent.clone(),
        })),
        None => {
            notes.push(
                "no single parent comes before every migration commit: roll back file by file \
                 (Level 1) instead"
                    .to_owned(),
            );
            Ok(None)
        }
    }
}
