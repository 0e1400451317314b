//! `ssot-guard migrate` (in progress): moving files to the SSOT class in batches with checkpoint
//! commits. So far: the import graph the batch order is planned from.

pub mod graph;
