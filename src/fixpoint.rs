//! Least fixed points of equations that are discovered lazily, solved without recursion.
//!
//! Name resolution is a system of equations: what `pkg.m.X` is depends on what `m` binds `X`
//! to, which may be another module's name, which may lead back (`json = json`, `a = b; b = a`,
//! modules importing each other). Following such chains by recursion overflows the stack on a
//! cycle, and is exponential on a chain of diamonds even with a depth limit. Here every equation is
//! expanded once, the strongly connected components are found with an iterative Tarjan walk, and
//! each component is solved once, after the components it depends on: linear in the equations
//! and dependencies, whatever their shape.
//!
//! The value of a node depends only on the nodes it reaches, never on where the walk started, so
//! callers may cache every value a solve returns (and share the cache across threads).

use std::collections::HashMap;
use std::hash::Hash;

/// One node: `finish(constant ⊔ join of dependencies)`.
pub struct Equation<K, V> {
    /// What the node is worth on its own (`None`: nothing).
    pub constant: Option<V>,
    /// The nodes whose values join into this one.
    pub depends_on: Vec<K>,
    /// Applied to the joined value; the identity for most nodes.
    pub finish: fn(Option<V>) -> Option<V>,
}

impl<K, V> Equation<K, V> {
    /// A node with a known value and no dependencies.
    pub fn constant(value: Option<V>) -> Self {
        Equation {
            constant: value,
            depends_on: Vec::new(),
            finish: std::convert::identity,
        }
    }

    /// A node worth the join of its dependencies.
    pub fn join_of(depends_on: Vec<K>) -> Self {
        Equation {
            constant: None,
            depends_on,
            finish: std::convert::identity,
        }
    }
}

/// A join-semilattice value.
pub trait Join: Copy + PartialEq {
    fn join(self, other: Self) -> Self;
}

fn join_option<V: Join>(a: Option<V>, b: Option<V>) -> Option<V> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.join(b)),
        (a, b) => a.or(b),
    }
}

/// Solves the equations reachable from `start`, expanding each node once with `expand`. Returns
/// the value of `start` and of every node reached (`start` first).
///
/// Inside a cycle every member gets the join of the whole component (with its own `finish`
/// applied), iterated until the `finish` functions add nothing more: for the small lattices used
/// here that takes a few rounds over the component.
pub fn solve<K, V>(start: K, mut expand: impl FnMut(&K) -> Equation<K, V>) -> Vec<(K, Option<V>)>
where
    K: Clone + Eq + Hash,
    V: Join,
{
    // Node ids are discovery indices, which is also Tarjan's `index`.
    let mut ids: HashMap<K, usize> = HashMap::new();
    let mut nodes: Vec<Node<K, V>> = Vec::new();
    let mut discover = |key: K, ids: &mut HashMap<K, usize>, nodes: &mut Vec<Node<K, V>>| {
        let id = nodes.len();
        let equation = expand(&key);
        ids.insert(key.clone(), id);
        nodes.push(Node {
            key,
            equation,
            low: id,
            on_stack: true,
            component: None,
            value: None,
        });
        id
    };

    let mut component_stack: Vec<usize> = Vec::new();
    // (node, how many of its dependencies the walk has taken)
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let root = discover(start, &mut ids, &mut nodes);
    component_stack.push(root);
    calls.push((root, 0));
    while let Some(&mut (node, ref mut taken)) = calls.last_mut() {
        if let Some(dependency) = nodes[node].equation.depends_on.get(*taken).cloned() {
            *taken += 1;
            match ids.get(&dependency) {
                None => {
                    let id = discover(dependency, &mut ids, &mut nodes);
                    component_stack.push(id);
                    calls.push((id, 0));
                }
                Some(&id) if nodes[id].on_stack => {
                    nodes[node].low = nodes[node].low.min(id);
                }
                Some(_) => {}
            }
            continue;
        }
        calls.pop();
        let low = nodes[node].low;
        if let Some(&(caller, _)) = calls.last() {
            nodes[caller].low = nodes[caller].low.min(low);
        }
        if low == node {
            let at = component_stack
                .iter()
                .rposition(|&member| member == node)
                .expect("a component's root is on the stack");
            let members = component_stack.split_off(at);
            solve_component(&members, &ids, &mut nodes);
        }
    }
    nodes
        .into_iter()
        .map(|node| (node.key, node.value))
        .collect()
}

struct Node<K, V> {
    key: K,
    equation: Equation<K, V>,
    low: usize,
    on_stack: bool,
    /// The root of the node's component, once the component is found.
    component: Option<usize>,
    value: Option<V>,
}

