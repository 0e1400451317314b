//! Git repositories built with git2 in temporary folders, for the tests of `rollback` and of what
//! its commands and scripts do: a small back end with both class definitions, a rule whose
//! validation runs with `python3`, commits at fixed times, and the git CLI and bash run in a
//! hermetic environment.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use git2::{IndexAddOption, Oid, Repository, RepositoryInitOptions, Signature, Time};

use super::{stderr, stdout};

pub const DEPRECATED: &str = "from netra_backend.app.agents.state import DeepAgentState\n";
pub const SSOT: &str = "from netra_backend.app.schemas.agent_models import DeepAgentState\n";
pub const SERVICE: &str = "netra_backend/app/services/report.py";

/// A module that reads `state.thread_id`: fine on the deprecated class, AttributeError on the
/// SSOT class.
pub fn service(import: &str, extra: &str) -> String {
    format!(
        "{import}\n\ndef thread_of(state: DeepAgentState):\n    return state.thread_id\n{extra}"
    )
}

/// The deprecated class has `thread_id`; the SSOT class calls it `chat_thread_id`. Plain Python,
/// so the rollback's import check runs without dependencies.
pub const DEPRECATED_CLASS: &str = "\
class DeepAgentState:
    def __init__(self, chat_thread_id=None):
        self.chat_thread_id = chat_thread_id

    @property
    def thread_id(self):
        return self.chat_thread_id
";
pub const SSOT_CLASS: &str = "\
class DeepAgentState:
    def __init__(self, chat_thread_id=None):
        self.chat_thread_id = chat_thread_id
";

/// The test repository's own rule, replacing the built-in one (same id): a project rule file in
/// use, with the golden path narrowed to `websocket_core`. Its validation runs the same suite
/// with `python3`, as the built-in rule does (`tests/rollback.rs` also runs that one).
pub const RULE: &str = r##"id = "deepagentstate"
symbol = "DeepAgentState"
deprecated = ["netra_backend.app.agents.state"]
ssot = "netra_backend.app.schemas.agent_models"
issue = "#871"
golden-path = ["netra_backend/app/websocket_core/**"]
validation = ["python3 tests/mission_critical/test_websocket_agent_events_suite.py"]

[renames]
thread_id = "chat_thread_id"
"##;

/// A repository in a temporary folder, committed to with git2 at fixed times, so commit ids (and
/// the snapshot) are the same on every run.
pub struct TestRepo {
    pub dir: tempfile::TempDir,
    pub repo: Repository,
    pub clock: Cell<i64>,
}

impl TestRepo {
    /// The project skeleton (class definitions, rule, config, golden-path suite), committed.
    pub fn new() -> TestRepo {
        TestRepo::with_project_in("")
    }

    /// The skeleton below `prefix` (`""` or ending in `/`): the project root need not be the
    /// repository's top level.
    pub fn with_project_in(prefix: &str) -> TestRepo {
        let test = TestRepo::init_in(tempfile::tempdir().unwrap());
        for package in [
            "netra_backend",
            "netra_backend/app",
            "netra_backend/app/agents",
            "netra_backend/app/schemas",
            "netra_backend/app/services",
            "netra_backend/app/websocket_core",
        ] {
            test.write(&format!("{prefix}{package}/__init__.py"), "");
        }
        test.write(
            &format!("{prefix}netra_backend/app/agents/state.py"),
            DEPRECATED_CLASS,
        );
        test.write(
            &format!("{prefix}netra_backend/app/schemas/agent_models.py"),
            SSOT_CLASS,
        );
        test.write(&format!("{prefix}rules/deepagentstate.toml"), RULE);
        test.write(
            &format!("{prefix}pyproject.toml"),
            "[tool.ssot-guard]\nrules = [\"rules/deepagentstate.toml\"]\n",
        );
        test.write(
            &format!("{prefix}tests/mission_critical/test_websocket_agent_events_suite.py"),
            "print('golden path: websocket agent events ok')\n",
        );
        test.write("README.md", "# back end\n");
        test.commit("Project skeleton");
        test
    }

    /// A repository on branch `main` with no commit yet, in `dir` (which may already hold files).
    pub fn init_in(dir: tempfile::TempDir) -> TestRepo {
        let mut options = RepositoryInitOptions::new();
        options.initial_head("main");
        let repo = Repository::init_opts(dir.path(), &options).unwrap();
        TestRepo {
            dir,
            repo,
            clock: Cell::new(1_700_000_000),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    pub fn read(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.path().join(path)).unwrap()
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).unwrap();
    }

