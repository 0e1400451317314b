//! Sparse parsing for the checks: which top-level statements (and which members of kept
//! classes) can matter to a migration, grown in rounds until what is kept explains itself.

use std::collections::HashMap;

use crate::migration::MigrationOracle;
use crate::python::comments;
use crate::python::resolve::Resolver;
use crate::python::scopes::{Binding, FileScopes, ScopeKind, MODULE_SCOPE};
use crate::python::sparse::{self, LineStarts};
use crate::python::syntax::{python_line_ends, FIELDS};
use crate::python::{ModuleOfFile, ModulePath};

use super::context::REFLECTION_BUILTINS;
use super::suppression::suppression_comments;
use super::{check_tree, check_whole, FileOutcome};

/// How many times the set of kept statements may grow before sparse parsing gives up.
const MAX_SPARSE_ROUNDS: usize = 8;

/// Checks one file's source against each migration, parsing once only the top-level statements
/// that can matter to any of them (see [`crate::python::sparse`]): the same findings as
/// [`super::check_source`] for a file without syntax errors, in a fraction of the time. Falls
/// back to the whole file when the statements cannot be told apart, or when what is kept does
/// not parse cleanly. A syntax error in a statement left out is not seen: the file is not marked, and its
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
        .flat_map(|migration| migration.rule.class_names())
        .chain(REFLECTION_BUILTINS.iter().copied())
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
            // Attributes that hold the class itself (`state_cls = DeepAgentState`): a member
            // left out that calls one makes an instance.
            new_member_words.extend(
                scopes
                    .scopes
                    .iter()
                    .enumerate()
                    .filter(|(_, scope)| scope.kind == ScopeKind::Class)
                    .flat_map(|(id, scope)| {
                        scope
                            .attributes
                            .keys()
                            .chain(scope.names.keys())
                            .map(move |name| (id, *name))
                    })
                    .filter(|(id, name)| resolver.class_attribute_class(*id, name).is_some())
                    .map(|(_, name)| name.as_bytes().to_vec()),
            );
            // Methods and properties that return an instance (`self._make_state()`): a member
            // left out that calls one may hold an instance.
            new_member_words.extend(
                scopes
                    .scopes
                    .iter()
                    .filter(|scope| scope.kind == ScopeKind::Class)
                    .flat_map(|scope| scope.names.iter())
                    .filter(|(_, facts)| {
                        facts
                            .iter()
                            .any(|fact| resolver.declared_return(fact).is_some())
                    })
                    .map(|(name, _)| name.as_bytes().to_vec()),
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
            let suppressions = suppression_comments(original, root, &reduced);
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
        // The class's own name is no reason: a class of the file is a word once kept (its
        // instances may hold an instance), and that says nothing of its members.
        let own = class_name(header);
        if members.iter().any(|member| !member.kept)
            && words
                .iter()
                .filter(|w| Some(w.as_slice()) != own)
                .any(|w| sparse::contains_word(header, w))
        {
            members.iter_mut().for_each(|member| member.kept = true);
            grew = true;
        }
    }
    grew
}

/// The name a class header (`@decorator\nclass Name(Base):`) defines: on the last line that
/// starts with `class` (decorators, and strings in them, come before it).
fn class_name(header: &[u8]) -> Option<&[u8]> {
    let is_ident = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80;
    header.split(|&c| c == b'\n').rev().find_map(|line| {
        let rest = line.trim_ascii_start().strip_prefix(b"class")?;
        if !rest.first()?.is_ascii_whitespace() {
            return None;
        }
        let rest = rest.trim_ascii_start();
        let end = rest.iter().position(|c| !is_ident(c)).unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
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
                        .is_some_and(|(_, name)| migration.rule.names_class(name))
                        || migration.resolve_path(target).is_class()
                        || migration.function_returns(target).is_some()
                }),
                // A function that may return an instance (`state = make_state()`), and a class
                // of the file whose instances may hold one (`holder.state`).
                Binding::Function { definition } => {
                    definition.child_by_field_id(FIELDS.return_type).is_some()
                }
                Binding::Class { .. } => true,
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
/// `local.a.b.C` where `C` resolves to the class or is a factory of it. Lexical, so a match
/// inside a string or comment
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
            // The class, or a factory that returns an instance (`factories.create_state()`).
            if migrations.iter().any(|migration| {
                migration.resolve(&module, name).is_class()
                    || migration.function_returns(&module.join(name)).is_some()
            }) {
                return true;
            }
            module = module.join(name);
            cursor = end;
        }
        false
    })
}
