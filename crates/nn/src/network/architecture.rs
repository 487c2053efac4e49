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

mod builder;
mod error;
mod images;
mod parameters;
pub use builder::{ArchitectureBuilder, DenseSpec, MAX_UNITS, OutputSpec, node_shape_text};
pub use error::ArchitectureError;
pub use images::{ConvPadding, ConvSpec, MAX_IMAGE_VALUES};
pub use parameters::{ParameterInfo, ParameterRole, ParameterSet};

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
