//! Running an [`Architecture`]: the forward pass in topological order and
//! back-propagation in reverse, summing gradients where a tensor feeds several nodes.

use web_time::Instant;

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, Slice, Zip};

use crate::math::activations::{Activation, leaky_derivative, leaky_slope_derivative, leaky_value};
use crate::math::float::Float;
use crate::math::losses::loss_and_gradient;
use crate::math::rng::SplitMix64;
use crate::network::architecture::{
    Architecture, DenseLayer, NodeId, Operation, ParameterId, ParameterSet,
};
use crate::network::convolution;
use crate::network::normalization::{self, NormBackward};
use crate::train::profile::{Pass, Profile, record};

/// Whether a pass is part of training (dropout and RReLU draw random numbers) or not.
#[derive(Debug)]
pub enum Mode<'a> {
    /// Deterministic: dropout passes values through, RReLU uses its mean slope.
    Inference,
    /// Dropout masks and RReLU slopes are drawn from this generator.
    Training(&'a mut SplitMix64),
}

/// The buffers of one forward and backward pass, reused from batch to batch.
///
/// Every buffer has room for `capacity` rows; a batch of `rows ≤ capacity` uses the
/// first `rows`. A larger batch grows the buffers once.
#[derive(Clone, Debug)]
pub struct Workspace<F: Float> {
    capacity: usize,
    rows: usize,
    training: bool,
    /// Each node's output, `[capacity, width]`.
    values: Vec<Array2<F>>,
    /// Dense nodes' pre-activations `z`, and normalisations' `x̂`, `[capacity, units]`
    /// (empty elsewhere).
    pre_activations: Vec<Array2<F>>,
    /// Batch norm: `[3, units]` (mean, variance, `1/√(σ² + ε)`); layer norm: each row's
    /// `1/√(σ² + ε)`, `[capacity, 1]`; empty elsewhere.
    statistics: Vec<Array2<F>>,
    /// Dropout masks (already scaled by `1/(1 − rate)`) and RReLU slopes, per element.
    noise: Vec<Array2<F>>,
    /// `∂L/∂(node output)`, `[capacity, width]`.
    gradients: Vec<Array2<F>>,
    /// Dense and activation nodes' `∂L/∂z`.
    pre_activation_gradients: Vec<Array2<F>>,
    /// `∂L/∂θ` for every parameter tensor.
    parameter_gradients: ParameterSet<F>,
    /// Max pooling: for each output value of each row, the input position it came from
    /// (`capacity · width` entries; empty elsewhere).
    pool_choices: Vec<Vec<usize>>,
    /// Convolutions: one example's patches and the batch's gradient accumulators.
    conv_scratch: Vec<convolution::ConvScratch<F>>,
    /// Dense nodes: room for `Wᵀ`, `[units, inputs]`, read by the backward pass's
    /// `∂L/∂x = ∂L/∂z·Wᵀ` (empty elsewhere).
    transposed_weights: Vec<Array2<F>>,
    /// Where the passes' time goes, when profiling.
    pub(crate) profile: Option<Profile>,
}

