#!/usr/bin/env python3
"""Compare the wall time and peak memory of ssot-guard, ripgrep and ruff.

Each tool looks for the banned ``DeepAgentState`` class in the same tree(s):

* ``ssot-guard check TREE --format json --exit-zero``
* ``rg -l DeepAgentState -g '!site-packages' TREE``
* ``ruff check --isolated --no-cache --select TID251 --exit-zero`` with the
  class banned through ``--config``

The tools run one after the other (never concurrently): one warm-up run and
then ``--runs`` measured runs each. Wall time is taken with
``time.perf_counter`` around the whole process, peak RSS from ``os.wait4``.
``rg`` and ``ruff`` come from a private virtual environment in
``target/bench-venv``, created on first use.

Linux carries a parent's resident memory over into its child's ``ru_maxrss``
(through fork/vfork and exec), so a tool started straight from this script
could never look smaller than this script (about 17 MiB), which hides rg's
real peak. Each run is therefore started by RUNNER, a bare ``python3 -I -S``
that forks, execs the tool and reports wall time, peak RSS and exit code. The
floor that remains (about 5 MiB and 2 ms for a fork of that small process
and an exec of /bin/true) is measured and printed.

The script exits non-zero only when a tool (or the build) fails to run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SSOT_GUARD = REPO_ROOT / "target" / "release" / "ssot-guard"
VENV_DIR = REPO_ROOT / "target" / "bench-venv"
EXCLUDED_DIR = "site-packages"
BANNED_CLASS = "netra_backend.app.agents.state.DeepAgentState"
BANNED_MSG = "use netra_backend.app.schemas.agent_models"
SEARCH_WORD = BANNED_CLASS.rsplit(".", 1)[1]
NO_PREFILTER = "no-prefilter"
CORPUS_DIR = REPO_ROOT / "target" / "bench-corpus"
CORPUS_SEED = 871
# A program that does nothing: its wall time and peak RSS are the floor of
# the measurement (fork, exec and exit of a tiny process).
NOOP = "/bin/true"
# Exit codes that mean "ran fine": rg exits 1 when nothing matches; ruff and
# ssot-guard exit 0 with --exit-zero. Anything else (>= 2, or a signal) fails.
OK_EXIT_CODES = (0, 1)
# Run by `python3 -I -S -c RUNNER TOOL ARGS...`: fork, exec TOOL with stdout
# to /dev/null (stderr is inherited), wait; print "wall_s maxrss_kib exit".
RUNNER = """
import os, sys, time
argv = sys.argv[1:]
devnull = os.open(os.devnull, os.O_WRONLY)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(devnull, 1)
        os.execv(argv[0], argv)
    except OSError as error:
        os.write(2, f"cannot run {argv[0]}: {error}\\n".encode())
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
print(wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


@dataclass
class TreeStats:
    """Size of a tree, leaving out site-packages directories."""

    py_files: int = 0
    py_bytes: int = 0
    all_files: int = 0
    all_bytes: int = 0


@dataclass
class Run:
    """One measured process: wall time, peak RSS and how it ended."""

    wall_s: float
    maxrss_kib: int
    exit_code: int
    stderr: str


@dataclass
class ToolResult:
    """All measured runs of one tool on one tree."""

    name: str
    argv: list[str]
    runs: list[Run] = field(default_factory=list)
    failure: Run | None = None

    def wall_ms(self) -> list[float]:
        """Wall times of the measured runs, in milliseconds."""
        return [run.wall_s * 1000 for run in self.runs]

    def rss_mib(self) -> list[float]:
        """Peak RSS of the measured runs, in MiB."""
        return [run.maxrss_kib / 1024 for run in self.runs]

    def summary(self) -> dict:
        """Median, min and max wall time and median peak RSS, for the report."""
        out = {"command": shlex.join(self.argv)}
        if self.failure is not None:
            out["failed"] = {
                "exit_code": self.failure.exit_code,
                "stderr": self.failure.stderr,
            }
            return out
        wall, rss = self.wall_ms(), self.rss_mib()
        out.update(
            median_wall_ms=statistics.median(wall),
            min_wall_ms=min(wall),
            max_wall_ms=max(wall),
            median_peak_rss_mib=statistics.median(rss),
            wall_ms=wall,
            peak_rss_mib=rss,
        )
        return out


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        description="Benchmark ssot-guard against rg and ruff on the same trees "
        "(wall time and peak memory of the whole process).",
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
        help="also generate a synthetic back end of FILES files with scripts/gen_corpus.py "
        f"(seed {CORPUS_SEED}) into target/bench-corpus and measure it; 0 to skip (default: 10000)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        metavar="N",
        help="measured runs per tool and tree, after one warm-up run (default: 5)",
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
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the numbers as JSON to FILE",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def default_tree() -> Path:
    """The standard library directory of the running interpreter."""
    return Path(sysconfig.get_paths()["stdlib"])


def generate_corpus(files: int) -> Path:
    """The synthetic back end of scripts/gen_corpus.py, regenerated when its size or the
    generator changed."""
    generator = REPO_ROOT / "scripts" / "gen_corpus.py"
    stamp = CORPUS_DIR / ".generated"
    wanted = f"{files} {CORPUS_SEED} {hashlib.sha256(generator.read_bytes()).hexdigest()}"
    if not (stamp.is_file() and stamp.read_text() == wanted):
        subprocess.run(
            [sys.executable, str(generator), str(CORPUS_DIR),
             "--files", str(files), "--seed", str(CORPUS_SEED)],
            check=True,
        )
        stamp.write_text(wanted)
    return CORPUS_DIR


def build_release() -> None:
    """Build ssot-guard in release mode, exiting on failure."""
    print("building: cargo build --release --locked", flush=True)
    result = subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO_ROOT)
    if result.returncode != 0:
        sys.exit(f"error: cargo build failed with exit code {result.returncode}")


