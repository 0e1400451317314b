//! Instances as Python makes them, checked against Python itself: `fixtures/instances` (stdlib
//! only) holds real instances and `unittest.mock` mocks specced with the class, and each test
//! compares the exact findings, then runs the modules with python3 as written and with their
//! deprecated imports switched to the SSOT module (`scripts/runtime_claims.py`): the lines that
//! raise, and what they raise, must be the findings' claims.

use crate::common;

use common::{repo_root, run, stderr, stdout};

const FIXTURE: &str = "fixtures/instances";

fn report() -> serde_json::Value {
    let output = run(&repo_root(), &["check", FIXTURE, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `scripts/runtime_claims.py` on `files` of the fixture: its output, after asserting that
/// Python agreed with every finding.
fn python_agrees(files: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("report.json");
    std::fs::write(&report_path, serde_json::to_vec(&report()).unwrap()).unwrap();
    let mut args = vec![
        "scripts/runtime_claims.py".to_owned(),
        FIXTURE.to_owned(),
        report_path.display().to_string(),
    ];
    args.extend(files.iter().map(|f| format!("{FIXTURE}/{f}")));
    let output = std::process::Command::new("python3")
        .args(&args)
        .current_dir(repo_root())
        .output()
        .expect("python3 runs");
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    text
}

#[test]
fn mocks_raise_where_python_raises() {
    let report = report();
    let mocks: Vec<String> = common::compact_findings(&report)
        .into_iter()
        .filter(|f| f.contains("app/mocks.py"))
        .collect();
    let at = |rest: &str| format!("{FIXTURE}/app/mocks.py:{rest}");
    assert_eq!(
        mocks,
        [
            format!("SSOT001 warning {}", at("6:24 -")),
            // A read of a class attribute the SSOT class lacks, before anything set it.
            format!("SSOT002 warning {}", at("9:1 thread_id")),
            // `spec_set` refuses the write.
            format!("SSOT002 warning {}", at("13:1 thread_id")),
            format!("SSOT002 warning {}", at("15:1 thread_id")),
            format!("SSOT002 warning {}", at("26:1 thread_id")),
            // In a function: read before the write of the same scope.
            format!("SSOT002 warning {}", at("31:12 thread_id")),
        ]
    );
    let text = python_agrees(&["app/mocks.py"]);
    assert!(
        text.ends_with("5 raising lines compared, 0 mismatches\n"),
        "{text}"
    );
}

#[test]
fn factories_helpers_class_values_and_class_annotations_are_instances() {
    let report = report();
    let lines: Vec<String> = common::compact_findings(&report)
        .into_iter()
        .filter(|f| f.contains("app/sources.py"))
        .map(|f| f.replace(&format!("{FIXTURE}/app/sources.py:"), ""))
        .collect();
    assert_eq!(
        lines,
        [
            "SSOT001 warning 7:24 -",
            // `state_class = Session; state_class("u")`
            "SSOT002 warning 11:1 thread_id",
            // `cls: type[Session]`, `Type[Session]`
            "SSOT002 warning 15:12 thread_id",
            "SSOT002 warning 20:12 thread_id",
            // `self.state_cls(...)` (class body), `self.other_cls(...)` (`__init__`)
            "SSOT002 warning 32:16 thread_id",
            "SSOT002 warning 35:16 thread_id",
            // `self._helper()` annotated `-> Session`, a property, a classmethod
            "SSOT002 warning 42:16 thread_id",
            "SSOT002 warning 49:16 thread_id",
            "SSOT002 warning 57:16 thread_id",
            // `await make_async()` (`make_async()` alone is a coroutine: line 79 is none)
            "SSOT002 warning 74:12 thread_id",
            // a module function, a class-level annotation on an instance, a staticmethod
            "SSOT002 warning 83:1 thread_id",
            "SSOT002 warning 85:1 thread_id",
            "SSOT002 warning 86:1 thread_id",
        ]
    );
    let output = run(
        &repo_root(),
        &["check", FIXTURE, "--format", "json", "--no-prefilter"],
    );
    let whole: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(whole["findings"], report["findings"]);
    let text = python_agrees(&["app/sources.py"]);
    assert!(
        text.ends_with("12 raising lines compared, 0 mismatches\n"),
        "{text}"
    );
}

#[test]
fn factories_of_other_project_modules_return_instances_through_re_exports() {
    let report = report();
    let lines: Vec<String> = common::compact_findings(&report)
        .into_iter()
        .filter(|f| f.contains("app/callers.py"))
        .map(|f| f.replace(&format!("{FIXTURE}/app/callers.py:"), ""))
        .collect();
    // `create_session` (imported), `factories.create_session` (through the module) and
    // `make_session` (a renamed re-export of a package): the file never names the class, and a
    // sparse scan finds it through the factory names the factory module taught it. The whole
    // report is the same with `--no-prefilter` (`factories_helpers_...` compares them).
    assert_eq!(
        lines,
        [
            "SSOT002 warning 9:1 thread_id",
            "SSOT002 warning 11:1 thread_id",
            "SSOT002 warning 13:1 thread_id",
            // `await factories.load_session(...)`, an `async def` of the other module (the
            // coroutine on line 22 is no instance).
            "SSOT002 warning 19:12 thread_id",
        ]
    );
    let text = python_agrees(&["app/callers.py"]);
    assert!(
        text.ends_with("4 raising lines compared, 0 mismatches\n"),
        "{text}"
    );
}
