//! Migrations as data: a `*.toml` file per migration in `rules/` (compiled into the binary) and
//! any more named by the project's config. [`RuleSpec`] is what a file says; [`Migration`] is the
//! checked, compiled form the scanner shares across threads.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::python::syntax::{is_dotted_name, is_identifier};
use crate::python::ModulePath;

/// The rule files shipped inside the binary.
const BUILTIN_RULES: &[(&str, &str)] = &[(
    "rules/deepagentstate.toml",
    include_str!("../rules/deepagentstate.toml"),
)];

/// A rule file as written. It moves one class (`symbol`, with `new-name`, `risky-members` and
/// `renames` beside it) or several from the same modules (a `[[symbols]]` table each).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    pub id: Spanned<String>,
    pub symbol: Option<Spanned<String>>,
    pub new_name: Option<Spanned<String>>,
    #[serde(default)]
    pub symbols: Vec<SymbolSpec>,
    pub deprecated: Vec<Spanned<String>>,
    pub ssot: Spanned<String>,
    pub issue: String,
    #[serde(default)]
    pub golden_path: Vec<Spanned<String>>,
    #[serde(default)]
    pub validation: Vec<String>,
    #[serde(default)]
    pub risky_members: Vec<Spanned<String>>,
    #[serde(default)]
    pub renames: BTreeMap<String, Spanned<String>>,
    /// The renames mean the same member under a new name, so `check --fix` may apply them
    /// without `--unsafe-fixes`.
    #[serde(default)]
    pub renames_safe: bool,
}

/// One class of a rule that moves several (`[[symbols]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SymbolSpec {
    pub name: Spanned<String>,
    pub new_name: Option<Spanned<String>>,
    #[serde(default)]
    pub risky_members: Vec<Spanned<String>>,
    #[serde(default)]
    pub renames: BTreeMap<String, Spanned<String>>,
}

/// One migration, checked and compiled: one class moved by one rule (a rule that moves several
/// classes is one migration per class).
#[derive(Clone, Debug)]
pub struct Migration {
    /// The rule's id, or `<rule id>/<symbol>` for one class of a rule that moves several.
    pub id: String,
    /// The id of the rule file this migration comes from (selecting it selects every class the
    /// rule moves).
    pub rule_id: String,
    /// The migrated class name in the deprecated modules, e.g. `DeepAgentState`.
    pub symbol: String,
    /// The class's name in the SSOT module when it was renamed as it moved.
    pub new_name: Option<String>,
    pub deprecated: Vec<ModulePath>,
    pub ssot: ModulePath,
    /// Issue reference used in rollback commit messages, e.g. `#871`.
    pub issue: String,
    pub golden_path: Vec<String>,
    pub golden_path_set: GlobSet,
    pub validation: Vec<String>,
    /// Risky members used when the two class definitions are not in the project.
    pub fallback_risky_members: Vec<String>,
    /// Old member name to the SSOT class's name for it (`thread_id -> chat_thread_id`).
    pub renames: BTreeMap<String, String>,
    /// The rule says its renames keep behaviour: fixes that rename are `safe`, not `unsafe`.
    pub renames_safe: bool,
    /// The rule file this migration was read from, for diagnostics about the set of rules.
    pub origin: RuleOrigin,
    /// Ids of the rules collapsed into this one (a chain `a -> b`, `b -> c` becomes one
    /// migration `a, b -> c` with the last rule's id), earliest link first; empty for a rule
    /// that absorbed none. Selecting any of them selects this migration.
    pub absorbed: Vec<String>,
}

/// Where a rule came from: its file (built-in rules: `rules/NAME.toml`), the file's text, and
/// the byte spans of the values that set checks point at.
#[derive(Clone, Debug)]
pub struct RuleOrigin {
    pub path: PathBuf,
    /// A rule shipped inside the binary (always loaded; a project rule with its id replaces it).
    pub builtin: bool,
    pub text: Arc<str>,
    pub id: Range<usize>,
    /// The span of this migration's class name (`symbol`, or its `[[symbols]]` entry's `name`).
    pub symbol: Range<usize>,
    pub ssot: Range<usize>,
    /// One span per entry of `deprecated`, in the file's order.
    pub deprecated: Vec<Range<usize>>,
}

