//! Forward fixes: what moving a file to the SSOT class takes, and how safe it is. The engine is
//! the judge: the planner reads the facts off the file's findings (an access the SSOT class
//! cannot serve is reported today, on a deprecated instance as "will raise once this file uses
//! the SSOT class"). No member the SSOT class lacks is used: `safe`. Only renamed members (the
//! rule's `[renames]`) or `getattr` defaults: `unsafe`, with the renames. A member with no
//! rename: no fix, and the finding says which access would raise. Every fixed file is checked
//! again ([`verify`]: no new finding, no new syntax error) before it is shown or written.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use super::imports::{self, File};
use super::{Applicability, Edit, Fix, FixState};
use crate::codes::Code;
use crate::engine::{Engine, Judged, Parse};
use crate::finding::{Finding, Severity};
use crate::migration::MigrationOracle;
use crate::python::sparse;
use crate::python::syntax::parse;
use crate::scan::ScanResult;

/// Attaches fixes (or why there are none) to the findings of every file of `result` that has
/// findings a fix concerns.
///
/// `every_code`: the scan kept the findings of every code, so they are what the file does
/// today (else each file is checked again for them).
pub fn plan_scan(engine: &Engine, result: &mut ScanResult, every_code: bool) {
    let importers = Importers::of(result);
    result.files.par_iter_mut().for_each(|file| {
        if !file.findings.iter().any(|f| concerns(f.code)) {
            return;
        }
        let before = every_code.then(|| Before::of_scan(engine, file.parse_error, &file.findings));
        match file.original.clone() {
            Some(bytes) => plan_file(
                engine,
                &file.absolute_path,
                &bytes,
                &mut file.findings,
                &importers,
                before,
            ),
            None => unavailable(&mut file.findings, "the scan kept no copy of the file"),
        }
    });
}

/// Per migration and module, how many scanned files take the class through the module (a
/// re-export): switching the module moves them to the SSOT class too.
#[derive(Debug, Default)]
pub struct Importers(BTreeMap<(String, String), usize>);

impl Importers {
    pub fn of(result: &ScanResult) -> Importers {
        let mut seen = std::collections::BTreeSet::new();
        for (file, finding) in result.findings() {
            if let Some(module) = &finding.through {
                seen.insert((
                    finding.migration.to_string(),
                    module.clone(),
                    file.path.clone(),
                ));
            }
        }
        let mut counts = BTreeMap::new();
        for (migration, module, _) in seen {
            *counts.entry((migration, module)).or_default() += 1;
        }
        Importers(counts)
    }

    fn count(&self, migration: &str, module: &str) -> usize {
        self.0
            .get(&(migration.to_owned(), module.to_owned()))
            .copied()
            .unwrap_or(0)
    }
}

/// A file's findings today, per migration in the engine's order, against which a fix is
/// judged: the scan's own when it kept every code, else a check of the file.
pub struct Before {
    parse_error: bool,
    findings: Vec<Vec<Finding>>,
}

impl Before {
    /// The engine's judgement of `bytes`.
    pub fn check(engine: &Engine, path: &Path, bytes: &[u8]) -> Option<Before> {
        let judged = engine.check(path, bytes, Parse::Sparse).ok()?;
        Some(Before {
            parse_error: judged.outcome.parse_error,
            findings: judged
                .outcome
                .migrations
                .into_iter()
                .map(|m| m.findings)
                .collect(),
        })
    }

    /// The scan's findings of a file, split by migration (only when the scan kept every code).
    pub fn of_scan(engine: &Engine, parse_error: bool, findings: &[Finding]) -> Before {
        Before {
            parse_error,
            findings: engine
                .migrations()
                .iter()
                .map(|m| {
                    findings
                        .iter()
                        .filter(|f| f.migration == m.id)
                        .cloned()
                        .collect()
                })
                .collect(),
        }
    }
}

/// The codes a forward fix is about.
fn concerns(code: Code) -> bool {
    matches!(
        code,
        Code::DeprecatedImport | Code::MissingMember | Code::DroppedField | Code::GuardedAccess
    )
}

