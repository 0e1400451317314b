//! A file's history, newest first, following renames and merges the way `git log --follow` would
//! if it understood merges: a commit whose version of the file equals one parent's (same blob,
//! whatever the path) did not change it, and the walk goes on through that parent only; a commit
//! that differs from every parent changed it, and the walk goes on through every parent that has
//! the file.

use std::collections::{BinaryHeap, HashSet};
use std::path::Path;

use git2::{Commit, Delta, DiffFindOptions, Oid};

use super::Repo;

/// A commit that changed the file.
#[derive(Clone, Debug)]
pub struct FileChange {
    pub commit: Oid,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// The file's path in this commit.
    pub path: String,
    pub blob: Oid,
    /// One entry per parent, in parent order; empty for a root commit.
    pub parents: Vec<ParentVersion>,
}

/// The file as one parent of a changing commit had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParentVersion {
    /// The parent has the file, at `path` (different from the child's after a rename).
    File {
        commit: Oid,
        path: String,
        blob: Oid,
    },
    /// The parent has no such file: the commit created it (or copied it from nowhere we can see).
    Absent { commit: Oid },
    /// A shallow clone's boundary, or a parent that cannot be read: history stops here.
    Unavailable,
}

/// Walks a file's history from a starting commit. Yields the commits that changed the file.
pub struct FileHistory<'r> {
    repo: &'r Repo,
    queue: BinaryHeap<Pending>,
    seen: HashSet<(Oid, String)>,
    /// Only commits in this set are visited (used to count what came after a commit).
    within: Option<HashSet<Oid>>,
}

/// A commit still to visit, newest first (ties broken by id, so the order is deterministic).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    time: i64,
    commit: Oid,
    path: String,
}

impl<'r> FileHistory<'r> {
    /// The history of `path` as `start` has it.
    pub fn new(repo: &'r Repo, start: Oid, path: &str) -> FileHistory<'r> {
        let mut history = FileHistory {
            repo,
            queue: BinaryHeap::new(),
            seen: HashSet::new(),
            within: None,
        };
        history.push(start, path.to_owned());
        history
    }

    /// The same walk, visiting only the commits in `within`.
    pub fn within(repo: &'r Repo, start: Oid, path: &str, within: HashSet<Oid>) -> Self {
        let mut history = FileHistory {
            repo,
            queue: BinaryHeap::new(),
            seen: HashSet::new(),
            within: Some(within),
        };
        history.push(start, path.to_owned());
        history
    }

    fn push(&mut self, commit: Oid, path: String) {
        if self
            .within
            .as_ref()
            .is_some_and(|set| !set.contains(&commit))
        {
            return;
        }
        if !self.seen.insert((commit, path.clone())) {
            return;
        }
        let Some(found) = self.repo.commit(commit) else {
            return;
        };
        self.queue.push(Pending {
            time: found.time().seconds(),
            commit,
            path,
        });
    }

    /// The file as `parent` had it, following a rename into `path` made by `child`.
    fn parent_version(&self, parent: &Commit<'_>, child: &Commit<'_>, path: &str) -> ParentVersion {
        if let Some(blob) = self.repo.blob_in(parent, path) {
            return ParentVersion::File {
                commit: parent.id(),
                path: path.to_owned(),
                blob,
            };
        }
        match renamed_from(self.repo, parent, child, path) {
            Some((old_path, blob)) => ParentVersion::File {
                commit: parent.id(),
                path: old_path,
                blob,
            },
            None => ParentVersion::Absent {
                commit: parent.id(),
            },
        }
    }
}

impl Iterator for FileHistory<'_> {
    type Item = FileChange;

    fn next(&mut self) -> Option<FileChange> {
        while let Some(Pending { time, commit, path }) = self.queue.pop() {
            let Some(current) = self.repo.commit(commit) else {
                continue;
            };
            let Some(blob) = self.repo.blob_in(&current, &path) else {
                continue;
            };
            let parents: Vec<ParentVersion> = if self.repo.is_shallow_boundary(commit) {
                vec![ParentVersion::Unavailable]
            } else {
                current
                    .parent_ids()
                    .map(|id| match self.repo.commit(id) {
                        Some(parent) => self.parent_version(&parent, &current, &path),
                        None => ParentVersion::Unavailable,
                    })
                    .collect()
            };
            let unchanged = parents.iter().find_map(|parent| match parent {
                ParentVersion::File {
                    commit,
                    path,
                    blob: parent_blob,
                } if *parent_blob == blob => Some((*commit, path.clone())),
                _ => None,
            });
            if let Some((parent, parent_path)) = unchanged {
                self.push(parent, parent_path);
                continue;
            }
            for parent in &parents {
                if let ParentVersion::File { commit, path, .. } = parent {
                    self.push(*commit, path.clone());
                }
            }
            return Some(FileChange {
                commit,
                time,
                path,
                blob,
                parents,
            });
        }
        None
    }
}

/// When `child` renamed a file of `parent` to `path`: the old path and the parent's blob.
fn renamed_from(
    repo: &Repo,
    parent: &Commit<'_>,
    child: &Commit<'_>,
    path: &str,
) -> Option<(String, Oid)> {
    let git = repo.git();
    let old_tree = parent.tree().ok()?;
    let new_tree = child.tree().ok()?;
    let mut diff = git
        .diff_tree_to_tree(Some(&old_tree), Some(&new_tree), None)
        .ok()?;
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find)).ok()?;
    diff.deltas().find_map(|delta| {
        let renamed =
            delta.status() == Delta::Renamed && delta.new_file().path() == Some(Path::new(path));
        if !renamed {
            return None;
        }
        let old = delta.old_file();
        Some((old.path()?.to_str()?.to_owned(), old.id()))
    })
}
