//! The join: each exception's frames to project files, its error to a migration, its culprit
//! frame to the scan's findings there (or to the suppression or baseline entry that hid one);
//! the test report counted per test file; then the files ranked and the runbook's decision.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::errors::{classify, MigrationError};
use super::junit::TestCase;
use super::paths::{Mapped, ProjectFiles};
use super::traceback::Raised;
use crate::engine::{Engine, Parse};
use crate::finding::Finding;
use crate::gate::baseline::Baseline;
use crate::python::ModulePath;
use crate::rollback::{Level, RunbookSeverity};
use crate::scan::{FileReport, ScanResult};

/// A finding this many lines from the culprit's line still explains it (a statement over
/// several lines, a traceback from a slightly different version).
const NEAR_LINES: usize = 3;

/// The runbook's "more than 10% of the mission-critical tests failing".
const MISSION_CRITICAL_SHARE: f64 = 0.10;

/// What the command was given, read.
pub enum Symptoms {
    /// A traceback or a log: every exception printed.
    Text(Vec<Raised>),
    /// A pytest JUnit report.
    Tests(Vec<TestCase>),
}

/// One exception, joined.
#[derive(Debug, Serialize)]
pub struct Symptom {
    #[serde(rename = "type")]
    pub type_name: String,
    pub message: String,
    /// 1-based line of the input (for a JUnit report: of the test's report text).
    pub input_line: usize,
    /// The test whose report holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    pub error: Option<MigrationError>,
    /// The migration the error concerns.
    pub migration: Option<String>,
    pub frames: Vec<JoinedFrame>,
    pub culprit: Option<Culprit>,
}

#[derive(Debug, Serialize)]
pub struct JoinedFrame {
    pub printed: String,
    pub line: Option<usize>,
    pub function: Option<String>,
    pub source: Option<String>,
    /// The project file, relative to the project root.
    pub file: Option<String>,
    /// Why there is none: `library`, `unknown`, `ambiguous`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped: Option<&'static str>,
}

/// The project frame that raised: the innermost, above a shim's `__getattr__`.
#[derive(Debug, Serialize)]
pub struct Culprit {
    pub file: String,
    pub line: Option<usize>,
    pub function: Option<String>,
    /// The migration shim's `__getattr__` the error passed through: its project file, or its
    /// path as printed (site-packages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub through_shim: Option<String>,
    /// This checkout's text of the line, when the traceback printed another: the deployed code
    /// is not this checkout's, and the evidence and blame are about this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_line: Option<String>,
    pub evidence: Evidence,
}

/// What the scan says at the culprit's line.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Evidence {
    /// A finding at or near the line; `baselined` when the baseline hides it from `check`.
    Finding {
        #[serde(flatten)]
        finding: FindingRef,
        baselined: bool,
    },
    /// No finding, but one appears once the `# ssot-guard: ignore` comment on `comment_line`
    /// is taken away: the suppression hid it.
    Suppressed {
        #[serde(flatten)]
        finding: FindingRef,
        comment_line: usize,
    },
    /// Nothing at or near the line.
    NotFound { why: String },
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingRef {
    pub code: &'static str,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fingerprint: String,
}

impl FindingRef {
    fn of(finding: &Finding) -> FindingRef {
        FindingRef {
            code: finding.code.as_str(),
            line: finding.location.line,
            column: finding.location.column,
            message: crate::report::one_line(&finding.message).into_owned(),
            fingerprint: finding.fingerprint.clone(),
        }
    }
}

/// A JUnit report, counted.
#[derive(Debug, Default, Serialize)]
pub struct TestCounts {
    pub total: usize,
    pub failed: usize,
    pub mission_critical_total: usize,
    pub mission_critical_failed: usize,
    /// Per test file (relative to the project root, or as the report names it when no project
    /// file matches), in path order.
    pub files: Vec<TestFileCounts>,
}

#[derive(Debug, Serialize)]
pub struct TestFileCounts {
    pub file: String,
    pub mission_critical: bool,
    pub total: usize,
    pub failed: usize,
    /// Failing tests whose report shows an error of a migration.
    pub migration_failures: usize,
}

