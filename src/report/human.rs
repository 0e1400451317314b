//! Human output: one miette diagnostic per finding (code, snippet, label, help), then a summary.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::Summary;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::scan::ScanResult;

/// A finding as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.code.as_str(),
            self.finding.code.name()
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let location = &self.finding.location;
        let label = match &self.finding.member {
            Some(member) => format!("`{member}`"),
            None => self.finding.symbol.clone(),
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label),
            location.start_byte,
            location.end_byte.saturating_sub(location.start_byte),
        ))))
    }
}

pub fn write(
    out: &mut dyn Write,
    result: &ScanResult,
    project: &Project,
    color: bool,
) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    for file in &result.files {
        let Some(text) = &file.source else { continue };
        for finding in &file.findings {
            let diagnostic = FindingDiagnostic {
                finding,
                source: NamedSource::new(&file.path, text.clone()),
            };
            let mut rendered = String::new();
            handler
                .render_report(&mut rendered, &diagnostic)
                .map_err(io::Error::other)?;
            writeln!(out, "{rendered}")?;
        }
    }
    for file in result.files.iter().filter(|f| f.parse_error) {
        writeln!(
            out,
            "{}: syntax error: findings inside the broken part of the file may be missing",
            file.path
        )?;
    }
    let summary = Summary::of(result);
    let total = summary.errors + summary.warnings + summary.infos;
    if total == 0 {
        writeln!(
            out,
            "No findings for `{}` in {} files.",
            project.migration.symbol, summary.files_scanned
        )
    } else {
        writeln!(
            out,
            "Found {total} {} ({} {}, {} {}, {} info) in {} of {} files; `{}`: {} deprecated, {} SSOT, {} mixed.",
            plural(total, "finding", "findings"),
            summary.errors,
            plural(summary.errors, "error", "errors"),
            summary.warnings,
            plural(summary.warnings, "warning", "warnings"),
            summary.infos,
            summary.files_with_findings,
            summary.files_scanned,
            project.migration.symbol,
            summary.files_deprecated,
            summary.files_ssot,
            summary.files_mixed,
        )
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}
