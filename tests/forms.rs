//! One behaviour per test, each on a small project beside the two real class definitions, with
//! the exact findings expected (`CODE severity path:line:column member`).

use crate::common;

use common::TempProject;

fn findings(path: &str, source: &str) -> Vec<String> {
    TempProject::new(&[(path, source)]).findings()
}

#[test]
fn from_import_with_alias_and_parenthesised_list() {
    let source = "\
from netra_backend.app.agents.state import (
    PlanStep,
    DeepAgentState as LegacyState,
)

def run(state: LegacyState):
    return state.thread_id
";
    assert_eq!(
        findings("app/run.py", source),
        [
            "SSOT001 warning app/run.py:3:5 -",
            "SSOT002 warning app/run.py:7:12 thread_id",
        ]
    );
}

#[test]
fn other_names_of_the_deprecated_module_are_clean() {
    let source = "\
from netra_backend.app.agents.state import OptimizationsResult, PlanStep
import netra_backend.app.agents.state as legacy

step = legacy.PlanStep(step_id='1', description='x')
";
    assert_eq!(findings("app/clean.py", source), Vec::<String>::new());
}

#[test]
fn module_imports_and_attribute_references() {
    let source = "\
import netra_backend.app.agents.state
import netra_backend.app.agents.state as legacy
from netra_backend.app.agents import state as st

a = netra_backend.app.agents.state.DeepAgentState()
b = legacy.DeepAgentState(quality_metrics='t')
c: st.DeepAgentState = make()
print(a.thread_id, b.quality_metrics, c.thread_id)
";
    assert_eq!(
        findings("app/modules.py", source),
        [
            "SSOT001 warning app/modules.py:5:5 -",
            "SSOT001 warning app/modules.py:6:5 -",
            "SSOT003 warning app/modules.py:6:27 quality_metrics",
            "SSOT001 warning app/modules.py:7:4 -",
            "SSOT002 warning app/modules.py:8:7 thread_id",
            "SSOT002 warning app/modules.py:8:20 quality_metrics",
            "SSOT002 warning app/modules.py:8:39 thread_id",
        ]
    );
}

#[test]
fn relative_imports_resolve_against_the_package() {
    let project = TempProject::new(&[
        (
            "netra_backend/app/agents/worker.py",
            "from .state import DeepAgentState\nfrom . import state\nx: state.DeepAgentState\n",
        ),
        (
            "netra_backend/app/services/__init__.py",
            "",
        ),
        (
            "netra_backend/app/services/user.py",
            "from ..schemas.agent_models import DeepAgentState\n\ndef f(s: DeepAgentState):\n    s.thread_id = 1\n",
        ),
    ]);
    assert_eq!(
        project.findings(),
        [
            "SSOT001 warning netra_backend/app/agents/worker.py:1:20 -",
            "SSOT001 warning netra_backend/app/agents/worker.py:3:4 -",
            "SSOT002 error netra_backend/app/services/user.py:4:5 thread_id",
        ]
    );
}

#[test]
fn star_import_counts_only_when_the_name_is_used() {
    let used = "from netra_backend.app.agents.state import *\n\ndef f(s: DeepAgentState):\n    return s.thread_id\n";
    let unused = "from netra_backend.app.agents.state import *\n\nPlanStep(step_id='1')\n";
    let project = TempProject::new(&[("app/used.py", used), ("app/unused.py", unused)]);
    assert_eq!(
        project.findings(),
        [
            "SSOT001 warning app/used.py:1:1 -",
            "SSOT002 warning app/used.py:4:12 thread_id",
        ]
    );
}

#[test]
fn each_function_uses_its_own_binding() {
    let source = "\
def legacy(payload):
    from netra_backend.app.agents.state import DeepAgentState
    return DeepAgentState(**payload).thread_id

def migrated(payload):
    from netra_backend.app.schemas.agent_models import DeepAgentState
    return DeepAgentState(**payload).thread_id

def neither(state):
    return state.thread_id
";
    assert_eq!(
        findings("app/split.py", source),
        [
            "SSOT001 warning app/split.py:2:48 -",
            "SSOT002 warning app/split.py:3:12 thread_id",
            "SSOT005 warning app/split.py:6:56 -",
            "SSOT002 error app/split.py:7:12 thread_id",
        ]
    );
}

