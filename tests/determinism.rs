//! The same tree gives the same bytes: with one thread or eight (`--threads`, `RAYON_NUM_THREADS`)
//! and on every run, in every output format, for `check`, `rollback` and its script. And a scan
//! only reads: nothing in the scanned tree, `.git` included, changes.

use crate::common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use common::repo::{git_cli, hermetic, TestRepo};
use common::{generate_corpus, repo_root, stderr, BACKEND, FORMATS};

const DEPRECATED_MODULE: &str = "netra_backend.app.agents.state";
const SSOT_MODULE: &str = "netra_backend.app.schemas.agent_models";

/// How one run sets its number of threads.
#[derive(Clone, Copy, Debug)]
enum Threads {
    /// One per core.
    Default,
    /// `--threads N` (`check` only).
    Flag(&'static str),
    /// `RAYON_NUM_THREADS=N`.
    Env(&'static str),
}

fn ssot_guard_with(cwd: &Path, args: &[&str], threads: Threads) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ssot-guard"));
    hermetic(&mut command)
        .env_remove("RAYON_NUM_THREADS")
        .args(args)
        .current_dir(cwd);
    match threads {
        Threads::Default => {}
        Threads::Flag(n) => {
            command.args(["--threads", n]);
        }
        Threads::Env(n) => {
            command.env("RAYON_NUM_THREADS", n);
        }
    }
    command.output().expect("the binary runs")
}

/// The first line where two outputs differ, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    match a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
    {
        Some((index, (x, y))) => format!("line {}:\n  {x}\n  {y}", index + 1),
        None => format!("{} lines against {}", a.lines().count(), b.lines().count()),
    }
}

/// Runs `args` with one thread, eight, the default, and eight again (by `RAYON_NUM_THREADS`, and
/// by `--threads` when `flag`); every run must give the same exit code, stdout and stderr, byte
/// for byte. Returns the one-thread run.
fn assert_same_bytes(cwd: &Path, args: &[&str], flag: bool) -> Output {
    let mut variants = vec![
        Threads::Env("1"),
        Threads::Env("8"),
        Threads::Default,
        Threads::Env("8"),
    ];
    if flag {
        variants.extend([Threads::Flag("1"), Threads::Flag("8")]);
    }
    let first = ssot_guard_with(cwd, args, variants[0]);
    for &threads in &variants[1..] {
        let other = ssot_guard_with(cwd, args, threads);
        assert_eq!(
            other.status.code(),
            first.status.code(),
            "{args:?}: the exit code with {threads:?} differs from one thread's"
        );
        assert!(
            other.stdout == first.stdout,
            "{args:?}: stdout with {threads:?} differs from one thread's at {}",
            first_difference(&first.stdout, &other.stdout)
        );
        assert!(
            other.stderr == first.stderr,
            "{args:?}: stderr with {threads:?} differs from one thread's at {}",
            first_difference(&first.stderr, &other.stderr)
        );
    }
    first
}

/// Every format (and the statistics) of `check` over `path`, run from `cwd`.
fn assert_every_format_is_deterministic(cwd: &Path, path: &str, exit_code: i32) {
    for format in FORMATS {
        let run = assert_same_bytes(cwd, &["check", path, "--format", format], true);
        assert_eq!(run.status.code(), Some(exit_code), "{}", stderr(&run));
        assert!(!run.stdout.is_empty(), "--format {format} printed nothing");
    }
    assert_same_bytes(cwd, &["check", path, "--statistics"], true);
}

#[test]
fn check_is_byte_identical_across_threads_and_runs_on_the_fixtures() {
    assert_every_format_is_deterministic(&repo_root(), BACKEND, 1);
}

