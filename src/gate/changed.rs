//! `--changed-since REV`: which lines of which files changed between a revision and the working
//! tree, so that a gate fails only on what a change touched.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use git2::{DiffOptions, Repository};

use super::staged::git_error;
use crate::error::{Error, Result};
use crate::paths::absolute;

/// Line numbers (1-based, in the current version) added or changed since a revision, per file.
#[derive(Debug, Default)]
pub struct ChangedLines {
    files: HashMap<PathBuf, BTreeSet<usize>>,
}

impl ChangedLines {
    /// Diffs `revision` against the working tree (through the index, as `git diff REV` does);
    /// untracked files count as wholly changed.
    pub fn since(start: &Path, revision: &str) -> Result<ChangedLines> {
        let repo = Repository::discover(start).map_err(|e| {
            Error::usage(
                format!("--changed-since needs a git repository: {}", e.message()),
                None,
            )
        })?;
        let workdir = absolute(repo.workdir().ok_or_else(|| {
            Error::usage(
                "--changed-since needs a work tree, not a bare repository",
                None,
            )
        })?);
        let tree = repo
            .revparse_single(revision)
            .and_then(|object| object.peel_to_tree())
            .map_err(|e| {
                Error::usage(
                    format!(
                        "--changed-since: cannot resolve `{revision}`: {}",
                        e.message()
                    ),
                    Some("name a commit, branch or tag, e.g. `origin/main` or `HEAD~3`".to_owned()),
                )
            })?;
        let mut options = DiffOptions::new();
        options
            .context_lines(0)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .show_untracked_content(true);
        let diff = repo
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))
            .map_err(git_error)?;
        let mut changed = ChangedLines::default();
        diff.foreach(
            &mut |_, _| true,
            None,
            None,
            Some(&mut |delta, _hunk, line| {
                if let (Some(path), Some(number)) = (delta.new_file().path(), line.new_lineno()) {
                    if line.origin() == '+' {
                        changed
                            .files
                            .entry(workdir.join(path))
                            .or_default()
                            .insert(number as usize);
                    }
                }
                true
            }),
        )
        .map_err(git_error)?;
        Ok(changed)
    }

    pub fn contains(&self, file: &Path, line: usize) -> bool {
        self.files
            .get(&absolute(file))
            .is_some_and(|lines| lines.contains(&line))
    }
}
