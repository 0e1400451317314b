#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz targets into fuzz/corpus/<target>/.

    python3 fuzz/seeds.py

* check_source: every Python file of fixtures/backend, and generated inputs whose syntax trees
  are as deep or as wide as the file is long (attribute chains, `a + a + ...`, `a and a and ...`,
  `a < a < ...`, `f()()()...`, `x[0][0]...`, implicit string concatenation, lambdas in lambdas,
  chains of names), a few KB each: every pass over a tree must stay linear and recursion-free;
  and the inputs that once made it fail (`regression_*`);
* rule_toml: the built-in rule, the fixture's pyproject.toml, and broken variants of both;
* rollback_history: a few git histories (migration, checkpoint, rename, merge, shim, uncommitted
  files), encoded the way the `arbitrary` crate (1.x) decodes `History` in
  fuzz_targets/rollback_history.rs. `cargo fuzz fmt rollback_history FILE` shows one decoded;
* module_tree: small projects whose modules re-export the class in cycles (`json = json`,
  `a = b; b = a`, modules importing each other, `from . import x` in `pkg/x/__init__.py`, star
  imports of each other), encoded as `Tree` in fuzz_targets/module_tree.rs decodes them.
  `FUZZ_SHOW=1 target/fuzz/x86_64-unknown-linux-gnu/release/module_tree FILE` prints one's files;
* triage_input: CPython tracebacks (chained, carets, an exception group with notes), pytest's
  long and short reports, a prefixed log, JSON log lines, and JUnit XML in both families.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "corpus"


# Deep inputs: an instance of the deprecated class, then one generated statement.
DEEP_HEAD = """\
from netra_backend.app.agents.state import DeepAgentState

s = DeepAgentState()

"""
# Links, terms or levels per deep input: a few KB each, enough to overflow a recursion with large
# frames on a worker thread's stack, small enough to keep executions fast.
DEEP = 2_000