#[test]
fn try_except_fallback_binds_both_and_accesses_are_errors() {
    let source = "\
try:
    from netra_backend.app.schemas.agent_models import DeepAgentState
except ImportError:
    from netra_backend.app.agents.state import DeepAgentState

def f(s: DeepAgentState):
    return s.thread_id
";
    let project = TempProject::new(&[("app/fallback.py", source)]);
    let (report, _) = project.check_json(&[]);
    assert_eq!(
        common::compact_findings(&report),
        [
            "SSOT001 warning app/fallback.py:4:48 -",
            "SSOT005 warning app/fallback.py:4:48 -",
            "SSOT002 error app/fallback.py:7:12 thread_id",
        ]
    );
    let file = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "app/fallback.py")
        .unwrap();
    assert_eq!(
        file["resolves_to"],
        serde_json::json!({"deepagentstate": "both"})
    );
}

#[test]
fn type_checking_blocks_and_string_annotations() {
    let source = "\
from typing import TYPE_CHECKING, Optional, Union, List
if TYPE_CHECKING:
    from netra_backend.app.schemas.agent_models import DeepAgentState

def a(s: 'DeepAgentState'): return s.thread_id
def b(s: \"Optional[DeepAgentState]\"): return s.thread_id
def c(s: Optional[DeepAgentState] = None): return s.thread_id
def d(s: DeepAgentState | None): return s.thread_id
def e(s: Union[None, DeepAgentState]): return s.thread_id
def f(s: List[DeepAgentState]): return s.thread_id
def g(s: Union[DeepAgentState, int]): return s.thread_id
";
    assert_eq!(
        findings("app/hints.py", source),
        [
            "SSOT002 error app/hints.py:5:36 thread_id",
            "SSOT002 error app/hints.py:6:46 thread_id",
            "SSOT002 error app/hints.py:7:51 thread_id",
            "SSOT002 error app/hints.py:8:41 thread_id",
            "SSOT002 error app/hints.py:9:47 thread_id",
        ]
    );
}

#[test]
fn instance_sources() {
    let source = "\
from unittest import mock
from unittest.mock import Mock, create_autospec
from netra_backend.app.schemas.agent_models import DeepAgentState

def sources(payload, other: DeepAgentState):
    built = DeepAgentState(**payload)
    validated = DeepAgentState.model_validate(payload)
    copied = other.copy_with_updates(step_count=1).increment_step_count()
    alias = copied
    annotated: DeepAgentState = load()
    mocked = Mock(spec=DeepAgentState)
    auto = create_autospec(DeepAgentState)
    strict = mock.MagicMock(spec_set=DeepAgentState)
    if (walrus := DeepAgentState()):
        pass
    return (built.thread_id, validated.thread_id, copied.thread_id, alias.thread_id,
            annotated.thread_id, mocked.thread_id, auto.thread_id, strict.thread_id,
            walrus.thread_id, DeepAgentState().thread_id)

def default(state=DeepAgentState()):
    del state.thread_id

def not_instances(plain, items):
    for item in items:
        item.thread_id
    unknown = Mock()
    return plain.thread_id, unknown.thread_id
";
    assert_eq!(
        findings("app/sources.py", source),
        [
            "SSOT002 error app/sources.py:16:13 thread_id",
            "SSOT002 error app/sources.py:16:30 thread_id",
            "SSOT002 error app/sources.py:16:51 thread_id",
            "SSOT002 error app/sources.py:16:69 thread_id",
            "SSOT002 error app/sources.py:17:13 thread_id",
            "SSOT002 error app/sources.py:17:34 thread_id",
            "SSOT002 error app/sources.py:17:52 thread_id",
            "SSOT002 error app/sources.py:17:68 thread_id",
            "SSOT002 error app/sources.py:18:13 thread_id",
            "SSOT002 error app/sources.py:18:31 thread_id",
            "SSOT002 error app/sources.py:21:9 thread_id",
        ]
    );
}

#[test]
fn self_attributes_hold_instances_across_methods() {
    let source = "\
from dataclasses import dataclass
from netra_backend.app.agents.state import DeepAgentState

@dataclass
class Context:
    state: DeepAgentState

    def thread(self):
        return self.state.thread_id

class Engine:
    def __init__(self, state: DeepAgentState):
        self.current = state
        self.backup: DeepAgentState = state

    def run(self):
        def inner():
            return self.current.quality_metrics
        return self.backup.thread_id, inner()

class Unrelated:
    def run(self):
        return self.current.thread_id
";
    assert_eq!(
        findings("app/holders.py", source),
        [
            "SSOT001 warning app/holders.py:2:44 -",
            "SSOT002 warning app/holders.py:9:16 thread_id",
            "SSOT002 warning app/holders.py:18:20 quality_metrics",
            "SSOT002 warning app/holders.py:19:16 thread_id",
        ]
    );
}

#[test]
fn reflection_guarded_and_unguarded() {
    let source = "\
from netra_backend.app.schemas.agent_models import DeepAgentState

def f(s: DeepAgentState):
    a = getattr(s, 'thread_id', None)
    b = hasattr(s, 'thread_id')
    c = getattr(s, 'thread_id')
    setattr(s, 'thread_id', 'x')
    delattr(s, '_validate_user_isolation')
    d = getattr(s, f'thread_{a}', None)
    e = getattr(s, 'chat_thread_id', None)
";
    assert_eq!(
        findings("app/reflect.py", source),
        [
            "SSOT006 info app/reflect.py:4:9 thread_id",
            "SSOT006 info app/reflect.py:5:9 thread_id",
            "SSOT002 error app/reflect.py:6:9 thread_id",
            "SSOT002 error app/reflect.py:7:5 thread_id",
            "SSOT002 error app/reflect.py:8:5 _validate_user_isolation",
        ]
    );
}

/// Only keywords the deprecated class takes and the SSOT class does not: `thread_id` is a
/// property of the deprecated class, which pydantic's constructor ignores on both sides.
#[test]
fn constructor_keywords_only_risky_members() {
    let source = "\
from netra_backend.app.schemas.agent_models import DeepAgentState
state = DeepAgentState(user_request='q', thread_id='t', quality_metrics={}, not_a_field=1)
";
    assert_eq!(
        findings("app/build.py", source),
        ["SSOT003 error app/build.py:2:57 quality_metrics",]
    );
}

#[test]
fn look_alikes_are_not_findings() {
    let source = "\
# DeepAgentState is mentioned in a comment: from netra_backend.app.agents.state import DeepAgentState
from netra_backend.app.services.context import UserExecutionContext as DeepAgentState

class MockDeepAgentState:
    thread_id = 'x'

def f(ctx: DeepAgentState, m: MockDeepAgentState):
    text = 'from netra_backend.app.agents.state import DeepAgentState'
    return ctx.thread_id, m.thread_id, DeepAgentState(thread_id=1)
";
    let local = "\
class DeepAgentState:
    thread_id: str = ''

def f(s: DeepAgentState):
    return s.thread_id
";
    let project = TempProject::new(&[("app/alias.py", source), ("app/local.py", local)]);
    assert_eq!(project.findings(), Vec::<String>::new());
}

#[test]
fn reexports_resolve_through_project_modules() {
    let project = TempProject::new(&[
        (
            "netra_backend/app/schemas/registry.py",
            "from netra_backend.app.schemas.agent_models import DeepAgentState\n",
        ),
        (
            "netra_backend/app/agents/compat.py",
            "from .state import *\n",
        ),
        ("netra_backend/app/schemas/empty_registry.py", "X = 1\n"),
        (
            "app/user.py",
            "\
from netra_backend.app.schemas.registry import DeepAgentState
from netra_backend.app.agents.compat import DeepAgentState as Legacy
from netra_backend.app.schemas.empty_registry import DeepAgentState as Missing
from somewhere.outside import DeepAgentState as Outside

def f(a: DeepAgentState, b: Legacy, c: Outside):
    return a.thread_id, b.thread_id, c.thread_id
",
        ),
    ]);
    assert_eq!(
        project.findings(),
        [
            "SSOT001 warning app/user.py:2:45 -",
            "SSOT005 warning app/user.py:2:45 -",
            "SSOT004 error app/user.py:3:54 -",
            "SSOT002 error app/user.py:7:12 thread_id",
            "SSOT002 warning app/user.py:7:25 thread_id",
        ]
    );
}

#[test]
fn suppression_comments() {
    let source = "\
from netra_backend.app.agents.state import DeepAgentState  # ssot-guard: ignore[SSOT001]

def f(s: DeepAgentState):
    a = s.thread_id  # ssot-guard: ignore
    b = s.thread_id  # ssot-guard: ignore[SSOT001, missing-member]
    c = s.thread_id  # ssot-guard: ignore[SSOT003]
";
    assert_eq!(
        findings("app/quiet.py", source),
        ["SSOT002 warning app/quiet.py:6:9 thread_id"]
    );
}

#[test]
fn syntax_errors_keep_findings_outside_the_broken_part() {
    let source = "\
from netra_backend.app.agents.state import DeepAgentState

def good(s: DeepAgentState):
    return s.thread_id

def broken(:
    return s.thread_id
";
    let project = TempProject::new(&[("app/broken.py", source)]);
    let (report, code) = project.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        common::compact_findings(&report),
        [
            "SSOT001 warning app/broken.py:1:44 -",
            "SSOT002 warning app/broken.py:4:12 thread_id",
        ]
    );
    assert_eq!(report["summary"]["parse_errors"], 1);
}

#[test]
fn configured_members_are_used_without_the_class_definitions() {
    let project = TempProject::bare(&[
        ("pyproject.toml", "[tool.ssot-guard]\n"),
        (
            "app/only.py",
            "from netra_backend.app.schemas.agent_models import DeepAgentState\n\ndef f(s: DeepAgentState):\n    return s.thread_id, s.quality_metrics, s._sanitize_security_context()\n",
        ),
    ]);
    let (report, _) = project.check_json(&[]);
    assert_eq!(report["migrations"][0]["members_source"], "configured");
    assert_eq!(
        report["migrations"][0]["risky_members"],
        serde_json::json!([
            "_sanitize_security_context",
            "_validate_user_isolation",
            "thread_id"
        ])
    );
    assert_eq!(
        common::compact_findings(&report),
        [
            "SSOT002 error app/only.py:4:12 thread_id",
            "SSOT002 error app/only.py:4:44 _sanitize_security_context",
        ]
    );
}

#[test]
fn a_single_file_scan_still_derives_members_from_the_project() {
    let project = TempProject::new(&[(
        "app/one.py",
        "from netra_backend.app.schemas.agent_models import DeepAgentState\nDeepAgentState().clear_sensitive_data()\n",
    )]);
    let output = common::run(project.path(), &["check", "app/one.py", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["migrations"][0]["members_source"], "derived");
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(
        common::compact_findings(&report),
        ["SSOT002 error app/one.py:2:1 clear_sensitive_data"]
    );
}

#[test]
fn a_deprecated_module_that_became_a_shim_still_imports_deprecated_but_holds_the_ssot_class() {
    let project = TempProject::new(&[
        (
            "netra_backend/app/agents/state.py",
            "from netra_backend.app.schemas.agent_models import DeepAgentState  # shim\n",
        ),
        (
            "app/user.py",
            "from netra_backend.app.agents.state import DeepAgentState\n\ndef f(s: DeepAgentState):\n    return s.thread_id\n",
        ),
    ]);
    let (report, _) = project.check_json(&[]);
    // The deprecated module re-exports the SSOT class: one class, so no member is risky, whatever
    // the rule's configured list says (`s.thread_id` is no concern of the migration's).
    assert_eq!(report["migrations"][0]["members_source"], "same-class");
    assert_eq!(
        report["migrations"][0]["risky_members"],
        serde_json::json!([])
    );
    assert_eq!(
        common::compact_findings(&report),
        ["SSOT001 warning app/user.py:1:44 -"]
    );
}

#[test]
fn a_src_layout_is_found_without_configuration() {
    let project = TempProject::bare(&[("pyproject.toml", "[tool.ssot-guard]\n")]);
    project.write_class_definitions("src/");
    project.write(
        "src/netra_backend/app/agents/worker.py",
        "from .state import DeepAgentState\n\ndef f(s: DeepAgentState):\n    s.clear_sensitive_data()\n",
    );
    let (report, _) = project.check_json(&[]);
    assert_eq!(report["migrations"][0]["members_source"], "derived");
    assert_eq!(
        common::compact_findings(&report),
        [
            "SSOT001 warning src/netra_backend/app/agents/worker.py:1:20 -",
            "SSOT002 warning src/netra_backend/app/agents/worker.py:4:5 clear_sensitive_data",
        ]
    );
}

/// Sparse parsing keeps the top-level statements that mention the class, an import, or a
/// module-level name that the kept statements bind: here a chain of module-level aliases reaches
/// functions that never name the class. The findings are those of a whole-file parse.
#[test]
fn module_level_instances_reach_functions_that_never_name_the_class() {
    let source = "\
\"\"\"A module-level instance, used far from where it is made.\"\"\"
from netra_backend.app.schemas.agent_models import DeepAgentState

def unrelated(x):
    return x.thread_id

STATE = DeepAgentState()

@decorator
def helper():
    return STATE.thread_id

ALIAS = STATE

class Holder:
    def read(self):
        return ALIAS.quality_metrics

try:
    LATE = ALIAS
except NameError:
    LATE = None
else:
    pass

def last():
    return LATE.thread_id
";
    let project = TempProject::new(&[("app/module_state.py", source)]);
    let expected = [
        "SSOT002 error app/module_state.py:11:12 thread_id",
        "SSOT002 error app/module_state.py:17:16 quality_metrics",
        "SSOT002 error app/module_state.py:27:12 thread_id",
    ];
    let (sparse, _) = project.check_json(&[]);
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(common::compact_findings(&sparse), expected);
    assert_eq!(sparse, whole);
}

/// A module that defines its own `getattr` is not calling the builtin: no guarded access, and
/// sparse parsing must see that definition although it never names the class.
#[test]
fn a_shadowed_reflection_builtin_is_not_the_builtin() {
    let source = "\
from netra_backend.app.schemas.agent_models import DeepAgentState

def read(state: DeepAgentState):
    return getattr(state, 'thread_id', None), hasattr(state, 'thread_id')

def getattr(obj, name, default=None):
    return default
";
    let project = TempProject::new(&[("app/shadow.py", source)]);
    let (sparse, _) = project.check_json(&[]);
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(
        common::compact_findings(&sparse),
        ["SSOT006 info app/shadow.py:4:47 thread_id"]
    );
    assert_eq!(sparse, whole);
}

/// Inputs on which sparse parsing once differed from a whole-file parse, found by differential
/// testing: each must give the same report both ways, and the findings listed.
#[test]
fn sparse_parsing_matches_whole_file_parsing_on_tricky_layouts() {
    let cases: [(&str, &[u8], &[&str]); 7] = [
        (
            "a line after a backslash continuation",
            b"x = \\\n1\nfrom netra_backend.app.agents.state import *\nDeepAgentState\n",
            &["SSOT001 warning app/probe.py:3:1 -"],
        ),
        (
            "an import after a semicolon",
            b"x = 1; from netra_backend.app.agents import state\ny = state.DeepAgentState()\n",
            &["SSOT001 warning app/probe.py:2:5 -"],
        ),
        (
            "an import after `try:` on one line",
            b"try: from netra_backend.app.agents import state\nexcept ImportError: pass\ny = state.DeepAgentState()\n",
            &["SSOT001 warning app/probe.py:3:5 -"],
        ),
        (
            "a byte order mark before the first import",
            b"\xef\xbb\xbffrom netra_backend.app.agents import state\ns = state.DeepAgentState()\nprint(s.thread_id)\n",
            &["SSOT001 warning app/probe.py:2:5 -", "SSOT002 warning app/probe.py:3:7 thread_id"],
        ),
        (
            // Python ends a line at the lone CR too, so the import is on line 3.
            "a lone CR before an import",
            b"x = 1\n\rfrom netra_backend.app.agents.state import *\ny = DeepAgentState()\n",
            &["SSOT001 warning app/probe.py:3:1 -"],
        ),
        (
            "a Python 3.12 f-string reusing its quote",
            b"a = f\"\"\"{'\"\"\"'}'\"\"\"\nb = \"\"\"\nfrom netra_backend.app.agents.state import DeepAgentState\n\"\"\"  # \"\"\"\n",
            &[],
        ),
        (
            "a statement tree-sitter carries over a dangling dot",
            b"from netra_backend.app.agents import state\ns = state.\nDeepAgentState()\n",
            &["SSOT001 warning app/probe.py:2:5 -"],
        ),
    ];
    for (what, source, expected) in cases {
        let project = TempProject::new(&[]);
        project.write_bytes("app/probe.py", source);
        let (sparse, _) = project.check_json(&[]);
        let (whole, _) = project.check_json(&["--no-prefilter"]);
        assert_eq!(common::compact_findings(&sparse), expected, "{what}");
        assert_eq!(sparse, whole, "{what}");
    }
}

/// A consumer that never names the class, importing it under aliases that project modules
/// re-export: followed where the module makes the alias public (a package `__init__`, `__all__`,
/// `X as X`, an assignment), not through a module's private `as` alias.
#[test]
fn aliased_reexports_are_followed_when_the_module_makes_them_public() {
    let project = TempProject::new(&[
        (
            "netra_backend/app/registry/__init__.py",
            "from netra_backend.app.agents.state import DeepAgentState as AgentState\n",
        ),
        (
            "netra_backend/app/registry/public.py",
            "\
from netra_backend.app.agents.state import DeepAgentState as ExplicitState
from netra_backend.app.agents.state import DeepAgentState as LocalOnly
from netra_backend.app.schemas.agent_models import DeepAgentState as SsotState
from netra_backend.app.registry import AgentState as AgentState
Assigned = ExplicitState
__all__ = [\"ExplicitState\", \"SsotState\"]
",
        ),
        (
            "app/use.py",
            "\
from netra_backend.app.registry import AgentState
from netra_backend.app.registry.public import ExplicitState, LocalOnly, Assigned, SsotState
from netra_backend.app.registry import public as pub
import netra_backend.app.registry.public


def direct(s: AgentState, t: ExplicitState, u: LocalOnly, v: Assigned, w: SsotState):
    return s.thread_id, t.thread_id, u.thread_id, v.thread_id, w.thread_id


def through_modules(s: pub.Assigned, t: netra_backend.app.registry.public.AgentState):
    return s.thread_id, t.thread_id
",
        ),
        (
            "app/star.py",
            "\
from netra_backend.app.registry.public import *


def starred(s: ExplicitState):
    return s.thread_id
",
        ),
    ]);
    let use_findings = [
        "SSOT001 warning app/use.py:1:40 -",
        "SSOT001 warning app/use.py:2:47 -",
        "SSOT001 warning app/use.py:2:73 -",
        "SSOT005 warning app/use.py:2:83 -",
        "SSOT002 warning app/use.py:8:12 thread_id",
        "SSOT002 warning app/use.py:8:25 thread_id",
        "SSOT002 warning app/use.py:8:51 thread_id",
        "SSOT002 error app/use.py:8:64 thread_id",
        "SSOT001 warning app/use.py:11:24 -",
        "SSOT001 warning app/use.py:11:41 -",
        "SSOT002 warning app/use.py:12:12 thread_id",
        "SSOT002 warning app/use.py:12:25 thread_id",
    ];
    let mut expected = vec![
        "SSOT001 warning app/star.py:1:1 -",
        "SSOT002 warning app/star.py:5:12 thread_id",
    ];
    expected.extend(use_findings);
    expected.extend([
        "SSOT001 warning netra_backend/app/registry/__init__.py:1:44 -",
        "SSOT001 warning netra_backend/app/registry/public.py:1:44 -",
        "SSOT001 warning netra_backend/app/registry/public.py:2:44 -",
        "SSOT005 warning netra_backend/app/registry/public.py:3:52 -",
        "SSOT001 warning netra_backend/app/registry/public.py:4:40 -",
    ]);
    assert_eq!(project.findings(), expected);
    let (report, _) = project.check_json(&[]);
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(
        report, whole,
        "the alias needles find every file a whole parse does"
    );
    // Named on their own, files are checked though they never name the class.
    for (path, expected) in [
        ("app/use.py", &use_findings[..]),
        ("app/star.py", &expected[..2]),
    ] {
        let output = common::run(project.path(), &["check", path, "--format", "json"]);
        let alone: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(common::compact_findings(&alone), expected, "{path}");
    }
}

/// `from m import *` binds what `__all__` lists, or without one the names not starting with `_`;
/// a module's own assignment may alias a name it imported privately.
#[test]
fn star_imports_bind_only_what_all_or_public_names_allow() {
    let project = TempProject::new(&[
        (
            "netra_backend/app/listed.py",
            "\
from netra_backend.app.agents.state import DeepAgentState
AgentState = DeepAgentState
Other = 1
__all__ = [\"Other\"]
",
        ),
        (
            "netra_backend/app/unlisted.py",
            "\
from netra_backend.app.agents.state import DeepAgentState as _Hidden
PublicAlias = _Hidden
",
        ),
        (
            "app/star_listed.py",
            "\
from netra_backend.app.listed import *


def f(s: AgentState, t: DeepAgentState):
    return s.thread_id, t.thread_id
",
        ),
        (
            "app/star_unlisted.py",
            "\
from netra_backend.app.unlisted import *


def f(s: PublicAlias, t: _Hidden):
    return s.thread_id, t.thread_id
",
        ),
    ]);
    assert_eq!(
        project.findings(),
        [
            "SSOT001 warning app/star_unlisted.py:1:1 -",
            "SSOT002 warning app/star_unlisted.py:5:12 thread_id",
            "SSOT001 warning netra_backend/app/listed.py:1:44 -",
            "SSOT001 warning netra_backend/app/unlisted.py:1:44 -",
        ]
    );
    let (report, _) = project.check_json(&[]);
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(report, whole);
}
