//! Arbitrary text as a rule file, an `ssot-guard.toml` and a `pyproject.toml`: each is accepted or
//! rejected with a diagnostic, and the diagnostic renders (its span may point anywhere in the
//! text, or past it) the way the CLI prints it and with miette's other handlers.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use miette::{GraphicalReportHandler, GraphicalTheme, NarratableReportHandler};
use ssot_guard::config;
use ssot_guard::error::Error;
use ssot_guard::rules::parse_rule;

fn render(error: Error) {
    let mut text = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
        .render_report(&mut text, &error)
        .expect("renders to a string");
    text.clear();
    NarratableReportHandler::new()
        .render_report(&mut text, &error)
        .expect("renders to a string");
    // What `ssot-guard` prints on standard error.
    let _ = format!("{:?}", miette::Report::new(error));
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    match parse_rule(Path::new("rules/fuzzed.toml"), &text) {
        Ok(migrations) => {
            assert!(!migrations.is_empty(), "a rule moves at least one class");
            for mut migration in migrations {
                let globs = migration.golden_path.clone();
                migration
                    .set_golden_path(globs)
                    .expect("globs that compiled once compile again");
            }
        }
        Err(error) => render(error),
    }
    for name in ["ssot-guard.toml", "pyproject.toml"] {
        match config::parse(Path::new(name), &text) {
            Ok(config) => {
                // The config's golden path replaces the rule's, as `check` does.
                if let Some(globs) = config.golden_path {
                    let mut migration = ssot_guard::rules::load_rules(&[])
                        .expect("the built-in rule loads")
                        .swap_remove(0);
                    if let Err(error) = migration.set_golden_path(globs) {
                        render(error);
                    }
                }
            }
            Err(error) => render(error),
        }
    }
});
