//! Project configuration, found like ruff's: `ssot-guard.toml`, or a `pyproject.toml` with a
//! `[tool.ssot-guard]` table, in the scan root or the nearest folder above it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::codes::Code;
use crate::error::{Error, Result};

/// `[tool.ssot-guard]` / `ssot-guard.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigSpec {
    /// Extra rule files, relative to the config file's folder.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Which migration to check when several rules are loaded.
    pub migration: Option<String>,
    /// Package roots, relative to the config file's folder (default: the folder itself).
    #[serde(default)]
    pub src: Vec<String>,
    /// Replaces the default exclude list.
    pub exclude: Option<Vec<String>>,
    /// Added to the exclude list.
    #[serde(default)]
    pub extend_exclude: Vec<String>,
    /// Replaces the rule's golden-path globs.
    pub golden_path: Option<Vec<String>>,
    pub select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    pub respect_gitignore: Option<bool>,
    /// `triage`: `FROM=TO` prefixes that map a traceback's paths (another machine's) to the
    /// project's (TO relative to the config file's folder), e.g. `"/app=."`.
    #[serde(default)]
    pub path_map: Vec<String>,
}

/// `pyproject.toml`: only its `[tool.ssot-guard]` table is ours.
#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTools>,
}

#[derive(Deserialize)]
struct PyprojectTools {
    #[serde(rename = "ssot-guard")]
    ssot_guard: Option<ConfigSpec>,
}

/// A loaded configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from; `None` for the defaults.
    pub path: Option<PathBuf>,
    pub rules: Vec<PathBuf>,
    pub migration: Option<String>,
    pub src: Vec<PathBuf>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub golden_path: Option<Vec<String>>,
    pub select: Option<Vec<Code>>,
    pub ignore: Vec<Code>,
    pub respect_gitignore: Option<bool>,
    /// `(FROM, TO)` pairs, checked.
    pub path_map: Vec<(String, String)>,
}

impl Config {
    /// The folder of the config file: the project root.
    pub fn folder(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// The nearest configuration at or above `start` (a file's folder, or a folder).
pub fn discover(start: &Path) -> Result<Option<Config>> {
    let start = crate::paths::absolute(start);
    let mut folder = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(dir) = folder {
        let own = dir.join("ssot-guard.toml");
        if own.is_file() {
            return load(&own).map(Some);
        }
        let pyproject = dir.join("pyproject.toml");
        if pyproject.is_file() {
            let text = read(&pyproject)?;
            if let Some(spec) = parse_spec(&pyproject, &text)? {
                return compile(&pyproject, &text, spec).map(Some);
            }
        }
        folder = dir.parent();
    }
    Ok(None)
}

/// Loads a config file named on the command line (`--config`).
pub fn load(path: &Path) -> Result<Config> {
    let text = read(path)?;
    parse(path, &text)
}

/// A config file's text, parsed and checked. `path` names the file in diagnostics, and a
/// `pyproject.toml` is read for its `[tool.ssot-guard]` table (the defaults without one).
pub fn parse(path: &Path, text: &str) -> Result<Config> {
    let spec = parse_spec(path, text)?.unwrap_or_default();
    compile(path, text, spec)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// The settings in a config file; `None` for a `pyproject.toml` without `[tool.ssot-guard]`.
fn parse_spec(path: &Path, text: &str) -> Result<Option<ConfigSpec>> {
    let parse_error = |e: toml::de::Error| Error::toml_parse(path, text, &e);
    if path.file_name().is_some_and(|n| n == "pyproject.toml") {
        let document: Pyproject = toml::from_str(text).map_err(parse_error)?;
        Ok(document.tool.and_then(|t| t.ssot_guard))
    } else {
        toml::from_str(text).map(Some).map_err(parse_error)
    }
}

fn compile(path: &Path, text: &str, spec: ConfigSpec) -> Result<Config> {
    let codes = |values: &[Spanned<String>]| -> Result<Vec<Code>> {
        values
            .iter()
            .map(|value| {
                Code::parse(value.get_ref()).ok_or_else(|| {
                    Error::toml_value(
                        path,
                        text,
                        value.span(),
                        format!("unknown code `{}`", value.get_ref()),
                        Some(format!(
                            "known codes: {}",
                            Code::ALL.map(Code::as_str).join(", ")
                        )),
                    )
                })
            })
            .collect()
    };
    let folder = path.parent().unwrap_or(Path::new("."));
    let path_map = crate::triage::paths::parse_path_map(&spec.path_map)
        .map_err(|message| Error::usage(format!("{}: {message}", path.display()), None))?;
    Ok(Config {
        path: Some(path.to_path_buf()),
        rules: spec.rules.iter().map(|r| folder.join(r)).collect(),
        migration: spec.migration,
        src: spec.src.iter().map(PathBuf::from).collect(),
        exclude: spec.exclude,
        extend_exclude: spec.extend_exclude,
        golden_path: spec.golden_path,
        select: spec.select.as_deref().map(codes).transpose()?,
        ignore: codes(&spec.ignore)?,
        respect_gitignore: spec.respect_gitignore,
        path_map,
    })
}
