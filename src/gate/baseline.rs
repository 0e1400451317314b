//! Baselines: the findings a code base already had, so that only new ones fail the build.
//!
//! Findings are matched by fingerprint, which does not depend on line numbers: moving code up or
//! down keeps its findings known. A baseline only ever shrinks (`--update-baseline` drops what was
//! fixed and never adds).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scan::ScanResult;

const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    migration: String,
    findings: Vec<BaselineEntry>,
}

/// One known finding. Everything but the fingerprint is there for people reading the file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// Path below the project root, `/`-separated.
    pub path: String,
    pub line: usize,
    pub code: String,
    pub member: Option<String>,
    pub fingerprint: String,
}

#[derive(Debug)]
pub struct Baseline {
    path: PathBuf,
    migration: String,
    entries: Vec<BaselineEntry>,
}

/// What applying a baseline to a scan did.
#[derive(Debug, Default)]
pub struct BaselineOutcome {
    /// Findings left out of the report because the baseline knows them.
    pub known: usize,
    /// Baseline entries of scanned files that the scan no longer finds.
    pub fixed: Vec<BaselineEntry>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            Error::usage(
                format!("invalid baseline `{}`: {e}", path.display()),
                Some("write one with `ssot-guard check --write-baseline FILE`".to_owned()),
            )
        })?;
        if file.version != BASELINE_VERSION {
            return Err(Error::usage(
                format!(
                    "baseline `{}` has version {}, expected {BASELINE_VERSION}",
                    path.display(),
                    file.version
                ),
                None,
            ));
        }
        Ok(Baseline {
            path: path.to_path_buf(),
            migration: file.migration,
            entries: file.findings,
        })
    }

    /// Writes every finding of `result` as the new baseline.
    pub fn write_from(path: &Path, migration: &str, result: &ScanResult) -> Result<()> {
        let mut entries: Vec<BaselineEntry> = result
            .findings()
            .map(|(file, finding)| BaselineEntry {
                path: file.project_path.clone(),
                line: finding.location.line,
                code: finding.code.as_str().to_owned(),
                member: finding.member.clone(),
                fingerprint: finding.fingerprint.clone(),
            })
            .collect();
        entries.sort();
        write(path, migration, entries)
    }

    /// Leaves the known findings out of `result` and tells which entries were fixed.
    pub fn apply(&self, result: &mut ScanResult) -> BaselineOutcome {
        let known: BTreeSet<&str> = self
            .entries
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let mut found: BTreeSet<String> = BTreeSet::new();
        let mut outcome = BaselineOutcome::default();
        for file in &mut result.files {
            let before = file.findings.len();
            file.findings.retain(|finding| {
                found.insert(finding.fingerprint.clone());
                !known.contains(finding.fingerprint.as_str())
            });
            outcome.known += before - file.findings.len();
        }
        let scanned: BTreeSet<&str> = result
            .files
            .iter()
            .map(|f| f.project_path.as_str())
            .collect();
        outcome.fixed = self
            .entries
            .iter()
            .filter(|entry| {
                scanned.contains(entry.path.as_str()) && !found.contains(&entry.fingerprint)
            })
            .cloned()
            .collect();
        outcome
    }

    /// Rewrites the baseline without the `fixed` entries: it only ever shrinks.
    pub fn shrink(&self, fixed: &[BaselineEntry]) -> Result<()> {
        let entries = self
            .entries
            .iter()
            .filter(|entry| !fixed.contains(entry))
            .cloned()
            .collect();
        write(&self.path, &self.migration, entries)
    }
}

fn write(path: &Path, migration: &str, findings: Vec<BaselineEntry>) -> Result<()> {
    let file = BaselineFile {
        version: BASELINE_VERSION,
        migration: migration.to_owned(),
        findings,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("a baseline serializes");
    text.push('\n');
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}
