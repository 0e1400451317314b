//! `ssot-guard triage` on real symptoms: the stderr of `python3` running the fixture's code from a
//! copy deployed elsewhere (AttributeError, TypeError, ImportError, a shim's `__getattr__`), the
//! same traceback behind log prefixes and JSON-escaped, and the JUnit XML of the real pytest in
//! both families. Each asserts the exact files, suspect commits and level.
//!
//! The history is `fixtures/triage/history/`, committed stage by stage with git2 at fixed times.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::common::repo::{binary_path, hermetic, TestRepo};
use super::common::{repo_root, stderr, stdout};

/// The fixture's stages and their commit messages; `None`: an empty checkpoint commit.
const HISTORY: [(Option<&str>, &str); 6] = [
    (Some("1-skeleton"), "Project skeleton"),
    (
        Some("2-services"),
        "Add the services, the websocket events and their tests",
    ),
    (
        Some("3-ssot-drops-thread-id"),
        "SSOT class: thread_id becomes chat_thread_id",
    ),
    (None, "checkpoint: pre-deepagentstate-batch-1"),
    (
        Some("5-batch-1"),
        "migrate(deepagentstate): batch 1 of 1: 6 files to netra_backend.app.schemas.agent_models",
    ),
    (
        Some("6-deprecated-module-removed"),
        "Remove the deprecated DeepAgentState",
    ),
];

/// The first `stages` commits of the fixture's history.
fn incident_repo(stages: usize) -> TestRepo {
    incident_repo_in(tempfile::tempdir().unwrap(), stages)
}

/// [`incident_repo`] in the folder `dir`.
fn incident_repo_in(dir: tempfile::TempDir, stages: usize) -> TestRepo {
    incident_repo_below(dir, "", stages)
}

