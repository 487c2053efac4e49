//! The graph document: what a person builds, saves as JSON, and the command line trains.
//!
//! A [`GraphDocument`] is pure data (serde): nodes with stable string ids, edges between
//! their ports, the data set, the training settings, and optionally trained weights and the
//! editor's view. [`crate::compile`] checks it and turns it into an engine model;
//! [`io`] loads and saves it.

pub mod expression;
pub mod io;
mod node_serde;
pub mod points;
pub mod starter;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::{
    BundledDataset, ColumnChoice, DataDescription, Feature, Generator, HeaderRow, ImageShape,
    LabeledPoint, MissingCells, Normalization, TargetColumn, Task, UnseenCategory,
};
use crate::math::activations::Activation;
use crate::math::init::Initializer;
use crate::math::losses::{Loss, OutputFunction, Reduction};
use crate::network::architecture::ParameterRole;
use crate::train::config::{Batching, Shuffle};
use crate::train::early_stopping::EarlyStopping;
use crate::train::optimizers::{Optimizer, Regularization};
use crate::train::schedule::LearningRateSchedule;

/// The `format` every graph document carries.
pub const FORMAT: &str = "layerwright.graph";
/// The newest document version this build reads and the one it writes.
pub const VERSION: u32 = 6;

/// A saved network: structure, data, training settings, and optionally weights and layout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphDocument {
    /// Always [`FORMAT`].
    pub format: String,
    /// The document version, [`VERSION`] when written by this build.
    pub version: u32,
    /// The nodes; their order is irrelevant to the network (edges define it).
    pub nodes: Vec<Node>,
    /// Wires from one node's output port to another node's input port.
    pub edges: Vec<Edge>,
    /// The data the network learns from.
    pub dataset: DatasetSpec,
    /// How it learns.
    pub training: TrainingSpec,
    /// Trained parameters, so the document is a self-contained model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<TrainedWeights>,
    /// The editor's layout; the engine ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewState>,
}

/// One node of the graph. Serialized as an object whose first key is `kind`
/// (`#[serde(tag = "kind", rename_all = "snake_case")]`), e.g.
/// `{"kind": "dense", "id": "hidden1", "units": 8, "activation": {"kind": "tanh"}}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// The data's features enter here.
    Input(InputNode),
    /// A fully connected layer with an activation.
    Dense(DenseNode),
    /// The sum of its inputs (a skip connection's merge).
    Add(MergeNode),
    /// Its inputs side by side.
    Concat(MergeNode),
    /// Inverted dropout while training.
    Dropout(DropoutNode),
    /// An activation on its own, element by element.
    Activation(ActivationNode),
    /// Batch normalisation.
    BatchNorm(BatchNormNode),
    /// Layer normalisation.
    LayerNorm(LayerNormNode),
    /// A 2-D convolution over images.
    #[serde(rename = "conv2d")]
    Conv2D(Conv2DNode),
    /// Max pooling over images.
    #[serde(rename = "max_pool2d")]
    MaxPool2D(PoolNode),
    /// Average pooling over images.
    #[serde(rename = "avg_pool2d")]
    AvgPool2D(PoolNode),
    /// An image as a vector.
    Flatten(MergeNode),
    /// The output layer: a dense layer, an output function and the loss.
    Output(OutputNode),
}

/// The input node: which model inputs are computed from the data set's raw columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputNode {
    /// The stable id edges and messages use.
    pub id: String,
    /// The model inputs; absent means every raw column as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<Feature>>,
}

/// A hidden dense layer `y = f(x·W + b)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenseNode {
    /// The stable id.
    pub id: String,
    /// Output width.
    pub units: usize,
    /// The activation `f` with its parameters.
    pub activation: Activation,
    /// How `W` starts.
    #[serde(default)]
    pub initializer: Initializer,
    /// Whether there is a bias `b`.
    #[serde(default = "yes")]
    pub use_bias: bool,
}

/// An `add` or `concat` node: inputs arrive on ports `in0`, `in1`, … in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeNode {
    /// The stable id.
    pub id: String,
}

/// A dropout node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropoutNode {
    /// The stable id.
    pub id: String,
    /// The probability of zeroing an element while training, in `[0, 1)`.
    pub rate: f64,
}

/// An activation node, `y = f(x)` element by element.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivationNode {
    /// The stable id.
    pub id: String,
    /// `f` with its parameters.
    pub activation: Activation,
}

/// A batch-normalisation node: `y = γ ⊙ (x − μ)/√(σ² + ε) + β`, `μ` and `σ²` the batch's
/// while training and the running estimates at inference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchNormNode {
    /// The stable id.
    pub id: String,
    /// `ε` added to the variance (default 1e-5).
    #[serde(default = "default_epsilon")]
    pub epsilon: f64,
    /// The running statistics' momentum `m` as PyTorch defines it,
    /// `running = (1 − m)·running + m·batch` (default 0.1).
    #[serde(default = "default_momentum")]
    pub momentum: f64,
}