impl<F: Float> Workspace<F> {
    /// Buffers for `architecture` with room for `capacity` rows.
    pub fn new(architecture: &Architecture, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let nodes = architecture.nodes();
        let per_node = |used: &dyn Fn(&Operation) -> bool| -> Vec<Array2<F>> {
            nodes
                .iter()
                .map(|n| {
                    if used(&n.operation) {
                        Array2::zeros((capacity, n.width))
                    } else {
                        Array2::zeros((0, n.width))
                    }
                })
                .collect()
        };
        let keeps_pre_activations = |op: &Operation| {
            matches!(
                op,
                Operation::Dense(_)
                    | Operation::BatchNorm(_)
                    | Operation::LayerNorm(_)
                    | Operation::Conv2D(_)
            )
        };
        let pool_choices = nodes
            .iter()
            .map(|n| match n.operation {
                Operation::MaxPool2D(_) => vec![0; capacity * n.width],
                _ => Vec::new(),
            })
            .collect();
        let conv_scratch = nodes
            .iter()
            .map(|n| match &n.operation {
                Operation::Conv2D(layer) => convolution::ConvScratch::new(layer.shape),
                _ => convolution::ConvScratch::default(),
            })
            .collect();
        let transposed_weights = nodes
            .iter()
            .map(|n| match &n.operation {
                Operation::Dense(layer) => {
                    let (inputs, units) = architecture.parameters()[layer.weights.0].shape;
                    Array2::zeros((units, inputs))
                }
                _ => Array2::zeros((0, 0)),
            })
            .collect();
        let activates = |op: &Operation| op.activation().is_some();
        let is_noisy = |op: &Operation| {
            matches!(op, Operation::Dropout { .. })
                || matches!(op.activation(), Some(Activation::Rrelu { .. }))
        };
        let statistics = nodes
            .iter()
            .map(|n| match n.operation {
                Operation::BatchNorm(_) => Array2::zeros((3, n.width)),
                Operation::LayerNorm(_) => Array2::zeros((capacity, 1)),
                _ => Array2::zeros((0, 0)),
            })
            .collect();
        Self {
            capacity,
            rows: 0,
            training: false,
            values: per_node(&|_| true),
            pre_activations: per_node(&keeps_pre_activations),
            statistics,
            noise: per_node(&is_noisy),
            gradients: per_node(&|_| true),
            pre_activation_gradients: per_node(&activates),
            pool_choices,
            conv_scratch,
            transposed_weights,
            profile: None,
            parameter_gradients: ParameterSet {
                tensors: architecture
                    .parameters()
                    .iter()
                    .map(|p| Array2::zeros(p.shape))
                    .collect(),
            },
        }
    }

    /// The number of rows of the last forward pass.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// A node's output from the last forward pass, `[rows, width]`.
    pub fn value(&self, node: NodeId) -> ArrayView2<'_, F> {
        self.values[node.0].slice_axis(Axis(0), Slice::from(..self.rows))
    }

    /// A dense node's pre-activation `z` from the last forward pass, `[rows, units]`.
    pub fn pre_activation(&self, node: NodeId) -> ArrayView2<'_, F> {
        let z = &self.pre_activations[node.0];
        z.slice_axis(Axis(0), Slice::from(..self.rows.min(z.nrows())))
    }

    /// A batch-norm node's statistics from the last forward pass, `[3, units]`: the rows are
    /// the mean, the variance (the batch's in training, the running ones at inference) and
    /// `1/√(σ² + ε)`.
    pub fn batch_statistics(&self, node: NodeId) -> ArrayView2<'_, F> {
        self.statistics[node.0].view()
    }

    /// `∂L/∂(node output)` from the last backward pass, `[rows, width]`.
    pub fn gradient(&self, node: NodeId) -> ArrayView2<'_, F> {
        self.gradients[node.0].slice_axis(Axis(0), Slice::from(..self.rows))
    }

    /// `∂L/∂θ` for every parameter, from the last backward pass.
    pub fn parameter_gradients(&self) -> &ParameterSet<F> {
        &self.parameter_gradients
    }

    /// `∂L/∂θ`, for the optimizer to read (and regularization to add to).
    pub(crate) fn parameter_gradients_mut(&mut self) -> &mut ParameterSet<F> {
        &mut self.parameter_gradients
    }

    fn ensure_capacity(&mut self, architecture: &Architecture, rows: usize) {
        if rows > self.capacity {
            *self = Self::new(architecture, rows);
        }
    }
}

