//! Tracebacks as text: CPython's (chained exceptions, 3.11+ caret lines, exception groups, notes,
//! frames without a source line) and pytest's (`--tb=long`/`short`/`auto`: `path:line:` location
//! lines, `>` source lines, `E` exception lines), read line by line in one pass.

use serde::Serialize;

/// One frame, outermost first as printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// As printed: another machine's absolute path, a relative one, `<string>`.
    pub path: String,
    pub line: Option<usize>,
    pub function: Option<String>,
    /// The frame's source line, when printed.
    pub source: Option<String>,
}

/// One raised exception with its own frames (a chained exception's cause is one of its own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Raised {
    /// As printed: `AttributeError`, `pydantic_core._pydantic_core.ValidationError`.
    pub type_name: String,
    /// The message's lines (notes and pydantic's details included), `. Did you mean` kept.
    pub message: String,
    pub frames: Vec<Frame>,
    /// 1-based line of the input where its traceback begins.
    pub input_line: usize,
}

/// Every exception of the text, in the order printed (a chain's cause first).
pub fn parse(text: &str) -> Vec<Raised> {
    let mut parser = Parser::default();
    for (index, line) in text.lines().enumerate() {
        parser.line(index + 1, line.trim_end_matches('\r'));
    }
    parser.finish_cpython();
    parser.finish_pytest();
    parser.raised
}

#[derive(Default)]
struct Parser {
    raised: Vec<Raised>,
    /// Inside an exception group's `|` gutter.
    in_group: bool,
    /// The line before was a group's separator (`+---- 2 ----`).
    after_separator: bool,
    cpython: Option<CPython>,
    pytest: Option<Pytest>,
}

/// A CPython traceback being read.
struct CPython {
    input_line: usize,
    /// The indentation of the `Traceback` header: the exception line has the same.
    indent: usize,
    frames: Vec<Frame>,
    /// The exception line is read: what follows is its message.
    exception: Option<(String, String)>,
}

/// A pytest report entry being read: location lines, `>` sources and `E` lines.
#[derive(Default)]
struct Pytest {
    input_line: usize,
    frames: Vec<Frame>,
    /// The last `>` line and the last `def` line since the previous location line.
    source: Option<String>,
    function: Option<String>,
    /// The `E` lines so far, without their marker.
    e_lines: Option<String>,
    /// The spaces after the first `E` marker.
    e_indent: usize,
    /// The exception type the entry's last location line names.
    located_type: Option<String>,
}

impl Parser {
    fn line(&mut self, number: usize, raw: &str) {
        let line = if self.in_group {
            match strip_gutter(raw) {
                Some(content) => content,
                None => {
                    self.in_group = false;
                    raw
                }
            }
        } else {
            raw
        };
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();

        if let Some(rest) = trimmed.strip_prefix("+ ") {
            if rest.starts_with("Exception Group Traceback (most recent call last):") {
                self.start_cpython(number, indent);
                self.in_group = true;
                return;
            }
        }
        if trimmed == "Traceback (most recent call last):"
            || trimmed == "Exception Group Traceback (most recent call last):"
            || trimmed.ends_with(" Traceback (most recent call last):") && self.in_group
        {
            self.start_cpython(number, indent);
            return;
        }
        if trimmed.starts_with("During handling of the above exception")
            || trimmed.starts_with("The above exception was the direct cause")
            || is_separator(trimmed)
        {
            self.finish_cpython();
            self.after_separator = self.in_group && is_separator(trimmed);
            return;
        }
        // A sub-exception that was never raised has no traceback: its exception line follows
        // the group's separator directly.
        if std::mem::take(&mut self.after_separator) && self.cpython.is_none() {
            if let Some((type_name, message)) = exception_head(trimmed) {
                self.start_cpython(number, indent);
                if let Some(tb) = self.cpython.as_mut() {
                    tb.exception = Some((type_name.to_owned(), message.to_owned()));
                }
                return;
            }
        }
        if self.cpython.is_some() && self.cpython_line(line, trimmed, indent) {
            return;
        }
        self.pytest_line(number, line, trimmed);
    }

