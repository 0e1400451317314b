//! Every format over a scan with two migrations, built by hand: `deepagentstate` and a second
//! rule moving `AgentRegistry`, one finding each in the same file, and a file that binds only the
//! second rule's symbol. The second rule has a warning (its SSOT module is not in the project).

use std::path::PathBuf;
use std::sync::Arc;

use super::{write_report, write_statistics, Format};
use crate::codes::Code;
use crate::finding::{fingerprint, fnv1a, Finding, Location, ResolvesTo, Severity};
use crate::migration::{MembersSource, MigrationSummary, RuleWarning};
use crate::scan::{FileReport, ScanResult};

pub(crate) const AGENT: &str =
    "from netra_backend.app.schemas.agent_models import DeepAgentState\n\
from netra_backend.app.agents.registry import AgentRegistry\n\
\n\
\n\
def f(s: DeepAgentState):\n\
\x20   return s.thread_id\n";

pub(crate) fn deepagentstate() -> MigrationSummary {
    MigrationSummary {
        id: Arc::from("deepagentstate"),
        rule: "deepagentstate".to_owned(),
        symbol: "DeepAgentState".to_owned(),
        new_name: None,
        deprecated: vec!["netra_backend.app.agents.state".to_owned()],
        ssot: "netra_backend.app.schemas.agent_models".to_owned(),
        issue: "#871".to_owned(),
        risky_members: vec!["thread_id".to_owned()],
        members_source: MembersSource::Derived,
        warnings: Vec::new(),
    }
}

pub(crate) fn agentregistry() -> MigrationSummary {
    MigrationSummary {
        id: Arc::from("agentregistry"),
        rule: "agentregistry".to_owned(),
        symbol: "AgentRegistry".to_owned(),
        new_name: None,
        deprecated: vec!["netra_backend.app.agents.registry".to_owned()],
        ssot: "netra_backend.app.schemas.registry".to_owned(),
        issue: "#900".to_owned(),
        risky_members: vec!["legacy_lookup".to_owned()],
        members_source: MembersSource::Configured,
        warnings: vec![RuleWarning {
            message: WARNING_MESSAGE.to_owned(),
            rule_file: "rules/agentregistry.toml".to_owned(),
            line: 5,
        }],
    }
}

/// The one rule warning of [`agentregistry`]: its SSOT module is not in the project, which is
/// why its risky members are the configured ones.
pub(crate) const WARNING_MESSAGE: &str =
    "SSOT module `netra_backend.app.schemas.registry` is not in this project: risky members \
     come from the rule's `risky-members`";

/// A finding of `migration` on `needle`, which lies on line `line` of [`AGENT`].
fn finding(
    migration: &str,
    code: Code,
    severity: Severity,
    (line, needle): (usize, &str),
    message: &str,
    symbol: &str,
    member: Option<&str>,
) -> Finding {
    let line_start: usize = AGENT
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let text = AGENT.split_inclusive('\n').nth(line - 1).unwrap();
    let start = line_start + text.find(needle).unwrap();
    let column = text.find(needle).unwrap() + 1;
    let mut finding = Finding {
        migration: Arc::from(migration),
        code,
        severity,
        location: Location {
            line,
            column,
            end_line: line,
            end_column: column + needle.len(),
            start_byte: start,
            end_byte: start + needle.len(),
        },
        message: message.to_owned(),
        help: None,
        symbol: symbol.to_owned(),
        member: member.map(str::to_owned),
        receiver: member.map(|_| "s".to_owned()),
        scope: String::new(),
        fingerprint: String::new(),
        member_span: None,
        through: None,
        fix: None,
    };
    finding.fingerprint = fingerprint("app/agent.py", &finding, 0);
    finding
}

fn file(path: &str, resolves_to: &[(&str, ResolvesTo)], findings: Vec<Finding>) -> FileReport {
    FileReport {
        path: path.to_owned(),
        project_path: path.to_owned(),
        absolute_path: PathBuf::from("/project").join(path),
        resolves_to: resolves_to
            .iter()
            .map(|(id, origin)| (Arc::from(*id), *origin))
            .collect(),
        parse_error: false,
        source: (!findings.is_empty()).then(|| Arc::from(AGENT)),
        original: (!findings.is_empty()).then(|| Arc::from(AGENT.as_bytes())),
        findings,
    }
}

