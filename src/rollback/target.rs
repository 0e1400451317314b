//! A file's own migration commit and the revision to roll it back to.
//!
//! The migration commit is the newest commit in the file's history (following renames) whose
//! parent's version binds the class from the deprecated module only, and whose own version binds
//! it from the SSOT module (or tries to, from a module that does not define it). Both versions are
//! judged with `check_source`. The revision to restore is that parent. A merge counts only when
//! the merge itself made the change (every parent still had the deprecated version); otherwise
//! the walk goes on into the branch that did.

use git2::Oid;

use super::verdict::Verdicts;
use crate::error::Result;
use crate::git::discard::{commits_after, line_changes, LineChanges};
use crate::git::history::{FileHistory, ParentVersion};
use crate::git::{CommitRef, Repo};

/// Where to roll a file back to, and what that costs.
#[derive(Clone, Debug)]
pub struct RollbackTarget {
    pub migration: CommitRef,
    /// The migration commit's parent (for a merge, its first parent).
    pub rollback_to: CommitRef,
    /// The file's path in `rollback_to` (differs from today's after a rename).
    pub restore_path: String,
    /// The pre-migration version: what a rollback restores.
    pub restore_blob: Oid,
    /// The version the migration commit made.
    pub migrated_blob: Oid,
    /// The version at HEAD.
    pub head_blob: Oid,
    pub head_minus_one: HeadMinusOne,
    /// Commits after the migration that changed the file: a whole-file restore discards them.
    pub later_commits: usize,
    /// The lines those commits changed (migration's version against HEAD's).
    pub discarded: LineChanges,
}

/// What the runbook's naive `git checkout HEAD~1 -- FILE` would restore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadMinusOne {
    /// The pre-migration version: the naive command happens to be right.
    Correct,
    /// HEAD has no parent (a root commit, or a shallow clone's boundary).
    NoParent,
    /// HEAD~1 has no file at this path: the checkout fails.
    Missing,
    /// HEAD~1's version is HEAD's: the checkout changes nothing.
    SameAsHead,
    /// Some other version.
    Other,
}

impl HeadMinusOne {
    pub fn correct(self) -> bool {
        self == HeadMinusOne::Correct
    }
}

/// Why a file has no revision to roll back to.
#[derive(Clone, Debug)]
pub enum NoTarget {
    /// Not in HEAD: untracked, or added but never committed.
    NotCommitted,
    /// The file was created already binding the class from the SSOT module.
    CreatedOnSsot(CommitRef),
    /// The history ends (shallow clone) before the commit that migrated the file.
    ShallowHistory(CommitRef),
    /// No version of the file moved from the deprecated module to the SSOT module.
    NeverMigrated,
    /// A version of the file in its history is missing from the object store (a corrupt
    /// repository): judging the history without it would name the wrong commit.
    UnreadableHistory {
        commit: CommitRef,
        path: String,
        blob: Oid,
    },
}

/// Finds the file's migration commit, searching from `head` at the file's path there.
pub fn find(
    repo: &Repo,
    head: Oid,
    path: &str,
    verdicts: &mut Verdicts<'_>,
) -> Result<Result<RollbackTarget, NoTarget>> {
    let Some(head_blob) = repo.blob_at(head, path) else {
        return Ok(Err(NoTarget::NotCommitted));
    };
    for change in FileHistory::new(repo, head, path) {
        let versions = std::iter::once((change.commit, change.path.as_str(), change.blob)).chain(
            change.parents.iter().filter_map(|parent| match parent {
                ParentVersion::File { commit, path, blob } => Some((*commit, path.as_str(), *blob)),
                _ => None,
            }),
        );
        for (commit, path, blob) in versions {
            if !repo.has_object(blob) {
                return Ok(Err(NoTarget::UnreadableHistory {
                    commit: repo.commit_ref(commit),
                    path: path.to_owned(),
                    blob,
                }));
            }
        }
        let at = verdicts.definitions_at(repo, change.commit);
        let own = verdicts.judge(repo, at, change.blob, &change.path);
        if !own.moved_off_deprecated() {
            continue;
        }
        if change.parents.is_empty() {
            return Ok(Err(NoTarget::CreatedOnSsot(repo.commit_ref(change.commit))));
        }
        if change.parents.contains(&ParentVersion::Unavailable) {
            return Ok(Err(NoTarget::ShallowHistory(
                repo.commit_ref(change.commit),
            )));
        }
        let versions: Vec<(Oid, &str, Oid)> = change
            .parents
            .iter()
            .filter_map(|parent| match parent {
                ParentVersion::File { commit, path, blob } => Some((*commit, path.as_str(), *blob)),
                _ => None,
            })
            .collect();
        let Some(&(parent, parent_path, parent_blob)) = versions.first() else {
            return Ok(Err(NoTarget::CreatedOnSsot(repo.commit_ref(change.commit))));
        };
        let all_deprecated = versions.iter().all(|&(commit, path, blob)| {
            let at = verdicts.definitions_at(repo, commit);
            verdicts.judge(repo, at, blob, path).binds_only_deprecated()
        });
        if !all_deprecated {
            continue;
        }
        let later = commits_after(repo, head, change.commit)?;
        let later_commits = if later.is_empty() {
            0
        } else {
            FileHistory::within(repo, head, path, later).count()
        };
        return Ok(Ok(RollbackTarget {
            migration: repo.commit_ref(change.commit),
            rollback_to: repo.commit_ref(parent),
            restore_path: parent_path.to_owned(),
            restore_blob: parent_blob,
            migrated_blob: change.blob,
            head_blob,
            head_minus_one: head_minus_one(repo, head, path, parent_blob, head_blob),
            later_commits,
            discarded: line_changes(repo, change.blob, head_blob)?,
        }));
    }
    Ok(Err(NoTarget::NeverMigrated))
}

fn head_minus_one(
    repo: &Repo,
    head: Oid,
    path: &str,
    restore_blob: Oid,
    head_blob: Oid,
) -> HeadMinusOne {
    let parent = repo
        .commit(head)
        .filter(|_| !repo.is_shallow_boundary(head))
        .and_then(|commit| commit.parent_id(0).ok())
        .filter(|&id| repo.commit(id).is_some());
    let Some(parent) = parent else {
        return HeadMinusOne::NoParent;
    };
    match repo.blob_at(parent, path) {
        None => HeadMinusOne::Missing,
        Some(blob) if blob == restore_blob => HeadMinusOne::Correct,
        Some(blob) if blob == head_blob => HeadMinusOne::SameAsHead,
        Some(_) => HeadMinusOne::Other,
    }
}
