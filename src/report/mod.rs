//! Printing is its own layer: the scan produces a [`ScanResult`], one printer per format writes it.

pub mod concise;
mod fixes;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod sarif;
#[cfg(test)]
pub(crate) mod two_migrations;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use crate::codes::Code;
use crate::finding::{Finding, ResolvesTo, Severity};
use crate::migration::{MigrationSummary, RuleWarning};
use crate::scan::ScanResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, for people.
    Human,
    /// The JSON report of DESIGN.md, version 2.
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

/// Findings counted by code (every code, zero or not) and by severity.
#[derive(Clone, Debug)]
pub struct FindingCounts {
    pub by_code: BTreeMap<Code, usize>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Default for FindingCounts {
    fn default() -> FindingCounts {
        FindingCounts {
            by_code: Code::ALL.iter().map(|code| (*code, 0)).collect(),
            errors: 0,
            warnings: 0,
            infos: 0,
        }
    }
}

impl FindingCounts {
    fn add(&mut self, finding: &Finding) {
        *self.by_code.entry(finding.code).or_default() += 1;
        match finding.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// Counts over one migration of a scan: its findings, and the files that bind its symbol.
#[derive(Debug)]
pub struct MigrationCounts<'a> {
    pub migration: &'a MigrationSummary,
    pub findings: FindingCounts,
    pub files_deprecated: usize,
    pub files_ssot: usize,
    pub files_mixed: usize,
}

/// Counts over a scan, shared by every format: totals over all migrations, then each
/// migration's own, in the scan's migration order.
#[derive(Debug)]
pub struct Summary<'a> {
    pub files_scanned: usize,
    pub files_with_findings: usize,
    pub parse_errors: usize,
    /// Every finding, whatever its migration.
    pub findings: FindingCounts,
    pub migrations: Vec<MigrationCounts<'a>>,
}

impl Summary<'_> {
    pub fn of(result: &ScanResult) -> Summary<'_> {
        let mut summary = Summary {
            files_scanned: result.files.len(),
            files_with_findings: 0,
            parse_errors: 0,
            findings: FindingCounts::default(),
            migrations: result
                .migrations
                .iter()
                .map(|migration| MigrationCounts {
                    migration,
                    findings: FindingCounts::default(),
                    files_deprecated: 0,
                    files_ssot: 0,
                    files_mixed: 0,
                })
                .collect(),
        };
        let index: HashMap<&str, usize> = result
            .migrations
            .iter()
            .enumerate()
            .map(|(index, migration)| (&*migration.id, index))
            .collect();
        for file in &result.files {
            summary.files_with_findings += usize::from(!file.findings.is_empty());
            summary.parse_errors += usize::from(file.parse_error);
            for (id, origin) in &file.resolves_to {
                let Some(&i) = index.get(&**id) else { continue };
                let counts = &mut summary.migrations[i];
                match origin {
                    ResolvesTo::Deprecated => counts.files_deprecated += 1,
                    ResolvesTo::Ssot => counts.files_ssot += 1,
                    ResolvesTo::Both => counts.files_mixed += 1,
                }
            }
            for finding in &file.findings {
                summary.findings.add(finding);
                if let Some(&i) = index.get(&*finding.migration) {
                    summary.migrations[i].findings.add(finding);
                }
            }
        }
        summary
    }
}

/// Whether the scan checked more than one migration: then the text formats name each finding's
/// migration (with one, their output is what it was before a scan could hold several).
pub(crate) fn several_migrations(result: &ScanResult) -> bool {
    result.migrations.len() > 1
}

/// The migration a finding names in the text formats: its id when the scan has several, else
/// nothing.
pub(crate) fn migration_tag<'f>(result: &ScanResult, finding: &'f Finding) -> Option<&'f str> {
    several_migrations(result).then_some(&*finding.migration)
}

/// `text` with ` [id]` after it when the scan has several migrations.
pub(crate) fn tagged(result: &ScanResult, finding: &Finding, text: &str) -> String {
    match migration_tag(result, finding) {
        Some(id) => format!("{text} [{id}]"),
        None => text.to_owned(),
    }
}

/// What every format calls a rule warning: the json-lines `type`, the SARIF notification's
/// descriptor, the JUnit test case, the GitHub title and the GitLab `check_name`.
pub(crate) const RULE_WARNING: &str = "rule-warning";

/// Every rule warning of the scan with its migration: migrations in scan order, each one's
/// warnings in the rule's order. Every format shows them after the findings and before the paths
/// that could not be checked. A warning is not a finding: it counts nowhere and never fails a run.
pub(crate) fn rule_warnings(
    result: &ScanResult,
) -> impl Iterator<Item = (&MigrationSummary, &RuleWarning)> {
    result.migrations.iter().flat_map(|migration| {
        migration
            .warnings
            .iter()
            .map(move |warning| (migration, warning))
    })
}

