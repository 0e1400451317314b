//! Comments are made spaces before tree-sitter parses (src/python/comments.rs). That is exact only
//! if the tree is the same apart from the comment nodes: held here against real code, the
//! standard library of the `python3` on PATH with what it has installed (every 40th file; `SSOT_GUARD_BLANKING_STEP=1`
//! checks all of them), and the bundled example back end.

use std::path::{Path, PathBuf};
use std::process::Command;

use ssot_guard::python::comments::blank_comments;
use tree_sitter::{Node, Parser};

fn parse(source: &[u8]) -> tree_sitter::Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    parser.parse(source, None).unwrap()
}

/// One node: kind, depth, error or missing, and a token's byte range.
type Shape = (u16, usize, bool, Option<(usize, usize)>);

/// Every node but comments, in walk order: its kind, depth and whether it is an error, and for
/// tokens (leaves) their byte range. (A block's or the module's own extent may differ: it
/// stretches over leading and trailing comments only when they are there.)
fn shape(root: Node<'_>) -> Vec<Shape> {
    let mut nodes = Vec::new();
    let mut cursor = root.walk();
    let mut depth = 0;
    loop {
        let node = cursor.node();
        if node.kind() != "comment" {
            let is_token = node.child_count() == 0 && depth > 0;
            let range = is_token.then(|| (node.start_byte(), node.end_byte()));
            nodes.push((
                node.kind_id(),
                depth,
                node.is_error() || node.is_missing(),
                range,
            ));
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return nodes;
            }
            depth -= 1;
        }
    }
}

fn python_files(folder: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_symlink() {
            continue;
        }
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// Files whose trees differ once comments are blanked, with the first differing node.
fn differing(files: &[PathBuf]) -> Vec<String> {
    let mut differ = Vec::new();
    for path in files {
        let source = std::fs::read(path).unwrap();
        let blanked = blank_comments(&source);
        let (original, blanked) = (parse(&source), parse(&blanked));
        let (a, b) = (shape(original.root_node()), shape(blanked.root_node()));
        if a != b {
            let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(0);
            let (x, y) = (a.get(at), b.get(at));
            differ.push(format!("{}: node {at}: {x:?} vs {y:?}", path.display()));
        }
    }
    differ
}

#[test]
fn blanking_comments_changes_no_tree_of_the_standard_library() {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 runs (the tests need it on PATH)");
    let stdlib = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    let mut files = Vec::new();
    python_files(&stdlib, &mut files);
    assert!(
        files.len() > 500,
        "{} Python files in {}",
        files.len(),
        stdlib.display()
    );
    let step: usize = std::env::var("SSOT_GUARD_BLANKING_STEP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let sample: Vec<PathBuf> = files.into_iter().step_by(step.max(1)).collect();
    assert_eq!(differing(&sample), Vec::<String>::new());
}

#[test]
fn blanking_comments_changes_no_tree_of_the_example_back_end() {
    let mut files = Vec::new();
    python_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/backend"),
        &mut files,
    );
    assert!(files.len() > 40);
    assert_eq!(differing(&files), Vec::<String>::new());
}
