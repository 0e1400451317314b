//! `--format junit`: JUnit XML, shaped as ruff's: one `<testsuite>` per file with findings, one
//! `<testcase>` per finding. A finding that fails the run (error or warning) carries a
//! `<failure>`; information (SSOT006) never fails a run, so its test case passes and keeps the
//! text in `<system-out>`. A path that could not be checked is a suite of its own after those, one
//! test case named after the kind (`io-error`) with an `<error>`, counted in `errors`. Without
//! findings or errors there is one passing test case, `No findings`. When the scan has several
//! migrations, a test case's name, message and text name the finding's migration:
//! `SSOT002 (missing-member) [deepagentstate]`, `[deepagentstate] reads ...`. A finding's text
//! ends with the help, then the line about its fix (`fix (safe): ...`, `no fix: ...`).
//!
//! Rule warnings come between the files' suites and the errors': one suite per rule file, one
//! passing test case per warning, `rule-warning: MESSAGE` (`rule-warning [id]: ...` with several
//! migrations), its line, and `line L, MESSAGE` in `<system-err>` (`line L, [id] MESSAGE`).

use std::io::{self, Write};

use crate::finding::Finding;
use crate::migration::{MigrationSummary, RuleWarning};
use crate::scan::{FileError, FileReport, ScanResult};

const INDENT: &str = "    ";

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    let files: Vec<&FileReport> = result
        .files
        .iter()
        .filter(|file| !file.findings.is_empty())
        .collect();
    let warnings = warnings_by_rule_file(result);
    let no_findings = files.is_empty() && result.errors.is_empty();
    let errors = result.errors.len();
    let tests = files.iter().map(|file| file.findings.len()).sum::<usize>()
        + errors
        + warnings.iter().map(|(_, w)| w.len()).sum::<usize>()
        + usize::from(no_findings);
    let failures = result
        .findings()
        .filter(|(_, finding)| finding.severity.fails())
        .count();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"ssot-guard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    )?;
    if no_findings {
        writeln!(
            out,
            "{INDENT}<testsuite name=\"ssot-guard\" tests=\"1\" disabled=\"0\" errors=\"0\" failures=\"0\" package=\"ssot-guard\">"
        )?;
        writeln!(
            out,
            "{INDENT}{INDENT}<testcase name=\"No findings\" classname=\"ssot-guard\" />"
        )?;
        writeln!(out, "{INDENT}</testsuite>")?;
    }
    for file in files {
        write_suite(out, result, file)?;
    }
    for (rule_file, warnings) in &warnings {
        write_warning_suite(out, result, rule_file, warnings)?;
    }
    for error in &result.errors {
        write_error_suite(out, error)?;
    }
    writeln!(out, "</testsuites>")
}

/// The scan's rule warnings grouped by rule file, files in the order of their first warning.
fn warnings_by_rule_file(
    result: &ScanResult,
) -> Vec<(&str, Vec<(&MigrationSummary, &RuleWarning)>)> {
    let mut groups: Vec<(&str, Vec<(&MigrationSummary, &RuleWarning)>)> = Vec::new();
    for (migration, warning) in super::rule_warnings(result) {
        match groups
            .iter_mut()
            .find(|(file, _)| *file == warning.rule_file)
        {
            Some((_, group)) => group.push((migration, warning)),
            None => groups.push((&warning.rule_file, vec![(migration, warning)])),
        }
    }
    groups
}

/// The rule warnings of one rule file: a suite of passing test cases, each warning's text in
/// `<system-err>`.
///
/// JUnit has no outcome for a warning, and a warning must not fail a build: every consumer fails
/// one on `<failure>` or `<error>`, and `<skipped>` would say a check did not run, which it did.
/// A suite's `<properties>` are shown by few consumers (GitLab and the GitHub test reporters
/// ignore them). A passing test case is listed by all of them, so its name carries the message
/// (GitLab lists passing cases by name and shows the output of failed ones only, and keeps one
/// case of a repeated name); consumers that show a test case's output (Jenkins) show
/// `<system-err>`, the stream a tool writes its warnings to. Information findings (SSOT006) pass
/// the same way, with their text in `<system-out>`.
fn write_warning_suite(
    out: &mut dyn Write,
    result: &ScanResult,
    rule_file: &str,
    warnings: &[(&MigrationSummary, &RuleWarning)],
) -> io::Result<()> {
    let path = escape_attribute(rule_file);
    let classname = escape_attribute(rule_file.strip_suffix(".toml").unwrap_or(rule_file));
    writeln!(
        out,
        "{INDENT}<testsuite name=\"{path}\" tests=\"{}\" disabled=\"0\" errors=\"0\" failures=\"0\" package=\"ssot-guard\">",
        warnings.len(),
    )?;
    for (migration, warning) in warnings {
        let (kind, message) = match super::warning_tag(result, migration) {
            Some(id) => (
                format!("{} [{id}]", super::RULE_WARNING),
                format!("[{id}] {}", warning.message),
            ),
            None => (super::RULE_WARNING.to_owned(), warning.message.clone()),
        };
        writeln!(
            out,
            "{INDENT}{INDENT}<testcase name=\"{}\" classname=\"{classname}\" file=\"{path}\" line=\"{}\">",
            escape_attribute(&format!("{kind}: {}", warning.message)),
            warning.line,
        )?;
        writeln!(
            out,
            "{INDENT}{INDENT}{INDENT}<system-err>{}</system-err>",
            escape_text(&format!("line {}, {message}", warning.line)),
        )?;
        writeln!(out, "{INDENT}{INDENT}</testcase>")?;
    }
    writeln!(out, "{INDENT}</testsuite>")
}

