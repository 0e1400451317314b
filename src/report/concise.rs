//! `--format concise`: one line per finding, `path:line:column: CODE message` (as ruff's concise
//! output), then the summary line of the human format.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::project::Project;
use crate::scan::ScanResult;

pub fn write(out: &mut dyn Write, result: &ScanResult, project: &Project) -> io::Result<()> {
    for (file, finding) in result.findings() {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            one_line(&file.path),
            finding.location.line,
            finding.location.column,
            finding.code.as_str(),
            one_line(&finding.message),
        )?;
    }
    super::write_closing(out, result, project, one_line)
}

/// `text` with control characters escaped as Rust writes them (`\n`, `\t`, `\u{1b}`), so that a
/// file name holding a newline cannot split a finding over two lines.
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
    }
}
