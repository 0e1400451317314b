//! The loaded rules as a set, through the binary: a project's `ssot-guard.toml` names rule files
//! that conflict, repeat each other or a built-in rule, move a class to itself or in a cycle
//! (each stops the run with exit code 2 and a diagnostic that points at the rule file and line),
//! or chain into one migration that `check --migration ID` then checks as a whole.

use crate::common;

use std::process::Output;

use common::{compact_findings, run, stderr, stdout, TempProject};

/// A `Widget` rule file: id on line 1, symbol 2, deprecated 3, ssot 4, issue 5, then `extra`.
fn rule(id: &str, deprecated: &[&str], ssot: &str, extra: &str) -> (String, String) {
    let deprecated: Vec<String> = deprecated.iter().map(|m| format!("\"{m}\"")).collect();
    (
        format!("{id}.toml"),
        format!(
            "id = \"{id}\"\nsymbol = \"Widget\"\ndeprecated = [{}]\nssot = \"{ssot}\"\n\
             issue = \"#{id}\"\n{extra}",
            deprecated.join(", ")
        ),
    )
}

/// A project whose `ssot-guard.toml` names `rules` in this order, with the `ui` package.
fn project(rules: &[(String, String)], files: &[(&str, &str)]) -> TempProject {
    let names: Vec<String> = rules
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect();
    let config = format!("rules = [{}]\n", names.join(", "));
    let project = TempProject::bare(&[("ssot-guard.toml", &config), ("ui/__init__.py", "")]);
    for (name, text) in rules {
        project.write(name, text);
    }
    for (path, text) in files {
        project.write(path, text);
    }
    project
}

/// Asserts exit code 2 and an empty stdout, and returns stderr with miette's wrapped message and
/// help lines joined back and the project's folder written `<project>`. miette wraps at 80
/// columns, at a space (which it drops) or after a `/` or `-` (paths: nothing dropped).
fn diagnostic(project: &TempProject, output: &Output) -> String {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    assert_eq!(stdout(output), "", "a broken rule set checks nothing");
    let mut text = String::new();
    let mut wrapped = false;
    for line in stderr(output).lines() {
        let rest = line
            .strip_prefix("  │ ")
            .or_else(|| line.strip_prefix("        "));
        match rest {
            Some(rest) if wrapped => {
                if !text.ends_with(['/', '-']) {
                    text.push(' ');
                }
                text.push_str(rest);
            }
            _ => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(line);
                wrapped = line.starts_with("  × ") || line.starts_with("  help: ");
            }
        }
    }
    let mut folders = vec![project.path().display().to_string()];
    if let Ok(canonical) = project.path().canonicalize() {
        folders.insert(0, canonical.display().to_string());
    }
    for folder in folders {
        text = text.replace(&folder, "<project>");
    }
    text.trim_end().to_owned()
}

fn check(project: &TempProject, migration: &str) -> Output {
    run(project.path(), &["check", ".", "--migration", migration])
}

#[test]
fn two_rules_moving_one_class_to_two_places_stop_the_run() {
    let project = project(
        &[
            rule("x", &["ui.old"], "ui.new", ""),
            rule("y", &["ui.legacy", "ui.old"], "ui.other", ""),
        ],
        &[],
    );
    assert_eq!(
        diagnostic(&project, &check(&project, "x")),
        "ssot_guard::invalid_toml

  × <project>/y.toml: rules `x` (<project>/x.toml:3) and `y` (<project>/y.toml:3) move `Widget` from `ui.old` to two places: `ui.new` and `ui.other`
   ╭─[<project>/y.toml:3:28]
 2 │ symbol = \"Widget\"
 3 │ deprecated = [\"ui.legacy\", \"ui.old\"]
   ·                            ────┬───
   ·                                ╰── here
 4 │ ssot = \"ui.other\"
   ╰────
  help: a class has one SSOT: remove `ui.old` from one rule's `deprecated`, or chain the moves (one rule's `ssot` deprecated by the next rule)"
    );
}

#[test]
fn a_project_rule_repeating_the_built_in_one_under_another_id_is_a_duplicate() {
    let copy = (
        "copy.toml".to_owned(),
        "# DeepAgentState again\nid = \"copy\"\nsymbol = \"DeepAgentState\"\n\
         deprecated = [\"netra_backend.app.agents.state\"]\n\
         ssot = \"netra_backend.app.schemas.agent_models\"\nissue = \"#871\"\n"
            .to_owned(),
    );
    let project = project(&[copy], &[]);
    assert_eq!(
        diagnostic(&project, &check(&project, "copy")),
        "ssot_guard::invalid_toml

  × <project>/copy.toml: rules `deepagentstate` (rules/deepagentstate.toml:7) and `copy` (<project>/copy.toml:2) are the same migration: both move `DeepAgentState` from `netra_backend.app.agents.state` to `netra_backend.app.schemas.agent_models`
   ╭─[<project>/copy.toml:2:6]
 1 │ # DeepAgentState again
 2 │ id = \"copy\"
   ·      ───┬──
   ·         ╰── here
 3 │ symbol = \"DeepAgentState\"
   ╰────
  help: remove one of them; a rule file with the same `id` as an earlier one replaces it"
    );
}

