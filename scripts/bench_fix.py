#!/usr/bin/env python3
"""What fixing costs: ``check``, ``check --diff --unsafe-fixes`` (every fix planned, applied in
memory and checked again, nothing written) and ``check --fix --unsafe-fixes`` (the same, written,
then the tree scanned again) on the generated back end, beside ``rg -l`` and ruff's TID251 on the
same tree in the same run; and the size of ``migrate --batch 5 --dry-run``'s plan.

    python3 scripts/bench_fix.py [--runs 3] [--files 10000]

``--fix`` writes, so each of its runs gets a fresh copy of the tree (the copy is not timed). The
tools run one after the other, a warm-up and then ``--runs`` runs each, medians (``bench.py``'s
runner: wall time, CPU time and peak RSS of the process alone). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import bench

TARGET = bench.REPO_ROOT / "target"
CORPUS = TARGET / "bench-corpus"
FIX_COPY = TARGET / "bench-fix-copy"
MIGRATE_REPO = TARGET / "bench-migrate"


def fresh_copy(corpus: Path) -> Path:
    if FIX_COPY.exists():
        shutil.rmtree(FIX_COPY)
    shutil.copytree(corpus, FIX_COPY, symlinks=True)
    return FIX_COPY


def timed(argv: list[str], runs: int, before=None) -> bench.ToolResult:
    """A warm-up and RUNS measured runs of ARGV; BEFORE() runs (untimed) before each."""
    result = bench.ToolResult(name=argv[0], argv=argv, report=None)
    for index in range(runs + 1):
        if before:
            before()
        run = bench.run_once(argv)
        if run.exit_code not in bench.OK_EXIT_CODES:
            sys.exit(f"error: {' '.join(argv)} exited {run.exit_code}:\n{run.stderr[-2000:]}")
        if index > 0:
            result.runs.append(run)
    return result


def committed_copy(corpus: Path, repo: Path) -> Path:
    """CORPUS copied to REPO (replaced) and committed there as one commit."""
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(corpus, repo, symlinks=True)
    bench.git(repo, "init", "--quiet")
    bench.git(repo, "add", "--all")
    bench.git(repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost",
              "commit", "--quiet", "--message", "The generated back end")
    return repo


def migrate_plan(ssot_guard: Path, corpus: Path) -> dict:
    """``migrate --batch 5 --dry-run --format json`` in a committed git copy of CORPUS."""
    committed_copy(corpus, MIGRATE_REPO)
    run = bench.run_once([str(ssot_guard), "migrate", ".", "--batch", "5", "--dry-run"],
                         cwd=MIGRATE_REPO)
    output = subprocess.run(
        [str(ssot_guard), "migrate", ".", "--batch", "5", "--dry-run", "--format", "json"],
        cwd=MIGRATE_REPO, capture_output=True, text=True, check=False)
    plan = json.loads(output.stdout) if output.stdout.strip() else {}
    return {"wall_ms": run.wall_s * 1000, "plan": plan, "exit": output.returncode,
            "stderr": output.stderr[-500:]}


def print_table(rows: dict[str, bench.ToolResult], rg: str, ruff: str) -> None:
    """ROWS as a markdown table, each as a ratio to rows RG and RUFF, then the slowest file of
    the row named ``check`` (run with ``--stats``)."""
    rg_ms, ruff_ms = rows[rg].median_ms(), rows[ruff].median_ms()
    print(f"| command | wall | CPU | peak RSS | vs `{rg}` | vs ruff |")
    print("|---|---|---|---|---|---|")
    for name, result in rows.items():
        ms = result.median_ms()
        print(f"| {name} | {ms:,.0f} ms | {result.median_cpu_ms():,.0f} ms | "
              f"{result.median_rss():.0f} MiB | {ms / rg_ms:.2f}x | {ms / ruff_ms:.3f}x |")
    slowest = rows["check"].runs[-1].stats()
    if slowest:
        print(f"\nslowest file of `check`: {slowest.get('slowest ms')} ms: {slowest.get('slowest file')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--no-migrate", action="store_true", help="skip the migrate plan")
    args = parser.parse_args()
    bench.build_release()
    ssot_guard = bench.REPO_ROOT / "target" / "release" / "ssot-guard"
    _, rg, ruff = bench.ensure_venv(TARGET / "bench-venv")
    corpus = bench.generate_corpus(CORPUS, args.files, "real", aliases=True)
    check = [str(ssot_guard), "check", str(corpus), "--format", "json", "--exit-zero", "--stats"]
    rows = {
        "check": timed(check, args.runs),
        "check --diff --unsafe-fixes": timed(
            [str(ssot_guard), "check", str(corpus), "--diff", "--unsafe-fixes"], args.runs),
        "check --fix --unsafe-fixes (fresh copy each run)": timed(
            [str(ssot_guard), "check", str(FIX_COPY), "--fix", "--unsafe-fixes", "--exit-zero",
             "--format", "json"], args.runs, before=lambda: fresh_copy(corpus)),
        "rg -l": timed(bench.rg_command(rg, corpus, [bench.SEARCH_WORD]), args.runs),
        "ruff check TID251": timed(
            bench.ruff_command(ruff, corpus, {bench.BANNED_CLASS: bench.BANNED_MSG}), args.runs),
    }
    print(f"\n{args.runs} runs after a warm-up, medians; tree: {corpus} ({args.files} files)\n")
    print_table(rows, "rg -l", "ruff check TID251")
    fixed = subprocess.run(
        [str(ssot_guard), "check", str(corpus), "--diff", "--unsafe-fixes"],
        capture_output=True, text=True, check=False).stderr.strip()
    safe = subprocess.run(
        [str(ssot_guard), "check", str(corpus), "--diff"],
        capture_output=True, text=True, check=False).stderr.strip()
    print(f"\n`--diff --unsafe-fixes`: {fixed}\n`--diff`: {safe}")
    if not args.no_migrate:
        plan = migrate_plan(ssot_guard, corpus)
        batches = plan["plan"].get("batches", [])
        files = sum(len(b.get("files", [])) for b in batches)
        print(f"\n`migrate --batch 5 --dry-run`: {len(batches)} batches, {files} files, "
              f"{plan['wall_ms']:,.0f} ms (exit {plan['exit']}) {plan['stderr']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