/// Sets the fix of each of `findings` (the file at `path`, holding `bytes`) a forward fix
/// concerns.
pub fn plan_file(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    findings: &mut [Finding],
    importers: &Importers,
    before: Option<Before>,
) {
    let Ok(source) = std::str::from_utf8(bytes) else {
        unavailable(findings, "the file is not UTF-8; fix it by hand");
        return;
    };
    let Some(before) = before.or_else(|| Before::check(engine, path, bytes)) else {
        return;
    };
    // Only an import switch needs the tree.
    let switches = findings
        .iter()
        .any(|f| f.code == Code::DeprecatedImport && f.member_span.is_none());
    let tree = if switches {
        match planning_tree(engine, bytes, findings) {
            Some(tree) => Some(tree),
            None => return,
        }
    } else {
        None
    };
    let module = engine.workspace().module_of_file(path);
    let file = File {
        source,
        tree: tree.as_ref(),
        module: module.as_ref(),
    };
    for (index, migration) in engine.migrations().iter().enumerate() {
        let exposure = Exposure {
            importers: module
                .as_ref()
                .map_or(0, |m| importers.count(&migration.id, m.module.as_str())),
            in_all: exports_in_all(source, &migration.rule.symbol),
        };
        let planned = plan_migration(&file, &before, index, migration, findings, &exposure);
        for (at, state) in planned {
            findings[at].fix = Some(state);
        }
    }
}

/// A tree of the parts of the file a fix can edit or must see, at the original byte offsets:
/// the import statements, the statements that name a migrated class (every use the renamed
/// class's name changes, every binding that could clash) and those that hold a finding; the
/// rest is blank (a big test class is parsed as the methods that matter, as the scan does).
fn planning_tree(engine: &Engine, bytes: &[u8], findings: &[Finding]) -> Option<tree_sitter::Tree> {
    let Some(blocks) = sparse::top_level_blocks(bytes) else {
        return parse(bytes);
    };
    let words: Vec<memchr::memmem::Finder<'_>> = engine
        .migrations()
        .iter()
        .flat_map(|m| m.rule.class_names())
        .map(|name| memchr::memmem::Finder::new(name.as_bytes()).into_owned())
        .collect();
    let sites: Vec<usize> = findings.iter().map(|f| f.location.start_byte).collect();
    let matters = |range: &std::ops::Range<usize>| {
        let text = &bytes[range.clone()];
        words.iter().any(|w| sparse::contains_word_with(text, w))
            || sites.iter().any(|at| range.contains(at))
    };
    // The module's header too (the docstring, the first run of imports and the statement that
    // ends it): an added import goes after that run, wherever the blanks would end it.
    let header = blocks
        .iter()
        .skip(1)
        .position(|block| !block.has_import)
        .map_or(blocks.len(), |at| at + 2);
    let kept: Vec<bool> = blocks
        .iter()
        .enumerate()
        .map(|(at, block)| at < header || block.has_import || matters(&block.range))
        .collect();
    let mut dropped = Vec::new();
    for (block, _) in blocks.iter().zip(&kept).filter(|(_, keep)| **keep) {
        let Some(members) = sparse::class_members(bytes, block) else {
            continue;
        };
        dropped.extend(
            members
                .into_iter()
                .filter(|m| !m.has_import && sparse::function_name(bytes, m).is_some())
                .filter(|m| !matters(&m.range))
                .map(|m| m.range),
        );
    }
    parse(&sparse::blank_out_in_place(bytes, &blocks, &kept, &dropped))
}

