//! Sparse parsing inside classes: a big test class that uses the class in a few of its methods is
//! parsed as those methods, with the same findings as the whole file.

use crate::common;

use common::{compact_findings, run, stderr, TempProject};

/// A test class of `fillers` unrelated methods around the few that matter.
fn big_test_class(fillers: usize) -> String {
    let mut source = String::from(
        "\
import unittest
from netra_backend.app.agents.state import DeepAgentState
from netra_backend.app.agents import state as st

DEFAULT = DeepAgentState()
Legacy = st.DeepAgentState


class TestAgent(unittest.TestCase):
    def setUp(self):
        self.state = DeepAgentState()
        self.default = DEFAULT

",
    );
    for i in 0..fillers {
        match i {
            10 => source.push_str(
                "    def test_reads_setup_state(self):\n        assert self.state.thread_id\n\n",
            ),
            20 => source.push_str(
                "    @unittest.skipIf(\n        False,\n        \"\"\"def not_a_method(self):\n    self.state\"\"\",\n    )\n    async def test_module_instance(self):\n        return self.default.thread_id\n\n",
            ),
            30 => source.push_str(
                "    def _legacy(self):\n        return Legacy(quality_metrics='t')\n\n    def test_helper_by_name(self):\n        return self._legacy()\n\n",
            ),
            40 => source.push_str("    def test_local(self):\n        s = st.DeepAgentState()\n        return s.thread_id\n\n"),
            50 => source.push_str("    class Nested:\n        thread_id = 'x'\n\n"),
            _ => source.push_str(&format!(
                "    def test_{i}(self):\n        x = {i}\n        # self.state.thread_id, commented out\n        self.assertEqual(x + 1, {})\n\n",
                i + 1
            )),
        }
    }
    source.push_str("    renamed = property(test_7)\n");
    source
}

#[test]
fn a_big_test_class_is_parsed_as_the_methods_that_matter() {
    let project = TempProject::new(&[("tests/test_agent.py", &big_test_class(2_000))]);
    let expected = [
        "SSOT001 warning tests/test_agent.py:2:44 -",
        "SSOT001 warning tests/test_agent.py:6:10 -",
        "SSOT002 warning tests/test_agent.py:65:16 thread_id",
        "SSOT002 warning tests/test_agent.py:118:16 thread_id",
        "SSOT003 warning tests/test_agent.py:166:23 quality_metrics",
        "SSOT001 warning tests/test_agent.py:217:13 -",
        "SSOT002 warning tests/test_agent.py:218:16 thread_id",
    ];
    assert_eq!(project.findings(), expected);
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(compact_findings(&whole), expected);

    // Most of the class is left out of the parse.
    let output = run(project.path(), &["check", "tests/test_agent.py", "--stats"]);
    let stats = stderr(&output);
    let parsed: usize = stats
        .lines()
        .find_map(|line| line.strip_suffix(" bytes parsed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no bytes parsed in {stats}"));
    let size = std::fs::metadata(project.path().join("tests/test_agent.py"))
        .unwrap()
        .len() as usize;
    // (Each round of the fixed point parses the reduced text again: mostly blank lines.)
    assert!(parsed * 2 < size, "{parsed} of {size} bytes parsed");
}

#[test]
fn a_subclass_and_a_method_used_by_name_are_kept_whole() {
    let source = "\
from netra_backend.app.agents.state import DeepAgentState

Base = DeepAgentState


class Derived(Base):
    def one(self):
        return 1

    def two(self):
        return self.thread_id


class Plain:
    def getter(self):
        return DeepAgentState().thread_id

    value = property(getter)

    def unused(self):
        return 2
";
    let project = TempProject::new(&[("app/classes.py", source)]);
    let expected = project.findings();
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(compact_findings(&whole), expected);
    assert_eq!(
        expected,
        [
            "SSOT001 warning app/classes.py:1:44 -",
            "SSOT002 warning app/classes.py:16:16 thread_id",
        ]
    );
}
