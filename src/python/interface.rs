//! The interface of a class definition as the class has it at run time: the members its
//! instances have and the ones the class object itself has (its own and its bases'), what kind
//! of class it is ([`ClassKind`]), the keywords its
//! constructor accepts ([`Keywords`]), and which of its methods return an instance of the class
//! (so that `state.copy_with_updates(...)` is known to be one too).
//!
//! [`read_class`] reads a top-level class of a parsed module. Bases defined in the same module
//! are read from it; bases imported from other project modules are asked of a [`BaseClasses`]
//! (the caller reads and parses the module, and calls [`read_class`] again); well-known bases
//! (`BaseModel`, `object`, `NamedTuple`, `TypedDict`, `Generic`, `Protocol`, `ABC`, the builtin
//! exceptions) are known by name ([`known_base`]); any other base is unresolved.
//!
//! # Run-time facts behind the rules
//!
//! Checked by hand with `python3` (3.11). What is said here of pydantic and attrs comes from
//! their documentation and source (the next section's claims were run, with pydantic 2.14.4 and
//! attrs 26.1.0):
//!
//! * `@dataclass` fields are the class-level annotated names of the class and of its dataclass
//!   bases (base fields first, a redefinition keeps the base's position), minus `ClassVar[...]`
//!   and the `_: KW_ONLY` marker; `field(init=False)` is a field but not a keyword.
//! * `x: InitVar[int]` is a keyword, and no attribute of the instance; but with a default
//!   (`= 0`, `= field(default=0)`) the default stays a class attribute, so `obj.x` reads it: an
//!   `InitVar` with a default stays a member, one without is removed from the members.
//! * A `@dataclass` whose body defines `__init__` keeps it: the constructor takes that
//!   `__init__`'s parameters, not the fields (`Own(a=1)` with fields `a, b` and
//!   `def __init__(self, z, *, w=1)` raises "unexpected keyword argument 'a'"). A `@dataclass`
//!   subclass of that class generates a new `__init__` from all the fields again, and
//!   `@dataclass(init=False)` generates none (the nearest base's `__init__` applies).
//! * An undecorated subclass of a dataclass gets no new fields: its own annotations are not
//!   keywords (`Und(Base2)` takes only `a`); it inherits the base's `__init__`.
//! * A `NamedTuple` takes its fields by keyword and nothing else; it cannot define `__init__` or
//!   `__new__` ("Cannot overwrite NamedTuple attribute"); a subclass of one gets no new fields.
//!   Its class has `_asdict`, `_field_defaults`, `_fields`, `_make`, `_replace`, `count`,
//!   `index`.
//! * A `TypedDict` is a `dict` at run time: `TD(a=1, zzz=2)` gives `{'a': 1, 'zzz': 2}`, so any
//!   keyword is accepted; its keys are no attributes of the class, but are listed as members.
//! * A plain class with no `__init__` (and no `__new__`) anywhere gets `object`'s: `Q(x=1)`
//!   raises "Q() takes no arguments". A class with `__new__` and no `__init__` takes what
//!   `__new__` takes.
//! * `Exception(x=1)` raises "takes no keyword arguments"; exceptions have `args`,
//!   `with_traceback` and `add_note` (`__notes__` only once a note was added).
//! * attrs (from its docs and source, not run): the keyword of `_x` is `x` (attrs strips every
//!   leading underscore: `name.lstrip("_")`), or the field's `alias=`; `define`/`frozen`/
//!   `mutable` have `auto_detect=True` (a hand-written `__init__` is kept) and guess
//!   `auto_attribs` (annotated names are fields unless an unannotated `attr.ib()`/`field()` is
//!   found); `attr.s` has both off unless passed.
//! * pydantic (from its docs, not run): fields are the annotated class-level names that are not
//!   `ClassVar` and do not start with `_` (those are private attributes); a `Field(alias=...)`
//!   name is accepted too; `extra` defaults to `ignore` and is inherited from the base's config.
//!
//! # What the class object has
//!
//! [`ClassInterface::class_members`] is what `dir(C)` lists, which is what `Mock(spec=C)`,
//! `create_autospec(C)` and `create_autospec(C, instance=True)` allow reading (checked: for every
//! name below, reading it off each of the three raises `AttributeError` exactly when the name is
//! not in `dir(C)`). Run with `python3.11`, pydantic 2.14.4 and attrs 26.1.0:
//!
//! * A plain class has what its body binds to a value: `k = 1`, `y: int = 2`, methods,
//!   properties, nested classes, `for`/`with` targets, imported names, and its `__slots__`
//!   entries (slot descriptors); not `x: int` alone, nor `self.attr = 1` in a method, nor
//!   `cls.registry = {}` in a classmethod (set only once it is called).
//! * A `@dataclass` keeps a field's plain default (`b: int = 0`) and `field(default=0)` (also
//!   with `init=False`) as class attributes, and an `InitVar` with a default, and
//!   `c: ClassVar[int] = 1`; a field without default, `field()`, and
//!   `field(default_factory=list)` leave no attribute. With `slots=True` every field but an
//!   `InitVar` is a slot descriptor, so all are in `dir(C)`. pydantic's `@dataclass` leaves
//!   `Field(...)` on the class, even `Field(default_factory=list)` (only `field(...)` is taken
//!   off). An undecorated subclass of a dataclass is a plain class: `u: int = 0` is in,
//!   `v: int` is not.
//! * attrs deletes its fields from the class, defaults included (`x = attr.ib(default=0)`,
//!   `_b: int = 0` with `auto_attribs`): `dir()` of an `@attr.s`, `@attr.s(auto_attribs=True)`,
//!   `@attr.dataclass` or `@attrs.define(slots=False)` class lists none of them. A slotted
//!   class (`@attrs.define`, `@frozen`, `@mutable` by default, `@attr.s(slots=True)`) has each
//!   field, `init=False` ones too, as a slot descriptor. Names that are not fields (a
//!   `ClassVar`, `plain = 5`, an annotated name when `auto_attribs` is off) stay, as in a plain
//!   class.
//! * A pydantic model has its methods, properties (`@computed_field` ones too), validators,
//!   nested classes (`class Config` too), `ClassVar` assignments with a value (`_cv` too),
//!   `__slots__` entries, and `BaseModel`'s methods ([`PYDANTIC_BASE_MODEL`], all in
//!   `dir(BaseModel)`); not its fields, with a default or not (`Mock(spec=P).b` raises for
//!   `b: int = 0` and `c: int = Field(default=1)`), nor its private attributes (`_u = 1`,
//!   `_p: int = 0`, `_q = PrivateAttr()`), nor a bare `ClassVar[int]`. (A public unannotated
//!   `K = 1` makes pydantic raise "A non-annotated attribute was detected"; such a name is left
//!   in, as it is when its value is a function.)
//! * A `NamedTuple`'s fields are descriptors on the class (`NT.a`), with its methods, other
//!   assignments (`k = 2`) and `_asdict`, `_fields`, ... A subclass of one is a plain class.
//! * A `TypedDict`'s keys are not attributes (`Mock(spec=TD).a` raises), its `dict` methods
//!   are; a method or a `k = 1` in its body is kept too (3.11 allows both), and so is a key
//!   with a value (`a: int = 1`).
//! * The class attributes of every base are the class's too (`dir` walks the MRO): a base read
//!   from the module or through [`BaseClasses`], or known ([`known_base`]: all their members
//!   are class attributes).
//!
//! # Approximations
//!
//! * Names bound as `__x` in a class body are kept as written (`__x`), in `members` and
//!   `class_members` alike, though Python stores them mangled (`_C__x`).
//! * A pydantic `_x = value` is taken for a private attribute even when `value` is a function
//!   or property (pydantic leaves those on the class).
//! * The constructor of a plain class is the nearest one found depth-first, left to right over
//!   its bases (Python's C3 order differs only for diamonds whose later branch defines it).
//! * Where a base we cannot read might supply fields or the constructor, the keywords are
//!   [`Keywords::Any`]; its name is in [`ClassInterface::unresolved_bases`].
//! * Base chains are read through [`BaseClasses`] with a cycle guard and a depth bound
//!   ([`MAX_BASE_DEPTH`]); a base that closes a cycle, or lies deeper, is unresolved.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use tree_sitter::Node;

use super::class_body::{
    annotation_head, call_parts, dotted, extra_value, keyword_arguments, last_name,
    scope_statements, undecorate, ClassBody, Entry, Params,
};
use super::class_kind::{field_decorator, FieldDecorator};
pub use super::class_kind::{known_base, ClassKind, Extra, Keywords, KnownBase};
use super::imports::{decode, Import};
use super::module_path::{ModuleOfFile, ModulePath};
use super::syntax::{plain_string, text, walk, Descend, Visitor, FIELDS, KINDS};

pub use super::class_kind::PYDANTIC_BASE_MODEL;

/// Pydantic methods that return an instance of the model they are called on (or for).
pub const PYDANTIC_SELF_RETURNING: &[&str] = &[
    "construct",
    "copy",
    "model_construct",
    "model_copy",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "parse_file",
    "parse_obj",
    "parse_raw",
];

