//! A short, arbitrary git history of a small back end (the real class definitions from
//! `fixtures/backend`, the built-in rule), built with git2 in a fresh repository: files written
//! from a palette (deprecated, SSOT, mixed, broken, shims, raw bytes), renamed and deleted,
//! commits (some `checkpoint: pre-`), a side branch merged back. Then `ssot-guard rollback` plans
//! on it the way the CLI does, printed as the human plan, the JSON report and the bash script.
//! Errors are fine (a repository without commits has no plan); panics are not.

#![no_main]

#[path = "common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use clap::Parser;
use git2::{IndexAddOption, Oid, Repository, RepositoryInitOptions, Signature, Time};
use libfuzzer_sys::fuzz_target;
use ssot_guard::commands::rollback::{run_to, RollbackArgs};

/// Operations per input: enough for a migration, a checkpoint and a merge, and fast to run.
const MAX_OPS: usize = 12;
/// Bytes of a `Raw` file.
const MAX_RAW: usize = 256;

const DEPRECATED: &str = "from netra_backend.app.agents.state import DeepAgentState\n";
const SSOT: &str = "from netra_backend.app.schemas.agent_models import DeepAgentState\n";
const USES_THREAD_ID: &str =
    "\ndef thread_of(state: DeepAgentState):\n    return state.thread_id\n";

/// Where a file operation goes: ordinary, golden-path and test code, names that need quoting,
/// the deprecated module itself and a package `__init__`.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Slot {
    Service,
    OtherService,
    Golden,
    Test,
    OddName,
    DashName,
    DeprecatedModule,
    PackageInit,
}

impl Slot {
    fn path(self) -> &'static str {
        match self {
            Slot::Service => "netra_backend/app/services/report.py",
            Slot::OtherService => "netra_backend/app/services/thread_service.py",
            Slot::Golden => "netra_backend/app/websocket_core/manager.py",
            Slot::Test => "tests/test_report.py",
            Slot::OddName => "netra_backend/app/services/it's a $(file) \"ü\".py",
            Slot::DashName => "netra_backend/app/services/-n;x.py",
            Slot::DeprecatedModule => "netra_backend/app/agents/state.py",
            Slot::PackageInit => "netra_backend/app/services/__init__.py",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Content {
    Deprecated,
    Ssot,
    Mixed,
    Broken,
    SsotClean,
    Empty,
    /// The deprecated module turned into a shim re-exporting the SSOT class.
    Shim,
    Relative,
    ReExport,
    CrlfWithBom,
    Raw(Vec<u8>),
}

impl Content {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Content::Deprecated => format!("{DEPRECATED}{USES_THREAD_ID}").into_bytes(),
            Content::Ssot => format!("{SSOT}{USES_THREAD_ID}").into_bytes(),
            Content::Mixed => format!("{DEPRECATED}{SSOT}{USES_THREAD_ID}").into_bytes(),
            Content::Broken => {
                format!("{SSOT}\ndef broken(state: DeepAgentState:\n    return state.thread_id\n")
                    .into_bytes()
            }
            Content::SsotClean => format!(
                "{SSOT}\ndef thread_of(state: DeepAgentState):\n    return state.chat_thread_id\n"
            )
            .into_bytes(),
            Content::Empty => Vec::new(),
            Content::Shim => format!("{SSOT}__all__ = [\"DeepAgentState\"]\n").into_bytes(),
            Content::Relative => {
                format!("from ..schemas.agent_models import DeepAgentState\n{USES_THREAD_ID}")
                    .into_bytes()
            }
            Content::ReExport => {
                format!("{DEPRECATED}__all__ = [\"DeepAgentState\"]\n").into_bytes()
            }
            Content::CrlfWithBom => format!("\u{feff}{DEPRECATED}{USES_THREAD_ID}")
                .replace('\n', "\r\n")
                .into_bytes(),
            Content::Raw(bytes) => bytes[..bytes.len().min(MAX_RAW)].to_vec(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Message {
    Plain,
    Checkpoint,
    Migration,
    CheckpointWithBody,
    ControlCharacters,
    Empty,
}

impl Message {
    fn text(self) -> &'static str {
        match self {
            Message::Plain => "Update services",
            Message::Checkpoint => "checkpoint: pre-migration of the services",
            Message::Migration => "Move DeepAgentState to the SSOT module (#871)",
            Message::CheckpointWithBody => "checkpoint: pre-rollback\n\nwith a body\n",
            Message::ControlCharacters => "tab\there \u{1b}[31mred\u{1b}[0m \u{202e}evil\r\nnext",
            Message::Empty => "",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Write(Slot, Content),
    Rename(Slot, Slot),
    Delete(Slot),
    /// Commits the whole working tree on the current branch.
    Commit(Message),
    /// Switches to the side branch, created at HEAD, keeping the working tree (`git switch -c`).
    Branch,
    /// From the side branch: back on `main`, a merge commit of the side branch whose tree is the
    /// side branch's (`theirs`) or `main`'s.
    Merge {
        theirs: bool,
    },
}

/// What `ssot-guard rollback` is pointed at.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Scope {
    Root,
    Folder,
    File(Slot),
}

#[derive(Arbitrary, Debug)]
struct History {
    ops: Vec<Op>,
    scope: Scope,
    surgical: bool,
    level: Option<u8>,
}

#[derive(Parser)]
struct Rollback {
    #[command(flatten)]
    args: RollbackArgs,
}

/// The two class definitions of the bundled example back end.
fn class_definitions() -> &'static [(&'static str, Vec<u8>); 2] {
    static DEFINITIONS: OnceLock<[(&str, Vec<u8>); 2]> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        let backend = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/backend");
        [
            "netra_backend/app/agents/state.py",
            "netra_backend/app/schemas/agent_models.py",
        ]
        .map(|path| {
            let text = std::fs::read(backend.join(path)).expect("fixture class definition");
            (path, text)
        })
    })
}

