//! The report formats: a snapshot of each for one file with several codes (the reviewed contract),
//! the output without findings, and file names that try to break each format.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{repo_root, run, stderr, stdout, TempProject};

/// Findings SSOT001, SSOT005, SSOT003 and two SSOT002: warnings and errors.
const HANDLERS: &str = "fixtures/backend/netra_backend/app/websocket_core/handlers.py";
const CLEAN: &str = "fixtures/backend/netra_backend/app/services/thread_service.py";

const FORMATS: [&str; 8] = [
    "human",
    "json",
    "json-lines",
    "concise",
    "sarif",
    "junit",
    "github",
    "gitlab",
];

fn check(cwd: &std::path::Path, path: &str, format: &str) -> String {
    let output = run(cwd, &["check", path, "--format", format]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "--format {format}: {}",
        stderr(&output)
    );
    stdout(&output)
}

#[test]
fn every_format_matches_its_snapshot() {
    for format in FORMATS {
        let text = check(&repo_root(), HANDLERS, format);
        assert!(
            text.ends_with('\n'),
            "--format {format} ends with a newline"
        );
        let name = format!("handlers_{}", format.replace('-', "_"));
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn without_findings_each_format_says_so_in_its_own_way() {
    let root = repo_root();
    assert_eq!(check(&root, CLEAN, "json-lines"), "");
    assert_eq!(check(&root, CLEAN, "github"), "");
    assert_eq!(check(&root, CLEAN, "gitlab"), "[]\n");
    assert_eq!(
        check(&root, CLEAN, "concise"),
        "No findings for `DeepAgentState` in 1 file.\n"
    );
    let sarif: serde_json::Value = serde_json::from_str(&check(&root, CLEAN, "sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        6,
        "every rule is described, used or not"
    );
    let junit = check(&root, CLEAN, "junit");
    assert_xml_is_well_formed(&junit);
    assert!(
        junit.contains("<testsuites name=\"ssot-guard\" tests=\"1\" failures=\"0\" errors=\"0\">")
    );
    assert!(junit.contains("<testcase name=\"No findings\" classname=\"ssot-guard\" />"));
}

#[test]
fn statistics_are_json_lines_in_json_lines_and_text_elsewhere() {
    let statistics = |format: &str| {
        stdout(&run(
            &repo_root(),
            &["check", HANDLERS, "--statistics", "--format", format],
        ))
    };
    assert_eq!(
        statistics("json-lines"),
        "{\"code\":\"SSOT001\",\"name\":\"deprecated-import\",\"count\":1}\n\
         {\"code\":\"SSOT002\",\"name\":\"missing-member\",\"count\":2}\n\
         {\"code\":\"SSOT003\",\"name\":\"dropped-field\",\"count\":1}\n\
         {\"code\":\"SSOT005\",\"name\":\"mixed-sources\",\"count\":1}\n"
    );
    let text = statistics("human");
    for format in ["concise", "sarif", "junit", "github", "gitlab"] {
        assert_eq!(statistics(format), text, "--format {format}");
    }
}

#[test]
fn info_findings_pass_in_junit_and_are_notes_and_notices_elsewhere() {
    let project = TempProject::new(&[(
        "app/guarded.py",
        "from netra_backend.app.schemas.agent_models import DeepAgentState\n\n\
         def f(s: DeepAgentState):\n    return hasattr(s, \"thread_id\")\n",
    )]);
    let junit = check(project.path(), ".", "junit");
    assert_xml_is_well_formed(&junit);
    assert!(junit.contains("tests=\"1\" failures=\"0\""), "{junit}");
    assert!(junit.contains("<system-out>line 4, col 12, "), "{junit}");
    assert!(!junit.contains("<failure"), "{junit}");
    let github = check(project.path(), ".", "github");
    assert!(github.starts_with("::notice title=SSOT006 (guarded-access),file=app/guarded.py,"));
    let sarif: serde_json::Value =
        serde_json::from_str(&check(project.path(), ".", "sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "note");
    let gitlab: serde_json::Value =
        serde_json::from_str(&check(project.path(), ".", "gitlab")).unwrap();
    assert_eq!(gitlab[0]["severity"], "info");
}

/// A file name with spaces, quotes, `$(...)`, backticks, `#`, `%` and `,` (and on unix a
/// newline): every format stays well-formed and names the file exactly.
#[test]
fn odd_file_names_keep_every_format_well_formed() {
    let source = "from netra_backend.app.agents.state import DeepAgentState\n\n\
                  def f(s: DeepAgentState):\n    hasattr(s, \"thread_id\")\n    return s.thread_id\n";
    let mut names = vec!["odd dir/it's \"quoted\" $(touch pwned) `id` #1, 100%.py"];
    if cfg!(unix) {
        names.push("odd dir/new\nline\r.py");
    }
    let files: Vec<(&str, &str)> = names.iter().map(|name| (*name, source)).collect();
    let project = TempProject::new(&files);
    let cwd = project.path();
    let expected_paths: BTreeSet<&str> = names.iter().copied().collect();

    // JSON and JSON lines: the same findings, paths intact.
    let report: serde_json::Value = serde_json::from_str(&check(cwd, ".", "json")).unwrap();
    let findings = report["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 3 * names.len(), "{findings:#?}");
    let paths: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, expected_paths);
    let lines = check(cwd, ".", "json-lines");
    let parsed: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(parsed, findings);

    // SARIF: each URI decodes back to its path, and points at its rule.
    let sarif_text = check(cwd, ".", "sarif");
    save_for_the_validator("odd file names 'quoted' #1.sarif", &sarif_text);
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(&findings) {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        let uri = artifact["uri"].as_str().unwrap();
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
            "{uri}"
        );
        assert_eq!(percent_decode(uri), finding["path"].as_str().unwrap());
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
        assert_eq!(result["ruleId"], finding["code"]);
        assert_eq!(
            result["partialFingerprints"]["ssotGuard/v1"],
            finding["fingerprint"]
        );
    }

    // GitLab: paths intact, fingerprints unique.
    let gitlab: serde_json::Value = serde_json::from_str(&check(cwd, ".", "gitlab")).unwrap();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), findings.len());
    let paths: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, expected_paths);
    let fingerprints: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len());

    // GitHub: one command per line, the file property decodes back to the path.
    let github = check(cwd, ".", "github");
    let commands: Vec<&str> = github.lines().collect();
    assert_eq!(commands.len(), findings.len(), "{github}");
    for (command, finding) in commands.iter().zip(&findings) {
        let (properties, message) = parse_workflow_command(command);
        assert_eq!(
            properties.get("file").map(String::as_str),
            finding["path"].as_str()
        );
        assert_eq!(
            properties.get("line").map(String::as_str),
            Some(finding["line"].to_string().as_str())
        );
        assert!(message.ends_with(finding["message"].as_str().unwrap()));
    }

    // JUnit: well-formed, each suite named after its file.
    let junit = check(cwd, ".", "junit");
    assert_xml_is_well_formed(&junit);
    let suites: BTreeSet<String> = junit
        .match_indices("<testsuite name=\"")
        .map(|(at, open)| {
            let value = &junit[at + open.len()..];
            xml_unescape(&value[..value.find('"').unwrap()])
        })
        .collect();
    let suites: BTreeSet<&str> = suites.iter().map(String::as_str).collect();
    assert_eq!(suites, expected_paths, "{junit}");
    let (tests, failures) = (3 * names.len(), 2 * names.len());
    assert!(
        junit.contains(&format!(
            "<testsuites name=\"ssot-guard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
        )),
        "{junit}"
    );

    // Concise: one line per finding, then the summary.
    let concise = check(cwd, ".", "concise");
    assert_eq!(concise.lines().count(), findings.len() + 1, "{concise}");
}

/// The SARIF of the example back end, for `scripts/validate-sarif.sh` (run by `.ci/run`).
#[test]
fn backend_sarif_is_written_for_the_validator() {
    let sarif = check(&repo_root(), common::BACKEND, "sarif");
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 118);
    save_for_the_validator("backend.sarif", &sarif);
}

/// SARIF files land in `target/tmp/sarif/`, where `.ci/run` hands them to the SARIF Multitool.
fn save_for_the_validator(name: &str, text: &str) {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(name), text).unwrap();
}

fn percent_decode(uri: &str) -> String {
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
fn parse_workflow_command(line: &str) -> (std::collections::BTreeMap<String, String>, String) {
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

fn xml_unescape(text: &str) -> String {
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
fn assert_xml_is_well_formed(xml: &str) {
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
fn tag_length(text: &str) -> usize {
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