/// [`incident_repo_in`] with the project in the repository's folder `prefix` (`""`: the top).
fn incident_repo_below(dir: tempfile::TempDir, prefix: &str, stages: usize) -> TestRepo {
    let repo = TestRepo::init_in(dir);
    let project = repo.path().join(prefix);
    std::fs::create_dir_all(&project).unwrap();
    for (stage, message) in &HISTORY[..stages] {
        if let Some(stage) = stage {
            copy_tree(
                &repo_root().join("fixtures/triage/history").join(stage),
                &project,
            );
        }
        repo.commit(message);
    }
    repo
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The work tree (without `.git`) copied below `<tmp>/<under>`: another machine's paths.
fn deploy(repo: &TestRepo, under: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join(under);
    std::fs::create_dir_all(&app).unwrap();
    for entry in std::fs::read_dir(repo.path()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".git" {
            continue;
        }
        let target = app.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    (dir, app)
}

/// The traceback `python3 -c code` prints in a copy of the work tree deployed below
/// `<tmp>/srv/app`, as another machine would print it.
fn raised_in_deployed_copy(repo: &TestRepo, code: &str) -> String {
    let (_deployed, app) = deploy(repo, "srv/app");
    python_stderr(&app, code, None)
}

/// Runs `python3 -c code` in `cwd` (with `PYTHONPATH`, if given): its stderr, which must hold
/// a traceback (exit code 1).
fn python_stderr(cwd: &Path, code: &str, pythonpath: Option<&Path>) -> String {
    let mut command = Command::new("python3");
    command
        .args(["-B", "-c", code])
        .current_dir(cwd)
        .env_remove("PYTHONPATH");
    if let Some(path) = pythonpath {
        command.env("PYTHONPATH", path);
    }
    let output = command.output().expect("python3 runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.starts_with("Traceback (most recent call last):"),
        "{text}"
    );
    text
}

/// `ssot-guard triage ARGS` in the repository with `input` on standard input.
fn triage(repo: &TestRepo, input: impl AsRef<[u8]>, args: &[&str]) -> Output {
    let mut child = hermetic(&mut Command::new(env!("CARGO_BIN_EXE_ssot-guard")))
        .arg("triage")
        .args(args)
        .current_dir(repo.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_ref())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn triage_json(repo: &TestRepo, input: impl AsRef<[u8]>, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let output = triage(repo, input, &all);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// What an assertion compares: the decision; per file its severity, the symptoms (type, the
/// culprit's line, the evidence) and the suspect commits by summary with their kinds; and the
/// level the rollback plan carries out and where it goes.
fn answer(report: &Value) -> Value {
    let symptoms = report["symptoms"].as_array().unwrap();
    let files: Vec<Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| {
            let symptoms: Vec<Value> = file["symptoms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|index| {
                    let symptom = &symptoms[index.as_u64().unwrap() as usize];
                    let culprit = &symptom["culprit"];
                    let evidence = &culprit["evidence"];
                    let mut shown = json!({
                        "type": symptom["type"],
                        "line": culprit["line"],
                        "evidence": format!(
                            "{} {} {}",
                            evidence["kind"].as_str().unwrap(),
                            evidence["code"].as_str().unwrap_or("-"),
                            evidence["line"]
                        ),
                    });
                    if !culprit["through_shim"].is_null() {
                        shown["through_shim"] = culprit["through_shim"].clone();
                    }
                    if evidence["baselined"] == true {
                        shown["baselined"] = json!(true);
                    }
                    shown
                })
                .collect();
            let commits: Vec<String> = file["commits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|commit| {
                    let kinds: Vec<&str> = commit["reasons"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["kind"].as_str().unwrap())
                        .collect();
                    format!(
                        "{} [{}]",
                        commit["summary"].as_str().unwrap(),
                        kinds.join(", ")
                    )
                })
                .collect();
            json!({
                "file": file["file"],
                "severity": file["severity"],
                "symptoms": symptoms,
                "commits": commits,
            })
        })
        .collect();
    let rollback = &report["rollback"];
    json!({
        "decision": report["decision"],
        "files": files,
        "rollback": if rollback.is_null() {
            Value::Null
        } else {
            json!({
                "level": rollback["level"],
                "target": rollback["target"]["kind"],
                "summary": rollback["target"]["summary"],
                "candidates": rollback["candidates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["path"].clone())
                    .collect::<Vec<_>>(),
            })
        },
    })
}

/// The report service with a state of the class it imports: the SSOT class once migrated.
const ATTRIBUTE_ERROR: &str = "from netra_backend.app.services import report\n\
    report.thread_of(report.DeepAgentState(chat_thread_id='t-1'))";

/// The AttributeError of the migrated report service: HIGH, Level 2 to the batch's
/// checkpoint; the batch commit that switched the import, the commit that dropped `thread_id`
/// from the SSOT class, and blame on the line.
fn attribute_error_answer() -> Value {
    json!({
        "decision": {
            "severity": "HIGH",
            "level": 2,
            "rollback_now": false,
            "reasons": ["application code fails: AttributeError in netra_backend/app/services/report.py"],
        },
        "files": [{
            "file": "netra_backend/app/services/report.py",
            "severity": "HIGH",
            "symptoms": [{"type": "AttributeError", "line": 5, "evidence": "finding SSOT002 5"}],
            "commits": [
                "migrate(deepagentstate): batch 1 of 1: 6 files to netra_backend.app.schemas.agent_models [switched-import]",
                "SSOT class: thread_id becomes chat_thread_id [removed-name]",
                "Add the services, the websocket events and their tests [blame]",
            ],
        }],
        "rollback": {
            "level": 2,
            "target": "checkpoint",
            "summary": "checkpoint: pre-deepagentstate-batch-1",
            "candidates": ["netra_backend/app/services/report.py"],
        },
    })
}

/// A traceback from `/srv/app` on another machine: the frames map to the project by the longest
/// path suffix. The human report and the incident message are snapshots.
#[test]
fn an_attribute_error_from_another_machine() {
    let repo = incident_repo(5);
    let (_deployed, app) = deploy(&repo, "srv/app");
    let traceback = python_stderr(&app, ATTRIBUTE_ERROR, None);
    assert!(traceback.contains("/srv/app/netra_backend/app/services/report.py\", line 5"));

    let report = triage_json(&repo, &traceback, &[]);
    assert_eq!(answer(&report), attribute_error_answer());
    assert_eq!(
        report["input"],
        json!({"source": "stdin", "kind": "text", "exceptions": 1})
    );
    let frames: Vec<&Value> = report["symptoms"][0]["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["file"])
        .collect();
    assert_eq!(
        frames,
        [&Value::Null, &json!("netra_backend/app/services/report.py")]
    );

    let output = triage(&repo, &traceback, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let human = stdout(&output).replace(&binary_path(), "[ssot-guard]");
    insta::assert_snapshot!("triage_attribute_error_human", human);

    let message = triage(&repo, &traceback, &["--message"]);
    insta::assert_snapshot!("triage_attribute_error_message", stdout(&message));

    // Deterministic: the same bytes twice.
    assert_eq!(triage(&repo, &traceback, &[]).stdout, output.stdout);

    // The answer works: the Level 2 commands, pasted, take HEAD back to the checkpoint (the
    // batch kept on a backup branch), and the same code runs.
    let run = paste_rollback_commands(&repo, &report, ATTRIBUTE_ERROR);
    assert!(stdout(&run).contains("golden path: websocket agent events ok"));
    assert_eq!(repo.status(), "");
}

/// Pastes the JSON report's rollback commands into bash at the repository's top level, checks
/// they succeed and leave HEAD on the batch's checkpoint, then that `python3 -c code` runs in
/// the work tree without error. What bash printed.
fn paste_rollback_commands(repo: &TestRepo, report: &Value, code: &str) -> Output {
    let commands: Vec<&str> = report["rollback"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let run = repo.run_script(&format!("set -e\n{}\n", commands.join("\n")));
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(
        repo.message(repo.head().unwrap()),
        "checkpoint: pre-deepagentstate-batch-1"
    );
    let fixed = Command::new("python3")
        .args(["-B", "-c", code])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    run
}

/// The same traceback as a log has it: behind a prefix with a timestamp on every line, as a
/// JSON record's escaped field, and as docker's JSON lines (one per traceback line).
#[test]
fn logs_with_prefixes_and_escaped_json_give_the_same_answer() {
    let repo = incident_repo(5);
    let traceback = raised_in_deployed_copy(&repo, ATTRIBUTE_ERROR);

    let prefixed: String = traceback
        .lines()
        .enumerate()
        .map(|(i, line)| {
            format!(
                "2026-12-02T10:00:{:02}.{:03}Z api-7f9c ERROR {line}\n",
                i,
                i * 7
            )
        })
        .collect();
    let escaped = format!(
        "2026-12-02T10:00:00Z api-7f9c INFO request started\n{}\n2026-12-02T10:00:02Z api-7f9c INFO request done\n",
        json!({"time": "2026-12-02T10:00:01Z", "level": "error", "exc_info": traceback})
    );
    let docker: String = traceback
        .split_inclusive('\n')
        .map(|line| {
            format!(
                "{}\n",
                json!({"log": line, "stream": "stderr", "time": "2026-12-02T10:00:01.5Z"})
            )
        })
        .collect();
    let embedded = format!(
        "worker-2 | task failed: {}\n",
        serde_json::to_string(&json!({"error": traceback})).unwrap()
    );
    for log in [&prefixed, &escaped, &docker, &embedded] {
        let report = triage_json(&repo, log, &[]);
        assert_eq!(answer(&report), attribute_error_answer(), "{log}");
    }
}

/// A keyword the deprecated class takes and the SSOT class does not: TypeError, found as SSOT003.
#[test]
fn a_keyword_the_ssot_class_does_not_take() {
    let repo = incident_repo(5);
    let (_deployed, app) = deploy(&repo, "deploy/current");
    let traceback = python_stderr(
        &app,
        "from netra_backend.app.services.state_factory import new_state\nnew_state('t-2')",
        None,
    );
    assert!(traceback.contains(
        "TypeError: DeepAgentState.__init__() got an unexpected keyword argument 'thread_id'"
    ));
    let report = triage_json(&repo, &traceback, &[]);
    assert_eq!(
        answer(&report)["files"],
        json!([{
            "file": "netra_backend/app/services/state_factory.py",
            "severity": "HIGH",
            "symptoms": [{"type": "TypeError", "line": 5, "evidence": "finding SSOT003 5"}],
            "commits": [
                "migrate(deepagentstate): batch 1 of 1: 6 files to netra_backend.app.schemas.agent_models [switched-import]",
                "SSOT class: thread_id becomes chat_thread_id [removed-name]",
                "Add the services, the websocket events and their tests [blame]",
            ],
        }])
    );
    assert_eq!(report["decision"]["level"], 2);
}

/// What `check` does not report is still explained: a `# ssot-guard: ignore` comment that hid
/// the finding, and a baseline that holds it.
#[test]
fn a_suppressed_finding_and_a_baselined_one() {
    let repo = incident_repo(5);
    let (_deployed, app) = deploy(&repo, "srv/app");
    let quiet = python_stderr(
        &app,
        "from netra_backend.app.services.quiet import quiet_thread\n\
         from netra_backend.app.schemas.agent_models import DeepAgentState\n\
         quiet_thread(DeepAgentState())",
        None,
    );
    let report = triage_json(&repo, &quiet, &[]);
    let evidence = &report["symptoms"][0]["culprit"]["evidence"];
    assert_eq!(evidence["kind"], "suppressed");
    assert_eq!(evidence["code"], "SSOT002");
    assert_eq!(evidence["line"], 5);
    assert_eq!(evidence["comment_line"], 5);
    assert_eq!(
        answer(&report)["files"][0]["commits"],
        json!([
            "SSOT class: thread_id becomes chat_thread_id [removed-name]",
            "migrate(deepagentstate): batch 1 of 1: 6 files to netra_backend.app.schemas.agent_models [blame]",
        ])
    );

    let baselines = tempfile::tempdir().unwrap();
    let baseline = baselines.path().join("baseline.json");
    let written = super::common::repo::ssot_guard(
        repo.path(),
        "check",
        &["--write-baseline", baseline.to_str().unwrap()],
    );
    // 1: the findings it wrote fail `check`.
    assert_eq!(written.status.code(), Some(1), "{}", stderr(&written));
    assert!(baseline.is_file());
    let traceback = python_stderr(&app, ATTRIBUTE_ERROR, None);
    let report = triage_json(
        &repo,
        &traceback,
        &["--baseline", baseline.to_str().unwrap()],
    );
    let mut expected = attribute_error_answer();
    expected["files"][0]["symptoms"][0]["baselined"] = json!(true);
    assert_eq!(answer(&report), expected);
}

/// After the deprecated module is emptied into a shim: the golden-path handler's ImportError is
/// CRITICAL (Level 3), and the AttributeError raised in the shim's `__getattr__` points at the
/// project frame above it. Both tracebacks in one log.
#[test]
fn an_import_error_in_golden_path_code_and_a_shim() {
    let repo = incident_repo(6);
    let (_deployed, app) = deploy(&repo, "srv/app");
    let import = python_stderr(
        &app,
        "import netra_backend.app.websocket_core.handlers",
        None,
    );
    assert!(import.contains(
        "ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state'"
    ));
    let shim = python_stderr(
        &app,
        "from netra_backend.app.services.legacy_bridge import restore\nrestore('t-4')",
        None,
    );
    assert!(shim.contains(", in __getattr__\n"));
    let log = format!("{shim}\n{import}");
    let report = triage_json(&repo, &log, &[]);
    let removed = "Remove the deprecated DeepAgentState [removed-name]";
    let added = "Add the services, the websocket events and their tests [blame]";
    assert_eq!(
        answer(&report)["files"],
        json!([
            {
                "file": "netra_backend/app/websocket_core/handlers.py",
                "severity": "CRITICAL",
                "symptoms": [{"type": "ImportError", "line": 1, "evidence": "finding SSOT004 1"}],
                "commits": [removed, added],
            },
            {
                "file": "netra_backend/app/services/legacy_bridge.py",
                "severity": "HIGH",
                "symptoms": [{
                    "type": "AttributeError",
                    "line": 5,
                    "evidence": "finding SSOT004 5",
                    "through_shim": "netra_backend/app/agents/state.py",
                }],
                "commits": [removed, added],
            },
        ])
    );
    assert_eq!(
        report["decision"],
        json!({
            "severity": "CRITICAL",
            "level": 3,
            "rollback_now": false,
            "reasons": ["golden-path code fails: ImportError in netra_backend/app/websocket_core/handlers.py"],
        })
    );
    assert_eq!(report["rollback"]["level"], 3);
    // Each commit is judged with its own class definitions: before the removal the handler's
    // import worked, so the last known good commit is the newest where nothing failed then (the
    // batch commit broke the report service), and the handler has no migration to undo.
    assert_eq!(report["rollback"]["target"]["kind"], "last_known_good");
    assert_eq!(
        report["rollback"]["target"]["summary"],
        "checkpoint: pre-deepagentstate-batch-1"
    );
    assert_eq!(
        report["rollback"]["candidates"][0]["no_target"],
        "no commit moved this file's `DeepAgentState` from the deprecated module to the SSOT module: there is no migration to undo"
    );
    assert_eq!(
        report["culprit_commits"][0]["summary"],
        "Remove the deprecated DeepAgentState"
    );
}

/// A Python with pytest and pydantic, installed once into `target/tmp` with pip (pinned): its
/// interpreter.
fn pytest_python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pytest-venv");
            let python = venv.join("bin/python");
            let runs = |python: &Path| {
                Command::new(python)
                    .args(["-c", "import pytest, pydantic"])
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            if runs(&python) {
                return python;
            }
            let staging = venv.with_extension(std::process::id().to_string());
            let _ = std::fs::remove_dir_all(&staging);
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&staging)
                .status()
                .expect("python3 runs");
            assert!(made.success(), "python3 -m venv failed");
            let installed = Command::new(staging.join("bin/python"))
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "pytest==9.2.0",
                    "pydantic==2.9.2",
                ])
                .output()
                .expect("pip runs");
            assert!(
                installed.status.success(),
                "pip install pytest failed (this test needs PyPI): {}",
                stderr(&installed)
            );
            let _ = std::fs::remove_dir_all(&venv);
            std::fs::rename(&staging, &venv).unwrap();
            assert!(runs(&python), "pytest does not run from {}", venv.display());
            python
        })
        .clone()
}

