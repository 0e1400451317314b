//! `ssot-guard rollback`: the team's rollback runbook (DESIGN.md), automated. Which files fail
//! today, each file's own migration commit and the revision before it, the runbook level to use,
//! and commands that are safe to paste.
//!
//! The pieces: [`verdict`] judges one version of a file with the scanner's checks; [`target`]
//! finds a file's migration commit; [`level`] chooses the runbook level and where Levels 2 and 3
//! go, with [`last_good`] finding Level 3's last known good commit;
//! [`surgical`] builds the import-only patch; [`commands`] and [`script`] write what the engineer
//! runs, quoted by [`quote`], checking first that the [`programs`] they run are there; [`human`]
//! and [`json`] print the plan.

pub mod commands;
pub mod human;
pub mod json;
pub mod last_good;
pub mod level;
pub mod programs;
pub mod quote;
pub mod script;
pub mod surgical;
pub mod target;
pub mod verdict;

use std::path::PathBuf;

use serde::Serialize;

use crate::discover::Excludes;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::git::{checkpoints, CommitRef, FileState, Head, Repo};
use crate::migration::MigrationOracle;
use crate::python::ModuleOfFile;
use crate::report::one_line;
use crate::scan::ScanResult;
use last_good::LastGoodSearch;
use level::choose_level;
pub use level::{Level, LevelChoice, LevelPlan, LevelTarget, LevelTargetKind};
use surgical::SurgicalPatch;
use target::{NoTarget, RollbackTarget};
use verdict::{is_failing, ProjectInRepo, Verdict, Verdicts};

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
    pub fn fix(&self, migration: &MigrationOracle) -> Vec<String> {
        let mut fix: Vec<String> = Vec::new();
        for finding in &self.failing {
            if let Some(help) = &finding.help {
                let line = format!("line {}: {}", finding.location.line, one_line(help));
                if !fix.contains(&line) {
                    fix.push(line);
                }
            }
        }
        let renames: Vec<String> = migration
            .rule
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
        NoTarget::UnreadableHistory { commit, path, blob } => format!(
            "the history cannot be read: `{}` in commit {} (blob {blob}) is missing from the \
             repository; `git fsck` lists what is broken: repair it or clone again, then plan again",
            one_line(path),
            commit.short
        ),
        NoTarget::NeverMigrated => format!(
            "no commit moved this file's `{symbol}` from the deprecated module to the SSOT module: \
             there is no migration to undo"
        ),
    }
}

/// What was asked of the plan.
pub struct PlanOptions {
    /// Named files (absolute): planned even when nothing fails in them.
    pub named: Vec<PathBuf>,
    /// `--level` (carry out this level instead of the recommended one), or triage's decision.
    pub level: LevelChoice,
    /// Plan only the named files (triage's), not every failing one.
    pub only_named: bool,
    /// Commits a phase rollback must also undo though no file's migration commit is among them
    /// (triage's: the commit that removed the class from a deprecated module).
    pub phase_commits: Vec<CommitRef>,
    /// `--surgical`: switch import statements back rather than restore whole files.
    pub surgical: bool,
    /// Flags `ssot-guard check` needs to see the same rule (`--migration`, `--config`), quoted.
    pub check_flags: String,
    /// The `ssot-guard rollback ...` command line that makes this plan again (quoted), for the
    /// hint to write it as a script.
    pub rerun: String,
    /// The ssot-guard binary the commands run ([`programs::own_binary`]), not quoted.
    pub ssot_guard: String,
    /// Which checkpoints are this migration's (Level 2 goes back to one of them).
    pub checkpoint_names: checkpoints::MigrationNames,
}

/// A complete rollback plan.
pub struct RollbackPlan<'p> {
    /// The migration the plan undoes.
    pub migration: &'p MigrationOracle,
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
    /// The ssot-guard binary the commands run, not quoted.
    pub ssot_guard: String,
}

/// What a plan is made from.
pub struct PlanInput<'a> {
    pub repo: &'a Repo,
    /// Judges files for the one migration the plan undoes.
    pub engine: &'a Engine,
    pub layout: &'a ProjectInRepo,
    pub excludes: &'a Excludes,
    pub scan: &'a ScanResult,
}

/// Builds the plan: candidates from the scan (and the named files), their targets, the ranking
/// and the level.
pub fn plan<'a>(input: &PlanInput<'a>, options: PlanOptions) -> Result<RollbackPlan<'a>> {
    let PlanInput {
        repo,
        engine,
        layout,
        excludes,
        scan,
    } = *input;
    let migration = engine.the_migration();
    let head = repo.head()?;
    let mut verdicts = Verdicts::new(engine, layout);
    let mut candidates = Vec::new();
    for report in &scan.files {
        let absolute = crate::paths::absolute(std::path::Path::new(&report.path));
        let named = options.named.contains(&absolute);
        let failing: Vec<Finding> = report
            .findings
            .iter()
            .filter(|f| is_failing(f))
            .cloned()
            .collect();
        if (failing.is_empty() || options.only_named) && !named {
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
        let severity = severity_of(migration, layout, &path);
        let state = repo.file_state(&path, head.commit);
        // A candidate whose work-tree version is HEAD's was judged by the scan: its history
        // search starts without parsing it again.
        if state.is_clean() {
            if let Some(blob) = repo.blob_at(head.commit, &path) {
                verdicts.seed(blob, &path, Verdict::of_report(report, &migration.id));
            }
        }
        let module = layout.module(engine.workspace(), &path);
        let target = if state.committed {
            target::find(repo, head.commit, &path, &mut verdicts)?
        } else {
            Err(NoTarget::NotCommitted)
        };
        let surgical = match &target {
            Ok(found) => {
                let source = repo.read_blob(found.head_blob)?;
                surgical::build(&source, &path, layout.file(&path).as_deref(), engine)
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

    let mut checkpoints = checkpoints::list(repo, head.commit)?;
    checkpoints.retain(|checkpoint| options.checkpoint_names.owns(checkpoint));
    let level = choose_level(
        repo,
        head.commit,
        &candidates,
        &checkpoints,
        &options.level,
        &options.phase_commits,
        &mut LastGoodSearch::new(repo, layout, excludes, &mut verdicts)
            .judging_first(candidates.iter().map(|c| c.path.clone()).collect()),
    )?;
    Ok(RollbackPlan {
        migration,
        head_commit: repo.commit_ref(head.commit),
        head,
        project_prefix: layout.prefix().to_owned(),
        candidates,
        level,
        checkpoints,
        surgical: options.surgical,
        check_flags: options.check_flags,
        rerun: options.rerun,
        ssot_guard: options.ssot_guard,
    })
}

/// The runbook's table: golden path CRITICAL, tests MEDIUM, everything else HIGH.
fn severity_of(migration: &MigrationOracle, layout: &ProjectInRepo, path: &str) -> RunbookSeverity {
    severity(migration, layout.project_path(path).unwrap_or(path))
}

/// The runbook's table for a file, by its path relative to the project root.
pub(crate) fn severity(migration: &MigrationOracle, project_path: &str) -> RunbookSeverity {
    if migration.rule.golden_path_set.is_match(project_path) {
        RunbookSeverity::Critical
    } else if is_test_path(project_path) {
        RunbookSeverity::Medium
    } else {
        RunbookSeverity::High
    }
}

/// Test code: below a `tests` or `test` folder, or named like pytest's test files.
pub(crate) fn is_test_path(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop().unwrap_or("");
    parts.iter().any(|dir| *dir == "tests" || *dir == "test")
        || file.starts_with("test_")
        || file.ends_with("_test.py")
        || file == "conftest.py"
}

pub(crate) fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}