impl RuleOrigin {
    /// The 1-based line where `span` starts.
    pub fn line(&self, span: &Range<usize>) -> usize {
        line_of(&self.text, span.start)
    }

    /// `path:line` of `span`, as messages name a rule.
    pub fn location(&self, span: &Range<usize>) -> String {
        format!("{}:{}", self.path.display(), self.line(span))
    }

    /// A diagnostic pointing at `span` in this rule's file.
    pub fn error(&self, span: &Range<usize>, message: String, help: String) -> Error {
        Error::toml_value(&self.path, &self.text, span.clone(), message, Some(help))
    }
}

impl Migration {
    pub fn is_deprecated(&self, module: &ModulePath) -> bool {
        self.deprecated.contains(module)
    }

    /// Whether `id` selects this migration: its own id, its rule's, or one it absorbed.
    pub fn answers_to(&self, id: &str) -> bool {
        self.id == id || self.rule_id == id || self.absorbed.iter().any(|a| a == id)
    }

    /// The class's names: the symbol, then its new name if it has one.
    pub fn class_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.symbol.as_str()).chain(self.new_name.as_deref())
    }

    /// Whether `name` is one of the class's names: the symbol, or its new name.
    pub fn names_class(&self, name: &str) -> bool {
        name == self.symbol || self.new_name.as_deref() == Some(name)
    }

    /// The class's name in the SSOT module: its new name, or the name it always had.
    pub fn ssot_name(&self) -> &str {
        self.new_name.as_deref().unwrap_or(&self.symbol)
    }

    /// Replaces the golden-path globs (from the project's config).
    pub fn set_golden_path(&mut self, globs: Vec<String>) -> Result<()> {
        self.golden_path_set =
            compile_globs(globs.iter().map(String::as_str)).map_err(|(glob, error)| {
                Error::usage(format!("invalid golden-path glob `{glob}`: {error}"), None)
            })?;
        self.golden_path = globs;
        Ok(())
    }
}

/// One class a rule moves, as written: its name, new name, risky members and renames.
struct SymbolMove<'s> {
    name: &'s Spanned<String>,
    new_name: Option<&'s Spanned<String>>,
    risky_members: &'s [Spanned<String>],
    renames: &'s BTreeMap<String, Spanned<String>>,
}