/// The fixes of one migration, by index into `findings`.
fn plan_migration(
    file: &File<'_>,
    before: &Before,
    index: usize,
    migration: &MigrationOracle,
    findings: &[Finding],
    exposure: &Exposure,
) -> BTreeMap<usize, FixState> {
    let mut states = BTreeMap::new();
    let ours = |f: &&Finding| *f.migration == *migration.id;
    // This migration's findings by fingerprint: renames and blockers are matched to them.
    let at_of: HashMap<&str, usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| ours(f))
        .map(|(at, f)| (f.fingerprint.as_str(), at))
        .collect();
    // A string that names the deprecated path is shown a fix, never given one.
    for (at, finding) in findings.iter().enumerate() {
        if ours(&finding) && finding.code == Code::DeprecatedImport {
            if let Some(span) = &finding.member_span {
                let fix = string_fix(&migration.rule, file.source, span.clone());
                states.insert(at, fix);
            }
        }
    }
    let sites: Vec<(usize, std::ops::Range<usize>)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| ours(f) && f.code == Code::DeprecatedImport && f.member_span.is_none())
        .map(|(i, f)| (i, f.location.start_byte..f.location.end_byte))
        .collect();
    let switch = if sites.is_empty() {
        imports::Switch::default()
    } else {
        imports::switch(file, &migration.rule, &sites)
    };
    for (at, reason) in &switch.unavailable {
        states.insert(*at, FixState::Unavailable(reason.clone()));
    }
    // What the file does with the class once it uses the SSOT class: the accesses the scan
    // reports today (on a deprecated instance as warnings: "will raise once this file uses
    // the SSOT class"). `apply` checks the fixed file before anything is written.
    let facts = &before.findings[index];
    let consequences = consequences(migration, facts);
    if let Some(blocker) = &consequences.blocker {
        let reason = format!("once the file uses the SSOT class {blocker}");
        for at in switch.edits.keys() {
            states.insert(*at, FixState::Unavailable(reason.clone()));
        }
        for (fingerprint, member) in &consequences.unserved {
            if let Some(&at) = at_of.get(fingerprint.as_str()) {
                let reason = format!(
                    "the SSOT class has no `{member}` and the rule has no rename for it: add it \
                     to the SSOT class, or a `[renames]` entry, or change the code by hand"
                );
                states.insert(at, FixState::Unavailable(reason));
            }
        }
        // An access on an SSOT instance raises today: its rename stands alone.
        let failing = consequences.renames.iter().filter(|r| r.fails_today);
        attach_renames(&mut states, migration, &at_of, failing);
        return states;
    }
    if switch.edits.is_empty() && consequences.renames.is_empty() {
        return states;
    }
    let rename_edits: Vec<Edit> = consequences
        .renames
        .iter()
        .map(|r| Edit::replace(r.span.clone(), r.new_name.clone()))
        .collect();
    let (mut applicability, mut reason) =
        consequences.applicability(migration, switch.renamed_uses);
    if let Some(exposed) = exposure.describe() {
        if applicability == Applicability::Safe && !switch.edits.is_empty() {
            applicability = Applicability::Unsafe;
            reason = exposed;
        }
    }
    // The switch is valid only with the renames: each import's fix carries them (identical
    // edits count once when several fixes are applied).
    for (at, edits) in &switch.edits {
        let mut edits = edits.clone();
        edits.extend(rename_edits.iter().cloned());
        edits.sort();
        edits.dedup();
        let fix = Fix {
            applicability,
            reason: reason.clone(),
            edits,
        };
        states.insert(*at, FixState::Fix(fix));
    }
    attach_renames(&mut states, migration, &at_of, consequences.renames.iter());
    states
}

/// Gives each renamed access's finding (found by fingerprint in `at_of`) its rename.
fn attach_renames<'r>(
    states: &mut BTreeMap<usize, FixState>,
    migration: &MigrationOracle,
    at_of: &HashMap<&str, usize>,
    renames: impl Iterator<Item = &'r Rename>,
) {
    for rename in renames {
        let Some(&at) = at_of.get(rename.fingerprint.as_str()) else {
            continue;
        };
        let fix = Fix {
            applicability: rename_applicability(migration),
            reason: format!(
                "renamed in the SSOT class: `{}` is `{}`",
                rename.member, rename.new_name
            ),
            edits: vec![Edit::replace(rename.span.clone(), rename.new_name.clone())],
        };
        states.insert(at, FixState::Fix(fix));
    }
}

/// Who else sees the class through this file: switching it switches them.
struct Exposure {
    /// Scanned files that import the class from this module.
    importers: usize,
    /// The module lists the class in `__all__` (code outside the scan may import it).
    in_all: bool,
}

