//! Arbitrary bytes as one Python file of the bundled example back end (`fixtures/backend`, with
//! the built-in rule and the interface derived from its two class definitions), checked both
//! ways the scanner can: the whole-file parse and the sparse parse. For a file that parses
//! cleanly the two must agree; then the scan the CLI runs, and every report format, on the same
//! bytes: the JSON formats must be JSON.

#![no_main]

#[path = "common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use ssot_guard::check::{check_source, check_source_sparse};
use ssot_guard::codes::Code;
use ssot_guard::engine::Engine;
use ssot_guard::migration::MembersSource;
use ssot_guard::python::ModuleOfFile;
use ssot_guard::rules::load_rules;
use ssot_guard::scan::{scan_contents, ScanOptions};
use ssot_guard::workspace::{Sources, Workspace};

struct Setup {
    engine: Engine,
    /// Where the fuzzed file pretends to live: a module of the back end's `services` package,
    /// so that relative imports resolve against the real packages.
    path: PathBuf,
    module: ModuleOfFile,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let backend = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/backend");
        let migration = load_rules(&[])
            .expect("the built-in rule loads")
            .swap_remove(0);
        let workspace = Workspace::new(&backend, &[], Sources::disk());
        let engine = Engine::new(Arc::new(workspace), vec![migration]);
        assert_eq!(
            engine.the_migration().interface.members_source,
            MembersSource::Derived,
            "the fixture's class definitions are found"
        );
        let path = engine
            .workspace()
            .root
            .join("netra_backend/app/services/fuzzed.py");
        let module = engine
            .workspace()
            .module_of_file(&path)
            .expect("a module of the project");
        Setup {
            engine,
            path,
            module,
        }
    })
}

fuzz_target!(|source: &[u8]| {
    let setup = setup();
    let engine = &setup.engine;
    let migrations = [engine.the_migration()];
    let whole = check_source(source, Some(&setup.module), &migrations);
    let sparse = check_source_sparse(source, Some(&setup.module), &migrations);
    if !whole.parse_error {
        assert!(!sparse.parse_error, "sparse parsing broke a clean file");
        for (sparse, whole) in sparse.migrations.iter().zip(&whole.migrations) {
            assert_eq!(
                sparse.findings, whole.findings,
                "sparse and whole findings differ"
            );
            assert_eq!(sparse.resolves_to, whole.resolves_to);
        }
    }
    // Without a module (a file outside the package roots) relative imports do not resolve.
    let _ = check_source_sparse(source, None, &migrations);

    let files = [(setup.path.clone(), source.to_vec())];
    let result = scan_contents(
        &files,
        engine,
        &ScanOptions {
            selected: Code::ALL.to_vec(),
            prefilter: true,
        },
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    common::render(&result, true);
});
