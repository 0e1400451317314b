//! A scan: discover the files, check them in parallel, then sort. Workers return results; nothing
//! is printed here.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::codes::Code;
use crate::engine::{Engine, Judged, Parse};
use crate::error::Error;
use crate::finding::{fnv1a, Finding, ResolvesTo};
use crate::migration::MigrationSummary;
use crate::paths::{absolute, Located};
use crate::python::syntax::python_line_ends;
use crate::stats::{Counters, ScanStats};

/// What the scan found in one file.
#[derive(Debug)]
pub struct FileReport {
    /// Relative to the current folder when the file is below it, `/`-separated.
    pub path: String,
    /// Relative to the project root, `/`-separated: what fingerprints and baselines use.
    pub project_path: String,
    /// Where the file is, for git lookups (`--changed-since`).
    pub absolute_path: PathBuf,
    /// Where the file's bindings of each migration's symbol come from, for the migrations
    /// whose symbol it binds, in the scan's migration order (see [`FileReport::resolves_to`]).
    pub resolves_to: Vec<(Arc<str>, ResolvesTo)>,
    pub parse_error: bool,
    pub findings: Vec<Finding>,
    /// The file's text, kept for files with findings so that reports can show snippets.
    pub source: Option<Arc<str>>,
    /// The bytes read, as they were, for files with findings: what fixes edit (a second read
    /// could see another file, or block on a FIFO).
    pub original: Option<Arc<[u8]>>,
}

impl FileReport {
    /// Where the file's bindings of migration `id`'s symbol come from; `None` when it binds none.
    pub fn resolves_to(&self, id: &str) -> Option<ResolvesTo> {
        self.resolves_to
            .iter()
            .find(|(migration, _)| &**migration == id)
            .map(|(_, origin)| *origin)
    }
}

/// A path the scan could not check, and why: a file that cannot be read (a dangling link, a link
/// loop, permission denied, deleted during the scan), a folder that cannot be walked, a named path
/// that does not exist, a staged version missing from git's objects, or a file whose checks hit a
/// bug of ours. Every report format lists it, and the exit code is 2: a report that leaves it out
/// would pass the file as checked.
#[derive(Debug)]
pub struct FileError {
    /// As [`FileReport::path`]; `None` only for a walk error that names no path.
    pub path: Option<String>,
    /// As [`FileReport::project_path`]: what the GitLab fingerprint uses.
    pub project_path: Option<String>,
    /// The diagnostic printed on stderr; its message is the reason every report gives.
    pub error: Error,
}

impl FileError {
    /// An error about `path` (as met: named, walked or read), for a project rooted at `root`.
    pub fn new(path: Option<&Path>, error: Error, root: &Path) -> FileError {
        let cwd = std::env::current_dir().ok();
        let located = path.map(|path| Located::new(path, cwd.as_deref(), root));
        FileError {
            path: located.as_ref().map(|l| l.display.clone()),
            project_path: located.map(|l| l.project_path),
            error,
        }
    }

    /// What kind of error, as the reports name it (GitLab's `check_name`, JUnit's error `type`).
    pub fn kind(&self) -> &'static str {
        match self.error {
            Error::MissingPath(_) => "missing-path",
            Error::Internal(_) => "internal-error",
            // Reading a file, walking a folder, reading a staged blob from git's objects.
            _ => "io-error",
        }
    }

    /// The reason, as the diagnostic on stderr says it.
    pub fn message(&self) -> String {
        self.error.to_string()
    }

    /// Stable across runs and messages: the kind and the path below the project root.
    pub fn fingerprint(&self) -> String {
        fnv1a(&[self.kind(), self.project_path.as_deref().unwrap_or("")])
    }
}

/// The result of a scan: per-file reports sorted by path, and the paths that could not be checked.
#[derive(Debug)]
pub struct ScanResult {
    /// The migrations checked, in the order the rules were loaded.
    pub migrations: Vec<MigrationSummary>,
    pub files: Vec<FileReport>,
    /// Sorted by path, then message (see [`ScanResult::add_errors`]).
    pub errors: Vec<FileError>,
    /// Where the time went (`--stats`); not part of any report.
    pub stats: ScanStats,
}