/// The two migrations' scan: `app/agent.py` with an SSOT001 of `agentregistry` (line 2) and an
/// SSOT002 of `deepagentstate` (line 6); `app/other.py` binds only `AgentRegistry`, from the
/// deprecated module, and has no findings. `agentregistry` has one rule warning (line 5 of
/// `rules/agentregistry.toml`).
pub(crate) fn two_migrations() -> ScanResult {
    let import = finding(
        "agentregistry",
        Code::DeprecatedImport,
        Severity::Warning,
        (2, "AgentRegistry"),
        "`AgentRegistry` is imported from deprecated module `netra_backend.app.agents.registry`",
        "AgentRegistry",
        None,
    );
    let mut access = finding(
        "deepagentstate",
        Code::MissingMember,
        Severity::Error,
        (6, "s.thread_id"),
        "reads `thread_id` on `s`: the SSOT `DeepAgentState` has no `thread_id`; this raises AttributeError",
        "DeepAgentState",
        Some("thread_id"),
    );
    access.help = Some("the SSOT member is `chat_thread_id`".to_owned());
    ScanResult {
        migrations: vec![deepagentstate(), agentregistry()],
        files: vec![
            file(
                "app/agent.py",
                &[
                    ("deepagentstate", ResolvesTo::Ssot),
                    ("agentregistry", ResolvesTo::Deprecated),
                ],
                vec![import, access],
            ),
            file(
                "app/other.py",
                &[("agentregistry", ResolvesTo::Deprecated)],
                Vec::new(),
            ),
        ],
        errors: Vec::new(),
        stats: Default::default(),
    }
}

/// The same scan with only the first migration (and its finding): what a scan of one rule gives.
fn one_migration() -> ScanResult {
    only("deepagentstate")
}

/// The same scan with only migration `id`, its findings and its symbol's bindings.
fn only(id: &str) -> ScanResult {
    let mut result = two_migrations();
    result.migrations.retain(|m| &*m.id == id);
    for file in &mut result.files {
        file.findings.retain(|f| &*f.migration == id);
        file.resolves_to.retain(|(migration, _)| &**migration == id);
    }
    result
}

pub(crate) fn render(format: Format, result: &ScanResult) -> String {
    let mut out = Vec::new();
    write_report(&mut out, format, result, false).unwrap();
    String::from_utf8(out).unwrap()
}

fn statistics(format: Format, result: &ScanResult) -> String {
    let mut out = Vec::new();
    write_statistics(&mut out, format, result).unwrap();
    String::from_utf8(out).unwrap()
}

/// The two findings of [`two_migrations`] as the same finding of two migrations: same place,
/// code, member and fingerprint, only the migration differs.
fn same_place_in_two_migrations() -> ScanResult {
    let mut result = two_migrations();
    let file = &mut result.files[0];
    let mut twin = file.findings[1].clone();
    twin.migration = Arc::from("agentregistry");
    file.findings.push(twin);
    result
}

/// The rule warning of [`agentregistry`] in the text formats, before their summary.
const WARNING_LINE: &str = "warning: rule `agentregistry` (rules/agentregistry.toml:5): \
     [agentregistry] SSOT module `netra_backend.app.schemas.registry` is not in this project: \
     risky members come from the rule's `risky-members`\n";

const SUMMARY: &str = "\
Found 2 findings (1 error, 1 warning, 0 info) in 1 of 2 files; by migration:
  deepagentstate (`DeepAgentState`): 1 finding (1 error, 0 warnings, 0 info); 0 deprecated, 1 SSOT, 0 mixed.
  agentregistry (`AgentRegistry`): 1 finding (0 errors, 1 warning, 0 info); 2 deprecated, 0 SSOT, 0 mixed.
";

const IMPORT_MESSAGE: &str =
    "`AgentRegistry` is imported from deprecated module `netra_backend.app.agents.registry`";
const ACCESS_MESSAGE: &str =
    "reads `thread_id` on `s`: the SSOT `DeepAgentState` has no `thread_id`; this raises AttributeError";

#[test]
fn concise_names_each_findings_migration_and_sums_up_each_migration() {
    assert_eq!(
        render(Format::Concise, &two_migrations()),
        format!(
            "app/agent.py:2:47: SSOT001 [agentregistry] {IMPORT_MESSAGE}\n\
             app/agent.py:6:12: SSOT002 [deepagentstate] {ACCESS_MESSAGE}\n\
             {WARNING_LINE}\
             {SUMMARY}"
        )
    );
}

