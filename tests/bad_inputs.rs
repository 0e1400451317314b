//! Bad input, one test per row: broken bytes, odd sizes, unreadable paths, bad configuration,
//! broken repositories and hostile file names. Each row puts the bad input beside a good file
//! with a known finding and says what the run prints on stderr, its exit code, and the findings
//! it still reports: no input makes the scan panic, and no input costs another file its findings.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use common::repo::commit_work_tree;
use common::{compact_findings, parse_error_paths, run, stderr, stdout, TempProject};

const USES_THREAD_ID: &str = "\
from netra_backend.app.schemas.agent_models import DeepAgentState

def f(s: DeepAgentState):
    return s.thread_id
";
const GOOD: &str = "app/good.py";
const GOOD_FINDING: &str = "SSOT002 error app/good.py:4:12 thread_id";

/// A project holding the good file (and the two class definitions).
fn project() -> TempProject {
    TempProject::new(&[(GOOD, USES_THREAD_ID)])
}

/// stderr with miette's wrapped lines joined again, so that a message can be matched whole.
fn unwrapped(output: &Output) -> String {
    let mut text = String::new();
    for line in stderr(output).lines() {
        let trimmed = line.trim_start();
        let continued = trimmed
            .strip_prefix("│ ")
            .filter(|_| !text.is_empty())
            .or_else(|| {
                (line.starts_with("        ") && !trimmed.is_empty() && !text.ends_with('\n'))
                    .then_some(trimmed)
            });
        match continued {
            Some(rest) => {
                text.push(' ');
                text.push_str(rest);
            }
            None => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(line);
            }
        }
    }
    text
}

/// One row: runs `args` with `--format json` in `cwd` and checks the exit code, that stderr says
/// each of `messages` (and nothing panicked), and the exact findings. Returns the report.
fn row(output: &Output, exit_code: i32, messages: &[&str], findings: &[&str]) -> serde_json::Value {
    let errors = unwrapped(output);
    assert_eq!(output.status.code(), Some(exit_code), "{errors}");
    for message in messages {
        assert!(
            errors.contains(message),
            "expected {message:?} in:\n{errors}"
        );
    }
    assert!(!errors.contains("panicked"), "{errors}");
    assert!(!errors.contains("internal error"), "{errors}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {errors}"));
    assert_eq!(compact_findings(&report), findings);
    if exit_code != 2 {
        assert_eq!(report["errors"], serde_json::json!([]), "{errors}");
        assert_eq!(report["summary"]["errors"], 0);
    }
    report
}

/// A path a report must name as not checked: `(path, kind, message)`.
type Unchecked<'a> = (&'a str, &'a str, &'a str);

