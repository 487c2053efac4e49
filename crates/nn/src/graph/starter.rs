//! A first network for a data set: what File → New, a dropped CSV and `layerwright new`
//! start from.

use std::collections::BTreeMap;

use crate::data::{
    BundledDataset, Generator, HeaderRow, Normalization, TargetColumn, Task, class_index,
};
use crate::graph::{
    DataSource, DatasetSpec, DenseNode, Edge, GraphDocument, InputNode, Node, OutputNode,
    OutputUnits, TrainingSpec, ViewState,
};
use crate::math::activations::Activation;
use crate::math::init::Initializer;
use crate::math::losses::{Loss, OutputFunction, Reduction};
use crate::train::config::{Batching, Shuffle};
use crate::train::optimizers::{Optimizer, Regularization};

/// The hidden layer's width in a starter network.
pub const STARTER_HIDDEN_UNITS: usize = 8;

impl DatasetSpec {
    /// `generator` with its default count, no noise and seed 1; 80% for training.
    pub fn generated(generator: Generator) -> Self {
        let settings = generator.default_settings();
        Self {
            task: generator.task(),
            source: DataSource::Generated {
                generator,
                samples: settings.samples,
                noise: settings.noise,
                seed: settings.seed,
            },
            ..Self::base(Normalization::None)
        }
    }

    /// A bundled set, z-scored, with its image shape if it has one; 80% for training.
    pub fn bundled(name: BundledDataset) -> Self {
        Self {
            task: name.task(),
            source: DataSource::Bundled { name },
            standardize_target: name.task() == Task::Regression,
            image: name.image(),
            ..Self::base(Normalization::ZScore)
        }
    }

    /// A CSV file (header detected, the last column the target), z-scored, with a
    /// standardised target for regression; 80% for training.
    pub fn csv(path: &str, task: Task) -> Self {
        Self {
            task,
            source: DataSource::Csv {
                path: path.to_owned(),
                header: HeaderRow::Detect,
            },
            standardize_target: task == Task::Regression,
            ..Self::base(Normalization::ZScore)
        }
    }

    fn base(normalization: Normalization) -> Self {
        Self {
            task: Task::Classification,
            source: DataSource::Points {
                points: Vec::new(),
                classes: 2,
            },
            target: TargetColumn::Last,
            normalization,
            standardize_target: false,
            train_fraction: 0.8,
            seed: 1,
            image: None,
        }
    }
}

/// The output function and loss that fit a task with `classes` classes: softmax with
/// cross-entropy for more than two, sigmoid with binary cross-entropy for two, identity
/// with squared error for regression.
pub fn output_for(task: Task, classes: usize) -> (OutputFunction, Loss) {
    match task {
        Task::Regression => (OutputFunction::Identity, Loss::SquaredError),
        Task::Classification if classes > 2 => (OutputFunction::Softmax, Loss::SoftmaxCrossEntropy),
        Task::Classification => (OutputFunction::Sigmoid, Loss::BinaryCrossEntropy),
    }
}

/// input → dense (8 tanh units) → output, on `dataset` with `classes` classes (0 for
/// regression): the output's function and loss from [`output_for`], its units from the
/// data set, laid out left to right; Adam at 0.01 in batches of 10 for 200 epochs.
pub fn starter_document(dataset: DatasetSpec, classes: usize) -> GraphDocument {
    let (output_function, loss) = output_for(dataset.task, classes);
    let nodes = vec![
        Node::Input(InputNode {
            id: "input".to_owned(),
            features: None,
        }),
        Node::Dense(DenseNode {
            id: "hidden".to_owned(),
            units: STARTER_HIDDEN_UNITS,
            activation: Activation::Tanh,
            initializer: Initializer::default(),
            use_bias: true,
        }),
        Node::Output(OutputNode {
            id: "output".to_owned(),
            units: OutputUnits::FromDataset,
            output_function,
            loss,
            reduction: Reduction::default(),
            initializer: Initializer::default(),
            use_bias: true,
        }),
    ];
    let edges = vec![
        Edge::new("input", "hidden", "in"),
        Edge::new("hidden", "output", "in"),
    ];
    let training = TrainingSpec {
        optimizer: Optimizer::ADAM,
        learning_rate: 0.01,
        batching: Batching::MiniBatch { size: 10 },
        epochs: 200,
        regularization: Regularization::None,
        shuffle: Shuffle::EveryEpoch,
        seed: 1,
    };
    let mut document = GraphDocument::new(nodes, edges, dataset, training);
    let positions: BTreeMap<String, [f32; 2]> = [
        ("input", [40.0, 120.0]),
        ("hidden", [300.0, 100.0]),
        ("output", [560.0, 120.0]),
    ]
    .into_iter()
    .map(|(id, place)| (id.to_owned(), place))
    .collect();
    document.view = Some(ViewState {
        positions,
        ..ViewState::default()
    });
    document
}

/// The number of classes among `targets` (the largest class index + 1), for
/// [`starter_document`] when the class names are not at hand.
pub fn classes_among(targets: &[f64]) -> usize {
    targets
        .iter()
        .filter_map(|&t| class_index(t))
        .max()
        .map_or(0, |largest| largest + 1)
}
