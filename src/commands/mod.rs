//! One module per command; each builds a [`crate::session::Session`] from its flags and runs.

pub mod bisect;
pub mod check;
pub mod explain;
pub mod migrate;
pub mod rollback;
pub mod rules;
pub mod triage;

use crate::error::Error;

/// Prints a diagnostic on standard error, with miette.
pub(crate) fn print_error(error: Error) {
    eprintln!("{:?}", miette::Report::new(error));
}