impl Exposure {
    fn describe(&self) -> Option<String> {
        match (self.importers, self.in_all) {
            (0, false) => None,
            (0, true) => Some(
                "the module exports the class in `__all__`: code that imports it from here moves \
                 to the SSOT class too"
                    .to_owned(),
            ),
            (1, _) => Some(
                "1 other file imports the class through this module: it moves to the SSOT class \
                 with it (fix it first)"
                    .to_owned(),
            ),
            (n, _) => Some(format!(
                "{n} other files import the class through this module: they move to the SSOT \
                 class with it (fix them first)"
            )),
        }
    }
}

/// Whether the file's text has an `__all__` that names `symbol`.
fn exports_in_all(source: &str, symbol: &str) -> bool {
    source.contains("__all__")
        && (source.contains(&format!("\"{symbol}\"")) || source.contains(&format!("'{symbol}'")))
}

/// The display-only fix of a string that names the class's deprecated path (`span`: the
/// string's text): the same path in the SSOT module, under the class's new name.
fn string_fix(
    rule: &crate::rules::Migration,
    source: &str,
    span: std::ops::Range<usize>,
) -> FixState {
    let text = &source[span.clone()];
    let Some(module) = rule
        .deprecated
        .iter()
        .find(|m| text.starts_with(m.as_str()))
    else {
        return FixState::Unavailable("the string no longer names the path".to_owned());
    };
    let rest = &text[module.as_str().len()..];
    let separator = &rest[..1];
    let after = rest[1..]
        .strip_prefix(rule.symbol.as_str())
        .unwrap_or_default();
    FixState::Fix(Fix {
        applicability: Applicability::DisplayOnly,
        reason: "a string: whether it should name the SSOT path depends on what reads it (a \
                 `mock.patch` target must name the module where the code under test looks the \
                 class up)"
            .to_owned(),
        edits: vec![Edit::replace(
            span,
            format!("{}{separator}{}{after}", rule.ssot, rule.ssot_name()),
        )],
    })
}

/// A member the fix renames: where (in the original text) and to what.
struct Rename {
    fingerprint: String,
    member: String,
    new_name: String,
    span: std::ops::Range<usize>,
    /// The access is on an SSOT instance: it raises today.
    fails_today: bool,
}

/// What the file does once it uses the SSOT class.
#[derive(Default)]
struct Consequences {
    renames: Vec<Rename>,
    /// `getattr(x, "m", default)` / `hasattr` on a member with no rename.
    guarded: Vec<String>,
    /// The first access that would raise (or lose a value), and how many more.
    blocker: Option<String>,
    /// The fingerprints and members of those accesses.
    unserved: Vec<(String, String)>,
}

impl Consequences {
    fn applicability(
        &self,
        migration: &MigrationOracle,
        renamed_uses: usize,
    ) -> (Applicability, String) {
        let class_rename = match (&migration.rule.new_name, renamed_uses) {
            (Some(new), 1..) => format!(
                "; `{}` becomes `{new}` at {}",
                migration.rule.symbol,
                uses(renamed_uses)
            ),
            _ => String::new(),
        };
        if let Some(first) = self.guarded.first() {
            return (
                Applicability::Unsafe,
                format!("{first} once the file uses the SSOT class{class_rename}"),
            );
        }
        if !self.renames.is_empty() {
            let mut names: Vec<String> = self
                .renames
                .iter()
                .map(|r| format!("`{}` -> `{}`", r.member, r.new_name))
                .collect();
            names.dedup();
            return (
                rename_applicability(migration),
                format!(
                    "renames {} ({}){class_rename}",
                    names.join(", "),
                    uses(self.renames.len())
                ),
            );
        }
        (
            Applicability::Safe,
            format!("the SSOT class has every member this file uses{class_rename}"),
        )
    }
}

/// `1 use`, `3 uses`.
fn uses(n: usize) -> String {
    if n == 1 {
        "1 use".to_owned()
    } else {
        format!("{n} uses")
    }
}

