//! `--format json-lines`: one compact JSON object per finding per line, with exactly the fields of
//! the JSON report's findings, then one per path that could not be checked: `"type": "error"` and
//! the fields of the JSON report's errors. No findings and no errors, no output.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{JsonError, JsonFinding};
use crate::scan::ScanResult;

/// An error record: told apart from findings by `type`, which findings do not have.
#[derive(Serialize)]
struct ErrorLine<'a> {
    r#type: &'static str,
    #[serde(flatten)]
    error: JsonError<'a>,
}

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    for (file, finding) in result.findings() {
        serde_json::to_writer(&mut *out, &JsonFinding::new(file, finding))?;
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
