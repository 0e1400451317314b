//! One module per command; each builds a [`crate::session::Session`] from its flags and runs.

pub mod check;
pub mod explain;
pub mod rollback;
