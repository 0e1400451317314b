//! Aliases the migration's own modules re-export (`AgentState = DeepAgentState` in the SSOT
//! module, `... as SchemaState` in its package) are needles of the first full pass: their users
//! are found without reading any file twice. An alias elsewhere still costs a round.

use crate::common;

use common::{compact_findings, run, stderr, TempProject};

/// `(reads, alias rounds)` from `check --stats`.
fn reads_and_rounds(project: &TempProject) -> (usize, usize) {
    let output = run(
        project.path(),
        &["check", ".", "--stats", "--format", "json"],
    );
    let stats = stderr(&output);
    let count = |label: &str| -> usize {
        stats
            .lines()
            .find_map(|line| line.strip_suffix(label))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no `{label}` in {stats}"))
    };
    (count(" reads"), count(" alias rounds"))
}

fn project_with(extra: &[(&str, &str)]) -> TempProject {
    let mut files: Vec<(String, String)> = (0..20)
        .map(|i| {
            (
                format!("app/plain_{i}.py"),
                format!("def f{i}():\n    return {i}\n"),
            )
        })
        .collect();
    files.push(("app/__init__.py".into(), String::new()));
    files.extend(
        extra
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned())),
    );
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let project = TempProject::new(&files);
    let ssot = "netra_backend/app/schemas/agent_models.py";
    let text = std::fs::read_to_string(project.path().join(ssot)).unwrap();
    project.write(ssot, &format!("{text}\nAgentState = DeepAgentState\n"));
    project.write(
        "netra_backend/app/schemas/__init__.py",
        "from .agent_models import DeepAgentState as SchemaState\n",
    );
    project
}

const USERS: [(&str, &str); 2] = [
    (
        "app/user.py",
        "from netra_backend.app.schemas.agent_models import AgentState\n\ndef f(s: AgentState):\n    return s.thread_id\n",
    ),
    (
        "app/other.py",
        "from netra_backend.app.schemas import SchemaState\n\nSchemaState(quality_metrics='t')\n",
    ),
];

#[test]
fn aliases_of_the_migration_modules_cost_no_second_read() {
    let project = project_with(&USERS);
    let expected = [
        "SSOT003 error app/other.py:3:13 quality_metrics",
        "SSOT002 error app/user.py:4:12 thread_id",
    ];
    assert_eq!(project.findings(), expected);
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(compact_findings(&whole), expected);
    let files = 20 + 1 + USERS.len() + 6;
    assert_eq!(reads_and_rounds(&project), (files, 0));
}

#[test]
fn an_alias_elsewhere_costs_a_round() {
    let mut extra = USERS.to_vec();
    extra.push((
        "app/compat.py",
        "from netra_backend.app.agents.state import DeepAgentState\n\nLegacy = DeepAgentState\n",
    ));
    extra.push((
        "app/legacy_user.py",
        "from app.compat import Legacy\n\nLegacy().thread_id\n",
    ));
    let project = project_with(&extra);
    let findings = project.findings();
    let (whole, _) = project.check_json(&["--no-prefilter"]);
    assert_eq!(compact_findings(&whole), findings);
    assert!(findings.contains(&"SSOT002 warning app/legacy_user.py:3:1 thread_id".to_owned()));
    let files = 20 + 1 + extra.len() + 6;
    // The files the first pass skipped are read again for `Legacy`.
    let (reads, rounds) = reads_and_rounds(&project);
    assert_eq!(rounds, 1);
    assert!(reads > files, "{reads} reads of {files} files");
}
