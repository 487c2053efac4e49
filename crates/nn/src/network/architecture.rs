//! The shape of a network: a DAG of operations, checked as it is built.
//!
//! An [`Architecture`] holds no numbers, only structure: which node feeds which,
//! layer widths, activations and the output head. It is what a graph document
//! compiles to, and what [`crate::network::model`] runs with a [`ParameterSet`].

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::math::activations::Activation;
use crate::math::float::Float;
use crate::math::init::Initializer;
use crate::math::losses::{Loss, OutputFunction, Reduction};
use crate::math::rng::SplitMix64;
pub use crate::network::convolution::{ConvShape, ImageSize, Window};
pub use crate::network::normalization::{BatchNormLayer, LayerNormLayer};

mod images;
pub use images::{ConvPadding, ConvSpec, MAX_IMAGE_VALUES};

/// The index of a node in an [`Architecture`]; every node has one output tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeId(pub usize);

/// The index of a parameter tensor in a [`ParameterSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ParameterId(pub usize);

/// What one node computes. Tensors are batch-first: `[batch, width]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Operation {
    /// The model's input `x: [batch, width]`.
    Input,
    /// `y = f(x·W + b)` with `x: [batch, in]`, `W: [in, units]`, `b: [1, units]`,
    /// `y: [batch, units]` (eq. 1.6 followed by an activation).
    Dense(DenseLayer),
    /// `y = x₁ + x₂ + …`, all `[batch, width]`.
    Add {
        /// The summed nodes, at least two, all of the same width.
        inputs: Vec<NodeId>,
    },
    /// `y = [x₁ | x₂ | …]`, side by side: widths add up.
    Concat {
        /// The joined nodes, in column order.
        inputs: Vec<NodeId>,
    },
    /// Inverted dropout: while training each element is zeroed with probability `rate`
    /// and the survivors are scaled by `1/(1 − rate)`; at inference `y = x`.
    Dropout {
        /// The node dropped from.
        input: NodeId,
        /// The probability of zeroing an element, in `[0, 1)`.
        rate: f64,
    },
    /// `y = f(x)` element by element, `x, y: [batch, width]`: an activation on its own,
    /// after a normalisation say (dense → batch norm → sigmoid).
    Activation(ActivationLayer),
    /// Batch normalisation, see [`BatchNormLayer`].
    BatchNorm(BatchNormLayer),
    /// Layer normalisation, see [`LayerNormLayer`].
    LayerNorm(LayerNormLayer),
    /// A 2-D convolution and its activation over an image, see [`ConvLayer`].
    Conv2D(ConvLayer),
    /// Each window's largest value, channel by channel, see [`PoolLayer`].
    MaxPool2D(PoolLayer),
    /// Each window's mean, channel by channel, see [`PoolLayer`].
    AvgPool2D(PoolLayer),
    /// An image `[batch, c, h, w]` as `[batch, c·h·w]` (channels, then rows, then columns,
    /// as PyTorch's `flatten(1)`); the stored values do not change.
    Flatten {
        /// The image it flattens.
        input: NodeId,
    },
}

/// A convolution node: `y = f(x ⊛ W + b)` over `x: [batch, c, h, w]`, `W: [filters, c, kh, kw]`
/// stored as `[filters, c·kh·kw]`, `b: [1, filters]`, `y: [batch, filters, oh, ow]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvLayer {
    /// The image it reads.
    pub input: NodeId,
    /// Its input, window and output sizes.
    pub shape: ConvShape,
    /// The activation `f`.
    pub activation: Activation,
    /// How `W` starts (fan-in `c·kh·kw`).
    pub initializer: Initializer,
    /// `W: [filters, c·kh·kw]`.
    pub weights: ParameterId,
    /// `b: [1, filters]`, when the layer has a bias.
    pub bias: Option<ParameterId>,
}

/// A pooling node over `x: [batch, c, h, w]`, `y: [batch, c, oh, ow]`.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolLayer {
    /// The image it reads.
    pub input: NodeId,
    /// The size of that image.
    pub input_size: ImageSize,
    /// The window, its stride and no padding.
    pub window: Window,
}

