//! The culprit commits of the files the symptoms point at, ranked: the commit that switched the
//! file's import to the SSOT module (the rollback planner's migration commit), the commit that
//! removed the missing name from a class definition or a module (pickaxe), the commit that
//! deleted a module, and blame on the frame's line.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use git2::Oid;
use serde::Serialize;

use super::analysis::{Analysis, RankedFile};
use super::errors::MigrationError;
use crate::engine::Engine;
use crate::error::Result;
use crate::git::pickaxe::{blame_line, deleted_by, removed_word, Removal};
use crate::git::{CommitRef, Repo};
use crate::python::ModulePath;
use crate::rollback::RollbackPlan;
use crate::rules::Migration;

/// Why a commit is a suspect, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Suspicion {
    /// It switched the file's import of the class to the SSOT module.
    SwitchedImport,
    /// It removed the name the error misses from a class definition or a module.
    RemovedName,
    /// It deleted the module the error cannot find.
    DeletedModule,
    /// It last changed the line that raised.
    Blame,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    pub kind: Suspicion,
    /// The file the symptom points at (relative to the project root).
    pub file: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SuspectCommit {
    pub commit: String,
    pub short: String,
    pub summary: String,
    pub time: i64,
    pub reasons: Vec<Reason>,
}

/// Per ranked file (in rank order), its suspects ranked; and all of them ranked together.
pub struct Suspects {
    pub per_file: Vec<Vec<SuspectCommit>>,
    pub overall: Vec<SuspectCommit>,
}

pub struct Histories<'a> {
    pub repo: &'a Repo,
    pub head: Oid,
    pub engine: &'a Engine,
    /// The project root relative to the work tree (`""` or `sub/`).
    pub prefix: &'a str,
    /// The rollback plan of the migration most symptoms concern.
    pub plan: Option<&'a RollbackPlan<'a>>,
}

/// History lookups already made: a thousand failing tests ask the same questions.
#[derive(Default)]
pub struct Memo {
    removed: HashMap<(String, String), Option<Removal>>,
    deleted: HashMap<String, Option<CommitRef>>,
    blamed: HashMap<(String, usize), Option<CommitRef>>,
}

impl Memo {
    fn removed(&mut self, h: &Histories<'_>, path: &str, word: &str) -> Result<Option<Removal>> {
        let key = (path.to_owned(), word.to_owned());
        if let Some(found) = self.removed.get(&key) {
            return Ok(found.clone());
        }
        let found = removed_word(h.repo, h.head, path, word)?;
        self.removed.insert(key, found.clone());
        Ok(found)
    }

    fn deleted(&mut self, h: &Histories<'_>, path: &str) -> Result<Option<CommitRef>> {
        if let Some(found) = self.deleted.get(path) {
            return Ok(found.clone());
        }
        let found = deleted_by(h.repo, h.head, path)?;
        self.deleted.insert(path.to_owned(), found.clone());
        Ok(found)
    }

    fn blamed(&mut self, h: &Histories<'_>, path: &str, line: usize) -> Option<CommitRef> {
        self.blamed
            .entry((path.to_owned(), line))
            .or_insert_with(|| blame_line(h.repo, h.head, path, line))
            .clone()
    }
}

/// A suspect as its reasons are gathered: each (kind, text) once, in the order first given.
struct Gathered {
    commit: CommitRef,
    reasons: Vec<Reason>,
    seen: HashSet<(Suspicion, String)>,
}

impl Gathered {
    fn add(map: &mut BTreeMap<Oid, Gathered>, commit: &CommitRef, reason: &Reason) {
        let entry = map.entry(commit.id).or_insert_with(|| Gathered {
            commit: commit.clone(),
            reasons: Vec::new(),
            seen: HashSet::new(),
        });
        if entry.seen.insert((reason.kind, reason.text.clone())) {
            entry.reasons.push(reason.clone());
        }
    }
}

