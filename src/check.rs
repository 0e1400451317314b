//! Pass two over a file: the checks. Walks the tree once more, resolving each import, attribute
//! and call against the scopes of pass one, and reports findings.

use std::collections::{BTreeSet, HashMap};

use tree_sitter::Node;

use crate::codes::Code;
use crate::finding::{Finding, Location, ResolvesTo, Severity};
use crate::migration::MigrationOracle;
use crate::python::columns::CharColumns;
use crate::python::comments;
use crate::python::imports::{self, Import};
use crate::python::oracle::SymbolResolution;
use crate::python::resolve::Resolver;
use crate::python::scopes::{Binding, Fact, FileScopes, ScopeId, MODULE_SCOPE};
use crate::python::sparse::{self, LineStarts};
use crate::python::syntax::{
    parse, plain_string, python_line_ends, text, walk, Descend, Visitor, FIELDS, KINDS,
};
use crate::python::{ModuleOfFile, ModulePath};

/// What checking one file found, for each migration it was checked against.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// tree-sitter had to recover from a syntax error; findings inside the broken part are lost.
    pub parse_error: bool,
    /// One per migration, in the order the migrations were given.
    pub migrations: Vec<MigrationOutcome>,
}

/// What checking one file found for one migration.
#[derive(Debug, Default)]
pub struct MigrationOutcome {
    /// Where the file's bindings of the symbol come from, `None` when it binds none.
    pub resolves_to: Option<ResolvesTo>,
    /// Sorted by position; suppressed findings are already removed.
    pub findings: Vec<Finding>,
    /// Module-level names other than the symbol that the file binds to the class: where the file
    /// is a module, other files may import the class under these names.
    pub class_aliases: Vec<String>,
}

impl FileOutcome {
    /// A file that could not be parsed at all: nothing found for any migration.
    fn unparsed(migrations: usize) -> FileOutcome {
        FileOutcome {
            parse_error: true,
            migrations: (0..migrations)
                .map(|_| MigrationOutcome::default())
                .collect(),
        }
    }
}

/// The builtins that reach a member by name: `getattr(x, "m")` and friends.
const REFLECTION_BUILTINS: [&str; 4] = ["getattr", "hasattr", "setattr", "delattr"];

/// How many times the set of kept statements may grow before sparse parsing gives up.
const MAX_SPARSE_ROUNDS: usize = 8;

/// Checks one file's source against each migration, parsing all of it once. `module` is the
/// module the file defines (for relative imports).
pub fn check_source(
    source: &[u8],
    module: Option<&ModuleOfFile>,
    migrations: &[&MigrationOracle],
) -> FileOutcome {
    check_whole(&python_line_ends(source), module, migrations)
}

/// [`check_source`] on a source whose line ends are already Python's.
fn check_whole(
    source: &[u8],
    module: Option<&ModuleOfFile>,
    migrations: &[&MigrationOracle],
) -> FileOutcome {
    crate::stats::count_whole_parse();
    let Some(tree) = parse(source) else {
        return FileOutcome::unparsed(migrations.len());
    };
    let root = tree.root_node();
    let scopes = FileScopes::collect(root, source, module);
    let suppressions = suppression_comments(source);
    check_tree(
        root,
        &scopes,
        source,
        None,
        module,
        migrations,
        &suppressions,
    )
}

/// Runs every migration's checks over one parsed tree.
fn check_tree(
    root: Node<'_>,
    scopes: &FileScopes<'_>,
    source: &[u8],
    positions: Option<&LineStarts>,
    module: Option<&ModuleOfFile>,
    migrations: &[&MigrationOracle],
    suppressions: &HashMap<usize, Suppression>,
) -> FileOutcome {
    FileOutcome {
        parse_error: root.has_error(),
        migrations: migrations
            .iter()
            .map(|migration| {
                run_checks(
                    root,
                    scopes,
                    source,
                    positions,
                    module,
                    migration,
                    suppressions,
                )
            })
            .collect(),
    }
}

