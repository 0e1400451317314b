//! `bisect-script` under a real `git bisect run`: a history where one commit moves a service to
//! the SSOT class (which lacks `thread_id`) and an earlier one breaks the suite for an unrelated
//! reason (exit 5, a skip), and the commit git names is the move. Then each exit code mapping
//! through the binary: pytest's 2 with the migration's own ImportError is bad, with another
//! class's it is a skip; 5 is a skip; a missing program, a signal or no command abort.

use crate::common;

use std::process::{Command, Output};

use common::repo::{
    binary_path, git_cli, hermetic, service, ssot_guard, TestRepo, DEPRECATED, RULE, SERVICE, SSOT,
};
use common::{stderr, stdout};

/// The rule's validation command runs this file.
const SUITE: &str = "tests/mission_critical/test_websocket_agent_events_suite.py";

/// While this file exists the suite exits 5 before it imports anything (a fixture that is down).
const MARKER: &str = "tests/FIXTURES_DOWN";

/// A suite that imports the service and calls it: an AttributeError on the SSOT class.
const REAL_SUITE: &str = "\
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if os.path.exists(os.path.join(root, 'tests', 'FIXTURES_DOWN')):
    print('fixtures are down: no tests collected')
    sys.exit(5)
sys.path.insert(0, root)
from netra_backend.app.services.report import DeepAgentState, thread_of
assert thread_of(DeepAgentState(chat_thread_id='t-1')) == 't-1'
print('golden path: websocket agent events ok')
";

/// `bisect-script ARGS` in the repository, hermetic.
fn bisect_script(repo: &TestRepo, args: &[&str]) -> Output {
    ssot_guard(repo.path(), "bisect-script", args)
}

/// `bisect-script -- python3 -c CODE`.
fn python(repo: &TestRepo, code: &str) -> Output {
    bisect_script(repo, &["--", "python3", "-c", code])
}

/// The summary line: the last line of standard error.
fn summary(output: &Output) -> String {
    stderr(output).lines().last().unwrap_or("").to_owned()
}

const IMPORT_ERROR: &str = "ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/app/netra_backend/app/agents/state.py)";

#[test]
fn git_bisect_run_names_the_commit_that_moved_the_service() {
    let repo = TestRepo::new();
    repo.write(SUITE, REAL_SUITE);
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let first = repo.commit("report: thread_of, tested by the golden-path suite");
    repo.write(MARKER, "");
    repo.commit("fixtures: take the test database down for maintenance");
    repo.write("README.md", "# back end\n\nThe database is down.\n");
    repo.commit("docs: say the database is down");
    repo.remove(MARKER);
    repo.commit("fixtures: the test database is back");
    repo.write(SERVICE, &service(SSOT, ""));
    let moved = repo.commit("report: import DeepAgentState from its SSOT module");
    repo.write(SERVICE, &service(SSOT, "\n\ndef nothing():\n    pass\n"));
    repo.commit("report: a helper");

    let start = git_cli(
        repo.path(),
        &["bisect", "start", "HEAD", &first.to_string()],
    );
    assert_eq!(start.status.code(), Some(0), "{}", stderr(&start));
    let run = hermetic(&mut Command::new("git"))
        .args(["bisect", "run", &binary_path(), "bisect-script"])
        .current_dir(repo.path())
        .output()
        .expect("git runs");
    let said = format!("{}{}", stdout(&run), stderr(&run));
    assert_eq!(run.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!("{moved} is the first bad commit")),
        "{said}"
    );
    let bad = git_cli(repo.path(), &["rev-parse", "refs/bisect/bad"]);
    assert_eq!(stdout(&bad).trim(), moved.to_string());
    // The suite's own output is passed through, with the verdict after it.
    assert!(
        said.contains("AttributeError: 'DeepAgentState' object has no attribute 'thread_id'"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "ssot-guard bisect-script: `python3 {SUITE}`: exit 1 (pytest: tests failed) -> bad (1)"
        )),
        "{said}"
    );
    assert!(
        said.contains("ssot-guard bisect-script: exit 0 -> good (0)"),
        "{said}"
    );
    // The commits with the fixtures down were skipped, not judged (git's first pick is the
    // middle of the range, where the fixtures are down).
    let log = stdout(&git_cli(repo.path(), &["bisect", "log"]));
    assert!(log.contains("git bisect skip"), "{log}");
    assert!(
        said.contains(&format!("ssot-guard bisect-script: `python3 {SUITE}`: exit 5 (pytest: no tests collected) -> skip (125)")),
        "{said}"
    );
    // No `.pyc` was written into the checked-out trees.
    assert_eq!(repo.status(), "");
}

#[test]
fn a_collection_error_that_is_the_migrations_own_import_error_is_bad() {
    let repo = TestRepo::new();
    let output = python(
        &repo,
        &format!("import sys\nprint(\"E   {IMPORT_ERROR}\", file=sys.stderr)\nsys.exit(2)"),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).starts_with(&format!("E   {IMPORT_ERROR}\n")));
    let summary = summary(&output);
    assert!(
        summary.starts_with("ssot-guard bisect-script: `python3 -c 'import sys\\nprint("),
        "{summary}"
    );
    assert!(
        summary.ends_with(&format!(": exit 2 (pytest: interrupted or collection error) but the output shows the migration's own {IMPORT_ERROR} -> bad (1)")),
        "{summary}"
    );
}

