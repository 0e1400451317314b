//! Any migration: rules for plain classes, dataclasses, pydantic models that forbid extra
//! fields and shims, a class renamed as it moves and a rule that moves several classes, all
//! checked in one scan with the built-in rule (`fixtures/any_migration`); and rules that say when
//! they cannot match (a module that is not in the project, a class no module defines).

use crate::common;

use std::process::Output;

use common::{repo_root, run, stderr, stdout, TempProject};

const FIXTURE: &str = "fixtures/any_migration";

/// A miette diagnostic's text on one line: the frame's `│` gone, the lines (where miette wraps)
/// joined by one space, or by none after a `/` or `-` (miette also wraps inside paths and
/// hyphenated words).
fn unwrapped(text: &str) -> String {
    let mut joined = String::new();
    for line in text.lines() {
        let line = line.replace('│', " ");
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            continue;
        }
        if !joined.is_empty() && !joined.ends_with('/') && !joined.ends_with('-') {
            joined.push(' ');
        }
        joined.push_str(&line);
    }
    joined
}

/// Asserts that a run failed with exit code 2 with a diagnostic that says `expected`.
fn assert_error(output: &Output, expected: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    assert!(
        unwrapped(&stderr(output)).contains(expected),
        "{}",
        stderr(output)
    );
}

/// `[migration] CODE severity path:line:column member` for each finding of a JSON report.
fn findings_by_migration(report: &serde_json::Value) -> Vec<String> {
    let migrations = report["findings"].as_array().unwrap().iter();
    common::compact_findings(report)
        .into_iter()
        .zip(migrations)
        .map(|(finding, f)| format!("[{}] {finding}", f["migration"].as_str().unwrap()))
        .collect()
}

fn fixture_report(extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["check", FIXTURE, "--format", "json"];
    args.extend_from_slice(extra);
    let output = run(&repo_root(), &args);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&output)));
    (report, output.status.code().unwrap())
}

const ETL: &str = "fixtures/any_migration/flow/dags/etl.py";
const MIGRATED: &str = "fixtures/any_migration/flow/dags/migrated.py";
const STATE_USER: &str = "fixtures/any_migration/netra_backend/app/services/state_user.py";

#[test]
fn every_kind_of_class_in_one_scan_with_the_built_in_rule() {
    let (report, code) = fixture_report(&[]);
    assert_eq!(code, 1);
    let expected = [
        format!("[hooks] SSOT001 warning {ETL}:2:36 -"),
        format!("[task-config] SSOT001 warning {ETL}:3:35 -"),
        format!("[operators/DummyOperator] SSOT001 warning {ETL}:4:34 -"),
        format!("[operators/DummySensor] SSOT001 warning {ETL}:4:49 -"),
        format!("[run-spec] SSOT001 warning {ETL}:5:33 -"),
        // A plain class: `trigger_flag` is a parameter of the deprecated `__init__` only.
        format!("[operators/DummyOperator] SSOT003 warning {ETL}:7:32 trigger_flag"),
        format!("[operators/DummyOperator] SSOT002 warning {ETL}:8:1 skip_downstream"),
        // `__slots__` entries are members.
        format!("[operators/DummySensor] SSOT002 warning {ETL}:10:1 mode"),
        // A dataclass field the SSOT dataclass renamed.
        format!("[task-config] SSOT003 warning {ETL}:11:33 pool"),
        format!("[task-config] SSOT002 warning {ETL}:12:7 pool"),
        // A pydantic model with `extra="forbid"`.
        format!("[run-spec] SSOT003 warning {ETL}:13:29 external_trigger"),
        format!("[run-spec] SSOT002 warning {ETL}:14:7 external_trigger"),
        // Writes: a pydantic model raises ValueError, a dataclass takes a stray attribute.
        format!("[run-spec] SSOT002 warning {ETL}:17:1 external_trigger"),
        format!("[task-config] SSOT002 warning {ETL}:18:1 pool"),
        // The shim's class is the SSOT class: `hook.legacy_session` is no finding, whatever the
        // rule's `risky-members` say.
        format!("[operators/DummyOperator] SSOT004 error {MIGRATED}:3:34 -"),
        format!("[operators/DummyOperator] SSOT003 error {MIGRATED}:6:28 trigger_flag"),
        format!("[task-config] SSOT002 error {MIGRATED}:9:7 pool"),
        format!("[deepagentstate] SSOT001 warning {STATE_USER}:1:44 -"),
        format!("[deepagentstate] SSOT003 warning {STATE_USER}:5:44 thread_id"),
    ];
    assert_eq!(findings_by_migration(&report), expected);
    let (whole, _) = fixture_report(&["--no-prefilter"]);
    assert_eq!(findings_by_migration(&whole), expected);
}

