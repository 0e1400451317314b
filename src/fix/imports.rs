//! The edits that switch a file's deprecated imports of a class to the SSOT module, in every
//! form SSOT001 reports: `from M import S [as X]` (a mixed list is split), parenthesised and
//! multi-line lists, relative imports, `import M` then `M.S`, star imports, and a class renamed
//! by the rule. Each edit is a byte splice: what lies outside it stays as it was.

use std::collections::BTreeMap;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::Edit;
use crate::python::module_path::ModuleOfFile;
use crate::python::syntax::{field, text, walk, Descend, Visitor, FIELDS, KINDS};
use crate::rules::Migration;

/// What the switch does for each SSOT001 finding (by its index in the file's findings).
#[derive(Debug, Default)]
pub(super) struct Switch {
    pub(super) edits: BTreeMap<usize, Vec<Edit>>,
    /// The findings it cannot fix, and why.
    pub(super) unavailable: BTreeMap<usize, String>,
    /// The class's old name became its new name at every use in the file.
    pub(super) renamed_uses: usize,
}

/// The file being fixed: its text, tree and module.
pub(super) struct File<'f> {
    pub(super) source: &'f str,
    /// Present when the file has imports to switch.
    pub(super) tree: Option<&'f Tree>,
    pub(super) module: Option<&'f ModuleOfFile>,
}

/// An entry of an import list that switches: its finding, and what it becomes.
struct Switching<'t> {
    index: usize,
    entry: Node<'t>,
    written: String,
    /// It binds the class's new name, so the renamed uses go with it.
    uses_new_name: bool,
}