/// Values for one strongly connected component, once every component it depends on is solved.
fn solve_component<K, V>(members: &[usize], ids: &HashMap<K, usize>, nodes: &mut [Node<K, V>])
where
    K: Eq + Hash,
    V: Join,
{
    let root = members[0];
    for &member in members {
        nodes[member].on_stack = false;
        nodes[member].component = Some(root);
    }
    // The constants of the members and the values of the dependencies outside the component.
    let mut joined = None;
    let mut cyclic = members.len() > 1;
    for &member in members {
        joined = join_option(joined, nodes[member].equation.constant);
        for dependency in &nodes[member].equation.depends_on {
            let id = ids[dependency];
            if nodes[id].component == Some(root) {
                cyclic = true;
            } else {
                joined = join_option(joined, nodes[id].value);
            }
        }
    }
    if !cyclic {
        let node = &mut nodes[members[0]];
        node.value = (node.equation.finish)(joined);
        return;
    }
    // Each member passes the component's value on through its `finish`; repeat while that adds.
    let mut value = joined;
    loop {
        let next = members.iter().fold(value, |value, &member| {
            join_option(value, (nodes[member].equation.finish)(value))
        });
        if next == value {
            break;
        }
        value = next;
    }
    for &member in members {
        nodes[member].value = (nodes[member].equation.finish)(value);
    }
}

#[cfg(test)]
mod tests {
    use super::{solve, Equation, Join};

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct Bits(u8);

    impl Join for Bits {
        fn join(self, other: Bits) -> Bits {
            Bits(self.0 | other.0)
        }
    }

    /// Solves `graph` (node -> (constant, dependencies)) from node 0.
    fn value_of(graph: &[(Option<u8>, Vec<usize>)], start: usize) -> Option<Bits> {
        let solution = solve(start, |&node| Equation {
            constant: graph[node].0.map(Bits),
            depends_on: graph[node].1.clone(),
            finish: std::convert::identity,
        });
        assert_eq!(solution[0].0, start);
        solution[0].1
    }

    #[test]
    fn cycles_terminate_and_see_every_member() {
        // `x = x`
        assert_eq!(value_of(&[(None, vec![0])], 0), None);
        // `a = b; b = a; b = <class>`, asked from either end
        let graph = [(None, vec![1]), (Some(1), vec![0])];
        assert_eq!(value_of(&graph, 0), Some(Bits(1)));
        assert_eq!(value_of(&graph, 1), Some(Bits(1)));
        // a cycle that leads out: 0 -> 1 -> 2 -> 0, 2 -> 3 (constant)
        let graph = [
            (None, vec![1]),
            (None, vec![2]),
            (None, vec![0, 3]),
            (Some(2), vec![]),
        ];
        for start in 0..3 {
            assert_eq!(value_of(&graph, start), Some(Bits(2)));
        }
    }

    #[test]
    fn every_value_is_independent_of_the_start() {
        // 0 -> {1, 3}, 1 -> 2, 2 -> 1, 2 -> 4 (constant 4), 3 constant 1
        let graph = [
            (None, vec![1, 3]),
            (None, vec![2]),
            (None, vec![1, 4]),
            (Some(1), vec![]),
            (Some(4), vec![]),
        ];
        let from_root: Vec<_> = solve(0, |&node: &usize| Equation {
            constant: graph[node].0.map(Bits),
            depends_on: graph[node].1.clone(),
            finish: std::convert::identity,
        });
        for (node, value) in from_root {
            assert_eq!(value_of(&graph, node), value, "node {node}");
        }
    }

    #[test]
    fn finish_applies_inside_a_cycle() {
        // A node that marks what passes through it (bit 8), in a cycle with a constant.
        fn mark(value: Option<Bits>) -> Option<Bits> {
            Some(Bits(value.map_or(0, |v| v.0) | 8))
        }
        let solution = solve(0usize, |&node| match node {
            0 => Equation {
                constant: None,
                depends_on: vec![1],
                finish: mark,
            },
            _ => Equation {
                constant: Some(Bits(1)),
                depends_on: vec![0],
                finish: std::convert::identity,
            },
        });
        assert_eq!(solution, vec![(0, Some(Bits(9))), (1, Some(Bits(9)))]);
    }

    #[test]
    fn long_chains_and_diamonds_are_linear() {
        // 200,000 links: recursion would overflow the stack.
        let n = 200_000;
        let mut expanded = 0;
        let solution = solve(0usize, |&node| {
            expanded += 1;
            if node + 1 == n {
                Equation::constant(Some(Bits(1)))
            } else {
                Equation::join_of(vec![node + 1])
            }
        });
        assert_eq!(solution[0].1, Some(Bits(1)));
        assert_eq!(expanded, n);
        // 64 diamonds in a row (2^64 paths), each node pointing back to the start as well.
        let mut expanded = 0;
        let solution = solve(0usize, |&node| {
            expanded += 1;
            match node {
                192 => Equation::constant(Some(Bits(2))),
                n if n % 3 == 0 => Equation::join_of(vec![n + 1, n + 2, 0]),
                n => Equation::join_of(vec![n - n % 3 + 3]),
            }
        });
        assert_eq!(solution[0].1, Some(Bits(2)));
        assert_eq!(expanded, 193);
    }
}