fn rename_applicability(migration: &MigrationOracle) -> Applicability {
    if migration.rule.renames_safe {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    }
}

/// Reads off the file's findings (`facts`) what it does once it uses the SSOT class.
fn consequences(migration: &MigrationOracle, facts: &[Finding]) -> Consequences {
    let mut found = Consequences::default();
    let mut blockers: Vec<String> = Vec::new();
    for fact in facts {
        if !matches!(
            fact.code,
            Code::MissingMember | Code::DroppedField | Code::GuardedAccess | Code::UnresolvedImport
        ) {
            continue;
        }
        let rename = fact
            .member
            .as_deref()
            .and_then(|member| migration.rule.renames.get(member).map(|new| (member, new)));
        match (rename, fact.member_span.clone()) {
            (Some((member, new_name)), Some(span)) if fact.code != Code::UnresolvedImport => {
                found.renames.push(Rename {
                    fingerprint: fact.fingerprint.clone(),
                    member: member.to_owned(),
                    new_name: new_name.clone(),
                    span,
                    fails_today: fact.severity == Severity::Error,
                });
            }
            _ if fact.code == Code::GuardedAccess => {
                found
                    .guarded
                    .push(format!("line {}: {}", fact.location.line, fact.message));
            }
            _ => {
                blockers.push(format!(
                    "it would break: line {}: {}",
                    fact.location.line, fact.message
                ));
                if let Some(member) = &fact.member {
                    found
                        .unserved
                        .push((fact.fingerprint.clone(), member.clone()));
                }
            }
        }
    }
    if let Some(first) = blockers.first() {
        let more = match blockers.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        found.blocker = Some(format!("{first}{more}"));
    }
    found
}

/// Checks `fixed` (the file's text with the fix applied) against the file today (`before`):
/// it parses as well as before, every finding it has the file had already (by fingerprint)
/// and none became an error, and `switched` fewer deprecated imports remain.
pub(super) fn verify(
    engine: &Engine,
    path: &Path,
    before: &Before,
    fixed: &str,
    switched: usize,
) -> Result<(), String> {
    let after = engine
        .check(path, fixed.as_bytes(), Parse::Sparse)
        .map_err(|e| e.to_string())?;
    verdict(before, &after, switched)
}

/// [`verify`] on the fixed file's judgement `after`. Every edit lies in a statement the sparse
/// parse keeps (an import, a statement that names the class or holds a finding), so its tree
/// sees any syntax error a fix makes.
fn verdict(before: &Before, after: &Judged, switched: usize) -> Result<(), String> {
    if after.outcome.parse_error && !before.parse_error {
        return Err("it would not parse".to_owned());
    }
    for (now, then) in after.outcome.migrations.iter().zip(&before.findings) {
        let then: HashMap<&str, &Finding> =
            then.iter().map(|f| (f.fingerprint.as_str(), f)).collect();
        for finding in &now.findings {
            match then.get(finding.fingerprint.as_str()) {
                None => {
                    return Err(format!(
                        "it would add a finding: line {}: {}",
                        finding.location.line, finding.message
                    ))
                }
                Some(old)
                    if finding.severity == Severity::Error && old.severity != Severity::Error =>
                {
                    return Err(format!(
                        "it would make an error: line {}: {}",
                        finding.location.line, finding.message
                    ))
                }
                Some(_) => {}
            }
        }
    }
    let imports = |findings: &mut dyn Iterator<Item = &Finding>| {
        findings
            .filter(|f| f.code == Code::DeprecatedImport)
            .count()
    };
    let now = imports(&mut after.outcome.migrations.iter().flat_map(|m| &m.findings));
    if now + switched > imports(&mut before.findings.iter().flatten()) {
        return Err("the deprecated imports are still there".to_owned());
    }
    Ok(())
}

fn unavailable(findings: &mut [Finding], reason: &str) {
    for finding in findings
        .iter_mut()
        .filter(|f| f.code == Code::DeprecatedImport)
    {
        finding.fix = Some(FixState::Unavailable(reason.to_owned()));
    }
}