impl ScanResult {
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |finding| (file, finding)))
    }

    /// Adds errors met outside the scan (discovery, named paths, `--staged`), then sorts them all
    /// by path, then message: the order of every report.
    pub fn add_errors(&mut self, errors: impl IntoIterator<Item = FileError>) {
        self.errors.extend(errors);
        self.errors
            .sort_by_cached_key(|error| (error.path.clone(), error.message()));
    }
}

/// How a scan runs.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Only findings with these codes are kept.
    pub selected: Vec<Code>,
    /// Skip parsing files whose bytes never mention a symbol nor an alias under which a scanned
    /// module re-exports it (they cannot hold a finding: every finding starts from a reference to
    /// a class by one of its names), and in the others parse only the top-level statements that
    /// can matter (`Parse::Sparse`).
    pub prefilter: bool,
}

/// Checks the files on disk that discovery found from `paths` (the command line's) against every
/// migration of the engine. When every path names a file, each is checked whatever names it
/// mentions: an alias it imports may be re-exported by a module that is not among them.
pub fn scan(
    paths: &[PathBuf],
    files: &[PathBuf],
    engine: &Engine,
    options: &ScanOptions,
) -> ScanResult {
    let named_one_by_one = paths.iter().all(|path| path.is_file());
    let by_needles = options.prefilter && !named_one_by_one;
    let first = if by_needles {
        migration_module_files(files, engine)
    } else {
        Vec::new()
    };
    scan_each(files, engine, options, by_needles, &first, read_file)
}

/// The indices of the files that define the migrations' modules (deprecated and SSOT) and the
/// packages above them: where a project usually re-exports the class under another name
/// (`AgentState = DeepAgentState` in the SSOT module, `... as AgentState` in a package
/// `__init__`). Checked before the others, their aliases join the symbol as needles of the first
/// full pass, so such a project reads its files once, not once per round.
fn migration_module_files(files: &[PathBuf], engine: &Engine) -> Vec<usize> {
    let mut wanted: HashSet<PathBuf> = HashSet::new();
    let modules = engine.migrations().iter().flat_map(|migration| {
        migration
            .rule
            .deprecated
            .iter()
            .chain([&migration.rule.ssot])
    });
    for module in modules {
        let mut current = Some(module.clone());
        while let Some(module) = current {
            if let Some(file) = engine.workspace().module_file(&module) {
                wanted.insert(file);
            }
            current = module.split_last().map(|(parent, _)| parent);
        }
    }
    files
        .iter()
        .enumerate()
        .filter(|(_, path)| wanted.contains(&absolute(path)))
        .map(|(index, _)| index)
        .collect()
}

fn read_file<'p>(path: &'p PathBuf, buffer: &mut Vec<u8>) -> (&'p Path, Result<(), Error>) {
    buffer.clear();
    // Through `take`, `read_to_end` skips the size probe (two more system calls a file): the
    // reused buffer is usually large enough already.
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(u64::MAX).read_to_end(buffer))
        .map(|_| ())
        .map_err(|e| Error::io(path, e));
    (path.as_path(), read)
}

/// Checks files whose content is given (the staged versions from git's index) rather than read.
/// Each is checked, whatever names it mentions: an alias it imports may be re-exported by a
/// module that is not among them, and is found by following its imports.
pub fn scan_contents(
    files: &[(PathBuf, Vec<u8>)],
    engine: &Engine,
    options: &ScanOptions,
) -> ScanResult {
    scan_each(
        files,
        engine,
        options,
        false,
        &[],
        |(path, bytes), buffer| {
            buffer.clear();
            buffer.extend_from_slice(bytes);
            (path.as_path(), Ok(()))
        },
    )
}

/// One file after a round of the scan.
struct Checked {
    report: FileReport,
    /// Parsed and checked, rather than skipped for mentioning no needle.
    checked: bool,
    /// Names other than a symbol under which this module re-exports a class.
    aliases: Vec<String>,
}

