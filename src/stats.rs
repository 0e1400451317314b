//! Where a scan's time goes, for `check --stats` and the benchmark: like `rg --stats`, printed to
//! standard error after the report, never part of it (the time a file took varies run to run).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Bytes handed to tree-sitter by every parse of this process so far (checked files, sparse
/// copies, modules read for their re-exports, class definitions).
static PARSED_BYTES: AtomicU64 = AtomicU64::new(0);
/// Files checked with a whole-file parse (sparse parsing off, or not possible for the file).
static WHOLE_PARSES: AtomicU64 = AtomicU64::new(0);

pub fn count_parse(bytes: usize) {
    PARSED_BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
}

pub fn count_whole_parse() {
    WHOLE_PARSES.fetch_add(1, Ordering::Relaxed);
}

/// The counters at one moment; a scan reports the difference between its end and its start.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    pub parsed_bytes: u64,
    pub whole_parses: u64,
}

impl Counters {
    pub fn now() -> Counters {
        Counters {
            parsed_bytes: PARSED_BYTES.load(Ordering::Relaxed),
            whole_parses: WHOLE_PARSES.load(Ordering::Relaxed),
        }
    }

    pub fn since(self, start: Counters) -> Counters {
        Counters {
            parsed_bytes: self.parsed_bytes - start.parsed_bytes,
            whole_parses: self.whole_parses - start.whole_parses,
        }
    }
}

/// What one scan did.
#[derive(Clone, Debug, Default)]
pub struct ScanStats {
    pub files: usize,
    /// Reads of a file's content (a file skipped in one round is read again in the next).
    pub reads: u64,
    pub bytes_read: u64,
    /// Files parsed and checked.
    pub files_checked: usize,
    pub counters: Counters,
    /// Rounds after the first, for aliases under which modules re-export the class.
    pub alias_rounds: usize,
    /// The file whose reading and checking took longest, and how long.
    pub slowest: Option<(String, Duration)>,
}

impl ScanStats {
    /// The lines `--stats` prints; `scripts/bench.py` reads them by their labels.
    pub fn lines(&self, elapsed: Duration) -> Vec<String> {
        let mut lines = vec![
            format!("{} files", self.files),
            format!("{} reads", self.reads),
            format!("{} bytes read", self.bytes_read),
            format!("{} files checked", self.files_checked),
            format!("{} files parsed whole", self.counters.whole_parses),
            format!("{} bytes parsed", self.counters.parsed_bytes),
            format!("{} alias rounds", self.alias_rounds),
        ];
        if let Some((path, time)) = &self.slowest {
            lines.push(format!(
                "{:.3} ms slowest file: {path}",
                time.as_secs_f64() * 1e3
            ));
        }
        lines.push(format!("{:.6} seconds", elapsed.as_secs_f64()));
        lines
    }
}