/// Runs the network on `inputs: [rows, input_width]`; the outputs stay in `workspace`
/// (the logits are `workspace.value(architecture.head().logits)`).
pub fn forward<F: Float>(
    architecture: &Architecture,
    parameters: &ParameterSet<F>,
    inputs: ArrayView2<F>,
    mut mode: Mode<'_>,
    workspace: &mut Workspace<F>,
) {
    let rows = inputs.nrows();
    workspace.ensure_capacity(architecture, rows);
    workspace.rows = rows;
    workspace.training = matches!(mode, Mode::Training(_));
    if let Some(profile) = &mut workspace.profile {
        profile.passes += 1;
    }
    for (index, node) in architecture.nodes().iter().enumerate() {
        let started = workspace.profile.is_some().then(Instant::now);
        let (earlier, rest) = workspace.values.split_at_mut(index);
        let mut out = rest[0].slice_axis_mut(Axis(0), Slice::from(..rows));
        let read = |id: NodeId| earlier[id.0].slice_axis(Axis(0), Slice::from(..rows));
        match &node.operation {
            Operation::Input => copy_into(inputs, out),
            // z only: the activation follows below, as for every node that has one.
            Operation::Dense(layer) => {
                let z =
                    workspace.pre_activations[index].slice_axis_mut(Axis(0), Slice::from(..rows));
                affine(parameters, layer, read(layer.input), z);
            }
            Operation::Activation(_) => {}
            Operation::Conv2D(layer) => {
                let z =
                    workspace.pre_activations[index].slice_axis_mut(Axis(0), Slice::from(..rows));
                let weights = parameters.get(layer.weights).view();
                let bias = layer.bias.map(|id| parameters.get(id).row(0));
                let scratch = &mut workspace.conv_scratch[index];
                convolution::conv_forward(
                    layer.shape,
                    read(layer.input),
                    weights,
                    bias,
                    z,
                    scratch,
                );
            }
            Operation::MaxPool2D(layer) => {
                let chosen = &mut workspace.pool_choices[index][..rows * node.width];
                convolution::max_pool_forward(
                    layer.input_size,
                    layer.window,
                    read(layer.input),
                    out,
                    chosen,
                );
            }
            Operation::AvgPool2D(layer) => convolution::average_pool_forward(
                layer.input_size,
                layer.window,
                read(layer.input),
                out,
            ),
            Operation::Flatten { input } => out.assign(&read(*input)),
            Operation::BatchNorm(layer) => {
                let normalized =
                    workspace.pre_activations[index].slice_axis_mut(Axis(0), Slice::from(..rows));
                let statistics = workspace.statistics[index].view_mut();
                if matches!(mode, Mode::Training(_)) {
                    normalization::batch_norm_training(
                        layer,
                        parameters,
                        read(layer.input),
                        normalized,
                        statistics,
                        out,
                    );
                } else {
                    normalization::batch_norm_inference(
                        layer,
                        parameters,
                        read(layer.input),
                        normalized,
                        statistics,
                        out,
                    );
                }
            }
            Operation::LayerNorm(layer) => {
                let normalized =
                    workspace.pre_activations[index].slice_axis_mut(Axis(0), Slice::from(..rows));
                let inverse_stds =
                    workspace.statistics[index].slice_axis_mut(Axis(0), Slice::from(..rows));
                normalization::layer_norm_forward(
                    layer,
                    parameters,
                    read(layer.input),
                    normalized,
                    inverse_stds,
                    out,
                );
            }
            Operation::Add { inputs } => {
                out.assign(&read(inputs[0]));
                for &other in &inputs[1..] {
                    out += &read(other);
                }
            }
            Operation::Concat { inputs } => {
                let mut column = 0;
                for &part in inputs {
                    let part = read(part);
                    let width = part.ncols();
                    out.slice_axis_mut(Axis(1), Slice::from(column..column + width))
                        .assign(&part);
                    column += width;
                }
            }
            Operation::Dropout { input, rate } => match &mut mode {
                Mode::Training(rng) if *rate > 0.0 => {
                    let keep_scale = F::cast(1.0 / (1.0 - rate));
                    let mut mask =
                        workspace.noise[index].slice_axis_mut(Axis(0), Slice::from(..rows));
                    mask.map_inplace(|m| {
                        *m = if rng.next_f64() < *rate {
                            F::zero()
                        } else {
                            keep_scale
                        };
                    });
                    Zip::from(out)
                        .and(&read(*input))
                        .and(&mask)
                        .for_each(|y, &x, &m| *y = x * m);
                }
                _ => out.assign(&read(*input)),
            },
        }
        // y = f(z) for every node with an activation: z is its own pre-activation, or an
        // activation node's input.
        if let Some(function) = activation_function(&node.operation) {
            let z = match &node.operation {
                Operation::Activation(layer) => earlier[layer.input.0].view(),
                _ => workspace.pre_activations[index].view(),
            };
            let z = z.slice_axis_move(Axis(0), Slice::from(..rows));
            let noise_rows = rows.min(workspace.noise[index].nrows());
            let noise = workspace.noise[index].slice_axis_mut(Axis(0), Slice::from(..noise_rows));
            let out = rest[0].slice_axis_mut(Axis(0), Slice::from(..rows));
            activate(parameters, function, z, out, noise, &mut mode);
        }
        record(&mut workspace.profile, Pass::Forward, index, started);
    }
}

