//! What a CI gate or a pre-commit hook adds on top of a scan: the staged content of files, a
//! baseline of known findings, and the lines changed since a revision.

pub mod baseline;
pub mod changed;
pub mod staged;