#[test]
fn each_class_says_what_a_dropped_keyword_does() {
    let (report, _) = fixture_report(&["--select", "SSOT003"]);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`DummyOperator(trigger_flag=...)`: the SSOT class raises TypeError on `trigger_flag` (its constructor takes no keyword `trigger_flag`)",
            "`TaskConfig(pool=...)`: the SSOT class raises TypeError on `pool` (its constructor takes no keyword `pool`)",
            "`RunSpec(external_trigger=...)`: the SSOT class raises ValidationError on `external_trigger` (its model forbids extra fields)",
            "`EmptyOperator(trigger_flag=...)`: the SSOT class raises TypeError on `trigger_flag` (its constructor takes no keyword `trigger_flag`)",
            "`DeepAgentState(thread_id=...)`: the SSOT class silently drops `thread_id` (pydantic ignores unknown fields)",
        ]
    );
}

#[test]
fn a_renamed_class_is_imported_under_its_new_name() {
    let human = run(
        &repo_root(),
        &[
            "check",
            ETL,
            MIGRATED,
            "--migration",
            "operators/DummyOperator",
            "--select",
            "SSOT001,SSOT004",
        ],
    );
    let import =
        "help: import it from the SSOT module under its new name: `from flow.operators.empty \
                  import EmptyOperator`, and rename `DummyOperator` to `EmptyOperator` where this \
                  file uses it";
    let text = unwrapped(&stdout(&human));
    for expected in [
        format!("`DummyOperator` is imported from deprecated module `flow.operators.dummy` ╭─[{ETL}:4:34]"),
        // The old name is no class of the SSOT module: that import raises.
        format!("`DummyOperator` is imported from `flow.operators.empty`, which does not define it (ImportError) ╭─[{MIGRATED}:3:34]"),
    ] {
        let at = text.find(&expected).unwrap_or_else(|| panic!("{expected}\n{text}"));
        assert!(text[at..].contains(import), "{text}");
    }
    assert_eq!(text.matches(import).count(), 2, "{text}");
    let (report, _) = fixture_report(&["--migration", "operators/DummyOperator"]);
    // The SSOT module's `EmptyOperator` is the class, on the SSOT side.
    let migration = &report["migrations"][0];
    assert_eq!(migration["symbol"], "DummyOperator");
    assert_eq!(migration["new_name"], "EmptyOperator");
    assert_eq!(migration["rule"], "operators");
    assert_eq!(migration["summary"]["files_ssot"], 1);
}

