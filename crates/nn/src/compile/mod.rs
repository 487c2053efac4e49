//! Checking a [`GraphDocument`] and compiling it into an engine model.
//!
//! [`compile`] reports every problem at once, each naming its node (and port), so the editor
//! can badge every broken node and the command line can list them all. `check` looks at the
//! document's structure (ids, wires, ports, one input and one output, cycles), `build` turns
//! it into an [`Architecture`] against the data's shape, and `weights` converts between a
//! document's trained weights and a [`ParameterSet`]. Loading the data a document names is
//! [`crate::data::load`]'s.

mod build;
mod check;
mod error;
mod summary;
mod weights;

pub use crate::data::load::{DatasetLoadError, load_dataset, load_dataset_reporting};
use crate::data::{
    Dataset, PrepareOptions, PreparedData, Samples, SplitSettings, TargetEncoding, TargetScaling,
    prepare,
};
use crate::graph::GraphDocument;
use crate::math::losses::OutputFunction;
use crate::network::architecture::{Architecture, ParameterSet};
use crate::network::inference::TrainedModel;
use crate::train::early_stopping::{EarlyStopping, Watched};
use crate::train::training::TrainingConfig;
pub use build::DataShape;
use build::{Built, build};
pub use error::GraphError;
pub use summary::{ModelSummary, SummaryRow};
use weights::parameters_from_weights;

/// The most nodes a graph may have.
pub const MAX_NODES: usize = 1000;
/// The most trainable numbers a graph may have.
pub const MAX_PARAMETERS: usize = 10_000_000;

/// A checked graph ready to train: the network, its data, its starting weights and settings.
#[derive(Clone, Debug)]
pub struct CompiledGraph {
    /// The network; each node's name is its document id.
    pub architecture: Architecture,
    /// Training and test samples and how they were made.
    pub data: PreparedData,
    /// The trained weights from the document, or fresh ones drawn from the training seed.
    pub initial: ParameterSet<f64>,
    /// Whether `initial` came from the document's trained weights.
    pub from_trained_weights: bool,
    /// The training settings.
    pub config: TrainingConfig,
    /// The epoch budget.
    pub epochs: usize,
    /// When to stop before the budget, if ever.
    pub early_stopping: Option<EarlyStopping>,
}

/// What [`CompiledGraph::train`] gives: the session with its final (or restored best)
/// weights, the epochs trained and, with early stopping, the best epoch.
pub struct TrainedRun {
    /// The session after training.
    pub session: crate::train::training::Session,
    /// Epochs actually trained (fewer than asked when early stopping stopped).
    pub epochs_trained: usize,
    /// With early stopping: the epoch whose weights were best.
    pub best_epoch: Option<usize>,
}

/// Checks `document` against `dataset` and compiles it: every problem is reported, each
/// naming its node. `dataset` is the document's data ([`load_dataset`]).
pub fn compile(
    document: &GraphDocument,
    dataset: &Dataset,
) -> Result<CompiledGraph, Vec<GraphError>> {
    let Built {
        architecture,
        features,
        input_id: _,
        output_function,
    } = build(document, &DataShape::of(dataset, document.dataset.image))?;
    let image = document
        .dataset
        .image
        .filter(|_| architecture.node(architecture.input()).image.is_some());
    let training = &document.training;
    let encoding = if output_function == OutputFunction::Softmax {
        TargetEncoding::OneHot
    } else {
        TargetEncoding::Column
    };
    let split = SplitSettings {
        train_fraction: document.dataset.train_fraction,
        seed: document.dataset.seed,
    };
    let options = PrepareOptions {
        features,
        normalization: document.dataset.normalization,
        target: TargetScaling::from_flag(document.dataset.standardize_target),
        encoding,
        split,
        validation_fraction: training
            .early_stopping
            .map_or(0.0, |rule| rule.validation_fraction()),
        image_range: image.map(|shape| shape.range),
    };
    let mut data = prepare(dataset, &options)
        // The input's features were checked against the data's columns while building.
        .map_err(|error| {
            vec![GraphError::Dataset {
                problem: error.to_string(),
            }]
        })?;
    data.description.image = image;
    let (initial, from_trained_weights) = match &document.weights {
        Some(weights) => (parameters_from_weights(&architecture, weights)?, true),
        None => (architecture.initial_parameters(training.seed), false),
    };
    Ok(CompiledGraph {
        architecture,
        data,
        initial,
        from_trained_weights,
        config: TrainingConfig {
            optimizer: training.optimizer,
            learning_rate: training.learning_rate,
            batching: training.batching,
            shuffle: training.shuffle,
            regularization: training.regularization,
            seed: training.seed,
            schedule: training.schedule,
        },
        epochs: training.epochs,
        early_stopping: training.early_stopping,
    })
}

