#!/usr/bin/env python3
"""Checks what ssot-guard's findings claim against what Python does.

    runtime_claims.py ROOT REPORT.json FILE...

ROOT is the project (put on sys.path), REPORT.json its `check --format json` report, and each FILE
a module of it (a fixture). Each FILE is run twice, top-level statement by top-level statement in
one namespace (a statement that raises is at the innermost line of the file in its traceback, so
a function called at the top level is checked too):

- today: as written. The statements that raise must be exactly the lines of the findings that say
  the code fails today (errors), with the exception they name ("raises TypeError").
- after the move: every deprecated module that Python can import has its class replaced by the
  SSOT class (so every project module that imports it, a factory of another module too, gets the
  SSOT class), and the file's own imports of a migrated class from a deprecated module are
  switched to the SSOT module (under the class's new name, bound to the old local name: this
  also covers a deprecated module that is not a file). The statements that raise
  must be exactly the lines of the errors and of the warnings that say the code will raise, with
  the exception they name. A statement that raises because of a keyword an SSOT003 finding names
  is run again without that keyword, so that the names it binds exist for the next statements.

Findings that claim no exception ("silently drops", "adds an attribute") must be on statements
that do not raise. Exits 1, printing every mismatch, when Python disagrees with a finding.
"""

import ast
import contextlib
import copy
import importlib
import os
import json
import re
import sys
import warnings
from pathlib import Path

CLAIM = re.compile(r"\b(?:raises|will raise) (\w+)")


def claimed_exception(finding):
    """The exception a finding says its line raises, or None when it says it raises nothing."""
    if finding["code"] == "SSOT004":
        return "ImportError"
    if finding["code"] not in ("SSOT002", "SSOT003"):
        return None
    match = CLAIM.search(finding["message"])
    return match.group(1) if match else None


def switched(tree, migrations):
    """`tree` with each deprecated import of a migrated class switched to the SSOT module."""
    tree = copy.deepcopy(tree)
    body = []
    for statement in tree.body:
        if not isinstance(statement, ast.ImportFrom) or statement.level:
            body.append(statement)
            continue
        kept = []
        for alias in statement.names:
            move = next(
                (
                    m
                    for m in migrations
                    if statement.module in m["deprecated"] and alias.name == m["symbol"]
                ),
                None,
            )
            if move is None:
                kept.append(alias)
                continue
            new = ast.ImportFrom(
                module=move["ssot"],
                names=[
                    ast.alias(
                        name=move["new_name"] or move["symbol"],
                        asname=alias.asname or alias.name,
                    )
                ],
                level=0,
            )
            body.append(ast.copy_location(new, statement))
        if kept:
            statement.names = kept
            body.append(statement)
    tree.body = body
    return ast.fix_missing_locations(tree)


def without_keywords(statement, keywords):
    """`statement` with the keyword arguments `keywords` removed from every call in it."""
    statement = copy.deepcopy(statement)
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            node.keywords = [k for k in node.keywords if k.arg not in keywords]
    return statement


def raising_line(error, path, default):
    """The line of `path` the exception came from: the innermost frame in the file (a function
    the statement called), else the statement's."""
    line = default
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == str(path):
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def run(tree, path, dropped):
    """Runs each top-level statement; returns {line: exception name} of those that raised."""
    namespace = {"__name__": "__runtime_claims__", "__file__": str(path)}
    raised = {}
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        for statement in tree.body:
            try:
                exec(compile(ast.Module([statement], []), str(path), "exec"), namespace)
            except Exception as error:  # what the line does is the point
                raised[raising_line(error, path, statement.lineno)] = type(error).__name__
                keywords = dropped.get(statement.lineno)
                if keywords:
                    try:
                        retry = without_keywords(statement, keywords)
                        exec(compile(ast.Module([retry], []), str(path), "exec"), namespace)
                    except Exception:
                        pass
    return raised


def expected(findings, after_move):
    """{line: exception} that the findings claim for one run."""
    lines = {}
    for finding in findings:
        exception = claimed_exception(finding)
        fails_today = finding["severity"] == "error"
        if exception and (fails_today or after_move):
            lines[finding["line"]] = exception
    return lines


def forget_project_modules(root):
    """Drops the project's modules from sys.modules, so that the next run imports them anew."""
    root = Path(root).resolve()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve().is_relative_to(root):
            del sys.modules[name]


def move_classes(migrations):
    """Replaces each migrated class in its deprecated modules by the SSOT class."""
    for migration in migrations:
        try:
            ssot = importlib.import_module(migration["ssot"])
            new = getattr(ssot, migration["new_name"] or migration["symbol"])
        except (ImportError, AttributeError):
            continue
        for deprecated in migration["deprecated"]:
            try:
                setattr(importlib.import_module(deprecated), migration["symbol"], new)
            except ImportError:
                continue


def main():
    root, report_path, *files = sys.argv[1:]
    report = json.loads(Path(report_path).read_text())
    sys.path.insert(0, root)
    warnings.simplefilter("ignore")
    mismatches = 0
    checked = 0
    for file in files:
        path = Path(file)
        tree = ast.parse(path.read_text(), str(path))
        findings = [f for f in report["findings"] if Path(f["path"]) == path]
        dropped = {}
        for f in findings:
            if f["code"] == "SSOT003" and claimed_exception(f):
                dropped.setdefault(f["line"], set()).add(f["member"])
        for label, after_move, program in (
            ("today", False, tree),
            ("after the move", True, switched(tree, report["migrations"])),
        ):
            forget_project_modules(root)
            if after_move:
                move_classes(report["migrations"])
            actual = run(program, path, dropped)
            claimed = expected(findings, after_move)
            for line in sorted(set(actual) | set(claimed)):
                checked += 1
                python = actual.get(line, "nothing")
                said = claimed.get(line, "nothing")
                agree = "agrees" if python == said else "MISMATCH"
                mismatches += python != said
                print(f"{path}:{line} {label}: Python raises {python}, the findings say {said}: {agree}")
    print(f"{checked} raising lines compared, {mismatches} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