/// A file the symptoms point at.
#[derive(Debug, Serialize)]
pub struct RankedFile {
    pub rank: usize,
    pub file: String,
    pub severity: RunbookSeverity,
    /// Indexes into the symptoms.
    pub symptoms: Vec<usize>,
}

/// The runbook's decision matrix applied to the evidence.
#[derive(Debug, Serialize)]
pub struct Decision {
    /// `None`: no symptom points at a migration.
    pub severity: Option<RunbookSeverity>,
    #[serde(serialize_with = "level_number")]
    pub level: Option<Level>,
    /// More than 10% of the mission-critical tests fail with a migration among the causes.
    pub rollback_now: bool,
    pub reasons: Vec<String>,
}

fn level_number<S: serde::Serializer>(level: &Option<Level>, s: S) -> Result<S::Ok, S::Error> {
    match level {
        Some(level) => s.serialize_u8(level.number()),
        None => s.serialize_none(),
    }
}

/// The whole analysis.
#[derive(Debug, Serialize)]
pub struct Analysis {
    pub symptoms: Vec<Symptom>,
    pub tests: Option<TestCounts>,
    pub files: Vec<RankedFile>,
    pub decision: Decision,
}

impl Analysis {
    /// The migration most symptoms concern (the first loaded on a tie).
    pub fn main_migration(&self, engine: &Engine) -> Option<usize> {
        let mut counts: Vec<usize> = vec![0; engine.migrations().len()];
        for symptom in &self.symptoms {
            if let Some(id) = &symptom.migration {
                if let Some(index) = engine.migrations().iter().position(|m| *m.id == **id) {
                    counts[index] += 1;
                }
            }
        }
        let best = *counts.iter().max()?;
        (best > 0).then(|| counts.iter().position(|&c| c == best))?
    }
}

/// What the join reads.
pub struct Inputs<'a> {
    pub engine: &'a Engine,
    pub scan: &'a ScanResult,
    pub files: &'a ProjectFiles,
    pub baseline: Option<&'a Baseline>,
}

/// The join's lookups, built once: the scan's reports by project path, and the evidence found
/// per culprit line (a thousand tests can fail at one line).
struct Joiner<'a> {
    inputs: &'a Inputs<'a>,
    reports: HashMap<&'a str, &'a FileReport>,
    /// The baseline's entries, `(migration, fingerprint)`.
    baselined: HashSet<(&'a str, &'a str)>,
    evidence: HashMap<(String, String, usize, Vec<String>), Evidence>,
    /// Culprit files as this checkout has them, read once.
    texts: HashMap<String, Option<SourceText>>,
}

/// A project file's bytes and where each of its lines starts.
struct SourceText {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl SourceText {
    fn new(bytes: Vec<u8>) -> SourceText {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', &bytes).map(|at| at + 1))
            .filter(|&start| start < bytes.len())
            .collect();
        SourceText { bytes, starts }
    }

    /// Line `number` (1-based) without its line end; `None` past the last line.
    fn line(&self, number: usize) -> Option<&[u8]> {
        let index = number.checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.bytes.len(), |next| next - 1);
        let line = &self.bytes[start..end];
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    }
}

/// The project file `file` from `texts`, read through the workspace the first time.
fn source_text<'t>(
    texts: &'t mut HashMap<String, Option<SourceText>>,
    engine: &Engine,
    file: &str,
) -> Option<&'t SourceText> {
    texts
        .entry(file.to_owned())
        .or_insert_with(|| {
            let workspace = engine.workspace();
            workspace
                .read(&workspace.root.join(file))
                .map(|bytes| SourceText::new(bytes.into_owned()))
        })
        .as_ref()
}

