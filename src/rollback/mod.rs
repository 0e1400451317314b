//! `ssot-guard rollback`: the team's rollback runbook (DESIGN.md), automated. Which files fail
//! today, each file's own migration commit and the revision before it, the runbook level to use,
//! and commands that are safe to paste.
//!
//! The pieces: [`verdict`] judges one version of a file with the scanner's checks; [`target`]
//! finds a file's migration commit; [`last_good`] finds Level 3's last known good commit;
//! [`surgical`] builds the import-only patch; [`commands`] and [`script`] write what the engineer
//! runs, quoted by [`quote`]; [`human`] and [`json`] print the plan.

pub mod cli;
pub mod commands;
pub mod human;
pub mod json;
pub mod last_good;
pub mod quote;
pub mod script;
pub mod surgical;
pub mod target;
pub mod verdict;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::discover::Excludes;
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::git::checkpoints::{self, CHECKPOINT_MARKER};
use crate::git::discard::commits_after;
use crate::git::{CommitRef, FileState, Head, Repo};
use crate::project::Project;
use crate::python::ModuleOfFile;
use crate::scan::ScanResult;
use last_good::LastGoodSearch;
use quote::one_line;
use surgical::SurgicalPatch;
use target::{NoTarget, RollbackTarget};
use verdict::{is_failing, ProjectInRepo, Verdicts};

/// The runbook's severity of a failing file (DESIGN.md's rollback table). Ordered so that the
/// most severe compares greatest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RunbookSeverity {
    /// Tests.
    Medium,
    /// Application code.
    High,
    /// Golden-path code (the rule's or the config's `golden-path` globs).
    Critical,
}

impl RunbookSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            RunbookSeverity::Medium => "MEDIUM",
            RunbookSeverity::High => "HIGH",
            RunbookSeverity::Critical => "CRITICAL",
        }
    }
}

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

/// A file to roll back.
pub struct Candidate {
    /// Relative to the work tree's top level, `/`-separated: what git commands take.
    pub path: String,
    /// 1-based position in the ranking.
    pub rank: usize,
    pub severity: RunbookSeverity,
    /// Named on the command line.
    pub named: bool,
    /// The findings that make it fail today (the working tree's version), in line order.
    pub failing: Vec<Finding>,
    pub state: FileState,
    /// The module the file defines and the package root it is imported from.
    pub module: Option<(ModuleOfFile, String)>,
    pub target: std::result::Result<RollbackTarget, NoTarget>,
    /// The import-only patch, or why there is none.
    pub surgical: std::result::Result<SurgicalPatch, String>,
}

impl Candidate {
    /// The findings, one line each, for people and the JSON report.
    pub fn reasons(&self) -> Vec<String> {
        if self.failing.is_empty() {
            return vec![
                "named on the command line; the scan finds nothing failing in this file".to_owned(),
            ];
        }
        self.failing
            .iter()
            .map(|f| {
                format!(
                    "line {}:{}: {} {}: {}",
                    f.location.line,
                    f.location.column,
                    f.code.as_str(),
                    f.code.name(),
                    one_line(&f.message)
                )
            })
            .collect()
    }

    /// What to do instead when there is no revision to roll back to: each finding's fix, then
    /// the rule's renames.
    pub fn fix(&self, project: &Project) -> Vec<String> {
        let mut fix: Vec<String> = Vec::new();
        for finding in &self.failing {
            if let Some(help) = &finding.help {
                let line = format!("line {}: {}", finding.location.line, one_line(help));
                if !fix.contains(&line) {
                    fix.push(line);
                }
            }
        }
        let renames: Vec<String> = project
            .migration
            .renames
            .iter()
            .map(|(from, to)| format!("{from} -> {to}"))
            .collect();
        if !renames.is_empty() {
            fix.push(format!("the SSOT class renames: {}", renames.join(", ")));
        }
        fix
    }

    pub fn migration_time(&self) -> Option<i64> {
        self.target.as_ref().ok().map(|t| t.migration.time)
    }
}