/// `text` as a double-quoted XML attribute value, as the JUnit report escapes it.
fn xml_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Runs `command(format)` for every format. Each run exits 2 and its report names every path of
/// `unchecked` (sorted by path) with its kind and reason, in the format's own way, after the
/// findings, which are still all there: `findings` in JSON, and as many in the other formats.
/// The SARIF is saved as `sarif_name` for the SARIF Multitool (`.ci/run`).
fn unchecked_in_every_format(
    command: impl Fn(&str) -> Output,
    unchecked: &[Unchecked<'_>],
    findings: &[&str],
    sarif_name: &str,
) {
    let output = |format: &str| {
        let output = command(format);
        assert_eq!(
            output.status.code(),
            Some(2),
            "--format {format}: {}",
            stderr(&output)
        );
        for (_, _, message) in unchecked {
            assert!(
                unwrapped(&output).contains(message),
                "stderr: {}",
                stderr(&output)
            );
        }
        stdout(&output)
    };
    let n = unchecked.len();

    // JSON: an `errors` list, counted in the summary; the findings intact.
    let report: serde_json::Value = serde_json::from_str(&output("json")).unwrap();
    let errors: Vec<serde_json::Value> = unchecked
        .iter()
        .map(|(path, kind, message)| {
            serde_json::json!({"path": path, "kind": kind, "message": message})
        })
        .collect();
    assert_eq!(report["errors"], serde_json::Value::Array(errors.clone()));
    assert_eq!(report["summary"]["errors"], n);
    assert_eq!(compact_findings(&report), findings);

    // JSON lines: the findings, then one `"type": "error"` record per path.
    let lines: Vec<serde_json::Value> = output("json-lines")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines[..findings.len()],
        report["findings"].as_array().unwrap()[..]
    );
    let error_lines: Vec<serde_json::Value> = errors
        .iter()
        .map(|error| {
            let mut line = serde_json::json!({"type": "error"});
            let fields = error.as_object().unwrap().clone();
            line.as_object_mut().unwrap().extend(fields);
            line
        })
        .collect();
    assert_eq!(lines[findings.len()..], error_lines[..]);

    // SARIF: the run did not succeed; a notification per path, pointing at its artifact.
    let sarif_text = output("sarif");
    common::save_for_the_validator(sarif_name, &sarif_text);
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), findings.len());
    assert_eq!(run["invocations"].as_array().unwrap().len(), 1);
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notifications: Vec<serde_json::Value> = unchecked
        .iter()
        .map(|(path, kind, message)| {
            serde_json::json!({
                "descriptor": {"id": kind},
                "level": "error",
                "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": {
                    "uri": path, "uriBaseId": "%SRCROOT%",
                }}}],
            })
        })
        .collect();
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"],
        serde_json::Value::Array(notifications)
    );

    // JUnit: a suite per path whose one test case errs, counted in `errors`.
    let junit = output("junit");
    common::assert_xml_is_well_formed(&junit);
    assert!(
        junit.contains(&format!(
            "<testsuites name=\"ssot-guard\" tests=\"{}\" failures=\"{}\" errors=\"{n}\">",
            findings.len() + n,
            findings.len(),
        )),
        "{junit}"
    );
    let suites: String = unchecked
        .iter()
        .map(|(path, kind, message)| {
            let (path, message) = (xml_attribute(path), xml_attribute(message));
            let classname = path.strip_suffix(".py").unwrap_or(&path);
            format!(
                "    <testsuite name=\"{path}\" tests=\"1\" disabled=\"0\" errors=\"1\" failures=\"0\" package=\"ssot-guard\">\n\
                 \x20       <testcase name=\"{kind}\" classname=\"{classname}\" file=\"{path}\">\n\
                 \x20           <error message=\"{message}\" type=\"{kind}\">{message}</error>\n\
                 \x20       </testcase>\n\
                 \x20   </testsuite>\n"
            )
        })
        .collect();
    assert!(
        junit.ends_with(&format!("{suites}</testsuites>\n")),
        "{junit}"
    );

    // GitHub: after the findings' annotations, an `::error` on each path.
    let github = output("github");
    let commands: Vec<_> = github.lines().map(common::parse_workflow_command).collect();
    assert_eq!(commands.len(), findings.len() + n, "{github}");
    assert!(github
        .lines()
        .skip(findings.len())
        .all(|line| line.starts_with("::error ")));
    for ((properties, message), (path, kind, reason)) in
        commands[findings.len()..].iter().zip(unchecked)
    {
        let expected: std::collections::BTreeMap<String, String> =
            [("title", *kind), ("file", *path)]
                .map(|(key, value)| (key.to_owned(), value.to_owned()))
                .into();
        assert_eq!(properties, &expected);
        assert_eq!(message, reason);
    }

    // GitLab: a blocker per path, with a fingerprint of its own.
    let gitlab: serde_json::Value = serde_json::from_str(&output("gitlab")).unwrap();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), findings.len() + n);
    for (issue, (path, kind, message)) in issues[findings.len()..].iter().zip(unchecked) {
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 16, "{fingerprint}");
        assert_eq!(
            issue,
            &serde_json::json!({
                "description": format!("{kind}: {message}"),
                "check_name": kind,
                "fingerprint": fingerprint,
                "severity": "blocker",
                "categories": ["Bug Risk"],
                "location": {"path": path, "lines": {"begin": 1, "end": 1}},
            })
        );
    }
    let fingerprints: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len());

    // Concise and human: a line per path before the counts, and a last line that says the
    // counts leave them out.
    let lines: String = unchecked
        .iter()
        .map(|(path, _, message)| format!("{path}: error: {message}\n"))
        .collect();
    let last = format!(
        "{n} {} could not be checked (see above): the counts leave {} out.\n",
        if n == 1 { "path" } else { "paths" },
        if n == 1 { "it" } else { "them" },
    );
    let concise = output("concise");
    assert!(
        concise.starts_with(&lines) || concise.contains(&format!("\n{lines}")),
        "{concise}"
    );
    assert!(concise.ends_with(&last), "{concise}");
    assert_eq!(concise.lines().count(), findings.len() + n + 2, "{concise}");
    let human = output("human");
    assert!(
        human.contains(&format!("\n{lines}")) || human.starts_with(&lines),
        "{human}"
    );
    assert!(human.ends_with(&last), "{human}");
}

/// `check . --format json` in the project.
fn check(project: &TempProject) -> Output {
    run(project.path(), &["check", ".", "--format", "json"])
}

/// `check . --format FORMAT` in `cwd`, which must not fail with exit code 2.
fn check_format(cwd: &Path, format: &str) -> String {
    let output = run(cwd, &["check", ".", "--format", format]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "--format {format}: {}",
        stderr(&output)
    );
    stdout(&output)
}

/// A configuration row: exit code 2, no report, and a diagnostic that says `messages` (each
/// pointing at the offending line where one is given).
fn config_row(project: &TempProject, messages: &[&str]) {
    let output = run(project.path(), &["check", ".", "--format", "json"]);
    let errors = unwrapped(&output);
    assert_eq!(output.status.code(), Some(2), "{errors}");
    assert_eq!(stdout(&output), "", "a broken configuration checks nothing");
    for message in messages {
        assert!(
            errors.contains(message),
            "expected {message:?} in:\n{errors}"
        );
    }
}

