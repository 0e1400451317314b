//! `ssot-guard rollback`, on real repositories built with git2 in temporary folders: the file's
//! own migration commit (through renames, merges, a second migration, a shallow clone), the
//! runbook levels, and the scripts executed for real with bash.

use crate::common;

use git2::Repository;

use common::repo::{
    assert_no_empty_revision, binary_path, candidate, git_cli, head_of, hermetic, parent_of,
    real_program, run_script_in, service, shell_word, short, ssot_guard, OnlyPrograms, TestRepo,
    DEPRECATED, SERVICE, SSOT,
};
use common::{stderr, stdout};

/// The runbook's Level 1 commit message, as the script writes it.
fn restore_message(path: &str, migration: &str, rollback_to: &str, reason: &str) -> String {
    format!(
        "rollback: restore {path} to deprecated DeepAgentState import\n\n\
         - Emergency rollback due to migration issue: {reason}\n\
         - Restores the version before migration commit {migration} (from {rollback_to})\n\
         - Restores functionality while investigation continues\n\
         - Temporary measure pending issue resolution\n\n\
         Issue: #871 DeepAgentState SSOT Migration\n"
    )
}

/// Several commits where the file's migration is not the last one: the runbook's `HEAD~1` would
/// restore the migrated version itself. The script restores the real pre-migration blob.
#[test]
fn head_minus_one_is_wrong_and_the_script_restores_the_pre_migration_blob() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.commit("Add the report service");
    repo.write(SERVICE, &service(DEPRECATED, "\nLIMIT = 10\n"));
    let before = repo.commit("Report service: a limit");
    repo.write(SERVICE, &service(SSOT, "\nLIMIT = 10\n"));
    let migration = repo.commit("Migrate the report service to the SSOT DeepAgentState");
    // Created on the SSOT module: nothing to roll back to.
    repo.write(
        "tests/test_report.py",
        &format!("{SSOT}\n\ndef test_thread(state: DeepAgentState):\n    assert state.thread_id\n"),
    );
    repo.commit("Test the report service");
    repo.write("README.md", "# back end\n\nOn call: see the runbook.\n");
    let head = repo.commit("Docs");

    let report = repo.rollback_json(&[]);
    let service_plan = candidate(&report, SERVICE);
    assert_eq!(service_plan["rank"], 1);
    assert_eq!(service_plan["severity"], "HIGH");
    assert_eq!(service_plan["migration_commit"], migration.to_string());
    assert_eq!(service_plan["rollback_to"], before.to_string());
    assert_eq!(service_plan["head_minus_one_correct"], false);
    assert_eq!(service_plan["later_commits"], 0);
    assert_eq!(
        service_plan["reasons"][0],
        "line 5:12: SSOT002 missing-member: reads `thread_id` on `state`: the SSOT \
         `DeepAgentState` has no `thread_id`; this raises AttributeError"
    );
    let test_plan = candidate(&report, "tests/test_report.py");
    assert_eq!(test_plan["severity"], "MEDIUM");
    assert_eq!(test_plan["migration_commit"], serde_json::Value::Null);
    assert_eq!(test_plan["rollback_to"], serde_json::Value::Null);
    assert_eq!(test_plan["commands"], serde_json::json!([]));
    assert!(test_plan["no_target"]
        .as_str()
        .unwrap()
        .starts_with("the file was created already on the SSOT module"));
    assert_eq!(
        test_plan["fix"],
        serde_json::json!([
            "line 5: the SSOT class calls it `chat_thread_id`: use `chat_thread_id` instead of `thread_id`",
            "the SSOT class renames: thread_id -> chat_thread_id"
        ])
    );
    assert_eq!(report["rollback"]["level"], 1);
    assert_eq!(report["rollback"]["checkpoints"], serde_json::json!([]));
    // The check report is all there, in front of the rollback object.
    assert_eq!(report["version"], 2);
    assert_eq!(report["summary"]["by_code"]["SSOT002"], 2);

    // Deterministic: the same bytes twice.
    let again = repo.rollback(&["--format", "json"]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&again.stdout).unwrap(),
        report
    );
    assert_eq!(again.stdout, repo.rollback(&["--format", "json"]).stdout);

    // The commands name the binary by its path, which is this machine's.
    let human = stdout(&repo.rollback(&[])).replace(&binary_path(), "[ssot-guard]");
    insta::assert_snapshot!("rollback_human", human);

    // Uncommitted work in another file must survive the rollback, uncommitted.
    repo.write("README.md", "# back end\n\nwork in progress\n");
    let script = repo.script(&[]);
    let run = repo.run_script(&script);
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert!(stdout(&run).contains("golden path: websocket agent events ok"));
    assert_eq!(repo.read(SERVICE), repo.blob(before, SERVICE));
    let rollback_commit = head_of(&repo);
    assert_eq!(parent_of(&repo, rollback_commit), head);
    assert_eq!(
        repo.message(rollback_commit),
        restore_message(
            SERVICE,
            &short(migration),
            &short(before),
            "SSOT002 at line 5 (thread_id)"
        )
    );
    assert_eq!(
        repo.blob(rollback_commit, SERVICE),
        repo.blob(before, SERVICE)
    );
    assert_eq!(
        repo.blob(rollback_commit, "README.md"),
        repo.blob(head, "README.md")
    );
    assert_eq!(repo.read("README.md"), b"# back end\n\nwork in progress\n");
    assert_eq!(repo.status(), " M README.md\n");
}