    pub fn signature(&self) -> Signature<'static> {
        let now = self.clock.get() + 60;
        self.clock.set(now);
        Signature::new("Test Author", "author@example.com", &Time::new(now, 0)).unwrap()
    }

    /// Commits the whole working tree (additions, changes and deletions) on HEAD.
    pub fn commit(&self, message: &str) -> Oid {
        let parents: Vec<Oid> = self.head().into_iter().collect();
        self.commit_with_parents(message, &parents)
    }

    /// Commits the working tree with `HEAD` and `other` as parents.
    pub fn merge(&self, message: &str, other: Oid) -> Oid {
        let head = self.head().unwrap();
        self.commit_with_parents(message, &[head, other])
    }

    pub fn commit_with_parents(&self, message: &str, parents: &[Oid]) -> Oid {
        commit_work_tree_on(&self.repo, message, &self.signature(), parents)
    }

    pub fn head(&self) -> Option<Oid> {
        self.repo.head().ok().and_then(|h| h.target())
    }

    /// Creates `branch` at HEAD and switches to it (or switches to an existing one).
    pub fn switch(&self, branch: &str) {
        if self
            .repo
            .find_branch(branch, git2::BranchType::Local)
            .is_err()
        {
            let head = self.repo.find_commit(self.head().unwrap()).unwrap();
            self.repo.branch(branch, &head, false).unwrap();
        }
        self.repo.set_head(&format!("refs/heads/{branch}")).unwrap();
        self.repo
            .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
    }

    pub fn blob(&self, commit: Oid, path: &str) -> Vec<u8> {
        let tree = self.repo.find_commit(commit).unwrap().tree().unwrap();
        let entry = tree.get_path(Path::new(path)).unwrap();
        self.repo.find_blob(entry.id()).unwrap().content().to_vec()
    }

    pub fn message(&self, commit: Oid) -> String {
        self.repo
            .find_commit(commit)
            .unwrap()
            .message()
            .unwrap()
            .to_owned()
    }

    pub fn rollback(&self, args: &[&str]) -> Output {
        ssot_guard(self.path(), "rollback", args)
    }

    pub fn rollback_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let output = self.rollback(&all);
        assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    }

    pub fn script(&self, args: &[&str]) -> String {
        let mut all = vec!["--script"];
        all.extend_from_slice(args);
        let output = self.rollback(&all);
        assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
        stdout(&output)
    }

    /// Runs a script with bash at the repository top level, as the engineer would.
    pub fn run_script(&self, script: &str) -> Output {
        run_script_in(self.path(), script)
    }

    /// `git status --porcelain`, as the git CLI prints it.
    pub fn status(&self) -> String {
        let output = git_cli(self.path(), &["status", "--porcelain"]);
        stdout(&output)
    }
}

/// Stages the whole working tree of `repo` and commits it on HEAD, at a fixed time.
pub fn commit_work_tree(repo: &Repository, message: &str) -> Oid {
    let signature = Signature::new("Dev", "dev@example.com", &Time::new(1, 0)).unwrap();
    let parents: Vec<Oid> = repo
        .head()
        .ok()
        .and_then(|h| h.target())
        .into_iter()
        .collect();
    commit_work_tree_on(repo, message, &signature, &parents)
}

/// Stages the whole working tree (additions, changes and deletions) and commits it with
/// `parents`, moving HEAD.
fn commit_work_tree_on(
    repo: &Repository,
    message: &str,
    signature: &Signature<'_>,
    parents: &[Oid],
) -> Oid {
    let mut index = repo.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parents: Vec<git2::Commit<'_>> = parents
        .iter()
        .map(|id| repo.find_commit(*id).unwrap())
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some("HEAD"), signature, signature, message, &tree, &parents)
        .unwrap()
}

