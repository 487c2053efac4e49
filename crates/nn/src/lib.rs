//! The Layerwright engine: networks as graphs of layers, their losses, optimisers and
//! training, with no user interface.
//!
//! Data flows one way: an [`architecture::Architecture`] (structure) with a
//! [`architecture::ParameterSet`] (numbers) runs in [`model`] and learns in [`training`].
//! Equation numbers in the docs refer to the course notes the app teaches.
#![warn(missing_docs)]

pub mod activations;
pub mod architecture;
pub mod autograd;
pub mod compile;
pub mod config;
pub mod data;
pub mod export;
pub mod float;
pub mod gradient_check;
pub mod graph;
pub mod inference;
pub mod init;
pub mod kernels;
pub mod lesson;
pub mod loss_surface;
pub mod losses;
pub mod metrics;
pub mod model;
pub mod optimizers;
pub mod rng;
pub mod step_through;
pub mod training;
pub mod workloads;

pub use activations::Activation;
pub use architecture::{
    Architecture, ArchitectureBuilder, ArchitectureError, DenseSpec, NodeId, OutputSpec,
    ParameterSet,
};
pub use float::{Float, Precision};
pub use init::Initializer;
pub use losses::{Loss, OutputFunction, Reduction};
pub use optimizers::{Optimizer, Regularization};
pub use rng::SplitMix64;
pub use training::{
    Batching, Evaluation, NodeValues, Samples, Session, Shuffle, Trainer, TrainingConfig,
    TrainingError,
};