/// Where an SSOT001 finding's site sits in the tree.
enum Site<'t> {
    /// An entry (`S`, `S as X`) of a `from M import ...` statement.
    Entry {
        statement: Node<'t>,
        entry: Node<'t>,
        imported: &'t str,
        local: &'t str,
    },
    /// `from M import *`.
    Star { statement: Node<'t> },
    /// `m.S` (or `a.b.S`) through `import M`.
    Attribute { attribute: Node<'t> },
}

/// Builds the edits for the SSOT001 findings at `sites` (finding index, byte range).
pub(super) fn switch(
    file: &File<'_>,
    migration: &Migration,
    sites: &[(usize, Range<usize>)],
) -> Switch {
    let bytes = file.source.as_bytes();
    let mut switch = Switch::default();
    let Some(tree) = file.tree else {
        return switch;
    };
    let root = tree.root_node();
    let mut located: Vec<(usize, Site<'_>)> = Vec::new();
    for (index, range) in sites {
        match locate(root, range.clone(), bytes) {
            Ok(site) => match fallback_guard(&site, bytes) {
                Some(reason) => {
                    switch.unavailable.insert(*index, reason);
                }
                None => located.push((*index, site)),
            },
            Err(reason) => {
                switch.unavailable.insert(*index, reason);
            }
        }
    }
    let symbol = migration.symbol.as_str();
    let ssot_name = migration.ssot_name();
    // The class's new name replaces the old at every use only when nothing else can depend on
    // the old name: every site switches, and the module does not re-export it.
    let use_edits = if migration.new_name.is_some() && switch.unavailable.is_empty() {
        renamed_uses(file, symbol, ssot_name, &located)
    } else {
        None
    };
    let renames_uses = use_edits.is_some();
    let use_edits = use_edits.unwrap_or_default();
    switch.renamed_uses = use_edits.len();
    // The name a switched binding takes and how the SSOT import writes it.
    let written = |imported: &str, local: &str| -> (String, bool) {
        let binds_old_name = local == symbol;
        if renames_uses && binds_old_name || local == ssot_name {
            (ssot_name.to_owned(), binds_old_name)
        } else if imported == ssot_name && local == imported {
            (ssot_name.to_owned(), false)
        } else {
            (format!("{ssot_name} as {local}"), false)
        }
    };

    // Entries, grouped by statement (in source order).
    let mut statements: BTreeMap<usize, (Node<'_>, Vec<Switching<'_>>)> = BTreeMap::new();
    for (index, site) in &located {
        match site {
            Site::Entry {
                statement,
                entry,
                imported,
                local,
            } => {
                let (written, uses_new_name) = written(imported, local);
                statements
                    .entry(statement.start_byte())
                    .or_insert_with(|| (*statement, Vec::new()))
                    .1
                    .push(Switching {
                        index: *index,
                        entry: *entry,
                        written,
                        uses_new_name,
                    });
            }
            Site::Star { statement } => {
                let (written, uses_new_name) = written(symbol, symbol);
                match insert_after(
                    file.source,
                    *statement,
                    &import_line(file, *statement, migration, &written),
                ) {
                    Ok(edit) => {
                        let mut edits = vec![edit];
                        if uses_new_name {
                            edits.extend(use_edits.iter().cloned());
                        }
                        switch.edits.insert(*index, edits);
                    }
                    Err(reason) => {
                        switch.unavailable.insert(*index, reason);
                    }
                }
            }
            // Switched together below: they share the one SSOT import they need.
            Site::Attribute { .. } => {}
        }
    }

    for (statement, entries) in statements.into_values() {
        match switch_statement(file, migration, statement, &entries) {
            Ok(edits) => {
                for switching in &entries {
                    let mut edits = edits.clone();
                    if switching.uses_new_name {
                        edits.extend(use_edits.iter().cloned());
                    }
                    switch.edits.insert(switching.index, edits);
                }
            }
            Err(reason) => {
                for switching in &entries {
                    switch.unavailable.insert(switching.index, reason.clone());
                }
            }
        }
    }

    let attributes: Vec<(usize, Node<'_>)> = located
        .iter()
        .filter_map(|(index, site)| match site {
            Site::Attribute { attribute } => Some((*index, *attribute)),
            _ => None,
        })
        .collect();
    if !attributes.is_empty() {
        match switch_attributes(file, migration, &attributes, renames_uses) {
            Ok(edits) => {
                for (index, edits) in edits {
                    let mut edits = edits;
                    if renames_uses {
                        edits.extend(use_edits.iter().cloned());
                    }
                    switch.edits.insert(index, edits);
                }
            }
            Err(reason) => {
                for (index, _) in attributes {
                    switch.unavailable.insert(index, reason.clone());
                }
            }
        }
    }
    switch
}

/// The site of the finding at `range`.
fn locate<'t>(root: Node<'t>, range: Range<usize>, source: &'t [u8]) -> Result<Site<'t>, String> {
    let node = root
        .descendant_for_byte_range(range.start, range.end)
        .ok_or_else(|| "the import is not where the scan saw it".to_owned())?;
    if node.kind_id() == KINDS.wildcard_import {
        let statement = node
            .parent()
            .ok_or_else(|| "a star import outside a statement".to_owned())?;
        return Ok(Site::Star { statement });
    }
    if node.kind_id() == KINDS.attribute {
        return Ok(Site::Attribute { attribute: node });
    }
    if node.kind_id() == KINDS.import_from_statement {
        let mut cursor = node.walk();
        if node
            .children(&mut cursor)
            .any(|c| c.kind_id() == KINDS.wildcard_import)
        {
            return Ok(Site::Star { statement: node });
        }
    }
    // The imported name's identifier, up to its `dotted_name` and its `S as X` entry.
    let mut entry = node;
    while let Some(parent) = entry.parent() {
        if parent.kind_id() == KINDS.dotted_name || parent.kind_id() == KINDS.aliased_import {
            entry = parent;
        } else {
            break;
        }
    }
    let statement = entry
        .parent()
        .filter(|s| s.kind_id() == KINDS.import_from_statement)
        .ok_or_else(|| "this form of reference has no automatic fix".to_owned())?;
    let (imported, local) = if entry.kind_id() == KINDS.aliased_import {
        let name = entry
            .child_by_field_id(FIELDS.name)
            .map(|n| text(n, source));
        let alias = entry
            .child_by_field_id(FIELDS.alias)
            .map(|n| text(n, source));
        (name.unwrap_or_default(), alias.unwrap_or_default())
    } else {
        (text(entry, source), text(entry, source))
    };
    Ok(Site::Entry {
        statement,
        entry,
        imported,
        local,
    })
}

/// A deprecated import inside a `try` statement that catches `ImportError` (in its body or in
/// its handler) is a compatibility shim: it is left alone.
fn fallback_guard(site: &Site<'_>, source: &[u8]) -> Option<String> {
    let node = match site {
        Site::Entry { statement, .. } | Site::Star { statement } => *statement,
        Site::Attribute { attribute } => *attribute,
    };
    let mut current = node.parent();
    while let Some(ancestor) = current {
        if ancestor.kind_id() == KINDS.try_statement {
            let mut cursor = ancestor.walk();
            let catches_import_error = ancestor.children(&mut cursor).any(|clause| {
                clause.kind_id() == KINDS.except_clause && catches_import_errors(clause, source)
            });
            if catches_import_error {
                return Some(
                    "a compatibility fallback (`try`/`except ImportError`): left alone; \
                     remove the fallback by hand once nothing needs it"
                        .to_owned(),
                );
            }
        }
        current = ancestor.parent();
    }
    None
}

/// `except:`, `except ImportError`, `except (ImportError, ...)`, `except ModuleNotFoundError`:
/// the clause's text before its block names what it catches.
fn catches_import_errors(clause: Node<'_>, source: &[u8]) -> bool {
    let mut cursor = clause.walk();
    let block_start = clause
        .named_children(&mut cursor)
        .find(|c| c.kind() == "block")
        .map_or(clause.end_byte(), |b| b.start_byte());
    let head = String::from_utf8_lossy(&source[clause.start_byte()..block_start]);
    let head = head.trim_end().trim_end_matches(':').trim();
    head == "except"
        || [
            "ImportError",
            "ModuleNotFoundError",
            "Exception",
            "BaseException",
        ]
        .iter()
        .any(|name| {
            head.split(|c: char| !(c == '_' || c.is_alphanumeric()))
                .any(|word| word == *name)
        })
}

/// Rewrites one `from M import ...` statement: all its entries switch (the module name and the
/// entries that change are replaced in place, comments and layout kept), or some do (they
/// leave the list, and a new statement for them follows on the next line).
fn switch_statement(
    file: &File<'_>,
    migration: &Migration,
    statement: Node<'_>,
    switching: &[Switching<'_>],
) -> Result<Vec<Edit>, String> {
    let bytes = file.source.as_bytes();
    let module_node = statement
        .child_by_field_id(FIELDS.module_name)
        .ok_or_else(|| "the import statement has no module".to_owned())?;
    let mut cursor = statement.walk();
    let entries: Vec<Node<'_>> = statement
        .children_by_field_id(field(FIELDS.name), &mut cursor)
        .collect();
    let switches = |entry: &Node<'_>| switching.iter().any(|s| s.entry.id() == entry.id());
    let target = module_text(file, statement, migration);
    let mut edits = Vec::new();
    if entries.iter().all(switches) {
        edits.push(Edit::replace(module_node.byte_range(), target));
        for s in switching {
            if text(s.entry, bytes) != s.written {
                edits.push(Edit::replace(s.entry.byte_range(), s.written.clone()));
            }
        }
        edits.sort();
        edits.dedup();
        return Ok(edits);
    }
    let list: Vec<&str> = switching.iter().map(|s| s.written.as_str()).collect();
    let mut unique = list.clone();
    unique.dedup();
    let line = format!("from {target} import {}", unique.join(", "));
    edits.push(insert_after(file.source, statement, &line)?);
    edits.extend(remove_entries(file.source, &entries, &switches));
    edits.sort();
    Ok(edits)
}

/// The module the switched statement names: relative when the statement is relative and the
/// SSOT module lies in the package it climbs to, absolute otherwise.
fn module_text(file: &File<'_>, statement: Node<'_>, migration: &Migration) -> String {
    let ssot = migration.ssot.as_str();
    let bytes = file.source.as_bytes();
    let relative = statement
        .child_by_field_id(FIELDS.module_name)
        .filter(|m| m.kind_id() == KINDS.relative_import);
    if let (Some(relative), Some(module)) = (relative, file.module) {
        let mut cursor = relative.walk();
        let level = relative
            .children(&mut cursor)
            .find(|p| p.kind_id() == KINDS.import_prefix)
            .map_or(0, |p| text(p, bytes).matches('.').count());
        if let Some(anchor) = module.resolve_relative(level, None) {
            if let Some(rest) = ssot.strip_prefix(&format!("{anchor}.")) {
                return format!("{}{rest}", ".".repeat(level));
            }
        }
    }
    ssot.to_owned()
}

/// The deletions that take the switching entries out of an import list and leave valid
/// Python: `S, ` goes with its comma; a trailing run goes with the comma before it; a line left
/// empty goes whole. Comments in the list stay.
fn remove_entries(
    source: &str,
    entries: &[Node<'_>],
    switches: &dyn Fn(&Node<'_>) -> bool,
) -> Vec<Edit> {
    let last_kept = entries
        .iter()
        .rposition(|e| !switches(e))
        .expect("one entry stays");
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let trailing = &entries[last_kept + 1..];
    for entry in &entries[..last_kept] {
        if switches(entry) {
            ranges.push(entry.start_byte()..after_comma(source, entry.end_byte()));
        }
    }
    if let Some(last) = trailing.last() {
        let from = entries[last_kept].end_byte();
        if source[from..last.end_byte()].contains('#') {
            for entry in trailing {
                ranges.push(entry.start_byte()..after_comma(source, entry.end_byte()));
            }
        } else {
            ranges.push(from..last.end_byte());
        }
    }
    ranges
        .into_iter()
        .map(|range| Edit::delete(whole_line_if_emptied(source, range)))
        .collect()
}

/// The end of `, ` (a comma and the spaces after it on the same line) at `at`, or `at`.
fn after_comma(source: &str, at: usize) -> usize {
    let rest = &source[at..];
    let spaces = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
    let before = spaces(rest);
    if rest[before..].starts_with(',') {
        let after = &rest[before + 1..];
        at + before + 1 + spaces(after)
    } else {
        at
    }
}

/// `range`, grown to its whole line when the line holds nothing else.
fn whole_line_if_emptied(source: &str, range: Range<usize>) -> Range<usize> {
    let line_start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[range.end..]
        .find('\n')
        .map_or(source.len(), |i| range.end + i);
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    if blank(&source[line_start..range.start])
        && blank(&source[range.end..line_end])
        && line_end < source.len()
    {
        line_start..line_end + 1
    } else {
        range
    }
}

/// An insertion of `line` (indented like `statement`) on the line after `statement`.
fn insert_after(source: &str, statement: Node<'_>, line: &str) -> Result<Edit, String> {
    let start = statement.start_byte();
    let end = statement.end_byte();
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let lead = &source[line_start..start];
    let row = statement.start_position().row + 1;
    if !lead.chars().all(|c| c == ' ' || c == '\t') {
        return Err(format!(
            "the import statement on line {row} shares its line with other code; switch it by hand"
        ));
    }
    let line_end = source[end..].find('\n').map(|i| end + i);
    let rest = &source[end..line_end.unwrap_or(source.len())];
    let rest = rest.trim_start_matches([' ', '\t', '\r']);
    if !(rest.is_empty() || rest.starts_with('#')) {
        return Err(format!(
            "the import statement on line {row} shares its line with other code; switch it by hand"
        ));
    }
    Ok(match line_end {
        Some(newline) => Edit::insert(newline + 1, format!("{lead}{line}\n")),
        None => Edit::insert(source.len(), format!("\n{lead}{line}")),
    })
}

/// `from <SSOT> import <written>`, relative like `statement` where it can be.
fn import_line(
    file: &File<'_>,
    statement: Node<'_>,
    migration: &Migration,
    written: &str,
) -> String {
    format!(
        "from {} import {written}",
        module_text(file, statement, migration)
    )
}

/// `m.S` becomes the class's local name, bound by one SSOT import added after the module's
/// imports. Refused when the file already binds or uses that name for something else.
fn switch_attributes(
    file: &File<'_>,
    migration: &Migration,
    attributes: &[(usize, Node<'_>)],
    renames_uses: bool,
) -> Result<Vec<(usize, Vec<Edit>)>, String> {
    let bytes = file.source.as_bytes();
    let symbol = migration.symbol.as_str();
    let local = if renames_uses {
        migration.ssot_name()
    } else {
        symbol
    };
    let taken = NameUses::collect(root_of(file), bytes, local);
    let inside = |node: &Node<'_>| {
        attributes
            .iter()
            .any(|(_, a)| a.start_byte() <= node.start_byte() && node.end_byte() <= a.end_byte())
    };
    if let Some(other) = taken.nodes.iter().find(|n| !inside(n)) {
        return Err(format!(
            "the file already uses the name `{local}` (line {}); switch `module.{symbol}` by hand",
            other.start_position().row + 1
        ));
    }
    let written = if local == migration.ssot_name() {
        local.to_owned()
    } else {
        format!("{} as {local}", migration.ssot_name())
    };
    let addition = insert_import(file, &format!("from {} import {written}", migration.ssot))?;
    Ok(attributes
        .iter()
        .map(|(index, attribute)| {
            (
                *index,
                vec![
                    addition.clone(),
                    Edit::replace(attribute.byte_range(), local.to_owned()),
                ],
            )
        })
        .collect())
}

/// An insertion of `line` at module level: after the last import statement of the module's
/// first run of imports, else after the docstring, else at the top.
fn insert_import(file: &File<'_>, line: &str) -> Result<Edit, String> {
    let root = root_of(file);
    let mut cursor = root.walk();
    let mut after: Option<Node<'_>> = None;
    for (position, child) in root.named_children(&mut cursor).enumerate() {
        let kind = child.kind_id();
        let is_import = kind == KINDS.import_statement || kind == KINDS.import_from_statement;
        if is_import || (position == 0 && is_docstring(child)) {
            after = Some(child);
        } else {
            break;
        }
    }
    match after {
        Some(statement) => insert_after(file.source, statement, line),
        None => Ok(Edit::insert(0, format!("{line}\n"))),
    }
}

fn is_docstring(statement: Node<'_>) -> bool {
    statement.kind_id() == KINDS.expression_statement
        && statement.named_child_count() == 1
        && statement
            .named_child(0)
            .is_some_and(|c| c.kind_id() == KINDS.string)
}

/// The edits that rename the class at every use, or `None` when that is not safe: the file is a
/// package's `__init__.py` or has `__all__` (the old name may be re-exported), or binds the old
/// name some other way (a `def`, a parameter, another import).
fn renamed_uses(
    file: &File<'_>,
    symbol: &str,
    new_name: &str,
    sites: &[(usize, Site<'_>)],
) -> Option<Vec<Edit>> {
    if file.module.is_some_and(|m| m.is_package) || file.source.contains("__all__") {
        return None;
    }
    let bytes = file.source.as_bytes();
    let uses = NameUses::collect(root_of(file), bytes, symbol);
    if uses.bindings > 0 {
        return None;
    }
    let in_switched_import = |node: &Node<'_>| {
        sites.iter().any(|(_, site)| match site {
            Site::Entry { statement, .. } | Site::Star { statement } => {
                statement.start_byte() <= node.start_byte()
                    && node.end_byte() <= statement.end_byte()
            }
            Site::Attribute { attribute } => {
                attribute.start_byte() <= node.start_byte()
                    && node.end_byte() <= attribute.end_byte()
            }
        })
    };
    let mut edits = Vec::new();
    for node in &uses.nodes {
        if in_switched_import(node) {
            continue;
        }
        if uses.in_imports.iter().any(|i| i.id() == node.id()) {
            // Another import binds the old name.
            return None;
        }
        edits.push(Edit::replace(node.byte_range(), new_name.to_owned()));
    }
    Some(edits)
}

/// The identifiers spelled `name` that are names (not `x.name`, not `name=` keywords), those in
/// import statements, and how many of them bind the name (a `def`, a `class`, a parameter).
struct NameUses<'t> {
    name: &'t str,
    source: &'t [u8],
    nodes: Vec<Node<'t>>,
    in_imports: Vec<Node<'t>>,
    bindings: usize,
    import_depth: usize,
}

impl<'t> NameUses<'t> {
    fn collect(root: Node<'t>, source: &'t [u8], name: &'t str) -> NameUses<'t> {
        let mut uses = NameUses {
            name,
            source,
            nodes: Vec::new(),
            in_imports: Vec::new(),
            bindings: 0,
            import_depth: 0,
        };
        walk(root, &mut uses);
        uses
    }
}

impl<'t> Visitor<'t> for NameUses<'t> {
    fn enter(&mut self, node: Node<'t>, parent: Option<Node<'t>>) -> Descend {
        let kind = node.kind_id();
        if kind == KINDS.import_statement || kind == KINDS.import_from_statement {
            self.import_depth += 1;
        }
        if kind == KINDS.identifier && text(node, self.source) == self.name {
            let is_field = |parent: Node<'t>, field| parent.child_by_field_id(field) == Some(node);
            match parent {
                Some(p) if p.kind_id() == KINDS.attribute && is_field(p, FIELDS.attribute) => {}
                Some(p) if p.kind_id() == KINDS.keyword_argument && is_field(p, FIELDS.name) => {}
                Some(p)
                    if (p.kind_id() == KINDS.function_definition
                        || p.kind_id() == KINDS.class_definition)
                        && is_field(p, FIELDS.name)
                        || p.kind_id() == KINDS.parameters
                        || p.kind_id() == KINDS.typed_parameter
                        || p.kind_id() == KINDS.default_parameter
                        || p.kind_id() == KINDS.typed_default_parameter =>
                {
                    self.bindings += 1;
                }
                _ => {
                    self.nodes.push(node);
                    if self.import_depth > 0 {
                        self.in_imports.push(node);
                    }
                }
            }
        }
        Descend::Yes
    }

    fn leave(&mut self, node: Node<'t>) {
        let kind = node.kind_id();
        if kind == KINDS.import_statement || kind == KINDS.import_from_statement {
            self.import_depth -= 1;
        }
    }
}

/// The file's tree; the switch is only asked of files that have one.
fn root_of<'f>(file: &File<'f>) -> Node<'f> {
    file.tree
        .expect("a file with imports to switch has a tree")
        .root_node()
}
