//! Human output: one miette diagnostic per finding (code, snippet, label, help), then a summary.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::one_line;
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
                // A name with a newline or an escape sequence must not break the output, nor
                // drive the terminal: control characters are shown escaped, as in `concise`.
                source: NamedSource::new(one_line(&file.path), text.clone()),
            };
            let mut rendered = String::new();
            handler
                .render_report(&mut rendered, &diagnostic)
                .map_err(io::Error::other)?;
            writeln!(out, "{rendered}")?;
        }
    }
    super::write_closing(out, result, project, one_line)
}
