//! Checking a [`GraphDocument`] and compiling it into an engine model.
//!
//! [`compile`] reports every problem at once, each naming its node (and port), so the editor
//! can badge every broken node and the command line can list them all.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::Path;

use thiserror::Error;

use crate::architecture::{
    Architecture, ArchitectureBuilder, DenseSpec, NodeId, OutputSpec, ParameterRole, ParameterSet,
};
use crate::data::{
    BundledDataset, CsvError, CsvOptions, DataDescription, DataError, Dataset, Feature,
    PreparedData, SplitSettings, TargetEncoding, Task, prepare,
};
use crate::graph::{
    DataSource, DatasetSpec, GraphDocument, INPUT_PORT, LayerWeights, Node, OUTPUT_PORT,
    OutputUnits, TrainedWeights,
};
use crate::inference::TrainedModel;
use crate::losses::OutputFunction;
use crate::training::TrainingConfig;

/// The most nodes a graph may have.
pub const MAX_NODES: usize = 1000;
/// The most trainable numbers a graph may have.
pub const MAX_PARAMETERS: usize = 10_000_000;

/// One problem with a graph, naming the node (and port) it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The node's id, when the problem belongs to one node.
    pub node: Option<String>,
    /// The port, when it belongs to one port.
    pub port: Option<String>,
    /// What is wrong, as a sentence for the person.
    pub message: String,
}

impl GraphError {
    fn at(node: &str, message: impl Into<String>) -> Self {
        Self {
            node: Some(node.to_owned()),
            port: None,
            message: message.into(),
        }
    }

    fn at_port(node: &str, port: &str, message: impl Into<String>) -> Self {
        Self {
            node: Some(node.to_owned()),
            port: Some(port.to_owned()),
            message: message.into(),
        }
    }