struct TestRepo {
    root: PathBuf,
    repo: Repository,
    clock: i64,
}

impl TestRepo {
    fn new(root: &Path) -> TestRepo {
        let mut options = RepositoryInitOptions::new();
        options.initial_head("main");
        let repo = Repository::init_opts(root, &options).expect("git init");
        let mut test = TestRepo {
            root: root.to_path_buf(),
            repo,
            clock: 1_700_000_000,
        };
        for package in [
            "netra_backend",
            "netra_backend/app",
            "netra_backend/app/agents",
            "netra_backend/app/schemas",
            "netra_backend/app/services",
            "netra_backend/app/websocket_core",
        ] {
            test.write(&format!("{package}/__init__.py"), b"");
        }
        for (path, text) in class_definitions() {
            test.write(path, text);
        }
        test.write("pyproject.toml", b"[tool.ssot-guard]\n");
        test.write(
            "tests/mission_critical/test_websocket_agent_events_suite.py",
            b"print('ok')\n",
        );
        test.commit("Project skeleton", &[]);
        test
    }

    fn write(&self, path: &str, bytes: &[u8]) {
        let full = self.root.join(path);
        std::fs::create_dir_all(full.parent().expect("a file below the root")).expect("mkdir");
        std::fs::write(full, bytes).expect("write");
    }

    fn head(&self) -> Option<Oid> {
        self.repo.head().ok().and_then(|h| h.target())
    }

    fn branch(&self) -> Option<String> {
        let head = self.repo.head().ok()?;
        head.shorthand().ok().map(str::to_owned)
    }

