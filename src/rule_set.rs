//! The loaded migrations as a set. Several rules are loaded (the built-in ones, then the
//! project's), and one scan may check several of them, so the set must make sense as a whole.
//! [`compile`] checks it and collapses chains:
//!
//! - A rule may not move a class to itself (its `ssot` among its own `deprecated` modules).
//! - Per symbol, each deprecated module belongs to one rule. Two rules that both deprecate a
//!   module are a *conflict* when their `ssot`s differ (the class would move to two places), a
//!   *duplicate* when they are the same move under two ids (same deprecated modules, same `ssot`),
//!   and an *overlap* otherwise (same `ssot`, the deprecated lists share some modules).
//! - Chains collapse: when rule X moves a class to a module that rule Y deprecates (`A -> B`,
//!   `B -> C`), the two become one migration `A, B -> C` under Y's id, with X's id in
//!   [`Migration::absorbed`]. Chains of any length collapse, and several rules may lead into one
//!   (`A -> B` and `E -> B`, then `B -> C`).
//! - Chains that come back to where they started (`A -> B`, `B -> A`, of any length) are an
//!   error naming every rule of the cycle.
//!
//! Every error is a diagnostic pointing at the rule file and line that completes the problem,
//! and names the other rule(s) involved by id, file and line.
//!
//! The whole check is linear in the number of rules and their deprecated modules (hash maps and
//! one walk of the "moves to a module that rule deprecates" graph), except composing renames,
//! which walks each rename along its chain: O(renames x chain length).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;
use std::ops::Range;

use crate::error::{Error, Result};
use crate::python::ModulePath;
use crate::rules::Migration;

/// Checks the set of `migrations` and collapses chains (see the module's documentation).
///
/// Two rules with one id are an error (`rules::load_rules` keeps the last file for an id). The
/// result has one migration per chain, in the order in which each chain's final rule appears in
/// `migrations`; a rule in no chain comes back unchanged. A collapsed migration has the final
/// rule's id, symbol, `ssot`, issue and origin; its deprecated modules, golden-path globs,
/// validation commands and fallback risky members are those of every rule of the chain, earliest
/// link first, each once; its renames are composed: each rule's `old -> new` carried through the
/// renames of the rules after it, and where two rules rename one member differently, the rule
/// nearer the final SSOT wins.
pub fn compile(migrations: Vec<Migration>) -> Result<Vec<Migration>> {
    check_unique_ids(&migrations)?;
    for migration in &migrations {
        check_not_to_itself(migration)?;
    }
    let next = {
        let owner = deprecating_rules(&migrations)?;
        migrations
            .iter()
            .map(|m| match m.new_name {
                // A class renamed as it moves ends its chain: a migration has one name in
                // every deprecated module, and a next rule would deprecate the new one.
                Some(_) => None,
                None => owner.get(&(m.symbol.as_str(), &m.ssot)).copied(),
            })
            .collect::<Vec<_>>()
    };
    check_cycles(&migrations, &next)?;
    collapse(migrations, &next)
}

/// The migrations that `ids` name, by their own id or one they absorbed, in the set's order and
/// each once (two ids of one chain select its migration once). An id no migration answers to is
/// a usage error that lists what is loaded.
pub fn select(migrations: Vec<Migration>, ids: &[String]) -> Result<Vec<Migration>> {
    if let Some(id) = ids
        .iter()
        .find(|id| !migrations.iter().any(|m| m.answers_to(id)))
    {
        return Err(Error::usage(
            format!("no migration rule with id `{id}`"),
            Some(format!("loaded: {}", loaded(&migrations))),
        ));
    }
    Ok(migrations
        .into_iter()
        .filter(|m| ids.iter().any(|id| m.answers_to(id)))
        .collect())
}

