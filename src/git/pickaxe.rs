//! Which commit made a name disappear: `git log -S` for one file (the newest commit that has
//! fewer occurrences of a word than its parent had), the commit that deleted a file, and
//! `git blame` for one line.

use git2::{BlameOptions, Oid};

use super::history::{FileHistory, ParentVersion};
use super::{CommitRef, Repo};
use crate::error::{Error, Result};

/// The most commits [`deleted_by`] walks: a file deleted longer ago than that is not an incident.
const DELETION_WALK_LIMIT: usize = 20_000;

/// A commit that removed occurrences of a word from a file.
#[derive(Clone, Debug)]
pub struct Removal {
    pub commit: CommitRef,
    /// Occurrences in the parent's version and in the commit's.
    pub before: usize,
    pub after: usize,
}

/// The newest commit in `path`'s history (from `head`, following renames) whose version has
/// fewer occurrences of `word` (as a whole identifier) than its first parent's.
pub fn removed_word(repo: &Repo, head: Oid, path: &str, word: &str) -> Result<Option<Removal>> {
    for change in FileHistory::new(repo, head, path) {
        let Some(ParentVersion::File { blob: parent, .. }) = change.parents.first() else {
            continue;
        };
        let after = count_word(&repo.read_blob(change.blob)?, word);
        let before = count_word(&repo.read_blob(*parent)?, word);
        if before > after {
            return Ok(Some(Removal {
                commit: repo.commit_ref(change.commit),
                before,
                after,
            }));
        }
    }
    Ok(None)
}

/// The newest commit reachable from `head` that does not have `path` while its first parent
/// does.
pub fn deleted_by(repo: &Repo, head: Oid, path: &str) -> Result<Option<CommitRef>> {
    let git = repo.git();
    let walk_error = |e: git2::Error| Error::git("cannot walk the history", &e);
    let mut walk = git.revwalk().map_err(walk_error)?;
    walk.set_sorting(git2::Sort::TIME).map_err(walk_error)?;
    walk.push(head).map_err(walk_error)?;
    for id in walk.take(DELETION_WALK_LIMIT) {
        let id = id.map_err(walk_error)?;
        let Some(commit) = repo.commit(id) else {
            continue;
        };
        if repo.blob_in(&commit, path).is_some() {
            continue;
        }
        let Ok(parent) = commit.parent(0) else {
            continue;
        };
        if repo.blob_in(&parent, path).is_some() {
            return Ok(Some(repo.commit_ref(id)));
        }
    }
    Ok(None)
}

/// The commit that last changed line `line` (1-based) of `path` as `head` has it.
pub fn blame_line(repo: &Repo, head: Oid, path: &str, line: usize) -> Option<CommitRef> {
    let mut options = BlameOptions::new();
    options.newest_commit(head);
    let blame = repo
        .git()
        .blame_file(std::path::Path::new(path), Some(&mut options))
        .ok()?;
    let hunk = blame.get_line(line)?;
    Some(repo.commit_ref(hunk.final_commit_id()))
}

/// Occurrences of `word` in `text` not inside a longer identifier.
pub fn count_word(text: &[u8], word: &str) -> usize {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    memchr::memmem::find_iter(text, word.as_bytes())
        .filter(|&at| {
            let before = at.checked_sub(1).map(|i| text[i]);
            let after = text.get(at + word.len()).copied();
            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::count_word;

    #[test]
    fn words_not_parts_of_names() {
        let text = b"thread_id = 1\nchat_thread_id = 2\nx.thread_id\nthread_ids\n";
        assert_eq!(count_word(text, "thread_id"), 2);
        assert_eq!(count_word(b"", "thread_id"), 0);
    }
}
