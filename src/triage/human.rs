//! The triage report for the engineer on call: the decision first, then each file with the
//! exceptions that point at it, the scan's evidence and the suspect commits, the test counts,
//! what was left aside, and the rollback plan with its commands.

use std::collections::HashMap;
use std::io::{self, Write};

use super::analysis::{Evidence, Symptom};
use super::Triage;
use crate::report::one_line;
use crate::rollback::plural;

pub fn write(out: &mut dyn Write, triage: &Triage<'_>) -> io::Result<()> {
    let analysis = &triage.analysis;
    let about: usize = analysis
        .symptoms
        .iter()
        .filter(|s| s.migration.is_some())
        .count();
    writeln!(
        out,
        "Triage of {} ({}): {} {}, {} of them a migration's error",
        one_line(&triage.input),
        if triage.input_kind == "junit" {
            "JUnit report"
        } else {
            "traceback or log"
        },
        analysis.symptoms.len(),
        plural(analysis.symptoms.len(), "exception", "exceptions"),
        about
    )?;
    writeln!(out)?;
    let decision = &analysis.decision;
    match (decision.severity, decision.level) {
        (Some(severity), Some(level)) => writeln!(
            out,
            "Decision: {}, Level {} ({}){}",
            severity.as_str(),
            level.number(),
            level.title(),
            if decision.rollback_now {
                ": ROLL BACK NOW"
            } else {
                ""
            }
        )?,
        (Some(severity), None) => writeln!(
            out,
            "Decision: {}, but no file to roll back",
            severity.as_str()
        )?,
        (None, _) => writeln!(
            out,
            "Decision: no rollback: the symptoms do not point at a migration"
        )?,
    }
    for reason in &decision.reasons {
        writeln!(out, "  - {}", one_line(reason))?;
    }

    if !analysis.files.is_empty() {
        writeln!(out)?;
        writeln!(out, "Files")?;
    }
    for (index, file) in analysis.files.iter().enumerate() {
        writeln!(
            out,
            "{:>3}. {}  {}",
            file.rank,
            one_line(&file.file),
            file.severity.as_str()
        )?;
        // The same error at the same line (one bug, several tests) is shown once: same type,
        // same first message line, same culprit line (the file is this one).
        let mut groups: Vec<Vec<&Symptom>> = Vec::new();
        let mut group_of: HashMap<(&str, Option<&str>, Option<usize>), usize> = HashMap::new();
        for &index in &file.symptoms {
            let symptom = &analysis.symptoms[index];
            let key = (
                symptom.type_name.as_str(),
                symptom.message.lines().next(),
                symptom.culprit.as_ref().and_then(|c| c.line),
            );
            match group_of.get(&key) {
                Some(&group) => groups[group].push(symptom),
                None => {
                    group_of.insert(key, groups.len());
                    groups.push(vec![symptom]);
                }
            }
        }
        for group in &groups {
            write_symptom(out, group)?;
        }
        let commits = triage.suspects.as_ref().and_then(|s| s.per_file.get(index));
        match commits {
            Some(commits) if !commits.is_empty() => {
                writeln!(out, "     suspect commits:")?;
                for commit in commits {
                    writeln!(
                        out,
                        "       {} \"{}\"",
                        commit.short,
                        one_line(&commit.summary)
                    )?;
                    for reason in &commit.reasons {
                        writeln!(out, "         - {}", one_line(&reason.text))?;
                    }
                }
            }
            Some(_) => writeln!(out, "     suspect commits: none found in the history")?,
            None => {}
        }
    }

    if let Some(tests) = &analysis.tests {
        writeln!(out)?;
        writeln!(
            out,
            "Tests: {} of {} failed; mission-critical: {} of {} failed",
            tests.failed, tests.total, tests.mission_critical_failed, tests.mission_critical_total
        )?;
        for file in tests.files.iter().filter(|f| f.failed > 0) {
            writeln!(
                out,
                "  {}{}: {} of {} failed, {} with a migration's error",
                one_line(&file.file),
                if file.mission_critical {
                    " (mission-critical)"
                } else {
                    ""
                },
                file.failed,
                file.total,
                file.migration_failures
            )?;
        }
    }

    let others: Vec<&Symptom> = analysis
        .symptoms
        .iter()
        .filter(|s| s.migration.is_none())
        .collect();
    if !others.is_empty() {
        writeln!(out)?;
        writeln!(out, "Not a migration's error:")?;
        for symptom in others {
            writeln!(
                out,
                "  {}: {} (input line {}{})",
                one_line(&symptom.type_name),
                one_line(symptom.message.lines().next().unwrap_or("")),
                symptom.input_line,
                symptom
                    .test
                    .as_deref()
                    .map(|t| format!(", test {}", one_line(t)))
                    .unwrap_or_default()
            )?;
        }
    }
    for symptom in analysis
        .symptoms
        .iter()
        .filter(|s| s.migration.is_some() && s.culprit.is_none())
    {
        writeln!(
            out,
            "  {} (input line {}): no frame is in this project's files",
            one_line(&symptom.type_name),
            symptom.input_line
        )?;
    }
    for note in &triage.notes {
        writeln!(out)?;
        writeln!(out, "Note: {}", one_line(note))?;
    }
    if let Some(plan) = &triage.plan {
        writeln!(out)?;
        crate::rollback::human::write(out, plan)?;
    }
    if triage.message.is_some() {
        writeln!(out)?;
        writeln!(
            out,
            "The incident message for this level: the same command with --message."
        )?;
    }
    Ok(())
}