/// Parses and checks one rule file: one migration per class it moves, in the file's order.
pub fn parse_rule(path: &Path, text: &str) -> Result<Vec<Migration>> {
    let spec: RuleSpec = toml::from_str(text).map_err(|e| Error::toml_parse(path, text, &e))?;
    let invalid = |value: &Spanned<String>, message: String, help: &str| {
        Error::toml_value(path, text, value.span(), message, Some(help.to_owned()))
    };

    let moves = symbol_moves(&spec).map_err(|(at, message, help)| {
        let at = at.unwrap_or(&spec.id);
        invalid(at, message, help)
    })?;
    let mut names = BTreeMap::new();
    for symbol in &moves {
        for name in std::iter::once(symbol.name).chain(symbol.new_name) {
            if !is_identifier(name.get_ref()) {
                return Err(invalid(
                    name,
                    format!("`{}` is not a Python identifier", name.get_ref()),
                    "a class name, e.g. \"DeepAgentState\"",
                ));
            }
        }
        if let Some(first) = names.insert(symbol.name.get_ref().as_str(), symbol.name) {
            return Err(invalid(
                symbol.name,
                format!(
                    "`{}` is listed twice (first on line {})",
                    symbol.name.get_ref(),
                    line_of(text, first.span().start)
                ),
                "list each class once in `[[symbols]]`",
            ));
        }
        for member in symbol.risky_members.iter().chain(symbol.renames.values()) {
            if !is_identifier(member.get_ref()) {
                return Err(invalid(
                    member,
                    format!("`{}` is not a member name", member.get_ref()),
                    "member names are Python identifiers",
                ));
            }
        }
    }
    let module = |value: &Spanned<String>| {
        if is_dotted_name(value.get_ref()) {
            Ok(ModulePath::new(value.get_ref().clone()))
        } else {
            Err(invalid(
                value,
                format!("`{}` is not a dotted module path", value.get_ref()),
                "write the module as Python imports it, e.g. \"netra_backend.app.agents.state\"",
            ))
        }
    };
    if spec.deprecated.is_empty() {
        return Err(invalid(
            &spec.id,
            "rule has no deprecated module".to_owned(),
            "add `deprecated = [\"package.old_module\"]`",
        ));
    }
    let deprecated = spec
        .deprecated
        .iter()
        .map(module)
        .collect::<Result<Vec<_>>>()?;
    let ssot = module(&spec.ssot)?;
    let golden_path: Vec<String> = spec
        .golden_path
        .iter()
        .map(|g| g.get_ref().clone())
        .collect();
    let golden_path_set =
        compile_globs(golden_path.iter().map(String::as_str)).map_err(|(glob, error)| {
            let value = spec.golden_path.iter().find(|g| *g.get_ref() == glob);
            match value {
                Some(value) => invalid(
                    value,
                    format!("invalid glob: {error}"),
                    "globs use `**`, `*`, `?` and `[...]`",
                ),
                None => Error::usage(format!("invalid glob `{glob}`: {error}"), None),
            }
        })?;

    let several = moves.len() > 1;
    let text: Arc<str> = Arc::from(text);
    Ok(moves
        .iter()
        .map(|symbol| Migration {
            id: if several {
                format!("{}/{}", spec.id.get_ref(), symbol.name.get_ref())
            } else {
                spec.id.get_ref().clone()
            },
            rule_id: spec.id.get_ref().clone(),
            symbol: symbol.name.get_ref().clone(),
            new_name: symbol
                .new_name
                .map(|n| n.get_ref().clone())
                .filter(|n| n != symbol.name.get_ref()),
            deprecated: deprecated.clone(),
            ssot: ssot.clone(),
            issue: spec.issue.clone(),
            golden_path: golden_path.clone(),
            golden_path_set: golden_path_set.clone(),
            validation: spec.validation.clone(),
            fallback_risky_members: symbol
                .risky_members
                .iter()
                .map(|m| m.get_ref().clone())
                .collect(),
            renames: symbol
                .renames
                .iter()
                .map(|(from, to)| (from.clone(), to.get_ref().clone()))
                .collect(),
            renames_safe: spec.renames_safe,
            origin: RuleOrigin {
                path: path.to_path_buf(),
                builtin: false,
                text: text.clone(),
                id: spec.id.span(),
                symbol: symbol.name.span(),
                ssot: spec.ssot.span(),
                deprecated: spec.deprecated.iter().map(Spanned::span).collect(),
            },
            absorbed: Vec::new(),
        })
        .collect())
}

/// A problem with the way a rule names its classes: the value to point at (the id's when
/// `None`), the message and the help.
type SymbolsError<'s> = (Option<&'s Spanned<String>>, String, &'static str);