/// Checks one file's source against each migration, parsing once only the top-level statements
/// that can matter to any of them (see [`crate::python::sparse`]): the same findings as
/// [`check_source`] for a file without syntax errors, in a fraction of the time. Falls back to
/// the whole file when the statements cannot be told apart, or when what is kept does not parse
/// cleanly. A syntax error in a statement left out is not seen: the file is not marked, and its
/// other statements' findings stand.
pub fn check_source_sparse(
    source: &[u8],
    module: Option<&ModuleOfFile>,
    migrations: &[&MigrationOracle],
) -> FileOutcome {
    let source = python_line_ends(source);
    let original = &*source;
    // Comments hold no finding: a commented-out `self.state.thread_id` must not keep a method.
    // (Suppression comments are read from the original.)
    let blanked = comments::blank_comments(original);
    let source = &*blanked;
    let Some(blocks) = sparse::top_level_blocks(source) else {
        return check_whole(original, module, migrations);
    };
    // The symbols, and the builtins whose shadowing changes a check: a module-level
    // `def getattr(...)` is not the builtin, so the statement that defines it must be seen.
    let mut words: Vec<Vec<u8>> = migrations
        .iter()
        .map(|migration| migration.rule.symbol.as_str())
        .chain(REFLECTION_BUILTINS)
        .map(|word| word.as_bytes().to_vec())
        .collect();
    words.dedup();
    let mut kept: Vec<bool> = blocks
        .iter()
        .map(|block| {
            let text = &source[block.range.clone()];
            block.has_import || words.iter().any(|word| sparse::contains_word(text, word))
        })
        .collect();
    let positions = LineStarts::of(source);
    // Inside each kept top-level class, the member functions that mention nothing relevant are
    // left out too: a 3,000-line test class that uses the class in two methods parses as two.
    let mut classes: Vec<Option<Vec<Member>>> = Vec::new();
    classes.resize_with(blocks.len(), || None);
    // Attributes that kept code makes instances (`self.state`): a member that mentions one may
    // read an instance.
    let mut member_words: Vec<Vec<u8>> = Vec::new();
    let mut imported_modules: Vec<(String, ModulePath)> = Vec::new();
    for round in 0..MAX_SPARSE_ROUNDS {
        let finders = word_finders(&words);
        for (index, block) in blocks.iter().enumerate() {
            if kept[index] && classes[index].is_none() {
                classes[index] = Some(class_members(source, block, &finders));
            }
        }
        keep_members_of_relevant_classes(source, &blocks, &mut classes, &words);
        let dropped: Vec<std::ops::Range<usize>> = classes
            .iter()
            .flatten()
            .flatten()
            .filter(|member| !member.kept)
            .map(|member| member.range.clone())
            .collect();
        let Some((tree, reduced)) = sparse::parse_kept(source, &blocks, &kept, &dropped) else {
            break;
        };
        let root = tree.root_node();
        let scopes = FileScopes::collect(root, &reduced, module);
        // Module-level names the kept statements bind to a value or to a class: a statement
        // left out that mentions one could hold an instance or an alias. Keep those too.
        let mut new_words: Vec<Vec<u8>> = relevant_module_names(&scopes, migrations)
            .map(|name| name.as_bytes().to_vec())
            .collect();
        // Every import statement is kept from the start, so the first round sees all the
        // modules the file imports: a statement that reaches a re-exported alias of a class
        // through one of them (`registry.AgentState`) is kept too, and so is one that names a
        // class under a name a star import provides it as.
        if round == 0 {
            imported_modules.extend(
                imported_modules_of(&scopes, migrations)
                    .map(|(local, target)| (local.to_owned(), target.clone())),
            );
            for (star, _) in &scopes.scopes[MODULE_SCOPE].star_imports {
                for migration in migrations {
                    new_words.extend(
                        migration
                            .class_names(star)
                            .into_iter()
                            .map(String::into_bytes),
                    );
                }
            }
        }
        new_words.sort_unstable();
        new_words.dedup();
        new_words.retain(|name| !words.contains(name));
        // Attributes that kept code makes instances (`self.state = DeepAgentState()`): a member
        // left out that mentions one may read an instance. (An attribute that holds no
        // instance cannot lead to a finding: what it holds comes from code that is kept.)
        let mut new_member_words: Vec<Vec<u8>> = Vec::new();
        for migration in migrations {
            let resolver = Resolver::new(&scopes, &reduced, *migration);
            new_member_words.extend(
                scopes
                    .scopes
                    .iter()
                    .enumerate()
                    .flat_map(|(id, scope)| scope.attributes.keys().map(move |name| (id, *name)))
                    .filter(|(id, name)| resolver.attribute_instance(*id, name).is_some())
                    .map(|(_, name)| name.as_bytes().to_vec()),
            );
        }
        new_member_words.sort_unstable();
        new_member_words.dedup();
        new_member_words.retain(|name| !member_words.contains(name) && !words.contains(name));
        let matters = |text: &[u8], words: &[memchr::memmem::Finder<'_>]| {
            words.iter().any(|w| sparse::contains_word_with(text, w))
                || imported_modules
                    .iter()
                    .any(|(local, target)| reaches_class_through(text, local, target, migrations))
        };
        let new_finders = word_finders(&new_words);
        let mut grew = false;
        for (block, keep) in blocks.iter().zip(kept.iter_mut()) {
            let text = &source[block.range.clone()];
            if !*keep && matters(text, &new_finders) {
                *keep = true;
                grew = true;
            }
        }
        words.extend(new_words);
        member_words.extend(new_member_words);
        grew |= keep_members_of_relevant_classes(source, &blocks, &mut classes, &words);
        let mut member_finders = word_finders(&words);
        member_finders.extend(word_finders(&member_words));
        for member in classes.iter_mut().flatten().flatten() {
            let text = &source[member.range.clone()];
            if !member.kept && matters(text, &member_finders) {
                member.kept = true;
                grew = true;
            }
        }
        if !grew {
            let suppressions = suppression_comments(original);
            return check_tree(
                root,
                &scopes,
                &reduced,
                Some(&positions),
                module,
                migrations,
                &suppressions,
            );
        }
    }
    check_whole(original, module, migrations)
}

