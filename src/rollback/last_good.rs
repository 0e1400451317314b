//! Level 3's last known good commit: the newest commit in HEAD's history at which no file fails
//! (no error SSOT002, SSOT003 or SSOT004; see [`super::verdict::is_failing`]), the same test that
//! makes a file a rollback candidate today, with the class definitions that commit had.
//!
//! Commits are scanned straight from the object database, never checked out. Verdicts are cached
//! by blob (a file unchanged between commits is parsed once) and whole folders by tree id (a
//! folder unchanged between commits is not even walked again).

use std::collections::HashMap;

use git2::{ObjectType, Oid, Sort, Tree};

use super::verdict::{DefinitionsAt, ProjectInRepo, Verdicts};
use crate::discover::Excludes;
use crate::error::{Error, Result};
use crate::git::{CommitRef, Repo};

pub struct LastGoodSearch<'a, 'p> {
    repo: &'a Repo,
    layout: &'a ProjectInRepo,
    excludes: &'a Excludes,
    verdicts: &'a mut Verdicts<'p>,
    /// Whether a folder (tree id, its work-tree path, the class definitions) holds a failing
    /// file.
    folders: HashMap<(Oid, String, DefinitionsAt), bool>,
    /// Files judged first at each commit (the plan's candidates, failing today): one that
    /// still fails settles the commit without walking its tree.
    first: Vec<String>,
}

impl<'a, 'p> LastGoodSearch<'a, 'p> {
    pub fn new(
        repo: &'a Repo,
        layout: &'a ProjectInRepo,
        excludes: &'a Excludes,
        verdicts: &'a mut Verdicts<'p>,
    ) -> Self {
        LastGoodSearch {
            repo,
            layout,
            excludes,
            verdicts,
            folders: HashMap::new(),
            first: Vec::new(),
        }
    }

    /// Judges `paths` (work-tree relative) first at each commit.
    pub fn judging_first(mut self, paths: Vec<String>) -> Self {
        self.first = paths;
        self
    }

    /// The newest commit reachable from `head` at which nothing fails; `None` when every commit
    /// (as far as the history goes) has a failing file.
    pub fn find(&mut self, head: Oid) -> Result<Option<CommitRef>> {
        let walk_error = |e: git2::Error| Error::git("cannot walk the history", &e);
        let mut walk = self.repo.git().revwalk().map_err(walk_error)?;
        walk.set_sorting(Sort::TIME | Sort::TOPOLOGICAL)
            .map_err(walk_error)?;
        walk.push(head).map_err(walk_error)?;
        for id in walk {
            let Ok(id) = id else { break };
            let Some(commit) = self.repo.commit(id) else {
                continue;
            };
            let tree = commit
                .tree()
                .map_err(|e| Error::git(format!("cannot read the tree of {id}"), &e))?;
            let prefix = self.layout.prefix().trim_end_matches('/');
            let project_tree = if prefix.is_empty() {
                Some(tree)
            } else {
                tree.get_path(std::path::Path::new(prefix))
                    .ok()
                    .filter(|entry| entry.kind() == Some(ObjectType::Tree))
                    .and_then(|entry| self.repo.git().find_tree(entry.id()).ok())
            };
            let at = self.verdicts.definitions_at(self.repo, id);
            let known = self.first.iter().any(|path| {
                self.repo
                    .blob_in(&commit, path)
                    .is_some_and(|blob| self.verdicts.judge(self.repo, at, blob, path).fails())
            });
            if known {
                continue;
            }
            let fails = match project_tree {
                Some(tree) => self.folder_fails(&tree, self.layout.prefix().to_owned(), at),
                None => false,
            };
            if !fails {
                return Ok(Some(self.repo.commit_ref(id)));
            }
        }
        Ok(None)
    }

    /// Whether any Python file below `tree` (at work-tree path `prefix`, `""` or ending in `/`)
    /// fails.
    fn folder_fails(&mut self, tree: &Tree<'_>, prefix: String, at: DefinitionsAt) -> bool {
        let key = (tree.id(), prefix, at);
        if let Some(&fails) = self.folders.get(&key) {
            return fails;
        }
        let prefix = &key.1;
        let mut fails = false;
        for entry in tree.iter() {
            let Ok(name) = entry.name() else { continue };
            let path = format!("{prefix}{name}");
            let excluded = self
                .layout
                .file(&path)
                .is_some_and(|file| self.excludes.excludes(&file));
            if excluded {
                continue;
            }
            fails = match entry.kind() {
                Some(ObjectType::Tree) => match self.repo.git().find_tree(entry.id()) {
                    Ok(subtree) => self.folder_fails(&subtree, format!("{path}/"), at),
                    Err(_) => false,
                },
                Some(ObjectType::Blob) if name.ends_with(".py") || name.ends_with(".pyi") => self
                    .verdicts
                    .judge(self.repo, at, entry.id(), &path)
                    .fails(),
                _ => false,
            };
            if fails {
                break;
            }
        }
        self.folders.insert(key, fails);
        fails
    }
}
