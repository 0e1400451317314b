//! `ssot-guard rules`: the loaded rules, where each came from, and what each resolved to in this
//! project (each module's file and whether it defines the class, the members, the warnings and
//! the error that would stop a scan). It never stops on a rule that cannot match: that is
//! what it is for.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::migration::resolution::{ModuleResolution, Provides, Role};
use crate::migration::{MembersSource, MigrationOracle, RuleWarning};
use crate::python::class_kind::{ClassKind, Extra};
use crate::session::Session;
use crate::workspace::Sources;

/// How `rules` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// The project (or a file or folder in it) the rules are resolved against.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Use this config file instead of looking for one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Only these rules (by id, comma-separated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    migration: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    format: RulesFormat,
}

/// Exit 0, or 2 when a rule cannot match (the error `check` would stop on).
pub fn run(args: &RulesArgs) -> Result<ExitCode> {
    let session = Session::load_unchecked(
        std::slice::from_ref(&args.path),
        args.config.as_deref(),
        &args.migration,
        Sources::disk(),
    )?;
    // Each rule's error once: shown in its entry, then as a diagnostic.
    let errors: Vec<Option<Error>> = session
        .engine
        .migrations()
        .iter()
        .map(|m| m.rule_error())
        .collect();
    let rules: Vec<RuleView<'_>> = session
        .engine
        .migrations()
        .iter()
        .zip(&errors)
        .map(|(m, error)| RuleView::new(m, session.root(), error.as_ref()))
        .collect();
    let mut out = io::stdout().lock();
    let written = match args.format {
        RulesFormat::Human => {
            let root = session.root();
            let root = if root.as_os_str().is_empty() {
                Path::new(".")
            } else {
                root
            };
            write_human(&mut out, root, &rules)
        }
        RulesFormat::Json => write_json(&mut out, &rules),
    };
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            return Err(Error::io(Path::new("<stdout>"), e))
        }
        _ => {}
    }
    let failing: Vec<Error> = errors.into_iter().flatten().collect();
    let code = if failing.is_empty() { 0 } else { 2 };
    for error in failing {
        super::print_error(error);
    }
    Ok(ExitCode::from(code))
}

/// One migration as `rules` shows it.
#[derive(Serialize)]
struct RuleView<'a> {
    id: &'a str,
    rule: &'a str,
    /// The rule file (`rules/NAME.toml` for a built-in rule).
    file: String,
    builtin: bool,
    /// Ids of rules collapsed into this one (a chain).
    absorbed: &'a [String],
    symbol: &'a str,
    new_name: Option<&'a str>,
    issue: &'a str,
    modules: Vec<ModuleView<'a>>,
    members_source: MembersSource,
    /// What each side's class is (`plain class`, `dataclass`, `pydantic model (extra="forbid")`),
    /// when it was read from the project.
    deprecated_class: Option<&'static str>,
    ssot_class: Option<&'static str>,
    /// Bases of the SSOT class that could not be read: a risky member may be one they provide.
    ssot_unresolved_bases: Vec<&'a str>,
    risky_members: Vec<&'a str>,
    renames: &'a BTreeMap<String, String>,
    golden_path: &'a [String],
    validation: &'a [String],
    warnings: &'a [RuleWarning],
    /// The error a scan stops on, when the rule cannot match.
    error: Option<String>,
}

#[derive(Serialize)]
struct ModuleView<'a> {
    module: &'a str,
    role: Role,
    name: &'a str,
    file: Option<String>,
    provides: Provides,
}