    fn start_cpython(&mut self, number: usize, indent: usize) {
        self.finish_cpython();
        self.finish_pytest();
        self.cpython = Some(CPython {
            input_line: number,
            indent,
            frames: Vec::new(),
            exception: None,
        });
    }

    /// A line of a CPython traceback; false when the traceback has ended before it.
    fn cpython_line(&mut self, line: &str, trimmed: &str, indent: usize) -> bool {
        let Some(tb) = self.cpython.as_mut() else {
            return false;
        };
        if let Some((_, message)) = tb.exception.as_mut() {
            if trimmed.is_empty() {
                self.finish_cpython();
            } else {
                message.push('\n');
                message.push_str(line.get(tb.indent..).unwrap_or(trimmed));
            }
            return true;
        }
        if trimmed.is_empty() {
            return true;
        }
        if let Some(frame) = cpython_frame(trimmed) {
            tb.frames.push(frame);
            return true;
        }
        if indent > tb.indent {
            // A source line, a caret line, `[Previous line repeated N more times]`.
            let skip = is_caret_line(trimmed) || trimmed.starts_with("[Previous line repeated");
            if let Some(frame) = tb.frames.last_mut().filter(|_| !skip) {
                if frame.source.is_none() {
                    frame.source = Some(trimmed.to_owned());
                }
            }
            return true;
        }
        let (type_name, message) = match exception_head(trimmed) {
            Some(head) => head,
            // Not an exception line: the traceback was cut off.
            None => {
                self.finish_cpython();
                return false;
            }
        };
        tb.exception = Some((type_name.to_owned(), message.to_owned()));
        true
    }

    fn finish_cpython(&mut self) {
        if let Some(tb) = self.cpython.take() {
            if let Some((type_name, message)) = tb.exception {
                self.raised.push(Raised {
                    type_name,
                    message,
                    frames: tb.frames,
                    input_line: tb.input_line,
                });
            }
        }
    }

    /// A line of pytest's report (or of anything else, which ends an entry that has its `E`
    /// lines).
    fn pytest_line(&mut self, number: usize, line: &str, trimmed: &str) {
        if let Some(rest) = line
            .strip_prefix('E')
            .filter(|r| r.is_empty() || r.starts_with(' '))
        {
            let entry = self.pytest.get_or_insert_with(|| Pytest {
                input_line: number,
                ..Pytest::default()
            });
            // The marker's width is the first `E` line's: later lines keep their own indentation.
            let spaces = |text: &str| text.len() - text.trim_start_matches(' ').len();
            match entry.e_lines.as_mut() {
                Some(lines) => {
                    lines.push('\n');
                    lines.push_str(&rest[spaces(rest).min(entry.e_indent)..]);
                }
                None => {
                    entry.e_indent = spaces(rest);
                    entry.e_lines = Some(rest.trim_start().to_owned());
                }
            }
            return;
        }
        if let Some((path, line_number, rest)) = pytest_location(line) {
            let entry = self.pytest.get_or_insert_with(|| Pytest {
                input_line: number,
                ..Pytest::default()
            });
            let function = rest
                .strip_prefix("in ")
                .map(str::to_owned)
                .or_else(|| entry.function.take());
            entry.frames.push(Frame {
                path: path.to_owned(),
                line: Some(line_number),
                function,
                source: entry.source.take(),
            });
            if entry.e_lines.is_some() {
                // The entry's last location names the exception's type: `path:N: AssertionError`.
                entry.located_type = exception_head(rest)
                    .filter(|(_, message)| message.is_empty())
                    .map(|(type_name, _)| type_name.to_owned());
                self.finish_pytest();
            }
            return;
        }
        let Some(entry) = self.pytest.as_mut() else {
            if let Some(source) = trimmed.strip_prefix("> ") {
                self.pytest = Some(Pytest {
                    input_line: number,
                    source: Some(source.trim().to_owned()),
                    ..Pytest::default()
                });
            } else if let Some(name) = def_name(trimmed) {
                self.pytest = Some(Pytest {
                    input_line: number,
                    function: Some(name.to_owned()),
                    ..Pytest::default()
                });
            }
            return;
        };
        if entry.e_lines.is_some() {
            if !trimmed.is_empty() {
                self.finish_pytest();
                self.pytest_line(number, line, trimmed);
            }
            return;
        }
        if let Some(source) = line.strip_prefix('>') {
            entry.source = Some(source.trim().to_owned());
        } else if let Some(name) = def_name(trimmed) {
            entry.function = Some(name.to_owned());
        } else if line.starts_with("    ") && !is_caret_line(trimmed) {
            // `--tb=short`: the source follows its location line.
            if let Some(frame) = entry.frames.last_mut() {
                if frame.source.is_none() {
                    frame.source = Some(trimmed.to_owned());
                }
            }
        }
    }

