//! One engine for every command: `rollback` judges history the way `check` judges the tree
//! (aliased re-exports included), and one scan checks several migrations.

use crate::common;

use common::repo::{candidate, head_of, parent_of, service, TestRepo, DEPRECATED, SERVICE};
use common::{stderr, stdout};

/// A module re-exporting the SSOT class under another name.
const COMPAT2: &str = "netra_backend/app/compat2.py";
const COMPAT2_TEXT: &str = "from netra_backend.app.schemas.agent_models import DeepAgentState as AgentState\n\n__all__ = [\"AgentState\"]\n";

/// The file moved to the SSOT class through `from compat2 import AgentState` (no
/// `DeepAgentState` in its text): `check` reports the AttributeError, and `rollback` finds the
/// migration commit and plans the file's parent. Before the engine, rollback judged history by
/// the class name only and said "no migration to undo".
#[test]
fn a_migration_through_an_aliased_re_export_is_rolled_back() {
    let repo = TestRepo::new();
    repo.write(COMPAT2, COMPAT2_TEXT);
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let before = repo.commit("Add the report service");
    repo.write(
        SERVICE,
        "from netra_backend.app.compat2 import AgentState\n\n\ndef thread_of(state: AgentState):\n    return state.thread_id\n",
    );
    let migration = repo.commit("Migrate the report service through compat2");

    let check = common::run(repo.path(), &["check", "--format", "concise", SERVICE]);
    assert_eq!(
        stdout(&check),
        "netra_backend/app/services/report.py:5:12: SSOT002 reads `thread_id` on `state`: the SSOT `DeepAgentState` has no `thread_id`; this raises AttributeError [**]\n\
         Found 1 finding (1 error, 0 warnings, 0 info) in 1 of 1 file; `DeepAgentState`: 0 deprecated, 1 SSOT, 0 mixed.\n"
    );

    let report = repo.rollback_json(&[]);
    let plan = candidate(&report, SERVICE);
    assert_eq!(plan["migration_commit"], migration.to_string());
    assert_eq!(plan["rollback_to"], before.to_string());
    assert_eq!(plan["head_minus_one_correct"], true);

    // The surgical patch switches the aliased import back under the same local name.
    let run = repo.run_script(&repo.script(&["--surgical"]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(
        String::from_utf8(repo.read(SERVICE)).unwrap(),
        "from netra_backend.app.agents.state import DeepAgentState as AgentState\n\n\ndef thread_of(state: AgentState):\n    return state.thread_id\n"
    );
    assert_eq!(parent_of(&repo, head_of(&repo)), migration);
}

const REGISTRY_RULE: &str = "id = \"agentregistry\"\nsymbol = \"AgentRegistry\"\ndeprecated = [\"netra_backend.app.agents.registry\"]\nssot = \"netra_backend.app.core.registry\"\nissue = \"#902\"\nvalidation = [\"python3 -c pass\"]\n";
const REGISTRY_USER: &str = "netra_backend/app/services/registry_user.py";

/// The test repository with a second migration (`AgentRegistry`), its two class definitions and
/// a file using it, committed on the deprecated module.
fn two_migrations() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "pyproject.toml",
        "[tool.ssot-guard]\nrules = [\"rules/deepagentstate.toml\", \"rules/agentregistry.toml\"]\n",
    );
    repo.write("rules/agentregistry.toml", REGISTRY_RULE);
    repo.write("netra_backend/app/core/__init__.py", "");
    repo.write(
        "netra_backend/app/agents/registry.py",
        "class AgentRegistry:\n    def __init__(self):\n        self.agents = {}\n\n    @property\n    def default_agent(self):\n        return 'triage'\n",
    );
    repo.write(
        "netra_backend/app/core/registry.py",
        "class AgentRegistry:\n    def __init__(self):\n        self.agents = {}\n",
    );
    repo.write(
        REGISTRY_USER,
        &registry_user("netra_backend.app.agents.registry"),
    );
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.commit("Add the services");
    repo
}

fn registry_user(module: &str) -> String {
    format!("from {module} import AgentRegistry\n\n\ndef default_of(registry: AgentRegistry):\n    return registry.default_agent\n")
}