/// Why a file has no rollback target, in words.
pub fn explain_no_target(no_target: &NoTarget, symbol: &str) -> String {
    match no_target {
        NoTarget::NotCommitted => {
            "the file is not committed (untracked, or only staged): there is no revision to roll \
             back to"
                .to_owned()
        }
        NoTarget::CreatedOnSsot(commit) => format!(
            "the file was created already on the SSOT module (commit {} \"{}\"): there is no \
             earlier version to roll back to",
            commit.short,
            one_line(&commit.summary)
        ),
        NoTarget::ShallowHistory(commit) => format!(
            "the history is shallow: it ends at commit {}, where the file already binds `{symbol}` \
             from the SSOT module; fetch the full history (git fetch --unshallow) and plan again",
            commit.short
        ),
        NoTarget::NeverMigrated => format!(
            "no commit moved this file's `{symbol}` from the deprecated module to the SSOT module: \
             there is no migration to undo"
        ),
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

/// What was asked of the plan.
pub struct PlanOptions {
    /// Named files (absolute): planned even when nothing fails in them.
    pub named: Vec<PathBuf>,
    /// `--level`: carry out this level instead of the recommended one.
    pub level: Option<Level>,
    /// `--surgical`: switch import statements back rather than restore whole files.
    pub surgical: bool,
    /// Flags `ssot-guard check` needs to see the same rule (`--migration`, `--config`), quoted.
    pub check_flags: String,
    /// The `ssot-guard rollback ...` command line that makes this plan again (quoted), for the
    /// hint to write it as a script.
    pub rerun: String,
}

/// A complete rollback plan.
pub struct RollbackPlan<'p> {
    pub project: &'p Project,
    pub head: Head,
    pub head_commit: CommitRef,
    /// The project root relative to the work tree (`""` or `sub/`).
    pub project_prefix: String,
    /// Ranked.
    pub candidates: Vec<Candidate>,
    pub level: LevelPlan,
    /// Newest first.
    pub checkpoints: Vec<CommitRef>,
    pub surgical: bool,
    pub check_flags: String,
    pub rerun: String,
}

/// What a plan is made from.
pub struct PlanInput<'a> {
    pub repo: &'a Repo,
    pub project: &'a Project,
    pub layout: &'a ProjectInRepo,
    pub excludes: &'a Excludes,
    pub scan: &'a ScanResult,
}

/// Builds the plan: candidates from the scan (and the named files), their targets, the ranking
/// and the level.
pub fn plan<'a>(input: &PlanInput<'a>, options: PlanOptions) -> Result<RollbackPlan<'a>> {
    let PlanInput {
        repo,
        project,
        layout,
        excludes,
        scan,
    } = *input;
    let head = repo.head()?;
    let mut verdicts = Verdicts::new(project, layout);
    let mut candidates = Vec::new();
    for report in &scan.files {
        let absolute = crate::project::absolute(std::path::Path::new(&report.path));
        let named = options.named.contains(&absolute);
        let failing: Vec<Finding> = report
            .findings
            .iter()
            .filter(|f| is_failing(f))
            .cloned()
            .collect();
        if failing.is_empty() && !named {
            continue;
        }
        let path = repo.relative(&absolute).ok_or_else(|| Error::Git {
            message: format!(
                "`{}` is outside the repository `{}`",
                report.path,
                repo.workdir().display()
            ),
            help: Some("name files inside the repository's work tree".to_owned()),
        })?;
        let severity = severity_of(project, layout, &path);
        let state = repo.file_state(&path, head.commit);
        let module = layout.module(project, &path);
        let target = if state.committed {
            target::find(repo, head.commit, &path, &mut verdicts)?
        } else {
            Err(NoTarget::NotCommitted)
        };
        let surgical = match &target {
            Ok(found) => {
                let source = repo.read_blob(found.head_blob)?;
                surgical::build(&source, &path, module.as_ref().map(|(m, _)| m), project)
            }
            Err(_) => Err("there is no migration to undo".to_owned()),
        };
        candidates.push(Candidate {
            path,
            rank: 0,
            severity,
            named,
            failing,
            state,
            module,
            target,
            surgical,
        });
    }
    candidates.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.failing.len().cmp(&a.failing.len()))
            .then(b.migration_time().cmp(&a.migration_time()))
            .then(a.path.cmp(&b.path))
    });
    for (index, candidate) in candidates.iter_mut().enumerate() {
        candidate.rank = index + 1;
    }

    let checkpoints = checkpoints::list(repo, head.commit)?;
    let level = choose_level(
        repo,
        head.commit,
        &candidates,
        &checkpoints,
        options.level,
        &mut LastGoodSearch::new(repo, layout, excludes, &mut verdicts),
    )?;
    Ok(RollbackPlan {
        project,
        head_commit: repo.commit_ref(head.commit),
        head,
        project_prefix: layout.prefix().to_owned(),
        candidates,
        level,
        checkpoints,
        surgical: options.surgical,
        check_flags: options.check_flags,
        rerun: options.rerun,
    })
}

