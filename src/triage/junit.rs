//! pytest's JUnit XML, both families: xunit1 (`file` and `line` on each test case) and xunit2
//! (neither: the test's module is read off `classname`, or off `name` for a collection error).
//! The report text of each `<failure>` and `<error>` is read as a traceback.

use serde::Serialize;

use super::traceback::{self, Raised};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed,
    /// An `<error>`: a collection error, or an error in a fixture.
    Error,
    Skipped,
}

impl Outcome {
    pub fn failed(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Error)
    }
}

/// One `<testcase>`.
#[derive(Clone, Debug)]
pub struct TestCase {
    pub classname: String,
    pub name: String,
    /// xunit1's `file` attribute.
    pub file: Option<String>,
    pub outcome: Outcome,
    /// The `message` attribute of the failure or error.
    pub message: Option<String>,
    /// The exceptions of its report text.
    pub raised: Vec<Raised>,
}

impl TestCase {
    /// `classname::name`, or the module of a collection error.
    pub fn id(&self) -> String {
        if self.classname.is_empty() {
            self.name.clone()
        } else {
            format!("{}::{}", self.classname, self.name)
        }
    }

    /// The files the test can be in, most likely first: xunit1's `file`, else the dotted
    /// module path of `classname` (or of `name` for a collection error) cut at each dot.
    pub fn file_candidates(&self) -> Vec<String> {
        if let Some(file) = &self.file {
            return vec![file.clone()];
        }
        let dotted = if self.classname.is_empty() {
            &self.name
        } else {
            &self.classname
        };
        if dotted.ends_with(".py") || dotted.contains('/') {
            return vec![dotted.clone()];
        }
        let parts: Vec<&str> = dotted.split('.').collect();
        (1..=parts.len())
            .rev()
            .map(|len| format!("{}.py", parts[..len].join("/")))
            .collect()
    }
}

/// Whether the text is an XML document (then it is read as a JUnit report).
pub fn looks_like_xml(text: &str) -> bool {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    start.starts_with("<?xml") || start.starts_with("<testsuite")
}

/// Every test case of the report, in document order.
pub fn parse(text: &str) -> Result<Vec<TestCase>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let document = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
    let root = document.root_element();
    if !matches!(root.tag_name().name(), "testsuites" | "testsuite") {
        return Err(format!(
            "the root element is <{}>, not <testsuites> or <testsuite>",
            root.tag_name().name()
        ));
    }
    let mut cases = Vec::new();
    for case in root
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
    {
        let attribute = |name: &str| case.attribute(name).map(str::to_owned);
        let mut outcome = Outcome::Passed;
        let mut message = None;
        let mut raised = Vec::new();
        for child in case.children().filter(roxmltree::Node::is_element) {
            let found = match child.tag_name().name() {
                "failure" => Outcome::Failed,
                "error" => Outcome::Error,
                "skipped" => Outcome::Skipped,
                _ => continue,
            };
            // An error in teardown after a failure: the case failed, and both reports count.
            if outcome == Outcome::Passed || found.failed() && !outcome.failed() {
                outcome = found;
                message = child.attribute("message").map(str::to_owned);
            }
            if found.failed() {
                let body: String = child
                    .descendants()
                    .filter(roxmltree::Node::is_text)
                    .filter_map(|node| node.text())
                    .collect();
                raised.extend(traceback::parse(&body));
            }
        }
        cases.push(TestCase {
            classname: attribute("classname").unwrap_or_default(),
            name: attribute("name").unwrap_or_default(),
            file: attribute("file").filter(|f| !f.is_empty()),
            outcome,
            message,
            raised,
        });
    }
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_outcomes_and_files() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4">
<testcase classname="" name="tests.mission_critical.test_b" time="0.000"><error message="collection failure">Traceback:
tests/mission_critical/test_b.py:1: in &lt;module&gt;
    from pkg.svc import Missing
E   ImportError: cannot import name 'Missing' from 'pkg.svc' (/tmp/pt/pkg/svc.py)</error></testcase>
<testcase classname="tests.test_a" name="test_ok" time="0.000" />
<testcase classname="tests.test_a.TestK" name="test_skip" time="0.000"><skipped message="later" /></testcase>
<testcase classname="tests.test_a.TestK" name="test_kw" file="tests/test_a.py" line="9"><failure message="TypeError: x">    def test_kw(self):
&gt;       S(thread_id=1)
E       TypeError: S.__init__() got an unexpected keyword argument 'thread_id'

tests/test_a.py:11: TypeError</failure></testcase></testsuite></testsuites>"#;
        let cases = parse(xml).unwrap();
        let summary: Vec<(String, Outcome, Vec<String>, usize)> = cases
            .iter()
            .map(|c| (c.id(), c.outcome, c.file_candidates(), c.raised.len()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "tests.mission_critical.test_b".to_owned(),
                    Outcome::Error,
                    vec![
                        "tests/mission_critical/test_b.py".to_owned(),
                        "tests/mission_critical.py".to_owned(),
                        "tests.py".to_owned()
                    ],
                    1
                ),
                (
                    "tests.test_a::test_ok".to_owned(),
                    Outcome::Passed,
                    vec!["tests/test_a.py".to_owned(), "tests.py".to_owned()],
                    0
                ),
                (
                    "tests.test_a.TestK::test_skip".to_owned(),
                    Outcome::Skipped,
                    vec![
                        "tests/test_a/TestK.py".to_owned(),
                        "tests/test_a.py".to_owned(),
                        "tests.py".to_owned()
                    ],
                    0
                ),
                (
                    "tests.test_a.TestK::test_kw".to_owned(),
                    Outcome::Failed,
                    vec!["tests/test_a.py".to_owned()],
                    1
                ),
            ]
        );
        assert_eq!(
            cases[3].raised[0].frames[0].function.as_deref(),
            Some("test_kw")
        );
    }

    #[test]
    fn bad_reports_are_errors() {
        assert!(parse("<?xml version=\"1.0\"?><testsuites>").is_err());
        assert!(parse("<?xml version=\"1.0\"?><html/>").is_err());
    }
}
