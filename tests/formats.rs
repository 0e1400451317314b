//! The report formats: a snapshot of each for one file with several codes (the reviewed contract)
//! and the output without findings. File names that try to break each format are a row of
//! `tests/bad_inputs.rs`.

use crate::common;

use common::{
    assert_xml_is_well_formed, repo_root, run, save_for_the_validator, stderr, stdout, TempProject,
    FORMATS,
};

/// Findings SSOT001, SSOT005, SSOT003 and two SSOT002: warnings and errors.
const HANDLERS: &str = "fixtures/backend/netra_backend/app/websocket_core/handlers.py";
const CLEAN: &str = "fixtures/backend/netra_backend/app/services/thread_service.py";

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

/// The SARIF of the example back end, for `scripts/validate-sarif.sh` (run by `.ci/run`).
#[test]
fn backend_sarif_is_written_for_the_validator() {
    let sarif = check(&repo_root(), common::BACKEND, "sarif");
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 119);
    save_for_the_validator("backend.sarif", &sarif);
}

/// miette pads the line under a snippet to the label with a format width, which Rust caps at
/// 65,535: a finding further into its line (here 16,384 tabs, 4 columns each, in a 16 KB file)
/// made the human report panic. It is shown without the snippet, its location in the message;
/// a finding near the start of the line keeps its snippet.
#[test]
fn human_output_of_a_finding_far_into_a_long_line() {
    let project = TempProject::new(&[(
        "app/long.py",
        &format!(
            "from netra_backend.app.agents.state import DeepAgentState\n\n\
             s = DeepAgentState()\nx = ({}s.thread_id)\n",
            "\t".repeat(16_384)
        ),
    )]);
    let output = run(project.path(), &["check", "app/long.py"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("╭─[app/long.py:1:44]"), "{text}");
    assert!(
        text.contains("app/long.py:4:16390: reads `thread_id` on `s`"),
        "{text}"
    );
    assert!(!text.contains("\t\t"), "the long line is not printed");
}
