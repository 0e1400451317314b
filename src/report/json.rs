//! `--format json`: the report of DESIGN.md, version 1. Field order is fixed by these structs.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::finding::{Finding, ResolvesTo, Severity};
use crate::migration::{MembersSource, MigrationSummary};
use crate::scan::{FileError, FileReport, ScanResult};

#[derive(Serialize)]
pub(crate) struct Report<'a> {
    version: u32,
    tool: Tool,
    migration: Migration<'a>,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    files: Vec<JsonFile<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
pub(crate) struct Migration<'a> {
    id: &'a str,
    symbol: &'a str,
    deprecated: Vec<&'a str>,
    ssot: &'a str,
    risky_members: Vec<&'a str>,
    members_source: MembersSource,
}

#[derive(Serialize)]
struct JsonSummary {
    files_scanned: usize,
    files_with_findings: usize,
    parse_errors: usize,
    by_code: BTreeMap<&'static str, usize>,
    files_deprecated: usize,
    files_ssot: usize,
    files_mixed: usize,
    /// Paths that could not be checked: the length of `errors`.
    errors: usize,
}

/// A finding as the JSON report lists it; `json-lines` prints the same objects.
#[derive(Serialize)]
pub(crate) struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    symbol: &'a str,
    member: Option<&'a str>,
    receiver: Option<&'a str>,
    resolves_to: Option<ResolvesTo>,
    fingerprint: &'a str,
}

/// A path that could not be checked, as the JSON report lists it; `json-lines` prints the same
/// object with `"type": "error"` in front.
#[derive(Serialize)]
pub(crate) struct JsonError<'a> {
    path: Option<&'a str>,
    kind: &'static str,
    message: String,
}

impl<'a> JsonError<'a> {
    pub(crate) fn new(error: &'a FileError) -> JsonError<'a> {
        JsonError {
            path: error.path.as_deref(),
            kind: error.kind(),
            message: error.message(),
        }
    }
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    resolves_to: Option<ResolvesTo>,
    parse_error: bool,
    findings: usize,
}

impl<'a> JsonFinding<'a> {
    pub(crate) fn new(file: &'a FileReport, finding: &'a Finding) -> JsonFinding<'a> {
        JsonFinding {
            code: finding.code.as_str(),
            name: finding.code.name(),
            severity: finding.severity,
            path: &file.path,
            line: finding.location.line,
            column: finding.location.column,
            end_line: finding.location.end_line,
            end_column: finding.location.end_column,
            message: &finding.message,
            symbol: &finding.symbol,
            member: finding.member.as_deref(),
            receiver: finding.receiver.as_deref(),
            resolves_to: file.resolves_to(&finding.migration),
            fingerprint: &finding.fingerprint,
        }
    }
}

pub(crate) fn migration(rule: &MigrationSummary) -> Migration<'_> {
    Migration {
        id: &rule.id,
        symbol: &rule.symbol,
        deprecated: rule.deprecated.iter().map(String::as_str).collect(),
        ssot: &rule.ssot,
        risky_members: rule.risky_members.iter().map(String::as_str).collect(),
        members_source: rule.members_source,
    }
}

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report(result))?;
    writeln!(out)
}

/// The report as serialized; `rollback --format json` adds its object after these fields.
pub(crate) fn report(result: &ScanResult) -> Report<'_> {
    let summary = Summary::of(result);
    let first = summary.migrations.first();
    let files = |count: fn(&super::MigrationCounts<'_>) -> usize| first.map_or(0, count);
    Report {
        version: 1,
        tool: Tool {
            name: "ssot-guard",
            version: env!("CARGO_PKG_VERSION"),
        },
        migration: migration(&result.migrations[0]),
        summary: JsonSummary {
            files_scanned: summary.files_scanned,
            files_with_findings: summary.files_with_findings,
            parse_errors: summary.parse_errors,
            by_code: summary
                .findings
                .by_code
                .iter()
                .map(|(code, count)| (code.as_str(), *count))
                .collect(),
            files_deprecated: files(|m| m.files_deprecated),
            files_ssot: files(|m| m.files_ssot),
            files_mixed: files(|m| m.files_mixed),
            errors: result.errors.len(),
        },
        findings: result
            .findings()
            .map(|(file, finding)| JsonFinding::new(file, finding))
            .collect(),
        files: result
            .files
            .iter()
            .map(|file| JsonFile {
                path: &file.path,
                resolves_to: file.resolves_to.first().map(|(_, origin)| *origin),
                parse_error: file.parse_error,
                findings: file.findings.len(),
            })
            .collect(),
        errors: result.errors.iter().map(JsonError::new).collect(),
    }
}
