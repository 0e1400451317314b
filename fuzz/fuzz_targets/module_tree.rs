//! A small project of up to eight modules, decoded with `arbitrary` from a palette of statements
//! that make re-exports and cycles: `import pkg.m [as n]`, `from pkg.m import a [as b]`,
//! `from . import x` (in `pkg/x/__init__.py`: the package importing itself), `from .x import a`,
//! star imports, `a = b`, `a = a`, `json = json`, `a = pkg.m.b`, `__all__`, the class defined in
//! the deprecated or the SSOT module, uses of it, and imports guarded by `try`/`except ImportError`
//! or `if TYPE_CHECKING`. The rule: symbol `Widget`, deprecated `pkg.old`, SSOT `pkg.new`.
//!
//! Every module-level name of every module is resolved (in two fresh projects, in opposite orders:
//! the answers must not depend on the order of the questions), then the project is discovered and
//! scanned the way `ssot-guard check` does, with the prefilter and without: the two reports must
//! agree file by file, and every format must render (the JSON ones as JSON). Each file is also
//! checked whole and sparsely: for a file that parses cleanly, the same findings. Name resolution
//! must terminate on any cycle, without recursion that can exhaust the stack.
//!
//! `FUZZ_SHOW=1 target/fuzz/.../module_tree INPUT` prints the project an input decodes to.

#![no_main]

#[path = "common.rs"]
mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ssot_guard::check::{check_source, check_source_sparse};
use ssot_guard::codes::Code;
use ssot_guard::discover::{discover, DiscoverOptions, DEFAULT_EXCLUDE};
use ssot_guard::engine::Engine;
use ssot_guard::migration::MigrationOracle;
use ssot_guard::python::ModulePath;
use ssot_guard::report::{write_report, Format};
use ssot_guard::rules::{parse_rule, Migration};
use ssot_guard::scan::{scan, ScanOptions};
use ssot_guard::workspace::{Sources, Workspace};

/// Modules per input, statements per module, names per `__all__`.
const MAX_MODULES: usize = 8;
const MAX_STATEMENTS: usize = 12;
const MAX_ALL: usize = 4;

const RULE: &str = r##"
id = "widget"
symbol = "Widget"
deprecated = ["pkg.old"]
ssot = "pkg.new"
issue = "#10"
golden-path = ["pkg/x/**"]
risky-members = ["thread_id"]

[renames]
thread_id = "chat_thread_id"
"##;

/// Where a module's file is: packages (`__init__.py`) and plain modules, the rule's two modules,
/// and a file outside the package.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Init,
    Old,
    New,
    XInit,
    XY,
    A,
    BInit,
    App,
}

impl Slot {
    fn path(self) -> &'static str {
        match self {
            Slot::Init => "pkg/__init__.py",
            Slot::Old => "pkg/old.py",
            Slot::New => "pkg/new.py",
            Slot::XInit => "pkg/x/__init__.py",
            Slot::XY => "pkg/x/y.py",
            Slot::A => "pkg/a.py",
            Slot::BInit => "pkg/b/__init__.py",
            Slot::App => "app.py",
        }
    }
}

/// A module an absolute import names: those of the slots, one that does not exist, and one
/// outside the project.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Target {
    Pkg,
    Old,
    New,
    X,
    XY,
    A,
    B,
    Missing,
    Json,
}

impl Target {
    fn dotted(self) -> &'static str {
        match self {
            Target::Pkg => "pkg",
            Target::Old => "pkg.old",
            Target::New => "pkg.new",
            Target::X => "pkg.x",
            Target::XY => "pkg.x.y",
            Target::A => "pkg.a",
            Target::B => "pkg.b",
            Target::Missing => "pkg.missing",
            Target::Json => "json",
        }
    }
}

/// The module part of a relative import.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Relative {
    Dot,
    DotX,
    DotY,
    DotOld,
    DotNew,
    DotA,
    DotDot,
    DotDotOld,
}

impl Relative {
    fn text(self) -> &'static str {
        match self {
            Relative::Dot => ".",
            Relative::DotX => ".x",
            Relative::DotY => ".y",
            Relative::DotOld => ".old",
            Relative::DotNew => ".new",
            Relative::DotA => ".a",
            Relative::DotDot => "..",
            Relative::DotDotOld => "..old",
        }
    }
}

/// The names statements bind and use: the symbol, an alias, a module-like name, names that are
/// also submodules (`x`, `old`, `new`, `a`), and a private one.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Widget,
    Alias,
    Json,
    A,
    B,
    X,
    Y,
    Old,
    New,
    Private,
}

