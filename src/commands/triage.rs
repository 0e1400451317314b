//! `ssot-guard triage [INPUT]`: a traceback, a log or a pytest JUnit report, joined with the scan
//! of the project and its history: which files to roll back, which commits did it, and the
//! runbook's level (see `triage/`).

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::rollback::{check_flags, keep_only, migration_names};
use crate::discover::Excludes;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::gate::baseline::Baseline;
use crate::git::Repo;
use crate::rollback::quote::sh;
use crate::rollback::verdict::ProjectInRepo;
use crate::rollback::{plan, Level, LevelChoice, PlanInput, PlanOptions, RollbackPlan};
use crate::session::Session;
use crate::triage::analysis::{analyse, Analysis, Inputs, Symptoms};
use crate::triage::commits::{phase_commits, suspects, Histories, Memo, Suspects};
use crate::triage::message::{self, Incident};
use crate::triage::paths::ProjectFiles;
use crate::triage::{human, json, junit, log, traceback, Triage};
use crate::workspace::Sources;

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// The symptom: a traceback, a log excerpt or a pytest JUnit XML report (`-`: standard
    /// input).
    #[arg(default_value = "-")]
    input: PathBuf,
    /// The project the symptom comes from (a folder in its git repository).
    #[arg(long, value_name = "PATH", default_value = ".")]
    project: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TriageFormat::Human)]
    format: TriageFormat,
    /// Print only the incident message for the level (the runbook's template, filled in).
    #[arg(long, conflicts_with = "format")]
    message: bool,
    /// Use this config file instead of looking for one.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Only this migration (by rule id).
    #[arg(long, value_name = "ID")]
    migration: Option<String>,
    /// The baseline `check` gates with: a finding it holds is shown as hidden by it.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Scan files that .gitignore, .ignore and git's exclude files leave out.
    #[arg(long)]
    no_ignore: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TriageFormat {
    Human,
    Json,
}