pub fn analyse(inputs: &Inputs<'_>, symptoms: Symptoms) -> Analysis {
    let mut joiner = Joiner {
        inputs,
        reports: inputs
            .scan
            .files
            .iter()
            .map(|report| (report.project_path.as_str(), report))
            .collect(),
        baselined: inputs
            .baseline
            .iter()
            .flat_map(|baseline| baseline.entries())
            .map(|entry| (entry.migration.as_str(), entry.fingerprint.as_str()))
            .collect(),
        evidence: HashMap::new(),
        texts: HashMap::new(),
    };
    let mut joined = Vec::new();
    let mut tests = None;
    match symptoms {
        Symptoms::Text(raised) => {
            joined.extend(raised.into_iter().map(|r| joiner.join(r, None)));
        }
        Symptoms::Tests(cases) => {
            let mut counts = TestCounts::default();
            let mut per_file: BTreeMap<String, TestFileCounts> = BTreeMap::new();
            for case in cases {
                let file = test_file(inputs.files, &case);
                let mission_critical = is_mission_critical(inputs.engine, &file);
                let first = joined.len();
                let id = case.id();
                joined.extend(
                    case.raised
                        .into_iter()
                        .map(|r| joiner.join(r, Some(id.clone()))),
                );
                let about_migration = joined[first..].iter().any(|s| s.migration.is_some());
                let entry = per_file.entry(file.clone()).or_insert(TestFileCounts {
                    file,
                    mission_critical,
                    total: 0,
                    failed: 0,
                    migration_failures: 0,
                });
                entry.total += 1;
                counts.total += 1;
                if mission_critical {
                    counts.mission_critical_total += 1;
                }
                if case.outcome.failed() {
                    entry.failed += 1;
                    counts.failed += 1;
                    if mission_critical {
                        counts.mission_critical_failed += 1;
                    }
                    if about_migration {
                        entry.migration_failures += 1;
                    }
                }
            }
            counts.files = per_file.into_values().collect();
            tests = Some(counts);
        }
    }
    let files = rank(inputs.engine, &joined);
    let decision = decide(&joined, &files, tests.as_ref());
    Analysis {
        symptoms: joined,
        tests,
        files,
        decision,
    }
}

