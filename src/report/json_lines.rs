//! `--format json-lines`: one compact JSON object per finding per line, with exactly the fields of
//! the JSON report's findings. No findings, no output.

use std::io::{self, Write};

use super::json::JsonFinding;
use crate::scan::ScanResult;

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    for (file, finding) in result.findings() {
        serde_json::to_writer(&mut *out, &JsonFinding::new(file, finding))?;
        writeln!(out)?;
    }
    Ok(())
}