/// The migration a rule warning names in the text formats, as [`migration_tag`] for findings.
pub(crate) fn warning_tag<'m>(
    result: &ScanResult,
    migration: &'m MigrationSummary,
) -> Option<&'m str> {
    several_migrations(result).then_some(&*migration.id)
}

/// Writes the report in `format`.
pub fn write_report(
    out: &mut dyn Write,
    format: Format,
    result: &ScanResult,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, result, color),
        Format::Json => json::write(out, result),
        Format::JsonLines => json_lines::write(out, result),
        Format::Concise => concise::write(out, result),
        Format::Sarif => sarif::write(out, result),
        Format::Junit => junit::write(out, result),
        Format::Github => github::write(out, result),
        Format::Gitlab => gitlab::write(out, result),
    }
}

/// `--statistics`: one line per code with findings, like ruff's; with several migrations, one
/// per migration and code with findings (migrations in scan order), naming the migration.
pub fn write_statistics(
    out: &mut dyn Write,
    format: Format,
    result: &ScanResult,
) -> io::Result<()> {
    let summary = Summary::of(result);
    let nonzero = |counts: &FindingCounts| -> Vec<(Code, usize)> {
        counts
            .by_code
            .iter()
            .filter(|(_, count)| **count > 0)
            .map(|(code, count)| (*code, *count))
            .collect()
    };
    // `(migration, code, count)`; the migration only when there are several.
    let counts: Vec<(Option<&str>, Code, usize)> = if several_migrations(result) {
        summary
            .migrations
            .iter()
            .flat_map(|m| {
                nonzero(&m.findings)
                    .into_iter()
                    .map(|(code, count)| (Some(&*m.migration.id), code, count))
            })
            .collect()
    } else {
        nonzero(&summary.findings)
            .into_iter()
            .map(|(code, count)| (None, code, count))
            .collect()
    };
    let rows = || {
        counts.iter().map(|(migration, code, count)| {
            let mut row = serde_json::Map::new();
            if let Some(migration) = migration {
                row.insert("migration".into(), (*migration).into());
            }
            row.insert("code".into(), code.as_str().into());
            row.insert("name".into(), code.name().into());
            row.insert("count".into(), (*count).into());
            serde_json::Value::Object(row)
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
                .map(|(_, _, n)| n.to_string().len())
                .max()
                .unwrap_or(1);
            for (migration, code, count) in counts {
                match migration {
                    Some(migration) => writeln!(
                        out,
                        "{count:>width$}\t{}\t{}\t{}",
                        one_line(migration),
                        code.as_str(),
                        code.name()
                    )?,
                    None => writeln!(out, "{count:>width$}\t{}\t{}", code.as_str(), code.name())?,
                }
            }
            Ok(())
        }
    }
}

/// The closing lines of the text formats: the rules' warnings, paths that could not be checked,
/// files with syntax errors, the counts, and when a path was not checked, that the counts leave
/// it out. With several migrations the counts are the total line, then one line per migration:
/// its id and symbol, its findings by severity, and the files that bind its symbol from each side.
/// `show_path` is how the format prints a path (and a message, which names paths).
///
/// A rule warning is `warning: rule `ID` (FILE:LINE): MESSAGE`, the rule file's id and the line
/// of the value it is about; with several migrations the message starts with the migration,
/// `[ID] `, as findings name theirs (a rule that moves several classes is several migrations).
fn write_closing(
    out: &mut dyn Write,
    result: &ScanResult,
    show_path: fn(&str) -> Cow<'_, str>,
) -> io::Result<()> {
    for (migration, warning) in rule_warnings(result) {
        let tag = warning_tag(result, migration)
            .map(|id| format!("[{}] ", show_path(id)))
            .unwrap_or_default();
        writeln!(
            out,
            "warning: rule `{}` ({}:{}): {tag}{}",
            show_path(&migration.rule),
            show_path(&warning.rule_file),
            warning.line,
            show_path(&warning.message),
        )?;
    }
    for error in &result.errors {
        let message = error.message();
        match &error.path {
            Some(path) => writeln!(out, "{}: error: {}", show_path(path), show_path(&message))?,
            None => writeln!(out, "error: {}", show_path(&message))?,
        }
    }
    for file in result.files.iter().filter(|f| f.parse_error) {
        writeln!(
            out,
            "{}: syntax error: findings inside the broken part of the file may be missing",
            show_path(&file.path)
        )?;
    }
    let summary = Summary::of(result);
    let total = summary.findings.total();
    let files = format!(
        "{} {}",
        summary.files_scanned,
        plural(summary.files_scanned, "file", "files")
    );
    if total == 0 {
        writeln!(
            out,
            "No findings for {} in {files}.",
            symbols(result, show_path)
        )?;
    } else if several_migrations(result) {
        writeln!(
            out,
            "Found {total} {} {} in {} of {files}; by migration:",
            plural(total, "finding", "findings"),
            by_severity(&summary.findings),
            summary.files_with_findings,
        )?;
    } else {
        let (deprecated, ssot, mixed) = summary.migrations.first().map_or((0, 0, 0), |m| {
            (m.files_deprecated, m.files_ssot, m.files_mixed)
        });
        writeln!(
            out,
            "Found {total} {} {} in {} of {files}; {}: {deprecated} deprecated, {ssot} SSOT, {mixed} mixed.",
            plural(total, "finding", "findings"),
            by_severity(&summary.findings),
            summary.files_with_findings,
            symbols(result, show_path),
        )?;
    }
    if several_migrations(result) {
        for counts in &summary.migrations {
            let n = counts.findings.total();
            writeln!(
                out,
                "  {} (`{}`): {n} {} {}; {} deprecated, {} SSOT, {} mixed.",
                show_path(&counts.migration.id),
                show_path(&counts.migration.symbol),
                plural(n, "finding", "findings"),
                by_severity(&counts.findings),
                counts.files_deprecated,
                counts.files_ssot,
                counts.files_mixed,
            )?;
        }
    }
    let unchecked = result.errors.len();
    if unchecked > 0 {
        writeln!(
            out,
            "{unchecked} {} could not be checked (see above): the counts leave {} out.",
            plural(unchecked, "path", "paths"),
            plural(unchecked, "it", "them"),
        )?;
    }
    Ok(())
}

/// `(1 error, 2 warnings, 0 info)`.
fn by_severity(counts: &FindingCounts) -> String {
    format!(
        "({} {}, {} {}, {} info)",
        counts.errors,
        plural(counts.errors, "error", "errors"),
        counts.warnings,
        plural(counts.warnings, "warning", "warnings"),
        counts.infos,
    )
}

/// The migrated symbols, as the summary line names them: `` `A` `` or `` `A`, `B` ``.
fn symbols(result: &ScanResult, show: fn(&str) -> Cow<'_, str>) -> String {
    let quoted: Vec<String> = result
        .migrations
        .iter()
        .map(|migration| format!("`{}`", show(&migration.symbol)))
        .collect();
    quoted.join(", ")
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
    use std::path::Path;

    use serde_json::{json, Value};

    use super::{one_line, write_report, Format};
    use crate::error::Error;
    use crate::migration::MigrationOracle;
    use crate::scan::{FileError, ScanResult};
    use crate::workspace::{Sources, Workspace};

    /// One error of each kind `ScanResult::errors` holds, and one without a path.
    fn every_kind_of_error(root: &Path) -> ScanResult {
        let rule = crate::rules::load_rules(&[]).unwrap().remove(0);
        let workspace = Workspace::new(root, &[], Sources::disk());
        let migration = MigrationOracle::new(std::sync::Arc::new(workspace), rule);
        let io = |kind: std::io::ErrorKind| std::io::Error::from(kind);
        let error =
            |path: Option<&str>, error: Error| FileError::new(path.map(Path::new), error, root);
        let mut result = ScanResult {
            migrations: vec![migration.summary()],
            files: Vec::new(),
            errors: Vec::new(),
            stats: Default::default(),
        };
        // The built-in rule's modules are not in this repository, so it has warnings; they are
        // not errors, and `two_migrations::a_rule_warning_reaches_every_format` follows them.
        result.migrations[0].warnings.clear();
        result.add_errors([
            error(
                Some("app/gone.py"),
                Error::io(Path::new("./app/gone.py"), io(std::io::ErrorKind::NotFound)),
            ),
            error(
                Some("app/locked"),
                Error::Walk("./app/locked: Permission denied (os error 13)".to_owned()),
            ),
            error(Some("nope.py"), Error::MissingPath("nope.py".to_owned())),
            error(
                Some("app/lost.py"),
                Error::Git {
                    message: "cannot read the staged version of `app/lost.py` (blob 1234567): the object is missing".to_owned(),
                    help: None,
                },
            ),
            error(Some("app/bug.py"), Error::Internal("app/bug.py".to_owned())),
            error(None, Error::Walk("a walk error that names no path".to_owned())),
        ]);
        result
    }

    fn render(format: Format, result: &ScanResult) -> String {
        let mut out = Vec::new();
        write_report(&mut out, format, result, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The `(path, kind, message)` of each error, in report order.
    fn expected(result: &ScanResult) -> Vec<(Option<String>, &'static str, String)> {
        result
            .errors
            .iter()
            .map(|e| (e.path.clone(), e.kind(), e.message()))
            .collect()
    }

    #[test]
    fn every_kind_of_error_reaches_every_format() {
        let root = std::env::current_dir().unwrap();
        let result = every_kind_of_error(&root);
        let expected = expected(&result);
        assert_eq!(
            expected
                .iter()
                .map(|(path, kind, _)| (path.as_deref(), *kind))
                .collect::<Vec<_>>(),
            [
                (None, "io-error"),
                (Some("app/bug.py"), "internal-error"),
                (Some("app/gone.py"), "io-error"),
                (Some("app/locked"), "io-error"),
                (Some("app/lost.py"), "io-error"),
                (Some("nope.py"), "missing-path"),
            ],
            "sorted by path, each of its kind"
        );
        let as_json = |(path, kind, message): &(Option<String>, &str, String)| json!({"path": path, "kind": kind, "message": message});

        let report: Value = serde_json::from_str(&render(Format::Json, &result)).unwrap();
        assert_eq!(
            report["errors"],
            Value::Array(expected.iter().map(as_json).collect())
        );
        assert_eq!(report["summary"]["errors"], 6);

        let lines: Vec<Value> = render(Format::JsonLines, &result)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let with_type = |e: &(Option<String>, &str, String)| {
            let mut line = json!({"type": "error"});
            line.as_object_mut()
                .unwrap()
                .extend(as_json(e).as_object().unwrap().clone());
            line
        };
        assert_eq!(lines, expected.iter().map(with_type).collect::<Vec<_>>());

        let sarif: Value = serde_json::from_str(&render(Format::Sarif, &result)).unwrap();
        let invocation = &sarif["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notifications.len(), 6);
        for (notification, (path, kind, message)) in notifications.iter().zip(&expected) {
            assert_eq!(notification["level"], "error");
            assert_eq!(notification["descriptor"]["id"], *kind);
            assert_eq!(notification["message"]["text"], *message);
            let uri = &notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
            assert_eq!(uri.as_str(), path.as_deref(), "{notification:#}");
        }

        let junit = render(Format::Junit, &result);
        assert!(
            junit.contains(
                "<testsuites name=\"ssot-guard\" tests=\"6\" failures=\"0\" errors=\"6\">"
            ),
            "{junit}"
        );
        assert!(!junit.contains("No findings"), "{junit}");
        for (path, kind, message) in &expected {
            let file = path
                .as_ref()
                .map(|p| format!(" file=\"{p}\""))
                .unwrap_or_default();
            let case = format!(
                "<testcase name=\"{kind}\" classname=\"{}\"{file}>",
                path.as_deref()
                    .map_or("ssot-guard", |p| p.strip_suffix(".py").unwrap_or(p))
            );
            assert!(junit.contains(&case), "{case} in {junit}");
            let error = format!(
                "<error message=\"{}\" type=\"{kind}\">",
                super::junit::escape_attribute(message)
            );
            assert!(junit.contains(&error), "{error} in {junit}");
        }

        let github = render(Format::Github, &result);
        let commands: Vec<String> = expected
            .iter()
            .map(|(path, kind, message)| match path {
                Some(path) => format!("::error title={kind},file={path}::{message}\n"),
                None => format!("::error title={kind}::{message}\n"),
            })
            .collect();
        assert_eq!(github, commands.concat());

        let gitlab: Value = serde_json::from_str(&render(Format::Gitlab, &result)).unwrap();
        let issues = gitlab.as_array().unwrap();
        assert_eq!(issues.len(), 6);
        for (issue, (path, kind, message)) in issues.iter().zip(&expected) {
            assert_eq!(issue["check_name"], *kind);
            assert_eq!(issue["severity"], "blocker");
            assert_eq!(issue["description"], format!("{kind}: {message}"));
            assert_eq!(issue["location"]["path"], path.as_deref().unwrap_or("."));
            assert_eq!(issue["location"]["lines"], json!({"begin": 1, "end": 1}));
        }
        let fingerprints: std::collections::BTreeSet<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(fingerprints.len(), 6, "unique");

        let mut text: Vec<String> = expected
            .iter()
            .map(|(path, _, message)| match path {
                Some(path) => format!("{path}: error: {message}"),
                None => format!("error: {message}"),
            })
            .collect();
        text.push("No findings for `DeepAgentState` in 0 files.".to_owned());
        text.push(
            "6 paths could not be checked (see above): the counts leave them out.".to_owned(),
        );
        let text = text.join("\n") + "\n";
        assert_eq!(render(Format::Concise, &result), text);
        assert_eq!(render(Format::Human, &result), text);
    }

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