impl<'a> RuleView<'a> {
    fn new(migration: &'a MigrationOracle, root: &Path, error: Option<&Error>) -> RuleView<'a> {
        let rule = &migration.rule;
        let path = &rule.origin.path;
        RuleView {
            id: &rule.id,
            rule: &rule.rule_id,
            file: path
                .strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string(),
            builtin: rule.origin.builtin,
            absorbed: &rule.absorbed,
            symbol: &rule.symbol,
            new_name: rule.new_name.as_deref(),
            issue: &rule.issue,
            modules: migration.modules.iter().map(ModuleView::new).collect(),
            members_source: migration.interface.members_source,
            deprecated_class: migration.interface.deprecated_kind.map(kind_name),
            ssot_class: migration.interface.ssot_kind.map(kind_name),
            ssot_unresolved_bases: migration
                .interface
                .ssot_unresolved_bases
                .iter()
                .map(String::as_str)
                .collect(),
            risky_members: migration
                .interface
                .risky_members
                .iter()
                .map(String::as_str)
                .collect(),
            renames: &rule.renames,
            golden_path: &rule.golden_path,
            validation: &rule.validation,
            warnings: &migration.warnings,
            error: error.map(|error| error.to_string()),
        }
    }
}

impl<'a> ModuleView<'a> {
    fn new(module: &'a ModuleResolution) -> ModuleView<'a> {
        ModuleView {
            module: module.module.as_str(),
            role: module.role,
            name: &module.name,
            file: module.file.as_ref().map(|f| f.display().to_string()),
            provides: module.provides,
        }
    }
}

fn write_json(out: &mut impl Write, rules: &[RuleView<'_>]) -> io::Result<()> {
    #[derive(Serialize)]
    struct Report<'r, 'a> {
        version: u32,
        rules: &'r [RuleView<'a>],
    }
    serde_json::to_writer_pretty(&mut *out, &Report { version: 1, rules })?;
    writeln!(out)
}

fn write_human(out: &mut impl Write, root: &Path, rules: &[RuleView<'_>]) -> io::Result<()> {
    writeln!(
        out,
        "{} loaded, resolved against {}",
        count(rules.len(), "rule", "rules"),
        root.display()
    )?;
    for rule in rules {
        writeln!(out)?;
        let origin = if rule.builtin { " (built in)" } else { "" };
        writeln!(out, "{}  {}{origin}", rule.id, rule.file)?;
        if !rule.absorbed.is_empty() {
            writeln!(out, "  absorbed   {}", rule.absorbed.join(", "))?;
        }
        match rule.new_name {
            Some(new_name) => writeln!(out, "  moves      {} (renamed {new_name})", rule.symbol)?,
            None => writeln!(out, "  moves      {}", rule.symbol)?,
        }
        for module in &rule.modules {
            let role = match module.role {
                Role::Deprecated => "from",
                Role::Ssot => "to",
            };
            writeln!(out, "  {role:<10} {}  {}", module.module, provides(module))?;
        }
        let members = match rule.members_source {
            MembersSource::Derived => "derived from the class definitions",
            MembersSource::Configured => "the rule's `risky-members`",
            MembersSource::SameClass => "none: the deprecated module re-exports the SSOT class",
        };
        writeln!(out, "  members    {members}")?;
        if let (Some(old), Some(new)) = (rule.deprecated_class, rule.ssot_class) {
            writeln!(out, "  classes    {old} -> {new}")?;
        }
        if !rule.risky_members.is_empty() {
            writeln!(out, "  risky      {}", rule.risky_members.join(", "))?;
        }
        if !rule.ssot_unresolved_bases.is_empty() {
            writeln!(
                out,
                "  unread     bases of the SSOT class: {} (a risky member may be theirs)",
                rule.ssot_unresolved_bases.join(", ")
            )?;
        }
        for (old, new) in rule.renames {
            writeln!(out, "  renames    {old} -> {new}")?;
        }
        writeln!(out, "  issue      {}", rule.issue)?;
        if !rule.golden_path.is_empty() {
            writeln!(out, "  golden     {}", rule.golden_path.join(", "))?;
        }
        for command in rule.validation {
            writeln!(out, "  validate   {command}")?;
        }
        for warning in rule.warnings {
            writeln!(
                out,
                "  warning    {} ({}:{})",
                warning.message, warning.rule_file, warning.line
            )?;
        }
        if let Some(error) = &rule.error {
            writeln!(out, "  error      {error}")?;
        }
    }
    Ok(())
}

/// What kind of class a definition makes, as `rules` names it.
fn kind_name(kind: ClassKind) -> &'static str {
    match kind {
        ClassKind::Pydantic {
            extra: Extra::Ignore,
        } => "pydantic model",
        ClassKind::Pydantic {
            extra: Extra::Forbid,
        } => "pydantic model (extra=\"forbid\")",
        ClassKind::Pydantic {
            extra: Extra::Allow,
        } => "pydantic model (extra=\"allow\")",
        ClassKind::Dataclass => "dataclass",
        ClassKind::Attrs => "attrs class",
        ClassKind::NamedTuple => "NamedTuple",
        ClassKind::TypedDict => "TypedDict",
        ClassKind::Plain => "plain class",
    }
}

/// What a module does with the class, and where its file is.
fn provides(module: &ModuleView<'_>) -> String {
    let name = module.name;
    let file = module.file.as_deref().unwrap_or("");
    match module.provides {
        Provides::NotInProject => "not in this project".to_owned(),
        Provides::Defines => format!("{file}: defines `{name}`"),
        Provides::ReExports => format!("{file}: re-exports `{name}`"),
        Provides::Missing => format!("{file}: has no `{name}` (importing it raises ImportError)"),
    }
}

fn count<'a>(n: usize, one: &'a str, many: &'a str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
