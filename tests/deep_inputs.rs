//! Generated inputs whose syntax trees are as deep or as wide as the file is long: attribute
//! chains, left-nested operators, chained calls and subscripts, implicit string concatenation,
//! lambdas in lambdas. Every pass over the tree must stay linear on them (a walk up the
//! ancestors per node made `check` take 17 s on a 25,000-link chain); these tests assert the
//! exact findings at sizes where a quadratic pass would not finish in the test's lifetime, and
//! `scripts/bench.py --deep` shows the time growing linearly.

use crate::common;

use common::{compact_findings, TempProject};

const HEAD: &str = "\
from netra_backend.app.agents.state import DeepAgentState

s = DeepAgentState()

";
/// The line the generated expression starts on (1-based), after `HEAD`.
const LINE: usize = 5;
const IMPORT: &str = "SSOT001 warning app/deep.py:1:44 -";

fn findings_of(body: &str) -> Vec<String> {
    let project = TempProject::new(&[("app/deep.py", &format!("{HEAD}{body}"))]);
    let (report, code) = project.check_json(&[]);
    assert_eq!(code, 1);
    let whole = compact_findings(&project.check_json(&["--no-prefilter"]).0);
    let findings = compact_findings(&report);
    assert_eq!(findings, whole, "sparse and whole parsing differ");
    findings
}

/// `x = s.thread_id <op> s.thread_id <op> ...`: one finding per term, all on one line.
fn one_finding_per_term(operator: &str, terms: usize) {
    let term = "s.thread_id";
    let body = format!("x = {}\n", vec![term; terms].join(operator));
    let mut expected = vec![IMPORT.to_owned()];
    expected.extend((0..terms).map(|i| {
        let column = 5 + i * (term.len() + operator.len());
        format!("SSOT002 warning app/deep.py:{LINE}:{column} thread_id")
    }));
    assert_eq!(findings_of(&body), expected, "operator {operator:?}");
}

#[test]
fn left_nested_operators() {
    for operator in [" + ", " and ", " < ", " | "] {
        one_finding_per_term(operator, 20_000);
    }
}

#[test]
fn a_fifty_thousand_link_attribute_chain() {
    let body = format!("def f():\n    return s{}.thread_id\n", ".a".repeat(50_000));
    // Only the first link reads a member of the instance; the rest read members of `s.a...`.
    assert_eq!(findings_of(&body), [IMPORT]);
    let body = format!("y = s{}\n", ".thread_id".repeat(50_000));
    assert_eq!(
        findings_of(&body),
        [
            IMPORT.to_owned(),
            format!("SSOT002 warning app/deep.py:{LINE}:5 thread_id")
        ]
    );
}

#[test]
fn chained_calls_subscripts_and_parentheses() {
    let expected = [
        IMPORT.to_owned(),
        format!("SSOT002 warning app/deep.py:{LINE}:5 thread_id"),
    ];
    let calls = format!("x = s.thread_id{}\n", "()".repeat(50_000));
    assert_eq!(findings_of(&calls), expected);
    let subscripts = format!("x = s.thread_id{}\n", "[0]".repeat(50_000));
    assert_eq!(findings_of(&subscripts), expected);
    let parentheses = format!(
        "x = {}s.thread_id{}\n",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let column = 5 + 20_000;
    assert_eq!(
        findings_of(&parentheses),
        [
            IMPORT.to_owned(),
            format!("SSOT002 warning app/deep.py:{LINE}:{column} thread_id")
        ]
    );
}

#[test]
fn implicit_string_concatenation_and_nested_lambdas() {
    let strings = format!(
        "x = (\n{}) or s.thread_id\n",
        "    \"abc\"\n".repeat(50_000)
    );
    let line = LINE + 50_001;
    assert_eq!(
        findings_of(&strings),
        [
            IMPORT.to_owned(),
            format!("SSOT002 warning app/deep.py:{line}:6 thread_id")
        ]
    );
    let lambdas = format!("x = {}s.thread_id\n", "lambda: ".repeat(20_000));
    let column = 5 + 20_000 * "lambda: ".len();
    assert_eq!(
        findings_of(&lambdas),
        [
            IMPORT.to_owned(),
            format!("SSOT002 warning app/deep.py:{LINE}:{column} thread_id")
        ]
    );
}

#[test]
fn long_chains_of_names_through_the_module() {
    // `a0 = a1`, `a1 = a2`, ..., `a20000 = DeepAgentState`: the class, 20,001 names away.
    let n = 20_000;
    let mut body: String = (0..n).map(|i| format!("a{i} = a{}\n", i + 1)).collect();
    body.push_str(&format!("a{n} = DeepAgentState\na0().thread_id\n"));
    // Each name also binds itself, as `json = json` does.
    body.push_str(&"a0 = a0\n".repeat(3));
    let line = LINE + n + 1;
    assert_eq!(
        findings_of(&body),
        [
            IMPORT.to_owned(),
            format!("SSOT002 warning app/deep.py:{line}:1 thread_id")
        ]
    );
}
