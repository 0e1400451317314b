//! Baselines: the findings a code base already had, so that only new ones fail the build.
//!
//! Findings are matched by migration and fingerprint; the fingerprint does not depend on line
//! numbers, so moving code up or down keeps its findings known. A baseline only ever shrinks
//! (`--update-baseline` drops what was fixed and never adds).
//!
//! Version 2 (written now): `{"version": 2, "findings": [{"migration", "path", "line", "code",
//! "member", "fingerprint"}]}`, every migration's findings in one file. Version 1 (one migration
//! a file: a top-level `"migration"` and entries without one) still loads, each entry belonging
//! to that top-level migration; rewriting it (`--update-baseline`) writes version 2.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scan::ScanResult;

const BASELINE_VERSION: u32 = 2;

/// A baseline file as read: either version.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFileIn {
    version: u32,
    /// Version 1: the one migration of every entry. Version 2 entries name their own; there it
    /// only fills in for an entry that does not.
    #[serde(default)]
    migration: Option<String>,
    findings: Vec<EntryIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryIn {
    #[serde(default)]
    migration: Option<String>,
    path: String,
    line: usize,
    code: String,
    member: Option<String>,
    fingerprint: String,
}

/// A baseline file as written: always the current version.
#[derive(Serialize)]
struct BaselineFileOut<'a> {
    version: u32,
    findings: &'a [BaselineEntry],
}

/// One known finding. The migration and the fingerprint identify it; the rest is there for
/// people reading the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaselineEntry {
    /// The id of the migration (rule) the finding belongs to.
    pub migration: String,
    /// Path below the project root, `/`-separated.
    pub path: String,
    pub line: usize,
    pub code: String,
    pub member: Option<String>,
    pub fingerprint: String,
}

impl BaselineEntry {
    /// The order of a baseline file: by place, then migration.
    fn sort_key(&self) -> (&str, usize, &str, &str, Option<&str>, &str) {
        (
            &self.path,
            self.line,
            &self.code,
            &self.migration,
            self.member.as_deref(),
            &self.fingerprint,
        )
    }
}

#[derive(Debug)]
pub struct Baseline {
    path: PathBuf,
    entries: Vec<BaselineEntry>,
}

/// What applying a baseline to a scan did.
#[derive(Debug, Default)]
pub struct BaselineOutcome {
    /// Findings left out of the report because the baseline knows them.
    pub known: usize,
    /// Baseline entries of scanned files and scanned migrations that the scan no longer finds.
    pub fixed: Vec<BaselineEntry>,
}