/// A layer-normalisation node: each example normalised over its own units,
/// `y = γ ⊙ (x − μ_i)/√(σ²_i + ε) + β`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerNormNode {
    /// The stable id.
    pub id: String,
    /// `ε` added to the variance (default 1e-5).
    #[serde(default = "default_epsilon")]
    pub epsilon: f64,
}

/// A 2-D convolution node: `y = f(x ⊛ W + b)` over images `[batch, c, h, w]`, as
/// PyTorch's `Conv2d` (cross-correlation); output `[batch, filters, oh, ow]` with
/// `o = ⌊(in + pads − kernel)/stride⌋ + 1`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conv2DNode {
    /// The stable id.
    pub id: String,
    /// Output channels.
    pub filters: usize,
    /// Kernel rows and columns.
    pub kernel: [usize; 2],
    /// The step between positions (default 1).
    #[serde(default = "one")]
    pub stride: usize,
    /// The zeros around the input (default none, `valid`).
    #[serde(default)]
    pub padding: Padding,
    /// The activation `f`.
    pub activation: Activation,
    /// How `W` starts.
    #[serde(default)]
    pub initializer: Initializer,
    /// Whether each filter adds a bias.
    #[serde(default = "yes")]
    pub use_bias: bool,
}

fn one() -> usize {
    1
}

/// The zeros a convolution adds around its input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Padding {
    /// None: the kernel stays inside the image.
    #[default]
    Valid,
    /// As large an output as the input (stride 1 only): `k − 1` zeros an axis, the odd one at
    /// the bottom and right.
    Same,
    /// Given zeros on each side.
    Explicit {
        /// Rows above.
        top: usize,
        /// Columns to the left.
        left: usize,
        /// Rows below.
        bottom: usize,
        /// Columns to the right.
        right: usize,
    },
}

/// A max or average pooling node: windows of `size` moving by `stride`, no padding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolNode {
    /// The stable id.
    pub id: String,
    /// Window rows and columns.
    pub size: [usize; 2],
    /// The step between windows (default: the window's rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stride: Option<usize>,
}

impl PoolNode {
    /// The step between windows: as given, or the window's rows.
    pub fn stride(&self) -> usize {
        self.stride.unwrap_or(self.size[0])
    }
}

fn default_epsilon() -> f64 {
    crate::network::normalization::DEFAULT_EPSILON
}

fn default_momentum() -> f64 {
    crate::network::normalization::DEFAULT_MOMENTUM
}

/// The output node: `z = x·W + b`, `ŷ = g(z)`, and the loss against the targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputNode {
    /// The stable id.
    pub id: String,
    /// How many output units.
    pub units: OutputUnits,
    /// `g`: identity, sigmoid, softmax or step.
    pub output_function: OutputFunction,
    /// The loss.
    pub loss: Loss,
    /// How the loss combines a batch.
    #[serde(default)]
    pub reduction: Reduction,
    /// How `W` starts.
    #[serde(default)]
    pub initializer: Initializer,
    /// Whether there is a bias.
    #[serde(default = "yes")]
    pub use_bias: bool,
}

fn yes() -> bool {
    true
}

/// The output width: a number, or `"from_dataset"` (one unit for regression and binary
/// sigmoid/step outputs, one per class for softmax).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputUnits {
    /// Exactly this many.
    Count(usize),
    /// Whatever the data set and output function call for.
    FromDataset,
}

impl Serialize for OutputUnits {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Count(count) => serializer.serialize_u64(*count as u64),
            Self::FromDataset => serializer.serialize_str("from_dataset"),
        }
    }
}

impl<'de> Deserialize<'de> for OutputUnits {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UnitsVisitor;
        impl serde::de::Visitor<'_> for UnitsVisitor {
            type Value = OutputUnits;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number of units or \"from_dataset\"")
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<OutputUnits, E> {
                usize::try_from(value)
                    .map(OutputUnits::Count)
                    .map_err(|_| E::custom(format!("{value} units is too many")))
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<OutputUnits, E> {
                if value == "from_dataset" {
                    Ok(OutputUnits::FromDataset)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(value), &self))
                }
            }
        }
        deserializer.deserialize_any(UnitsVisitor)
    }
}

impl Node {
    /// The node's stable id.
    pub fn id(&self) -> &str {
        match self {
            Self::Input(n) => &n.id,
            Self::Dense(n) => &n.id,
            Self::Add(n) | Self::Concat(n) | Self::Flatten(n) => &n.id,
            Self::Dropout(n) => &n.id,
            Self::Activation(n) => &n.id,
            Self::BatchNorm(n) => &n.id,
            Self::LayerNorm(n) => &n.id,
            Self::Conv2D(n) => &n.id,
            Self::MaxPool2D(n) | Self::AvgPool2D(n) => &n.id,
            Self::Output(n) => &n.id,
        }
    }