/// Two generated back ends, with dangling symlinks in several folders: the walk reports them as it
/// meets them, on any thread, and stderr must still come out in one order.
#[test]
fn check_is_byte_identical_across_threads_and_runs_on_generated_back_ends() {
    for (files, seed, share) in [("300", "11", "0.3"), ("200", "12", "0.5")] {
        let corpus = tempfile::tempdir().unwrap();
        // The legacy shape: the real one's big test classes, parsed whole today, make this test
        // (every format, one thread and eight, run after run) take 15 times as long, and the
        // exactness of the real shape is asserted in tests/backend.rs.
        generate_corpus(
            corpus.path(),
            &[
                "--files",
                files,
                "--seed",
                seed,
                "--usage-share",
                share,
                "--shape",
                "legacy",
            ],
        );
        let folders: Vec<PathBuf> = snapshot(corpus.path())
            .into_iter()
            .filter(|(_, entry)| matches!(entry, Entry::Dir { .. }))
            .map(|(path, _)| path)
            .collect();
        for (n, folder) in folders.iter().step_by(3).enumerate() {
            std::os::unix::fs::symlink(
                format!("missing_{n}.py"),
                corpus.path().join(folder).join(format!("broken_{n}.py")),
            )
            .unwrap();
        }
        assert_every_format_is_deterministic(corpus.path(), ".", 2);
    }
}

/// Every Python file below `root` (`.git` left out), relative and sorted.
fn python_files(root: &Path) -> Vec<String> {
    snapshot(root)
        .into_keys()
        .filter(|path| !path.starts_with(".git") && path.extension().is_some_and(|e| e == "py"))
        .map(|path| path.to_str().unwrap().to_owned())
        .collect()
}

/// A generated back end committed with git2: the tree, a checkpoint, a commit that moves every
/// file off the deprecated module (many files fail, golden-path ones among them), and later work
/// on a third of those files.
fn corpus_repo(files: &str, seed: &str) -> TestRepo {
    let dir = tempfile::tempdir().unwrap();
    generate_corpus(
        dir.path(),
        &[
            "--files",
            files,
            "--seed",
            seed,
            "--usage-share",
            "0.5",
            "--shape",
            "legacy",
        ],
    );
    let repo = TestRepo::init_in(dir);
    repo.commit("The back end");
    repo.commit("checkpoint: pre-production-migration");
    let mut migrated = Vec::new();
    for path in python_files(repo.path()) {
        let text = String::from_utf8(repo.read(&path)).unwrap();
        if path != "netra_backend/app/agents/state.py" && text.contains(DEPRECATED_MODULE) {
            repo.write(&path, &text.replace(DEPRECATED_MODULE, SSOT_MODULE));
            migrated.push(path);
        }
    }
    assert!(migrated.len() >= 3, "the corpus uses the deprecated module");
    repo.commit("Migrate the back end to the SSOT DeepAgentState");
    for (n, path) in migrated.iter().enumerate().step_by(3) {
        let text = String::from_utf8(repo.read(path)).unwrap();
        repo.write(path, &format!("{text}\n\nRETRIES_{n} = {n}\n"));
    }
    repo.commit("Later work on the migrated files");
    repo
}

/// `rollback` in each form, and `check --staged`, on a git2-built repository with a plan for many
/// files:
/// the same bytes with one thread or eight, run after run.
#[test]
fn rollback_plans_and_scripts_are_byte_identical_across_threads_and_runs() {
    let repo = corpus_repo("60", "21");
    let json = assert_same_bytes(repo.path(), &["rollback", "--format", "json"], false);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let candidates = report["rollback"]["candidates"].as_array().unwrap();
    assert!(
        candidates.len() >= 5,
        "a plan with several files: {} candidates",
        candidates.len()
    );
    for args in [
        &["rollback"][..],
        &["rollback", "--script"],
        &["rollback", "--script", "--surgical"],
        &["rollback", "--script", "--level", "1"],
        &["rollback", "--script", "--level", "2"],
        &["rollback", "--format", "json", "--level", "3"],
    ] {
        let run = assert_same_bytes(repo.path(), args, false);
        assert_eq!(run.status.code(), Some(0), "{args:?}: {}", stderr(&run));
    }

    // A few staged edits for the pre-commit gate.
    let tracked = python_files(repo.path());
    for path in tracked.iter().step_by(7) {
        let text = String::from_utf8(repo.read(path)).unwrap();
        repo.write(
            path,
            &format!("{text}\nfrom {SSOT_MODULE} import DeepAgentState\n"),
        );
        git_cli(repo.path(), &["add", "--", path]);
    }
    for format in FORMATS {
        assert_same_bytes(
            repo.path(),
            &["check", "--staged", "--format", format],
            true,
        );
    }
}