impl Baseline {
    /// Reads a baseline of version 2, or of version 1 (its entries belong to its top-level
    /// `migration`).
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let invalid = |message: String| {
            Error::usage(
                format!("invalid baseline `{}`: {message}", path.display()),
                Some("write one with `ssot-guard check --write-baseline FILE`".to_owned()),
            )
        };
        let file: BaselineFileIn =
            serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        match file.version {
            BASELINE_VERSION => {}
            1 if file.migration.is_some() => {}
            1 => {
                return Err(invalid(
                    "version 1 needs a top-level `migration`".to_owned(),
                ))
            }
            version => {
                return Err(Error::usage(
                    format!(
                        "baseline `{}` has version {version}, expected {BASELINE_VERSION} (or 1)",
                        path.display(),
                    ),
                    None,
                ))
            }
        }
        let entries = file
            .findings
            .into_iter()
            .enumerate()
            .map(|(index, entry)| {
                let migration = entry
                    .migration
                    .or_else(|| file.migration.clone())
                    .ok_or_else(|| {
                        invalid(format!(
                            "entry {} (`{}` line {}) names no `migration`",
                            index + 1,
                            entry.path,
                            entry.line
                        ))
                    })?;
                Ok(BaselineEntry {
                    migration,
                    path: entry.path,
                    line: entry.line,
                    code: entry.code,
                    member: entry.member,
                    fingerprint: entry.fingerprint,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Baseline {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// Writes every finding of `result`, of every migration, as the new baseline (version 2).
    pub fn write(path: &Path, result: &ScanResult) -> Result<()> {
        let entries: Vec<BaselineEntry> = result
            .findings()
            .map(|(file, finding)| BaselineEntry {
                migration: finding.migration.to_string(),
                path: file.project_path.clone(),
                line: finding.location.line,
                code: finding.code.as_str().to_owned(),
                member: finding.member.clone(),
                fingerprint: finding.fingerprint.clone(),
            })
            .collect();
        write_entries(path, entries)
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[BaselineEntry] {
        &self.entries
    }

    /// Leaves the known findings out of `result` (an entry knows only findings of its own
    /// migration) and tells which entries were fixed: those of a scanned file and of a
    /// migration the scan checked that it no longer finds. Entries of a migration the scan did
    /// not check are neither matched nor fixed.
    pub fn apply(&self, result: &mut ScanResult) -> BaselineOutcome {
        let known: BTreeSet<(&str, &str)> = self
            .entries
            .iter()
            .map(|e| (e.migration.as_str(), e.fingerprint.as_str()))
            .collect();
        let mut found: BTreeSet<(String, String)> = BTreeSet::new();
        let mut outcome = BaselineOutcome::default();
        for file in &mut result.files {
            let before = file.findings.len();
            file.findings.retain(|finding| {
                let id = (&*finding.migration, finding.fingerprint.as_str());
                let is_known = known.contains(&id);
                found.insert((id.0.to_owned(), id.1.to_owned()));
                !is_known
            });
            outcome.known += before - file.findings.len();
        }
        let scanned: BTreeSet<&str> = result
            .files
            .iter()
            .map(|f| f.project_path.as_str())
            .collect();
        let migrations: BTreeSet<&str> = result.migrations.iter().map(|m| &*m.id).collect();
        outcome.fixed = self
            .entries
            .iter()
            .filter(|entry| {
                scanned.contains(entry.path.as_str())
                    && migrations.contains(entry.migration.as_str())
                    && !found.contains(&(entry.migration.clone(), entry.fingerprint.clone()))
            })
            .cloned()
            .collect();
        outcome
    }

    /// Rewrites the baseline without the `fixed` entries: it only ever shrinks. It is written
    /// as version 2 whatever version it was read as.
    pub fn shrink(&self, fixed: &[BaselineEntry]) -> Result<()> {
        let entries = self
            .entries
            .iter()
            .filter(|entry| !fixed.contains(entry))
            .cloned()
            .collect();
        write_entries(&self.path, entries)
    }
}

fn write_entries(path: &Path, mut findings: Vec<BaselineEntry>) -> Result<()> {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let file = BaselineFileOut {
        version: BASELINE_VERSION,
        findings: &findings,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("a baseline serializes");
    text.push('\n');
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Baseline, BaselineEntry};
    use crate::report::two_migrations::{agentregistry, two_migrations};
    use crate::scan::ScanResult;

    fn fingerprints(result: &ScanResult) -> (String, String) {
        let findings = &result.files[0].findings;
        (
            findings[0].fingerprint.clone(),
            findings[1].fingerprint.clone(),
        )
    }

    /// What is left in the report, as `migration code`.
    fn left(result: &ScanResult) -> Vec<String> {
        result
            .findings()
            .map(|(_, f)| format!("{} {}", f.migration, f.code.as_str()))
            .collect()
    }

    #[test]
    fn two_migrations_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let result = two_migrations();
        let (import, access) = fingerprints(&result);
        Baseline::write(&path, &result).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!(
                r#"{{
  "version": 2,
  "findings": [
    {{
      "migration": "agentregistry",
      "path": "app/agent.py",
      "line": 2,
      "code": "SSOT001",
      "member": null,
      "fingerprint": "{import}"
    }},
    {{
      "migration": "deepagentstate",
      "path": "app/agent.py",
      "line": 6,
      "code": "SSOT002",
      "member": "thread_id",
      "fingerprint": "{access}"
    }}
  ]
}}
"#
            )
        );
        let baseline = Baseline::load(&path).unwrap();
        assert_eq!(
            baseline
                .entries()
                .iter()
                .map(|e| e.migration.as_str())
                .collect::<Vec<_>>(),
            ["agentregistry", "deepagentstate"]
        );
        let mut again = two_migrations();
        let outcome = baseline.apply(&mut again);
        assert_eq!(outcome.known, 2);
        assert_eq!(outcome.fixed, Vec::<BaselineEntry>::new());
        assert_eq!(left(&again), Vec::<String>::new());
        // Shrinking by nothing writes the same bytes.
        let written = std::fs::read_to_string(&path).unwrap();
        baseline.shrink(&[]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    }

    #[test]
    fn an_entry_knows_only_findings_of_its_own_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        Baseline::write(&path, &two_migrations()).unwrap();
        let baseline = Baseline::load(&path).unwrap();
        // The `deepagentstate` access again, and the same finding (same fingerprint) in
        // `agentregistry`: only the first is known.
        let mut result = two_migrations();
        let mut twin = result.files[0].findings[1].clone();
        twin.migration = Arc::from("agentregistry");
        result.files[0].findings.push(twin);
        let outcome = baseline.apply(&mut result);
        assert_eq!(outcome.known, 2);
        assert_eq!(left(&result), ["agentregistry SSOT002"]);
        assert!(outcome.fixed.is_empty());
    }

    #[test]
    fn fixed_entries_are_those_of_scanned_files_and_scanned_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        Baseline::write(&path, &two_migrations()).unwrap();
        let baseline = Baseline::load(&path).unwrap();

        // The access is fixed.
        let mut result = two_migrations();
        result.files[0].findings.remove(1);
        let outcome = baseline.apply(&mut result);
        assert_eq!(outcome.known, 1);
        let fixed: Vec<(&str, &str)> = outcome
            .fixed
            .iter()
            .map(|e| (e.migration.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(fixed, [("deepagentstate", "SSOT002")]);

        // A scan of `agentregistry` alone: the `deepagentstate` entry is not fixed, only not
        // checked, and `--update-baseline` must keep it.
        let mut result = two_migrations();
        result.migrations = vec![agentregistry()];
        result.files[0].findings.remove(1);
        let outcome = baseline.apply(&mut result);
        assert_eq!(outcome.known, 1);
        assert!(outcome.fixed.is_empty(), "{:?}", outcome.fixed);
    }

    #[test]
    fn a_version_1_baseline_loads_its_entries_into_its_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let (_, access) = fingerprints(&two_migrations());
        // As version 1 wrote it: one migration, entries without one.
        std::fs::write(
            &path,
            format!(
                r#"{{
  "version": 1,
  "migration": "deepagentstate",
  "findings": [
    {{
      "path": "app/agent.py",
      "line": 6,
      "code": "SSOT002",
      "member": "thread_id",
      "fingerprint": "{access}"
    }}
  ]
}}
"#
            ),
        )
        .unwrap();
        let baseline = Baseline::load(&path).unwrap();
        assert_eq!(
            baseline.entries(),
            [BaselineEntry {
                migration: "deepagentstate".to_owned(),
                path: "app/agent.py".to_owned(),
                line: 6,
                code: "SSOT002".to_owned(),
                member: Some("thread_id".to_owned()),
                fingerprint: access.clone(),
            }]
        );
        let mut result = two_migrations();
        let outcome = baseline.apply(&mut result);
        assert_eq!(outcome.known, 1);
        assert_eq!(left(&result), ["agentregistry SSOT001"]);
        // Rewritten, it is version 2 with the migration on the entry.
        baseline.shrink(&[]).unwrap();
        let rewritten: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            rewritten,
            serde_json::json!({"version": 2, "findings": [{
                "migration": "deepagentstate", "path": "app/agent.py", "line": 6,
                "code": "SSOT002", "member": "thread_id", "fingerprint": access,
            }]})
        );
    }

    #[test]
    fn baselines_that_do_not_say_whose_findings_they_hold_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let entry =
            r#"{"path": "a.py", "line": 1, "code": "SSOT001", "member": null, "fingerprint": "f"}"#;
        for (text, expected) in [
            (
                format!(r#"{{"version": 2, "findings": [{entry}]}}"#),
                "entry 1 (`a.py` line 1) names no `migration`",
            ),
            (
                format!(r#"{{"version": 1, "findings": [{entry}]}}"#),
                "version 1 needs a top-level `migration`",
            ),
            (
                format!(r#"{{"version": 3, "findings": [{entry}]}}"#),
                "has version 3, expected 2 (or 1)",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let error = Baseline::load(&path).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