pub fn suspects(
    histories: &Histories<'_>,
    memo: &mut Memo,
    analysis: &Analysis,
) -> Result<Suspects> {
    let mut per_file = Vec::new();
    let mut overall: BTreeMap<Oid, Gathered> = BTreeMap::new();
    for file in &analysis.files {
        let mut found: BTreeMap<Oid, Gathered> = BTreeMap::new();
        for (commit, reason) in file_suspects(histories, memo, analysis, file)? {
            Gathered::add(&mut found, &commit, &reason);
            Gathered::add(&mut overall, &commit, &reason);
        }
        per_file.push(ranked(found));
    }
    Ok(Suspects {
        per_file,
        overall: ranked(overall),
    })
}

/// Most kinds of evidence first, then the strongest kind, then the newest.
fn ranked(found: BTreeMap<Oid, Gathered>) -> Vec<SuspectCommit> {
    let mut commits: Vec<(usize, SuspectCommit)> = found
        .into_values()
        .map(
            |Gathered {
                 commit,
                 mut reasons,
                 ..
             }| {
                reasons.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.file.cmp(&b.file)));
                // Sorted by kind: each change of kind is one more kind.
                let kinds = 1 + reasons
                    .windows(2)
                    .filter(|w| w[0].kind != w[1].kind)
                    .count();
                let suspect = SuspectCommit {
                    commit: commit.id.to_string(),
                    short: commit.short,
                    summary: commit.summary,
                    time: commit.time,
                    reasons,
                };
                (kinds, suspect)
            },
        )
        .collect();
    commits.sort_by(|(a_kinds, a), (b_kinds, b)| {
        b_kinds
            .cmp(a_kinds)
            .then(a.reasons[0].kind.cmp(&b.reasons[0].kind))
            .then(b.time.cmp(&a.time))
            .then(a.commit.cmp(&b.commit))
    });
    commits.into_iter().map(|(_, suspect)| suspect).collect()
}

fn file_suspects(
    histories: &Histories<'_>,
    memo: &mut Memo,
    analysis: &Analysis,
    file: &RankedFile,
) -> Result<Vec<(CommitRef, Reason)>> {
    let Histories {
        engine,
        prefix,
        plan,
        ..
    } = *histories;
    let repo_path = format!("{prefix}{}", file.file);
    let reason = |kind, text: String| Reason {
        kind,
        file: file.file.clone(),
        text,
    };
    let mut found = Vec::new();
    let mut blamed: BTreeMap<Oid, (CommitRef, BTreeSet<usize>)> = BTreeMap::new();
    if let Some(plan) = plan {
        let target = plan
            .candidates
            .iter()
            .find(|c| c.path == repo_path)
            .and_then(|c| c.target.as_ref().ok());
        if let Some(target) = target {
            found.push((
                target.migration.clone(),
                reason(
                    Suspicion::SwitchedImport,
                    format!(
                        "switched {}'s import of `{}` to {}",
                        file.file, plan.migration.rule.symbol, plan.migration.rule.ssot
                    ),
                ),
            ));
        }
    }
    for &index in &file.symptoms {
        let symptom = &analysis.symptoms[index];
        let (Some(error), Some(id)) = (&symptom.error, &symptom.migration) else {
            continue;
        };
        let Some(migration) = engine.migrations().iter().find(|m| *m.id == **id) else {
            continue;
        };
        for (commit, kind, text) in removals(histories, memo, error, &migration.rule)? {
            found.push((commit, reason(kind, text)));
        }
        if let Some(line) = symptom.culprit.as_ref().and_then(|c| c.line) {
            if let Some(commit) = memo.blamed(histories, &repo_path, line) {
                blamed
                    .entry(commit.id)
                    .or_insert((commit, BTreeSet::new()))
                    .1
                    .insert(line);
            }
        }
    }
    // One reason per blamed commit, naming all its lines.
    for (commit, lines) in blamed.into_values() {
        let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
        let text = match &lines[..] {
            [one] => format!("last changed line {one} of {}", file.file),
            [init @ .., last] => format!(
                "last changed lines {} and {last} of {}",
                init.join(", "),
                file.file
            ),
            [] => continue,
        };
        found.push((commit, reason(Suspicion::Blame, text)));
    }
    Ok(found)
}

