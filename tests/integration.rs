//! The integration tests, as one test binary (`cargo test --test integration`): each file of
//! `tests/` is a module of it, so a change to the library links one test binary, not fourteen.
//! `Cargo.toml` sets `autotests = false`, so a new file of `tests/` runs only once it is named
//! here. Names are `file::test` (`cargo test rollback::` runs the rollback tests); snapshots are
//! `tests/snapshots/integration__file__name.snap`.

mod common;

mod alias_reads;
mod backend;
mod bad_inputs;
mod comment_blanking;
mod cycles;
mod deep_inputs;
mod determinism;
mod engine;
mod formats;
mod forms;
mod gate;
mod inputs;
mod no_lost_work;
mod rollback;
mod rule_sets;
mod sparse_classes;
