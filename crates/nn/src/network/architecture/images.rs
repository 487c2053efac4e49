//! Building the image part of a network: an image input, convolutions, pooling and flatten,
//! each checked as it is added, with errors naming the node and the shapes.

use super::{
    Activation, ArchitectureBuilder, ArchitectureError, ConvLayer, ConvShape, ImageSize,
    Initializer, NodeId, Operation, ParameterRole, PoolLayer, Window, node_shape_text,
};

/// The most values one example's image tensor may hold (`c·h·w`) in one node: the size limit
/// counts each example's activations, which the training buffers hold for every row of a
/// batch.
pub const MAX_IMAGE_VALUES: usize = 65_536;

/// The zeros a convolution adds around its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvPadding {
    /// None: the kernel stays inside the image.
    Valid,
    /// The output as large as the input (stride 1 only): `k − 1` zeros on each axis, the
    /// odd one at the bottom and right, as PyTorch's `padding="same"`.
    Same,
    /// `[top, left, bottom, right]`.
    Explicit([usize; 4]),
}

/// Settings of a convolution layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConvSpec {
    /// Output channels.
    pub filters: usize,
    /// Kernel rows and columns.
    pub kernel: [usize; 2],
    /// The step between positions.
    pub stride: usize,
    /// The zeros around the input.
    pub padding: ConvPadding,
    /// The activation after the convolution.
    pub activation: Activation,
    /// How `W` starts.
    pub initializer: Initializer,
    /// Whether each filter adds a bias.
    pub use_bias: bool,
}

/// An error unless `image` is a non-empty image within [`MAX_IMAGE_VALUES`].
pub(super) fn check_image(name: &str, image: ImageSize) -> Result<(), ArchitectureError> {
    let values = image.values();
    if values == 0 || values > MAX_IMAGE_VALUES {
        return Err(ArchitectureError::Shapes {
            node: name.to_owned(),
            problem: format!(
                "an image of {image} holds {values} values per example; the limit is \
                 {MAX_IMAGE_VALUES} (1 to {MAX_IMAGE_VALUES} values each node, counted per example)"
            ),
        });
    }
    Ok(())
}

impl ArchitectureBuilder {
    /// Adds the input node as an image, `x: [batch, c, h, w]`.
    pub fn input_image(
        &mut self,
        name: &str,
        image: ImageSize,
    ) -> Result<NodeId, ArchitectureError> {
        check_image(name, image)?;
        let id = self.input(name, image.values().min(super::MAX_UNITS))?;
        if let Some(node) = self.nodes.get_mut(id.0) {
            node.width = image.values();
            node.image = Some(image);
        }
        Ok(id)
    }

    /// The image `input` gives, or an error naming what `what` needs.
    fn image_input(
        &self,
        name: &str,
        input: NodeId,
        what: &str,
    ) -> Result<ImageSize, ArchitectureError> {
        self.width_of(name, input)?;
        let node = &self.nodes[input.0];
        node.image.ok_or_else(|| ArchitectureError::Shapes {
            node: name.to_owned(),
            problem: format!(
                "{what} takes an image [batch, c, h, w], but '{}' gives {}",
                node.name,
                node_shape_text(node)
            ),
        })
    }

    /// Adds a convolution `y = f(x ⊛ W + b)` reading an image.
    pub fn conv2d(
        &mut self,
        name: &str,
        input: NodeId,
        spec: ConvSpec,
    ) -> Result<NodeId, ArchitectureError> {
        let image = self.image_input(name, input, "a convolution")?;
        let [kernel_height, kernel_width] = spec.kernel;
        let bad = |problem: String| ArchitectureError::Shapes {
            node: name.to_owned(),
            problem,
        };
        if spec.filters == 0 || kernel_height == 0 || kernel_width == 0 || spec.stride == 0 {
            return Err(bad(format!(
                "filters, kernel size and stride must be at least 1, got {} filters of \
                 {kernel_height} × {kernel_width}, stride {}",
                spec.filters, spec.stride
            )));
        }
        if let Some(problem) = spec.activation.parameter_problem() {
            return Err(ArchitectureError::BadActivation {
                node: name.to_owned(),
                problem,
            });
        }
        if matches!(spec.activation, Activation::Prelu { .. }) {
            return Err(bad(
                "PReLU learns one slope per unit of a dense layer; for a convolution use \
                 another activation"
                    .to_owned(),
            ));
        }
        let padding = match spec.padding {
            ConvPadding::Valid => [0; 4],
            ConvPadding::Same if spec.stride != 1 => {
                return Err(bad(format!(
                    "\"same\" padding needs stride 1, got stride {}; give the padding explicitly",
                    spec.stride
                )));
            }
            ConvPadding::Same => {
                let (rows, columns) = (kernel_height - 1, kernel_width - 1);
                [
                    rows / 2,
                    columns / 2,
                    rows - rows / 2,
                    columns - columns / 2,
                ]
            }
            ConvPadding::Explicit(padding) => padding,
        };
        let window = Window {
            height: kernel_height,
            width: kernel_width,
            stride: spec.stride,
            padding,
        };
        let output = window.output(image, spec.filters).ok_or_else(|| {
            bad(format!(
                "a {kernel_height} × {kernel_width} kernel does not fit the image {image} with \
                 padding {padding:?} (top, left, bottom, right)"
            ))
        })?;
        check_image(name, output)?;
        let id = NodeId(self.nodes.len());
        let fan_in = image.channels * kernel_height * kernel_width;
        let weights = self.parameter(id, ParameterRole::Weights, (spec.filters, fan_in));
        let bias = spec
            .use_bias
            .then(|| self.parameter(id, ParameterRole::Bias, (1, spec.filters)));
        let layer = ConvLayer {
            input,
            shape: ConvShape {
                input: image,
                window,
                output,
            },
            activation: spec.activation,
            initializer: spec.initializer,
            weights,
            bias,
        };
        Ok(self.push_shaped(
            name,
            Operation::Conv2D(layer),
            output.values(),
            Some(output),
        ))
    }

    /// Adds max pooling (`max`) or average pooling over `size` windows moving by `stride`.
    pub fn pool2d(
        &mut self,
        name: &str,
        input: NodeId,
        size: [usize; 2],
        stride: usize,
        max: bool,
    ) -> Result<NodeId, ArchitectureError> {
        let what = if max {
            "max pooling"
        } else {
            "average pooling"
        };
        let image = self.image_input(name, input, what)?;
        let window = Window {
            height: size[0],
            width: size[1],
            stride,
            padding: [0; 4],
        };
        let output = window
            .output(image, image.channels)
            .ok_or_else(|| ArchitectureError::Shapes {
                node: name.to_owned(),
                problem: format!(
                    "{what} over {} × {} windows with stride {stride} does not fit the image {image}",
                    size[0], size[1]
                ),
            })?;
        let layer = PoolLayer {
            input,
            input_size: image,
            window,
        };
        let operation = if max {
            Operation::MaxPool2D(layer)
        } else {
            Operation::AvgPool2D(layer)
        };
        Ok(self.push_shaped(name, operation, output.values(), Some(output)))
    }

    /// Adds a flatten: the image `[batch, c, h, w]` read as `[batch, c·h·w]`; a vector
    /// passes through unchanged (as PyTorch's `flatten(1)` leaves `[batch, n]`).
    pub fn flatten(&mut self, name: &str, input: NodeId) -> Result<NodeId, ArchitectureError> {
        let width = self.width_of(name, input)?;
        Ok(self.push(name, Operation::Flatten { input }, width))
    }
}
