//! `ssot-guard triage`: from a symptom (a traceback, a log, a pytest JUnit report) to the file,
//! the commit and the runbook level.
//!
//! The pieces: [`log`] takes a log's framing away and [`traceback`] reads CPython's and pytest's
//! tracebacks, [`junit`] pytest's JUnit XML; [`errors`] tells which exceptions a migration
//! causes; [`paths`] maps another machine's paths to project files; [`analysis`] joins all that
//! with the scan and applies the runbook's decision matrix; [`commits`] finds the suspect
//! commits; [`human`], [`json`] and [`message`] write the answer.

pub mod analysis;
pub mod commits;
pub mod errors;
pub mod human;
pub mod json;
pub mod junit;
pub mod log;
pub mod message;
pub mod paths;
pub mod traceback;

use crate::rollback::RollbackPlan;
use analysis::Analysis;
use commits::Suspects;

/// Everything triage found, for the writers.
pub struct Triage<'p> {
    /// Where the input came from, for people (`stdin` or the path).
    pub input: String,
    pub input_kind: &'static str,
    pub analysis: Analysis,
    pub plan: Option<RollbackPlan<'p>>,
    pub suspects: Option<Suspects>,
    /// Why there is no plan or no commits (not a git repository, no level).
    pub notes: Vec<String>,
    pub message: Option<String>,
}
