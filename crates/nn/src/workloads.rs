//! The benchmark workloads of `shared/bench/WORKLOADS.md`, read from their JSON files.
//!
//! Each file holds the training data already in training order (permuted once with
//! SplitMix64 Fisher–Yates), the labels, and the Glorot initial weights, so every
//! implementation trains on exactly the same numbers.

use ndarray::Array2;
use serde::Deserialize;
use thiserror::Error;

use crate::math::activations::Activation;
use crate::math::losses::{Loss, OutputFunction};
use crate::network::architecture::{
    Architecture, ArchitectureBuilder, ArchitectureError, ConvPadding, ConvSpec, DenseSpec,
    ImageSize, OutputSpec, ParameterSet,
};
use crate::train::optimizers::{Optimizer, Regularization};
use crate::train::training::{Batching, Samples, Shuffle, TrainingConfig};

/// A workload's settings, as in the JSON's `spec`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WorkloadSpec {
    /// "A", "B" or "D".
    pub name: String,
    /// Layer widths from input to output, e.g. `[2, 8, 8, 1]` (for D, the 64 pixels and the
    /// 10 classes).
    #[serde(default)]
    pub layers: Vec<usize>,
    /// The number of training points.
    pub n: usize,
    /// Examples per update.
    pub batch: usize,
    /// Epochs to train.
    pub epochs: usize,
    /// The SGD learning rate.
    pub lr: f64,
    /// The seed of the one-off permutation of the points.
    pub data_seed: u64,
    /// The seed of the Glorot initial weights.
    pub init_seed: u64,
}

/// The operation counts given with a workload.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WorkloadFlops {
    /// Multiply-adds per example, forward.
    pub macs_per_example: u64,
    /// FLOPs of the whole training run (forward + backward, 3× forward).
    pub train_flop_total: u64,
}

#[derive(Deserialize)]
struct WorkloadFile {
    spec: WorkloadSpec,
    #[serde(rename = "X")]
    x: Vec<[f64; 2]>,
    y: Vec<usize>,
    #[serde(rename = "W")]
    w: Vec<Vec<Vec<f64>>>,
    b: Vec<Vec<f64>>,
    flops: WorkloadFlops,
}

/// A workload ready to train: network, data in training order, initial weights.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The settings.
    pub spec: WorkloadSpec,
    /// The operation counts.
    pub flops: WorkloadFlops,
    /// The points `[n, 2]` in training order with targets (0/1 column, or one-hot rows).
    pub samples: Samples,
    /// The class of each point.
    pub labels: Vec<usize>,
    /// The network: tanh hidden layers, a sigmoid/BCE output for one unit or softmax/CE.
    pub architecture: Architecture,
    /// The initial weights and (zero) biases from the file.
    pub initial: ParameterSet<f64>,
}

