//! Forward fixes (`check --fix`, `--unsafe-fixes`, `--diff`) on `fixtures/fixes`: every import
//! form SSOT001 reports, a class renamed as it moves, renamed members, a compatibility shim and
//! a file that would raise. The diffs are asserted byte for byte; fixed files are compiled by
//! the real Python and fixing twice changes nothing.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::repo::commit_work_tree;
use common::{repo_root, run, stderr, stdout, TempProject};

const FIXTURE: &str = "fixtures/fixes";

/// The fixture's files, by path below it.
fn fixture_files() -> BTreeMap<String, Vec<u8>> {
    files_below(&repo_root().join(FIXTURE))
}

fn files_below(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("__pycache__") {
                    folders.push(path);
                }
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy();
                files.insert(relative.replace('\\', "/"), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A copy of the fixture to fix.
fn copy() -> TempProject {
    let project = TempProject::bare(&[]);
    for (path, bytes) in fixture_files() {
        project.write_bytes(&path, &bytes);
    }
    project
}

/// Every Python file below `dir` compiles with the real Python.
fn assert_compiles(dir: &Path) {
    for path in files_below(dir).keys().filter(|p| p.ends_with(".py")) {
        let output = std::process::Command::new("python3")
            .args(["-m", "py_compile", path])
            .current_dir(dir)
            .output()
            .expect("python3 runs");
        assert!(output.status.success(), "{path}: {}", stderr(&output));
    }
}

#[test]
fn the_diff_fixes_every_import_form() {
    let output = run(
        &repo_root(),
        &["check", FIXTURE, "--diff", "--unsafe-fixes"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "Would fix 16 findings in 12 files.\n2 fixes are shown only (display-only); make them by hand.\n"
    );
    let expected = std::fs::read_to_string(repo_root().join("tests/expected/fixes.diff")).unwrap();
    assert_eq!(stdout(&output), expected);

    let safe = run(&repo_root(), &["check", FIXTURE, "--diff"]);
    assert_eq!(safe.status.code(), Some(1));
    assert_eq!(
        stderr(&safe),
        "Would fix 12 findings in 11 files.\n4 more fixes are available with --unsafe-fixes.\n2 fixes are shown only (display-only); make them by hand.\n"
    );
    // The safe diff is the full diff without the file whose fix renames members.
    let without_renamed: String = expected
        .split_inclusive('\n')
        .collect::<Vec<_>>()
        .split(|line| line.starts_with("diff --git "))
        .skip(1)
        .zip(expected.lines().filter(|l| l.starts_with("diff --git ")))
        .filter(|(_, header)| !header.contains("services/renamed.py"))
        .map(|(body, header)| format!("{header}\n{}", body.concat()))
        .collect();
    assert_eq!(stdout(&safe), without_renamed);
}

#[test]
fn fix_writes_the_safe_fixes_and_fixing_twice_changes_nothing() {
    let project = copy();
    let before = files_below(project.path());
    let output = run(project.path(), &["check", ".", "--fix", "--statistics"]);
    assert_eq!(
        stderr(&output),
        "Fixed 12 findings in 11 files.\n4 more fixes are available with --unsafe-fixes.\n2 fixes are shown only (display-only); make them by hand.\n"
    );
    // What remains: the shim and the file that would raise (SSOT001 each), the renaming file
    // (its SSOT001, two SSOT002 and the SSOT006), the shim's mixed sources, and the two strings
    // that name the deprecated path (display-only).
    assert_eq!(
        stdout(&output),
        "5\tdeepagentstate\tSSOT001\tdeprecated-import\n3\tdeepagentstate\tSSOT002\tmissing-member\n1\tdeepagentstate\tSSOT005\tmixed-sources\n1\tdeepagentstate\tSSOT006\tguarded-access\n"
    );
    assert_eq!(output.status.code(), Some(1));
    let after = files_below(project.path());
    let changed: Vec<&String> = after.keys().filter(|p| before[*p] != after[*p]).collect();
    assert_eq!(
        changed,
        [
            "flow/dags/aliased.py",
            "flow/dags/etl.py",
            "netra_backend/app/services/mixed.py",
            "netra_backend/app/services/module_attr.py",
            "netra_backend/app/services/plain.py",
            "netra_backend/app/services/relative.py",
            "netra_backend/app/services/star.py",
            "netra_backend/app/services/trailing.py",
            "netra_backend/app/services/type_checking.py",
            "netra_backend/app/websocket_core/events.py",
            "tests/test_plain.py",
        ]
    );
    assert_compiles(project.path());

    let again = run(project.path(), &["check", ".", "--fix", "--statistics"]);
    assert_eq!(
        stderr(&again),
        "Fixed 0 findings in 0 files.\n4 more fixes are available with --unsafe-fixes.\n2 fixes are shown only (display-only); make them by hand.\n"
    );
    assert_eq!(files_below(project.path()), after);
    let diff = run(project.path(), &["check", ".", "--diff"]);
    assert_eq!(
        (diff.status.code(), stdout(&diff)),
        (Some(0), String::new())
    );
}

#[test]
fn unsafe_fixes_rename_members_and_leave_what_would_raise() {
    let project = copy();
    let output = run(
        project.path(),
        &["check", ".", "--fix", "--unsafe-fixes", "--statistics"],
    );
    assert_eq!(
        stderr(&output),
        "Fixed 16 findings in 12 files.\n2 fixes are shown only (display-only); make them by hand.\n"
    );
    // Left: the shim (SSOT001, and its two sources), the file that reads `quality_metrics`
    // (SSOT001 and the SSOT002 that blocks its fix), the two strings (display-only).
    assert_eq!(
        stdout(&output),
        "4\tdeepagentstate\tSSOT001\tdeprecated-import\n1\tdeepagentstate\tSSOT002\tmissing-member\n1\tdeepagentstate\tSSOT005\tmixed-sources\n"
    );
    assert_compiles(project.path());
    let fixed = files_below(project.path());
    let again = run(project.path(), &["check", ".", "--fix", "--unsafe-fixes"]);
    assert_eq!(
        stderr(&again),
        "Fixed 0 findings in 0 files.\n2 fixes are shown only (display-only); make them by hand.\n"
    );
    assert_eq!(files_below(project.path()), fixed);
    // With `--select SSOT001` the fixes are the same: an import's fix carries the renames it
    // needs, and the files are checked again for the findings the report leaves out.
    let selected = copy();
    let output = run(
        selected.path(),
        &[
            "check",
            ".",
            "--select",
            "SSOT001",
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert!(
        stderr(&output).starts_with("Fixed 13 findings in 12 files.\n"),
        "{}",
        stderr(&output)
    );
    assert_eq!(files_below(selected.path()), fixed);
    // The untouched files are byte for byte the fixture's.
    for path in [
        "netra_backend/app/services/shim.py",
        "netra_backend/app/services/raising.py",
        "tests/test_patching.py",
    ] {
        assert_eq!(fixed[path], fixture_files()[path], "{path}");
    }
}

#[test]
fn fix_with_staged_leaves_files_with_unstaged_changes() {
    let project = copy();
    let repo = git2::Repository::init(project.path()).unwrap();
    commit_work_tree(&repo, "initial");
    let plain = "netra_backend/app/services/plain.py";
    let edited = format!(
        "{}\n# an unstaged edit\n",
        String::from_utf8(fixture_files()[plain].clone()).unwrap()
    );
    project.write(plain, &edited);
    let output = run(
        project.path(),
        &[
            "check",
            "--staged",
            "--fix",
            plain,
            "netra_backend/app/services/relative.py",
        ],
    );
    assert!(
        stderr(&output).contains(&format!(
            "not fixed: `{plain}` has unstaged changes (with --staged the fix is made on the index's version)"
        )),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("Fixed 1 findings in 1 files.\n"),
        "{}",
        stderr(&output)
    );
    let files = files_below(project.path());
    assert_eq!(files[plain], edited.as_bytes());
    assert_eq!(
        String::from_utf8(files["netra_backend/app/services/relative.py"].clone()).unwrap(),
        "\"\"\"Relative imports stay relative where the SSOT module is in the same package.\"\"\"\nfrom ..schemas.agent_models import DeepAgentState\n\n\ndef run_of(state: DeepAgentState):\n    return state.run_id\n"
    );
}

/// The fixed text of each file of a project of `files` (with the two class definitions), by
/// `check --fix --unsafe-fixes`, and the command's standard error.
fn fixed(files: &[(&str, &str)]) -> (BTreeMap<String, String>, String) {
    let project = TempProject::new(files);
    let output = run(project.path(), &["check", ".", "--fix", "--unsafe-fixes"]);
    let texts = files
        .iter()
        .map(|(path, _)| {
            let text = std::fs::read_to_string(project.path().join(path)).unwrap();
            (path.to_string(), text)
        })
        .collect();
    (texts, stderr(&output))
}

const OLD: &str = "netra_backend.app.agents.state";
const NEW: &str = "netra_backend.app.schemas.agent_models";

#[test]
fn lists_lose_the_class_with_its_comma_and_keep_their_comments() {
    let files = [
        // The class last, after a comment: the comma before it stays.
        (
            "app/last.py",
            format!("from {OLD} import (\n    PlanStep,  # kept\n    DeepAgentState\n)\n\nx: DeepAgentState = PlanStep\n"),
        ),
        // Two trailing names, no comment: one deletion from the last kept name.
        (
            "app/two.py",
            format!("from {OLD} import PlanStep, DeepAgentState, DeepAgentState as S\n\ny = (PlanStep, DeepAgentState, S)\n"),
        ),
        // The class first on a backslash-continued line.
        (
            "app/backslash.py",
            format!("from {OLD} import DeepAgentState, \\\n    PlanStep\n\nz = (PlanStep, DeepAgentState)\n"),
        ),
        // An import inside a function keeps its indentation.
        (
            "app/local.py",
            format!("def f():\n    from {OLD} import PlanStep, DeepAgentState\n    return PlanStep, DeepAgentState\n"),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (texts, errors) = fixed(&files);
    assert_eq!(errors, "Fixed 5 findings in 4 files.\n");
    assert_eq!(
        texts["app/last.py"],
        format!("from {OLD} import (\n    PlanStep,  # kept\n)\nfrom {NEW} import DeepAgentState\n\nx: DeepAgentState = PlanStep\n")
    );
    assert_eq!(
        texts["app/two.py"],
        format!("from {OLD} import PlanStep\nfrom {NEW} import DeepAgentState, DeepAgentState as S\n\ny = (PlanStep, DeepAgentState, S)\n")
    );
    assert_eq!(
        texts["app/backslash.py"],
        format!("from {OLD} import \\\n    PlanStep\nfrom {NEW} import DeepAgentState\n\nz = (PlanStep, DeepAgentState)\n")
    );
    assert_eq!(
        texts["app/local.py"],
        format!("def f():\n    from {OLD} import PlanStep\n    from {NEW} import DeepAgentState\n    return PlanStep, DeepAgentState\n")
    );
}

#[test]
fn an_added_import_follows_the_first_run_of_imports() {
    // The statement that ends the run names no class: the fix must see it all the same (and
    // so be the same whatever other rules are loaded).
    let (texts, errors) = fixed(&[(
        "app/attr.py",
        &format!("import json\nVALUE = json.dumps(1)\nimport {OLD} as m\n\ndef f():\n    return m.DeepAgentState()\n"),
    )]);
    assert_eq!(errors, "Fixed 1 findings in 1 files.\n");
    assert_eq!(
        texts["app/attr.py"],
        format!("import json\nfrom {NEW} import DeepAgentState\nVALUE = json.dumps(1)\nimport {OLD} as m\n\ndef f():\n    return DeepAgentState()\n")
    );
}

#[test]
fn statements_that_share_a_line_or_a_name_are_left_with_a_reason() {
    let files = [
        (
            "app/oneline.py",
            format!("import typing\nif typing.TYPE_CHECKING: from {OLD} import PlanStep, DeepAgentState\n\ndef f(s: \"DeepAgentState\"):\n    return s.user_id\n"),
        ),
        (
            "app/taken.py",
            format!("import {OLD} as m\nDeepAgentState = None\n\ndef f():\n    return m.DeepAgentState()\n"),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (texts, errors) = fixed(&files);
    assert_eq!(errors, "Fixed 0 findings in 0 files.\n");
    for (path, text) in &files {
        assert_eq!(&texts[*path], text);
    }
    let (report, _) = TempProject::new(&files).check_json(&[]);
    assert_eq!(
        fix_states(&report, "")
            .into_iter()
            .filter(|s| s.starts_with("SSOT001 app/"))
            .collect::<Vec<_>>(),
        [
            "SSOT001 app/oneline.py:2 none: the import statement on line 2 shares its line with other code; switch it by hand",
            "SSOT001 app/taken.py:5 none: the file already uses the name `DeepAgentState` (line 2); switch `module.DeepAgentState` by hand",
        ]
    );
}

/// `CODE path:line applicability: reason` (or `none: why`, or `-`) for each finding.
fn fix_states(report: &serde_json::Value, prefix: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let state = match (&f["fix"], f.get("fix_unavailable")) {
                (serde_json::Value::Null, Some(why)) => format!("none: {}", why.as_str().unwrap()),
                (serde_json::Value::Null, None) => "-".to_owned(),
                (fix, _) => format!(
                    "{}: {}",
                    fix["applicability"].as_str().unwrap(),
                    fix["reason"].as_str().unwrap()
                ),
            };
            let path = f["path"].as_str().unwrap().trim_start_matches(prefix);
            format!(
                "{} {path}:{} {state}",
                f["code"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
}

#[test]
fn every_finding_says_its_fix_or_why_it_has_none() {
    let output = run(&repo_root(), &["check", FIXTURE, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        fix_states(&report, "fixtures/fixes/"),
        [
        "SSOT001 flow/dags/aliased.py:1 safe: the SSOT class has every member this file uses",
        "SSOT001 flow/dags/etl.py:2 safe: the SSOT class has every member this file uses; `DummyOperator` becomes `EmptyOperator` at 2 uses",
        "SSOT001 netra_backend/app/services/mixed.py:4 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/services/module_attr.py:8 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/services/module_attr.py:11 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/services/plain.py:2 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/services/raising.py:2 none: once the file uses the SSOT class it would break: line 6: reads `quality_metrics` on `state`: the SSOT `DeepAgentState` has no `quality_metrics`; this will raise AttributeError once this file uses the SSOT class",
        "SSOT002 netra_backend/app/services/raising.py:6 none: the SSOT class has no `quality_metrics` and the rule has no rename for it: add it to the SSOT class, or a `[renames]` entry, or change the code by hand",
        "SSOT001 netra_backend/app/services/relative.py:2 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/services/renamed.py:2 unsafe: renames `thread_id` -> `chat_thread_id` (3 uses)",
        "SSOT006 netra_backend/app/services/renamed.py:6 unsafe: renamed in the SSOT class: `thread_id` is `chat_thread_id`",
        "SSOT002 netra_backend/app/services/renamed.py:7 unsafe: renamed in the SSOT class: `thread_id` is `chat_thread_id`",
        "SSOT002 netra_backend/app/services/renamed.py:12 unsafe: renamed in the SSOT class: `thread_id` is `chat_thread_id`",
        "SSOT001 netra_backend/app/services/shim.py:5 none: a compatibility fallback (`try`/`except ImportError`): left alone; remove the fallback by hand once nothing needs it",
        "SSOT005 netra_backend/app/services/shim.py:5 -",
        "SSOT001 netra_backend/app/services/star.py:1 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/services/trailing.py:1 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/services/type_checking.py:4 safe: the SSOT class has every member this file uses",
        "SSOT001 netra_backend/app/websocket_core/events.py:2 safe: the SSOT class has every member this file uses",
        "SSOT001 tests/test_patching.py:6 display-only: a string: whether it should name the SSOT path depends on what reads it (a `mock.patch` target must name the module where the code under test looks the class up)",
        "SSOT001 tests/test_patching.py:9 display-only: a string: whether it should name the SSOT path depends on what reads it (a `mock.patch` target must name the module where the code under test looks the class up)",
        "SSOT001 tests/test_plain.py:1 safe: the SSOT class has every member this file uses",
        ]
    );
}

#[test]
fn edits_are_placed_by_line_and_character_column_in_json_and_sarif() {
    // A two-byte character before the edit on its line: column 14 in bytes, 13 in characters.
    let project = TempProject::new(&[(
        "app/accent.py",
        &format!("é = 1; from {OLD} import DeepAgentState\n\nx = DeepAgentState\n"),
    )]);
    let (report, _) = project.check_json(&[]);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "app/accent.py")
        .unwrap();
    assert_eq!(
        finding["fix"],
        serde_json::json!({
            "applicability": "safe",
            "reason": "the SSOT class has every member this file uses",
            "edits": [{
                "content": NEW,
                "location": {"line": 1, "column": 13},
                "end_location": {"line": 1, "column": 43},
            }],
        })
    );
    let sarif = run(project.path(), &["check", ".", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SSOT001")
        .unwrap();
    assert_eq!(
        result["fixes"],
        serde_json::json!([{
            "description": {"text": "safe: the SSOT class has every member this file uses"},
            "artifactChanges": [{
                "artifactLocation": {"uri": "app/accent.py", "uriBaseId": "%SRCROOT%"},
                "replacements": [{
                    "deletedRegion": {"startLine": 1, "startColumn": 13, "endLine": 1, "endColumn": 43},
                    "insertedContent": {"text": NEW},
                }],
            }],
        }])
    );
    common::save_for_the_validator(
        "fixes.sarif",
        &serde_json::to_string_pretty(&sarif).unwrap(),
    );
}