/// Compiles a trained document without its training data: the architecture is checked
/// against the data description saved with the weights, and the weights are loaded.
pub fn compile_trained(document: &GraphDocument) -> Result<TrainedModel, Vec<GraphError>> {
    let Some(weights) = &document.weights else {
        return Err(vec![GraphError::NoTrainedWeights]);
    };
    let built = build(document, &DataShape::of_description(&weights.data))?;
    if built.features != weights.data.features {
        return Err(vec![GraphError::FeaturesChanged {
            node: built.input_id,
        }]);
    }
    let parameters = parameters_from_weights(&built.architecture, weights)?;
    Ok(TrainedModel::new(
        built.architecture,
        parameters,
        weights.data.clone(),
    ))
}

/// Loss and accuracy (or R²) on both splits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SplitMetrics {
    /// On the training split.
    pub train: crate::train::training::Evaluation,
    /// On the test split, if there is one.
    pub test: Option<crate::train::training::Evaluation>,
}

impl CompiledGraph {
    /// The samples early stopping watches: the validation rows carved from the training
    /// split, or the test split; `None` without early stopping (or with nothing to watch).
    pub fn watched(&self) -> Option<&Samples<f32>> {
        let rule = self.early_stopping?;
        let samples = match rule.watch {
            Watched::Validation { .. } => &self.data.validation,
            Watched::TestSplit => &self.data.test,
        };
        (!samples.is_empty()).then_some(samples)
    }

    /// Trains a fresh session for up to `epochs` epochs in `precision`, as `layerwright
    /// train` does: with early stopping when the document asks for it (watching after every
    /// epoch, putting back the best weights when told to), calling `on_epoch` after each
    /// epoch. `keep_going` is asked before each epoch (a cancelled sweep stops early).
    pub fn train(
        &self,
        epochs: usize,
        precision: crate::math::float::Precision,
        mut on_epoch: impl FnMut(&crate::train::training::EpochReport),
        keep_going: impl Fn() -> bool,
    ) -> Result<TrainedRun, crate::train::training::TrainingError> {
        use crate::train::early_stopping::{EarlyStopper, Verdict};
        let mut session = self.session(precision)?;
        let mut stopper = self
            .watched()
            .and(self.early_stopping)
            .map(EarlyStopper::new);
        let mut trained = 0;
        for _ in 0..epochs {
            if !keep_going() {
                break;
            }
            let report = session.run_epoch()?;
            trained += 1;
            on_epoch(&report);
            if let (Some(stopper), Some(watched)) = (stopper.as_mut(), self.watched()) {
                let loss = session.evaluate(watched)?.loss;
                if stopper.observe(session.epochs(), loss, || session.parameters()) == Verdict::Stop
                {
                    break;
                }
            }
        }
        let best_epoch = stopper
            .as_ref()
            .and_then(EarlyStopper::best)
            .map(|(epoch, _)| epoch);
        if let Some(best) = stopper.as_ref().and_then(EarlyStopper::weights_to_restore) {
            session.set_parameters(best)?;
        }
        Ok(TrainedRun {
            session,
            epochs_trained: trained,
            best_epoch,
        })
    }

    /// A training session from the compiled graph's initial weights, on its training split.
    pub fn session(
        &self,
        precision: crate::math::float::Precision,
    ) -> Result<crate::train::training::Session, crate::train::training::TrainingError> {
        crate::train::training::Session::new(
            self.architecture.clone(),
            &self.initial,
            &self.data.train,
            self.config,
            precision,
        )
    }

    /// Evaluates `session` on the training and test splits.
    pub fn metrics(
        &self,
        session: &mut crate::train::training::Session,
    ) -> Result<SplitMetrics, crate::train::training::TrainingError> {
        let train = session.evaluate(&self.data.train)?;
        let test = if self.data.test.is_empty() {
            None
        } else {
            Some(session.evaluate(&self.data.test)?)
        };
        Ok(SplitMetrics { train, test })
    }
}
