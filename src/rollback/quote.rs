//! Quoting, so that a printed command is safe to paste whatever a file name holds: spaces,
//! quotes, `$(...)`, backticks, glob characters or a newline.

/// A single-quoted shell word: inside `'...'` the shell takes every byte literally, newlines
/// included; a quote is written `'\''` (close, escaped quote, reopen).
pub fn sh(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for c in text.chars() {
        if c == '\'' {
            quoted.push_str("'\\''");
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

/// Text for one line of prose or a `#` comment: control characters are escaped (`\n`, `\t`,
/// `\u{1b}`), so a name with a newline cannot end a comment and start a command.
pub fn one_line(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            c if c.is_control() => shown.push_str(&c.escape_unicode().to_string()),
            c => shown.push(c),
        }
    }
    shown
}

/// A Python string literal with the same text (a JSON string is one).
pub fn python_str(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Characters that git would read as pathspec magic or globs in a path argument.
pub fn needs_literal_pathspec(path: &str) -> bool {
    path.starts_with(':') || path.contains(['*', '?', '[', ']', '\\'])
}

/// `git`, or `git --literal-pathspecs` when the path would otherwise be read as a pattern
/// (`git checkout REV -- '*.py'` would restore every Python file).
pub fn git_for(path: &str) -> &'static str {
    if needs_literal_pathspec(path) {
        "git --literal-pathspecs"
    } else {
        "git"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quotes_survive_the_shell() {
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh("it's"), "'it'\\''s'");
        assert_eq!(sh("$(rm -rf x) `y`"), "'$(rm -rf x) `y`'");
        assert_eq!(sh("a\nb"), "'a\nb'");
        assert_eq!(sh(""), "''");
    }

    #[test]
    fn one_line_escapes_control_characters() {
        assert_eq!(one_line("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(one_line("a\u{1b}[31m"), "a\\u{1b}[31m");
        assert_eq!(one_line("plain 'x'"), "plain 'x'");
    }

    #[test]
    fn python_literals() {
        assert_eq!(python_str("a.b"), "\"a.b\"");
        assert_eq!(python_str("it's \"x\"\n"), "\"it's \\\"x\\\"\\n\"");
    }

    #[test]
    fn glob_characters_need_literal_pathspecs() {
        assert!(needs_literal_pathspec("app/*.py"));
        assert!(needs_literal_pathspec(":(glob)x"));
        assert!(!needs_literal_pathspec("app/it's a \"file\".py"));
    }
}