    /// Mutable access to the id.
    pub fn id_mut(&mut self) -> &mut String {
        match self {
            Self::Input(n) => &mut n.id,
            Self::Dense(n) => &mut n.id,
            Self::Add(n) | Self::Concat(n) | Self::Flatten(n) => &mut n.id,
            Self::Dropout(n) => &mut n.id,
            Self::Activation(n) => &mut n.id,
            Self::BatchNorm(n) => &mut n.id,
            Self::LayerNorm(n) => &mut n.id,
            Self::Conv2D(n) => &mut n.id,
            Self::MaxPool2D(n) | Self::AvgPool2D(n) => &mut n.id,
            Self::Output(n) => &mut n.id,
        }
    }

    /// The kind's name as written in files (`dense`, `add`, …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Input(_) => "input",
            Self::Dense(_) => "dense",
            Self::Add(_) => "add",
            Self::Concat(_) => "concat",
            Self::Dropout(_) => "dropout",
            Self::Activation(_) => "activation",
            Self::BatchNorm(_) => "batch_norm",
            Self::LayerNorm(_) => "layer_norm",
            Self::Conv2D(_) => "conv2d",
            Self::MaxPool2D(_) => "max_pool2d",
            Self::AvgPool2D(_) => "avg_pool2d",
            Self::Flatten(_) => "flatten",
            Self::Output(_) => "output",
        }
    }

    /// Whether inputs arrive on numbered ports `in0`, `in1`, … (add, concat) rather than `in`.
    pub fn is_merge(&self) -> bool {
        matches!(self, Self::Add(_) | Self::Concat(_))
    }

    /// Whether the node has an input port at all (every kind but `input`).
    pub fn takes_input(&self) -> bool {
        !matches!(self, Self::Input(_))
    }
}

/// A wire from `from` (a node's `out` port) to `to` (an input port), each written
/// `"node.port"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// The source, `"node.out"`.
    pub from: String,
    /// The destination, `"node.in"` or `"node.inN"` for add and concat.
    pub to: String,
}

/// The name of every node's single output port.
pub const OUTPUT_PORT: &str = "out";
/// The name of the input port of single-input nodes.
pub const INPUT_PORT: &str = "in";

impl Edge {
    /// A wire from `from_node.out` to `to_node.to_port`.
    pub fn new(from_node: &str, to_node: &str, to_port: &str) -> Self {
        Self {
            from: format!("{from_node}.{OUTPUT_PORT}"),
            to: format!("{to_node}.{to_port}"),
        }
    }

    /// `(node, port)` of the source, if it is written `node.port`.
    pub fn source(&self) -> Option<(&str, &str)> {
        self.from.rsplit_once('.')
    }

    /// `(node, port)` of the destination, if it is written `node.port`.
    pub fn target(&self) -> Option<(&str, &str)> {
        self.to.rsplit_once('.')
    }
}

/// Where the examples come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DataSource {
    /// A generated toy problem.
    Generated {
        /// Which problem, with its own parameters.
        generator: Generator,
        /// The number of points.
        samples: usize,
        /// The noise level.
        noise: f64,
        /// Seeds the points.
        seed: u64,
    },
    /// A data set shipped with the app.
    Bundled {
        /// Which one.
        name: BundledDataset,
    },
    /// A CSV file, its path relative to the document's folder (or absolute).
    Csv {
        /// The file.
        path: String,
        /// Whether its first row is a header.
        #[serde(default)]
        header: HeaderRow,
    },
    /// Points placed by hand on the plane.
    Points {
        /// The points with their class or value.
        points: Vec<LabeledPoint>,
        /// How many classes (classification).
        #[serde(default)]
        classes: usize,
    },
}

/// The data set a document trains on and how it is prepared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSpec {
    /// Classification or regression.
    pub task: Task,
    /// Where the examples come from.
    pub source: DataSource,
    /// Which CSV column is the target (ignored for other sources).
    #[serde(default)]
    pub target: TargetColumn,
    /// How inputs are rescaled (fitted on the training split).
    #[serde(default)]
    pub normalization: Normalization,
    /// Whether a regression target is standardised (and predictions converted back).
    #[serde(default)]
    pub standardize_target: bool,
    /// The fraction used for training, 0.1 to 0.9 (1: no test set).
    pub train_fraction: f64,
    /// Seeds the split.
    pub seed: u64,
    /// Whether each row is an image, and its shape (version 2): views that draw images read
    /// this rather than guessing from the column count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageShape>,
    /// A CSV's columns chosen by name as feature or ignored, number or category (version 3);
    /// others are read as [`ColumnChoice`] describes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnChoice>,
    /// What a row with an empty feature cell does (version 3).
    #[serde(default, skip_serializing_if = "is_default")]
    pub missing: MissingCells,
    /// What a category never seen in training becomes (version 3).
    #[serde(default, skip_serializing_if = "is_default")]
    pub unseen: UnseenCategory,
}

