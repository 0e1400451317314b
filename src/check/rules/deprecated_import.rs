//! SSOT001 deprecated-import: a reference that binds the class from a deprecated module.

use crate::codes::{Code, CodeDoc};
use crate::finding::{ResolvesTo, Severity};
use crate::python::oracle::SymbolResolution;

use super::super::context::{Context, Reference, ReferenceForm};
use super::{gitlab_severity, named, ssot_import_help, Policy};

pub(crate) static POLICY: Policy = Policy {
    doc: CodeDoc {
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
    sarif_level: "warning",
    gitlab_severity,
    gitlab_category: "Compatibility",
    // The deprecated class still works.
    fails_today: |_| false,
};

/// A reference that goes through a deprecated module (or a module re-exporting the deprecated
/// class), in any form: import, attribute, star import.
pub(crate) fn check(ctx: &mut Context<'_, '_>, reference: &Reference<'_, '_>) {
    let SymbolResolution::Class(source) = reference.resolution else {
        return;
    };
    if source.via == ResolvesTo::Ssot {
        return;
    }
    let module = reference.module;
    let symbol = named(ctx, reference.name);
    let via = if ctx.migration.rule.is_deprecated(module) {
        format!("deprecated module `{module}`")
    } else {
        format!("`{module}`, which re-exports the deprecated class")
    };
    let message = match reference.form {
        ReferenceForm::Import => format!("{symbol} is imported from {via}"),
        ReferenceForm::Attribute => format!(
            "`{}` refers to {symbol} from {via}",
            ctx.text(reference.site)
        ),
        ReferenceForm::Star => format!("`from {module} import *` binds {symbol} from {via}"),
    };
    let help = ssot_import_help(ctx);
    let re_export = !ctx.migration.rule.is_deprecated(module);
    let builder = ctx
        .report(
            Code::DeprecatedImport,
            Severity::Warning,
            reference.location,
            message,
        )
        .help(help);
    if re_export {
        builder.through(module.as_str());
    }
}
