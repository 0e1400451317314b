//! Checkpoint commits: the runbook's Level 2 rollback points, commits whose message contains
//! `checkpoint: pre-` (`checkpoint: pre-phase 2`, `checkpoint: pre-interface-enhancement`).

use git2::{Oid, Sort};

use super::{CommitRef, Repo};
use crate::error::{Error, Result};

/// What a commit message contains to make the commit a checkpoint.
pub const CHECKPOINT_MARKER: &str = "checkpoint: pre-";

/// The checkpoints reachable from `head`, newest first.
pub fn list(repo: &Repo, head: Oid) -> Result<Vec<CommitRef>> {
    let git = repo.git();
    let walk_error = |e: git2::Error| Error::git("cannot walk the history", &e);
    let mut walk = git.revwalk().map_err(walk_error)?;
    walk.set_sorting(Sort::TIME | Sort::TOPOLOGICAL)
        .map_err(walk_error)?;
    walk.push(head).map_err(walk_error)?;
    let mut found = Vec::new();
    for id in walk {
        let id = match id {
            Ok(id) => id,
            // A shallow clone ends the walk where its history ends.
            Err(_) if repo.is_shallow() => break,
            Err(e) => return Err(missing_history(&e)),
        };
        let commit = repo
            .git()
            .find_commit(id)
            .map_err(|e| missing_history(&e))?;
        if String::from_utf8_lossy(commit.message_bytes()).contains(CHECKPOINT_MARKER) {
            found.push(repo.commit_ref(id));
        }
    }
    Ok(found)
}

/// A commit reachable from HEAD that the object store does not have: a corrupt repository, not
/// a shallow one. Guessing past it would give a wrong plan.
fn missing_history(error: &git2::Error) -> Error {
    Error::Git {
        message: format!("cannot read the history below HEAD: {}", error.message()),
        help: Some(
            "the repository is missing objects (corrupt, or copied without them); `git fsck` \
             lists what is broken: repair it or clone again, then plan again"
                .to_owned(),
        ),
    }
}

/// The newest checkpoint that comes before every commit in `commits` (a strict ancestor of each).
pub fn newest_before<'c>(
    repo: &Repo,
    checkpoints: &'c [CommitRef],
    commits: &[Oid],
) -> Option<&'c CommitRef> {
    checkpoints.iter().find(|checkpoint| {
        commits.iter().all(|&commit| {
            commit != checkpoint.id
                && repo
                    .git()
                    .graph_descendant_of(commit, checkpoint.id)
                    .unwrap_or(false)
        })
    })
}