#[test]
fn two_rules_sharing_a_deprecated_module_stop_the_run() {
    let project = project(
        &[
            rule("x", &["ui.a", "ui.b"], "ui.new", ""),
            rule("y", &["ui.c", "ui.b"], "ui.new", ""),
        ],
        &[],
    );
    assert_eq!(
        diagnostic(&project, &check(&project, "y")),
        "ssot_guard::invalid_toml

  × <project>/y.toml: rules `x` (<project>/x.toml:3) and `y` (<project>/y.toml:3) both move `Widget` from `ui.b` to `ui.new`
   ╭─[<project>/y.toml:3:23]
 2 │ symbol = \"Widget\"
 3 │ deprecated = [\"ui.c\", \"ui.b\"]
   ·                       ───┬──
   ·                          ╰── here
 4 │ ssot = \"ui.new\"
   ╰────
  help: list `ui.b` in one rule's `deprecated` only, or merge the two rules"
    );
}

#[test]
fn a_rule_moving_a_class_to_itself_stops_the_run() {
    let project = project(&[rule("x", &["ui.old", "ui.new"], "ui.new", "")], &[]);
    assert_eq!(
        diagnostic(&project, &check(&project, "x")),
        "ssot_guard::invalid_toml

  × <project>/x.toml: rule `x` moves `Widget` from `ui.new` to itself: its `ssot` is also in `deprecated` (line 3)
   ╭─[<project>/x.toml:4:8]
 3 │ deprecated = [\"ui.old\", \"ui.new\"]
 4 │ ssot = \"ui.new\"
   ·        ────┬───
   ·            ╰── here
 5 │ issue = \"#x\"
   ╰────
  help: remove `ui.new` from `deprecated`, or make `ssot` the module the class moves to"
    );
}

#[test]
fn rules_moving_a_class_in_a_cycle_stop_the_run() {
    let project = project(
        &[
            rule("y", &["ui.b"], "ui.c", ""),
            rule("z", &["ui.c"], "ui.a", ""),
            rule("x", &["ui.a"], "ui.b", ""),
        ],
        &[],
    );
    assert_eq!(
        diagnostic(&project, &check(&project, "x")),
        "ssot_guard::invalid_toml

  × <project>/x.toml: rules `y`, `z` and `x` move `Widget` in a cycle: `ui.b` -> `ui.c` (`y`, <project>/y.toml:4) -> `ui.a` (`z`, <project>/z.toml:4) -> `ui.b` (`x`, <project>/x.toml:4)
   ╭─[<project>/x.toml:4:8]
 3 │ deprecated = [\"ui.a\"]
 4 │ ssot = \"ui.b\"
   ·        ───┬──
   ·           ╰── here
 5 │ issue = \"#x\"
   ╰────
  help: a chain of moves must end at one SSOT: drop one of these rules, or the deprecated module that closes the cycle"
    );
}

#[test]
fn a_chain_of_rules_is_checked_as_one_migration() {
    // `Widget` moves from `ui.a` to `ui.b` (x), then to `ui.c` (y), then to `ui.d` (z); the
    // config lists the files out of order. The member `legacy_size` is renamed at every step.
    let project = project(
        &[
            rule("z", &["ui.c"], "ui.d", "[renames]\nsize_c = \"size\"\n"),
            rule(
                "x",
                &["ui.a"],
                "ui.b",
                "[renames]\nlegacy_size = \"size_b\"\n",
            ),
            rule("y", &["ui.b"], "ui.c", "[renames]\nsize_b = \"size_c\"\n"),
        ],
        &[
            ("ui/a.py", "class Widget:\n    legacy_size = 1\n"),
            ("ui/b.py", "class Widget:\n    size_b = 1\n"),
            ("ui/c.py", "class Widget:\n    size_c = 1\n"),
            ("ui/d.py", "class Widget:\n    size = 1\n"),
            (
                "app.py",
                "from ui.a import Widget as A\nfrom ui.b import Widget as B\n\
                 from ui.c import Widget as C\nfrom ui.d import Widget\n\nWidget().legacy_size\n",
            ),
        ],
    );
    let (report, code) = project.check_json(&["--migration", "z"]);
    assert_eq!(code, 1);
    let mut migration = report["migrations"][0].clone();
    migration.as_object_mut().unwrap().remove("summary");
    assert_eq!(report["migrations"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        migration,
        serde_json::json!({
            "id": "z",
            "rule": "z",
            "symbol": "Widget",
            "new_name": null,
            "deprecated": ["ui.a", "ui.b", "ui.c"],
            "ssot": "ui.d",
            "issue": "#z",
            // Every deprecated class of the chain counts: members `ui.b`'s and `ui.c`'s classes
            // have and `ui.d`'s lacks are risky too.
            "risky_members": ["legacy_size", "size_b", "size_c"],
            "members_source": "derived",
            "warnings": [],
        })
    );
    assert_eq!(
        compact_findings(&report),
        [
            "SSOT001 warning app.py:1:18 -",
            "SSOT001 warning app.py:2:18 -",
            "SSOT001 warning app.py:3:18 -",
            "SSOT005 warning app.py:4:18 -",
            "SSOT002 error app.py:6:1 legacy_size",
        ]
    );
    // An absorbed id selects the chain too.
    let (absorbed, code) = project.check_json(&["--migration", "x"]);
    assert_eq!(code, 1);
    assert_eq!(absorbed["findings"], report["findings"]);
    // The renames are composed: the SSOT class calls `legacy_size` `size`.
    let human = run(project.path(), &["check", ".", "--migration", "z"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        stdout(&human)
            .contains("help: the SSOT class calls it `size`: use `size` instead of `legacy_size`"),
        "{}",
        stdout(&human)
    );
}
