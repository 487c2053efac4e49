//! Training: batches, epochs, evaluation, and a precision-independent session.

use web_time::Instant;

use ndarray::{Array2, ArrayView2, Axis, Slice};
use thiserror::Error;

use crate::math::float::Float;
use crate::math::losses::{OutputFunction, Reduction, loss_and_gradient};
use crate::math::rng::SplitMix64;
use crate::network::architecture::{Architecture, NodeId, Operation, ParameterRole, ParameterSet};
use crate::network::model::{Mode, Workspace, forward, loss_and_gradients};
use crate::network::normalization::update_running_statistics;
use crate::train::dynamics::{GradientTracker, LayerActivity, LayerGradients, layer_activity};
use crate::train::optimizers::{Optimizer, OptimizerSlot};
use crate::train::profile::{Pass, Profile, record};

pub use crate::data::Samples;
pub use crate::train::config::{Batching, Shuffle, TrainingConfig};
pub use crate::train::session::{NodeValues, Session};

/// What can stop training.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum TrainingError {
    /// The data has a different number of features than the network's input.
    #[error("the data has {found} input columns but the network's input takes {expected}")]
    InputWidth {
        /// The network's input width.
        expected: usize,
        /// The data's column count.
        found: usize,
    },
    /// The targets have a different width than the network's output.
    #[error("the data has {found} target columns but the network's output has {expected} units")]
    TargetWidth {
        /// The network's output width.
        expected: usize,
        /// The targets' column count.
        found: usize,
    },
    /// Inputs and targets disagree on the number of examples.
    #[error("the data has {inputs} input rows but {targets} target rows")]
    RowMismatch {
        /// Input rows.
        inputs: usize,
        /// Target rows.
        targets: usize,
    },
    /// There is nothing to train on.
    #[error("the training set is empty")]
    NoExamples,
    /// A number in the data is NaN or infinite.
    #[error("{part} row {row}, column {column} is {value}")]
    NonFiniteData {
        /// "input" or "target".
        part: &'static str,
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
        /// "NaN" or "infinite".
        value: &'static str,
    },
    /// The parameters do not match the architecture.
    #[error("the weights do not match the network's layer shapes")]
    ParameterShapes,
    /// A batch-norm network asked to train on a batch of one example, whose variance is 0.
    #[error(
        "node '{node}': batch norm needs at least two examples a batch (its variance over one \
         example is 0); choose a batch size of 2 or more"
    )]
    BatchOfOne {
        /// The first batch-norm node.
        node: String,
    },
    /// The loss or a weight became NaN or infinite.
    #[error(
        "training diverged in epoch {epoch}: the {what} became {value}; try a lower learning rate"
    )]
    Diverged {
        /// The epoch being trained (1 for the first).
        epoch: usize,
        /// "loss" or "weights".
        what: &'static str,
        /// How it was non-finite ("NaN" or "infinite").
        value: &'static str,
    },
}

/// What one update did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepReport {
    /// The batch's loss before the update (as the head's reduction combines it).
    pub batch_loss: f64,
    /// The number of examples in the batch.
    pub batch_size: usize,
    /// Whether this update finished an epoch.
    pub finished_epoch: bool,
    /// Epochs completed after this update.
    pub epochs: usize,
}

/// What one epoch did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochReport {
    /// Epochs completed, counting this one.
    pub epochs: usize,
    /// The mean over the epoch's examples of the loss measured on each batch before its update.
    pub mean_batch_loss: f64,
}

/// How well the network does on a set of examples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// The mean loss per example (whatever the head's reduction).
    pub loss: f64,
    /// The fraction of examples classified right (classifiers only).
    pub accuracy: Option<f64>,
    /// The coefficient of determination `1 − SS_res/SS_tot` (regression only).
    pub r_squared: Option<f64>,
}

