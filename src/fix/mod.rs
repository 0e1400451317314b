//! Fixes as data (ruff's model): a finding may carry byte-range edits on the file's original
//! text and an applicability. One [`apply`] serves `check --fix`, `--diff`, `migrate` and the
//! surgical rollback.

pub mod forward;
mod imports;
pub mod write;

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

/// How safe a fix is to apply, the way ruff grades them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown, never applied (a string that names the old path: only a person can tell).
    DisplayOnly,
    /// Valid, but may change behaviour (member renames, a `getattr` default taking over):
    /// applied with `--unsafe-fixes`.
    Unsafe,
    /// The same behaviour: applied by `--fix`.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace the bytes `range` of the original text by `content` (an insertion when the range
/// is empty, a deletion when the content is).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

/// Edits sort by where they start, then end, then content.
impl Ord for Edit {
    fn cmp(&self, other: &Edit) -> std::cmp::Ordering {
        (self.range.start, self.range.end, &self.content).cmp(&(
            other.range.start,
            other.range.end,
            &other.content,
        ))
    }
}

impl PartialOrd for Edit {
    fn partial_cmp(&self, other: &Edit) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Edit {
    pub fn replace(range: Range<usize>, content: impl Into<String>) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }

    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit::replace(at..at, content)
    }

    pub fn delete(range: Range<usize>) -> Edit {
        Edit::replace(range, "")
    }
}

/// What a finding's fix does: its edits, how safe they are and why, in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub reason: String,
    /// Sorted by range; never overlapping.
    pub edits: Vec<Edit>,
}

/// Why a finding has no fix, or the fix it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixState {
    Fix(Fix),
    /// No fix: the reason, in words for the engineer ("the file would raise: ...").
    Unavailable(String),
}

impl FixState {
    pub fn fix(&self) -> Option<&Fix> {
        match self {
            FixState::Fix(fix) => Some(fix),
            FixState::Unavailable(_) => None,
        }
    }
}

/// Edits that overlap without being the same edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlap {
    pub first: Range<usize>,
    pub second: Range<usize>,
}

/// Applies `edits` to `original`: identical edits (two findings on one import statement) count
/// once; two different edits of overlapping ranges (or two insertions at the same place) are an
/// [`Overlap`]. Every byte outside the edited ranges is kept as it is.
pub fn apply<'e>(
    original: &str,
    edits: impl IntoIterator<Item = &'e Edit>,
) -> Result<String, Overlap> {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort();
    edits.dedup();
    let mut out = String::with_capacity(original.len());
    let mut at = 0;
    let mut previous: Option<&Edit> = None;
    for edit in edits {
        if let Some(previous) = previous {
            let touches =
                edit.range.start < previous.range.end || (edit.range.start == previous.range.start);
            if touches {
                return Err(Overlap {
                    first: previous.range.clone(),
                    second: edit.range.clone(),
                });
            }
        }
        out.push_str(&original[at..edit.range.start]);
        out.push_str(&edit.content);
        at = edit.range.end;
        previous = Some(edit);
    }
    out.push_str(&original[at..]);
    Ok(out)
}

/// A unified diff in `git diff` form (paths quoted the way git quotes them), for people and for
/// `git apply`.
pub fn unified_diff(old: &str, new: &str, path: &str) -> Result<String, String> {
    let failed = |e: git2::Error| format!("cannot build the diff: {}", e.message());
    let mut patch = git2::Patch::from_buffers(
        old.as_bytes(),
        Some(Path::new(path)),
        new.as_bytes(),
        Some(Path::new(path)),
        None,
    )
    .map_err(failed)?;
    let buf = patch.to_buf().map_err(failed)?;
    buf.as_str()
        .map(str::to_owned)
        .map_err(|_| "the diff is not UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_splice_bytes_and_keep_the_rest() {
        let original = "from a import S  # keep\nx = S()\n";
        let edits = [
            Edit::replace(5..6, "b.c"),
            Edit::insert(24, "import z\n"),
            Edit::replace(5..6, "b.c"),
        ];
        assert_eq!(
            apply(original, &edits).unwrap(),
            "from b.c import S  # keep\nimport z\nx = S()\n"
        );
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let edits = [Edit::replace(0..4, "x"), Edit::replace(2..6, "y")];
        assert_eq!(
            apply("abcdefgh", &edits),
            Err(Overlap {
                first: 0..4,
                second: 2..6
            })
        );
        let inserts = [Edit::insert(3, "x"), Edit::insert(3, "y")];
        assert!(apply("abcdefgh", &inserts).is_err());
    }
}