/// `to = from`, as one slice copy where both are contiguous (small batches: ndarray's
/// general assignment costs more than the copy).
fn copy_into<F: Float>(from: ArrayView2<F>, mut to: ArrayViewMut2<F>) {
    match (from.as_slice(), to.as_slice_mut()) {
        (Some(source), Some(target)) if source.len() == target.len() => {
            target.copy_from_slice(source);
        }
        _ => to.assign(&from),
    }
}

/// `y = f(z)` element by element, with `f` chosen once rather than per element.
fn map_into<F: Float>(z: ArrayView2<F>, mut y: ArrayViewMut2<F>, f: impl Fn(F) -> F) {
    match (z.as_slice(), y.as_slice_mut()) {
        (Some(zs), Some(ys)) => {
            for (y, &z) in ys.iter_mut().zip(zs) {
                *y = f(z);
            }
        }
        _ => Zip::from(&mut y).and(&z).for_each(|y, &z| *y = f(z)),
    }
}

/// `out = f(a, b)` element by element over three arrays of one shape.
fn zip_into<F: Float>(
    out: &mut ArrayViewMut2<F>,
    a: &ArrayView2<F>,
    b: &ArrayView2<F>,
    f: impl Fn(F, F) -> F,
) {
    match (out.as_slice_mut(), a.as_slice(), b.as_slice()) {
        (Some(os), Some(xs), Some(ys)) => {
            for ((o, &x), &y) in os.iter_mut().zip(xs).zip(ys) {
                *o = f(x, y);
            }
        }
        _ => Zip::from(out)
            .and(a)
            .and(b)
            .for_each(|o, &x, &y| *o = f(x, y)),
    }
}

/// `z = x·W + b` into `z`.
fn affine<F: Float>(
    parameters: &ParameterSet<F>,
    layer: &DenseLayer,
    x: ArrayView2<F>,
    mut z: ArrayViewMut2<F>,
) {
    let weights = parameters.get(layer.weights);
    let bias = layer.bias.map(|id| parameters.get(id).row(0));
    crate::math::kernels::affine_into(x, weights.view(), bias, z.view_mut());
}

/// An activation and, for PReLU, its slopes' parameter.
type ActivationFunction = (Activation, Option<ParameterId>);

/// The activation a node applies, if any: dense layers (identity for the output),
/// activation nodes and convolutions.
fn activation_function(operation: &Operation) -> Option<ActivationFunction> {
    match operation {
        Operation::Dense(layer) => Some((layer.activation, layer.slopes)),
        Operation::Activation(layer) => Some((layer.activation, layer.slopes)),
        Operation::Conv2D(layer) => Some((layer.activation, None)),
        _ => None,
    }
}

/// `y = f(z)`, drawing RReLU slopes into `noise` while training.
fn activate<F: Float>(
    parameters: &ParameterSet<F>,
    (activation, slopes): ActivationFunction,
    z: ArrayView2<F>,
    mut y: ArrayViewMut2<F>,
    mut noise: ArrayViewMut2<F>,
    mode: &mut Mode<'_>,
) {
    match (activation, mode) {
        (Activation::Identity, _) => copy_into(z, y),
        (Activation::Prelu { .. }, _) => {
            let slopes = slopes.map(|id| parameters.get(id).row(0));
            if let Some(slopes) = slopes {
                Zip::from(y.rows_mut())
                    .and(z.rows())
                    .for_each(|mut y_row, z_row| {
                        Zip::from(&mut y_row)
                            .and(&z_row)
                            .and(&slopes)
                            .for_each(|y, &z, &a| *y = leaky_value(z, a));
                    });
            }
        }
        (Activation::Rrelu { lower, upper }, Mode::Training(rng)) => {
            Zip::from(&mut y)
                .and(&z)
                .and(&mut noise)
                .for_each(|y, &z, slope| {
                    *slope = F::cast(rng.uniform(lower, upper));
                    *y = leaky_value(z, *slope);
                });
        }
        (Activation::Tanh, _) => map_into(z, y, Float::fast_tanh),
        (Activation::Sigmoid, _) => map_into(z, y, crate::math::activations::sigmoid),
        (Activation::Relu, _) => map_into(z, y, |z: F| z.max(F::zero())),
        (activation, _) => map_into(z, y, |z| activation.value(z)),
    }
}

