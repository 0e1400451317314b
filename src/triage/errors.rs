//! Which raised exceptions a migration causes, read off the exception's type and message as
//! CPython and pydantic print them: a member the class lacks, a name a module no longer has, a
//! keyword the constructor no longer takes, a field pydantic refuses or misses.

use serde::Serialize;

use crate::migration::MigrationOracle;

/// An exception that a move of a class explains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MigrationError {
    /// `AttributeError: 'C' object has no attribute 'm'` (also `type object 'C'`), or
    /// pydantic's `ValueError: "C" object has no field "m"` on a write.
    MissingMember { class: String, member: String },
    /// `ImportError: cannot import name 'C' from 'module' (...)`, or
    /// `AttributeError: module 'module' has no attribute 'C'`.
    CannotImport { class: String, module: String },
    /// `ModuleNotFoundError: No module named 'module'`: the deprecated module is gone.
    ModuleGone { module: String },
    /// `TypeError: C.__init__() got an unexpected keyword argument 'm'` (the class is `None`
    /// when CPython printed only `__init__()`).
    UnexpectedKeyword {
        class: Option<String>,
        member: String,
    },
    /// pydantic's `N validation error(s) for C` with the fields it names and why
    /// (`extra_forbidden`, `missing`).
    Validation {
        class: String,
        fields: Vec<ValidationField>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidationField {
    pub field: String,
    /// pydantic's error type (`extra_forbidden`, `missing`), when printed.
    pub error_type: Option<String>,
}

impl MigrationError {
    /// The class the error names, if it names one.
    pub fn class(&self) -> Option<&str> {
        match self {
            MigrationError::MissingMember { class, .. }
            | MigrationError::CannotImport { class, .. }
            | MigrationError::Validation { class, .. } => Some(class),
            MigrationError::UnexpectedKeyword { class, .. } => class.as_deref(),
            MigrationError::ModuleGone { .. } => None,
        }
    }

    /// The members the error names (attribute, keyword or fields).
    pub fn members(&self) -> Vec<&str> {
        match self {
            MigrationError::MissingMember { member, .. }
            | MigrationError::UnexpectedKeyword { member, .. } => vec![member],
            MigrationError::Validation { fields, .. } => fields
                .iter()
                .map(|f| f.field.split('.').next().unwrap_or(&f.field))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the error is about migration `migration`'s class or modules. A keyword error
    /// that names no class concerns it when the keyword is a member the SSOT class lacks.
    pub fn concerns(&self, migration: &MigrationOracle) -> bool {
        let rule = &migration.rule;
        let module_is_ours = |module: &str| {
            module == rule.ssot.as_str() || rule.deprecated.iter().any(|d| d.as_str() == module)
        };
        match self {
            MigrationError::CannotImport { class, module } => {
                rule.names_class(class) && module_is_ours(module)
            }
            MigrationError::ModuleGone { module } => {
                rule.deprecated.iter().any(|d| d.as_str() == module)
            }
            MigrationError::UnexpectedKeyword {
                class: None,
                member,
            } => {
                migration.interface.risky_members.contains(member)
                    || migration.interface.dropped_keyword(member).is_some()
            }
            _ => self.class().is_some_and(|class| rule.names_class(class)),
        }
    }
}

/// The migration error an exception is, from its type (as printed: `AttributeError`,
/// `pydantic_core._pydantic_core.ValidationError`) and its message (all its lines).
pub fn classify(type_name: &str, message: &str) -> Option<MigrationError> {
    let short = type_name.rsplit('.').next().unwrap_or(type_name);
    let first = message.lines().next().unwrap_or("");
    match short {
        "AttributeError" => {
            if let Some(rest) = first.strip_prefix("module ") {
                let (module, rest) = quoted(rest)?;
                let rest = rest.strip_prefix(" has no attribute ")?;
                let (class, _) = quoted(rest)?;
                return Some(MigrationError::CannotImport { class, module });
            }
            let rest = first.strip_prefix("type object ").unwrap_or(first);
            let (class, rest) = quoted(rest)?;
            let rest = rest
                .strip_prefix(" object has no attribute ")
                .or_else(|| rest.strip_prefix(" has no attribute "))?;
            let (member, _) = quoted(rest)?;
            Some(MigrationError::MissingMember { class, member })
        }
        "ImportError" => {
            let rest = first.strip_prefix("cannot import name ")?;
            let (class, rest) = quoted(rest)?;
            let rest = rest.strip_prefix(" from ")?;
            let (module, _) = quoted(rest)?;
            Some(MigrationError::CannotImport { class, module })
        }
        "ModuleNotFoundError" => {
            let rest = first.strip_prefix("No module named ")?;
            let (module, _) = quoted(rest)?;
            Some(MigrationError::ModuleGone { module })
        }
        "TypeError" => {
            let (callee, rest) = first.split_once("() got an unexpected keyword argument ")?;
            let (member, _) = quoted(rest)?;
            // `C.__init__`, `C.__new__`, `C` (a dataclass or NamedTuple's own name), `__init__`.
            let callee = callee.rsplit(' ').next().unwrap_or(callee);
            let class = callee
                .strip_suffix(".__init__")
                .or_else(|| callee.strip_suffix(".__new__"))
                .unwrap_or(callee);
            let class = (!class.starts_with("__") && !class.is_empty())
                .then(|| class.rsplit('.').next().unwrap_or(class).to_owned());
            Some(MigrationError::UnexpectedKeyword { class, member })
        }
        "ValueError" => {
            // pydantic v2 on `model.field = value` for a field it does not have.
            let (class, rest) = double_quoted(first)?;
            let rest = rest.strip_prefix(" object has no field ")?;
            let (member, _) = double_quoted(rest)?;
            Some(MigrationError::MissingMember { class, member })
        }
        "ValidationError" => validation(message),
        _ => None,
    }
}

/// A migration error an output mentions, and the line that says it (`Type: message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mentioned {
    pub line: String,
    pub error: MigrationError,
}

/// Every migration error an output mentions on a line of its own, in order, each once:
/// `Type: message` after optional indentation and pytest's `E` marker (`E   ImportError: cannot
/// import name ...`), the type dotted or not. A pydantic message's following lines are read
/// with it.
pub fn in_output(output: &str) -> Vec<Mentioned> {
    let lines: Vec<&str> = output.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some((type_name, first)) = exception_line(line) else {
            continue;
        };
        let message = if type_name.ends_with("ValidationError") {
            let marker = line.len() - line.trim_start_matches(['E', ' ']).len();
            let rest = lines[index + 1..]
                .iter()
                .take_while(|l| l.len() >= marker && !l.trim().is_empty())
                .map(|l| l.get(marker..).unwrap_or(""));
            std::iter::once(first)
                .chain(rest)
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            first.to_owned()
        };
        if let Some(error) = classify(type_name, &message) {
            if !found.iter().any(|m: &Mentioned| m.error == error) {
                found.push(Mentioned {
                    line: format!("{type_name}: {first}"),
                    error,
                });
            }
        }
    }
    found
}

/// `Type: message` (the type a dotted name ending in `Error`), after indentation and pytest's
/// `E` marker.
fn exception_line(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start();
    let trimmed = trimmed.strip_prefix("E ").map_or(trimmed, str::trim_start);
    let (type_name, message) = trimmed.split_once(": ")?;
    let short = type_name.rsplit('.').next().unwrap_or(type_name);
    let is_name = type_name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    (is_name && short.ends_with("Error") && short.chars().next()?.is_ascii_uppercase())
        .then_some((type_name, message))
}

/// pydantic's message: `N validation error(s) for C`, then per error the field's location on a
/// line of its own and an indented line ending `[type=..., ...]`.
fn validation(message: &str) -> Option<MigrationError> {
    let mut lines = message.lines();
    let first = lines.next()?;
    let (count, class) = first.split_once(" validation error")?;
    count.trim().parse::<usize>().ok()?;
    let class = class
        .trim_start_matches('s')
        .strip_prefix(" for ")?
        .trim()
        .to_owned();
    let mut fields: Vec<ValidationField> = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            fields.push(ValidationField {
                field: line.trim().to_owned(),
                error_type: None,
            });
        } else if let Some(last) = fields.last_mut() {
            if last.error_type.is_none() {
                if let Some((_, tail)) = line.split_once("[type=") {
                    let kind = tail.split([',', ']']).next().unwrap_or("").trim();
                    last.error_type = Some(kind.to_owned());
                }
            }
        }
    }
    Some(MigrationError::Validation { class, fields })
}

