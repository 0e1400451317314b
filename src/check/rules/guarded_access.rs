//! SSOT006 guarded-access: `getattr(x, "m", default)` or `hasattr(x, "m")` on a member the SSOT
//! class lacks. Safe at run time, so information only.

use crate::codes::{Code, CodeDoc};
use crate::finding::Severity;

use super::super::context::{Context, Reflection};
use super::{gitlab_severity, member_help, receiver_text, Policy};

pub(crate) static POLICY: Policy = Policy {
    doc: CodeDoc {
        summary: "`getattr(x, \"m\", default)` / `hasattr(x, \"m\")` on a risky member: safe, reported as info",
        what: "`getattr(x, \"m\", default)` or `hasattr(x, \"m\")` on a member the SSOT \
               class lacks.",
        why: "Safe at run time, but the default silently takes over once the file uses \
              the SSOT class; reported as information so the behaviour change is seen.",
        example: "thread = getattr(state, \"thread_id\", None)",
        fix: "thread = state.chat_thread_id",
    },
    sarif_level: "note",
    gitlab_severity,
    gitlab_category: "Compatibility",
    // Nothing raises.
    fails_today: |_| false,
};

/// `hasattr(x, "m")` in any form, `getattr(x, "m", default)`. (The other reflection calls are
/// SSOT002.)
pub(crate) fn reflection(ctx: &mut Context<'_, '_>, call: &Reflection<'_>) {
    if !matches!(
        (call.function, call.arguments),
        ("hasattr", _) | ("getattr", 3..)
    ) {
        return;
    }
    let member = call.member;
    let receiver = receiver_text(call.receiver, ctx.source);
    let message = if call.function == "hasattr" {
        format!(
            "`hasattr({receiver}, \"{member}\")` is always False on the SSOT `{}`, which has no `{member}`",
            ctx.migration.rule.ssot_name()
        )
    } else {
        format!(
            "`getattr({receiver}, \"{member}\", ...)` always returns its default on the SSOT `{}`, which has no `{member}`",
            ctx.migration.rule.ssot_name()
        )
    };
    let help = member_help(ctx, member);
    let member_location = ctx.member_location(call.call);
    ctx.report(
        Code::GuardedAccess,
        Severity::Info,
        ctx.location(call.call),
        message,
    )
    .help(help)
    .member_span(member_location)
    .member(member)
    .receiver(receiver);
}