/// Puts each item's content into a buffer with `read` and checks it, in parallel; then sorts by
/// path. Each worker reuses one buffer for all the files it reads.
///
/// With `by_needles`, a file is checked only when its bytes contain a needle: first the symbols;
/// then, round by round until no new one turns up, the aliases under which the modules checked
/// so far re-export a class (only the files skipped so far are read again). The aliases found
/// are left in the engine, for the commands that judge more files after the scan.
fn scan_each<T: Sync>(
    items: &[T],
    engine: &Engine,
    options: &ScanOptions,
    by_needles: bool,
    first: &[usize],
    read: impl for<'t> Fn(&'t T, &mut Vec<u8>) -> (&'t Path, Result<(), Error>) + Sync,
) -> ScanResult {
    let cwd = std::env::current_dir().ok();
    let symbols: Vec<memchr::memmem::Finder<'_>> = engine
        .migrations()
        .iter()
        .flat_map(|migration| migration.rule.class_names())
        .map(|name| memchr::memmem::Finder::new(name.as_bytes()))
        .collect();
    let root = &engine.workspace().root;
    let counters = Counters::now();
    let reads = AtomicU64::new(0);
    let bytes_read = AtomicU64::new(0);
    let check_round = |indices: &[usize], needles: Option<&[memchr::memmem::Finder<'_>]>| {
        indices
            .par_iter()
            .map_init(Vec::new, |buffer, &index| {
                let started = Instant::now();
                let (path, read) = read(&items[index], buffer);
                reads.fetch_add(1, Ordering::Relaxed);
                bytes_read.fetch_add(buffer.len() as u64, Ordering::Relaxed);
                let checked = read
                    .and_then(|()| {
                        check_file(path, buffer, engine, options, needles, cwd.as_deref())
                    })
                    .map_err(|error| FileError::new(Some(path), error, root));
                (checked, started.elapsed(), path)
            })
            .collect::<Vec<(Result<Checked, FileError>, Duration, &Path)>>()
    };
    let mut slowest: Option<(String, Duration)> = None;
    let mut note_times = |round: Vec<(Result<Checked, FileError>, Duration, &'_ Path)>| {
        let mut outcomes = Vec::with_capacity(round.len());
        for (outcome, time, path) in round {
            if slowest.as_ref().is_none_or(|(_, longest)| time > *longest) {
                slowest = Some((path.display().to_string(), time));
            }
            outcomes.push(outcome);
        }
        outcomes
    };
    // The migration's own modules first (see `migration_module_files`): their aliases are
    // needles of the first full pass. The files checked, and so the report, are the same as
    // with every alias found by rounds; only the reading is saved.
    let mut outcomes: Vec<Option<Result<Checked, FileError>>> = Vec::new();
    outcomes.resize_with(items.len(), || None);
    let first_round = check_round(first, by_needles.then_some(&symbols[..]));
    for (&index, outcome) in first.iter().zip(note_times(first_round)) {
        outcomes[index] = Some(outcome);
    }
    let mut known_aliases = new_aliases(outcomes.iter().flatten(), &BTreeSet::new());
    let mut needles = symbols.clone();
    needles.extend(alias_needles(&known_aliases));
    let rest: Vec<usize> = (0..items.len())
        .filter(|index| outcomes[*index].is_none())
        .collect();
    let rest_round = check_round(&rest, by_needles.then_some(&needles[..]));
    for (&index, outcome) in rest.iter().zip(note_times(rest_round)) {
        outcomes[index] = Some(outcome);
    }
    let mut outcomes: Vec<Result<Checked, FileError>> = outcomes
        .into_iter()
        .map(|outcome| outcome.expect("every file is checked in one of the two passes"))
        .collect();
    let mut fresh = new_aliases(outcomes.iter(), &known_aliases);
    let mut alias_rounds = 0;
    while by_needles && !fresh.is_empty() {
        alias_rounds += 1;
        known_aliases.extend(fresh.iter().cloned());
        let needles = alias_needles(&fresh);
        let skipped: Vec<usize> = outcomes
            .iter()
            .enumerate()
            .filter(|(_, outcome)| matches!(outcome, Ok(file) if !file.checked))
            .map(|(index, _)| index)
            .collect();
        let round = check_round(&skipped, Some(&needles));
        let rechecked = note_times(round);
        for (index, outcome) in skipped.into_iter().zip(rechecked) {
            outcomes[index] = outcome;
        }
        fresh = new_aliases(outcomes.iter(), &known_aliases);
    }
    known_aliases.extend(fresh);
    engine.learn_aliases(&known_aliases);
    let stats = ScanStats {
        files: items.len(),
        reads: reads.into_inner(),
        bytes_read: bytes_read.into_inner(),
        files_checked: outcomes
            .iter()
            .filter(|outcome| matches!(outcome, Ok(file) if file.checked))
            .count(),
        counters: Counters::now().since(counters),
        alias_rounds,
        slowest,
    };
    let mut result = ScanResult {
        migrations: engine.summaries(),
        files: Vec::with_capacity(outcomes.len()),
        errors: Vec::new(),
        stats,
    };
    let mut errors = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(file) => result.files.push(file.report),
            Err(error) => errors.push(error),
        }
    }
    result.files.sort_by(|a, b| a.path.cmp(&b.path));
    result.add_errors(errors);
    result
}