/// One statement of a kept top-level class's body; only a function that mentions nothing
/// relevant is left out (`kept: false`).
struct Member {
    range: std::ops::Range<usize>,
    kept: bool,
}

/// The members of `block` when it is a top-level class, each kept when it is not a function,
/// mentions one of `words`, or defines a name that the class mentions elsewhere (a class-level
/// `x = property(getter)` must still find `getter`). Empty when nothing may be left out: not a
/// class, or lexing unsure. The class's header (decorators, bases) is kept with the first
/// member; when it mentions a word (a subclass of the class, now or once a later round finds
/// the word), [`keep_members_of_relevant_classes`] keeps every member.
fn class_members(
    source: &[u8],
    block: &sparse::Block,
    words: &[memchr::memmem::Finder<'_>],
) -> Vec<Member> {
    let Some(statements) = sparse::class_members(source, block) else {
        return Vec::new();
    };
    let class_text = &source[block.range.clone()];
    // How often each identifier occurs in the class: a function whose name occurs only in its
    // own `def` is used by nothing else of the class.
    let occurrences = identifier_counts(class_text);
    statements
        .into_iter()
        .map(|statement| {
            let text = &source[statement.range.clone()];
            let droppable = sparse::function_name(source, &statement).is_some_and(|name| {
                occurrences.get(name.as_bytes()) == Some(&1)
                    && !words.iter().any(|w| sparse::contains_word_with(text, w))
            });
            Member {
                range: statement.range,
                kept: !droppable,
            }
        })
        .collect()
}

/// A searcher for each word, built once for the many texts a round looks at.
fn word_finders(words: &[Vec<u8>]) -> Vec<memchr::memmem::Finder<'static>> {
    words
        .iter()
        .map(|word| memchr::memmem::Finder::new(word).into_owned())
        .collect()
}

/// Keeps every member of a class whose header (what precedes its first member: decorators,
/// name, bases) mentions one of `words`. Returns whether a member was left out before.
fn keep_members_of_relevant_classes(
    source: &[u8],
    blocks: &[sparse::Block],
    classes: &mut [Option<Vec<Member>>],
    words: &[Vec<u8>],
) -> bool {
    let mut grew = false;
    for (block, members) in blocks.iter().zip(classes.iter_mut()) {
        let Some(members) = members else { continue };
        let Some(first) = members.first() else {
            continue;
        };
        let header = &source[block.range.start..first.range.start];
        if members.iter().any(|member| !member.kept)
            && words.iter().any(|w| sparse::contains_word(header, w))
        {
            members.iter_mut().for_each(|member| member.kept = true);
            grew = true;
        }
    }
    grew
}

/// Each ASCII identifier of `text` (strings and comments included: more occurrences only keep
/// more) and how often it occurs.
fn identifier_counts(text: &[u8]) -> HashMap<&[u8], usize> {
    let is_ident = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80;
    let mut counts = HashMap::new();
    for word in text.split(|c| !is_ident(c)).filter(|w| !w.is_empty()) {
        *counts.entry(word).or_insert(0) += 1;
    }
    counts
}

