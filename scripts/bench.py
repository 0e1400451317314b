#!/usr/bin/env python3
"""Compare the wall time and peak memory of ssot-guard, ripgrep and ruff, and show where
ssot-guard's time goes.

    python3 scripts/bench.py [--runs 5] [--deep] [--markdown FILE] [--json FILE]
                             [--migration-runs 15] [--migrations-only]

Each tool looks for the banned ``DeepAgentState`` class in the same trees:

* ``ssot-guard check TREE --format json --exit-zero --stats`` (and the same with
  ``--no-prefilter``: every file parsed whole, the speed of the checks themselves);
* ``rg -l DeepAgentState -g '!site-packages' TREE``;
* ``ruff check --isolated --no-cache --select TID251 --exit-zero`` with the class banned through
  ``--config``.

The trees: the standard library of the interpreter running this script (or the ``--tree``
folders), the back end of ``scripts/gen_corpus.py`` (real shape, 10,000 files) with and without
aliased re-exports (``--no-aliases``), and the sdists of django and sqlalchemy (real public code,
pinned in REAL_PACKAGES, unpacked under ``target/bench-real``: no findings expected, and a
finding there fails the run). ``--no-real`` and ``--corpus 0`` leave trees out.

Per tree: median wall time and peak RSS of each tool, ssot-guard's ratios to ``rg`` and ruff
measured in the same run, and what ``--stats`` tells of each measured run (bytes read, bytes
handed to tree-sitter, files checked and parsed whole, alias rounds, and the slowest file with
its time: median over the runs). The report of the warm-up run is kept in ``target/bench-out``;
the reports with and without ``--no-prefilter`` must be byte-identical (a difference fails the
run). ``--no-prefilter`` gives the MB/s of source per core, both as the tree's bytes per second
of wall time divided by the cores and as its bytes per second of CPU time (the second moves less
when other work shares the machine).

Three migrations at once: on the back end of ``gen_corpus.py --migrations 3`` (DeepAgentState,
AgentRegistry and ExecutionEngine; its ``ssot-guard.toml`` loads the two extra rules, in
``target/bench-corpus-three``), ``check --migration deepagentstate`` (one rule) against plain
``check`` (all three), next to ``rg -l`` with the one name and with the three, and ruff banning
the one class and the three. After a warm-up run of each, ``--migration-runs`` rounds (15 by
default) run every one of these once, in turn and in the reverse order every other round, so the
two scans run side by side under the same load; medians, min and max, the ratio three / one of the
medians and of each round, the findings of each migration (from ``migration`` in the report, or its
``symbol`` in report version 1: every migration must have some) and whether the one-rule findings
are the three-rule scan's DeepAgentState findings; one run with ``--no-prefilter`` must give the
same three-rule report. ``--migrations-only`` measures only this.

``check --staged`` is measured in a git repository of the generated back end with its 500 KB
commented-out test module staged (median of ``--staged-runs``, 20 by default; ``--no-staged``
skips it). ``--deep`` adds the deep inputs of tests/deep_inputs.rs at 10,000 and 100,000 terms
and the commented-out-lines family at 1,000, 4,000 and 16,000 lines, each timed as
``ssot-guard check FILE --format json --exit-zero``: linear time means a ratio of about 10 (16).
``--no-trees`` measures only those.

The tools run one after the other (never concurrently): one warm-up run and then ``--runs``
measured runs each. Wall time is taken with ``time.perf_counter`` around the whole process, peak
RSS and CPU time (user and system, all threads) from ``os.wait4``. ``rg`` and ``ruff`` come from PyPI (packages ``ripgrep`` and ``ruff``),
installed into a private virtual environment in ``target/bench-venv`` on first use; the sdists
are downloaded with that environment's pip.

Linux carries a parent's resident memory over into its child's ``ru_maxrss`` (through fork/vfork
and exec), so a tool started straight from this script could never look smaller than this script
(about 17 MiB), which hides rg's real peak. Each run is therefore started by RUNNER, a bare
``python3 -I -S`` that forks, execs the tool and reports wall time, peak RSS and exit code. The
floor that remains (about 5 MiB and 2 ms for a fork of that small process and an exec of
/bin/true) is measured and printed, and so is the load average: other work on the machine slows
every tool alike, so compare the ratios of one run rather than times of different days.

At the end the tables are printed as markdown (``--markdown FILE`` also writes them), with the
targets of issue 11 and whether this run meets them. The script exits non-zero when a tool (or
the build) fails to run, when a report differs from ``--no-prefilter``'s or when real code gets
a finding.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import gen_corpus

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET = REPO_ROOT / "target"
DEFAULT_SSOT_GUARD = TARGET / "release" / "ssot-guard"
VENV_DIR = TARGET / "bench-venv"
CORPUS_DIR = TARGET / "bench-corpus"
NO_ALIASES_DIR = TARGET / "bench-corpus-no-aliases"
THREE_DIR = TARGET / "bench-corpus-three"
REAL_DIR = TARGET / "bench-real"
STAGED_DIR = TARGET / "bench-staged"
DEEP_DIR = TARGET / "bench-deep"
OUT_DIR = TARGET / "bench-out"
EXCLUDED_DIR = "site-packages"
BANNED_CLASS = "netra_backend.app.agents.state.DeepAgentState"
BANNED_MSG = "use netra_backend.app.schemas.agent_models"
SEARCH_WORD = BANNED_CLASS.rsplit(".", 1)[1]
NO_PREFILTER = "no-prefilter"
# The three migrations of `gen_corpus.py --migrations 3`: the built-in rule and the two of its
# ssot-guard.toml, by rule id: (banned class, its SSOT module). The one-rule scan checks the first.
THREE_MIGRATIONS = {
    "deepagentstate": (BANNED_CLASS, "netra_backend.app.schemas.agent_models"),
    **{m.id: (f"{m.deprecated}.{m.symbol}", m.ssot) for m in gen_corpus.MIGRATIONS},
}
ONE_RULE, THREE_RULES = "one rule", "three rules"
# The tools of the three-migration section, in the order of a repetition: each of ssot-guard's
# two scans next to rg and ruff looking for the same classes.
THREE_TOOLS = (
    ONE_RULE,
    THREE_RULES,
    "rg, one name",
    "rg, three names",
    "ruff, one ban",
    "ruff, three bans",
)
# The target: three rules cost at most this times one.
TARGET_THREE = 1.3
CORPUS_SEED = 871
# Real public code, pinned so that figures can be compared from run to run. Only these are
# fetched as sdists (--no-binary NAMES): with --no-binary :all: pip also builds every build
# dependency from source to read the metadata (7 minutes instead of 30 seconds).
REAL_PACKAGES = ("django==5.2.19", "sqlalchemy==2.1.9")
# A program that does nothing: its wall time and peak RSS are the floor of
# the measurement (fork, exec and exit of a tiny process).
NOOP = "/bin/true"
# Exit codes that mean "ran fine": rg exits 1 when nothing matches; ruff and
# ssot-guard exit 0 with --exit-zero. Anything else (>= 2, or a signal) fails.
OK_EXIT_CODES = (0, 1)
# Run by `python3 -I -S -c RUNNER OUT TOOL ARGS...`: fork, exec TOOL with stdout to the file OUT
# (stderr is kept), wait; print "wall_s maxrss_kib exit cpu_s" (user + system time).
RUNNER = """
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
stdout = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(stdout, 1)
        os.execv(argv[0], argv)
    except OSError as error:
        os.write(2, f"cannot run {argv[0]}: {error}\\n".encode())
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
print(wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status), cpu)
"""
# The lines of `check --stats` (src/stats.rs), by label.
STATS_COUNT = re.compile(
    r"^(\d+) (files|reads|bytes read|files checked|files parsed whole|bytes parsed|alias rounds)$"
)
STATS_SLOWEST = re.compile(r"^([\d.]+) ms slowest file: (.*)$")
# The targets of issue 11.
TARGET_RG, TARGET_RUFF, TARGET_RSS_MIB = 1.5, 0.1, 150
TARGET_SLOWEST_MS, TARGET_MBPS_CORE, TARGET_STAGED_MS = 30, 15, 50
# Growth counted as linear: at most this times the growth of the input.
LINEAR_SLACK = 1.5
DEEP_SIZES = (10_000, 100_000)
COMMENTED_SIZES = gen_corpus.QUADRATIC_SIZES


def operators(operator: str):
    return lambda n: "x = " + operator.join(["s.thread_id"] * n) + "\n"


def names_through_the_module(n: int) -> str:
    names = "".join(f"a{i} = a{i + 1}\n" for i in range(n))
    return names + f"a{n} = DeepAgentState\na0().thread_id\n"


# The deep inputs of tests/deep_inputs.rs: a family's name, and its body for N terms.
DEEP_FAMILIES = {
    "attribute chain `s.a.a…thread_id`": lambda n: f"def f():\n    return s{'.a' * n}.thread_id\n",
    "`x = s.thread_id + s.thread_id + …`": operators(" + "),
    "`s.thread_id and s.thread_id and …`": operators(" and "),
    "`s.thread_id < s.thread_id < …`": operators(" < "),
    "calls `s.thread_id()()()…`": lambda n: "x = s.thread_id" + "()" * n + "\n",
    "subscripts `s.thread_id[0][0]…`": lambda n: "x = s.thread_id" + "[0]" * n + "\n",
    "parentheses `((…s.thread_id…))`": lambda n: "x = " + "(" * n + "s.thread_id" + ")" * n + "\n",
    "implicit string concatenation": lambda n: "x = (\n" + '    "abc"\n' * n + ") or s.thread_id\n",
    "lambdas in lambdas": lambda n: "x = " + "lambda: " * n + "s.thread_id\n",
    "names through the module `a0 = a1` …": names_through_the_module,
}


@dataclass
class TreeStats:
    """Size of a tree, leaving out site-packages directories."""

    py_files: int = 0
    py_bytes: int = 0
    all_files: int = 0
    all_bytes: int = 0


@dataclass
class Tree:
    """A tree to measure: what to call it, where it is, and whether it must be clean."""

    label: str
    path: Path
    clean: bool = False


@dataclass
class Run:
    """One measured process: wall time, peak RSS, how it ended, what it wrote to stderr and its
    CPU time (user and system, all threads)."""

    wall_s: float
    maxrss_kib: int
    exit_code: int
    stderr: str
    cpu_s: float = 0.0

    def stats(self) -> dict:
        """The lines of ``--stats`` in stderr, by label ({} without them)."""
        out: dict = {}
        for line in self.stderr.splitlines():
            if match := STATS_COUNT.match(line):
                out[match[2]] = int(match[1])
            elif match := STATS_SLOWEST.match(line):
                out["slowest ms"], out["slowest file"] = float(match[1]), match[2]
        return out


@dataclass
class ToolResult:
    """All measured runs of one tool on one tree, and the report of its warm-up run."""

    name: str
    argv: list[str]
    runs: list[Run] = field(default_factory=list)
    failure: Run | None = None
    report: Path | None = None

    def wall_ms(self) -> list[float]:
        """Wall times of the measured runs, in milliseconds."""
        return [run.wall_s * 1000 for run in self.runs]

    def median_ms(self) -> float:
        return statistics.median(self.wall_ms())

    def cpu_ms(self) -> list[float]:
        """CPU times (user and system) of the measured runs, in milliseconds."""
        return [run.cpu_s * 1000 for run in self.runs]

    def median_cpu_ms(self) -> float:
        return statistics.median(self.cpu_ms())

    def rss_mib(self) -> list[float]:
        """Peak RSS of the measured runs, in MiB."""
        return [run.maxrss_kib / 1024 for run in self.runs]

    def median_rss(self) -> float:
        return statistics.median(self.rss_mib())

    def stats(self) -> dict:
        """``--stats`` of the measured runs: the counts (the same in every run), the median time
        of the slowest file and the file that was slowest most often ({} without them)."""
        all_stats = [run.stats() for run in self.runs]
        if not all_stats or not all_stats[0]:
            return {}
        out = dict(all_stats[0])
        slow = [stats for stats in all_stats if "slowest ms" in stats]
        if slow:
            out["slowest ms"] = statistics.median(stats["slowest ms"] for stats in slow)
            files = collections.Counter(stats["slowest file"] for stats in slow)
            out["slowest file"] = files.most_common(1)[0][0]
        return out

    def summary(self) -> dict:
        """Median, min and max wall time, median peak RSS and the stats, for the JSON report."""
        out: dict = {"command": shlex.join(self.argv)}
        if self.failure is not None:
            out["failed"] = {"exit_code": self.failure.exit_code, "stderr": self.failure.stderr}
            return out
        wall, rss = self.wall_ms(), self.rss_mib()
        out.update(
            median_wall_ms=statistics.median(wall),
            min_wall_ms=min(wall),
            max_wall_ms=max(wall),
            median_peak_rss_mib=statistics.median(rss),
            median_cpu_ms=self.median_cpu_ms(),
            wall_ms=wall,
            cpu_ms=self.cpu_ms(),
            peak_rss_mib=rss,
        )
        if stats := self.stats():
            out["stats"] = stats
        return out


@dataclass
class TreeResult:
    """Everything measured on one tree."""

    tree: Tree
    size: TreeStats
    tools: dict[str, ToolResult]
    findings: int | None = None
    identical: bool | None = None
    problems: list[str] = field(default_factory=list)


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tree",
        action="append",
        type=Path,
        metavar="PATH",
        help="tree to scan; repeat for several. Default: the Python standard "
        "library of the interpreter running this script.",
    )
    parser.add_argument(
        "--corpus",
        type=int,
        default=10_000,
        metavar="FILES",
        help="also generate the back end of scripts/gen_corpus.py with FILES files "
        f"(seed {CORPUS_SEED}), with and without aliases, into target/bench-corpus and "
        "target/bench-corpus-no-aliases and measure both; 0 to skip (default: 10000)",
    )
    parser.add_argument(
        "--shape",
        choices=gen_corpus.SHAPES,
        default="real",
        help="shape of the generated back ends (default: real)",
    )
    parser.add_argument(
        "--no-real",
        action="store_true",
        help="leave out the sdists of " + " and ".join(REAL_PACKAGES),
    )
    parser.add_argument(
        "--migration-runs",
        type=int,
        default=15,
        metavar="N",
        help="repetitions of the three-migration comparison, each running every one of its tools "
        "once, interleaved (default: 15; 0 skips it)",
    )
    parser.add_argument(
        "--migrations-only",
        action="store_true",
        help="measure only the three-migration comparison (no other tree, --staged or --deep)",
    )
    parser.add_argument(
        "--no-staged",
        action="store_true",
        help="do not measure check --staged in a git repository of the generated back end",
    )
    parser.add_argument(
        "--deep",
        action="store_true",
        help="also time the deep inputs (10k and 100k terms) and the commented-out family",
    )
    parser.add_argument(
        "--no-trees",
        action="store_true",
        help="measure no tree (with --deep: only the deep inputs)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        metavar="N",
        help="measured runs per tool and tree, after one warm-up run (default: 5)",
    )
    parser.add_argument(
        "--staged-runs",
        type=int,
        default=20,
        metavar="N",
        help="measured runs of check --staged (default: 20)",
    )
    parser.add_argument(
        "--ssot-guard",
        type=Path,
        default=DEFAULT_SSOT_GUARD,
        metavar="PATH",
        help="ssot-guard binary to measure (default: target/release/ssot-guard); "
        "use with --no-build to measure a stand-in such as /bin/true",
    )
    parser.add_argument(
        "--no-build",
        action="store_true",
        help="skip 'cargo build --release --locked' before measuring",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument(
        "--markdown", type=Path, metavar="FILE", help="also write the markdown tables to FILE"
    )
    args = parser.parse_args()
    if args.runs < 1 or args.staged_runs < 1:
        parser.error("--runs and --staged-runs must be at least 1")
    if args.migrations_only and (args.migration_runs < 1 or not args.corpus):
        parser.error("--migrations-only needs --migration-runs and --corpus above 0")
    return args


def default_tree() -> Tree:
    """The standard library directory of the running interpreter."""
    version = ".".join(platform.python_version_tuple()[:2])
    return Tree(f"Python {version} standard library", Path(sysconfig.get_paths()["stdlib"]))


def generate_corpus(out: Path, files: int, shape: str, aliases: bool, migrations: int = 1) -> Path:
    """The back end of scripts/gen_corpus.py in OUT, regenerated when its flags or the generator
    changed."""
    generator = REPO_ROOT / "scripts" / "gen_corpus.py"
    flags = ["--files", str(files), "--seed", str(CORPUS_SEED), "--shape", shape]
    if not aliases:
        flags.append("--no-aliases")
    if migrations > 1:
        flags += ["--migrations", str(migrations)]
    stamp = out / ".generated"
    wanted = f"{shlex.join(flags)} {hashlib.sha256(generator.read_bytes()).hexdigest()}"
    if not (stamp.is_file() and stamp.read_text() == wanted):
        subprocess.run([sys.executable, str(generator), str(out), *flags], check=True)
        stamp.write_text(wanted)
    return out


def unpack(archive: Path, into: Path) -> None:
    """Unpack the sdist ARCHIVE (its one top folder) as the folder INTO."""
    with tempfile.TemporaryDirectory(dir=archive.parent) as scratch:
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(scratch, filter="data")
            else:
                tar.extractall(scratch)  # a pinned sdist, on Python before 3.11.4
        (top,) = Path(scratch).iterdir()
        if into.exists():
            shutil.rmtree(into)
        top.rename(into)


def real_packages(python: Path) -> list[Tree]:
    """The sdists of REAL_PACKAGES, downloaded with pip and unpacked under target/bench-real."""
    REAL_DIR.mkdir(parents=True, exist_ok=True)
    trees = []
    for spec in REAL_PACKAGES:
        name, version = spec.split("==")
        tree = REAL_DIR / f"{name}-{version}"
        stamp = tree / ".unpacked"
        if not stamp.is_file():
            prefix = f"{name}-{version}".lower()
            archives = [p for p in REAL_DIR.iterdir() if p.name.lower().startswith(prefix)]
            archives = [p for p in archives if p.name.endswith(".tar.gz")]
            if not archives:
                print(f"downloading the sdist of {spec}", flush=True)
                subprocess.run(
                    [
                        str(python),
                        "-m",
                        "pip",
                        "download",
                        "--quiet",
                        "--no-deps",
                        "--no-binary",
                        name,
                        spec,
                        "--dest",
                        str(REAL_DIR),
                    ],
                    check=True,
                )
                archives = [p for p in REAL_DIR.iterdir() if p.name.lower().startswith(prefix)]
            unpack(archives[0], tree)
            stamp.write_text(archives[0].name + "\n")
        trees.append(Tree(f"{name} {version} (sdist)", tree, clean=True))
    return trees


def git(repo: Path, *args: str) -> str:
    """Run git in REPO, with an identity of its own; return stdout."""
    command = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", *args]
    result = subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True)
    return result.stdout


def staged_repo(corpus: Path) -> Path:
    """A git repository of CORPUS in target/bench-staged, committed, with its 500 KB
    commented-out test module changed and staged."""
    stamp = STAGED_DIR / ".git" / "bench-corpus"
    wanted = (corpus / ".generated").read_text()
    if not (stamp.is_file() and stamp.read_text() == wanted):
        print(f"committing {corpus} to a git repository in {STAGED_DIR}", flush=True)
        if STAGED_DIR.exists():
            shutil.rmtree(STAGED_DIR)
        shutil.copytree(corpus, STAGED_DIR)
        git(STAGED_DIR, "init", "--quiet")
        git(STAGED_DIR, "add", "--all")
        git(STAGED_DIR, "commit", "--quiet", "--message", "The generated back end")
        stamp.write_text(wanted)
    module = STAGED_DIR / gen_corpus.LEGACY_FILE
    module.write_text(git(STAGED_DIR, "show", f"HEAD:{gen_corpus.LEGACY_FILE}") + "\n# edited\n")
    git(STAGED_DIR, "add", gen_corpus.LEGACY_FILE)
    return STAGED_DIR


def deep_inputs() -> tuple[dict[str, dict[int, Path]], dict[str, dict[int, Path]]]:
    """The deep inputs and the commented-out family as modules of a project in
    target/bench-deep that holds the two class definitions."""
    if DEEP_DIR.exists():
        shutil.rmtree(DEEP_DIR)
    (DEEP_DIR / "app").mkdir(parents=True)
    (DEEP_DIR / "pyproject.toml").write_text("[tool.ssot-guard]\n")
    for definition in gen_corpus.DEFINITIONS:
        target = DEEP_DIR / definition
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(gen_corpus.FIXTURE / definition, target)

    def write(name: str, text: str) -> Path:
        path = DEEP_DIR / "app" / name
        path.write_text(text)
        return path

    deep: dict[str, dict[int, Path]] = {}
    for number, (family, body) in enumerate(DEEP_FAMILIES.items()):
        deep[family] = {
            n: write(f"deep_{number}_{n}.py", gen_corpus.DEEP_HEAD + body(n)) for n in DEEP_SIZES
        }
    blank = gen_corpus.DEEP_HEAD + "def f():\n    x = 1\n{}    return x\n"
    commented = {
        "comment lines deeper than the next line": {
            n: write(f"commented_out_{n}.py", gen_corpus.quadratic_source(n))
            for n in COMMENTED_SIZES
        },
        "the same lines blank (spaces only)": {
            n: write(f"blank_{n}.py", blank.format("        \n" * n)) for n in COMMENTED_SIZES
        },
    }
    return deep, commented


def build_release() -> None:
    """Build ssot-guard in release mode, exiting on failure."""
    print("building: cargo build --release --locked", flush=True)
    result = subprocess.run(["cargo", "build", "--release", "--locked"], check=False, cwd=REPO_ROOT)
    if result.returncode != 0:
        sys.exit(f"error: cargo build failed with exit code {result.returncode}")


def ensure_venv(venv: Path) -> tuple[Path, Path, Path]:
    """Create the private venv and install rg and ruff into it if missing; return its python,
    rg and ruff."""
    bin_dir = venv / "bin"
    python = bin_dir / "python"
    if not python.exists():
        print(f"creating virtual environment {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    rg, ruff = bin_dir / "rg", bin_dir / "ruff"
    missing = [pkg for pkg, exe in (("ripgrep", rg), ("ruff", ruff)) if not exe.exists()]
    if missing:
        print(f"installing {' '.join(missing)} into {venv}", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *missing], check=True)
    return python, rg, ruff


def tool_version(executable: Path) -> str:
    """First line of ``EXECUTABLE --version``, or 'unknown'."""
    try:
        result = subprocess.run(
            [str(executable), "--version"], check=False, capture_output=True, text=True, timeout=30
        )
    except OSError:
        return "unknown"
    lines = result.stdout.strip().splitlines()
    return lines[0] if lines else "unknown"


def tree_stats(tree: Path) -> TreeStats:
    """Count files and bytes under TREE, skipping site-packages directories."""
    stats = TreeStats()
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d != EXCLUDED_DIR]
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.isfile(path):
                continue
            size = os.path.getsize(path)
            stats.all_files += 1
            stats.all_bytes += size
            if name.endswith(".py"):
                stats.py_files += 1
                stats.py_bytes += size
    return stats


def rg_command(rg: Path, tree: Path, words: list[str]) -> list[str]:
    """``rg -l`` listing the files of TREE that contain one of WORDS."""
    patterns = words if len(words) == 1 else [arg for word in words for arg in ("-e", word)]
    return [str(rg), "-l", *patterns, "-g", f"!{EXCLUDED_DIR}", str(tree)]


def ruff_command(ruff: Path, tree: Path, banned: dict[str, str]) -> list[str]:
    """``ruff check`` of TREE with TID251 banning each class of BANNED (class: message)."""
    configs = [
        arg
        for name, message in banned.items()
        for arg in ("--config", f'lint.flake8-tidy-imports.banned-api."{name}".msg = "{message}"')
    ]
    return [
        str(ruff),
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        "TID251",
        "--exit-zero",
        "--extend-exclude",
        EXCLUDED_DIR,
        *configs,
        str(tree),
    ]


def check_command(ssot_guard: Path, tree: Path) -> list[str]:
    return [str(ssot_guard), "check", str(tree), "--format", "json", "--exit-zero", "--stats"]


def commands(tree: Path, ssot_guard: Path, rg: Path, ruff: Path) -> dict[str, list[str]]:
    """The command line of each tool for TREE, in the order they run."""
    check = check_command(ssot_guard, tree)
    return {
        "ssot-guard": check,
        # Every file parsed whole: the speed of the checks themselves.
        NO_PREFILTER: [*check, "--no-prefilter"],
        "rg": rg_command(rg, tree, [SEARCH_WORD]),
        "ruff": ruff_command(ruff, tree, {BANNED_CLASS: BANNED_MSG}),
    }


def three_commands(tree: Path, ssot_guard: Path, rg: Path, ruff: Path) -> dict[str, list[str]]:
    """The command lines of the three-migration comparison on TREE, by THREE_TOOLS: ssot-guard
    with the first rule only and with all three (the tree's ssot-guard.toml loads them), and rg
    and ruff looking for the same class names and banning the same classes."""
    check = check_command(ssot_guard, tree)
    first = next(iter(THREE_MIGRATIONS))
    banned = {name: f"use {ssot}" for name, ssot in THREE_MIGRATIONS.values()}
    words = [name.rsplit(".", 1)[1] for name in banned]
    return dict(
        zip(
            THREE_TOOLS,
            [
                [*check, "--migration", first],
                check,
                rg_command(rg, tree, words[:1]),
                rg_command(rg, tree, words),
                ruff_command(ruff, tree, dict(list(banned.items())[:1])),
                ruff_command(ruff, tree, banned),
            ],
        )
    )


def run_once(argv: list[str], out: Path | None = None, cwd: Path | None = None) -> Run:
    """Run ARGV to completion through RUNNER; return its wall time and peak RSS.

    stdin is /dev/null, stdout goes to OUT (default /dev/null); stderr is kept for the stats
    and to show if the tool fails.
    """
    runner = [sys.executable, "-I", "-S", "-c", RUNNER, str(out or os.devnull), *argv]
    result = subprocess.run(
        runner, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True, cwd=cwd
    )
    wall_s, maxrss_kib, exit_code, cpu_s = result.stdout.split()
    return Run(
        wall_s=float(wall_s),
        maxrss_kib=int(maxrss_kib),
        exit_code=int(exit_code),
        stderr=result.stderr,
        cpu_s=float(cpu_s),
    )


def measure(
    name: str, argv: list[str], runs: int, report: Path | None = None, cwd: Path | None = None
) -> ToolResult:
    """One warm-up run (its stdout kept in REPORT), then RUNS measured runs; stop at the first
    failure."""
    result = ToolResult(name=name, argv=argv, report=report)
    for index in range(runs + 1):
        run = run_once(argv, report if index == 0 else None, cwd)
        if run.exit_code not in OK_EXIT_CODES:
            result.failure = run
            break
        if index > 0:
            result.runs.append(run)
    return result


def ratio(ours: ToolResult, other: ToolResult) -> float | None:
    """OURS' median wall time divided by OTHER's (None if either failed)."""
    if ours.failure or other.failure:
        return None
    return ours.median_ms() / other.median_ms()


def findings_in(report: Path) -> int:
    """Findings in a JSON report of ssot-guard."""
    return len(json.loads(report.read_text())["findings"])


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def measure_tree(tree: Tree, ssot_guard: Path, rg: Path, ruff: Path, runs: int) -> TreeResult:
    """Every tool on TREE; the two reports of ssot-guard compared."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tools = {}
    for name, argv in commands(tree.path, ssot_guard, rg, ruff).items():
        report = OUT_DIR / f"{slug(tree.label)}.{name}.json" if argv[0] == str(ssot_guard) else None
        tools[name] = measure(name, argv, runs, report)
    result = TreeResult(tree, tree_stats(tree.path), tools)
    ours, whole = tools["ssot-guard"], tools[NO_PREFILTER]
    if not ours.failure and not whole.failure:
        result.identical = ours.report.read_bytes() == whole.report.read_bytes()
        result.findings = findings_in(ours.report)
        if not result.identical:
            result.problems.append(
                f"the reports differ with and without --no-prefilter: {ours.report} {whole.report}"
            )
    if tree.clean and result.findings:
        result.problems.append(f"{result.findings} findings in real code, where none are expected")
    return result


def mb_per_s_per_core(result: TreeResult) -> float | None:
    """MB of source per second of wall time and core with --no-prefilter."""
    whole = result.tools[NO_PREFILTER]
    if whole.failure:
        return None
    seconds = whole.median_ms() / 1000
    return result.size.py_bytes / 1e6 / seconds / (os.cpu_count() or 1)


def mb_per_cpu_s(result: TreeResult) -> float | None:
    """MB of source per second of CPU time with --no-prefilter: the speed of one core, less
    distorted than the wall time by other work on the machine."""
    whole = result.tools[NO_PREFILTER]
    if whole.failure:
        return None
    return result.size.py_bytes / 1e6 / (whole.median_cpu_ms() / 1000)


def relative(path: str, tree: Path) -> str:
    """PATH as the stats name it, relative to TREE where it is below it."""
    try:
        return str(Path(path).resolve().relative_to(tree.resolve()))
    except ValueError:
        return path


def print_tree_report(result: TreeResult) -> None:
    """Print the numbers for one tree as a table."""
    mib = 1024 * 1024
    size = result.size
    print(f"\ntree: {result.tree.label}: {result.tree.path} ({EXCLUDED_DIR} excluded)")
    print(
        f"  {size.py_files:,} .py files, {size.py_bytes / mib:.1f} MiB; "
        f"{size.all_files:,} files of any kind, {size.all_bytes / mib:.1f} MiB"
    )
    header = (
        f"  {'tool':<12} {'median ms':>10} {'min ms':>10} {'max ms':>10} {'CPU ms':>10}"
        f" {'peak RSS MiB':>13}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for tool in result.tools.values():
        if tool.failure:
            print(f"  {tool.name:<12} FAILED with exit code {tool.failure.exit_code}")
            continue
        wall = tool.wall_ms()
        print(
            f"  {tool.name:<12} {statistics.median(wall):>10.1f} {min(wall):>10.1f}"
            f" {max(wall):>10.1f} {tool.median_cpu_ms():>10.1f} {tool.median_rss():>13.1f}"
        )
    for name in ("ssot-guard", NO_PREFILTER):
        stats = result.tools[name].stats()
        if stats:
            slowest = relative(stats.get("slowest file", "-"), result.tree.path)
            print(
                f"  {name} --stats: {stats['bytes read']:,} bytes read, "
                f"{stats['bytes parsed']:,} bytes parsed, {stats['files checked']:,} files "
                f"checked, {stats['files parsed whole']:,} parsed whole, "
                f"{stats['alias rounds']} alias rounds; slowest file "
                f"{stats.get('slowest ms', 0):.1f} ms: {slowest}"
            )
    if (speed := mb_per_s_per_core(result)) is not None:
        print(
            f"  {NO_PREFILTER}: {speed:.1f} MB/s of source per core by wall time "
            f"({os.cpu_count()} cores), {mb_per_cpu_s(result):.1f} MB/s per CPU second"
        )
    for other in ("rg", "ruff"):
        if (value := ratio(result.tools["ssot-guard"], result.tools[other])) is not None:
            print(f"  ssot-guard/{other}: wall {value:.2f}x")
    if result.findings is not None:
        same = "byte-identical" if result.identical else "DIFFERENT"
        print(f"  {result.findings:,} findings; report with --no-prefilter: {same}")
    for problem in result.problems:
        print(f"  PROBLEM: {problem}")
    for tool in result.tools.values():
        print(f"  $ {shlex.join(tool.argv)}")
        if tool.failure:
            stderr = tool.failure.stderr.strip() or "(no stderr)"
            print("    stderr: " + stderr.replace("\n", "\n            "))


@dataclass
class ThreeResult:
    """The three-migration comparison on one tree."""

    tree: Tree
    size: TreeStats
    tools: dict[str, ToolResult]
    repetitions: int = 0
    # Findings of the three-rule report, by migration id.
    findings: dict[str, int] = field(default_factory=dict)
    one_rule_findings: int | None = None
    # Whether the one-rule report's findings are exactly the first migration's of the other.
    one_rule_same: bool | None = None
    identical: bool | None = None
    load: tuple[float, float] = (0.0, 0.0)
    problems: list[str] = field(default_factory=list)

    def paired(self) -> list[float]:
        """Three rules / one rule, wall time, repetition by repetition."""
        one, three = self.tools[ONE_RULE], self.tools[THREE_RULES]
        return [b.wall_s / a.wall_s for a, b in zip(one.runs, three.runs)]

    def cpu_ratio(self) -> float | None:
        one, three = self.tools[ONE_RULE], self.tools[THREE_RULES]
        if one.failure or three.failure:
            return None
        return three.median_cpu_ms() / one.median_cpu_ms()

    def summary(self) -> dict:
        paired = self.paired()
        return {
            "label": self.tree.label,
            "path": str(self.tree.path),
            "py_files": self.size.py_files,
            "py_bytes": self.size.py_bytes,
            "repetitions": self.repetitions,
            "load_average": self.load,
            "tools": {name: tool.summary() for name, tool in self.tools.items()},
            "three_over_one": ratio(self.tools[THREE_RULES], self.tools[ONE_RULE]),
            "three_over_one_cpu": self.cpu_ratio(),
            "three_over_one_paired": paired,
            "findings_by_migration": self.findings,
            "one_rule_findings": self.one_rule_findings,
            "one_rule_same_as_its_migration_in_three": self.one_rule_same,
            "identical_to_no_prefilter": self.identical,
        }


def finding_migration(finding: dict) -> str:
    """The migration of a finding of the JSON report: its ``migration`` (report version 2) or,
    in version 1, the rule whose symbol it names."""
    migration = finding.get("migration")
    if isinstance(migration, dict):
        migration = migration.get("id")
    if migration:
        return migration
    by_symbol = {name.rsplit(".", 1)[1]: rule for rule, (name, _) in THREE_MIGRATIONS.items()}
    return by_symbol.get(finding.get("symbol", ""), f"symbol {finding.get('symbol')}")


def measure_three(
    tree: Tree, ssot_guard: Path, rg: Path, ruff: Path, repetitions: int
) -> ThreeResult:
    """The tools of THREE_TOOLS on TREE: a warm-up run of each (the reports of ssot-guard kept),
    then REPETITIONS rounds that run each once, in THREE_TOOLS' order and reversed in every
    other round, so that the two scans of ssot-guard always run next to each other and each runs
    first as often; then one run of the three-rule scan with --no-prefilter, whose report must
    be the same."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    tools = {}
    for name, argv in three_commands(tree.path, ssot_guard, rg, ruff).items():
        report = OUT_DIR / f"three.{slug(name)}.json" if argv[0] == str(ssot_guard) else None
        tools[name] = ToolResult(name=name, argv=argv, report=report)
    for tool in tools.values():
        run = run_once(tool.argv, tool.report)
        if run.exit_code not in OK_EXIT_CODES:
            tool.failure = run
    for index in range(repetitions):
        order = THREE_TOOLS if index % 2 == 0 else THREE_TOOLS[::-1]
        for name in order:
            tool = tools[name]
            if tool.failure:
                continue
            run = run_once(tool.argv)
            if run.exit_code in OK_EXIT_CODES:
                tool.runs.append(run)
            else:
                tool.failure = run
        print(f"  round {index + 1}/{repetitions}", flush=True)
    result = ThreeResult(tree, tree_stats(tree.path), tools, repetitions)
    one, three = tools[ONE_RULE], tools[THREE_RULES]
    if not one.failure and not three.failure:
        first = next(iter(THREE_MIGRATIONS))
        findings = json.loads(three.report.read_text())["findings"]
        counts = collections.Counter(finding_migration(finding) for finding in findings)
        result.findings = {rule: counts.pop(rule, 0) for rule in THREE_MIGRATIONS} | dict(counts)
        one_findings = json.loads(one.report.read_text())["findings"]
        result.one_rule_findings = len(one_findings)
        result.one_rule_same = one_findings == [
            finding for finding in findings if finding_migration(finding) == first
        ]
        for rule, count in result.findings.items():
            if rule not in THREE_MIGRATIONS:
                result.problems.append(f"{count} findings of an unknown migration ({rule})")
            elif not count:
                result.problems.append(f"no finding of the migration {rule}")
        if not result.one_rule_same:
            result.problems.append(
                f"the findings of --migration {first} differ from the {first} findings of the "
                f"three-rule scan: {one.report} {three.report}"
            )
        whole = OUT_DIR / f"three.{slug(THREE_RULES)}.{NO_PREFILTER}.json"
        print("  three rules with --no-prefilter, once", flush=True)
        run = run_once([*three.argv, "--no-prefilter"], whole)
        if run.exit_code not in OK_EXIT_CODES:
            result.problems.append(f"--no-prefilter failed: {run.stderr.strip()}")
        else:
            result.identical = whole.read_bytes() == three.report.read_bytes()
            if not result.identical:
                result.problems.append(
                    f"the reports differ with and without --no-prefilter: {three.report} {whole}"
                )
    result.problems += [f"{tool.name} failed" for tool in tools.values() if tool.failure]
    result.load = (load_before, os.getloadavg()[0])
    return result


def spread(tool: ToolResult) -> str:
    wall = tool.wall_ms()
    return f"{min(wall):,.0f}-{max(wall):,.0f}"


def three_markdown(result: ThreeResult) -> list[str]:
    """The table of the three-migration comparison and a line on its ratio."""
    mib = 1024 * 1024
    size = f"{result.size.py_files:,} files, {result.size.py_bytes / mib:,.0f} MiB"
    header = (
        f"| three migrations, generated back end (`--migrations 3`): {size} | ssot-guard "
        "(median; min-max) | `rg -l`, the same names | `ruff check` TID251, the same classes "
        "| vs `rg` | vs ruff | bytes read | bytes parsed | files checked | parsed whole "
        "| alias rounds | slowest file | findings |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    first = next(iter(THREE_MIGRATIONS))
    rows = (
        (f"one rule: `check --migration {first}`", ONE_RULE, "rg, one name", "ruff, one ban"),
        ("three rules: `check`", THREE_RULES, "rg, three names", "ruff, three bans"),
    )
    for label, ours, rg, ruff in rows:
        tools = result.tools
        if tools[ours].failure:
            lines.append(f"| {label} | failed ({tools[ours].failure.exit_code}) |" + " - |" * 11)
            continue
        cells = []
        for name in (ours, rg, ruff):
            tool = tools[name]
            cells.append(
                f"failed ({tool.failure.exit_code})"
                if tool.failure
                else f"{tool.median_ms():,.0f} ms (CPU {tool.median_cpu_ms():,.0f} ms), "
                f"{tool.median_rss():.0f} MiB" + (f"; {spread(tool)}" if name == ours else "")
            )
        to_rg, to_ruff = ratio(tools[ours], tools[rg]), ratio(tools[ours], tools[ruff])
        stats = tools[ours].stats()
        if ours == ONE_RULE:
            findings = f"{first} {result.one_rule_findings or 0:,}"
        else:
            findings = ", ".join(f"{rule} {count:,}" for rule, count in result.findings.items())
        lines.append(
            f"| {label} | {' | '.join(cells)} | "
            f"{'-' if to_rg is None else f'{to_rg:.2f}x'} | "
            f"{'-' if to_ruff is None else f'{to_ruff:.3f}x'} | "
            f"{stats.get('bytes read', 0) / 1e6:,.1f} MB | "
            f"{stats.get('bytes parsed', 0) / 1e6:,.2f} MB | {stats.get('files checked', 0):,} | "
            f"{stats.get('files parsed whole', 0):,} | {stats.get('alias rounds', '-')} | "
            f"{slowest_cell(stats, result.tree.path)} | {findings} |"
        )
    three_over_one = ratio(result.tools[THREE_RULES], result.tools[ONE_RULE])
    paired = result.paired()
    if three_over_one is not None and paired:
        lines += [
            "",
            (
                f"Three rules / one rule: **{three_over_one:.2f}x** (medians of {len(paired)} "
                f"interleaved repetitions, load average {result.load[0]:.1f} before, "
                f"{result.load[1]:.1f} after); repetition by repetition median "
                f"{statistics.median(paired):.2f}x, min {min(paired):.2f}x, max {max(paired):.2f}x; "
                f"by CPU time {result.cpu_ratio():.2f}x. The one-rule findings are the three-rule "
                f"scan's {first} findings: {'yes' if result.one_rule_same else 'NO'}; three-rule "
                f"report identical to `--no-prefilter`: "
                f"{'-' if result.identical is None else 'yes' if result.identical else 'NO'}."
            ),
        ]
    return lines


def print_three_report(result: ThreeResult) -> None:
    """Print the three-migration comparison."""
    print(f"\nthree migrations: {result.tree.path}")
    print(f"  {result.repetitions} interleaved repetitions after a warm-up run of each tool")
    for tool in result.tools.values():
        if tool.failure:
            print(f"  {tool.name:<17} FAILED with exit code {tool.failure.exit_code}")
            print("    stderr: " + (tool.failure.stderr.strip() or "(no stderr)"))
            continue
        wall = tool.wall_ms()
        print(
            f"  {tool.name:<17} median {statistics.median(wall):>8.1f} ms  min {min(wall):>8.1f}"
            f"  max {max(wall):>8.1f}  CPU {tool.median_cpu_ms():>8.1f} ms"
            f"  {tool.median_rss():>6.1f} MiB"
        )
        if stats := tool.stats():
            print(f"    --stats: {stats}")
    if (value := ratio(result.tools[THREE_RULES], result.tools[ONE_RULE])) is not None:
        paired = ", ".join(f"{x:.2f}" for x in result.paired())
        print(f"  three rules / one rule: {value:.2f}x (per repetition: {paired})")
    print(f"  findings of the three-rule scan by migration: {result.findings}")
    print(f"  findings of the one-rule scan: {result.one_rule_findings}")
    for problem in result.problems:
        print(f"  PROBLEM: {problem}")
    for tool in result.tools.values():
        print(f"  $ {shlex.join(tool.argv)}")


def time_file(ssot_guard: Path, path: Path, runs: int) -> ToolResult:
    """``check FILE --format json --exit-zero``, its report kept in target/bench-out."""
    argv = [str(ssot_guard), "check", str(path), "--format", "json", "--exit-zero"]
    return measure(path.name, argv, runs, OUT_DIR / f"deep.{path.stem}.json", DEEP_DIR)


def measure_deep(ssot_guard: Path, runs: int) -> dict:
    """Median times of the deep inputs and the commented-out family, with their findings."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    deep, commented = deep_inputs()
    out: dict = {"deep": {}, "commented": {}}
    for kind, families in (("deep", deep), ("commented", commented)):
        for family, files in families.items():
            row = {}
            for n, path in files.items():
                result = time_file(ssot_guard, path, runs)
                if result.failure:
                    row[n] = {
                        "failed": result.failure.exit_code,
                        "bytes": path.stat().st_size,
                        "stderr": result.failure.stderr[-2000:],
                    }
                else:
                    row[n] = {
                        "ms": result.median_ms(),
                        "bytes": path.stat().st_size,
                        "findings": findings_in(result.report),
                    }
                    result.report.unlink()  # up to 30 MB of findings
                print(f"  {family} at {n:,}: {row[n]}", flush=True)
            out[kind][family] = row
    return out


def growth(row: dict, low: int, high: int) -> float | None:
    if "ms" not in row[low] or "ms" not in row[high]:
        return None
    return row[high]["ms"] / row[low]["ms"]


def thousands(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def fmt_ms(cell: dict) -> str:
    return f"{cell['ms']:,.1f} ms" if "ms" in cell else f"failed ({cell['failed']})"


def deep_markdown(deep: dict) -> list[str]:
    """The two tables of --deep."""
    low, high = DEEP_SIZES
    header = (
        f"| deep input (after the import and `s = DeepAgentState()`) | {thousands(low)} terms "
        f"| {thousands(high)} terms | ratio (linear: {high // low}) "
        f"| findings at {thousands(high)} |"
    )
    lines = [header, "|---|---|---|---|---|"]
    for family, row in deep["deep"].items():
        value = growth(row, low, high)
        lines.append(
            f"| {family} | {fmt_ms(row[low])} | {fmt_ms(row[high])} | "
            f"{'-' if value is None else f'{value:.1f}'} | {row[high].get('findings', '-'):,} |"
        )
    first, last = COMMENTED_SIZES[0], COMMENTED_SIZES[-1]
    sizes = " | ".join(f"{thousands(n)} lines" for n in COMMENTED_SIZES)
    header = (
        f"| `def f(): x = 1`, N lines at 8 spaces, `return x` | {sizes} "
        f"| ratio {thousands(last)}/{thousands(first)} (linear: {last // first}) |"
    )
    lines += ["", header, "|---|" + "---|" * len(COMMENTED_SIZES) + "---|"]
    for family, row in deep["commented"].items():
        value = growth(row, first, last)
        cells = " | ".join(fmt_ms(row[n]) for n in COMMENTED_SIZES)
        lines.append(f"| {family} | {cells} | {'-' if value is None else f'{value:.1f}'} |")
    return lines


def slowest_cell(stats: dict, tree: Path) -> str:
    """The slowest file of a scan, its time and size."""
    if "slowest file" not in stats:
        return "-"
    slowest = relative(stats["slowest file"], tree)
    size = (tree / slowest).stat().st_size if (tree / slowest).is_file() else 0
    return f"{stats['slowest ms']:,.1f} ms: `{slowest}` ({size / 1000:,.0f} KB)"


def trees_markdown(results: list[TreeResult], staged: ToolResult | None) -> list[str]:
    """The two tables of the trees: speed and memory, and where the time goes."""
    mib = 1024 * 1024
    header = (
        "| tree | ssot-guard | `--no-prefilter` | `rg -l` | `ruff check` TID251 "
        "| vs `rg` | vs ruff | `--no-prefilter` MB/s per core: by wall, by CPU time |"
    )
    lines = [header, "|---|---|---|---|---|---|---|---|"]

    def cell(tool: ToolResult) -> str:
        if tool.failure:
            return f"failed ({tool.failure.exit_code})"
        return (
            f"{tool.median_ms():,.0f} ms (CPU {tool.median_cpu_ms():,.0f} ms), "
            f"{tool.median_rss():.0f} MiB"
        )

    for result in results:
        tools = result.tools
        size = f"{result.size.py_files:,} files, {result.size.py_bytes / mib:,.0f} MiB"
        to_rg, to_ruff = (
            ratio(tools["ssot-guard"], tools["rg"]),
            ratio(tools["ssot-guard"], tools["ruff"]),
        )
        speed, cpu_speed = mb_per_s_per_core(result), mb_per_cpu_s(result)
        lines.append(
            f"| {result.tree.label}: {size} | {cell(tools['ssot-guard'])} | "
            f"{cell(tools[NO_PREFILTER])} | {cell(tools['rg'])} | {cell(tools['ruff'])} | "
            f"{'-' if to_rg is None else f'{to_rg:.2f}x'} | "
            f"{'-' if to_ruff is None else f'{to_ruff:.3f}x'} | "
            f"{'-' if speed is None else f'{speed:.1f}, {cpu_speed:.1f}'} |"
        )
    header = (
        "| tree | bytes read | bytes parsed | files checked | parsed whole | alias rounds "
        "| slowest file | slowest file with `--no-prefilter` | findings "
        "| same as `--no-prefilter` |"
    )
    lines += ["", header, "|---|---|---|---|---|---|---|---|---|---|"]
    for result in results:
        stats = result.tools["ssot-guard"].stats()
        if not stats:
            continue
        lines.append(
            f"| {result.tree.label} | {stats['bytes read'] / 1e6:,.1f} MB | "
            f"{stats['bytes parsed'] / 1e6:,.2f} MB | {stats['files checked']:,} | "
            f"{stats['files parsed whole']:,} | {stats['alias rounds']} | "
            f"{slowest_cell(stats, result.tree.path)} | "
            f"{slowest_cell(result.tools[NO_PREFILTER].stats(), result.tree.path)} | "
            f"{result.findings if result.findings is not None else '-'} | "
            f"{'yes' if result.identical else 'NO'} |"
        )
    if staged is not None and not staged.failure:
        stats = staged.stats()
        line = (
            f"`check --staged` with `{gen_corpus.LEGACY_FILE}` staged: "
            f"{staged.median_ms():.1f} ms median of {len(staged.runs)} "
            f"(min {min(staged.wall_ms()):.1f}, max {max(staged.wall_ms()):.1f}), "
            f"{staged.median_rss():.0f} MiB, {stats.get('bytes parsed', 0):,} bytes parsed, "
            f"the file itself {stats.get('slowest ms', 0):.1f} ms."
        )
        lines += ["", line]
    return lines


def targets_markdown(
    results: list[TreeResult],
    staged: ToolResult | None,
    deep: dict | None,
    three: ThreeResult | None = None,
) -> list[str]:
    """The targets of issue 11 (and of the three-migration issue), met or not in this run."""
    lines = ["| target | this run | met |", "|---|---|---|"]

    def row(what: str, value: str, met: bool) -> None:
        lines.append(f"| {what} | {value} | {'yes' if met else '**no**'} |")

    if three is not None:
        value = ratio(three.tools[THREE_RULES], three.tools[ONE_RULE])
        if value is not None:
            row(
                f"three migrations: three rules <= {TARGET_THREE}x one rule",
                f"{value:.2f}x",
                value <= TARGET_THREE,
            )

    for result in results:
        tools = result.tools
        if result.tree.path in (CORPUS_DIR.resolve(), NO_ALIASES_DIR.resolve()):
            to_rg, to_ruff = (
                ratio(tools["ssot-guard"], tools["rg"]),
                ratio(tools["ssot-guard"], tools["ruff"]),
            )
            if to_rg is not None and to_ruff is not None:
                rss = tools["ssot-guard"].median_rss()
                row(
                    f"{result.tree.label}: <= {TARGET_RG}x `rg`",
                    f"{to_rg:.2f}x",
                    to_rg <= TARGET_RG,
                )
                row(
                    f"{result.tree.label}: <= {TARGET_RUFF}x ruff",
                    f"{to_ruff:.3f}x",
                    to_ruff <= TARGET_RUFF,
                )
                row(
                    f"{result.tree.label}: <= {TARGET_RSS_MIB} MiB",
                    f"{rss:.0f} MiB",
                    rss <= TARGET_RSS_MIB,
                )
        stats = tools["ssot-guard"].stats()
        slowest = relative(stats.get("slowest file", ""), result.tree.path)
        path = result.tree.path / slowest
        if stats and path.is_file() and path.stat().st_size < 1_000_000:
            ms = stats["slowest ms"]
            row(
                f"{result.tree.label}: slowest file (under 1 MB) <= {TARGET_SLOWEST_MS} ms",
                f"{ms:.1f} ms (`{slowest}`)",
                ms <= TARGET_SLOWEST_MS,
            )
        if (speed := mb_per_cpu_s(result)) is not None:
            row(
                f"{result.tree.label}: `--no-prefilter` >= {TARGET_MBPS_CORE} MB/s per core "
                "(per CPU second)",
                f"{speed:.1f} MB/s (by wall: {mb_per_s_per_core(result):.1f})",
                speed >= TARGET_MBPS_CORE,
            )
        if result.identical is not None:
            row(
                f"{result.tree.label}: report identical to `--no-prefilter`",
                "identical" if result.identical else "different",
                result.identical,
            )
    if staged is not None and not staged.failure:
        row(
            f"`--staged` with the 500 KB commented-out module: <= {TARGET_STAGED_MS} ms",
            f"{staged.median_ms():.1f} ms",
            staged.median_ms() <= TARGET_STAGED_MS,
        )
    if deep is not None:
        first, last = COMMENTED_SIZES[0], COMMENTED_SIZES[-1]
        for family, row_data in deep["commented"].items():
            value = growth(row_data, first, last)
            linear = last / first
            row(
                f"{family}: linear from {thousands(first)} to {thousands(last)} lines "
                f"(ratio <= {LINEAR_SLACK * linear:.0f})",
                "-" if value is None else f"{value:.1f}",
                value is not None and value <= LINEAR_SLACK * linear,
            )
        low, high = DEEP_SIZES
        for family, row_data in deep["deep"].items():
            value = growth(row_data, low, high)
            linear = high / low
            row(
                f"{family}: linear from {thousands(low)} to {thousands(high)} terms "
                f"(ratio <= {LINEAR_SLACK * linear:.0f})",
                "-" if value is None else f"{value:.1f}",
                value is not None and value <= LINEAR_SLACK * linear,
            )
    return lines


def main() -> int:
    """Build, set up the tools, measure every tree and report."""
    args = parse_args()
    trees: list[Tree] = []
    three_tree = None
    if args.corpus and args.migration_runs:
        three_tree = Tree(
            f"generated back end ({args.shape} shape, three migrations)",
            generate_corpus(THREE_DIR, args.corpus, args.shape, True, 3).resolve(),
        )
    if args.migrations_only:
        args.no_trees, args.no_staged, args.deep = True, True, False
    if not args.no_trees:
        if args.tree:
            trees += [Tree(str(tree), tree.resolve()) for tree in args.tree]
        else:
            trees.append(default_tree())
        if args.corpus:
            shape = f"{args.shape} shape, "
            trees.append(
                Tree(
                    f"generated back end ({shape}aliased re-exports)",
                    generate_corpus(CORPUS_DIR, args.corpus, args.shape, True).resolve(),
                )
            )
            trees.append(
                Tree(
                    f"generated back end ({shape}no aliases)",
                    generate_corpus(NO_ALIASES_DIR, args.corpus, args.shape, False).resolve(),
                )
            )
    for tree in trees:
        if not tree.path.is_dir():
            sys.exit(f"error: tree {tree.path} is not a directory")
    if not args.no_build:
        build_release()
    ssot_guard = args.ssot_guard.resolve()
    if not os.access(ssot_guard, os.X_OK):
        sys.exit(f"error: {ssot_guard} is not an executable file")
    python, rg, ruff = ensure_venv(VENV_DIR)
    if not args.no_trees and not args.no_real:
        trees += real_packages(python)

    versions = {
        name: tool_version(exe)
        for name, exe in (("ssot-guard", ssot_guard), ("rg", rg), ("ruff", ruff))
    }
    floor = measure("floor", [NOOP], args.runs)
    print(f"runs: 1 warm-up + {args.runs} measured per tool, one tool at a time")
    print(
        f"floor of the measurement ({NOOP}): {floor.median_ms():.1f} ms, "
        f"{floor.median_rss():.1f} MiB peak RSS"
    )
    print("versions: " + "; ".join(f"{name} = {version}" for name, version in versions.items()))
    load_before = os.getloadavg()
    print(f"load average: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")

    report: dict = {
        "runs": args.runs,
        "warmup_runs": 1,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions,
        "floor": floor.summary(),
        "load_average_before": load_before,
        "trees": [],
    }
    problems: list[str] = []
    results = []
    for tree in trees:
        result = measure_tree(tree, ssot_guard, rg, ruff, args.runs)
        results.append(result)
        print_tree_report(result)
        problems += [f"{tree.label}: {problem}" for problem in result.problems]
        problems += [f"{tree.label}: {t.name} failed" for t in result.tools.values() if t.failure]
        report["trees"].append(
            {
                "label": tree.label,
                "path": str(tree.path),
                "excluded": EXCLUDED_DIR,
                "py_files": result.size.py_files,
                "py_bytes": result.size.py_bytes,
                "all_files": result.size.all_files,
                "all_bytes": result.size.all_bytes,
                "tools": {name: tool.summary() for name, tool in result.tools.items()},
                "ratios": {
                    f"ssot-guard/{other}": ratio(result.tools["ssot-guard"], result.tools[other])
                    for other in ("rg", "ruff")
                },
                "no_prefilter_mb_per_s_per_core": mb_per_s_per_core(result),
                "no_prefilter_mb_per_cpu_s": mb_per_cpu_s(result),
                "findings": result.findings,
                "identical_to_no_prefilter": result.identical,
            }
        )

    staged = None
    if not args.no_trees and args.corpus and not args.no_staged:
        repo = staged_repo(CORPUS_DIR)
        argv = [str(ssot_guard), "check", "--staged", "--format", "json", "--exit-zero", "--stats"]
        staged = measure("check --staged", argv, args.staged_runs, OUT_DIR / "staged.json", repo)
        if staged.failure:
            problems.append(f"check --staged failed: {staged.failure.stderr.strip()}")
        else:
            print(
                f"\ncheck --staged in {repo} with {gen_corpus.LEGACY_FILE} staged: "
                f"{staged.median_ms():.1f} ms median of {args.staged_runs}, "
                f"{staged.median_rss():.1f} MiB; --stats: {staged.stats()}"
            )
        report["staged"] = staged.summary()

    three = None
    if three_tree is not None:
        print(
            f"\nthree migrations: {args.migration_runs} interleaved repetitions of "
            + ", ".join(THREE_TOOLS),
            flush=True,
        )
        three = measure_three(three_tree, ssot_guard, rg, ruff, args.migration_runs)
        print_three_report(three)
        problems += [f"three migrations: {problem}" for problem in three.problems]
        report["three_migrations"] = three.summary()

    deep = None
    if args.deep:
        print("\ndeep inputs: check FILE --format json --exit-zero, medians")
        deep = measure_deep(ssot_guard, args.runs)
        report["deep"] = deep

    load_after = os.getloadavg()
    report["load_average_after"] = load_after
    runs = (
        f"{args.migration_runs} interleaved repetitions"
        if args.migrations_only
        else f"{args.runs} runs"
    )
    markdown = [
        f"{runs} after a warm-up, medians; {os.cpu_count()} cores; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; "
        + "; ".join(versions.values()),
        "",
    ]
    if results:
        markdown += trees_markdown(results, staged) + [""]
    if three is not None:
        markdown += three_markdown(three) + [""]
    if deep is not None:
        markdown += deep_markdown(deep) + [""]
    markdown += targets_markdown(results, staged, deep, three)
    print("\n" + "\n".join(markdown))
    if args.markdown:
        args.markdown.write_text("\n".join(markdown) + "\n")
        print(f"\nwrote {args.markdown}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