impl Joiner<'_> {
    /// One exception: its frames mapped, its error classified, its culprit and the evidence.
    fn join(&mut self, raised: Raised, test: Option<String>) -> Symptom {
        let inputs = self.inputs;
        let engine = inputs.engine;
        let error = classify(&raised.type_name, &raised.message);
        let migration = error.as_ref().and_then(|error| {
            engine
                .migrations()
                .iter()
                .find(|m| error.concerns(m))
                .map(|m| m.id.to_string())
        });
        let frames: Vec<JoinedFrame> = raised
            .frames
            .iter()
            .map(|frame| {
                let (file, dropped) = match inputs.files.map(&frame.path) {
                    Mapped::File(file) => (Some(file), None),
                    Mapped::Library => (None, Some("library")),
                    Mapped::Ambiguous(_) => (None, Some("ambiguous")),
                    Mapped::Unknown => (None, Some("unknown")),
                };
                JoinedFrame {
                    printed: frame.path.clone(),
                    line: frame.line,
                    function: frame.function.clone(),
                    source: frame.source.clone(),
                    file,
                    dropped,
                }
            })
            .collect();
        let culprit = culprit_frame(engine, &frames).map(|(index, through_shim)| {
            let frame = &frames[index];
            let file = frame.file.clone().unwrap_or_default();
            let evidence = match &migration {
                Some(id) => self.evidence(id, &file, frame.line, error.as_ref()),
                None => Evidence::NotFound {
                    why: "the error is not one a migration causes".to_owned(),
                },
            };
            let checkout_line = match (frame.line, &frame.source) {
                (Some(line), Some(printed)) => self
                    .line_of(&file, line)
                    .filter(|here| here.trim() != printed.trim()),
                _ => None,
            };
            Culprit {
                file,
                line: frame.line,
                function: frame.function.clone(),
                through_shim,
                checkout_line,
                evidence,
            }
        });
        Symptom {
            type_name: raised.type_name,
            message: raised.message,
            input_line: raised.input_line,
            test,
            error,
            migration,
            frames,
            culprit,
        }
    }

    /// Line `line` (1-based) of the project file `file` as this checkout has it; `None` past
    /// its end or when it cannot be read. Files are read once.
    fn line_of(&mut self, file: &str, line: usize) -> Option<String> {
        let text = source_text(&mut self.texts, self.inputs.engine, file)?;
        Some(String::from_utf8_lossy(text.line(line)?).into_owned())
    }

    /// The scan's finding of migration `id` at or near `line` of `file`, the one that names the
    /// error's member first; else the finding a suppression comment hid; else why there is none.
    fn evidence(
        &mut self,
        id: &str,
        file: &str,
        line: Option<usize>,
        error: Option<&MigrationError>,
    ) -> Evidence {
        let Some(line) = line else {
            return Evidence::NotFound {
                why: "the frame has no line number".to_owned(),
            };
        };
        let members: Vec<String> = error
            .map(|e| e.members().into_iter().map(str::to_owned).collect())
            .unwrap_or_default();
        let key = (id.to_owned(), file.to_owned(), line, members);
        if let Some(found) = self.evidence.get(&key) {
            return found.clone();
        }
        let found = self.find_evidence(id, file, line, error);
        self.evidence.insert(key, found.clone());
        found
    }

    fn find_evidence(
        &mut self,
        id: &str,
        file: &str,
        line: usize,
        error: Option<&MigrationError>,
    ) -> Evidence {
        let report = self.reports.get(file);
        let findings = report.map_or(&[][..], |r| &r.findings[..]);
        if let Some(finding) = nearest(findings, id, line, error) {
            let baselined = self.baselined.contains(&(id, finding.fingerprint.as_str()));
            return Evidence::Finding {
                finding: FindingRef::of(finding),
                baselined,
            };
        }
        if let Some(found) = self.suppressed(id, file, line, error) {
            return found;
        }
        Evidence::NotFound {
            why: format!(
                "the scan finds nothing of migration {id} within {NEAR_LINES} lines of line \
                 {line} (the deployed code may differ from this checkout)"
            ),
        }
    }

    /// The finding a `# ssot-guard: ignore` comment near `line` hides: the file judged again with
    /// the comments near the line taken out (same length, so positions hold).
    fn suppressed(
        &mut self,
        id: &str,
        file: &str,
        line: usize,
        error: Option<&MigrationError>,
    ) -> Option<Evidence> {
        const MARKER: &[u8] = b"ssot-guard: ignore";
        let engine = self.inputs.engine;
        let text = source_text(&mut self.texts, engine, file)?;
        let mut source = text.bytes.clone();
        let mut comment_line = None;
        for number in line.saturating_sub(NEAR_LINES).max(1)..=line + NEAR_LINES {
            let Some(at) = text
                .line(number)
                .and_then(|l| memchr::memmem::find(l, MARKER))
            else {
                continue;
            };
            // `ssot-guard: ignore` -> `ssot-guard- ignore`: no longer a suppression.
            source[text.starts[number - 1] + at + "ssot-guard".len()] = b'-';
            comment_line.get_or_insert(number);
        }
        let comment_line = comment_line?;
        let path = engine.workspace().root.join(file);
        let judged = engine.check(&path, &source, Parse::Whole).ok()?;
        let index = engine.migrations().iter().position(|m| &*m.id == id)?;
        let findings = &judged.outcome.migrations.get(index)?.findings;
        let finding = nearest(findings, id, line, error)?;
        Some(Evidence::Suppressed {
            finding: FindingRef::of(finding),
            comment_line,
        })
    }
}

/// The innermost project frame, skipping a migration shim's `__getattr__` (a deprecated
/// module's, or one in site-packages): the code that asked for the name is the culprit.
fn culprit_frame(engine: &Engine, frames: &[JoinedFrame]) -> Option<(usize, Option<String>)> {
    let mut shim = None;
    for (index, frame) in frames.iter().enumerate().rev() {
        let is_getattr = frame.function.as_deref() == Some("__getattr__");
        match &frame.file {
            Some(file) if is_getattr && is_deprecated_module(engine, file) => {
                shim.get_or_insert_with(|| file.clone());
            }
            Some(_) => return Some((index, shim)),
            None if is_getattr
                && frame.dropped == Some("library")
                && installed_module(&frame.printed).is_some_and(|m| is_deprecated(engine, &m)) =>
            {
                shim.get_or_insert_with(|| frame.printed.clone());
            }
            None => {}
        }
    }
    None
}