// Bytes and sizes.

#[test]
fn latin1_file_with_a_coding_cookie() {
    let project = project();
    let mut latin1 = b"# -*- coding: latin-1 -*-\n# caf\xe9\n".to_vec();
    latin1.extend_from_slice(USES_THREAD_ID.as_bytes());
    project.write_bytes("app/latin1.py", &latin1);
    row(
        &check(&project),
        1,
        &[],
        &[GOOD_FINDING, "SSOT002 error app/latin1.py:6:12 thread_id"],
    );
}

#[test]
fn utf8_bom() {
    let project = project();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(USES_THREAD_ID.as_bytes());
    project.write_bytes("app/bom.py", &bom);
    row(
        &check(&project),
        1,
        &[],
        &["SSOT002 error app/bom.py:4:12 thread_id", GOOD_FINDING],
    );
}

#[test]
fn crlf_line_ends() {
    let project = project();
    project.write("app/crlf.py", &USES_THREAD_ID.replace('\n', "\r\n"));
    let report = row(
        &check(&project),
        1,
        &[],
        &["SSOT002 error app/crlf.py:4:12 thread_id", GOOD_FINDING],
    );
    assert_eq!(parse_error_paths(&report), [] as [&str; 0]);
}

/// Python ends a line at a lone CR too; the finding is on line 4, as Python numbers it, and the
/// human snippet shows that line.
#[test]
fn lone_cr_line_ends() {
    let project = project();
    project.write("app/cr.py", &USES_THREAD_ID.replace('\n', "\r"));
    for prefilter in [&[][..], &["--no-prefilter"][..]] {
        let mut args = vec!["check", ".", "--format", "json"];
        args.extend_from_slice(prefilter);
        let report = row(
            &run(project.path(), &args),
            1,
            &[],
            &["SSOT002 error app/cr.py:4:12 thread_id", GOOD_FINDING],
        );
        assert_eq!(parse_error_paths(&report), [] as [&str; 0]);
        assert_eq!(report["findings"][0]["end_line"], 4);
        assert_eq!(report["findings"][0]["end_column"], 23);
    }
    let human = stdout(&run(project.path(), &["check", "app/cr.py"]));
    assert!(human.contains("[app/cr.py:4:12]"), "{human}");
    assert!(human.contains(" 4 │     return s.thread_id\n"), "{human}");
}

/// NUL bytes make a syntax error; the file is marked, the rest stands.
#[test]
fn nul_bytes() {
    let project = project();
    project.write_bytes("app/nul.py", b"# DeepAgentState\nx = 1\0\0\nimport os\0\n");
    let report = row(&check(&project), 1, &[], &[GOOD_FINDING]);
    assert_eq!(parse_error_paths(&report), ["app/nul.py"]);
}

#[test]
fn binary_file_named_py() {
    let project = project();
    project.write_bytes(
        "app/binary.py",
        b"\xff\xfe\x00\x9c\x80DeepAgentState\x01\xc3\x28",
    );
    let report = row(&check(&project), 1, &[], &[GOOD_FINDING]);
    assert_eq!(parse_error_paths(&report), ["app/binary.py"]);
}

/// 20 MB of assignments with a finding at each end.
#[test]
fn twenty_megabyte_file() {
    let project = project();
    let body: String = (0..1_000_000)
        .map(|i| format!("value_{i} = {i}\n"))
        .collect();
    let text =
        format!("{USES_THREAD_ID}{body}\ndef g(s: DeepAgentState):\n    return s.thread_id\n");
    assert!(text.len() > 20_000_000, "{}", text.len());
    project.write("app/big.py", &text);
    row(
        &check(&project),
        1,
        &[],
        &[
            "SSOT002 error app/big.py:4:12 thread_id",
            "SSOT002 error app/big.py:1000007:12 thread_id",
            GOOD_FINDING,
        ],
    );
}