/// A searcher for each alias.
fn alias_needles(aliases: &BTreeSet<String>) -> Vec<memchr::memmem::Finder<'static>> {
    aliases
        .iter()
        .map(|alias| memchr::memmem::Finder::new(alias.as_bytes()).into_owned())
        .collect()
}

/// The aliases the checked files re-export that are not `known` yet, in name order.
fn new_aliases<'o>(
    outcomes: impl Iterator<Item = &'o Result<Checked, FileError>>,
    known: &BTreeSet<String>,
) -> BTreeSet<String> {
    outcomes
        .flatten()
        .flat_map(|file| file.aliases.iter())
        .filter(|alias| !known.contains(*alias))
        .cloned()
        .collect()
}

fn check_file(
    path: &Path,
    source: &[u8],
    engine: &Engine,
    options: &ScanOptions,
    needles: Option<&[memchr::memmem::Finder<'_>]>,
    cwd: Option<&Path>,
) -> Result<Checked, Error> {
    let Located {
        absolute_path,
        display,
        project_path,
    } = Located::new(path, cwd, &engine.workspace().root);
    let wanted = needles.is_none_or(|needles| needles.iter().any(|n| n.find(source).is_some()));
    if !wanted {
        return Ok(Checked {
            report: FileReport {
                path: display,
                project_path,
                absolute_path,
                resolves_to: Vec::new(),
                parse_error: false,
                findings: Vec::new(),
                source: None,
                original: None,
            },
            checked: false,
            aliases: Vec::new(),
        });
    }
    let parse = if options.prefilter {
        Parse::Sparse
    } else {
        Parse::Whole
    };
    let Judged {
        parse_error,
        outcome,
        aliases,
    } = engine.check(path, source, parse)?;
    let mut resolves_to = Vec::new();
    let mut findings = Vec::new();
    for (found, migration) in outcome.migrations.into_iter().zip(engine.migrations()) {
        if let Some(origin) = found.resolves_to {
            resolves_to.push((migration.id.clone(), origin));
        }
        findings.extend(found.findings);
    }
    findings.retain(|finding| options.selected.contains(&finding.code));
    // One order for every migration's findings: position, then code, then migration order.
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // With the line ends the checks saw, so that snippets show the lines the findings name.
    let original = (!findings.is_empty()).then(|| Arc::from(source));
    let source = (!findings.is_empty())
        .then(|| Arc::from(String::from_utf8_lossy(&python_line_ends(source))));
    Ok(Checked {
        report: FileReport {
            path: display,
            project_path,
            absolute_path,
            resolves_to,
            parse_error,
            findings,
            source,
            original,
        },
        checked: true,
        aliases,
    })
}