/// Trains one network in precision `F`. Prefer [`Session`], whose methods are compiled
/// (and optimised) in this crate whatever precision is chosen at run time.
#[derive(Clone, Debug)]
pub struct Trainer<F: Float> {
    architecture: Architecture,
    parameters: ParameterSet<F>,
    initial_parameters: ParameterSet<F>,
    config: TrainingConfig,
    slots: Vec<OptimizerSlot<F>>,
    data: Samples<F>,
    order: Vec<usize>,
    shuffle_rng: SplitMix64,
    noise_rng: SplitMix64,
    epochs: usize,
    cursor: usize,
    updates: u64,
    epoch_loss_sum: f64,
    workspace: Workspace<F>,
    evaluation_workspace: Workspace<F>,
    batch_inputs: Array2<F>,
    batch_targets: Array2<F>,
    gradient_tracker: Option<GradientTracker<F>>,
}

/// The most rows evaluated in one forward pass (bounds memory on large sets).
const EVALUATION_CHUNK: usize = 8192;

/// Rows predicted in one forward pass: a block's values (32 KB an array for 8 units) stay
/// in the cache through every layer, where 40,000 rows at once (the boundary grid) went
/// through memory per layer. 1,024 measured best of 128 to 4,096 rows.
const PREDICTION_BLOCK: usize = 1024;

/// A constant mixed into the seed of dropout/RReLU draws so they are independent of shuffles.
const NOISE_STREAM: u64 = 0xD1B5_4A32_D192_ED03;

fn check_shapes<G: Float>(
    architecture: &Architecture,
    inputs: ArrayView2<G>,
    targets: ArrayView2<G>,
) -> Result<(), TrainingError> {
    if inputs.ncols() != architecture.input_width() {
        return Err(TrainingError::InputWidth {
            expected: architecture.input_width(),
            found: inputs.ncols(),
        });
    }
    if targets.ncols() != architecture.output_width() {
        return Err(TrainingError::TargetWidth {
            expected: architecture.output_width(),
            found: targets.ncols(),
        });
    }
    if inputs.nrows() != targets.nrows() {
        return Err(TrainingError::RowMismatch {
            inputs: inputs.nrows(),
            targets: targets.nrows(),
        });
    }
    for (part, array) in [("input", inputs), ("target", targets)] {
        if let Some(((row, column), value)) = array.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(TrainingError::NonFiniteData {
                part,
                row: row + 1,
                column: column + 1,
                value: if value.is_nan() { "NaN" } else { "infinite" },
            });
        }
    }
    Ok(())
}

/// `array` in precision `F` (a copy, rounded to nearest for `f32`).
pub(crate) fn cast_array<F: Float, G: Float>(array: ArrayView2<G>) -> Array2<F> {
    array.mapv(|v| F::cast(v.widen()))
}

impl<F: Float> Trainer<F> {
    /// A trainer for `architecture` starting from `initial` (cast to `F`) on `training`
    /// (shared, not copied).
    pub fn new(
        architecture: Architecture,
        initial: &ParameterSet<f64>,
        training: Samples<F>,
        config: TrainingConfig,
    ) -> Result<Self, TrainingError> {
        check_shapes(
            &architecture,
            training.inputs.view(),
            training.targets.view(),
        )?;
        if training.is_empty() {
            return Err(TrainingError::NoExamples);
        }
        if !architecture.fits(initial) {
            return Err(TrainingError::ParameterShapes);
        }
        let parameters: ParameterSet<F> = initial.cast();
        let examples = training.len();
        let batch = config.batching.batch_size(examples);
        let slots = Self::fresh_slots(&architecture, &config.optimizer);
        let mut trainer = Self {
            workspace: Workspace::new(&architecture, batch.min(examples)),
            evaluation_workspace: Workspace::new(&architecture, 1),
            initial_parameters: parameters.clone(),
            parameters,
            slots,
            data: training,
            order: Vec::new(),
            shuffle_rng: SplitMix64::new(config.seed),
            noise_rng: SplitMix64::new(config.seed ^ NOISE_STREAM),
            epochs: 0,
            cursor: 0,
            updates: 0,
            epoch_loss_sum: 0.0,
            batch_inputs: Array2::zeros((0, architecture.input_width())),
            batch_targets: Array2::zeros((0, architecture.output_width())),
            gradient_tracker: None,
            architecture,
            config,
        };
        trainer.restart_order();
        Ok(trainer)
    }

