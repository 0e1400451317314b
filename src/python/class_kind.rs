//! What kind of class a definition makes (a pydantic model, a dataclass, an attrs class, a
//! `NamedTuple`, a `TypedDict`, or a plain class), which keywords its constructor accepts, and
//! the base classes we know without reading them from the project.

use std::collections::BTreeSet;

/// What a pydantic model does with a keyword that is not one of its fields (`extra=` in its
/// config). Pydantic's default is [`Extra::Ignore`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Extra {
    /// The keyword is accepted and dropped.
    #[default]
    Ignore,
    /// The keyword raises a `ValidationError`.
    Forbid,
    /// The keyword is kept as an extra attribute (`model_extra`).
    Allow,
}

impl Extra {
    /// `"forbid"` (a string in `ConfigDict(extra="forbid")`) or the last name of `Extra.forbid`.
    pub fn from_name(name: &str) -> Option<Extra> {
        match name {
            "ignore" => Some(Extra::Ignore),
            "forbid" => Some(Extra::Forbid),
            "allow" => Some(Extra::Allow),
            _ => None,
        }
    }
}

/// The machinery that builds a class's constructor and fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ClassKind {
    /// Derives from pydantic's `BaseModel` (directly or through project classes).
    Pydantic { extra: Extra },
    /// Decorated with `@dataclass` / `@dataclasses.dataclass(...)`, or derived from such a class.
    Dataclass,
    /// Decorated with `@attr.s`, `@attrs.define`, `@define`, `@frozen`, ... or derived from one.
    Attrs,
    /// Derives from `typing.NamedTuple` (or from such a class).
    NamedTuple,
    /// Derives from `typing.TypedDict` (or from such a class): a `dict` at run time.
    TypedDict,
    /// Anything else.
    #[default]
    Plain,
}

/// The keyword arguments a class's constructor accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keywords {
    /// Exactly these names.
    Only(BTreeSet<String>),
    /// Any name: the constructor takes `**kwargs`, the class is a `TypedDict`, or a base class we
    /// cannot read may supply the constructor (or fields).
    Any,
}

impl Default for Keywords {
    /// `object()` takes no keyword.
    fn default() -> Self {
        Keywords::Only(BTreeSet::new())
    }
}

impl Keywords {
    /// Whether `Class(keyword=...)` gets past the signature. For a pydantic model this is whether
    /// the keyword is a field or alias: what happens to the others is the model's [`Extra`].
    pub fn accepts(&self, keyword: &str) -> bool {
        match self {
            Keywords::Only(names) => names.contains(keyword),
            Keywords::Any => true,
        }
    }

    pub(crate) fn only<'a>(names: impl IntoIterator<Item = &'a str>) -> Keywords {
        Keywords::Only(names.into_iter().map(str::to_owned).collect())
    }
}

/// Members every pydantic `BaseModel` has (v2 API and the deprecated v1 names it still serves).
/// A class that derives from `BaseModel` has them whether or not it overrides them, so they count
/// on both sides of the migration and are never risky.
pub const PYDANTIC_BASE_MODEL: &[&str] = &[
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "model_computed_fields",
    "model_config",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_extra",
    "model_fields",
    "model_fields_set",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
];

/// The non-dunder members of a `NamedTuple` class besides its fields (`dir()` of one, Python
/// 3.11).
const NAMED_TUPLE: &[&str] = &[
    "_asdict",
    "_field_defaults",
    "_fields",
    "_make",
    "_replace",
    "count",
    "index",
];

/// A `TypedDict` instance is a plain `dict`: these are its methods (`dir(dict)`, Python 3.11).
/// Its keys are listed as members too (they are read with `d["key"]`, not `d.key`).
const DICT: &[&str] = &[
    "clear",
    "copy",
    "fromkeys",
    "get",
    "items",
    "keys",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "values",
];