def ensure_venv(venv: Path) -> tuple[Path, Path]:
    """Create the private venv and install rg and ruff into it if missing."""
    bin_dir = venv / "bin"
    if not (bin_dir / "python").exists():
        print(f"creating virtual environment {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    rg, ruff = bin_dir / "rg", bin_dir / "ruff"
    missing = [pkg for pkg, exe in (("ripgrep", rg), ("ruff", ruff)) if not exe.exists()]
    if missing:
        print(f"installing {' '.join(missing)} into {venv}", flush=True)
        subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *missing],
            check=True,
        )
    return rg, ruff


def tool_version(executable: Path) -> str:
    """First line of ``EXECUTABLE --version``, or 'unknown'."""
    try:
        result = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=30
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


def commands(tree: Path, ssot_guard: Path, rg: Path, ruff: Path) -> dict[str, list[str]]:
    """The command line of each tool for TREE, in the order they run."""
    banned = f'lint.flake8-tidy-imports.banned-api."{BANNED_CLASS}".msg = "{BANNED_MSG}"'
    return {
        "ssot-guard": [str(ssot_guard), "check", str(tree), "--format", "json", "--exit-zero"],
        # Every file parsed whole: the speed of the checks themselves.
        NO_PREFILTER: [
            str(ssot_guard),
            "check",
            str(tree),
            "--format",
            "json",
            "--exit-zero",
            "--no-prefilter",
        ],
        "rg": [str(rg), "-l", SEARCH_WORD, "-g", f"!{EXCLUDED_DIR}", str(tree)],
        "ruff": [
            str(ruff),
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "TID251",
            "--exit-zero",
            "--extend-exclude",
            EXCLUDED_DIR,
            "--config",
            banned,
            str(tree),
        ],
    }


def run_once(argv: list[str]) -> Run:
    """Run ARGV to completion through RUNNER; return its wall time and peak RSS.

    stdin is /dev/null, stdout goes to /dev/null; stderr is kept so that it
    can be shown if the tool fails.
    """
    runner = [sys.executable, "-I", "-S", "-c", RUNNER, *argv]
    result = subprocess.run(
        runner, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True
    )
    wall_s, maxrss_kib, exit_code = result.stdout.split()
    return Run(
        wall_s=float(wall_s),
        maxrss_kib=int(maxrss_kib),
        exit_code=int(exit_code),
        stderr=result.stderr,
    )


def measure(name: str, argv: list[str], runs: int) -> ToolResult:
    """One warm-up run, then RUNS measured runs; stop at the first failure."""
    result = ToolResult(name=name, argv=argv)
    for index in range(runs + 1):
        run = run_once(argv)
        if run.exit_code not in OK_EXIT_CODES:
            result.failure = run
            break
        if index > 0:
            result.runs.append(run)
    return result


