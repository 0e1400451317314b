//! No lost work: every kind of command `rollback` emits (Level 1 commands pasted line by line,
//! whole-file and surgical, after a rename; the Level 1 script, whole-file and surgical; Level 2
//! and Level 3 commands and scripts; the script's fallback to Level 1 when a level has no target)
//! is run with bash in a git2-built repository holding uncommitted work of every kind: an edit to
//! the file to roll back, an edit to another tracked file, a staged change (with a different
//! unstaged one on top), an untracked file.
//!
//! Every run goes through a `git` wrapper that records each invocation and whether `reset --hard`
//! ran with a dirty tree. The guarantees: uncommitted work survives byte for byte (work tree and
//! index); a dirty rolled-back file is refused by name, changing nothing; nothing pushes; a reset
//! never meets uncommitted work; no branch is deleted or moved except the branch a level exists to
//! move, with the old HEAD kept on a new backup branch.

use crate::common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use git2::{Oid, Repository};

use common::repo::{
    assert_no_empty_revision, binary_dir, candidate, git_cli, head_of, hermetic, parent_of,
    service, short, TestRepo, DEPRECATED, SERVICE, SSOT,
};
use common::{stderr, stdout};

/// Another tracked file, edited but not staged.
const OTHER: &str = "netra_backend/app/services/billing.py";
/// A tracked file with a staged change and a different unstaged change on top.
const STAGED: &str = "netra_backend/app/services/limits.py";
/// A file git does not track.
const UNTRACKED: &str = "notes/incident.md";
/// A second HIGH file migrated with the service (Level 2).
const EXPORT: &str = "netra_backend/app/services/export.py";
/// A golden-path file (Level 3).
const MANAGER: &str = "netra_backend/app/websocket_core/manager.py";
/// A local config the levels' targets track and a later commit stops tracking and ignores: today
/// each engineer's own, often with secrets.
const LOCAL_CONFIG: &str = "config/local.py";
/// Another such file, with a space, a quote, glob characters and (first) pathspec magic in its
/// name.
const ODD_LOCAL_CONFIG: &str = ":(glob)prod [eu] it's.env";
/// An ignored file no commit tracks.
const IGNORED_LOG: &str = "debug.log";
/// What the targets track at those paths.
const TRACKED_CONFIG: &str = "DEBUG = True\n";
/// What the engineer has there today.
const OWN_CONFIG: &str = "DATABASE_URL = 'postgres://oncall:only-copy-0f3a9c@db.internal/prod'\n";

/// The skeleton, the report service (deprecated import) and two ordinary tracked files, not yet
/// committed.
fn base_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.write(OTHER, "RATE = 1\n");
    repo.write(STAGED, "LIMIT = 1\n");
    repo
}

/// The uncommitted work an engineer has in the middle of an incident. `(a)`, an edit to the file
/// to roll back, only when `in_target`.
fn add_uncommitted_work(repo: &TestRepo, in_target: bool) {
    if in_target {
        let text = String::from_utf8(repo.read(SERVICE)).unwrap();
        repo.write(SERVICE, &format!("{text}\n# debugging the outage\n"));
    }
    repo.write(OTHER, "RATE = 1\n# tuned during the incident\n");
    repo.write(STAGED, "LIMIT = 2\n");
    assert!(git_cli(repo.path(), &["add", "--", STAGED])
        .status
        .success());
    repo.write(STAGED, "LIMIT = 3\n");
    repo.write(UNTRACKED, "timeline of the incident\n");
}

/// Undoes `(a)`: the file to roll back as HEAD has it.
fn clean_target(repo: &TestRepo) {
    let blob = repo.blob(head_of(repo), SERVICE);
    std::fs::write(repo.path().join(SERVICE), blob).unwrap();
}

/// Everything a rollback could lose: the work tree's files (`.git` and Python's `__pycache__`
/// left out), the index's entries, and every ref.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Work {
    files: BTreeMap<String, Vec<u8>>,
    index: BTreeMap<(String, i32), (Oid, u32)>,
    refs: BTreeMap<String, Oid>,
}

impl Work {
    fn of(repo: &TestRepo) -> Work {
        let mut files = BTreeMap::new();
        let mut pending = vec![PathBuf::new()];
        while let Some(relative) = pending.pop() {
            for entry in std::fs::read_dir(repo.path().join(&relative)).unwrap() {
                let entry = entry.unwrap();
                let name = entry.file_name();
                if name == ".git" || name == "__pycache__" {
                    continue;
                }
                let path = relative.join(&name);
                if entry.file_type().unwrap().is_dir() {
                    pending.push(path);
                } else {
                    let bytes = std::fs::read(repo.path().join(&path)).unwrap();
                    files.insert(path.to_str().unwrap().to_owned(), bytes);
                }
            }
        }
        let git = Repository::open(repo.path()).unwrap();
        let index = git
            .index()
            .unwrap()
            .iter()
            .map(|e| {
                let path = String::from_utf8(e.path.clone()).unwrap();
                let stage = i32::from((e.flags >> 12) & 0x3);
                ((path, stage), (e.id, e.mode))
            })
            .collect();
        let refs = git
            .references()
            .unwrap()
            .filter_map(|r| {
                let r = r.unwrap();
                Some((r.name().ok()?.to_owned(), r.target()?))
            })
            .collect();
        Work { files, index, refs }
    }

    /// The same, without one path (the file a rollback changes on purpose) and without refs.
    fn except(&self, path: &str) -> Work {
        Work {
            files: self
                .files
                .iter()
                .filter(|(p, _)| *p != path)
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect(),
            index: self
                .index
                .iter()
                .filter(|((p, _), _)| p != path)
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            refs: BTreeMap::new(),
        }
    }
}

/// A `git` on PATH in front of the real one: it logs every invocation, and whether `reset --hard`
/// ran while `git status --porcelain` was not empty.
struct GitWrapper {
    dir: tempfile::TempDir,
}

