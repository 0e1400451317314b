//! Migrations as the scan sees them: what each loaded rule resolved to in this project.

mod oracle;
pub mod resolution;

use std::sync::Arc;

pub use oracle::{KeywordChange, KeywordFate, MigrationInterface, MigrationOracle, WriteFate};
pub use resolution::RuleWarning;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MembersSource {
    /// Read from both class definitions in the project.
    Derived,
    /// The rule file's `risky-members` list.
    Configured,
    /// Every deprecated module only re-exports the SSOT class (a shim): one class, no risky
    /// members.
    #[serde(rename = "same-class")]
    SameClass,
}

/// One migration of a scan, as every report describes it: the rule and what it resolved to in
/// this project. A scan's migrations are in the order the rules were loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationSummary {
    /// The rule id, as findings name it in [`crate::finding::Finding::migration`].
    pub id: Arc<str>,
    /// The id of the rule file (the migration's id, or `<rule>/<symbol>` for a rule that
    /// moves several classes).
    pub rule: String,
    pub symbol: String,
    /// The class's name in the SSOT module when it was renamed as it moved.
    pub new_name: Option<String>,
    pub deprecated: Vec<String>,
    pub ssot: String,
    /// Issue reference of the rule, e.g. `#871`.
    pub issue: String,
    /// Members the deprecated class has and the SSOT class lacks, sorted.
    pub risky_members: Vec<String>,
    pub members_source: MembersSource,
    /// What the rule says about itself in this project (modules that are not in it).
    pub warnings: Vec<RuleWarning>,
}
