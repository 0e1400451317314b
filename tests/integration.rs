//! The integration tests, as one test binary (`cargo test --test integration`): each file of
//! `tests/` is a module of it, so a change to the library links one test binary, not fourteen.
//! `Cargo.toml` sets `autotests = false`, so a new file of `tests/` runs only once it is named
//! here. Names are `file::test` (`cargo test rollback::` runs the rollback tests); snapshots are
//! `tests/snapshots/integration__file__name.snap`.

mod common;

mod alias_reads;
mod any_migration;
mod backend;
mod bad_inputs;
mod bisect;
mod comment_blanking;
mod cycles;
mod deep_inputs;
mod determinism;
mod engine;
mod fixes;
mod formats;
mod forms;
mod gate;
mod inputs;
mod instances;
mod migrate;
mod no_lost_work;
mod real_code;
mod rollback;
mod rule_sets;
mod sparse_classes;
mod triage;

/// With `autotests = false` a file of `tests/` that is not named above never runs, silently:
/// every one must be a module here.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = std::fs::read_to_string(tests.join("integration.rs")).unwrap();
    let mut missing: Vec<String> = std::fs::read_dir(&tests)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .filter(|name| name != "integration" && !this.contains(&format!("\nmod {name};\n")))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "not declared in tests/integration.rs: {missing:?}"
    );
}
