#!/usr/bin/env python3
"""Generate a synthetic Python back end shaped like the real one, for benchmarks.

    python3 scripts/gen_corpus.py OUT [--files 10000] [--seed 871]

The tree is deterministic for a given seed and file count:

* a package tree under ``netra_backend/app/...`` and ``tests/...`` with ``__init__.py`` files;
* the two class definitions (deprecated ``netra_backend/app/agents/state.py`` and SSOT
  ``netra_backend/app/schemas/agent_models.py``, copied from ``fixtures/backend``), a
  re-exporting ``schemas/registry.py`` and ``schemas/compat.py``, which re-exports the deprecated
  class under the aliases ``AgentState`` and ``LegacyAgentState``;
* about 5% of the modules use ``DeepAgentState`` through the import forms and access patterns the
  scanner knows (from-imports with and without alias, parenthesised lists, module imports,
  relative imports, star imports, function-local imports, try/except fallbacks, TYPE_CHECKING,
  re-exports, aliased re-exports used by files that never name the class; annotated parameters, constructors, class-returning methods, ``self.x``, mocks,
  getattr/hasattr, f-strings);
* the rest is ordinary Python of realistic size: classes, functions, docstrings, comments,
  long test modules of up to 500 KB.

The default 10,000 files come to about 150 MB.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURE = REPO_ROOT / "fixtures" / "backend"
DEFINITIONS = [
    "netra_backend/app/agents/state.py",
    "netra_backend/app/schemas/agent_models.py",
]
DEPRECATED = "netra_backend.app.agents.state"
SSOT = "netra_backend.app.schemas.agent_models"

AREAS = {
    "netra_backend/app/agents": ["supervisor", "triage", "data", "reporting", "actions", "tools", "synthetic"],
    "netra_backend/app/services": ["billing", "auth", "threads", "metrics", "cache", "llm", "storage"],
    "netra_backend/app/websocket_core": ["handlers", "routing", "auth", "events"],
    "netra_backend/app/routes": ["v1", "v2", "admin"],
    "netra_backend/app/db": ["models", "repositories", "migrations"],
    "netra_backend/app/core": ["config", "logging", "security", "utils"],
    "tests/unit": ["agents", "services", "routes", "db"],
    "tests/integration": ["agents", "websocket", "db"],
    "tests/e2e": ["flows"],
    "tests/mission_critical": ["events"],
}
WORDS = (
    "agent thread user request result plan step report cache store metric event socket route "
    "handler session token query record batch window score budget model prompt context payload "
    "message channel stream retry limit quota tenant account invoice audit trace span worker "
    "queue task job schedule pipeline stage filter index shard replica lease lock"
).split()


def ident(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def camel(rng: random.Random) -> str:
    return "".join(w.capitalize() for w in ident(rng, rng.randint(2, 3)).split("_"))


def function(rng: random.Random, indent: str, method: bool) -> str:
    """An ordinary function of 8-40 lines: assignments, branches, loops, calls, strings."""
    name = ident(rng, rng.randint(2, 3))
    params = ["self"] if method else []
    params += [f"{ident(rng, 1)}_{i}: {rng.choice(['int', 'str', 'dict', 'list', 'float'])}" for i in range(rng.randint(0, 4))]
    lines = [f"{indent}def {name}({', '.join(params)}) -> {rng.choice(['int', 'str', 'dict', 'None', 'bool'])}:"]
    body = indent + "    "
    lines.append(f'{body}"""{rng.choice(WORDS).capitalize()} the {rng.choice(WORDS)} for the {rng.choice(WORDS)} {rng.choice(WORDS)}."""')
    for _ in range(rng.randint(6, 36)):
        kind = rng.random()
        var = ident(rng, 2)
        if kind < 0.35:
            lines.append(f"{body}{var} = {ident(rng, 1)}.{ident(rng, 2)}({rng.randint(0, 999)}, key={ident(rng, 1)!r})")
        elif kind < 0.5:
            lines.append(f"{body}if {var} is not None and {ident(rng, 1)} > {rng.randint(0, 99)}:")
            lines.append(f"{body}    logger.info(\"%s {rng.choice(WORDS)} %d\", {var}, {rng.randint(0, 9)})")
        elif kind < 0.62:
            lines.append(f"{body}for {ident(rng, 1)} in range({rng.randint(1, 50)}):")
            lines.append(f"{body}    {var} = [{ident(rng, 1)} for {ident(rng, 1)} in {ident(rng, 1)}s if {ident(rng, 1)}]")
        elif kind < 0.75:
            lines.append(f"{body}# {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}")
        elif kind < 0.88:
            lines.append(f"{body}{var} = {{\"{rng.choice(WORDS)}\": {rng.randint(0, 9)}, \"{rng.choice(WORDS)}\": f\"{{{ident(rng, 1)}}}-{rng.choice(WORDS)}\"}}")
        else:
            lines.append(f"{body}self.{var} = {ident(rng, 1)}.{ident(rng, 1)}" if method else f"{body}{var} = None")
    lines.append(f"{body}return {rng.choice(['None', '0', repr(rng.choice(WORDS)), '{}', 'True'])}")
    return "\n".join(lines)


def filler(rng: random.Random, target_bytes: int) -> str:
    """Ordinary module content of about `target_bytes`."""
    out = [
        f'"""{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} support for the {rng.choice(WORDS)} layer."""',
        "",
        "import logging",
        "from typing import Any, Dict, List, Optional",
        "",
        "logger = logging.getLogger(__name__)",
        "",
    ]
    size = sum(len(line) + 1 for line in out)
    while size < target_bytes:
        if rng.random() < 0.4:
            block = [f"class {camel(rng)}:", f'    """{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}."""', ""]
            for _ in range(rng.randint(2, 8)):
                block.append(function(rng, "    ", True))
                block.append("")
            text = "\n".join(block)
        else:
            text = function(rng, "", False) + "\n"
        out.append(text)
        out.append("")
        size += len(text) + 2
    return "\n".join(out) + "\n"


def usage(rng: random.Random, module: str, is_test: bool, aliases: bool) -> str:
    """A block that uses DeepAgentState in one of the known forms (findings or clean)."""
    package = module.rsplit(".", 1)[0]
    depth = package.count(".")
    relative = "." * max(1, depth - 1) + "agents.state" if package.startswith("netra_backend.app.") else None
    forms = [
        f"from {DEPRECATED} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState) -> str:\n    return state.thread_id\n",
        f"from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState) -> str:\n    return f\"{{{{state.thread_id}}}}\"\n",
        f"from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState) -> str:\n    return state.chat_thread_id\n",
        f"from {DEPRECATED} import (\n    PlanStep,\n    DeepAgentState as LegacyState,\n)\n\n\ndef use_{{n}}(payload: dict) -> Any:\n    state = LegacyState(**payload)\n    return state.copy_with_updates(step_count=1).thread_id\n",
        f"import {DEPRECATED} as legacy_state\n\n\ndef use_{{n}}(payload: dict) -> Any:\n    return legacy_state.DeepAgentState(thread_id=payload.get('thread'))\n",
        f"from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(user: str) -> Any:\n    return DeepAgentState(user_request=user, thread_id='t', quality_metrics={{{{}}}})\n",
        f"try:\n    from {SSOT} import DeepAgentState\nexcept ImportError:\n    from {DEPRECATED} import DeepAgentState\n\n\ndef use_{{n}}(state: Optional[DeepAgentState]) -> Any:\n    return getattr(state, 'thread_id', None)\n",
        f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(state: \"DeepAgentState\") -> bool:\n    return hasattr(state, 'thread_id')\n",
        f"def use_{{n}}(payload: dict) -> Any:\n    from {DEPRECATED} import DeepAgentState\n\n    return DeepAgentState.model_validate(payload).thread_id\n",
        f"from {DEPRECATED} import *\n\n\ndef use_{{n}}(state: DeepAgentState) -> Any:\n    del state.thread_id\n",
        f"from netra_backend.app.schemas.registry import DeepAgentState\n\n\nclass Holder{{n}}:\n    def __init__(self, state: DeepAgentState) -> None:\n        self.state = state\n\n    def thread(self) -> str:\n        return self.state.thread_id\n",
        f"from {DEPRECATED} import OptimizationsResult\n\n\ndef use_{{n}}(result: OptimizationsResult, context: Any) -> Any:\n    return context.thread_id\n",
    ]
    if aliases:
        forms.append("from netra_backend.app.schemas.compat import AgentState\n\n\ndef use_{n}(state: AgentState) -> str:\n    return state.thread_id\n")
        forms.append("from netra_backend.app.schemas import compat\n\n\ndef use_{n}(payload: dict) -> Any:\n    return compat.LegacyAgentState(thread_id=payload.get('thread'))\n")
    if relative:
        forms.append(f"from {relative} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState | None) -> Any:\n    return state.thread_id if state else None\n")
    if is_test:
        forms.append(f"from unittest.mock import MagicMock\n\nfrom {SSOT} import DeepAgentState\n\n\ndef test_use_{{n}}() -> None:\n    state = MagicMock(spec=DeepAgentState)\n    state.thread_id = 'x'\n")
    return rng.choice(forms).replace("{n}", str(rng.randint(0, 99999)))


def file_size(rng: random.Random, is_test: bool) -> int:
    """Sizes skewed like a real code base: most modules small, a few test modules huge."""
    if is_test and rng.random() < 0.02:
        return rng.randint(200_000, 500_000)
    return int(min(120_000, rng.lognormvariate(8.8, 0.8)))


def generate(out: Path, files: int, seed: int, usage_share: float, aliases: bool = True) -> tuple[int, int]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "pyproject.toml").write_text("[tool.ssot-guard]\n")
    written = 0
    total = 0
    packages: set[Path] = set()

    def write(relative: str, text: str) -> None:
        nonlocal written, total
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(out).parents:
            if parent != Path(".") and parent not in packages:
                packages.add(parent)
                init = out / parent / "__init__.py"
                if not init.exists():
                    init.write_text("")
                    written += 1
        path.write_text(text)
        written += 1
        total += len(text.encode())

    for definition in DEFINITIONS:
        write(definition, (FIXTURE / definition).read_text())
    write("netra_backend/app/schemas/registry.py", f"from {SSOT} import DeepAgentState\n\n__all__ = ['DeepAgentState']\n")
    if aliases:
        write(
            "netra_backend/app/schemas/compat.py",
            f"from {DEPRECATED} import DeepAgentState as AgentState\n\n"
            "LegacyAgentState = AgentState\n\n__all__ = ['AgentState', 'LegacyAgentState']\n",
        )

    areas = sorted(AREAS.items())
    index = 0
    while written < files:
        base, subs = areas[index % len(areas)]
        sub = subs[(index // len(areas)) % len(subs)]
        is_test = base.startswith("tests")
        name = f"{'test_' if is_test else ''}{ident(rng, 2)}_{index}.py"
        relative = f"{base}/{sub}/{name}"
        module = relative[:-3].replace("/", ".")
        text = filler(rng, file_size(rng, is_test))
        if rng.random() < usage_share:
            text = usage(rng, module, is_test, aliases) + "\n\n" + text
        write(relative, text)
        index += 1
    return written, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to create (replaced if it exists)")
    parser.add_argument("--files", type=int, default=10_000, help="number of files (default 10000)")
    parser.add_argument("--seed", type=int, default=871, help="random seed (default 871)")
    parser.add_argument(
        "--usage-share",
        type=float,
        default=0.05,
        help="share of modules that use DeepAgentState (default 0.05)",
    )
    parser.add_argument(
        "--no-aliases",
        action="store_true",
        help="leave out schemas/compat.py and its users (a back end without aliased re-exports)",
    )
    args = parser.parse_args()
    written, total = generate(args.out, args.files, args.seed, args.usage_share, not args.no_aliases)
    print(f"{args.out}: {written} files, {total / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
