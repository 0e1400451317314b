//! Helpers shared by the integration tests: running the binary, and small projects in temporary
//! folders that hold the two real class definitions from `fixtures/backend`.

#![allow(dead_code)] // each test crate uses its own subset

pub mod repo;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BACKEND: &str = "fixtures/backend";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `ssot-guard` with `args` in `cwd`.
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssot-guard"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Generates the synthetic back end of `scripts/gen_corpus.py` in `out` (replacing it), with the
/// script's flags (`--files N`, `--seed N`, `--usage-share F`).
pub fn generate_corpus(out: &Path, flags: &[&str]) {
    let status = Command::new("python3")
        .arg(repo_root().join("scripts/gen_corpus.py"))
        .arg(out)
        .args(flags)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs the corpus generator");
    assert!(status.success(), "gen_corpus.py {flags:?} failed");
}

/// A project in a temporary folder: `pyproject.toml` with `[tool.ssot-guard]`, the deprecated
/// and SSOT class definitions copied from the bundled example, and the given files.
pub struct TempProject {
    pub dir: tempfile::TempDir,
}

impl TempProject {
    pub fn new(files: &[(&str, &str)]) -> TempProject {
        let project = TempProject::bare(&[("pyproject.toml", "[tool.ssot-guard]\n")]);
        project.write_class_definitions("");
        for (path, text) in files {
            project.write(path, text);
        }
        project
    }

    /// Copies the two class definitions (and their packages) from the bundled example below
    /// `prefix` (`""` or `"src/"`).
    pub fn write_class_definitions(&self, prefix: &str) {
        let backend = repo_root().join(BACKEND);
        for module in [
            "netra_backend/__init__.py",
            "netra_backend/app/__init__.py",
            "netra_backend/app/agents/__init__.py",
            "netra_backend/app/agents/state.py",
            "netra_backend/app/schemas/__init__.py",
            "netra_backend/app/schemas/agent_models.py",
        ] {
            let text = std::fs::read_to_string(backend.join(module)).unwrap();
            self.write(&format!("{prefix}{module}"), &text);
        }
    }

    /// A project with only the given files.
    pub fn bare(files: &[(&str, &str)]) -> TempProject {
        let project = TempProject {
            dir: tempfile::tempdir().unwrap(),
        };
        for (path, text) in files {
            project.write(path, text);
        }
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        self.write_bytes(path, text.as_bytes());
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    }

    /// `check --format json` over the project; returns the parsed report and the exit code.
    pub fn check_json(&self, extra: &[&str]) -> (serde_json::Value, i32) {
        let mut args = vec!["check", ".", "--format", "json"];
        args.extend_from_slice(extra);
        let output = run(self.path(), &args);
        let code = output.status.code().expect("exit code");
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&output)));
        (report, code)
    }

    /// The findings outside the two class definitions, one line each:
    /// `CODE severity path:line:column member`.
    pub fn findings(&self) -> Vec<String> {
        compact_findings(&self.check_json(&[]).0)
    }
}

/// `CODE severity path:line:column member` for each finding of a JSON report.
pub fn compact_findings(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}:{} {}",
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["member"].as_str().unwrap_or("-"),
            )
        })
        .collect()
}

/// Asserts that a run failed with exit code 2 and that its diagnostic says `expected`.
pub fn assert_error(output: &Output, expected: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    assert!(stderr(output).contains(expected), "{}", stderr(output));
}

/// Asserts that a run's stderr says `expected`.
pub fn assert_stderr(output: &Output, expected: &str) {
    assert!(stderr(output).contains(expected), "{}", stderr(output));
}

/// The paths of a JSON report's files marked `parse_error`.
pub fn parse_error_paths(report: &serde_json::Value) -> Vec<&str> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["parse_error"] == true)
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}