#[test]
fn a_rule_that_moves_several_classes_is_selected_by_its_id_or_one_class() {
    let ids = |extra: &[&str]| -> Vec<String> {
        let (report, _) = fixture_report(extra);
        report["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(&["--migration", "operators"]),
        ["operators/DummyOperator", "operators/DummySensor"]
    );
    assert_eq!(
        ids(&["--migration", "operators/DummySensor,hooks"]),
        ["operators/DummySensor", "hooks"]
    );
}

#[test]
fn rules_lists_each_rule_and_what_it_resolved_to() {
    let output = run(&repo_root(), &["rules", FIXTURE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output).replace(&repo_root().display().to_string(), "<repo>");
    insta::assert_snapshot!("rules_any_migration", text);

    let output = run(&repo_root(), &["rules", FIXTURE, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let hooks = &json["rules"][5];
    assert_eq!(hooks["id"], "hooks");
    assert_eq!(hooks["members_source"], "same-class");
    assert_eq!(hooks["risky_members"], serde_json::json!([]));
    assert_eq!(
        hooks["modules"],
        serde_json::json!([
            {"module": "flow.hooks.legacy_http", "role": "deprecated", "name": "HttpHook",
             "file": "flow/hooks/legacy_http.py", "provides": "re-exports"},
            {"module": "flow.hooks.http", "role": "ssot", "name": "HttpHook",
             "file": "flow/hooks/http.py", "provides": "defines"},
        ])
    );
    assert_eq!(json["rules"][0]["builtin"], true);
    assert_eq!(
        json["rules"][4]["ssot_class"],
        "pydantic model (extra=\"forbid\")"
    );
}

/// A project with one `Widget` rule whose text is `rule`, and `ui/old.py`, `ui/new.py`, `app.py`.
fn widget_project(rule: &str) -> TempProject {
    TempProject::bare(&[
        (
            "ssot-guard.toml",
            "rules = [\"widget.toml\"]\nmigration = \"widget\"\n",
        ),
        ("widget.toml", rule),
        ("ui/__init__.py", ""),
        (
            "ui/old.py",
            "class Widget:\n    def legacy(self):\n        pass\n",
        ),
        ("ui/new.py", "class Widget:\n    pass\n"),
        ("app.py", "from ui.old import Widget\n\nWidget().legacy()\n"),
    ])
}

#[test]
fn a_module_that_is_not_in_the_project_is_a_warning_and_the_scan_runs() {
    // `ui.nwe`: a typo. The deprecated import is still found; the warning says why nothing
    // else is, with the rule file's line.
    let project = widget_project(
        "id = \"widget\"\nsymbol = \"Widget\"\ndeprecated = [\"ui.old\"]\nssot = \"ui.nwe\"\n\
         issue = \"#1\"\n",
    );
    let (report, code) = project.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        report["migrations"][0]["warnings"],
        serde_json::json!([{
            "message": "SSOT module `ui.nwe` is not in this project: risky members come from the rule's `risky-members`",
            "rule_file": project.path().join("widget.toml").display().to_string(),
            "line": 4,
        }])
    );
    assert_eq!(
        common::compact_findings(&report),
        ["SSOT001 warning app.py:1:20 -"]
    );
    let human = run(project.path(), &["check", "."]);
    assert!(
        stdout(&human).contains("SSOT module `ui.nwe` is not in this project"),
        "{}",
        stdout(&human)
    );
    assert_eq!(human.status.code(), Some(1));
}

#[test]
fn a_class_that_no_module_defines_is_an_error_at_the_rules_line() {
    let project = widget_project(
        "id = \"widget\"\nsymbol = \"Widgit\"\ndeprecated = [\"ui.old\"]\nssot = \"ui.new\"\n\
         issue = \"#1\"\n",
    );
    let output = run(project.path(), &["check", "."]);
    assert_error(
        &output,
        "the rule's class `Widgit` is defined nowhere it says: no `Widgit` in `ui.old` (ui/old.py), no `Widgit` in `ui.new` (ui/new.py)",
    );
    assert!(
        stderr(&output).contains("widget.toml:2:10"),
        "{}",
        stderr(&output)
    );
    // `rules` shows it too, and exits 2.
    let rules = run(project.path(), &["rules"]);
    assert_eq!(rules.status.code(), Some(2));
    assert!(
        stdout(&rules).contains(
            "  from       ui.old  ui/old.py: has no `Widgit` (importing it raises ImportError)"
        ),
        "{}",
        stdout(&rules)
    );
}

#[test]
fn a_rule_names_its_classes_one_way() {
    let base = "id = \"widget\"\ndeprecated = [\"ui.old\"]\nssot = \"ui.new\"\nissue = \"#1\"\n";
    let cases = [
        (
            base.to_owned(),
            "rule names no class: it needs `symbol` or `[[symbols]]`",
        ),
        (
            format!("symbol = \"Widget\"\n{base}[[symbols]]\nname = \"Gadget\"\n"),
            "a rule has `symbol` or `[[symbols]]`, not both",
        ),
        (
            format!("{base}risky-members = [\"x\"]\n[[symbols]]\nname = \"Widget\"\n"),
            "with `[[symbols]]`, `new-name`, `risky-members` and `renames` belong to each class",
        ),
        (
            format!("{base}[[symbols]]\nname = \"Widget\"\n[[symbols]]\nname = \"Widget\"\n"),
            "`Widget` is listed twice (first on line 6)",
        ),
        (
            format!("symbol = \"Widget\"\nnew-name = \"Gad get\"\n{base}"),
            "`Gad get` is not a Python identifier",
        ),
    ];
    for (rule, message) in cases {
        let project = widget_project(&rule);
        assert_error(&run(project.path(), &["check", "."]), message);
    }
}

/// README's "Writing a rule" example is the fixture's rule file (without its header comment),
/// so the example is a rule that loads and finds what the tests above say.
#[test]
fn the_readme_rule_example_is_the_fixtures_rule() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("```toml\nid = \"operators\"")
        .expect("the example")
        + "```toml\n".len();
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    let file =
        std::fs::read_to_string(repo_root().join(FIXTURE).join("rules/operators.toml")).unwrap();
    let body: String = file
        .lines()
        .skip_while(|line| line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(example, body);
}
