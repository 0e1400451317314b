//! The bundled example back end: exact findings, the JSON report, exit codes (determinism is in
//! `determinism.rs`).

use crate::common;

use common::{repo_root, run, stderr, stdout, BACKEND};

/// Every finding in `fixtures/backend`, as `tests/expected/backend.findings` lists them by hand:
/// `CODE severity path:line member`, sorted by path, line and code.
#[test]
fn backend_findings_are_exactly_the_expected_ones() {
    let output = run(&repo_root(), &["check", BACKEND, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut actual: Vec<(String, usize, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let path = path.strip_prefix("fixtures/backend/").unwrap().to_owned();
            let line = f["line"].as_u64().unwrap() as usize;
            let code = f["code"].as_str().unwrap().to_owned();
            let rest = format!(
                "{} {}",
                f["severity"].as_str().unwrap(),
                f["member"].as_str().unwrap_or("-")
            );
            (path, line, code, rest)
        })
        .collect();
    actual.sort();
    let actual: Vec<String> = actual
        .into_iter()
        .map(|(path, line, code, rest)| {
            let (severity, member) = rest.split_once(' ').unwrap();
            format!("{code} {severity} {path}:{line} {member}")
        })
        .collect();
    let expected =
        std::fs::read_to_string(repo_root().join("tests/expected/backend.findings")).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(actual, expected);
}

#[test]
fn backend_json_report_matches_the_snapshot() {
    let output = run(&repo_root(), &["check", BACKEND, "--format", "json"]);
    insta::assert_snapshot!("backend_report_json", stdout(&output));
}

#[test]
fn backend_json_summary_counts_files_and_codes() {
    let output = run(&repo_root(), &["check", BACKEND, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["version"], 2);
    assert_eq!(
        report["migrations"],
        serde_json::json!([{
            "id": "deepagentstate",
            "rule": "deepagentstate",
            "symbol": "DeepAgentState",
            "new_name": null,
            "deprecated": ["netra_backend.app.agents.state"],
            "ssot": "netra_backend.app.schemas.agent_models",
            "issue": "#871",
            "risky_members": ["_sanitize_security_context", "_validate_user_isolation",
                              "clear_sensitive_data", "quality_metrics", "thread_id"],
            "members_source": "derived",
            "warnings": [],
            "summary": {
                "findings": 119,
                "by_code": {"SSOT001": 24, "SSOT002": 77, "SSOT003": 4, "SSOT004": 2, "SSOT005": 5, "SSOT006": 7},
                "files_deprecated": 16,
                "files_ssot": 11,
                "files_mixed": 5,
            },
        }])
    );
    assert_eq!(
        report["summary"],
        serde_json::json!({
            "files_scanned": 54,
            "files_with_findings": 32,
            "parse_errors": 1,
            "by_code": {"SSOT001": 24, "SSOT002": 77, "SSOT003": 4, "SSOT004": 2, "SSOT005": 5, "SSOT006": 7},
            "errors": 0,
        })
    );
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "every file was read"
    );
    let broken = common::parse_error_paths(&report);
    assert_eq!(
        broken,
        ["fixtures/backend/netra_backend/app/services/state_serializer.py"]
    );
    // Every finding has every field of DESIGN.md, in order.
    let keys: Vec<&str> = report["findings"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "migration",
            "code",
            "name",
            "severity",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "symbol",
            "member",
            "receiver",
            "resolves_to",
            "fingerprint",
            "fix"
        ]
    );
}

#[test]
fn human_output_shows_snippets_help_and_summary() {
    let output = run(&repo_root(), &["check", BACKEND]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    insta::assert_snapshot!("backend_human", text);
    assert!(text.ends_with(
        "fixtures/backend/netra_backend/app/services/state_serializer.py: syntax error: findings inside the broken part of the file may be missing\n\
         Found 119 findings (53 errors, 59 warnings, 7 info) in 32 of 54 files; `DeepAgentState`: 16 deprecated, 11 SSOT, 5 mixed.\n"
    ), "{text}");
}

#[test]
fn statistics_count_findings_per_code() {
    let output = run(&repo_root(), &["check", BACKEND, "--statistics"]);
    assert_eq!(
        stdout(&output),
        "24\tSSOT001\tdeprecated-import\n77\tSSOT002\tmissing-member\n 4\tSSOT003\tdropped-field\n \
         2\tSSOT004\tunresolved-import\n 5\tSSOT005\tmixed-sources\n 7\tSSOT006\tguarded-access\n"
    );
}

#[test]
fn the_prefilter_changes_nothing_but_speed() {
    let filtered = run(&repo_root(), &["check", BACKEND, "--format", "json"]);
    let unfiltered = run(
        &repo_root(),
        &["check", BACKEND, "--format", "json", "--no-prefilter"],
    );
    assert_eq!(filtered.stdout, unfiltered.stdout);
}

#[test]
fn fingerprints_do_not_depend_on_the_current_folder() {
    let from_repo = run(&repo_root(), &["check", BACKEND, "--format", "json"]);
    let from_backend = run(
        &repo_root().join(BACKEND),
        &["check", ".", "--format", "json"],
    );
    let fingerprints = |output: &std::process::Output| -> Vec<String> {
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    let repo = fingerprints(&from_repo);
    assert_eq!(repo, fingerprints(&from_backend));
    let mut unique = repo.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), repo.len(), "fingerprints are unique");
}

#[test]
fn select_and_ignore_filter_codes() {
    let output = run(
        &repo_root(),
        &[
            "check",
            BACKEND,
            "--select",
            "SSOT004,SSOT005",
            "--ignore",
            "SSOT005",
            "--statistics",
        ],
    );
    assert_eq!(stdout(&output), "2\tSSOT004\tunresolved-import\n");
    let output = run(&repo_root(), &["check", BACKEND, "--select", "SSOT999"]);
    common::assert_error(&output, "unknown code `SSOT999`");
}

#[test]
fn exit_codes_follow_the_design() {
    let root = repo_root();
    assert_eq!(
        run(&root, &["check", BACKEND, "--exit-zero"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&root, &["check", BACKEND, "--expect-violations"])
            .status
            .code(),
        Some(0)
    );
    // SSOT006 is information only: a file with nothing else passes.
    let only_info = run(&root, &["check", BACKEND, "--select", "SSOT006"]);
    assert_eq!(only_info.status.code(), Some(0));
    let clean = "fixtures/backend/netra_backend/app/services/thread_service.py";
    assert_eq!(run(&root, &["check", clean]).status.code(), Some(0));
    assert_eq!(
        run(&root, &["check", clean, "--expect-violations"])
            .status
            .code(),
        Some(1)
    );

    let missing = run(&root, &["check", "no/such/folder"]);
    common::assert_error(&missing, "path `no/such/folder` does not exist");
}

/// The prefilter and sparse parsing are exact on a generated back end too: every import form and
/// access pattern, in files padded with ordinary code (scripts/gen_corpus.py).
#[test]
fn the_prefilter_changes_nothing_on_a_generated_back_end() {
    let corpus = tempfile::tempdir().unwrap();
    common::generate_corpus(
        corpus.path(),
        &["--files", "150", "--usage-share", "0.5", "--seed", "7"],
    );
    let filtered = run(corpus.path(), &["check", ".", "--format", "json"]);
    let unfiltered = run(
        corpus.path(),
        &["check", ".", "--format", "json", "--no-prefilter"],
    );
    let report: serde_json::Value = serde_json::from_slice(&filtered.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap().len();
    assert!(
        findings > 50,
        "the corpus uses the class: {findings} findings"
    );
    assert_eq!(filtered.stdout, unfiltered.stdout);
}