impl Operation {
    /// The nodes this one reads, in order.
    pub fn inputs(&self) -> Vec<NodeId> {
        match self {
            Self::Input => Vec::new(),
            Self::Dense(layer) => vec![layer.input],
            Self::Add { inputs } | Self::Concat { inputs } => inputs.clone(),
            Self::Dropout { input, .. } | Self::Flatten { input } => vec![*input],
            Self::Activation(layer) => vec![layer.input],
            Self::BatchNorm(layer) => vec![layer.input],
            Self::LayerNorm(layer) => vec![layer.input],
            Self::Conv2D(layer) => vec![layer.input],
            Self::MaxPool2D(layer) | Self::AvgPool2D(layer) => vec![layer.input],
        }
    }

    /// The activation applied to the node's output, where it has one (dense layers and
    /// activation nodes).
    pub fn activation(&self) -> Option<Activation> {
        match self {
            Self::Dense(layer) => Some(layer.activation),
            Self::Activation(layer) => Some(layer.activation),
            Self::Conv2D(layer) => Some(layer.activation),
            _ => None,
        }
    }
}

/// An activation node: `y = f(x)` element by element.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivationLayer {
    /// The node it reads.
    pub input: NodeId,
    /// `f`.
    pub activation: Activation,
    /// PReLU's learned slopes `α: [1, width]`.
    pub slopes: Option<ParameterId>,
}

/// A dense (fully connected) layer and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseLayer {
    /// The node it reads.
    pub input: NodeId,
    /// The activation `f` (identity for an output layer, whose head applies the output function).
    pub activation: Activation,
    /// How `W` starts.
    pub initializer: Initializer,
    /// `W: [in, units]`.
    pub weights: ParameterId,
    /// `b: [1, units]`, when the layer has a bias.
    pub bias: Option<ParameterId>,
    /// PReLU's learned slopes `α: [1, units]`.
    pub slopes: Option<ParameterId>,
}

/// One node: a name for messages, its operation and its output width.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The document's id for this node, used in messages.
    pub name: String,
    /// What it computes.
    pub operation: Operation,
    /// The width of its output, `[batch, width]`.
    pub width: usize,
    /// When its output is an image `[batch, c, h, w]`: its size (`width = c·h·w`).
    pub image: Option<ImageSize>,
}

/// What a parameter tensor is to its layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterRole {
    /// The weight matrix `W: [in, units]` (the only role regularization applies to).
    Weights,
    /// The bias row `b: [1, units]`.
    Bias,
    /// PReLU's slopes `α: [1, units]`.
    Slopes,
    /// A normalisation's scale `γ: [1, units]`.
    Scale,
    /// A normalisation's shift `β: [1, units]`.
    Shift,
    /// Batch norm's running mean `[1, units]` (moved by training steps, not by gradient).
    RunningMean,
    /// Batch norm's running variance `[1, units]` (moved by training steps, not by gradient).
    RunningVariance,
}

impl ParameterRole {
    /// Whether gradient descent trains it (every role but the running statistics).
    pub fn is_learned(self) -> bool {
        !matches!(self, Self::RunningMean | Self::RunningVariance)
    }

    /// Its name in messages and files: `weights`, `bias`, `slopes`, `scale`, `shift`,
    /// `running_mean`, `running_variance`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Weights => "weights",
            Self::Bias => "bias",
            Self::Slopes => "slopes",
            Self::Scale => "scale",
            Self::Shift => "shift",
            Self::RunningMean => "running_mean",
            Self::RunningVariance => "running_variance",
        }
    }

    /// Its symbol in the notes' style: `W`, `b`, `α`, `γ`, `β`, `μ`, `σ²`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Weights => "W",
            Self::Bias => "b",
            Self::Slopes => "α",
            Self::Scale => "γ",
            Self::Shift => "β",
            Self::RunningMean => "μ",
            Self::RunningVariance => "σ²",
        }
    }
}