impl GitWrapper {
    fn new() -> GitWrapper {
        let real = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|dir| dir.join("git"))
            .find(|path| path.is_file())
            .expect("git on PATH");
        let dir = tempfile::tempdir().unwrap();
        let wrapper = format!(
            "#!/usr/bin/env bash\n\
             real={real:?}\n\
             log={log:?}\n\
             {{ printf 'git'; printf ' %q' \"$@\"; printf '\\n'; }} >> \"$log\"\n\
             reset=0; hard=0\n\
             for arg in \"$@\"; do case \"$arg\" in reset) reset=1;; --hard) hard=1;; esac; done\n\
             if [ $reset = 1 ] && [ $hard = 1 ]; then\n\
             \x20   dirty=$(\"$real\" status --porcelain)\n\
             \x20   [ -z \"$dirty\" ] || printf 'reset --hard with a dirty tree:\\n%s\\n' \"$dirty\" >> \"$log.violations\"\n\
             fi\n\
             exec \"$real\" \"$@\"\n",
            real = real.to_str().unwrap(),
            log = dir.path().join("git.log").to_str().unwrap(),
        );
        let path = dir.path().join("bin/git");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, wrapper).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        GitWrapper { dir }
    }

    /// Runs `text` with bash (no `-e`: a pasted line runs whatever the one before did) at the
    /// repository's top level, with the wrapper and `ssot-guard` on PATH.
    fn bash(&self, repo: &TestRepo, text: &str) -> Output {
        self.bash_with(repo, text, |_| {})
    }

    /// [`GitWrapper::bash`], with `adjust` applied to the command (its environment) first.
    fn bash_with(&self, repo: &TestRepo, text: &str, adjust: impl Fn(&mut Command)) -> Output {
        let file = self.dir.path().join("commands.sh");
        std::fs::write(&file, text).unwrap();
        let mut command = Command::new("bash");
        self.environment(&mut command);
        adjust(&mut command);
        command
            .arg(&file)
            .current_dir(repo.path())
            .output()
            .expect("bash runs")
    }

    /// Hermetic, with the wrapper and `ssot-guard` on PATH.
    fn environment(&self, command: &mut Command) {
        let mut paths = vec![self.dir.path().join("bin"), binary_dir()];
        paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap()));
        hermetic(command).env("PATH", std::env::join_paths(paths).unwrap());
    }

    /// The commands as an engineer pastes them: one after the other, each whatever the last did.
    fn paste(&self, repo: &TestRepo, commands: &[String]) -> Output {
        self.bash(repo, &pasted(commands))
    }

    /// The commands typed into an interactive bash (`bash -i`, history expansion and all), which
    /// reads them one line at a time; then a last line that prints [`STILL_OPEN`], which runs
    /// only if no command closed the shell (as `set -e` or `exit` would).
    fn paste_interactively(&self, repo: &TestRepo, commands: &[String]) -> Output {
        use std::io::Write;
        let mut command = Command::new("bash");
        self.environment(&mut command);
        // No history file: an interactive bash saves its history on exit.
        let mut child = command
            .env("HISTFILE", "")
            .args(["--norc", "--noprofile", "-i"])
            .current_dir(repo.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash runs");
        let text = format!("{}echo {STILL_OPEN}\n", pasted(commands));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("git.log")).unwrap_or_default()
    }

    /// Nothing pushed, and no `reset --hard` met uncommitted work.
    fn assert_safe(&self) {
        let violations = self.dir.path().join("git.log.violations");
        assert!(
            !violations.exists(),
            "{}",
            std::fs::read_to_string(violations).unwrap()
        );
        for line in self.log().lines() {
            assert!(
                !line.split_whitespace().any(|word| word == "push"),
                "a push ran: {line}"
            );
        }
    }
}

/// What the last line of [`GitWrapper::paste_interactively`] prints.
const STILL_OPEN: &str = "the-interactive-shell-is-still-open";

/// Commands as one text, a line each (a line may hold newlines inside quotes).
fn pasted(commands: &[String]) -> String {
    let mut text = commands.join("\n");
    text.push('\n');
    text
}

/// A refused run: the refusal names `path`, nothing at all changed, and a script exits non-zero
/// (pasted commands go on after a refusal, so their last status says nothing).
fn assert_refused(run: &Output, before: &Work, repo: &TestRepo, path: &str, pasted: bool) {
    if !pasted {
        assert_ne!(run.status.code(), Some(0), "stdout: {}", stdout(run));
    }
    assert!(stderr(run).contains("refused"), "{}", stderr(run));
    assert!(
        stderr(run).contains(path),
        "the refusal names {path}: {}",
        stderr(run)
    );
    assert_eq!(&Work::of(repo), before, "a refusal changed something");
}

/// A Level 1 rollback that ran: `path` holds `expected`, every other file and index entry is as
/// it was, the current branch only moved forward (the old HEAD is the new one's parent) and no
/// other ref moved.
fn assert_rolled_back_one(repo: &TestRepo, before: &Work, path: &str, expected: &[u8]) {
    let after = Work::of(repo);
    assert_eq!(repo.read(path), expected, "{path} was rolled back");
    assert_eq!(
        after.except(path),
        before.except(path),
        "other work changed"
    );
    let old_head = before.refs["refs/heads/main"];
    let new_head = after.refs["refs/heads/main"];
    assert_eq!(
        repo.repo
            .find_commit(new_head)
            .unwrap()
            .parent_id(0)
            .unwrap(),
        old_head,
        "one commit on top of the old HEAD"
    );
    let mut others = after.refs.clone();
    others.insert("refs/heads/main".to_owned(), old_head);
    assert_eq!(others, before.refs, "no other ref moved");
}

