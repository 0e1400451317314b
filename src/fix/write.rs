//! Applying a scan's fixes: per file, the fixes allowed (safe, or safe and unsafe), applied
//! together, checked again, and only then written (or shown as a diff).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::forward::{plan_file, verify, Before, Importers};
use super::{apply, Applicability, Edit, Fix, FixState};
use crate::codes::Code;
use crate::engine::{Engine, Parse};
use crate::finding::Finding;
use crate::scan::ScanResult;

/// At most this many rounds per file: a fix skipped because it overlaps another is planned
/// again on the fixed text (two migrations editing one import statement).
const ROUNDS: usize = 4;

/// One file's fixes, applied and checked.
#[derive(Debug)]
pub struct FixedFile {
    /// As reports show it.
    pub path: String,
    pub absolute_path: PathBuf,
    pub original: String,
    pub fixed: String,
    /// How many findings the applied fixes fix.
    pub fixed_findings: usize,
}

/// A file whose fixes were dropped, and why.
#[derive(Debug)]
pub struct DroppedFix {
    pub path: String,
    pub reason: String,
}

/// What applying a scan's fixes gives.
#[derive(Debug, Default)]
pub struct Applied {
    pub files: Vec<FixedFile>,
    pub dropped: Vec<DroppedFix>,
    /// Findings whose fix needs `--unsafe-fixes` (when it was not given).
    pub unsafe_left: usize,
    /// Findings whose fix is shown only.
    pub display_only: usize,
}

/// Applies the fixes of `result` that `allowed` permits (`Safe`: safe ones; `Unsafe`: safe and
/// unsafe ones), file by file in parallel; nothing is written.
///
/// `every_code`: the scan kept every code's findings, so they are each file's findings today.
pub fn apply_scan(
    engine: &Engine,
    result: &ScanResult,
    allowed: Applicability,
    every_code: bool,
) -> Applied {
    let importers = Importers::of(result);
    let outcomes: Vec<(Option<FixedFile>, Option<DroppedFix>)> = result
        .files
        .par_iter()
        .filter(|file| file.findings.iter().any(|f| admits(f, allowed)))
        .map(|file| {
            let Some(bytes) = engine.workspace().read(&file.absolute_path) else {
                return (
                    None,
                    Some(dropped(&file.path, "the file cannot be read again")),
                );
            };
            let before =
                every_code.then(|| Before::of_scan(engine, file.parse_error, &file.findings));
            match fix_file(
                engine,
                &file.absolute_path,
                &bytes,
                &file.findings,
                allowed,
                &importers,
                before,
            ) {
                Ok(Some((fixed, fixed_findings))) => (
                    Some(FixedFile {
                        path: file.path.clone(),
                        absolute_path: file.absolute_path.clone(),
                        original: String::from_utf8_lossy(&bytes).into_owned(),
                        fixed,
                        fixed_findings,
                    }),
                    None,
                ),
                Ok(None) => (None, None),
                Err(reason) => (None, Some(dropped(&file.path, &reason))),
            }
        })
        .collect();
    let mut applied = Applied::default();
    for (file, drop) in outcomes {
        applied.files.extend(file);
        applied.dropped.extend(drop);
    }
    (applied.unsafe_left, applied.display_only) = left_over(result, allowed);
    applied
}

/// How many findings of `result` have a fix `allowed` does not permit: (unsafe, display-only).
pub fn left_over(result: &ScanResult, allowed: Applicability) -> (usize, usize) {
    let (mut unsafe_left, mut display_only) = (0, 0);
    for (_, finding) in result.findings() {
        match finding.fix.as_ref().and_then(FixState::fix) {
            Some(fix) if fix.applicability == Applicability::DisplayOnly => display_only += 1,
            Some(fix) if fix.applicability < allowed => unsafe_left += 1,
            _ => {}
        }
    }
    (unsafe_left, display_only)
}

