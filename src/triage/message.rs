//! The runbook's communication template for the level (Level 1 internal, Level 2 team, Level 3
//! executive), filled in with what triage knows: the file, the error, the commits, the issue.
//! What only people know after the rollback (how long customers were affected, whether the
//! golden path was validated) stays a `[bracketed]` blank to fill in.

use crate::rollback::Level;

/// What the message says.
pub struct Incident<'a> {
    pub level: Level,
    pub symbol: &'a str,
    pub issue: &'a str,
    /// Ranked, relative to the project root.
    pub files: Vec<&'a str>,
    /// `Type: message` of the first symptom of the top file.
    pub error: String,
    /// The suspect commit (short id and summary).
    pub culprit: Option<String>,
    /// Where the rollback goes (short id and summary).
    pub rollback_to: Option<String>,
    /// The rule's validation commands.
    pub validation: &'a [String],
}

pub fn write(incident: &Incident<'_>) -> String {
    let Incident {
        level,
        symbol,
        issue,
        ..
    } = *incident;
    let file = incident.files.first().copied().unwrap_or("[filename]");
    let rollback_to = incident
        .rollback_to
        .clone()
        .unwrap_or_else(|| "[commit]".to_owned());
    let culprit = incident
        .culprit
        .clone()
        .unwrap_or_else(|| "[commit]".to_owned());
    let validated = match incident.validation {
        [] => "[confirm after the rollback]".to_owned(),
        commands => format!("[confirm after the rollback: {}]", commands.join(" && ")),
    };
    let mut text = match level {
        Level::One => format!(
            "Subject: {symbol} Migration - File Rollback Executed\n\
             \n\
             Issue: Migration of {file} caused {error}\n\
             Action: Rolled back single file to maintain system stability\n\
             Impact: Minimal, Golden Path functionality preserved\n\
             Next Steps: Investigation and fix in progress\n\
             \n\
             Technical Details:\n\
             - File: {file}\n\
             - Commit: {rollback_to}\n\
             - Issue: {issue}\n",
            error = incident.error,
        ),
        Level::Two => format!(
            "Subject: 🔄 {symbol} Migration Phase Rollback\n\
             \n\
             Issue: Migration phase {culprit} caused systemic issues\n\
             Action: Complete phase rollback to {rollback_to}\n\
             Impact: Migration progress reset, system stability restored\n\
             Golden Path: {validated}\n\
             \n\
             Next Steps:\n\
             1. Root cause analysis\n\
             2. Fix migration approach\n\
             3. Re-attempt with enhanced validation\n"
        ),
        Level::Three => format!(
            "Subject: 🚨 CRITICAL: Emergency System Rollback - Golden Path Restored\n\
             \n\
             BUSINESS IMPACT: {symbol} migration caused Golden Path failure\n\
             ACTION TAKEN: Complete system rollback to {rollback_to}\n\
             CURRENT STATUS: Golden Path functionality restored: {validated}\n\
             \n\
             Customer Impact: [Duration] minutes of degraded chat experience\n\
             Resolution: System fully operational, monitoring ongoing\n\
             Investigation: Full post-mortem to follow\n\
             \n\
             Next Steps:\n\
             1. Enhanced testing before next attempt\n\
             2. Risk assessment review\n\
             3. Migration strategy revision\n"
        ),
    };
    if level != Level::One {
        text.push_str(&format!(
            "\nTechnical Details:\n\
             - Level: {} ({})\n\
             - Error: {}\n\
             - Files: {}\n\
             - Suspect commit: {culprit}\n\
             - Issue: {issue}\n",
            level.number(),
            level.title(),
            incident.error,
            if incident.files.is_empty() {
                "[files]".to_owned()
            } else {
                incident.files.join(", ")
            },
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_one_fills_the_internal_template() {
        let message = write(&Incident {
            level: Level::One,
            symbol: "DeepAgentState",
            issue: "#871",
            files: vec!["tests/test_report.py"],
            error: "AttributeError: 'DeepAgentState' object has no attribute 'thread_id'".into(),
            culprit: Some("abc1234 \"Switch report\"".into()),
            rollback_to: Some("0a1b2c3 \"Add report\"".into()),
            validation: &[],
        });
        assert_eq!(
            message,
            "Subject: DeepAgentState Migration - File Rollback Executed\n\nIssue: Migration of tests/test_report.py caused AttributeError: 'DeepAgentState' object has no attribute 'thread_id'\nAction: Rolled back single file to maintain system stability\nImpact: Minimal, Golden Path functionality preserved\nNext Steps: Investigation and fix in progress\n\nTechnical Details:\n- File: tests/test_report.py\n- Commit: 0a1b2c3 \"Add report\"\n- Issue: #871\n"
        );
    }
}