#[test]
fn a_collection_error_about_another_class_is_a_skip() {
    let repo = TestRepo::new();
    let output = python(
        &repo,
        "import sys\nprint(\"E   ImportError: cannot import name 'Other' from 'netra_backend.app.agents.state'\")\nsys.exit(2)",
    );
    assert_eq!(output.status.code(), Some(125), "{}", stderr(&output));
    // The child's standard output is ours.
    assert!(stdout(&output).starts_with("E   ImportError: cannot import name 'Other'"));
    assert!(
        summary(&output)
            .ends_with(": exit 2 (pytest: interrupted or collection error) -> skip (125)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn no_tests_collected_is_a_skip() {
    let repo = TestRepo::new();
    let output = python(&repo, "import sys; sys.exit(5)");
    assert_eq!(output.status.code(), Some(125), "{}", stderr(&output));
    assert_eq!(
        summary(&output),
        "ssot-guard bisect-script: `python3 -c 'import sys; sys.exit(5)'`: exit 5 (pytest: no tests collected) -> skip (125)"
    );
}

#[test]
fn passing_and_failing_commands_are_good_and_bad() {
    let repo = TestRepo::new();
    let good = python(&repo, "print('ok')");
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    assert_eq!(stdout(&good), "ok\n");
    assert_eq!(
        summary(&good),
        "ssot-guard bisect-script: exit 0 -> good (0)"
    );
    let bad = python(&repo, "import sys; sys.exit(7)");
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(summary(&bad).ends_with(": exit 7 -> bad (1)"));
}

#[test]
fn a_missing_program_aborts_the_bisect() {
    let repo = TestRepo::new();
    let output = bisect_script(&repo, &["--", "no-such-test-runner", "tests/"]);
    assert_eq!(output.status.code(), Some(255), "{}", stderr(&output));
    assert!(summary(&output).contains("no-such-test-runner; nothing was run -> abort (255)"));

    // A validation command's program too, before any command runs.
    repo.write(
        "rules/deepagentstate.toml",
        &RULE.replace(
            "validation = [\"python3 ",
            "validation = [\"touch ran\", \"python9 ",
        ),
    );
    let output = bisect_script(&repo, &[]);
    assert_eq!(output.status.code(), Some(255), "{}", stderr(&output));
    assert!(summary(&output).contains(": python9; nothing was run -> abort (255)"));
    assert!(!repo.path().join("ran").exists());
}

#[test]
fn a_command_killed_by_a_signal_aborts_the_bisect() {
    let repo = TestRepo::new();
    let output = python(
        &repo,
        "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
    );
    assert_eq!(output.status.code(), Some(255), "{}", stderr(&output));
    assert!(summary(&output).contains(": killed (signal: 9 (SIGKILL)) -> abort (255)"));
}

#[test]
fn the_first_failing_validation_command_decides() {
    let repo = TestRepo::new();
    repo.write(
        "rules/deepagentstate.toml",
        &RULE.replace(
            "validation = [\"python3 tests/mission_critical/test_websocket_agent_events_suite.py\"]",
            "validation = [\"python3 -c 'print(1)'\", \"exit 5\", \"touch ran; exit 1\"]",
        ),
    );
    let output = bisect_script(&repo, &[]);
    assert_eq!(output.status.code(), Some(125), "{}", stderr(&output));
    assert_eq!(stdout(&output), "1\n");
    assert_eq!(
        summary(&output),
        "ssot-guard bisect-script: `exit 5`: exit 5 (pytest: no tests collected) -> skip (125)"
    );
    assert!(!repo.path().join("ran").exists());
}

#[test]
fn the_command_runs_from_the_project_root_without_writing_bytecode() {
    let repo = TestRepo::new();
    std::fs::create_dir_all(repo.path().join("netra_backend/app")).unwrap();
    let output = hermetic(&mut Command::new(binary_path()))
        .env_remove("PYTHONDONTWRITEBYTECODE")
        .args([
            "bisect-script",
            "--",
            "python3",
            "-c",
            "import os, sys; print(os.path.exists('rules/deepagentstate.toml'), os.environ.get('PYTHONDONTWRITEBYTECODE'))",
        ])
        .current_dir(repo.path().join("netra_backend/app"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "True 1\n");
}

#[test]
fn a_rule_without_validation_commands_needs_one_after_the_separator() {
    let repo = TestRepo::new();
    repo.write(
        "rules/deepagentstate.toml",
        &RULE.replace(
            "validation = [\"python3 tests/mission_critical/test_websocket_agent_events_suite.py\"]",
            "validation = []",
        ),
    );
    let output = bisect_script(&repo, &[]);
    assert_eq!(output.status.code(), Some(255), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("has no validation commands: pass one after --"),
        "{}",
        stderr(&output)
    );
    // ssot-guard's own errors abort too: an exit 2 would mark the commit bad.
    for args in [&["--migration", "nope"][..], &["--no-such-flag"]] {
        let output = bisect_script(&repo, args);
        assert_eq!(output.status.code(), Some(255), "{}", stderr(&output));
        assert_eq!(
            summary(&output),
            "ssot-guard bisect-script: cannot judge this commit (the error above) -> abort (255)"
        );
    }
}
