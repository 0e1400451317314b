//! SSOT001 deprecated-import: a reference that binds the class from a deprecated module.

use crate::codes::{Code, CodeDoc};
use crate::finding::{ResolvesTo, Severity};
use crate::python::oracle::SymbolResolution;
use crate::python::syntax::string_content;

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

/// A string that names the class by its deprecated dotted path: a `mock.patch` target
/// (`"netra_backend.app.agents.state.DeepAgentState"`, also with a member after it), a dotted
/// path in settings (`"module:Class"` too). Whatever reads the string finds the deprecated class;
/// whether it should name the SSOT path depends on what reads it, so its fix is display-only.
pub(crate) fn string(ctx: &mut Context<'_, '_>, node: tree_sitter::Node<'_>) {
    let Some(content) = string_content(node) else {
        return;
    };
    let text = ctx.text(content);
    let symbol = ctx.migration.rule.symbol.as_str();
    let names_path = |module: &str| {
        [".", ":"].iter().any(|separator| {
            text.strip_prefix(module)
                .and_then(|rest| rest.strip_prefix(separator))
                .and_then(|rest| rest.strip_prefix(symbol))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    };
    let Some(module) = ctx
        .migration
        .rule
        .deprecated
        .iter()
        .find(|m| names_path(m.as_str()))
    else {
        return;
    };
    let message = format!(
        "the string `\"{text}\"` names {} by its path in deprecated module `{module}` (a `mock.patch` target or a dotted path finds the deprecated class there)",
        named(ctx, symbol)
    );
    let help = ssot_import_help(ctx);
    let location = ctx.location(content);
    ctx.report(
        Code::DeprecatedImport,
        Severity::Warning,
        ctx.location(node),
        message,
    )
    .help(help)
    .member_span(Some(location));
}
