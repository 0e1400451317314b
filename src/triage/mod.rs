//! `ssot-guard triage`: from a symptom (a traceback, a log, a pytest JUnit report) to the file,
//! the commit and the runbook level.

pub mod errors;
pub mod junit;
pub mod log;
pub mod paths;
pub mod traceback;