/// How deep a chain of base classes is read (through [`BaseClasses`] and within a module).
pub const MAX_BASE_DEPTH: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassInterface {
    /// Methods, properties (and setters), nested classes, class-level assignments and
    /// annotations, `__slots__` entries, attributes the methods set on `self` (or `cls`), and
    /// the members of the bases we could read or know.
    pub members: BTreeSet<String>,
    /// The members the class object itself has (what `dir(C)` lists, so what `Mock(spec=C)`
    /// and `create_autospec(C)`, with or without `instance=True`, let a test read): always a
    /// subset of [`members`](Self::members). Per kind, see the module docs ("What the class
    /// object has"). Dunders as in `members`: the ones a class body binds (`__init__`,
    /// `__slots__`, `__post_init__`), never those every class gets from `object` or a
    /// decorator generates.
    pub class_members: BTreeSet<String>,
    /// Methods whose return annotation is the class itself (or `Self`), and inherited methods
    /// annotated `-> Self`.
    pub self_returning: BTreeSet<String>,
    pub kind: ClassKind,
    /// What the constructor accepts by keyword.
    pub keywords: Keywords,
    /// Bases we could neither read nor know, as written (`mixins.Mixin`), the ones of project
    /// bases included.
    pub unresolved_bases: BTreeSet<String>,
    /// What a subclass needs to know besides the above.
    pub inherited: Inherited,
}

/// The parts of a class's interface that only its subclasses read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inherited {
    /// The fields of a pydantic model, dataclass, attrs class or `NamedTuple` (the keys of a
    /// `TypedDict`), base fields first: a subclass's generated `__init__` takes them too.
    pub fields: Vec<Field>,
    /// The constructor is `object`'s: no class in the chain defines one, so a later base's
    /// constructor is the one that runs.
    pub object_constructor: bool,
    /// Methods annotated `-> Self`, inherited ones included.
    pub returns_self: BTreeSet<String>,
}

/// A field and the keywords the generated constructor takes for it (none for `init=False`;
/// the name and its alias for a pydantic field with `Field(alias=...)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub keywords: Vec<String>,
}

/// The project's classes, as the caller can read them.
pub trait BaseClasses {
    /// The interface of class `name` in project module `module` (usually by parsing the module's
    /// file and calling [`read_class`] with `self`); `None` when the module is not in the project
    /// or has no such class.
    fn interface(&self, module: &ModulePath, name: &str) -> Option<ClassInterface>;
}

/// No project module is readable: only bases in the same module, and known ones, resolve (the
/// unit tests' reader).
#[cfg(test)]
pub struct NoProjectBases;

#[cfg(test)]
impl BaseClasses for NoProjectBases {
    fn interface(&self, _module: &ModulePath, _name: &str) -> Option<ClassInterface> {
        None
    }
}

/// Reads the interface of the top-level class `name` in a parsed module (`None` when there is
/// no such class, or when it is already being read further up the stack: a base cycle).
/// `module` is the module the file defines, which relative imports and [`BaseClasses`] need.
pub fn read_class(
    root: Node<'_>,
    source: &[u8],
    name: &str,
    module: Option<&ModuleOfFile>,
    bases: &dyn BaseClasses,
) -> Option<ClassInterface> {
    Module::new(root, source, module, bases).read(name)
}

/// [`read_class`] without project bases: same-module and known bases only (the unit tests';
/// the scan reads bases through the project).
#[cfg(test)]
pub fn class_interface(root: Node<'_>, source: &[u8], name: &str) -> Option<ClassInterface> {
    read_class(root, source, name, None, &NoProjectBases)
}

/// A name is a dunder (`__init__`): part of the object protocol, never a risky member.
pub fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

thread_local! {
    /// The classes being read on this thread, outermost first: a base chain that comes back to
    /// one of them is a cycle. (Reading a base goes through the caller's [`BaseClasses`], which
    /// calls [`read_class`] again, so the stack cannot be passed along.)
    static READING: RefCell<Vec<(Option<ModulePath>, String)>> = const { RefCell::new(Vec::new()) };
}

/// A class on [`READING`] while it is read.
struct Reading;

impl Reading {
    /// `None` when the class is already being read, or the chain is too deep.
    fn enter(module: Option<&ModulePath>, name: &str) -> Option<Reading> {
        READING.with(|reading| {
            let mut reading = reading.borrow_mut();
            let key = (module.cloned(), name.to_owned());
            if reading.len() >= MAX_BASE_DEPTH || reading.contains(&key) {
                return None;
            }
            reading.push(key);
            Some(Reading)
        })
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        READING.with(|reading| {
            reading.borrow_mut().pop();
        });
    }
}

/// A base class as resolved.
enum Base {
    Class {
        interface: ClassInterface,
        /// The name of a known base (`NamedTuple`), not one read from the project.
        known: Option<String>,
    },
    Unresolved(String),
}

impl Base {
    /// `typing.NamedTuple` itself: the class statement makes a new named tuple type.
    fn is_named_tuple(&self) -> bool {
        matches!(self, Base::Class { known: Some(known), .. } if known == "NamedTuple")
    }
}

/// The bases that were read or are known.
fn resolved(bases: &[Base]) -> impl Iterator<Item = &ClassInterface> {
    bases.iter().filter_map(|base| match base {
        Base::Class { interface, .. } => Some(interface),
        Base::Unresolved(_) => None,
    })
}

/// A module being read: its top-level classes and the names its imports bind.
struct Module<'t, 'b> {
    source: &'t [u8],
    file: Option<&'b ModuleOfFile>,
    bases: &'b dyn BaseClasses,
    /// Top-level classes (also in module-level `if`/`try` blocks) and their decorators; a later
    /// definition wins, as at run time.
    classes: HashMap<&'t str, (Node<'t>, Vec<Node<'t>>)>,
    /// Local name -> dotted path, from the module-level imports.
    bindings: HashMap<&'t str, ModulePath>,
    /// Modules of `from m import *`, in order.
    stars: Vec<ModulePath>,
    /// Classes of this module already read (a diamond of same-module bases reads each once).
    read: RefCell<HashMap<String, Option<ClassInterface>>>,
}

impl<'t, 'b> Module<'t, 'b> {
    fn new(
        root: Node<'t>,
        source: &'t [u8],
        file: Option<&'b ModuleOfFile>,
        bases: &'b dyn BaseClasses,
    ) -> Self {
        let mut module = Module {
            source,
            file,
            bases,
            classes: HashMap::new(),
            bindings: HashMap::new(),
            stars: Vec::new(),
            read: RefCell::new(HashMap::new()),
        };
        for statement in scope_statements(root) {
            let (definition, decorators) = undecorate(statement);
            let kind = definition.kind_id();
            if kind == KINDS.class_definition {
                if let Some(name) = definition.child_by_field_id(FIELDS.name) {
                    module
                        .classes
                        .insert(text(name, source), (definition, decorators));
                }
            } else if kind == KINDS.import_statement || kind == KINDS.import_from_statement {
                match decode(definition, source, file) {
                    Some(Import::Names(names)) => {
                        for name in names {
                            module.bindings.insert(name.local_name, name.target);
                        }
                    }
                    Some(Import::Star { module: star, .. }) => module.stars.push(star),
                    None => {}
                }
            }
        }
        module
    }

    fn read(&self, name: &str) -> Option<ClassInterface> {
        if let Some(done) = self.read.borrow().get(name) {
            return done.clone();
        }
        let (class, decorators) = self.classes.get(name)?;
        let _reading = Reading::enter(self.file.map(|file| &file.module), name)?;
        let interface = self.compose(*class, decorators, name);
        self.read
            .borrow_mut()
            .insert(name.to_owned(), Some(interface.clone()));
        Some(interface)
    }

