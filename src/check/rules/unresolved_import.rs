//! SSOT004 unresolved-import: the class's name imported from a project module that does not
//! define it.

use crate::codes::{Code, CodeDoc};
use crate::finding::Severity;
use crate::python::oracle::SymbolResolution;

use super::super::context::{Context, Reference};
use super::{gitlab_severity, named, ssot_import_help, Policy};

pub(crate) static POLICY: Policy = Policy {
    doc: CodeDoc {
        summary: "imports the symbol from a project module that does not define it",
        what: "Imports the migrated class from a module inside the project that does \
               not define or re-export it.",
        why: "The import raises `ImportError` when the module is loaded.",
        example: "from netra_backend.app.schemas.registry_v2 import DeepAgentState",
        fix: "from netra_backend.app.schemas.agent_models import DeepAgentState",
    },
    sarif_level: "error",
    gitlab_severity,
    gitlab_category: "Bug Risk",
    // ImportError.
    fails_today: |severity| severity == Severity::Error,
};

pub(crate) fn check(ctx: &mut Context<'_, '_>, reference: &Reference<'_, '_>) {
    if reference.resolution != SymbolResolution::Undefined {
        return;
    }
    let message = format!(
        "{} is imported from `{}`, which does not define it (ImportError)",
        named(ctx, reference.name),
        reference.module
    );
    let help = ssot_import_help(ctx);
    ctx.report(
        Code::UnresolvedImport,
        Severity::Error,
        reference.location,
        message,
    )
    .help(help);
}