/// Whether `value` is its type's default (such fields are left out of saved files).
fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// How the network learns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingSpec {
    /// The update rule.
    pub optimizer: Optimizer,
    /// The step size `η`.
    pub learning_rate: f64,
    /// How many examples make an update.
    pub batching: Batching,
    /// The epoch budget: how long the command line trains, and where the app's progress bar ends.
    pub epochs: usize,
    /// A penalty on the weights.
    #[serde(default)]
    pub regularization: Regularization,
    /// When the order is reshuffled.
    #[serde(default)]
    pub shuffle: Shuffle,
    /// Seeds the initial weights, shuffles, dropout and RReLU.
    pub seed: u64,
    /// How `η` changes over the epochs (version 4; constant when absent).
    #[serde(default, skip_serializing_if = "LearningRateSchedule::is_constant")]
    pub schedule: LearningRateSchedule,
    /// When to stop before the epoch budget (version 4; never when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<EarlyStopping>,
}

/// One layer's trained numbers, row-major (`weights[i][j]`: input i to unit j).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerWeights {
    /// `W: [in, units]` (empty for nodes without weights: activations, normalisations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<Vec<f64>>,
    /// `b: [units]`, if the layer has a bias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<Vec<f64>>,
    /// PReLU's slopes `α: [units]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slopes: Option<Vec<f64>>,
    /// A normalisation's scale `γ: [units]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Vec<f64>>,
    /// A normalisation's shift `β: [units]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Vec<f64>>,
    /// Batch norm's running mean `[units]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_mean: Option<Vec<f64>>,
    /// Batch norm's running variance `[units]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_variance: Option<Vec<f64>>,
}

impl LayerWeights {
    /// No numbers yet.
    pub fn empty() -> Self {
        Self {
            weights: Vec::new(),
            bias: None,
            slopes: None,
            scale: None,
            shift: None,
            running_mean: None,
            running_variance: None,
        }
    }

    /// The tensor of `role` as rows (a row vector is one row), if the layer has it.
    pub fn rows_of(&self, role: ParameterRole) -> Option<Vec<Vec<f64>>> {
        let row = match role {
            ParameterRole::Weights => {
                return (!self.weights.is_empty()).then(|| self.weights.clone());
            }
            ParameterRole::Bias => &self.bias,
            ParameterRole::Slopes => &self.slopes,
            ParameterRole::Scale => &self.scale,
            ParameterRole::Shift => &self.shift,
            ParameterRole::RunningMean => &self.running_mean,
            ParameterRole::RunningVariance => &self.running_variance,
        };
        row.clone().map(|r| vec![r])
    }

    /// Stores the tensor of `role` from its rows (a row vector's first row).
    pub fn set_rows(&mut self, role: ParameterRole, mut rows: Vec<Vec<f64>>) {
        if role == ParameterRole::Weights {
            self.weights = rows;
            return;
        }
        let row = if rows.is_empty() {
            Vec::new()
        } else {
            rows.swap_remove(0)
        };
        let slot = match role {
            ParameterRole::Weights | ParameterRole::Bias => &mut self.bias,
            ParameterRole::Slopes => &mut self.slopes,
            ParameterRole::Scale => &mut self.scale,
            ParameterRole::Shift => &mut self.shift,
            ParameterRole::RunningMean => &mut self.running_mean,
            ParameterRole::RunningVariance => &mut self.running_variance,
        };
        *slot = Some(row);
    }
}

/// Trained parameters by node id, with how the data was prepared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainedWeights {
    /// Epochs trained.
    pub epochs: usize,
    /// Each dense and output node's parameters.
    pub layers: BTreeMap<String, LayerWeights>,
    /// Features, normalisation statistics, target scaling and class names.
    pub data: DataDescription,
}

/// The editor's layout of the canvas.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewState {
    /// Each node's position on the canvas.
    #[serde(default)]
    pub positions: BTreeMap<String, [f32; 2]>,
    /// The canvas zoom.
    #[serde(default = "unit_zoom")]
    pub zoom: f32,
    /// The canvas offset.
    #[serde(default)]
    pub offset: [f32; 2],
}

fn unit_zoom() -> f32 {
    1.0
}

impl GraphDocument {
    /// A document of `nodes` and `edges` with the current format and version, no weights or view.
    pub fn new(
        nodes: Vec<Node>,
        edges: Vec<Edge>,
        dataset: DatasetSpec,
        training: TrainingSpec,
    ) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            nodes,
            edges,
            dataset,
            training,
            weights: None,
            view: None,
        }
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id() == id)
    }
}