    fn general(message: impl Into<String>) -> Self {
        Self {
            node: None,
            port: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.node, &self.port) {
            (Some(node), Some(port)) => write!(f, "node '{node}', port '{port}': {}", self.message),
            (Some(node), None) => write!(f, "node '{node}': {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for GraphError {}

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
}

impl CompiledGraph {
    /// The parameters as a document's [`TrainedWeights`], keyed by node id.
    pub fn trained_weights(&self, parameters: &ParameterSet<f64>, epochs: usize) -> TrainedWeights {
        let mut layers: BTreeMap<String, LayerWeights> = BTreeMap::new();
        for (info, tensor) in self
            .architecture
            .parameters()
            .iter()
            .zip(&parameters.tensors)
        {
            let id = self.architecture.node(info.node).name.clone();
            let entry = layers.entry(id).or_insert_with(|| LayerWeights {
                weights: Vec::new(),
                bias: None,
                slopes: None,
            });
            match info.role {
                ParameterRole::Weights => {
                    entry.weights = tensor.rows().into_iter().map(|r| r.to_vec()).collect();
                }
                ParameterRole::Bias => entry.bias = Some(tensor.row(0).to_vec()),
                ParameterRole::Slopes => entry.slopes = Some(tensor.row(0).to_vec()),
            }
        }
        TrainedWeights {
            epochs,
            layers,
            data: self.data.description.clone(),
        }
    }
}

/// Why a document's data set could not be loaded.
#[derive(Debug, Error)]
pub enum DatasetLoadError {
    /// The data set's settings are out of range.
    #[error("dataset: {0}")]
    Settings(String),
    /// The CSV file could not be read.
    #[error("{path}: cannot read the data file: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The CSV file has bad content.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: String,
        /// What is wrong, with line and column.
        source: CsvError,
    },
}

/// Reads or generates the examples a document's data set describes. CSV paths are taken
/// relative to `base_dir` (the document's folder) unless absolute.
pub fn load_dataset(
    spec: &DatasetSpec,
    base_dir: Option<&Path>,
) -> Result<Dataset, DatasetLoadError> {
    match &spec.source {
        DataSource::Generated {
            generator,
            samples,
            noise,
            seed,
        } => {
            let settings = crate::data::GeneratorSettings {
                samples: *samples,
                noise: *noise,
                seed: *seed,
            };
            if let Some(problem) = generator.problem(&settings) {
                return Err(DatasetLoadError::Settings(problem));
            }
            Ok(generator.generate(settings))
        }
        DataSource::Bundled { name } => {
            load_bundled(*name).map_err(|source| DatasetLoadError::Csv {
                path: name.file_name().to_owned(),
                source,
            })
        }
        DataSource::Csv { path, header } => {
            let full = match base_dir {
                Some(base) if Path::new(path).is_relative() => base.join(path),
                _ => Path::new(path).to_path_buf(),
            };
            let shown = full.display().to_string();
            let text = std::fs::read_to_string(&full).map_err(|source| DatasetLoadError::Io {
                path: shown.clone(),
                source,
            })?;
            let options = CsvOptions {
                header: *header,
                target: spec.target.clone(),
                task: spec.task,
            };
            let name = Path::new(path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            crate::data::read_csv(&text, &name, &options).map_err(|source| DatasetLoadError::Csv {
                path: shown,
                source,
            })
        }
        DataSource::Points { points, classes } => {
            let limit = crate::data::Generator::MAX_CLASSES;
            if spec.task == Task::Classification {
                let bad = points.iter().position(|p| {
                    crate::data::class_index(p.label).is_none_or(|class| class >= limit)
                });
                if let Some(index) = bad {
                    return Err(DatasetLoadError::Settings(format!(
                        "point {} has the class {}; classes are whole numbers from 0 to {}",
                        index + 1,
                        points[index].label,
                        limit - 1
                    )));
                }
                if *classes > limit {
                    return Err(DatasetLoadError::Settings(format!(
                        "{classes} classes; at most {limit} are supported"
                    )));
                }
            }
            if let Some(index) = points
                .iter()
                .position(|p| !(p.x.is_finite() && p.y.is_finite() && p.label.is_finite()))
            {
                return Err(DatasetLoadError::Settings(format!(
                    "point {} is not made of finite numbers",
                    index + 1
                )));
            }
            Ok(Dataset::from_points("points", spec.task, points, *classes))
        }
    }
}

fn load_bundled(name: BundledDataset) -> Result<Dataset, CsvError> {
    name.load()
}

/// Where a node's inputs come from, in port order.
type Inputs = Vec<(String, usize)>;

/// The port number of `port` on `node`, if `node` has such an input port.
fn input_port_index(node: &Node, port: &str) -> Option<usize> {
    if node.is_merge() {
        port.strip_prefix(INPUT_PORT)?.parse().ok()
    } else if node.takes_input() && port == INPUT_PORT {
        Some(0)
    } else {
        None
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Checks the graph's structure: ids, edges, ports, one input and one output, cycles and
/// connectivity, pushing its findings onto `errors` (which must start empty). Returns each node's inputs and a topological order of the nodes that lead
/// from the input to the output.
fn check_structure(
    document: &GraphDocument,
    errors: &mut Vec<GraphError>,
) -> Option<(HashMap<String, Inputs>, Vec<String>)> {
    if document.nodes.len() > MAX_NODES {
        errors.push(GraphError::general(format!(
            "the graph has {} nodes; at most {MAX_NODES} are supported",
            document.nodes.len()
        )));
        return None;
    }
    let mut by_id: HashMap<&str, &Node> = HashMap::new();
    for node in &document.nodes {
        if !valid_id(node.id()) {
            errors.push(GraphError::at(
                node.id(),
                "ids must be non-empty and use only letters, digits, '_' and '-'",
            ));
        }
        if by_id.insert(node.id(), node).is_some() {
            errors.push(GraphError::at(node.id(), "two nodes have this id"));
        }
    }

    let inputs: Vec<&Node> = document
        .nodes
        .iter()
        .filter(|n| matches!(n, Node::Input(_)))
        .collect();
    let outputs: Vec<&Node> = document
        .nodes
        .iter()
        .filter(|n| matches!(n, Node::Output(_)))
        .collect();
    match inputs.len() {
        0 => errors.push(GraphError::general("the graph has no input node")),
        1 => {}
        _ => {
            for extra in &inputs[1..] {
                errors.push(GraphError::at(
                    extra.id(),
                    "a second input node; only one input is supported for now",
                ));
            }
        }
    }
    match outputs.len() {
        0 => errors.push(GraphError::general("the graph has no output node")),
        1 => {}
        _ => {
            for extra in &outputs[1..] {
                errors.push(GraphError::at(
                    extra.id(),
                    "a second output node; only one output is supported for now",
                ));
            }
        }
    }
    let mut node_inputs: HashMap<String, Inputs> = HashMap::new();
    let mut consumers: HashMap<String, Vec<String>> = HashMap::new();
    let mut taken_ports: HashSet<(String, usize)> = HashSet::new();
    for edge in &document.edges {
        let (Some((from, from_port)), Some((to, to_port))) = (edge.source(), edge.target()) else {
            errors.push(GraphError::general(format!(
                "the edge from '{}' to '{}' must connect 'node.port' to 'node.port'",
                edge.from, edge.to
            )));
            continue;
        };
        let Some(source) = by_id.get(from) else {
            errors.push(GraphError::general(format!(
                "an edge starts at '{from}', which is not a node"
            )));
            continue;
        };
        let Some(target) = by_id.get(to) else {
            errors.push(GraphError::general(format!(
                "an edge ends at '{to}', which is not a node"
            )));
            continue;
        };
        if from_port != OUTPUT_PORT {
            errors.push(GraphError::at_port(
                source.id(),
                from_port,
                format!("edges leave from the '{OUTPUT_PORT}' port"),
            ));
            continue;
        }
        if matches!(source, Node::Output(_)) {
            errors.push(GraphError::at(
                source.id(),
                "the output node's result cannot feed another node",
            ));
            continue;
        }
        let Some(index) = input_port_index(target, to_port) else {
            let expected = if target.is_merge() {
                "ports 'in0', 'in1', …"
            } else if target.takes_input() {
                "port 'in'"
            } else {
                "no input ports"
            };
            errors.push(GraphError::at_port(
                target.id(),
                to_port,
                format!("a {} node has {expected}", target.kind_name()),
            ));
            continue;
        };
        if !taken_ports.insert((to.to_owned(), index)) {
            errors.push(GraphError::at_port(
                to,
                to_port,
                "two edges arrive at this port; a port takes one",
            ));
            continue;
        }
        node_inputs
            .entry(to.to_owned())
            .or_default()
            .push((from.to_owned(), index));
        consumers
            .entry(from.to_owned())
            .or_default()
            .push(to.to_owned());
    }
    for list in node_inputs.values_mut() {
        list.sort_by_key(|(_, index)| *index);
    }
    for node in &document.nodes {
        let count = node_inputs.get(node.id()).map_or(0, Vec::len);
        if node.takes_input() && count == 0 {
            let port = if node.is_merge() { "in0" } else { INPUT_PORT };
            errors.push(GraphError::at_port(
                node.id(),
                port,
                "nothing is connected to this input",
            ));
        }
        if matches!(node, Node::Add(_)) && count == 1 {
            errors.push(GraphError::at(node.id(), "add needs at least two inputs"));
        }
    }
    // Edges name nodes by id: with an id taken twice there is no order to find.
    if by_id.len() < document.nodes.len() {
        return None;
    }
    // Kahn's algorithm in document order, so the same document always compiles the same way.
    let mut remaining: HashMap<&str, usize> = document
        .nodes
        .iter()
        .map(|n| (n.id(), node_inputs.get(n.id()).map_or(0, Vec::len)))
        .collect();
    let mut ready: VecDeque<&str> = document
        .nodes
        .iter()
        .map(Node::id)
        .filter(|id| remaining.get(id) == Some(&0))
        .collect();
    let mut order: Vec<String> = Vec::new();
    while let Some(id) = ready.pop_front() {
        order.push(id.to_owned());
        for next in consumers.get(id).into_iter().flatten() {
            if let Some(count) = remaining.get_mut(next.as_str()) {
                *count -= 1;
                if *count == 0 {
                    ready.push_back(next);
                }
            }
        }
    }
    if order.len() < document.nodes.len() {
        let placed: HashSet<&str> = order.iter().map(String::as_str).collect();
        for node in &document.nodes {
            if !placed.contains(node.id())
                && !errors.iter().any(|e| e.node.as_deref() == Some(node.id()))
            {
                errors.push(GraphError::at(node.id(), "is part of a cycle (or fed by one); wires must run from the input to the output"));
            }
        }
    }
    let (Some(input), Some(output)) = (inputs.first(), outputs.first()) else {
        return None;
    };
    // Reachability from the input, and what leads to the output.
    let mut from_input: HashSet<String> = HashSet::from([input.id().to_owned()]);
    for id in &order {
        if node_inputs
            .get(id)
            .into_iter()
            .flatten()
            .any(|(source, _)| from_input.contains(source))
        {
            from_input.insert(id.clone());
        }
    }
    for node in &document.nodes {
        if !from_input.contains(node.id())
            && !errors.iter().any(|e| e.node.as_deref() == Some(node.id()))
        {
            let message = if node.id() == output.id() {
                "does not depend on the input"
            } else {
                "is not connected to the input"
            };
            errors.push(GraphError::at(node.id(), message));
        }
    }
    let mut to_output: HashSet<String> = HashSet::from([output.id().to_owned()]);
    for id in order.iter().rev() {
        if to_output.contains(id) {
            for (source, _) in node_inputs.get(id).into_iter().flatten() {
                to_output.insert(source.clone());
            }
        }
    }

    if !errors.is_empty() {
        return None;
    }
    let used = order
        .into_iter()
        .filter(|id| to_output.contains(id))
        .collect();
    Some((node_inputs, used))
}

/// What compiling needs to know about the data: its task, raw columns and classes. It comes
/// from the data set itself ([`compile`]) or from a trained document's description
/// ([`compile_trained`]), so a trained model can be used without its training data.
#[derive(Clone, Copy, Debug)]
pub struct DataShape<'a> {
    /// Classification or regression.
    pub task: Task,
    /// The raw input columns' names.
    pub feature_names: &'a [String],
    /// The number of classes (0 for regression).
    pub class_count: usize,
}

impl<'a> DataShape<'a> {
    /// The shape of a data set.
    pub fn of(dataset: &'a Dataset) -> Self {
        Self {
            task: dataset.task,
            feature_names: &dataset.feature_names,
            class_count: dataset.class_count(),
        }
    }

    /// The shape recorded with trained weights.
    pub fn of_description(description: &'a DataDescription) -> Self {
        Self {
            task: description.task,
            feature_names: &description.raw_feature_names,
            class_count: description.class_names.len(),
        }
    }
}

/// The output width the data set calls for, or the reason it cannot be met.
fn output_units(
    units: OutputUnits,
    output: OutputFunction,
    dataset: &DataShape,
) -> Result<usize, String> {
    let classes = dataset.class_count;
    let needed = match (dataset.task, output) {
        (Task::Regression, OutputFunction::Identity) => 1,
        (Task::Regression, _) => {
            return Err(format!(
                "a {} output makes classes, but the data set is a regression; use an identity output",
                output.name()
            ));
        }
        (Task::Classification, OutputFunction::Identity) => {
            return Err("an identity output predicts numbers, but the data set has classes; use sigmoid, softmax or step".to_owned());
        }
        (Task::Classification, OutputFunction::Softmax) => classes,
        (Task::Classification, _) if classes == 2 => 1,
        (Task::Classification, _) => {
            return Err(format!(
                "a {} output decides between two classes, but the data set has {classes}; use softmax",
                output.name()
            ));
        }
    };
    match units {
        OutputUnits::FromDataset => Ok(needed),
        OutputUnits::Count(count) if count == needed => Ok(count),
        OutputUnits::Count(count) => Err(match (dataset.task, output) {
            (Task::Classification, OutputFunction::Softmax) => format!(
                "{count} units, but the data set has {classes} classes (softmax needs one unit per class)"
            ),
            _ => format!("{count} units, but this output needs {needed}"),
        }),
    }
}

/// The checked network of a document and how its input is made.
struct Built {
    architecture: Architecture,
    features: Vec<Feature>,
    input_id: String,
    output_function: OutputFunction,
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
        input_id,
        output_function,
    } = build(document, &DataShape::of(dataset))?;
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
    let data = prepare(
        dataset,
        &features,
        document.dataset.normalization,
        document.dataset.standardize_target,
        encoding,
        split,
    )
    .map_err(|error| match error {
        DataError::FeatureColumn { .. } | DataError::NoFeatures => {
            vec![GraphError::at(&input_id, error.to_string())]
        }
        other => vec![GraphError::general(format!("dataset: {other}"))],
    })?;
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
        },
        epochs: training.epochs,
    })
}

