//! Logs as text the traceback parser reads: each line's prefix (timestamp, level, logger, pod)
//! taken off the lines of a traceback it starts, JSON log lines replaced by their text fields,
//! and JSON-escaped tracebacks inside a line unescaped.

/// The JSON fields that hold a log line's text, by the names logging libraries use.
const TEXT_FIELDS: &[&str] = &[
    "log",
    "message",
    "msg",
    "exc_info",
    "exc_text",
    "exception",
    "stack_trace",
    "stacktrace",
    "traceback",
    "error",
    "stack",
];

const TRACEBACK: &str = "Traceback (most recent call last):";

/// The text with the log's framing taken away; lines keep their order (one input line can
/// become several).
pub fn unwrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The prefix of the line that began the traceback being read, as a shape (digit runs as
    // `0`), while the lines that follow carry it.
    let mut prefix: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        if let Some(fields) = json_text(line) {
            prefix = None;
            for field in fields {
                out.push_str(field.strip_suffix('\n').unwrap_or(&field));
                out.push('\n');
            }
            continue;
        }
        if let Some(at) = line.find(TRACEBACK) {
            let start = header_start(line, at);
            let header = &line[start..];
            if header.contains("\\n") {
                prefix = None;
                out.push_str(&unescape(header));
                out.push('\n');
                continue;
            }
            prefix = (start > 0).then(|| shape(&line[..start]));
            out.push_str(header);
            out.push('\n');
            continue;
        }
        if let Some(shape) = &prefix {
            match strip_shaped(line, shape) {
                Some(rest) => {
                    out.push_str(rest);
                    out.push('\n');
                    continue;
                }
                // Python's logging prefixes only a record's first line: the rest follows bare.
                None => prefix = None,
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Where a traceback's header begins in a line that has `Traceback (most recent call last):` at
/// `at`: before an exception group's `Exception Group ` and its `+`/`|` gutter and indentation,
/// which belong to the traceback, not to a log prefix.
fn header_start(line: &str, at: usize) -> usize {
    let before = &line[..at];
    let before = before.strip_suffix("Exception Group ").unwrap_or(before);
    let kept = before.trim_end_matches([' ', '|', '+']);
    // Only a gutter goes with the header: spaces alone end a log prefix.
    match before[kept.len()..].find(['|', '+']) {
        Some(gutter) if !kept.trim().is_empty() => kept.len() + gutter,
        Some(_) => 0,
        None => before.len(),
    }
}

/// A JSON object's text fields (see [`TEXT_FIELDS`]), or every string holding a newline.
fn json_text(line: &str) -> Option<Vec<String>> {
    let trimmed = line.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    let serde_json::Value::Object(object) = serde_json::from_str(trimmed).ok()? else {
        return None;
    };
    let named: Vec<String> = object
        .iter()
        .filter(|(key, _)| TEXT_FIELDS.contains(&key.to_ascii_lowercase().as_str()))
        .filter_map(|(_, value)| value.as_str().map(str::to_owned))
        .collect();
    if !named.is_empty() {
        return Some(named);
    }
    Some(
        object
            .values()
            .filter_map(|value| value.as_str())
            .filter(|text| text.contains('\n'))
            .map(str::to_owned)
            .collect(),
    )
}

/// JSON string escapes undone, up to the string's closing quote.
fn unescape(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => {}
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(c);
                    }
                }
                Some(other) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    out
}

/// A prefix with each run of digits as one `0`: timestamps and ids change from line to line.
fn shape(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len());
    let mut in_digits = false;
    for c in prefix.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('0');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// The line after a prefix of shape `shape`, if it starts with one.
fn strip_shaped<'l>(line: &'l str, shape: &str) -> Option<&'l str> {
    let mut rest = line;
    for c in shape.chars() {
        if c == '0' {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return None;
            }
            rest = &rest[digits..];
        } else {
            rest = rest.strip_prefix(c)?;
        }
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::unwrap;

    #[test]
    fn prefixed_lines_lose_their_prefix() {
        let log = "2026-12-01T10:00:01.120Z app-7f9 ERROR Traceback (most recent call last):\n\
                   2026-12-01T10:00:01.121Z app-7f9 ERROR   File \"/app/x.py\", line 3, in f\n\
                   2026-12-01T10:00:01.121Z app-7f9 ERROR     return s.thread_id\n\
                   2026-12-01T10:00:01.122Z app-7f9 ERROR AttributeError: 'S' object has no attribute 'thread_id'\n\
                   2026-12-01T10:00:02.000Z app-7f9 INFO request done\n";
        assert_eq!(
            unwrap(log),
            "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\n    return s.thread_id\nAttributeError: 'S' object has no attribute 'thread_id'\n2026-12-01T10:00:02.000Z app-7f9 INFO request done\n"
        );
    }

    #[test]
    fn a_record_prefixed_on_its_first_line_only() {
        let log = "ERROR:root:Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\nKeyError: 1\n";
        assert_eq!(
            unwrap(log),
            "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\nKeyError: 1\n"
        );
    }

    #[test]
    fn an_exception_group_keeps_its_gutters_behind_a_prefix_or_none() {
        let group = "  + Exception Group Traceback (most recent call last):\n  |   File \"/app/x.py\", line 3, in f\n  | ExceptionGroup: batch (1 sub-exception)\n  +-+---------------- 1 ----------------\n    | Traceback (most recent call last):\n    |   File \"/app/y.py\", line 1, in g\n    | KeyError: 1\n    +------------------------------------\n";
        assert_eq!(unwrap(group), group);
        let prefixed: String = group
            .lines()
            .map(|line| format!("2026-12-02 10:00:01,123 ERROR {line}\n"))
            .collect();
        // The gutters' indentation may go with the prefix: the parser reads them trimmed.
        let read = |text: &str| -> Vec<(String, usize)> {
            crate::triage::traceback::parse(text)
                .into_iter()
                .map(|r| (r.type_name, r.frames.len()))
                .collect()
        };
        assert_eq!(
            read(&unwrap(&prefixed)),
            [("ExceptionGroup".to_owned(), 1), ("KeyError".to_owned(), 1)]
        );
        assert_eq!(read(&unwrap(&prefixed)), read(group));
    }

    #[test]
    fn json_lines_and_escaped_tracebacks() {
        let log = concat!(
            r#"{"time": "2026-12-01T10:00:01Z", "level": "error", "exc_info": "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\nKeyError: 'a'"}"#,
            "\n",
            r#"worker-2 | failed: "Traceback (most recent call last):\n  File \"/app/y.py\", line 9, in g\nImportError: cannot import name 'S' from 'm' (/app/m.py)" rest"#,
            "\n",
        );
        assert_eq!(
            unwrap(log),
            "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\nKeyError: 'a'\nTraceback (most recent call last):\n  File \"/app/y.py\", line 9, in g\nImportError: cannot import name 'S' from 'm' (/app/m.py)\n"
        );
    }
}
