//! A model summary as Keras's `model.summary()` and torchinfo print it: one row per node in
//! the order the network computes them, with its kind, output shape, activation and the
//! number of parameters it learns, then the total.

use crate::graph::{GraphDocument, Node as DocumentNode};
use crate::network::architecture::{Architecture, node_shape_text};

/// One node of a model summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// The node's id.
    pub id: String,
    /// Its kind as documents write it (`dense`, `conv2d`, …).
    pub kind: &'static str,
    /// Its output shape, `[batch, n]` or `[batch, c, h, w]`.
    pub shape: String,
    /// The activation it applies (the output function for the output node), if any.
    pub activation: Option<&'static str>,
    /// The parameters it learns: weights, biases, PReLU slopes, γ and β (a batch norm's
    /// running statistics are not learned and not counted, as in PyTorch's
    /// `parameters()`).
    pub parameters: usize,
}

/// A compiled network's summary, node by node in the order they are computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelSummary {
    /// One row per node.
    pub rows: Vec<SummaryRow>,
}

impl ModelSummary {
    /// The summary of `architecture`, compiled from `document`.
    pub fn new(document: &GraphDocument, architecture: &Architecture) -> Self {
        let rows = architecture
            .nodes()
            .iter()
            .enumerate()
            .map(|(index, node)| {
                let parameters = architecture
                    .parameters()
                    .iter()
                    .filter(|p| p.node.0 == index && p.role.is_learned())
                    .map(|p| p.shape.0 * p.shape.1)
                    .sum();
                let source = document.node(&node.name);
                SummaryRow {
                    id: node.name.clone(),
                    kind: source.map_or("", DocumentNode::kind_name),
                    shape: node_shape_text(node),
                    activation: source.and_then(activation_name),
                    parameters,
                }
            })
            .collect();
        Self { rows }
    }

    /// The total number of learned parameters.
    pub fn total_parameters(&self) -> usize {
        self.rows.iter().map(|r| r.parameters).sum()
    }

    /// The summary as aligned text: a header, one line per node, and a last line
    /// `total_parameters=N`.
    pub fn to_text(&self) -> String {
        let header = ["node", "kind", "output shape", "activation", "parameters"];
        let cells: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.id.clone(),
                    r.kind.to_owned(),
                    r.shape.clone(),
                    r.activation.unwrap_or("-").to_owned(),
                    r.parameters.to_string(),
                ]
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|column| {
                cells
                    .iter()
                    .map(|row| row[column].chars().count())
                    .chain([header[column].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |row: &[String]| {
            let mut text = String::new();
            for (column, cell) in row.iter().enumerate() {
                let pad = widths[column].saturating_sub(cell.chars().count());
                if column + 1 == row.len() {
                    // Counts right-aligned.
                    text.push_str(&" ".repeat(pad));
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    text.push_str(&" ".repeat(pad + 2));
                }
            }
            text.push('\n');
            text
        };
        let mut text = line(&header.map(str::to_owned));
        for row in &cells {
            text.push_str(&line(row));
        }
        text.push_str(&format!("total_parameters={}\n", self.total_parameters()));
        text
    }
}

/// The activation a document node applies, by its name; the output function for outputs.
fn activation_name(node: &DocumentNode) -> Option<&'static str> {
    match node {
        DocumentNode::Dense(n) => Some(n.activation.name()),
        DocumentNode::Activation(n) => Some(n.activation.name()),
        DocumentNode::Conv2D(n) => Some(n.activation.name()),
        DocumentNode::Output(n) => Some(n.output_function.name()),
        _ => None,
    }
}
