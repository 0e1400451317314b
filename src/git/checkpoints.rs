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

/// The names by which a checkpoint's summary says which migration it is for.
#[derive(Debug, Default, Clone)]
pub struct MigrationNames {
    /// The migration's rule id, symbol and issue (`deepagentstate`, `DeepAgentState`, `#871`).
    pub this: Vec<String>,
    /// The same for every other loaded migration.
    pub others: Vec<String>,
}

impl MigrationNames {
    /// Whether a checkpoint is one for this migration: its summary names this migration, or
    /// names none of the others (`checkpoint: pre-phase 2` is a point before everything). With
    /// one migration loaded, every checkpoint is.
    pub fn owns(&self, checkpoint: &CommitRef) -> bool {
        let summary = checkpoint.summary.to_lowercase();
        let names = |names: &[String]| {
            names
                .iter()
                .any(|name| contains_name(&summary, &name.to_lowercase()))
        };
        names(&self.this) || !names(&self.others)
    }
}

/// Whether `name` occurs in `text` as a whole word (not inside a longer identifier).
fn contains_name(text: &str, name: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint(summary: &str) -> CommitRef {
        CommitRef {
            id: Oid::ZERO_SHA1,
            short: "0000000".to_owned(),
            summary: summary.to_owned(),
            time: 0,
        }
    }

    #[test]
    fn a_checkpoint_belongs_to_the_migration_it_names_or_to_all() {
        let names = MigrationNames {
            this: vec![
                "deepagentstate".into(),
                "DeepAgentState".into(),
                "#871".into(),
            ],
            others: vec![
                "agentregistry".into(),
                "AgentRegistry".into(),
                "#902".into(),
            ],
        };
        let owns = |summary: &str| names.owns(&checkpoint(summary));
        assert!(owns("checkpoint: pre-DeepAgentState migration"));
        assert!(owns("checkpoint: pre-phase 2"));
        assert!(owns("checkpoint: pre-#871 and #902"));
        assert!(!owns("checkpoint: pre-agentregistry"));
        assert!(!owns("checkpoint: pre-#902"));
        // A longer identifier is not the name.
        assert!(owns("checkpoint: pre-AgentRegistryV2"));
        let alone = MigrationNames {
            this: names.this.clone(),
            others: Vec::new(),
        };
        assert!(alone.owns(&checkpoint("checkpoint: pre-AgentRegistry")));
    }
}