pub fn binary_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_ssot-guard"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A hermetic environment: no user or system git config, a committer, `ssot-guard` on PATH, no
/// `SSOT_GUARD_BIN` from the caller's environment, and no `__pycache__` folders written by the
/// rollback's import checks: the test repositories ignore nothing, so those would show in `git
/// status` as untracked (unless the caller's environment happens to set
/// `PYTHONDONTWRITEBYTECODE`, as this project's development container does).
pub fn hermetic(command: &mut Command) -> &mut Command {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![binary_dir()];
    paths.extend(std::env::split_paths(&path));
    command
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("NO_COLOR", "1")
        .env_remove("SSOT_GUARD_BIN")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "On Call")
        .env("GIT_AUTHOR_EMAIL", "oncall@example.com")
        .env("GIT_COMMITTER_NAME", "On Call")
        .env("GIT_COMMITTER_EMAIL", "oncall@example.com")
}

/// The path of the binary under test as it knows itself (`std::env::current_exe`: symlinks
/// resolved), which is what a plan's commands name when `SSOT_GUARD_BIN` is not set.
pub fn binary_path() -> String {
    std::fs::canonicalize(env!("CARGO_BIN_EXE_ssot-guard"))
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

/// `text` as one single-quoted shell word.
pub fn shell_word(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A fresh machine's PATH: a folder of symlinks to only the programs named, as today's PATH has
/// them (`python3` to the interpreter itself, since a pyenv shim needs pyenv on PATH). No
/// `ssot-guard`, no `python`, nothing else.
pub struct OnlyPrograms {
    pub dir: tempfile::TempDir,
}

impl OnlyPrograms {
    pub fn new(programs: &[&str]) -> OnlyPrograms {
        let dir = tempfile::tempdir().unwrap();
        for program in programs {
            std::os::unix::fs::symlink(real_program(program), dir.path().join(program)).unwrap();
        }
        OnlyPrograms { dir }
    }

    /// Runs `text` with this folder's bash, at `cwd`, hermetic but with PATH only this folder,
    /// and `env` set.
    pub fn bash(&self, cwd: &Path, text: &str, env: &[(&str, &str)]) -> Output {
        let scripts = tempfile::tempdir().unwrap();
        let file = scripts.path().join("rollback.sh");
        std::fs::write(&file, text).unwrap();
        let mut command = Command::new(self.dir.path().join("bash"));
        hermetic(&mut command)
            .env("PATH", self.dir.path())
            .envs(env.iter().copied())
            .arg(&file)
            .current_dir(cwd)
            .output()
            .expect("bash runs")
    }
}

/// Where `program` really is: found on PATH, and for `python3` the interpreter it runs.
pub fn real_program(program: &str) -> PathBuf {
    if program == "python3" {
        let output = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 runs");
        return PathBuf::from(String::from_utf8(output.stdout).unwrap().trim_end());
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

pub fn ssot_guard(cwd: &Path, command: &str, args: &[&str]) -> Output {
    hermetic(&mut Command::new(env!("CARGO_BIN_EXE_ssot-guard")))
        .arg(command)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

pub fn git_cli(cwd: &Path, args: &[&str]) -> Output {
    hermetic(&mut Command::new("git"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("git runs")
}

pub fn run_script_in(cwd: &Path, script: &str) -> Output {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("rollback.sh");
    std::fs::write(&file, script).unwrap();
    hermetic(&mut Command::new("bash"))
        .arg(&file)
        .current_dir(cwd)
        .output()
        .expect("bash runs")
}

pub fn head_of(repo: &TestRepo) -> Oid {
    Repository::open(repo.path())
        .unwrap()
        .head()
        .unwrap()
        .target()
        .unwrap()
}

pub fn parent_of(repo: &TestRepo, commit: Oid) -> Oid {
    repo.repo.find_commit(commit).unwrap().parent_id(0).unwrap()
}

pub fn short(id: Oid) -> String {
    id.to_string()[..7].to_owned()
}

pub fn candidate<'r>(report: &'r serde_json::Value, path: &str) -> &'r serde_json::Value {
    report["rollback"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no candidate {path} in {report:#}"))
}

/// No command may carry an empty revision, and every reset goes to a full commit id.
pub fn assert_no_empty_revision(text: &str) {
    for bad in [
        "reset --hard ''",
        "reset --hard \"\"",
        "checkout '' ",
        "checkout \"\" ",
    ] {
        assert!(!text.contains(bad), "empty revision `{bad}` in:\n{text}");
    }
    for (index, _) in text.match_indices("reset --hard") {
        let rest = &text[index + "reset --hard".len()..];
        let revision: String = rest
            .trim_start()
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ';')
            .collect();
        assert!(
            revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit()),
            "`reset --hard {revision}` is not a full commit id"
        );
    }
}