def deep_inputs() -> dict[str, str]:
    n = DEEP

    def terms(operator: str) -> str:
        return operator.join(["s.thread_id"] + ["s"] * (n - 2) + ["s.thread_id"])

    string = '"abc"'
    bodies = {
        "attribute_chain": "def f():\n    return s" + ".a" * n + ".thread_id\n",
        "attribute_chain_of_members": "y = s" + ".thread_id" * (n // 4) + "\n",
        "plus_chain": "x = " + terms(" + ") + "\n",
        "and_chain": "x = " + terms(" and ") + "\n",
        "or_chain": "x = " + terms(" or ") + "\n",
        "comparison_chain": "x = " + terms(" < ") + "\n",
        "bitwise_or_chain": "x = " + terms(" | ") + "\n",
        "calls": "x = s.thread_id" + "()" * n + "\nDeepAgentState" + "()" * n + ".thread_id\n",
        "subscripts": "x = s.thread_id" + "[0]" * n + "\ny = s" + "[0]" * n + ".thread_id\n",
        "parentheses": "x = " + "(" * n + "s.thread_id" + ")" * n + "\n",
        "implicit_concatenation": "x = " + (string + " ") * n + "or s.thread_id\n"
        + "y = (\n" + ("    " + string + "\n") * (n // 2) + ") or s.thread_id\n",
        "nested_lambdas": "x = " + "lambda: " * (n // 2) + "s.thread_id\n"
        + "y = " + "lambda s: " * (n // 4) + "s.thread_id\n",
        "name_chain": "".join(f"a{i} = a{i + 1}\n" for i in range(n // 2))
        + f"a{n // 2} = DeepAgentState\na0().thread_id\n"
        + "a0 = a0\n" * 3,
    }
    return {f"deep_{name}.py": DEEP_HEAD + body for name, body in bodies.items()}


def regressions() -> dict[str, str]:
    """Inputs that once failed, kept as seeds."""
    return {
        # The human report panicked: miette pads the line under a snippet to the label with a
        # format width, which Rust caps at 65,535, and here the label is 65,540 columns in (16,384
        # tabs of 4 columns).
        "regression_finding_past_column_65535.py": DEEP_HEAD
        + "x = ("
        + "\t" * 16_384
        + "s.thread_id)\n",
    }


def check_source() -> dict[str, bytes]:
    backend = ROOT / "fixtures" / "backend"
    seeds = {
        "_".join(path.relative_to(backend).parts): path.read_bytes()
        for path in sorted(backend.rglob("*.py"))
    }
    seeds.update({name: text.encode() for name, text in deep_inputs().items()})
    seeds.update({name: text.encode() for name, text in regressions().items()})
    return seeds


def rule_toml() -> dict[str, bytes]:
    rule = (ROOT / "rules" / "deepagentstate.toml").read_text()
    pyproject = (ROOT / "fixtures" / "backend" / "pyproject.toml").read_text()
    seeds = {
        "deepagentstate.toml": rule,
        "fixture_pyproject.toml": pyproject,
        "bad_symbol.toml": rule.replace('symbol = "DeepAgentState"', 'symbol = "Deep-Agent"'),
        "bad_module.toml": rule.replace('ssot = "netra_backend', 'ssot = "netra backend'),
        "no_deprecated.toml": rule.replace(
            'deprecated = ["netra_backend.app.agents.state"]', "deprecated = []"
        ),
        "bad_glob.toml": rule.replace('"netra_backend/app/websocket_core/**"', '"a/{b"'),
        "bad_rename.toml": rule.replace('thread_id = "chat_thread_id"', 'thread_id = "chat thread"'),
        "unknown_key.toml": rule + "\nsurprise = 1\n",
        "missing_issue.toml": rule.replace('issue = "#871"', ""),
        "unterminated.toml": rule[: rule.index("[renames]") + 4],
        "multibyte_error.toml": 'id = "é"\nsymbol = "ÄÖ€"\ndeprecated = ["ü.ß"]\nssot = 1\n',
        "config.toml": 'rules = ["rules/x.toml"]\nselect = ["SSOT001", "missing-member"]\n'
        'ignore = ["SSOT006"]\ngolden-path = ["app/**"]\nrespect-gitignore = false\n',
        "config_bad_code.toml": 'select = ["SSOT001", "SSOT999"]\n',
        "config_bad_glob.toml": 'golden-path = ["[z-a]"]\n',
        "pyproject_tool.toml": '[tool.ssot-guard]\nignore = ["nope"]\n[tool.other]\nx = 1\n',
        "empty.toml": "",
    }
    return {name: text.encode() for name, text in seeds.items()}


# The enums of fuzz_targets/rollback_history.rs, variants in declaration order.
SLOT = ["Service", "OtherService", "Golden", "Test", "OddName", "DashName",
        "DeprecatedModule", "PackageInit"]
CONTENT = ["Deprecated", "Ssot", "Mixed", "Broken", "SsotClean", "Empty", "Shim", "Relative",
           "ReExport", "CrlfWithBom", "Raw"]
MESSAGE = ["Plain", "Checkpoint", "Migration", "CheckpointWithBody", "ControlCharacters", "Empty"]
OP = ["Write", "Rename", "Delete", "Commit", "Branch", "Merge"]
SCOPE = ["Root", "Folder", "File"]


def variant(names: list[str], name: str) -> bytes:
    """A derived enum reads a u32 (little-endian) and takes variant (u32 * count) >> 32."""
    index, count = names.index(name), len(names)
    value = ((2 * index + 1) << 32) // (2 * count)
    assert (value * count) >> 32 == index
    return value.to_bytes(4, "little")


def flag(value: bool) -> bytes:
    return bytes([1 if value else 0])


def op(name: str, *args: str | bool) -> bytes:
    out = variant(OP, name)
    if name == "Write":
        out += variant(SLOT, args[0]) + variant(CONTENT, args[1])
    elif name == "Rename":
        out += variant(SLOT, args[0]) + variant(SLOT, args[1])
    elif name == "Delete":
        out += variant(SLOT, args[0])
    elif name == "Commit":
        out += variant(MESSAGE, args[0])
    elif name == "Merge":
        out += flag(bool(args[0]))
    return out


def history(ops: list[bytes], scope: tuple[str, ...] = ("Root",), surgical: bool = False,
            level: int | None = None) -> bytes:
    # A Vec is read element by element, each after a `true` byte, until a `false` one.
    out = b"".join(b"\x01" + o for o in ops) + b"\x00"
    out += variant(SCOPE, scope[0])
    if scope[0] == "File":
        out += variant(SLOT, scope[1])
    out += flag(surgical)
    out += flag(level is not None) + bytes([level or 0])
    return out


def rollback_history() -> dict[str, bytes]:
    migrate = [
        op("Write", "Service", "Deprecated"), op("Commit", "Plain"),
        op("Commit", "Checkpoint"),
        op("Write", "Service", "Ssot"), op("Commit", "Migration"),
    ]
    return {
        "migration": history(migrate),
        "migration_surgical_level2": history(migrate, surgical=True, level=1),
        "renamed_after_migration": history(
            migrate + [op("Rename", "Service", "OddName"), op("Commit", "Plain")],
            scope=("File", "OddName"),
        ),
        "golden_merge": history(
            [
                op("Write", "Golden", "Deprecated"), op("Write", "Test", "Deprecated"),
                op("Commit", "Plain"), op("Branch"),
                op("Write", "Golden", "Ssot"), op("Write", "Test", "Mixed"),
                op("Commit", "Migration"), op("Merge", True),
            ],
            level=2,
        ),
        "shim": history(
            [
                op("Write", "Service", "Deprecated"), op("Commit", "Checkpoint"),
                op("Write", "DeprecatedModule", "Shim"), op("Write", "Service", "Broken"),
                op("Commit", "Migration"), op("Delete", "OtherService"),
            ],
            scope=("Folder",),
        ),
        "uncommitted": history([op("Write", "DashName", "Ssot")], scope=("File", "DashName")),
        "crlf_and_messages": history(
            [
                op("Write", "Service", "CrlfWithBom"), op("Commit", "ControlCharacters"),
                op("Write", "Service", "Relative"), op("Commit", "Empty"),
                op("Write", "PackageInit", "ReExport"), op("Commit", "CheckpointWithBody"),
            ],
            surgical=True,
        ),
    }


# The enums of fuzz_targets/module_tree.rs, variants in declaration order.
MT_SLOT = ["Init", "Old", "New", "XInit", "XY", "A", "BInit", "App"]
MT_TARGET = ["Pkg", "Old", "New", "X", "XY", "A", "B", "Missing", "Json"]
MT_RELATIVE = ["Dot", "DotX", "DotY", "DotOld", "DotNew", "DotA", "DotDot", "DotDotOld"]
MT_NAME = ["Widget", "Alias", "Json", "A", "B", "X", "Y", "Old", "New", "Private"]
MT_GUARDED = ["Import", "From", "FromRelative", "Assign", "NoneValue"]
MT_STATEMENT = [
    "Import", "ImportAs", "From", "FromRelative", "Star", "StarRelative", "Assign", "AssignPath",
    "AssignAttribute", "All", "AllTuple", "AllExtend", "Class", "ClassWithField", "ClassNamed",
    "JsonSelf", "UseCall", "UseKeyword", "UseAnnotated", "UseParameter", "UseThrough", "Try",
    "TypeChecking", "UsePath", "UseLocalImport", "Subclass", "AnnotatedAssign", "Delete", "Broken",
]
# The kind of each field of a variant: T(arget), R(elative), N(ame), O(ptional name),
# L(ist of names), G(uarded).
MT_FIELDS = {
    "Import": "T", "ImportAs": "TN", "From": "TNO", "FromRelative": "RNO", "Star": "T",
    "StarRelative": "R", "Assign": "NN", "AssignPath": "NTN", "AssignAttribute": "NNN",
    "All": "L", "AllTuple": "L", "AllExtend": "L", "ClassNamed": "N", "UseCall": "N",
    "UseKeyword": "N", "UseAnnotated": "NN", "UseParameter": "N", "UseThrough": "NN",
    "Try": "GG", "TypeChecking": "G", "UsePath": "TN", "UseLocalImport": "TN", "Subclass": "NN",
    "AnnotatedAssign": "NN", "Delete": "N",
}
MT_GUARDED_FIELDS = {"Import": "T", "From": "TNO", "FromRelative": "RNO", "Assign": "NN",
                     "NoneValue": "N"}


def vec(items: list[bytes]) -> bytes:
    """A Vec is read element by element, each after a `true` byte, until a `false` one."""
    return b"".join(b"\x01" + item for item in items) + b"\x00"


def mt_fields(kinds: str, args: tuple) -> bytes:
    out = b""
    for kind, arg in zip(kinds, args, strict=True):
        if kind == "T":
            out += variant(MT_TARGET, arg)
        elif kind == "R":
            out += variant(MT_RELATIVE, arg)
        elif kind == "N":
            out += variant(MT_NAME, arg)
        elif kind == "O":
            out += flag(arg is not None) + (variant(MT_NAME, arg) if arg is not None else b"")
        elif kind == "L":
            out += vec([variant(MT_NAME, name) for name in arg])
        elif kind == "G":
            name, *rest = arg
            out += variant(MT_GUARDED, name) + mt_fields(MT_GUARDED_FIELDS[name], tuple(rest))
    return out


def stmt(name: str, *args) -> bytes:
    """A statement: `stmt("From", "Old", "Widget", None)` is `from pkg.old import Widget`."""
    return variant(MT_STATEMENT, name) + mt_fields(MT_FIELDS.get(name, ""), args)


def tree(modules: list[tuple[str, list[bytes]]]) -> bytes:
    return vec([variant(MT_SLOT, slot) + vec(statements) for slot, statements in modules])


def module_tree() -> dict[str, bytes]:
    old_class = ("Old", [stmt("ClassWithField")])
    new_class = ("New", [stmt("Class")])
    return {
        # The stack overflow of issue 10: a module imported by a checked file says json = json.
        "json_self": tree([
            old_class, new_class,
            ("A", [stmt("JsonSelf"), stmt("From", "Old", "Widget", None)]),
            ("App", [stmt("From", "A", "Json", None), stmt("From", "A", "Widget", None),
                     stmt("UseCall", "Widget"), stmt("UseThrough", "Json", "Widget")]),
        ]),
        "self_binding": tree([
            old_class,
            ("A", [stmt("From", "Old", "Widget", None), stmt("Assign", "Widget", "Widget"),
                   stmt("Assign", "A", "A"), stmt("Assign", "Alias", "Alias")]),
            ("App", [stmt("From", "A", "Widget", None), stmt("From", "A", "Alias", None),
                     stmt("UseKeyword", "Widget"), stmt("UseCall", "Alias")]),
        ]),
        "two_cycle": tree([
            old_class,
            ("A", [stmt("Assign", "A", "B"), stmt("Assign", "B", "A"),
                   stmt("From", "Old", "Widget", "Alias"), stmt("Assign", "A", "Alias"),
                   stmt("All", ["A", "B", "Alias"])]),
            ("App", [stmt("From", "A", "B", None), stmt("UseCall", "B"),
                     stmt("UseAnnotated", "Y", "A")]),
        ]),
        "mutual_imports": tree([
            old_class, new_class,
            ("A", [stmt("From", "X", "Alias", None), stmt("From", "Old", "Widget", "Alias"),
                   stmt("Import", "X")]),
            ("XInit", [stmt("From", "A", "Alias", None), stmt("Import", "A"),
                       stmt("AssignPath", "B", "A", "Alias")]),
            ("App", [stmt("From", "X", "Alias", None), stmt("From", "X", "B", None),
                     stmt("UseCall", "Alias"), stmt("UseParameter", "B")]),
        ]),
        "package_imports_itself": tree([
            old_class,
            ("XInit", [stmt("FromRelative", "Dot", "X", None),
                       stmt("FromRelative", "DotDotOld", "Widget", None),
                       stmt("FromRelative", "DotY", "Alias", None),
                       stmt("Assign", "Widget", "X")]),
            ("XY", [stmt("FromRelative", "Dot", "X", None),
                    stmt("FromRelative", "Dot", "Alias", None),
                    stmt("UseCall", "Alias")]),
            ("App", [stmt("From", "X", "X", None), stmt("From", "X", "Widget", None),
                     stmt("UseThrough", "X", "Widget"), stmt("UseKeyword", "Widget")]),
        ]),
        "star_cycle": tree([
            old_class,
            ("Init", [stmt("StarRelative", "DotA"), stmt("StarRelative", "DotX")]),
            ("A", [stmt("Star", "Pkg"), stmt("From", "Old", "Widget", None),
                   stmt("Assign", "Alias", "Widget"), stmt("All", ["Widget", "Alias"])]),
            ("XInit", [stmt("StarRelative", "DotDot"), stmt("Star", "X")]),
            ("App", [stmt("Star", "Pkg"), stmt("UseCall", "Alias"),
                     stmt("UseAnnotated", "A", "Widget")]),
        ]),
        "shim": tree([
            ("New", [stmt("Class")]),
            ("Old", [stmt("From", "New", "Widget", None), stmt("All", ["Widget"])]),
            ("BInit", [stmt("From", "Old", "Widget", "Widget"),
                       stmt("FromRelative", "DotDotOld", "Widget", "Alias")]),
            ("App", [stmt("From", "Old", "Widget", None), stmt("From", "B", "Alias", None),
                     stmt("UseKeyword", "Widget"), stmt("UseCall", "Alias")]),
        ]),
        "guarded_imports": tree([
            old_class, new_class,
            ("App", [stmt("Try", ("From", "New", "Widget", None), ("From", "Old", "Widget", None)),
                     stmt("TypeChecking", ("From", "Old", "Widget", "Alias")),
                     stmt("Try", ("Import", "Old"), ("NoneValue", "Old")),
                     stmt("UseAnnotated", "X", "Widget"), stmt("UseParameter", "Alias")]),
        ]),
        "paths_through_modules": tree([
            old_class,
            ("A", [stmt("Import", "Old"), stmt("AssignPath", "Alias", "Old", "Widget"),
                   stmt("ImportAs", "A", "A"), stmt("AssignAttribute", "B", "A", "Alias"),
                   stmt("ImportAs", "Old", "Json"),
                   stmt("AssignAttribute", "Json", "Json", "Widget")]),
            ("App", [stmt("Import", "A"), stmt("ImportAs", "A", "Y"), stmt("From", "A", "B", None),
                     stmt("UseThrough", "Y", "Alias"), stmt("UseCall", "B"),
                     stmt("Delete", "B"), stmt("UseCall", "B")]),
        ]),
        "broken_and_private": tree([
            ("Old", [stmt("ClassWithField"), stmt("Broken")]),
            ("A", [stmt("From", "Old", "Widget", "Private"), stmt("Star", "Old"),
                   stmt("AllExtend", ["Private"]), stmt("Broken")]),
            ("App", [stmt("Star", "A"), stmt("UseCall", "Private"), stmt("UseCall", "Widget"),
                     stmt("From", "Missing", "Widget", None), stmt("ClassNamed", "Alias")]),
        ]),
        "every_slot": tree([
            old_class, new_class,
            ("Init", [stmt("FromRelative", "DotOld", "Widget", None),
                      stmt("FromRelative", "Dot", "X", None),
                      stmt("AllTuple", ["Widget", "X"])]),
            ("XInit", [stmt("From", "Pkg", "Widget", "Alias"),
                       stmt("FromRelative", "DotY", "B", None)]),
            ("XY", [stmt("FromRelative", "DotDot", "X", None),
                    stmt("AssignAttribute", "B", "X", "Alias")]),
            ("A", [stmt("From", "B", "Widget", None), stmt("Star", "X")]),
            ("BInit", [stmt("From", "A", "Widget", None), stmt("From", "A", "Alias", "A")]),
            ("App", [stmt("From", "Pkg", "Widget", None), stmt("From", "B", "A", None),
                     stmt("UseCall", "A"), stmt("UseKeyword", "Widget")]),
        ]),
        "paths_subclasses_and_local_imports": tree([
            old_class, new_class,
            ("XY", [stmt("FromRelative", "DotDotOld", "Widget", None),
                    stmt("AnnotatedAssign", "Alias", "Widget"), stmt("Subclass", "B", "Alias")]),
            ("App", [stmt("Import", "XY"), stmt("UsePath", "XY", "Alias"),
                     stmt("UsePath", "Old", "Widget"),
                     stmt("UseLocalImport", "XY", "B"), stmt("UseLocalImport", "New", "Widget")]),
        ]),
    }


TRACEBACK = """Traceback (most recent call last):
  File "/app/netra_backend/app/services/report.py", line 5, in thread_of
    return cache[state]
           ~~~~~^^^^^^^
KeyError: <state>

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/app/netra_backend/app/services/report.py", line 7, in thread_of
    return state.thread_id
           ^^^^^^^^^^^^^^^
AttributeError: 'DeepAgentState' object has no attribute 'thread_id'. Did you mean: 'chat_thread_id'?
"""

GROUP = """  + Exception Group Traceback (most recent call last):
  |   File "/srv/app/main.py", line 9, in <module>
  |     raise ExceptionGroup("batch", errors)
  | ExceptionGroup: batch (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "/srv/app/agents/run.py", line 3, in run
    |     return state.thread_id
    | AttributeError: 'DeepAgentState' object has no attribute 'thread_id'
    | while running agent 7
    +---------------- 2 ----------------
    | Traceback (most recent call last):
    |   File "/srv/app/agents/load.py", line 1, in <module>
    | ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/srv/app/x.py)
    +------------------------------------
"""

PYTEST = """    def thread_of(state):
>       return state.thread_id
E       AttributeError: 'DeepAgentState' object has no attribute 'thread_id'

netra_backend/app/services/report.py:5: AttributeError
tests/test_a.py:1: in <module>
    from netra_backend.app.agents.state import DeepAgentState
E   ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/ci/state.py)
E   pydantic_core._pydantic_core.ValidationError: 1 validation error for DeepAgentState
E   thread_id
E     Extra inputs are not permitted [type=extra_forbidden, input_value=1, input_type=int]
"""

JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="0" tests="3"><testcase classname="" name="tests.test_b" file="tests/test_b.py"><error message="collection failure">Traceback:
tests/test_b.py:1: in &lt;module&gt;
    from netra_backend.app.agents.state import DeepAgentState
E   ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/ci/x.py)</error></testcase><testcase classname="tests.test_a" name="test_ok" /><testcase classname="tests.test_a.TestK" name="test_kw"><failure message="TypeError: x">    def test_kw(self):
&gt;       DeepAgentState(thread_id=1)
E       TypeError: DeepAgentState.__init__() got an unexpected keyword argument 'thread_id'

tests/test_a.py:11: TypeError</failure></testcase></testsuite></testsuites>
"""


def triage_input() -> dict[str, bytes]:
    prefixed = "".join(f"2026-12-02T10:00:0{i % 10}.123Z api-7f9c ERROR {line}\n"
                       for i, line in enumerate(TRACEBACK.splitlines()))
    json_lines = "".join(json.dumps({"log": line, "stream": "stderr"}) + "\n"
                         for line in TRACEBACK.splitlines(keepends=True))
    record = json.dumps({"level": "error", "exc_info": TRACEBACK}) + "\n"
    return {
        "traceback": TRACEBACK.encode(),
        "exception_group": GROUP.encode(),
        "pytest_report": PYTEST.encode(),
        "junit": JUNIT.encode(),
        "junit_xunit2": JUNIT.replace(' file="tests/test_b.py"', "").encode(),
        "prefixed_log": prefixed.encode(),
        "docker_json_log": json_lines.encode(),
        "escaped_record": record.encode(),
        "embedded_escape": ("worker-2 | failed: " + json.dumps({"error": TRACEBACK})).encode(),
    }


def main() -> None:
    for target, seeds in [
        ("check_source", check_source()),
        ("rule_toml", rule_toml()),
        ("rollback_history", rollback_history()),
        ("module_tree", module_tree()),
        ("triage_input", triage_input()),
    ]:
        folder = CORPUS / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in seeds.items():
            (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
