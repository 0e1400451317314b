//! ssot-guard: keeps a Python code base safe while it moves a class from a deprecated module to
//! its single source of truth. See `DESIGN.md` for the product and `README.md` for use.

pub mod check;
pub mod cli;
pub mod codes;
pub mod commands;
pub mod config;
pub mod discover;
pub mod engine;
pub mod error;
pub mod finding;
pub mod fix;
pub mod fixpoint;
pub mod gate;
pub mod git;
pub mod migrate;
pub mod migration;
pub mod paths;
pub mod python;
pub mod report;
pub mod rollback;
pub mod rule_set;
pub mod rules;
pub mod scan;
pub mod session;
pub mod stats;
pub mod triage;
pub mod workspace;