fn json_commands(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

/// A file migrated in one commit that broke it, with `later` committed after.
fn level_one_repo(later: &str) -> TestRepo {
    let repo = base_repo();
    repo.commit("Add the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Migrate the report service to the SSOT DeepAgentState");
    if !later.is_empty() {
        repo.write(SERVICE, &service(SSOT, later));
        repo.commit("Report service: later work");
    }
    repo
}

/// Pastes `commands` three times: with the file to roll back modified, with it staged, and clean;
/// the first two are refused by name and change nothing, the third rolls back to `expected` and
/// keeps all the rest of the work.
fn assert_pasted_commands_keep_work(repo: &TestRepo, commands: &[String], expected: &[u8]) {
    let git = GitWrapper::new();
    add_uncommitted_work(repo, true);
    let before = Work::of(repo);
    let run = git.paste(repo, commands);
    assert_refused(&run, &before, repo, SERVICE, true);

    clean_target(repo);
    let text = String::from_utf8(repo.read(SERVICE)).unwrap();
    repo.write(SERVICE, &format!("{text}\n# staged debugging\n"));
    git_cli(repo.path(), &["add", "--", SERVICE]);
    let before = Work::of(repo);
    let run = git.paste(repo, commands);
    assert_refused(&run, &before, repo, SERVICE, true);

    git_cli(repo.path(), &["reset", "-q", "--", SERVICE]);
    clean_target(repo);
    let before = Work::of(repo);
    let run = git.paste(repo, commands);
    assert!(stderr(&run).is_empty(), "{}", stderr(&run));
    assert_rolled_back_one(repo, &before, SERVICE, expected);
    git.assert_safe();
}

/// Level 1, whole file, pasted line by line.
#[test]
fn level_one_pasted_commands_keep_uncommitted_work() {
    let repo = level_one_repo("");
    let before_migration = repo
        .repo
        .find_commit(head_of(&repo))
        .unwrap()
        .parent_id(0)
        .unwrap();
    let report = repo.rollback_json(&[]);
    let commands = json_commands(&candidate(&report, SERVICE)["commands"]);
    assert_pasted_commands_keep_work(&repo, &commands, &repo.blob(before_migration, SERVICE));
}

/// Level 1, surgical, pasted line by line: the later work in the file stays.
#[test]
fn level_one_pasted_surgical_commands_keep_uncommitted_work() {
    let repo = level_one_repo("\nLIMIT = 10\n");
    let report = repo.rollback_json(&["--surgical"]);
    let commands = json_commands(&candidate(&report, SERVICE)["surgical_commands"]);
    assert!(!commands.is_empty());
    let expected = service(DEPRECATED, "\nLIMIT = 10\n");
    assert_pasted_commands_keep_work(&repo, &commands, expected.as_bytes());
}

/// The service's path before [`renamed_service_repo`] renamed it.
const RENAMED_FROM: &str = "netra_backend/app/services/reporting.py";

/// The service added and migrated at [`RENAMED_FROM`], then renamed to [`SERVICE`]: the repo,
/// the commit before the migration, and the Level 1 commands, whose restore writes the old
/// path's blob to today's path.
fn renamed_service_repo() -> (TestRepo, Oid, Vec<String>) {
    let old = RENAMED_FROM;
    let repo = base_repo();
    repo.remove(SERVICE);
    repo.write(old, &service(DEPRECATED, ""));
    let before_migration = repo.commit("Add the reporting service");
    repo.write(old, &service(SSOT, ""));
    repo.commit("Migrate reporting");
    repo.remove(old);
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Rename reporting.py to report.py");
    let report = repo.rollback_json(&[]);
    let commands = json_commands(&candidate(&report, SERVICE)["commands"]);
    assert!(commands[0].contains("cat-file blob"), "{}", commands[0]);
    (repo, before_migration, commands)
}

/// Level 1 after a rename: the old path's blob written to today's path, pasted line by line.
#[test]
fn level_one_pasted_commands_after_a_rename_keep_uncommitted_work() {
    let (repo, before_migration, commands) = renamed_service_repo();
    let expected = repo.blob(before_migration, RENAMED_FROM);
    assert_pasted_commands_keep_work(&repo, &commands, &expected);
}

/// After a rename the restore writes the old path's blob to today's path with a redirection,
/// which empties the file before `git cat-file` runs: pasted where that blob is missing (here a
/// shallow clone that ends after the migration), the file must stay as it was, not be left empty.
#[test]
fn level_one_pasted_commands_after_a_rename_leave_the_file_when_the_blob_is_missing() {
    let (repo, _, commands) = renamed_service_repo();

    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let clone = git_cli(clones.path(), &["clone", "-q", "--depth", "1", &url, "."]);
    assert!(clone.status.success(), "{}", stderr(&clone));
    let shallow = TestRepo {
        repo: Repository::open(clones.path()).unwrap(),
        dir: clones,
        clock: std::cell::Cell::new(0),
    };
    let head = head_of(&shallow);
    let before = Work::of(&shallow);
    let git = GitWrapper::new();
    let run = git.paste(&shallow, &commands);
    assert_eq!(Work::of(&shallow), before, "{}", stderr(&run));
    assert_eq!(head_of(&shallow), head);
    assert!(stderr(&run).contains("not committing"), "{}", stderr(&run));
    git.assert_safe();
}

/// The Level 1 script, whole file and surgical: refused by name with the file modified or staged,
/// and otherwise the rest of the work stays.
#[test]
fn level_one_scripts_keep_uncommitted_work() {
    for surgical in [false, true] {
        let repo = level_one_repo("\nLIMIT = 10\n");
        let args: &[&str] = if surgical { &["--surgical"] } else { &[] };
        let script = repo.script(args);
        let git = GitWrapper::new();
        add_uncommitted_work(&repo, true);
        let before = Work::of(&repo);
        let run = git.bash(&repo, &script);
        assert_eq!(run.status.code(), Some(3));
        assert_refused(&run, &before, &repo, SERVICE, false);

        clean_target(&repo);
        git_cli(repo.path(), &["add", "--", SERVICE]);
        let text = String::from_utf8(repo.read(SERVICE)).unwrap();
        repo.write(SERVICE, &format!("{text}# staged\n"));
        git_cli(repo.path(), &["add", "--", SERVICE]);
        let before = Work::of(&repo);
        let run = git.bash(&repo, &script);
        assert_eq!(run.status.code(), Some(3));
        assert_refused(&run, &before, &repo, SERVICE, false);

        git_cli(repo.path(), &["reset", "-q", "--", SERVICE]);
        clean_target(&repo);
        let before = Work::of(&repo);
        let run = git.bash(&repo, &script);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let expected = if surgical {
            service(DEPRECATED, "\nLIMIT = 10\n")
        } else {
            service(DEPRECATED, "")
        };
        assert_rolled_back_one(&repo, &before, SERVICE, expected.as_bytes());
        git.assert_safe();
    }
}

/// The golden-path suite the test rule's validation runs.
const SUITE: &str = "tests/mission_critical/test_websocket_agent_events_suite.py";
/// A module the report service's pre-migration version imports, deleted since.
const LEGACY: &str = "netra_backend/app/services/legacy.py";

/// The check after the restore that fails.
#[derive(Debug, Clone, Copy)]
enum FailingCheck {
    /// The rule's validation command (the golden-path suite) fails.
    Validation,
    /// `ssot-guard check --expect-violations` finds nothing: the rolled-back version's deprecated
    /// import carries `# ssot-guard: ignore`.
    ExpectViolations,
    /// The rolled-back version does not import: a module it imports is gone.
    Import,
}

impl FailingCheck {
    /// A repository whose report service's migration broke it, where `self` fails after the
    /// restore; and what the restore writes to the file.
    fn repo(self) -> (TestRepo, String) {
        let repo = base_repo();
        let restored = match self {
            FailingCheck::Validation => service(DEPRECATED, ""),
            FailingCheck::ExpectViolations => format!(
                "{}  # ssot-guard: ignore\n\n\ndef make():\n    return DeepAgentState()\n",
                DEPRECATED.trim_end()
            ),
            FailingCheck::Import => {
                repo.write(LEGACY, "HELPERS = 1\n");
                format!(
                    "import netra_backend.app.services.legacy\n{}",
                    service(DEPRECATED, "")
                )
            }
        };
        repo.write(SERVICE, &restored);
        repo.commit("Add the report service");
        let migrated = restored.replace(DEPRECATED.trim_end(), SSOT.trim_end());
        let migrated = match self {
            FailingCheck::ExpectViolations => {
                format!("{migrated}\n\ndef thread_of(state: DeepAgentState):\n    return state.thread_id\n")
            }
            _ => migrated,
        };
        repo.write(SERVICE, &migrated);
        repo.commit("Migrate the report service to the SSOT DeepAgentState");
        match self {
            FailingCheck::Validation => {
                repo.write(
                    SUITE,
                    "import sys\nprint('golden path: websocket agent events FAILED')\nsys.exit(1)\n",
                );
                repo.commit("The golden-path suite fails");
            }
            FailingCheck::Import => {
                repo.remove(LEGACY);
                repo.commit("Remove the legacy helpers");
            }
            FailingCheck::ExpectViolations => {}
        }
        (repo, restored)
    }
}

/// A check after the restore fails (the validation command, `check --expect-violations`, the
/// import check): the pasted commands, run as one text and typed into an interactive bash (which
/// stays open), and the script, commit nothing. HEAD does not move, the file holds the rolled-back
/// version uncommitted and the rest of the work is untouched, and the output says so and how to
/// undo the restore; the undo it names puts back exactly what was there before.
#[test]
fn level_one_commits_nothing_when_a_check_after_the_restore_fails() {
    for check in [
        FailingCheck::Validation,
        FailingCheck::ExpectViolations,
        FailingCheck::Import,
    ] {
        let (repo, restored) = check.repo();
        let report = repo.rollback_json(&[]);
        let plan = candidate(&report, SERVICE);
        assert_eq!(plan["later_commits"], 0, "{check:?}");
        let commands = json_commands(&plan["commands"]);
        let script = repo.script(&[]);
        add_uncommitted_work(&repo, false);
        let git = GitWrapper::new();
        let head = head_of(&repo);
        let before = Work::of(&repo);
        let undo = format!("git checkout HEAD -- '{SERVICE}'");
        for how in ["pasted", "typed", "script"] {
            let run = match how {
                "pasted" => git.paste(&repo, &commands),
                "typed" => git.paste_interactively(&repo, &commands),
                _ => git.bash(&repo, &script),
            };
            let what = format!("{check:?} {how}: {}", stderr(&run));
            assert_eq!(head_of(&repo), head, "nothing is committed: {what}");
            assert_eq!(repo.read(SERVICE), restored.as_bytes(), "{what}");
            assert_eq!(
                Work::of(&repo).except(SERVICE),
                before.except(SERVICE),
                "{what}"
            );
            assert_eq!(Work::of(&repo).refs, before.refs, "{what}");
            match how {
                "typed" => assert!(stdout(&run).contains(STILL_OPEN), "{what}"),
                "script" => assert_ne!(run.status.code(), Some(0), "{what}"),
                _ => {}
            }
            assert!(
                stderr(&run).contains(&format!(
                    "{SERVICE} holds the rolled-back version, not committed"
                )) && stderr(&run).contains(&format!("to undo the restore: {undo}")),
                "the output says what state the file is in and how to undo: {what}"
            );
            if how != "script" {
                let failed = match check {
                    FailingCheck::Validation => "the validation command",
                    FailingCheck::ExpectViolations => "ssot-guard check --expect-violations",
                    FailingCheck::Import => "the import check",
                };
                assert!(
                    stderr(&run).contains(&format!("ssot-guard: failed: {failed}")),
                    "it names the check that failed: {what}"
                );
            }
            let undone = git.bash(&repo, &format!("{undo}\n"));
            assert!(undone.status.success(), "{}", stderr(&undone));
            assert_eq!(
                Work::of(&repo),
                before,
                "{check:?} {how}: the undo puts it back"
            );
        }
        git.assert_safe();
    }
}

/// A golden-path suite that imports the back end, as a real one does: run by the validation, it
/// writes bytecode for what it imports unless told not to.
const IMPORTING_SUITE: &str = "import os, sys\nsys.path.insert(0, os.getcwd())\nimport \
     netra_backend.app.agents.state\nprint('golden path: websocket agent events ok')\n";

/// The `__pycache__` folders below `root`, `.git` left out.
fn bytecode_folders(root: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() && entry.file_name() != ".git" {
                if entry.file_name() == "__pycache__" {
                    found.push(entry.path());
                } else {
                    pending.push(entry.path());
                }
            }
        }
    }
    found
}