#[test]
fn with_one_migration_the_text_formats_name_none() {
    let result = one_migration();
    assert_eq!(
        render(Format::Concise, &result),
        format!(
            "app/agent.py:6:12: SSOT002 {ACCESS_MESSAGE}\n\
             Found 1 finding (1 error, 0 warnings, 0 info) in 1 of 2 files; `DeepAgentState`: 0 deprecated, 1 SSOT, 0 mixed.\n"
        )
    );
    for format in [Format::Human, Format::Junit, Format::Github, Format::Gitlab] {
        let text = render(format, &result);
        assert!(!text.contains("deepagentstate"), "{format:?}: {text}");
    }
    assert!(render(Format::Human, &result).starts_with("SSOT002(missing-member)\n"));
    let gitlab: serde_json::Value = serde_json::from_str(&render(Format::Gitlab, &result)).unwrap();
    assert_eq!(
        gitlab[0]["fingerprint"], result.files[0].findings[0].fingerprint,
        "the finding's own fingerprint, as before"
    );
}

#[test]
fn without_findings_several_migrations_still_get_a_line_each() {
    let mut result = two_migrations();
    result.files[0].findings.clear();
    assert_eq!(
        render(Format::Concise, &result),
        WARNING_LINE.to_owned()
            + "No findings for `DeepAgentState`, `AgentRegistry` in 2 files.\n\
         \x20 deepagentstate (`DeepAgentState`): 0 findings (0 errors, 0 warnings, 0 info); 0 deprecated, 1 SSOT, 0 mixed.\n\
         \x20 agentregistry (`AgentRegistry`): 0 findings (0 errors, 0 warnings, 0 info); 2 deprecated, 0 SSOT, 0 mixed.\n"
    );
}

#[test]
fn human_names_the_migration_on_the_code_line() {
    let expected = format!(
        "\
SSOT001(deprecated-import) [agentregistry]

  ⚠ {IMPORT_MESSAGE}
   ╭─[app/agent.py:2:47]
 1 │ from netra_backend.app.schemas.agent_models import DeepAgentState
 2 │ from netra_backend.app.agents.registry import AgentRegistry
   ·                                               ──────┬──────
   ·                                                     ╰── AgentRegistry
 3 │ 
   ╰────

SSOT002(missing-member) [deepagentstate]

  × reads `thread_id` on `s`: the SSOT `DeepAgentState` has no `thread_id`; this raises
  │ AttributeError
   ╭─[app/agent.py:6:12]
 5 │ def f(s: DeepAgentState):
 6 │     return s.thread_id
   ·            ─────┬─────
   ·                 ╰── `thread_id`
   ╰────
  help: the SSOT member is `chat_thread_id`

{WARNING_LINE}{SUMMARY}"
    );
    assert_eq!(render(Format::Human, &two_migrations()), expected);
}

#[test]
fn junit_test_cases_name_the_migration() {
    let expected = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="ssot-guard" tests="3" failures="2" errors="0">
    <testsuite name="app/agent.py" tests="2" disabled="0" errors="0" failures="2" package="ssot-guard">
        <testcase name="SSOT001 (deprecated-import) [agentregistry]" classname="app/agent" file="app/agent.py" line="2" column="47">
            <failure message="[agentregistry] {import}" type="warning">line 2, col 47, [agentregistry] {import}</failure>
        </testcase>
        <testcase name="SSOT002 (missing-member) [deepagentstate]" classname="app/agent" file="app/agent.py" line="6" column="12">
            <failure message="[deepagentstate] {access}" type="error">line 6, col 12, [deepagentstate] {access}

the SSOT member is `chat_thread_id`</failure>
        </testcase>
    </testsuite>
    <testsuite name="rules/agentregistry.toml" tests="1" disabled="0" errors="0" failures="0" package="ssot-guard">
        <testcase name="rule-warning [agentregistry]: {warning}" classname="rules/agentregistry" file="rules/agentregistry.toml" line="5">
            <system-err>line 5, [agentregistry] {warning}</system-err>
        </testcase>
    </testsuite>
</testsuites>
"#,
        import = IMPORT_MESSAGE,
        access = ACCESS_MESSAGE,
        warning = WARNING_MESSAGE.replace('\'', "&apos;"),
    );
    assert_eq!(render(Format::Junit, &two_migrations()), expected);
}

