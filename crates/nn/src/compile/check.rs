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
        errors.push(GraphError::general(format!(
            "the graph has {} nodes; at most {MAX_NODES} are supported",
            document.nodes.len()
        )));
        return None;
    }
    let mut by_id: HashMap<&str, &Node> = HashMap::new();
    for node in &document.nodes {
        if !valid_id(node.id()) {
            errors.push(GraphError::at(
                node.id(),
                "ids must be non-empty and use only letters, digits, '_' and '-'",
            ));
        }
        if by_id.insert(node.id(), node).is_some() {
            errors.push(GraphError::at(node.id(), "two nodes have this id"));
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
        0 => errors.push(GraphError::general("the graph has no input node")),
        1 => {}
        _ => {
            for extra in &inputs[1..] {
                errors.push(GraphError::at(
                    extra.id(),
                    "a second input node; only one input is supported for now",
                ));
            }
        }
    }
    match outputs.len() {
        0 => errors.push(GraphError::general("the graph has no output node")),
        1 => {}
        _ => {
            for extra in &outputs[1..] {
                errors.push(GraphError::at(
                    extra.id(),
                    "a second output node; only one output is supported for now",
                ));
            }
        }
    }
    let mut node_inputs: HashMap<String, Inputs> = HashMap::new();
    let mut consumers: HashMap<String, Vec<String>> = HashMap::new();
    let mut taken_ports: HashSet<(String, usize)> = HashSet::new();
    for edge in &document.edges {
        let (Some((from, from_port)), Some((to, to_port))) = (edge.source(), edge.target()) else {
            errors.push(GraphError::general(format!(
                "the edge from '{}' to '{}' must connect 'node.port' to 'node.port'",
                edge.from, edge.to
            )));
            continue;
        };
        let Some(source) = by_id.get(from) else {
            errors.push(GraphError::general(format!(
                "an edge starts at '{from}', which is not a node"
            )));
            continue;
        };
        let Some(target) = by_id.get(to) else {
            errors.push(GraphError::general(format!(
                "an edge ends at '{to}', which is not a node"
            )));
            continue;
        };
        if from_port != OUTPUT_PORT {
            errors.push(GraphError::at_port(
                source.id(),
                from_port,
                format!("edges leave from the '{OUTPUT_PORT}' port"),
            ));
            continue;
        }
        if matches!(source, Node::Output(_)) {
            errors.push(GraphError::at(
                source.id(),
                "the output node's result cannot feed another node",
            ));
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
            errors.push(GraphError::at_port(
                target.id(),
                to_port,
                format!("a {} node has {expected}", target.kind_name()),
            ));
            continue;
        };
        if !taken_ports.insert((to.to_owned(), index)) {
            errors.push(GraphError::at_port(
                to,
                to_port,
                "two edges arrive at this port; a port takes one",
            ));
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
            errors.push(GraphError::at_port(
                node.id(),
                port,
                "nothing is connected to this input",
            ));
        }
        if matches!(node, Node::Add(_)) && count == 1 {
            errors.push(GraphError::at(node.id(), "add needs at least two inputs"));
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
            if !placed.contains(node.id())
                && !errors.iter().any(|e| e.node.as_deref() == Some(node.id()))
            {
                errors.push(GraphError::at(node.id(), "is part of a cycle (or fed by one); wires must run from the input to the output"));
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
        if !from_input.contains(node.id())
            && !errors.iter().any(|e| e.node.as_deref() == Some(node.id()))
        {
            let message = if node.id() == output.id() {
                "does not depend on the input"
            } else {
                "is not connected to the input"
            };
            errors.push(GraphError::at(node.id(), message));
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