/// Where a parameter tensor belongs and its shape.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterInfo {
    /// The node that owns it.
    pub node: NodeId,
    /// Its role in that node.
    pub role: ParameterRole,
    /// `(rows, columns)`.
    pub shape: (usize, usize),
}

/// The output head: which node's values are the logits, and how they are scored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Head {
    /// The output layer (a dense node with identity activation) whose values are logits `z`.
    pub logits: NodeId,
    /// `ŷ = g(z)`.
    pub output_function: OutputFunction,
    /// The loss between `ŷ` and the targets.
    pub loss: Loss,
    /// How the loss combines examples.
    pub reduction: Reduction,
}

/// A checked network structure: nodes in topological order (every node's inputs come
/// before it), one input node and one output head.
#[derive(Clone, Debug, PartialEq)]
pub struct Architecture {
    nodes: Vec<Node>,
    parameters: Vec<ParameterInfo>,
    input: NodeId,
    head: Head,
}

/// Settings of a hidden dense layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DenseSpec {
    /// The number of units (output width).
    pub units: usize,
    /// The activation after the affine map.
    pub activation: Activation,
    /// How the weights start.
    pub initializer: Initializer,
    /// Whether the layer adds a bias `b`.
    pub use_bias: bool,
}

impl DenseSpec {
    /// `units` units with `activation`, Glorot weights and a bias.
    pub fn new(units: usize, activation: Activation) -> Self {
        Self {
            units,
            activation,
            initializer: Initializer::GlorotUniform,
            use_bias: true,
        }
    }
}

/// Settings of the output layer: a dense layer without activation, plus the head.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutputSpec {
    /// The number of output units (1 for sigmoid or regression, the class count for softmax).
    pub units: usize,
    /// `ŷ = g(z)`.
    pub output_function: OutputFunction,
    /// The loss.
    pub loss: Loss,
    /// How the loss combines the batch.
    pub reduction: Reduction,
    /// How the weights start.
    pub initializer: Initializer,
    /// Whether the layer adds a bias.
    pub use_bias: bool,
}

impl OutputSpec {
    /// An output of `units` units with Glorot weights, a bias and mean reduction.
    pub fn new(units: usize, output_function: OutputFunction, loss: Loss) -> Self {
        Self {
            units,
            output_function,
            loss,
            reduction: Reduction::Mean,
            initializer: Initializer::GlorotUniform,
            use_bias: true,
        }
    }
}

/// Largest number of units in one layer.
pub const MAX_UNITS: usize = 4096;

/// What is wrong with a network being built; each names the node.
#[derive(Clone, Debug, PartialEq)]
pub enum ArchitectureError {
    /// A node refers to a node that does not exist (yet).
    UnknownInput {
        /// The node being added.
        node: String,
        /// The missing node index.
        index: usize,
    },
    /// A second input node.
    SecondInput {
        /// The node being added.
        node: String,
        /// The existing input.
        first: String,
    },
    /// An output was declared before any input.
    NoInput {
        /// The output node.
        node: String,
    },
    /// A width of zero or above [`MAX_UNITS`].
    BadWidth {
        /// The node.
        node: String,
        /// The width asked for.
        width: usize,
    },
    /// `add` with inputs of different widths.
    WidthMismatch {
        /// The add node.
        node: String,
        /// The widths of its inputs.
        widths: Vec<usize>,
    },
    /// `add` or `concat` with fewer than the inputs they need.
    TooFewInputs {
        /// The node.
        node: String,
        /// `add` or `concat`.
        operation: &'static str,
        /// How many it needs.
        needed: usize,
        /// How many it has.
        found: usize,
    },
    /// A dropout rate outside `[0, 1)`.
    BadDropoutRate {
        /// The node.
        node: String,
        /// The rate given.
        rate: f64,
    },
    /// An activation with bad parameters.
    BadActivation {
        /// The node.
        node: String,
        /// What is wrong.
        problem: String,
    },
    /// Shapes that do not fit: an image where a vector is needed, or a window too large.
    Shapes {
        /// The node.
        node: String,
        /// What is wrong, naming both shapes.
        problem: String,
    },
    /// A normalisation's `ε` or momentum out of range.
    BadNormalization {
        /// The node.
        node: String,
        /// What is wrong.
        problem: String,
    },
    /// A loss that does not fit the output function.
    LossDoesNotFit {
        /// The output node.
        node: String,
        /// The loss.
        loss: Loss,
        /// The output function.
        output: OutputFunction,
    },
}