#[test]
fn github_annotations_name_the_migration_in_title_and_message() {
    assert_eq!(
        render(Format::Github, &two_migrations()),
        format!(
            "::warning title=SSOT001 (deprecated-import) [agentregistry],file=app/agent.py,line=2,col=47,endLine=2,endColumn=60::app/agent.py:2:47: [agentregistry] {IMPORT_MESSAGE}\n\
             ::error title=SSOT002 (missing-member) [deepagentstate],file=app/agent.py,line=6,col=12,endLine=6,endColumn=23::app/agent.py:6:12: [deepagentstate] {ACCESS_MESSAGE}\n\
             ::warning title=rule-warning [agentregistry],file=rules/agentregistry.toml,line=5::rules/agentregistry.toml:5: [agentregistry] {WARNING_MESSAGE}\n"
        )
    );
}

#[test]
fn gitlab_descriptions_and_fingerprints_are_per_migration() {
    let result = two_migrations();
    let issues: serde_json::Value = serde_json::from_str(&render(Format::Gitlab, &result)).unwrap();
    let findings = &result.files[0].findings;
    assert_eq!(
        issues,
        serde_json::json!([
            {
                "description": format!("SSOT001 [agentregistry]: {IMPORT_MESSAGE}"),
                "check_name": "SSOT001",
                "fingerprint": fnv1a(&["agentregistry", &findings[0].fingerprint]),
                "severity": "minor",
                "categories": ["Compatibility"],
                "location": {"path": "app/agent.py", "lines": {"begin": 2, "end": 2}},
            },
            {
                "description": format!("SSOT002 [deepagentstate]: {ACCESS_MESSAGE}"),
                "check_name": "SSOT002",
                "fingerprint": fnv1a(&["deepagentstate", &findings[1].fingerprint]),
                "severity": "critical",
                "categories": ["Bug Risk"],
                "location": {"path": "app/agent.py", "lines": {"begin": 6, "end": 6}},
            },
            {
                "description": format!("rule-warning [agentregistry]: {WARNING_MESSAGE}"),
                "check_name": "rule-warning",
                "fingerprint": fnv1a(&["rule-warning", "agentregistry", WARNING_MESSAGE]),
                "severity": "info",
                "categories": ["Bug Risk"],
                "location": {"path": "rules/agentregistry.toml", "lines": {"begin": 5, "end": 5}},
            },
        ])
    );

    // The same finding in two migrations: two issues, each fingerprint its migration's.
    let result = same_place_in_two_migrations();
    let issues: serde_json::Value = serde_json::from_str(&render(Format::Gitlab, &result)).unwrap();
    let fingerprint = &result.files[0].findings[1].fingerprint;
    assert_eq!(
        [&issues[1]["fingerprint"], &issues[2]["fingerprint"]],
        [
            &serde_json::json!(fnv1a(&["deepagentstate", fingerprint])),
            &serde_json::json!(fnv1a(&["agentregistry", fingerprint])),
        ]
    );
}

#[test]
fn statistics_count_per_migration_and_code() {
    let result = two_migrations();
    let text = "1\tdeepagentstate\tSSOT002\tmissing-member\n\
                1\tagentregistry\tSSOT001\tdeprecated-import\n";
    for format in [
        Format::Human,
        Format::Concise,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
    ] {
        assert_eq!(statistics(format, &result), text, "{format:?}");
    }
    assert_eq!(
        statistics(Format::JsonLines, &result),
        "{\"migration\":\"deepagentstate\",\"code\":\"SSOT002\",\"name\":\"missing-member\",\"count\":1}\n\
         {\"migration\":\"agentregistry\",\"code\":\"SSOT001\",\"name\":\"deprecated-import\",\"count\":1}\n"
    );
    let json: serde_json::Value = serde_json::from_str(&statistics(Format::Json, &result)).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"migration": "deepagentstate", "code": "SSOT002", "name": "missing-member", "count": 1},
            {"migration": "agentregistry", "code": "SSOT001", "name": "deprecated-import", "count": 1},
        ])
    );
    // One migration: as before, no migration named.
    assert_eq!(
        statistics(Format::JsonLines, &one_migration()),
        "{\"code\":\"SSOT002\",\"name\":\"missing-member\",\"count\":1}\n"
    );
    assert_eq!(
        statistics(Format::Human, &one_migration()),
        "1\tSSOT002\tmissing-member\n"
    );
}

