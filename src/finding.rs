//! A finding: what one check reports about one place in one file.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::codes::Code;
use crate::fix::FixState;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// Errors and warnings fail a run (exit code 1); information does not.
    pub fn fails(self) -> bool {
        matches!(self, Severity::Error | Severity::Warning)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where the migrated class a file (or one binding) uses comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResolvesTo {
    Deprecated,
    Ssot,
    Both,
}

impl crate::fixpoint::Join for ResolvesTo {
    fn join(self, other: ResolvesTo) -> ResolvesTo {
        self.merge(other)
    }
}

impl ResolvesTo {
    pub fn merge(self, other: ResolvesTo) -> ResolvesTo {
        if self == other {
            self
        } else {
            ResolvesTo::Both
        }
    }

    pub fn merge_option(this: Option<ResolvesTo>, other: ResolvesTo) -> ResolvesTo {
        match this {
            Some(this) => this.merge(other),
            None => other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ResolvesTo::Deprecated => "deprecated",
            ResolvesTo::Ssot => "ssot",
            ResolvesTo::Both => "both",
        }
    }
}

/// A position in a file: byte range plus 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub start_byte: usize,
    pub end_byte: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The id of the migration rule the finding belongs to.
    pub migration: Arc<str>,
    pub code: Code,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    pub help: Option<String>,
    pub symbol: String,
    pub member: Option<String>,
    /// Source text of the expression whose member is accessed (`state`, `self.state`).
    pub receiver: Option<String>,
    /// Qualified name of the enclosing scope (`Agent.run`), part of the fingerprint so that it
    /// survives lines moving but tells apart the same access in two functions.
    pub scope: String,
    /// Set once the file's findings are complete (see [`fingerprint`]).
    pub fingerprint: String,
    /// The bytes of the member's name as written (the attribute, the keyword, the string's
    /// text), where a rename from the rule edits the file; for an SSOT001 on a string that
    /// names the class's deprecated path, the string's text.
    pub member_span: Option<Range<usize>>,
    /// The project module, other than a deprecated one, that an SSOT001 reference takes the
    /// class from (a re-export): moving that module moves this file too.
    pub through: Option<String>,
    /// The fix, or why there is none; `None` for findings no fix concerns (see `fix::forward`).
    pub fix: Option<FixState>,
}

impl Finding {
    /// The sort order of reports: line, column, then code and member.
    pub fn sort_key(&self) -> (usize, usize, Code, Option<&str>) {
        (
            self.location.line,
            self.location.column,
            self.code,
            self.member.as_deref(),
        )
    }
}

/// A stable fingerprint: FNV-1a over what identifies the finding apart from its position, plus
/// its occurrence index among findings with the same identity in the file.
pub fn fingerprint(path: &str, finding: &Finding, occurrence: usize) -> String {
    fnv1a(&[
        finding.code.as_str(),
        path,
        &finding.symbol,
        finding.member.as_deref().unwrap_or(""),
        finding.receiver.as_deref().unwrap_or(""),
        &finding.scope,
        &occurrence.to_string(),
    ])
}

/// FNV-1a (64 bits) over the parts, each ended by a byte UTF-8 never holds, in hex.
pub fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
