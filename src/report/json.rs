//! `--format json`: the report of DESIGN.md, version 2. Field order is fixed by these structs.
//!
//! Version 2 holds several migrations: `migrations` describes each (with its own counts),
//! `summary` counts over all of them, every finding names its `migration`, and a file's
//! `resolves_to` is an object from migration id to where the file binds that migration's symbol.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::fixes::{edited_text, Places, Point};
use super::{MigrationCounts, Summary};
use crate::finding::{Finding, ResolvesTo, Severity};
use crate::fix::{Applicability, FixState};
use crate::migration::{MembersSource, RuleWarning};
use crate::scan::{FileError, FileReport, ScanResult};

const VERSION: u32 = 2;

#[derive(Serialize)]
pub(crate) struct Report<'a> {
    version: u32,
    tool: Tool,
    migrations: Vec<Migration<'a>>,
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

/// A migration of the scan: its rule, what it resolved to in the project, and its counts.
#[derive(Serialize)]
struct Migration<'a> {
    id: &'a str,
    rule: &'a str,
    symbol: &'a str,
    new_name: Option<&'a str>,
    deprecated: Vec<&'a str>,
    ssot: &'a str,
    issue: &'a str,
    risky_members: Vec<&'a str>,
    members_source: MembersSource,
    warnings: &'a [RuleWarning],
    summary: MigrationJsonSummary,
}

#[derive(Serialize)]
struct MigrationJsonSummary {
    findings: usize,
    by_code: BTreeMap<&'static str, usize>,
    files_deprecated: usize,
    files_ssot: usize,
    files_mixed: usize,
}

/// Totals over every migration.
#[derive(Serialize)]
struct JsonSummary {
    files_scanned: usize,
    files_with_findings: usize,
    parse_errors: usize,
    by_code: BTreeMap<&'static str, usize>,
    /// Paths that could not be checked: the length of `errors`.
    errors: usize,
}

/// A finding as the JSON report lists it; `json-lines` prints the same objects.
#[derive(Serialize)]
pub(crate) struct JsonFinding<'a> {
    migration: &'a str,
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
    /// Where the file binds the symbol of the finding's migration.
    resolves_to: Option<ResolvesTo>,
    fingerprint: &'a str,
    /// ruff's shape; `null` without a fix.
    fix: Option<JsonFix<'a>>,
    /// Why there is no fix, when a fix concerns the finding but there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix_unavailable: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    reason: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// An edit: `content` replaces the text from `location` to `end_location` (excluded).
#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    location: Point,
    end_location: Point,
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
    resolves_to: ResolvesToById<'a>,
    parse_error: bool,
    findings: usize,
}

/// `{"<migration id>": "deprecated" | "ssot" | "both", ...}`: only the migrations whose symbol
/// the file binds, in the scan's migration order (then any id the scan does not list, as the
/// file has them).
struct ResolvesToById<'a>(Vec<(&'a str, ResolvesTo)>);

impl Serialize for ResolvesToById<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, origin) in &self.0 {
            map.serialize_entry(id, origin)?;
        }
        map.end()
    }
}

fn resolves_to_by_id<'a>(result: &'a ScanResult, file: &'a FileReport) -> ResolvesToById<'a> {
    let order = |id: &str| {
        result
            .migrations
            .iter()
            .position(|migration| &*migration.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut entries: Vec<(&str, ResolvesTo)> = file
        .resolves_to
        .iter()
        .map(|(id, origin)| (&**id, *origin))
        .collect();
    // Stable: ids the scan does not list keep the file's order, after the others.
    entries.sort_by_key(|(id, _)| order(id));
    ResolvesToById(entries)
}

impl<'a> JsonFinding<'a> {
    /// `places` are over the file's [`edited_text`].
    fn new(file: &'a FileReport, finding: &'a Finding, places: &Places<'_>) -> JsonFinding<'a> {
        let fix = finding
            .fix
            .as_ref()
            .and_then(FixState::fix)
            .map(|fix| JsonFix {
                applicability: fix.applicability,
                reason: &fix.reason,
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| JsonEdit {
                        content: &edit.content,
                        location: places.at(edit.range.start),
                        end_location: places.at(edit.range.end),
                    })
                    .collect(),
            });
        let fix_unavailable = match &finding.fix {
            Some(FixState::Unavailable(reason)) => Some(reason.as_str()),
            _ => None,
        };
        JsonFinding {
            migration: &finding.migration,
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
            fix,
            fix_unavailable,
        }
    }

    /// Every finding of `file`, in order.
    pub(crate) fn of_file(file: &'a FileReport) -> Vec<JsonFinding<'a>> {
        let text = edited_text(file);
        let places = Places::new(&text);
        file.findings
            .iter()
            .map(|finding| JsonFinding::new(file, finding, &places))
            .collect()
    }
}

fn by_code(counts: &super::FindingCounts) -> BTreeMap<&'static str, usize> {
    counts
        .by_code
        .iter()
        .map(|(code, count)| (code.as_str(), *count))
        .collect()
}

fn migration<'a>(counts: &MigrationCounts<'a>) -> Migration<'a> {
    let rule = counts.migration;
    Migration {
        id: &rule.id,
        rule: &rule.rule,
        symbol: &rule.symbol,
        new_name: rule.new_name.as_deref(),
        deprecated: rule.deprecated.iter().map(String::as_str).collect(),
        ssot: &rule.ssot,
        issue: &rule.issue,
        risky_members: rule.risky_members.iter().map(String::as_str).collect(),
        members_source: rule.members_source,
        warnings: &rule.warnings,
        summary: MigrationJsonSummary {
            findings: counts.findings.total(),
            by_code: by_code(&counts.findings),
            files_deprecated: counts.files_deprecated,
            files_ssot: counts.files_ssot,
            files_mixed: counts.files_mixed,
        },
    }
}

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report(result))?;
    writeln!(out)
}

/// The report as serialized; `rollback --format json` adds its object after these fields.
pub(crate) fn report(result: &ScanResult) -> Report<'_> {
    let summary = Summary::of(result);
    Report {
        version: VERSION,
        tool: Tool {
            name: "ssot-guard",
            version: env!("CARGO_PKG_VERSION"),
        },
        migrations: summary.migrations.iter().map(migration).collect(),
        summary: JsonSummary {
            files_scanned: summary.files_scanned,
            files_with_findings: summary.files_with_findings,
            parse_errors: summary.parse_errors,
            by_code: by_code(&summary.findings),
            errors: result.errors.len(),
        },
        findings: result.files.iter().flat_map(JsonFinding::of_file).collect(),
        files: result
            .files
            .iter()
            .map(|file| JsonFile {
                path: &file.path,
                resolves_to: resolves_to_by_id(result, file),
                parse_error: file.parse_error,
                findings: file.findings.len(),
            })
            .collect(),
        errors: result.errors.iter().map(JsonError::new).collect(),
    }
}
