//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations on
//! the pull request: `::error title=...,file=...,line=...,col=...,endLine=...,endColumn=...::text`.
//! Warnings are `::warning`, information `::notice`. A rule warning is
//! `::warning title=rule-warning,file=RULE_FILE,line=LINE::RULE_FILE:LINE: MESSAGE`, after the
//! findings. A path that could not be checked is `::error title=KIND,file=PATH::MESSAGE`.
//!
//! The message repeats `path:line:column:`, as ruff's does, because the log shows only the message.
//! When the scan has several migrations, the title and the message name the finding's
//! migration: `title=SSOT002 (missing-member) [deepagentstate]`, `path:1:2: [deepagentstate] ...`.
//! A finding's fix line (`fix (safe): ...`, `no fix: ...`) is the message's second line.

use std::io::{self, Write};

use super::fixes::fix_line;
use crate::finding::Severity;
use crate::scan::ScanResult;

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    for (file, finding) in result.findings() {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let location = &finding.location;
        let title = super::tagged(
            result,
            finding,
            &format!("{} ({})", finding.code.as_str(), finding.code.name()),
        );
        let tag = super::migration_tag(result, finding)
            .map(|id| format!("[{id}] "))
            .unwrap_or_default();
        let mut message = format!(
            "{}:{}:{}: {tag}{}",
            file.path, location.line, location.column, finding.message
        );
        if let Some(fix) = &finding.fix {
            message.push('\n');
            message.push_str(&fix_line(fix));
        }
        writeln!(
            out,
            "::{command} title={},file={},line={},col={},endLine={},endColumn={}::{}",
            escape_property(&title),
            escape_property(&file.path),
            location.line,
            location.column,
            location.end_line,
            location.end_column,
            escape_data(&message),
        )?;
    }
    // A rule warning: a warning on its line of the rule file (shown there in a pull request's
    // diff when the rule file changed, and among the run's annotations either way), titled with
    // the kind. A warning annotation does not fail the job.
    for (migration, warning) in super::rule_warnings(result) {
        let (title, tag) = match super::warning_tag(result, migration) {
            Some(id) => (
                format!("{} [{id}]", super::RULE_WARNING),
                format!("[{id}] "),
            ),
            None => (super::RULE_WARNING.to_owned(), String::new()),
        };
        let message = format!(
            "{}:{}: {tag}{}",
            warning.rule_file, warning.line, warning.message
        );
        writeln!(
            out,
            "::warning title={},file={},line={}::{}",
            escape_property(&title),
            escape_property(&warning.rule_file),
            warning.line,
            escape_data(&message),
        )?;
    }
    // A path that could not be checked: an error on the file, titled with the kind. The message
    // names the path already.
    for error in &result.errors {
        let file = match &error.path {
            Some(path) => format!(",file={}", escape_property(path)),
            None => String::new(),
        };
        writeln!(
            out,
            "::error title={}{file}::{}",
            escape_property(error.kind()),
            escape_data(&error.message()),
        )?;
    }
    Ok(())
}

/// A command's message, escaped as `escapeData` of actions/toolkit (`command.ts`) does.
pub(crate) fn escape_data(text: &str) -> String {
    escape(text, false)
}

/// A property value, escaped as `escapeProperty` of actions/toolkit does: the message escapes plus
/// `:` and `,`, which would otherwise end the value.
pub(crate) fn escape_property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, property: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' if property => escaped.push_str("%3A"),
            ',' if property => escaped.push_str("%2C"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("SSOT002 (missing-member)"),
            "SSOT002 (missing-member)"
        );
        assert_eq!(
            escape_property("dir,x/a:b 100%\n.py"),
            "dir%2Cx/a%3Ab 100%25%0A.py"
        );
        assert_eq!(
            escape_property("::error file=x::"),
            "%3A%3Aerror file=x%3A%3A"
        );
    }
}