/// In a repository that ignores nothing (no `.gitignore`) and an environment that lets Python
/// write bytecode (no `PYTHONDONTWRITEBYTECODE`), a rollback leaves no `__pycache__` behind: the
/// import check runs `python3 -B` and the validation commands run with `PYTHONDONTWRITEBYTECODE=1`
/// (Level 1 and Level 2, script and pasted). Otherwise `git status` would list the bytecode as
/// untracked, and a later Level 2 or 3 would refuse over a dirty tree.
#[test]
fn rollback_commands_leave_no_python_bytecode_behind() {
    let writes_bytecode = |command: &mut Command| {
        command.env_remove("PYTHONDONTWRITEBYTECODE");
    };
    // Level 1: the script, then (from the same HEAD) the pasted commands.
    let repo = base_repo();
    repo.write(SUITE, IMPORTING_SUITE);
    repo.commit("Add the report service; the golden-path suite imports the back end");
    repo.write(SERVICE, &service(SSOT, ""));
    let head = repo.commit("Migrate the report service to the SSOT DeepAgentState");
    assert!(!repo.path().join(".gitignore").exists());
    let report = repo.rollback_json(&[]);
    assert_eq!(report["rollback"]["level"], 1);
    let commands = json_commands(&candidate(&report, SERVICE)["commands"]);
    let script = repo.script(&[]);
    let git = GitWrapper::new();
    for (how, text) in [("script", script), ("pasted", pasted(&commands))] {
        let run = git.bash_with(&repo, &text, writes_bytecode);
        assert!(
            stdout(&run).contains("golden path: websocket agent events ok"),
            "{how}: {}",
            stderr(&run)
        );
        assert_eq!(parent_of(&repo, head_of(&repo)), head, "{how}: rolled back");
        assert_eq!(repo.status(), "", "{how}: nothing left but the commit");
        assert_eq!(
            bytecode_folders(repo.path()),
            Vec::<PathBuf>::new(),
            "{how}"
        );
        git_cli(repo.path(), &["reset", "-q", "--hard", &head.to_string()]);
    }

    // Level 2: the validation after the reset.
    let repo = base_repo();
    repo.write(SUITE, IMPORTING_SUITE);
    let repo = level_two_repo_from(repo, true);
    let report = repo.rollback_json(&[]);
    assert_eq!(report["rollback"]["level"], 2);
    let head = head_of(&repo);
    let target = Oid::from_str(report["rollback"]["target"]["commit"].as_str().unwrap()).unwrap();
    let commands = json_commands(&report["rollback"]["commands"]);
    let script = repo.script(&[]);
    for (how, text) in [("script", script), ("pasted", pasted(&commands))] {
        let run = git.bash_with(&repo, &text, writes_bytecode);
        assert!(
            stdout(&run).contains("golden path: websocket agent events ok"),
            "level 2 {how}: {}",
            stderr(&run)
        );
        assert_eq!(head_of(&repo), target, "level 2 {how}");
        assert_eq!(repo.status(), "", "level 2 {how}");
        assert_eq!(
            bytecode_folders(repo.path()),
            Vec::<PathBuf>::new(),
            "level 2 {how}"
        );
        git_cli(repo.path(), &["reset", "-q", "--hard", &head.to_string()]);
        git_cli(
            repo.path(),
            &[
                "branch",
                "-q",
                "-D",
                &format!("ssot-guard/before-rollback-{}", short(head)),
            ],
        );
    }
    git.assert_safe();
}

