//! SSOT002 missing-member: reading, writing or deleting a member the SSOT class lacks, on the
//! class or a value known to be an instance of it (attributes, and `getattr` without a default,
//! `setattr`, `delattr`).

use tree_sitter::Node;

use crate::codes::{Code, CodeDoc};
use crate::finding::{ResolvesTo, Severity};
use crate::migration::WriteFate;
use crate::python::resolve::MockSpec;
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
        why: "Once the file uses the SSOT class a read (or `+=`, or `del`) raises \
              `AttributeError` at run time. A write depends on the SSOT class: a pydantic \
              model raises `ValueError`, a plain class or dataclass takes it as a new \
              attribute that the class's own code never reads (the value is lost to it). \
              It is an error when the instance's class comes from the SSOT module (it fails \
              today) and a warning when it still comes from the deprecated module (it \
              blocks the migration).",
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
    member: &'a str,
) {
    if ctx.migration.rule.names_class(member) {
        return;
    }
    let scope = ctx.scope();
    let interface = &ctx.migration.interface;
    if !interface.risky_members.contains(member) && !interface.mock_risky_members.contains(member) {
        return;
    }
    if let Some(mock) = ctx.resolver.mock(receiver, scope) {
        let access = Access::of_attribute(node, parent);
        // A write is in effect once its statement is done (`m.x = m.x` reads first).
        let end = parent.map_or(node.end_byte(), |p| p.end_byte());
        mock_access(ctx, node, receiver, member, &mock, access, end);
        return;
    }
    if !ctx.migration.interface.risky_members.contains(member) {
        return;
    }
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
pub(crate) fn reflection<'a>(ctx: &mut Context<'a, '_>, call: &Reflection<'a>) {
    let access = match (call.function, call.arguments) {
        ("getattr", 2) => Access::Read,
        ("setattr", _) => Access::Write,
        ("delattr", _) => Access::Delete,
        _ => return,
    };
    if let Some(mock) = ctx.resolver.mock(call.receiver, ctx.scope()) {
        let end = call.call.end_byte();
        mock_access(
            ctx,
            call.call,
            call.receiver,
            call.member,
            &mock,
            access,
            end,
        );
        return;
    }
    if !ctx.migration.interface.risky_members.contains(call.member) {
        return;
    }
    report(
        ctx,
        call.call,
        call.receiver,
        call.member,
        call.origin,
        access,
    );
}

/// `m.configure_mock(thread_id=...)` on a spec'd mock sets the attributes it names.
pub(crate) fn configure_mock<'a>(
    ctx: &mut Context<'a, '_>,
    call: Node<'a>,
    function: Node<'a>,
    arguments: Node<'a>,
) {
    let (Some(object), Some(method)) = (
        function.child_by_field_id(FIELDS.object),
        function.child_by_field_id(FIELDS.attribute),
    ) else {
        return;
    };
    if function.kind_id() != KINDS.attribute || ctx.text(method) != "configure_mock" {
        return;
    }
    if ctx.resolver.mock(object, ctx.scope()).is_none() {
        return;
    }
    let receiver = ctx.text(object);
    let mut cursor = arguments.walk();
    let names: Vec<&'a str> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind_id() == KINDS.keyword_argument)
        .filter_map(|a| a.child_by_field_id(FIELDS.name))
        .map(|name| ctx.text(name))
        .collect();
    for name in names {
        ctx.record_mock_write(receiver, name, call.end_byte());
    }
}

/// An access to a member on a mock specced with the class. Reading a class attribute of the
/// deprecated class that the SSOT class lacks raises once the spec is the SSOT class, unless
/// the mock's constructor or an earlier statement of the same scope set it; writing raises only
/// on a `spec_set` mock; deleting never raises.
fn mock_access<'a>(
    ctx: &mut Context<'a, '_>,
    site: Node<'a>,
    receiver: Node<'a>,
    member: &'a str,
    mock: &MockSpec<'_>,
    access: Access,
    statement_end: usize,
) {
    // Only a class attribute of the deprecated class that the SSOT class lacks changes: any
    // other member reads the same (raises on both) and writes the same on both.
    if !ctx.migration.interface.mock_risky_members.contains(member) {
        return;
    }
    let written = ctx.text(receiver);
    let message = match access {
        Access::Delete => return,
        Access::Write => {
            ctx.record_mock_write(written, member, statement_end);
            if !mock.restricts_writes {
                return;
            }
            "a `spec_set` mock refuses to set what its class lacks"
        }
        Access::Read | Access::Update => {
            if mock.preset.contains(&member)
                || ctx.mock_set_before(written, member, site.start_byte())
            {
                return;
            }
            "a spec'd mock has only its class's attributes"
        }
    };
    let severity = super::instance_severity(mock.origin);
    let consequence = match severity {
        Severity::Error => "raises AttributeError".to_owned(),
        _ => "will raise AttributeError once the mock's spec is the SSOT class".to_owned(),
    };
    let receiver_text = receiver_text(receiver, ctx.source);
    let message = format!(
        "{} `{member}` on the mock `{receiver_text}`: the SSOT `{}` has no class attribute `{member}` ({message}); this {consequence}",
        access.verb(),
        ctx.migration.rule.ssot_name(),
    );
    add_finding(ctx, site, member, receiver_text, severity, message);
}