/// The file was renamed after its migration: the history follows the rename, and the script
/// writes the old path's pre-migration blob to today's path.
#[test]
fn a_renamed_file_is_restored_from_its_old_path() {
    let repo = TestRepo::new();
    let old = "netra_backend/app/services/reporting.py";
    repo.write(old, &service(DEPRECATED, ""));
    let before = repo.commit("Add the reporting service");
    repo.write(old, &service(SSOT, ""));
    let migration = repo.commit("Migrate reporting to the SSOT DeepAgentState");
    repo.remove(old);
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Rename reporting.py to report.py");

    let report = repo.rollback_json(&[]);
    let plan = candidate(&report, SERVICE);
    assert_eq!(plan["migration_commit"], migration.to_string());
    assert_eq!(plan["rollback_to"], before.to_string());
    assert_eq!(plan["later_commits"], 0, "a pure rename changes no line");
    assert_eq!(plan["head_minus_one_correct"], false);
    // The line first looks up the programs the commands run, then restores.
    let (programs, restore) = plan["commands"][0]
        .as_str()
        .unwrap()
        .split_once("; elif ")
        .unwrap();
    assert!(
        programs.starts_with("ssot_guard_state=; if ssot_guard_missing=; "),
        "{programs}"
    );
    assert_eq!(
        restore,
        format!(
            "git diff --quiet -- '{SERVICE}' && git diff --cached --quiet -- '{SERVICE}'; then \
             git cat-file -e '{before}:{old}' && git cat-file blob '{before}:{old}' > \
             '{SERVICE}' && ssot_guard_state='restored \
             {SERVICE}'; else echo 'ssot-guard: refused: {SERVICE} has uncommitted changes; stash \
             them first: git stash push -- '\\''{SERVICE}'\\''' >&2; false; fi"
        )
    );

    let run = repo.run_script(&repo.script(&[]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(repo.read(SERVICE), repo.blob(before, old));
    assert_eq!(repo.blob(head_of(&repo), SERVICE), repo.blob(before, old));
    assert_eq!(repo.status(), "");
}

/// The migration happened on a branch and came in with a merge; HEAD~1 (the merge) has the
/// migrated version. The plan finds the branch's commit and restores from its parent.
#[test]
fn a_migration_merged_from_a_branch_is_found_through_the_merge() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let before = repo.commit("Add the report service");
    repo.switch("migration");
    repo.write(SERVICE, &service(SSOT, ""));
    let migration = repo.commit("Migrate the report service");
    repo.switch("main");
    repo.write("README.md", "# back end\n\nmain moves on\n");
    repo.commit("Docs on main");
    repo.write(SERVICE, &service(SSOT, ""));
    let merge = repo.merge("Merge branch 'migration'", migration);
    repo.write("docs.md", "release notes\n");
    repo.commit("Release notes");

    let report = repo.rollback_json(&[]);
    let plan = candidate(&report, SERVICE);
    assert_eq!(plan["migration_commit"], migration.to_string());
    assert_eq!(plan["rollback_to"], before.to_string());
    assert_eq!(plan["head_minus_one_correct"], false);
    assert_eq!(
        plan["later_commits"], 0,
        "the merge took the branch's version as it was"
    );
    assert_ne!(merge, migration);

    let run = repo.run_script(&repo.script(&[]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(repo.read(SERVICE), repo.blob(before, SERVICE));
}

/// Main changed the file while a branch migrated it, and the merge combined both. The plan still
/// finds the branch's migration, counts main's change and the merge as later work a whole-file
/// restore would discard, and the surgical rollback keeps main's change.
#[test]
fn a_merge_that_combined_a_parallel_change_counts_it_as_later_work() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let before = repo.commit("Add the report service");
    repo.switch("migration");
    repo.write(SERVICE, &service(SSOT, ""));
    let migration = repo.commit("Migrate the report service");
    repo.switch("main");
    repo.write(SERVICE, &service(DEPRECATED, "\nLIMIT = 10\n"));
    let parallel = repo.commit("Report service: a limit");
    repo.write(SERVICE, &service(SSOT, "\nLIMIT = 10\n"));
    repo.merge("Merge branch 'migration'", migration);

    let report = repo.rollback_json(&[]);
    let plan = candidate(&report, SERVICE);
    assert_eq!(plan["migration_commit"], migration.to_string());
    assert_eq!(plan["rollback_to"], before.to_string());
    assert_eq!(plan["later_commits"], 2, "main's change and the merge");
    assert_eq!(plan["discarded_lines"], 2);
    assert_eq!(plan["head_minus_one_correct"], false);

    let run = repo.run_script(&repo.script(&["--surgical"]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(repo.read(SERVICE), repo.blob(parallel, SERVICE));
}

/// Migrated, reverted, changed, migrated again: the newest migration counts. It is also HEAD, so
/// the naive `HEAD~1` happens to be right, and the plan says so.
#[test]
fn the_newest_of_two_migrations_counts() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let first_before = repo.commit("Add the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Migrate the report service");
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.commit("Revert \"Migrate the report service\"");
    repo.write(SERVICE, &service(DEPRECATED, "\nRETRIES = 3\n"));
    let second_before = repo.commit("Report service: retries");
    repo.write(SERVICE, &service(SSOT, "\nRETRIES = 3\n"));
    let second = repo.commit("Migrate the report service, again");

    let report = repo.rollback_json(&[]);
    let plan = candidate(&report, SERVICE);
    assert_eq!(plan["migration_commit"], second.to_string());
    assert_eq!(plan["rollback_to"], second_before.to_string());
    assert_eq!(plan["head_minus_one_correct"], true);
    assert_ne!(
        repo.blob(first_before, SERVICE),
        repo.blob(second_before, SERVICE)
    );

    let human = stdout(&repo.rollback(&[]));
    assert!(
        human.contains("HEAD~1:           right: the runbook's `git checkout HEAD~1 -- FILE` restores the same version"),
        "{human}"
    );
    let run = repo.run_script(&repo.script(&[]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(repo.read(SERVICE), repo.blob(second_before, SERVICE));
}

/// Commits after the migration would be thrown away by a whole-file restore: the plan counts
/// them, says so, and the surgical script switches only the import, keeping them.
#[test]
fn later_work_is_counted_and_the_surgical_rollback_keeps_it() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let before = repo.commit("Add the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    let migration = repo.commit("Migrate the report service");
    repo.write(SERVICE, &service(SSOT, "\n\ndef limit():\n    return 10\n"));
    repo.commit("Report service: limit");
    repo.write(
        SERVICE,
        &service(
            SSOT,
            "\n\ndef limit():\n    return 20\n\n\ndef retries():\n    return 3\n",
        ),
    );
    let head = repo.commit("Report service: retries");

    let report = repo.rollback_json(&[]);
    let plan = candidate(&report, SERVICE);
    assert_eq!(plan["migration_commit"], migration.to_string());
    assert_eq!(plan["later_commits"], 2);
    assert_eq!(plan["discarded_lines"], 8);
    assert_eq!(plan["head_minus_one_correct"], false);
    assert!(!plan["surgical_commands"].as_array().unwrap().is_empty());

    let human = stdout(&repo.rollback(&[]));
    assert!(human.contains(
        "Later work:       2 commits changed this file after its migration (+8 -0 lines); \
         restoring the whole file discards them."
    ));
    assert!(human.contains("Recommended:      the surgical rollback (--surgical)"));

    // The whole-file script says out loud what it throws away.
    let whole = repo.script(&[]);
    assert!(whole.contains(&format!(
        "echo 'ssot-guard rollback: note: restoring the whole file {SERVICE} discards 2 later \
         commits (+8 -0 lines); --surgical keeps them' >&2"
    )));

    let run = repo.run_script(&repo.script(&["--surgical"]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    let expected = String::from_utf8(repo.blob(head, SERVICE))
        .unwrap()
        .replace(SSOT, DEPRECATED);
    assert_eq!(String::from_utf8(repo.read(SERVICE)).unwrap(), expected);
    assert_ne!(repo.read(SERVICE), repo.blob(before, SERVICE));
    let commit = head_of(&repo);
    assert_eq!(
        repo.message(commit),
        format!(
            "rollback: switch {SERVICE} back to deprecated DeepAgentState import\n\n\
             - Emergency rollback due to migration issue: SSOT002 at line 5 (thread_id)\n\
             - Switches only the DeepAgentState import back; 2 later commits to this file stay\n\
             - Restores functionality while investigation continues\n\
             - Temporary measure pending issue resolution\n\n\
             Issue: #871 DeepAgentState SSOT Migration\n"
        )
    );
    assert_eq!(repo.status(), "");
}

/// A file name made to break shell commands: spaces, quotes, `$(...)`, backticks, a glob and a
/// newline. The script treats it as a name and nothing else.
#[test]
fn a_hostile_file_name_is_only_a_name() {
    let repo = TestRepo::new();
    let hostile = "netra_backend/app/services/it's a \"$(touch PWNED)\" `touch PWNED2` *\nx.py";
    repo.write(hostile, &service(DEPRECATED, ""));
    let before = repo.commit("Add a service with an awkward name");
    repo.write(hostile, &service(SSOT, ""));
    let migration = repo.commit("Migrate it");
    repo.write("README.md", "docs\n");
    repo.commit("Docs");

    let report = repo.rollback_json(&[]);
    let plan = candidate(&report, hostile);
    assert_eq!(plan["migration_commit"], migration.to_string());
    let human = stdout(&repo.rollback(&[]));
    assert!(human.contains("it's a \"$(touch PWNED)\" `touch PWNED2` *\\nx.py  [HIGH]"));

    let script = repo.script(&[]);
    let run = repo.run_script(&script);
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    for trap in ["PWNED", "PWNED2", "netra_backend/app/services/PWNED"] {
        assert!(!repo.path().join(trap).exists(), "{trap} was created");
    }
    assert_eq!(repo.read(hostile), repo.blob(before, hostile));
    let commit = head_of(&repo);
    assert_eq!(
        repo.message(commit),
        restore_message(
            "netra_backend/app/services/it's a \"$(touch PWNED)\" `touch PWNED2` *\\nx.py",
            &short(migration),
            &short(before),
            "SSOT002 at line 5 (thread_id)"
        )
    );
    assert_eq!(repo.status(), "");

    // The surgical patch names the file in git's quoted form; `git apply` takes it as it is.
    let reset = git_cli(repo.path(), &["reset", "-q", "--hard", "HEAD~1"]);
    assert!(reset.status.success());
    let run = repo.run_script(&repo.script(&["--surgical"]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(repo.read(hostile), service(DEPRECATED, "").as_bytes());
    assert!(!repo.path().join("PWNED").exists());
}

/// Uncommitted changes to the file: the script refuses before touching anything, says how to
/// stash them, and exits 3. So does a script started below the top level.
#[test]
fn a_dirty_file_is_refused_and_nothing_changes() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.commit("Add the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    let head = repo.commit("Migrate the report service");
    let dirty = service(SSOT, "\n# debugging the outage\n");
    repo.write(SERVICE, &dirty);
    repo.write("README.md", "notes from the incident\n");

    let human = stdout(&repo.rollback(&[]));
    assert!(human.contains(&format!(
        "   Uncommitted changes: the commands refuse until they are stashed ({SERVICE} has \
         uncommitted changes; stash them first: git stash push -- '{SERVICE}')."
    )));
    let script = repo.script(&[]);
    let run = repo.run_script(&script);
    assert_eq!(run.status.code(), Some(3));
    assert_eq!(
        stderr(&run),
        format!(
            "ssot-guard rollback: refused: {SERVICE} has uncommitted changes; stash them first: \
             git stash push -- '{SERVICE}'\n"
        )
    );
    assert_eq!(repo.read(SERVICE), dirty.as_bytes());
    assert_eq!(repo.read("README.md"), b"notes from the incident\n");
    assert_eq!(head_of(&repo), head);

    // Staged instead of modified: refused the same way.
    git_cli(repo.path(), &["add", SERVICE]);
    let run = repo.run_script(&script);
    assert_eq!(run.status.code(), Some(3));
    assert!(stderr(&run).contains(&format!("{SERVICE} has staged changes")));

    // Below the top level: refused.
    git_cli(repo.path(), &["reset", "-q", "--", SERVICE]);
    let run = run_script_in(&repo.path().join("netra_backend"), &script);
    assert_eq!(run.status.code(), Some(3));
    assert_eq!(
        stderr(&run),
        "ssot-guard rollback: refused: run this script from the repository top level\n"
    );
    assert_eq!(repo.read(SERVICE), dirty.as_bytes());
}

/// Named files are planned even when the scan finds nothing failing in them; an untracked file
/// has no revision to roll back to.
#[test]
fn named_files_are_planned_even_when_nothing_fails_in_them() {
    let repo = TestRepo::new();
    let quiet = "netra_backend/app/services/quiet.py";
    repo.write(
        quiet,
        &format!("{DEPRECATED}\n\ndef make():\n    return DeepAgentState()\n"),
    );
    let before = repo.commit("Add the quiet service");
    repo.write(
        quiet,
        &format!("{SSOT}\n\ndef make():\n    return DeepAgentState()\n"),
    );
    let migration = repo.commit("Migrate the quiet service");
    repo.write("netra_backend/app/services/new.py", &service(SSOT, ""));

    let report = repo.rollback_json(&[quiet, "netra_backend/app/services/new.py"]);
    let plan = candidate(&report, quiet);
    assert_eq!(
        plan["reasons"],
        serde_json::json!([
            "named on the command line; the scan finds nothing failing in this file"
        ])
    );
    assert_eq!(plan["migration_commit"], migration.to_string());
    assert_eq!(plan["rollback_to"], before.to_string());
    assert_eq!(plan["head_minus_one_correct"], true);
    let untracked = candidate(&report, "netra_backend/app/services/new.py");
    assert_eq!(untracked["rollback_to"], serde_json::Value::Null);
    assert_eq!(
        untracked["no_target"],
        "the file is not committed (untracked, or only staged): there is no revision to roll back to"
    );
    assert_eq!(report["rollback"]["level"], 1);

    // The untracked file does not stop the named, committed one.
    let run = repo.run_script(&repo.script(&[quiet]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(repo.read(quiet), repo.blob(before, quiet));
}

/// A shallow clone whose history ends after the migration: the plan says so instead of guessing.
#[test]
fn a_shallow_history_is_said_plainly() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.commit("Add the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Migrate the report service");
    repo.write("README.md", "docs\n");
    repo.commit("Docs");

    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let clone = git_cli(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    assert!(clone.status.success(), "{}", stderr(&clone));
    let shallow = clones.path().join("shallow");
    let output = ssot_guard(&shallow, "rollback", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let plan = candidate(&report, SERVICE);
    assert_eq!(plan["migration_commit"], serde_json::Value::Null);
    assert!(plan["no_target"]
        .as_str()
        .unwrap()
        .starts_with("the history is shallow"));
    assert!(plan["no_target"]
        .as_str()
        .unwrap()
        .contains("git fetch --unshallow"));
    let script = stdout(&ssot_guard(&shallow, "rollback", &["--script"]));
    let run = run_script_in(&shallow, &script);
    assert_eq!(run.status.code(), Some(3));
    assert!(stderr(&run).contains("no candidate has a revision to roll back to"));
}

/// On a detached HEAD the plan works the same; the script says where its commit goes.
#[test]
fn a_detached_head_is_planned_and_rolled_back() {
    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let before = repo.commit("Add the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    let migration = repo.commit("Migrate the report service");
    repo.repo.set_head_detached(migration).unwrap();

    let human = stdout(&repo.rollback(&[]));
    assert!(human.contains(&format!("HEAD {} on detached HEAD", short(migration))));
    let run = repo.run_script(&repo.script(&[]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert!(stderr(&run).contains("HEAD is detached"));
    assert_eq!(repo.read(SERVICE), repo.blob(before, SERVICE));
    let reopened = Repository::open(repo.path()).unwrap();
    assert!(reopened.head_detached().unwrap());
    assert_eq!(parent_of(&repo, head_of(&repo)), migration);
}

/// Two HIGH files migrated in one commit: Level 2, to the checkpoint before it. The script
/// refuses with uncommitted work, and otherwise keeps HEAD on a branch and resets.
#[test]
fn level_two_goes_to_the_checkpoint_before_the_shared_migration() {
    let repo = TestRepo::new();
    let other = "netra_backend/app/services/export.py";
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.write(other, &service(DEPRECATED, ""));
    repo.commit("Add the report and export services");
    let checkpoint = repo.commit("checkpoint: pre-phase 3 production file migration");
    repo.write("README.md", "phase 3 starts\n");
    repo.commit("Docs");
    repo.write(SERVICE, &service(SSOT, ""));
    repo.write(other, &service(SSOT, ""));
    let migration = repo.commit("Phase 3: migrate the services");
    let head = head_of(&repo);

    let report = repo.rollback_json(&[]);
    let rollback = &report["rollback"];
    assert_eq!(rollback["level"], 2);
    assert_eq!(rollback["target"]["kind"], "checkpoint");
    assert_eq!(rollback["target"]["commit"], checkpoint.to_string());
    assert_eq!(rollback["target"]["discards_commits"], 2);
    assert_eq!(
        rollback["checkpoints"],
        serde_json::json!([{
            "commit": checkpoint.to_string(),
            "summary": "checkpoint: pre-phase 3 production file migration"
        }])
    );
    for path in [SERVICE, other] {
        assert_eq!(
            candidate(&report, path)["migration_commit"],
            migration.to_string()
        );
    }
    let listed = stdout(&ssot_guard(repo.path(), "checkpoints", &[]));
    assert_eq!(
        listed,
        format!(
            "{}  2023-11-14 22:16  checkpoint: pre-phase 3 production file migration\n",
            short(checkpoint)
        )
    );

    let script = repo.script(&[]);
    assert_no_empty_revision(&script);
    assert!(script.contains("# git push --force-with-lease"));
    assert!(!script
        .lines()
        .any(|l| l.trim_start().starts_with("git push")));

    repo.write("notes.txt", "untracked notes\n");
    let run = repo.run_script(&script);
    assert_eq!(run.status.code(), Some(3));
    assert!(stderr(&run).contains("the work tree has uncommitted changes"));
    assert_eq!(head_of(&repo), head);
    assert!(repo.path().join("notes.txt").exists());

    repo.remove("notes.txt");
    let run = repo.run_script(&script);
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(head_of(&repo), checkpoint);
    let backup = repo
        .repo
        .find_branch(
            &format!("ssot-guard/before-rollback-{}", short(head)),
            git2::BranchType::Local,
        )
        .unwrap();
    assert_eq!(backup.get().target(), Some(head));
}

/// Without a checkpoint, Level 2 says so and offers the migration commit's parent; no command
/// has an empty revision.
#[test]
fn level_two_without_a_checkpoint_offers_the_migration_parent() {
    let repo = TestRepo::new();
    let other = "netra_backend/app/services/export.py";
    repo.write(SERVICE, &service(DEPRECATED, ""));
    repo.write(other, &service(DEPRECATED, ""));
    let before = repo.commit("Add the report and export services");
    repo.write(SERVICE, &service(SSOT, ""));
    repo.write(other, &service(SSOT, ""));
    let migration = repo.commit("Migrate the services");

    let report = repo.rollback_json(&[]);
    let rollback = &report["rollback"];
    assert_eq!(rollback["level"], 2);
    assert_eq!(rollback["target"]["kind"], "migration_parent");
    assert_eq!(rollback["target"]["commit"], before.to_string());
    assert_eq!(
        rollback["notes"],
        serde_json::json!([format!(
            "no `checkpoint: pre-` commit comes before the phase's migration; offering the \
             migration commit's parent instead: {} (parent of {})",
            short(before),
            short(migration)
        )])
    );
    let human = stdout(&repo.rollback(&[]));
    assert!(human.contains("Note: no `checkpoint: pre-` commit comes before the phase's migration"));
    assert_no_empty_revision(&human);
    assert_no_empty_revision(&serde_json::to_string(&report).unwrap());
    assert_no_empty_revision(&repo.script(&[]));
}

/// A golden-path file fails: Level 3, to the newest commit at which no file fails.
#[test]
fn level_three_restores_the_last_known_good_commit() {
    let repo = TestRepo::new();
    let manager = "netra_backend/app/websocket_core/manager.py";
    repo.write(manager, &service(DEPRECATED, ""));
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let good = repo.commit("Add the manager and the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Migrate the report service");
    repo.write(manager, &service(SSOT, ""));
    repo.commit("Migrate the WebSocket manager");

    let report = repo.rollback_json(&[]);
    let rollback = &report["rollback"];
    assert_eq!(rollback["level"], 3);
    assert_eq!(candidate(&report, manager)["severity"], "CRITICAL");
    assert_eq!(candidate(&report, manager)["rank"], 1);
    assert_eq!(rollback["target"]["kind"], "last_known_good");
    assert_eq!(rollback["target"]["commit"], good.to_string());
    assert_eq!(rollback["target"]["discards_commits"], 2);

    let run = repo.run_script(&repo.script(&[]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(head_of(&repo), good);
    let branch = Repository::open(repo.path()).unwrap();
    let head = branch.head().unwrap();
    assert!(head.shorthand().unwrap().starts_with("emergency-rollback-"));
    assert!(stdout(&run).contains("golden path: websocket agent events ok"));
}

/// The last-known-good search reads blobs straight from the object database and parses each
/// version of a file once, however many commits hold it.
#[test]
fn the_last_known_good_search_parses_each_version_once() {
    use ssot_guard::discover::{Excludes, DEFAULT_EXCLUDE};
    use ssot_guard::engine::Engine;
    use ssot_guard::git::Repo;
    use ssot_guard::rollback::last_good::LastGoodSearch;
    use ssot_guard::rollback::verdict::{ProjectInRepo, Verdicts};
    use ssot_guard::workspace::{Sources, Workspace};

    let repo = TestRepo::new();
    repo.write(SERVICE, &service(DEPRECATED, ""));
    let good = repo.commit("Add the report service");
    repo.write(SERVICE, &service(SSOT, ""));
    repo.commit("Migrate the report service");
    for n in 0..6 {
        repo.write("README.md", &format!("docs {n}\n"));
        repo.commit(&format!("Docs {n}"));
    }

    let rules =
        ssot_guard::rules::load_rules(&[repo.path().join("rules/deepagentstate.toml")]).unwrap();
    let migration = rules
        .into_iter()
        .find(|m| m.id == "deepagentstate")
        .unwrap();
    let workspace = Workspace::new(repo.path(), &[], Sources::disk());
    let engine = Engine::new(std::sync::Arc::new(workspace), vec![migration]);
    let root = &engine.workspace().root;
    let git = Repo::discover(repo.path()).unwrap();
    let layout = ProjectInRepo::new(&git, root).unwrap();
    let patterns: Vec<String> = DEFAULT_EXCLUDE.iter().map(|p| (*p).to_owned()).collect();
    let excludes = Excludes::new(&patterns, root).unwrap();
    let mut verdicts = Verdicts::new(&engine, &layout);
    let found = LastGoodSearch::new(&git, &layout, &excludes, &mut verdicts)
        .find(git.head().unwrap().commit)
        .unwrap();
    assert_eq!(found.map(|c| c.id), Some(good));
    // Both class definitions mention the symbol: parsed once each; the service has two versions
    // (a folder holding a failing file stops the walk of that folder): four parses, nine commits.
    assert_eq!(verdicts.parsed(), 4);
}

/// Outside a repository there is no history to plan from: a diagnostic and exit 2.
#[test]
fn outside_a_repository_is_an_error() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("x.py"), service(SSOT, "")).unwrap();
    let output = ssot_guard(folder.path(), "rollback", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not inside a git work tree"),
        "{}",
        stderr(&output)
    );
}

/// The project lives below the top level (its config in `backend/`): git commands take paths
/// from the top level, the import check and the validation run from the project's folder.
#[test]
fn a_project_below_the_top_level_is_rolled_back_from_the_top_level() {
    let repo = TestRepo::with_project_in("backend/");
    let path = format!("backend/{SERVICE}");
    repo.write(&path, &service(DEPRECATED, ""));
    let before = repo.commit("Add the report service");
    repo.write(&path, &service(SSOT, ""));
    let migration = repo.commit("Migrate the report service");

    let report = repo.rollback_json(&["backend"]);
    let plan = candidate(&report, &path);
    assert_eq!(plan["migration_commit"], migration.to_string());
    let commands: Vec<&str> = plan["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    // Each check runs only when the first line restored the file.
    let guard = format!("if [ \"$ssot_guard_state\" = 'restored {path}' ]; then ");
    let checks: Vec<&str> = commands[1..4]
        .iter()
        .map(|line| {
            line.strip_prefix(&guard)
                .and_then(|rest| rest.split_once(" || { ssot_guard_state="))
                .unwrap_or_else(|| panic!("a guarded check: {line}"))
                .0
        })
        .collect();
    assert_eq!(
        checks,
        [
            "python3 -B -c 'import importlib, sys; sys.path.insert(0, \"backend\"); \
             importlib.import_module(\"netra_backend.app.services.report\"); print(\"import ok: \
             netra_backend.app.services.report\")'",
            "(export PYTHONDONTWRITEBYTECODE=1 && cd 'backend' && python3 \
             tests/mission_critical/test_websocket_agent_events_suite.py)",
            &format!(
                "{} check --expect-violations -- 'backend/netra_backend/app/services/report.py'",
                shell_word(&binary_path())
            ),
        ]
    );
    let run = repo.run_script(&repo.script(&["backend"]));
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(repo.read(&path), repo.blob(before, &path));
    assert_eq!(repo.status(), "");
}

/// A repository on the built-in rule (no rule file of its own: the validation command is the one
/// the binary ships with), where the report service's migration broke it. Returns the commit
/// before the migration and HEAD (the migration).
fn builtin_rule_repo() -> (TestRepo, git2::Oid, git2::Oid) {
    builtin_rule_repo_migrating(&[SERVICE])
}

/// [`builtin_rule_repo`], with `paths` migrated in one commit.
fn builtin_rule_repo_migrating(paths: &[&str]) -> (TestRepo, git2::Oid, git2::Oid) {
    let repo = TestRepo::new();
    std::fs::remove_dir_all(repo.path().join("rules")).unwrap();
    repo.write("pyproject.toml", "[tool.ssot-guard]\n");
    for path in paths {
        repo.write(path, &service(DEPRECATED, ""));
    }
    let before = repo.commit("Add the services");
    for path in paths {
        repo.write(path, &service(SSOT, ""));
    }
    let head = repo.commit("Migrate the services");
    (repo, before, head)
}

/// Nothing changed since HEAD `head`: the file, HEAD and the status.
fn assert_unchanged(repo: &TestRepo, head: git2::Oid) {
    assert_eq!(
        repo.read(SERVICE),
        repo.blob(head, SERVICE),
        "the file is untouched"
    );
    assert_eq!(head_of(repo), head, "nothing was committed");
    assert_eq!(repo.status(), "");
}

/// Rolled back: the file holds its version of `before`, committed on top of `head`.
fn assert_rolled_back(repo: &TestRepo, before: git2::Oid, head: git2::Oid) {
    assert_eq!(repo.read(SERVICE), repo.blob(before, SERVICE));
    let commit = head_of(repo);
    assert_eq!(parent_of(repo, commit), head);
    assert_eq!(repo.blob(commit, SERVICE), repo.blob(before, SERVICE));
    assert_eq!(repo.status(), "");
}

/// The pasted form of a JSON list of commands: one a line.
fn pasted_lines(commands: &serde_json::Value) -> String {
    let commands: Vec<&str> = commands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    format!("{}\n", commands.join("\n"))
}

/// `ssot-guard rollback ARGS` planned in `dir` with `SSOT_GUARD_BIN` set to `bin`: its stdout.
fn plan_with_bin(bin: impl AsRef<std::ffi::OsStr>, dir: &std::path::Path, args: &[&str]) -> String {
    let output = hermetic(&mut std::process::Command::new(env!(
        "CARGO_BIN_EXE_ssot-guard"
    )))
    .env("SSOT_GUARD_BIN", bin)
    .arg("rollback")
    .args(args)
    .current_dir(dir)
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
}

/// An executable at `path` that logs its arguments to `log`, then runs the binary under test.
fn write_logging_wrapper(path: &std::path::Path, log: &std::path::Path) {
    std::fs::write(
        path,
        format!(
            "#!{}\nprintf '%s\\n' \"$*\" >> {}\nexec {} \"$@\"\n",
            real_program("bash").display(),
            shell_word(log.to_str().unwrap()),
            shell_word(&binary_path())
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Back to `head` after a rollback, and the wrapper's log gone.
fn undo_rollback(repo: &TestRepo, head: git2::Oid, log: &std::path::Path) {
    let reset = git_cli(repo.path(), &["reset", "-q", "--hard", &head.to_string()]);
    assert!(reset.status.success());
    std::fs::remove_file(log).unwrap();
}

/// A fresh machine: `cargo build --release` made the binary, so `ssot-guard` is not on PATH, and
/// there is `python3` but no `python`. The script reaches the binary that wrote it by its
/// absolute path, the built-in rule's validation runs with `python3`, and the script completes.
#[test]
fn fresh_machine_the_script_completes_without_ssot_guard_or_python_on_path() {
    let (repo, before, head) = builtin_rule_repo();
    let script = repo.script(&[]);
    assert!(
        script.contains(&format!("ssot_guard={}\n", shell_word(&binary_path()))),
        "{script}"
    );
    let machine = OnlyPrograms::new(&["bash", "git", "python3"]);
    let run = machine.bash(repo.path(), &script, &[]);
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert!(stdout(&run).contains("golden path: websocket agent events ok"));
    assert_rolled_back(&repo, before, head);
}

/// A program the script runs is missing (`python3`; or `SSOT_GUARD_BIN` names no binary): the
/// script refuses before it changes anything, naming the program, and exits 3.
#[test]
fn fresh_machine_the_script_refuses_before_changing_anything_when_a_program_is_missing() {
    let (repo, _, head) = builtin_rule_repo();
    let script = repo.script(&[]);
    let nowhere = tempfile::tempdir().unwrap();
    let no_binary = nowhere.path().join("it's gone").join("ssot-guard");
    let no_binary = no_binary.to_str().unwrap();
    let cases = [
        (OnlyPrograms::new(&["bash", "git"]), vec![], "python3"),
        (
            OnlyPrograms::new(&["bash", "git", "python3"]),
            vec![("SSOT_GUARD_BIN", no_binary)],
            no_binary,
        ),
    ];
    for (machine, env, missing) in &cases {
        let run = machine.bash(repo.path(), &script, env);
        assert_eq!(run.status.code(), Some(3), "stderr: {}", stderr(&run));
        assert!(
            stderr(&run).starts_with("ssot-guard rollback: refused: ")
                && stderr(&run).contains("not found")
                && stderr(&run).contains(missing),
            "the refusal names {missing}: {}",
            stderr(&run)
        );
        // How to point the script at ssot-guard, only when ssot-guard is what is missing.
        assert_eq!(
            stderr(&run).contains("SSOT_GUARD_BIN"),
            *missing == no_binary,
            "{}",
            stderr(&run)
        );
        assert_unchanged(&repo, head);
    }
}

/// The pasted commands on the same fresh machine: without `python3` the first line refuses,
/// naming it, and nothing changes (the commit line refuses too: the file does not hold the
/// rolled-back version); with it, they roll back and commit, `ssot-guard` reached by its path.
#[test]
fn fresh_machine_pasted_commands_check_their_programs_first() {
    let (repo, before, head) = builtin_rule_repo();
    let report = repo.rollback_json(&[]);
    let pasted = pasted_lines(&candidate(&report, SERVICE)["commands"]);
    assert!(
        pasted.contains(&format!(
            "{} check --expect-violations -- '{SERVICE}'",
            shell_word(&binary_path())
        )),
        "{pasted}"
    );

    let run = OnlyPrograms::new(&["bash", "git"]).bash(repo.path(), &pasted, &[]);
    assert!(
        stderr(&run).contains("ssot-guard: refused: ") && stderr(&run).contains("python3"),
        "{}",
        stderr(&run)
    );
    // Only python3 is missing: nothing about pointing the commands at ssot-guard.
    assert!(!stderr(&run).contains("SSOT_GUARD_BIN"), "{}", stderr(&run));
    assert_unchanged(&repo, head);

    // Planned with SSOT_GUARD_BIN naming no binary: refused, naming it, and saying how to plan
    // again.
    let nowhere = tempfile::tempdir().unwrap();
    let no_binary = nowhere.path().join("ssot-guard");
    let report: serde_json::Value = serde_json::from_str(&plan_with_bin(
        &no_binary,
        repo.path(),
        &["--format", "json"],
    ))
    .unwrap();
    let run = OnlyPrograms::new(&["bash", "git", "python3"]).bash(
        repo.path(),
        &pasted_lines(&candidate(&report, SERVICE)["commands"]),
        &[],
    );
    assert!(
        stderr(&run).contains("ssot-guard: refused: these programs are not found")
            && stderr(&run).contains(no_binary.to_str().unwrap())
            && stderr(&run).contains("plan again with SSOT_GUARD_BIN set to the binary's path"),
        "{}",
        stderr(&run)
    );
    assert_unchanged(&repo, head);

    let run = OnlyPrograms::new(&["bash", "git", "python3"]).bash(repo.path(), &pasted, &[]);
    assert!(stderr(&run).is_empty(), "{}", stderr(&run));
    assert!(stdout(&run).contains("golden path: websocket agent events ok"));
    assert_rolled_back(&repo, before, head);
}

/// `SSOT_GUARD_BIN` names the binary the commands run. Set while the plan is written, it is what
/// the script and the pasted commands say, single-quoted (a path with quotes, `$(...)` and
/// backticks is only a path); set while the script runs, it overrides what the script says.
#[test]
fn ssot_guard_bin_names_the_binary_the_commands_run() {
    let (repo, before, head) = builtin_rule_repo();
    let bins = tempfile::tempdir().unwrap();
    let log = bins.path().join("calls.log");
    let odd = bins
        .path()
        .join("it's a \"$(touch PWNED)\" `touch PWNED2` dir")
        .join("ssot-guard");
    std::fs::create_dir_all(odd.parent().unwrap()).unwrap();
    write_logging_wrapper(&odd, &log);
    let odd = odd.to_str().unwrap();
    let calls = || std::fs::read_to_string(&log).unwrap_or_default();
    let expected_call = format!("check --expect-violations -- {SERVICE}\n");
    let machine = OnlyPrograms::new(&["bash", "git", "python3"]);
    let plan_with = |args: &[&str]| plan_with_bin(odd, repo.path(), args);
    let undo = || undo_rollback(&repo, head, &log);

    // Written with it: the script says it, and runs it.
    let script = plan_with(&["--script"]);
    assert!(
        script.contains(&format!("ssot_guard={}\n", shell_word(odd))),
        "{script}"
    );
    assert!(!script.contains(&binary_path()), "{script}");
    let run = machine.bash(repo.path(), &script, &[]);
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(calls(), expected_call);
    assert_rolled_back(&repo, before, head);
    undo();

    // The pasted commands too.
    let report: serde_json::Value =
        serde_json::from_str(&plan_with(&["--format", "json"])).unwrap();
    let run = machine.bash(
        repo.path(),
        &pasted_lines(&candidate(&report, SERVICE)["commands"]),
        &[],
    );
    assert!(stderr(&run).is_empty(), "{}", stderr(&run));
    assert_eq!(calls(), expected_call);
    assert_rolled_back(&repo, before, head);
    undo();

    // Written without it, run with it: the variable wins.
    let script = repo.script(&[]);
    let run = machine.bash(repo.path(), &script, &[("SSOT_GUARD_BIN", odd)]);
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(calls(), expected_call);
    assert_rolled_back(&repo, before, head);

    for trap in ["PWNED", "PWNED2"] {
        assert!(!repo.path().join(trap).exists(), "{trap} was created");
        assert!(!bins.path().join(trap).exists(), "{trap} was created");
    }
}

/// A relative `SSOT_GUARD_BIN` is made absolute when the plan is written, against the folder the
/// plan is written in: the commands, run from the top level (another folder), still reach the
/// binary it named.
#[test]
fn a_relative_ssot_guard_bin_is_made_absolute_when_planning() {
    let (repo, before, head) = builtin_rule_repo();
    let bins = tempfile::Builder::new()
        .prefix("bins")
        .tempdir_in(repo.path().parent().unwrap())
        .unwrap();
    let log = bins.path().join("calls.log");
    write_logging_wrapper(&bins.path().join("ssot-guard"), &log);
    // Planned from a folder below the top level, naming the wrapper relative to it.
    let planned_in = repo.path().join("netra_backend");
    let relative = format!(
        "../../{}/ssot-guard",
        bins.path().file_name().unwrap().to_str().unwrap()
    );
    assert!(planned_in.join(&relative).is_file());
    assert!(
        !repo.path().join(&relative).exists(),
        "relative to the top level it is nothing"
    );
    let absolute = planned_in.join(&relative);
    let absolute = absolute.to_str().unwrap();
    let plan_with = |args: &[&str]| plan_with_bin(&relative, &planned_in, args);
    let expected_call = format!("check --expect-violations -- {SERVICE}\n");
    let machine = OnlyPrograms::new(&["bash", "git", "python3"]);

    let script = plan_with(&["--script"]);
    assert!(
        script.contains(&format!("ssot_guard={}\n", shell_word(absolute))),
        "{script}"
    );
    let run = machine.bash(repo.path(), &script, &[]);
    assert_eq!(run.status.code(), Some(0), "stderr: {}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), expected_call);
    assert_rolled_back(&repo, before, head);
    undo_rollback(&repo, head, &log);

    let report: serde_json::Value =
        serde_json::from_str(&plan_with(&["--format", "json"])).unwrap();
    let pasted = pasted_lines(&candidate(&report, SERVICE)["commands"]);
    assert!(
        pasted.contains(&format!(
            "{} check --expect-violations -- '{SERVICE}'",
            shell_word(absolute)
        )),
        "{pasted}"
    );
    let run = machine.bash(repo.path(), &pasted, &[]);
    assert!(stderr(&run).is_empty(), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), expected_call);
    assert_rolled_back(&repo, before, head);
}

/// Levels 2 and 3 on the fresh machine: without `python3` (the validation's program) the script
/// and the pasted line refuse before the reset or checkout, naming it, and change nothing; with
/// it, they complete.
#[test]
fn fresh_machine_levels_two_and_three_check_their_programs_first() {
    let export = "netra_backend/app/services/export.py";
    let manager = "netra_backend/app/websocket_core/manager.py";
    for (level, paths) in [(2, [SERVICE, export]), (3, [SERVICE, manager])] {
        let (repo, before, head) = builtin_rule_repo_migrating(&paths);
        let level_arg = level.to_string();
        let report = repo.rollback_json(&[]);
        assert_eq!(report["rollback"]["level"], level);
        assert_eq!(report["rollback"]["target"]["commit"], before.to_string());
        let pasted = pasted_lines(&report["rollback"]["commands"]);
        let script = repo.script(&["--level", &level_arg]);
        let without = OnlyPrograms::new(&["bash", "git", "xargs", "date"]);
        let with = OnlyPrograms::new(&["bash", "git", "xargs", "date", "python3"]);

        for (how, text) in [("script", &script), ("pasted", &pasted)] {
            let run = without.bash(repo.path(), text, &[]);
            if how == "script" {
                assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
            }
            assert!(
                stderr(&run).contains("refused: these programs are not found")
                    && stderr(&run).contains("python3"),
                "level {level} {how}: {}",
                stderr(&run)
            );
            assert_unchanged(&repo, head);
        }
        let run = with.bash(repo.path(), &script, &[]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "level {level}: {}",
            stderr(&run)
        );
        assert!(stdout(&run).contains("golden path: websocket agent events ok"));
        assert_eq!(head_of(&repo), before, "level {level}");
    }
}