/// `BaseException`'s non-dunder members (Python 3.11; `__notes__` only appears on an instance
/// once `add_note` has run, and is a dunder anyway).
const BASE_EXCEPTION: &[&str] = &["add_note", "args", "with_traceback"];
const OS_ERROR: &[&str] = &[
    "add_note",
    "args",
    "with_traceback",
    "characters_written",
    "errno",
    "filename",
    "filename2",
    "strerror",
];
const SYNTAX_ERROR: &[&str] = &[
    "add_note",
    "args",
    "with_traceback",
    "end_lineno",
    "end_offset",
    "filename",
    "lineno",
    "msg",
    "offset",
    "print_file_and_line",
    "text",
];
const UNICODE_ERROR: &[&str] = &[
    "add_note",
    "args",
    "with_traceback",
    "encoding",
    "end",
    "object",
    "reason",
    "start",
];
const IMPORT_ERROR: &[&str] = &["add_note", "args", "with_traceback", "msg", "name", "path"];
const NAME_ERROR: &[&str] = &["add_note", "args", "with_traceback", "name"];
const ATTRIBUTE_ERROR: &[&str] = &["add_note", "args", "with_traceback", "name", "obj"];
const EXCEPTION_GROUP: &[&str] = &[
    "add_note",
    "args",
    "with_traceback",
    "derive",
    "exceptions",
    "message",
    "split",
    "subgroup",
];

/// A base class that is not read from the project.
#[derive(Clone, Copy, Debug)]
pub struct KnownBase {
    pub members: &'static [&'static str],
    pub kind: ClassKind,
    /// The keywords its constructor accepts (`None`: any, as a `TypedDict`).
    pub keywords: Option<&'static [&'static str]>,
    /// Its constructor is `object`'s (a later base's `__init__` comes first in the MRO).
    pub object_constructor: bool,
}

/// The base classes we know by their last name (`typing.NamedTuple` is `NamedTuple`). Exceptions
/// and their keywords are Python 3.11's, checked with `python3`: `Exception(x=1)` raises
/// "takes no keyword arguments"; `ImportError` takes `name=` and `path=`, `NameError` `name=`,
/// `AttributeError` `name=` and `obj=`.
pub fn known_base(name: &str) -> Option<KnownBase> {
    const NONE: &[&str] = &[];
    let object = |members| KnownBase {
        members,
        kind: ClassKind::Plain,
        keywords: Some(NONE),
        object_constructor: true,
    };
    let exception = |members, keywords| KnownBase {
        members,
        kind: ClassKind::Plain,
        keywords: Some(keywords),
        object_constructor: false,
    };
    Some(match name {
        "object" | "Generic" | "Protocol" | "ABC" => object(NONE),
        "BaseModel" => KnownBase {
            members: PYDANTIC_BASE_MODEL,
            kind: ClassKind::Pydantic {
                extra: Extra::Ignore,
            },
            keywords: Some(NONE),
            object_constructor: false,
        },
        "NamedTuple" => KnownBase {
            members: NAMED_TUPLE,
            kind: ClassKind::NamedTuple,
            keywords: Some(NONE),
            object_constructor: false,
        },
        "TypedDict" => KnownBase {
            members: DICT,
            kind: ClassKind::TypedDict,
            keywords: None,
            object_constructor: false,
        },
        "ImportError" | "ModuleNotFoundError" => exception(IMPORT_ERROR, &["name", "path"]),
        "NameError" | "UnboundLocalError" => exception(NAME_ERROR, &["name"]),
        "AttributeError" => exception(ATTRIBUTE_ERROR, &["name", "obj"]),
        "OSError"
        | "EnvironmentError"
        | "IOError"
        | "BlockingIOError"
        | "BrokenPipeError"
        | "ChildProcessError"
        | "ConnectionAbortedError"
        | "ConnectionError"
        | "ConnectionRefusedError"
        | "ConnectionResetError"
        | "FileExistsError"
        | "FileNotFoundError"
        | "InterruptedError"
        | "IsADirectoryError"
        | "NotADirectoryError"
        | "PermissionError"
        | "ProcessLookupError"
        | "TimeoutError" => exception(OS_ERROR, NONE),
        "SyntaxError" | "IndentationError" | "TabError" => exception(SYNTAX_ERROR, NONE),
        "UnicodeDecodeError" | "UnicodeEncodeError" | "UnicodeTranslateError" => {
            exception(UNICODE_ERROR, NONE)
        }
        "BaseExceptionGroup" | "ExceptionGroup" => exception(EXCEPTION_GROUP, NONE),
        "StopIteration" => exception(&["add_note", "args", "with_traceback", "value"], NONE),
        "SystemExit" => exception(&["add_note", "args", "with_traceback", "code"], NONE),
        "BaseException"
        | "Exception"
        | "ArithmeticError"
        | "AssertionError"
        | "BufferError"
        | "EOFError"
        | "FloatingPointError"
        | "GeneratorExit"
        | "IndexError"
        | "KeyError"
        | "KeyboardInterrupt"
        | "LookupError"
        | "MemoryError"
        | "NotImplementedError"
        | "OverflowError"
        | "RecursionError"
        | "ReferenceError"
        | "RuntimeError"
        | "StopAsyncIteration"
        | "SystemError"
        | "TypeError"
        | "UnicodeError"
        | "ValueError"
        | "ZeroDivisionError"
        | "Warning"
        | "UserWarning"
        | "DeprecationWarning"
        | "PendingDeprecationWarning"
        | "SyntaxWarning"
        | "RuntimeWarning"
        | "FutureWarning"
        | "ImportWarning"
        | "UnicodeWarning"
        | "BytesWarning"
        | "ResourceWarning"
        | "EncodingWarning" => exception(BASE_EXCEPTION, NONE),
        _ => return None,
    })
}