/// The classes a rule moves: its `symbol` (with the top-level `new-name`, `risky-members` and
/// `renames`), or each `[[symbols]]` table; never both.
fn symbol_moves(spec: &RuleSpec) -> std::result::Result<Vec<SymbolMove<'_>>, SymbolsError<'_>> {
    match &spec.symbol {
        Some(symbol) if spec.symbols.is_empty() => Ok(vec![SymbolMove {
            name: symbol,
            new_name: spec.new_name.as_ref(),
            risky_members: &spec.risky_members,
            renames: &spec.renames,
        }]),
        Some(symbol) => Err((
            Some(symbol),
            "a rule has `symbol` or `[[symbols]]`, not both".to_owned(),
            "move this class into a `[[symbols]]` table of its own",
        )),
        None if spec.symbols.is_empty() => Err((
            None,
            "rule names no class: it needs `symbol` or `[[symbols]]`".to_owned(),
            "add `symbol = \"ClassName\"` (the class's name in the deprecated modules)",
        )),
        None => {
            let top_level = spec
                .new_name
                .as_ref()
                .or(spec.risky_members.first())
                .or(spec.renames.values().next());
            if top_level.is_some() {
                return Err((
                    top_level,
                    "with `[[symbols]]`, `new-name`, `risky-members` and `renames` belong to \
                     each class"
                        .to_owned(),
                    "move them into the `[[symbols]]` table of the class they describe",
                ));
            }
            Ok(spec
                .symbols
                .iter()
                .map(|symbol| SymbolMove {
                    name: &symbol.name,
                    new_name: symbol.new_name.as_ref(),
                    risky_members: &symbol.risky_members,
                    renames: &symbol.renames,
                })
                .collect())
        }
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The built-in migrations followed by those in `extra_files`; a later file with the same rule
/// id replaces an earlier one, so a project can adjust a built-in rule. The set is then checked and
/// its chains collapsed by [`rule_set::compile`](crate::rule_set::compile): conflicting,
/// duplicate or cyclic rules are an error, and a selected migration may carry several rules.
pub fn load_rules(extra_files: &[PathBuf]) -> Result<Vec<Migration>> {
    let mut migrations: Vec<Migration> = Vec::new();
    let mut add = |rule: Vec<Migration>| {
        if let Some(first) = rule.first() {
            migrations.retain(|m| m.rule_id != first.rule_id);
        }
        migrations.extend(rule);
    };
    for (name, text) in BUILTIN_RULES {
        let mut rule = parse_rule(Path::new(name), text)?;
        for migration in &mut rule {
            migration.origin.builtin = true;
        }
        add(rule);
    }
    for path in extra_files {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        add(parse_rule(path, &text)?);
    }
    crate::rule_set::compile(migrations)
}

fn compile_globs<'a>(globs: impl Iterator<Item = &'a str>) -> Result<GlobSet, (String, String)> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob).map_err(|e| (glob.to_owned(), e.kind().to_string()))?);
    }
    builder.build().map_err(|e| (String::new(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rule_loads() {
        let rules = load_rules(&[]).unwrap();
        let rule = &rules[0];
        assert_eq!(rule.id, "deepagentstate");
        assert_eq!(rule.symbol, "DeepAgentState");
        assert_eq!(
            rule.deprecated[0].as_str(),
            "netra_backend.app.agents.state"
        );
        assert_eq!(rule.ssot.as_str(), "netra_backend.app.schemas.agent_models");
        assert_eq!(rule.issue, "#871");
        assert_eq!(rule.renames["thread_id"], "chat_thread_id");
        assert!(rule
            .fallback_risky_members
            .contains(&"thread_id".to_owned()));
        assert!(rule
            .golden_path_set
            .is_match("netra_backend/app/websocket_core/manager.py"));
    }

    #[test]
    fn a_rule_remembers_its_file_and_the_spans_of_its_values() {
        let rules = load_rules(&[]).unwrap();
        let origin = &rules[0].origin;
        assert_eq!(origin.path, Path::new("rules/deepagentstate.toml"));
        let at = |span: &Range<usize>| (&origin.text[span.clone()], origin.line(span));
        assert_eq!(at(&origin.id), ("\"deepagentstate\"", 7));
        assert_eq!(at(&origin.symbol), ("\"DeepAgentState\"", 8));
        assert_eq!(
            at(&origin.ssot),
            ("\"netra_backend.app.schemas.agent_models\"", 10)
        );
        let deprecated: Vec<_> = origin.deprecated.iter().map(at).collect();
        assert_eq!(deprecated, [("\"netra_backend.app.agents.state\"", 9)]);
        assert_eq!(
            origin.location(&origin.ssot),
            "rules/deepagentstate.toml:10"
        );
        assert!(rules[0].absorbed.is_empty());
        assert!(rules[0].answers_to("deepagentstate"));
        assert!(!rules[0].answers_to("DeepAgentState"));
    }
}
