//! Bad and unusual input: broken bytes, deep nesting, unreadable paths, bad configuration,
//! and what discovery leaves out. No input makes the scan panic, and every other file's findings
//! are still reported.

mod common;

use common::{compact_findings, run, stderr, TempProject};

const USES_THREAD_ID: &str = "\
from netra_backend.app.schemas.agent_models import DeepAgentState

def f(s: DeepAgentState):
    return s.thread_id
";

#[test]
fn odd_bytes_and_sizes_do_not_stop_the_scan() {
    let project = TempProject::new(&[("app/good.py", USES_THREAD_ID), ("app/empty.py", "")]);
    // Both mention the symbol, so they are parsed (and marked) even with the prefilter on.
    project.write_bytes("app/nul.py", b"# DeepAgentState\nx = 1\0\0\nimport os\0\n");
    project.write_bytes(
        "app/binary.py",
        b"\xff\xfe\x00\x9c\x80DeepAgentState\x01\xc3\x28",
    );
    // Broken, but never mentions the symbol: not parsed, so not marked.
    project.write("app/broken_elsewhere.py", "def f(:\n");
    let mut latin1 = b"# -*- coding: latin-1 -*-\n# caf\xe9\n".to_vec();
    latin1.extend_from_slice(USES_THREAD_ID.as_bytes());
    project.write_bytes("app/latin1.py", &latin1);
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(USES_THREAD_ID.replace('\n', "\r\n").as_bytes());
    project.write_bytes("app/bom_crlf.py", &bom);
    project.write(
        "app/nested.py",
        &format!("x = {}{}\n", "(".repeat(100_000), ")".repeat(100_000)),
    );
    project.write(
        "app/deep_attr.py",
        &format!("x = a{}\n", ".b".repeat(50_000)),
    );
    let big: String = (0..200_000).map(|i| format!("value_{i} = {i}\n")).collect();
    project.write("app/big.py", &format!("{USES_THREAD_ID}{big}"));

    let (report, code) = project.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        compact_findings(&report),
        [
            "SSOT002 error app/big.py:4:12 thread_id",
            "SSOT002 error app/bom_crlf.py:4:12 thread_id",
            "SSOT002 error app/good.py:4:12 thread_id",
            "SSOT002 error app/latin1.py:6:12 thread_id",
        ]
    );
    let broken = common::parse_error_paths(&report);
    assert_eq!(broken, ["app/binary.py", "app/nul.py"]);
}