/// One entry of a tree: what a write would change.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File {
        bytes: Vec<u8>,
        modified: SystemTime,
    },
    Dir {
        names: Vec<OsString>,
        modified: SystemTime,
    },
    Link {
        target: PathBuf,
        modified: SystemTime,
    },
}

/// Every file, folder and symlink below `root` (and `root` itself, as ``), with its bytes, its
/// listing or its target, and its modification time. Symlinks are not followed.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let path = root.join(&relative);
        let metadata = std::fs::symlink_metadata(&path).unwrap();
        let modified = metadata.modified().unwrap();
        let entry = if metadata.is_dir() {
            let mut names: Vec<OsString> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            pending.extend(names.iter().map(|name| relative.join(name)));
            Entry::Dir { names, modified }
        } else if metadata.file_type().is_symlink() {
            Entry::Link {
                target: std::fs::read_link(&path).unwrap(),
                modified,
            }
        } else {
            Entry::File {
                bytes: std::fs::read(&path).unwrap(),
                modified,
            }
        };
        entries.insert(relative, entry);
    }
    entries
}

/// The paths whose entries differ between two snapshots.
fn changed_paths(
    before: &BTreeMap<PathBuf, Entry>,
    after: &BTreeMap<PathBuf, Entry>,
) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .cloned()
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// `check` in every format, `check --staged`, every kind of `rollback` plan (they print, they do
/// not run) and `checkpoints`, in a repository with modified, staged, untracked and ignored files:
/// not one byte, modification time or directory entry changes, `.git` included. Only an explicit
/// `--output FILE` writes, and only that file.
#[test]
fn a_scan_never_writes_to_the_scanned_tree() {
    let repo = corpus_repo("50", "31");
    let files = python_files(repo.path());
    // Uncommitted work of every kind.
    let modified = &files[1];
    let text = String::from_utf8(repo.read(modified)).unwrap();
    repo.write(modified, &format!("{text}\n# work in progress\n"));
    let staged = &files[2];
    let text = String::from_utf8(repo.read(staged)).unwrap();
    repo.write(
        staged,
        &format!("{text}\nfrom {SSOT_MODULE} import DeepAgentState\n"),
    );
    git_cli(repo.path(), &["add", "--", staged]);
    repo.write(
        "netra_backend/app/services/untracked.py",
        &format!("from {SSOT_MODULE} import DeepAgentState\n"),
    );
    repo.write(".gitignore", "*.log\n");
    repo.write("debug.log", "ignored\n");
    let outside = tempfile::tempdir().unwrap();
    let outside_report = outside.path().join("report.json");
    let outside_report = outside_report.to_str().unwrap();

    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in FORMATS {
        runs.push(vec!["check", "--format", format]);
        runs.push(vec!["check", ".", "--format", format, "--no-prefilter"]);
        runs.push(vec!["check", "--staged", "--format", format]);
    }
    runs.extend([
        vec!["check", ".", "--statistics"],
        vec!["check", "--staged", "netra_backend"],
        vec!["check", ".", "--changed-since", "HEAD~2"],
        vec!["check", ".", "--format", "json", "--output", outside_report],
        vec!["rollback"],
        vec!["rollback", "--format", "json"],
        vec!["rollback", "--script"],
        vec!["rollback", "--script", "--surgical"],
        vec!["rollback", "--script", "--level", "2"],
        vec!["rollback", "--level", "3"],
        vec!["rollback", modified.as_str(), staged.as_str()],
        vec!["checkpoints"],
        vec!["checkpoints", "--format", "json"],
    ]);
    let before = snapshot(repo.path());
    for args in &runs {
        let run = ssot_guard_with(repo.path(), args, Threads::Default);
        assert!(
            matches!(run.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&run)
        );
        let after = snapshot(repo.path());
        assert_eq!(
            changed_paths(&before, &after),
            Vec::<PathBuf>::new(),
            "{args:?} changed the tree"
        );
    }
    assert!(Path::new(outside_report).is_file());

    // `--output` inside the tree writes that file (and so changes its folder's listing), nothing
    // else.
    let run = ssot_guard_with(
        repo.path(),
        &["check", "--format", "sarif", "--output", "report.sarif"],
        Threads::Default,
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let after = snapshot(repo.path());
    assert_eq!(
        changed_paths(&before, &after),
        [PathBuf::new(), PathBuf::from("report.sarif")]
    );
}