/// `Alias = DeepAgentState` (or `= m.DeepAgentState`): in the module that defines the class the
/// file's own scopes see a class definition, not the class, yet other modules import the alias.
/// A candidate only: the scan keeps the aliases the project resolves to the class.
fn names_the_symbol(fact: &Fact<'_>, source: &[u8], symbol: &str) -> bool {
    let Binding::Assigned { value } = fact.binding else {
        return false;
    };
    let kind = value.kind_id();
    let last = if kind == KINDS.identifier {
        Some(value)
    } else if kind == KINDS.attribute {
        value.child_by_field_id(FIELDS.attribute)
    } else {
        None
    };
    last.is_some_and(|name| text(name, source) == symbol)
}

/// Names bound at module level to a value (which may be an instance) or imported as one of the
/// classes.
fn relevant_module_names<'s>(
    scopes: &'s FileScopes<'_>,
    migrations: &'s [&MigrationOracle],
) -> impl Iterator<Item = &'s str> {
    scopes.scopes[MODULE_SCOPE]
        .names
        .iter()
        .filter(move |(_, facts)| {
            facts.iter().any(|fact| match &fact.binding {
                Binding::Assigned { .. } | Binding::Annotated { .. } => true,
                Binding::Import { target, .. } => migrations.iter().any(|migration| {
                    target
                        .split_last()
                        .is_some_and(|(_, name)| name == migration.rule.symbol)
                        || migration.resolve_path(target).is_class()
                }),
                Binding::Other => false,
            })
        })
        .map(|(name, _)| *name)
}

/// Module-level names bound by an import to something other than one of the classes (a module,
/// as far as attribute chains go), with what they were imported as.
fn imported_modules_of<'s>(
    scopes: &'s FileScopes<'_>,
    migrations: &'s [&MigrationOracle],
) -> impl Iterator<Item = (&'s str, &'s ModulePath)> {
    scopes.scopes[MODULE_SCOPE]
        .names
        .iter()
        .flat_map(|(name, facts)| facts.iter().map(move |fact| (*name, fact)))
        .filter_map(move |(name, fact)| match &fact.binding {
            Binding::Import { target, .. }
                if !migrations
                    .iter()
                    .all(|migration| migration.resolve_path(target).is_class()) =>
            {
                Some((name, target))
            }
            _ => None,
        })
}

/// How many attributes of an attribute chain (`m.a.b.C`) are followed to find the class.
const MAX_CHAIN: usize = 8;

/// Whether `text` names one of the classes through the module imported as `local`: `local.C` or
/// `local.a.b.C` where `C` resolves to the class. Lexical, so a match inside a string or comment
/// only keeps a statement that did not need keeping.
fn reaches_class_through(
    text: &[u8],
    local: &str,
    target: &ModulePath,
    migrations: &[&MigrationOracle],
) -> bool {
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let skip_blanks = |mut at: usize| {
        while text.get(at).is_some_and(|c| matches!(c, b' ' | b'\t')) {
            at += 1;
        }
        at
    };
    memchr::memmem::find_iter(text, local.as_bytes()).any(|at| {
        if at.checked_sub(1).is_some_and(|b| is_ident(text[b])) {
            return false;
        }
        let mut module = target.clone();
        let mut cursor = at + local.len();
        for _ in 0..MAX_CHAIN {
            let dot = skip_blanks(cursor);
            if text.get(dot) != Some(&b'.') {
                return false;
            }
            let start = skip_blanks(dot + 1);
            let mut end = start;
            while text.get(end).copied().is_some_and(is_ident) {
                end += 1;
            }
            let Ok(name) = std::str::from_utf8(&text[start..end]) else {
                return false;
            };
            if name.is_empty() {
                return false;
            }
            if migrations
                .iter()
                .any(|migration| migration.resolve(&module, name).is_class())
            {
                return true;
            }
            module = module.join(name);
            cursor = end;
        }
        false
    })
}