impl ArchitectureError {
    /// The node the problem belongs to.
    pub fn node(&self) -> &str {
        match self {
            Self::UnknownInput { node, .. }
            | Self::SecondInput { node, .. }
            | Self::NoInput { node }
            | Self::BadWidth { node, .. }
            | Self::WidthMismatch { node, .. }
            | Self::TooFewInputs { node, .. }
            | Self::BadDropoutRate { node, .. }
            | Self::BadActivation { node, .. }
            | Self::BadNormalization { node, .. }
            | Self::Shapes { node, .. }
            | Self::LossDoesNotFit { node, .. } => node,
        }
    }

    /// What is wrong, as a sentence that does not name the node (the message says which).
    pub fn problem(&self) -> String {
        match self {
            Self::UnknownInput { index, .. } => format!("its input #{index} does not exist"),
            Self::SecondInput { first, .. } => {
                format!("the network already has an input ('{first}'); only one is supported")
            }
            Self::NoInput { .. } => "the network has no input node".to_owned(),
            Self::BadWidth { width, .. } => format!("{width} units is outside 1..={MAX_UNITS}"),
            Self::WidthMismatch { widths, .. } => {
                format!("add needs inputs of equal width, got {widths:?}")
            }
            Self::TooFewInputs {
                operation,
                needed,
                found,
                ..
            } => format!("{operation} needs at least {needed} inputs, got {found}"),
            Self::BadDropoutRate { rate, .. } => {
                format!("dropout rate must be at least 0 and below 1, got {rate}")
            }
            Self::BadActivation { problem, .. }
            | Self::BadNormalization { problem, .. }
            | Self::Shapes { problem, .. } => problem.clone(),
            Self::LossDoesNotFit { loss, output, .. } => format!(
                "the {} loss does not fit a {} output (use {})",
                loss.name(),
                output.name(),
                output
                    .fitting_losses()
                    .iter()
                    .map(|l| l.name())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        }
    }
}

impl std::fmt::Display for ArchitectureError {
    /// `node 'ID': problem`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node '{}': {}", self.node(), self.problem())
    }
}

impl std::error::Error for ArchitectureError {}

/// Builds an [`Architecture`] node by node; each call checks what it adds.
#[derive(Clone, Debug, Default)]
pub struct ArchitectureBuilder {
    nodes: Vec<Node>,
    parameters: Vec<ParameterInfo>,
    input: Option<NodeId>,
}

impl ArchitectureBuilder {
    /// An empty network.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the input node, `x: [batch, width]`.
    pub fn input(&mut self, name: &str, width: usize) -> Result<NodeId, ArchitectureError> {
        if let Some(first) = self.input {
            return Err(ArchitectureError::SecondInput {
                node: name.to_owned(),
                first: self.nodes[first.0].name.clone(),
            });
        }
        check_width(name, width)?;
        let id = self.push(name, Operation::Input, width);
        self.input = Some(id);
        Ok(id)
    }