    /// The entry as an exception: the first `E` line's `Type: message`, or (for `assert`
    /// lines) the type its last location line names and every `E` line as the message.
    fn finish_pytest(&mut self) {
        let Some(entry) = self.pytest.take() else {
            return;
        };
        let Some(lines) = entry.e_lines else {
            return;
        };
        let (first, rest) = lines.split_once('\n').unwrap_or((&lines, ""));
        let (type_name, message) = match exception_head(first.trim()) {
            Some((type_name, head)) if rest.is_empty() => (type_name.to_owned(), head.to_owned()),
            Some((type_name, head)) => (type_name.to_owned(), format!("{head}\n{rest}")),
            None => match entry.located_type {
                Some(type_name) => (type_name, lines.clone()),
                None => return,
            },
        };
        self.raised.push(Raised {
            type_name,
            message,
            frames: entry.frames,
            input_line: entry.input_line,
        });
    }
}

/// `File "path", line N, in function` (the `in` part is missing for a `SyntaxError`).
fn cpython_frame(trimmed: &str) -> Option<Frame> {
    let rest = trimmed.strip_prefix("File \"")?;
    let (path, rest) = rest.rsplit_once("\", line ")?;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let line = rest[..digits].parse().ok()?;
    let rest = &rest[digits..];
    let function = rest.strip_prefix(", in ").map(str::to_owned);
    if function.is_none() && !rest.is_empty() {
        return None;
    }
    Some(Frame {
        path: path.to_owned(),
        line: Some(line),
        function,
        source: None,
    })
}

/// pytest's `path.py:N: rest` (rest: `in function`, an exception type, or nothing).
fn pytest_location(line: &str) -> Option<(&str, usize, &str)> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let (head, rest) = match line.split_once(": ") {
        Some(split) => split,
        None => (line.trim_end().strip_suffix(':')?, ""),
    };
    let (path, number) = head.rsplit_once(':')?;
    if !path.ends_with(".py") || path.contains(' ') && !path.starts_with('/') {
        return None;
    }
    let number = number.parse().ok()?;
    Some((path, number, rest.trim()))
}

/// The name of a `def` line of pytest's long report.
fn def_name(trimmed: &str) -> Option<&str> {
    let rest = trimmed
        .strip_prefix("async def ")
        .or_else(|| trimmed.strip_prefix("def "))?;
    let end = rest.find('(')?;
    Some(&rest[..end])
}

/// `Type: message` or a bare `Type` (`KeyboardInterrupt`), the type a dotted name.
/// A bare type must look like a class (`StopIteration`, `pkg.Error`: its last part capitalized),
/// so that a stray word after a header is not taken for an exception.
fn exception_head(text: &str) -> Option<(&str, &str)> {
    let (type_name, message) = match text.split_once(": ") {
        Some(split) => split,
        None => (text.strip_suffix(':').unwrap_or(text), ""),
    };
    let is_name = !type_name.is_empty()
        && type_name.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_alphanumeric() || c == '_')
        });
    let class_like = !message.is_empty()
        || type_name
            .rsplit('.')
            .next()
            .and_then(|last| last.chars().next())
            .is_some_and(char::is_uppercase);
    (is_name && class_like).then_some((type_name, message))
}