/// One error (the first of `group`), where it came from, the culprit and the evidence.
fn write_symptom(out: &mut dyn Write, group: &[&Symptom]) -> io::Result<()> {
    let symptom = group[0];
    let first = symptom.message.lines().next().unwrap_or("");
    writeln!(
        out,
        "     {}: {}",
        one_line(&symptom.type_name),
        one_line(first)
    )?;
    let origins: Vec<String> = group
        .iter()
        .map(|s| match &s.test {
            Some(test) => format!("test {}", one_line(test)),
            None => format!("input line {}", s.input_line),
        })
        .collect();
    let from = match &origins[..] {
        [one] => one.clone(),
        many => format!("{} times: {}", many.len(), many.join(", ")),
    };
    let Some(culprit) = &symptom.culprit else {
        return Ok(());
    };
    let source = symptom
        .frames
        .iter()
        .rev()
        .find(|f| f.file.as_deref() == Some(&culprit.file) && f.line == culprit.line)
        .and_then(|f| f.source.as_deref());
    writeln!(
        out,
        "       at line {} in {}{} ({from})",
        culprit
            .line
            .map_or_else(|| "?".to_owned(), |l| l.to_string()),
        one_line(culprit.function.as_deref().unwrap_or("?")),
        source
            .map(|s| format!(": {}", one_line(s)))
            .unwrap_or_default()
    )?;
    if let Some(here) = &culprit.checkout_line {
        writeln!(
            out,
            "       this checkout's line {} differs (`{}`): the deployed code is another version; the scan and blame are about this one",
            culprit.line.unwrap_or(0),
            one_line(here.trim())
        )?;
    }
    if let Some(shim) = &culprit.through_shim {
        writeln!(
            out,
            "       through the migration shim's __getattr__ in {}",
            one_line(shim)
        )?;
    }
    match &culprit.evidence {
        Evidence::Finding { finding, baselined } => writeln!(
            out,
            "       scan: {} at line {}:{}: {}{}",
            finding.code,
            finding.line,
            finding.column,
            one_line(&finding.message),
            if *baselined {
                " (hidden from check by the baseline)"
            } else {
                ""
            }
        ),
        Evidence::Suppressed {
            finding,
            comment_line,
        } => writeln!(
            out,
            "       scan: hidden by `# ssot-guard: ignore` on line {comment_line}: without it, {} at line {}:{}: {}",
            finding.code,
            finding.line,
            finding.column,
            one_line(&finding.message)
        ),
        Evidence::NotFound { why } => writeln!(out, "       scan: {}", one_line(why)),
    }
}
