//! SSOT003 dropped-field: constructing the class with a keyword only the deprecated class
//! understands. What the SSOT class does with it depends on the class: a pydantic model with the
//! default config drops it silently, one with `extra="forbid"` raises `ValidationError`, a plain
//! class, dataclass, attrs class or `NamedTuple` raises `TypeError`.

use tree_sitter::Node;

use crate::codes::{Code, CodeDoc};
use crate::finding::Severity;
use crate::migration::KeywordFate;
use crate::python::syntax::{FIELDS, KINDS};

use super::super::context::Context;
use super::{gitlab_severity, member_help, receiver_text, Policy};

pub(crate) static POLICY: Policy = Policy {
    doc: CodeDoc {
        summary: "constructs the class with a keyword that only the deprecated class takes (the SSOT class drops it or raises)",
        what: "Constructs the migrated class with a keyword argument that only the \
               deprecated class understands.",
        why: "What the SSOT class does with the keyword depends on the class. A pydantic \
              model with the default config silently drops the value: no error, just lost \
              data (a lost thread id means events go to the wrong WebSocket). A model with \
              `extra=\"forbid\"` raises `ValidationError`; a plain class, dataclass, attrs \
              class or `NamedTuple` raises `TypeError`.",
        example: "DeepAgentState(user_request=q, thread_id=thread)",
        fix: "DeepAgentState(user_request=q, chat_thread_id=thread)",
    },
    // The higher of its two severities.
    sarif_level: "error",
    gitlab_severity,
    gitlab_category: "Bug Risk",
    // On the SSOT class the value is lost today.
    fails_today: |severity| severity == Severity::Error,
};

/// `DeepAgentState(thread_id=...)`: one finding per risky keyword. The message names the callee
/// as written (`legacy.DeepAgentState`, an alias).
pub(crate) fn call<'a>(ctx: &mut Context<'a, '_>, callee: Node<'a>, arguments: Node<'a>) {
    let Some(origin) = ctx.resolver.class_ref(callee, ctx.scope()) else {
        return;
    };
    let callee = receiver_text(callee, ctx.source);
    let mut cursor = arguments.walk();
    let keywords: Vec<Node<'a>> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind_id() == KINDS.keyword_argument)
        .collect();
    for keyword in keywords {
        let Some(name) = keyword.child_by_field_id(FIELDS.name) else {
            continue;
        };
        let member = ctx.text(name);
        let Some(fate) = ctx.migration.interface.dropped_keyword(member) else {
            continue;
        };
        let message = match fate {
            KeywordFate::SilentlyDropped => format!(
                "`{callee}({member}=...)`: the SSOT class silently drops `{member}` (pydantic ignores unknown fields)"
            ),
            KeywordFate::ValidationError => format!(
                "`{callee}({member}=...)`: the SSOT class raises ValidationError on `{member}` (its model forbids extra fields)"
            ),
            KeywordFate::TypeError => format!(
                "`{callee}({member}=...)`: the SSOT class raises TypeError on `{member}` (its constructor takes no keyword `{member}`)"
            ),
        };
        let help = member_help(ctx, member);
        let name_location = ctx.location(name);
        ctx.report(
            Code::DroppedField,
            super::instance_severity(origin),
            ctx.location(keyword),
            message,
        )
        .help(help)
        .member(member)
        .member_span(Some(name_location));
    }
}
