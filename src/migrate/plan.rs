//! Which files move, in which batches: leaves of the import graph first (fewest project files
//! import them, directly or through others), golden-path files last, each test file with the
//! first moved module it imports.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use super::graph::ImportGraph;
use crate::fix::{Applicability, FixState};
use crate::rollback::is_test_path;
use crate::rules::Migration;
use crate::scan::{FileReport, ScanResult};
use crate::workspace::Workspace;

/// One file of a batch and why it is where it is.
#[derive(Clone, Debug, Serialize)]
pub struct PlannedFile {
    pub path: String,
    #[serde(skip)]
    pub absolute_path: PathBuf,
    /// Project files that import it, directly or through others.
    pub importers: usize,
    pub golden_path: bool,
    /// For a test file: the moved module it goes with.
    pub with: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Batch {
    pub number: usize,
    pub files: Vec<PlannedFile>,
}

/// The plan: the batches, and the files that cannot move, with why.
#[derive(Debug, Serialize)]
pub struct Plan {
    pub migration: String,
    pub batches: Vec<Batch>,
    pub left: Vec<(String, String)>,
}

/// Whether `file` can move: a fix `allowed` permits switches one of its imports of
/// `migration`, and none of its findings of `migration` lacks a fix it needs.
fn movable(file: &FileReport, migration: &str, allowed: Applicability) -> Result<bool, String> {
    let mut switches = false;
    for finding in file.findings.iter().filter(|f| &*f.migration == migration) {
        match &finding.fix {
            Some(FixState::Unavailable(why)) => return Err(why.clone()),
            Some(FixState::Fix(fix)) if fix.applicability == Applicability::DisplayOnly => {}
            Some(FixState::Fix(fix)) if fix.applicability < allowed => {
                return Err(format!(
                    "its fix is {} ({}): needs --unsafe-fixes",
                    fix.applicability.as_str(),
                    fix.reason
                ))
            }
            Some(FixState::Fix(_)) => {
                switches |= finding.code == crate::codes::Code::DeprecatedImport
            }
            None => {}
        }
    }
    Ok(switches)
}

/// Plans `result`'s movable files of `migration` in batches of `size` (a module and the tests
/// that go with it count as one).
pub fn plan(
    workspace: &Workspace,
    scanned: &[PathBuf],
    result: &ScanResult,
    migration: &Migration,
    allowed: Applicability,
    size: usize,
) -> Plan {
    let graph = ImportGraph::build(workspace, scanned);
    let mut moving: Vec<PlannedFile> = Vec::new();
    let mut left = Vec::new();
    for file in &result.files {
        match movable(file, &migration.id, allowed) {
            Ok(true) => moving.push(PlannedFile {
                path: file.path.clone(),
                absolute_path: file.absolute_path.clone(),
                importers: graph
                    .file(&file.absolute_path)
                    .map_or(0, |i| graph.transitive_importers(i)),
                golden_path: migration.golden_path_set.is_match(&file.project_path),
                with: None,
            }),
            Ok(false) => {}
            Err(why) => left.push((file.path.clone(), why)),
        }
    }
    // Tests go with the first moved module they import.
    // The moved modules by their index in the graph; each test goes with the first it imports.
    let module_at: HashMap<usize, String> = moving
        .iter()
        .filter(|m| !is_test_path(&m.path))
        .filter_map(|m| Some((graph.file(&m.absolute_path)?, m.path.clone())))
        .collect();
    for file in moving.iter_mut().filter(|f| is_test_path(&f.path)) {
        file.with = graph.file(&file.absolute_path).and_then(|index| {
            graph
                .imports(index)
                .iter()
                .find_map(|imported| module_at.get(imported).cloned())
        });
    }
    let (attached, mut units): (Vec<PlannedFile>, Vec<PlannedFile>) =
        moving.into_iter().partition(|f| f.with.is_some());
    let mut tests_of: BTreeMap<String, Vec<PlannedFile>> = BTreeMap::new();
    for test in attached {
        let module = test.with.clone().unwrap_or_default();
        tests_of.entry(module).or_default().push(test);
    }
    units.sort_by(|a, b| (a.importers, &a.path).cmp(&(b.importers, &b.path)));
    // Golden-path files start batches of their own: a failure there is CRITICAL, and it should
    // point at them alone.
    let (golden, ordinary): (Vec<PlannedFile>, Vec<PlannedFile>) =
        units.into_iter().partition(|f| f.golden_path);
    let mut batches: Vec<Batch> = Vec::new();
    for chunk in ordinary
        .chunks(size.max(1))
        .chain(golden.chunks(size.max(1)))
    {
        let mut files = Vec::new();
        for unit in chunk {
            files.push(unit.clone());
            files.extend(tests_of.get(&unit.path).into_iter().flatten().cloned());
        }
        batches.push(Batch {
            number: batches.len() + 1,
            files,
        });
    }
    Plan {
        migration: migration.id.clone(),
        batches,
        left,
    }
}

impl PlannedFile {
    /// Why the file is where it is, in words.
    pub fn why(&self) -> String {
        match (&self.with, self.golden_path, self.importers) {
            (Some(module), _, _) => format!("test of {module}"),
            (None, true, _) => "golden path: last".to_owned(),
            (None, false, 0) => "leaf: no project file imports it".to_owned(),
            (None, false, 1) => "1 project file imports it".to_owned(),
            (None, false, n) => format!("{n} project files import it"),
        }
    }
}