    /// Adds a dense layer `y = f(x·W + b)` reading `input`.
    pub fn dense(
        &mut self,
        name: &str,
        input: NodeId,
        spec: DenseSpec,
    ) -> Result<NodeId, ArchitectureError> {
        let fan_in = self.width_of(name, input)?;
        self.refuse_image(name, input, "a dense layer")?;
        check_width(name, spec.units)?;
        if let Some(problem) = spec.activation.parameter_problem() {
            return Err(ArchitectureError::BadActivation {
                node: name.to_owned(),
                problem,
            });
        }
        let id = NodeId(self.nodes.len());
        let weights = self.parameter(id, ParameterRole::Weights, (fan_in, spec.units));
        let bias = spec
            .use_bias
            .then(|| self.parameter(id, ParameterRole::Bias, (1, spec.units)));
        let slopes = matches!(spec.activation, Activation::Prelu { .. })
            .then(|| self.parameter(id, ParameterRole::Slopes, (1, spec.units)));
        let layer = DenseLayer {
            input,
            activation: spec.activation,
            initializer: spec.initializer,
            weights,
            bias,
            slopes,
        };
        Ok(self.push(name, Operation::Dense(layer), spec.units))
    }

    /// Adds `y = x₁ + x₂ + …` (all inputs of one width, or images of one size).
    pub fn add(&mut self, name: &str, inputs: &[NodeId]) -> Result<NodeId, ArchitectureError> {
        let widths = self.widths_of(name, inputs, "add", 2)?;
        let images: Vec<Option<ImageSize>> = inputs.iter().map(|&i| self.image_of(i)).collect();
        if images.iter().any(|i| *i != images[0]) {
            return Err(ArchitectureError::Shapes {
                node: name.to_owned(),
                problem: format!(
                    "add needs inputs of one shape, got {}",
                    self.shapes_text(inputs)
                ),
            });
        }
        if widths.iter().any(|&w| w != widths[0]) {
            return Err(ArchitectureError::WidthMismatch {
                node: name.to_owned(),
                widths,
            });
        }
        let operation = Operation::Add {
            inputs: inputs.to_vec(),
        };
        Ok(self.push_shaped(name, operation, widths[0], images[0]))
    }

    /// Adds `y = [x₁ | x₂ | …]`, joining columns; images of one height and width join
    /// along their channels.
    pub fn concat(&mut self, name: &str, inputs: &[NodeId]) -> Result<NodeId, ArchitectureError> {
        let widths = self.widths_of(name, inputs, "concat", 1)?;
        let width = widths.iter().sum();
        let images: Vec<Option<ImageSize>> = inputs.iter().map(|&i| self.image_of(i)).collect();
        let joined = match images.first().copied().flatten() {
            Some(first)
                if images.iter().all(|i| {
                    i.is_some_and(|i| i.height == first.height && i.width == first.width)
                }) =>
            {
                Some(ImageSize {
                    channels: images.iter().flatten().map(|i| i.channels).sum(),
                    ..first
                })
            }
            _ if images.iter().all(Option::is_none) => None,
            _ => {
                return Err(ArchitectureError::Shapes {
                    node: name.to_owned(),
                    problem: format!(
                        "concat joins vectors, or images of one height and width along their \
                         channels; got {}",
                        self.shapes_text(inputs)
                    ),
                });
            }
        };
        match joined {
            Some(image) => images::check_image(name, image)?,
            None => check_width(name, width)?,
        }
        let operation = Operation::Concat {
            inputs: inputs.to_vec(),
        };
        Ok(self.push_shaped(name, operation, width, joined))
    }

    /// Adds inverted dropout with probability `rate` of zeroing an element while training.
    pub fn dropout(
        &mut self,
        name: &str,
        input: NodeId,
        rate: f64,
    ) -> Result<NodeId, ArchitectureError> {
        let width = self.width_of(name, input)?;
        if !(0.0..1.0).contains(&rate) {
            return Err(ArchitectureError::BadDropoutRate {
                node: name.to_owned(),
                rate,
            });
        }
        let image = self.image_of(input);
        Ok(self.push_shaped(name, Operation::Dropout { input, rate }, width, image))
    }

