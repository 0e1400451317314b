//! What a restore would throw away: the commits made after a given commit, and the lines two
//! versions of a file differ by.

use std::collections::HashSet;

use git2::{Oid, Patch};

use super::Repo;
use crate::error::{Error, Result};

/// The commits reachable from `head` but not from `base`: what came after `base` (on every
/// branch merged since).
pub fn commits_after(repo: &Repo, head: Oid, base: Oid) -> Result<HashSet<Oid>> {
    let walk_error = |e: git2::Error| Error::git("cannot walk the history", &e);
    let mut walk = repo.git().revwalk().map_err(walk_error)?;
    walk.push(head).map_err(walk_error)?;
    walk.hide(base).map_err(walk_error)?;
    Ok(walk.filter_map(std::result::Result::ok).collect())
}

/// Lines added and removed going from blob `old` to blob `new`.
pub fn line_changes(repo: &Repo, old: Oid, new: Oid) -> Result<LineChanges> {
    if old == new {
        return Ok(LineChanges::default());
    }
    let git = repo.git();
    let read = |id: Oid| {
        git.find_blob(id)
            .map_err(|e| Error::git(format!("cannot read blob {id}"), &e))
    };
    let (old_blob, new_blob) = (read(old)?, read(new)?);
    let patch = Patch::from_blobs(&old_blob, None, &new_blob, None, None)
        .map_err(|e| Error::git("cannot compare two versions of a file", &e))?;
    let (_, added, removed) = patch
        .line_stats()
        .map_err(|e| Error::git("cannot count changed lines", &e))?;
    Ok(LineChanges { added, removed })
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineChanges {
    pub added: usize,
    pub removed: usize,
}

impl LineChanges {
    pub fn total(self) -> usize {
        self.added + self.removed
    }
}