def ratios(results: dict[str, ToolResult]) -> dict[str, dict[str, float]]:
    """ssot-guard's median wall time and peak RSS divided by rg's and ruff's."""
    ours = results["ssot-guard"]
    out = {}
    for other_name in ("rg", "ruff"):
        other = results[other_name]
        if ours.failure or other.failure:
            continue
        out[f"ssot-guard/{other_name}"] = {
            "wall": statistics.median(ours.wall_ms()) / statistics.median(other.wall_ms()),
            "peak_rss": statistics.median(ours.rss_mib()) / statistics.median(other.rss_mib()),
        }
    return out


def print_tree_report(tree: Path, stats: TreeStats, results: dict[str, ToolResult]) -> None:
    """Print the numbers for one tree as a table."""
    mib = 1024 * 1024
    print(f"\ntree: {tree} ({EXCLUDED_DIR} excluded)")
    print(
        f"  {stats.py_files:,} .py files, {stats.py_bytes / mib:.1f} MiB; "
        f"{stats.all_files:,} files of any kind, {stats.all_bytes / mib:.1f} MiB"
    )
    header = f"  {'tool':<12} {'median ms':>10} {'min ms':>10} {'max ms':>10} {'peak RSS MiB':>13}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for result in results.values():
        if result.failure:
            print(f"  {result.name:<12} FAILED with exit code {result.failure.exit_code}")
            continue
        wall = result.wall_ms()
        print(
            f"  {result.name:<12} {statistics.median(wall):>10.1f} {min(wall):>10.1f}"
            f" {max(wall):>10.1f} {statistics.median(result.rss_mib()):>13.1f}"
        )
    whole = results.get(NO_PREFILTER)
    if whole and not whole.failure:
        seconds = statistics.median(whole.wall_ms()) / 1000
        cores = os.cpu_count() or 1
        print(
            f"  {NO_PREFILTER}: {stats.py_bytes / 1e6 / seconds:.1f} MB/s of source, "
            f"{stats.py_bytes / 1e6 / seconds / cores:.1f} MB/s per core ({cores} cores)"
        )
    for label, ratio in ratios(results).items():
        print(f"  {label + ':':<16} wall {ratio['wall']:.2f}x, peak RSS {ratio['peak_rss']:.2f}x")
    for result in results.values():
        print(f"  $ {shlex.join(result.argv)}")
        if result.failure:
            stderr = result.failure.stderr.strip() or "(no stderr)"
            print("    stderr: " + stderr.replace("\n", "\n            "))


def main() -> int:
    """Build, set up the tools, measure every tree and report."""
    args = parse_args()
    trees = [tree.resolve() for tree in (args.tree or [default_tree()])]
    if args.corpus:
        trees.append(generate_corpus(args.corpus))
    for tree in trees:
        if not tree.is_dir():
            sys.exit(f"error: tree {tree} is not a directory")
    if not args.no_build:
        build_release()
    ssot_guard = args.ssot_guard.resolve()
    if not os.access(ssot_guard, os.X_OK):
        sys.exit(f"error: {ssot_guard} is not an executable file")
    rg, ruff = ensure_venv(VENV_DIR)

    versions = {
        name: tool_version(exe)
        for name, exe in (("ssot-guard", ssot_guard), ("rg", rg), ("ruff", ruff))
    }
    floor = measure("floor", [NOOP], args.runs)
    print(f"runs: 1 warm-up + {args.runs} measured per tool, one tool at a time")
    print(
        f"floor of the measurement ({NOOP}): {statistics.median(floor.wall_ms()):.1f} ms, "
        f"{statistics.median(floor.rss_mib()):.1f} MiB peak RSS"
    )
    print("versions: " + "; ".join(f"{name} = {version}" for name, version in versions.items()))

    report = {
        "runs": args.runs,
        "warmup_runs": 1,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions,
        "floor": floor.summary(),
        "trees": [],
    }
    failed = False
    for tree in trees:
        stats = tree_stats(tree)
        results = {
            name: measure(name, argv, args.runs)
            for name, argv in commands(tree, ssot_guard, rg, ruff).items()
        }
        failed = failed or any(result.failure for result in results.values())
        print_tree_report(tree, stats, results)
        report["trees"].append(
            {
                "path": str(tree),
                "excluded": EXCLUDED_DIR,
                "py_files": stats.py_files,
                "py_bytes": stats.py_bytes,
                "all_files": stats.all_files,
                "all_bytes": stats.all_bytes,
                "tools": {name: result.summary() for name, result in results.items()},
                "ratios": ratios(results),
            }
        )

    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