/// Back-propagates `∂L/∂logits`, which the caller has written into
/// `workspace.gradients[head.logits]`, to every node and parameter.
fn backward<F: Float>(
    architecture: &Architecture,
    parameters: &ParameterSet<F>,
    workspace: &mut Workspace<F>,
) {
    let rows = workspace.rows;
    let logits = architecture.head().logits;
    for (index, gradient) in workspace.gradients.iter_mut().enumerate() {
        if index != logits.0 {
            let mut top = gradient.slice_axis_mut(Axis(0), Slice::from(..rows));
            match top.as_slice_mut() {
                Some(values) => values.fill(F::zero()),
                None => top.fill(F::zero()),
            }
        }
    }
    for (index, node) in architecture.nodes().iter().enumerate().rev() {
        let started = workspace.profile.is_some().then(Instant::now);
        let (earlier, rest) = workspace.gradients.split_at_mut(index);
        let gradient = rest[0].slice_axis(Axis(0), Slice::from(..rows));
        // ∂L/∂z = ∂L/∂y ⊙ f'(z) into the node's buffer, for every node with an activation
        // (z as the forward pass read it); the arms below take it from there.
        if let Some(function) = activation_function(&node.operation) {
            let z = match &node.operation {
                Operation::Activation(layer) => workspace.values[layer.input.0].view(),
                _ => workspace.pre_activations[index].view(),
            };
            let values = ActivationValues {
                z: z.slice_axis_move(Axis(0), Slice::from(..rows)),
                y: workspace.values[index].slice_axis(Axis(0), Slice::from(..rows)),
                noise: workspace.noise[index].view(),
            };
            let dz = workspace.pre_activation_gradients[index]
                .slice_axis_mut(Axis(0), Slice::from(..rows));
            let grads = &mut workspace.parameter_gradients.tensors;
            activation_backward(
                parameters,
                function,
                values,
                gradient,
                workspace.training,
                dz,
                grads,
            );
        }
        match &node.operation {
            Operation::Input => {}
            Operation::Dense(layer) => {
                let x = workspace.values[layer.input.0].slice_axis(Axis(0), Slice::from(..rows));
                let dz = workspace.pre_activation_gradients[index]
                    .slice_axis(Axis(0), Slice::from(..rows));
                let grads = &mut workspace.parameter_gradients.tensors;
                // ∂L/∂W = xᵀ·∂L/∂z, ∂L/∂b = Σ_rows ∂L/∂z
                crate::math::kernels::weight_gradient_into(
                    x,
                    dz.view(),
                    grads[layer.weights.0].view_mut(),
                );
                if let Some(bias) = layer.bias {
                    crate::math::kernels::column_sums_into(dz.view(), grads[bias.0].row_mut(0));
                }
                // ∂L/∂x += ∂L/∂z·Wᵀ (the input node needs no gradient)
                if !matches!(architecture.node(layer.input).operation, Operation::Input) {
                    let weights = parameters.get(layer.weights);
                    let dx = top_rows_mut(&mut earlier[layer.input.0], rows);
                    crate::math::kernels::input_gradient_add(
                        dz.view(),
                        weights.view(),
                        workspace.transposed_weights[index].view_mut(),
                        dx,
                    );
                }
            }
            Operation::Add { inputs } => {
                for &input in inputs {
                    let mut dx = top_rows_mut(&mut earlier[input.0], rows);
                    dx += &gradient;
                }
            }
            Operation::Concat { inputs } => {
                let mut column = 0;
                for &input in inputs {
                    let mut dx = top_rows_mut(&mut earlier[input.0], rows);
                    let width = dx.ncols();
                    dx += &gradient.slice_axis(Axis(1), Slice::from(column..column + width));
                    column += width;
                }
            }
            Operation::Activation(layer) => {
                let dz = workspace.pre_activation_gradients[index]
                    .slice_axis(Axis(0), Slice::from(..rows));
                let mut dx = top_rows_mut(&mut earlier[layer.input.0], rows);
                dx += &dz;
            }
            Operation::Conv2D(layer) => {
                let x = workspace.values[layer.input.0].slice_axis(Axis(0), Slice::from(..rows));
                let dz = workspace.pre_activation_gradients[index]
                    .slice_axis(Axis(0), Slice::from(..rows));
                let grads = &mut workspace.parameter_gradients.tensors;
                // ∂L/∂W and ∂L/∂b; ∂L/∂x unless the input is the data (it needs none).
                let dx = (!matches!(architecture.node(layer.input).operation, Operation::Input))
                    .then(|| top_rows_mut(&mut earlier[layer.input.0], rows));
                let weights = parameters.get(layer.weights).view();
                let (d_weights, d_bias) = match layer.bias {
                    Some(bias) => {
                        let (w, b) = two_mut(grads, layer.weights, bias);
                        (w.view_mut(), Some(b.row_mut(0)))
                    }
                    None => (grads[layer.weights.0].view_mut(), None),
                };
                convolution::conv_backward(
                    layer.shape,
                    x,
                    weights,
                    dz.view(),
                    convolution::ConvGradients {
                        weights: d_weights,
                        bias: d_bias,
                        input: dx,
                    },
                    &mut workspace.conv_scratch[index],
                );
            }
            Operation::MaxPool2D(layer) => {
                let chosen = &workspace.pool_choices[index][..rows * node.width];
                let dx = top_rows_mut(&mut earlier[layer.input.0], rows);
                convolution::max_pool_backward(gradient, chosen, dx);
            }
            Operation::AvgPool2D(layer) => {
                let dx = top_rows_mut(&mut earlier[layer.input.0], rows);
                convolution::average_pool_backward(layer.input_size, layer.window, gradient, dx);
            }
            Operation::Flatten { input } => {
                let mut dx = top_rows_mut(&mut earlier[input.0], rows);
                dx += &gradient;
            }
            Operation::BatchNorm(layer) => {
                let grads = &mut workspace.parameter_gradients.tensors;
                let (d_scale, d_shift) = two_mut(grads, layer.scale, layer.shift);
                let buffers = NormBackward {
                    gradient,
                    normalized: workspace.pre_activations[index]
                        .slice_axis(Axis(0), Slice::from(..rows)),
                    statistics: workspace.statistics[index].view(),
                    input_gradient: top_rows_mut(&mut earlier[layer.input.0], rows),
                    d_scale: d_scale.view_mut(),
                    d_shift: d_shift.view_mut(),
                };
                let gammas = parameters.get(layer.scale).view();
                normalization::batch_norm_backward(gammas, buffers, workspace.training);
            }
            Operation::LayerNorm(layer) => {
                let grads = &mut workspace.parameter_gradients.tensors;
                let (d_scale, d_shift) = two_mut(grads, layer.scale, layer.shift);
                let buffers = NormBackward {
                    gradient,
                    normalized: workspace.pre_activations[index]
                        .slice_axis(Axis(0), Slice::from(..rows)),
                    statistics: workspace.statistics[index]
                        .slice_axis(Axis(0), Slice::from(..rows)),
                    input_gradient: top_rows_mut(&mut earlier[layer.input.0], rows),
                    d_scale: d_scale.view_mut(),
                    d_shift: d_shift.view_mut(),
                };
                normalization::layer_norm_backward(parameters.get(layer.scale).view(), buffers);
            }
            Operation::Dropout { input, rate } => {
                let mut dx = top_rows_mut(&mut earlier[input.0], rows);
                if workspace.training && *rate > 0.0 {
                    let mask = workspace.noise[index].slice_axis(Axis(0), Slice::from(..rows));
                    Zip::from(&mut dx)
                        .and(&gradient)
                        .and(&mask)
                        .for_each(|dx, &g, &m| *dx += g * m);
                } else {
                    dx += &gradient;
                }
            }
        }
        record(&mut workspace.profile, Pass::Backward, index, started);
    }
}

