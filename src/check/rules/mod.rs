//! One file per finding code, named after the code's name. A rule file holds everything about its
//! code: the detector the visitor calls, the message and help it writes, and its [`Policy`]
//! (the documentation `explain` prints and SARIF carries, the severity of its findings, its
//! SARIF level, its GitLab severity and category, and whether a finding fails the file today,
//! which rollback looks for). [`crate::codes`] keeps the code table and reads the policy from
//! here; the reports and rollback ask [`crate::codes::Code`].
//!
//! To add a code:
//! 1. a new file here, `<name>.rs`: a `pub(crate) static POLICY: Policy` and the detector, which
//!    reports through [`Context::report`](super::context::Context::report), and its cases in
//!    `tests.rs` (a snippet each, positive and negative, with the exact findings);
//! 2. its `mod` line below;
//! 3. in `codes.rs`: the variant (with its `SSOTnnn` serde name), its place in `Code::ALL`, its
//!    arms in `as_str`, `name` and `policy`;
//! 4. in [`super::context`]: the call to the detector where the visitor meets what it judges
//!    (or, for a new kind of node, a branch of `Checker::enter`). A detector that reacts to a
//!    name other than the class's and its aliases (as SSOT002 and SSOT006 react to the reflection
//!    builtins, [`REFLECTION_BUILTINS`](super::context::REFLECTION_BUILTINS)) needs sparse
//!    parsing (`super::sparse`) to keep the statements that mention that name.
//!
//! Nothing in `report/` or `rollback/` changes. What lists every code changes with it: README's
//! code table, the SARIF snapshot (`tests/snapshots/formats__handlers_sarif.snap`, whose driver
//! lists every rule) and, when the code finds something in the example back end, its expected
//! findings (`tests/expected/backend.findings`, README's counts).

pub(crate) mod deprecated_import;
pub(crate) mod dropped_field;
pub(crate) mod guarded_access;
pub(crate) mod missing_member;
pub(crate) mod mixed_sources;
pub(crate) mod unresolved_import;

#[cfg(test)]
mod tests;

use tree_sitter::Node;

use crate::codes::CodeDoc;
use crate::finding::{ResolvesTo, Severity};

use super::context::Context;

/// How a code is documented and weighed, outside the check itself.
pub(crate) struct Policy {
    pub(crate) doc: CodeDoc,
    /// SARIF's `defaultConfiguration.level`: the level of the code's most severe findings.
    pub(crate) sarif_level: &'static str,
    /// The GitLab code quality severity of a finding of this code.
    pub(crate) gitlab_severity: fn(Severity) -> &'static str,
    /// The Code Climate category GitLab files the code under.
    pub(crate) gitlab_category: &'static str,
    /// Whether a finding of this code, at this severity, means the file fails today (raises, or
    /// loses data): what rollback looks for in history. Not what fails a `check` run, which is
    /// every error and warning ([`Severity::fails`]).
    pub(crate) fails_today: fn(Severity) -> bool,
}

/// The GitLab severity every code uses so far: an error raises at run time today, `critical`; a
/// warning blocks the migration but works, `minor`; information is `info`.
fn gitlab_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The severity of a finding on an instance (SSOT002, SSOT003): the SSOT class breaks today
/// (error) or will once the file uses it (warning). `Both` may be the SSOT class at run time, so
/// it is an error.
fn instance_severity(origin: ResolvesTo) -> Severity {
    match origin {
        ResolvesTo::Deprecated => Severity::Warning,
        ResolvesTo::Ssot | ResolvesTo::Both => Severity::Error,
    }
}

/// An imported name in a message: one of the class's names, or an alias of it.
fn named(ctx: &Context<'_, '_>, name: &str) -> String {
    let rule = &ctx.migration.rule;
    if name == rule.symbol {
        format!("`{name}`")
    } else if rule.names_class(name) {
        format!("`{name}` (the new name of `{}`)", rule.symbol)
    } else {
        format!("`{name}` (`{}` under another name)", rule.symbol)
    }
}

/// The help of the import findings: the SSOT import, under the class's new name when it has one.
fn ssot_import_help(ctx: &Context<'_, '_>) -> String {
    let rule = &ctx.migration.rule;
    match &rule.new_name {
        Some(new_name) => format!(
            "import it from the SSOT module under its new name: `from {} import {new_name}`, \
             and rename `{}` to `{new_name}` where this file uses it",
            rule.ssot, rule.symbol
        ),
        None => format!(
            "import it from the SSOT module: `from {} import {}`",
            rule.ssot, rule.symbol
        ),
    }
}

/// The help of the member findings: the SSOT class's name for the member, if the rule renames it.
fn member_help(ctx: &Context<'_, '_>, member: &str) -> String {
    match ctx.migration.rule.renames.get(member) {
        Some(renamed) => format!("the SSOT class calls it `{renamed}`: use `{renamed}` instead of `{member}`"),
        None => format!(
            "`{}.{}` has no `{member}`: move this logic off the state object or add `{member}` to the SSOT class",
            ctx.migration.rule.ssot,
            ctx.migration.rule.ssot_name()
        ),
    }
}

/// The receiver as written, on one line and at most 80 characters.
fn receiver_text(node: Node<'_>, source: &[u8]) -> String {
    let raw = String::from_utf8_lossy(&source[node.byte_range()]);
    let single_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match single_line.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &single_line[..cut]),
        None => single_line,
    }
}
