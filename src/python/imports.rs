//! Decoding import statements into the names they bind.
//!
//! Every import binds a local name to a dotted path: `import a.b.c` binds `a` to `a`;
//! `import a.b.c as m` binds `m` to `a.b.c`; `from a.b import c as d` binds `d` to `a.b.c`, whether
//! `c` is a submodule or a class. Resolving the path later decides which it is.

use tree_sitter::Node;

use super::module_path::{ModuleOfFile, ModulePath};
use super::syntax::{field, text, FIELDS, KINDS};

/// A local name bound by an import, and the dotted path it refers to.
#[derive(Clone, Debug)]
pub struct ImportedName<'a> {
    pub local_name: &'a str,
    pub target: ModulePath,
    /// The node that names the imported thing (`DeepAgentState` in `... import DeepAgentState as X`),
    /// where findings about this import are reported.
    pub site: Node<'a>,
}

#[derive(Clone, Debug)]
pub enum Import<'a> {
    Names(Vec<ImportedName<'a>>),
    /// `from module import *`
    Star {
        module: ModulePath,
        site: Node<'a>,
    },
}

/// Decodes an `import_statement` or `import_from_statement`. `None` for statements we cannot
/// resolve: a relative import in a file outside any package root, or one that climbs too far.
pub fn decode<'a>(
    node: Node<'a>,
    source: &'a [u8],
    file: Option<&ModuleOfFile>,
) -> Option<Import<'a>> {
    let kinds = &*KINDS;
    let mut cursor = node.walk();
    if node.kind_id() == kinds.import_statement {
        let names = node
            .children_by_field_id(field(FIELDS.name), &mut cursor)
            .filter_map(|child| {
                if child.kind_id() == kinds.aliased_import {
                    let dotted = child.child_by_field_id(FIELDS.name)?;
                    let alias = child.child_by_field_id(FIELDS.alias)?;
                    Some(ImportedName {
                        local_name: text(alias, source),
                        target: ModulePath::new(text(dotted, source)),
                        site: dotted,
                    })
                } else {
                    let dotted = text(child, source);
                    let first = dotted.split('.').next().unwrap_or(dotted);
                    Some(ImportedName {
                        local_name: first,
                        target: ModulePath::new(first),
                        site: child,
                    })
                }
            })
            .collect();
        return Some(Import::Names(names));
    }

    let module_node = node.child_by_field_id(FIELDS.module_name)?;
    let module = if module_node.kind_id() == kinds.relative_import {
        let mut level = 0;
        let mut tail = None;
        let mut inner = module_node.walk();
        for part in module_node.children(&mut inner) {
            if part.kind_id() == kinds.import_prefix {
                level = text(part, source).chars().filter(|&c| c == '.').count();
            } else if part.kind_id() == kinds.dotted_name {
                tail = Some(compact(text(part, source)));
            }
        }
        file?.resolve_relative(level, tail.as_deref())?
    } else {
        ModulePath::new(compact(text(module_node, source)))
    };

    let mut inner = node.walk();
    if let Some(star) = node
        .children(&mut inner)
        .find(|child| child.kind_id() == kinds.wildcard_import)
    {
        return Some(Import::Star { module, site: star });
    }

    let names = node
        .children_by_field_id(field(FIELDS.name), &mut cursor)
        .filter_map(|child| {
            let (name_node, local) = if child.kind_id() == kinds.aliased_import {
                let name = child.child_by_field_id(FIELDS.name)?;
                let alias = child.child_by_field_id(FIELDS.alias)?;
                (name, text(alias, source))
            } else {
                (child, text(child, source))
            };
            Some(ImportedName {
                local_name: local,
                target: module.join(text(name_node, source)),
                site: name_node,
            })
        })
        .collect();
    Some(Import::Names(names))
}

/// Dotted names may contain white space (`a . b`); import paths never do.
fn compact(dotted: &str) -> String {
    dotted.chars().filter(|c| !c.is_whitespace()).collect()
}