/// 100,000 nested brackets (and a 50,000-link attribute chain): no stack overflow.
#[test]
fn hundred_thousand_nested_brackets() {
    let project = project();
    project.write(
        "app/nested.py",
        &format!(
            "# DeepAgentState\nx = {}{}\n",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
    );
    project.write(
        "app/deep_attr.py",
        &format!("# DeepAgentState\nx = a{}\n", ".b".repeat(50_000)),
    );
    row(&check(&project), 1, &[], &[GOOD_FINDING]);
}

#[test]
fn empty_file() {
    let project = project();
    project.write("app/empty.py", "");
    let report = row(&check(&project), 1, &[], &[GOOD_FINDING]);
    assert_eq!(parse_error_paths(&report), [] as [&str; 0]);
}

// Paths that cannot be read.

/// A symlink loop (and a dangling link, and a folder that links to itself, which is not followed).
#[cfg(unix)]
#[test]
fn symlink_loop() {
    let project = project();
    let app = project.path().join("app");
    std::os::unix::fs::symlink(app.join("loop_b.py"), app.join("loop_a.py")).unwrap();
    std::os::unix::fs::symlink(app.join("loop_a.py"), app.join("loop_b.py")).unwrap();
    std::os::unix::fs::symlink(app.join("missing.py"), app.join("dangling.py")).unwrap();
    std::os::unix::fs::symlink(&app, app.join("cycle")).unwrap();
    let output = check(&project);
    row(
        &output,
        2,
        &[
            "cannot read `./app/loop_a.py`",
            "cannot read `./app/loop_b.py`",
            "cannot read `./app/dangling.py`",
        ],
        &[GOOD_FINDING],
    );
    // The system's reason is said once for each file, not again as a cause.
    assert_eq!(
        stderr(&output).matches("(os error").count(),
        3,
        "{}",
        stderr(&output)
    );
    let looping = "Too many levels of symbolic links (os error 40)";
    unchecked_in_every_format(
        |format| run(project.path(), &["check", ".", "--format", format]),
        &[
            (
                "app/dangling.py",
                "io-error",
                "cannot read `./app/dangling.py`: No such file or directory (os error 2)",
            ),
            (
                "app/loop_a.py",
                "io-error",
                &format!("cannot read `./app/loop_a.py`: {looping}"),
            ),
            (
                "app/loop_b.py",
                "io-error",
                &format!("cannot read `./app/loop_b.py`: {looping}"),
            ),
        ],
        &[GOOD_FINDING],
        "symlink loop.sarif",
    );
}

/// Row: a dangling `x.py` link beside good files. Every report format names it and says why, so
/// that a gate reading the report cannot take it for checked; the good files' findings are all
/// there; `--output FILE` writes the same; a baseline or `--changed-since` hides no error.
#[cfg(unix)]
#[test]
fn dangling_symlink_in_every_report_format() {
    let project = project();
    project.write("app/clean.py", "VALUE = 1\n");
    std::os::unix::fs::symlink("missing.py", project.path().join("app/x.py")).unwrap();
    const DANGLING: Unchecked<'_> = (
        "app/x.py",
        "io-error",
        "cannot read `./app/x.py`: No such file or directory (os error 2)",
    );
    let cwd = project.path();
    unchecked_in_every_format(
        |format| run(cwd, &["check", ".", "--format", format]),
        &[DANGLING],
        &[GOOD_FINDING],
        "unreadable file.sarif",
    );

    // The whole of the concise report and of the GitHub annotations.
    let concise = run(cwd, &["check", ".", "--format", "concise"]);
    assert_eq!(
        stdout(&concise),
        "app/good.py:4:12: SSOT002 reads `thread_id` on `s`: the SSOT `DeepAgentState` has no \
         `thread_id`; this raises AttributeError [**]\n\
         app/x.py: error: cannot read `./app/x.py`: No such file or directory (os error 2)\n\
         Found 1 finding (1 error, 0 warnings, 0 info) in 1 of 8 files; `DeepAgentState`: 0 \
         deprecated, 1 SSOT, 0 mixed.\n\
         1 path could not be checked (see above): the counts leave it out.\n"
    );
    assert_eq!(
        stdout(&run(cwd, &["check", ".", "--format", "github"])),
        "::error title=SSOT002 (missing-member),file=app/good.py,line=4,col=12,endLine=4,\
         endColumn=23::app/good.py:4:12: reads `thread_id` on `s`: the SSOT `DeepAgentState` \
         has no `thread_id`; this raises AttributeError%0Afix (unsafe, needs --unsafe-fixes): \
         renamed in the SSOT class: `thread_id` is `chat_thread_id`\n\
         ::error title=io-error,file=app/x.py::cannot read `./app/x.py`: No such file or \
         directory (os error 2)\n"
    );

    // `--output FILE`: the file holds the same report, the error in it.
    let out = tempfile::tempdir().unwrap();
    for format in common::FORMATS {
        let file = out.path().join(format!("report.{format}"));
        let written = run(
            cwd,
            &[
                "check",
                ".",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(written.status.code(), Some(2), "{}", stderr(&written));
        assert_eq!(stdout(&written), "");
        let report = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            report,
            stdout(&run(cwd, &["check", ".", "--format", format]))
        );
        assert!(
            report.contains("cannot read `./app/x.py`"),
            "--format {format}: {report}"
        );
    }

    // A baseline that knows every finding, and `--changed-since` with nothing changed, leave
    // the findings out, never the error.
    let baseline = out.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let written = run(cwd, &["check", ".", "--write-baseline", baseline]);
    assert_eq!(written.status.code(), Some(2), "{}", stderr(&written));
    let repo = git2::Repository::init(cwd).unwrap();
    commit_work_tree(&repo, "Everything, the dangling link too");
    for gate in [&["--baseline", baseline][..], &["--changed-since", "HEAD"]] {
        let mut args = vec!["check", ".", "--format", "json"];
        args.extend_from_slice(gate);
        let report = row(&run(cwd, &args), 2, &[DANGLING.2], &[]);
        assert_eq!(
            report["errors"],
            serde_json::json!([{"path": DANGLING.0, "kind": DANGLING.1, "message": DANGLING.2}]),
            "{gate:?}"
        );
        assert_eq!(report["summary"]["errors"], 1);
    }
}

/// Root reads anything, so as root the scan runs as `nobody` (uid 65534) through `setpriv` or
/// `runuser`. Without either the row cannot test what it says, so it fails and says why: a row
/// that returned early would pass without testing anything.
#[cfg(unix)]
#[test]
fn unreadable_file_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let project = project();
    project.write("app/secret.py", USES_THREAD_ID);
    project.write("app/locked/inner.py", USES_THREAD_ID);
    let mode = |path: &str, mode: u32| {
        std::fs::set_permissions(
            project.path().join(path),
            std::fs::Permissions::from_mode(mode),
        )
        .unwrap();
    };
    mode("", 0o755); // the temporary folder itself is private to its owner
    let binary = env!("CARGO_BIN_EXE_ssot-guard");
    let command = || {
        if is_root() {
            as_nobody(binary).unwrap_or_else(|| {
                panic!(
                    "running as root, and neither `setpriv` nor `runuser` (util-linux) can run a \
                     command as nobody, so this row cannot deny a read: install util-linux \
                     (`apt-get install util-linux`), or run the tests as another user"
                )
            })
        } else {
            Command::new(binary)
        }
    };
    let run_as = |format: &str| {
        mode("app/secret.py", 0o000);
        mode("app/locked", 0o000);
        let output = command()
            .args(["check", ".", "--format", format])
            .current_dir(project.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        mode("app/locked", 0o755); // so that the temporary folder can be removed
        output
    };
    row(
        &run_as("json"),
        2,
        &[
            "cannot read `./app/secret.py`: Permission denied",
            "./app/locked: Permission denied",
        ],
        &[GOOD_FINDING],
    );
    unchecked_in_every_format(
        run_as,
        &[
            (
                "app/locked",
                "io-error",
                "./app/locked: Permission denied (os error 13)",
            ),
            (
                "app/secret.py",
                "io-error",
                "cannot read `./app/secret.py`: Permission denied (os error 13)",
            ),
        ],
        &[GOOD_FINDING],
        "permission denied.sarif",
    );
}

#[cfg(unix)]
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command that runs `binary` as `nobody`, when the system can.
#[cfg(unix)]
fn as_nobody(binary: &str) -> Option<Command> {
    let works = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .arg("true")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    let runuser = ["-u", "nobody", "--"];
    let (program, args): (&str, &[&str]) = if works("setpriv", &setpriv) {
        ("setpriv", &setpriv)
    } else if works("runuser", &runuser) {
        ("runuser", &runuser)
    } else {
        return None;
    };
    let mut command = Command::new(program);
    command.args(args).arg(binary);
    Some(command)
}

/// Deterministic, with no hook in the binary: with one thread the files are read in path order,
/// and the first is a FIFO named on the command line. Opening it for writing waits until the scan
/// reads it, so discovery is over; the test then deletes the next file and lets the scan go on.
#[cfg(unix)]
#[test]
fn file_deleted_while_the_scan_runs() {
    use std::io::Write;
    let project = project();
    project.write("app/b_deleted.py", USES_THREAD_ID);
    let fifo = project.path().join("app/a_gate.py");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut scan = Command::new(env!("CARGO_BIN_EXE_ssot-guard"))
        .args(["check", "app/a_gate.py", "app", "--format", "json"])
        .args(["--threads", "1"])
        .current_dir(project.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deleted = project.path().join("app/b_deleted.py");
    let gate = std::thread::spawn(move || {
        // Blocks until the scan opens the FIFO to read it.
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        std::fs::remove_file(&deleted).unwrap();
        writer.write_all(USES_THREAD_ID.as_bytes()).unwrap();
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while scan.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            scan.kill().unwrap();
            panic!("the scan never finished reading the FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    gate.join().unwrap();
    let message = "cannot read `app/b_deleted.py`: No such file or directory (os error 2)";
    let report = row(
        &scan.wait_with_output().unwrap(),
        2,
        &[message],
        &["SSOT002 error app/a_gate.py:4:12 thread_id", GOOD_FINDING],
    );
    // The report says it too (every format prints errors alike: see the dangling link's row).
    assert_eq!(
        report["errors"],
        serde_json::json!([{"path": "app/b_deleted.py", "kind": "io-error", "message": message}])
    );
}

/// A path that does not exist is reported; the paths that do are still scanned.
#[test]
fn path_argument_that_does_not_exist() {
    let project = project();
    let output = run(
        project.path(),
        &["check", "app", "nope.py", "gone/", "--format", "json"],
    );
    row(
        &output,
        2,
        &[
            "path `nope.py` does not exist",
            "path `gone/` does not exist",
        ],
        &[GOOD_FINDING],
    );
    unchecked_in_every_format(
        |format| {
            run(
                project.path(),
                &["check", "app", "nope.py", "gone/", "--format", format],
            )
        },
        &[
            ("gone", "missing-path", "path `gone/` does not exist"),
            ("nope.py", "missing-path", "path `nope.py` does not exist"),
        ],
        &[GOOD_FINDING],
        "missing path.sarif",
    );
    // With no path left there is nothing to scan: the diagnostic alone.
    let output = run(project.path(), &["check", "nope.py"]);
    common::assert_error(&output, "path `nope.py` does not exist");
    assert_eq!(stdout(&output), "");
}

// Configuration: exit code 2 before any file is read, a diagnostic that points at the line.

#[test]
fn invalid_toml_config() {
    let project = project();
    project.write("pyproject.toml", "[tool.ssot-guard]\nexclude = [\"a\"\n");
    config_row(&project, &["pyproject.toml", "2 │ exclude = [\"a\""]);
}

#[test]
fn unknown_config_key() {
    let project = project();
    project.write("pyproject.toml", "[tool.ssot-guard]\nunknown-key = 1\n");
    config_row(
        &project,
        &["unknown field `unknown-key`", "2 │ unknown-key = 1"],
    );
}

#[test]
fn rule_file_with_a_missing_key() {
    let project = project();
    project.write(
        "pyproject.toml",
        "[tool.ssot-guard]\nrules = [\"rules/extra.toml\"]\nmigration = \"extra\"\n",
    );
    project.write(
        "rules/extra.toml",
        "id = \"extra\"\nsymbol = \"Foo\"\ndeprecated = [\"old.mod\"]\nissue = \"#1\"\n",
    );
    config_row(&project, &["rules/extra.toml", "missing field `ssot`"]);
}

#[test]
fn rule_file_with_a_bad_module_path() {
    let project = project();
    project.write(
        "pyproject.toml",
        "[tool.ssot-guard]\nrules = [\"rules/extra.toml\"]\nmigration = \"extra\"\n",
    );
    project.write(
        "rules/extra.toml",
        "id = \"extra\"\nsymbol = \"Foo\"\ndeprecated = [\"old.mod\"]\nssot = \"new-mod\"\nissue = \"#1\"\n",
    );
    config_row(
        &project,
        &[
            "`new-mod` is not a dotted module path",
            "4 │ ssot = \"new-mod\"",
        ],
    );
}

#[test]
fn unknown_code_in_select() {
    let project = project();
    project.write(
        "pyproject.toml",
        "[tool.ssot-guard]\nselect = [\"SSOT001\",\n  \"SSOT999\"]\n",
    );
    config_row(
        &project,
        &[
            "unknown code `SSOT999`",
            "3 │   \"SSOT999\"]",
            "known codes: SSOT001, SSOT002",
        ],
    );
}

// Repositories with an object missing from `.git/objects`.

/// A repository around the project, committed to with git2.
struct Repo {
    project: TempProject,
    git: git2::Repository,
}

impl Repo {
    fn new(project: TempProject) -> Repo {
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main");
        let git = git2::Repository::init_opts(project.path(), &options).unwrap();
        Repo { project, git }
    }

    fn stage_all(&self) -> git2::Oid {
        let mut index = self.git.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        index.write_tree().unwrap()
    }

    fn commit(&self, message: &str) -> git2::Oid {
        commit_work_tree(&self.git, message)
    }

    fn blob(&self, revision: &str) -> git2::Oid {
        self.git.revparse_single(revision).unwrap().id()
    }

    fn staged_blob(&self, path: &str) -> git2::Oid {
        let index = self.git.index().unwrap();
        index.get_path(Path::new(path), 0).unwrap().id
    }

    /// Deletes a loose object, as a crashed copy or a broken disk would.
    fn lose(&self, id: git2::Oid) {
        let hex = id.to_string();
        let file = self
            .project
            .path()
            .join(".git/objects")
            .join(&hex[..2])
            .join(&hex[2..]);
        std::fs::remove_file(file).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        run(self.project.path(), args)
    }
}

/// `check --staged` when HEAD's tree is missing: what is staged cannot be told, so nothing is
/// judged; the message says why and how to look, with exit code 2.
#[test]
fn staged_head_tree_missing_from_the_object_store() {
    let repo = Repo::new(TempProject::new(&[]));
    let head = repo.commit("Project");
    repo.project.write(GOOD, USES_THREAD_ID);
    repo.stage_all();
    let tree = repo.git.find_commit(head).unwrap().tree_id();
    repo.lose(tree);
    let output = repo.run(&["check", "--staged", "--format", "json"]);
    let errors = unwrapped(&output);
    assert_eq!(output.status.code(), Some(2), "{errors}");
    assert_eq!(stdout(&output), "");
    assert!(
        errors.contains("cannot tell what is staged: comparing the index with HEAD failed")
            && errors.contains("`git fsck` lists what is broken"),
        "{errors}"
    );
}

/// `check --staged` when the staged blob of one file is missing: that file is named, the other
/// staged file is still checked.
#[test]
fn staged_blob_missing_from_the_object_store() {
    let repo = Repo::new(TempProject::new(&[]));
    repo.commit("Project");
    repo.project.write(GOOD, USES_THREAD_ID);
    repo.project
        .write("app/lost.py", &format!("{USES_THREAD_ID}\n# lost\n"));
    repo.stage_all();
    let lost = repo.staged_blob("app/lost.py");
    repo.project
        .write("app/lost.py", "# the working tree differs\n");
    let good_blob = repo.staged_blob(GOOD);
    assert_ne!(
        lost, good_blob,
        "the two staged files must not share a blob"
    );
    repo.lose(lost);
    let output = repo.run(&["check", "--staged", "--format", "json"]);
    assert_eq!(stderr(&output).matches(&lost.to_string()).count(), 1);
    let message = format!(
        "cannot read the staged version of `app/lost.py` (blob {lost}): the object is missing"
    );
    row(&output, 2, &[&message], &[GOOD_FINDING]);
    unchecked_in_every_format(
        |format| repo.run(&["check", "--staged", "--format", format]),
        &[("app/lost.py", "io-error", &message)],
        &[GOOD_FINDING],
        "staged blob missing.sarif",
    );
}

/// A commit missing from the history: `checkpoints` and `rollback` stop with exit code 2 and name
/// it, rather than plan from a history cut short as if the clone were shallow.
#[test]
fn history_commit_missing_from_the_object_store() {
    let repo = Repo::new(TempProject::new(&[]));
    repo.project.write(
        GOOD,
        &USES_THREAD_ID.replace("schemas.agent_models", "agents.state"),
    );
    let checkpoint = repo.commit("checkpoint: pre-migration");
    repo.project.write(GOOD, USES_THREAD_ID);
    repo.commit("Migrate good.py");
    repo.lose(checkpoint);
    let missing = format!(
        "cannot read the history below HEAD: object not found - no match for id ({checkpoint})"
    );
    for args in [
        &["checkpoints"][..],
        &["rollback"],
        &["rollback", "--script"],
    ] {
        let output = repo.run(args);
        let errors = unwrapped(&output);
        assert_eq!(output.status.code(), Some(2), "{errors}");
        assert!(errors.contains(&missing), "{errors}");
        assert!(
            errors.contains("`git fsck` lists what is broken"),
            "{errors}"
        );
        assert!(!errors.contains("panicked"), "{errors}");
    }
    // `check` needs no history: the finding stands.
    row(
        &repo.run(&["check", ".", "--format", "json"]),
        1,
        &[],
        &[GOOD_FINDING],
    );
}

/// A version of one file missing from its history: that file's plan says the history cannot be
/// read (exit code 2); the other file's plan and every finding are still there.
#[test]
fn history_blob_missing_from_the_object_store() {
    let repo = Repo::new(TempProject::new(&[]));
    let deprecated = USES_THREAD_ID.replace("schemas.agent_models", "agents.state");
    repo.project.write(GOOD, &deprecated);
    repo.project
        .write("app/lost.py", &format!("{deprecated}\n# lost\n"));
    let before = repo.commit("Add the services");
    repo.project.write(GOOD, USES_THREAD_ID);
    repo.project
        .write("app/lost.py", &format!("{USES_THREAD_ID}\n# lost\n"));
    let migration = repo.commit("Migrate the services");
    let lost = repo.blob(&format!("{before}:app/lost.py"));
    repo.lose(lost);

    let output = repo.run(&["rollback", "--format", "json"]);
    let report = row(
        &output,
        2,
        &[&format!(
            "cannot plan `app/lost.py`: the history cannot be read: `app/lost.py` in commit {} (blob {lost}) is missing",
            &before.to_string()[..7]
        )],
        &[GOOD_FINDING, "SSOT002 error app/lost.py:4:12 thread_id"],
    );
    let candidates = report["rollback"]["candidates"].as_array().unwrap();
    let plan = |path: &str| {
        candidates
            .iter()
            .find(|c| c["path"] == path)
            .unwrap_or_else(|| panic!("no candidate {path}: {candidates:#?}"))
    };
    assert_eq!(plan(GOOD)["migration_commit"], migration.to_string());
    assert_eq!(plan(GOOD)["rollback_to"], before.to_string());
    assert_eq!(plan("app/lost.py")["rollback_to"], serde_json::Value::Null);
    assert!(plan("app/lost.py")["no_target"]
        .as_str()
        .unwrap()
        .starts_with("the history cannot be read"));
}

// File names.

/// Row: a file name with spaces, quotes, `$(...)`, backticks, `#`, `%` and `,` (and on unix a
/// newline and a CR), beside the good file: every format stays well-formed and names each file
/// exactly; the people formats show control characters escaped. The rollback script with such a
/// name is run with bash in `tests/rollback.rs` (`a_hostile_file_name_is_only_a_name`).
#[test]
fn hostile_file_name_through_every_format() {
    let source = "from netra_backend.app.agents.state import DeepAgentState\n\n\
                  def f(s: DeepAgentState):\n    hasattr(s, \"thread_id\")\n    return s.thread_id\n";
    let mut names = vec!["odd dir/it's \"quoted\" $(touch pwned) `id` #1, 100%.py"];
    if cfg!(unix) {
        names.push("odd dir/new\nline\r.py");
    }
    let mut files: Vec<(&str, &str)> = names.iter().map(|name| (*name, source)).collect();
    files.push((GOOD, USES_THREAD_ID));
    let project = TempProject::new(&files);
    let cwd = project.path();
    let mut expected_paths: BTreeSet<&str> = names.iter().copied().collect();
    expected_paths.insert(GOOD);

    // JSON and JSON lines: the same findings, paths intact.
    let report: serde_json::Value = serde_json::from_str(&check_format(cwd, "json")).unwrap();
    let findings = report["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 3 * names.len() + 1, "{findings:#?}");
    assert!(
        compact_findings(&report).contains(&GOOD_FINDING.to_owned()),
        "{findings:#?}"
    );
    let paths: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, expected_paths);
    let lines = check_format(cwd, "json-lines");
    let parsed: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(parsed, findings);

    // SARIF: each URI decodes back to its path, and points at its rule.
    let sarif_text = check_format(cwd, "sarif");
    common::save_for_the_validator("odd file names 'quoted' #1.sarif", &sarif_text);
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
        assert_eq!(
            common::percent_decode(uri),
            finding["path"].as_str().unwrap()
        );
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
        assert_eq!(result["ruleId"], finding["code"]);
        assert_eq!(
            result["partialFingerprints"]["ssotGuard/v2"],
            format!(
                "{}:{}",
                finding["migration"].as_str().unwrap(),
                finding["fingerprint"].as_str().unwrap()
            )
        );
    }

    // GitLab: paths intact, fingerprints unique.
    let gitlab: serde_json::Value = serde_json::from_str(&check_format(cwd, "gitlab")).unwrap();
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
    let github = check_format(cwd, "github");
    let commands: Vec<&str> = github.lines().collect();
    assert_eq!(commands.len(), findings.len(), "{github}");
    for (command, finding) in commands.iter().zip(&findings) {
        let (properties, message) = common::parse_workflow_command(command);
        assert_eq!(
            properties.get("file").map(String::as_str),
            finding["path"].as_str()
        );
        assert_eq!(
            properties.get("line").map(String::as_str),
            Some(finding["line"].to_string().as_str())
        );
        // The message, then the fix line.
        let (text, fix_line) = message.rsplit_once('\n').unwrap();
        assert!(text.ends_with(finding["message"].as_str().unwrap()));
        assert!(fix_line.starts_with("fix (") || fix_line.starts_with("no fix: "));
    }

    // JUnit: well-formed, each suite named after its file.
    let junit = check_format(cwd, "junit");
    common::assert_xml_is_well_formed(&junit);
    let suites: BTreeSet<String> = junit
        .match_indices("<testsuite name=\"")
        .map(|(at, open)| {
            let value = &junit[at + open.len()..];
            common::xml_unescape(&value[..value.find('"').unwrap()])
        })
        .collect();
    let suites: BTreeSet<&str> = suites.iter().map(String::as_str).collect();
    assert_eq!(suites, expected_paths, "{junit}");
    let (tests, failures) = (3 * names.len() + 1, 2 * names.len() + 1);
    assert!(
        junit.contains(&format!(
            "<testsuites name=\"ssot-guard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
        )),
        "{junit}"
    );

    // Concise and human: one line per finding (concise), control characters escaped.
    let concise = check_format(cwd, "concise");
    assert_eq!(concise.lines().count(), findings.len() + 1, "{concise}");
    assert!(concise.contains("app/good.py:4:12: SSOT002 "), "{concise}");
    let human = check_format(cwd, "human");
    assert!(human.contains("[app/good.py:4:12]"), "{human}");
    if cfg!(unix) {
        for people in [&concise, &human] {
            assert!(people.contains("odd dir/new\\nline\\r.py:5:12"), "{people}");
            assert!(
                !people.contains("new\nline") && !people.contains('\r'),
                "{people}"
            );
        }
    }
}
