//! Building an [`Architecture`] node by node, each addition checked (widths, activation
//! parameters, shapes, the loss fitting the output); the image nodes are in `images`.

use super::{
    ActivationLayer, Architecture, ArchitectureError, BatchNormLayer, DenseLayer, Head, ImageSize,
    LayerNormLayer, Node, NodeId, Operation, ParameterId, ParameterInfo, ParameterRole, images,
};
use crate::math::activations::Activation;
use crate::math::init::Initializer;
use crate::math::losses::{Loss, OutputFunction, Reduction};

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

/// Builds an [`Architecture`] node by node; each call checks what it adds.
#[derive(Clone, Debug, Default)]
pub struct ArchitectureBuilder {
    pub(super) nodes: Vec<Node>,
    pub(super) parameters: Vec<ParameterInfo>,
    pub(super) input: Option<NodeId>,
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

    pub(super) fn push(&mut self, name: &str, operation: Operation, width: usize) -> NodeId {
        self.push_shaped(name, operation, width, None)
    }

    pub(super) fn push_shaped(
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
    pub(super) fn image_of(&self, input: NodeId) -> Option<ImageSize> {
        self.nodes.get(input.0).and_then(|n| n.image)
    }

    /// `[batch, c, h, w]` or `[batch, n]` for each of `inputs`, joined by "and".
    pub(super) fn shapes_text(&self, inputs: &[NodeId]) -> String {
        inputs
            .iter()
            .filter_map(|&i| self.nodes.get(i.0))
            .map(node_shape_text)
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// An error when `input` is an image: `what` takes vectors.
    pub(super) fn refuse_image(
        &self,
        name: &str,
        input: NodeId,
        what: &str,
    ) -> Result<(), ArchitectureError> {
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

    pub(super) fn parameter(
        &mut self,
        node: NodeId,
        role: ParameterRole,
        shape: (usize, usize),
    ) -> ParameterId {
        self.parameters.push(ParameterInfo { node, role, shape });
        ParameterId(self.parameters.len() - 1)
    }

    pub(super) fn width_of(&self, name: &str, input: NodeId) -> Result<usize, ArchitectureError> {
        self.nodes
            .get(input.0)
            .map(|n| n.width)
            .ok_or_else(|| ArchitectureError::UnknownInput {
                node: name.to_owned(),
                index: input.0,
            })
    }

    pub(super) fn widths_of(
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

pub(super) fn check_epsilon(name: &str, epsilon: f64) -> Result<(), ArchitectureError> {
    if epsilon.is_finite() && epsilon > 0.0 {
        Ok(())
    } else {
        Err(ArchitectureError::BadNormalization {
            node: name.to_owned(),
            problem: format!("epsilon must be above 0, got {epsilon}"),
        })
    }
}

pub(super) fn check_width(name: &str, width: usize) -> Result<(), ArchitectureError> {
    if (1..=MAX_UNITS).contains(&width) {
        Ok(())
    } else {
        Err(ArchitectureError::BadWidth {
            node: name.to_owned(),
            width,
        })
    }
}