impl Name {
    fn text(self) -> &'static str {
        match self {
            Name::Widget => "Widget",
            Name::Alias => "Alias",
            Name::Json => "json",
            Name::A => "a",
            Name::B => "b",
            Name::X => "x",
            Name::Y => "y",
            Name::Old => "old",
            Name::New => "new",
            Name::Private => "_w",
        }
    }

    const ALL: [Name; 10] = [
        Name::Widget,
        Name::Alias,
        Name::Json,
        Name::A,
        Name::B,
        Name::X,
        Name::Y,
        Name::Old,
        Name::New,
        Name::Private,
    ];
}

/// What a `try:` / `except ImportError:` / `if TYPE_CHECKING:` block holds.
#[derive(Arbitrary, Debug)]
enum Guarded {
    Import(Target),
    From(Target, Name, Option<Name>),
    FromRelative(Relative, Name, Option<Name>),
    Assign(Name, Name),
    NoneValue(Name),
}

#[derive(Arbitrary, Debug)]
enum Statement {
    /// `import pkg.m`
    Import(Target),
    /// `import pkg.m as n`
    ImportAs(Target, Name),
    /// `from pkg.m import a [as b]`
    From(Target, Name, Option<Name>),
    /// `from .x import a [as b]`, `from . import x`
    FromRelative(Relative, Name, Option<Name>),
    /// `from pkg.m import *`
    Star(Target),
    /// `from .x import *`
    StarRelative(Relative),
    /// `a = b`; `a = a` when the two are the same
    Assign(Name, Name),
    /// `a = pkg.m.b`
    AssignPath(Name, Target, Name),
    /// `a = b.c`
    AssignAttribute(Name, Name, Name),
    /// `__all__ = [...]`
    All(Vec<Name>),
    /// `__all__ = (...)`
    AllTuple(Vec<Name>),
    /// `__all__ += [...]`
    AllExtend(Vec<Name>),
    /// `class Widget: pass`
    Class,
    /// `class Widget:` with a `thread_id` field
    ClassWithField,
    /// `class a: pass`
    ClassNamed(Name),
    /// `import json` then `json = json`
    JsonSelf,
    /// `a().thread_id`
    UseCall(Name),
    /// `a(thread_id=1)`
    UseKeyword(Name),
    /// `v: a = ...` then `v.thread_id`
    UseAnnotated(Name, Name),
    /// `def f(s: a): return s.thread_id`
    UseParameter(Name),
    /// `a.b().thread_id`
    UseThrough(Name, Name),
    /// `try: ... except ImportError: ...`
    Try(Guarded, Guarded),
    /// `if TYPE_CHECKING: ...`
    TypeChecking(Guarded),
    /// `pkg.m.a().thread_id`
    UsePath(Target, Name),
    /// `def g(): from pkg.m import a; return a().thread_id`
    UseLocalImport(Target, Name),
    /// `class a(b): pass`
    Subclass(Name, Name),
    /// `a: type = b`
    AnnotatedAssign(Name, Name),
    /// `del a`
    Delete(Name),
    /// A statement that does not parse.
    Broken,
}

fn as_clause(alias: Option<Name>) -> String {
    alias.map_or_else(String::new, |alias| format!(" as {}", alias.text()))
}