fn is_deprecated_module(engine: &Engine, file: &str) -> bool {
    let workspace = engine.workspace();
    workspace
        .module_of_file(&workspace.root.join(file))
        .is_some_and(|module| is_deprecated(engine, &module.module))
}

fn is_deprecated(engine: &Engine, module: &ModulePath) -> bool {
    engine
        .migrations()
        .iter()
        .any(|m| m.rule.is_deprecated(module))
}

/// The module an installed file defines: its path after `site-packages/` (or `dist-packages/`),
/// dotted. (pydantic's `BaseModel.__getattr__` is in `pydantic.main`: not a shim.)
fn installed_module(printed: &str) -> Option<ModulePath> {
    let printed = printed.replace('\\', "/");
    let (_, rest) = printed
        .rsplit_once("/site-packages/")
        .or_else(|| printed.rsplit_once("/dist-packages/"))?;
    ModulePath::from_relative_file(Path::new(rest)).map(|module| module.module)
}

fn nearest<'f>(
    findings: &'f [Finding],
    id: &str,
    line: usize,
    error: Option<&MigrationError>,
) -> Option<&'f Finding> {
    let members = error.map(MigrationError::members).unwrap_or_default();
    findings
        .iter()
        .filter(|f| &*f.migration == id && f.location.line.abs_diff(line) <= NEAR_LINES)
        .min_by_key(|f| {
            let names_member = f.member.as_deref().is_some_and(|m| members.contains(&m));
            (
                !names_member,
                f.location.line.abs_diff(line),
                f.location.line,
            )
        })
}

/// The test file of a test case: the first candidate that maps to a project file, else the
/// report's own name.
fn test_file(files: &ProjectFiles, case: &TestCase) -> String {
    let candidates = case.file_candidates();
    candidates
        .iter()
        .find_map(|candidate| match files.map(candidate) {
            Mapped::File(file) => Some(file),
            _ => None,
        })
        .or_else(|| candidates.into_iter().next())
        .unwrap_or_default()
}

/// A golden-path test: under a `mission_critical` folder, matched by a rule's golden-path
/// globs, or named by a rule's validation command.
fn is_mission_critical(engine: &Engine, file: &str) -> bool {
    file.split('/').any(|part| part == "mission_critical")
        || engine.migrations().iter().any(|m| {
            m.rule.golden_path_set.is_match(file)
                || m.rule.validation.iter().any(|command| {
                    command
                        .split_whitespace()
                        .any(|word| word.trim_start_matches("./") == file)
                })
        })
}

/// The culprit files of the symptoms a migration explains: most severe first, then by how many
/// symptoms name them, then by path.
fn rank(engine: &Engine, symptoms: &[Symptom]) -> Vec<RankedFile> {
    let mut by_file: BTreeMap<&str, (RunbookSeverity, Vec<usize>)> = BTreeMap::new();
    for (index, symptom) in symptoms.iter().enumerate() {
        let (Some(id), Some(culprit)) = (&symptom.migration, &symptom.culprit) else {
            continue;
        };
        let Some(migration) = engine.migrations().iter().find(|m| *m.id == **id) else {
            continue;
        };
        let severity = crate::rollback::severity(migration, &culprit.file);
        let entry = by_file
            .entry(&culprit.file)
            .or_insert((severity, Vec::new()));
        entry.0 = entry.0.max(severity);
        entry.1.push(index);
    }
    let mut files: Vec<RankedFile> = by_file
        .into_iter()
        .map(|(file, (severity, symptoms))| RankedFile {
            rank: 0,
            file: file.to_owned(),
            severity,
            symptoms,
        })
        .collect();
    files.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.symptoms.len().cmp(&a.symptoms.len()))
            .then(a.file.cmp(&b.file))
    });
    for (index, file) in files.iter_mut().enumerate() {
        file.rank = index + 1;
    }
    files
}