fn dropped(path: &str, reason: &str) -> DroppedFix {
    DroppedFix {
        path: path.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Whether `finding` has a fix `allowed` permits.
fn admits(finding: &Finding, allowed: Applicability) -> bool {
    finding
        .fix
        .as_ref()
        .and_then(FixState::fix)
        .is_some_and(|fix| {
            fix.applicability >= allowed && fix.applicability != Applicability::DisplayOnly
        })
}

/// The file's text with its permitted fixes applied and checked, and how many findings they
/// fix; `None` when no fix applies.
pub fn fix_file(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    findings: &[Finding],
    allowed: Applicability,
    importers: &Importers,
    before: Option<Before>,
) -> Result<Option<(String, usize)>, String> {
    let original = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8".to_owned())?;
    let before = before
        .or_else(|| Before::check(engine, path, bytes))
        .ok_or_else(|| "the file cannot be checked".to_owned())?;
    let mut text = original.to_owned();
    let mut fixed_findings = 0;
    let mut switched_imports = 0;
    let mut findings: Vec<Finding> = findings.to_vec();
    for _ in 0..ROUNDS {
        let fixes: Vec<(Code, &Fix)> = findings
            .iter()
            .filter(|f| admits(f, allowed))
            .filter_map(|f| Some((f.code, f.fix.as_ref().and_then(FixState::fix)?)))
            .collect();
        if fixes.is_empty() {
            break;
        }
        let taken = without_overlaps(&fixes);
        let next = apply(&text, taken.edits.iter().copied())
            .map_err(|_| "its edits overlap".to_owned())?;
        fixed_findings += taken.fixes;
        switched_imports += taken.imports;
        text = next;
        if taken.skipped == 0 {
            break;
        }
        // Plan again on the fixed text for the fixes that overlapped.
        let judged = engine
            .check(path, text.as_bytes(), Parse::Sparse)
            .map_err(|e| e.to_string())?;
        findings = judged
            .outcome
            .migrations
            .into_iter()
            .flat_map(|m| m.findings)
            .collect();
        plan_file(
            engine,
            path,
            text.as_bytes(),
            &mut findings,
            importers,
            None,
        );
    }
    if text == original {
        return Ok(None);
    }
    verify(engine, path, &before, &text, switched_imports)?;
    Ok(Some((text, fixed_findings)))
}

/// The fixes [`without_overlaps`] takes.
struct Taken<'f> {
    edits: Vec<&'f Edit>,
    /// How many fixes, and how many of them switch an import (SSOT001).
    fixes: usize,
    imports: usize,
    /// Fixes left for the next round: they overlap one taken.
    skipped: usize,
}

/// The fixes that do not overlap a fix taken before them (in order of their first edit).
/// Fixes with identical edits (one import statement's findings) are all taken.
fn without_overlaps<'f>(fixes: &[(Code, &'f Fix)]) -> Taken<'f> {
    let mut order: Vec<&(Code, &Fix)> = fixes.iter().collect();
    order.sort_by(|a, b| a.1.edits.first().cmp(&b.1.edits.first()));
    let mut taken = Taken {
        edits: Vec::new(),
        fixes: 0,
        imports: 0,
        skipped: 0,
    };
    // The taken edits by start. They never clash with each other, so an edit can clash only
    // with those that start inside it (or where it starts) and with the last that starts before
    // it: a lookup, not a scan (a file can hold 40,000 renames).
    let mut by_start: BTreeMap<usize, Vec<&Edit>> = BTreeMap::new();
    for (code, fix) in order {
        let clashes = fix.edits.iter().any(|edit| {
            let within = by_start.range(edit.range.start..edit.range.end.max(edit.range.start + 1));
            let before = by_start.range(..edit.range.start).next_back();
            within
                .chain(before)
                .flat_map(|(_, edits)| edits)
                .any(|t| clash(t, edit))
        });
        if clashes {
            taken.skipped += 1;
        } else {
            for edit in &fix.edits {
                by_start.entry(edit.range.start).or_default().push(edit);
            }
            taken.edits.extend(fix.edits.iter());
            taken.fixes += 1;
            taken.imports += usize::from(*code == Code::DeprecatedImport);
        }
    }
    taken
}

/// Two different edits that overlap or start at the same place.
fn clash(taken: &Edit, edit: &Edit) -> bool {
    taken != edit
        && (edit.range.start < taken.range.end && taken.range.start < edit.range.end
            || edit.range.start == taken.range.start)
}

/// Writes `text` over `path` through a temporary file in the same folder, renamed into place:
/// a crash or a full disk leaves the old file whole. The file keeps its permissions; a link
/// is followed, so the link stays a link.
pub fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let folder = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.ssot-guard-fix.{}", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::set_permissions(&temporary, permissions)?;
    std::fs::rename(&temporary, &target).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
