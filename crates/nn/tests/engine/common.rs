//! Documents shared by the graph tests.

use layerwright_nn::data::{Feature, Generator, Normalization, TargetColumn, Task};
use layerwright_nn::graph::{
    DataSource, DatasetSpec, DenseNode, DropoutNode, Edge, GraphDocument, InputNode, MergeNode,
    Node, OutputNode, OutputUnits, TrainingSpec,
};
use layerwright_nn::{
    Activation, Batching, Initializer, Loss, Optimizer, OutputFunction, Reduction, Regularization,
    Shuffle,
};

pub fn dense(id: &str, units: usize, activation: Activation) -> Node {
    Node::Dense(DenseNode {
        id: id.to_owned(),
        units,
        activation,
        initializer: Initializer::GlorotUniform,
        use_bias: true,
    })
}

pub fn input(id: &str, features: Option<Vec<Feature>>) -> Node {
    Node::Input(InputNode {
        id: id.to_owned(),
        features,
    })
}

pub fn output(id: &str, units: OutputUnits, function: OutputFunction, loss: Loss) -> Node {
    Node::Output(OutputNode {
        id: id.to_owned(),
        units,
        output_function: function,
        loss,
        reduction: Reduction::Mean,
        initializer: Initializer::GlorotUniform,
        use_bias: true,
    })
}

pub fn add(id: &str) -> Node {
    Node::Add(MergeNode { id: id.to_owned() })
}

pub fn concat(id: &str) -> Node {
    Node::Concat(MergeNode { id: id.to_owned() })
}

pub fn dropout(id: &str, rate: f64) -> Node {
    Node::Dropout(DropoutNode {
        id: id.to_owned(),
        rate,
    })
}

pub fn wire(from: &str, to: &str) -> Edge {
    Edge::new(from, to, "in")
}

pub fn spiral_dataset() -> DatasetSpec {
    DatasetSpec {
        task: Task::Classification,
        source: DataSource::Generated {
            generator: Generator::Spiral,
            samples: 200,
            noise: 0.0,
            seed: 1,
        },
        target: TargetColumn::Last,
        normalization: Normalization::None,
        standardize_target: false,
        train_fraction: 0.8,
        seed: 1,
        image: None,
        columns: Vec::new(),
        missing: layerwright_nn::data::MissingCells::Fill,
        unseen: layerwright_nn::data::UnseenCategory::Error,
    }
}

pub fn training() -> TrainingSpec {
    TrainingSpec {
        optimizer: Optimizer::ADAM,
        learning_rate: 0.03,
        batching: Batching::MiniBatch { size: 10 },
        epochs: 50,
        regularization: Regularization::None,
        shuffle: Shuffle::EveryEpoch,
        seed: 7,
        schedule: Default::default(),
        early_stopping: None,
    }
}

/// input → h1 (tanh 8) → h2 (tanh 8) → out (sigmoid, BCE), on a 200-point spiral.
pub fn spiral_document() -> GraphDocument {
    GraphDocument::new(
        vec![
            input("x", Some(Feature::PLAYGROUND.to_vec())),
            dense("h1", 8, Activation::Tanh),
            dense("h2", 8, Activation::Tanh),
            output(
                "out",
                OutputUnits::FromDataset,
                OutputFunction::Sigmoid,
                Loss::BinaryCrossEntropy,
            ),
        ],
        vec![wire("x", "h1"), wire("h1", "h2"), wire("h2", "out")],
        spiral_dataset(),
        training(),
    )
}

/// A skip connection: x → a → b; add(a, b) → out, and concat(a, x-features) feeding nothing.
pub fn skip_document() -> GraphDocument {
    GraphDocument::new(
        vec![
            input("x", None),
            dense("a", 6, Activation::Relu),
            dense("b", 6, Activation::Relu),
            add("sum"),
            dropout("drop", 0.1),
            output(
                "out",
                OutputUnits::Count(1),
                OutputFunction::Sigmoid,
                Loss::BinaryCrossEntropy,
            ),
        ],
        vec![
            wire("x", "a"),
            wire("a", "b"),
            Edge::new("a", "sum", "in0"),
            Edge::new("b", "sum", "in1"),
            wire("sum", "drop"),
            wire("drop", "out"),
        ],
        spiral_dataset(),
        training(),
    )
}
/// A fresh, empty folder for one test's files (`layerwright-<suite>-<process>-<name>` under
/// the system's temporary folder), removed with everything in it when the test ends.
pub struct TempFolder(std::path::PathBuf);

impl TempFolder {
    pub fn new(suite: &str, name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("layerwright-{suite}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl std::ops::Deref for TempFolder {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempFolder {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempFolder {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every network document among the examples (the folder also holds scalar expression
/// presets), sorted by path.
pub fn network_examples() -> Vec<std::path::PathBuf> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("\"format\": \"layerwright.graph\"")
        })
        .collect();
    paths.sort();
    paths
}

/// `document` (its data read relative to `folder`) trained for `epochs` epochs in f32, as
/// a model with its weights, and its data set.
pub fn trained_model(
    mut document: GraphDocument,
    folder: &std::path::Path,
    epochs: usize,
) -> (
    layerwright_nn::network::inference::TrainedModel,
    layerwright_nn::data::Dataset,
) {
    use layerwright_nn::compile::{compile, compile_trained, load_dataset};
    let dataset = load_dataset(&document.dataset, Some(folder)).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    let mut session = compiled.session(layerwright_nn::Precision::F32).unwrap();
    session.run_epochs(epochs).unwrap();
    document.weights = Some(compiled.trained_weights(&session.parameters(), epochs));
    (compile_trained(&document).unwrap(), dataset)
}