/// Two distinct parameter tensors, both mutable.
fn two_mut<F: Float>(
    tensors: &mut [Array2<F>],
    first: ParameterId,
    second: ParameterId,
) -> (&mut Array2<F>, &mut Array2<F>) {
    debug_assert!(
        first.0 < second.0,
        "parameters are numbered in the order they are made"
    );
    let (head, tail) = tensors.split_at_mut(second.0);
    (&mut head[first.0], &mut tail[0])
}

/// What an activation's backward pass reads: `z`, `y = f(z)` and RReLU's drawn slopes.
struct ActivationValues<'a, F: Float> {
    z: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
    noise: ArrayView2<'a, F>,
}

/// `∂L/∂z = ∂L/∂y ⊙ f'(z)` into `dz` (and PReLU's `∂L/∂α` into its gradient).
fn activation_backward<F: Float>(
    parameters: &ParameterSet<F>,
    (activation, slopes): ActivationFunction,
    values: ActivationValues<'_, F>,
    gradient: ArrayView2<F>,
    training: bool,
    mut dz: ArrayViewMut2<F>,
    grads: &mut [Array2<F>],
) {
    let ActivationValues { z, y, noise } = values;
    let rows = z.nrows();
    // ∂L/∂z = ∂L/∂y ⊙ f'(z)
    match activation {
        Activation::Identity => copy_into(gradient, dz),
        Activation::Prelu { .. } => {
            if let (Some(slopes), Some(slope_id)) =
                (slopes.map(|id| parameters.get(id).row(0)), slopes)
            {
                let mut d_slopes = grads[slope_id.0].row_mut(0);
                d_slopes.fill(F::zero());
                for ((mut dz_row, z_row), g_row) in
                    dz.rows_mut().into_iter().zip(z.rows()).zip(gradient.rows())
                {
                    Zip::from(&mut dz_row)
                        .and(&z_row)
                        .and(&g_row)
                        .and(&slopes)
                        .and(&mut d_slopes)
                        .for_each(|dz, &z, &g, &a, da| {
                            *dz = g * leaky_derivative(z, a);
                            *da += g * leaky_slope_derivative(z);
                        });
                }
            }
        }
        Activation::Rrelu { .. } if training => {
            Zip::from(&mut dz)
                .and(&z)
                .and(&gradient)
                .and(&noise.slice_axis(Axis(0), Slice::from(..rows)))
                .for_each(|dz, &z, &g, &s| *dz = g * leaky_derivative(z, s));
        }
        // The common activations get a loop of their own, chosen once per layer.
        Activation::Tanh => {
            zip_into(&mut dz, &gradient, &y, |g, y| g * (F::one() - y * y));
        }
        Activation::Sigmoid => {
            zip_into(&mut dz, &gradient, &y, |g, y| g * y * (F::one() - y));
        }
        Activation::Relu => zip_into(&mut dz, &gradient, &z, |g, z| {
            if z > F::zero() { g } else { F::zero() }
        }),
        activation => {
            Zip::from(&mut dz)
                .and(&z)
                .and(&y)
                .and(&gradient)
                .for_each(|dz, &z, &y, &g| *dz = g * activation.derivative(z, y));
        }
    }
}