/// The checks over a parsed file. `positions` maps rows and columns back to byte offsets in the
/// original file when `source` is a sparse copy of it.
fn run_checks(
    root: Node<'_>,
    scopes: &FileScopes<'_>,
    source: &[u8],
    positions: Option<&LineStarts>,
    module: Option<&ModuleOfFile>,
    migration: &MigrationOracle,
    suppressions: &HashMap<usize, Suppression>,
) -> MigrationOutcome {
    let mut checker = Checker {
        resolver: Resolver::new(scopes, source, migration),
        scopes,
        source,
        positions,
        columns: CharColumns::new(source),
        migration,
        module,
        stack: vec![MODULE_SCOPE],
        findings: Vec::new(),
        bindings: Vec::new(),
        star_names: BTreeSet::new(),
        suppressions,
    };
    walk(root, &mut checker);
    checker.star_imports();
    checker.mixed_sources();
    let mut class_aliases: Vec<String> = scopes.scopes[MODULE_SCOPE]
        .names
        .iter()
        .filter(|(name, _)| **name != migration.rule.symbol)
        .filter(|(name, facts)| {
            checker.resolver.name_class(name, MODULE_SCOPE).is_some()
                || facts
                    .iter()
                    .any(|fact| names_the_symbol(fact, source, &migration.rule.symbol))
        })
        .map(|(name, _)| (*name).to_owned())
        .collect();
    class_aliases.sort_unstable();

    let Checker {
        mut findings,
        bindings,
        suppressions,
        ..
    } = checker;
    findings.retain(|finding| {
        !suppressions
            .get(&finding.location.line)
            .is_some_and(|suppression| suppression.covers(finding.code))
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    MigrationOutcome {
        resolves_to: bindings
            .iter()
            .map(|binding| binding.origin)
            .reduce(ResolvesTo::merge),
        findings,
        class_aliases,
    }
}

/// A binding of the symbol from the deprecated or SSOT module, in source order.
struct SymbolBinding {
    origin: ResolvesTo,
    location: Location,
}

/// `# ssot-guard: ignore` (every code) or `# ssot-guard: ignore[SSOT001, SSOT002]`.
#[derive(Debug)]
enum Suppression {
    All,
    Codes(Vec<Code>),
}

impl Suppression {
    fn parse(comment: &str) -> Option<Suppression> {
        let rest = comment.split_once("ssot-guard: ignore")?.1;
        let Some(list) = rest.strip_prefix('[') else {
            return Some(Suppression::All);
        };
        let list = list.split(']').next().unwrap_or(list);
        Some(Suppression::Codes(
            list.split(',')
                .filter_map(|code| Code::parse(code.trim()))
                .collect(),
        ))
    }

    fn covers(&self, code: Code) -> bool {
        match self {
            Suppression::All => true,
            Suppression::Codes(codes) => codes.contains(&code),
        }
    }
}

/// The suppression comments of a file by line, read with the comment lexer: the tree has no
/// comment nodes (see [`crate::python::comments`]). When the lexer is unsure, the file was parsed
/// with its comments, and the checker reads them from the tree instead.
fn suppression_comments(source: &[u8]) -> HashMap<usize, Suppression> {
    let mut suppressions = HashMap::new();
    if memchr::memmem::find(source, b"ssot-guard:").is_none() {
        return suppressions;
    }
    let mut line = 1;
    let mut counted_to = 0;
    for range in comments::comment_ranges(source).unwrap_or_default() {
        let comment = std::str::from_utf8(&source[range.clone()]).unwrap_or("");
        if let Some(suppression) = Suppression::parse(comment) {
            line += memchr::memchr_iter(b'\n', &source[counted_to..range.start]).count();
            counted_to = range.start;
            suppressions.insert(line, suppression);
        }
    }
    suppressions
}

struct Checker<'a, 'p> {
    resolver: Resolver<'a, 'p>,
    scopes: &'p FileScopes<'a>,
    source: &'a [u8],
    positions: Option<&'p LineStarts>,
    columns: CharColumns<'a>,
    migration: &'p MigrationOracle,
    module: Option<&'p ModuleOfFile>,
    stack: Vec<ScopeId>,
    findings: Vec<Finding>,
    bindings: Vec<SymbolBinding>,
    /// Names used that no scope binds: the module's star imports provide them, if anything does.
    star_names: BTreeSet<&'a str>,
    /// The file's suppression comments by line (read by the lexer: the parsed text has none).
    suppressions: &'p HashMap<usize, Suppression>,
}

impl<'a> Visitor<'a> for Checker<'a, '_> {
    fn enter(&mut self, node: Node<'a>, parent: Option<Node<'a>>) -> Descend {
        if let Some(&scope) = self.scopes.scope_of_node.get(&node.id()) {
            self.stack.push(scope);
        }
        let kind = node.kind_id();
        if kind == KINDS.import_statement || kind == KINDS.import_from_statement {
            self.import(node);
            return Descend::No;
        }
        if kind == KINDS.attribute {
            self.attribute(node, parent);
        } else if kind == KINDS.call {
            self.call(node);
        } else if kind == KINDS.identifier {
            self.identifier(node, parent);
        }
        Descend::Yes
    }

    fn leave(&mut self, node: Node<'a>) {
        if self.scopes.scope_of_node.contains_key(&node.id()) {
            self.stack.pop();
        }
    }
}

impl<'a> Checker<'a, '_> {
    fn scope(&self) -> ScopeId {
        *self.stack.last().expect("the module scope is never popped")
    }

    fn symbol(&self) -> &str {
        &self.migration.rule.symbol
    }

    fn import(&mut self, node: Node<'a>) {
        let Some(Import::Names(names)) = imports::decode(node, self.source, self.module) else {
            return; // star imports are judged once the whole file has been seen
        };
        for name in names {
            let Some((module, imported)) = name.target.split_last() else {
                continue;
            };
            let resolution = self.migration.resolve(&module, imported);
            self.symbol_reference(
                name.site,
                &module,
                imported,
                resolution,
                ReferenceForm::Import,
            );
        }
    }

    /// Reports what one reference to `module.name` resolves to, when it is the class (under its
    /// own name or an alias) or the class's name in a module that does not define it.
    fn symbol_reference(
        &mut self,
        site: Node<'a>,
        module: &ModulePath,
        name: &str,
        resolution: SymbolResolution,
        form: ReferenceForm,
    ) {
        // Most imported names are something else: nothing to format or locate for them.
        if resolution == SymbolResolution::NotTheClass {
            return;
        }
        let symbol = if name == self.symbol() {
            format!("`{name}`")
        } else {
            format!("`{name}` (`{}` under another name)", self.symbol())
        };
        let location = self.location(site);
        match resolution {
            SymbolResolution::Class(source) => {
                let origin = source.via;
                self.bindings.push(SymbolBinding { origin, location });
                if origin == ResolvesTo::Ssot {
                    return;
                }
                let via = if self.migration.rule.is_deprecated(module) {
                    format!("deprecated module `{module}`")
                } else {
                    format!("`{module}`, which re-exports the deprecated class")
                };
                let message = match form {
                    ReferenceForm::Import => format!("{symbol} is imported from {via}"),
                    ReferenceForm::Attribute => format!(
                        "`{}` refers to {symbol} from {via}",
                        text(site, self.source)
                    ),
                    ReferenceForm::Star => {
                        format!("`from {module} import *` binds {symbol} from {via}")
                    }
                };
                self.report(
                    Code::DeprecatedImport,
                    Severity::Warning,
                    location,
                    message,
                    Some(self.ssot_help()),
                    None,
                    None,
                );
            }
            SymbolResolution::Undefined => {
                let message = format!(
                    "{symbol} is imported from `{module}`, which does not define it (ImportError)"
                );
                self.report(
                    Code::UnresolvedImport,
                    Severity::Error,
                    location,
                    message,
                    Some(self.ssot_help()),
                    None,
                    None,
                );
            }
            SymbolResolution::NotTheClass => {} // returned above
        }
    }

    fn ssot_help(&self) -> String {
        format!(
            "import it from the SSOT module: `from {} import {}`",
            self.migration.rule.ssot,
            self.symbol()
        )
    }

    fn attribute(&mut self, node: Node<'a>, parent: Option<Node<'a>>) {
        let (Some(object), Some(member_node)) = (
            node.child_by_field_id(FIELDS.object),
            node.child_by_field_id(FIELDS.attribute),
        ) else {
            return;
        };
        let member = text(member_node, self.source);
        let scope = self.scope();
        // `state.DeepAgentState` after `from netra_backend.app.agents import state`, or a
        // re-exported alias of the class reached the same way.
        let reference = self
            .resolver
            .import_path(node, scope)
            .and_then(|path| {
                let (module, _) = path.split_last()?;
                Some((self.migration.resolve(&module, member), module))
            })
            .filter(|(resolution, _)| member == self.symbol() || resolution.is_class());
        if let Some((resolution, module)) = reference {
            self.symbol_reference(node, &module, member, resolution, ReferenceForm::Attribute);
        } else if member != self.symbol() && self.migration.interface.risky_members.contains(member)
        {
            let origin = self
                .resolver
                .instance(object, scope)
                .or_else(|| self.resolver.class_ref(object, scope));
            if let Some(origin) = origin {
                let access = Access::of_attribute(node, parent);
                self.missing_member(node, object, member, origin, access);
            }
        }
    }

    fn missing_member(
        &mut self,
        site: Node<'a>,
        receiver: Node<'a>,
        member: &str,
        origin: ResolvesTo,
        access: Access,
    ) {
        let receiver_text = receiver_text(receiver, self.source);
        let severity = origin.access_severity();
        let consequence = match severity {
            Severity::Error => "raises AttributeError",
            _ => "will raise AttributeError once this file uses the SSOT class",
        };
        let message = format!(
            "{} `{member}` on `{receiver_text}`: the SSOT `{}` has no `{member}`; this {consequence}",
            access.verb(),
            self.symbol(),
        );
        let help = self.member_help(member);
        self.report(
            Code::MissingMember,
            severity,
            self.location(site),
            message,
            Some(help),
            Some(member),
            Some(receiver_text),
        );
    }

    fn member_help(&self, member: &str) -> String {
        match self.migration.rule.renames.get(member) {
            Some(renamed) => format!("the SSOT class calls it `{renamed}`: use `{renamed}` instead of `{member}`"),
            None => format!(
                "`{}.{}` has no `{member}`: move this logic off the state object or add `{member}` to the SSOT class",
                self.migration.rule.ssot,
                self.symbol()
            ),
        }
    }

    fn call(&mut self, node: Node<'a>) {
        let (Some(function), Some(arguments)) = (
            node.child_by_field_id(FIELDS.function),
            node.child_by_field_id(FIELDS.arguments),
        ) else {
            return;
        };
        let scope = self.scope();
        if function.kind_id() == KINDS.identifier {
            let name = text(function, self.source);
            if REFLECTION_BUILTINS.contains(&name) && self.scopes.lookup(scope, name).is_none() {
                self.reflection(node, name, arguments, scope);
                return;
            }
        }
        if let Some(origin) = self.resolver.class_ref(function, scope) {
            self.constructor(function, arguments, origin);
        }
    }

    /// `getattr` / `hasattr` / `setattr` / `delattr` with a risky member name as a plain string.
    fn reflection(&mut self, call: Node<'a>, function: &str, arguments: Node<'a>, scope: ScopeId) {
        if arguments.kind_id() != KINDS.argument_list {
            return;
        }
        let mut cursor = arguments.walk();
        let positional: Vec<Node<'a>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_id() != KINDS.comment)
            .collect();
        let (Some(&receiver), Some(&name)) = (positional.first(), positional.get(1)) else {
            return;
        };
        let Some(member) = plain_string(name, self.source) else {
            return;
        };
        if !self.migration.interface.risky_members.contains(member) {
            return;
        }
        let Some(origin) = self
            .resolver
            .instance(receiver, scope)
            .or_else(|| self.resolver.class_ref(receiver, scope))
        else {
            return;
        };
        let access = match (function, positional.len()) {
            ("getattr", 2) => Access::Read,
            ("setattr", _) => Access::Write,
            ("delattr", _) => Access::Delete,
            _ => {
                let receiver_text = receiver_text(receiver, self.source);
                let message = match function {
                    "hasattr" => format!(
                        "`hasattr({receiver_text}, \"{member}\")` is always False on the SSOT `{}`, which has no `{member}`",
                        self.symbol()
                    ),
                    _ => format!(
                        "`getattr({receiver_text}, \"{member}\", ...)` always returns its default on the SSOT `{}`, which has no `{member}`",
                        self.symbol()
                    ),
                };
                let help = self.member_help(member);
                self.report(
                    Code::GuardedAccess,
                    Severity::Info,
                    self.location(call),
                    message,
                    Some(help),
                    Some(member),
                    Some(receiver_text),
                );
                return;
            }
        };
        self.missing_member(call, receiver, member, origin, access);
    }

    /// `DeepAgentState(thread_id=...)`: keywords only the deprecated class understands. The
    /// message names the callee as written (`legacy.DeepAgentState`, an alias).
    fn constructor(&mut self, callee: Node<'a>, arguments: Node<'a>, origin: ResolvesTo) {
        let callee = receiver_text(callee, self.source);
        let mut cursor = arguments.walk();
        let keywords: Vec<Node<'a>> = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind_id() == KINDS.keyword_argument)
            .collect();
        for keyword in keywords {
            let Some(name) = keyword.child_by_field_id(FIELDS.name) else {
                continue;
            };
            let member = text(name, self.source);
            if !self.migration.interface.risky_members.contains(member) {
                continue;
            }
            let severity = origin.access_severity();
            let message = format!(
                "`{callee}({member}=...)`: the SSOT class silently drops `{member}` (pydantic ignores unknown fields)"
            );
            let help = self.member_help(member);
            self.report(
                Code::DroppedField,
                severity,
                self.location(keyword),
                message,
                Some(help),
                Some(member),
                None,
            );
        }
    }

    /// A name used but bound by no scope comes from the module's star imports, if from anywhere.
    fn identifier(&mut self, node: Node<'a>, parent: Option<Node<'a>>) {
        if self.scopes.scopes[MODULE_SCOPE].star_imports.is_empty() || !is_name_use(node, parent) {
            return;
        }
        let name = text(node, self.source);
        if self.scopes.lookup(self.scope(), name).is_none() {
            self.star_names.insert(name);
        }
    }

    /// SSOT001 at a star import that binds a name the file uses to the deprecated class.
    fn star_imports(&mut self) {
        let used = std::mem::take(&mut self.star_names);
        for (module, site) in &self.scopes.scopes[MODULE_SCOPE].star_imports {
            // The class's own name first, then aliases in name order: one finding per import.
            let found = used
                .iter()
                .filter(|name| **name == self.symbol())
                .chain(used.iter().filter(|name| **name != self.symbol()))
                .map(|name| (*name, self.migration.resolve_star(module, name)))
                .find(|(_, resolution)| resolution.is_class());
            if let Some((name, resolution)) = found {
                let site = site.parent().unwrap_or(*site);
                self.symbol_reference(site, module, name, resolution, ReferenceForm::Star);
            }
        }
    }

    /// SSOT005 at the first binding that makes the file bind both classes.
    fn mixed_sources(&mut self) {
        self.bindings
            .sort_by_key(|binding| binding.location.start_byte);
        let mut origin: Option<ResolvesTo> = None;
        let mut first_line = 0;
        let mut mixed_at = None;
        for binding in &self.bindings {
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
        if let Some(location) = mixed_at {
            let message = format!(
                "this file binds `{}` from both the deprecated and the SSOT module (first binding on line {first_line})",
                self.symbol()
            );
            let help = format!("import it only from `{}`", self.migration.rule.ssot);
            self.report(
                Code::MixedSources,
                Severity::Warning,
                location,
                message,
                Some(help),
                None,
                None,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        code: Code,
        severity: Severity,
        location: Location,
        message: String,
        help: Option<String>,
        member: Option<&str>,
        receiver: Option<String>,
    ) {
        self.findings.push(Finding {
            migration: self.migration.id.clone(),
            code,
            severity,
            location,
            message,
            help,
            symbol: self.migration.rule.symbol.clone(),
            member: member.map(str::to_owned),
            receiver,
            scope: self.scopes.qualified_name(self.scope()),
            fingerprint: String::new(),
        });
    }

    fn location(&self, node: Node<'_>) -> Location {
        let start = node.start_position();
        let end = node.end_position();
        let (start_byte, end_byte) = match self.positions {
            Some(lines) => (
                lines.offset(start.row, start.column),
                lines.offset(end.row, end.column),
            ),
            None => (node.start_byte(), node.end_byte()),
        };
        Location {
            line: start.row + 1,
            column: self.columns.column(node.start_byte(), start.column),
            end_line: end.row + 1,
            end_column: self.columns.column(node.end_byte(), end.column),
            start_byte,
            end_byte,
        }
    }
}

#[derive(Clone, Copy)]
enum ReferenceForm {
    Import,
    Attribute,
    Star,
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

/// The receiver as written, on one line and at most 80 characters.
fn receiver_text(node: Node<'_>, source: &[u8]) -> String {
    let raw = String::from_utf8_lossy(&source[node.byte_range()]);
    let single_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match single_line.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &single_line[..cut]),
        None => single_line,
    }
}

/// An identifier that reads a variable: not a definition's name, a keyword argument's name or an
/// attribute's member name.
fn is_name_use<'t>(identifier: Node<'t>, parent: Option<Node<'t>>) -> bool {
    let Some(parent) = parent else {
        return true;
    };
    let kind = parent.kind_id();
    let is_field = |field| parent.child_by_field_id(field) == Some(identifier);
    !((kind == KINDS.attribute && is_field(FIELDS.attribute))
        || (kind == KINDS.keyword_argument && is_field(FIELDS.name))
        || ((kind == KINDS.function_definition || kind == KINDS.class_definition)
            && is_field(FIELDS.name))
        || kind == KINDS.parameters
        || kind == KINDS.typed_parameter)
}
