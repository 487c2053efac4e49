//! Scalar expression documents, the sibling of graph documents for the computational-graph
//! mode: named nodes (inputs, constants, operations) wired into one output, saved in the
//! same versioned, stable-id style (`format: "layerwright.expression"`).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::ViewState;
use super::io::LoadError;
use crate::teach::autograd::{ScalarGraph, ScalarNode, ScalarOp};

/// The `format` every expression document carries.
pub const EXPRESSION_FORMAT: &str = "layerwright.expression";
/// The newest expression document version this build reads and writes.
pub const EXPRESSION_VERSION: u32 = 1;

/// One node of an expression: its id and what it computes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressionNode {
    /// A stable name, such as `x` or `q`.
    pub id: String,
    /// The operation.
    pub op: ScalarOp,
}

/// A wire from a node's value into another node's input port (`a`, `b`, or `in` for
/// one-input operations), written `"node.port"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressionEdge {
    /// The node whose value flows.
    pub from: String,
    /// `"node.port"`.
    pub to: String,
}

/// A saved scalar expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressionDocument {
    /// Always [`EXPRESSION_FORMAT`].
    pub format: String,
    /// The document version.
    pub version: u32,
    /// What the expression is, for people.
    #[serde(default)]
    pub title: String,
    /// The nodes.
    pub nodes: Vec<ExpressionNode>,
    /// The wires.
    #[serde(default)]
    pub edges: Vec<ExpressionEdge>,
    /// The node whose value is `f`, the one differentiated.
    pub output: String,
    /// Node positions on the canvas.
    #[serde(default)]
    pub view: ViewState,
}

/// What is wrong with an expression's wiring; each names the node.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ExpressionError {
    /// Two nodes share an id.
    #[error("two nodes are called '{0}'")]
    DuplicateId(String),
    /// A wire names a node that does not exist.
    #[error("a wire names '{0}', which is not a node")]
    UnknownNode(String),
    /// A wire goes into a port the node does not have.
    #[error("node '{node}' has no input '{port}' (it has {ports})")]
    UnknownPort {
        /// The node.
        node: String,
        /// The port named.
        port: String,
        /// The ports it has.
        ports: String,
    },
    /// A port has more than one wire.
    #[error("node '{node}': input '{port}' has more than one wire")]
    DoubleWire {
        /// The node.
        node: String,
        /// The port.
        port: String,
    },
    /// A port has no wire.
    #[error("node '{node}': input '{port}' is not connected")]
    Unconnected {
        /// The node.
        node: String,
        /// The port.
        port: String,
    },
    /// The wires go round in a circle.
    #[error("node '{0}' depends on itself through its inputs")]
    Cycle(String),
}

/// The input ports of an operation, in order.
pub fn ports(op: ScalarOp) -> &'static [&'static str] {
    match op.arity() {
        0 => &[],
        1 => &["in"],
        _ => &["a", "b"],
    }
}

impl ExpressionDocument {
    /// The expression as a [`ScalarGraph`] in an order where inputs come first, with the
    /// document index of each graph node; the output node is last. Only nodes the output
    /// depends on are kept.
    pub fn to_graph(&self) -> Result<(ScalarGraph, Vec<usize>), Vec<ExpressionError>> {
        let mut errors = Vec::new();
        let mut index_of: HashMap<&str, usize> = HashMap::new();
        for (index, node) in self.nodes.iter().enumerate() {
            if index_of.insert(node.id.as_str(), index).is_some() {
                errors.push(ExpressionError::DuplicateId(node.id.clone()));
            }
        }
        // inputs[node][port] = source
        let mut inputs: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); self.nodes.len()];
        for edge in &self.edges {
            let Some(&from) = index_of.get(edge.from.as_str()) else {
                errors.push(ExpressionError::UnknownNode(edge.from.clone()));
                continue;
            };
            let (to_id, port) = edge.to.split_once('.').unwrap_or((edge.to.as_str(), ""));
            let Some(&to) = index_of.get(to_id) else {
                errors.push(ExpressionError::UnknownNode(to_id.to_owned()));
                continue;
            };
            let node_ports = ports(self.nodes[to].op);
            let Some(slot) = node_ports.iter().position(|p| *p == port) else {
                errors.push(ExpressionError::UnknownPort {
                    node: to_id.to_owned(),
                    port: port.to_owned(),
                    ports: if node_ports.is_empty() {
                        "no inputs".to_owned()
                    } else {
                        node_ports.join(", ")
                    },
                });
                continue;
            };
            if inputs[to].insert(slot, from).is_some() {
                errors.push(ExpressionError::DoubleWire {
                    node: to_id.to_owned(),
                    port: port.to_owned(),
                });
            }
        }
        let Some(&output) = index_of.get(self.output.as_str()) else {
            errors.push(ExpressionError::UnknownNode(self.output.clone()));
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        // Depth-first from the output: post-order puts every input before its reader.
        let mut order: Vec<usize> = Vec::new();
        let mut state = vec![0u8; self.nodes.len()]; // 0 new, 1 on the path, 2 done
        let mut stack: Vec<(usize, usize)> = vec![(output, 0)];
        state[output] = 1;
        while let Some((node, next_port)) = stack.pop() {
            let node_ports = ports(self.nodes[node].op);
            if next_port < node_ports.len() {
                stack.push((node, next_port + 1));
                match inputs[node].get(&next_port) {
                    None => errors.push(ExpressionError::Unconnected {
                        node: self.nodes[node].id.clone(),
                        port: node_ports[next_port].to_owned(),
                    }),
                    Some(&source) => match state[source] {
                        0 => {
                            state[source] = 1;
                            stack.push((source, 0));
                        }
                        1 => {
                            errors.push(ExpressionError::Cycle(self.nodes[source].id.clone()));
                            return Err(errors);
                        }
                        _ => {}
                    },
                }
            } else {
                state[node] = 2;
                order.push(node);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let position: HashMap<usize, usize> =
            order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
        let nodes = order
            .iter()
            .map(|&n| ScalarNode {
                id: self.nodes[n].id.clone(),
                op: self.nodes[n].op,
                inputs: (0..ports(self.nodes[n].op).len())
                    .filter_map(|slot| inputs[n].get(&slot).and_then(|s| position.get(s)).copied())
                    .collect(),
            })
            .collect();
        Ok((ScalarGraph { nodes }, order))
    }
}

/// Reads an expression document from JSON text; errors name `path`, line and column.
pub fn parse_expression(text: &str, path: &str) -> Result<ExpressionDocument, LoadError> {
    super::io::read_header(text, path, EXPRESSION_FORMAT, EXPRESSION_VERSION)?;
    super::io::deserialize_strictly(text, path)
}