/// Two migrations loaded: `rollback` undoes the one that fails, asks which when both fail, and
/// each migration's Level 2 uses its own checkpoints.
#[test]
fn rollback_undoes_one_migration_and_each_has_its_checkpoints() {
    let repo = two_migrations();
    repo.write("README.md", "checkpoint\n");
    let registry_checkpoint = repo.commit("checkpoint: pre-AgentRegistry consolidation");
    repo.write("README.md", "checkpoint 2\n");
    let state_checkpoint = repo.commit("checkpoint: pre-DeepAgentState migration");
    repo.write(
        REGISTRY_USER,
        &registry_user("netra_backend.app.core.registry"),
    );
    let registry_migration = repo.commit("Move the registry user to the SSOT AgentRegistry");

    // Only the registry migration fails: it is the one planned, with its own checkpoint.
    let report = repo.rollback_json(&["--level", "2"]);
    assert_eq!(report["migrations"].as_array().map(Vec::len), Some(1));
    let plan = candidate(&report, REGISTRY_USER);
    assert_eq!(plan["migration_commit"], registry_migration.to_string());
    let checkpoints: Vec<&str> = report["rollback"]["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    assert_eq!(checkpoints, ["checkpoint: pre-AgentRegistry consolidation"]);
    assert_eq!(
        report["rollback"]["target"]["commit"],
        registry_checkpoint.to_string()
    );
    let human = stdout(&repo.rollback(&[]));
    assert!(
        human.contains("check --migration 'agentregistry' --expect-violations"),
        "{human}"
    );

    // Both fail: the plan needs --migration.
    repo.write(SERVICE, &service(common::repo::SSOT, ""));
    repo.commit("Migrate the report service");
    let both = repo.rollback(&[]);
    assert_eq!(both.status.code(), Some(2));
    assert!(
        stderr(&both).contains("2 migrations have failing files (deepagentstate, agentregistry)"),
        "{}",
        stderr(&both)
    );
    let state = repo.rollback_json(&["--migration", "deepagentstate", "--level", "2"]);
    assert_eq!(
        state["rollback"]["target"]["commit"],
        state_checkpoint.to_string()
    );

    let listed = common::run(
        repo.path(),
        &[
            "checkpoints",
            "--migration",
            "deepagentstate",
            "--format",
            "json",
        ],
    );
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let summaries: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries, ["checkpoint: pre-DeepAgentState migration"]);
}

/// Under `--staged` the index overlays the disk for the modules the staged files import too: a
/// staged re-export that the work tree no longer has still decides what a staged file imports.
#[test]
fn staged_modules_are_read_from_the_index() {
    let repo = TestRepo::new();
    repo.write(COMPAT2, COMPAT2_TEXT);
    repo.write(
        SERVICE,
        "from netra_backend.app.compat2 import AgentState\n\n\ndef thread_of(state: AgentState):\n    return state.thread_id\n",
    );
    let mut index = repo.repo.index().unwrap();
    for path in [COMPAT2, SERVICE] {
        index.add_path(std::path::Path::new(path)).unwrap();
    }
    index.write().unwrap();
    // The work tree loses the module (an unstaged deletion): the commit will still hold it.
    repo.remove(COMPAT2);

    let staged = common::run(repo.path(), &["check", "--staged", "--format", "concise"]);
    assert_eq!(
        stdout(&staged),
        "netra_backend/app/services/report.py:5:12: SSOT002 reads `thread_id` on `state`: the SSOT `DeepAgentState` has no `thread_id`; this raises AttributeError [**]\n\
         Found 1 finding (1 error, 0 warnings, 0 info) in 1 of 2 files; `DeepAgentState`: 0 deprecated, 2 SSOT, 0 mixed.\n"
    );
    // The work tree, without the module, binds nothing.
    let tree = common::run(repo.path(), &["check", "--format", "concise", SERVICE]);
    assert_eq!(
        stdout(&tree),
        "No findings for `DeepAgentState` in 1 file.\n"
    );
}

const THREE: &str = "fixtures/three_migrations";