    fn fresh_slots(architecture: &Architecture, optimizer: &Optimizer) -> Vec<OptimizerSlot<F>> {
        architecture
            .parameters()
            .iter()
            .map(|p| OptimizerSlot::new(optimizer, p.shape))
            .collect()
    }

    fn restart_order(&mut self) {
        self.shuffle_rng = SplitMix64::new(self.config.seed);
        self.noise_rng = SplitMix64::new(self.config.seed ^ NOISE_STREAM);
        self.order = (0..self.data.len()).collect();
        if self.config.shuffle == Shuffle::Once {
            self.shuffle_rng.shuffle(&mut self.order);
        }
    }

    /// The network's structure.
    pub fn architecture(&self) -> &Architecture {
        &self.architecture
    }

    /// The current parameters.
    pub fn parameters(&self) -> &ParameterSet<F> {
        &self.parameters
    }

    /// The training settings in force.
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// Changes the settings; the learning rate, batching and regularization take effect
    /// at the next update. A new optimizer kind starts with fresh optimizer state.
    pub fn set_config(&mut self, config: TrainingConfig) {
        if std::mem::discriminant(&config.optimizer)
            != std::mem::discriminant(&self.config.optimizer)
        {
            self.slots = Self::fresh_slots(&self.architecture, &config.optimizer);
        }
        self.config = config;
    }

    /// Epochs completed.
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// The step size of the current epoch: the schedule's `η_e` at `e` = epochs completed.
    pub fn learning_rate(&self) -> f64 {
        self.config
            .schedule
            .rate(self.config.learning_rate, self.epochs)
    }

    /// Puts these parameters in place of the current ones (the best epoch's, say), cast to
    /// `F`; the optimizer's state, the epoch count and the order go on as they were.
    pub fn set_parameters(&mut self, parameters: &ParameterSet<f64>) -> Result<(), TrainingError> {
        if !self.architecture.fits(parameters) {
            return Err(TrainingError::ParameterShapes);
        }
        self.parameters = parameters.cast();
        if let Some(tracker) = &mut self.gradient_tracker {
            tracker.restart(&self.architecture, &self.parameters);
        }
        Ok(())
    }

    /// Starts or stops gathering each epoch's gradient figures ([`Self::epoch_gradients`]);
    /// off by default. Each update then adds one pass over the weight gradients.
    pub fn track_gradients(&mut self, on: bool) {
        self.gradient_tracker = match (on, self.gradient_tracker.take()) {
            (true, Some(tracker)) => Some(tracker),
            (true, None) => Some(GradientTracker::new(&self.architecture, &self.parameters)),
            (false, _) => None,
        };
    }

    /// Each weighted layer's gradient norm and update ratio over the last finished epoch
    /// (empty until one finishes while tracking).
    pub fn epoch_gradients(&self) -> &[LayerGradients] {
        self.gradient_tracker
            .as_ref()
            .map_or(&[], GradientTracker::last)
    }

    /// What each layer's units do on `sample` (inference form), see [`layer_activity`].
    pub fn layer_activity<G: Float>(&self, sample: ArrayView2<G>) -> Vec<LayerActivity> {
        layer_activity(
            &self.architecture,
            &self.parameters,
            cast_array::<F, G>(sample).view(),
        )
    }

    /// Updates made.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// Back to the exact initial parameters, epoch 0 and the first training order.
    pub fn reset(&mut self) {
        self.parameters = self.initial_parameters.clone();
        self.slots = Self::fresh_slots(&self.architecture, &self.config.optimizer);
        self.epochs = 0;
        self.cursor = 0;
        self.updates = 0;
        self.epoch_loss_sum = 0.0;
        self.restart_order();
        if self.gradient_tracker.is_some() {
            self.gradient_tracker =
                Some(GradientTracker::new(&self.architecture, &self.parameters));
        }
    }

