//! `--format gitlab`: a GitLab code quality report (the Code Climate issue format GitLab reads):
//! a JSON array of `{description, check_name, fingerprint, severity, categories, location}`.
//!
//! Severities: an error raises at run time today (`AttributeError`, `ImportError`), so it is
//! `critical`; a warning blocks the migration but works, `minor`; information is `info`. A path
//! that could not be checked (`check_name` `io-error`, `missing-path` or `internal-error`, line 1)
//! is a `blocker`: nothing about it is known. A rule warning (`check_name` `rule-warning`, at its
//! line of the rule file) is `info`: it says how the rule reads this project, and fails nothing.
//!
//! A finding's description ends with its fix line after `; ` (`...; fix (safe): REASON`).
//!
//! When the scan has several migrations, the description names the finding's migration
//! (`SSOT002 [deepagentstate]: ...`) and the fingerprint folds its id in, so that two
//! migrations' findings at one place stay two issues. With one migration both are as they were
//! before a scan could hold several (adding a second rule changes every fingerprint once).

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;

use super::fixes::fix_line;
use crate::finding::fnv1a;
use crate::scan::ScanResult;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn write(out: &mut dyn Write, result: &ScanResult) -> io::Result<()> {
    let mut seen = HashSet::new();
    let mut issues: Vec<Issue<'_>> = result
        .findings()
        .map(|(file, finding)| Issue {
            // GitLab shows the description but not `check_name`, so the code leads it.
            description: {
                let mut description = format!(
                    "{}: {}",
                    super::tagged(result, finding, finding.code.as_str()),
                    finding.message
                );
                if let Some(fix) = &finding.fix {
                    description.push_str("; ");
                    description.push_str(&fix_line(fix));
                }
                description
            },
            check_name: finding.code.as_str(),
            fingerprint: unique_fingerprint(
                &mut seen,
                &match super::migration_tag(result, finding) {
                    Some(id) => fnv1a(&[id, &finding.fingerprint]),
                    None => finding.fingerprint.clone(),
                },
            ),
            severity: finding.code.gitlab_severity(finding.severity),
            categories: [finding.code.gitlab_category()],
            location: Location {
                path: &file.path,
                lines: Lines {
                    begin: finding.location.line,
                    end: finding.location.end_line,
                },
            },
        })
        .collect();
    issues.extend(
        super::rule_warnings(result).map(|(migration, warning)| Issue {
            description: match super::warning_tag(result, migration) {
                Some(id) => format!("{} [{id}]: {}", super::RULE_WARNING, warning.message),
                None => format!("{}: {}", super::RULE_WARNING, warning.message),
            },
            check_name: super::RULE_WARNING,
            // The migration and the message (which names the module and its role) tell the
            // warnings apart; the line moves when the rule file is edited above it, and the
            // rule file's path is as the command line gave it, so neither is in it.
            fingerprint: unique_fingerprint(
                &mut seen,
                &fnv1a(&[super::RULE_WARNING, &migration.id, &warning.message]),
            ),
            severity: "info",
            // A module the project does not have is most often a misspelt one: the rule then
            // checks less than it should.
            categories: ["Bug Risk"],
            location: Location {
                path: &warning.rule_file,
                lines: Lines {
                    begin: warning.line,
                    end: warning.line,
                },
            },
        }),
    );
    issues.extend(result.errors.iter().map(|error| Issue {
        description: format!("{}: {}", error.kind(), error.message()),
        check_name: error.kind(),
        fingerprint: unique_fingerprint(&mut seen, &error.fingerprint()),
        // The file was not checked at all: worse than any finding in it could be.
        severity: "blocker",
        categories: ["Bug Risk"],
        location: Location {
            // GitLab needs a path; a walk error without one is about the scan as a whole.
            path: error.path.as_deref().unwrap_or("."),
            lines: Lines { begin: 1, end: 1 },
        },
    }));
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// Our fingerprint already names the file (below the project root) and tells apart repeated
/// findings in it; should two findings still share one (a hash collision, or one file reached by
/// two paths), later ones are rehashed until unique, because GitLab drops issues whose
/// fingerprint repeats.
fn unique_fingerprint(seen: &mut HashSet<String>, fingerprint: &str) -> String {
    let mut candidate = fingerprint.to_owned();
    let mut salt = 0u32;
    while !seen.insert(candidate.clone()) {
        salt += 1;
        candidate = format!("{fingerprint}-{salt}");
    }
    candidate
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::unique_fingerprint;

    #[test]
    fn repeated_fingerprints_are_made_unique() {
        let mut seen = HashSet::new();
        assert_eq!(unique_fingerprint(&mut seen, "ab"), "ab");
        assert_eq!(unique_fingerprint(&mut seen, "ab"), "ab-1");
        assert_eq!(unique_fingerprint(&mut seen, "ab"), "ab-2");
        assert_eq!(unique_fingerprint(&mut seen, "cd"), "cd");
    }
}
