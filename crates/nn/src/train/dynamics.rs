//! Training dynamics: what the gradients and the units of each layer do while a network
//! learns, so vanishing gradients, saturated sigmoids and dead ReLUs can be seen.
//!
//! Two kinds of figures, per layer:
//! - **Gradients** (gathered by the trainer at every update, [`GradientTracker`]): the mean
//!   over an epoch's updates of each batch's `‖∂L/∂W‖` (Frobenius norm of the data loss's
//!   gradient, before any penalty), and the update ratio `‖W_end − W_start‖ / ‖W_start‖`
//!   over the epoch.
//! - **Activity** on a fixed sample of training examples ([`layer_activity`], inference form):
//!   how many units are saturated (a sigmoid outside `[0.03, 0.97]`, a tanh with
//!   `|a| > 0.97`, on more than half of the examples) or dead (a ReLU that is 0 on every
//!   example), and histograms of the pre-activations and activations.

use ndarray::{Array2, ArrayView2};

use crate::math::activations::Activation;
use crate::math::float::Float;
use crate::network::architecture::{Architecture, NodeId, Operation, ParameterRole, ParameterSet};
use crate::network::model::{Mode, Workspace, forward};

/// The most training examples [`layer_activity`] looks at.
pub const ACTIVITY_SAMPLE: usize = 512;
/// A sigmoid unit's value below this is on its flat lower tail.
pub const SIGMOID_SATURATED_BELOW: f64 = 0.03;
/// A sigmoid unit's value above this is on its flat upper tail.
pub const SIGMOID_SATURATED_ABOVE: f64 = 0.97;
/// A tanh unit with `|a|` above this is on a flat tail.
pub const TANH_SATURATED_ABOVE: f64 = 0.97;
/// The number of bars in each histogram.
pub const HISTOGRAM_BINS: usize = 24;

/// One layer's gradient figures for a finished epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerGradients {
    /// The layer (a dense or output node).
    pub node: NodeId,
    /// Its document id.
    pub name: String,
    /// The mean over the epoch's updates of `‖∂L/∂W‖`.
    pub gradient_norm: f64,
    /// `‖W_end − W_start‖ / ‖W_start‖` over the epoch (`‖W_end − W_start‖` when `W_start = 0`).
    pub update_ratio: f64,
}

/// Gathers [`LayerGradients`] update by update; the trainer owns one while asked to.
#[derive(Clone, Debug)]
pub(crate) struct GradientTracker<F: Float> {
    /// Per parameter tensor: `Σ ‖∂L/∂W‖` over this epoch's updates (weights only).
    norm_sums: Vec<f64>,
    /// Updates this epoch.
    updates: usize,
    /// The weights when this epoch started (empty for tensors that are not weights).
    start: Vec<Array2<F>>,
    /// The figures of the last finished epoch.
    last: Vec<LayerGradients>,
}

impl<F: Float> GradientTracker<F> {
    /// A tracker whose first epoch starts from `parameters`.
    pub(crate) fn new(architecture: &Architecture, parameters: &ParameterSet<F>) -> Self {
        let mut tracker = Self {
            norm_sums: vec![0.0; architecture.parameters().len()],
            updates: 0,
            start: Vec::new(),
            last: Vec::new(),
        };
        tracker.restart(architecture, parameters);
        tracker
    }

    /// Forgets the epoch in progress and starts one from `parameters` (copied into the
    /// buffers of the last start, so an epoch allocates nothing).
    pub(crate) fn restart(&mut self, architecture: &Architecture, parameters: &ParameterSet<F>) {
        self.norm_sums.iter_mut().for_each(|s| *s = 0.0);
        self.updates = 0;
        if self.start.len() != parameters.tensors.len() {
            self.start = vec![Array2::zeros((0, 0)); parameters.tensors.len()];
        }
        for ((info, tensor), start) in architecture
            .parameters()
            .iter()
            .zip(&parameters.tensors)
            .zip(&mut self.start)
        {
            if info.role != ParameterRole::Weights {
                continue;
            }
            if start.dim() == tensor.dim() {
                start.assign(tensor);
            } else {
                *start = tensor.clone();
            }
        }
    }

    /// Adds one update's gradients (of the data loss, before any penalty).
    pub(crate) fn add_update(&mut self, architecture: &Architecture, gradients: &[Array2<F>]) {
        self.updates += 1;
        for ((info, gradient), sum) in architecture
            .parameters()
            .iter()
            .zip(gradients)
            .zip(&mut self.norm_sums)
        {
            if info.role == ParameterRole::Weights {
                *sum += frobenius(gradient.view());
            }
        }
    }

    /// Closes the epoch: its figures become [`Self::last`], and the next starts from
    /// `parameters`.
    pub(crate) fn finish_epoch(
        &mut self,
        architecture: &Architecture,
        parameters: &ParameterSet<F>,
    ) {
        let updates = self.updates.max(1) as f64;
        self.last = architecture
            .parameters()
            .iter()
            .enumerate()
            .filter(|(_, info)| info.role == ParameterRole::Weights)
            .map(|(index, info)| {
                let start = &self.start[index];
                let end = &parameters.tensors[index];
                let moved = start
                    .iter()
                    .zip(end)
                    .map(|(&a, &b)| (b.widen() - a.widen()).powi(2))
                    .sum::<f64>()
                    .sqrt();
                let size = frobenius(start.view());
                LayerGradients {
                    node: info.node,
                    name: architecture.node(info.node).name.clone(),
                    gradient_norm: self.norm_sums[index] / updates,
                    update_ratio: if size > 0.0 { moved / size } else { moved },
                }
            })
            .collect();
        self.restart(architecture, parameters);
    }

