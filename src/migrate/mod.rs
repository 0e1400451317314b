//! `migrate`: moves the files whose fixes are safe forward in batches, leaves of the import
//! graph first, each batch behind a `checkpoint: pre-<migration>-batch-K` commit.

pub mod graph;
pub mod plan;
pub mod run;