/// The JSON report's finding objects of [`two_migrations`], as `json-lines` prints them too.
fn json_findings(result: &ScanResult) -> serde_json::Value {
    let findings = &result.files[0].findings;
    serde_json::json!([
        {
            "migration": "agentregistry",
            "code": "SSOT001",
            "name": "deprecated-import",
            "severity": "warning",
            "path": "app/agent.py",
            "line": 2, "column": 47, "end_line": 2, "end_column": 60,
            "message": IMPORT_MESSAGE,
            "symbol": "AgentRegistry",
            "member": null,
            "receiver": null,
            "resolves_to": "deprecated",
            "fingerprint": findings[0].fingerprint,
            "fix": null,
        },
        {
            "migration": "deepagentstate",
            "code": "SSOT002",
            "name": "missing-member",
            "severity": "error",
            "path": "app/agent.py",
            "line": 6, "column": 12, "end_line": 6, "end_column": 23,
            "message": ACCESS_MESSAGE,
            "symbol": "DeepAgentState",
            "member": "thread_id",
            "receiver": "s",
            "resolves_to": "ssot",
            "fingerprint": findings[1].fingerprint,
            "fix": null,
        },
    ])
}

fn by_code(counts: &[(&str, usize)]) -> serde_json::Value {
    let mut by_code = serde_json::Map::new();
    for code in Code::ALL {
        let count = counts
            .iter()
            .find(|(c, _)| *c == code.as_str())
            .map_or(0, |(_, n)| *n);
        by_code.insert(code.as_str().to_owned(), count.into());
    }
    serde_json::Value::Object(by_code)
}

#[test]
fn json_version_2_describes_each_migration_and_names_each_findings() {
    let result = two_migrations();
    let text = render(Format::Json, &result);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        report,
        serde_json::json!({
            "version": 2,
            "tool": {"name": "ssot-guard", "version": env!("CARGO_PKG_VERSION")},
            "migrations": [
                {
                    "id": "deepagentstate",
                    "rule": "deepagentstate",
                    "symbol": "DeepAgentState",
                    "new_name": null,
                    "deprecated": ["netra_backend.app.agents.state"],
                    "ssot": "netra_backend.app.schemas.agent_models",
                    "issue": "#871",
                    "risky_members": ["thread_id"],
                    "members_source": "derived",
                    "warnings": [],
                    "summary": {
                        "findings": 1,
                        "by_code": by_code(&[("SSOT002", 1)]),
                        "files_deprecated": 0,
                        "files_ssot": 1,
                        "files_mixed": 0,
                    },
                },
                {
                    "id": "agentregistry",
                    "rule": "agentregistry",
                    "symbol": "AgentRegistry",
                    "new_name": null,
                    "deprecated": ["netra_backend.app.agents.registry"],
                    "ssot": "netra_backend.app.schemas.registry",
                    "issue": "#900",
                    "risky_members": ["legacy_lookup"],
                    "members_source": "configured",
                    "warnings": [{
                        "message": WARNING_MESSAGE,
                        "rule_file": "rules/agentregistry.toml",
                        "line": 5,
                    }],
                    "summary": {
                        "findings": 1,
                        "by_code": by_code(&[("SSOT001", 1)]),
                        "files_deprecated": 2,
                        "files_ssot": 0,
                        "files_mixed": 0,
                    },
                },
            ],
            "summary": {
                "files_scanned": 2,
                "files_with_findings": 1,
                "parse_errors": 0,
                "by_code": by_code(&[("SSOT001", 1), ("SSOT002", 1)]),
                "errors": 0,
            },
            "findings": json_findings(&result),
            "files": [
                {
                    "path": "app/agent.py",
                    "resolves_to": {"deepagentstate": "ssot", "agentregistry": "deprecated"},
                    "parse_error": false,
                    "findings": 2,
                },
                {
                    "path": "app/other.py",
                    "resolves_to": {"agentregistry": "deprecated"},
                    "parse_error": false,
                    "findings": 0,
                },
            ],
            "errors": [],
        })
    );
    // Field order is part of the format (serde_json keeps it here): top level, findings, and a
    // file's migrations in the scan's order, not by name.
    let keys = |value: &serde_json::Value| -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(
        keys(&report),
        [
            "version",
            "tool",
            "migrations",
            "summary",
            "findings",
            "files",
            "errors"
        ]
    );
    assert_eq!(keys(&report["findings"][0])[0], "migration");
    assert_eq!(
        keys(&report["files"][0]["resolves_to"]),
        ["deepagentstate", "agentregistry"]
    );
    assert_eq!(
        keys(&report["migrations"][0]),
        [
            "id",
            "rule",
            "symbol",
            "new_name",
            "deprecated",
            "ssot",
            "issue",
            "risky_members",
            "members_source",
            "warnings",
            "summary"
        ]
    );
}

