//! Printing is its own layer: the scan produces a [`ScanResult`], one printer per format writes it.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod sarif;

use std::borrow::Cow;
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
    /// One compact JSON object per finding per line, with the fields of the JSON report's findings.
    JsonLines,
    /// One line per finding (`path:line:column: CODE message`), then a summary line.
    Concise,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test suite per file, one failing test case per failing finding.
    Junit,
    /// GitHub Actions workflow commands (`::error file=...`), shown as annotations.
    Github,
    /// GitLab code quality (Code Climate) JSON.
    Gitlab,
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
        Format::JsonLines => json_lines::write(out, result),
        Format::Concise => concise::write(out, result, project),
        Format::Sarif => sarif::write(out, result),
        Format::Junit => junit::write(out, result),
        Format::Github => github::write(out, result),
        Format::Gitlab => gitlab::write(out, result),
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
    let rows = || {
        counts.iter().map(|(code, count)| {
            serde_json::json!({"code": code.as_str(), "name": code.name(), "count": count})
        })
    };
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows().collect::<Vec<_>>())?;
            writeln!(out)
        }
        Format::JsonLines => {
            for row in rows() {
                serde_json::to_writer(&mut *out, &row)?;
                writeln!(out)?;
            }
            Ok(())
        }
        // Counts are not findings: the other formats print them as text.
        Format::Human
        | Format::Concise
        | Format::Sarif
        | Format::Junit
        | Format::Github
        | Format::Gitlab => {
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
    }
}

/// The closing lines of the text formats: files with syntax errors, then the counts. `show_path`
/// is how the format prints a path.
fn write_closing(
    out: &mut dyn Write,
    result: &ScanResult,
    project: &Project,
    show_path: fn(&str) -> Cow<'_, str>,
) -> io::Result<()> {
    for file in result.files.iter().filter(|f| f.parse_error) {
        writeln!(
            out,
            "{}: syntax error: findings inside the broken part of the file may be missing",
            show_path(&file.path)
        )?;
    }
    let summary = Summary::of(result);
    let total = summary.errors + summary.warnings + summary.infos;
    if total == 0 {
        writeln!(
            out,
            "No findings for `{}` in {} {}.",
            project.migration.symbol,
            summary.files_scanned,
            plural(summary.files_scanned, "file", "files")
        )
    } else {
        writeln!(
            out,
            "Found {total} {} ({} {}, {} {}, {} info) in {} of {} {}; `{}`: {} deprecated, {} SSOT, {} mixed.",
            plural(total, "finding", "findings"),
            summary.errors,
            plural(summary.errors, "error", "errors"),
            summary.warnings,
            plural(summary.warnings, "warning", "warnings"),
            summary.infos,
            summary.files_with_findings,
            summary.files_scanned,
            plural(summary.files_scanned, "file", "files"),
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

/// `text` with control characters escaped as Rust writes them (`\n`, `\t`, `\u{1b}`), so that a
/// file name holding a newline cannot split a finding over two lines, nor end a `#` comment of a
/// rollback script and start a command.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(one_line("a b/'q'.py"), "a b/'q'.py");
        assert_eq!(one_line("a\nb\r\tc\u{1b}.py"), "a\\nb\\r\\tc\\u{1b}.py");
        assert_eq!(one_line("é\u{85}"), "é\\u{85}");
        assert_eq!(one_line("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(one_line("a\u{1b}[31m"), "a\\u{1b}[31m");
        assert_eq!(one_line("plain 'x'"), "plain 'x'");
    }
}
