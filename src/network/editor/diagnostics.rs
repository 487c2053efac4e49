//! What the editor shows about the graph beyond its settings: validation errors per node,
//! each node's output width, and the data set's summary. Worked out from the shared compile
//! result (`network::compiled`), on its worker, never while drawing.

use std::collections::HashMap;

use layerwright_nn::OutputFunction;
use layerwright_nn::compile::{CompiledGraph, GraphError, ModelSummary};
use layerwright_nn::data::{Dataset, Task};
use layerwright_nn::graph::{GraphDocument, Node, OutputUnits, Padding};
use layerwright_nn::network::architecture::{ImageSize, Window};

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
    /// Each node's output shape, where it can be worked out.
    pub shapes: HashMap<String, Shape>,
    /// The number of trainable parameters, when the graph compiles.
    pub parameters: Option<usize>,
    /// The model summary (a row per node), when the graph compiles.
    pub summary: Option<ModelSummary>,
    /// A one-line description of the data set, or why it cannot be loaded.
    pub data_summary: String,
}

impl Diagnostics {
    /// Node `id`'s output shape as text, `[batch, ?]` where it is not known.
    pub fn shape_text(&self, id: &str) -> String {
        self.shapes
            .get(id)
            .map_or_else(|| "[batch, ?]".to_owned(), |shape| shape.text())
    }

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
    diagnostics.shapes = shapes(document, dataset);
    diagnostics.widths = diagnostics
        .shapes
        .iter()
        .map(|(id, shape)| (id.clone(), shape.width()))
        .collect();
    match compiled {
        Ok(compiled) => {
            diagnostics.parameters = Some(compiled.architecture.parameter_count());
            diagnostics.summary = Some(ModelSummary::new(document, &compiled.architecture));
        }
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

/// A node's output: a vector `[batch, n]` or images `[batch, c, h, w]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `[batch, n]`.
    Vector(usize),
    /// `[batch, c, h, w]`.
    Images(ImageSize),
}

impl Shape {
    /// The values one example holds: `n` or `c·h·w`.
    pub fn width(self) -> usize {
        match self {
            Self::Vector(width) => width,
            Self::Images(image) => image.values(),
        }
    }

    /// `[batch, n]` or `[batch, c, h, w]`.
    pub fn text(self) -> String {
        match self {
            Self::Vector(width) => format!("[batch, {width}]"),
            Self::Images(i) => format!("[batch, {}, {}, {}]", i.channels, i.height, i.width),
        }
    }
}

/// Each node's output shape, worked out even when the graph has errors (as far as its
/// inputs' shapes are known and fit).
pub fn shapes(document: &GraphDocument, dataset: &Dataset) -> HashMap<String, Shape> {
    let mut shapes: HashMap<String, Shape> = HashMap::new();
    // Each pass settles at least one more node of an acyclic graph.
    for _ in 0..=document.nodes.len() {
        let mut changed = false;
        for node in &document.nodes {
            if shapes.contains_key(node.id()) {
                continue;
            }
            let inputs: Vec<Option<Shape>> = inputs_of(document, node.id())
                .iter()
                .map(|(source, _)| shapes.get(source).copied())
                .collect();
            let first = inputs.first().copied().flatten();
            let image = |shape: Option<Shape>| match shape {
                Some(Shape::Images(image)) => Some(image),
                _ => None,
            };
            let shape = match node {
                Node::Input(input) => Some(match (&input.features, document.dataset.image) {
                    (None, Some(image)) => Shape::Images(ImageSize {
                        channels: image.channels,
                        height: image.height,
                        width: image.width,
                    }),
                    (features, _) => {
                        Shape::Vector(features.as_ref().map_or(dataset.feature_count(), Vec::len))
                    }
                }),
                Node::Dense(dense) => Some(Shape::Vector(dense.units)),
                Node::Dropout(_)
                | Node::Add(_)
                | Node::Activation(_)
                | Node::BatchNorm(_)
                | Node::LayerNorm(_) => first,
                Node::Flatten(_) => first.map(|shape| Shape::Vector(shape.width())),
                Node::Concat(_) => match image(first) {
                    // Images of one height and width join along their channels.
                    Some(head) => inputs
                        .iter()
                        .map(|&shape| {
                            image(shape)
                                .filter(|i| i.height == head.height && i.width == head.width)
                                .map(|i| i.channels)
                        })
                        .sum::<Option<usize>>()
                        .map(|channels| Shape::Images(ImageSize { channels, ..head })),
                    None => inputs
                        .iter()
                        .map(|shape| shape.map(Shape::width))
                        .sum::<Option<usize>>()
                        .map(Shape::Vector),
                },
                Node::Conv2D(conv) => image(first).and_then(|input| {
                    let [kh, kw] = conv.kernel;
                    let padding = match conv.padding {
                        Padding::Valid => [0; 4],
                        Padding::Same => {
                            let (rows, columns) = (kh.saturating_sub(1), kw.saturating_sub(1));
                            [
                                rows / 2,
                                columns / 2,
                                rows - rows / 2,
                                columns - columns / 2,
                            ]
                        }
                        Padding::Explicit {
                            top,
                            left,
                            bottom,
                            right,
                        } => [top, left, bottom, right],
                    };
                    let window = Window {
                        height: kh,
                        width: kw,
                        stride: conv.stride,
                        padding,
                    };
                    window.output(input, conv.filters).map(Shape::Images)
                }),
                Node::MaxPool2D(pool) | Node::AvgPool2D(pool) => image(first).and_then(|input| {
                    let window = Window {
                        height: pool.size[0],
                        width: pool.size[1],
                        stride: pool.stride(),
                        padding: [0; 4],
                    };
                    window.output(input, input.channels).map(Shape::Images)
                }),
                Node::Output(output) => Some(Shape::Vector(match output.units {
                    OutputUnits::Count(count) => count,
                    OutputUnits::FromDataset => match (dataset.task, output.output_function) {
                        (Task::Classification, OutputFunction::Softmax) => dataset.class_count(),
                        _ => 1,
                    },
                })),
            };
            if let Some(shape) = shape {
                shapes.insert(node.id().to_owned(), shape);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    shapes
}