#[test]
fn json_resolves_to_follows_the_scans_migration_order_whatever_the_files() {
    let mut result = two_migrations();
    result.files[0].resolves_to.reverse();
    let report: serde_json::Value = serde_json::from_str(&render(Format::Json, &result)).unwrap();
    let ids: Vec<&String> = report["files"][0]["resolves_to"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(ids, ["deepagentstate", "agentregistry"]);
    // A file that binds neither symbol: an empty object.
    result.files[1].resolves_to.clear();
    let report: serde_json::Value = serde_json::from_str(&render(Format::Json, &result)).unwrap();
    assert_eq!(report["files"][1]["resolves_to"], serde_json::json!({}));
}

#[test]
fn json_lines_are_the_json_reports_findings_then_its_warnings() {
    let result = two_migrations();
    let text = render(Format::JsonLines, &result);
    assert_eq!(
        text.lines().last().unwrap(),
        format!(
            "{{\"type\":\"rule-warning\",\"migration\":\"agentregistry\",\"message\":\"{WARNING_MESSAGE}\",\"rule_file\":\"rules/agentregistry.toml\",\"line\":5}}"
        ),
        "field order: type, migration, then the JSON report's warning"
    );
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let mut expected = json_findings(&result);
    expected.as_array_mut().unwrap().push(serde_json::json!({
        "type": "rule-warning",
        "migration": "agentregistry",
        "message": WARNING_MESSAGE,
        "rule_file": "rules/agentregistry.toml",
        "line": 5,
    }));
    assert_eq!(serde_json::Value::Array(lines), expected);
}

#[test]
fn sarif_results_name_their_migration_and_the_run_lists_them() {
    let result = two_migrations();
    let log: serde_json::Value = serde_json::from_str(&render(Format::Sarif, &result)).unwrap();
    let run = &log["runs"][0];
    assert_eq!(
        run["properties"],
        serde_json::json!({"migrations": [
            {
                "id": "deepagentstate",
                "symbol": "DeepAgentState",
                "deprecated": ["netra_backend.app.agents.state"],
                "ssot": "netra_backend.app.schemas.agent_models",
            },
            {
                "id": "agentregistry",
                "symbol": "AgentRegistry",
                "deprecated": ["netra_backend.app.agents.registry"],
                "ssot": "netra_backend.app.schemas.registry",
            },
        ]})
    );
    let findings = &result.files[0].findings;
    let results = run["results"].as_array().unwrap();
    let seen: Vec<(&serde_json::Value, &serde_json::Value, &serde_json::Value)> = results
        .iter()
        .map(|r| (&r["ruleId"], &r["properties"], &r["partialFingerprints"]))
        .collect();
    assert_eq!(
        seen,
        [
            (
                &serde_json::json!("SSOT001"),
                &serde_json::json!({"migration": "agentregistry"}),
                &serde_json::json!({"ssotGuard/v2": format!("agentregistry:{}", findings[0].fingerprint)}),
            ),
            (
                &serde_json::json!("SSOT002"),
                &serde_json::json!({"migration": "deepagentstate"}),
                &serde_json::json!({"ssotGuard/v2": format!("deepagentstate:{}", findings[1].fingerprint)}),
            ),
        ]
    );

    // The rule warning: a configuration notification, which leaves the run successful.
    assert_eq!(
        run["invocations"],
        serde_json::json!([{
            "executionSuccessful": true,
            "toolConfigurationNotifications": [{
                "descriptor": {"id": "rule-warning"},
                "level": "warning",
                "message": {"text": WARNING_MESSAGE},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": "rules/agentregistry.toml",
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": 5},
                    },
                }],
                "properties": {"migration": "agentregistry"},
            }],
        }])
    );

    // The same finding in two migrations: two results with different fingerprints.
    let log: serde_json::Value =
        serde_json::from_str(&render(Format::Sarif, &same_place_in_two_migrations())).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results[1]["locations"], results[2]["locations"]);
    assert_ne!(
        results[1]["partialFingerprints"],
        results[2]["partialFingerprints"]
    );
}

