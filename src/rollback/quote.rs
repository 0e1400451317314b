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