/// The runbook's table: golden path CRITICAL, tests MEDIUM, everything else HIGH.
fn severity_of(project: &Project, layout: &ProjectInRepo, path: &str) -> RunbookSeverity {
    let project_path = layout.project_path(path).unwrap_or(path);
    if project.migration.golden_path_set.is_match(project_path) {
        RunbookSeverity::Critical
    } else if is_test_path(project_path) {
        RunbookSeverity::Medium
    } else {
        RunbookSeverity::High
    }
}

/// Test code: below a `tests` or `test` folder, or named like pytest's test files.
fn is_test_path(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop().unwrap_or("");
    parts.iter().any(|dir| *dir == "tests" || *dir == "test")
        || file.starts_with("test_")
        || file.ends_with("_test.py")
        || file == "conftest.py"
}

fn choose_level(
    repo: &Repo,
    head: git2::Oid,
    candidates: &[Candidate],
    checkpoints: &[CommitRef],
    forced: Option<Level>,
    last_good: &mut LastGoodSearch<'_, '_>,
) -> Result<LevelPlan> {
    let critical: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.severity == RunbookSeverity::Critical && !c.failing.is_empty())
        .collect();
    // HIGH files by their migration commit; the largest group, newest commit first on ties.
    let mut groups: BTreeMap<git2::Oid, Vec<&Candidate>> = BTreeMap::new();
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

    let (recommended, reason) = if let Some(first) = critical.first() {
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
            level_two_target(repo, head, &group, checkpoints, &mut notes)?
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
    head: git2::Oid,
    group: &[&Candidate],
    checkpoints: &[CommitRef],
    notes: &mut Vec<String>,
) -> Result<Option<LevelTarget>> {
    let targets: Vec<&RollbackTarget> = group
        .iter()
        .filter_map(|c| c.target.as_ref().ok())
        .collect();
    if targets.is_empty() {
        notes.push(
            "no candidate has a migration commit: a phase rollback has nothing to go back before"
                .to_owned(),
        );
        return Ok(None);
    }
    let mut migrations: Vec<git2::Oid> = targets.iter().map(|t| t.migration.id).collect();
    migrations.sort();
    migrations.dedup();
    if let Some(checkpoint) = checkpoints::newest_before(repo, checkpoints, &migrations) {
        return Ok(Some(LevelTarget {
            kind: LevelTargetKind::Checkpoint,
            discards_commits: commits_after(repo, head, checkpoint.id)?.len(),
            commit: checkpoint.clone(),
        }));
    }
    let parents: Vec<String> = targets
        .iter()
        .map(|t| format!("{} (parent of {})", t.rollback_to.short, t.migration.short))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    notes.push(format!(
        "no `{CHECKPOINT_MARKER}` commit comes before the phase's migration; offering the \
         migration commit's parent instead: {}",
        parents.join(", ")
    ));
    // One parent that precedes every migration commit of the phase (or is one's parent).
    let parent = targets
        .iter()
        .map(|t| &t.rollback_to)
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

pub(crate) fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}
