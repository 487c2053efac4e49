//! The Layerwright engine: networks as graphs of layers, their losses, optimisers and
//! training, with no user interface. Equation numbers in the docs refer to the course notes
//! the app teaches.
//!
//! The flow, one way:
//!
//! 1. **Document** ([`graph`]): a `GraphDocument` of nodes, wires, the data set and the
//!    training settings ([`train::config`]), read and written by [`graph::io`] (versions
//!    and migrations, errors with line and column). [`graph::points`] edits its data by hand.
//! 2. **Data** ([`data`]): [`data::load`] reads or generates the examples a document names;
//!    [`data::prepare()`] turns them into training and test [`data::Samples`] with
//!    features, normalisation and the split.
//! 3. **Check and build** ([`compile`]): the document's structure is checked and built
//!    into a [`network::architecture::Architecture`] against the data's shape, every
//!    problem a [`compile::GraphError`] naming its node and port; trained weights become a
//!    [`network::architecture::ParameterSet`].
//! 4. **Model** ([`network`]): the forward pass and back-propagation
//!    ([`network::model`]), on the numbers of [`math`] (floats, kernels, seeded random
//!    numbers, activations, losses, initializers).
//! 5. **Training** ([`train`]): update rules, epochs and batches, evaluation, a
//!    precision-independent `Session`; [`network::inference`] predicts from raw rows.
//! 6. **Export** ([`export`]): a trained document as JSON, checked ONNX or PyTorch.
//!
//! Training runs are kept beside a document by [`runs`]: each run's settings, what changed
//! since the run before, its curves, best epoch and (some) weights; [`sweep`] trains a
//! document once per combination of settings on worker threads.
//!
//! Teaching sits beside the flow ([`teach`]): scalar computational graphs, lessons, one
//! example stepped through a network, the gradient check and the loss surface. The
//! benchmark's workloads are behind the `bench` feature.
#![warn(missing_docs)]

pub mod compile;
pub mod data;
pub mod export;
pub mod files;
pub mod graph;
pub mod import;
pub mod math;
pub mod network;
pub mod runs;
pub mod sweep;
pub mod teach;
pub mod train;
#[cfg(feature = "bench")]
pub mod workloads;

pub use math::activations::Activation;
pub use math::float::{Float, Precision};
pub use math::init::Initializer;
pub use math::losses::{Loss, OutputFunction, Reduction};
pub use math::rng::SplitMix64;
pub use network::architecture::{
    Architecture, ArchitectureBuilder, ArchitectureError, DenseSpec, NodeId, OutputSpec,
    ParameterSet,
};
pub use train::optimizers::{Optimizer, Regularization};
pub use train::training::{
    Batching, Evaluation, NodeValues, Samples, Session, Shuffle, Trainer, TrainingConfig,
    TrainingError,
};