/// The first `rows` rows of a buffer.
fn top_rows_mut<F: Float>(buffer: &mut Array2<F>, rows: usize) -> ArrayViewMut2<'_, F> {
    buffer.slice_axis_mut(Axis(0), Slice::from(..rows))
}

/// One forward pass, the loss against `targets: [rows, output_width]`, and the
/// backward pass: returns the loss; `∂L/∂θ` is left in `workspace.parameter_gradients()`.
pub fn loss_and_gradients<F: Float>(
    architecture: &Architecture,
    parameters: &ParameterSet<F>,
    inputs: ArrayView2<F>,
    targets: ArrayView2<F>,
    mode: Mode<'_>,
    workspace: &mut Workspace<F>,
) -> F {
    forward(architecture, parameters, inputs, mode, workspace);
    let started = workspace.profile.is_some().then(Instant::now);
    let head = architecture.head();
    let rows = workspace.rows;
    let (values, gradients) = (&workspace.values, &mut workspace.gradients);
    let logits = values[head.logits.0].slice_axis(Axis(0), Slice::from(..rows));
    let d_logits = gradients[head.logits.0].slice_axis_mut(Axis(0), Slice::from(..rows));
    let loss = loss_and_gradient(
        head.output_function,
        head.loss,
        head.reduction,
        logits,
        targets,
        Some(d_logits),
    );
    if let (Some(profile), Some(started)) = (&mut workspace.profile, started) {
        profile.other += started.elapsed();
    }
    backward(architecture, parameters, workspace);
    loss
}

/// One forward pass and the loss, without gradients.
pub fn loss_only<F: Float>(
    architecture: &Architecture,
    parameters: &ParameterSet<F>,
    inputs: ArrayView2<F>,
    targets: ArrayView2<F>,
    mode: Mode<'_>,
    workspace: &mut Workspace<F>,
) -> F {
    forward(architecture, parameters, inputs, mode, workspace);
    let head = architecture.head();
    loss_and_gradient(
        head.output_function,
        head.loss,
        head.reduction,
        workspace.value(head.logits),
        targets,
        None,
    )
}
