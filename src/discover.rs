//! Which files a scan reads: the paths given, folders walked in parallel honouring `.gitignore`
//! and `.ignore`, Python files only, and the folders no one wants scanned left out.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::error::{Error, Result};
use crate::scan::FileError;

/// Folders and files left out by default, as ruff leaves them out (plus `__pycache__`). Patterns
/// without a `/` match a file or folder name anywhere; others match the path below the project root.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

pub struct DiscoverOptions {
    /// Honour `.gitignore`, `.ignore` and git's exclude files.
    pub respect_ignore: bool,
    pub exclude: Vec<String>,
    /// Exclude patterns with a `/` are matched against paths relative to this folder.
    pub project_root: PathBuf,
}

/// The files to scan, sorted, and what could not be walked (reported, never silently skipped).
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub errors: Vec<FileError>,
}

/// The exclude patterns, compiled: by name anywhere, or by path below the project root.
pub struct Excludes {
    by_name: GlobSet,
    by_path: GlobSet,
    project_root: PathBuf,
}

impl Excludes {
    pub fn new(patterns: &[String], project_root: &Path) -> Result<Excludes> {
        let mut by_name = GlobSetBuilder::new();
        let mut by_path = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = Glob::new(pattern.trim_end_matches('/')).map_err(|e| {
                Error::usage(
                    format!("invalid exclude pattern `{pattern}`: {}", e.kind()),
                    Some(
                        "patterns are globs such as `legacy`, `build/*` or `**/generated/*.py`"
                            .to_owned(),
                    ),
                )
            })?;
            if pattern.trim_end_matches('/').contains('/') {
                by_path.add(glob);
            } else {
                by_name.add(glob);
            }
        }
        let build = |builder: GlobSetBuilder| {
            builder
                .build()
                .map_err(|e| Error::usage(e.to_string(), None))
        };
        Ok(Excludes {
            by_name: build(by_name)?,
            by_path: build(by_path)?,
            project_root: crate::paths::absolute(project_root),
        })
    }

    pub fn excludes(&self, path: &Path) -> bool {
        if path
            .file_name()
            .is_some_and(|name| self.by_name.is_match(name))
        {
            return true;
        }
        if self.by_path.is_empty() {
            return false;
        }
        let absolute = crate::paths::absolute(path);
        absolute
            .strip_prefix(&self.project_root)
            .is_ok_and(|relative| self.by_path.is_match(relative))
    }
}

/// Finds the Python files under `paths`. A path that does not exist is an error; a file named
/// explicitly is scanned whatever its name (as pre-commit passes them).
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Result<Discovered> {
    for path in paths {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(Error::MissingPath(path.display().to_string()));
        }
    }
    let excludes = Excludes::new(&options.exclude, &options.project_root)?;
    let mut discovered = Discovered::default();
    let mut folders = Vec::new();
    for path in paths {
        if path.is_dir() {
            folders.push(path.clone());
        } else {
            discovered.files.push(path.clone());
        }
    }
    if !folders.is_empty() {
        let walked = walk_folders(&folders, options, &excludes);
        discovered.files.extend(walked.files);
        discovered.errors.extend(walked.errors);
    }
    discovered.files.sort();
    discovered.files.dedup();
    // The walk meets unreadable entries in thread-finish order; report them in one order.
    discovered
        .errors
        .sort_by_cached_key(|error| (error.path.clone(), error.message()));
    Ok(discovered)
}

fn walk_folders(folders: &[PathBuf], options: &DiscoverOptions, excludes: &Excludes) -> Discovered {
    let respect_ignore = options.respect_ignore;
    let root = options.project_root.as_path();
    let mut builder = WalkBuilder::new(&folders[0]);
    for folder in &folders[1..] {
        builder.add(folder);
    }
    builder
        .hidden(false)
        .parents(respect_ignore)
        .ignore(respect_ignore)
        .git_ignore(respect_ignore)
        .git_global(respect_ignore)
        .git_exclude(respect_ignore)
        .require_git(false)
        // Symlinked folders are not followed: no loops, no file scanned twice.
        .follow_links(false)
        .threads(rayon::current_num_threads());
    let found = Mutex::new(Discovered::default());
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let path = walk_error_path(&error).map(Path::to_path_buf);
                    let error =
                        FileError::new(path.as_deref(), Error::Walk(error.to_string()), root);
                    let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                    found.errors.push(error);
                    return WalkState::Continue;
                }
            };
            let path = entry.path();
            let is_root = entry.depth() == 0;
            let file_type = entry.file_type();
            let is_dir = file_type.is_some_and(|t| t.is_dir());
            if !is_root && excludes.excludes(path) {
                return WalkState::Skip;
            }
            if is_dir {
                // A virtual environment, whatever its name.
                if !is_root && path.join("pyvenv.cfg").is_file() {
                    return WalkState::Skip;
                }
                return WalkState::Continue;
            }
            if !is_python_file(path) {
                return WalkState::Continue;
            }
            // A symlinked file is scanned when its target is a file; a dangling link or a link
            // loop is reported.
            let target = if file_type.is_some_and(|t| t.is_file()) {
                Ok(true)
            } else {
                std::fs::metadata(path).map(|m| m.is_file())
            };
            let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
            match target {
                Ok(true) => found.files.push(path.to_path_buf()),
                Ok(false) => {}
                Err(error) => {
                    found
                        .errors
                        .push(FileError::new(Some(path), Error::io(path, error), root))
                }
            }
            WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The path a walk error is about: the folder that cannot be read, the link that loops, the ignore
/// file that does not parse.
fn walk_error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(walk_error_path),
        _ => None,
    }
}

fn is_python_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "py" || ext == "pyi")
}
