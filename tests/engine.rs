//! One engine for every command: `rollback` judges history the way `check` judges the tree
//! (aliased re-exports included), and one scan checks several migrations.

mod common;

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
        "netra_backend/app/services/report.py:5:12: SSOT002 reads `thread_id` on `state`: the SSOT `DeepAgentState` has no `thread_id`; this raises AttributeError\n\
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
