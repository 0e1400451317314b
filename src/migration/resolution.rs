//! What a rule resolves to in this project: for each module it names, the file that defines
//! the module (if any) and whether that module provides the class. From it come the rule's
//! warnings (a module that is not in the project: a typo matches nothing) and its error (a class
//! that no module of the rule, in the project, defines).

use std::path::PathBuf;

use serde::Serialize;

use crate::error::Error;
use crate::python::ModulePath;

/// The part a module plays in a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Deprecated,
    Ssot,
}

/// What a module of the rule does with the class's name there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provides {
    /// No file of the project is this module.
    NotInProject,
    /// The module defines the class (a `class` statement or another local binding).
    Defines,
    /// The module imports the class from elsewhere: a shim (deprecated) or an early re-export.
    ReExports,
    /// The module is in the project and does not bind the name (importing it raises).
    Missing,
}

/// One module of a rule, as this project has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleResolution {
    pub module: ModulePath,
    pub role: Role,
    /// The class's name in this module (the new name in the SSOT module of a rename).
    pub name: String,
    /// The module's file, relative to the project root when it is below it.
    pub file: Option<PathBuf>,
    pub provides: Provides,
}

/// Something a rule says about itself in this project that does not stop the scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleWarning {
    pub message: String,
    /// The rule file, as `rules` and the reports name it.
    pub rule_file: String,
    /// The 1-based line of the value the warning is about.
    pub line: usize,
}

impl ModuleResolution {
    pub fn in_project(&self) -> bool {
        self.provides != Provides::NotInProject
    }

    pub fn provides_class(&self) -> bool {
        matches!(self.provides, Provides::Defines | Provides::ReExports)
    }
}

/// The warnings of a rule whose modules resolved to `modules` (in the rule's order: deprecated
/// ones, then the SSOT module), with each value's line in the rule file: one per module that is
/// not in the project, or one for the rule when none is (a rule for another code base: select
/// the project's own rules with `migration` in the config to quiet it).
pub fn warnings(
    modules: &[ModuleResolution],
    rule_file: &str,
    lines: &[usize],
) -> Vec<RuleWarning> {
    if !modules.iter().any(ModuleResolution::in_project) {
        return vec![RuleWarning {
            message: "no module of this rule is in this project: it can only find imports of \
                      its deprecated modules by name"
                .to_owned(),
            rule_file: rule_file.to_owned(),
            line: lines.first().copied().unwrap_or(1),
        }];
    }
    modules
        .iter()
        .zip(lines)
        .filter(|(module, _)| !module.in_project())
        .map(|(module, &line)| {
            let message = match module.role {
                Role::Deprecated => format!(
                    "deprecated module `{}` is not in this project: its imports are still \
                     reported, but no class definition is read from it",
                    module.module
                ),
                Role::Ssot => format!(
                    "SSOT module `{}` is not in this project: risky members come from the \
                     rule's `risky-members`",
                    module.module
                ),
            };
            RuleWarning {
                message,
                rule_file: rule_file.to_owned(),
                line,
            }
        })
        .collect()
}

/// The error of a rule none of whose modules in the project binds the class: its symbol is
/// misspelt, or the modules are the wrong ones. `None` when a module provides it, or when no
/// module of the rule is in the project (then only the warnings say so).
pub fn undefined_class(
    modules: &[ModuleResolution],
    symbol: &str,
    error_at_symbol: impl FnOnce(String, String) -> Error,
) -> Option<Error> {
    if modules.iter().any(ModuleResolution::provides_class)
        || !modules.iter().any(ModuleResolution::in_project)
    {
        return None;
    }
    let searched: Vec<String> = modules
        .iter()
        .filter(|m| m.in_project())
        .map(|m| {
            let file = m
                .file
                .as_ref()
                .map_or(String::new(), |f| format!(" ({})", f.display()));
            format!("`{}` in `{}`{file}", m.name, m.module)
        })
        .collect();
    Some(error_at_symbol(
        format!(
            "the rule's class `{symbol}` is defined nowhere it says: no {}",
            searched.join(", no ")
        ),
        "check the spelling of `symbol` (and `new-name`) and of the module paths; \
         `ssot-guard rules` shows what each resolved to"
            .to_owned(),
    ))
}
