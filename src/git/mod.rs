//! Repository access for rollback plans, with git2: the repository around the scanned path, a
//! file's history following renames, blobs, the working tree's state, checkpoint commits, and what
//! a restore would discard. Nothing here judges Python: `rollback` does that with `check_source`.
//!
//! Paths handed in and out are relative to the work tree's top level and `/`-separated, as git
//! stores them in trees.

pub mod checkpoints;
pub mod discard;
pub mod history;
pub mod pickaxe;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use git2::{Commit, ObjectType, Oid, Repository, Status};

use crate::error::{Error, Result};

/// The repository a rollback is planned in.
pub struct Repo {
    repo: Repository,
    /// The work tree's top level, canonical (symlinks resolved) so that paths compare.
    workdir: PathBuf,
    /// Commits whose parents a shallow clone does not have (`.git/shallow`).
    shallow: HashSet<Oid>,
}

/// HEAD: its commit, and the branch it is on (`None` when detached).
#[derive(Clone, Debug)]
pub struct Head {
    pub commit: Oid,
    pub branch: Option<String>,
}

/// A commit as plans and reports name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitRef {
    pub id: Oid,
    /// The shortest unambiguous abbreviation (at least 7 digits).
    pub short: String,
    /// The first line of the message.
    pub summary: String,
    /// Committer time, seconds since the epoch.
    pub time: i64,
}

/// One file in the working tree, against HEAD and the index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileState {
    /// The file is in HEAD's tree.
    pub committed: bool,
    /// The index differs from HEAD for this file.
    pub staged: bool,
    /// The working tree differs from the index for this file.
    pub modified: bool,
}

impl FileState {
    /// Committed, with nothing staged or modified: a rollback may overwrite it.
    pub fn is_clean(self) -> bool {
        self.committed && !self.staged && !self.modified
    }
}

impl Repo {
    /// The repository whose work tree holds `start` (a file or folder).
    pub fn discover(start: &Path) -> Result<Repo> {
        let not_found = || Error::Git {
            message: format!("`{}` is not inside a git work tree", start.display()),
            help: Some(
                "rollback plans come from the file's history: run ssot-guard inside the \
                 repository's work tree"
                    .to_owned(),
            ),
        };
        let repo = Repository::discover(start).map_err(|_| not_found())?;
        let workdir = repo.workdir().ok_or_else(not_found)?;
        let workdir = workdir.canonicalize().map_err(|e| Error::io(workdir, e))?;
        let shallow = std::fs::read_to_string(repo.path().join("shallow"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| Oid::from_str(line.trim()).ok())
            .collect();
        Ok(Repo {
            repo,
            workdir,
            shallow,
        })
    }

    pub fn git(&self) -> &Repository {
        &self.repo
    }

    /// The work tree's top level.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// `path` (absolute, or relative to the current folder) relative to the work tree's top level,
    /// `/`-separated; `None` outside the work tree or for names that are not UTF-8.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let absolute = crate::paths::absolute(path);
        // Resolve symlinks in the folders (a temporary folder under a symlinked /tmp), not in the
        // file's own name: a symlinked file is tracked as itself.
        let canonical = match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => parent.canonicalize().ok()?.join(name),
            _ => absolute.canonicalize().ok()?,
        };
        let relative = canonical.strip_prefix(&self.workdir).ok()?;
        let parts: Option<Vec<&str>> = relative
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect();
        let parts = parts?;
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// The absolute path of a work-tree-relative path.
    pub fn absolute(&self, relative: &str) -> PathBuf {
        self.workdir.join(relative)
    }

    pub fn head(&self) -> Result<Head> {
        let head = self.repo.head().map_err(|e| Error::Git {
            message: format!(
                "the repository has no commit to roll back to ({})",
                e.message()
            ),
            help: Some(
                "commit the migration first; a rollback restores committed versions".to_owned(),
            ),
        })?;
        let commit = head
            .peel_to_commit()
            .map_err(|e| Error::git("cannot read HEAD", &e))?;
        let detached = self.repo.head_detached().unwrap_or(false);
        Ok(Head {
            commit: commit.id(),
            branch: if detached {
                None
            } else {
                head.shorthand().ok().map(str::to_owned)
            },
        })
    }

    pub fn commit(&self, id: Oid) -> Option<Commit<'_>> {
        self.repo.find_commit(id).ok()
    }

    /// The blob at `path` in `commit`'s tree; `None` when the path is absent or not a file.
    pub fn blob_in(&self, commit: &Commit<'_>, path: &str) -> Option<Oid> {
        let tree = commit.tree().ok()?;
        let entry = tree.get_path(Path::new(path)).ok()?;
        (entry.kind() == Some(ObjectType::Blob)).then(|| entry.id())
    }

    pub fn blob_at(&self, commit: Oid, path: &str) -> Option<Oid> {
        self.blob_in(&self.commit(commit)?, path)
    }

    /// The object store holds `id` (a corrupt repository may not).
    pub fn has_object(&self, id: Oid) -> bool {
        self.repo.odb().is_ok_and(|odb| odb.exists(id))
    }

    pub fn read_blob(&self, id: Oid) -> Result<Vec<u8>> {
        self.repo
            .find_blob(id)
            .map(|blob| blob.content().to_vec())
            .map_err(|e| Error::git(format!("cannot read blob {id}"), &e))
    }

    /// A shallow clone: some commits' parents were left out on purpose.
    pub fn is_shallow(&self) -> bool {
        !self.shallow.is_empty()
    }

    /// A commit with the parents a shallow clone left out.
    pub fn is_shallow_boundary(&self, id: Oid) -> bool {
        self.shallow.contains(&id)
    }

    pub fn short(&self, id: Oid) -> String {
        self.repo
            .find_object(id, None)
            .and_then(|object| object.short_id())
            .ok()
            .and_then(|buf| buf.as_str().ok().map(str::to_owned))
            .unwrap_or_else(|| id.to_string()[..7].to_owned())
    }

    pub fn commit_ref(&self, id: Oid) -> CommitRef {
        let (summary, time) = match self.commit(id) {
            Some(commit) => (
                commit
                    .summary_bytes()
                    .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                    .unwrap_or_default(),
                commit.time().seconds(),
            ),
            None => (String::new(), 0),
        };
        CommitRef {
            id,
            short: self.short(id),
            summary,
            time,
        }
    }

    /// What the working tree and the index hold for `path`, against HEAD.
    pub fn file_state(&self, path: &str, head: Oid) -> FileState {
        let committed = self.blob_at(head, path).is_some();
        let status = self
            .repo
            .status_file(Path::new(path))
            .unwrap_or(Status::WT_NEW);
        FileState {
            committed,
            staged: status.intersects(
                Status::INDEX_NEW
                    | Status::INDEX_MODIFIED
                    | Status::INDEX_DELETED
                    | Status::INDEX_RENAMED
                    | Status::INDEX_TYPECHANGE,
            ),
            modified: status.intersects(
                Status::WT_MODIFIED
                    | Status::WT_DELETED
                    | Status::WT_RENAMED
                    | Status::WT_TYPECHANGE
                    | Status::CONFLICTED,
            ),
        }
    }
}