/// 3.11+'s `^^^^` and `~~~~^^^^` lines under a source line.
fn is_caret_line(trimmed: &str) -> bool {
    !trimmed.is_empty() && trimmed.chars().all(|c| matches!(c, '^' | '~' | ' '))
}

/// An exception group's separators (`+-+---- 1 ----`, `+------`) and pytest's `_ _ _` lines.
fn is_separator(trimmed: &str) -> bool {
    let dashes = |t: &str| !t.is_empty() && t.chars().all(|c| matches!(c, '-' | '+' | ' ' | '.'));
    (trimmed.starts_with('+') && trimmed.len() > 3 && {
        let digits_removed: String = trimmed.chars().filter(|c| !c.is_ascii_digit()).collect();
        dashes(&digits_removed) || digits_removed.contains("more exceptions")
    }) || (trimmed.starts_with("_ _") && trimmed.chars().all(|c| c == '_' || c == ' '))
}

/// An exception group line without its `|` gutters (every level: a nested group's header and
/// separators are read as such). `None` once the group ends.
fn strip_gutter(raw: &str) -> Option<&str> {
    let mut line = raw;
    let mut stripped = false;
    // A loop, not recursion: a line of 100,000 `|` is input too.
    loop {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('|') {
            line = rest.strip_prefix(' ').unwrap_or(rest);
            stripped = true;
        } else if trimmed.starts_with('+') {
            return Some(trimmed);
        } else {
            return stripped.then_some(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(path: &str, line: usize, function: &str, source: Option<&str>) -> Frame {
        Frame {
            path: path.into(),
            line: Some(line),
            function: Some(function.into()),
            source: source.map(Into::into),
        }
    }

    #[test]
    fn a_chained_traceback_with_carets_and_a_suggestion() {
        let text = r#"Traceback (most recent call last):
  File "/app/netra_backend/app/services/report.py", line 5, in thread_of
    return cache[state]
           ~~~~~^^^^^^^
KeyError: <state>

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/app/netra_backend/app/services/report.py", line 7, in thread_of
    return state.thread_id
           ^^^^^^^^^^^^^^^
AttributeError: 'DeepAgentState' object has no attribute 'thread_id'. Did you mean: 'chat_thread_id'?
"#;
        let raised = parse(text);
        assert_eq!(raised.len(), 2);
        assert_eq!(raised[0].type_name, "KeyError");
        assert_eq!(raised[1].type_name, "AttributeError");
        assert_eq!(
            raised[1].message,
            "'DeepAgentState' object has no attribute 'thread_id'. Did you mean: 'chat_thread_id'?"
        );
        assert_eq!(raised[1].input_line, 9);
        assert_eq!(
            raised[1].frames,
            vec![
                Frame {
                    path: "<string>".into(),
                    line: Some(1),
                    function: Some("<module>".into()),
                    source: None
                },
                frame(
                    "/app/netra_backend/app/services/report.py",
                    7,
                    "thread_of",
                    Some("return state.thread_id")
                ),
            ]
        );
    }

    #[test]
    fn an_exception_group_with_notes() {
        let text = r#"  + Exception Group Traceback (most recent call last):
  |   File "/srv/app/main.py", line 9, in <module>
  |     raise ExceptionGroup("batch", errors)
  | ExceptionGroup: batch (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "/srv/app/agents/run.py", line 3, in run
    |     return state.thread_id
    |            ^^^^^^^^^^^^^^^
    | AttributeError: 'DeepAgentState' object has no attribute 'thread_id'
    | while running agent 7
    +---------------- 2 ----------------
    | Traceback (most recent call last):
    |   File "/srv/app/agents/load.py", line 1, in <module>
    | ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/srv/app/x.py)
    +------------------------------------
"#;
        let raised = parse(text);
        let types: Vec<&str> = raised.iter().map(|r| r.type_name.as_str()).collect();
        assert_eq!(types, ["ExceptionGroup", "AttributeError", "ImportError"]);
        assert_eq!(
            raised[1].message,
            "'DeepAgentState' object has no attribute 'thread_id'\nwhile running agent 7"
        );
        assert_eq!(
            raised[1].frames,
            vec![frame(
                "/srv/app/agents/run.py",
                3,
                "run",
                Some("return state.thread_id")
            )]
        );
        assert_eq!(raised[2].frames[0].source, None);
    }

    #[test]
    fn sub_exceptions_that_were_never_raised() {
        let text = "  + Exception Group Traceback (most recent call last):\n  |   File \"/app/x.py\", line 9, in run\n  |     raise ExceptionGroup(\"batch\", errors)\n  | ExceptionGroup: batch (1 sub-exception)\n  +-+---------------- 1 ----------------\n    | ExceptionGroup: inner (1 sub-exception)\n    | a note\n    +-+---------------- 1 ----------------\n      | TypeError: S.__init__() got an unexpected keyword argument 'thread_id'\n      +------------------------------------\n";
        let raised: Vec<(String, String, usize)> = parse(text)
            .into_iter()
            .map(|r| (r.type_name, r.message, r.frames.len()))
            .collect();
        assert_eq!(
            raised,
            [
                (
                    "ExceptionGroup".to_owned(),
                    "batch (1 sub-exception)".to_owned(),
                    1
                ),
                (
                    "ExceptionGroup".to_owned(),
                    "inner (1 sub-exception)\na note".to_owned(),
                    0
                ),
                (
                    "TypeError".to_owned(),
                    "S.__init__() got an unexpected keyword argument 'thread_id'".to_owned(),
                    0
                ),
            ]
        );
    }

    #[test]
    fn pytest_long_and_short_reports() {
        let long = r#"    def test_thread():
>       assert thread_of(DeepAgentState()) == "t"

tests/test_report.py:8: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

state = <DeepAgentState object at 0x7f>

    def thread_of(state):
>       return state.thread_id
E       AttributeError: 'DeepAgentState' object has no attribute 'thread_id'

netra_backend/app/services/report.py:4: AttributeError"#;
        let raised = parse(long);
        assert_eq!(raised.len(), 1);
        assert_eq!(raised[0].type_name, "AttributeError");
        assert_eq!(
            raised[0].frames,
            vec![
                frame(
                    "tests/test_report.py",
                    8,
                    "test_thread",
                    Some("assert thread_of(DeepAgentState()) == \"t\"")
                ),
                frame(
                    "netra_backend/app/services/report.py",
                    4,
                    "thread_of",
                    Some("return state.thread_id")
                ),
            ]
        );
        let short = r#"ImportError while importing test module '/ci/tests/test_a.py'.
Hint: make sure your test modules/packages have valid Python names.
Traceback:
/usr/lib/python3.11/importlib/__init__.py:126: in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
tests/test_a.py:1: in <module>
    from netra_backend.app.agents.state import DeepAgentState
E   ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/ci/netra_backend/app/agents/state.py)"#;
        let raised = parse(short);
        assert_eq!(raised.len(), 1);
        assert_eq!(raised[0].type_name, "ImportError");
        assert_eq!(
            raised[0].frames[1],
            frame(
                "tests/test_a.py",
                1,
                "<module>",
                Some("from netra_backend.app.agents.state import DeepAgentState")
            )
        );
    }

    #[test]
    fn a_failed_assert_takes_its_type_from_the_location_line() {
        let text = "    def test_retry_budget():\n>       assert sum([1, 1]) == 3\nE       assert 2 == 3\nE        +  where 2 = sum([1, 1])\n\ntests/test_misc.py:2: AssertionError";
        let raised = parse(text);
        assert_eq!(raised.len(), 1);
        assert_eq!(raised[0].type_name, "AssertionError");
        assert_eq!(
            raised[0].message,
            "assert 2 == 3\n +  where 2 = sum([1, 1])"
        );
    }

    #[test]
    fn text_that_is_not_a_traceback_gives_nothing() {
        assert!(parse("").is_empty());
        assert!(parse("Traceback (most recent call last):\n  File \"x.py\", line 1").is_empty());
        assert!(parse("x.py:3:1: E501 line too long\nE\n").is_empty());
        assert!(parse("E   \nE   \n").is_empty());
    }
}