    /// Adds an activation node `y = f(x)`.
    pub fn activation(
        &mut self,
        name: &str,
        input: NodeId,
        activation: Activation,
    ) -> Result<NodeId, ArchitectureError> {
        let width = self.width_of(name, input)?;
        if let Some(problem) = activation.parameter_problem() {
            return Err(ArchitectureError::BadActivation {
                node: name.to_owned(),
                problem,
            });
        }
        if matches!(activation, Activation::Prelu { .. }) {
            self.refuse_image(name, input, "PReLU (one learned slope per unit)")?;
        }
        let id = NodeId(self.nodes.len());
        let slopes = matches!(activation, Activation::Prelu { .. })
            .then(|| self.parameter(id, ParameterRole::Slopes, (1, width)));
        let layer = ActivationLayer {
            input,
            activation,
            slopes,
        };
        let image = self.image_of(input);
        Ok(self.push_shaped(name, Operation::Activation(layer), width, image))
    }

    /// Adds batch normalisation with `ε` and running-statistics momentum `m`.
    pub fn batch_norm(
        &mut self,
        name: &str,
        input: NodeId,
        epsilon: f64,
        momentum: f64,
    ) -> Result<NodeId, ArchitectureError> {
        let width = self.width_of(name, input)?;
        self.refuse_image(name, input, "batch norm")?;
        check_epsilon(name, epsilon)?;
        if !(momentum > 0.0 && momentum <= 1.0) {
            return Err(ArchitectureError::BadNormalization {
                node: name.to_owned(),
                problem: format!("momentum must be above 0 and at most 1, got {momentum}"),
            });
        }
        let id = NodeId(self.nodes.len());
        let layer = BatchNormLayer {
            input,
            scale: self.parameter(id, ParameterRole::Scale, (1, width)),
            shift: self.parameter(id, ParameterRole::Shift, (1, width)),
            running_mean: self.parameter(id, ParameterRole::RunningMean, (1, width)),
            running_variance: self.parameter(id, ParameterRole::RunningVariance, (1, width)),
            epsilon,
            momentum,
        };
        Ok(self.push(name, Operation::BatchNorm(layer), width))
    }

    /// Adds layer normalisation with `ε`.
    pub fn layer_norm(
        &mut self,
        name: &str,
        input: NodeId,
        epsilon: f64,
    ) -> Result<NodeId, ArchitectureError> {
        let width = self.width_of(name, input)?;
        self.refuse_image(name, input, "layer norm")?;
        check_epsilon(name, epsilon)?;
        let id = NodeId(self.nodes.len());
        let layer = LayerNormLayer {
            input,
            scale: self.parameter(id, ParameterRole::Scale, (1, width)),
            shift: self.parameter(id, ParameterRole::Shift, (1, width)),
            epsilon,
        };
        Ok(self.push(name, Operation::LayerNorm(layer), width))
    }

    /// Adds the output layer (`z = x·W + b`, then `ŷ = g(z)` and the loss) and finishes.
    pub fn output(
        mut self,
        name: &str,
        input: NodeId,
        spec: OutputSpec,
    ) -> Result<Architecture, ArchitectureError> {
        let Some(input_node) = self.input else {
            return Err(ArchitectureError::NoInput {
                node: name.to_owned(),
            });
        };
        if !spec.loss.fits(spec.output_function) {
            return Err(ArchitectureError::LossDoesNotFit {
                node: name.to_owned(),
                loss: spec.loss,
                output: spec.output_function,
            });
        }
        let dense = DenseSpec {
            units: spec.units,
            activation: Activation::Identity,
            initializer: spec.initializer,
            use_bias: spec.use_bias,
        };
        let logits = self.dense(name, input, dense)?;
        Ok(Architecture {
            nodes: self.nodes,
            parameters: self.parameters,
            input: input_node,
            head: Head {
                logits,
                output_function: spec.output_function,
                loss: spec.loss,
                reduction: spec.reduction,
            },
        })
    }

    fn push(&mut self, name: &str, operation: Operation, width: usize) -> NodeId {
        self.push_shaped(name, operation, width, None)
    }

    fn push_shaped(
        &mut self,
        name: &str,
        operation: Operation,
        width: usize,
        image: Option<ImageSize>,
    ) -> NodeId {
        self.nodes.push(Node {
            name: name.to_owned(),
            operation,
            width,
            image,
        });
        NodeId(self.nodes.len() - 1)
    }