/// Two HIGH files share a migration commit (Level 2), after a checkpoint when `checkpoint`.
fn level_two_repo(checkpoint: bool) -> TestRepo {
    level_two_repo_from(base_repo(), checkpoint)
}

/// [`level_two_repo`] from `repo`'s uncommitted files.
fn level_two_repo_from(repo: TestRepo, checkpoint: bool) -> TestRepo {
    repo.write(EXPORT, &service(DEPRECATED, ""));
    repo.commit("Add the report and export services");
    if checkpoint {
        repo.commit("checkpoint: pre-phase 3 production file migration");
    }
    repo.write(SERVICE, &service(SSOT, ""));
    repo.write(EXPORT, &service(SSOT, ""));
    repo.commit("Phase 3: migrate the services");
    repo
}

/// A golden-path file fails (Level 3); with `good`, an earlier commit has no failing file.
fn level_three_repo(good: bool) -> TestRepo {
    level_three_repo_from(base_repo(), good)
}

/// [`level_three_repo`] from `repo`'s uncommitted files.
fn level_three_repo_from(repo: TestRepo, good: bool) -> TestRepo {
    repo.write(MANAGER, &service(if good { DEPRECATED } else { SSOT }, ""));
    if good {
        repo.commit("Add the manager and the report service");
    } else {
        // One root commit with everything: no commit is free of failing files.
        for args in [
            &["checkout", "-q", "--orphan", "everything"][..],
            &["add", "-A"],
            &[
                "commit",
                "-q",
                "-m",
                "The back end, the manager already on the SSOT module",
            ],
            &["branch", "-q", "-D", "main"],
            &["branch", "-q", "-m", "main"],
        ] {
            let run = git_cli(repo.path(), args);
            assert!(run.status.success(), "{args:?}: {}", stderr(&run));
        }
    }
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Migrate the report service");
    if good {
        repo.write(MANAGER, &service(SSOT, ""));
        repo.commit("Migrate the WebSocket manager");
    }
    repo
}

/// Levels 2 and 3 refuse any uncommitted work, naming it, whether pasted or run as a script;
/// run on a clean tree, they move only what the level moves and keep the old HEAD on a branch.
fn assert_level_keeps_work(repo: &TestRepo, level: u8) {
    let report = repo.rollback_json(&["--level", &level.to_string()]);
    assert_eq!(report["rollback"]["level"], level);
    let commands = json_commands(&report["rollback"]["commands"]);
    assert!(!commands.is_empty());
    let script = repo.script(&["--level", &level.to_string()]);
    let git = GitWrapper::new();

    for in_target in [true, false] {
        add_uncommitted_work(repo, in_target);
        if !in_target {
            clean_target(repo);
        }
        let named = if in_target { SERVICE } else { OTHER };
        let before = Work::of(repo);
        let run = git.paste(repo, &commands);
        assert_refused(&run, &before, repo, named, true);
        let run = git.bash(repo, &script);
        assert_eq!(run.status.code(), Some(3));
        assert_refused(&run, &before, repo, named, false);
        // Untracked files are listed by their new folder, as `git status` does.
        for path in ["notes/", STAGED] {
            assert!(
                stderr(&run).contains(path),
                "the refusal lists {path}: {}",
                stderr(&run)
            );
        }
    }

    // A clean tree, for the pasted commands and for the script (from the same state each).
    git_cli(repo.path(), &["reset", "-q", "--", STAGED]);
    git_cli(repo.path(), &["checkout", "-q", "--", OTHER, STAGED]);
    std::fs::remove_dir_all(repo.path().join("notes")).unwrap();
    assert_eq!(repo.status(), "");
    let target = Oid::from_str(report["rollback"]["target"]["commit"].as_str().unwrap()).unwrap();
    assert_level_runs(repo, level, target, &commands, &script, &git, |_| {});
    git.assert_safe();
}

