//! The one table of finding codes, with the documentation `explain` prints and SARIF carries.
//! Codes are never reused.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Code {
    #[serde(rename = "SSOT001")]
    DeprecatedImport,
    #[serde(rename = "SSOT002")]
    MissingMember,
    #[serde(rename = "SSOT003")]
    DroppedField,
    #[serde(rename = "SSOT004")]
    UnresolvedImport,
    #[serde(rename = "SSOT005")]
    MixedSources,
    #[serde(rename = "SSOT006")]
    GuardedAccess,
}

/// What a code's documentation says, in ruff's four sections.
pub struct CodeDoc {
    /// One line, as in DESIGN.md's code table.
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

impl Code {
    pub const ALL: [Code; 6] = [
        Code::DeprecatedImport,
        Code::MissingMember,
        Code::DroppedField,
        Code::UnresolvedImport,
        Code::MixedSources,
        Code::GuardedAccess,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::DeprecatedImport => "SSOT001",
            Code::MissingMember => "SSOT002",
            Code::DroppedField => "SSOT003",
            Code::UnresolvedImport => "SSOT004",
            Code::MixedSources => "SSOT005",
            Code::GuardedAccess => "SSOT006",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Code::DeprecatedImport => "deprecated-import",
            Code::MissingMember => "missing-member",
            Code::DroppedField => "dropped-field",
            Code::UnresolvedImport => "unresolved-import",
            Code::MixedSources => "mixed-sources",
            Code::GuardedAccess => "guarded-access",
        }
    }

    /// Accepts `SSOT002` as well as the name `missing-member`.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|code| code.as_str().eq_ignore_ascii_case(text) || code.name() == text)
    }

    pub fn doc(self) -> CodeDoc {
        match self {
            Code::DeprecatedImport => CodeDoc {
                summary: "binds the symbol from a deprecated module (any import form)",
                what: "Binds the migrated class from a deprecated module, in any import form: \
                       `from M import S`, an alias, `import M` then `M.S`, a relative import, a \
                       star import whose name is used, or a module that re-exports the deprecated \
                       class.",
                why: "Every deprecated import is a file the migration has not reached yet. The \
                      deprecated class still works, so this is a warning, but the SSOT cannot be \
                      the single source of truth while it is imported.",
                example: "from netra_backend.app.agents.state import DeepAgentState",
                fix: "from netra_backend.app.schemas.agent_models import DeepAgentState",
            },
            Code::MissingMember => CodeDoc {
                summary: "reads, writes or deletes a member that the SSOT class lacks, on a value known to be an instance",
                what: "Reads, writes or deletes a member of an instance of the migrated class \
                       that the SSOT class does not have (the deprecated class minus the SSOT \
                       class), including `getattr(x, \"m\")` without a default, `setattr` and \
                       `delattr`.",
                why: "Once the file uses the SSOT class this raises `AttributeError` at run \
                      time. It is an error when the instance's class comes from the SSOT module \
                      (it fails today) and a warning when it still comes from the deprecated \
                      module (it blocks the migration).",
                example: "def run(state: DeepAgentState):\n    return state.thread_id",
                fix: "def run(state: DeepAgentState):\n    return state.chat_thread_id",
            },
            Code::DroppedField => CodeDoc {
                summary: "constructs the class with a keyword that only the deprecated class takes (the SSOT class silently drops it)",
                what: "Constructs the migrated class with a keyword argument that only the \
                       deprecated class understands.",
                why: "Pydantic ignores unknown keywords by default, so the SSOT class silently \
                      drops the value: no error, just lost data (a lost thread id means events \
                      go to the wrong WebSocket).",
                example: "DeepAgentState(user_request=q, thread_id=thread)",
                fix: "DeepAgentState(user_request=q, chat_thread_id=thread)",
            },
            Code::UnresolvedImport => CodeDoc {
                summary: "imports the symbol from a project module that does not define it",
                what: "Imports the migrated class from a module inside the project that does \
                       not define or re-export it.",
                why: "The import raises `ImportError` when the module is loaded.",
                example: "from netra_backend.app.schemas.registry_v2 import DeepAgentState",
                fix: "from netra_backend.app.schemas.agent_models import DeepAgentState",
            },
            Code::MixedSources => CodeDoc {
                summary: "one file binds the symbol from both the deprecated and the SSOT module",
                what: "One file binds the migrated class from both the deprecated and the SSOT \
                       module (in different scopes, or in a try/except fallback).",
                why: "Two classes with one name: `isinstance` checks and type annotations \
                      disagree depending on which binding a line sees, and a half-migrated file \
                      is the hardest kind to roll back.",
                example: "from netra_backend.app.agents.state import DeepAgentState\n\ndef f():\n    from netra_backend.app.schemas.agent_models import DeepAgentState",
                fix: "Import the class from the SSOT module only.",
            },
            Code::GuardedAccess => CodeDoc {
                summary: "`getattr(x, \"m\", default)` / `hasattr(x, \"m\")` on a risky member: safe, reported as info",
                what: "`getattr(x, \"m\", default)` or `hasattr(x, \"m\")` on a member the SSOT \
                       class lacks.",
                why: "Safe at run time, but the default silently takes over once the file uses \
                      the SSOT class; reported as information so the behaviour change is seen.",
                example: "thread = getattr(state, \"thread_id\", None)",
                fix: "thread = state.chat_thread_id",
            },
        }
    }
}
