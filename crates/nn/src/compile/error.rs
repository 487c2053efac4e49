//! What can be wrong with a graph, naming the node (and port) it concerns.

use std::fmt;

/// One problem with a graph, naming the node (and port) it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The node's id, when the problem belongs to one node.
    pub node: Option<String>,
    /// The port, when it belongs to one port.
    pub port: Option<String>,
    /// What is wrong, as a sentence for the person.
    pub message: String,
}

impl GraphError {
    pub(crate) fn at(node: &str, message: impl Into<String>) -> Self {
        Self {
            node: Some(node.to_owned()),
            port: None,
            message: message.into(),
        }
    }

    pub(crate) fn at_port(node: &str, port: &str, message: impl Into<String>) -> Self {
        Self {
            node: Some(node.to_owned()),
            port: Some(port.to_owned()),
            message: message.into(),
        }
    }

    pub(crate) fn general(message: impl Into<String>) -> Self {
        Self {
            node: None,
            port: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.node, &self.port) {
            (Some(node), Some(port)) => write!(f, "node '{node}', port '{port}': {}", self.message),
            (Some(node), None) => write!(f, "node '{node}': {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for GraphError {}