/// Runs a level's pasted `commands`, then its `script`, from the same clean tree: each exits 0,
/// puts HEAD at `target` and adds one branch (Level 2: the backup of the old HEAD; Level 3: the
/// emergency branch), moving no other. `after_run` checks more before the tree is put back.
fn assert_level_runs(
    repo: &TestRepo,
    level: u8,
    target: Oid,
    commands: &[String],
    script: &str,
    git: &GitWrapper,
    after_run: impl Fn(&str),
) {
    let old_head = head_of(repo);
    let before = Work::of(repo);
    for (how, run) in [("pasted", true), ("script", false)] {
        let output = if run {
            git.paste(repo, commands)
        } else {
            git.bash(repo, script)
        };
        assert_eq!(output.status.code(), Some(0), "{how}: {}", stderr(&output));
        let after = Work::of(repo);
        assert_eq!(head_of(repo), target, "{how}: HEAD at the level's target");
        let new: Vec<(&String, &Oid)> = after
            .refs
            .iter()
            .filter(|(name, _)| !before.refs.contains_key(*name))
            .collect();
        assert_eq!(new.len(), 1, "{how}: one new branch: {new:?}");
        let (name, id) = new[0];
        let mut moved = before.refs.clone();
        if level == 2 {
            assert_eq!(
                name,
                &format!("refs/heads/ssot-guard/before-rollback-{}", short(old_head))
            );
            assert_eq!(*id, old_head, "{how}: the backup branch keeps the old HEAD");
            moved.insert("refs/heads/main".to_owned(), target);
        } else {
            assert!(name.starts_with("refs/heads/emergency-rollback-"), "{name}");
            assert_eq!(*id, target);
        }
        let kept: BTreeMap<String, Oid> = after
            .refs
            .iter()
            .filter(|(name, _)| before.refs.contains_key(*name))
            .map(|(n, i)| (n.clone(), *i))
            .collect();
        assert_eq!(kept, moved, "{how}: no other branch moved or was deleted");
        after_run(how);
        // Back to where it was, for the next way of running it.
        git_cli(repo.path(), &["checkout", "-q", "main"]);
        git_cli(
            repo.path(),
            &["reset", "-q", "--hard", &old_head.to_string()],
        );
        git_cli(
            repo.path(),
            &["branch", "-q", "-D", name.trim_start_matches("refs/heads/")],
        );
        assert_eq!(Work::of(repo), before);
    }
}

#[test]
fn level_two_commands_and_script_keep_uncommitted_work() {
    assert_level_keeps_work(&level_two_repo(true), 2);
    assert_level_keeps_work(&level_two_repo(false), 2);
}

#[test]
fn level_three_commands_and_script_keep_uncommitted_work() {
    assert_level_keeps_work(&level_three_repo(true), 3);
}

/// `repo`'s uncommitted files plus [`LOCAL_CONFIG`] and [`ODD_LOCAL_CONFIG`], tracked from the
/// first commit on.
fn with_local_config(repo: TestRepo) -> TestRepo {
    repo.write(LOCAL_CONFIG, TRACKED_CONFIG);
    repo.write(ODD_LOCAL_CONFIG, TRACKED_CONFIG);
    repo
}

/// A last commit that stops tracking the local configs and ignores them (and logs): each
/// engineer keeps their own copy, untracked.
fn stop_tracking_local_config(repo: &TestRepo) {
    repo.remove(LOCAL_CONFIG);
    repo.remove(ODD_LOCAL_CONFIG);
    repo.write(".gitignore", "/config/local.py\n*.env\n*.log\n");
    repo.commit("Stop tracking the local config: each engineer keeps their own");
    assert_eq!(repo.status(), "");
}

/// Folders the levels' targets track a file in, and that a later commit stops tracking and
/// ignores by name: today each engineer keeps a file of their own at that path. The second has
/// pathspec magic, a space, glob characters and a quote in its name.
const CONFIG_FOLDERS: [&str; 2] = ["cfg", ":(glob)site [eu] it's.env"];

/// What the targets track inside [`CONFIG_FOLDERS`].
fn config_folder_files() -> [String; 2] {
    CONFIG_FOLDERS.map(|folder| format!("{folder}/settings.py"))
}

/// `repo`'s uncommitted files plus a file in each of [`CONFIG_FOLDERS`], tracked from the first
/// commit on.
fn with_config_folders(repo: TestRepo) -> TestRepo {
    for path in config_folder_files() {
        repo.write(&path, TRACKED_CONFIG);
    }
    repo
}

/// A last commit that removes [`CONFIG_FOLDERS`] and ignores their names (and logs).
fn stop_tracking_config_folders(repo: &TestRepo) {
    for folder in CONFIG_FOLDERS {
        std::fs::remove_dir_all(repo.path().join(folder)).unwrap();
    }
    repo.write(".gitignore", "/cfg\n*.env\n*.log\n");
    repo.commit("Stop tracking the config folders: each engineer keeps a local file instead");
    assert_eq!(repo.status(), "");
}

