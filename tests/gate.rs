//! The CI gate and pre-commit controls: staged content, baselines, changed lines, thresholds,
//! report files and `explain`. Repositories are real, built with git2.

use crate::common;

use std::path::Path;

use common::repo::commit_work_tree;
use common::{compact_findings, repo_root, run, stderr, stdout, TempProject, BACKEND};

const CLEAN: &str = "from netra_backend.app.schemas.agent_models import DeepAgentState\n\ndef f(s: DeepAgentState):\n    return s.chat_thread_id\n";
const BROKEN: &str = "from netra_backend.app.schemas.agent_models import DeepAgentState\n\ndef f(s: DeepAgentState):\n    return s.thread_id\n";

/// Stages `paths` (relative to the repository) in git's index.
fn stage(repo: &git2::Repository, paths: &[&str]) {
    let mut index = repo.index().unwrap();
    for path in paths {
        index.add_path(Path::new(path)).unwrap();
    }
    index.write().unwrap();
}

fn repository(files: &[(&str, &str)]) -> (TempProject, git2::Repository) {
    let project = TempProject::new(files);
    let repo = git2::Repository::init(project.path()).unwrap();
    commit_work_tree(&repo, "initial");
    (project, repo)
}

#[test]
fn staged_content_is_judged_not_the_working_tree() {
    let (project, repo) = repository(&[("app/handler.py", CLEAN)]);

    // Dirty working copy, clean index: the commit would be clean.
    project.write("app/handler.py", BROKEN);
    let output = run(project.path(), &["check", "--staged"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    // Broken content staged, working copy cleaned again: the commit would add the bug.
    stage(&repo, &["app/handler.py"]);
    project.write("app/handler.py", CLEAN);
    let output = run(project.path(), &["check", "--staged", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        compact_findings(&report),
        ["SSOT002 error app/handler.py:4:12 thread_id"]
    );

    // Paths as the pre-commit framework passes them: the index version of each.
    let output = run(
        project.path(),
        &["check", "--staged", "app/handler.py", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        compact_findings(&report),
        ["SSOT002 error app/handler.py:4:12 thread_id"]
    );
    // A file the index does not hold is not part of the commit.
    project.write("app/untracked.py", BROKEN);
    let output = run(project.path(), &["check", "--staged", "app/untracked.py"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn staged_outside_a_repository_is_a_usage_error() {
    let project = TempProject::new(&[("app/x.py", CLEAN)]);
    let output = run(project.path(), &["check", "--staged"]);
    common::assert_error(&output, "--staged needs a git repository");
}

#[test]
fn baseline_fails_only_new_findings_and_only_ever_shrinks() {
    let two = format!("{BROKEN}\ndef g(s: DeepAgentState):\n    s.quality_metrics = 1\n");
    let project = TempProject::new(&[("app/old.py", &two)]);
    let baseline = project.path().join("baseline.json");
    let output = run(
        project.path(),
        &["check", ".", "--write-baseline", "baseline.json"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("wrote 2 findings to the baseline `baseline.json`"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(written["findings"].as_array().unwrap().len(), 2);
    assert_eq!(written["findings"][0]["path"], "app/old.py");

    // Lines move: the known findings stay known.
    project.write("app/old.py", &format!("# a comment\n\n\n{two}"));
    let (report, code) = project.check_json(&["--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(compact_findings(&report), Vec::<String>::new());

    // A new finding fails, and only it is reported.
    project.write("app/new.py", BROKEN);
    let (report, code) = project.check_json(&["--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        compact_findings(&report),
        ["SSOT002 error app/new.py:4:12 thread_id"]
    );

    // One old finding fixed: reported as fixed; --update-baseline drops it and adds nothing.
    project.write(
        "app/old.py",
        &format!(
            "# a comment\n\n\n{CLEAN}\ndef g(s: DeepAgentState):\n    s.quality_metrics = 1\n"
        ),
    );
    let output = run(
        project.path(),
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--update-baseline",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "app/new.py still fails");
    let errors = stderr(&output);
    assert!(
        errors.contains("fixed since the baseline: SSOT002 app/old.py:4 thread_id"),
        "{errors}"
    );
    assert!(
        errors.contains("dropped 1 fixed entries from the baseline"),
        "{errors}"
    );
    let shrunk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let members: Vec<&str> = shrunk["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["member"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["quality_metrics"]);
}

#[test]
fn changed_since_limits_failures_to_changed_lines() {
    let (project, _repo) = repository(&[("app/old.py", BROKEN)]);
    let (_, code) = project.check_json(&["--changed-since", "HEAD"]);
    assert_eq!(code, 0, "the old finding is on an unchanged line");

    project.write(
        "app/old.py",
        &format!("{BROKEN}\ndef g(s: DeepAgentState):\n    return s.thread_id\n"),
    );
    project.write("app/brand_new.py", BROKEN);
    let output = run(
        project.path(),
        &["check", ".", "--format", "json", "--changed-since", "HEAD"],
    );
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        compact_findings(&report),
        [
            "SSOT002 error app/brand_new.py:4:12 thread_id",
            "SSOT002 error app/old.py:7:12 thread_id",
        ]
    );
    assert!(
        stderr(&output).contains("1 findings on lines not changed since `HEAD` are not reported")
    );

    let output = run(
        project.path(),
        &["check", ".", "--changed-since", "no-such-rev"],
    );
    common::assert_error(&output, "cannot resolve `no-such-rev`");
}

#[test]
fn max_violations_and_output_file() {
    let root = repo_root();
    // The backend has 112 failing findings (119 minus 7 informational).
    assert_eq!(
        run(&root, &["check", BACKEND, "--max-violations", "112"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&root, &["check", BACKEND, "--max-violations", "111"])
            .status
            .code(),
        Some(1)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let output = run(
        &root,
        &[
            "check",
            BACKEND,
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let direct = run(&root, &["check", BACKEND, "--format", "json"]);
    assert_eq!(std::fs::read(&file).unwrap(), direct.stdout);
}

#[test]
fn explain_prints_a_codes_documentation() {
    let output = run(&repo_root(), &["explain", "missing-member"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("explain_ssot002", stdout(&output));
    let all = stdout(&run(&repo_root(), &["explain", "--all"]));
    let codes: Vec<&str> = all
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["SSOT001", "SSOT002", "SSOT003", "SSOT004", "SSOT005", "SSOT006"]
    );
    assert_eq!(
        run(&repo_root(), &["explain", "SSOT999"]).status.code(),
        Some(2)
    );
}