    /// The image size of node `input`'s output, if it is an image.
    fn image_of(&self, input: NodeId) -> Option<ImageSize> {
        self.nodes.get(input.0).and_then(|n| n.image)
    }

    /// `[batch, c, h, w]` or `[batch, n]` for each of `inputs`, joined by "and".
    fn shapes_text(&self, inputs: &[NodeId]) -> String {
        inputs
            .iter()
            .filter_map(|&i| self.nodes.get(i.0))
            .map(node_shape_text)
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// An error when `input` is an image: `what` takes vectors.
    fn refuse_image(&self, name: &str, input: NodeId, what: &str) -> Result<(), ArchitectureError> {
        match self.nodes.get(input.0) {
            Some(node) if node.image.is_some() => Err(ArchitectureError::Shapes {
                node: name.to_owned(),
                problem: format!(
                    "{what} takes [batch, n], but '{}' gives an image {}: add a Flatten before it",
                    node.name,
                    node_shape_text(node)
                ),
            }),
            _ => Ok(()),
        }
    }

    fn parameter(
        &mut self,
        node: NodeId,
        role: ParameterRole,
        shape: (usize, usize),
    ) -> ParameterId {
        self.parameters.push(ParameterInfo { node, role, shape });
        ParameterId(self.parameters.len() - 1)
    }

    fn width_of(&self, name: &str, input: NodeId) -> Result<usize, ArchitectureError> {
        self.nodes
            .get(input.0)
            .map(|n| n.width)
            .ok_or_else(|| ArchitectureError::UnknownInput {
                node: name.to_owned(),
                index: input.0,
            })
    }

    fn widths_of(
        &self,
        name: &str,
        inputs: &[NodeId],
        operation: &'static str,
        needed: usize,
    ) -> Result<Vec<usize>, ArchitectureError> {
        if inputs.len() < needed {
            return Err(ArchitectureError::TooFewInputs {
                node: name.to_owned(),
                operation,
                needed,
                found: inputs.len(),
            });
        }
        inputs.iter().map(|&i| self.width_of(name, i)).collect()
    }
}

/// `[batch, c, h, w]` for an image node, `[batch, n]` otherwise.
pub fn node_shape_text(node: &Node) -> String {
    match node.image {
        Some(image) => format!(
            "[batch, {}, {}, {}]",
            image.channels, image.height, image.width
        ),
        None => format!("[batch, {}]", node.width),
    }
}

fn check_epsilon(name: &str, epsilon: f64) -> Result<(), ArchitectureError> {
    if epsilon.is_finite() && epsilon > 0.0 {
        Ok(())
    } else {
        Err(ArchitectureError::BadNormalization {
            node: name.to_owned(),
            problem: format!("epsilon must be above 0, got {epsilon}"),
        })
    }
}

fn check_width(name: &str, width: usize) -> Result<(), ArchitectureError> {
    if (1..=MAX_UNITS).contains(&width) {
        Ok(())
    } else {
        Err(ArchitectureError::BadWidth {
            node: name.to_owned(),
            width,
        })
    }
}

impl Architecture {
    /// The nodes in topological order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The parameter tensors, in the order their initial values are drawn.
    pub fn parameters(&self) -> &[ParameterInfo] {
        &self.parameters
    }

    /// The input node.
    pub fn input(&self) -> NodeId {
        self.input
    }

    /// The width of the input, `x: [batch, input_width]`.
    pub fn input_width(&self) -> usize {
        self.nodes[self.input.0].width
    }

    /// The width of the output, `z: [batch, output_width]`.
    pub fn output_width(&self) -> usize {
        self.nodes[self.head.logits.0].width
    }

