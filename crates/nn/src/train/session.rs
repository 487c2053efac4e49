//! `Session`: a [`Trainer`] in the precision chosen at run time, the one type the app,
//! the command line and the lessons train through.

use ndarray::{Array2, ArrayView2};

use crate::math::float::{Float, Precision};
use crate::network::architecture::{Architecture, ParameterSet};
use crate::train::dynamics::{LayerActivity, LayerGradients};
use crate::train::profile::Profile;
use crate::train::training::{
    EpochReport, Evaluation, Samples, StepReport, Trainer, TrainingConfig, TrainingError,
    cast_array,
};

/// Every node's output over a batch of inputs: what the neuron views draw.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeValues {
    /// One `[n, width]` array per node, in the architecture's node order.
    pub nodes: Vec<Array2<f32>>,
    /// `ŷ = g(z)`, `[n, output_width]`.
    pub predictions: Array2<f64>,
}

/// A [`Trainer`] in the precision chosen at run time.
///
/// Its methods are ordinary functions of this crate, so they are compiled here (optimised
/// even in the app's debug builds) rather than in the crate that calls them.
#[derive(Clone, Debug)]
pub enum Session {
    /// Training in `f32`.
    F32(Trainer<f32>),
    /// Training in `f64`.
    F64(Trainer<f64>),
}

/// Calls the same method on whichever trainer the session holds.
macro_rules! each_precision {
    ($session:expr, $trainer:ident => $body:expr) => {
        match $session {
            Session::F32($trainer) => $body,
            Session::F64($trainer) => $body,
        }
    };
}

impl Session {
    /// A session training `architecture` from `initial` on `training` in `precision`: the
    /// samples are shared when they are already in that precision, converted otherwise.
    pub fn new<G: Float>(
        architecture: Architecture,
        initial: &ParameterSet<f64>,
        training: &Samples<G>,
        config: TrainingConfig,
        precision: Precision,
    ) -> Result<Self, TrainingError> {
        Ok(match precision {
            Precision::F32 => Self::F32(Trainer::new(
                architecture,
                initial,
                training.in_precision(),
                config,
            )?),
            Precision::F64 => Self::F64(Trainer::new(
                architecture,
                initial,
                training.in_precision(),
                config,
            )?),
        })
    }

    /// The precision it computes in.
    pub fn precision(&self) -> Precision {
        match self {
            Self::F32(_) => Precision::F32,
            Self::F64(_) => Precision::F64,
        }
    }

    /// The network's structure.
    pub fn architecture(&self) -> &Architecture {
        each_precision!(self, t => t.architecture())
    }

    /// The current parameters, widened to `f64`.
    pub fn parameters(&self) -> ParameterSet<f64> {
        each_precision!(self, t => t.parameters().cast())
    }

    /// The settings in force.
    pub fn config(&self) -> &TrainingConfig {
        each_precision!(self, t => t.config())
    }

    /// Changes the settings (see [`Trainer::set_config`]).
    pub fn set_config(&mut self, config: TrainingConfig) {
        each_precision!(self, t => t.set_config(config));
    }

    /// Epochs completed.
    pub fn epochs(&self) -> usize {
        each_precision!(self, t => t.epochs())
    }

    /// The current epoch's step size (see [`Trainer::learning_rate`]).
    pub fn learning_rate(&self) -> f64 {
        each_precision!(self, t => t.learning_rate())
    }

    /// Replaces the parameters (see [`Trainer::set_parameters`]).
    pub fn set_parameters(&mut self, parameters: &ParameterSet<f64>) -> Result<(), TrainingError> {
        each_precision!(self, t => t.set_parameters(parameters))
    }

    /// See [`Trainer::track_gradients`].
    pub fn track_gradients(&mut self, on: bool) {
        each_precision!(self, t => t.track_gradients(on));
    }

    /// See [`Trainer::epoch_gradients`].
    pub fn epoch_gradients(&self) -> &[LayerGradients] {
        each_precision!(self, t => t.epoch_gradients())
    }

    /// See [`Trainer::layer_activity`]; `sample: [n, input width]`.
    pub fn layer_activity(&self, sample: ArrayView2<f64>) -> Vec<LayerActivity> {
        each_precision!(self, t => t.layer_activity(sample))
    }