/// Exit 1 when the symptoms point at a migration, 0 when they do not, 2 on errors.
pub fn run(args: TriageArgs) -> Result<ExitCode> {
    let (input_kind, symptoms) = read_symptoms(&args.input)?;

    let paths = vec![args.project.clone()];
    let wanted: Vec<String> = args.migration.iter().cloned().collect();
    let session = Session::load(&paths, args.config.as_deref(), &wanted, Sources::disk())?;
    let options = session.discover_options(&[], &[], args.no_ignore);
    let (_, mut result) = session.scan_every_code(&paths, args.no_ignore)?;
    let root = session.engine.workspace().root.clone();
    // A traceback from this checkout names its files by their absolute paths: the root maps to
    // itself before any rule about installed code (a checkout can live below `lib/python3.11`).
    let mut path_map = session.config.path_map.clone();
    for own in [Some(root.clone()), root.canonicalize().ok()]
        .into_iter()
        .flatten()
    {
        path_map.push((own.display().to_string(), ".".to_owned()));
    }
    let files = ProjectFiles::new(
        result.files.iter().map(|file| file.project_path.clone()),
        &path_map,
    );
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let analysis = analyse(
        &Inputs {
            engine: &session.engine,
            scan: &result,
            files: &files,
            baseline: baseline.as_ref(),
        },
        symptoms,
    );

    let mut notes = Vec::new();
    let repo = match Repo::discover(&args.project) {
        Ok(repo) => Some(repo),
        Err(error) => {
            notes.push(format!(
                "no rollback plan and no culprit commits: {}",
                crate::report::one_line(&error.to_string())
            ));
            None
        }
    };
    let chosen = analysis.main_migration(&session.engine);
    if let Some(index) = chosen {
        notes.extend(unplanned(&session.engine, &analysis, index));
    }
    let engine = chosen.map(|index| session.engine.select(index));
    if let Some(engine) = &engine {
        keep_only(&mut result, &engine.the_migration().id);
    }
    let layout = match &repo {
        Some(repo) => Some(ProjectInRepo::new(repo, &root)?),
        None => None,
    };
    let excludes = Excludes::new(&options.exclude, &root)?;
    let mut memo = Memo::default();
    let plan = match (&repo, &layout, &engine, analysis.decision.level) {
        (Some(repo), Some(layout), Some(engine), Some(level)) => Some(rollback_plan(
            &args,
            &session,
            &analysis,
            &PlanInput {
                repo,
                engine,
                layout,
                excludes: &excludes,
                scan: &result,
            },
            level,
            &mut memo,
        )?),
        _ => None,
    };
    let suspects = match (&repo, &layout) {
        (Some(repo), Some(layout)) if !analysis.files.is_empty() => Some(suspects(
            &Histories {
                repo,
                head: repo.head()?.commit,
                engine: &session.engine,
                prefix: layout.prefix(),
                plan: plan.as_ref(),
            },
            &mut memo,
            &analysis,
        )?),
        _ => None,
    };
    let message = incident_message(
        &session,
        chosen,
        &analysis,
        plan.as_ref(),
        suspects.as_ref(),
    );
    let triage = Triage {
        input: if args.input == Path::new("-") {
            "stdin".to_owned()
        } else {
            args.input.display().to_string()
        },
        input_kind,
        analysis,
        plan,
        suspects,
        notes,
        message,
    };

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = if args.message {
        match &triage.message {
            Some(text) => out.write_all(text.as_bytes()),
            None => writeln!(
                out,
                "No incident message (no rollback level): {}",
                triage.analysis.decision.reasons.join("; ")
            ),
        }
    } else {
        match args.format {
            TriageFormat::Human => human::write(&mut out, &triage),
            TriageFormat::Json => json::write(&mut out, &triage, &result),
        }
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(Error::io(Path::new("<stdout>"), e)),
    }
    let implicated = triage.analysis.decision.severity.is_some();
    // The plan borrows the scan; its errors are printed last, as `rollback` prints them.
    drop(triage);
    let had_errors = !result.errors.is_empty();
    for error in result.errors.into_iter().map(|error| error.error) {
        super::print_error(error);
    }
    Ok(if had_errors {
        ExitCode::from(2)
    } else if implicated {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The input, read as a JUnit report when it is XML, else as a log or traceback.
fn read_symptoms(input: &Path) -> Result<(&'static str, Symptoms)> {
    let text = read_input(input)?;
    if junit::looks_like_xml(&text) {
        let cases = junit::parse(&text).map_err(|e| {
            Error::usage(
                format!("cannot read `{}` as a JUnit report: {e}", input.display()),
                Some("pass pytest's --junitxml file, a traceback or a log".to_owned()),
            )
        })?;
        Ok(("junit", Symptoms::Tests(cases)))
    } else {
        Ok((
            "text",
            Symptoms::Text(traceback::parse(&log::unwrap(&text))),
        ))
    }
}

/// One plan undoes one migration: a note for each other migration the symptoms name.
fn unplanned(engine: &Engine, analysis: &Analysis, planned: usize) -> Vec<String> {
    let planned = &engine.migrations()[planned].id;
    let mut others: BTreeMap<&str, usize> = BTreeMap::new();
    for symptom in &analysis.symptoms {
        if let Some(id) = symptom.migration.as_deref().filter(|id| *id != &**planned) {
            *others.entry(id).or_default() += 1;
        }
    }
    others
        .into_iter()
        .map(|(id, count)| {
            format!(
                "{count} {} of migration {id}, not planned here: run triage again with \
                 --migration {id}",
                crate::rollback::plural(count, "symptom is", "symptoms are")
            )
        })
        .collect()
}

/// `rollback`'s plan of the files the symptoms of `input.engine`'s migration name, carrying out
/// `level` (the decision's), going back before the commits that took the class out of a module
/// the symptoms still import from.
fn rollback_plan<'a>(
    args: &TriageArgs,
    session: &Session,
    analysis: &Analysis,
    input: &PlanInput<'a>,
    level: Level,
    memo: &mut Memo,
) -> Result<RollbackPlan<'a>> {
    let repo = input.repo;
    let migration = input.engine.the_migration();
    let root = &session.engine.workspace().root;
    let named: Vec<PathBuf> = analysis
        .files
        .iter()
        .filter(|file| {
            file.symptoms
                .iter()
                .any(|&i| analysis.symptoms[i].migration.as_deref() == Some(&*migration.id))
        })
        .map(|file| root.join(&file.file))
        .collect();
    let flags = check_flags(
        repo,
        args.config.as_deref(),
        &migration.id,
        session.engine.migrations().len() > 1
            || args.migration.is_some()
            || session.config.migration.is_some(),
    );
    let ssot_guard = crate::rollback::programs::own_binary();
    let mut rerun = format!("{} rollback", sh(&ssot_guard));
    for file in &named {
        let shown = repo
            .relative(file)
            .unwrap_or_else(|| file.display().to_string());
        rerun.push(' ');
        rerun.push_str(&sh(&shown));
    }
    rerun.push_str(&flags);
    rerun.push_str(&format!(" --level {}", level.number()));
    let index = session
        .engine
        .migrations()
        .iter()
        .position(|m| m.id == migration.id)
        .unwrap_or(0);
    let phase_commits = phase_commits(
        &Histories {
            repo,
            head: repo.head()?.commit,
            engine: &session.engine,
            prefix: input.layout.prefix(),
            plan: None,
        },
        memo,
        analysis,
        &migration.id,
    )?;
    plan(
        input,
        PlanOptions {
            named,
            level: LevelChoice::Decided(level, analysis.decision.reasons.join("; ")),
            only_named: true,
            phase_commits,
            surgical: false,
            check_flags: flags,
            rerun,
            ssot_guard,
            checkpoint_names: migration_names(&session.engine, index),
        },
    )
}

fn read_input(input: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    if input == Path::new("-") {
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(Path::new("<stdin>"), e))?;
    } else {
        bytes = std::fs::read(input).map_err(|e| Error::io(input, e))?;
    }
    Ok(decode(&bytes))
}

