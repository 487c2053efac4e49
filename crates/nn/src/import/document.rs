//! An [`ImportedGraph`] as a Layerwright document on the person's data: nodes laid out
//! left to right by depth, the model's numbers as the document's trained weights, no
//! normalisation of the document's own (the model takes its inputs as they are), and the
//! output in Layerwright's class order.
//!
//! The model's last layer becomes the output node when it is a dense layer without an
//! activation that nothing else reads; otherwise the output node is the identity `W = I`
//! on the last values. A classifier's output columns are put in Layerwright's class order:
//! `W'[:, c] = W[:, π(c)]` with `π(c)` the model's column of Layerwright's class `c`; a
//! single sigmoid output the other way round is negated, `σ(−z) = 1 − σ(z)`.

use std::collections::BTreeMap;
use std::path::Path;

use ndarray::{Array1, Array2};

use super::onnx::{ImportError, ImportedGraph, ImportedLayer, ImportedNode, read_onnx};
use crate::compile::{compile, compile_trained, load_dataset};
use crate::data::{Feature, Normalization, Task};
use crate::graph::{
    ActivationNode, BatchNormNode, Conv2DNode, DatasetSpec, DenseNode, Edge, GraphDocument,
    InputNode, LayerNormNode, LayerWeights, MergeNode, Node, OutputNode, OutputUnits, Padding,
    PoolNode, TrainedWeights, TrainingSpec, ViewState,
};
use crate::math::activations::Activation;
use crate::math::init::Initializer;
use crate::math::losses::{Loss, OutputFunction, Reduction};
use crate::train::config::{Batching, Shuffle};
use crate::train::optimizers::{Optimizer, Regularization};

/// What the person tells the import besides the model.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportSettings {
    /// The data the document works on (its normalisation and target scaling are turned off
    /// and its image shape comes from the model).
    pub dataset: DatasetSpec,
    /// The class names in the model's output order; Layerwright's order when absent.
    pub classes: Option<Vec<String>>,
    /// The loss; the one fitting the output function when absent.
    pub loss: Option<Loss>,
}

/// The document made from a model, with what the person should know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedDocument {
    /// The document, trained weights included.
    pub document: GraphDocument,
    /// A classifier's classes in the order the model's outputs were taken to be in.
    pub class_order: Vec<String>,
    /// Whether that order was given ([`ImportSettings::classes`]) or Layerwright's own.
    pub classes_given: bool,
    /// What the person should know: how the output layer was made when it is not the
    /// model's own last layer.
    pub notes: Vec<String>,
}

/// The task a model's end suggests: classification when it ends in softmax, sigmoid or
/// step; unknown for logits or values.
pub fn suggested_task(graph: &ImportedGraph) -> Option<Task> {
    (graph.output_function != OutputFunction::Identity).then_some(Task::Classification)
}

/// Reads the ONNX `bytes` and makes the document on the data in `settings`, reading a CSV
/// relative to `folder`.
pub fn import_onnx(
    bytes: &[u8],
    settings: ImportSettings,
    folder: Option<&Path>,
) -> Result<ImportedDocument, ImportError> {
    import_document(&read_onnx(bytes)?, settings, folder)
}

