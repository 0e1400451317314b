//! SSOT002 missing-member: reading, writing or deleting a member the SSOT class lacks, on the
//! class or a value known to be an instance of it (attributes, and `getattr` without a default,
//! `setattr`, `delattr`).

use tree_sitter::Node;

use crate::codes::{Code, CodeDoc};
use crate::finding::{ResolvesTo, Severity};
use crate::python::syntax::{FIELDS, KINDS};

use super::super::context::{Context, Reflection};
use super::{gitlab_severity, member_help, receiver_text, Policy};

pub(crate) static POLICY: Policy = Policy {
    doc: CodeDoc {
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
    // The higher of its two severities.
    sarif_level: "error",
    gitlab_severity,
    gitlab_category: "Bug Risk",
    // On the SSOT class: AttributeError.
    fails_today: |severity| severity == Severity::Error,
};

/// `receiver.member` (`node`, whose parent is `parent`) where `member` is risky and the
/// receiver is the class or an instance of it.
pub(crate) fn attribute<'a>(
    ctx: &mut Context<'a, '_>,
    node: Node<'a>,
    parent: Option<Node<'a>>,
    receiver: Node<'a>,
    member: &str,
) {
    if ctx.migration.rule.names_class(member)
        || !ctx.migration.interface.risky_members.contains(member)
    {
        return;
    }
    let scope = ctx.scope();
    let origin = ctx
        .resolver
        .instance(receiver, scope)
        .or_else(|| ctx.resolver.class_ref(receiver, scope));
    if let Some(origin) = origin {
        report(
            ctx,
            node,
            receiver,
            member,
            origin,
            Access::of_attribute(node, parent),
        );
    }
}

/// `getattr(x, "m")`, `setattr(x, "m", v)`, `delattr(x, "m")`: the member is needed. (With a
/// default, or `hasattr`, the access is guarded: SSOT006.)
pub(crate) fn reflection(ctx: &mut Context<'_, '_>, call: &Reflection<'_>) {
    let access = match (call.function, call.arguments) {
        ("getattr", 2) => Access::Read,
        ("setattr", _) => Access::Write,
        ("delattr", _) => Access::Delete,
        _ => return,
    };
    report(
        ctx,
        call.call,
        call.receiver,
        call.member,
        call.origin,
        access,
    );
}

fn report(
    ctx: &mut Context<'_, '_>,
    site: Node<'_>,
    receiver: Node<'_>,
    member: &str,
    origin: ResolvesTo,
    access: Access,
) {
    let receiver = receiver_text(receiver, ctx.source);
    let severity = super::instance_severity(origin);
    let consequence = match severity {
        Severity::Error => "raises AttributeError",
        _ => "will raise AttributeError once this file uses the SSOT class",
    };
    let message = format!(
        "{} `{member}` on `{receiver}`: the SSOT `{}` has no `{member}`; this {consequence}",
        access.verb(),
        ctx.migration.rule.ssot_name(),
    );
    let help = member_help(ctx, member);
    ctx.report(Code::MissingMember, severity, ctx.location(site), message)
        .help(help)
        .member(member)
        .receiver(receiver);
}

#[derive(Clone, Copy)]
enum Access {
    Read,
    Write,
    Delete,
}

impl Access {
    fn of_attribute<'t>(attribute: Node<'t>, parent: Option<Node<'t>>) -> Access {
        let Some(parent) = parent else {
            return Access::Read;
        };
        let kind = parent.kind_id();
        if kind == KINDS.delete_statement {
            Access::Delete
        } else if (kind == KINDS.assignment || kind == KINDS.augmented_assignment)
            && parent.child_by_field_id(FIELDS.left) == Some(attribute)
        {
            Access::Write
        } else {
            Access::Read
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Access::Read => "reads",
            Access::Write => "writes",
            Access::Delete => "deletes",
        }
    }
}