    /// Updates made.
    pub fn updates(&self) -> u64 {
        each_precision!(self, t => t.updates())
    }

    /// Back to the exact initial parameters (see [`Trainer::reset`]).
    pub fn reset(&mut self) {
        each_precision!(self, t => t.reset());
    }

    /// One update (see [`Trainer::step_batch`]).
    pub fn step_batch(&mut self) -> Result<StepReport, TrainingError> {
        each_precision!(self, t => t.step_batch())
    }

    /// The rest of the current epoch (see [`Trainer::run_epoch`]).
    pub fn run_epoch(&mut self) -> Result<EpochReport, TrainingError> {
        each_precision!(self, t => t.run_epoch())
    }

    /// Runs `epochs` epochs, returning the last report (or the first error).
    pub fn run_epochs(&mut self, epochs: usize) -> Result<Option<EpochReport>, TrainingError> {
        let mut last = None;
        for _ in 0..epochs {
            last = Some(self.run_epoch()?);
        }
        Ok(last)
    }

    /// Loss, accuracy and R² on `samples` (see [`Trainer::evaluate`]).
    pub fn evaluate<G: Float>(
        &mut self,
        samples: &Samples<G>,
    ) -> Result<Evaluation, TrainingError> {
        each_precision!(self, t => t.evaluate(samples.inputs.view(), samples.targets.view()))
    }

    /// Predictions `ŷ = g(z)` for `inputs: [n, input_width]` (in either precision), as
    /// `[n, output_width]`.
    pub fn predict<G: Float>(
        &mut self,
        inputs: ArrayView2<G>,
    ) -> Result<Array2<f64>, TrainingError> {
        let expected = self.architecture().input_width();
        if inputs.ncols() != expected {
            return Err(TrainingError::InputWidth {
                expected,
                found: inputs.ncols(),
            });
        }
        let rows = inputs.nrows();
        let width = self.architecture().output_width();
        Ok(each_precision!(self, t => {
            let cast = cast_array(inputs);
            let mut outputs = Array2::zeros((rows, width));
            t.predict_into(cast.view(), outputs.view_mut());
            outputs.mapv(Float::widen)
        }))
    }

    /// Every node's output for `inputs: [n, input_width]` (see [`Trainer::node_values`]),
    /// as `f32` to keep snapshots small, and the predictions `[n, output_width]` in `f64`.
    pub fn node_values(&mut self, inputs: ArrayView2<f64>) -> Result<NodeValues, TrainingError> {
        let expected = self.architecture().input_width();
        if inputs.ncols() != expected {
            return Err(TrainingError::InputWidth {
                expected,
                found: inputs.ncols(),
            });
        }
        Ok(each_precision!(self, t => {
            let cast = cast_array(inputs);
            let (nodes, predictions) = t.node_values(cast.view());
            NodeValues {
                nodes: nodes.into_iter().map(|n| n.mapv(|v| v.widen() as f32)).collect(),
                predictions: predictions.mapv(Float::widen),
            }
        }))
    }

    /// Times every pass of every node from now on (`on`), or stops timing.
    pub fn set_profiling(&mut self, on: bool) {
        each_precision!(self, t => t.set_profiling(on));
    }

    /// Where the time went since profiling was turned on: in training steps, and in
    /// predictions and evaluations (each `None` when profiling is off).
    pub fn profiles(&self) -> (Option<Profile>, Option<Profile>) {
        each_precision!(self, t => {
            let (training, prediction) = t.profiles();
            (training.cloned(), prediction.cloned())
        })
    }

    /// Predictions into a caller's `f32` buffer, without allocating once warm: the
    /// decision-boundary grid's path. Inputs are `[n, input_width]`, outputs `[n, output_width]`.
    pub fn predict_f32_into(
        &mut self,
        inputs: ArrayView2<f32>,
        outputs: ndarray::ArrayViewMut2<f32>,
    ) {
        match self {
            Self::F32(t) => t.predict_into(inputs, outputs),
            Self::F64(t) => {
                let cast = inputs.mapv(f64::from);
                let mut wide = Array2::zeros(outputs.dim());
                t.predict_into(cast.view(), wide.view_mut());
                let mut outputs = outputs;
                outputs.assign(&wide.mapv(f32::cast));
            }
        }
    }
}