    /// The output head.
    pub fn head(&self) -> Head {
        self.head
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// The number of trainable numbers (batch norm's running statistics are not counted).
    pub fn parameter_count(&self) -> usize {
        self.parameters
            .iter()
            .filter(|p| p.role.is_learned())
            .map(|p| p.shape.0 * p.shape.1)
            .sum()
    }

    /// Whether any node draws random numbers while training (dropout, RReLU).
    pub fn is_stochastic(&self) -> bool {
        self.nodes.iter().any(|n| match &n.operation {
            Operation::Dropout { rate, .. } => *rate > 0.0,
            Operation::Dense(_) | Operation::Activation(_) | Operation::Conv2D(_) => {
                matches!(n.operation.activation(), Some(Activation::Rrelu { .. }))
            }
            _ => false,
        })
    }

    /// The first batch-norm node, if any (training it needs batches of two or more).
    pub fn first_batch_norm(&self) -> Option<&Node> {
        self.nodes
            .iter()
            .find(|n| matches!(n.operation, Operation::BatchNorm(_)))
    }

    /// Initial parameters drawn from one [`SplitMix64`] seeded with `seed`: weights by each
    /// layer's initializer (layer by layer, row-major), biases zero, PReLU slopes at their
    /// initial α, normalisations' `γ` one and `β` zero, running means zero and variances one.
    pub fn initial_parameters(&self, seed: u64) -> ParameterSet<f64> {
        let mut rng = SplitMix64::new(seed);
        let tensors = self
            .parameters
            .iter()
            .map(|info| {
                let operation = &self.nodes[info.node.0].operation;
                match info.role {
                    ParameterRole::Weights => match operation {
                        Operation::Dense(layer) => {
                            layer
                                .initializer
                                .weights(info.shape.0, info.shape.1, &mut rng)
                        }
                        // Drawn as `[c·kh·kw, filters]` (fan in, fan out), stored transposed.
                        Operation::Conv2D(layer) => layer
                            .initializer
                            .weights(info.shape.1, info.shape.0, &mut rng)
                            .reversed_axes()
                            .as_standard_layout()
                            .to_owned(),
                        _ => Array2::zeros(info.shape),
                    },
                    ParameterRole::Slopes => Array2::from_elem(
                        info.shape,
                        operation
                            .activation()
                            .and_then(|a| a.inference_negative_slope())
                            .unwrap_or(0.25),
                    ),
                    ParameterRole::Scale | ParameterRole::RunningVariance => {
                        Array2::ones(info.shape)
                    }
                    ParameterRole::Bias | ParameterRole::Shift | ParameterRole::RunningMean => {
                        Array2::zeros(info.shape)
                    }
                }
            })
            .collect();
        ParameterSet { tensors }
    }

    /// Whether `parameters` has one tensor of the right shape for every parameter.
    pub fn fits<F: Float>(&self, parameters: &ParameterSet<F>) -> bool {
        parameters.tensors.len() == self.parameters.len()
            && self
                .parameters
                .iter()
                .zip(&parameters.tensors)
                .all(|(info, t)| t.dim() == info.shape)
    }
}

/// The numbers of a network: one matrix per [`ParameterInfo`] of its architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct ParameterSet<F: Float> {
    /// The tensors, indexed by [`ParameterId`].
    pub tensors: Vec<Array2<F>>,
}

impl<F: Float> ParameterSet<F> {
    /// The tensor with this id.
    pub fn get(&self, id: ParameterId) -> &Array2<F> {
        &self.tensors[id.0]
    }

    /// Converts every number to precision `G`.
    pub fn cast<G: Float>(&self) -> ParameterSet<G> {
        ParameterSet {
            tensors: self
                .tensors
                .iter()
                .map(|t| t.mapv(|v| G::cast(v.widen())))
                .collect(),
        }
    }

    /// Whether every number is finite.
    pub fn all_finite(&self) -> bool {
        self.tensors.iter().all(|t| t.iter().all(|v| v.is_finite()))
    }

    /// Zero tensors of the same shapes.
    pub fn zeros_like(&self) -> Self {
        Self {
            tensors: self
                .tensors
                .iter()
                .map(|t| Array2::zeros(t.dim()))
                .collect(),
        }
    }
}