/// The input as text: UTF-16 when it starts with a byte order mark (PowerShell's `>` writes
/// UTF-16LE), else UTF-8 with undecodable bytes replaced (logs mix encodings; a traceback's
/// structure is ASCII).
fn decode(bytes: &[u8]) -> String {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| unit([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes {
        [0xff, 0xfe, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xfe, 0xff, rest @ ..] => utf16(rest, u16::from_be_bytes),
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The runbook's message for the decided level, filled in.
fn incident_message(
    session: &Session,
    chosen: Option<usize>,
    analysis: &Analysis,
    plan: Option<&RollbackPlan<'_>>,
    suspects: Option<&Suspects>,
) -> Option<String> {
    let level = analysis.decision.level?;
    let migration = &session.engine.migrations()[chosen?];
    let top = analysis.files.first();
    let error = top
        .and_then(|file| file.symptoms.first())
        .map(|&i| {
            let symptom = &analysis.symptoms[i];
            let first = symptom.message.lines().next().unwrap_or("");
            format!("{}: {first}", symptom.type_name)
        })
        .unwrap_or_else(|| "[error]".to_owned());
    let commit =
        |short: &str, summary: &str| format!("{short} \"{}\"", crate::report::one_line(summary));
    let rollback_to = plan.and_then(|plan| match level {
        crate::rollback::Level::One => plan
            .candidates
            .iter()
            .find(|c| top.is_some_and(|t| c.path == format!("{}{}", plan.project_prefix, t.file)))
            .and_then(|c| c.target.as_ref().ok())
            .map(|t| commit(&t.rollback_to.short, &t.rollback_to.summary)),
        _ => plan
            .level
            .target
            .as_ref()
            .map(|t| commit(&t.commit.short, &t.commit.summary)),
    });
    let culprit = suspects
        .and_then(|s| s.overall.first())
        .map(|c| commit(&c.short, &c.summary));
    Some(message::write(&Incident {
        level,
        symbol: &migration.rule.symbol,
        issue: &migration.rule.issue,
        files: analysis.files.iter().map(|f| f.file.as_str()).collect(),
        error,
        culprit,
        rollback_to,
        validation: &migration.rule.validation,
    }))
}
