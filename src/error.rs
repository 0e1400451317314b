//! The one error type for everything that stops a run with exit code 2: usage, configuration,
//! rule files and I/O. Each variant is a miette diagnostic that points at its cause.

use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// A problem in a TOML file; the span points at the offending line.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{path}: {message}")]
#[diagnostic(code(ssot_guard::invalid_toml))]
pub struct TomlError {
    path: String,
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
    #[help]
    help: Option<String>,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// A TOML file (rule file, `ssot-guard.toml`, `pyproject.toml`) that does not parse or holds a
    /// value we cannot accept.
    #[error(transparent)]
    #[diagnostic(transparent)]
    InvalidToml(Box<TomlError>),

    #[error("path `{0}` does not exist")]
    #[diagnostic(
        code(ssot_guard::missing_path),
        help("pass an existing file or folder (the default is the current folder)")
    )]
    MissingPath(String),

    /// The system's reason is part of the message, and not a `source` as well, which miette
    /// would print a second time.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(ssot_guard::io))]
    Io {
        path: String,
        reason: std::io::Error,
    },

    /// A folder that could not be walked (permission denied, a loop); the rest of the walk goes on.
    #[error("{0}")]
    #[diagnostic(code(ssot_guard::walk))]
    Walk(String),

    /// A bug of ours, caught while checking one file; the other files are still reported.
    #[error("internal error while checking `{0}`; please report it with the file")]
    #[diagnostic(code(ssot_guard::internal))]
    Internal(String),

    /// A repository that cannot be found or read (`rollback`, `checkpoints`).
    #[error("{message}")]
    #[diagnostic(code(ssot_guard::git))]
    Git {
        message: String,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(ssot_guard::usage))]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            reason: source,
        }
    }

    pub fn usage(message: impl Into<String>, help: Option<String>) -> Self {
        Error::Usage {
            message: message.into(),
            help,
        }
    }

    /// A git operation that failed, with what we were doing.
    pub fn git(context: impl std::fmt::Display, error: &git2::Error) -> Self {
        Error::Git {
            message: format!("{context}: {}", error.message()),
            help: None,
        }
    }

    /// An error about a value inside a TOML document, with the span of that value.
    pub fn toml_value(
        path: &Path,
        text: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Error::InvalidToml(Box::new(TomlError {
            path: path.display().to_string(),
            message: message.into(),
            source_code: NamedSource::new(path.display().to_string(), text.to_owned()),
            span: Some(span.into()),
            help,
        }))
    }

    /// A TOML document that failed to deserialize; `toml` gives the span of the culprit.
    pub fn toml_parse(path: &Path, text: &str, error: &toml::de::Error) -> Self {
        Error::InvalidToml(Box::new(TomlError {
            path: path.display().to_string(),
            message: error.message().trim_end().to_owned(),
            source_code: NamedSource::new(path.display().to_string(), text.to_owned()),
            span: error.span().map(SourceSpan::from),
            help: None,
        }))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