#[cfg(unix)]
#[test]
fn unreadable_paths_are_reported_and_the_rest_is_scanned() {
    let project = TempProject::new(&[("app/good.py", USES_THREAD_ID)]);
    let app = project.path().join("app");
    std::os::unix::fs::symlink(app.join("missing.py"), app.join("dangling.py")).unwrap();
    std::os::unix::fs::symlink(app.join("loop_b.py"), app.join("loop_a.py")).unwrap();
    std::os::unix::fs::symlink(app.join("loop_a.py"), app.join("loop_b.py")).unwrap();
    std::os::unix::fs::symlink(&app, app.join("cycle")).unwrap();

    let output = run(project.path(), &["check", ".", "--format", "json"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "I/O errors raise the exit code"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        compact_findings(&report),
        ["SSOT002 error app/good.py:4:12 thread_id"]
    );
    let errors = stderr(&output);
    for name in ["dangling.py", "loop_a.py", "loop_b.py"] {
        assert!(
            errors.contains(&format!("cannot read `./app/{name}`")),
            "{errors}"
        );
    }
}

#[test]
fn ignore_files_default_excludes_and_config_excludes() {
    let project = TempProject::new(&[
        ("app/kept.py", USES_THREAD_ID),
        ("app/generated/skip.py", USES_THREAD_ID),
        (".gitignore", "app/generated/\n"),
        ("node_modules/pkg/x.py", USES_THREAD_ID),
        ("build_env/pyvenv.cfg", "home = /usr\n"),
        ("build_env/lib/x.py", USES_THREAD_ID),
        ("legacy/old.py", USES_THREAD_ID),
        ("scripts/tool.py", USES_THREAD_ID),
    ]);
    project.write(
        "pyproject.toml",
        "[tool.ssot-guard]\nextend-exclude = [\"legacy\", \"scripts/*.py\"]\n",
    );
    let paths = |extra: &[&str]| -> Vec<String> {
        let (report, _) = project.check_json(extra);
        compact_findings(&report)
            .into_iter()
            .map(|f| {
                f.split(' ')
                    .nth(2)
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(paths(&[]), ["app/kept.py"]);
    assert_eq!(
        paths(&["--no-ignore"]),
        ["app/generated/skip.py", "app/kept.py"]
    );
    // A file named on the command line is scanned even when excluded (pre-commit passes files).
    let output = run(
        project.path(),
        &["check", "legacy/old.py", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        compact_findings(&report),
        ["SSOT002 error legacy/old.py:4:12 thread_id"]
    );
}

#[test]
fn invalid_config_points_at_the_line() {
    let project = TempProject::new(&[("app/x.py", USES_THREAD_ID)]);
    project.write(
        "pyproject.toml",
        "[tool.ssot-guard]\nselect = [\"SSOT001\",\n  \"SSOT999\"]\n",
    );
    let output = run(project.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    assert!(errors.contains("unknown code `SSOT999`"), "{errors}");
    assert!(errors.contains("3 │   \"SSOT999\"]"), "{errors}");
    assert!(errors.contains("known codes: SSOT001, SSOT002"), "{errors}");

    project.write("pyproject.toml", "[tool.ssot-guard]\nexclude = [\"a\"\n");
    let output = run(project.path(), &["check", "."]);
    common::assert_error(&output, "pyproject.toml");

    project.write("pyproject.toml", "[tool.ssot-guard]\nunknown-key = 1\n");
    let output = run(project.path(), &["check", "."]);
    common::assert_error(&output, "unknown field `unknown-key`");
    common::assert_stderr(&output, "2 │ unknown-key = 1");
}

#[test]
fn invalid_rule_files_point_at_the_line() {
    let project = TempProject::new(&[("app/x.py", USES_THREAD_ID)]);
    project.write(
        "pyproject.toml",
        "[tool.ssot-guard]\nrules = [\"rules/extra.toml\"]\nmigration = \"extra\"\n",
    );
    project.write(
        "rules/extra.toml",
        "id = \"extra\"\nsymbol = \"Foo\"\ndeprecated = [\"old.mod\"]\nissue = \"#1\"\n",
    );
    let output = run(project.path(), &["check", "."]);
    common::assert_error(&output, "missing field `ssot`");

    project.write(
        "rules/extra.toml",
        "id = \"extra\"\nsymbol = \"Foo\"\ndeprecated = [\"old.mod\"]\nssot = \"new-mod\"\nissue = \"#1\"\n",
    );
    let output = run(project.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let errors = stderr(&output);
    assert!(
        errors.contains("`new-mod` is not a dotted module path"),
        "{errors}"
    );
    assert!(errors.contains("4 │ ssot = \"new-mod\""), "{errors}");
}

#[test]
fn project_rules_replace_and_add_migrations() {
    let project = TempProject::bare(&[
        ("ssot-guard.toml", "rules = [\"widget.toml\"]\nmigration = \"widget\"\n"),
        (
            "widget.toml",
            "id = \"widget\"\nsymbol = \"Widget\"\ndeprecated = [\"ui.old\"]\nssot = \"ui.new\"\nissue = \"#7\"\nrisky-members = [\"legacy_size\"]\n",
        ),
        ("ui/__init__.py", ""),
        ("ui/old.py", "class Widget:\n    legacy_size = 1\n    size = 1\n"),
        ("ui/new.py", "class Widget:\n    size = 1\n"),
        (
            "app.py",
            "from ui.old import Widget\nfrom ui.new import Widget as New\n\nNew().legacy_size\nWidget().size\n",
        ),
    ]);
    let (report, code) = project.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(report["migration"]["id"], "widget");
    assert_eq!(report["migration"]["members_source"], "derived");
    assert_eq!(
        compact_findings(&report),
        [
            "SSOT001 warning app.py:1:20 -",
            "SSOT005 warning app.py:2:20 -",
            "SSOT002 error app.py:4:1 legacy_size",
        ]
    );
    let output = run(project.path(), &["check", ".", "--migration", "nope"]);
    common::assert_error(&output, "no migration rule with id `nope`");
}
