//! The document's structure: ids, wires and ports, one input and one output, cycles,
//! connectivity. Every problem is reported, each naming its node and port.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{GraphError, MAX_NODES};
use crate::graph::{GraphDocument, INPUT_PORT, Node, OUTPUT_PORT};

/// Where a node's inputs come from, in port order.
pub(super) type Inputs = Vec<(String, usize)>;

/// The port number of `port` on `node`, if `node` has such an input port.
fn input_port_index(node: &Node, port: &str) -> Option<usize> {
    if node.is_merge() {
        port.strip_prefix(INPUT_PORT)?.parse().ok()
    } else if node.takes_input() && port == INPUT_PORT {
        Some(0)
    } else {
        None
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Checks the graph's structure: ids, edges, ports, one input and one output, cycles and
/// connectivity, pushing its findings onto `errors` (which must start empty). Returns each node's inputs and a topological order of the nodes that lead
/// from the input to the output.
pub(super) fn check_structure(
    document: &GraphDocument,
    errors: &mut Vec<GraphError>,
) -> Option<(HashMap<String, Inputs>, Vec<String>)> {
    if document.nodes.len() > MAX_NODES {
        errors.push(GraphError::TooManyNodes {
            count: document.nodes.len(),
            limit: MAX_NODES,
        });
        return None;
    }
    let mut by_id: HashMap<&str, &Node> = HashMap::new();
    for node in &document.nodes {
        if !valid_id(node.id()) {
            errors.push(GraphError::BadId {
                node: node.id().to_owned(),
            });
        }
        if by_id.insert(node.id(), node).is_some() {
            errors.push(GraphError::DuplicateId {
                node: node.id().to_owned(),
            });
        }
    }

    let inputs: Vec<&Node> = document
        .nodes
        .iter()
        .filter(|n| matches!(n, Node::Input(_)))
        .collect();
    let outputs: Vec<&Node> = document
        .nodes
        .iter()
        .filter(|n| matches!(n, Node::Output(_)))
        .collect();
    match inputs.len() {
        0 => errors.push(GraphError::NoInput),
        1 => {}
        _ => {
            for extra in &inputs[1..] {
                errors.push(GraphError::SecondInput {
                    node: extra.id().to_owned(),
                });
            }
        }
    }
    match outputs.len() {
        0 => errors.push(GraphError::NoOutput),
        1 => {}
        _ => {
            for extra in &outputs[1..] {
                errors.push(GraphError::SecondOutput {
                    node: extra.id().to_owned(),
                });
            }
        }
    }
    let mut node_inputs: HashMap<String, Inputs> = HashMap::new();
    let mut consumers: HashMap<String, Vec<String>> = HashMap::new();
    let mut taken_ports: HashSet<(String, usize)> = HashSet::new();
    for edge in &document.edges {
        let (Some((from, from_port)), Some((to, to_port))) = (edge.source(), edge.target()) else {
            errors.push(GraphError::MalformedEdge {
                from: edge.from.clone(),
                to: edge.to.clone(),
            });
            continue;
        };
        let Some(source) = by_id.get(from) else {
            errors.push(GraphError::EdgeFromNowhere {
                from: from.to_owned(),
            });
            continue;
        };
        let Some(target) = by_id.get(to) else {
            errors.push(GraphError::EdgeToNowhere { to: to.to_owned() });
            continue;
        };
        if from_port != OUTPUT_PORT {
            errors.push(GraphError::NotTheOutputPort {
                node: source.id().to_owned(),
                port: from_port.to_owned(),
            });
            continue;
        }
        if matches!(source, Node::Output(_)) {
            errors.push(GraphError::OutputFeedsNode {
                node: source.id().to_owned(),
            });
            continue;
        }
        let Some(index) = input_port_index(target, to_port) else {
            let expected = if target.is_merge() {
                "ports 'in0', 'in1', …"
            } else if target.takes_input() {
                "port 'in'"
            } else {
                "no input ports"
            };
            errors.push(GraphError::NoSuchPort {
                node: target.id().to_owned(),
                port: to_port.to_owned(),
                kind: target.kind_name().to_owned(),
                expected: expected.to_owned(),
            });
            continue;
        };
        if !taken_ports.insert((to.to_owned(), index)) {
            errors.push(GraphError::PortTakenTwice {
                node: to.to_owned(),
                port: to_port.to_owned(),
            });
            continue;
        }
        node_inputs
            .entry(to.to_owned())
            .or_default()
            .push((from.to_owned(), index));
        consumers
            .entry(from.to_owned())
            .or_default()
            .push(to.to_owned());
    }
    for list in node_inputs.values_mut() {
        list.sort_by_key(|(_, index)| *index);
    }
    for node in &document.nodes {
        let count = node_inputs.get(node.id()).map_or(0, Vec::len);
        if node.takes_input() && count == 0 {
            let port = if node.is_merge() { "in0" } else { INPUT_PORT };
            errors.push(GraphError::NothingConnected {
                node: node.id().to_owned(),
                port: port.to_owned(),
            });
        }
        if matches!(node, Node::Add(_)) && count == 1 {
            errors.push(GraphError::AddNeedsTwoInputs {
                node: node.id().to_owned(),
            });
        }
    }
    // Edges name nodes by id: with an id taken twice there is no order to find.
    if by_id.len() < document.nodes.len() {
        return None;
    }
    // Kahn's algorithm in document order, so the same document always compiles the same way.
    let mut remaining: HashMap<&str, usize> = document
        .nodes
        .iter()
        .map(|n| (n.id(), node_inputs.get(n.id()).map_or(0, Vec::len)))
        .collect();
    let mut ready: VecDeque<&str> = document
        .nodes
        .iter()
        .map(Node::id)
        .filter(|id| remaining.get(id) == Some(&0))
        .collect();
    let mut order: Vec<String> = Vec::new();
    while let Some(id) = ready.pop_front() {
        order.push(id.to_owned());
        for next in consumers.get(id).into_iter().flatten() {
            if let Some(count) = remaining.get_mut(next.as_str()) {
                *count -= 1;
                if *count == 0 {
                    ready.push_back(next);
                }
            }
        }
    }
    if order.len() < document.nodes.len() {
        let placed: HashSet<&str> = order.iter().map(String::as_str).collect();
        for node in &document.nodes {
            if !placed.contains(node.id()) && !errors.iter().any(|e| e.node() == Some(node.id())) {
                errors.push(GraphError::InCycle {
                    node: node.id().to_owned(),
                });
            }
        }
    }
    let (Some(input), Some(output)) = (inputs.first(), outputs.first()) else {
        return None;
    };
    // Reachability from the input, and what leads to the output.
    let mut from_input: HashSet<String> = HashSet::from([input.id().to_owned()]);
    for id in &order {
        if node_inputs
            .get(id)
            .into_iter()
            .flatten()
            .any(|(source, _)| from_input.contains(source))
        {
            from_input.insert(id.clone());
        }
    }
    for node in &document.nodes {
        if !from_input.contains(node.id()) && !errors.iter().any(|e| e.node() == Some(node.id())) {
            let node = node.id().to_owned();
            errors.push(if node == output.id() {
                GraphError::OutputNotFromInput { node }
            } else {
                GraphError::NotFromInput { node }
            });
        }
    }
    let mut to_output: HashSet<String> = HashSet::from([output.id().to_owned()]);
    for id in order.iter().rev() {
        if to_output.contains(id) {
            for (source, _) in node_inputs.get(id).into_iter().flatten() {
                to_output.insert(source.clone());
            }
        }
    }

    if !errors.is_empty() {
        return None;
    }
    let used = order
        .into_iter()
        .filter(|id| to_output.contains(id))
        .collect();
    Some((node_inputs, used))
}
