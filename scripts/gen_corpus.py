#!/usr/bin/env python3
"""Generate a synthetic Python back end shaped like the real one, for benchmarks.

    python3 scripts/gen_corpus.py OUT [--files 10000] [--seed 871] [--shape real|legacy]
                                      [--usage-share 0.05] [--no-aliases] [--migrations 1|3]

The tree is deterministic for a given seed, file count and shape. Both shapes have:

* a package tree under ``netra_backend/app/...`` and ``tests/...`` (4 of its 10 areas are tests)
  with ``__init__.py`` files;
* the two class definitions (deprecated ``netra_backend/app/agents/state.py`` and SSOT
  ``netra_backend/app/schemas/agent_models.py``, copied from ``fixtures/backend``), a
  re-exporting ``schemas/registry.py`` and ``schemas/compat.py``, which re-exports the deprecated
  class under the aliases ``AgentState`` and ``LegacyAgentState`` (left out by ``--no-aliases``);
* about 5% of the modules (``--usage-share``) use ``DeepAgentState`` through the import forms and
  access patterns the scanner knows (from-imports with and without alias, parenthesised lists,
  module imports, relative imports, star imports, function-local imports, try/except fallbacks,
  TYPE_CHECKING, re-exports, aliased re-exports used by files that never name the class;
  annotated parameters, constructors, class-returning methods, ``self.x``, mocks,
  getattr/hasattr, f-strings);
* the rest is ordinary Python of realistic size (log-normal, median about 7 KB, at most 120 KB):
  classes, functions, docstrings, comments.

``--shape legacy`` (the corpus of earlier benchmarks, byte for byte) adds only test modules of
200 to 500 KB (2% of the test modules). ``--shape real`` (the default) is shaped like the real back
end whose 500 KB test module took 4.4 s (issue 11); on top of the common part:

* every test module is one ``unittest.TestCase`` class of many test methods;
* 3% of the test modules are big: 50 to 500 KB (log-uniform, mean about 200 KB). Of those,
  min(1, 6 x usage-share) (30% by default) use the class in 1 to 3 methods: an import at the top,
  ``self.state = DeepAgentState(...)`` in ``setUp`` and ``self.state.thread_id`` in 0 to 2 tests;
* of the test modules of ordinary size that use the class, half do so in the same way inside
  their test class, the other half through one of the common forms above;
* commented-out blocks: runs of 500 to 5,000 comment lines (log-uniform, mean about 2,000) at 8 to
  24 spaces inside a method or function, at its end (deeper than the next code line) or before
  its ``return``, in the style ``# REMOVED_SYNTAX_ERROR: <code>``, ``# <code>`` or ``#<code>``.
  40% of the big test modules have one or two, 1% of the other modules one; 30% of the blocks
  mention the class (``# REMOVED_SYNTAX_ERROR: from netra_backend.app.agents.state import
  DeepAgentState``, ``self.state = DeepAgentState()``, ``state.thread_id``), which must never
  give a finding;
* comment-heavy ordinary code: 20% of the modules open with a comment block of 5 to 30 lines and
  have a comment block of 1 to 6 lines above about a quarter of their lines;
* fixed files: ``tests/mission_critical/events/test_deep_agent_state_legacy.py``, a 500 KB test
  module with 3,000 commented-out lines at 12 spaces that mention the class, used in three
  methods (the file of the issue); and
  ``tests/unit/agents/test_commented_out_{1000,4000,16000}.py``, the quadratic family
  (``def f():`` / ``x = 1`` / N comment lines at 8 spaces / ``return x``) after an import of
  the class.

The default 10,000 files come to about 165 MB with either shape (commented-out blocks about 10% of
the bytes in the real shape).

``--migrations 3`` adds two more migrated classes, as a back end in the middle of three migrations
has them: ``AgentRegistry`` (deprecated ``netra_backend.app.agents.registry``, SSOT
``netra_backend.app.core.registry``, which lacks ``default_agent``) and ``ExecutionEngine``
(deprecated ``netra_backend.app.agents.execution_engine``, SSOT
``netra_backend.app.core.execution_engine``, which lacks ``timeout``): their four pydantic class
definitions, ``rules/agentregistry.toml``, ``rules/executionengine.toml`` and an
``ssot-guard.toml`` that names them (it takes precedence over ``pyproject.toml``, so the built-in
DeepAgentState rule and these two are loaded). Each class is used by about as many modules as
DeepAgentState: by 30% (min(1, 6 x usage-share)) of the modules that use DeepAgentState and of the
test modules of 50 KB or more, and by 0.6 x usage-share of the others, each class decided on its
own (so some modules use two classes or all three). A test module with a ``TestCase`` uses it in
setUp (``self.registry = AgentRegistry(..., default_agent=...)``) and 0 to 2 tests
(``self.registry.default_agent``) - always when it is 50 KB or more, otherwise half the time; other
modules get a block in one of the common forms (deprecated or SSOT from-imports, aliases, module
imports, relative, function-local and try/except imports, TYPE_CHECKING, constructor keywords,
reads of the missing member, getattr, mocks), sometimes one block that uses all their classes
together. These decisions draw on a random stream of their own, after each module is made: the
modules are those of the default tree (the last 4 give way to the class definitions), plus these
uses.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
from dataclasses import dataclass
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
    "netra_backend/app/agents": [
        "supervisor",
        "triage",
        "data",
        "reporting",
        "actions",
        "tools",
        "synthetic",
    ],
    "netra_backend/app/services": [
        "billing",
        "auth",
        "threads",
        "metrics",
        "cache",
        "llm",
        "storage",
    ],
    "netra_backend/app/websocket_core": ["handlers", "routing", "auth", "events"],
    "netra_backend/app/routes": ["v1", "v2", "admin"],
    "netra_backend/app/db": ["models", "repositories", "migrations"],
    "netra_backend/app/core": ["config", "logging", "security", "utils"],
    "tests/unit": ["agents", "services", "routes", "db"],
    "tests/integration": ["agents", "websocket", "db"],
    "tests/e2e": ["flows"],
    "tests/mission_critical": ["events"],
}
WORDS = (  # noqa: SIM905 - a sentence reads better than a column of 52 words
    "agent thread user request result plan step report cache store metric event socket route "
    "handler session token query record batch window score budget model prompt context payload "
    "message channel stream retry limit quota tenant account invoice audit trace span worker "
    "queue task job schedule pipeline stage filter index shard replica lease lock"
).split()


# A module of factories other modules call (they hold instances without naming the class).
FACTORY_MODULE = "netra_backend.app.factories.state_factory"

def ident(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def camel(rng: random.Random) -> str:
    return "".join(w.capitalize() for w in ident(rng, rng.randint(2, 3)).split("_"))


def function(rng: random.Random, indent: str, method: bool) -> str:
    """An ordinary function of 8-40 lines: assignments, branches, loops, calls, strings."""
    name = ident(rng, rng.randint(2, 3))
    params = ["self"] if method else []
    params += [
        f"{ident(rng, 1)}_{i}: {rng.choice(['int', 'str', 'dict', 'list', 'float'])}"
        for i in range(rng.randint(0, 4))
    ]
    lines = [
        f"{indent}def {name}({', '.join(params)}) -> {rng.choice(['int', 'str', 'dict', 'None', 'bool'])}:"
    ]
    body = indent + "    "
    lines.append(
        f'{body}"""{rng.choice(WORDS).capitalize()} the {rng.choice(WORDS)} for the {rng.choice(WORDS)} {rng.choice(WORDS)}."""'
    )
    for _ in range(rng.randint(6, 36)):
        kind = rng.random()
        var = ident(rng, 2)
        if kind < 0.35:
            lines.append(
                f"{body}{var} = {ident(rng, 1)}.{ident(rng, 2)}({rng.randint(0, 999)}, key={ident(rng, 1)!r})"
            )
        elif kind < 0.5:
            lines.append(f"{body}if {var} is not None and {ident(rng, 1)} > {rng.randint(0, 99)}:")
            lines.append(
                f'{body}    logger.info("%s {rng.choice(WORDS)} %d", {var}, {rng.randint(0, 9)})'
            )
        elif kind < 0.62:
            lines.append(f"{body}for {ident(rng, 1)} in range({rng.randint(1, 50)}):")
            lines.append(
                f"{body}    {var} = [{ident(rng, 1)} for {ident(rng, 1)} in {ident(rng, 1)}s if {ident(rng, 1)}]"
            )
        elif kind < 0.75:
            lines.append(
                f"{body}# {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}"
            )
        elif kind < 0.88:
            lines.append(
                f'{body}{var} = {{"{rng.choice(WORDS)}": {rng.randint(0, 9)}, "{rng.choice(WORDS)}": f"{{{ident(rng, 1)}}}-{rng.choice(WORDS)}"}}'
            )
        else:
            lines.append(
                f"{body}self.{var} = {ident(rng, 1)}.{ident(rng, 1)}"
                if method
                else f"{body}{var} = None"
            )
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
            block = [
                f"class {camel(rng)}:",
                f'    """{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}."""',
                "",
            ]
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
    relative = (
        "." * max(1, depth - 1) + "agents.state"
        if package.startswith("netra_backend.app.")
        else None
    )
    forms = [
        f"from {DEPRECATED} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState) -> str:\n    return state.thread_id\n",
        f'from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState) -> str:\n    return f"{{{{state.thread_id}}}}"\n',
        f"from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState) -> str:\n    return state.chat_thread_id\n",
        f"from {DEPRECATED} import (\n    PlanStep,\n    DeepAgentState as LegacyState,\n)\n\n\ndef use_{{n}}(payload: dict) -> Any:\n    state = LegacyState(**payload)\n    return state.copy_with_updates(step_count=1).thread_id\n",
        f"import {DEPRECATED} as legacy_state\n\n\ndef use_{{n}}(payload: dict) -> Any:\n    return legacy_state.DeepAgentState(thread_id=payload.get('thread'))\n",
        f"from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(user: str) -> Any:\n    return DeepAgentState(user_request=user, thread_id='t', quality_metrics={{{{}}}})\n",
        f"try:\n    from {SSOT} import DeepAgentState\nexcept ImportError:\n    from {DEPRECATED} import DeepAgentState\n\n\ndef use_{{n}}(state: Optional[DeepAgentState]) -> Any:\n    return getattr(state, 'thread_id', None)\n",
        f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from {SSOT} import DeepAgentState\n\n\ndef use_{{n}}(state: \"DeepAgentState\") -> bool:\n    return hasattr(state, 'thread_id')\n",
        f"def use_{{n}}(payload: dict) -> Any:\n    from {DEPRECATED} import DeepAgentState\n\n    return DeepAgentState.model_validate(payload).thread_id\n",
        f"from {DEPRECATED} import *\n\n\ndef use_{{n}}(state: DeepAgentState) -> Any:\n    del state.thread_id\n",
        "from netra_backend.app.schemas.registry import DeepAgentState\n\n\nclass Holder{n}:\n    def __init__(self, state: DeepAgentState) -> None:\n        self.state = state\n\n    def thread(self) -> str:\n        return self.state.thread_id\n",
        f"from {DEPRECATED} import OptimizationsResult\n\n\ndef use_{{n}}(result: OptimizationsResult, context: Any) -> Any:\n    return context.thread_id\n",
        # Instances the caller never names: a factory of another module, a helper method with a
        # return annotation, a class value.
        f"from {FACTORY_MODULE} import create_agent_state\n\n\ndef use_{{n}}(user: str) -> Any:\n    state = create_agent_state(user)\n    return state.thread_id\n",
        f"from {DEPRECATED} import DeepAgentState\n\n\nclass Flow{{n}}:\n    def _create_state(self, user: str) -> DeepAgentState:\n        return DeepAgentState(user_request=user)\n\n    def run(self, user: str) -> Any:\n        state = self._create_state(user)\n        return state.thread_id\n",
        f"from {SSOT} import DeepAgentState\n\nSTATE_CLASS = DeepAgentState\n\n\ndef use_{{n}}(cls: type[DeepAgentState] = STATE_CLASS) -> Any:\n    return cls(user_request='q').thread_id\n",
    ]
    if aliases:
        forms.append(
            "from netra_backend.app.schemas.compat import AgentState\n\n\ndef use_{n}(state: AgentState) -> str:\n    return state.thread_id\n"
        )
        forms.append(
            "from netra_backend.app.schemas import compat\n\n\ndef use_{n}(payload: dict) -> Any:\n    return compat.LegacyAgentState(thread_id=payload.get('thread'))\n"
        )
    if relative:
        forms.append(
            f"from {relative} import DeepAgentState\n\n\ndef use_{{n}}(state: DeepAgentState | None) -> Any:\n    return state.thread_id if state else None\n"
        )
    if is_test:
        forms.append(
            f"from unittest.mock import MagicMock\n\nfrom {SSOT} import DeepAgentState\n\n\ndef test_use_{{n}}() -> None:\n    state = MagicMock(spec=DeepAgentState)\n    state.thread_id = 'x'\n"
        )
        # A mock store: a spec'd mock written, then read in the same scope (no finding), and a
        # test helper returning the state.
        forms.append(
            f"from unittest.mock import Mock\n\nfrom {DEPRECATED} import DeepAgentState\n\n\ndef test_store_{{n}}() -> None:\n    state = Mock(spec=DeepAgentState)\n    state.thread_id = 'x'\n    assert state.thread_id == 'x'\n"
        )
    return rng.choice(forms).replace("{n}", str(rng.randint(0, 99999)))


def file_size(rng: random.Random, is_test: bool) -> int:
    """Sizes skewed like a real code base: most modules small, a few test modules huge."""
    if is_test and rng.random() < 0.02:
        return rng.randint(200_000, 500_000)
    return int(min(120_000, rng.lognormvariate(8.8, 0.8)))


SHAPES = ("real", "legacy")
# The issue's quadratic family: comment lines deeper than the code line after them.
QUADRATIC_SIZES = (1_000, 4_000, 16_000)
QUADRATIC_LINE = "        # comment line here with some text\n"
# How the deep inputs of tests/deep_inputs.rs and scripts/bench.py --deep start.
DEEP_HEAD = f"from {DEPRECATED} import DeepAgentState\n\ns = DeepAgentState()\n\n"
LEGACY_FILE = "tests/mission_critical/events/test_deep_agent_state_legacy.py"
# Lines of commented-out code that name the class (and, live, would give findings).
MENTIONS = [
    f"from {DEPRECATED} import DeepAgentState",
    f"from {SSOT} import DeepAgentState",
    "state = DeepAgentState(user_request='plan', thread_id='t-1')",
    "self.state = DeepAgentState()",
    "assert state.thread_id == 't-1'",
    "return DeepAgentState.model_validate(payload).thread_id",
]
COMMENT_STYLES = ["# REMOVED_SYNTAX_ERROR: ", "# ", "#"]


# --migrations 3: two more migrated classes. Each: the rule's id, symbol, deprecated and SSOT
# modules and issue; the member the SSOT class lacks and a value for it; the attribute a test
# class keeps it in; a member both classes have; the constructor keywords both accept.
@dataclass(frozen=True)
class Migration:
    id: str
    symbol: str
    deprecated: str
    ssot: str
    issue: str
    missing: str
    value: str
    attribute: str
    common: str
    keywords: str


MIGRATIONS = (
    Migration(
        "agentregistry",
        "AgentRegistry",
        "netra_backend.app.agents.registry",
        "netra_backend.app.core.registry",
        "#902",
        "default_agent",
        "'triage'",
        "registry",
        "agents",
        "agents={'triage': 'netra_backend.app.agents.triage'}, max_concurrent=4",
    ),
    Migration(
        "executionengine",
        "ExecutionEngine",
        "netra_backend.app.agents.execution_engine",
        "netra_backend.app.core.execution_engine",
        "#911",
        "timeout",
        "30.0",
        "engine",
        "max_steps",
        "max_steps=8, retry_limit=2",
    ),
)
MIGRATION_COUNTS = (1, 1 + len(MIGRATIONS))
CONFIG_FILE = "ssot-guard.toml"

REGISTRY_DEPRECATED = '''\
"""Deprecated agent registry; AgentRegistry moved to netra_backend.app.core.registry (issue #902)."""

import warnings
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field

warnings.warn(
    "netra_backend.app.agents.registry is deprecated; import AgentRegistry from "
    "netra_backend.app.core.registry instead",
    DeprecationWarning,
    stacklevel=2,
)


class AgentRegistry(BaseModel):
    """Deprecated: use netra_backend.app.core.registry.AgentRegistry."""

    agents: Dict[str, str] = Field(default_factory=dict)
    default_agent: str = "triage"
    fallback_agents: List[str] = Field(default_factory=list)
    max_concurrent: int = Field(default=8, ge=1)
    metadata: Dict[str, Any] = Field(default_factory=dict)

    def register(self, name: str, path: str) -> None:
        """Register the agent NAME, implemented at PATH."""
        self.agents[name] = path

    def get(self, name: Optional[str] = None) -> Optional[str]:
        """The agent NAME, or the default agent."""
        return self.agents.get(name or self.default_agent)

    def names(self) -> List[str]:
        """The registered agents, sorted."""
        return sorted(self.agents)
'''
REGISTRY_SSOT = '''\
"""SSOT agent registry: the single source of truth for AgentRegistry (issue #902)."""

from typing import Any, Dict, List, Optional

from pydantic import BaseModel, ConfigDict, Field


class AgentRegistry(BaseModel):
    """The agents a supervisor can route to; the caller names the agent (no default)."""

    model_config = ConfigDict(extra="forbid")

    agents: Dict[str, str] = Field(default_factory=dict)
    fallback_agents: List[str] = Field(default_factory=list)
    max_concurrent: int = Field(default=8, ge=1)
    metadata: Dict[str, Any] = Field(default_factory=dict)

    def register(self, name: str, path: str) -> None:
        """Register the agent NAME, implemented at PATH."""
        self.agents[name] = path

    def get(self, name: str) -> Optional[str]:
        """The agent NAME."""
        return self.agents.get(name)

    def names(self) -> List[str]:
        """The registered agents, sorted."""
        return sorted(self.agents)
'''
ENGINE_DEPRECATED = '''\
"""Deprecated execution engine; ExecutionEngine moved to netra_backend.app.core.execution_engine (issue #911)."""

import warnings
from typing import Any, Dict, List

from pydantic import BaseModel, Field

warnings.warn(
    "netra_backend.app.agents.execution_engine is deprecated; import ExecutionEngine from "
    "netra_backend.app.core.execution_engine instead",
    DeprecationWarning,
    stacklevel=2,
)


class ExecutionEngine(BaseModel):
    """Deprecated: use netra_backend.app.core.execution_engine.ExecutionEngine."""

    max_steps: int = Field(default=10, ge=1)
    timeout: float = 30.0
    retry_limit: int = Field(default=3, ge=0)
    tools: List[str] = Field(default_factory=list)
    context: Dict[str, Any] = Field(default_factory=dict)

    def run(self, plan: List[str]) -> List[str]:
        """The steps of PLAN this engine runs."""
        return plan[: self.max_steps]

    def with_tools(self, *tools: str) -> "ExecutionEngine":
        """A copy with TOOLS added."""
        return self.model_copy(update={"tools": [*self.tools, *tools]})
'''
ENGINE_SSOT = '''\
"""SSOT execution engine: the single source of truth for ExecutionEngine (issue #911)."""

from typing import Any, Dict, List

from pydantic import BaseModel, ConfigDict, Field


class ExecutionEngine(BaseModel):
    """Runs an agent's plan; deadlines belong to the request context now, not the engine."""

    model_config = ConfigDict(extra="forbid")

    max_steps: int = Field(default=10, ge=1)
    retry_limit: int = Field(default=3, ge=0)
    tools: List[str] = Field(default_factory=list)
    context: Dict[str, Any] = Field(default_factory=dict)

    def run(self, plan: List[str]) -> List[str]:
        """The steps of PLAN this engine runs."""
        return plan[: self.max_steps]

    def with_tools(self, *tools: str) -> "ExecutionEngine":
        """A copy with TOOLS added."""
        return self.model_copy(update={"tools": [*self.tools, *tools]})
'''
# The class definitions of MIGRATIONS, by path.
MIGRATION_DEFINITIONS = {
    "netra_backend/app/agents/registry.py": REGISTRY_DEPRECATED,
    "netra_backend/app/core/registry.py": REGISTRY_SSOT,
    "netra_backend/app/agents/execution_engine.py": ENGINE_DEPRECATED,
    "netra_backend/app/core/execution_engine.py": ENGINE_SSOT,
}


def rule_file(migration: Migration) -> str:
    """The rule of MIGRATION, as fixtures/three_migrations has it."""
    return (
        f'id = "{migration.id}"\nsymbol = "{migration.symbol}"\n'
        f'deprecated = ["{migration.deprecated}"]\nssot = "{migration.ssot}"\n'
        f'issue = "{migration.issue}"\n'
    )


def config_file() -> str:
    """ssot-guard.toml naming the rules of MIGRATIONS (the built-in rule is always loaded)."""
    rules = ", ".join(f'"rules/{migration.id}.toml"' for migration in MIGRATIONS)
    return (
        "# Three migrations at once: the built-in DeepAgentState rule and the project's two.\n"
        f"rules = [{rules}]\n"
    )


def uses_state(text: str) -> bool:
    """Whether TEXT names DeepAgentState (or an alias of it) outside comments."""
    return any(
        ("AgentState" in line or "LegacyState" in line) and not line.lstrip().startswith("#")
        for line in text.split("\n")
    )


def migration_import(rng: random.Random, m: Migration) -> tuple[str, str]:
    """An import of M's class for a test module, and the name it binds."""
    return rng.choice(
        [
            (f"from {m.deprecated} import {m.symbol}", m.symbol),
            (f"from {m.ssot} import {m.symbol}", m.symbol),
            (f"from {m.deprecated} import {m.symbol} as Legacy{m.symbol}", f"Legacy{m.symbol}"),
        ]
    )


def migration_usage(rng: random.Random, m: Migration, module: str, is_test: bool) -> str:
    """A block that uses M's class in one of the common forms (findings or clean)."""
    s, d, o, v, x, k = m.symbol, m.deprecated, m.ssot, m.attribute, m.missing, m.keywords
    package = module.rsplit(".", 1)[0]
    relative = (
        "." * max(1, package.count(".") - 1) + d.split(".", 2)[2]
        if package.startswith("netra_backend.app.")
        else None
    )
    forms = [
        f"from {d} import {s}\n\n\ndef use_{{n}}({v}: {s}) -> Any:\n    return {v}.{x}\n",
        f"from {o} import {s}\n\n\ndef use_{{n}}({v}: {s}) -> Any:\n    return {v}.{x}\n",
        f'from {o} import {s}\n\n\ndef use_{{n}}({v}: {s}) -> str:\n    return f"{{{v}.{m.common}}}"\n',
        f"from {o} import {s}\n\n\ndef make_{{n}}() -> {s}:\n    return {s}({k}, {x}={m.value})\n",
        f"from {o} import {s}\n\n\ndef make_{{n}}() -> {s}:\n    return {s}({k})\n",
        f"from {d} import (\n    {s} as Legacy{s},\n)\n\n\ndef use_{{n}}(payload: dict) -> Any:\n    {v} = Legacy{s}(**payload)\n    return {v}.{x}\n",
        f"import {d} as legacy_{v}\n\n\ndef use_{{n}}() -> Any:\n    return legacy_{v}.{s}({x}={m.value})\n",
        f"try:\n    from {o} import {s}\nexcept ImportError:\n    from {d} import {s}\n\n\ndef use_{{n}}({v}: Optional[{s}]) -> Any:\n    return getattr({v}, '{x}', None)\n",
        f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from {o} import {s}\n\n\ndef use_{{n}}({v}: \"{s}\") -> bool:\n    return hasattr({v}, '{x}')\n",
        f"def use_{{n}}(payload: dict) -> Any:\n    from {d} import {s}\n\n    return {s}.model_validate(payload).{x}\n",
        f"from {o} import {s}\n\n\nclass {s}Holder{{n}}:\n    def __init__(self) -> None:\n        self.{v} = {s}({k})\n\n    def current(self) -> Any:\n        return self.{v}.{x}\n",
    ]
    if relative:
        forms.append(
            f"from {relative} import {s}\n\n\ndef use_{{n}}({v}: {s} | None) -> Any:\n    return {v}.{x} if {v} else None\n"
        )
    if is_test:
        forms.append(
            f"from unittest.mock import MagicMock\n\nfrom {o} import {s}\n\n\ndef test_use_{{n}}() -> None:\n    {v} = MagicMock(spec={s})\n    {v}.{x} = {m.value}\n"
        )
    return rng.choice(forms).replace("{n}", str(rng.randint(0, 99999)))


def together_usage(rng: random.Random, used: list[Migration], state: bool) -> str:
    """One block that imports the classes of USED (and DeepAgentState if STATE) and uses them
    in one function."""
    imports, params, reads = [], [], []
    if state:
        imports.append(f"from {rng.choice([DEPRECATED, SSOT])} import DeepAgentState")
        params.append("state: DeepAgentState")
        reads.append("{state.thread_id}")
    for m in used:
        imports.append(f"from {rng.choice([m.deprecated, m.ssot])} import {m.symbol}")
        if rng.random() < 0.5:
            params.append(f"{m.attribute}: {m.symbol}")
            reads.append(f"{{{m.attribute}.{m.missing}}}")
        else:
            reads.append(f"{{{m.symbol}({m.missing}={m.value}).{m.common}}}")
    return (
        "\n".join(sorted(imports))
        + f"\n\n\ndef run_{rng.randint(0, 99999)}({', '.join(params)}) -> str:\n"
        + f'    return f"{" ".join(reads)}"\n'
    )


def weave(rng: random.Random, text: str, m: Migration) -> str:
    """TEXT, a test module of one TestCase, using M's class as test_module uses DeepAgentState:
    imported at the top, constructed in setUp and read in 0 to 2 tests."""
    lines = text.split("\n")
    head = lines.index("from unittest import mock")
    setup = lines.index("    def setUp(self) -> None:")
    tests = [i for i, line in enumerate(lines) if line.startswith("    def test_")]
    statement, name = migration_import(rng, m)
    keywords = m.keywords + (f", {m.missing}={m.value}" if rng.random() < 0.5 else "")
    inserts = {
        head + 1: [statement],
        setup + 2: [f"        self.{m.attribute} = {name}({keywords})"],
    }
    read = rng.choice(
        [
            f"        self.assertEqual(self.{m.attribute}.{m.missing}, {m.value})",
            f"        value = self.{m.attribute}.{m.missing} or {m.value}",
        ]
    )
    for index in rng.sample(tests, min(len(tests), rng.randint(0, 2))):
        inserts.setdefault(index + 2, []).append(read)
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(inserts.get(index, []))
        out.append(line)
    return "\n".join(out)


def migration_uses(
    rng: random.Random, text: str, module: str, is_test: bool, usage_share: float
) -> str:
    """TEXT with uses of the classes of MIGRATIONS: see the docstring at the top."""
    big = is_test and len(text) >= 50_000
    state = uses_state(text)
    share = min(1.0, 6 * usage_share) if state or big else 0.6 * usage_share
    used = [m for m in MIGRATIONS if rng.random() < share]
    if not used:
        return text
    test_case = "(unittest.TestCase):\n" in text and "\n    def setUp(self) -> None:\n" in text
    blocks: list[Migration] = []
    for m in used:
        if test_case and (big or rng.random() < 0.5):
            text = weave(rng, text, m)
        else:
            blocks.append(m)
    if blocks and len(blocks) + state >= 2 and rng.random() < 0.5:
        return together_usage(rng, blocks, state) + "\n\n" + text
    for m in blocks:
        text = migration_usage(rng, m, module, is_test) + "\n\n" + text
    return text


def quadratic_source(lines: int) -> str:
    """The quadratic case of tree-sitter-python's scanner, after an import of the class."""
    return DEEP_HEAD + "def f():\n    x = 1\n" + QUADRATIC_LINE * lines + "    return x\n"


def words(rng: random.Random, low: int = 4, high: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def with_comments(rng: random.Random, text: str, share: float) -> str:
    """TEXT with a block of 1-6 comment lines above about SHARE of its lines after the first,
    at the indentation of the line below."""
    lines = text.split("\n")
    out = lines[:1]
    for line in lines[1:]:
        if rng.random() < share:
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(f"{indent}# {words(rng)}" for _ in range(rng.randint(1, 6)))
        out.append(line)
    return "\n".join(out)


def block_lines(rng: random.Random) -> int:
    """Lines in a commented-out block: 500 to 5,000, log-uniform."""
    return int(math.exp(rng.uniform(math.log(500), math.log(5_000))))


def commented_out(
    rng: random.Random, indent: str, count: int, mentions: bool, style: str | None = None
) -> list[str]:
    """COUNT lines of commented-out code at INDENT, each after STYLE (one of COMMENT_STYLES by
    default); some name the class if MENTIONS."""
    style = style or rng.choice(COMMENT_STYLES)
    code: list[str] = []
    while len(code) < count:
        code.extend(function(rng, "", rng.random() < 0.5).split("\n"))
    code = code[:count]
    if mentions:
        code[0] = MENTIONS[0]
        for _ in range(max(1, count // 150)):
            code[rng.randrange(count)] = rng.choice(MENTIONS)
    return [f"{indent}{style}{line}".rstrip() for line in code]


def embed_block(rng: random.Random, text: str, block: list[str]) -> str:
    """A function or method TEXT with BLOCK after its last line or before its return."""
    lines = text.split("\n")
    at = len(lines) if rng.random() < 0.6 else len(lines) - 1
    return "\n".join(lines[:at] + block + lines[at:])


def new_block(rng: random.Random, lines: int | None = None) -> list[str]:
    """A commented-out block at 8 to 24 spaces, mentioning the class in 30% of the cases."""
    indent = " " * rng.choice([8, 12, 16, 20, 24])
    return commented_out(rng, indent, lines or block_lines(rng), rng.random() < 0.3)


def comment_heavy_header(rng: random.Random) -> list[str]:
    return [f"# {words(rng)}" for _ in range(rng.randint(5, 30))] + [""]


def real_filler(
    rng: random.Random, target_bytes: int, comments: float, block: list[str] | None
) -> str:
    """Ordinary module content of about TARGET_BYTES, with comment blocks above a COMMENTS share
    of the lines and BLOCK (commented-out code) inside one function or method."""
    out = comment_heavy_header(rng) if comments else []
    out += [
        (
            f'"""{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} support for the '
            f'{rng.choice(WORDS)} layer."""'
        ),
        "",
        "import logging",
        "from typing import Any, Dict, List, Optional",
        "",
        "logger = logging.getLogger(__name__)",
        "",
    ]
    size = sum(len(line) + 1 for line in out)
    embed_at = rng.uniform(0, target_bytes) if block else None
    while size < target_bytes or block:
        embed = block is not None and embed_at is not None and size >= embed_at
        if rng.random() < 0.4:
            methods = [
                with_comments(rng, function(rng, "    ", True), comments)
                for _ in range(rng.randint(2, 8))
            ]
            if embed:
                index = rng.randrange(len(methods))
                methods[index] = embed_block(rng, methods[index], block)
            block_text = [
                f"class {camel(rng)}:",
                f'    """{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}."""',
                "",
            ]
            for method in methods:
                block_text += [method, ""]
            text = "\n".join(block_text)
        else:
            text = with_comments(rng, function(rng, "", False), comments)
            if embed:
                text = embed_block(rng, text, block)
            text += "\n"
        if embed:
            block = None
        out.append(text)
        out.append("")
        size += len(text) + 2
    return "\n".join(out) + "\n"


def test_use(rng: random.Random, aliases: bool) -> tuple[str, str]:
    """An import of the class for a test module, and the name it binds."""
    choices = [
        (f"from {DEPRECATED} import DeepAgentState", "DeepAgentState"),
        (f"from {SSOT} import DeepAgentState", "DeepAgentState"),
        (f"from {DEPRECATED} import DeepAgentState as LegacyState", "LegacyState"),
    ]
    if aliases:
        choices.append(("from netra_backend.app.schemas.compat import AgentState", "AgentState"))
    return rng.choice(choices)


def test_module(
    rng: random.Random,
    target_bytes: int,
    comments: float,
    use: tuple[str, str] | None,
    blocks: list[list[str]],
    uses: int = 0,
) -> str:
    """One unittest.TestCase class of about TARGET_BYTES (the blocks included). USE (import, name)
    makes setUp construct the class and USES - 1 (0 to 2 when not given) tests read
    ``self.state.thread_id``; each of BLOCKS goes into another method."""
    head = comment_heavy_header(rng) if comments else []
    head += [
        (
            f'"""Tests for the {rng.choice(WORDS)} {rng.choice(WORDS)} of the '
            f'{rng.choice(WORDS)} layer."""'
        ),
        "",
        "import unittest",
        "from typing import Any",
        "from unittest import mock",
    ]
    if use:
        head += ["", use[0]]
    thread = f"t-{rng.randint(0, 9999)}"
    setup = [
        "    def setUp(self) -> None:",
        f"        self.client = mock.MagicMock(name={ident(rng, 1)!r})",
    ]
    setup.append(f"        self.{ident(rng, 2)} = {{{rng.choice(WORDS)!r}: {rng.randint(0, 99)}}}")
    if use:
        request = rng.choice(WORDS)
        setup.append(
            f"        self.state = {use[1]}(user_request={request!r}, thread_id={thread!r})"
        )
    head += [
        "",
        "",
        f"class Test{camel(rng)}(unittest.TestCase):",
        f'    """{words(rng, 3, 8).capitalize()}."""',
        "",
        "\n".join(setup),
        "",
    ]
    methods: list[str] = []
    size = sum(len(line) + 1 for line in head) + sum(
        len(line) + 1 for block in blocks for line in block
    )
    while size < target_bytes or len(methods) < len(blocks) + 2:
        method = with_comments(rng, function(rng, "    ", True), comments).replace(
            "    def ", "    def test_", 1
        )
        methods.append(method)
        size += len(method) + 2
    if use:
        readers = rng.sample(
            range(len(methods)), min(len(methods), (uses or rng.randint(1, 3)) - 1)
        )
        for index in readers:
            lines = methods[index].split("\n")
            reads = rng.choice(
                [
                    "self.assertEqual(self.state.thread_id, {!r})",
                    "thread = self.state.thread_id or {!r}",
                ]
            )
            methods[index] = "\n".join([*lines[:2], "        " + reads.format(thread), *lines[2:]])
    for block, index in zip(blocks, rng.sample(range(len(methods)), len(blocks))):
        methods[index] = embed_block(rng, methods[index], block)
    return (
        "\n".join(head)
        + "\n"
        + "\n\n".join(methods)
        + '\n\n\nif __name__ == "__main__":\n    unittest.main()\n'
    )


def real_module(
    rng: random.Random, module: str, is_test: bool, usage_share: float, aliases: bool
) -> str:
    """A module of the real shape: see the docstring at the top for the proportions."""
    comments = 0.25 if rng.random() < 0.2 else 0.0
    if is_test and rng.random() < 0.03:
        target = int(math.exp(rng.uniform(math.log(50_000), math.log(500_000))))
        blocks = [new_block(rng) for _ in range(rng.randint(1, 2))] if rng.random() < 0.4 else []
        for block in blocks:
            del block[max(500, int(0.35 * target / (len(block[0]) + 1))) :]
        use = test_use(rng, aliases) if rng.random() < min(1.0, 6 * usage_share) else None
        return test_module(rng, target, comments, use, blocks)
    target = int(min(120_000, rng.lognormvariate(8.8, 0.8)))
    block = new_block(rng) if rng.random() < 0.01 else None
    uses = rng.random() < usage_share
    if is_test:
        woven = uses and rng.random() < 0.5
        text = test_module(
            rng,
            target,
            comments,
            test_use(rng, aliases) if woven else None,
            [block] if block else [],
        )
        uses = uses and not woven
    else:
        text = real_filler(rng, target, comments, block)
    if uses:
        text = usage(rng, module, is_test, aliases) + "\n\n" + text
    return text


def generate(
    out: Path,
    files: int,
    seed: int,
    usage_share: float,
    aliases: bool = True,
    shape: str = "real",
    migrations: int = 1,
) -> tuple[int, int]:
    rng = random.Random(seed)
    # The uses of MIGRATIONS draw on a stream of their own: the modules stay those of one migration.
    extra = random.Random(f"{seed}-migrations") if migrations > 1 else None
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
    write(
        "netra_backend/app/schemas/registry.py",
        f"from {SSOT} import DeepAgentState\n\n__all__ = ['DeepAgentState']\n",
    )
    write(
        FACTORY_MODULE.replace(".", "/") + ".py",
        f"from {DEPRECATED} import DeepAgentState\n\n\n"
        "def create_agent_state(user: str) -> DeepAgentState:\n"
        "    return DeepAgentState(user_request=user)\n",
    )
    if aliases:
        write(
            "netra_backend/app/schemas/compat.py",
            f"from {DEPRECATED} import DeepAgentState as AgentState\n\n"
            "LegacyAgentState = AgentState\n\n__all__ = ['AgentState', 'LegacyAgentState']\n",
        )
    if extra is not None:
        for definition, text in MIGRATION_DEFINITIONS.items():
            write(definition, text)
        (out / "rules").mkdir()
        for migration in MIGRATIONS:
            (out / "rules" / f"{migration.id}.toml").write_text(rule_file(migration))
        (out / CONFIG_FILE).write_text(config_file())
    if shape == "real":
        block = commented_out(rng, " " * 12, 3_000, True, COMMENT_STYLES[0])
        use = (f"from {DEPRECATED} import DeepAgentState", "DeepAgentState")
        write(LEGACY_FILE, test_module(rng, 500_000, 0.0, use, [block], uses=3))
        for lines in QUADRATIC_SIZES:
            write(f"tests/unit/agents/test_commented_out_{lines}.py", quadratic_source(lines))

    areas = sorted(AREAS.items())
    index = 0
    while written < files:
        base, subs = areas[index % len(areas)]
        sub = subs[(index // len(areas)) % len(subs)]
        is_test = base.startswith("tests")
        name = f"{'test_' if is_test else ''}{ident(rng, 2)}_{index}.py"
        relative = f"{base}/{sub}/{name}"
        module = relative[:-3].replace("/", ".")
        if shape == "real":
            text = real_module(rng, module, is_test, usage_share, aliases)
        else:
            text = filler(rng, file_size(rng, is_test))
            if rng.random() < usage_share:
                text = usage(rng, module, is_test, aliases) + "\n\n" + text
        if extra is not None:
            text = migration_uses(extra, text, module, is_test, usage_share)
        write(relative, text)
        index += 1
    return written, total


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
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
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="real",
        help="real: commented-out blocks, big test classes, comment-heavy code and the quadratic "
        "family (default); legacy: the corpus of earlier benchmarks, byte for byte",
    )
    parser.add_argument(
        "--migrations",
        type=int,
        choices=MIGRATION_COUNTS,
        default=1,
        help="3: also AgentRegistry and ExecutionEngine, their class definitions, rule files and "
        "an ssot-guard.toml naming them (default: 1, DeepAgentState only)",
    )
    args = parser.parse_args()
    written, total = generate(
        args.out,
        args.files,
        args.seed,
        args.usage_share,
        not args.no_aliases,
        args.shape,
        args.migrations,
    )
    print(f"{args.out}: {written} files, {total / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