/// Three migrations checked in one scan: the exact findings, every format names all three, and
/// neither `--no-prefilter` nor the thread count changes a byte.
#[test]
fn three_migrations_in_one_scan() {
    let root = common::repo_root();
    let check = |args: &[&str]| {
        let mut all = vec!["check", THREE];
        all.extend_from_slice(args);
        let output = common::run(&root, &all);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        output.stdout
    };
    let concise = String::from_utf8(check(&["--format", "concise"])).unwrap();
    let services = "fixtures/three_migrations/netra_backend/app/services";
    assert_eq!(
        concise,
        format!(
            "{services}/all_three.py:1:47: SSOT001 [agentregistry] `AgentRegistry` is imported from deprecated module `netra_backend.app.agents.registry`\n\
             {services}/all_three.py:7:30: SSOT003 [executionengine] `ExecutionEngine(timeout=...)`: the SSOT class silently drops `timeout` (pydantic ignores unknown fields)\n\
             {services}/all_three.py:8:15: SSOT002 [deepagentstate] reads `thread_id` on `state`: the SSOT `DeepAgentState` has no `thread_id`; this raises AttributeError [**]\n\
             {services}/all_three.py:8:33: SSOT002 [agentregistry] reads `default_agent` on `registry`: the SSOT `AgentRegistry` has no `default_agent`; this will raise AttributeError once this file uses the SSOT class\n\
             {services}/engine_user.py:1:55: SSOT001 [executionengine] `ExecutionEngine` is imported from deprecated module `netra_backend.app.agents.execution_engine`\n\
             {services}/engine_user.py:3:39: SSOT003 [executionengine] `ExecutionEngine(timeout=...)`: the SSOT class silently drops `timeout` (pydantic ignores unknown fields)\n\
             {services}/registry_user.py:5:12: SSOT002 [agentregistry] reads `default_agent` on `registry`: the SSOT `AgentRegistry` has no `default_agent`; this raises AttributeError\n\
             {services}/state_user.py:1:44: SSOT001 [deepagentstate] `DeepAgentState` is imported from deprecated module `netra_backend.app.agents.state` [**]\n\
             {services}/state_user.py:5:12: SSOT002 [deepagentstate] reads `thread_id` on `state`: the SSOT `DeepAgentState` has no `thread_id`; this will raise AttributeError once this file uses the SSOT class [**]\n\
             Found 9 findings (3 errors, 6 warnings, 0 info) in 4 of 16 files; by migration:\n  \
             deepagentstate (`DeepAgentState`): 3 findings (1 error, 2 warnings, 0 info); 1 deprecated, 1 SSOT, 0 mixed.\n  \
             agentregistry (`AgentRegistry`): 3 findings (1 error, 2 warnings, 0 info); 1 deprecated, 1 SSOT, 0 mixed.\n  \
             executionengine (`ExecutionEngine`): 3 findings (1 error, 2 warnings, 0 info); 1 deprecated, 1 SSOT, 0 mixed.\n"
        )
    );
    let json: serde_json::Value = serde_json::from_slice(&check(&["--format", "json"])).unwrap();
    let ids: Vec<&str> = json["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["deepagentstate", "agentregistry", "executionengine"]);
    for format in common::FORMATS {
        let report = check(&["--format", format]);
        let text = String::from_utf8_lossy(&report);
        for id in ["deepagentstate", "agentregistry", "executionengine"] {
            assert!(text.contains(id), "{format} does not name {id}:\n{text}");
        }
        assert_eq!(
            report,
            check(&["--format", format, "--no-prefilter"]),
            "{format}: --no-prefilter changes the report"
        );
        assert_eq!(
            check(&["--format", format, "--threads", "1"]),
            check(&["--format", format, "--threads", "8"]),
            "{format}: the thread count changes the report"
        );
    }
    // `--migration` selects.
    let two = String::from_utf8(check(&[
        "--format",
        "concise",
        "--migration",
        "agentregistry,executionengine",
    ]))
    .unwrap();
    assert!(!two.contains("[deepagentstate]"), "{two}");
    assert_eq!(two.lines().filter(|l| l.contains(": SSOT")).count(), 6);
}
