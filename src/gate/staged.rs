//! `--staged`: the content git's index holds for each file, which is what a commit will contain,
//! whatever the working tree says.

use std::path::{Path, PathBuf};

use git2::{DiffOptions, Repository};

use crate::error::{Error, Result};
use crate::paths::absolute;

/// The staged versions of Python files, and the ones whose content git could not give.
#[derive(Debug, Default)]
pub struct Staged {
    /// `(path in the work tree, content)`, sorted.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// One per file whose staged blob cannot be read (a corrupt repository), with its path in the
    /// work tree; the others are still checked.
    pub errors: Vec<(PathBuf, Error)>,
}

/// The staged versions of Python files.
///
/// With `only` empty: every Python file the index adds or changes against `HEAD`. With paths (as
/// the pre-commit framework passes them): the index version of each named file, and the staged
/// changes below each named folder; a file the index does not hold (untracked) is not part of the
/// commit and is left out.
pub fn staged_files(start: &Path, only: &[PathBuf]) -> Result<Staged> {
    let repo = Repository::discover(start).map_err(|e| {
        Error::usage(
            format!("--staged needs a git repository: {}", e.message()),
            Some("run it inside the repository whose commit you are checking".to_owned()),
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| Error::usage("--staged needs a work tree, not a bare repository", None))?
        .to_path_buf();
    let index = repo.index().map_err(git_error)?;

    let mut relative_paths: Vec<PathBuf> = Vec::new();
    if only.is_empty() {
        relative_paths = staged_changes(&repo, &index)?;
    } else {
        let root = absolute(&workdir);
        // The index's changes, diffed once however many folders are named.
        let mut changes: Option<Vec<PathBuf>> = None;
        for path in only {
            let Ok(relative) = absolute(path).strip_prefix(&root).map(Path::to_path_buf) else {
                continue;
            };
            if path.is_dir() {
                if changes.is_none() {
                    changes = Some(staged_changes(&repo, &index)?);
                }
                let below = changes
                    .iter()
                    .flatten()
                    .filter(|c| c.starts_with(&relative));
                relative_paths.extend(below.cloned());
            } else {
                relative_paths.push(relative);
            }
        }
        relative_paths.sort();
        relative_paths.dedup();
    }

    let mut staged = Staged::default();
    for relative in relative_paths {
        let Some(entry) = index.get_path(&relative, 0) else {
            continue;
        };
        match repo.find_blob(entry.id) {
            Ok(blob) => staged
                .files
                .push((workdir.join(&relative), blob.content().to_vec())),
            Err(e) => {
                let error = Error::Git {
                    message: match e.code() {
                        // libgit2's own message would repeat the id.
                        git2::ErrorCode::NotFound => format!(
                            "cannot read the staged version of `{}` (blob {}): the object is \
                             missing",
                            relative.display(),
                            entry.id
                        ),
                        _ => format!(
                            "cannot read the staged version of `{}` (blob {}): {}",
                            relative.display(),
                            entry.id,
                            e.message()
                        ),
                    },
                    help: Some(
                        "the repository is missing objects; `git fsck` lists what is broken, \
                         and `git add` on the file stores its content again"
                            .to_owned(),
                    ),
                };
                staged.errors.push((workdir.join(&relative), error));
            }
        }
    }
    staged.files.sort();
    Ok(staged)
}

/// Python files that the index adds, changes or renames against `HEAD` (every staged file before
/// the first commit).
fn staged_changes(repo: &Repository, index: &git2::Index) -> Result<Vec<PathBuf>> {
    // A missing commit or tree object: say what could not be compared, and how to look.
    let unreadable = |e: git2::Error| Error::Git {
        message: format!(
            "cannot tell what is staged: comparing the index with HEAD failed: {}",
            e.message()
        ),
        help: Some("the repository is missing objects; `git fsck` lists what is broken".to_owned()),
    };
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree().map_err(unreadable)?),
        Err(_) => None, // unborn branch: nothing committed yet
    };
    let mut options = DiffOptions::new();
    options.include_typechange(true);
    let diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(index), Some(&mut options))
        .map_err(unreadable)?;
    Ok(diff
        .deltas()
        .filter(|delta| delta.status() != git2::Delta::Deleted)
        .filter_map(|delta| delta.new_file().path().map(Path::to_path_buf))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "py" || ext == "pyi")
        })
        .collect())
}

pub(crate) fn git_error(error: git2::Error) -> Error {
    Error::usage(format!("git: {}", error.message()), None)
}