/// The real pytest on the fixture's suite, `--junitxml` in family `family`: the XML, and what
/// pytest printed (its own report of the failures).
fn junit_report(repo: &TestRepo, family: &str) -> (String, String) {
    let reports = tempfile::tempdir().unwrap();
    let xml = reports.path().join("report.xml");
    let output = Command::new(pytest_python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o"])
        .arg(format!("junit_family={family}"))
        .arg(format!("--junitxml={}", xml.display()))
        .current_dir(repo.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("PYTHONPATH")
        .output()
        .expect("pytest runs");
    // 1: tests failed (not 2-5: interrupted, internal or usage error, nothing collected).
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert_eq!(repo.status(), "", "pytest wrote into the work tree");
    (std::fs::read_to_string(xml).unwrap(), stdout(&output))
}

/// Both JUnit families, and pytest's console report, give one answer: a golden-path test fails on the migrated websocket
/// events (CRITICAL, Level 3), 2 of the 3 mission-critical tests fail (roll back now), the
/// report service (HIGH) and a test that builds the class with a dropped keyword (MEDIUM); a
/// failed assert that is not the migration's is left aside.
#[test]
fn pytest_junit_reports_in_both_families() {
    let repo = incident_repo(5);
    let (xunit1, console) = junit_report(&repo, "xunit1");
    let (xunit2, _) = junit_report(&repo, "xunit2");
    assert!(xunit1.contains(" file=\"tests/test_report.py\""));
    assert!(!xunit2.contains(" file=\""), "xunit2 has no file attribute");

    let batch = "migrate(deepagentstate): batch 1 of 1: 6 files to netra_backend.app.schemas.agent_models [switched-import]";
    let dropped = "SSOT class: thread_id becomes chat_thread_id [removed-name]";
    let added = "Add the services, the websocket events and their tests [blame]";
    let expected = json!({
        "decision": {
            "severity": "CRITICAL",
            "level": 3,
            "rollback_now": true,
            "reasons": [
                "golden-path code fails: AttributeError in netra_backend/app/websocket_core/events.py",
                "golden-path test file tests/mission_critical/test_websocket_agent_events_suite.py fails: 2 of 3 tests, 2 with a migration's error",
                "2 of 3 mission-critical tests fail (67%, more than 10%): the runbook says roll back now",
            ],
        },
        "files": [
            {
                "file": "netra_backend/app/websocket_core/events.py",
                "severity": "CRITICAL",
                "symptoms": [
                    {"type": "AttributeError", "line": 5, "evidence": "finding SSOT002 5"},
                    {"type": "AttributeError", "line": 5, "evidence": "finding SSOT002 5"},
                ],
                "commits": [batch, dropped, added],
            },
            {
                "file": "netra_backend/app/services/report.py",
                "severity": "HIGH",
                "symptoms": [{"type": "AttributeError", "line": 5, "evidence": "finding SSOT002 5"}],
                "commits": [batch, dropped, added],
            },
            {
                "file": "tests/test_factory.py",
                "severity": "MEDIUM",
                "symptoms": [{"type": "TypeError", "line": 5, "evidence": "finding SSOT003 5"}],
                "commits": [batch, dropped, added],
            },
        ],
        "rollback": {
            "level": 3,
            "target": "last_known_good",
            "summary": "checkpoint: pre-deepagentstate-batch-1",
            "candidates": [
                "netra_backend/app/websocket_core/events.py",
                "netra_backend/app/services/report.py",
                "tests/test_factory.py",
            ],
        },
    });
    let mut tests = None;
    for xml in [&xunit1, &xunit2] {
        let report = triage_json(&repo, xml, &[]);
        assert_eq!(answer(&report), expected);
        assert_eq!(report["input"]["kind"], "junit");
        let counts = report["tests"].clone();
        if let Some(first) = &tests {
            assert_eq!(&counts, first, "xunit1 and xunit2 count alike");
        }
        tests = Some(counts);
        let others: Vec<&Value> = report["symptoms"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["migration"].is_null())
            .map(|s| &s["type"])
            .collect();
        assert_eq!(others, [&json!("AssertionError")]);
    }
    assert_eq!(
        tests.unwrap(),
        json!({
            "total": 7,
            "failed": 5,
            "mission_critical_total": 3,
            "mission_critical_failed": 2,
            "files": [
                {"file": "tests/mission_critical/test_websocket_agent_events_suite.py", "mission_critical": true, "total": 3, "failed": 2, "migration_failures": 2},
                {"file": "tests/test_factory.py", "mission_critical": false, "total": 1, "failed": 1, "migration_failures": 1},
                {"file": "tests/test_misc.py", "mission_critical": false, "total": 1, "failed": 1, "migration_failures": 0},
                {"file": "tests/test_report.py", "mission_critical": false, "total": 2, "failed": 1, "migration_failures": 1},
            ],
        })
    );
    let output = triage(&repo, &xunit2, &[]);
    let human = stdout(&output).replace(&binary_path(), "[ssot-guard]");
    insta::assert_snapshot!("triage_junit_human", human);

    // pytest's console report, as a CI log shows it, names the same files (without the test
    // counts: no "roll back now").
    let report = triage_json(&repo, &console, &[]);
    assert_eq!(answer(&report)["files"], expected["files"]);
    assert_eq!(report["decision"]["severity"], "CRITICAL");
    assert_eq!(report["decision"]["rollback_now"], false);
}

/// A collection error (pytest's `<error>`): the test module's ImportError after the deprecated
/// module is emptied, in a mission-critical-free run: only tests fail, MEDIUM, Level 1.
#[test]
fn a_collection_error_in_a_test_module() {
    let repo = incident_repo(6);
    repo.write(
        "tests/test_legacy_import.py",
        "from netra_backend.app.agents.state import DeepAgentState\n\n\ndef test_legacy():\n    assert DeepAgentState\n",
    );
    repo.commit("Add a legacy import test");
    let reports = tempfile::tempdir().unwrap();
    let xml = reports.path().join("report.xml");
    let output = Command::new(pytest_python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(format!("--junitxml={}", xml.display()))
        .arg("tests/test_legacy_import.py")
        .current_dir(repo.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("pytest runs");
    // 2: interrupted by the collection error.
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let report = triage_json(&repo, std::fs::read_to_string(xml).unwrap(), &[]);
    assert_eq!(
        answer(&report)["files"],
        json!([{
            "file": "tests/test_legacy_import.py",
            "severity": "MEDIUM",
            "symptoms": [{"type": "ImportError", "line": 1, "evidence": "finding SSOT004 1"}],
            "commits": [
                "Remove the deprecated DeepAgentState [removed-name]",
                "Add a legacy import test [blame]",
            ],
        }])
    );
    assert_eq!(report["decision"]["severity"], "MEDIUM");
    assert_eq!(report["decision"]["level"], 1);
}

/// Code installed into site-packages is not the project's: its frames are dropped, unless the
/// config's `path-map` says where they come from.
#[test]
fn site_packages_frames_need_the_path_map() {
    let repo = incident_repo(5);
    let (_deployed, site) = deploy(&repo, "venv/lib/python3.11/site-packages");
    let elsewhere = tempfile::tempdir().unwrap();
    let traceback = python_stderr(elsewhere.path(), ATTRIBUTE_ERROR, Some(&site));
    assert!(traceback.contains("/site-packages/netra_backend/app/services/report.py"));

    let report = triage_json(&repo, &traceback, &[]);
    assert_eq!(report["files"], json!([]));
    assert_eq!(report["symptoms"][0]["frames"][1]["dropped"], "library");
    assert_eq!(
        report["decision"],
        json!({
            "severity": "MEDIUM",
            "level": null,
            "rollback_now": false,
            "reasons": ["a migration's error, but none of its frames is a file of this project (frames in installed code need `path-map` in the config)"],
        })
    );

    let config = format!(
        "rules = [\"rules/deepagentstate.toml\"]\npath-map = [{}]\n",
        json!(format!("{}=.", site.display()))
    );
    // Beside the rule file it names, uncommitted: the project root is the config's folder.
    let file = repo.path().join("triage.toml");
    std::fs::write(&file, config).unwrap();
    let report = triage_json(&repo, &traceback, &["--config", file.to_str().unwrap()]);
    assert_eq!(answer(&report)["files"], attribute_error_answer()["files"]);
}

/// An exception no migration causes: no rollback, exit 0.
#[test]
fn an_error_that_is_not_the_migrations() {
    let repo = incident_repo(5);
    let traceback = python_stderr(repo.path(), "import json\njson.loads('{')", None);
    let output = triage(&repo, &traceback, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["decision"],
        json!({
            "severity": null,
            "level": null,
            "rollback_now": false,
            "reasons": ["1 exception and none is an error a migration causes"],
        })
    );
    assert_eq!(report["rollback"], Value::Null);
    let message = triage(&repo, &traceback, &["--message"]);
    assert_eq!(
        stdout(&message),
        "No incident message (no rollback level): 1 exception and none is an error a migration causes\n"
    );
}

/// Bad input gets a clear error or an empty answer, never a crash: a JUnit file that is not XML
/// to the end, a report nested 100,000 deep, gutters 100,000 deep, nothing at all, a log of
/// 200,000 lines around one traceback, UTF-16 with CRLF, and bytes that are not UTF-8.
#[test]
fn bad_inputs() {
    let repo = incident_repo(5);
    let broken = triage(&repo, "<?xml version=\"1.0\"?><testsuites><testcase", &[]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("cannot read `-` as a JUnit report"),
        "{}",
        stderr(&broken)
    );

    let deep = format!(
        "<?xml version=\"1.0\"?><testsuites>{}",
        "<a>".repeat(100_000)
    );
    let output = triage(&repo, &deep, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));

    let closed = format!(
        "<?xml version=\"1.0\"?><testsuites>{}{}</testsuites>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let report = triage_json(&repo, &closed, &[]);
    assert_eq!(report["tests"]["total"], 0);
    let gutters = format!(
        "  + Exception Group Traceback (most recent call last):\n  | {}x\n  {}\n",
        "| ".repeat(100_000),
        "|".repeat(200_000)
    );
    assert_eq!(triage_json(&repo, &gutters, &[])["symptoms"], json!([]));

    let empty = triage_json(&repo, "", &[]);
    assert_eq!(
        empty["decision"]["reasons"],
        json!(["no exception in the input"])
    );

    let traceback = raised_in_deployed_copy(&repo, ATTRIBUTE_ERROR);
    let mut noisy = String::new();
    for i in 0..100_000 {
        noisy.push_str(&format!(
            "2026-12-02 10:00:00,{i:06} INFO worker: request {i} done\n"
        ));
    }
    noisy.push_str(&traceback);
    for i in 0..100_000 {
        noisy.push_str(&format!("E   not an exception {i}\n"));
    }
    assert_eq!(
        answer(&triage_json(&repo, &noisy, &[])),
        attribute_error_answer()
    );

    // As PowerShell's `>` saves it: UTF-16LE with a byte order mark, CRLF line ends.
    let mut utf16 = vec![0xff, 0xfe];
    for unit in traceback.replace('\n', "\r\n").encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    assert_eq!(
        answer(&triage_json(&repo, &utf16, &[])),
        attribute_error_answer()
    );

    let mut bytes = traceback.into_bytes();
    bytes.extend_from_slice(b"\xff\xfe binary \x00 tail\n");
    assert_eq!(
        answer(&triage_json(&repo, &bytes, &[])),
        attribute_error_answer()
    );
}

/// Symptoms of two migrations: the one with more is planned, the other is named in a note. (A
/// copy of `fixtures/three_migrations` outside any repository: no plan, said so.)
#[test]
fn symptoms_of_two_migrations() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("fixtures/three_migrations"), dir.path());
    let frame = |file: &str, line: usize, source: &str| {
        format!(
            "  File \"/app/netra_backend/app/services/{file}\", line {line}, in f\n    {source}\n"
        )
    };
    let log = format!(
        "Traceback (most recent call last):\n{}AttributeError: 'AgentRegistry' object has no attribute 'default_agent'\n\n\
         Traceback (most recent call last):\n{}AttributeError: 'AgentRegistry' object has no attribute 'default_agent'\n\n\
         Traceback (most recent call last):\n{}AttributeError: 'DeepAgentState' object has no attribute 'thread_id'\n",
        frame("registry_user.py", 5, "return registry.default_agent"),
        frame("all_three.py", 8, "return f\"{state.thread_id} {registry.default_agent} {engine.max_steps}\""),
        frame("all_three.py", 8, "return f\"{state.thread_id} {registry.default_agent} {engine.max_steps}\""),
    );
    let mut child = hermetic(&mut Command::new(env!("CARGO_BIN_EXE_ssot-guard")))
        .args(["triage", "--format", "json"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(log.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let migrations: Vec<&Value> = report["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["migration"])
        .collect();
    assert_eq!(
        migrations,
        [
            &json!("agentregistry"),
            &json!("agentregistry"),
            &json!("deepagentstate")
        ]
    );
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0]
        .as_str()
        .unwrap()
        .starts_with("no rollback plan and no culprit commits: "));
    assert_eq!(
        notes[1],
        "1 symptom is of migration deepagentstate, not planned here: run triage again with --migration deepagentstate"
    );
    assert_eq!(report["rollback"], Value::Null);
    let files: Vec<&Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["file"])
        .collect();
    assert_eq!(
        files,
        [
            &json!("netra_backend/app/services/all_three.py"),
            &json!("netra_backend/app/services/registry_user.py")
        ]
    );
}

/// pydantic's own errors, raised by the real pydantic: a keyword the SSOT model forbids
/// (`ValidationError`), a write of a field it lacks (`ValueError`), and a read through
/// `BaseModel.__getattr__` in site-packages (not a migration shim: its frame is dropped) on a
/// parameter the scan cannot type.
#[test]
fn pydantic_errors_of_a_migrated_model() {
    let repo = TestRepo::init_in(tempfile::tempdir().unwrap());
    copy_tree(
        &repo_root().join("fixtures/triage/history/1-skeleton"),
        repo.path(),
    );
    repo.write(
        "netra_backend/app/agents/state.py",
        "from pydantic import BaseModel\n\n\nclass DeepAgentState(BaseModel):\n    chat_thread_id: str = \"\"\n    thread_id: str = \"\"\n",
    );
    repo.write(
        "netra_backend/app/schemas/agent_models.py",
        "from pydantic import BaseModel, ConfigDict\n\n\nclass DeepAgentState(BaseModel):\n    model_config = ConfigDict(extra=\"forbid\")\n\n    chat_thread_id: str = \"\"\n",
    );
    let service = |module: &str| {
        format!(
            "from {module} import DeepAgentState\n\n\ndef restore(row):\n    return DeepAgentState(chat_thread_id=row[\"chat\"], thread_id=row[\"thread\"])\n\n\ndef mark(state: DeepAgentState):\n    state.thread_id = \"seen\"\n\n\ndef thread_of(state):\n    return state.thread_id\n"
        )
    };
    repo.write(
        "netra_backend/app/services/session_export.py",
        &service("netra_backend.app.agents.state"),
    );
    repo.commit("Add the session export");
    repo.write(
        "netra_backend/app/services/session_export.py",
        &service("netra_backend.app.schemas.agent_models"),
    );
    repo.commit("Switch the session export to the SSOT model");

    let python = pytest_python();
    let (_deployed, app) = deploy(&repo, "srv/app");
    let run = |code: &str| {
        let output = Command::new(&python)
            .args(["-B", "-c", code])
            .current_dir(&app)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stderr(&output)
    };
    let import = "from netra_backend.app.services import session_export as s\n";
    let validation = run(&format!(
        "{import}s.restore({{'chat': 'c', 'thread': 't'}})"
    ));
    assert!(validation.contains("pydantic_core._pydantic_core.ValidationError: 1 validation error for DeepAgentState\nthread_id\n  Extra inputs are not permitted [type=extra_forbidden"), "{validation}");
    let write = run(&format!("{import}s.mark(s.DeepAgentState())"));
    assert!(
        write.contains("ValueError: \"DeepAgentState\" object has no field \"thread_id\""),
        "{write}"
    );
    let read = run(&format!("{import}s.thread_of(s.DeepAgentState())"));
    assert!(
        read.contains("site-packages/pydantic/main.py") && read.contains("in __getattr__"),
        "{read}"
    );

    let report = triage_json(&repo, format!("{validation}\n{write}\n{read}"), &[]);
    let errors: Vec<&Value> = report["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["error"])
        .collect();
    assert_eq!(
        errors,
        [
            &json!({"kind": "validation", "class": "DeepAgentState", "fields": [{"field": "thread_id", "error_type": "extra_forbidden"}]}),
            &json!({"kind": "missing-member", "class": "DeepAgentState", "member": "thread_id"}),
            &json!({"kind": "missing-member", "class": "DeepAgentState", "member": "thread_id"}),
        ]
    );
    let switched = "Switch the session export to the SSOT model [switched-import]";
    let added = "Add the session export [blame]";
    assert_eq!(
        answer(&report)["files"],
        json!([{
            "file": "netra_backend/app/services/session_export.py",
            "severity": "HIGH",
            "symptoms": [
                {"type": "pydantic_core._pydantic_core.ValidationError", "line": 5, "evidence": "finding SSOT003 5"},
                {"type": "ValueError", "line": 9, "evidence": "finding SSOT002 9"},
                // Not annotated: the scan cannot know `state`'s class, and says so.
                {"type": "AttributeError", "line": 13, "evidence": "not-found - null"},
            ],
            "commits": [switched, added],
        }])
    );
    assert_eq!(report["decision"]["level"], 2);
}

/// The deployed code is not this checkout's: a docstring added since moved the line. triage says
/// so (this checkout's line is another), and the finding one line below still explains it.
#[test]
fn a_traceback_from_another_version_of_the_file() {
    let repo = incident_repo(5);
    let (_deployed, app) = deploy(&repo, "srv/app");
    let traceback = python_stderr(&app, ATTRIBUTE_ERROR, None);
    let report_py = "netra_backend/app/services/report.py";
    let text = String::from_utf8(repo.read(report_py)).unwrap();
    repo.write(
        report_py,
        &format!("\"\"\"The report service.\"\"\"\n{text}"),
    );
    repo.commit("Document the report service");

    let report = triage_json(&repo, &traceback, &[]);
    let culprit = &report["symptoms"][0]["culprit"];
    assert_eq!(culprit["line"], 5);
    assert_eq!(
        culprit["checkout_line"],
        "def thread_of(state: DeepAgentState):"
    );
    assert_eq!(culprit["evidence"]["code"], "SSOT002");
    assert_eq!(culprit["evidence"]["line"], 6);
    let human = stdout(&triage(&repo, &traceback, &[]));
    assert!(human.contains(
        "this checkout's line 5 differs (`def thread_of(state: DeepAgentState):`): the deployed code is another version"
    ), "{human}");
    // Without the change, no such line.
    assert!(answer(&triage_json(&incident_repo(5), &traceback, &[])) == attribute_error_answer());
    assert_eq!(
        triage_json(&incident_repo(5), &traceback, &[])["symptoms"][0]["culprit"]["checkout_line"],
        Value::Null
    );
}

/// A traceback from this very checkout names files by their absolute paths, which map to the
/// project even when the checkout lives below a `lib/python3.11` folder (the rule that drops
/// installed code comes after).
#[test]
fn a_traceback_from_the_checkout_itself_below_lib_python() {
    let base = tempfile::tempdir().unwrap();
    let folder = base.path().join("lib/python3.11");
    std::fs::create_dir_all(&folder).unwrap();
    let repo = incident_repo_in(tempfile::Builder::new().tempdir_in(&folder).unwrap(), 5);
    let traceback = python_stderr(repo.path(), ATTRIBUTE_ERROR, None);
    assert!(traceback.contains("/lib/python3.11/"));
    assert_eq!(
        answer(&triage_json(&repo, &traceback, &[])),
        attribute_error_answer()
    );
}

/// The project in a folder of the repository (`--project backend`): files and commits are named
/// relative to the project, the plan's paths relative to the repository.
#[test]
fn a_project_in_a_folder_of_the_repository() {
    let repo = incident_repo_below(tempfile::tempdir().unwrap(), "backend", 5);
    let (_deployed, app) = deploy(&repo, "srv");
    let traceback = python_stderr(&app.join("backend"), ATTRIBUTE_ERROR, None);
    let report = triage_json(&repo, &traceback, &["--project", "backend"]);
    let expected = attribute_error_answer();
    let answer = answer(&report);
    assert_eq!(answer["decision"], expected["decision"]);
    assert_eq!(answer["files"], expected["files"]);
    assert_eq!(
        report["files"][0]["commits"][1]["reasons"][0]["text"],
        "removed or renamed `thread_id` in netra_backend/app/schemas/agent_models.py (3 -> 0 occurrences)"
    );
    assert_eq!(
        answer["rollback"]["candidates"],
        json!(["backend/netra_backend/app/services/report.py"])
    );
}

/// An import that fails because a commit took the class out of the deprecated module: no file
/// has a migration commit to undo, so the phase rollback goes back before that commit (to the
/// newest checkpoint before it), and the pasted Level 2 commands make the code run again.
#[test]
fn a_removed_class_is_undone_by_the_phase_rollback() {
    let repo = incident_repo(6);
    let (_deployed, app) = deploy(&repo, "srv/app");
    let code = "from netra_backend.app.services.legacy_bridge import restore\nrestore('t-4')";
    let shim = python_stderr(&app, code, None);
    let report = triage_json(&repo, &shim, &[]);
    assert_eq!(report["decision"]["severity"], "HIGH");
    assert_eq!(report["decision"]["level"], 2);
    assert_eq!(report["rollback"]["target"]["kind"], "checkpoint");
    assert_eq!(
        report["rollback"]["target"]["summary"],
        "checkpoint: pre-deepagentstate-batch-1"
    );
    assert_eq!(report["rollback"]["notes"], json!([]));
    paste_rollback_commands(&repo, &report, code);
}

/// A path the scan cannot check is an error in the JSON report and on stderr, and exit 2, with
/// the answer still given.
#[test]
fn a_file_the_scan_cannot_read() {
    let repo = incident_repo(5);
    let (_deployed, app) = deploy(&repo, "srv/app");
    let traceback = python_stderr(&app, ATTRIBUTE_ERROR, None);
    std::os::unix::fs::symlink(
        "gone.py",
        repo.path().join("netra_backend/app/services/dangling.py"),
    )
    .unwrap();
    let output = triage(&repo, &traceback, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors: Vec<&Value> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["path"])
        .collect();
    assert_eq!(errors, [&json!("netra_backend/app/services/dangling.py")]);
    assert!(
        stderr(&output).contains("dangling.py"),
        "{}",
        stderr(&output)
    );
    assert_eq!(answer(&report)["files"], attribute_error_answer()["files"]);
    let human = triage(&repo, &traceback, &[]);
    assert_eq!(human.status.code(), Some(2));
    assert!(stderr(&human).contains("dangling.py"));
}

/// Every shape CPython prints, from `python3` itself (`fixtures/triage/shapes.py`): a suggestion,
/// a context and a cause, an exception group with notes and a chain inside and a nested group
/// of exceptions never raised, recursion, a syntax error, a multi-line message with notes, code
/// with no source, a dotted type. The script prints, in the order the tracebacks print, each
/// exception's type: triage reads exactly those, bare and behind a log prefix.
#[test]
fn every_shape_of_cpythons_tracebacks() {
    let output = Command::new("python3")
        .arg(repo_root().join("fixtures/triage/shapes.py"))
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let expected: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(expected.len(), 16, "{expected:?}");
    let tracebacks = stderr(&output);
    let prefixed: String = tracebacks
        .lines()
        .enumerate()
        .map(|(i, line)| {
            format!(
                "2026-12-02 10:00:{:02},{:03} ERROR worker-7 {line}\n",
                i % 60,
                i
            )
        })
        .collect();
    let repo = incident_repo(5);
    for text in [&tracebacks, &prefixed] {
        let report = triage_json(&repo, text, &[]);
        let types: Vec<String> = report["symptoms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["type"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(types, expected);
        let boom = report["symptoms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["type"] == "Boom")
            .unwrap();
        assert_eq!(
            boom["message"],
            "first line\nsecond line\n  indented third\na note\nanother note"
        );
    }
}