/// The runbook's matrix: a golden-path file or golden-path test failing with a migration's
/// error is CRITICAL (Level 3); such an error in application code HIGH (Level 2); in tests only
/// MEDIUM (Level 1). More than 10% of the mission-critical tests failing, with a migration among
/// the causes: roll back now.
fn decide(symptoms: &[Symptom], files: &[RankedFile], tests: Option<&TestCounts>) -> Decision {
    let mut reasons = Vec::new();
    let about_migration = symptoms.iter().any(|s| s.migration.is_some());
    let golden_tests: Vec<&TestFileCounts> = tests
        .map(|t| {
            t.files
                .iter()
                .filter(|f| f.mission_critical && f.migration_failures > 0)
                .collect()
        })
        .unwrap_or_default();
    let kinds = |severity: RunbookSeverity| -> Vec<String> {
        files
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| {
                let types: Vec<&str> = f
                    .symptoms
                    .iter()
                    .map(|&i| symptoms[i].type_name.rsplit('.').next().unwrap_or(""))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                format!("{} in {}", types.join(", "), f.file)
            })
            .collect()
    };
    let (severity, level) = if files
        .iter()
        .any(|f| f.severity == RunbookSeverity::Critical)
        || !golden_tests.is_empty()
    {
        for text in kinds(RunbookSeverity::Critical) {
            reasons.push(format!("golden-path code fails: {text}"));
        }
        for file in &golden_tests {
            reasons.push(format!(
                "golden-path test file {} fails: {} of {} tests, {} with a migration's error",
                file.file, file.failed, file.total, file.migration_failures
            ));
        }
        (Some(RunbookSeverity::Critical), Some(Level::Three))
    } else if files.iter().any(|f| f.severity == RunbookSeverity::High) {
        for text in kinds(RunbookSeverity::High) {
            reasons.push(format!("application code fails: {text}"));
        }
        (Some(RunbookSeverity::High), Some(Level::Two))
    } else if !files.is_empty() {
        for text in kinds(RunbookSeverity::Medium) {
            reasons.push(format!("only tests fail: {text}"));
        }
        (Some(RunbookSeverity::Medium), Some(Level::One))
    } else if about_migration {
        // Nothing to roll back until a frame is placed.
        reasons.push(
            "a migration's error, but none of its frames is a file of this project (frames in \
             installed code need `path-map` in the config)"
                .to_owned(),
        );
        (Some(RunbookSeverity::Medium), None)
    } else {
        reasons.push(match symptoms.len() {
            0 => "no exception in the input".to_owned(),
            n => format!(
                "{n} {} and none is an error a migration causes",
                crate::rollback::plural(n, "exception", "exceptions")
            ),
        });
        (None, None)
    };
    let mut rollback_now = false;
    if let Some(tests) = tests.filter(|t| t.mission_critical_total > 0) {
        let share = tests.mission_critical_failed as f64 / tests.mission_critical_total as f64;
        if share > MISSION_CRITICAL_SHARE {
            let counted = format!(
                "{} of {} mission-critical tests fail ({:.0}%, more than 10%)",
                tests.mission_critical_failed,
                tests.mission_critical_total,
                share * 100.0
            );
            if !about_migration {
                reasons.push(format!(
                    "{counted}, but no failure is a migration's error: rolling the migration \
                     back would not help"
                ));
            } else {
                rollback_now = true;
                reasons.push(format!("{counted}: the runbook says roll back now"));
            }
        }
    }
    Decision {
        severity,
        level,
        rollback_now,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::SourceText;

    #[test]
    fn lines_of_a_source_text() {
        let text = SourceText::new(b"one\r\ntwo\n\nfour".to_vec());
        let lines: Vec<Option<&[u8]>> = (0..=5).map(|n| text.line(n)).collect();
        assert_eq!(
            lines,
            [
                None,
                Some(&b"one"[..]),
                Some(&b"two"[..]),
                Some(&b""[..]),
                Some(&b"four"[..]),
                None
            ]
        );
        assert_eq!(SourceText::new(b"one\n".to_vec()).line(2), None);
        assert_eq!(SourceText::new(Vec::new()).line(1), None);
    }
}