/// `a, c (absorbed b)`: the ids that select something, for help texts.
pub fn loaded(migrations: &[Migration]) -> String {
    migrations
        .iter()
        .map(|m| {
            if m.absorbed.is_empty() {
                m.id.clone()
            } else {
                format!("{} (absorbed {})", m.id, m.absorbed.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_unique_ids(migrations: &[Migration]) -> Result<()> {
    let mut seen: HashMap<&str, &Migration> = HashMap::new();
    for later in migrations {
        if let Some(first) = seen.insert(&later.id, later) {
            return Err(later.origin.error(
                &later.origin.id,
                format!(
                    "two rules have the id `{}`: {} and {}",
                    later.id,
                    first.origin.location(&first.origin.id),
                    later.origin.location(&later.origin.id),
                ),
                "give each rule its own `id`".to_owned(),
            ));
        }
    }
    Ok(())
}

fn check_not_to_itself(migration: &Migration) -> Result<()> {
    if !migration.is_deprecated(&migration.ssot) {
        return Ok(());
    }
    let origin = &migration.origin;
    let ssot = &migration.ssot;
    Err(origin.error(
        &origin.ssot,
        format!(
            "rule `{}` moves `{}` from `{ssot}` to itself: its `ssot` is also in `deprecated` \
             (line {})",
            migration.id,
            migration.symbol,
            origin.line(&deprecated_span(migration, ssot)),
        ),
        format!("remove `{ssot}` from `deprecated`, or make `ssot` the module the class moves to"),
    ))
}

/// For each (symbol, deprecated module), the index of the one rule that deprecates it; two rules
/// that deprecate the same module are an error.
fn deprecating_rules(migrations: &[Migration]) -> Result<HashMap<(&str, &ModulePath), usize>> {
    let mut owner: HashMap<(&str, &ModulePath), usize> = HashMap::new();
    for (index, later) in migrations.iter().enumerate() {
        for module in &later.deprecated {
            let first = *owner.entry((&later.symbol, module)).or_insert(index);
            if first != index {
                return Err(overlap(&migrations[first], later, module));
            }
        }
    }
    Ok(owner)
}

/// Two rules (`first` loaded before `later`) that both deprecate `module` for one symbol.
fn overlap(first: &Migration, later: &Migration, module: &ModulePath) -> Error {
    let symbol = &later.symbol;
    let both = format!(
        "rules `{}` ({}) and `{}` ({})",
        first.id,
        first.origin.location(&deprecated_span(first, module)),
        later.id,
        later.origin.location(&deprecated_span(later, module)),
    );
    let span = deprecated_span(later, module);
    if first.ssot != later.ssot {
        return later.origin.error(
            &span,
            format!(
                "{both} move `{symbol}` from `{module}` to two places: `{}` and `{}`",
                first.ssot, later.ssot
            ),
            format!(
                "a class has one SSOT: remove `{module}` from one rule's `deprecated`, or chain \
                 the moves (one rule's `ssot` deprecated by the next rule)"
            ),
        );
    }
    let set = |modules: &[ModulePath]| modules.iter().cloned().collect::<HashSet<_>>();
    if set(&first.deprecated) == set(&later.deprecated) {
        return later.origin.error(
            &later.origin.id,
            format!(
                "rules `{}` ({}) and `{}` ({}) are the same migration: both move `{symbol}` \
                 from {} to `{}`",
                first.id,
                first.origin.location(&first.origin.id),
                later.id,
                later.origin.location(&later.origin.id),
                module_list(&later.deprecated),
                later.ssot,
            ),
            "remove one of them; a rule file with the same `id` as an earlier one replaces it"
                .to_owned(),
        );
    }
    later.origin.error(
        &span,
        format!(
            "{both} both move `{symbol}` from `{module}` to `{}`",
            later.ssot
        ),
        format!("list `{module}` in one rule's `deprecated` only, or merge the two rules"),
    )
}

/// `next[i]` is the rule that deprecates rule `i`'s `ssot`; following it must end.
fn check_cycles(migrations: &[Migration], next: &[Option<usize>]) -> Result<()> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; migrations.len()];
    let mut path = Vec::new();
    for start in 0..migrations.len() {
        path.clear();
        let mut at = Some(start);
        while let Some(index) = at {
            match state[index] {
                State::New => {
                    state[index] = State::OnPath;
                    path.push(index);
                    at = next[index];
                }
                State::OnPath => {
                    let from = path.iter().position(|&p| p == index).unwrap_or(0);
                    return Err(cycle(migrations, &path[from..]));
                }
                State::Done => break,
            }
        }
        for &index in &path {
            state[index] = State::Done;
        }
    }
    Ok(())
}

/// The rules `cycle` (each moving the class to a module the next one deprecates, the last to one
/// the first deprecates), named from the first loaded; the diagnostic points at the `ssot` of
/// the last loaded, the move that closed the cycle.
fn cycle(migrations: &[Migration], cycle: &[usize]) -> Error {
    let start = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
    let rules: Vec<&Migration> = (0..cycle.len())
        .map(|i| &migrations[cycle[(start + i) % cycle.len()]])
        .collect();
    let last_loaded = cycle
        .iter()
        .copied()
        .max()
        .map_or(rules[0], |i| &migrations[i]);
    let first = rules[0];
    let mut path = format!("`{}`", rules[rules.len() - 1].ssot);
    for rule in &rules {
        path.push_str(&format!(
            " -> `{}` (`{}`, {})",
            rule.ssot,
            rule.id,
            rule.origin.location(&rule.origin.ssot)
        ));
    }
    let ids: Vec<String> = rules.iter().map(|r| format!("`{}`", r.id)).collect();
    last_loaded.origin.error(
        &last_loaded.origin.ssot,
        format!(
            "rules {} move `{}` in a cycle: {path}",
            and_list(&ids),
            first.symbol
        ),
        "a chain of moves must end at one SSOT: drop one of these rules, or the deprecated \
         module that closes the cycle"
            .to_owned(),
    )
}

/// One migration per final rule (a rule whose `ssot` no rule deprecates), in the order of the
/// final rules, each holding every rule whose chain ends there.
fn collapse(migrations: Vec<Migration>, next: &[Option<usize>]) -> Result<Vec<Migration>> {
    let mut before: Vec<Vec<usize>> = vec![Vec::new(); migrations.len()];
    for (index, successor) in next.iter().enumerate() {
        if let Some(successor) = successor {
            before[*successor].push(index);
        }
    }
    let mut slots: Vec<Option<Migration>> = migrations.into_iter().map(Some).collect();
    let mut compiled = Vec::new();
    for root in 0..slots.len() {
        if next[root].is_some() {
            continue;
        }
        let order = earliest_first(root, &before);
        let members: Vec<Migration> = order
            .iter()
            .filter_map(|&index| slots[index].take())
            .collect();
        // Where each member's chain goes next, as a position in `members`.
        let position: HashMap<usize, usize> =
            order.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let member_next: Vec<Option<usize>> = order
            .iter()
            .map(|&index| next[index].and_then(|n| position.get(&n).copied()))
            .collect();
        compiled.push(merge(members, &member_next, &order)?);
    }
    Ok(compiled)
}

/// The rules whose chains end at `root`, each after every rule that leads into it (rules
/// leading into the same rule in the order they were loaded), `root` last. No recursion.
fn earliest_first(root: usize, before: &[Vec<usize>]) -> Vec<usize> {
    let mut order = Vec::new();
    let mut stack = vec![(root, 0)];
    while let Some(top) = stack.last_mut() {
        let (index, child) = *top;
        if let Some(&earlier) = before[index].get(child) {
            top.1 += 1;
            stack.push((earlier, 0));
        } else {
            order.push(index);
            stack.pop();
        }
    }
    order
}

/// One migration from the rules of one chain, earliest link first, the final rule last;
/// `next[i]` is the member that member `i` leads into, `loaded[i]` its place in the input.
fn merge(
    mut members: Vec<Migration>,
    next: &[Option<usize>],
    loaded: &[usize],
) -> Result<Migration> {
    if members.len() == 1 {
        return Ok(members.remove(0));
    }
    let deprecated = each_once(members.iter().flat_map(|m| &m.deprecated));
    let golden_path = each_once(members.iter().flat_map(|m| &m.golden_path));
    let validation = each_once(members.iter().flat_map(|m| &m.validation));
    let risky = each_once(members.iter().flat_map(|m| &m.fallback_risky_members));
    let renames = compose_renames(&members, next, loaded);
    let mut absorbed = Vec::new();
    let last = members.len() - 1;
    for (index, member) in members.iter_mut().enumerate() {
        absorbed.append(&mut member.absorbed);
        if index != last {
            absorbed.push(member.id.clone());
        }
    }
    let mut merged = members.pop().expect("a chain has a final rule");
    merged.deprecated = deprecated;
    merged.set_golden_path(golden_path)?;
    merged.validation = validation;
    merged.fallback_risky_members = risky;
    merged.renames = renames;
    merged.absorbed = absorbed;
    Ok(merged)
}

/// The renames of a chain, from any earlier name to the final SSOT class's name: each rule's
/// `old -> new` is carried through the renames of the rules after it (`thread_id ->
/// chat_thread_id`, then `chat_thread_id -> conversation_id`, give `thread_id ->
/// conversation_id` and keep `chat_thread_id -> conversation_id`). A rename that comes back to
/// its own name is dropped. When two rules rename one member to different final names, the rule
/// nearer the final SSOT wins (it describes the class the code moves to); between two as near,
/// the one loaded first.
fn compose_renames(
    members: &[Migration],
    next: &[Option<usize>],
    loaded: &[usize],
) -> BTreeMap<String, String> {
    // Steps to the final rule, which is last in `members` and leads nowhere.
    let mut depth = vec![0usize; members.len()];
    for index in (0..members.len()).rev() {
        if let Some(successor) = next[index] {
            depth[index] = depth[successor] + 1;
        }
    }
    let mut by_nearness: Vec<usize> = (0..members.len()).collect();
    by_nearness.sort_by_key(|&index| (depth[index], loaded[index]));
    let mut renames = BTreeMap::new();
    for index in by_nearness {
        for (old, new) in &members[index].renames {
            let mut name = new;
            let mut at = next[index];
            while let Some(successor) = at {
                name = members[successor].renames.get(name).unwrap_or(name);
                at = next[successor];
            }
            if old != name && !renames.contains_key(old) {
                renames.insert(old.clone(), name.clone());
            }
        }
    }
    renames
}

fn each_once<'a, T: Clone + Eq + Hash + 'a>(items: impl Iterator<Item = &'a T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items.filter(|item| seen.insert(*item)).cloned().collect()
}

/// The span of `module` among the rule file's deprecated entries (the id's when the entry is
/// not in the file, as for a module a collapsed migration took from an absorbed rule).
fn deprecated_span(migration: &Migration, module: &ModulePath) -> Range<usize> {
    let origin = &migration.origin;
    origin
        .deprecated
        .iter()
        .find(|span| {
            origin
                .text
                .get((*span).clone())
                .is_some_and(|value| value.trim_matches(['"', '\'']) == module.as_str())
        })
        .unwrap_or(&origin.id)
        .clone()
}

fn module_list(modules: &[ModulePath]) -> String {
    let names: Vec<String> = modules.iter().map(|m| format!("`{m}`")).collect();
    and_list(&names)
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use miette::Diagnostic;

    use super::*;
    use crate::rules::{load_rules, parse_rule};

    /// A `Widget` rule in `ID.toml`: id on line 1, symbol 2, deprecated 3, ssot 4, issue 5,
    /// then `extra`.
    fn rule(id: &str, deprecated: &[&str], ssot: &str, extra: &str) -> Migration {
        symbol_rule(id, "Widget", deprecated, ssot, extra)
    }

    fn symbol_rule(
        id: &str,
        symbol: &str,
        deprecated: &[&str],
        ssot: &str,
        extra: &str,
    ) -> Migration {
        let deprecated: Vec<String> = deprecated.iter().map(|m| format!("\"{m}\"")).collect();
        let text = format!(
            "id = \"{id}\"\nsymbol = \"{symbol}\"\ndeprecated = [{}]\nssot = \"{ssot}\"\nissue = \"#{id}\"\n{extra}",
            deprecated.join(", ")
        );
        parse_rule(Path::new(&format!("{id}.toml")), &text)
            .unwrap()
            .remove(0)
    }

    /// What a set error says: the message (`path: ...`), the text and 1-based line of its
    /// label, and the help.
    fn error(result: Result<Vec<Migration>>) -> (String, String, usize, String) {
        let error = result.expect_err("the set is refused");
        let label = error.labels().unwrap().next().unwrap();
        let source = error.source_code().unwrap();
        let contents = source.read_span(label.inner(), 0, 0).unwrap();
        let help = error.help().unwrap().to_string();
        (
            error.to_string(),
            std::str::from_utf8(contents.data()).unwrap().to_owned(),
            contents.line() + 1,
            help,
        )
    }

    fn ids(migrations: &[Migration]) -> Vec<&str> {
        migrations.iter().map(|m| m.id.as_str()).collect()
    }

    fn modules(modules: &[ModulePath]) -> Vec<&str> {
        modules.iter().map(ModulePath::as_str).collect()
    }

    fn renames(migration: &Migration) -> Vec<(&str, &str)> {
        migration
            .renames
            .iter()
            .map(|(old, new)| (old.as_str(), new.as_str()))
            .collect()
    }

    #[test]
    fn unrelated_rules_come_back_unchanged_in_their_order() {
        let set = compile(vec![
            rule("x", &["ui.old"], "ui.new", "[renames]\nsize = \"width\"\n"),
            // The same modules for another class are another migration.
            symbol_rule("g", "Gadget", &["ui.old"], "ui.other", ""),
            symbol_rule("h", "Gadget", &["ui.new"], "ui.other", ""),
        ])
        .unwrap();
        assert_eq!(ids(&set), ["x", "g", "h"]);
        assert_eq!(modules(&set[0].deprecated), ["ui.old"]);
        assert_eq!(set[0].ssot.as_str(), "ui.new");
        assert_eq!(renames(&set[0]), [("size", "width")]);
        assert!(set.iter().all(|m| m.absorbed.is_empty()));
    }

    #[test]
    fn two_places_for_one_class_is_a_conflict() {
        let (message, label, line, help) = error(compile(vec![
            rule("x", &["ui.old"], "ui.new", ""),
            rule("y", &["ui.legacy", "ui.old"], "ui.other", ""),
        ]));
        assert_eq!(
            message,
            "y.toml: rules `x` (x.toml:3) and `y` (y.toml:3) move `Widget` from `ui.old` to \
             two places: `ui.new` and `ui.other`"
        );
        assert_eq!((label.as_str(), line), ("\"ui.old\"", 3));
        assert_eq!(
            help,
            "a class has one SSOT: remove `ui.old` from one rule's `deprecated`, or chain the \
             moves (one rule's `ssot` deprecated by the next rule)"
        );
    }

    #[test]
    fn the_same_move_under_two_ids_is_a_duplicate() {
        let (message, label, line, help) = error(compile(vec![
            rule("x", &["ui.old", "ui.older"], "ui.new", ""),
            rule("y", &["ui.older", "ui.old"], "ui.new", ""),
        ]));
        assert_eq!(
            message,
            "y.toml: rules `x` (x.toml:1) and `y` (y.toml:1) are the same migration: both move \
             `Widget` from `ui.older` and `ui.old` to `ui.new`"
        );
        assert_eq!((label.as_str(), line), ("\"y\"", 1));
        assert_eq!(
            help,
            "remove one of them; a rule file with the same `id` as an earlier one replaces it"
        );
    }

    #[test]
    fn sharing_a_deprecated_module_towards_one_ssot_is_an_overlap() {
        let (message, label, line, help) = error(compile(vec![
            rule("x", &["ui.a", "ui.b"], "ui.new", ""),
            rule("y", &["ui.c", "ui.b"], "ui.new", ""),
        ]));
        assert_eq!(
            message,
            "y.toml: rules `x` (x.toml:3) and `y` (y.toml:3) both move `Widget` from `ui.b` to \
             `ui.new`"
        );
        assert_eq!((label.as_str(), line), ("\"ui.b\"", 3));
        assert_eq!(
            help,
            "list `ui.b` in one rule's `deprecated` only, or merge the two rules"
        );
    }

    #[test]
    fn a_rule_that_moves_a_class_to_itself_is_refused() {
        let (message, label, line, help) = error(compile(vec![rule(
            "x",
            &["ui.old", "ui.new"],
            "ui.new",
            "",
        )]));
        assert_eq!(
            message,
            "x.toml: rule `x` moves `Widget` from `ui.new` to itself: its `ssot` is also in \
             `deprecated` (line 3)"
        );
        assert_eq!((label.as_str(), line), ("\"ui.new\"", 4));
        assert_eq!(
            help,
            "remove `ui.new` from `deprecated`, or make `ssot` the module the class moves to"
        );
    }

    #[test]
    fn two_rules_with_one_id_are_refused() {
        let text = "# another x\nid = \"x\"\nsymbol = \"Widget\"\ndeprecated = [\"ui.c\"]\n\
                    ssot = \"ui.d\"\nissue = \"#1\"\n";
        let (message, label, line, help) = error(compile(vec![
            rule("x", &["ui.a"], "ui.b", ""),
            parse_rule(Path::new("more/x.toml"), text)
                .unwrap()
                .remove(0),
        ]));
        assert_eq!(
            message,
            "more/x.toml: two rules have the id `x`: x.toml:1 and more/x.toml:2"
        );
        assert_eq!((label.as_str(), line), ("\"x\"", 2));
        assert_eq!(help, "give each rule its own `id`");
    }

    fn chain_x() -> Migration {
        rule(
            "x",
            &["ui.a"],
            "ui.b",
            "golden-path = [\"agents/**\"]\nvalidation = [\"v1\", \"v2\"]\n\
             risky-members = [\"thread_id\", \"x_only\"]\n\
             [renames]\nthread_id = \"chat_thread_id\"\n",
        )
    }

    fn chain_y() -> Migration {
        rule(
            "y",
            &["ui.b"],
            "ui.c",
            "golden-path = [\"ws/**\", \"agents/**\"]\nvalidation = [\"v2\", \"v3\"]\n\
             risky-members = [\"chat_thread_id\", \"thread_id\"]\n\
             [renames]\nchat_thread_id = \"conversation_id\"\n",
        )
    }

    #[test]
    fn a_chain_of_two_collapses_into_the_later_rule() {
        for set in [vec![chain_x(), chain_y()], vec![chain_y(), chain_x()]] {
            let set = compile(set).unwrap();
            assert_eq!(ids(&set), ["y"]);
            let m = &set[0];
            assert_eq!(m.symbol, "Widget");
            assert_eq!(modules(&m.deprecated), ["ui.a", "ui.b"]);
            assert_eq!(m.ssot.as_str(), "ui.c");
            assert_eq!(m.issue, "#y");
            assert_eq!(
                renames(m),
                [
                    ("chat_thread_id", "conversation_id"),
                    ("thread_id", "conversation_id")
                ]
            );
            assert_eq!(
                m.fallback_risky_members,
                ["thread_id", "x_only", "chat_thread_id"]
            );
            assert_eq!(m.golden_path, ["agents/**", "ws/**"]);
            assert!(m.golden_path_set.is_match("agents/run.py"));
            assert!(m.golden_path_set.is_match("ws/send.py"));
            assert!(!m.golden_path_set.is_match("other.py"));
            assert_eq!(m.validation, ["v1", "v2", "v3"]);
            assert_eq!(m.absorbed, ["x"]);
            assert_eq!(m.origin.path, Path::new("y.toml"));
            assert!(m.answers_to("x") && m.answers_to("y") && !m.answers_to("z"));
        }
    }

    /// Every order of `rules`.
    fn permutations(rules: &[&str]) -> Vec<Vec<String>> {
        if rules.len() <= 1 {
            return vec![rules.iter().map(|r| r.to_string()).collect()];
        }
        let mut all = Vec::new();
        for i in 0..rules.len() {
            let mut rest = rules.to_vec();
            let first = rest.remove(i);
            for mut tail in permutations(&rest) {
                tail.insert(0, first.to_owned());
                all.push(tail);
            }
        }
        all
    }

    fn long_chain_rule(id: &str) -> Migration {
        match id {
            "w" => rule(
                "w",
                &["ui.a"],
                "ui.b",
                "validation = [\"vw\"]\n[renames]\nm = \"m_b\"\n",
            ),
            "x" => rule(
                "x",
                &["ui.b"],
                "ui.c",
                "validation = [\"vx\"]\n[renames]\nm_b = \"m_c\"\n",
            ),
            "y" => rule(
                "y",
                &["ui.c"],
                "ui.d",
                "validation = [\"vy\"]\n[renames]\nm_c = \"m_d\"\n",
            ),
            "z" => rule(
                "z",
                &["ui.d"],
                "ui.e",
                "validation = [\"vz\"]\n[renames]\nn = \"n_e\"\n",
            ),
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_chain_of_four_collapses_fully_whatever_the_file_order() {
        let orders = permutations(&["w", "x", "y", "z"]);
        assert_eq!(orders.len(), 24);
        for order in orders {
            let set = compile(order.iter().map(|id| long_chain_rule(id)).collect()).unwrap();
            assert_eq!(ids(&set), ["z"], "{order:?}");
            let m = &set[0];
            assert_eq!(modules(&m.deprecated), ["ui.a", "ui.b", "ui.c", "ui.d"]);
            assert_eq!(m.ssot.as_str(), "ui.e");
            assert_eq!(m.absorbed, ["w", "x", "y"]);
            assert_eq!(m.validation, ["vw", "vx", "vy", "vz"]);
            assert_eq!(
                renames(m),
                [("m", "m_d"), ("m_b", "m_d"), ("m_c", "m_d"), ("n", "n_e")]
            );
        }
    }

    #[test]
    fn a_long_chain_loaded_backwards_collapses_without_recursion() {
        const LINKS: usize = 2_000;
        let mut rules: Vec<Migration> = (0..LINKS)
            .rev()
            .map(|i| {
                let renames = if i == 0 {
                    "[renames]\nm = \"m0\"\n"
                } else {
                    ""
                };
                rule(
                    &format!("r{i}"),
                    &[&format!("m.v{i}")],
                    &format!("m.v{}", i + 1),
                    renames,
                )
            })
            .collect();
        rules.push(rule("other", &["ui.a"], "ui.b", ""));
        let set = compile(rules).unwrap();
        assert_eq!(ids(&set), [format!("r{}", LINKS - 1).as_str(), "other"]);
        let m = &set[0];
        let expected: Vec<String> = (0..LINKS).map(|i| format!("m.v{i}")).collect();
        assert_eq!(modules(&m.deprecated), expected);
        assert_eq!(m.ssot.as_str(), format!("m.v{LINKS}"));
        assert_eq!(m.absorbed.len(), LINKS - 1);
        assert_eq!(m.absorbed[0], "r0");
        assert_eq!(renames(m), [("m", "m0")]);
    }

    #[test]
    fn collapsed_migrations_come_in_the_order_of_their_final_rules() {
        let other = |id: &str, old: &str, new: &str| symbol_rule(id, "Gadget", &[old], new, "");
        let set = compile(vec![
            other("p", "g.a", "g.b"),
            rule("x", &["ui.a"], "ui.b", ""),
            other("q", "g.x", "g.y"),
            rule("y", &["ui.b"], "ui.c", ""),
        ])
        .unwrap();
        assert_eq!(ids(&set), ["p", "q", "y"]);
        let set = compile(vec![
            rule("y", &["ui.b"], "ui.c", ""),
            other("p", "g.a", "g.b"),
            rule("x", &["ui.a"], "ui.b", ""),
            other("q", "g.b", "g.c"),
        ])
        .unwrap();
        assert_eq!(ids(&set), ["y", "q"]);
        assert_eq!(set[1].absorbed, ["p"]);
        assert_eq!(modules(&set[1].deprecated), ["g.a", "g.b"]);
    }

    #[test]
    fn several_rules_leading_into_one_collapse_earliest_links_first() {
        // w: f -> a, x1: a -> b, x2: e -> b, y: b -> c; x2 is loaded before x1.
        let set = compile(vec![
            rule("y", &["ui.b"], "ui.c", ""),
            rule("x2", &["ui.e"], "ui.b", ""),
            rule("w", &["ui.f"], "ui.a", ""),
            rule("x1", &["ui.a"], "ui.b", ""),
        ])
        .unwrap();
        assert_eq!(ids(&set), ["y"]);
        assert_eq!(
            modules(&set[0].deprecated),
            ["ui.e", "ui.f", "ui.a", "ui.b"]
        );
        assert_eq!(set[0].absorbed, ["x2", "w", "x1"]);
    }

    #[test]
    fn composed_renames_prefer_the_rule_nearer_the_ssot_and_drop_renames_back() {
        let set = compile(vec![
            rule(
                "x",
                &["ui.a"],
                "ui.b",
                "[renames]\nsize = \"from_x\"\nold = \"mid\"\n",
            ),
            rule(
                "y",
                &["ui.b"],
                "ui.c",
                "[renames]\nsize = \"from_y\"\nmid = \"old\"\n",
            ),
        ])
        .unwrap();
        // x's `old -> mid` then y's `mid -> old` is no rename at all.
        assert_eq!(renames(&set[0]), [("mid", "old"), ("size", "from_y")]);
        // Between two rules as near the SSOT, the one loaded first.
        let set = compile(vec![
            rule("y", &["ui.b"], "ui.c", ""),
            rule("x2", &["ui.e"], "ui.b", "[renames]\nsize = \"from_x2\"\n"),
            rule("x1", &["ui.a"], "ui.b", "[renames]\nsize = \"from_x1\"\n"),
        ])
        .unwrap();
        assert_eq!(renames(&set[0]), [("size", "from_x2")]);
    }

    #[test]
    fn a_cycle_of_two_is_refused_naming_both_rules() {
        let (message, label, line, help) = error(compile(vec![
            rule("x", &["ui.a"], "ui.b", ""),
            rule("y", &["ui.b"], "ui.a", ""),
        ]));
        assert_eq!(
            message,
            "y.toml: rules `x` and `y` move `Widget` in a cycle: `ui.a` -> `ui.b` (`x`, \
             x.toml:4) -> `ui.a` (`y`, y.toml:4)"
        );
        assert_eq!((label.as_str(), line), ("\"ui.a\"", 4));
        assert_eq!(
            help,
            "a chain of moves must end at one SSOT: drop one of these rules, or the deprecated \
             module that closes the cycle"
        );
    }

    #[test]
    fn a_longer_cycle_is_refused_naming_its_rules_from_the_first_loaded() {
        // w leads into the cycle without being part of it.
        let (message, label, line, _) = error(compile(vec![
            rule("w", &["ui.e"], "ui.a", ""),
            rule("y", &["ui.b"], "ui.c", ""),
            rule("z", &["ui.c"], "ui.a", ""),
            rule("x", &["ui.a"], "ui.b", ""),
        ]));
        assert_eq!(
            message,
            "x.toml: rules `y`, `z` and `x` move `Widget` in a cycle: `ui.b` -> `ui.c` (`y`, \
             y.toml:4) -> `ui.a` (`z`, z.toml:4) -> `ui.b` (`x`, x.toml:4)"
        );
        assert_eq!((label.as_str(), line), ("\"ui.b\"", 4));
    }

    #[test]
    fn select_takes_a_chain_by_any_of_its_ids_once() {
        let set = || {
            compile(vec![
                symbol_rule("p", "Gadget", &["g.a"], "g.b", ""),
                chain_x(),
                chain_y(),
            ])
            .unwrap()
        };
        assert_eq!(loaded(&set()), "p, y (absorbed x)");
        let one = |wanted: &[&str]| {
            let wanted: Vec<String> = wanted.iter().map(|w| w.to_string()).collect();
            select(set(), &wanted)
        };
        assert_eq!(ids(&one(&["x"]).unwrap()), ["y"]);
        assert_eq!(ids(&one(&["y", "x"]).unwrap()), ["y"]);
        assert_eq!(ids(&one(&["x", "p"]).unwrap()), ["p", "y"]);
        let error = one(&["p", "nope"]).unwrap_err();
        assert_eq!(error.to_string(), "no migration rule with id `nope`");
        assert_eq!(
            error.help().unwrap().to_string(),
            "loaded: p, y (absorbed x)"
        );
    }

    #[test]
    fn compiling_a_compiled_set_changes_nothing() {
        let once = compile(vec![
            long_chain_rule("y"),
            long_chain_rule("w"),
            long_chain_rule("x"),
        ])
        .unwrap();
        let twice = compile(
            compile(vec![long_chain_rule("w"), long_chain_rule("x")])
                .unwrap()
                .into_iter()
                .chain([long_chain_rule("y")])
                .collect(),
        )
        .unwrap();
        for set in [&once, &twice] {
            assert_eq!(ids(set), ["y"]);
            assert_eq!(modules(&set[0].deprecated), ["ui.a", "ui.b", "ui.c"]);
            assert_eq!(set[0].absorbed, ["w", "x"]);
            assert_eq!(
                renames(&set[0]),
                [("m", "m_d"), ("m_b", "m_d"), ("m_c", "m_d")]
            );
        }
    }

    #[test]
    fn a_project_rule_can_continue_the_built_in_one() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("v2.toml");
        std::fs::write(
            &path,
            "id = \"v2\"\nsymbol = \"DeepAgentState\"\n\
             deprecated = [\"netra_backend.app.schemas.agent_models\"]\n\
             ssot = \"netra_backend.app.schemas.v2\"\nissue = \"#900\"\n\
             [renames]\nchat_thread_id = \"conversation_id\"\n",
        )
        .unwrap();
        let set = load_rules(std::slice::from_ref(&path)).unwrap();
        assert_eq!(ids(&set), ["v2"]);
        let m = &set[0];
        assert_eq!(
            modules(&m.deprecated),
            [
                "netra_backend.app.agents.state",
                "netra_backend.app.schemas.agent_models"
            ]
        );
        assert_eq!(m.ssot.as_str(), "netra_backend.app.schemas.v2");
        assert_eq!(m.absorbed, ["deepagentstate"]);
        assert_eq!(m.issue, "#900");
        assert_eq!(
            renames(m),
            [
                ("chat_thread_id", "conversation_id"),
                ("thread_id", "conversation_id")
            ]
        );
        assert_eq!(m.origin.path, path);
        // The built-in rule's golden path and validation are kept.
        assert!(m
            .golden_path_set
            .is_match("netra_backend/app/websocket_core/manager.py"));
        assert_eq!(
            m.validation,
            ["python3 tests/mission_critical/test_websocket_agent_events_suite.py"]
        );
    }
}
