#!/usr/bin/env python3
"""What triage costs: ``triage`` of one traceback and of a 500,000-line log holding a thousand
tracebacks, on the generated back end committed to git, beside ``check`` of the same tree,
``rg -l`` and ruff's TID251 on the tree and ``rg -c`` on the log, in the same run.

    python3 scripts/bench_triage.py [--runs 3] [--files 10000] [--tracebacks 1000]

The tracebacks are made from the scan's own SSOT002 findings (the file, the line, its source and
the member, under ``/srv/app/`` as another machine prints them): each is one a migrated file
raises. The tools run one after the other, a warm-up and then ``--runs`` runs each, medians
(``bench.py``'s runner). Prints a markdown table and the slowest file of ``check``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import bench
from bench_fix import committed_copy, print_table, timed

TARGET = bench.REPO_ROOT / "target"
CORPUS = TARGET / "bench-corpus"
REPO = TARGET / "bench-triage"
LOG_LINES = 500_000


def tracebacks(ssot_guard: Path, repo: Path, count: int) -> list[str]:
    """One traceback per SSOT002 finding (up to COUNT), as python3 prints them elsewhere."""
    report = json.loads(subprocess.run(
        [str(ssot_guard), "check", ".", "--format", "json", "--exit-zero", "--select", "SSOT002"],
        cwd=repo, capture_output=True, text=True, check=True).stdout)
    found = []
    for finding in report["findings"]:
        member = finding.get("member")
        if not member:
            continue
        path, line = finding["path"], finding["line"]
        source = (repo / path).read_text(errors="replace").splitlines()[line - 1].strip()
        found.append(
            "Traceback (most recent call last):\n"
            '  File "/srv/app/main.py", line 12, in <module>\n'
            "    run()\n"
            f'  File "/srv/app/{path}", line {line}, in handler\n'
            f"    {source}\n"
            f"AttributeError: '{finding['symbol']}' object has no attribute '{member}'\n")
        if len(found) == count:
            break
    return found


def incident_log(found: list[str], out: Path) -> Path:
    """LOG_LINES lines of requests with the tracebacks spread among them, each line prefixed."""
    every = max(1, LOG_LINES // max(1, len(found)))
    with out.open("w") as log:
        for index in range(LOG_LINES):
            stamp = f"2026-12-02T10:{index // 60000 % 60:02}:{index // 1000 % 60:02}.{index % 1000:03}Z"
            log.write(f"{stamp} api-7f9c INFO request {index} done in 12 ms\n")
            if index % every == 0 and index // every < len(found):
                for line in found[index // every].splitlines():
                    log.write(f"{stamp} api-7f9c ERROR {line}\n")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--tracebacks", type=int, default=1000)
    args = parser.parse_args()
    bench.build_release()
    ssot_guard = bench.REPO_ROOT / "target" / "release" / "ssot-guard"
    _, rg, ruff = bench.ensure_venv(TARGET / "bench-venv")
    corpus = bench.generate_corpus(CORPUS, args.files, "real", aliases=True)
    repo = committed_copy(corpus, REPO)
    found = tracebacks(ssot_guard, repo, args.tracebacks)
    one = TARGET / "bench-triage-one.txt"
    one.write_text(found[0])
    log = incident_log(found, TARGET / "bench-triage.log")
    triage = [str(ssot_guard), "triage", "--project", str(repo), "--format", "json"]
    rows = {
        "triage (1 traceback)": timed(triage + [str(one)], args.runs),
        f"triage (log: {LOG_LINES:,} lines, {len(found)} tracebacks)": timed(
            triage + [str(log)], args.runs),
        "check": timed([str(ssot_guard), "check", str(repo), "--format", "json", "--exit-zero",
                        "--stats"], args.runs),
        "rg -l (tree)": timed(bench.rg_command(rg, repo, [bench.SEARCH_WORD]), args.runs),
        "rg -c Traceback (log)": timed([str(rg), "-c", "Traceback", str(log)], args.runs),
        "ruff check TID251 (tree)": timed(
            bench.ruff_command(ruff, repo, {bench.BANNED_CLASS: bench.BANNED_MSG}), args.runs),
    }
    size = log.stat().st_size / 1e6
    print(f"\n{args.runs} runs after a warm-up, medians; tree: {repo} ({args.files} files, "
          f"committed); log: {size:.1f} MB\n")
    print_table(rows, "rg -l (tree)", "ruff check TID251 (tree)")
    answer = json.loads(subprocess.run(triage + [str(log)], capture_output=True, text=True,
                                       check=False).stdout)
    print(f"\nlog: {answer['input']['exceptions']} exceptions, {len(answer['files'])} files, "
          f"decision {answer['decision']['severity']} level {answer['decision']['level']}, "
          f"{len(answer['culprit_commits'])} suspect commits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