#[test]
fn sarif_folds_the_migration_into_the_fingerprint_with_one_migration_too() {
    let result = one_migration();
    let log: serde_json::Value = serde_json::from_str(&render(Format::Sarif, &result)).unwrap();
    let sarif_result = &log["runs"][0]["results"][0];
    assert_eq!(
        sarif_result["partialFingerprints"],
        serde_json::json!({"ssotGuard/v2": format!("deepagentstate:{}", result.files[0].findings[0].fingerprint)})
    );
    assert_eq!(
        log["runs"][0]["properties"]["migrations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// The rule warning of `agentregistry` reaches every format, with the scan's two migrations
/// (naming its migration) and with that one alone (naming none but the rule); and it is only
/// added: nothing else of a report changes, and no count, failure or error takes it in.
#[test]
fn a_rule_warning_reaches_every_format() {
    use clap::ValueEnum;
    use serde_json::{json, Value};

    for several in [true, false] {
        let scan = || {
            if several {
                two_migrations()
            } else {
                only("agentregistry")
            }
        };
        let result = scan();
        let tag = several.then_some("agentregistry");
        let mut without = scan();
        for migration in &mut without.migrations {
            migration.warnings.clear();
        }
        let bracketed = tag.map(|id| format!("[{id}] ")).unwrap_or_default();
        let titled = tag
            .map(|id| format!("rule-warning [{id}]"))
            .unwrap_or_else(|| "rule-warning".to_owned());
        for &format in Format::value_variants() {
            let text = render(format, &result);
            let before = render(format, &without);
            let context = format!("{format:?}, {tag:?}:\n{text}");
            let message = match format {
                Format::Junit => WARNING_MESSAGE.replace('\'', "&apos;"),
                _ => WARNING_MESSAGE.to_owned(),
            };
            assert!(text.contains(&message), "{context}");
            assert!(!before.contains(&message), "{context}");
            // A line-per-item format: the warning's lines, and what is left once they are taken
            // out, which must be the report without the warning.
            let split = |prefix: &str| -> (Vec<String>, String) {
                let (warnings, rest): (Vec<&str>, Vec<&str>) =
                    text.lines().partition(|line| line.starts_with(prefix));
                let rest: String = rest.iter().map(|line| format!("{line}\n")).collect();
                (warnings.into_iter().map(str::to_owned).collect(), rest)
            };
            match format {
                Format::Human | Format::Concise => {
                    let (warnings, rest) = split("warning: ");
                    assert_eq!(
                        warnings,
                        [format!(
                            "warning: rule `agentregistry` (rules/agentregistry.toml:5): \
                             {bracketed}{WARNING_MESSAGE}"
                        )],
                        "{context}"
                    );
                    assert_eq!(rest, before, "{context}");
                    let at = |needle: &str| text.find(needle).unwrap();
                    assert!(
                        at("warning: ") < at("Found "),
                        "before the summary: {context}"
                    );
                }
                Format::JsonLines => {
                    let (warnings, rest) = split("{\"type\":\"rule-warning\"");
                    assert_eq!(rest, before, "{context}");
                    let warnings: Vec<Value> = warnings
                        .iter()
                        .map(|line| serde_json::from_str(line).unwrap())
                        .collect();
                    assert_eq!(
                        warnings,
                        [json!({
                            "type": "rule-warning",
                            "migration": "agentregistry",
                            "message": WARNING_MESSAGE,
                            "rule_file": "rules/agentregistry.toml",
                            "line": 5,
                        })],
                        "{context}"
                    );
                }
                Format::Github => {
                    let (warnings, rest) = split("::warning title=rule-warning");
                    assert_eq!(rest, before, "{context}");
                    assert_eq!(
                        warnings,
                        [format!(
                            "::warning title={},file=rules/agentregistry.toml,line=5::\
                             rules/agentregistry.toml:5: {bracketed}{WARNING_MESSAGE}",
                            super::github::escape_property(&titled)
                        )],
                        "{context}"
                    );
                }
                Format::Json => {
                    let report: Value = serde_json::from_str(&text).unwrap();
                    let mut expected: Value = serde_json::from_str(&before).unwrap();
                    let last = expected["migrations"].as_array().unwrap().len() - 1;
                    expected["migrations"][last]["warnings"] = json!([{
                        "message": WARNING_MESSAGE,
                        "rule_file": "rules/agentregistry.toml",
                        "line": 5,
                    }]);
                    assert_eq!(report, expected, "{context}");
                }
                Format::Sarif => {
                    let log: Value = serde_json::from_str(&text).unwrap();
                    let mut expected: Value = serde_json::from_str(&before).unwrap();
                    let invocation = &mut expected["runs"][0]["invocations"][0];
                    assert_eq!(invocation["executionSuccessful"], true, "{context}");
                    invocation["toolConfigurationNotifications"] = json!([{
                        "descriptor": {"id": "rule-warning"},
                        "level": "warning",
                        "message": {"text": WARNING_MESSAGE},
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": {
                                    "uri": "rules/agentregistry.toml",
                                    "uriBaseId": "%SRCROOT%",
                                },
                                "region": {"startLine": 5},
                            },
                        }],
                        "properties": {"migration": "agentregistry"},
                    }]);
                    assert_eq!(log, expected, "{context}");
                }
                Format::Gitlab => {
                    let issues: Value = serde_json::from_str(&text).unwrap();
                    let mut expected: Value = serde_json::from_str(&before).unwrap();
                    expected.as_array_mut().unwrap().push(json!({
                        "description": format!("{titled}: {WARNING_MESSAGE}"),
                        "check_name": "rule-warning",
                        "fingerprint": fnv1a(&["rule-warning", "agentregistry", WARNING_MESSAGE]),
                        "severity": "info",
                        "categories": ["Bug Risk"],
                        "location": {
                            "path": "rules/agentregistry.toml",
                            "lines": {"begin": 5, "end": 5},
                        },
                    }));
                    assert_eq!(issues, expected, "{context}");
                }
                Format::Junit => {
                    let suite = format!(
                        "    <testsuite name=\"rules/agentregistry.toml\" tests=\"1\" disabled=\"0\" errors=\"0\" failures=\"0\" package=\"ssot-guard\">\n\
                         \x20       <testcase name=\"{}: {message}\" classname=\"rules/agentregistry\" file=\"rules/agentregistry.toml\" line=\"5\">\n\
                         \x20           <system-err>line 5, {bracketed}{message}</system-err>\n\
                         \x20       </testcase>\n\
                         \x20   </testsuite>\n",
                        titled
                    );
                    assert!(text.contains(&suite), "{context}");
                    // One more test case, passing: the failures and errors stay as they were.
                    let failures = result
                        .findings()
                        .filter(|(_, f)| f.severity.fails())
                        .count();
                    let tests = result.findings().count();
                    assert_eq!(
                        text.replace(&suite, ""),
                        before.replace(
                            &format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"),
                            &format!(
                                "tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
                                tests + 1
                            ),
                        ),
                        "{context}"
                    );
                }
            }
        }
    }
}