/// A path that could not be checked: a suite of one test case that errs (JUnit's `<error>`: the
/// test could not run, as against a `<failure>`, a test that ran and failed).
fn write_error_suite(out: &mut dyn Write, error: &FileError) -> io::Result<()> {
    let (name, classname, file) = match &error.path {
        Some(path) => (
            escape_attribute(path),
            escape_attribute(path.strip_suffix(".py").unwrap_or(path)),
            format!(" file=\"{}\"", escape_attribute(path)),
        ),
        None => (
            "ssot-guard".to_owned(),
            "ssot-guard".to_owned(),
            String::new(),
        ),
    };
    let message = error.message();
    writeln!(
        out,
        "{INDENT}<testsuite name=\"{name}\" tests=\"1\" disabled=\"0\" errors=\"1\" failures=\"0\" package=\"ssot-guard\">"
    )?;
    writeln!(
        out,
        "{INDENT}{INDENT}<testcase name=\"{}\" classname=\"{classname}\"{file}>",
        error.kind()
    )?;
    writeln!(
        out,
        "{INDENT}{INDENT}{INDENT}<error message=\"{}\" type=\"{}\">{}</error>",
        escape_attribute(&message),
        error.kind(),
        escape_text(&message),
    )?;
    writeln!(out, "{INDENT}{INDENT}</testcase>")?;
    writeln!(out, "{INDENT}</testsuite>")
}

fn write_suite(out: &mut dyn Write, result: &ScanResult, file: &FileReport) -> io::Result<()> {
    let failures = file.findings.iter().filter(|f| f.severity.fails()).count();
    let path = escape_attribute(&file.path);
    // As ruff: the class is the path without its extension.
    let classname = escape_attribute(file.path.strip_suffix(".py").unwrap_or(&file.path));
    writeln!(
        out,
        "{INDENT}<testsuite name=\"{path}\" tests=\"{}\" disabled=\"0\" errors=\"0\" failures=\"{failures}\" package=\"ssot-guard\">",
        file.findings.len(),
    )?;
    for finding in &file.findings {
        let location = &finding.location;
        let name = super::tagged(
            result,
            finding,
            &format!("{} ({})", finding.code.as_str(), finding.code.name()),
        );
        let message = match super::migration_tag(result, finding) {
            Some(id) => format!("[{id}] {}", finding.message),
            None => finding.message.clone(),
        };
        writeln!(
            out,
            "{INDENT}{INDENT}<testcase name=\"{}\" classname=\"{classname}\" file=\"{path}\" line=\"{}\" column=\"{}\">",
            escape_attribute(&name),
            location.line,
            location.column,
        )?;
        let body = escape_text(&body(finding, &message));
        if finding.severity.fails() {
            writeln!(
                out,
                "{INDENT}{INDENT}{INDENT}<failure message=\"{}\" type=\"{}\">{body}</failure>",
                escape_attribute(&message),
                finding.severity.as_str(),
            )?;
        } else {
            writeln!(
                out,
                "{INDENT}{INDENT}{INDENT}<system-out>{body}</system-out>"
            )?;
        }
        writeln!(out, "{INDENT}{INDENT}</testcase>")?;
    }
    writeln!(out, "{INDENT}</testsuite>")
}

/// `line L, col C, message`, then the help and the line about the fix, as ruff's failure text.
fn body(finding: &Finding, message: &str) -> String {
    let mut body = format!(
        "line {}, col {}, {message}",
        finding.location.line, finding.location.column
    );
    if let Some(help) = &finding.help {
        body.push_str("\n\n");
        body.push_str(help);
    }
    if let Some(fix) = &finding.fix {
        body.push_str(if finding.help.is_some() { "\n" } else { "\n\n" });
        body.push_str(&super::fixes::fix_line(fix));
    }
    body
}

/// Text content: markup characters escaped, `\r` kept as a reference (a parser would turn a raw
/// one into `\n`), characters XML 1.0 forbids dropped.
pub(crate) fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// An attribute value in double quotes: as text, and tabs and line breaks as references too, since
/// a parser turns raw ones into spaces.
pub(crate) fn escape_attribute(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\r' => escaped.push_str("&#13;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            c if allowed_in_xml(c) => escaped.push(c),
            _ => {}
        }
    }
    escaped
}

/// XML 1.0's `Char` production: tab, line feed, carriage return, and everything from U+0020 but
/// the surrogates (which a Rust `char` cannot be) and U+FFFE, U+FFFF.
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::{escape_attribute, escape_text};

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape_text(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape_text("]]>"), "]]&gt;");
    }

    #[test]
    fn line_breaks_survive_in_text_and_in_attributes() {
        assert_eq!(escape_text("a\nb\r\n\tc"), "a\nb&#13;\n\tc");
        assert_eq!(escape_attribute("a\nb\r\n\tc"), "a&#10;b&#13;&#10;&#9;c");
    }

    #[test]
    fn characters_xml_forbids_are_dropped() {
        assert_eq!(
            escape_text("a\u{0}b\u{1b}c\u{8}d\u{FFFE}\u{FFFF}e"),
            "abcde"
        );
        assert_eq!(escape_attribute("\u{1}\u{1f}"), "");
        // Allowed, if unusual: DEL, C1 controls, private use, astral planes.
        assert_eq!(
            escape_text("\u{7f}\u{85}\u{E000}😀"),
            "\u{7f}\u{85}\u{E000}😀"
        );
    }
}
