//! A first network for a data set: what File → New, a dropped CSV and `layerwright new`
//! start from.

use std::collections::BTreeMap;

use crate::data::{
    BundledDataset, Generator, HeaderRow, Normalization, TargetColumn, Task, class_index,
};
use crate::graph::{
    DataSource, DatasetSpec, DenseNode, Edge, GraphDocument, InputNode, MergeNode, Node,
    OutputNode, OutputUnits, TrainingSpec, ViewState,
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
            columns: Vec::new(),
            missing: crate::data::MissingCells::Fill,
            unseen: crate::data::UnseenCategory::Error,
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
    starter_document_with(dataset, classes, STARTER_HIDDEN_UNITS, Activation::Tanh)
}

/// [`starter_document`] with `hidden_units` units of `activation` in its hidden layer.
pub fn starter_document_with(
    dataset: DatasetSpec,
    classes: usize,
    hidden_units: usize,
    activation: Activation,
) -> GraphDocument {
    let (output_function, loss) = output_for(dataset.task, classes);
    let nodes = vec![
        Node::Input(InputNode {
            id: "input".to_owned(),
            features: None,
        }),
        Node::Dense(DenseNode {
            id: "hidden".to_owned(),
            units: hidden_units,
            activation,
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
        schedule: Default::default(),
        early_stopping: None,
    };
    let images = dataset.image.is_some();
    let mut document = GraphDocument::new(nodes, edges, dataset, training);
    let mut positions: BTreeMap<String, [f32; 2]> = [
        ("input", [40.0, 120.0]),
        ("hidden", [300.0, 100.0]),
        ("output", [560.0, 120.0]),
    ]
    .into_iter()
    .map(|(id, place)| (id.to_owned(), place))
    .collect();
    if images {
        // Image rows give the input images; the dense layer reads them flattened.
        document.nodes.push(Node::Flatten(MergeNode {
            id: "flatten".to_owned(),
        }));
        document.edges = vec![
            Edge::new("input", "flatten", "in"),
            Edge::new("flatten", "hidden", "in"),
            Edge::new("hidden", "output", "in"),
        ];
        positions.insert("flatten".to_owned(), [170.0, 260.0]);
    }
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

impl DatasetSpec {
    /// How many classes the data has when that is known without reading it: a generator's
    /// or a bundled set's count, or the points' (0 for regression); `None` for a CSV file.
    pub fn known_classes(&self) -> Option<usize> {
        if self.task == Task::Regression {
            return Some(0);
        }
        match &self.source {
            DataSource::Generated { generator, .. } => Some(generator.classes()),
            DataSource::Bundled { name } => Some(name.class_count()),
            DataSource::Points { points, classes } => {
                let labels: Vec<f64> = points.iter().map(|p| p.label).collect();
                Some((*classes).max(classes_among(&labels)).max(2))
            }
            DataSource::Csv { .. } => None,
        }
    }
}

/// Whether an output node compiles for a task, as `compile` judges it: regression needs
/// the identity, classification a squashing output (sigmoid, softmax or step), more than
/// two classes softmax; and the loss must fit the output function.
fn suits(output: &OutputNode, task: Task, classes: Option<usize>) -> bool {
    let function = output.output_function;
    let for_task = match task {
        Task::Regression => function == OutputFunction::Identity,
        Task::Classification => {
            function != OutputFunction::Identity
                && (function == OutputFunction::Softmax || classes.is_none_or(|k| k <= 2))
        }
    };
    for_task && output.loss.fits(function)
}

/// After the data set changed: each output node whose function and loss no longer suit
/// the task (a regression target on a sigmoid, three classes on one sigmoid unit) gets the
/// ones [`output_for`] gives, with its units from the data. Returns the ids changed.
pub fn fit_outputs_to_data(document: &mut GraphDocument) -> Vec<String> {
    let task = document.dataset.task;
    let classes = document.dataset.known_classes();
    let mut changed = Vec::new();
    for node in &mut document.nodes {
        if let Node::Output(output) = node
            && !suits(output, task, classes)
        {
            let (function, loss) = output_for(task, classes.unwrap_or(3));
            output.output_function = function;
            output.loss = loss;
            output.units = OutputUnits::FromDataset;
            changed.push(output.id.clone());
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output_of(document: &GraphDocument) -> (OutputFunction, Loss) {
        match document.node("output") {
            Some(Node::Output(output)) => (output.output_function, output.loss),
            _ => (OutputFunction::Step, Loss::Perceptron),
        }
    }

    #[test]
    fn outputs_follow_the_task_and_the_class_count_only_where_they_no_longer_fit() {
        let mut document = starter_document(DatasetSpec::generated(Generator::Circle), 2);
        assert!(
            fit_outputs_to_data(&mut document).is_empty(),
            "it fits already"
        );
        // A regression set: identity with squared error.
        document.dataset = DatasetSpec::generated(Generator::RegressionPlane);
        assert_eq!(
            fit_outputs_to_data(&mut document),
            vec!["output".to_owned()]
        );
        assert_eq!(
            output_of(&document),
            (OutputFunction::Identity, Loss::SquaredError)
        );
        // Three blobs: softmax, not one sigmoid unit.
        document.dataset = DatasetSpec::generated(Generator::Blobs { classes: 3 });
        fit_outputs_to_data(&mut document);
        assert_eq!(
            output_of(&document),
            (OutputFunction::Softmax, Loss::SoftmaxCrossEntropy)
        );
        // Back to two classes: softmax still fits, and is kept.
        document.dataset = DatasetSpec::generated(Generator::Xor);
        assert!(fit_outputs_to_data(&mut document).is_empty());
        // A sigmoid with squared error is a classifier the notes use: kept too.
        if let Some(Node::Output(output)) = document.nodes.iter_mut().find(|n| n.id() == "output") {
            output.output_function = OutputFunction::Sigmoid;
            output.loss = Loss::SquaredError;
        }
        assert!(fit_outputs_to_data(&mut document).is_empty());
        // The notes' perceptron (step with the perceptron loss) is a classifier too.
        if let Some(Node::Output(output)) = document.nodes.iter_mut().find(|n| n.id() == "output") {
            output.output_function = OutputFunction::Step;
            output.loss = Loss::Perceptron;
        }
        assert!(fit_outputs_to_data(&mut document).is_empty());
    }
}