/// The level's target tracks `tracked[i]` where the work tree holds `own[i]` ignored today: the
/// same path, or (for a file the target has in a folder) the folder's path. Pasted or run as a
/// script, the level refuses while the work tree holds them, naming them and saying to move them
/// aside, and changes nothing; `git status --porcelain` does not list ignored files, so its guard
/// alone would let the reset or checkout overwrite them (a file where the target has a folder is
/// replaced by the folder). Without them, the level runs as before, and an ignored file the
/// target does not track stays.
fn assert_level_keeps_ignored_files(repo: &TestRepo, level: u8, tracked: &[&str], own: &[&str]) {
    let level_arg = level.to_string();
    let report = repo.rollback_json(&["--level", &level_arg]);
    assert_eq!(report["rollback"]["level"], level);
    let target = Oid::from_str(report["rollback"]["target"]["commit"].as_str().unwrap()).unwrap();
    for path in tracked {
        assert_eq!(repo.blob(target, path), TRACKED_CONFIG.as_bytes());
    }
    let commands = json_commands(&report["rollback"]["commands"]);
    let script = repo.script(&["--level", &level_arg]);
    let git = GitWrapper::new();

    for own in [own, &own[..1], &own[1..]] {
        for path in own {
            repo.write(path, OWN_CONFIG);
        }
        repo.write(IGNORED_LOG, "request log\n");
        assert_eq!(repo.status(), "", "the local configs are ignored");
        let before = Work::of(repo);
        // The guarded line itself fails, so that a `&&` after it would not run.
        let run = git.paste(repo, &commands[..1]);
        assert_ne!(run.status.code(), Some(0), "{own:?}: {}", stderr(&run));
        let pasted = git.paste(repo, &commands);
        let script_run = git.bash(repo, &script);
        assert_eq!(
            script_run.status.code(),
            Some(3),
            "{own:?}: {}",
            stderr(&script_run)
        );
        for (pasted, run) in [(true, &pasted), (false, &script_run)] {
            for path in own {
                assert_refused(run, &before, repo, path, pasted);
                assert_eq!(repo.read(path), OWN_CONFIG.as_bytes(), "{path} kept");
            }
            assert!(
                stderr(run).contains("move them out of the work tree"),
                "the refusal says how to proceed: {}",
                stderr(run)
            );
        }
        for path in own {
            repo.remove(path);
        }
    }

    assert_eq!(repo.status(), "");
    assert_level_runs(repo, level, target, &commands, &script, &git, |how| {
        for path in tracked {
            assert_eq!(repo.read(path), TRACKED_CONFIG.as_bytes(), "{how}: {path}");
        }
        assert_eq!(repo.read(IGNORED_LOG), b"request log\n", "{how}: kept");
    });
    git.assert_safe();
}

const LOCAL_CONFIGS: [&str; 2] = [LOCAL_CONFIG, ODD_LOCAL_CONFIG];

/// What a work tree keeps ignored where the levels' targets track it.
#[derive(Clone, Copy)]
enum Ignored {
    /// [`LOCAL_CONFIGS`]: the same paths the targets track.
    LocalConfigs,
    /// A file of one's own where the targets have one of [`CONFIG_FOLDERS`].
    FilesWhereFoldersWere,
}

/// [`assert_level_keeps_ignored_files`] at `level` (Level 2 with and without a checkpoint, Level
/// 3 with a last known good commit), on a repository whose targets track what is `ignored`
/// today.
fn assert_level_keeps_ignored(level: u8, ignored: Ignored) {
    let checkpoints: &[bool] = if level == 2 { &[true, false] } else { &[true] };
    for &checkpoint in checkpoints {
        let base = match ignored {
            Ignored::LocalConfigs => with_local_config(base_repo()),
            Ignored::FilesWhereFoldersWere => with_config_folders(base_repo()),
        };
        let repo = if level == 2 {
            level_two_repo_from(base, checkpoint)
        } else {
            level_three_repo_from(base, checkpoint)
        };
        match ignored {
            Ignored::LocalConfigs => {
                stop_tracking_local_config(&repo);
                assert_level_keeps_ignored_files(&repo, level, &LOCAL_CONFIGS, &LOCAL_CONFIGS);
            }
            Ignored::FilesWhereFoldersWere => {
                stop_tracking_config_folders(&repo);
                let tracked = config_folder_files();
                let tracked: Vec<&str> = tracked.iter().map(String::as_str).collect();
                assert_level_keeps_ignored_files(&repo, level, &tracked, &CONFIG_FOLDERS);
            }
        }
    }
}

#[test]
fn level_two_commands_and_script_keep_ignored_files_the_target_tracks() {
    assert_level_keeps_ignored(2, Ignored::LocalConfigs);
}

#[test]
fn level_three_commands_and_script_keep_ignored_files_the_target_tracks() {
    assert_level_keeps_ignored(3, Ignored::LocalConfigs);
}

/// `git reset --hard` replaces an ignored file with the folder the target has at its path (Level
/// 3's `checkout --no-overwrite-ignore` stops instead, half-way through the pasted commands).
#[test]
fn level_two_commands_and_script_keep_an_ignored_file_where_the_target_has_a_folder() {
    assert_level_keeps_ignored(2, Ignored::FilesWhereFoldersWere);
}

#[test]
fn level_three_commands_and_script_keep_an_ignored_file_where_the_target_has_a_folder() {
    assert_level_keeps_ignored(3, Ignored::FilesWhereFoldersWere);
}

/// The Level 2 commands were printed, then someone committed: pasting them must not reset the
/// branch away from the new commit (the backup branch holds the planned HEAD, not the new one).
#[test]
fn level_two_commands_pasted_after_a_new_commit_lose_nothing() {
    let repo = level_two_repo(true);
    let report = repo.rollback_json(&[]);
    assert_eq!(report["rollback"]["level"], 2);
    let commands = json_commands(&report["rollback"]["commands"]);
    repo.write(OTHER, "RATE = 2\n");
    let hotfix = repo.commit("Hotfix during the incident");
    let git = GitWrapper::new();
    let before = Work::of(&repo);
    let run = git.paste(&repo, &commands);
    assert!(
        stderr(&run).contains("ssot-guard: refused: HEAD is no longer"),
        "{}",
        stderr(&run)
    );
    assert_eq!(Work::of(&repo), before);
    assert_eq!(head_of(&repo), hotfix);
    git.assert_safe();
}

/// Level 3 without a last known good commit: the script falls back to Level 1, file by file,
/// with Level 1's guarantees.
#[test]
fn level_three_without_a_target_falls_back_to_level_one_and_keeps_work() {
    let repo = level_three_repo(false);
    let report = repo.rollback_json(&[]);
    assert_eq!(report["rollback"]["level"], 3);
    assert_eq!(report["rollback"]["target"], serde_json::Value::Null);
    assert_eq!(report["rollback"]["commands"], serde_json::json!([]));
    let script = repo.script(&[]);
    assert!(script.contains("Level 1 instead"), "{script}");
    let before_migration = repo
        .repo
        .find_commit(head_of(&repo))
        .unwrap()
        .parent_id(0)
        .unwrap();
    let git = GitWrapper::new();
    add_uncommitted_work(&repo, true);
    let before = Work::of(&repo);
    let run = git.bash(&repo, &script);
    assert_eq!(run.status.code(), Some(3));
    assert_refused(&run, &before, &repo, SERVICE, false);
    clean_target(&repo);
    let before = Work::of(&repo);
    let run = git.bash(&repo, &script);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_rolled_back_one(
        &repo,
        &before,
        SERVICE,
        &repo.blob(before_migration, SERVICE),
    );
    git.assert_safe();
}

