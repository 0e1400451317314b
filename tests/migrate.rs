//! `migrate` on git2-built repositories of `fixtures/fixes`: the plan (leaves first, tests with
//! their code, what cannot move and why), the checkpoint and batch commits, round trips through
//! `rollback` Level 1 (one file) and Level 2 (one batch) back to the exact pre-migration bytes,
//! and a batch whose validation fails undone to its checkpoint with no work lost.

use crate::common;

use std::path::Path;

use common::repo::{commit_work_tree, git_cli, run_script_in};
use common::{repo_root, run, stderr, stdout, TempProject};

/// The built-in rule's validation command runs this file.
const VALIDATION: &str = "tests/mission_critical/test_websocket_agent_events_suite.py";

/// A committed git repository of `fixtures/fixes`, with a validation script that `exits`.
fn repository(exits: &str) -> (TempProject, git2::Repository) {
    let project = TempProject::bare(&[]);
    copy_folder(&repo_root().join("fixtures/fixes"), project.path());
    project.write(VALIDATION, &format!("import sys\nsys.exit({exits})\n"));
    project.write(".gitignore", "__pycache__/\n");
    let repo = git2::Repository::init(project.path()).unwrap();
    commit_work_tree(&repo, "the back end");
    (project, repo)
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_folder(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn migrate(project: &TempProject, args: &[&str]) -> std::process::Output {
    let mut all = vec!["migrate", "--migration", "deepagentstate"];
    all.extend_from_slice(args);
    run(project.path(), &all)
}

/// The subjects of HEAD's history, newest first.
fn subjects(project: &TempProject) -> Vec<String> {
    stdout(&git_cli(project.path(), &["log", "--format=%s"]))
        .lines()
        .map(str::to_owned)
        .collect()
}

fn read(project: &TempProject, path: &str) -> Vec<u8> {
    std::fs::read(project.path().join(path)).unwrap()
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("fixtures/fixes").join(path)).unwrap()
}

const SERVICES: &str = "netra_backend/app/services";

/// Runs the script `rollback ARGS --script` prints, as the engineer would; it must succeed.
fn rolled_back(project: &TempProject, args: &[&str]) {
    let mut all = vec!["rollback", "--migration", "deepagentstate", "--script"];
    all.extend_from_slice(args);
    let script = stdout(&run(project.path(), &all));
    let ran = run_script_in(project.path(), &script);
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
}

#[test]
fn the_plan_moves_leaves_first_and_tests_with_their_code() {
    let (project, _repo) = repository("0");
    let output = migrate(&project, &["--batch", "3", "--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "9 files in 4 batches for `deepagentstate`:\n\
             batch 1:\n  {SERVICES}/mixed.py  (leaf: no project file imports it)\n  {SERVICES}/module_attr.py  (leaf: no project file imports it)\n  {SERVICES}/relative.py  (leaf: no project file imports it)\n\
             batch 2:\n  {SERVICES}/star.py  (leaf: no project file imports it)\n  {SERVICES}/trailing.py  (leaf: no project file imports it)\n  {SERVICES}/type_checking.py  (leaf: no project file imports it)\n\
             batch 3:\n  {SERVICES}/plain.py  (1 project file imports it)\n  tests/test_plain.py  (test of {SERVICES}/plain.py)\n\
             batch 4:\n  netra_backend/app/websocket_core/events.py  (golden path: last)\n\
             not moved:\n  \
             {SERVICES}/raising.py: once the file uses the SSOT class it would break: line 6: reads `quality_metrics` on `state`: the SSOT `DeepAgentState` has no `quality_metrics`; this will raise AttributeError once this file uses the SSOT class\n  \
             {SERVICES}/renamed.py: its fix is unsafe (renames `thread_id` -> `chat_thread_id` (3 uses)): needs --unsafe-fixes\n  \
             {SERVICES}/shim.py: a compatibility fallback (`try`/`except ImportError`): left alone; remove the fallback by hand once nothing needs it\n"
        )
    );
    // Nothing changed.
    assert_eq!(subjects(&project), ["the back end"]);
    assert_eq!(
        stdout(&git_cli(project.path(), &["status", "--porcelain"])),
        ""
    );
}

#[test]
fn each_batch_follows_its_checkpoint_and_rolls_back_to_the_exact_bytes() {
    let (project, _repo) = repository("0");
    let output = migrate(&project, &["--batch", "3", "--validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ssot = "netra_backend.app.schemas.agent_models";
    assert_eq!(
        subjects(&project),
        [
            format!("migrate(deepagentstate): batch 4 of 4: 1 files to {ssot}"),
            "checkpoint: pre-deepagentstate-batch-4".to_owned(),
            format!("migrate(deepagentstate): batch 3 of 4: 2 files to {ssot}"),
            "checkpoint: pre-deepagentstate-batch-3".to_owned(),
            format!("migrate(deepagentstate): batch 2 of 4: 3 files to {ssot}"),
            "checkpoint: pre-deepagentstate-batch-2".to_owned(),
            format!("migrate(deepagentstate): batch 1 of 4: 3 files to {ssot}"),
            "checkpoint: pre-deepagentstate-batch-1".to_owned(),
            "the back end".to_owned(),
        ]
    );
    let message = stdout(&git_cli(
        project.path(),
        &["log", "-1", "--format=%B", "HEAD~2"],
    ));
    assert_eq!(
        message,
        format!(
            "migrate(deepagentstate): batch 3 of 4: 2 files to {ssot}\n\n- {SERVICES}/plain.py\n- tests/test_plain.py\n\nIssue: #871\n\nSSOT-Migration: deepagentstate\n\n"
        )
    );
    assert_eq!(
        stdout(&git_cli(project.path(), &["status", "--porcelain"])),
        ""
    );
    // The Level 2 rollback points are the checkpoints.
    let checkpoints = stdout(&run(project.path(), &["checkpoints"]));
    let listed: Vec<&str> = checkpoints
        .lines()
        .filter_map(|line| line.split("  ").last())
        .filter(|subject| subject.starts_with("checkpoint: "))
        .collect();
    assert_eq!(
        listed,
        (1..=4)
            .rev()
            .map(|k| format!("checkpoint: pre-deepagentstate-batch-{k}"))
            .collect::<Vec<_>>(),
        "{checkpoints}"
    );
    let tracked = stdout(&git_cli(project.path(), &["ls-files", "*.py"]));
    for path in tracked.lines() {
        let compiled = std::process::Command::new("python3")
            .args(["-m", "py_compile", path])
            .current_dir(project.path())
            .output()
            .unwrap();
        assert!(compiled.status.success(), "{path}: {}", stderr(&compiled));
    }
    assert_ne!(
        read(&project, &format!("{SERVICES}/star.py")),
        fixture(&format!("{SERVICES}/star.py"))
    );

    // Level 1, one file: back to the bytes before the migration.
    let plain = format!("{SERVICES}/plain.py");
    rolled_back(&project, &[&plain]);
    assert_eq!(read(&project, &plain), fixture(&plain));
    git_cli(project.path(), &["checkout", "HEAD", "--", &plain]);

    // Level 2, one batch: HEAD back at batch 3's checkpoint, the batch's files as they were,
    // the earlier batches still moved.
    rolled_back(&project, &[&plain, "--level", "2"]);
    assert_eq!(
        subjects(&project)[0],
        "checkpoint: pre-deepagentstate-batch-3"
    );
    for path in [plain.as_str(), "tests/test_plain.py"] {
        assert_eq!(read(&project, path), fixture(path), "{path}");
    }
    assert_ne!(
        read(&project, &format!("{SERVICES}/star.py")),
        fixture(&format!("{SERVICES}/star.py"))
    );
}

#[test]
fn a_failing_validation_undoes_its_batch_and_keeps_it_on_a_branch() {
    let (project, repo) = repository("1");
    let output = migrate(&project, &["--batch", "3", "--validate"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("batch 1 failed its validation: `python3 tests/mission_critical/test_websocket_agent_events_suite.py` exited 1; HEAD is back at its checkpoint"),
        "{text}"
    );
    assert_eq!(
        subjects(&project),
        ["checkpoint: pre-deepagentstate-batch-1", "the back end"]
    );
    assert_eq!(
        stdout(&git_cli(project.path(), &["status", "--porcelain"])),
        ""
    );
    for path in ["mixed.py", "module_attr.py", "relative.py"] {
        let path = format!("{SERVICES}/{path}");
        assert_eq!(read(&project, &path), fixture(&path), "{path}");
    }
    // The batch's work is kept.
    let kept = repo
        .find_branch(
            "ssot-guard/failed-deepagentstate-batch-1",
            git2::BranchType::Local,
        )
        .unwrap();
    let commit = kept.get().peel_to_commit().unwrap();
    assert_eq!(
        commit.summary().unwrap(),
        Some("migrate(deepagentstate): batch 1 of 4: 3 files to netra_backend.app.schemas.agent_models")
    );
}

#[test]
fn a_dirty_work_tree_is_refused() {
    let (project, _repo) = repository("0");
    project.write("notes.txt", "uncommitted\n");
    let output = migrate(&project, &["--batch", "3"]);
    common::assert_error(&output, "the work tree is not clean");
    assert_eq!(subjects(&project), ["the back end"]);
    assert_eq!(
        std::fs::read_to_string(project.path().join("notes.txt")).unwrap(),
        "uncommitted\n"
    );
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_read_stops_the_migration() {
    let (project, repo) = repository("0");
    std::os::unix::fs::symlink("missing.py", project.path().join("app_link.py")).unwrap();
    commit_work_tree(&repo, "a dangling link");
    let output = migrate(&project, &["--batch", "3"]);
    common::assert_error(
        &output,
        "1 paths could not be checked (the first: `app_link.py`)",
    );
    assert!(
        stderr(&output).contains("cannot read"),
        "{}",
        stderr(&output)
    );
    assert_eq!(subjects(&project), ["a dangling link", "the back end"]);
}
