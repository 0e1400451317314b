//! What a scan reads: what discovery leaves out (ignore files, default and configured excludes,
//! files named on the command line) and project rule files. Bad input is `tests/bad_inputs.rs`.

use crate::common;

use common::{compact_findings, run, TempProject};

const USES_THREAD_ID: &str = "\
from netra_backend.app.schemas.agent_models import DeepAgentState

def f(s: DeepAgentState):
    return s.thread_id
";

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
    assert_eq!(report["migrations"][0]["id"], "widget");
    assert_eq!(report["migrations"][0]["members_source"], "derived");
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