/// What can be wrong with a workload file.
#[derive(Debug, Error)]
pub enum WorkloadError {
    /// The text is not a workload file.
    #[error("workload file: {0}")]
    Json(#[from] serde_json::Error),
    /// The layer list does not make a network.
    #[error("workload network: {0}")]
    Architecture(#[from] ArchitectureError),
    /// Weights or labels do not match the layer sizes.
    #[error("workload data: {0}")]
    Shape(String),
}

/// One filter's weights, `[in channels][kh][kw]`.
type FilterWeights = Vec<Vec<Vec<f64>>>;

/// Workload D's file: a 1 × 8 × 8 image per row, the convolution's weights in PyTorch's
/// `[out, in, kh, kw]` layout.
#[derive(Deserialize)]
struct ConvWorkloadFile {
    spec: WorkloadSpec,
    #[serde(rename = "X")]
    x: Vec<Vec<f64>>,
    y: Vec<usize>,
    #[serde(rename = "W")]
    w: (Vec<FilterWeights>, Vec<Vec<f64>>),
    b: (Vec<f64>, Vec<f64>),
    flops: WorkloadFlops,
}

/// Just enough of a file to tell the convolutional workload from the others.
#[derive(Deserialize)]
struct WorkloadKind {
    spec: WorkloadModel,
}

#[derive(Deserialize)]
struct WorkloadModel {
    #[serde(default)]
    model: Option<String>,
}

impl Workload {
    /// Reads a workload from the text of its JSON file (A and B: tanh MLPs; D, whose `spec`
    /// says `"model": "conv"`: conv 8 × 3 × 3 same → tanh → max pool 2 → flatten → dense 10).
    pub fn from_json(text: &str) -> Result<Self, WorkloadError> {
        let kind: WorkloadKind = serde_json::from_str(text)?;
        if kind.spec.model.as_deref() == Some("conv") {
            return Self::conv_from_json(text);
        }
        let file: WorkloadFile = serde_json::from_str(text)?;
        let WorkloadFile {
            spec,
            x,
            y,
            w,
            b,
            flops,
        } = file;
        let architecture = Self::build_architecture(&spec.layers)?;
        let classes = spec.layers.last().copied().unwrap_or(1);
        let inputs = Array2::from_shape_fn((x.len(), 2), |(r, c)| x[r][c]);
        if y.len() != x.len() {
            return Err(WorkloadError::Shape(format!(
                "{} points but {} labels",
                x.len(),
                y.len()
            )));
        }
        let samples = Samples::from_class_labels(inputs, &y, classes);
        let mut tensors = Vec::new();
        for (weights, bias) in w.iter().zip(&b) {
            let rows = weights.len();
            let columns = weights.first().map_or(0, Vec::len);
            if weights.iter().any(|row| row.len() != columns) {
                return Err(WorkloadError::Shape("ragged weight matrix".to_owned()));
            }
            tensors.push(Array2::from_shape_fn((rows, columns), |(i, j)| {
                weights[i][j]
            }));
            tensors.push(Array2::from_shape_fn((1, bias.len()), |(_, j)| bias[j]));
        }
        let initial = ParameterSet { tensors };
        if !architecture.fits(&initial) {
            return Err(WorkloadError::Shape(
                "weights do not match the layer sizes".to_owned(),
            ));
        }
        Ok(Self {
            spec,
            flops,
            samples,
            labels: y,
            architecture,
            initial,
        })
    }

    /// Workload D: the digits as `[1, 8, 8]` images, weights from the file.
    fn conv_from_json(text: &str) -> Result<Self, WorkloadError> {
        let file: ConvWorkloadFile = serde_json::from_str(text)?;
        let ConvWorkloadFile {
            mut spec,
            x,
            y,
            w: (conv_weights, dense_weights),
            b: (conv_bias, dense_bias),
            flops,
        } = file;
        let side = 8;
        let filters = conv_weights.len();
        let classes = dense_bias.len();
        let mut builder = ArchitectureBuilder::new();
        let size = ImageSize {
            channels: 1,
            height: side,
            width: side,
        };
        let input = builder.input_image("input", size)?;
        let conv = ConvSpec {
            filters,
            kernel: [3, 3],
            stride: 1,
            padding: ConvPadding::Same,
            activation: Activation::Tanh,
            initializer: crate::math::init::Initializer::GlorotUniform,
            use_bias: true,
        };
        let conv = builder.conv2d("conv", input, conv)?;
        let pool = builder.pool2d("pool", conv, [2, 2], 2, true)?;
        let flat = builder.flatten("flatten", pool)?;
        let output = OutputSpec::new(classes, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy);
        let architecture = builder.output("output", flat, output)?;
        if x.iter().any(|row| row.len() != side * side) || y.len() != x.len() {
            return Err(WorkloadError::Shape(
                "each point needs 64 pixels and a label".to_owned(),
            ));
        }
        let inputs = Array2::from_shape_fn((x.len(), side * side), |(r, c)| x[r][c]);
        let samples = Samples::from_class_labels(inputs, &y, classes);
        // [out, in, kh, kw] flattened per filter is the engine's [filters, c·kh·kw].
        let kernels: Vec<Vec<f64>> = conv_weights
            .iter()
            .map(|filter| filter.iter().flatten().flatten().copied().collect())
            .collect();
        let kernel_width = kernels.first().map_or(0, Vec::len);
        let dense_width = dense_weights.first().map_or(0, Vec::len);
        let tensors = vec![
            Array2::from_shape_fn((filters, kernel_width), |(f, k)| {
                kernels[f].get(k).copied().unwrap_or(f64::NAN)
            }),
            Array2::from_shape_fn((1, conv_bias.len()), |(_, j)| conv_bias[j]),
            Array2::from_shape_fn((dense_weights.len(), dense_width), |(i, j)| {
                dense_weights[i].get(j).copied().unwrap_or(f64::NAN)
            }),
            Array2::from_shape_fn((1, classes), |(_, j)| dense_bias[j]),
        ];
        let initial = ParameterSet { tensors };
        if !architecture.fits(&initial) || !initial.all_finite() {
            return Err(WorkloadError::Shape(
                "weights do not match the network".to_owned(),
            ));
        }
        spec.layers = vec![side * side, classes];
        Ok(Self {
            spec,
            flops,
            samples,
            labels: y,
            architecture,
            initial,
        })
    }

    fn build_architecture(layers: &[usize]) -> Result<Architecture, ArchitectureError> {
        let mut builder = ArchitectureBuilder::new();
        let (first, rest) = layers.split_first().unwrap_or((&0, &[]));
        let (outputs, hidden) = rest.split_last().unwrap_or((&0, &[]));
        let mut node = builder.input("input", *first)?;
        for (index, &units) in hidden.iter().enumerate() {
            let name = format!("hidden{}", index + 1);
            node = builder.dense(&name, node, DenseSpec::new(units, Activation::Tanh))?;
        }
        let output = if *outputs == 1 {
            OutputSpec::new(1, OutputFunction::Sigmoid, Loss::BinaryCrossEntropy)
        } else {
            OutputSpec::new(*outputs, OutputFunction::Softmax, Loss::SoftmaxCrossEntropy)
        };
        builder.output("output", node, output)
    }

    /// The same data and protocol with other layers (`[inputs, hidden…, outputs]`), batch
    /// size and epoch count, its initial weights drawn from the workload's seed by the
    /// engine's own initialiser: the extra sizes the benchmark times beside A and B.
    pub fn with_layers(
        &self,
        name: &str,
        layers: &[usize],
        batch: usize,
        epochs: usize,
    ) -> Result<Self, WorkloadError> {
        let architecture = Self::build_architecture(layers)?;
        let initial = architecture.initial_parameters(self.spec.init_seed);
        let macs: usize = layers.windows(2).map(|pair| pair[0] * pair[1]).sum();
        let macs_per_example = u64::try_from(macs).unwrap_or(u64::MAX);
        let examples = u64::try_from(self.spec.n * epochs).unwrap_or(u64::MAX);
        Ok(Self {
            spec: WorkloadSpec {
                name: name.to_owned(),
                layers: layers.to_vec(),
                batch,
                epochs,
                ..self.spec.clone()
            },
            flops: WorkloadFlops {
                macs_per_example,
                train_flop_total: macs_per_example.saturating_mul(6).saturating_mul(examples),
            },
            samples: self.samples.clone(),
            labels: self.labels.clone(),
            architecture,
            initial,
        })
    }

    /// The protocol's training settings: plain SGD at the workload's rate, consecutive
    /// mini-batches, no reshuffle (the file's order is already the training order).
    pub fn config(&self) -> TrainingConfig {
        TrainingConfig {
            optimizer: Optimizer::GradientDescent,
            learning_rate: self.spec.lr,
            batching: Batching::MiniBatch {
                size: self.spec.batch,
            },
            shuffle: Shuffle::Never,
            regularization: Regularization::None,
            seed: self.spec.data_seed,
            schedule: crate::train::schedule::LearningRateSchedule::CONSTANT,
        }
    }

    /// Updates per epoch: `⌈n / batch⌉`.
    pub fn updates_per_epoch(&self) -> usize {
        self.spec.n.div_ceil(self.spec.batch.max(1))
    }
}

/// Workload C's grid: 200×200 points over `[−6, 6]²`, point `r·200 + c` at
/// `(−6 + 12c/199, 6 − 12r/199)`, as `[40000, 2]`.
pub fn decision_grid(size: usize) -> Array2<f64> {
    let step = 12.0 / (size.max(2) - 1) as f64;
    Array2::from_shape_fn((size * size, 2), |(point, axis)| {
        let (row, column) = (point / size, point % size);
        if axis == 0 {
            -6.0 + step * column as f64
        } else {
            6.0 - step * row as f64
        }
    })
}
