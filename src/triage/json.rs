//! The triage report for machines: the decision, the ranked files with their suspect commits,
//! every symptom as joined, the test counts, the rollback plan's `rollback` object (as
//! `ssot-guard rollback --format json` has it), the incident message, and the scan's errors.

use std::io::{self, Write};

use serde::Serialize;

use super::Triage;
use crate::report::json::JsonError;
use crate::scan::ScanResult;

/// Bumped when a field changes meaning or goes away.
const VERSION: u32 = 1;

#[derive(Serialize)]
struct Input<'a> {
    source: &'a str,
    kind: &'static str,
    exceptions: usize,
}

#[derive(Serialize)]
struct File<'a> {
    #[serde(flatten)]
    file: &'a super::analysis::RankedFile,
    commits: &'a [super::commits::SuspectCommit],
}

pub fn write(out: &mut dyn Write, triage: &Triage<'_>, result: &ScanResult) -> io::Result<()> {
    let analysis = &triage.analysis;
    let files: Vec<File<'_>> = analysis
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| File {
            file,
            commits: triage
                .suspects
                .as_ref()
                .and_then(|s| s.per_file.get(index))
                .map_or(&[][..], |c| &c[..]),
        })
        .collect();
    let document = serde_json::json!({
        "version": VERSION,
        "input": Input {
            source: &triage.input,
            kind: triage.input_kind,
            exceptions: analysis.symptoms.len(),
        },
        "decision": analysis.decision,
        "files": files,
        "culprit_commits": triage.suspects.as_ref().map_or(&[][..], |s| &s.overall[..]),
        "symptoms": analysis.symptoms,
        "tests": analysis.tests,
        "rollback": triage.plan.as_ref().map(crate::rollback::json::rollback_object),
        "message": triage.message,
        "notes": triage.notes,
        "errors": result.errors.iter().map(JsonError::new).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