    /// One update on the next batch of the training order.
    pub fn step_batch(&mut self) -> Result<StepReport, TrainingError> {
        let examples = self.order.len();
        if self.cursor == 0 && self.config.shuffle == Shuffle::EveryEpoch {
            self.shuffle_rng.shuffle(&mut self.order);
        }
        let size = self.config.batching.batch_size(examples);
        let mut end = (self.cursor + size).min(examples);
        let batch_norm = self.architecture.first_batch_norm();
        if batch_norm.is_some() && examples - end == 1 {
            // A ragged last batch of one joins this one: batch norm cannot use it alone.
            end = examples;
        }
        let rows = end - self.cursor;
        if let (Some(node), 1) = (batch_norm, rows) {
            return Err(TrainingError::BatchOfOne {
                node: node.name.clone(),
            });
        }
        let started = self.workspace.profile.is_some().then(Instant::now);
        self.gather_batch(self.cursor, end);
        if let (Some(profile), Some(started)) = (&mut self.workspace.profile, started) {
            profile.other += started.elapsed();
        }
        let loss = loss_and_gradients(
            &self.architecture,
            &self.parameters,
            self.batch_inputs.slice_axis(Axis(0), Slice::from(..rows)),
            self.batch_targets.slice_axis(Axis(0), Slice::from(..rows)),
            Mode::Training(&mut self.noise_rng),
            &mut self.workspace,
        )
        .widen();
        if !loss.is_finite() {
            return Err(self.diverged("loss", loss));
        }
        self.apply_update();
        let per_example = match self.architecture.head().reduction {
            Reduction::Mean => loss,
            Reduction::Sum => loss / rows as f64,
        };
        self.epoch_loss_sum += per_example * rows as f64;
        self.cursor = end;
        let finished_epoch = self.cursor >= examples;
        if finished_epoch {
            self.cursor = 0;
            self.epochs += 1;
            if let Some(tracker) = &mut self.gradient_tracker {
                tracker.finish_epoch(&self.architecture, &self.parameters);
            }
            if !self.parameters.all_finite() {
                return Err(self.diverged("weights", f64::NAN));
            }
        }
        Ok(StepReport {
            batch_loss: loss,
            batch_size: rows,
            finished_epoch,
            epochs: self.epochs,
        })
    }

    /// Updates until the current epoch is complete.
    pub fn run_epoch(&mut self) -> Result<EpochReport, TrainingError> {
        loop {
            let report = self.step_batch()?;
            if report.finished_epoch {
                let mean = self.epoch_loss_sum / self.order.len() as f64;
                self.epoch_loss_sum = 0.0;
                return Ok(EpochReport {
                    epochs: report.epochs,
                    mean_batch_loss: mean,
                });
            }
        }
    }

    fn diverged(&self, what: &'static str, value: f64) -> TrainingError {
        TrainingError::Diverged {
            epoch: self.epochs + 1,
            what,
            value: if value.is_nan() { "NaN" } else { "infinite" },
        }
    }

    fn gather_batch(&mut self, start: usize, end: usize) {
        let rows = end - start;
        if self.batch_inputs.nrows() < rows {
            self.batch_inputs = Array2::zeros((rows, self.data.inputs.ncols()));
            self.batch_targets = Array2::zeros((rows, self.data.targets.ncols()));
        }
        let order = &self.order[start..end];
        copy_rows(self.data.inputs.view(), order, &mut self.batch_inputs);
        copy_rows(self.data.targets.view(), order, &mut self.batch_targets);
    }

