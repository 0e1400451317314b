//! SSOT005 mixed-sources: one file binds the class from both the deprecated and the SSOT module.

use crate::codes::{Code, CodeDoc};
use crate::finding::{ResolvesTo, Severity};

use super::super::context::{Context, SymbolBinding};
use super::{gitlab_severity, Policy};

pub(crate) static POLICY: Policy = Policy {
    doc: CodeDoc {
        summary: "one file binds the symbol from both the deprecated and the SSOT module",
        what: "One file binds the migrated class from both the deprecated and the SSOT \
               module (in different scopes, or in a try/except fallback).",
        why: "Two classes with one name: `isinstance` checks and type annotations \
              disagree depending on which binding a line sees, and a half-migrated file \
              is the hardest kind to roll back.",
        example: "from netra_backend.app.agents.state import DeepAgentState\n\ndef f():\n    from netra_backend.app.schemas.agent_models import DeepAgentState",
        fix: "Import the class from the SSOT module only.",
    },
    sarif_level: "warning",
    gitlab_severity,
    gitlab_category: "Bug Risk",
    // Each binding works on its own.
    fails_today: |_| false,
};

/// One finding, at the first binding that makes the file bind both classes. `bindings` are the
/// file's bindings of the symbol in source order.
pub(crate) fn check(ctx: &mut Context<'_, '_>, bindings: &[SymbolBinding]) {
    let mut origin: Option<ResolvesTo> = None;
    let mut first_line = 0;
    let mut mixed_at = None;
    for binding in bindings {
        if origin.is_none() {
            first_line = binding.location.line;
        }
        let merged = ResolvesTo::merge_option(origin, binding.origin);
        if merged == ResolvesTo::Both {
            mixed_at = Some(binding.location);
            break;
        }
        origin = Some(merged);
    }
    let Some(location) = mixed_at else {
        return;
    };
    let message = format!(
        "this file binds `{}` from both the deprecated and the SSOT module (first binding on line {first_line})",
        ctx.symbol()
    );
    let help = format!("import it only from `{}`", ctx.migration.rule.ssot);
    ctx.report(Code::MixedSources, Severity::Warning, location, message)
        .help(help);
}
