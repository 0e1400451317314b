//! `--format concise`: one line per finding, `path:line:column: CODE message` (as ruff's concise
//! output), then the summary line of the human format. When the scan has several migrations,
//! the code is followed by the finding's migration: `path:line:column: CODE [id] message`.
//! A finding with a safe fix ends with ` [*]`, one with an unsafe fix with ` [**]`.

use std::io::{self, Write};

use super::one_line;
use crate::scan::ScanResult;

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    for (file, finding) in result.findings() {
        writeln!(
            out,
            "{}:{}:{}: {} {}{}",
            one_line(&file.path),
            finding.location.line,
            finding.location.column,
            one_line(&super::tagged(result, finding, finding.code.as_str())),
            one_line(&finding.message),
            super::fixes::fix_mark(finding),
        )?;
    }
    super::write_closing(out, result, one_line)
}