/// The document for `graph` on the data in `settings`, its weights checked by compiling it.
pub fn import_document(
    graph: &ImportedGraph,
    settings: ImportSettings,
    folder: Option<&Path>,
) -> Result<ImportedDocument, ImportError> {
    let mut spec = settings.dataset;
    spec.normalization = Normalization::None;
    spec.standardize_target = false;
    spec.image = graph.image;
    let dataset = load_dataset(&spec, folder).map_err(|e| ImportError::Data(e.to_string()))?;
    if dataset.feature_count() != graph.inputs {
        return Err(ImportError::Mismatch(format!(
            "the model takes {} inputs but the data has {} feature columns ({})",
            graph.inputs,
            dataset.feature_count(),
            shortened(&dataset.feature_names)
        )));
    }
    let width = graph.nodes[graph.logits].width;
    let (output_function, class_order, classes_given) = match spec.task {
        Task::Regression => {
            if graph.output_function != OutputFunction::Identity || width != 1 {
                return Err(ImportError::Mismatch(format!(
                    "a regression needs one output value, and the model ends in {} values{}",
                    width,
                    match graph.output_function {
                        OutputFunction::Identity => String::new(),
                        other => format!(" through {}", other.name()),
                    }
                )));
            }
            (OutputFunction::Identity, Vec::new(), false)
        }
        Task::Classification => {
            let names = &dataset.class_names;
            let function = classifier_function(graph.output_function, width, names)?;
            let order = match &settings.classes {
                Some(order) => {
                    check_class_order(order, names)?;
                    order.clone()
                }
                None => names.clone(),
            };
            (function, order, settings.classes.is_some())
        }
    };
    let loss = match settings.loss {
        Some(loss) if !loss.fits(output_function) => {
            return Err(ImportError::Mismatch(format!(
                "the loss {} does not fit the output function {} (it takes {})",
                loss.name(),
                output_function.name(),
                output_function
                    .fitting_losses()
                    .iter()
                    .map(|l| l.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Some(loss) => loss,
        None if output_function == OutputFunction::Identity => Loss::SquaredError,
        None => output_function.fitting_losses()[0],
    };
    let mut built = Builder::new(graph);
    let head = built.output_layer(graph, &class_order, &dataset.class_names);
    let output_id = "output".to_owned();
    built.nodes.push(Node::Output(OutputNode {
        id: output_id.clone(),
        units: OutputUnits::Count(head.weights.ncols()),
        output_function,
        loss,
        reduction: Reduction::default(),
        initializer: Initializer::default(),
        use_bias: head.bias.is_some(),
    }));
    built
        .edges
        .push(Edge::new(&built.ids[head.input], &output_id, "in"));
    built
        .positions
        .insert(output_id.clone(), position(built.depth[head.input] + 1, 0));
    let mut output_weights = LayerWeights::empty();
    output_weights.weights = rows(&head.weights);
    output_weights.bias = head.bias.map(|b| b.to_vec());
    built.layers.insert(output_id, output_weights);
    let notes = if head.identity {
        vec![format!(
            "the model's last values ('{}') go to an output layer with identity weights",
            built.ids[head.input]
        )]
    } else {
        Vec::new()
    };
    let Builder {
        nodes,
        edges,
        layers,
        positions,
        ..
    } = built;
    let mut document = GraphDocument::new(nodes, edges, spec, fine_tuning());
    document.view = Some(ViewState {
        positions,
        ..ViewState::default()
    });
    let compiled = compile(&document, &dataset).map_err(problems)?;
    document.weights = Some(TrainedWeights {
        epochs: 0,
        layers,
        data: compiled.data.description,
    });
    compile_trained(&document).map_err(problems)?;
    Ok(ImportedDocument {
        document,
        class_order,
        classes_given,
        notes,
    })
}

/// Training settings for going on from the model's weights: Adam at a small rate.
fn fine_tuning() -> TrainingSpec {
    TrainingSpec {
        optimizer: Optimizer::ADAM,
        learning_rate: 0.001,
        batching: Batching::MiniBatch { size: 16 },
        epochs: 100,
        regularization: Regularization::None,
        shuffle: Shuffle::EveryEpoch,
        seed: 1,
        schedule: Default::default(),
        early_stopping: None,
    }
}

fn problems(errors: Vec<crate::compile::GraphError>) -> ImportError {
    ImportError::Mismatch(
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// At most ten names, then how many more.
fn shortened(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 10 {
        text.push_str(&format!(" and {} more", names.len() - 10));
    }
    text
}

/// The output function a classifier of `names.len()` classes gets from the model's end.
fn classifier_function(
    end: OutputFunction,
    width: usize,
    names: &[String],
) -> Result<OutputFunction, ImportError> {
    let classes = names.len();
    let fits = match end {
        OutputFunction::Softmax => (width == classes && classes >= 2).then_some(end),
        OutputFunction::Sigmoid | OutputFunction::Step => {
            (width == 1 && classes == 2).then_some(end)
        }
        OutputFunction::Identity if width == 1 && classes == 2 => Some(OutputFunction::Sigmoid),
        OutputFunction::Identity if width == classes && classes >= 2 => {
            Some(OutputFunction::Softmax)
        }
        OutputFunction::Identity => None,
    };
    fits.ok_or_else(|| {
        ImportError::Mismatch(format!(
            "the model gives {width} output value{} but the target has {classes} class{} ({}); \
             a classifier gives one value per class, or one for two classes",
            if width == 1 { "" } else { "s" },
            if classes == 1 { "" } else { "es" },
            shortened(names)
        ))
    })
}

/// `'a', 'b'`.
fn quoted(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `order` must name each of the data's classes once.
fn check_class_order(order: &[String], names: &[String]) -> Result<(), ImportError> {
    let missing: Vec<&String> = names.iter().filter(|n| !order.contains(n)).collect();
    let unknown: Vec<&String> = order.iter().filter(|n| !names.contains(n)).collect();
    let repeated = order
        .iter()
        .enumerate()
        .find(|(i, n)| order[..*i].contains(n));
    if missing.is_empty() && unknown.is_empty() && repeated.is_none() {
        return Ok(());
    }
    let mut problems = Vec::new();
    if !unknown.is_empty() {
        problems.push(format!(
            "{} not among the target's classes",
            quoted(&unknown)
        ));
    }
    if !missing.is_empty() {
        problems.push(format!("{} missing", quoted(&missing)));
    }
    if let Some((_, name)) = repeated {
        problems.push(format!("'{name}' named twice"));
    }
    Err(ImportError::Mismatch(format!(
        "the class order {} does not fit the target's classes {}: {}",
        order.join(","),
        names.join(","),
        problems.join("; ")
    )))
}

/// The output layer: its input node, weights `[in, out]` in Layerwright's class order and
/// bias, and whether it is the identity on the model's last values.
struct OutputLayer {
    input: usize,
    weights: Array2<f64>,
    bias: Option<Array1<f64>>,
    identity: bool,
}

/// The document's nodes as they are made from the imported ones.
struct Builder {
    /// The imported nodes kept (those the logits depend on).
    kept: Vec<bool>,
    /// Each imported node's document id.
    ids: Vec<String>,
    /// Each imported node's column in the layout.
    depth: Vec<usize>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    layers: BTreeMap<String, LayerWeights>,
    positions: BTreeMap<String, [f32; 2]>,
}

fn position(depth: usize, row: usize) -> [f32; 2] {
    #[allow(clippy::cast_precision_loss)] // a handful of columns and rows
    [40.0 + 260.0 * depth as f32, 60.0 + 170.0 * row as f32]
}

fn rows(matrix: &Array2<f64>) -> Vec<Vec<f64>> {
    matrix.rows().into_iter().map(|r| r.to_vec()).collect()
}

impl Builder {
    /// Every node the logits depend on except the one the output layer absorbs.
    fn new(graph: &ImportedGraph) -> Self {
        let count = graph.nodes.len();
        let mut kept = vec![false; count];
        let mut stack = vec![graph.logits];
        while let Some(id) = stack.pop() {
            if !kept[id] {
                kept[id] = true;
                stack.extend(graph.nodes[id].inputs.iter().copied());
            }
        }
        let mut depth = vec![0; count];
        for (id, node) in graph.nodes.iter().enumerate() {
            depth[id] = node.inputs.iter().map(|&i| depth[i] + 1).max().unwrap_or(0);
        }
        let mut counters: BTreeMap<&str, usize> = BTreeMap::new();
        let ids = graph
            .nodes
            .iter()
            .map(|node| {
                let stem = stem(&node.layer);
                if stem == "input" {
                    return stem.to_owned();
                }
                let n = counters.entry(stem).or_default();
                *n += 1;
                format!("{stem}{n}")
            })
            .collect();
        let mut builder = Self {
            kept,
            ids,
            depth,
            nodes: Vec::new(),
            edges: Vec::new(),
            layers: BTreeMap::new(),
            positions: BTreeMap::new(),
        };
        let absorbed = builder.absorbed_by_output(graph);
        let mut rows_used: BTreeMap<usize, usize> = BTreeMap::new();
        for (id, node) in graph.nodes.iter().enumerate() {
            if !builder.kept[id] || Some(id) == absorbed {
                continue;
            }
            let row = rows_used.entry(builder.depth[id]).or_default();
            builder
                .positions
                .insert(builder.ids[id].clone(), position(builder.depth[id], *row));
            *row += 1;
            builder.add(graph, id, node);
        }
        builder
    }

    /// The logits' node when it is a dense layer without activation that only the output
    /// reads: the output layer takes its place.
    fn absorbed_by_output(&self, graph: &ImportedGraph) -> Option<usize> {
        let logits = graph.logits;
        let read_elsewhere = graph
            .nodes
            .iter()
            .enumerate()
            .any(|(id, n)| self.kept[id] && n.inputs.contains(&logits));
        match &graph.nodes[logits].layer {
            ImportedLayer::Dense {
                activation: Activation::Identity,
                ..
            } if !read_elsewhere => Some(logits),
            _ => None,
        }
    }

    fn add(&mut self, graph: &ImportedGraph, id: usize, node: &ImportedNode) {
        let name = self.ids[id].clone();
        for (port, &from) in node.inputs.iter().enumerate() {
            let to_port = match node.layer {
                ImportedLayer::Add | ImportedLayer::Concat => format!("in{port}"),
                _ => "in".to_owned(),
            };
            self.edges.push(Edge::new(&self.ids[from], &name, &to_port));
        }
        let mut weights = LayerWeights::empty();
        let document_node = match &node.layer {
            ImportedLayer::Input => {
                // Every raw column in order is written as no list, as documents do.
                let plain = graph.features.len() == graph.inputs
                    && graph
                        .features
                        .iter()
                        .enumerate()
                        .all(|(index, f)| *f == Feature::Column { index });
                Node::Input(InputNode {
                    id: name.clone(),
                    features: (!plain).then(|| graph.features.clone()),
                })
            }
            ImportedLayer::Dense {
                weights: w,
                bias,
                activation,
                slopes,
            } => {
                weights.weights = rows(w);
                weights.bias = bias.as_ref().map(|b| b.to_vec());
                weights.slopes = slopes.as_ref().map(|s| s.to_vec());
                Node::Dense(DenseNode {
                    id: name.clone(),
                    units: w.ncols(),
                    activation: *activation,
                    initializer: Initializer::default(),
                    use_bias: bias.is_some(),
                })
            }
            ImportedLayer::Activation { activation, slopes } => {
                weights.slopes = slopes.as_ref().map(|s| s.to_vec());
                Node::Activation(ActivationNode {
                    id: name.clone(),
                    activation: *activation,
                })
            }
            ImportedLayer::Add => Node::Add(MergeNode { id: name.clone() }),
            ImportedLayer::Concat => Node::Concat(MergeNode { id: name.clone() }),
            ImportedLayer::Flatten => Node::Flatten(MergeNode { id: name.clone() }),
            ImportedLayer::BatchNorm {
                scale,
                shift,
                mean,
                variance,
                epsilon,
                momentum,
            } => {
                weights.scale = Some(scale.to_vec());
                weights.shift = Some(shift.to_vec());
                weights.running_mean = Some(mean.to_vec());
                weights.running_variance = Some(variance.to_vec());
                Node::BatchNorm(BatchNormNode {
                    id: name.clone(),
                    epsilon: *epsilon,
                    momentum: *momentum,
                })
            }
            ImportedLayer::LayerNorm {
                scale,
                shift,
                epsilon,
            } => {
                weights.scale = Some(scale.to_vec());
                weights.shift = Some(shift.to_vec());
                Node::LayerNorm(LayerNormNode {
                    id: name.clone(),
                    epsilon: *epsilon,
                })
            }
            ImportedLayer::Conv {
                weights: w,
                bias,
                kernel,
                stride,
                padding,
                activation,
            } => {
                weights.weights = rows(w);
                weights.bias = bias.as_ref().map(|b| b.to_vec());
                let [top, left, bottom, right] = *padding;
                Node::Conv2D(Conv2DNode {
                    id: name.clone(),
                    filters: w.nrows(),
                    kernel: *kernel,
                    stride: *stride,
                    padding: if padding.iter().all(|&p| p == 0) {
                        Padding::Valid
                    } else {
                        Padding::Explicit {
                            top,
                            left,
                            bottom,
                            right,
                        }
                    },
                    activation: *activation,
                    initializer: Initializer::default(),
                    use_bias: bias.is_some(),
                })
            }
            ImportedLayer::Pool { max, size, stride } => {
                let pool = PoolNode {
                    id: name.clone(),
                    size: *size,
                    stride: (*stride != size[0]).then_some(*stride),
                };
                if *max {
                    Node::MaxPool2D(pool)
                } else {
                    Node::AvgPool2D(pool)
                }
            }
        };
        if weights != LayerWeights::empty() {
            self.layers.insert(name, weights);
        }
        self.nodes.push(document_node);
    }

    /// The output layer on the logits, its columns in Layerwright's class order.
    fn output_layer(
        &self,
        graph: &ImportedGraph,
        model_order: &[String],
        names: &[String],
    ) -> OutputLayer {
        let logits = graph.logits;
        let node = &graph.nodes[logits];
        let mut layer = match (&node.layer, self.absorbed_by_output(graph)) {
            (ImportedLayer::Dense { weights, bias, .. }, Some(_)) => OutputLayer {
                input: node.inputs[0],
                weights: weights.clone(),
                bias: bias.clone(),
                identity: false,
            },
            _ => OutputLayer {
                input: logits,
                weights: Array2::eye(node.width),
                bias: None,
                identity: true,
            },
        };
        if model_order.is_empty() || model_order == names {
            return layer;
        }
        if layer.weights.ncols() == 1 {
            // One sigmoid (or step) output: P(model_order[1]); Layerwright's is P(names[1]).
            layer.weights.mapv_inplace(|w| -w);
            if let Some(bias) = &mut layer.bias {
                bias.mapv_inplace(|b| -b);
            }
            return layer;
        }
        let column_of = |c: usize| {
            model_order
                .iter()
                .position(|name| Some(name) == names.get(c))
                .unwrap_or(c)
        };
        let permuted = Array2::from_shape_fn(layer.weights.dim(), |(i, c)| {
            layer.weights[(i, column_of(c))]
        });
        layer.bias = layer
            .bias
            .map(|b| Array1::from_shape_fn(b.len(), |c| b[column_of(c)]));
        layer.weights = permuted;
        layer
    }
}

/// The document id stem of a layer (`dense`, `conv`, …).
fn stem(layer: &ImportedLayer) -> &'static str {
    match layer {
        ImportedLayer::Input => "input",
        ImportedLayer::Dense { .. } => "dense",
        ImportedLayer::Activation { .. } => "activation",
        ImportedLayer::Add => "add",
        ImportedLayer::Concat => "concat",
        ImportedLayer::Flatten => "flatten",
        ImportedLayer::BatchNorm { .. } => "batch_norm",
        ImportedLayer::LayerNorm { .. } => "layer_norm",
        ImportedLayer::Conv { .. } => "conv",
        ImportedLayer::Pool { max: true, .. } => "max_pool",
        ImportedLayer::Pool { max: false, .. } => "avg_pool",
    }
}
