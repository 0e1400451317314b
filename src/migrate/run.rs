//! Running a plan in git: per batch an empty `checkpoint: pre-<migration>-batch-K` commit, the
//! batch's fixed files in one commit with a runbook-style message, then the rule's validation
//! commands; the first failing batch is kept on a branch and undone to its checkpoint.

use std::path::Path;
use std::process::Command;

use git2::{Oid, Repository, Signature};

use crate::error::{Error, Result};

/// The work tree must be clean: no change, no untracked file that is not ignored. `migrate`
/// commits and may reset to a checkpoint, so any uncommitted work could be lost.
pub fn require_clean(repo: &Repository) -> Result<()> {
    let mut options = git2::StatusOptions::new();
    options.include_untracked(true).include_ignored(false);
    let statuses = repo
        .statuses(Some(&mut options))
        .map_err(|e| Error::usage(format!("cannot read git status: {}", e.message()), None))?;
    if let Some(entry) = statuses.iter().next() {
        return Err(Error::usage(
            format!(
                "the work tree is not clean (`{}` and {} more): migrate commits and may reset to a \
                 checkpoint, so commit or stash your changes first",
                entry.path().unwrap_or("?"),
                statuses.len() - 1
            ),
            None,
        ));
    }
    Ok(())
}

/// Who commits: the repository's configured user, else `ssot-guard <ssot-guard@localhost>`.
fn signature(repo: &Repository) -> Signature<'static> {
    repo.signature()
        .map(|s| s.to_owned())
        .or_else(|_| Signature::now("ssot-guard", "ssot-guard@localhost"))
        .expect("a fixed signature is valid")
}

fn git_error(what: &str, e: git2::Error) -> Error {
    Error::usage(format!("{what}: {}", e.message()), None)
}

/// An empty commit on HEAD with `message`.
pub fn checkpoint(repo: &Repository, message: &str) -> Result<Oid> {
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| git_error("cannot read HEAD", e))?;
    let tree = head
        .tree()
        .map_err(|e| git_error("cannot read HEAD's tree", e))?;
    let who = signature(repo);
    repo.commit(Some("HEAD"), &who, &who, message, &tree, &[&head])
        .map_err(|e| git_error("cannot commit the checkpoint", e))
}

/// Stages `paths` (relative to the work tree) and commits them on HEAD with `message`.
pub fn commit_files(repo: &Repository, paths: &[String], message: &str) -> Result<Oid> {
    let mut index = repo
        .index()
        .map_err(|e| git_error("cannot read the index", e))?;
    for path in paths {
        index
            .add_path(Path::new(path))
            .map_err(|e| git_error(&format!("cannot stage `{path}`"), e))?;
    }
    index
        .write()
        .map_err(|e| git_error("cannot write the index", e))?;
    let tree_id = index
        .write_tree()
        .map_err(|e| git_error("cannot write the tree", e))?;
    let tree = repo
        .find_tree(tree_id)
        .map_err(|e| git_error("cannot read the tree", e))?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| git_error("cannot read HEAD", e))?;
    let who = signature(repo);
    repo.commit(Some("HEAD"), &who, &who, message, &tree, &[&head])
        .map_err(|e| git_error("cannot commit the batch", e))
}

/// A validation command that failed: the command, its exit code and its output's last lines.
#[derive(Debug)]
pub struct Failed {
    pub command: String,
    pub code: Option<i32>,
    pub tail: String,
}

/// Runs each command with `sh -c` in `folder`; the first that fails.
pub fn validate(commands: &[String], folder: &Path) -> Result<Option<Failed>> {
    for command in commands {
        let output = Command::new("sh")
            .args(["-c", command])
            .current_dir(folder)
            .output()
            .map_err(|e| Error::usage(format!("cannot run `{command}`: {e}"), None))?;
        if !output.status.success() {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(10)..].join("\n");
            return Ok(Some(Failed {
                command: command.clone(),
                code: output.status.code(),
                tail,
            }));
        }
    }
    Ok(None)
}

/// Keeps HEAD on `branch` for investigation, then moves HEAD's branch back to `checkpoint`
/// with a hard reset. Safe: the tree was clean when `migrate` began and every change since is
/// committed on the kept branch (untracked files the commands made are left alone).
pub fn undo_to(repo: &Repository, checkpoint: Oid, branch: &str) -> Result<()> {
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| git_error("cannot read HEAD", e))?;
    repo.branch(branch, &head, true)
        .map_err(|e| git_error(&format!("cannot keep the batch on `{branch}`"), e))?;
    let target = repo
        .find_object(checkpoint, None)
        .map_err(|e| git_error("cannot find the checkpoint", e))?;
    repo.reset(&target, git2::ResetType::Hard, None)
        .map_err(|e| git_error("cannot reset to the checkpoint", e))
}

/// The message of a batch's commit.
pub fn batch_message(
    migration: &str,
    ssot: &str,
    issue: &str,
    batch: usize,
    batches: usize,
    files: &[String],
) -> String {
    let list: String = files.iter().map(|f| format!("- {f}\n")).collect();
    format!(
        "migrate({migration}): batch {batch} of {batches}: {} files to {ssot}\n\n{list}\nIssue: {issue}\n\nSSOT-Migration: {migration}\n",
        files.len()
    )
}
