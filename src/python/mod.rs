//! Python, as tree-sitter sees it: parsing, module paths, imports, scopes, class interfaces and
//! what an expression refers to.

pub(crate) mod class_body;
pub mod class_kind;
pub mod columns;
pub mod comments;
pub mod imports;
pub mod interface;
pub mod module_path;
pub mod oracle;
pub mod resolve;
pub mod scopes;
pub mod sparse;
pub mod syntax;

pub use module_path::{ModuleOfFile, ModulePath};
