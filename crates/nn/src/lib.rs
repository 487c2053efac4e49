//! The Layerwright engine: networks as graphs of layers, their losses, optimisers and
//! training, with no user interface. Equation numbers in the docs refer to the course notes
//! the app teaches.
//!
//! The flow, one way:
//!
//! 1. **Document** ([`graph`]): a `GraphDocument` of nodes, wires, the data set and the
//!    training settings ([`config`]), read and written by [`graph::io`] (versions and
//!    migrations, errors with line and column). [`graph::points`] edits its data by hand.
//! 2. **Data** ([`data`]): [`data::load`] reads or generates the examples a document names;
//!    [`data::prepare()`] turns them into training and test [`data::Samples`] with features,
//!    normalisation and the split.
//! 3. **Check and build** ([`compile`]): the document's structure is checked and built
//!    into an [`architecture::Architecture`] against the data's shape, every problem a
//!    [`compile::GraphError`] naming its node and port; trained weights become a
//!    [`architecture::ParameterSet`].
//! 4. **Model** ([`model`], with [`activations`], [`losses`], [`init`], [`kernels`],
//!    [`float`], [`rng`]): the forward pass and back-propagation.
//! 5. **Training** ([`training`], [`optimizers`]): epochs and batches, evaluation, a
//!    precision-independent `Session`; [`inference`] predicts from raw rows.
//! 6. **Export** ([`export`]): a trained document as JSON, checked ONNX or PyTorch.
//!
//! Teaching sits beside the flow: [`autograd`] (scalar computational graphs), [`lesson`],
//! [`step_through`] (one example through a network), [`gradient_check`], [`loss_surface`],
//! [`metrics`]. The benchmark's workloads are behind the `bench` feature.
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
#[cfg(feature = "bench")]
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
