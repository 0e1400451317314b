//! A frame's path as printed on another machine (`/app/...`, `/srv/...`, relative to pytest's
//! root, in site-packages) to a file of this project: the config's `path-map` first, then the
//! longest path suffix shared with a project file.

use std::collections::{HashMap, HashSet};

/// Where a printed path leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapped {
    /// A project file, relative to the project root, `/`-separated.
    File(String),
    /// Installed code (site-packages, dist-packages) or the standard library.
    Library,
    /// Several project files end the same way and none more than the others.
    Ambiguous(Vec<String>),
    /// No project file (`<string>`, `<frozen importlib._bootstrap>`, another project).
    Unknown,
}

/// The project's files, indexed by file name for the suffix match.
pub struct ProjectFiles {
    files: HashSet<String>,
    by_name: HashMap<String, Vec<String>>,
    /// `(printed prefix, project folder)`, longest prefix first.
    path_map: Vec<(String, String)>,
}

impl ProjectFiles {
    /// `files` relative to the project root; `path_map` entries `FROM=TO` (TO relative to the
    /// project root, `.` for the root itself).
    pub fn new(files: impl IntoIterator<Item = String>, path_map: &[(String, String)]) -> Self {
        let files: HashSet<String> = files.into_iter().collect();
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for file in &files {
            let name = file.rsplit('/').next().unwrap_or(file);
            by_name
                .entry(name.to_owned())
                .or_default()
                .push(file.clone());
        }
        for paths in by_name.values_mut() {
            paths.sort();
        }
        let mut path_map: Vec<(String, String)> = path_map
            .iter()
            .map(|(from, to)| {
                let to = to.trim_start_matches("./").trim_end_matches('/');
                let to = if to == "." { "" } else { to };
                (from.trim_end_matches('/').to_owned(), to.to_owned())
            })
            .collect();
        path_map.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        ProjectFiles {
            files,
            by_name,
            path_map,
        }
    }

    pub fn map(&self, printed: &str) -> Mapped {
        let printed = printed.replace('\\', "/");
        for (from, to) in &self.path_map {
            if let Some(rest) = printed.strip_prefix(from.as_str()) {
                if let Some(rest) = rest.strip_prefix('/') {
                    let file = if to.is_empty() {
                        rest.to_owned()
                    } else {
                        format!("{to}/{rest}")
                    };
                    if self.files.contains(&file) {
                        return Mapped::File(file);
                    }
                }
            }
        }
        if printed.starts_with('<') {
            return Mapped::Unknown;
        }
        if is_library(&printed) {
            return Mapped::Library;
        }
        let printed = printed.trim_start_matches("./");
        if self.files.contains(printed) {
            return Mapped::File(printed.to_owned());
        }
        let parts: Vec<&str> = printed.split('/').filter(|p| !p.is_empty()).collect();
        let Some(name) = parts.last() else {
            return Mapped::Unknown;
        };
        let Some(candidates) = self.by_name.get(*name) else {
            return Mapped::Unknown;
        };
        // Shared trailing components; a file whose whole path is a suffix of the printed one
        // wins over one that shares only some.
        let scored: Vec<(usize, bool, &String)> = candidates
            .iter()
            .map(|file| {
                let own: Vec<&str> = file.split('/').collect();
                let shared = own
                    .iter()
                    .rev()
                    .zip(parts.iter().rev())
                    .take_while(|(a, b)| a == b)
                    .count();
                (shared, shared == own.len(), file)
            })
            .filter(|(shared, whole, _)| *whole || *shared >= 2)
            .collect();
        let Some(best) = scored
            .iter()
            .map(|(shared, whole, _)| (*whole, *shared))
            .max()
        else {
            return Mapped::Unknown;
        };
        let top: Vec<String> = scored
            .iter()
            .filter(|(shared, whole, _)| (*whole, *shared) == best)
            .map(|(_, _, file)| (*file).clone())
            .collect();
        match &top[..] {
            [only] => Mapped::File(only.clone()),
            _ => Mapped::Ambiguous(top),
        }
    }
}

/// Installed packages and the standard library, by the folders they live in.
fn is_library(path: &str) -> bool {
    path.contains("/site-packages/")
        || path.contains("/dist-packages/")
        || path.split('/').any(|part| {
            part.strip_prefix("python")
                .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
        }) && path.contains("/lib/")
}

/// `FROM=TO` entries of the config's `path-map`.
pub fn parse_path_map(entries: &[String]) -> Result<Vec<(String, String)>, String> {
    entries
        .iter()
        .map(|entry| match entry.split_once('=') {
            Some((from, to)) if !from.is_empty() && !to.is_empty() => {
                Ok((from.to_owned(), to.to_owned()))
            }
            _ => Err(format!(
                "path-map entry `{entry}` is not `FROM=TO` (e.g. \"/app=.\")"
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> ProjectFiles {
        ProjectFiles::new(
            [
                "netra_backend/app/services/report.py",
                "netra_backend/app/__init__.py",
                "netra_backend/app/agents/__init__.py",
                "tests/test_report.py",
                "other/services/report.py",
            ]
            .map(String::from),
            &[("/deploy/current".to_owned(), "./netra_backend".to_owned())],
        )
    }

    #[test]
    fn the_longest_suffix_wins() {
        let files = files();
        let file = |f: &str| Mapped::File(f.to_owned());
        assert_eq!(
            files.map("/app/netra_backend/app/services/report.py"),
            file("netra_backend/app/services/report.py")
        );
        assert_eq!(
            files.map("/srv/x/other/services/report.py"),
            file("other/services/report.py")
        );
        assert_eq!(
            files.map("tests/test_report.py"),
            file("tests/test_report.py")
        );
        assert_eq!(
            files.map("C:\\build\\netra_backend\\app\\__init__.py"),
            file("netra_backend/app/__init__.py")
        );
        assert_eq!(
            files.map("/srv/services/report.py"),
            Mapped::Ambiguous(vec![
                "netra_backend/app/services/report.py".to_owned(),
                "other/services/report.py".to_owned()
            ])
        );
        assert_eq!(files.map("/app/report.py"), Mapped::Unknown);
        assert_eq!(files.map("<string>"), Mapped::Unknown);
    }

    #[test]
    fn libraries_and_the_path_map() {
        let files = files();
        assert_eq!(
            files.map("/usr/local/lib/python3.11/site-packages/netra_backend/app/__init__.py"),
            Mapped::Library
        );
        assert_eq!(
            files.map("/usr/lib/python3.11/json/__init__.py"),
            Mapped::Library
        );
        assert_eq!(
            files.map("/deploy/current/app/services/report.py"),
            Mapped::File("netra_backend/app/services/report.py".to_owned())
        );
        assert!(parse_path_map(&["/app".to_owned()]).is_err());
    }
}