/// `'text'` at the start of `rest` (CPython's repr of a str: single quotes, or double quotes
/// when the text holds a single quote), and what follows it.
fn quoted(rest: &str) -> Option<(String, &str)> {
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some((body[..end].to_owned(), &body[end + 1..]))
}

fn double_quoted(rest: &str) -> Option<(String, &str)> {
    rest.starts_with('"').then(|| quoted(rest)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(class: &str, member: &str) -> Option<MigrationError> {
        Some(MigrationError::MissingMember {
            class: class.into(),
            member: member.into(),
        })
    }

    #[test]
    fn attribute_errors() {
        assert_eq!(
            classify(
                "AttributeError",
                "'DeepAgentState' object has no attribute 'thread_id'. Did you mean: 'chat_thread_id'?"
            ),
            member("DeepAgentState", "thread_id")
        );
        assert_eq!(
            classify(
                "AttributeError",
                "type object 'DeepAgentState' has no attribute 'from_legacy'"
            ),
            member("DeepAgentState", "from_legacy")
        );
        assert_eq!(
            classify(
                "AttributeError",
                "module 'netra_backend.app.agents.state' has no attribute 'DeepAgentState'"
            ),
            Some(MigrationError::CannotImport {
                class: "DeepAgentState".into(),
                module: "netra_backend.app.agents.state".into()
            })
        );
        assert_eq!(
            classify("AttributeError", "'NoneType' object is not callable"),
            None
        );
        assert_eq!(
            classify(
                "ValueError",
                "\"DeepAgentState\" object has no field \"thread_id\""
            ),
            member("DeepAgentState", "thread_id")
        );
    }

    #[test]
    fn import_errors() {
        assert_eq!(
            classify(
                "ImportError",
                "cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/app/netra_backend/app/agents/state.py)"
            ),
            Some(MigrationError::CannotImport {
                class: "DeepAgentState".into(),
                module: "netra_backend.app.agents.state".into()
            })
        );
        assert_eq!(
            classify(
                "ModuleNotFoundError",
                "No module named 'netra_backend.app.agents.state'"
            ),
            Some(MigrationError::ModuleGone {
                module: "netra_backend.app.agents.state".into()
            })
        );
    }

    #[test]
    fn keyword_errors() {
        let keyword = |class: Option<&str>, member: &str| {
            Some(MigrationError::UnexpectedKeyword {
                class: class.map(Into::into),
                member: member.into(),
            })
        };
        assert_eq!(
            classify(
                "TypeError",
                "DeepAgentState.__init__() got an unexpected keyword argument 'thread_id'"
            ),
            keyword(Some("DeepAgentState"), "thread_id")
        );
        assert_eq!(
            classify(
                "TypeError",
                "__init__() got an unexpected keyword argument 'thread_id'"
            ),
            keyword(None, "thread_id")
        );
        assert_eq!(
            classify(
                "TypeError",
                "RunSpec.__new__() got an unexpected keyword argument 'retries'"
            ),
            keyword(Some("RunSpec"), "retries")
        );
    }

    #[test]
    fn errors_in_test_output() {
        let output = "tests/test_a.py:1: in <module>\n    from netra_backend.app.agents.state import DeepAgentState\nE   ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/x/state.py)\nE   ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/x/state.py)\nFAILED tests/test_b.py::test_b - AssertionError: 1 != 2\n";
        assert_eq!(
            in_output(output),
            vec![Mentioned {
                line: "ImportError: cannot import name 'DeepAgentState' from 'netra_backend.app.agents.state' (/x/state.py)".into(),
                error: MigrationError::CannotImport {
                    class: "DeepAgentState".into(),
                    module: "netra_backend.app.agents.state".into()
                }
            }]
        );
        let output = "E   pydantic_core._pydantic_core.ValidationError: 1 validation error for DeepAgentState\nE   thread_id\nE     Extra inputs are not permitted [type=extra_forbidden, input_value=1, input_type=int]\n\nnext";
        let errors: Vec<MigrationError> = in_output(output).into_iter().map(|m| m.error).collect();
        assert_eq!(
            errors,
            vec![MigrationError::Validation {
                class: "DeepAgentState".into(),
                fields: vec![ValidationField {
                    field: "thread_id".into(),
                    error_type: Some("extra_forbidden".into())
                }]
            }]
        );
    }

    #[test]
    fn pydantic_validation_errors() {
        let message = "2 validation errors for DeepAgentState\nthread_id\n  Extra inputs are not permitted [type=extra_forbidden, input_value='t-1', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.9/v/extra_forbidden\nuser_id\n  Field required [type=missing, input_value={}, input_type=dict]";
        assert_eq!(
            classify("pydantic_core._pydantic_core.ValidationError", message),
            Some(MigrationError::Validation {
                class: "DeepAgentState".into(),
                fields: vec![
                    ValidationField {
                        field: "thread_id".into(),
                        error_type: Some("extra_forbidden".into())
                    },
                    ValidationField {
                        field: "user_id".into(),
                        error_type: Some("missing".into())
                    },
                ]
            })
        );
    }
}
