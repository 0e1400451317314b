//! Paths as the reports and the gates spell them: absolute without touching the file system,
//! relative to the current folder for people, relative to the project root for fingerprints.

use std::path::{Path, PathBuf};

/// An absolute path without touching the file system (no symlink resolution), so that the paths
/// of scanned files and package roots compare as written.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Where a path is, in the three forms the reports and the gates use.
#[derive(Debug, Clone)]
pub struct Located {
    pub absolute_path: PathBuf,
    /// Relative to the current folder when below it, `/`-separated.
    pub display: String,
    /// Relative to the project root when below it, `/`-separated.
    pub project_path: String,
}

impl Located {
    /// `cwd` is the current folder, known once: `std::path::absolute` would ask the system for it
    /// again for every relative path.
    pub fn new(path: &Path, cwd: Option<&Path>, root: &Path) -> Located {
        let absolute_path = match cwd {
            Some(cwd) if path.is_relative() => absolute(&cwd.join(path)),
            _ => absolute(path),
        };
        let display = match cwd {
            Some(cwd) => below(&absolute_path, cwd).unwrap_or_else(|| slash_path(path)),
            None => slash_path(path),
        };
        let project_path = below(&absolute_path, root).unwrap_or_else(|| slash_path(path));
        Located {
            absolute_path,
            display,
            project_path,
        }
    }
}

/// An absolute path relative to `base`, `/`-separated, when it lies below it.
pub fn below(absolute: &Path, base: &Path) -> Option<String> {
    absolute.strip_prefix(base).ok().map(slash_path)
}

fn slash_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    if std::path::MAIN_SEPARATOR == '/' {
        text.to_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}
