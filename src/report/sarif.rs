//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. One run; the
//! driver lists every code as a rule, with the documentation of [`Code::doc`]; each result points
//! at its rule by id and index and carries our fingerprint in `partialFingerprints`, so that a
//! viewer follows a finding across commits.
//!
//! Paths are relative to the folder the scan ran in (in CI, the checkout), so they become relative
//! URI references against `%SRCROOT%`, percent-encoded (RFC 3986) so that any file name survives.
//! Columns count characters: `columnKind` is `unicodeCodePoints`.
//!
//! Rule ids stay the codes. Each result names its migration in `properties.migration` (the rule
//! id of ssot-guard's rule file, not SARIF's rule), and the run lists the scan's migrations in
//! `properties.migrations` (id, symbol, deprecated modules, SSOT module). The partial fingerprint
//! `ssotGuard/v2` is `<migration id>:<fingerprint>`, always, so that two migrations' findings at
//! one place are two results, and a migration's fingerprints do not depend on which other rules
//! are loaded; it replaced `ssotGuard/v1` (the fingerprint alone), so a viewer that knew v1
//! alerts sees them once as fixed and new.
//!
//! A result whose finding has a fix carries it in `fixes` (one fix, one artifact change on the
//! result's file, one replacement per edit); its description is `APPLICABILITY: REASON`. A finding
//! without a fix has no `fixes`, and SARIF has no place for why.
//!
//! A path that could not be checked is not a result (nothing was found in it) but a
//! `toolExecutionNotification` of the run's invocation, which is then not `executionSuccessful`.
//! A rule warning is about how ssot-guard was configured, not about the code, so it is a
//! `toolConfigurationNotification` of the invocation: level `warning`, descriptor id
//! `rule-warning`, located at its line of the rule file, its migration in `properties.migration`.
//! It leaves `executionSuccessful` as it is: the scan ran in full.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::fixes::{edited_text, Places};
use crate::codes::Code;
use crate::finding::Severity;
use crate::fix::{Fix, FixState};
use crate::scan::ScanResult;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "ssotGuard/v2";
const SRCROOT: &str = "%SRCROOT%";

/// Cargo.toml's `repository`; it is not set yet, hence the fallback.
const INFORMATION_URI: &str = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    "https://github.com/ssot-guard/ssot-guard"
} else {
    env!("CARGO_PKG_REPOSITORY")
};

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    let mut results: Vec<Value> = Vec::new();
    for file in &result.files {
        let text = edited_text(file);
        let places = Places::new(&text);
        results.extend(file.findings.iter().map(|finding| {
            let location = &finding.location;
            let mut sarif_result = json!({
                "ruleId": finding.code.as_str(),
                "ruleIndex": rule_index(finding.code),
                "level": level(finding.severity),
                "message": {"text": finding.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&file.path),
                        "region": {
                            "startLine": location.line,
                            "startColumn": location.column,
                            "endLine": location.end_line,
                            "endColumn": location.end_column,
                        },
                    },
                }],
                "partialFingerprints": {
                    FINGERPRINT_KEY: format!("{}:{}", finding.migration, finding.fingerprint),
                },
                "properties": {"migration": &*finding.migration},
            });
            // SARIF wants at least one replacement per artifact change.
            let fix = finding.fix.as_ref().and_then(FixState::fix);
            if let Some(fix) = fix.filter(|fix| !fix.edits.is_empty()) {
                sarif_result["fixes"] = json!([sarif_fix(fix, &file.path, &places)]);
            }
            sarif_result
        }));
    }
    let migrations: Vec<Value> = result
        .migrations
        .iter()
        .map(|migration| {
            json!({
                "id": &*migration.id,
                "symbol": migration.symbol,
                "deprecated": migration.deprecated,
                "ssot": migration.ssot,
            })
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ssot-guard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": Code::ALL.map(rule),
                },
            },
            "invocations": [invocation(result)],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"migrations": migrations},
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A finding's fix: its applicability and reason as the description, its edits as the
/// replacements of one artifact change. An insertion deletes an empty region (start and end
/// equal); a region's end is the column after its last character, as for results. Display-only
/// fixes are listed too: SARIF consumers show fixes, they do not apply them on their own.
fn sarif_fix(fix: &Fix, path: &str, places: &Places<'_>) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|edit| {
            let (start, end) = (places.at(edit.range.start), places.at(edit.range.end));
            json!({
                "deletedRegion": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
                "insertedContent": {"text": edit.content},
            })
        })
        .collect();
    json!({
        "description": {"text": format!("{}: {}", fix.applicability.as_str(), fix.reason)},
        "artifactChanges": [{
            "artifactLocation": artifact_location(path),
            "replacements": replacements,
        }],
    })
}

