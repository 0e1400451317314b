//! `--format json-lines`: one compact JSON object per finding per line, with exactly the fields of
//! the JSON report's findings, then one per rule warning: `"type": "rule-warning"`, the
//! `migration` id and the fields of a warning in the JSON report's `migrations[].warnings`
//! (`message`, `rule_file`, `line`), then one per path that could not be checked:
//! `"type": "error"` and the fields of the JSON report's errors. No findings, no warnings and no
//! errors, no output.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{JsonError, JsonFinding};
use crate::migration::RuleWarning;
use crate::scan::ScanResult;

/// An error record: told apart from findings by `type`, which findings do not have.
#[derive(Serialize)]
struct ErrorLine<'a> {
    r#type: &'static str,
    #[serde(flatten)]
    error: JsonError<'a>,
}

/// A rule warning record: told apart from findings and errors by `type`.
#[derive(Serialize)]
struct WarningLine<'a> {
    r#type: &'static str,
    migration: &'a str,
    #[serde(flatten)]
    warning: &'a RuleWarning,
}

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    for finding in result.files.iter().flat_map(JsonFinding::of_file) {
        serde_json::to_writer(&mut *out, &finding)?;
        writeln!(out)?;
    }
    for (migration, warning) in super::rule_warnings(result) {
        let line = WarningLine {
            r#type: super::RULE_WARNING,
            migration: &migration.id,
            warning,
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    for error in &result.errors {
        let line = ErrorLine {
            r#type: "error",
            error: JsonError::new(error),
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    Ok(())
}
