//! In-process benchmarks of the hot path, on the bundled example's class definitions and a
//! module shaped like a real agent file: a few statements that use the class in a lot of ordinary
//! code. `cargo bench`; whole-process numbers against rg and ruff are `scripts/bench.py`'s.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ssot_guard::check::{check_source, check_source_sparse};
use ssot_guard::migration::MigrationOracle;
use ssot_guard::python::sparse::top_level_blocks;
use ssot_guard::python::syntax::parse;
use ssot_guard::rules::load_rules;
use ssot_guard::workspace::{Sources, Workspace};

fn backend() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/backend")
}

/// The uses of the class from the example, followed by `filler_functions` ordinary functions.
fn agent_module(filler_functions: usize) -> Vec<u8> {
    let uses =
        std::fs::read_to_string(backend().join("netra_backend/app/websocket_core/handlers.py"))
            .unwrap();
    let mut text = uses;
    for i in 0..filler_functions {
        text.push_str(&format!(
            "\n\ndef handler_{i}(payload: dict, retries: int = 3) -> dict:\n    \"\"\"Route one payload.\"\"\"\n    result = {{\"id\": {i}, \"items\": [item for item in payload.get(\"items\", []) if item]}}\n    for attempt in range(retries):\n        if attempt > {i} % 5:\n            logger.info(\"retry %d for %s\", attempt, payload.get(\"thread\"))\n    return result\n"
        ));
    }
    text.into_bytes()
}

fn benches(c: &mut Criterion) {
    let migration = load_rules(&[]).unwrap().remove(0);
    let workspace = Workspace::new(&backend(), &[], Sources::disk());
    let oracle = MigrationOracle::new(std::sync::Arc::new(workspace), migration);
    let migrations = [&oracle];
    let source = agent_module(400);
    let mut group = c.benchmark_group("agent module");
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.bench_function("tree-sitter parse", |b| {
        b.iter(|| parse(black_box(&source)))
    });
    group.bench_function("top-level statements", |b| {
        b.iter(|| top_level_blocks(black_box(&source)))
    });
    group.bench_function("check, whole file", |b| {
        b.iter(|| check_source(black_box(&source), None, &migrations))
    });
    group.bench_function("check, sparse", |b| {
        b.iter(|| check_source_sparse(black_box(&source), None, &migrations))
    });
    group.finish();
}

criterion_group!(check, benches);
criterion_main!(check);
