//! The training settings a document holds and a session runs with: the optimizer, the
//! learning rate, batching, shuffling, regularization and the seed. Plain data, shared by
//! the document (`graph`), the data preparation and training.

use serde::{Deserialize, Serialize};

use crate::train::optimizers::{Optimizer, Regularization};

/// How many examples make one update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Batching {
    /// Every training example in one batch: one update per epoch.
    FullBatch,
    /// Consecutive slices of `size` examples; a shorter last batch is a batch of its own.
    MiniBatch {
        /// Examples per batch.
        size: usize,
    },
    /// One example per update (stochastic gradient descent, the perceptron rule).
    PerExample,
}

impl Default for Batching {
    fn default() -> Self {
        Self::MiniBatch { size: 10 }
    }
}

impl Batching {
    /// Examples per batch for a training set of `examples`.
    pub fn batch_size(self, examples: usize) -> usize {
        match self {
            Self::FullBatch => examples.max(1),
            Self::MiniBatch { size } => size.max(1),
            Self::PerExample => 1,
        }
    }
}

/// When the training order is shuffled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shuffle {
    /// The examples' own order, every epoch.
    Never,
    /// One permutation drawn before the first epoch, kept for every epoch (TF Playground).
    Once,
    /// A fresh permutation before every epoch.
    #[default]
    EveryEpoch,
}

/// Everything about training except the network and the data.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingConfig {
    /// The update rule.
    pub optimizer: Optimizer,
    /// The step size `η`.
    pub learning_rate: f64,
    /// How many examples make one update.
    pub batching: Batching,
    /// When the order is shuffled.
    pub shuffle: Shuffle,
    /// A penalty on the weights.
    pub regularization: Regularization,
    /// Seeds the shuffles and the random draws of dropout and RReLU.
    pub seed: u64,
    /// How `η` changes over the epochs (constant by default).
    pub schedule: crate::train::schedule::LearningRateSchedule,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self {
            optimizer: Optimizer::GradientDescent,
            learning_rate: 0.03,
            batching: Batching::default(),
            shuffle: Shuffle::default(),
            regularization: Regularization::None,
            seed: 1,
            schedule: crate::train::schedule::LearningRateSchedule::CONSTANT,
        }
    }
}