/// A scan whose only news is a rule warning still says it found nothing, in JUnit as a passing
/// `No findings` test case next to the warning's.
#[test]
fn a_rule_warning_without_findings() {
    let mut result = only("agentregistry");
    result.files[0].findings.clear();
    assert_eq!(
        render(Format::Concise, &result),
        format!(
            "warning: rule `agentregistry` (rules/agentregistry.toml:5): {WARNING_MESSAGE}\n\
             No findings for `AgentRegistry` in 2 files.\n"
        )
    );
    let junit = render(Format::Junit, &result);
    assert!(
        junit.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"ssot-guard\" tests=\"2\" failures=\"0\" errors=\"0\">\n\
             \x20   <testsuite name=\"ssot-guard\" tests=\"1\" disabled=\"0\" errors=\"0\" failures=\"0\" package=\"ssot-guard\">\n\
             \x20       <testcase name=\"No findings\" classname=\"ssot-guard\" />\n\
             \x20   </testsuite>\n\
             \x20   <testsuite name=\"rules/agentregistry.toml\""
        ),
        "{junit}"
    );
}

/// A rule file's name and a message are the user's text: a line break in them cannot split a
/// warning's line in the text formats, nor end a GitHub command's property or message.
#[test]
fn a_rule_warnings_text_is_escaped() {
    let mut result = only("agentregistry");
    let warning = &mut result.migrations[0].warnings[0];
    warning.rule_file = "rules/a,b:\nc.toml".to_owned();
    warning.message = "100% `x\ny`".to_owned();
    let concise = render(Format::Concise, &result);
    assert!(
        concise.contains("warning: rule `agentregistry` (rules/a,b:\\nc.toml:5): 100% `x\\ny`\n"),
        "{concise}"
    );
    let github = render(Format::Github, &result);
    assert!(
        github.contains(
            "::warning title=rule-warning,file=rules/a%2Cb%3A%0Ac.toml,line=5::rules/a,b:%0Ac.toml:5: 100%25 `x%0Ay`\n"
        ),
        "{github}"
    );
}