/// A class decorator that generates `__init__` from the class's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldDecorator {
    /// `@dataclass(init=..., slots=...)`; `slots` is off unless passed.
    Dataclass { init: bool, slots: bool },
    /// An attrs decorator. `next_gen` is `define`/`frozen`/`mutable` (attrs' "next generation"
    /// API: `auto_detect=True`, so a hand-written `__init__` is kept, and `auto_attribs` guessed);
    /// `attr.s`/`attr.attrs` default both to off. `auto_attribs` is the explicit argument.
    /// `slots` is whether the class gets `__slots__`: `slots=` if passed, else on for the next
    /// generation API and off for `attr.s`/`attr.attrs`/`attr.dataclass` (checked with attrs
    /// 26.1: `dir()` of an `@attrs.define` class lists its fields as slot descriptors, that of
    /// an `@attr.s` class does not).
    Attrs {
        init: bool,
        next_gen: bool,
        auto_attribs: Option<bool>,
        auto_detect: Option<bool>,
        slots: bool,
    },
}

/// Classifies a class decorator by its full dotted path (imports resolved: `@dc` after
/// `from dataclasses import dataclass as dc` is `dataclasses.dataclass`) and its keyword
/// arguments (`name`, source text of the value). `bound` is whether the decorator's first name
/// came from an import; an unbound bare name (`@dataclass` without a visible import, as in a
/// file parsed alone) is trusted by its name.
pub fn field_decorator<'a>(
    path: &str,
    bound: bool,
    keywords: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> Option<FieldDecorator> {
    let flag = |name: &str| {
        keywords
            .clone()
            .find(|(keyword, _)| *keyword == name)
            .map(|(_, value)| value.trim() != "False")
    };
    let init = flag("init").unwrap_or(true);
    let slots = flag("slots");
    let (module, last) = match path.rsplit_once('.') {
        Some((module, last)) => (Some(module), last),
        None => (None, path),
    };
    let from = |modules: &[&str]| match module {
        Some(module) => modules.contains(&module),
        None => !bound,
    };
    match last {
        "dataclass" if from(&["dataclasses", "pydantic.dataclasses"]) => {
            Some(FieldDecorator::Dataclass {
                init,
                slots: slots.unwrap_or(false),
            })
        }
        "dataclass" if from(&["attr"]) => Some(FieldDecorator::Attrs {
            init,
            next_gen: false,
            auto_attribs: Some(true),
            auto_detect: flag("auto_detect"),
            slots: slots.unwrap_or(false),
        }),
        "s" | "attrs" | "attributes" if from(&["attr", "attrs"]) => Some(FieldDecorator::Attrs {
            init,
            next_gen: false,
            auto_attribs: flag("auto_attribs"),
            auto_detect: flag("auto_detect"),
            slots: slots.unwrap_or(false),
        }),
        "define" | "frozen" | "mutable" if from(&["attr", "attrs"]) => {
            Some(FieldDecorator::Attrs {
                init,
                next_gen: true,
                auto_attribs: flag("auto_attribs"),
                auto_detect: flag("auto_detect"),
                slots: slots.unwrap_or(true),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_accept_their_names_or_any() {
        let only = Keywords::only(["a", "b"]);
        assert!(only.accepts("a") && !only.accepts("c"));
        assert!(Keywords::Any.accepts("anything"));
        assert!(!Keywords::default().accepts("x"));
    }

    #[test]
    fn decorators_are_told_by_their_path() {
        let none = std::iter::empty();
        assert_eq!(
            field_decorator("dataclasses.dataclass", true, none.clone()),
            Some(FieldDecorator::Dataclass {
                init: true,
                slots: false
            })
        );
        assert_eq!(
            field_decorator("dataclass", false, [("init", "False")].into_iter()),
            Some(FieldDecorator::Dataclass {
                init: false,
                slots: false
            })
        );
        assert_eq!(
            field_decorator(
                "dataclasses.dataclass",
                true,
                [("slots", "True")].into_iter()
            ),
            Some(FieldDecorator::Dataclass {
                init: true,
                slots: true
            })
        );
        // A bare name bound to something else is not the decorator.
        assert_eq!(field_decorator("mylib.dataclass", true, none.clone()), None);
        assert!(matches!(
            field_decorator("attrs.define", true, none.clone()),
            Some(FieldDecorator::Attrs { next_gen: true, .. })
        ));
        assert!(matches!(
            field_decorator("attr.s", true, [("auto_attribs", "True")].into_iter()),
            Some(FieldDecorator::Attrs {
                next_gen: false,
                auto_attribs: Some(true),
                ..
            })
        ));
        // The next generation API is slotted by default, the classic one is not.
        for (path, next_gen) in [
            ("attr.attrs", false),
            ("attr.s", false),
            ("attr.dataclass", false),
            ("attrs.frozen", true),
            ("attrs.mutable", true),
            ("attr.define", true),
            ("frozen", true),
            ("mutable", true),
            ("define", true),
        ] {
            assert!(
                matches!(
                    field_decorator(path, path.contains('.'), none.clone()),
                    Some(FieldDecorator::Attrs { next_gen: n, slots: s, .. })
                        if n == next_gen && s == next_gen
                ),
                "{path}"
            );
        }
        assert!(matches!(
            field_decorator("attrs.define", true, [("slots", "False")].into_iter()),
            Some(FieldDecorator::Attrs { slots: false, .. })
        ));
        assert!(matches!(
            field_decorator("attr.s", true, [("slots", "True")].into_iter()),
            Some(FieldDecorator::Attrs { slots: true, .. })
        ));
        assert_eq!(
            field_decorator("functools.total_ordering", true, none),
            None
        );
    }

    #[test]
    fn known_bases() {
        assert!(matches!(
            known_base("BaseModel").unwrap().kind,
            ClassKind::Pydantic { .. }
        ));
        assert!(known_base("object").unwrap().object_constructor);
        assert_eq!(known_base("TypedDict").unwrap().keywords, None);
        assert_eq!(
            known_base("ImportError").unwrap().keywords,
            Some(&["name", "path"][..])
        );
        assert!(!known_base("ValueError").unwrap().object_constructor);
        assert!(known_base("Enum").is_none());
    }
}
