//! What the editor shows about the graph beyond its settings: validation errors per node,
//! each node's output width, and the data set's summary. Recomputed when the document
//! changes, never while drawing.

use std::collections::HashMap;
use std::path::Path;

use layerwright_nn::OutputFunction;
use layerwright_nn::compile::{compile, load_dataset};
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

/// The data set of the last document seen, reloaded only when its description changes.
#[derive(Default)]
pub struct DatasetCache {
    key: Option<String>,
    dataset: Option<Result<Dataset, String>>,
}

impl DatasetCache {
    /// The document's data set, loaded (or generated) once per distinct description.
    pub fn get(
        &mut self,
        document: &GraphDocument,
        base_dir: Option<&Path>,
    ) -> &Result<Dataset, String> {
        let key = serde_json::to_string(&document.dataset).unwrap_or_default();
        if self.key.as_ref() != Some(&key) || self.dataset.is_none() {
            self.key = Some(key);
            self.dataset =
                Some(load_dataset(&document.dataset, base_dir).map_err(|e| e.to_string()));
        }
        self.dataset
            .get_or_insert_with(|| Err("the data set is not loaded".to_owned()))
    }
}

/// Checks `document` against its data set.
pub fn diagnose(document: &GraphDocument, dataset: &Result<Dataset, String>) -> Diagnostics {
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
    match compile(document, dataset) {
        Ok(compiled) => diagnostics.parameters = Some(compiled.architecture.parameter_count()),
        Err(errors) => {
            for error in errors {
                let message = match &error.port {
                    Some(port) => format!("port '{port}': {}", error.message),
                    None => error.message.clone(),
                };
                match error.node {
                    Some(node) => diagnostics
                        .node_errors
                        .entry(node)
                        .or_default()
                        .push(message),
                    None => diagnostics.general_errors.push(message),
                }
            }
        }
    }
    diagnostics
}

fn summary(dataset: &Dataset) -> String {
    match dataset.task {
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
                Node::Dropout(_) | Node::Add(_) => inputs.first().copied().flatten(),
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
