//! What the editor shows about the graph beyond its settings: validation errors per node,
//! each node's output width, and the data set's summary. Worked out from the shared compile
//! result (`network::compiled`), on its worker, never while drawing.

use std::collections::HashMap;

use layerwright_nn::OutputFunction;
use layerwright_nn::compile::{CompiledGraph, GraphError};
use layerwright_nn::data::{Dataset, Task};
use layerwright_nn::graph::{GraphDocument, Node, OutputUnits};

use crate::document::graph::inputs_of;

/// Validation results and shapes for the current document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagnostics {
    /// Each node's problems, by id.
    pub node_errors: HashMap<String, Vec<String>>,
    /// Problems that belong to no node (no output, training settings, data).
    pub general_errors: Vec<String>,
    /// Each node's output width, where it can be worked out.
    pub widths: HashMap<String, usize>,
    /// The number of trainable parameters, when the graph compiles.
    pub parameters: Option<usize>,
    /// A one-line description of the data set, or why it cannot be loaded.
    pub data_summary: String,
}

impl Diagnostics {
    /// Whether the graph compiles.
    pub fn is_valid(&self) -> bool {
        self.node_errors.is_empty() && self.general_errors.is_empty()
    }
}

/// What the editor shows of `document` checked against its data set: the compile's
/// `errors` (none when it compiled) sorted by node, widths, the parameter count.
pub fn diagnose(
    document: &GraphDocument,
    dataset: &Result<std::sync::Arc<Dataset>, String>,
    compiled: Result<&CompiledGraph, &[GraphError]>,
) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let dataset = match dataset {
        Ok(dataset) => dataset,
        Err(message) => {
            diagnostics.general_errors.push(message.clone());
            diagnostics.data_summary = format!("Data not available: {message}");
            return diagnostics;
        }
    };
    diagnostics.data_summary = summary(dataset);
    diagnostics.widths = widths(document, dataset);
    match compiled {
        Ok(compiled) => diagnostics.parameters = Some(compiled.architecture.parameter_count()),
        Err(errors) => {
            for error in errors {
                let message = match error.port() {
                    Some(port) => format!("port '{port}': {}", error.problem()),
                    None => error.problem(),
                };
                match error.node() {
                    Some(node) => diagnostics
                        .node_errors
                        .entry(node.to_owned())
                        .or_default()
                        .push(message),
                    None => diagnostics.general_errors.push(message),
                }
            }
        }
    }
    diagnostics
}

/// One line on the data, with what reading it noted (columns ignored, rows left out).
fn summary(dataset: &Dataset) -> String {
    let line = match dataset.task {
        Task::Classification => format!(
            "{}: {} examples, {} features, {} classes",
            dataset.name,
            dataset.len(),
            dataset.feature_count(),
            dataset.class_count()
        ),
        Task::Regression => format!(
            "{}: {} examples, {} features, regression",
            dataset.name,
            dataset.len(),
            dataset.feature_count()
        ),
    };
    if dataset.notes.is_empty() {
        line
    } else {
        format!("{line}. Note: {}.", dataset.notes.join("; "))
    }
}

/// Each node's output width, worked out even when the graph has errors.
pub fn widths(document: &GraphDocument, dataset: &Dataset) -> HashMap<String, usize> {
    let mut widths: HashMap<String, usize> = HashMap::new();
    // Each pass settles at least one more node of an acyclic graph.
    for _ in 0..=document.nodes.len() {
        let mut changed = false;
        for node in &document.nodes {
            if widths.contains_key(node.id()) {
                continue;
            }
            let inputs: Vec<Option<usize>> = inputs_of(document, node.id())
                .iter()
                .map(|(source, _)| widths.get(source).copied())
                .collect();
            let width = match node {
                Node::Input(input) => Some(
                    input
                        .features
                        .as_ref()
                        .map_or(dataset.feature_count(), Vec::len),
                ),
                Node::Dense(dense) => Some(dense.units),
                Node::Dropout(_)
                | Node::Add(_)
                | Node::Activation(_)
                | Node::BatchNorm(_)
                | Node::LayerNorm(_) => inputs.first().copied().flatten(),
                Node::Concat(_) => inputs.iter().copied().sum::<Option<usize>>(),
                Node::Output(output) => Some(match output.units {
                    OutputUnits::Count(count) => count,
                    OutputUnits::FromDataset => match (dataset.task, output.output_function) {
                        (Task::Classification, OutputFunction::Softmax) => dataset.class_count(),
                        _ => 1,
                    },
                }),
            };
            if let Some(width) = width {
                widths.insert(node.id().to_owned(), width);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    widths
}
