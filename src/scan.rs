//! A scan: discover the files, check them in parallel, then sort. Workers return results; nothing
//! is printed here.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::{check_source, check_source_sparse, FileOutcome};
use crate::codes::Code;
use crate::error::Error;
use crate::finding::{fingerprint, Finding, ResolvesTo};
use crate::project::Project;
use crate::python::syntax::python_line_ends;

/// What the scan found in one file.
#[derive(Debug)]
pub struct FileReport {
    /// Relative to the current folder when the file is below it, `/`-separated.
    pub path: String,
    /// Relative to the project root, `/`-separated: what fingerprints and baselines use.
    pub project_path: String,
    /// Where the file is, for git lookups (`--changed-since`).
    pub absolute_path: PathBuf,
    pub resolves_to: Option<ResolvesTo>,
    pub parse_error: bool,
    pub findings: Vec<Finding>,
    /// The file's text, kept for files with findings so that reports can show snippets.
    pub source: Option<Arc<str>>,
}

/// The result of a scan: per-file reports sorted by path, and the files that could not be read.
#[derive(Debug)]
pub struct ScanResult {
    pub files: Vec<FileReport>,
    pub errors: Vec<Error>,
}

impl ScanResult {
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |finding| (file, finding)))
    }
}

/// How a scan runs.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Only findings with these codes are kept.
    pub selected: Vec<Code>,
    /// Skip parsing files whose bytes never mention the symbol (they cannot hold a finding, since
    /// every finding starts from a reference to the class by its name), and in the others parse
    /// only the top-level statements that can matter (`check_source_sparse`).
    pub prefilter: bool,
}

/// Checks the files on disk against the project's migration.
pub fn scan(files: &[PathBuf], project: &Project, options: &ScanOptions) -> ScanResult {
    scan_each(files, project, options, |path, buffer| {
        buffer.clear();
        // Through `take`, `read_to_end` skips the size probe (two more system calls a file):
        // the reused buffer is usually large enough already.
        std::fs::File::open(path)
            .and_then(|file| file.take(u64::MAX).read_to_end(buffer))
            .map_err(|e| Error::io(path, e))?;
        Ok(path.as_path())
    })
}

/// Checks files whose content is given (the staged versions from git's index) rather than read.
pub fn scan_contents(
    files: &[(PathBuf, Vec<u8>)],
    project: &Project,
    options: &ScanOptions,
) -> ScanResult {
    scan_each(files, project, options, |(path, bytes), buffer| {
        buffer.clear();
        buffer.extend_from_slice(bytes);
        Ok(path.as_path())
    })
}

/// Puts each item's content into a buffer with `read` and checks it, in parallel; then sorts by
/// path. Each worker reuses one buffer for all the files it reads.
fn scan_each<T: Sync>(
    items: &[T],
    project: &Project,
    options: &ScanOptions,
    read: impl for<'t> Fn(&'t T, &mut Vec<u8>) -> Result<&'t Path, Error> + Sync,
) -> ScanResult {
    let cwd = std::env::current_dir().ok();
    let needle = memchr::memmem::Finder::new(project.migration.symbol.as_bytes());
    let outcomes: Vec<Result<FileReport, Error>> = items
        .par_iter()
        .map_init(Vec::new, |buffer, item| {
            let path = read(item, buffer)?;
            check_file(path, buffer, project, options, &needle, cwd.as_deref())
        })
        .collect();
    let mut result = ScanResult {
        files: Vec::with_capacity(outcomes.len()),
        errors: Vec::new(),
    };
    for outcome in outcomes {
        match outcome {
            Ok(report) => result.files.push(report),
            Err(error) => result.errors.push(error),
        }
    }
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    result
}

fn check_file(
    path: &Path,
    source: &[u8],
    project: &Project,
    options: &ScanOptions,
    needle: &memchr::memmem::Finder<'_>,
    cwd: Option<&Path>,
) -> Result<FileReport, Error> {
    // Joined to the current folder known once: `std::path::absolute` would ask the system for it
    // again for every relative path.
    let absolute_path = match cwd {
        Some(cwd) if path.is_relative() => crate::project::absolute(&cwd.join(path)),
        _ => crate::project::absolute(path),
    };
    let display = match cwd {
        Some(cwd) => below(&absolute_path, cwd).unwrap_or_else(|| slash_path(path)),
        None => slash_path(path),
    };
    let project_path = below(&absolute_path, &project.root).unwrap_or_else(|| slash_path(path));
    let mentions_symbol = needle.find(source).is_some();
    if options.prefilter && !mentions_symbol {
        return Ok(FileReport {
            path: display,
            project_path,
            absolute_path,
            resolves_to: None,
            parse_error: false,
            findings: Vec::new(),
            source: None,
        });
    }
    let module = project.module_of_file(&absolute_path);
    // A bug of ours on one file becomes an error about that file, not a crash of the scan.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if options.prefilter {
            check_source_sparse(source, module.as_ref(), project)
        } else {
            check_source(source, module.as_ref(), project)
        }
    }))
    .map_err(|_| Error::Internal(path.display().to_string()))?;
    let FileOutcome {
        resolves_to,
        parse_error,
        mut findings,
    } = outcome;
    findings.retain(|finding| options.selected.contains(&finding.code));
    assign_fingerprints(&project_path, &mut findings);
    // With the line ends the checks saw, so that snippets show the lines the findings name.
    let source = (!findings.is_empty())
        .then(|| Arc::from(String::from_utf8_lossy(&python_line_ends(source))));
    Ok(FileReport {
        path: display,
        project_path,
        absolute_path,
        resolves_to,
        // A syntax error matters only where findings could be lost: in a file that mentions the
        // symbol. Defined so, the report is the same with and without the prefilter.
        parse_error: parse_error && mentions_symbol,
        findings,
        source,
    })
}

/// Fingerprints use the path below the project root, so they do not depend on where the scan ran.
fn assign_fingerprints(project_path: &str, findings: &mut [Finding]) {
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    for finding in findings.iter_mut() {
        let identity = fingerprint(project_path, finding, 0);
        let occurrence = occurrences.entry(identity).or_default();
        finding.fingerprint = fingerprint(project_path, finding, *occurrence);
        *occurrence += 1;
    }
}

/// An absolute path relative to `base`, `/`-separated, when it lies below it.
fn below(absolute: &Path, base: &Path) -> Option<String> {
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