fn report(
    ctx: &mut Context<'_, '_>,
    site: Node<'_>,
    receiver: Node<'_>,
    member: &str,
    origin: ResolvesTo,
    access: Access,
) {
    let what = match access {
        Access::Write => match ctx.migration.interface.write_fate() {
            WriteFate::Kept => return,
            WriteFate::Raises(exception) => Consequence::Raises(exception),
            WriteFate::StrayAttribute => Consequence::Stray,
            WriteFate::SlottedOrStray => Consequence::SlottedOrStray,
            WriteFate::Unknown => Consequence::Fails,
        },
        Access::Read | Access::Update | Access::Delete => Consequence::Raises("AttributeError"),
    };
    let receiver = receiver_text(receiver, ctx.source);
    let severity = super::instance_severity(origin);
    let today = severity == Severity::Error;
    let consequence = match (what, today) {
        (Consequence::Raises(exception), true) => format!("raises {exception}"),
        (Consequence::Raises(exception), false) => {
            format!("will raise {exception} once this file uses the SSOT class")
        }
        (Consequence::Stray, true) => {
            "adds an attribute the SSOT class never reads (no error: the value is lost to it)"
                .to_owned()
        }
        (Consequence::Stray, false) => "will add an attribute the SSOT class never reads once \
                                        this file uses it (no error: the value is lost to it)"
            .to_owned(),
        (Consequence::SlottedOrStray, true) => {
            "raises AttributeError if the class is slotted, else adds an attribute it never reads"
                .to_owned()
        }
        (Consequence::SlottedOrStray, false) => "will raise AttributeError (a slotted class) or \
                                                 add an attribute it never reads once this file \
                                                 uses the SSOT class"
            .to_owned(),
        (Consequence::Fails, true) => "fails".to_owned(),
        (Consequence::Fails, false) => "will fail once this file uses the SSOT class".to_owned(),
    };
    let message = format!(
        "{} `{member}` on `{receiver}`: the SSOT `{}` has no `{member}`; this {consequence}",
        access.verb(),
        ctx.migration.rule.ssot_name(),
    );
    add_finding(ctx, site, member, receiver, severity, message);
}

/// One SSOT002 finding at `site`, with the rule's help for `member`.
fn add_finding(
    ctx: &mut Context<'_, '_>,
    site: Node<'_>,
    member: &str,
    receiver: String,
    severity: Severity,
    message: String,
) {
    let help = member_help(ctx, member);
    let member_location = ctx.member_location(site);
    ctx.report(Code::MissingMember, severity, ctx.location(site), message)
        .help(help)
        .member_span(member_location)
        .member(member)
        .receiver(receiver);
}

#[derive(Clone, Copy)]
enum Access {
    Read,
    Write,
    /// `x.m += v`: a read, then a write.
    Update,
    Delete,
}

/// What an access does on the SSOT class.
#[derive(Clone, Copy)]
enum Consequence {
    Raises(&'static str),
    Stray,
    SlottedOrStray,
    Fails,
}

impl Access {
    fn of_attribute<'t>(attribute: Node<'t>, parent: Option<Node<'t>>) -> Access {
        let Some(parent) = parent else {
            return Access::Read;
        };
        let kind = parent.kind_id();
        if kind == KINDS.delete_statement {
            Access::Delete
        } else if parent.child_by_field_id(FIELDS.left) != Some(attribute) {
            Access::Read
        } else if kind == KINDS.assignment {
            Access::Write
        } else if kind == KINDS.augmented_assignment {
            Access::Update
        } else {
            Access::Read
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Access::Read => "reads",
            Access::Write => "writes",
            Access::Update => "updates",
            Access::Delete => "deletes",
        }
    }
}