    /// Resolves a dotted name's first segment through the imports: `(path, bound)`.
    fn resolve_dotted(&self, dotted: &str) -> (String, bool) {
        let (first, rest) = match dotted.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (dotted, None),
        };
        match self.bindings.get(first) {
            Some(target) => (
                match rest {
                    Some(rest) => target.join(rest).as_str().to_owned(),
                    None => target.as_str().to_owned(),
                },
                true,
            ),
            None => (dotted.to_owned(), false),
        }
    }

    /// One entry of a class statement's argument list; `None` for `metaclass=...` and the other
    /// class keywords.
    fn base(&self, expression: Node<'t>) -> Option<Base> {
        if expression.kind_id() == KINDS.keyword_argument {
            return None;
        }
        // `Generic[T]`, `Base[int]`: the class subscripted.
        let expression = if expression.kind_id() == KINDS.subscript {
            expression
                .child_by_field_id(FIELDS.value)
                .unwrap_or(expression)
        } else {
            expression
        };
        let Some(written) = dotted(expression, self.source) else {
            return Some(Base::Unresolved(
                text(expression, self.source).trim().to_owned(),
            ));
        };
        let project = |interface: Option<ClassInterface>| {
            interface.map(|interface| Base::Class {
                interface,
                known: None,
            })
        };
        let known = |name: &str| {
            known_base(name).map(|known| Base::Class {
                interface: known_interface(known),
                known: Some(name.to_owned()),
            })
        };
        // A class of this module (a name with no dot cannot be anything else's).
        if self.classes.contains_key(written.as_str()) {
            return Some(project(self.read(&written)).unwrap_or(Base::Unresolved(written)));
        }
        let (path, bound) = self.resolve_dotted(&written);
        let path = ModulePath::new(path);
        let found = if bound {
            path.split_last()
                .and_then(|(module, name)| project(self.bases.interface(&module, name)))
                .or_else(|| known(last_name(path.as_str())))
        } else if !written.contains('.') {
            // Perhaps from a `from m import *`; the last one that has it wins.
            self.stars
                .iter()
                .rev()
                .find_map(|star| project(self.bases.interface(star, &written)))
                .or_else(|| known(&written))
        } else {
            known(last_name(&written))
        };
        Some(found.unwrap_or(Base::Unresolved(written)))
    }

    fn compose(&self, class: Node<'t>, decorators: &[Node<'t>], name: &str) -> ClassInterface {
        let source = self.source;
        let body = ClassBody::read(class, source, name);
        let decorator = decorators
            .iter()
            .find_map(|decorator| self.field_decorator(*decorator));
        let mut bases = Vec::new();
        let mut class_extra = None;
        if let Some(arguments) = class.child_by_field_id(FIELDS.superclasses) {
            let mut cursor = arguments.walk();
            for argument in arguments.named_children(&mut cursor) {
                bases.extend(self.base(argument));
            }
            for (keyword, value) in keyword_arguments(arguments, source) {
                if keyword == "extra" {
                    class_extra = extra_value(value, source);
                }
            }
        }

        let kind = match decorator {
            Some(FieldDecorator::Dataclass { .. }) => ClassKind::Dataclass,
            Some(FieldDecorator::Attrs { .. }) => ClassKind::Attrs,
            None => match resolved(&bases)
                .map(|base| base.kind)
                .find(|kind| *kind != ClassKind::Plain)
            {
                Some(ClassKind::Pydantic { extra }) => ClassKind::Pydantic {
                    extra: class_extra.or(body.extra).unwrap_or(extra),
                },
                Some(kind) => kind,
                None => ClassKind::Plain,
            },
        };
        let mut interface = ClassInterface {
            kind,
            members: body.members.clone(),
            class_members: self.own_class_members(kind, decorator, &body, &bases),
            self_returning: body.self_returning.clone(),
            ..ClassInterface::default()
        };
        if matches!(decorator, Some(FieldDecorator::Dataclass { .. })) {
            // No attribute comes of `x: InitVar[int]` or `_: KW_ONLY` without a value.
            for entry in &body.entries {
                if entry.value.is_none() && self.is_annotated(entry, &["InitVar", "KW_ONLY"]) {
                    interface.members.remove(entry.name);
                    interface.class_members.remove(entry.name);
                }
            }
        }
        interface.inherited.returns_self = body.returns_self.clone();
        for base in &bases {
            match base {
                Base::Class {
                    interface: base, ..
                } => {
                    interface.members.extend(base.members.iter().cloned());
                    interface
                        .class_members
                        .extend(base.class_members.iter().cloned());
                    let returns_self = base.inherited.returns_self.iter().cloned();
                    interface.self_returning.extend(returns_self.clone());
                    interface.inherited.returns_self.extend(returns_self);
                    interface
                        .unresolved_bases
                        .extend(base.unresolved_bases.iter().cloned());
                }
                Base::Unresolved(name) => {
                    interface.unresolved_bases.insert(name.clone());
                }
            }
        }

        let (fields, generated) = self.fields(kind, decorator, &body, &bases);
        interface.inherited.fields = fields;
        match generated {
            Some(keywords) => interface.keywords = keywords,
            None => {
                // The nearest `__init__` (or `__new__`): the class's own, else a base's.
                let (keywords, object_constructor) = match body.init.as_ref().or(body.new.as_ref())
                {
                    Some(params) => (of_params(params), false),
                    None => bases
                        .iter()
                        .find_map(|base| match base {
                            Base::Unresolved(_) => Some((Keywords::Any, false)),
                            Base::Class { interface, .. }
                                if !interface.inherited.object_constructor =>
                            {
                                Some((interface.keywords.clone(), false))
                            }
                            Base::Class { .. } => None,
                        })
                        .unwrap_or((Keywords::default(), true)),
                };
                interface.keywords = keywords;
                interface.inherited.object_constructor = object_constructor;
            }
        }
        debug_assert!(interface.class_members.is_subset(&interface.members));
        interface
    }

    /// What the class object gets from its own body (its bases' are added by the caller): the
    /// names the body binds to a value, as its kind's machinery leaves them (see the module
    /// docs, "What the class object has").
    fn own_class_members(
        &self,
        kind: ClassKind,
        decorator: Option<FieldDecorator>,
        body: &ClassBody<'t>,
        bases: &[Base],
    ) -> BTreeSet<String> {
        let mut names = body.class_members.clone();
        match decorator {
            Some(FieldDecorator::Dataclass { slots, .. }) => {
                for entry in &body.entries {
                    if entry.annotation.is_none()
                        || self.is_annotated(entry, &["ClassVar", "KW_ONLY"])
                    {
                        continue;
                    }
                    // `field(...)` leaves its `default=` on the class, or deletes the name.
                    let specifier = entry
                        .value
                        .and_then(|value| call_parts(value, self.source))
                        .filter(|(function, _)| last_name(function) == "field");
                    if let Some((_, keywords)) = specifier {
                        if keywords.iter().any(|(name, _)| *name == "default") {
                            names.insert(entry.name.to_owned());
                        } else {
                            names.remove(entry.name);
                        }
                    }
                    // `slots=True` makes every field but an `InitVar` a slot descriptor.
                    if slots && !self.is_annotated(entry, &["InitVar"]) {
                        names.insert(entry.name.to_owned());
                    }
                }
            }
            Some(FieldDecorator::Attrs {
                next_gen,
                auto_attribs,
                slots,
                ..
            }) => {
                // attrs deletes its fields from the class, and a slotted class has each as a
                // slot descriptor instead.
                for field in self.attrs_fields(&body.entries, next_gen, auto_attribs) {
                    if slots {
                        names.insert(field.name);
                    } else {
                        names.remove(&field.name);
                    }
                }
            }
            None => match kind {
                ClassKind::Pydantic { .. } => {
                    // Field defaults are taken off the class, and so are private attributes
                    // (`_x = 0`, `_x: int = 0`, `_x = PrivateAttr()`; not `_x: ClassVar[int]`).
                    for field in self.pydantic_fields(&body.entries) {
                        names.remove(&field.name);
                    }
                    for entry in &body.entries {
                        if entry.value.is_some()
                            && entry.name.starts_with('_')
                            && !is_dunder(entry.name)
                            && !self.is_annotated(entry, &["ClassVar"])
                        {
                            names.remove(entry.name);
                        }
                    }
                }
                // A named tuple's fields are descriptors on the class.
                ClassKind::NamedTuple if bases.iter().any(Base::is_named_tuple) => {
                    for entry in &body.entries {
                        if entry.annotation.is_some() {
                            names.insert(entry.name.to_owned());
                        }
                    }
                }
                _ => {}
            },
        }
        names
    }

    /// The class's fields (its bases' of the same kind first), and the keywords of the
    /// `__init__` its kind generates; `None` when no `__init__` is generated (a plain class, a
    /// `NamedTuple`'s or dataclass's undecorated subclass, `init=False`).
    fn fields(
        &self,
        kind: ClassKind,
        decorator: Option<FieldDecorator>,
        body: &ClassBody<'t>,
        bases: &[Base],
    ) -> (Vec<Field>, Option<Keywords>) {
        if kind == ClassKind::Plain {
            return (Vec::new(), None);
        }
        let same_kind = |base: &ClassInterface| {
            std::mem::discriminant(&base.kind) == std::mem::discriminant(&kind)
        };
        // The first base's fields win: dataclasses walk the MRO backwards, and so does pydantic.
        let mut fields = Vec::new();
        for base in resolved(bases).collect::<Vec<_>>().into_iter().rev() {
            if same_kind(base) {
                for field in &base.inherited.fields {
                    merge(&mut fields, field.clone());
                }
            }
        }
        // A base we cannot read may have fields we do not know.
        let unknown = bases.iter().any(|base| matches!(base, Base::Unresolved(_)))
            || resolved(bases).any(|base| same_kind(base) && base.keywords == Keywords::Any);
        let annotated = || {
            body.entries
                .iter()
                .filter(|entry| entry.annotation.is_some())
                .map(|entry| plain_field(entry.name))
        };
        let of_fields = |fields: &[Field]| {
            if unknown {
                Keywords::Any
            } else {
                Keywords::Only(
                    fields
                        .iter()
                        .flat_map(|field| field.keywords.iter().cloned())
                        .collect(),
                )
            }
        };
        let keywords = match decorator {
            Some(FieldDecorator::Dataclass { init, .. }) => {
                for field in self.dataclass_fields(&body.entries) {
                    merge(&mut fields, field);
                }
                match &body.init {
                    Some(own) => init.then(|| of_params(own)),
                    None => init.then(|| of_fields(&fields)),
                }
            }
            Some(FieldDecorator::Attrs {
                init,
                next_gen,
                auto_attribs,
                auto_detect,
                ..
            }) => {
                for field in self.attrs_fields(&body.entries, next_gen, auto_attribs) {
                    merge(&mut fields, field);
                }
                let keeps_own = auto_detect.unwrap_or(next_gen) && body.init.is_some();
                (init && !keeps_own).then(|| of_fields(&fields))
            }
            None => match kind {
                ClassKind::Pydantic { .. } => {
                    for field in self.pydantic_fields(&body.entries) {
                        merge(&mut fields, field);
                    }
                    Some(of_fields(&fields))
                }
                ClassKind::TypedDict => {
                    for field in annotated() {
                        merge(&mut fields, field);
                    }
                    Some(Keywords::Any)
                }
                ClassKind::NamedTuple if bases.iter().any(Base::is_named_tuple) => {
                    fields.extend(annotated());
                    Some(of_fields(&fields))
                }
                _ => None,
            },
        };
        (fields, keywords)
    }

    /// A class decorator that generates `__init__`, its imports resolved.
    fn field_decorator(&self, decorator: Node<'t>) -> Option<FieldDecorator> {
        let source = self.source;
        let (function, keywords) = match call_parts(decorator, source) {
            Some((function, keywords)) => (
                function,
                keywords
                    .into_iter()
                    .map(|(name, value)| (name, text(value, source)))
                    .collect(),
            ),
            None => (dotted(decorator, source)?, Vec::new()),
        };
        let (path, bound) = self.resolve_dotted(&function);
        field_decorator(&path, bound, keywords.iter().copied())
    }

    /// Whether an entry's annotation is one of `heads` (`ClassVar`, `InitVar`, ...).
    fn is_annotated(&self, entry: &Entry<'_>, heads: &[&str]) -> bool {
        entry
            .annotation
            .is_some_and(|a| heads.contains(&annotation_head(text(a, self.source))))
    }

    /// `x: int`, `x: int = Field(alias="y")`, `x: Annotated[int, Field(alias="y")]`; not
    /// `ClassVar`, `_private` or `model_config`.
    fn pydantic_fields(&self, entries: &[Entry<'t>]) -> Vec<Field> {
        let source = self.source;
        entries
            .iter()
            .filter(|entry| {
                entry.annotation.is_some()
                    && !entry.name.starts_with('_')
                    && entry.name != "model_config"
                    && !self.is_annotated(entry, &["ClassVar"])
            })
            .map(|entry| {
                let mut keywords = vec![entry.name.to_owned()];
                let mut calls = FieldCalls {
                    source,
                    aliases: Vec::new(),
                };
                for node in entry.value.iter().chain(entry.annotation.iter()) {
                    walk(*node, &mut calls);
                }
                for alias in calls.aliases {
                    if !keywords.contains(&alias) {
                        keywords.push(alias);
                    }
                }
                Field {
                    name: entry.name.to_owned(),
                    keywords,
                }
            })
            .collect()
    }

    /// Annotated names but `ClassVar` and `KW_ONLY`; `field(init=False)` takes no keyword.
    fn dataclass_fields(&self, entries: &[Entry<'t>]) -> Vec<Field> {
        entries
            .iter()
            .filter(|entry| {
                entry.annotation.is_some() && !self.is_annotated(entry, &["ClassVar", "KW_ONLY"])
            })
            .map(|entry| {
                let call = entry
                    .value
                    .and_then(|value| call_parts(value, self.source))
                    .filter(|(function, _)| last_name(function) == "field");
                let init = call.as_ref().is_none_or(|(_, keywords)| {
                    !keywords.iter().any(|(name, value)| {
                        *name == "init" && text(*value, self.source) == "False"
                    })
                });
                Field {
                    name: entry.name.to_owned(),
                    keywords: if init {
                        vec![entry.name.to_owned()]
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }

    /// `x = attr.ib()`, `x = attrs.field()`, and with `auto_attribs` annotated names; keyword
    /// `alias=` or the name without leading underscores; `init=False` takes none.
    fn attrs_fields(
        &self,
        entries: &[Entry<'t>],
        next_gen: bool,
        auto_attribs: Option<bool>,
    ) -> Vec<Field> {
        let source = self.source;
        let attribute_call = |entry: &Entry<'t>| {
            let (function, keywords) = call_parts(entry.value?, source)?;
            let (module, last) = match function.rsplit_once('.') {
                Some((module, last)) => (Some(module), last),
                None => (None, function.as_str()),
            };
            let from_attrs = module.is_none_or(|module| module == "attr" || module == "attrs");
            (from_attrs && matches!(last, "ib" | "attrib" | "attr" | "field")).then_some(keywords)
        };
        let auto_attribs = auto_attribs.unwrap_or_else(|| {
            next_gen
                && entries.iter().any(|entry| entry.annotation.is_some())
                && !entries
                    .iter()
                    .any(|entry| entry.annotation.is_none() && attribute_call(entry).is_some())
        });
        entries
            .iter()
            .filter(|entry| !self.is_annotated(entry, &["ClassVar"]))
            .filter_map(|entry| {
                let call = attribute_call(entry);
                if call.is_none() && !(auto_attribs && entry.annotation.is_some()) {
                    return None;
                }
                let keywords = call.unwrap_or_default();
                let init = !keywords
                    .iter()
                    .any(|(name, value)| *name == "init" && text(*value, source) == "False");
                let alias = keywords
                    .iter()
                    .find(|(name, _)| *name == "alias")
                    .and_then(|(_, value)| plain_string(*value, source));
                let keyword = alias.unwrap_or_else(|| entry.name.trim_start_matches('_'));
                Some(Field {
                    name: entry.name.to_owned(),
                    keywords: if init {
                        vec![keyword.to_owned()]
                    } else {
                        Vec::new()
                    },
                })
            })
            .collect()
    }
}

/// Adds a field, or redefines one in place (a subclass's `x` keeps the base's position).
fn merge(fields: &mut Vec<Field>, field: Field) {
    match fields.iter_mut().find(|known| known.name == field.name) {
        Some(known) => *known = field,
        None => fields.push(field),
    }
}

fn plain_field(name: &str) -> Field {
    Field {
        name: name.to_owned(),
        keywords: vec![name.to_owned()],
    }
}

fn of_params(params: &Params) -> Keywords {
    if params.var_keyword {
        Keywords::Any
    } else {
        Keywords::Only(params.keywords.clone())
    }
}

/// A known base's interface. Every member of a known base is an attribute of the class too
/// (checked with `python3` and pydantic 2.14: each name of [`PYDANTIC_BASE_MODEL`] is in
/// `dir(BaseModel)`, the `NamedTuple` and `dict` names in `dir()` of a `NamedTuple` and of a
/// `TypedDict` class, each exception's list is exactly the non-dunder part of its `dir()`).
fn known_interface(known: KnownBase) -> ClassInterface {
    let members: BTreeSet<String> = known.members.iter().map(|m| (*m).to_owned()).collect();
    ClassInterface {
        class_members: members.clone(),
        members,
        kind: known.kind,
        keywords: match known.keywords {
            Some(names) => Keywords::only(names.iter().copied()),
            None => Keywords::Any,
        },
        inherited: Inherited {
            object_constructor: known.object_constructor,
            ..Inherited::default()
        },
        ..ClassInterface::default()
    }
}

/// The `alias=` and `validation_alias=` strings of the `Field(...)` calls in a node.
struct FieldCalls<'t> {
    source: &'t [u8],
    aliases: Vec<String>,
}

impl<'t> Visitor<'t> for FieldCalls<'t> {
    fn enter(&mut self, node: Node<'t>, _parent: Option<Node<'t>>) -> Descend {
        if let Some((function, keywords)) = call_parts(node, self.source) {
            if last_name(&function) == "Field" {
                for (name, value) in keywords {
                    if name == "alias" || name == "validation_alias" {
                        if let Some(alias) = plain_string(value, self.source) {
                            self.aliases.push(alias.to_owned());
                        }
                    }
                }
            }
        }
        Descend::Yes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::syntax::parse;

    /// An in-memory project: module -> source.
    struct Project(HashMap<&'static str, &'static str>);

    impl Project {
        fn new(modules: &[(&'static str, &'static str)]) -> Self {
            Project(modules.iter().copied().collect())
        }

        fn read(&self, module: &str, name: &str) -> ClassInterface {
            self.interface(&ModulePath::new(module), name)
                .unwrap_or_else(|| panic!("no class {name} in {module}"))
        }
    }

    impl BaseClasses for Project {
        fn interface(&self, module: &ModulePath, name: &str) -> Option<ClassInterface> {
            let source = self.0.get(module.as_str())?.as_bytes();
            let tree = parse(source)?;
            let file = ModuleOfFile {
                module: module.clone(),
                is_package: false,
            };
            let interface = read_class(tree.root_node(), source, name, Some(&file), self)?;
            assert!(
                interface.class_members.is_subset(&interface.members),
                "{module:?}.{name}: class members {:?} are not all members",
                interface.class_members.difference(&interface.members)
            );
            Some(interface)
        }
    }

    /// A class of a module read alone.
    fn read(source: &'static str, name: &str) -> ClassInterface {
        Project::new(&[("m", source)]).read("m", name)
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn with(names: &[&str], base: &[&str]) -> BTreeSet<String> {
        names.iter().chain(base).map(|n| (*n).to_owned()).collect()
    }

    fn only(names: &[&str]) -> Keywords {
        Keywords::Only(set(names))
    }

    /// The members of a known base.
    fn known(name: &str) -> &'static [&'static str] {
        known_base(name).unwrap().members
    }

    #[test]
    fn reads_members_bases_and_self_returning_methods() {
        let source = br#"
class Base:
    base_field: int = 0

class State(Base, BaseModel):
    user_id: str
    CONSTANT = 1
    @property
    def thread_id(self) -> str: ...
    @thread_id.setter
    def thread_id(self, value): ...
    def copy_with_updates(self, **kw) -> "State": ...
    def merge(self) -> Optional["State"]: ...
    def other(self) -> int: ...
    class Config: ...
"#;
        let tree = parse(source).unwrap();
        let interface = class_interface(tree.root_node(), source, "State").unwrap();
        for member in [
            "user_id",
            "CONSTANT",
            "thread_id",
            "copy_with_updates",
            "Config",
            "base_field",
            "model_dump",
        ] {
            assert!(interface.members.contains(member), "{member}");
        }
        assert_eq!(
            interface
                .self_returning
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["copy_with_updates", "merge"]
        );
        assert!(class_interface(tree.root_node(), source, "Missing").is_none());
    }

    #[test]
    fn class_body_names() {
        let class = read(
            r#"
import functools
class C:
    a = 1
    b: int
    c: str = "x"
    d, (e, f) = 1, (2, 3)
    [g, *h] = [1, 2, 3]
    i = j = 0
    k += 1
    def method(self): ...
    async def coroutine(self): ...
    @functools.cached_property
    def cached(self): ...
    @property
    def prop(self): ...
    @prop.setter
    def prop(self, value): ...
    class Nested: ...
    @functools.total_ordering
    class DecoratedNested: ...
    if TYPE_CHECKING:
        in_if: int
    else:
        in_else = 1
    try:
        import json as in_try
    except ImportError:
        in_except = None
    for loop_var in range(3):
        in_for = loop_var
    with open("f") as in_with:
        pass
    obj.attr = 1
    items[0] = 1
"#,
            "C",
        );
        assert_eq!(
            class.members,
            set(&[
                "a",
                "b",
                "c",
                "d",
                "e",
                "f",
                "g",
                "h",
                "i",
                "j",
                "k",
                "method",
                "coroutine",
                "cached",
                "prop",
                "Nested",
                "DecoratedNested",
                "in_if",
                "in_else",
                "in_try",
                "in_except",
                "loop_var",
                "in_for",
                "in_with",
            ])
        );
        assert_eq!(class.kind, ClassKind::Plain);
        assert_eq!(class.keywords, only(&[]));
        assert!(class.unresolved_bases.is_empty());
    }

    #[test]
    fn slots_are_members() {
        let tuple = read("class C:\n    __slots__ = ('a', \"b\")\n", "C");
        assert_eq!(tuple.members, set(&["__slots__", "a", "b"]));
        let list = read("class C:\n    __slots__: list = ['a', 'b']\n", "C");
        assert_eq!(list.members, set(&["__slots__", "a", "b"]));
        let single = read("class C:\n    __slots__ = 'only'\n", "C");
        assert_eq!(single.members, set(&["__slots__", "only"]));
        let dict = read("class C:\n    __slots__ = {'a': 'doc'}\n", "C");
        assert_eq!(dict.members, set(&["__slots__", "a"]));
    }

    #[test]
    fn attributes_methods_set_on_their_first_parameter() {
        let class = read(
            r#"
class C:
    def __init__(this, other):
        this.plain = 1
        this.annotated: int = 2
        this.declared: int
        this.augmented += 1
        this.a, (this.b, [this.c, *this.d]) = 1, (2, [3, 4])
        this.chained = this.chain_end = 0
        other.not_mine = 1
        with open("f") as this.handle, lock:
            pass
        for this.cursor in range(3):
            pass
        if this:
            while True:
                try:
                    this.deep = 1
                except Exception:
                    pass
        def closure():
            this.from_closure = 1
        def shadows(this):
            this.shadowed = 1
        def assigns():
            this = object()
            this.assigned_local = 1
        def declares():
            nonlocal this
            this = other
            this.declared_nonlocal = 1
        lambda this: setattr(this, "x", 1)
        class Inner:
            def method(self):
                self.inner_attr = 1
            this.in_inner_body = 1
    @classmethod
    def make(cls):
        cls.registry = {}
    @staticmethod
    def helper(self):
        self.static_not_counted = 1
    def method(self, *args):
        self.later = [self.x for self.comprehended in args]
"#,
            "C",
        );
        let expected = set(&[
            "__init__",
            "make",
            "helper",
            "method",
            "plain",
            "annotated",
            "declared",
            "augmented",
            "a",
            "b",
            "c",
            "d",
            "chained",
            "chain_end",
            "handle",
            "cursor",
            "deep",
            "from_closure",
            "declared_nonlocal",
            "in_inner_body",
            "registry",
            "later",
            "comprehended",
        ]);
        assert_eq!(class.members, expected);
        assert_eq!(class.keywords, only(&["other"]));
    }

    #[test]
    fn pydantic_models_fields_aliases_and_extra() {
        let project = Project::new(&[(
            "m",
            r#"
from typing import ClassVar, Annotated
from pydantic import BaseModel, ConfigDict, Extra, Field

class Model(BaseModel):
    name: str
    user_id: str = Field(alias="userId")
    tags: Annotated[list, Field(validation_alias="labels")] = []
    _private: int = 0
    counter: ClassVar[int] = 0
    CONSTANT = 1
    def method(self): ...

class Child(Model):
    extra_field: int = 0
    name: str = "redefined"

class Forbidding(BaseModel):
    model_config = ConfigDict(extra="forbid")

class ForbiddingDict(BaseModel):
    model_config: ClassVar[ConfigDict] = {"extra": "forbid", "frozen": True}

class OldConfig(BaseModel):
    class Config:
        extra = Extra.allow

class OldConfigString(BaseModel):
    class Config:
        extra = "forbid"

class Keyword(BaseModel, extra="allow"):
    pass

class InheritsExtra(Forbidding):
    pass

class OverridesExtra(Forbidding, extra=Extra.ignore):
    pass
"#,
        )]);
        let model = project.read("m", "Model");
        assert_eq!(
            model.kind,
            ClassKind::Pydantic {
                extra: Extra::Ignore
            }
        );
        assert_eq!(
            model.keywords,
            only(&["name", "user_id", "userId", "tags", "labels"])
        );
        assert_eq!(
            model.members,
            with(
                &["name", "user_id", "tags", "_private", "counter", "CONSTANT", "method"],
                PYDANTIC_BASE_MODEL
            )
        );
        assert!(model.keywords.accepts("userId") && !model.keywords.accepts("_private"));

        let child = project.read("m", "Child");
        assert_eq!(
            child.kind,
            ClassKind::Pydantic {
                extra: Extra::Ignore
            }
        );
        assert_eq!(
            child.keywords,
            only(&["name", "user_id", "userId", "tags", "labels", "extra_field"])
        );
        assert_eq!(
            child
                .inherited
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            ["name", "user_id", "tags", "extra_field"]
        );
        assert!(child.members.contains("method") && child.members.contains("extra_field"));

        let extra = |name| match project.read("m", name).kind {
            ClassKind::Pydantic { extra } => extra,
            kind => panic!("{name} is {kind:?}"),
        };
        assert_eq!(extra("Forbidding"), Extra::Forbid);
        assert_eq!(extra("ForbiddingDict"), Extra::Forbid);
        assert_eq!(extra("OldConfig"), Extra::Allow);
        assert_eq!(extra("OldConfigString"), Extra::Forbid);
        assert_eq!(extra("Keyword"), Extra::Allow);
        assert_eq!(extra("InheritsExtra"), Extra::Forbid);
        assert_eq!(extra("OverridesExtra"), Extra::Ignore);
        assert_eq!(project.read("m", "Forbidding").keywords, only(&[]));
    }

    /// Checked with `python3`: `D`'s signature is `(a, b=0, e=0)`; `D(a=1, d=2)` raises
    /// "unexpected keyword argument 'd'"; `D.e` is `0` (an `InitVar` default stays a class
    /// attribute) while `f` (no default) is no attribute; `_: KW_ONLY` leaves no `_`.
    #[test]
    fn dataclass_fields_are_keywords() {
        let class = read(
            r#"
from dataclasses import dataclass, field, InitVar, KW_ONLY
from typing import ClassVar

@dataclass
class D:
    a: int
    f: InitVar[str]
    b: int = 0
    c: ClassVar[int] = 1
    d: int = field(default=0, init=False)
    e: InitVar[int] = 0
    _: KW_ONLY
    g: int = 0
    plain = 5
    def __post_init__(self, e, f):
        self.h = e
"#,
            "D",
        );
        assert_eq!(class.kind, ClassKind::Dataclass);
        assert_eq!(class.keywords, only(&["a", "b", "e", "f", "g"]));
        assert_eq!(
            class.members,
            set(&["a", "b", "c", "d", "e", "g", "plain", "__post_init__", "h"])
        );
        assert_eq!(
            class
                .inherited
                .fields
                .iter()
                .map(|f| (f.name.as_str(), f.keywords.len()))
                .collect::<Vec<_>>(),
            [("a", 1), ("f", 1), ("b", 1), ("d", 0), ("e", 1), ("g", 1)]
        );
    }

    /// Checked with `python3`: a `@dataclass` that defines `__init__` keeps it (`Own(a=1)`
    /// raises "unexpected keyword argument 'a'"); a `@dataclass` subclass of it generates one from
    /// all fields again (`(a, b, c)`); an undecorated subclass of a dataclass takes the base's
    /// fields only (`(a)`); `@dataclass(init=False)` takes no keyword (`object`'s `__init__`), and
    /// a `@dataclass` subclass of it takes its fields again (`(a, n=0)`).
    #[test]
    fn dataclass_inheritance_and_own_init() {
        let class = |name| {
            read(
                r#"
import dataclasses
from dataclasses import dataclass, field
from dataclasses import dataclass as dc

@dataclasses.dataclass(order=True)
class Base:
    a: int
    b: int = 0

@dc
class Own(Base):
    c: int = 0
    def __init__(self, z, *, w=1):
        self.z = z

@dataclass
class OwnChild(Own):
    d: int = 3
    b: int = field(default=1, init=False)

class Undecorated(Base):
    e: int = 0

@dataclasses.dataclass(init=False)
class NoInit:
    a: int

@dataclass
class AfterNoInit(NoInit):
    n: int = 0
"#,
                name,
            )
        };
        assert_eq!(class("Base").keywords, only(&["a", "b"]));
        let own = class("Own");
        assert_eq!(own.kind, ClassKind::Dataclass);
        assert_eq!(own.keywords, only(&["z", "w"]));
        assert_eq!(own.members, set(&["a", "b", "c", "__init__", "z"]));
        assert_eq!(class("OwnChild").keywords, only(&["a", "c", "d"]));
        let undecorated = class("Undecorated");
        assert_eq!(undecorated.kind, ClassKind::Dataclass);
        assert_eq!(undecorated.keywords, only(&["a", "b"]));
        assert_eq!(undecorated.members, set(&["a", "b", "e"]));
        let no_init = class("NoInit");
        assert_eq!(no_init.kind, ClassKind::Dataclass);
        assert_eq!(no_init.keywords, only(&[]));
        // `init=False` generates no `__init__`, but the fields are there for a subclass's.
        assert_eq!(class("AfterNoInit").keywords, only(&["a", "n"]));
    }

    #[test]
    fn attrs_fields_strip_underscores() {
        let class = |name| {
            read(
                r#"
import attr
import attrs
from attrs import define, field, frozen

@attr.s
class Classic:
    x = attr.ib()
    _y = attr.ib(default=0)
    z = attr.ib(init=False)
    annotated_only: int = 0
    aliased = attr.ib(alias="other")

@attr.s(auto_attribs=True)
class Auto:
    a: int
    _b: int = 0
    c: ClassVar[int] = 0

@define
class Defined:
    a: int
    __b: int = 0
    c: int = field(init=False)
    def __init__(self, q):
        self.q = q

@frozen(slots=True)
class Frozen:
    a: int
    unannotated = field()

@attrs.mutable
class Mutable(Defined):
    d: str = ""
"#,
                name,
            )
        };
        let classic = class("Classic");
        assert_eq!(classic.kind, ClassKind::Attrs);
        assert_eq!(classic.keywords, only(&["x", "y", "other"]));
        assert_eq!(
            classic.members,
            set(&["x", "_y", "z", "annotated_only", "aliased"])
        );
        assert_eq!(class("Auto").keywords, only(&["a", "b"]));
        // `define` keeps a hand-written `__init__` (auto_detect).
        assert_eq!(class("Defined").keywords, only(&["q"]));
        // An unannotated `field()` turns the annotated names' guess off.
        assert_eq!(class("Frozen").keywords, only(&["unannotated"]));
        assert_eq!(class("Mutable").keywords, only(&["a", "b", "d"]));
    }

    /// Checked with `python3`: `NT(a=1, c=2)` raises "unexpected keyword argument 'c'"; a
    /// subclass's annotations are no fields (`B._fields == ('a',)`).
    #[test]
    fn named_tuples_take_their_fields() {
        let class = |name| {
            read(
                r#"
import typing
from typing import NamedTuple

class NT(NamedTuple):
    a: int
    b: str = "x"
    def method(self): ...

class Dotted(typing.NamedTuple):
    x: int

class Sub(NT):
    c: int = 0
"#,
                name,
            )
        };
        let named = class("NT");
        assert_eq!(named.kind, ClassKind::NamedTuple);
        assert_eq!(named.keywords, only(&["a", "b"]));
        assert_eq!(
            named.members,
            set(&[
                "a",
                "b",
                "method",
                "_asdict",
                "_field_defaults",
                "_fields",
                "_make",
                "_replace",
                "count",
                "index",
            ])
        );
        assert_eq!(class("Dotted").keywords, only(&["x"]));
        let sub = class("Sub");
        assert_eq!(sub.kind, ClassKind::NamedTuple);
        assert_eq!(sub.keywords, only(&["a", "b"]));
        assert!(sub.members.contains("c"));
    }

    /// Checked with `python3`: `TD(a=1, zzz=2)` returns the dict `{'a': 1, 'zzz': 2}`.
    #[test]
    fn typed_dicts_take_any_keyword() {
        let class = |name| {
            read(
                r#"
from typing import TypedDict

class TD(TypedDict, total=False):
    a: int
    b: str

class Sub(TD):
    c: int
"#,
                name,
            )
        };
        let typed = class("TD");
        assert_eq!(typed.kind, ClassKind::TypedDict);
        assert_eq!(typed.keywords, Keywords::Any);
        assert!(typed.keywords.accepts("zzz"));
        assert!(typed.members.contains("a") && typed.members.contains("keys"));
        let sub = class("Sub");
        assert_eq!(sub.kind, ClassKind::TypedDict);
        assert_eq!(
            sub.inherited
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    /// Checked with `python3`: `P(a=1, ...)` raises "got some positional-only arguments passed
    /// as keyword arguments: 'a'"; `Q(x=1)` and `QQ(x=1)` raise "takes no arguments";
    /// `N(a=1)` works with only `__new__(cls, a)`; `MyExc(x=1)` raises "takes no keyword
    /// arguments".
    #[test]
    fn plain_classes_take_their_init_parameters() {
        let class = |name| {
            read(
                r#"
class P:
    def __init__(self, a, /, b, *args, c, d=1, e: int = 2): ...

class Star:
    def __init__(self, *, only: int): ...

class Kwargs:
    def __init__(self, a, **kwargs: object): ...

class Q:
    pass

class QQ(Q):
    x = 1

class Sub(P):
    pass

class Mixin:
    def helper(self): ...

class Mixed(Mixin, Star):
    pass

class N:
    def __new__(cls, a, *, b=0):
        return super().__new__(cls)

class MyExc(Exception):
    pass

class MyImportError(ImportError):
    pass

class External(SomeUnknownBase):
    pass

class ExternalWithInit(SomeUnknownBase):
    def __init__(self, a): ...

class Overloaded:
    @overload
    def __init__(self, a: int): ...
    @overload
    def __init__(self, b: str): ...
    def __init__(self, a=None, b=None): ...
"#,
                name,
            )
        };
        assert_eq!(class("P").keywords, only(&["b", "c", "d", "e"]));
        assert_eq!(class("Star").keywords, only(&["only"]));
        assert_eq!(class("Kwargs").keywords, Keywords::Any);
        let q = class("Q");
        assert_eq!(q.keywords, only(&[]));
        assert!(q.inherited.object_constructor);
        assert_eq!(class("QQ").keywords, only(&[]));
        assert_eq!(class("Sub").keywords, only(&["b", "c", "d", "e"]));
        assert_eq!(class("Mixed").keywords, only(&["only"]));
        assert_eq!(class("N").keywords, only(&["a", "b"]));
        let exception = class("MyExc");
        assert_eq!(exception.keywords, only(&[]));
        assert_eq!(
            exception.members,
            set(&["args", "with_traceback", "add_note"])
        );
        assert_eq!(class("MyImportError").keywords, only(&["name", "path"]));
        let external = class("External");
        assert_eq!(external.keywords, Keywords::Any);
        assert_eq!(external.unresolved_bases, set(&["SomeUnknownBase"]));
        assert_eq!(class("ExternalWithInit").keywords, only(&["a"]));
        assert_eq!(class("Overloaded").keywords, only(&["a", "b"]));
    }

    #[test]
    fn bases_from_other_project_modules() {
        let project = Project::new(&[
            (
                "pkg.base",
                r#"
from pydantic import BaseModel as PydanticModel

class Base(PydanticModel):
    base_field: int = 0
    def clone(self) -> "Self": ...
    def as_base(self) -> "Base": ...

class Plain:
    def __init__(self, x):
        self.x = x
"#,
            ),
            (
                "pkg.models",
                r#"
from .base import Base
from .base import Plain as Renamed
from pkg.base import Plain as Absolute
import pkg.base
import pkg.base as pb
from pkg import base
from pkg.missing import Gone
from pkg.base import *
import mixins

class Direct(Base):
    own: str

class Aliased(Renamed):
    pass

class AbsoluteImport(Absolute):
    pass

class Dotted(pkg.base.Plain):
    pass

class ModuleAlias(pb.Plain):
    pass

class FromPackage(base.Plain):
    pass

class Starred(Plain):
    pass

class Unreadable(Gone, mixins.Mixin, NotImported):
    pass
"#,
            ),
        ]);
        let direct = project.read("pkg.models", "Direct");
        assert_eq!(
            direct.kind,
            ClassKind::Pydantic {
                extra: Extra::Ignore
            }
        );
        assert_eq!(direct.keywords, only(&["base_field", "own"]));
        assert_eq!(
            direct.members,
            with(
                &["base_field", "clone", "as_base", "own"],
                PYDANTIC_BASE_MODEL
            )
        );
        // A base's `-> Self` method returns the subclass too; its `-> "Base"` one does not.
        assert_eq!(direct.self_returning, set(&["clone"]));
        assert!(direct.unresolved_bases.is_empty());
        for name in [
            "Aliased",
            "AbsoluteImport",
            "Dotted",
            "ModuleAlias",
            "FromPackage",
            "Starred",
        ] {
            let class = project.read("pkg.models", name);
            assert_eq!(class.members, set(&["__init__", "x"]), "{name}");
            assert_eq!(class.keywords, only(&["x"]), "{name}");
            assert!(class.unresolved_bases.is_empty(), "{name}");
        }
        let unreadable = project.read("pkg.models", "Unreadable");
        assert_eq!(
            unreadable.unresolved_bases,
            set(&["Gone", "mixins.Mixin", "NotImported"])
        );
        assert_eq!(unreadable.keywords, Keywords::Any);
    }

    #[test]
    fn base_cycles_end() {
        let project = Project::new(&[
            ("a", "from b import B\nclass A(B):\n    a = 1\n"),
            ("b", "from a import A\nclass B(A):\n    b = 1\n"),
            (
                "same",
                "class X(Y):\n    x = 1\nclass Y(X):\n    y = 1\nclass Z(Z):\n    pass\n",
            ),
        ]);
        let a = project.read("a", "A");
        assert_eq!(a.members, set(&["a", "b"]));
        assert_eq!(a.unresolved_bases, set(&["A"]));
        let x = project.read("same", "X");
        assert_eq!(x.members, set(&["x", "y"]));
        assert_eq!(x.unresolved_bases, set(&["X"]));
        assert_eq!(project.read("same", "Z").keywords, Keywords::Any);
    }

    /// Checked with `python3.11`: the non-dunder part of `dir(Plain)` is exactly this set but
    /// `x`, `attr` and `registry`; `Mock(spec=Plain).attr` raises.
    #[test]
    fn class_members_of_a_plain_class() {
        let class = read(
            r#"
import contextlib

class Plain:
    __slots__ = ("s1", "s2")
    k = 1
    x: int
    y: int = 2
    a, (b, c) = 1, (2, 3)
    k += 1
    def method(self):
        self.attr = 1
    @property
    def prop(self): ...
    @prop.setter
    def prop(self, value): ...
    class Nested: ...
    for loop_var in range(1):
        pass
    with contextlib.nullcontext(1) as handle:
        pass
    import json as imported
    @classmethod
    def make(cls):
        cls.registry = {}
"#,
            "Plain",
        );
        let class_members = [
            "__slots__",
            "s1",
            "s2",
            "k",
            "y",
            "a",
            "b",
            "c",
            "method",
            "prop",
            "Nested",
            "loop_var",
            "handle",
            "imported",
            "make",
        ];
        assert_eq!(class.class_members, set(&class_members));
        assert_eq!(
            class.members,
            with(&["x", "attr", "registry"], &class_members)
        );
    }

    /// Checked with `python3.11`: the non-dunder part of `dir(D)` is `b`, `c`, `d`, `e`, `g`,
    /// `plain` (not `a`, `f`, `fac`, `nodef`, `bare`, `h`), and `D` has its `__post_init__`;
    /// `dir(Slotted)` has every field (slot descriptors), `iv` (an `InitVar`'s default stays a
    /// class attribute), `cv` and `method`; `dir(Undecorated)` adds `u` but not `v`.
    #[test]
    fn class_members_of_dataclasses() {
        let class = |name| {
            read(
                r#"
from dataclasses import dataclass, field, InitVar, KW_ONLY
from typing import ClassVar

@dataclass
class D:
    a: int
    f: InitVar[str]
    b: int = 0
    c: ClassVar[int] = 1
    bare: ClassVar[int]
    d: int = field(default=0, init=False)
    e: InitVar[int] = 0
    _: KW_ONLY
    fac: list = field(default_factory=list)
    nodef: int = field()
    g: int = 0
    plain = 5
    def __post_init__(self, f, e):
        self.h = e

@dataclass(slots=True)
class Slotted:
    a: int
    b: int = 0
    fac: list = field(default_factory=list)
    iv: InitVar[int] = 0
    cv: ClassVar[int] = 1
    def method(self): ...

class Undecorated(D):
    u: int = 0
    v: int
"#,
                name,
            )
        };
        let d = ["b", "c", "d", "e", "g", "plain", "__post_init__"];
        let dataclass = class("D");
        assert_eq!(dataclass.class_members, set(&d));
        assert_eq!(
            dataclass.members,
            with(&["a", "fac", "nodef", "bare", "h"], &d)
        );
        assert_eq!(
            class("Slotted").class_members,
            set(&["a", "b", "fac", "iv", "cv", "method"])
        );
        assert_eq!(class("Undecorated").class_members, with(&["u"], &d));
    }

    /// Checked with `python3.11` and attrs 26.1.0: the non-dunder part of each class's `dir()`
    /// is exactly the set asserted.
    #[test]
    fn class_members_of_attrs_classes() {
        let class = |name| {
            read(
                r#"
import attr
import attrs
from attrs import define, field, frozen
from typing import ClassVar

@attr.s
class Classic:
    x = attr.ib()
    _y = attr.ib(default=0)
    z = attr.ib(init=False, default=1)
    annotated_only: int = 0
    cv: ClassVar[int] = 1
    plain = 5
    def method(self):
        self.set_in_method = 1

@attr.s(slots=True)
class ClassicSlots:
    x = attr.ib()
    y = attr.ib(default=0)
    plain = 5

@attr.s(auto_attribs=True)
class Auto:
    a: int
    _b: int = 0
    c: ClassVar[int] = 0

@define
class Defined:
    a: int
    b: int = 0
    c: int = field(init=False)
    cv: ClassVar[int] = 2
    plain = 5
    @property
    def prop(self): ...
    class Nested: ...

@define(slots=False)
class NotSlotted:
    a: int
    b: int = 0
    plain = 5
    def method(self): ...

@frozen
class Frozen:
    a: int
    unannotated = field()
    also_annotated: int = 3

@attrs.mutable
class Mutable(Defined):
    d: str = ""
"#,
                name,
            )
        };
        let classic = class("Classic");
        assert_eq!(
            classic.class_members,
            set(&["annotated_only", "cv", "plain", "method"])
        );
        assert_eq!(
            classic.members,
            set(&[
                "x",
                "_y",
                "z",
                "annotated_only",
                "cv",
                "plain",
                "method",
                "set_in_method"
            ])
        );
        assert_eq!(
            class("ClassicSlots").class_members,
            set(&["x", "y", "plain"])
        );
        assert_eq!(class("Auto").class_members, set(&["c"]));
        let defined = ["a", "b", "c", "cv", "plain", "prop", "Nested"];
        assert_eq!(class("Defined").class_members, set(&defined));
        assert_eq!(class("NotSlotted").class_members, set(&["plain", "method"]));
        // `a` is no field (the unannotated `field()` turns `auto_attribs` off): a bare
        // annotation.
        assert_eq!(
            class("Frozen").class_members,
            set(&["unannotated", "also_annotated"])
        );
        assert_eq!(class("Mutable").class_members, with(&["d"], &defined));
    }

    /// Checked with `python3.11` and pydantic 2.14.4: the non-dunder part of `dir(Model)` less
    /// `dir(BaseModel)` is exactly `_cv`, `counter`, `method`, `_helper`, `prop`, `computed`,
    /// `check_a` and `Nested`; `Mock(spec=Model).b` and `.c` raise; `model_config` and the
    /// [`PYDANTIC_BASE_MODEL`] names are all in `dir(BaseModel)`; `Child` adds `K` only.
    #[test]
    fn class_members_of_pydantic_models() {
        let project = Project::new(&[(
            "m",
            r#"
from typing import ClassVar
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, computed_field, field_validator

class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: int
    b: int = 0
    c: int = Field(default=1)
    _u = 1
    _p: int = 0
    _q = PrivateAttr()
    _cv: ClassVar[int] = 1
    counter: ClassVar[int] = 0
    bare: ClassVar[int]
    def method(self): ...
    def _helper(self): ...
    @property
    def prop(self): ...
    @computed_field
    @property
    def computed(self) -> int: ...
    @field_validator("a")
    @classmethod
    def check_a(cls, value): ...
    class Nested: ...

class Child(Model):
    d: str = ""
    K: ClassVar[int] = 3
"#,
        )]);
        let own = [
            "_cv", "counter", "method", "_helper", "prop", "computed", "check_a", "Nested",
        ];
        let class_members = with(&own, PYDANTIC_BASE_MODEL);
        let model = project.read("m", "Model");
        assert_eq!(model.class_members, class_members);
        let instance_only = set(&["a", "b", "c", "_u", "_p", "_q", "bare"]);
        assert_eq!(
            model.members,
            &class_members | &instance_only,
            "fields and private attributes are the instance's only"
        );
        let child = project.read("m", "Child");
        assert_eq!(child.class_members, &class_members | &set(&["K"]));
        assert!(child.members.contains("d") && !child.class_members.contains("d"));
    }

    /// Checked with `python3.11`: `dir(NT)` lists the fields `a` and `b` (descriptors), `k`,
    /// `method` and the `NamedTuple` methods; `dir(Sub)` adds `c` (a plain class attribute),
    /// not `d`.
    #[test]
    fn class_members_of_named_tuples() {
        let class = |name| {
            read(
                r#"
from typing import NamedTuple

class NT(NamedTuple):
    a: int
    b: str = "x"
    k = 2
    def method(self): ...

class Sub(NT):
    c: int = 0
    d: int
"#,
                name,
            )
        };
        let named = class("NT");
        let own = ["a", "b", "k", "method"];
        assert_eq!(named.class_members, with(&own, known("NamedTuple")));
        assert_eq!(named.members, named.class_members);
        let sub = class("Sub");
        assert_eq!(
            sub.class_members,
            with(&[&own[..], &["c"]].concat(), known("NamedTuple"))
        );
        assert!(sub.members.contains("d"));
    }

    /// Checked with `python3.11`: `dir(TD)` and `dir(Sub)` are `dir(dict)` (`Mock(spec=TD).a`
    /// raises); `dir(Odd)` adds `a` (its value), `k` and `method`.
    #[test]
    fn class_members_of_typed_dicts() {
        let class = |name| {
            read(
                r#"
from typing import TypedDict

class TD(TypedDict, total=False):
    a: int
    b: str

class Sub(TD):
    c: int

class Odd(TypedDict):
    a: int = 1
    k = 1
    def method(self): ...
"#,
                name,
            )
        };
        let typed = class("TD");
        assert_eq!(typed.class_members, set(known("TypedDict")));
        assert_eq!(typed.members, with(&["a", "b"], known("TypedDict")));
        assert_eq!(class("Sub").class_members, set(known("TypedDict")));
        assert_eq!(
            class("Odd").class_members,
            with(&["a", "k", "method"], known("TypedDict"))
        );
    }

    /// Checked with `python3.11` and pydantic 2.14.4, the two modules as a package: the
    /// non-dunder part of `dir(Model)` less `dir(BaseModel)` is `LIMIT` and `helper`; that of
    /// `dir(Mixed)` is exactly the set asserted.
    #[test]
    fn class_members_come_from_every_base() {
        let project = Project::new(&[
            (
                "pkg.base",
                r#"
from typing import ClassVar
from pydantic import BaseModel

class Base(BaseModel):
    field_a: int = 0
    LIMIT: ClassVar[int] = 1
    def helper(self): ...

class Plain:
    k = 1
    def __init__(self, x):
        self.x = x
"#,
            ),
            (
                "pkg.models",
                r#"
from .base import Base, Plain

class Local:
    local_k = 1

class Model(Base):
    own: str

class Mixed(Plain, Local, ValueError):
    own_k = 2
"#,
            ),
        ]);
        let model = project.read("pkg.models", "Model");
        assert_eq!(
            model.class_members,
            with(&["LIMIT", "helper"], PYDANTIC_BASE_MODEL)
        );
        assert_eq!(
            model.members,
            with(&["field_a", "own", "LIMIT", "helper"], PYDANTIC_BASE_MODEL)
        );
        let mixed = project.read("pkg.models", "Mixed");
        assert_eq!(
            mixed.class_members,
            set(&[
                "k",
                "__init__",
                "local_k",
                "own_k",
                "args",
                "with_traceback",
                "add_note"
            ])
        );
        assert!(mixed.members.contains("x") && !mixed.class_members.contains("x"));
    }

    /// The string literals of this module's tests, as written (raw strings) or unescaped.
    fn test_snippets() -> Vec<String> {
        let source = include_str!("interface.rs");
        let tests = &source[source.find("\nmod tests {").expect("the tests module")..];
        let quote = char::from(34);
        let mut snippets = Vec::new();
        let mut chars = tests.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let rest = &tests[at..];
            if rest.starts_with("//") {
                chars.find(|(_, c)| *c == '\n');
            } else if let Some(raw) = rest
                .strip_prefix("br#")
                .or_else(|| rest.strip_prefix("r#"))
                .and_then(|raw| raw.strip_prefix(quote))
            {
                let end = raw.find(&format!("{quote}#")).expect("a raw string's end");
                snippets.push(raw[..end].to_owned());
                // Past the closing quote and hash.
                let after = at + (rest.len() - raw.len()) + end + 2;
                while chars.peek().is_some_and(|(next, _)| *next < after) {
                    chars.next();
                }
            } else if c == '\'' {
                // A char literal (`'x'`, `'\n'`) or a lifetime (`'static`).
                let literal =
                    rest.chars().nth(1) == Some('\\') || rest.chars().nth(2) == Some('\'');
                if literal {
                    chars.next();
                    chars.find(|(_, c)| *c == '\'');
                }
            } else if c == quote {
                let mut snippet = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => match chars.next().map(|(_, c)| c) {
                            Some('n') => snippet.push('\n'),
                            Some(other) => snippet.push(other),
                            None => {}
                        },
                        c if c == quote => break,
                        c => snippet.push(c),
                    }
                }
                snippets.push(snippet);
            }
        }
        snippets
    }

    #[test]
    fn class_members_are_members_on_every_snippet() {
        let mut classes = 0;
        for snippet in test_snippets() {
            // Python only (not a message that happens to say "class ...").
            let Some(tree) = parse(snippet.as_bytes()).filter(|tree| !tree.root_node().has_error())
            else {
                continue;
            };
            let root = tree.root_node();
            for statement in scope_statements(root) {
                let (definition, _) = undecorate(statement);
                if definition.kind_id() != KINDS.class_definition {
                    continue;
                }
                let name = text(
                    definition.child_by_field_id(FIELDS.name).unwrap(),
                    snippet.as_bytes(),
                );
                let interface = class_interface(root, snippet.as_bytes(), name).unwrap();
                assert!(
                    interface.class_members.is_subset(&interface.members),
                    "{name}: {:?} in\n{snippet}",
                    interface.class_members.difference(&interface.members)
                );
                classes += 1;
            }
        }
        // The snippets were found (89 top-level classes when this was written). They are read
        // alone here; `Project::interface` checks the same of every class read with its
        // project's other modules.
        assert!(classes >= 85, "only {classes} classes found");
    }

    #[test]
    fn long_chains_and_deep_nesting_do_not_overflow() {
        // 300 classes each deriving from the previous: read up to MAX_BASE_DEPTH, no deeper.
        let mut source = String::from("class C0:\n    def __init__(self, a): ...\n");
        for i in 1..300 {
            source.push_str(&format!("class C{i}(C{}):\n    m{i} = 1\n", i - 1));
        }
        let tree = parse(source.as_bytes()).unwrap();
        let last = class_interface(tree.root_node(), source.as_bytes(), "C299").unwrap();
        assert_eq!(last.members.len(), MAX_BASE_DEPTH);
        assert_eq!(last.keywords, Keywords::Any);
        assert_eq!(last.unresolved_bases.len(), 1);

        // The same across 100 modules, each base read through `BaseClasses`.
        let modules: Vec<(&'static str, &'static str)> = (0..100)
            .map(|i| {
                let module: &'static str = Box::leak(format!("m{i}").into_boxed_str());
                let source = if i == 0 {
                    "class C0:\n    m0 = 1\n".to_owned()
                } else {
                    format!(
                        "from m{} import C{}\nclass C{i}(C{}):\n    m{i} = 1\n",
                        i - 1,
                        i - 1,
                        i - 1
                    )
                };
                (module, &*Box::leak(source.into_boxed_str()))
            })
            .collect();
        let project = Project::new(&modules);
        let last = project.read("m99", "C99");
        assert_eq!(last.members.len(), MAX_BASE_DEPTH);
        assert_eq!(last.unresolved_bases, set(&["C35"]));
        // Every class read left the cycle guard.
        assert!(READING.with(|reading| reading.borrow().is_empty()));
        assert_eq!(
            project.read("m3", "C3").members,
            set(&["m0", "m1", "m2", "m3"])
        );

        // A method 100 blocks deep, with expressions 20,000 levels deep in it.
        let mut source = String::from("class Deep:\n    def __init__(self):\n");
        for depth in 0..100 {
            source.push_str(&" ".repeat(8 + depth));
            source.push_str("if x:\n");
        }
        let indent = " ".repeat(8 + 100);
        source.push_str(&format!(
            "{indent}self.deep = {}1{}\n",
            "(".repeat(20_000),
            ")".repeat(20_000)
        ));
        source.push_str(&format!("{indent}f = {}self\n", "lambda: ".repeat(20_000)));
        source.push_str(&format!("{indent}g = {}1\n", "-".repeat(20_000)));
        let tree = parse(source.as_bytes()).unwrap();
        let deep = class_interface(tree.root_node(), source.as_bytes(), "Deep").unwrap();
        assert_eq!(deep.members, set(&["__init__", "deep"]));
    }
}