/// The revisions a command names: after `reset --hard`, `checkout [[--no-overwrite-ignore] -b
/// NAME]`, `branch NAME` and
/// before `^{commit}` or `:path`.
fn revisions(line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut found: Vec<String> = Vec::new();
    for (index, word) in words.iter().enumerate() {
        let next = |n: usize| {
            words
                .get(index + n)
                .map(|w| w.trim_end_matches(';').to_owned())
        };
        match *word {
            "--hard" => found.extend(next(1)),
            "checkout" if [next(1), next(2)].contains(&Some("-b".to_owned())) => {
                // `checkout [--no-overwrite-ignore] -b NAME REV`; the branch name may be a
                // quoted word with spaces inside.
                let option = usize::from(next(1).as_deref() != Some("-b"));
                let mut end = index + 2 + option;
                if words.get(end).is_some_and(|w| w.starts_with('"')) {
                    while words
                        .get(end)
                        .is_some_and(|w| !w.ends_with('"') || w.len() == 1)
                    {
                        end += 1;
                    }
                }
                found.extend(next(end + 1 - index));
            }
            // `checkout HEAD -- FILE` is how a refusal says to undo a restore (the file was clean,
            // so HEAD holds what it held): HEAD's own version, not a guess at an older one.
            "checkout"
                if next(1).as_deref() == Some("HEAD") && next(2).as_deref() == Some("--") => {}
            "checkout" if !matches!(next(1).as_deref(), Some("-q" | "--")) => found.extend(next(1)),
            "branch" if words.get(index.wrapping_sub(1)) == Some(&"git") => found.extend(next(2)),
            _ => {}
        }
        if let Some((revision, _)) = word.trim_start_matches('\'').split_once("^{commit}") {
            found.push(revision.to_owned());
        }
        if index > 0 && words[index - 1] == "blob" {
            let quoted = word.trim_start_matches('\'');
            found.push(quoted.split(':').next().unwrap_or("").to_owned());
        }
    }
    found
}

/// No command line (comments aside) forces a push or names a revision other than a full commit
/// id: no empty revision, no `HEAD~1`.
fn assert_safe_commands(what: &str, text: &str) {
    assert_no_empty_revision(text);
    for line in text.lines() {
        let trimmed = line.trim_start();
        // Comments, and the human plan's verdict on the runbook's `HEAD~1`.
        if trimmed.starts_with('#') || line.starts_with("   HEAD~1:") {
            continue;
        }
        for forbidden in [
            "push --force",
            "push -f",
            "--force-with-lease",
            "HEAD~1",
            "HEAD^",
        ] {
            assert!(
                !line.contains(forbidden),
                "{what}: `{forbidden}` in: {line}"
            );
        }
        for revision in revisions(line) {
            assert!(
                revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit()),
                "{what}: `{revision}` is not a full commit id in: {line}"
            );
        }
    }
}

/// Every plan's emitted text, for every level and kind: human, JSON commands, scripts.
#[test]
fn no_emitted_command_forces_a_push_or_guesses_a_revision() {
    let repos = [
        ("level 1", level_one_repo("\nLIMIT = 10\n")),
        ("level 2", level_two_repo(true)),
        ("level 2 without a checkpoint", level_two_repo(false)),
        ("level 3", level_three_repo(true)),
        ("level 3 without a target", level_three_repo(false)),
    ];
    let mut checked = 0;
    for (name, repo) in &repos {
        for level in [None, Some("1"), Some("2"), Some("3")] {
            for surgical in [false, true] {
                let mut args: Vec<&str> = Vec::new();
                if let Some(level) = level {
                    args.extend(["--level", level]);
                }
                if surgical {
                    args.push("--surgical");
                }
                let what = format!("{name} {args:?}");
                let human = stdout(&repo.rollback(&args));
                assert_safe_commands(&format!("{what} human"), &human);
                assert_safe_commands(&format!("{what} script"), &repo.script(&args));
                let report = repo.rollback_json(&args);
                let rollback = &report["rollback"];
                let mut commands = json_commands(&rollback["commands"]);
                for candidate in rollback["candidates"].as_array().unwrap() {
                    commands.extend(json_commands(&candidate["commands"]));
                    commands.extend(json_commands(&candidate["surgical_commands"]));
                }
                assert_safe_commands(&format!("{what} json"), &commands.join("\n"));
                checked += commands.len();
            }
        }
    }
    assert!(checked > 100, "{checked} commands checked");
}

#[test]
fn revisions_are_found_where_commands_name_them() {
    let id = "0123456789abcdef0123456789abcdef01234567";
    assert_eq!(revisions(&format!("git reset --hard {id}; else")), [id]);
    assert_eq!(revisions(&format!("git checkout {id} -- 'a.py'")), [id]);
    assert_eq!(
        revisions(&format!("git checkout -b \"x\" {id}; else")),
        [id]
    );
    assert_eq!(
        revisions(&format!(
            "git checkout --no-overwrite-ignore -b \"x $(date)\" {id}; fi"
        )),
        [id]
    );
    assert_eq!(revisions(&format!("git branch 'b' {id} && git")), [id]);
    assert_eq!(
        revisions(&format!("git cat-file blob '{id}:a.py' > 'b.py'")),
        [id]
    );
    assert_eq!(
        revisions(&format!("git cat-file -e {id}^{{commit}} 2>/dev/null")),
        [id]
    );
    assert_eq!(revisions("git checkout HEAD~1 -- 'a.py'"), ["HEAD~1"]);
    assert_eq!(
        revisions("git checkout HEAD -- 'a.py'"),
        Vec::<String>::new()
    );
    assert_eq!(revisions("git checkout HEAD 'a.py'"), ["HEAD"]);
    assert_eq!(revisions("git reset --hard ''"), ["''"]);
}
