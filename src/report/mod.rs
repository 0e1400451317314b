//! Printing is its own layer: the scan produces a [`ScanResult`], one printer per format writes it.

pub mod human;
pub mod json;

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::codes::Code;
use crate::finding::ResolvesTo;
use crate::project::Project;
use crate::scan::ScanResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, for people.
    Human,
    /// The JSON report of DESIGN.md, version 1.
    Json,
}

/// Counts over a scan, shared by every format.
#[derive(Debug, Default)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_with_findings: usize,
    pub parse_errors: usize,
    pub by_code: BTreeMap<Code, usize>,
    pub files_deprecated: usize,
    pub files_ssot: usize,
    pub files_mixed: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(result: &ScanResult) -> Summary {
        let mut summary = Summary {
            files_scanned: result.files.len(),
            by_code: Code::ALL.iter().map(|code| (*code, 0)).collect(),
            ..Summary::default()
        };
        for file in &result.files {
            summary.files_with_findings += usize::from(!file.findings.is_empty());
            summary.parse_errors += usize::from(file.parse_error);
            match file.resolves_to {
                Some(ResolvesTo::Deprecated) => summary.files_deprecated += 1,
                Some(ResolvesTo::Ssot) => summary.files_ssot += 1,
                Some(ResolvesTo::Both) => summary.files_mixed += 1,
                None => {}
            }
            for finding in &file.findings {
                *summary.by_code.entry(finding.code).or_default() += 1;
                match finding.severity {
                    crate::finding::Severity::Error => summary.errors += 1,
                    crate::finding::Severity::Warning => summary.warnings += 1,
                    crate::finding::Severity::Info => summary.infos += 1,
                }
            }
        }
        summary
    }
}

/// Writes the report in `format`.
pub fn write_report(
    out: &mut dyn Write,
    format: Format,
    result: &ScanResult,
    project: &Project,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, result, project, color),
        Format::Json => json::write(out, result, project),
    }
}

/// `--statistics`: one line per code with findings, like ruff's.
pub fn write_statistics(
    out: &mut dyn Write,
    format: Format,
    result: &ScanResult,
) -> io::Result<()> {
    let summary = Summary::of(result);
    let counts: Vec<(Code, usize)> = summary
        .by_code
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .collect();
    match format {
        Format::Human => {
            let width = counts
                .iter()
                .map(|(_, n)| n.to_string().len())
                .max()
                .unwrap_or(1);
            for (code, count) in counts {
                writeln!(out, "{count:>width$}\t{}\t{}", code.as_str(), code.name())?;
            }
            Ok(())
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = counts
                .into_iter()
                .map(|(code, count)| {
                    serde_json::json!({"code": code.as_str(), "name": code.name(), "count": count})
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
    }
}