    /// Commits the working tree (additions, changes, deletions) on HEAD, with `extra` parents.
    fn commit(&mut self, message: &str, extra: &[Oid]) -> Oid {
        let mut index = self.repo.index().expect("index");
        index
            .add_all(["*"], IndexAddOption::DEFAULT, None)
            .expect("add");
        index.update_all(["*"], None).expect("update");
        index.write().expect("write index");
        let tree = self
            .repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("tree");
        let parents: Vec<git2::Commit<'_>> = self
            .head()
            .into_iter()
            .chain(extra.iter().copied())
            .map(|id| self.repo.find_commit(id).expect("parent"))
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        self.clock += 60;
        let signature = Signature::new("Fuzz", "fuzz@example.com", &Time::new(self.clock, 0))
            .expect("signature");
        self.repo
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                message,
                &tree,
                &parents,
            )
            .expect("commit")
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Write(slot, content) => self.write(slot.path(), &content.bytes()),
            Op::Rename(from, to) => {
                let (from, to) = (self.root.join(from.path()), self.root.join(to.path()));
                if from.is_file() {
                    std::fs::create_dir_all(to.parent().expect("below the root")).expect("mkdir");
                    std::fs::rename(from, to).expect("rename");
                }
            }
            Op::Delete(slot) => {
                let _ = std::fs::remove_file(self.root.join(slot.path()));
            }
            Op::Commit(message) => {
                self.commit(message.text(), &[]);
            }
            Op::Branch => {
                let Some(head) = self.head() else { return };
                if self.branch().as_deref() == Some("side") {
                    return;
                }
                let head = self.repo.find_commit(head).expect("head commit");
                self.repo.branch("side", &head, true).expect("branch");
                self.repo.set_head("refs/heads/side").expect("switch");
            }
            Op::Merge { theirs } => {
                if self.branch().as_deref() != Some("side") {
                    return;
                }
                let side = self.head().expect("the side branch has a commit");
                self.repo.set_head("refs/heads/main").expect("switch");
                let main = self.head().expect("main has a commit");
                if !theirs {
                    self.repo
                        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
                        .expect("checkout");
                }
                if side != main {
                    self.commit("Merge branch 'side'", &[side]);
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Form {
    Human,
    Json,
    Script,
}

/// What every plan must be, whatever the history: JSON that parses, and text for a terminal
/// without control characters (a commit message or file content cannot move the cursor, recolour
/// the screen or overwrite a line).
fn check_output(form: Form, out: &[u8]) {
    let text = std::str::from_utf8(out).expect("the plan is UTF-8");
    match form {
        Form::Json => {
            serde_json::from_str::<serde_json::Value>(text).expect("the JSON plan is JSON");
        }
        Form::Human | Form::Script => {
            if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
                panic!("control character {c:?} in the plan:\n{text}");
            }
        }
    }
}

fuzz_target!(|history: History| {
    // In memory where the system has it: on disk, git's files make an execution ten times slower.
    let dir = common::scratch_dir();
    let root = dir.path().canonicalize().expect("absolute");
    let mut repo = TestRepo::new(&root);
    for op in history.ops.iter().take(MAX_OPS) {
        repo.apply(op);
    }

    let target = match history.scope {
        Scope::Root => root.clone(),
        Scope::Folder => root.join("netra_backend/app/services"),
        Scope::File(slot) => root.join(slot.path()),
    };
    let mut common: Vec<String> = vec!["rollback".into(), target.display().to_string()];
    if history.surgical {
        common.push("--surgical".into());
    }
    if let Some(level) = history.level {
        common.push(format!("--level={}", 1 + level % 3));
    }
    for (extra, form) in [
        (&["--format", "human"][..], Form::Human),
        (&["--format", "json"], Form::Json),
        (&["--script"], Form::Script),
    ] {
        let args = common
            .iter()
            .map(String::as_str)
            .chain(extra.iter().copied());
        let args = Rollback::try_parse_from(args)
            .expect("the arguments are valid")
            .args;
        let mut out = Vec::new();
        let outcome = run_to(args, &mut out).map_err(|e| format!("{:?}", miette::Report::new(e)));
        // `FUZZ_SHOW=1 target/fuzz/.../rollback_history INPUT` prints what the plan says.
        if std::env::var_os("FUZZ_SHOW").is_some() {
            eprintln!("{}\n{outcome:?}", String::from_utf8_lossy(&out));
        }
        if outcome.is_ok() {
            check_output(form, &out);
        }
    }
});