    fn apply_update(&mut self) {
        self.updates += 1;
        let rate = self.learning_rate();
        let gradients = &mut self.workspace.parameter_gradients_mut().tensors;
        if let Some(tracker) = &mut self.gradient_tracker {
            tracker.add_update(&self.architecture, gradients);
        }
        let regularization = self.config.regularization;
        let mut profile = self.workspace.profile.take();
        let gradients = &mut self.workspace.parameter_gradients_mut().tensors;
        for (((info, parameter), gradient), slot) in self
            .architecture
            .parameters()
            .iter()
            .zip(self.parameters.tensors.iter_mut())
            .zip(gradients.iter_mut())
            .zip(self.slots.iter_mut())
        {
            if !info.role.is_learned() {
                continue;
            }
            let started = profile.is_some().then(Instant::now);
            if info.role == ParameterRole::Weights {
                regularization.add_gradient(parameter, gradient);
            }
            slot.update(
                &self.config.optimizer,
                rate,
                self.updates,
                parameter.view_mut(),
                gradient,
            );
            record(&mut profile, Pass::Update, info.node.0, started);
        }
        self.workspace.profile = profile;
        let rows = self.workspace.rows();
        for (index, node) in self.architecture.nodes().iter().enumerate() {
            if let Operation::BatchNorm(layer) = &node.operation {
                let statistics = self.workspace.batch_statistics(NodeId(index));
                update_running_statistics(layer, statistics, rows, &mut self.parameters);
            }
        }
    }

    /// The loss, accuracy (classifiers) and R² (regression) on `inputs` and `targets`
    /// (in any precision, taken a chunk at a time), in inference mode.
    pub fn evaluate<G: Float>(
        &mut self,
        inputs: ArrayView2<G>,
        targets: ArrayView2<G>,
    ) -> Result<Evaluation, TrainingError> {
        check_shapes(&self.architecture, inputs, targets)?;
        let head = self.architecture.head();
        let examples = inputs.nrows();
        let mut loss_sum = 0.0;
        let mut correct = 0usize;
        let mut squared_residuals = 0.0;
        let mut start = 0;
        while start < examples {
            let end = (start + EVALUATION_CHUNK).min(examples);
            let chunk_inputs: Array2<F> =
                cast_array(inputs.slice_axis(Axis(0), Slice::from(start..end)));
            let wide_targets: Array2<f64> =
                cast_array(targets.slice_axis(Axis(0), Slice::from(start..end)));
            let chunk_targets: Array2<F> = cast_array(wide_targets.view());
            forward(
                &self.architecture,
                &self.parameters,
                chunk_inputs.view(),
                Mode::Inference,
                &mut self.evaluation_workspace,
            );
            let logits = self.evaluation_workspace.value(head.logits);
            // The loss is summed in f64 whatever the training precision, so a reported
            // loss does not depend on how many examples were added up in f32.
            let wide_logits = logits.mapv(Float::widen);
            loss_sum += loss_and_gradient(
                head.output_function,
                head.loss,
                Reduction::Sum,
                wide_logits.view(),
                wide_targets.view(),
                None,
            );
            correct += count_correct(head.output_function, logits, chunk_targets.view());
            if head.output_function == OutputFunction::Identity {
                squared_residuals += logits
                    .iter()
                    .zip(chunk_targets.iter())
                    .map(|(&z, &y)| (z.widen() - y.widen()).powi(2))
                    .sum::<f64>();
            }
            start = end;
        }
        let n = examples.max(1) as f64;
        let (accuracy, r_squared) = if head.output_function.is_classifier() {
            (Some(correct as f64 / n), None)
        } else {
            let total = total_sum_of_squares(targets);
            let r2 = if total > 0.0 {
                1.0 - squared_residuals / total
            } else {
                f64::NAN
            };
            (None, Some(r2))
        };
        Ok(Evaluation {
            loss: loss_sum / n,
            accuracy,
            r_squared,
        })
    }

    /// Times every pass of every node from now on (`on`), or stops timing.
    pub fn set_profiling(&mut self, on: bool) {
        let nodes = self.architecture.nodes().len();
        self.workspace.profile = on.then(|| Profile::new(nodes));
        self.evaluation_workspace.profile = on.then(|| Profile::new(nodes));
    }

    /// Where the time went since profiling was turned on: training steps, predictions.
    pub fn profiles(&self) -> (Option<&Profile>, Option<&Profile>) {
        (
            self.workspace.profile.as_ref(),
            self.evaluation_workspace.profile.as_ref(),
        )
    }

