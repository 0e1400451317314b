//! Human output: one miette diagnostic per finding (code, snippet, label, help and the line about
//! its fix), then a summary.
//! When the scan has several migrations, the code line names the finding's migration too:
//! `SSOT002(missing-member) [deepagentstate]`.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::fixes::fix_line;
use super::one_line;
use crate::finding::{Finding, Location, Severity};
use crate::scan::ScanResult;

/// How many bytes into its line a finding may start and still be shown with a snippet. miette
/// pads the line under the snippet to the label with a format width, which Rust caps at 65,535
/// (it panics beyond), and a character takes up to 4 columns there (a tab). A finding further
/// into a line than this (generated or minified code) is shown without the snippet, its location
/// in the message instead: a line that long is unreadable in a terminal anyway.
const MAX_SNIPPET_OFFSET: usize = 16_000;

/// A finding as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    place: Place,
    /// The finding's migration, when the scan has several.
    migration: Option<&'a str>,
}

/// How a diagnostic shows where its finding is.
enum Place {
    /// The file's text: miette shows the line, the label and `path:line:column`.
    Snippet(NamedSource<Arc<str>>),
    /// `path:line:column` in front of the message, for a finding too far into its line.
    Location(String),
}

impl FindingDiagnostic<'_> {
    fn message(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Place::Location(location) = &self.place {
            write!(f, "{location}: ")?;
        }
        f.write_str(&self.finding.message)
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message(f)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message(f)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let code = format!(
            "{}({})",
            self.finding.code.as_str(),
            self.finding.code.name()
        );
        Some(Box::new(match self.migration {
            Some(migration) => format!("{code} [{}]", one_line(migration)),
            None => code,
        }))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    /// The finding's help, then the line about its fix.
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let fix = self.finding.fix.as_ref().map(fix_line);
        let help = match (&self.finding.help, fix) {
            (Some(help), Some(fix)) => format!("{help}\n{fix}"),
            (Some(help), None) => help.clone(),
            (None, Some(fix)) => fix,
            (None, None) => return None,
        };
        Some(Box::new(help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match &self.place {
            Place::Snippet(source) => Some(source),
            Place::Location(_) => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if let Place::Location(_) = self.place {
            return None;
        }
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

pub fn write(out: &mut dyn Write, result: &ScanResult, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    for file in &result.files {
        let Some(text) = &file.source else { continue };
        // A name with a newline or an escape sequence must not break the output, nor drive the
        // terminal: control characters are shown escaped, as in `concise`.
        let name = one_line(&file.path);
        for finding in &file.findings {
            // Looking back no further than the limit: a line can hold 100,000 findings.
            let start = finding.location.start_byte.min(text.len());
            let window = &text.as_bytes()[start.saturating_sub(MAX_SNIPPET_OFFSET + 1)..start];
            let near_line_start =
                start <= MAX_SNIPPET_OFFSET || memchr::memrchr(b'\n', window).is_some();
            let place = if near_line_start {
                Place::Snippet(NamedSource::new(name.clone(), text.clone()))
            } else {
                let Location { line, column, .. } = finding.location;
                Place::Location(format!("{name}:{line}:{column}"))
            };
            let diagnostic = FindingDiagnostic {
                finding,
                place,
                migration: super::migration_tag(result, finding),
            };
            let mut rendered = String::new();
            handler
                .render_report(&mut rendered, &diagnostic)
                .map_err(io::Error::other)?;
            writeln!(out, "{rendered}")?;
        }
    }
    super::write_closing(out, result, one_line)
}
