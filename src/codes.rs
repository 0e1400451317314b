//! The one table of finding codes. Codes are never reused. Everything else about a code (its
//! documentation, which `explain` prints and SARIF carries, its levels in the reports, whether it
//! fails a file today) is in its rule file, `check/rules/<name>.rs`.

use serde::Serialize;

use crate::check::rules::{
    deprecated_import, dropped_field, guarded_access, missing_member, mixed_sources,
    unresolved_import, Policy,
};
use crate::finding::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Code {
    #[serde(rename = "SSOT001")]
    DeprecatedImport,
    #[serde(rename = "SSOT002")]
    MissingMember,
    #[serde(rename = "SSOT003")]
    DroppedField,
    #[serde(rename = "SSOT004")]
    UnresolvedImport,
    #[serde(rename = "SSOT005")]
    MixedSources,
    #[serde(rename = "SSOT006")]
    GuardedAccess,
}

/// What a code's documentation says, in ruff's four sections.
pub struct CodeDoc {
    /// One line, as in DESIGN.md's code table.
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

impl Code {
    pub const ALL: [Code; 6] = [
        Code::DeprecatedImport,
        Code::MissingMember,
        Code::DroppedField,
        Code::UnresolvedImport,
        Code::MixedSources,
        Code::GuardedAccess,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::DeprecatedImport => "SSOT001",
            Code::MissingMember => "SSOT002",
            Code::DroppedField => "SSOT003",
            Code::UnresolvedImport => "SSOT004",
            Code::MixedSources => "SSOT005",
            Code::GuardedAccess => "SSOT006",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Code::DeprecatedImport => "deprecated-import",
            Code::MissingMember => "missing-member",
            Code::DroppedField => "dropped-field",
            Code::UnresolvedImport => "unresolved-import",
            Code::MixedSources => "mixed-sources",
            Code::GuardedAccess => "guarded-access",
        }
    }

    /// Accepts `SSOT002` as well as the name `missing-member`.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|code| code.as_str().eq_ignore_ascii_case(text) || code.name() == text)
    }

    /// What the code's rule file says about it: documentation, levels, categories.
    fn policy(self) -> &'static Policy {
        match self {
            Code::DeprecatedImport => &deprecated_import::POLICY,
            Code::MissingMember => &missing_member::POLICY,
            Code::DroppedField => &dropped_field::POLICY,
            Code::UnresolvedImport => &unresolved_import::POLICY,
            Code::MixedSources => &mixed_sources::POLICY,
            Code::GuardedAccess => &guarded_access::POLICY,
        }
    }

    pub fn doc(self) -> &'static CodeDoc {
        &self.policy().doc
    }

    /// The SARIF level of the code's rule, unless a result says otherwise.
    pub fn sarif_level(self) -> &'static str {
        self.policy().sarif_level
    }

    /// The GitLab code quality severity of a finding of this code.
    pub fn gitlab_severity(self, severity: Severity) -> &'static str {
        (self.policy().gitlab_severity)(severity)
    }

    /// The Code Climate category of the code.
    pub fn gitlab_category(self) -> &'static str {
        self.policy().gitlab_category
    }

    /// Whether a finding of this code at this severity means the file fails today.
    pub fn fails_today(self, severity: Severity) -> bool {
        (self.policy().fails_today)(severity)
    }
}