/// The commits that removed what `error` misses, with the kind and the words: the class from
/// the module it cannot be imported from, a deleted deprecated module, or the member from the
/// SSOT or a deprecated class definition.
fn removals(
    histories: &Histories<'_>,
    memo: &mut Memo,
    error: &MigrationError,
    rule: &Migration,
) -> Result<Vec<(CommitRef, Suspicion, String)>> {
    let Histories {
        repo,
        engine,
        prefix,
        ..
    } = *histories;
    // Files are named relative to the project root, as the ranked files are.
    let shown = |repo_path: &str| {
        repo_path
            .strip_prefix(prefix)
            .unwrap_or(repo_path)
            .to_owned()
    };
    let in_module = |module: &ModulePath| -> Option<String> {
        let path = engine.workspace().module_file(module)?;
        repo.relative(&path)
    };
    let mut found = Vec::new();
    match error {
        MigrationError::CannotImport { class, module } => {
            if let Some(path) = in_module(&ModulePath::new(module.as_str())) {
                if let Some(removal) = memo.removed(histories, &path, class)? {
                    let text = format!(
                        "removed `{class}` from {} ({} -> {} occurrences)",
                        shown(&path),
                        removal.before,
                        removal.after
                    );
                    found.push((removal.commit, Suspicion::RemovedName, text));
                }
            }
        }
        MigrationError::ModuleGone { module } => {
            let module = ModulePath::new(module.as_str());
            for candidate in engine.workspace().possible_module_files(&module) {
                let Some(path) = repo.relative(&candidate) else {
                    continue;
                };
                if let Some(commit) = memo.deleted(histories, &path)? {
                    let text = format!("deleted {} (module {module})", shown(&path));
                    found.push((commit, Suspicion::DeletedModule, text));
                    break;
                }
            }
        }
        _ => {
            // The member left a class definition: the SSOT module's or a deprecated one's.
            let modules = std::iter::once(&rule.ssot).chain(&rule.deprecated);
            let definitions: Vec<String> = modules.filter_map(in_module).collect();
            for member in error.members() {
                for path in &definitions {
                    if let Some(removal) = memo.removed(histories, path, member)? {
                        let text = format!(
                            "removed or renamed `{member}` in {} ({} -> {} occurrences)",
                            shown(path),
                            removal.before,
                            removal.after
                        );
                        found.push((removal.commit, Suspicion::RemovedName, text));
                    }
                }
            }
        }
    }
    Ok(found)
}

/// The commits a phase rollback of migration `id` must undo beyond the files' own migration
/// commits: those that took the class out of a module, or deleted a module, that the symptoms'
/// imports still need.
pub fn phase_commits(
    histories: &Histories<'_>,
    memo: &mut Memo,
    analysis: &Analysis,
    id: &str,
) -> Result<Vec<CommitRef>> {
    let Some(migration) = histories.engine.migrations().iter().find(|m| &*m.id == id) else {
        return Ok(Vec::new());
    };
    let mut commits: Vec<CommitRef> = Vec::new();
    for symptom in &analysis.symptoms {
        let Some(error) = symptom
            .error
            .as_ref()
            .filter(|_| symptom.migration.as_deref() == Some(id))
        else {
            continue;
        };
        if !matches!(
            error,
            MigrationError::CannotImport { .. } | MigrationError::ModuleGone { .. }
        ) {
            continue;
        }
        for (commit, _, _) in removals(histories, memo, error, &migration.rule)? {
            if !commits.iter().any(|c| c.id == commit.id) {
                commits.push(commit);
            }
        }
    }
    Ok(commits)
}
