#!/usr/bin/env python3
"""Checks a pytest run against ssot-guard's findings.

    pytest_claims.py REPORT.json JUNIT.xml TEST_FILE

The test functions of TEST_FILE that fail must be exactly those that hold a finding saying the
code fails today (an error-severity SSOT002, SSOT003 or SSOT004). Exits 1 on a mismatch.
"""

import ast
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main():
    report_path, junit_path, test_file = sys.argv[1:]
    report = json.loads(Path(report_path).read_text())
    tree = ast.parse(Path(test_file).read_text())
    functions = [
        node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")
    ]
    failing_lines = {
        f["line"]
        for f in report["findings"]
        if Path(f["path"]) == Path(test_file)
        and f["severity"] == "error"
        and f["code"] in ("SSOT002", "SSOT003", "SSOT004")
    }
    claimed = {
        function.name
        for function in functions
        if any(function.lineno <= line <= function.end_lineno for line in failing_lines)
    }
    failed = set()
    ran = set()
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        ran.add(case.get("name"))
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(case.get("name"))
    print(f"{len(ran)} tests ran; failed: {sorted(failed)}; the findings say: {sorted(claimed)}")
    if ran != {f.name for f in functions}:
        print("not every test function ran")
        return 1
    return 0 if failed == claimed else 1


if __name__ == "__main__":
    sys.exit(main())