    /// The figures of the last finished epoch, one per layer with weights, in network order.
    pub(crate) fn last(&self) -> &[LayerGradients] {
        &self.last
    }
}

/// `‖A‖ = √(Σ a²)`.
fn frobenius<F: Float>(tensor: ArrayView2<F>) -> f64 {
    match tensor.as_slice() {
        Some(values) => crate::math::kernels::sum_of_squares(values).widen().sqrt(),
        None => tensor
            .iter()
            .map(|&v| v.widen() * v.widen())
            .sum::<f64>()
            .sqrt(),
    }
}

/// Counts of values in equal bins from `low` to `high`.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// The left edge of the first bin.
    pub low: f64,
    /// The right edge of the last bin.
    pub high: f64,
    /// How many values fell in each bin ([`HISTOGRAM_BINS`] of them).
    pub counts: Vec<u32>,
}

impl Histogram {
    /// The histogram of `values` over their own range (a range of width 1 around a single
    /// value).
    pub fn of(values: impl Iterator<Item = f64> + Clone) -> Self {
        let (mut low, mut high) = values
            .clone()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if low > high {
            (low, high) = (0.0, 1.0);
        } else if high - low < 1e-12 {
            (low, high) = (low - 0.5, high + 0.5);
        }
        let mut counts = vec![0u32; HISTOGRAM_BINS];
        let width = (high - low) / HISTOGRAM_BINS as f64;
        for value in values.filter(|v| v.is_finite()) {
            // Truncation picks the bin; the top edge belongs to the last bin.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let bin = (((value - low) / width) as usize).min(HISTOGRAM_BINS - 1);
            counts[bin] += 1;
        }
        Self { low, high, counts }
    }
}

/// What one layer's units do on the sample.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerActivity {
    /// The node.
    pub node: NodeId,
    /// Its document id.
    pub name: String,
    /// Its activation, for dense and activation nodes.
    pub activation: Option<Activation>,
    /// Its width.
    pub units: usize,
    /// Sigmoid or tanh units on a flat tail for more than half of the examples.
    pub saturated_units: usize,
    /// ReLU units that are 0 on every example.
    pub dead_units: usize,
    /// What goes in: a dense layer's `z = x·W + b`, another node's input.
    pub pre_activations: Histogram,
    /// What comes out.
    pub activations: Histogram,
}

impl LayerActivity {
    /// The share of units that are saturated or dead, in `[0, 1]`.
    pub fn stuck_share(&self) -> f64 {
        (self.saturated_units + self.dead_units) as f64 / self.units.max(1) as f64
    }
}

/// Whether `value` of an `activation` unit is on a flat tail.
fn is_saturated(activation: Activation, value: f64) -> bool {
    match activation {
        Activation::Sigmoid => {
            !(SIGMOID_SATURATED_BELOW..=SIGMOID_SATURATED_ABOVE).contains(&value)
        }
        Activation::Tanh => value.abs() > TANH_SATURATED_ABOVE,
        _ => false,
    }
}

/// Runs `sample: [n, input width]` through the network (inference form) and reports every
/// hidden dense, activation and normalisation node's [`LayerActivity`], in network order.
pub fn layer_activity<F: Float>(
    architecture: &Architecture,
    parameters: &ParameterSet<F>,
    sample: ArrayView2<F>,
) -> Vec<LayerActivity> {
    let mut workspace = Workspace::new(architecture, sample.nrows());
    forward(
        architecture,
        parameters,
        sample,
        Mode::Inference,
        &mut workspace,
    );
    let logits = architecture.head().logits;
    let rows = sample.nrows();
    let mut layers = Vec::new();
    for (index, node) in architecture.nodes().iter().enumerate() {
        let id = NodeId(index);
        let input = match &node.operation {
            _ if id == logits => continue,
            Operation::Dense(_) => workspace.pre_activation(id),
            Operation::Activation(layer) => workspace.value(layer.input),
            Operation::BatchNorm(layer) => workspace.value(layer.input),
            Operation::LayerNorm(layer) => workspace.value(layer.input),
            _ => continue,
        };
        let output = workspace.value(id);
        let activation = node.operation.activation();
        let (mut saturated_units, mut dead_units) = (0, 0);
        for unit in 0..node.width {
            let column = output.column(unit);
            match activation {
                Some(Activation::Relu) if column.iter().all(|&v| v.widen() <= 0.0) => {
                    dead_units += 1;
                }
                Some(activation @ (Activation::Sigmoid | Activation::Tanh)) => {
                    let flat = column
                        .iter()
                        .filter(|&&v| is_saturated(activation, v.widen()))
                        .count();
                    if 2 * flat > rows {
                        saturated_units += 1;
                    }
                }
                _ => {}
            }
        }
        layers.push(LayerActivity {
            node: id,
            name: node.name.clone(),
            activation,
            units: node.width,
            saturated_units,
            dead_units,
            pre_activations: Histogram::of(input.iter().map(|v| v.widen())),
            activations: Histogram::of(output.iter().map(|v| v.widen())),
        });
    }
    layers
}