/// The run's one invocation: successful unless a path could not be checked, each such path a
/// tool execution notification (level error, the reason, the artifact) and so left unjudged;
/// then the rule warnings as tool configuration notifications.
fn invocation(result: &ScanResult) -> Value {
    let mut invocation = json!({"executionSuccessful": result.errors.is_empty()});
    if !result.errors.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(execution_notifications(result));
    }
    let warnings: Vec<Value> = super::rule_warnings(result)
        .map(|(migration, warning)| {
            json!({
                "descriptor": {"id": super::RULE_WARNING},
                "level": "warning",
                "message": {"text": warning.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&warning.rule_file),
                        "region": {"startLine": warning.line},
                    },
                }],
                "properties": {"migration": &*migration.id},
            })
        })
        .collect();
    if !warnings.is_empty() {
        invocation["toolConfigurationNotifications"] = Value::Array(warnings);
    }
    invocation
}

/// Each path that could not be checked, as a tool execution notification.
fn execution_notifications(result: &ScanResult) -> Vec<Value> {
    result
        .errors
        .iter()
        .map(|error| {
            let mut notification = json!({
                "descriptor": {"id": error.kind()},
                "level": "error",
                "message": {"text": error.message()},
            });
            if let Some(path) = &error.path {
                notification["locations"] = json!([{
                    "physicalLocation": {"artifactLocation": artifact_location(path)},
                }]);
            }
            notification
        })
        .collect()
}

fn rule_index(code: Code) -> usize {
    Code::ALL
        .iter()
        .position(|c| *c == code)
        .expect("every code is in Code::ALL")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(code: Code) -> Value {
    let doc = code.doc();
    json!({
        "id": code.as_str(),
        "name": code.name(),
        "shortDescription": {"text": capitalized(doc.summary)},
        "fullDescription": {"text": format!("{}\n\n{}", doc.what, doc.why)},
        "help": {
            "text": format!(
                "{}\n\n{}\n\nExample:\n\n{}\n\nUse instead:\n\n{}",
                doc.what,
                doc.why,
                indent(doc.example),
                if is_code(doc.fix) { indent(doc.fix) } else { doc.fix.to_owned() },
            ),
            "markdown": format!(
                "## What it does\n\n{}\n\n## Why is this bad?\n\n{}\n\n## Example\n\n```python\n{}\n```\n\n## Use instead\n\n{}",
                doc.what,
                doc.why,
                doc.example,
                if is_code(doc.fix) {
                    format!("```python\n{}\n```", doc.fix)
                } else {
                    doc.fix.to_owned()
                },
            ),
        },
        "defaultConfiguration": {"level": code.sarif_level()},
    })
}

/// A fix is prose or Python; a Python line cannot end with a period.
fn is_code(text: &str) -> bool {
    !text.ends_with('.')
}

fn indent(code: &str) -> String {
    code.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("    {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A finding's path as a SARIF artifact location: a relative path is a relative reference
/// resolved against `%SRCROOT%`; an absolute one (a file outside the scanned folder, named by its
/// full path) is a `file:` URI.
fn artifact_location(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", percent_encode_path(path))})
    } else if let Some(drive) = windows_drive(path) {
        json!({"uri": format!("file:///{drive}{}", percent_encode_path(&path[drive.len()..]))})
    } else {
        json!({"uri": percent_encode_path(path), "uriBaseId": SRCROOT})
    }
}

/// `C:` of `C:/...`.
fn windows_drive(path: &str) -> Option<&str> {
    let bytes = path.as_bytes();
    (bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/')
        .then(|| &path[..2])
}

/// A `/`-separated path as the path of a URI (RFC 3986): every byte of its UTF-8 but the unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) and `/` is percent-encoded. That is more than the grammar
/// needs, and leaves nothing to a reader's interpretation: a `:` in the first segment cannot pass
/// for a scheme, a `#` or `?` for a fragment or query, a `%` for an escape.
pub(crate) fn percent_encode_path(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    encoded
}

/// SARIF viewers show the short description as a sentence.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{artifact_location, percent_encode_path, rule_index};
    use crate::codes::Code;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(percent_encode_path("pkg/mod_1.py"), "pkg/mod_1.py");
        assert_eq!(percent_encode_path("my dir/a b.py"), "my%20dir/a%20b.py");
        assert_eq!(percent_encode_path("a#b?c%d.py"), "a%23b%3Fc%25d.py");
        assert_eq!(
            percent_encode_path("q\"'`$(x).py"),
            "q%22%27%60%24%28x%29.py"
        );
        assert_eq!(
            percent_encode_path("line\nbreak\r.py"),
            "line%0Abreak%0D.py"
        );
        assert_eq!(percent_encode_path("c:d/é.py"), "c%3Ad/%C3%A9.py");
    }

    #[test]
    fn relative_paths_resolve_against_srcroot_and_absolute_ones_are_file_uris() {
        assert_eq!(
            artifact_location("src/a b.py"),
            serde_json::json!({"uri": "src/a%20b.py", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("../other/x.py"),
            serde_json::json!({"uri": "../other/x.py", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("/tmp/a#b.py"),
            serde_json::json!({"uri": "file:///tmp/a%23b.py"})
        );
        assert_eq!(
            artifact_location("C:/work/a b.py"),
            serde_json::json!({"uri": "file:///C:/work/a%20b.py"})
        );
    }

    #[test]
    fn rule_indexes_follow_the_code_table() {
        for (index, code) in Code::ALL.into_iter().enumerate() {
            assert_eq!(rule_index(code), index);
        }
    }
}