/// Compiles a trained document without its training data: the architecture is checked
/// against the data description saved with the weights, and the weights are loaded.
pub fn compile_trained(document: &GraphDocument) -> Result<TrainedModel, Vec<GraphError>> {
    let Some(weights) = &document.weights else {
        return Err(vec![GraphError::general(
            "the document has no trained weights; train it first (layerwright train FILE --out TRAINED.json)",
        )]);
    };
    let built = build(document, &DataShape::of_description(&weights.data))?;
    if built.features != weights.data.features {
        return Err(vec![GraphError::at(
            &built.input_id,
            "the input features differ from the ones the weights were trained with",
        )]);
    }
    let parameters = parameters_from_weights(&built.architecture, weights)?;
    Ok(TrainedModel::new(
        built.architecture,
        parameters,
        weights.data.clone(),
    ))
}

/// Checks the document's structure and layers against the data's shape and builds the network.
fn build(document: &GraphDocument, dataset: &DataShape) -> Result<Built, Vec<GraphError>> {
    let mut errors = Vec::new();
    let training = &document.training;
    if !(training.learning_rate.is_finite() && training.learning_rate > 0.0) {
        errors.push(GraphError::general(format!(
            "training: the learning rate must be a positive number, got {}",
            training.learning_rate
        )));
    }
    if let crate::training::Batching::MiniBatch { size: 0 } = training.batching {
        errors.push(GraphError::general(
            "training: the batch size must be at least 1",
        ));
    }
    let mut structure_errors = Vec::new();
    let structure = check_structure(document, &mut structure_errors);
    errors.append(&mut structure_errors);
    let Some((node_inputs, order)) = structure else {
        return Err(errors);
    };
    let input_node = document.nodes.iter().find_map(|n| match n {
        Node::Input(input) => Some(input),
        _ => None,
    });
    let Some(input_node) = input_node else {
        return Err(errors);
    };
    let features = input_node
        .features
        .clone()
        .unwrap_or_else(|| Feature::columns(dataset.feature_names.len()));
    for feature in &features {
        if feature.largest_column() >= dataset.feature_names.len() {
            errors.push(GraphError::at(
                &input_node.id,
                format!(
                    "the feature '{}' reads column {}, but the data set has {} columns",
                    feature.label(dataset.feature_names),
                    feature.largest_column() + 1,
                    dataset.feature_names.len()
                ),
            ));
        }
    }
    if features.is_empty() {
        errors.push(GraphError::at(
            &input_node.id,
            "no input features are selected",
        ));
    }
    let mut builder = ArchitectureBuilder::new();
    let mut built: HashMap<&str, NodeId> = HashMap::new();
    let mut output_spec = None;
    for id in &order {
        let Some(node) = document.node(id) else {
            continue;
        };
        let sources: Vec<NodeId> = node_inputs
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|(source, _)| built.get(source.as_str()).copied())
            .collect();
        let wanted = node_inputs.get(id).map_or(0, Vec::len);
        if sources.len() < wanted {
            // An input failed to build and has been reported; this node cannot be checked.
            continue;
        }
        let first = sources.first().copied();
        let result = match (node, first) {
            (Node::Input(_), _) => builder.input(id, features.len().max(1)),
            (Node::Dense(dense), Some(source)) => builder.dense(
                id,
                source,
                DenseSpec {
                    units: dense.units,
                    activation: dense.activation,
                    initializer: dense.initializer,
                    use_bias: dense.use_bias,
                },
            ),
            (Node::Add(_), _) => builder.add(id, &sources),
            (Node::Concat(_), _) => builder.concat(id, &sources),
            (Node::Dropout(dropout), Some(source)) => builder.dropout(id, source, dropout.rate),
            (Node::Output(output), Some(source)) => {
                match output_units(output.units, output.output_function, dataset) {
                    Ok(units) => {
                        output_spec = Some((
                            source,
                            OutputSpec {
                                units,
                                output_function: output.output_function,
                                loss: output.loss,
                                reduction: output.reduction,
                                initializer: output.initializer,
                                use_bias: output.use_bias,
                            },
                        ));
                    }
                    Err(message) => errors.push(GraphError::at(id, message)),
                }
                continue;
            }
            // A node whose inputs failed to build has already been reported.
            (_, None) => continue,
        };
        match result {
            Ok(node_id) => {
                built.insert(id, node_id);
            }
            Err(error) => errors.push(GraphError::at(
                id,
                strip_node_prefix(&error.to_string(), id),
            )),
        }
    }
    let output_id = document
        .nodes
        .iter()
        .find(|n| matches!(n, Node::Output(_)))
        .map_or_else(String::new, |n| n.id().to_owned());
    let Some((source, spec)) = output_spec else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let architecture = match builder.output(&output_id, source, spec) {
        Ok(architecture) => architecture,
        Err(error) => {
            errors.push(GraphError::at(
                &output_id,
                strip_node_prefix(&error.to_string(), &output_id),
            ));
            return Err(errors);
        }
    };
    let parameters = architecture.parameter_count();
    if parameters > MAX_PARAMETERS {
        return Err(vec![GraphError::general(format!(
            "the network has {parameters} parameters; at most {MAX_PARAMETERS} are supported"
        ))]);
    }
    Ok(Built {
        architecture,
        features,
        input_id: input_node.id.clone(),
        output_function: spec.output_function,
    })
}