    /// Predictions `ŷ = g(z)` for `inputs: [n, input_width]` into `outputs: [n, output_width]`,
    /// in inference mode. Reuses its buffers: no allocation once warm for a given `n`.
    pub fn predict_into(&mut self, inputs: ArrayView2<F>, mut outputs: ndarray::ArrayViewMut2<F>) {
        let head = self.architecture.head();
        // A block of rows at a time through every layer, so its values stay in the cache.
        for (block, mut out) in inputs
            .axis_chunks_iter(Axis(0), PREDICTION_BLOCK)
            .zip(outputs.axis_chunks_iter_mut(Axis(0), PREDICTION_BLOCK))
        {
            let workspace = &mut self.evaluation_workspace;
            forward(
                &self.architecture,
                &self.parameters,
                block,
                Mode::Inference,
                workspace,
            );
            out.assign(&workspace.value(head.logits));
            head.output_function.apply(out);
        }
    }

    /// Every node's output for `inputs: [n, input_width]` in inference mode, in the
    /// architecture's node order (`[n, width]` each, the input node's being the encoded
    /// features), and the predictions `ŷ = g(z)`, `[n, output_width]`.
    pub fn node_values(&mut self, inputs: ArrayView2<F>) -> (Vec<Array2<F>>, Array2<F>) {
        let head = self.architecture.head();
        forward(
            &self.architecture,
            &self.parameters,
            inputs,
            Mode::Inference,
            &mut self.evaluation_workspace,
        );
        let values = (0..self.architecture.nodes().len())
            .map(|index| self.evaluation_workspace.value(NodeId(index)).to_owned())
            .collect();
        let mut predictions = self.evaluation_workspace.value(head.logits).to_owned();
        head.output_function.apply(predictions.view_mut());
        (values, predictions)
    }
}

/// `into[r] = from[order[r]]` for each `r`: whole rows copied as slices where both are
/// contiguous (a small batch's rows are a few values each: per-row views cost more).
fn copy_rows<F: Float>(from: ArrayView2<F>, order: &[usize], into: &mut Array2<F>) {
    let width = from.ncols();
    match (from.as_slice(), into.as_slice_mut()) {
        (Some(source), Some(target)) if width > 0 => {
            for (row, &example) in target.chunks_exact_mut(width).zip(order) {
                row.copy_from_slice(&source[example * width..(example + 1) * width]);
            }
        }
        _ => {
            for (row, &example) in order.iter().enumerate() {
                into.row_mut(row).assign(&from.row(example));
            }
        }
    }
}

/// `Σᵢ Σⱼ (yᵢⱼ − ȳⱼ)²` over the rows of `targets`, in `f64`: R²'s denominator.
fn total_sum_of_squares<G: Float>(targets: ArrayView2<G>) -> f64 {
    let rows = targets.nrows();
    if rows == 0 {
        return 0.0;
    }
    targets
        .columns()
        .into_iter()
        .map(|column| {
            let mean = column.iter().map(|v| v.widen()).sum::<f64>() / rows as f64;
            column
                .iter()
                .map(|v| (v.widen() - mean).powi(2))
                .sum::<f64>()
        })
        .sum()
}

/// How many rows of `logits` are classified as `targets` says.
fn count_correct<F: Float>(
    output: OutputFunction,
    logits: ArrayView2<F>,
    targets: ArrayView2<F>,
) -> usize {
    let half = F::cast(0.5);
    logits
        .rows()
        .into_iter()
        .zip(targets.rows())
        .filter(|(z, y)| match output {
            OutputFunction::Identity => false,
            OutputFunction::Softmax => argmax(z.iter()) == argmax(y.iter()),
            OutputFunction::Sigmoid | OutputFunction::Step => z
                .iter()
                .zip(y.iter())
                .all(|(&z, &y)| (z > F::zero()) == (y > half)),
        })
        .count()
}

fn argmax<'a, F: Float>(values: impl Iterator<Item = &'a F>) -> usize {
    let mut best = (0, F::neg_infinity());
    for (index, &value) in values.enumerate() {
        if value > best.1 {
            best = (index, value);
        }
    }
    best.0
}
