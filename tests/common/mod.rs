//! Helpers shared by the integration tests: running the binary, and small projects in temporary
//! folders that hold the two real class definitions from `fixtures/backend`.

pub mod repo;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BACKEND: &str = "fixtures/backend";

/// Every `--format` of `check`.
pub const FORMATS: [&str; 8] = [
    "human",
    "json",
    "json-lines",
    "concise",
    "sarif",
    "junit",
    "github",
    "gitlab",
];

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
/// script's flags (`--files N`, `--seed N`, `--usage-share F`, `--shape real|legacy`,
/// `--no-aliases`).
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

// Reading the machine formats back, for the tests that check them.

/// SARIF files land in `target/tmp/sarif/`, where `.ci/run` hands them to the SARIF Multitool.
pub fn save_for_the_validator(name: &str, text: &str) {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(name), text).unwrap();
}

pub fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            decoded.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).unwrap()
}

/// `::command key=value,...::message` into its decoded properties and message.
pub fn parse_workflow_command(line: &str) -> (std::collections::BTreeMap<String, String>, String) {
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, message) = rest.split_once("::").expect("properties end with ::");
    let (command, properties) = head.split_once(' ').unwrap();
    assert!(["error", "warning", "notice"].contains(&command), "{line}");
    let unescape = |value: &str| {
        value
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let properties = properties
        .split(',')
        .map(|property| {
            let (key, value) = property.split_once('=').unwrap();
            (key.to_owned(), unescape(value))
        })
        .collect();
    (properties, unescape(message))
}

pub fn xml_unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').unwrap() + at;
        let entity = &rest[at + 1..end];
        out.push(match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = entity.strip_prefix('#').expect("a character reference");
                char::from_u32(code.parse().unwrap()).unwrap()
            }
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Enough of XML 1.0 to catch what escaping gets wrong: only allowed characters, every `&` an
/// entity, no `<` or `"` inside attribute values, no `<` in text, tags balanced.
pub fn assert_xml_is_well_formed(xml: &str) {
    for c in xml.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}'),
            "{c:?} is not allowed in XML"
        );
    }
    for (at, _) in xml.match_indices('&') {
        let entity = &xml[at..xml[at..].find(';').map_or(xml.len(), |end| at + end + 1)];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity)
                || (entity.starts_with("&#")
                    && entity[2..entity.len() - 1]
                        .bytes()
                        .all(|b| b.is_ascii_digit())),
            "bad entity {entity:?}"
        );
    }
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("the XML declaration");
    let mut open: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        assert!(
            !rest[..start].contains('>'),
            "stray `>` in {:?}",
            &rest[..start]
        );
        let tag_end = start + tag_length(&rest[start..]);
        let tag = &rest[start + 1..tag_end - 1];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "unbalanced </{name}>");
        } else {
            let name = tag.split([' ', '/']).next().unwrap();
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
        rest = &rest[tag_end..];
    }
    assert!(open.is_empty(), "unclosed {open:?}");
    assert_eq!(rest, "\n");
}

/// The length of the tag at the start of `text`, checking its attribute values on the way.
pub fn tag_length(text: &str) -> usize {
    let mut in_value = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            '"' => in_value = !in_value,
            '<' => panic!("`<` inside a tag: {:?}", &text[..at]),
            '>' if !in_value => return at + 1,
            _ => {}
        }
    }
    panic!("unterminated tag: {text:?}")
}
