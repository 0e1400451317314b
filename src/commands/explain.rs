//! `ssot-guard explain`: a finding code's documentation, like `ruff rule`.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use crate::codes::Code;
use crate::error::{Error, Result};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code (`SSOT002`) or its name (`missing-member`).
    #[arg(value_parser = parse_code, required_unless_present = "all")]
    code: Option<Code>,
    /// List every code.
    #[arg(long, conflicts_with = "code")]
    all: bool,
}

/// Reads a code (`SSOT002`) or its name (`missing-member`), for clap.
pub(crate) fn parse_code(text: &str) -> std::result::Result<Code, String> {
    Code::parse(text).ok_or_else(|| {
        format!(
            "unknown code `{text}` (known: {})",
            Code::ALL.map(Code::as_str).join(", ")
        )
    })
}

pub fn run(args: &ExplainArgs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    let written = match args.code {
        Some(code) => write_explanation(&mut out, code),
        None => Code::ALL.iter().try_for_each(|code| {
            writeln!(
                out,
                "{}  {:<18} {}",
                code.as_str(),
                code.name(),
                code.doc().summary
            )
        }),
    };
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io(Path::new("<stdout>"), e)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn write_explanation(out: &mut dyn Write, code: Code) -> io::Result<()> {
    let doc = code.doc();
    let indent = |text: &str| {
        text.lines()
            .map(|line| format!("    {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    writeln!(out, "# {} ({})\n", code.as_str(), code.name())?;
    writeln!(out, "## What it does\n{}\n", doc.what)?;
    writeln!(out, "## Why is this bad?\n{}\n", doc.why)?;
    writeln!(out, "## Example\n{}\n", indent(doc.example))?;
    writeln!(out, "## Use instead\n{}", indent(doc.fix))
}