/// Builder errors already say "node 'id': "; the graph error adds it itself.
fn strip_node_prefix(message: &str, id: &str) -> String {
    message
        .strip_prefix(&format!("node '{id}': "))
        .unwrap_or(message)
        .to_owned()
}

/// The document's trained weights as a parameter set, checking every shape and number.
fn parameters_from_weights(
    architecture: &Architecture,
    weights: &TrainedWeights,
) -> Result<ParameterSet<f64>, Vec<GraphError>> {
    let mut errors = Vec::new();
    let mut tensors = Vec::new();
    for info in architecture.parameters() {
        let id = &architecture.node(info.node).name;
        let Some(layer) = weights.layers.get(id) else {
            errors.push(GraphError::at(
                id,
                "the document's weights have no entry for this layer",
            ));
            continue;
        };
        let rows: Vec<Vec<f64>> = match info.role {
            ParameterRole::Weights => layer.weights.clone(),
            ParameterRole::Bias => layer.bias.clone().into_iter().collect(),
            ParameterRole::Slopes => layer.slopes.clone().into_iter().collect(),
        };
        let shape = (rows.len(), rows.first().map_or(0, Vec::len));
        let ragged = rows.iter().any(|r| r.len() != shape.1);
        if shape != info.shape || ragged {
            let role = match info.role {
                ParameterRole::Weights => "weights",
                ParameterRole::Bias => "bias",
                ParameterRole::Slopes => "slopes",
            };
            errors.push(GraphError::at(
                id,
                format!(
                    "the saved {role} are {}×{} but the layer needs {}×{}",
                    shape.0, shape.1, info.shape.0, info.shape.1
                ),
            ));
            continue;
        }
        if rows.iter().flatten().any(|v| !v.is_finite()) {
            errors.push(GraphError::at(
                id,
                "the saved weights contain a number that is not finite",
            ));
            continue;
        }
        tensors.push(ndarray::Array2::from_shape_fn(info.shape, |(r, c)| {
            rows[r][c]
        }));
    }
    if errors.is_empty() {
        Ok(ParameterSet { tensors })
    } else {
        Err(errors)
    }
}

/// Loss and accuracy (or R²) on both splits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SplitMetrics {
    /// On the training split.
    pub train: crate::training::Evaluation,
    /// On the test split, if there is one.
    pub test: Option<crate::training::Evaluation>,
}

impl CompiledGraph {
    /// A training session from the compiled graph's initial weights, on its training split.
    pub fn session(
        &self,
        precision: crate::float::Precision,
    ) -> Result<crate::training::Session, crate::training::TrainingError> {
        crate::training::Session::new(
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
        session: &mut crate::training::Session,
    ) -> Result<SplitMetrics, crate::training::TrainingError> {
        let train = session.evaluate(&self.data.train)?;
        let test = if self.data.test.is_empty() {
            None
        } else {
            Some(session.evaluate(&self.data.test)?)
        };
        Ok(SplitMetrics { train, test })
    }
}
