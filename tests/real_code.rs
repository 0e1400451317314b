//! Real public code: the machine's own CPython standard library, with a rule for a move it made
//! itself. Python 3.11 moved `Traversable` and `TraversableResources` from `importlib.abc` to
//! `importlib.resources.abc` (gh-93610), and `importlib.abc` became a shim that re-exports them.
//! The findings are compared with an independent oracle: Python's own `ast`, over the same files.

use crate::common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{run, stderr};

const RULE: &str = "id = \"traversable\"\ndeprecated = [\"importlib.abc\"]\n\
                    ssot = \"importlib.resources.abc\"\nissue = \"gh-93610\"\n\n\
                    [[symbols]]\nname = \"Traversable\"\n\n[[symbols]]\nname = \"TraversableResources\"\n";

/// The standard library of the `python3` on PATH.
fn stdlib() -> PathBuf {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 runs");
    assert!(output.status.success());
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

/// `path:line:column` (1-based, relative to the standard library) of every name that imports one
/// of the classes from `importlib.abc`, absolute or relative, as Python's `ast` reads the files
/// ssot-guard scans by default (site-packages and `__pycache__` left out). Files `ast` cannot
/// parse (the test suite's deliberately broken ones) are skipped: none imports the classes.
const ORACLE: &str = r#"
import ast, os, sys
root = sys.argv[1]
names = {"Traversable", "TraversableResources"}
for folder, dirs, files in os.walk(root):
    dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
    for file in sorted(files):
        if not file.endswith(".py"):
            continue
        path = os.path.join(folder, file)
        rel = os.path.relpath(path, root)
        source = open(path, "rb").read()
        # An import of a class names it: other files cannot hold one.
        if b"Traversable" not in source:
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        package = os.path.dirname(rel).replace(os.sep, ".")
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            module = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                base = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                module = ".".join(base + ([module] if module else []))
            if module != "importlib.abc":
                continue
            text = source.decode("utf-8", "replace").splitlines()[node.lineno - 1]
            for alias in node.names:
                if alias.name in names:
                    column = text.index(alias.name, node.col_offset) + 1
                    print(f"{rel}:{node.lineno}:{column}")
"#;

#[test]
fn the_stdlib_shim_is_one_class_and_its_deprecated_imports_are_exactly_pythons() {
    let stdlib = stdlib();
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("traversable.toml"), RULE).unwrap();
    std::fs::write(
        project.path().join("ssot-guard.toml"),
        format!(
            "rules = [\"traversable.toml\"]\nmigration = \"traversable\"\nsrc = [{:?}]\n",
            stdlib.display().to_string()
        ),
    )
    .unwrap();
    let stdlib_arg = stdlib.display().to_string();

    let rules = run(
        project.path(),
        &[
            "rules",
            &stdlib_arg,
            "--config",
            "ssot-guard.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(rules.status.code(), Some(0), "{}", stderr(&rules));
    let rules: serde_json::Value = serde_json::from_slice(&rules.stdout).unwrap();
    for (index, name) in ["Traversable", "TraversableResources"].iter().enumerate() {
        let rule = &rules["rules"][index];
        assert_eq!(rule["id"], format!("traversable/{name}"));
        assert_eq!(rule["members_source"], "same-class");
        assert_eq!(rule["modules"][0]["provides"], "re-exports");
        assert_eq!(rule["modules"][1]["provides"], "defines");
        assert_eq!(rule["warnings"], serde_json::json!([]));
    }

    let check = run(
        project.path(),
        &[
            "check",
            &stdlib_arg,
            "--config",
            "ssot-guard.toml",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value =
        serde_json::from_slice(&check.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&check)));
    let found: BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SSOT001")
        .map(|f| {
            let path = PathBuf::from(f["path"].as_str().unwrap());
            let relative = path
                .strip_prefix(&stdlib)
                .unwrap_or(&path)
                .display()
                .to_string();
            format!("{relative}:{}:{}", f["line"], f["column"])
        })
        .collect();
    let oracle = std::process::Command::new("python3")
        .args(["-c", ORACLE, &stdlib_arg])
        .output()
        .unwrap();
    assert!(
        oracle.status.success(),
        "{}",
        String::from_utf8_lossy(&oracle.stderr)
    );
    let expected: BTreeSet<String> = String::from_utf8(oracle.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    // The case must be there to be tested: 3.11's own test suite still imports the old path.
    assert!(
        !expected.is_empty(),
        "no deprecated import in {}",
        stdlib.display()
    );
    assert_eq!(found, expected);
    // One class on both sides: nothing but the imports is a finding.
    let codes: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, BTreeSet::from(["SSOT001"]));
    assert_eq!(report["summary"]["errors"], 0, "{}", stderr(&check));
}