fn names_list(names: &[Name]) -> String {
    names
        .iter()
        .take(MAX_ALL)
        .map(|name| format!("\"{}\"", name.text()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Guarded {
    fn text(&self) -> String {
        match self {
            Guarded::Import(target) => format!("import {}", target.dotted()),
            Guarded::From(target, name, alias) => format!(
                "from {} import {}{}",
                target.dotted(),
                name.text(),
                as_clause(*alias)
            ),
            Guarded::FromRelative(relative, name, alias) => format!(
                "from {} import {}{}",
                relative.text(),
                name.text(),
                as_clause(*alias)
            ),
            Guarded::Assign(name, value) => format!("{} = {}", name.text(), value.text()),
            Guarded::NoneValue(name) => format!("{} = None", name.text()),
        }
    }
}

impl Statement {
    fn write(&self, out: &mut String, index: usize) {
        let _ = match self {
            Statement::Import(target) => writeln!(out, "import {}", target.dotted()),
            Statement::ImportAs(target, name) => {
                writeln!(out, "import {} as {}", target.dotted(), name.text())
            }
            Statement::From(target, name, alias) => writeln!(
                out,
                "from {} import {}{}",
                target.dotted(),
                name.text(),
                as_clause(*alias)
            ),
            Statement::FromRelative(relative, name, alias) => writeln!(
                out,
                "from {} import {}{}",
                relative.text(),
                name.text(),
                as_clause(*alias)
            ),
            Statement::Star(target) => writeln!(out, "from {} import *", target.dotted()),
            Statement::StarRelative(relative) => {
                writeln!(out, "from {} import *", relative.text())
            }
            Statement::Assign(name, value) => writeln!(out, "{} = {}", name.text(), value.text()),
            Statement::AssignPath(name, target, value) => writeln!(
                out,
                "{} = {}.{}",
                name.text(),
                target.dotted(),
                value.text()
            ),
            Statement::AssignAttribute(name, object, value) => {
                writeln!(out, "{} = {}.{}", name.text(), object.text(), value.text())
            }
            Statement::All(names) => writeln!(out, "__all__ = [{}]", names_list(names)),
            Statement::AllTuple(names) => writeln!(out, "__all__ = ({},)", names_list(names)),
            Statement::AllExtend(names) => writeln!(out, "__all__ += [{}]", names_list(names)),
            Statement::Class => writeln!(out, "class Widget:\n    pass"),
            Statement::ClassWithField => {
                writeln!(out, "class Widget:\n    thread_id: str = \"\"")
            }
            Statement::ClassNamed(name) => writeln!(out, "class {}:\n    pass", name.text()),
            Statement::JsonSelf => writeln!(out, "import json\njson = json"),
            Statement::UseCall(name) => writeln!(out, "{}().thread_id", name.text()),
            Statement::UseKeyword(name) => writeln!(out, "{}(thread_id=1)", name.text()),
            Statement::UseAnnotated(variable, annotation) => writeln!(
                out,
                "{v}: {} = ...\n{v}.thread_id",
                annotation.text(),
                v = variable.text()
            ),
            Statement::UseParameter(name) => writeln!(
                out,
                "def f{index}(s: {}):\n    return s.thread_id",
                name.text()
            ),
            Statement::UseThrough(object, name) => {
                writeln!(out, "{}.{}().thread_id", object.text(), name.text())
            }
            Statement::Try(attempt, fallback) => writeln!(
                out,
                "try:\n    {}\nexcept ImportError:\n    {}",
                attempt.text(),
                fallback.text()
            ),
            Statement::TypeChecking(guarded) => writeln!(
                out,
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {}",
                guarded.text()
            ),
            Statement::UsePath(target, name) => {
                writeln!(out, "{}.{}().thread_id", target.dotted(), name.text())
            }
            Statement::UseLocalImport(target, name) => writeln!(
                out,
                "def g{index}():\n    from {} import {n}\n    return {n}().thread_id",
                target.dotted(),
                n = name.text()
            ),
            Statement::Subclass(name, base) => {
                writeln!(out, "class {}({}):\n    pass", name.text(), base.text())
            }
            Statement::AnnotatedAssign(name, value) => {
                writeln!(out, "{}: type = {}", name.text(), value.text())
            }
            Statement::Delete(name) => writeln!(out, "del {}", name.text()),
            Statement::Broken => writeln!(out, "def broken(:\n    return"),
        };
    }
}

#[derive(Arbitrary, Debug)]
struct Module {
    slot: Slot,
    statements: Vec<Statement>,
}

#[derive(Arbitrary, Debug)]
struct Tree {
    modules: Vec<Module>,
}

impl Tree {
    /// The files of the project, by slot: statements of a slot named twice are appended.
    fn files(&self) -> BTreeMap<Slot, String> {
        let mut files: BTreeMap<Slot, String> = BTreeMap::new();
        for module in self.modules.iter().take(MAX_MODULES) {
            let text = files.entry(module.slot).or_default();
            for (index, statement) in module.statements.iter().take(MAX_STATEMENTS).enumerate() {
                statement.write(text, index);
            }
        }
        files
    }
}

fn migration() -> Migration {
    parse_rule(Path::new("rules/widget.toml"), RULE)
        .expect("the fuzz rule loads")
        .remove(0)
}

/// A fresh engine over the folder (nothing cached) with the fuzz rule.
fn engine(root: &Path) -> Engine {
    let workspace = Workspace::new(root, &[], Sources::disk());
    Engine::new(Arc::new(workspace), vec![migration()])
}

/// Every module-level name of every module, as the oracle's `resolve` and `resolve_star` answer
/// it.
fn resolutions(oracle: &MigrationOracle, modules: &[ModulePath], reverse: bool) -> Vec<String> {
    let mut queries: Vec<(&ModulePath, Name)> = modules
        .iter()
        .flat_map(|module| Name::ALL.iter().map(move |name| (module, *name)))
        .collect();
    if reverse {
        queries.reverse();
    }
    let mut answers: Vec<String> = queries
        .into_iter()
        .map(|(module, name)| {
            format!(
                "{module}.{}: {:?} / star {:?}",
                name.text(),
                oracle.resolve(module, name.text()),
                oracle.resolve_star(module, name.text())
            )
        })
        .collect();
    answers.sort();
    answers
}

fuzz_target!(|tree: Tree| {
    let files = tree.files();
    if std::env::var_os("FUZZ_SHOW").is_some() {
        for (slot, text) in &files {
            eprintln!("--- {}\n{text}", slot.path());
        }
    }
    let dir = common::scratch_dir();
    let root = dir.path().canonicalize().expect("absolute");
    let mut written: Vec<PathBuf> = Vec::new();
    for (slot, text) in &files {
        let path = root.join(slot.path());
        std::fs::create_dir_all(path.parent().expect("below the root")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        written.push(path);
    }
    written.sort();

    // Resolution: terminates, and does not depend on the order of the questions.
    let modules: Vec<ModulePath> = [
        "pkg", "pkg.old", "pkg.new", "pkg.x", "pkg.x.y", "pkg.a", "pkg.b", "app",
    ]
    .into_iter()
    .map(ModulePath::new)
    .collect();
    let (forward, backward) = (engine(&root), engine(&root));
    assert_eq!(
        resolutions(forward.the_migration(), &modules, false),
        resolutions(backward.the_migration(), &modules, true),
        "resolution depends on the order of the questions"
    );

    // The scan the CLI runs on the folder, with a fresh project each (nothing cached).
    let discovered = discover(
        std::slice::from_ref(&root),
        &DiscoverOptions {
            respect_ignore: false,
            exclude: DEFAULT_EXCLUDE.iter().map(|p| (*p).to_owned()).collect(),
            project_root: root.clone(),
        },
    )
    .expect("the folder exists");
    assert!(discovered.errors.is_empty(), "{:?}", discovered.errors);
    assert_eq!(discovered.files, written, "discovery finds every module");
    let scan_with = |prefilter: bool| {
        let engine = engine(&root);
        let options = ScanOptions {
            selected: Code::ALL.to_vec(),
            prefilter,
        };
        let result = scan(
            std::slice::from_ref(&root),
            &discovered.files,
            &engine,
            &options,
        );
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        common::render(&result, false);
        (result, engine)
    };
    let (filtered, _) = scan_with(true);
    let (full, engine) = scan_with(false);
    let migrations = [engine.the_migration()];
    if std::env::var_os("FUZZ_SHOW").is_some() {
        let mut out = Vec::new();
        write_report(&mut out, Format::Concise, &full, false).expect("in memory");
        eprintln!("--- findings\n{}", String::from_utf8_lossy(&out));
    }
    assert_eq!(filtered.files.len(), full.files.len());

    for (with, without) in filtered.files.iter().zip(&full.files) {
        assert_eq!(with.absolute_path, without.absolute_path);
        let path = &with.absolute_path;
        let source = std::fs::read(path).expect("read back");
        let module = engine.workspace().module_of_file(path);
        let whole = check_source(&source, module.as_ref(), &migrations);
        let sparse = check_source_sparse(&source, module.as_ref(), &migrations);
        if whole.parse_error {
            // A statement the prefilter leaves out may hold the syntax error: not comparable.
            continue;
        }
        assert!(!sparse.parse_error, "sparse parsing broke a clean file");
        let (sparse, whole) = (&sparse.migrations[0], &whole.migrations[0]);
        assert_eq!(
            sparse.findings, whole.findings,
            "{}: sparse and whole findings differ",
            with.path
        );
        assert_eq!(sparse.resolves_to, whole.resolves_to, "{}", with.path);
        assert_eq!(
            with.findings, without.findings,
            "{}: the prefilter changes the findings",
            with.path
        );
        assert_eq!(with.parse_error, without.parse_error, "{}", with.path);
        assert_eq!(
            with.resolves_to, without.resolves_to,
            "{}: the prefilter changes where the class comes from",
            with.path
        );
    }
});
