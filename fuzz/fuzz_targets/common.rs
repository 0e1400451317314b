//! What several fuzz targets share, included in each with `#[path = "common.rs"] mod common;`
//! (each target is its own binary, so this is not a target): a scratch folder, and rendering a
//! scan in every report format.

// Each target uses only part of this module.
#![allow(dead_code)]

use std::path::Path;

use ssot_guard::report::{write_report, write_statistics, Format};
use ssot_guard::scan::ScanResult;

/// Every report format.
pub const FORMATS: [Format; 8] = [
    Format::Human,
    Format::Json,
    Format::JsonLines,
    Format::Concise,
    Format::Sarif,
    Format::Junit,
    Format::Github,
    Format::Gitlab,
];

/// A fresh temporary folder, in memory where the system has it: on disk, writing the files (and
/// git's) makes an execution many times slower.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("temporary folder")
}

/// `result` written in every format, and its statistics: nothing panics, and the JSON formats are
/// JSON. With `human_in_color`, the human report is written in colour too.
pub fn render(result: &ScanResult, human_in_color: bool) {
    let mut out = Vec::new();
    for format in FORMATS {
        out.clear();
        write_report(&mut out, format, result, false).expect("writes to memory");
        match format {
            Format::Json | Format::Sarif | Format::Gitlab => {
                serde_json::from_slice::<serde_json::Value>(&out)
                    .unwrap_or_else(|e| panic!("{format:?} is not JSON: {e}"));
            }
            Format::JsonLines => {
                for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    serde_json::from_slice::<serde_json::Value>(line)
                        .unwrap_or_else(|e| panic!("a JSON line is not JSON: {e}"));
                }
            }
            _ => {}
        }
        if human_in_color && format == Format::Human {
            out.clear();
            write_report(&mut out, format, result, true).expect("writes to memory");
        }
        out.clear();
        write_statistics(&mut out, format, result).expect("writes to memory");
    }
}
