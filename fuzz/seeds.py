#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz targets into fuzz/corpus/<target>/.

    python3 fuzz/seeds.py

* check_source: every Python file of fixtures/backend, and generated inputs whose syntax trees
  are as deep or as wide as the file is long (attribute chains, `a + a + ...`, `a and a and ...`,
  `a < a < ...`, `f()()()...`, `x[0][0]...`, implicit string concatenation, lambdas in lambdas,
  chains of names), a few KB each: every pass over a tree must stay linear and recursion-free;
* rule_toml: the built-in rule, the fixture's pyproject.toml, and broken variants of both;
* rollback_history: a few git histories (migration, checkpoint, rename, merge, shim, uncommitted
  files), encoded the way the `arbitrary` crate (1.x) decodes `History` in
  fuzz_targets/rollback_history.rs. `cargo fuzz fmt rollback_history FILE` shows one decoded.
"""

from __future__ import annotations

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


def check_source() -> dict[str, bytes]:
    backend = ROOT / "fixtures" / "backend"
    seeds = {
        "_".join(path.relative_to(backend).parts): path.read_bytes()
        for path in sorted(backend.rglob("*.py"))
    }
    seeds.update({name: text.encode() for name, text in deep_inputs().items()})
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


def main() -> None:
    for target, seeds in [
        ("check_source", check_source()),
        ("rule_toml", rule_toml()),
        ("rollback_history", rollback_history()),
    ]:
        folder = CORPUS / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in seeds.items():
            (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
