//! Names that lead back to themselves through modules: `json = json`, `a = b; b = a`, modules
//! star-importing each other, `from . import x` in `x/__init__.py`. Each used to recurse until
//! the stack overflowed (exit 134, no report); now each is answered, in every mode.

use crate::common;

use common::repo::commit_work_tree;
use common::{compact_findings, run, stderr, stdout, TempProject};

/// The five files: a checked file imports `json` from a module that says `json = json`.
fn widget_project() -> TempProject {
    TempProject::bare(&[
        ("pkg/__init__.py", ""),
        ("pkg/new.py", "class Widget: pass\n"),
        (
            "pkg/old.py",
            "from pkg.new import Widget  # the deprecated shim\n",
        ),
        ("pkg/settings.py", "import json\n\njson = json\n"),
        (
            "pkg/user.py",
            "from pkg.settings import json\nfrom pkg.old import Widget\n",
        ),
        (
            "rules/widget.toml",
            "id = \"widget\"\nsymbol = \"Widget\"\ndeprecated = [\"pkg.old\"]\nssot = \"pkg.new\"\nissue = \"#1\"\n",
        ),
        (
            "ssot-guard.toml",
            "rules = [\"rules/widget.toml\"]\nmigration = \"widget\"\n",
        ),
    ])
}

const WIDGET_FINDINGS: [&str; 1] = ["SSOT001 warning pkg/user.py:2:21 -"];

#[test]
fn a_self_binding_module_is_answered_in_check_and_without_prefilter() {
    let project = widget_project();
    for extra in [&[][..], &["--no-prefilter"], &["pkg/user.py"]] {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        let output = run(project.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{extra:?}: {}",
            stderr(&output)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(compact_findings(&report), WIDGET_FINDINGS, "{extra:?}");
    }
}

#[test]
fn a_self_binding_module_is_answered_under_staged_and_rollback() {
    let project = widget_project();
    let repo = git2::Repository::init(project.path()).unwrap();
    commit_work_tree(&repo, "Widget users");
    // The commit the hook judges: a change to the user, staged.
    project.write(
        "pkg/user.py",
        "from pkg.settings import json\nfrom pkg.old import Widget\n\nWIDGETS = []\n",
    );
    let mut index = repo.index().unwrap();
    index.add_path(std::path::Path::new("pkg/user.py")).unwrap();
    index.write().unwrap();

    let output = run(project.path(), &["check", "--staged", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(compact_findings(&report), WIDGET_FINDINGS);

    // The file still imports the deprecated module: nothing to roll back, said as such.
    commit_work_tree(&repo, "Widget list");
    let output = run(project.path(), &["rollback", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        plan["rollback"]["reason"],
        "no file fails: nothing to roll back",
        "{}",
        stdout(&output)
    );
    assert_eq!(compact_findings(&plan), WIDGET_FINDINGS);
}

#[test]
fn cycles_through_modules_and_names_have_exact_findings() {
    let project = TempProject::new(&[
        ("app/__init__.py", ""),
        ("app/settings.py", "import json\n\njson = json\n"),
        // `a` and `b` name each other, and `b` is also the class; `State = State` names itself.
        (
            "app/ab.py",
            "from netra_backend.app.agents.state import DeepAgentState\n\na = b\nb = a\nb = DeepAgentState\nState = State\n",
        ),
        // Two modules star-importing each other.
        (
            "app/m1.py",
            "from app.m2 import *\nfrom netra_backend.app.agents.state import DeepAgentState\n",
        ),
        ("app/m2.py", "from app.m1 import *\n"),
        // A package importing itself.
        (
            "app/x/__init__.py",
            "from . import x\nfrom .x import y\nfrom app.x import x as x\nfrom netra_backend.app.schemas.agent_models import DeepAgentState as Model\n",
        ),
        (
            "app/user.py",
            "from app.x import x, Model\nfrom app.ab import a, State\nfrom app.m2 import DeepAgentState\nfrom app.settings import json\n\n\ndef run():\n    a().thread_id\n    Model().thread_id\n    DeepAgentState(quality_metrics=\"t\")\n    return json.dumps(x)\n",
        ),
    ]);
    let expected = [
        "SSOT001 warning app/ab.py:1:44 -",
        "SSOT001 warning app/m1.py:2:44 -",
        "SSOT001 warning app/user.py:2:20 -",
        "SSOT005 warning app/user.py:2:20 -",
        "SSOT001 warning app/user.py:3:20 -",
        "SSOT002 warning app/user.py:8:5 thread_id",
        "SSOT002 error app/user.py:9:5 thread_id",
        "SSOT003 warning app/user.py:10:20 quality_metrics",
    ];
    assert_eq!(project.findings(), expected);
    let (report, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(compact_findings(&report), expected);
}
