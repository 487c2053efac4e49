//! What can be wrong with a graph: one variant per problem, each carrying the node id and
//! port it concerns (where it has one) and the numbers involved as fields. The sentence for
//! the person is made in one place, [`GraphError::problem`]; `Display` puts the node (and
//! port) in front: `node 'ID', port 'PORT': problem`.

use std::fmt;

use crate::math::losses::OutputFunction;
use crate::network::architecture::ArchitectureError;

/// One problem with a graph, naming the node (and port) it concerns.
#[derive(Clone, Debug, PartialEq)]
pub enum GraphError {
    /// More nodes than [`super::MAX_NODES`].
    TooManyNodes {
        /// How many the graph has.
        count: usize,
        /// The most allowed.
        limit: usize,
    },
    /// An id that is empty or uses characters other than letters, digits, `_` and `-`.
    BadId {
        /// The node.
        node: String,
    },
    /// Two nodes share an id.
    DuplicateId {
        /// The id taken twice.
        node: String,
    },
    /// No input node.
    NoInput,
    /// A second input node.
    SecondInput {
        /// The extra input.
        node: String,
    },
    /// No output node.
    NoOutput,
    /// A second output node.
    SecondOutput {
        /// The extra output.
        node: String,
    },
    /// An edge whose ends are not `node.port`.
    MalformedEdge {
        /// Its `from` text.
        from: String,
        /// Its `to` text.
        to: String,
    },
    /// An edge from a node that does not exist.
    EdgeFromNowhere {
        /// The id it names.
        from: String,
    },
    /// An edge into a node that does not exist.
    EdgeToNowhere {
        /// The id it names.
        to: String,
    },
    /// An edge leaving from a port other than `out`.
    NotTheOutputPort {
        /// The source node.
        node: String,
        /// The port it names.
        port: String,
    },
    /// An edge leaving the output node.
    OutputFeedsNode {
        /// The output node.
        node: String,
    },
    /// An edge into a port the node does not have.
    NoSuchPort {
        /// The target node.
        node: String,
        /// The port named.
        port: String,
        /// The node's kind (`dense`, `add`, …).
        kind: String,
        /// The ports it does have, in words.
        expected: String,
    },
    /// Two edges into one port.
    PortTakenTwice {
        /// The target node.
        node: String,
        /// The port.
        port: String,
    },
    /// A node that needs an input has none.
    NothingConnected {
        /// The node.
        node: String,
        /// Its (first) input port.
        port: String,
    },
    /// An add node with one input.
    AddNeedsTwoInputs {
        /// The add node.
        node: String,
    },
    /// A node on (or fed by) a cycle.
    InCycle {
        /// The node.
        node: String,
    },
    /// The output node is not fed, through the graph, by the input.
    OutputNotFromInput {
        /// The output node.
        node: String,
    },
    /// A node the input does not reach.
    NotFromInput {
        /// The node.
        node: String,
    },
    /// A learning rate that is not a positive number.
    LearningRate {
        /// The rate given.
        rate: f64,
    },
    /// A mini-batch of zero examples.
    ZeroBatchSize,
    /// A learning-rate schedule or early-stopping setting that cannot be used.
    TrainingSetting {
        /// What is wrong, in words.
        problem: String,
    },
    /// An input feature reading a column the data does not have.
    FeatureColumn {
        /// The input node.
        node: String,
        /// The feature, as labelled (`x1²`, `sin x2`, …).
        feature: String,
        /// The column it reads (1-based).
        column: usize,
        /// How many columns the data has.
        columns: usize,
    },
    /// An input node with no features selected.
    NoFeatures {
        /// The input node.
        node: String,
    },
    /// A sigmoid, softmax or step output on regression data.
    ClassOutputOnRegression {
        /// The output node.
        node: String,
        /// Its output function.
        output: OutputFunction,
    },
    /// An identity output on classification data.
    IdentityOutputOnClasses {
        /// The output node.
        node: String,
    },
    /// A sigmoid or step output on data with more than two classes.
    BinaryOutputOnClasses {
        /// The output node.
        node: String,
        /// Its output function.
        output: OutputFunction,
        /// How many classes the data has.
        classes: usize,
    },
    /// A softmax output whose units are not one per class.
    SoftmaxUnits {
        /// The output node.
        node: String,
        /// The units it has.
        units: usize,
        /// How many classes the data has.
        classes: usize,
    },
    /// An output with the wrong number of units.
    OutputUnits {
        /// The output node.
        node: String,
        /// The units it has.
        units: usize,
        /// The units it needs.
        needed: usize,
    },
    /// A layer the network cannot be built with (its width, activation, loss, inputs).
    Layer(ArchitectureError),
    /// More trainable numbers than [`super::MAX_PARAMETERS`].
    TooManyParameters {
        /// How many the network has.
        parameters: usize,
        /// The most allowed.
        limit: usize,
    },
    /// The data cannot be prepared (split, normalised, encoded).
    Dataset {
        /// What is wrong.
        problem: String,
    },
    /// Exporting or predicting needs trained weights the document does not have.
    NoTrainedWeights,
    /// The input features differ from those the weights were trained with.
    FeaturesChanged {
        /// The input node.
        node: String,
    },
    /// No saved weights for a layer.
    MissingLayerWeights {
        /// The layer.
        node: String,
    },
    /// Saved weights of the wrong shape.
    WeightShape {
        /// The layer.
        node: String,
        /// `weights`, `bias` or `slopes`.
        role: &'static str,
        /// The saved shape, rows × columns.
        found: (usize, usize),
        /// The shape the layer needs.
        needed: (usize, usize),
    },
    /// A saved weight that is NaN or infinite.
    NonFiniteWeight {
        /// The layer.
        node: String,
    },
}

impl GraphError {
    /// The node the problem belongs to, if it belongs to one.
    pub fn node(&self) -> Option<&str> {
        match self {
            Self::BadId { node }
            | Self::DuplicateId { node }
            | Self::SecondInput { node }
            | Self::SecondOutput { node }
            | Self::NotTheOutputPort { node, .. }
            | Self::OutputFeedsNode { node }
            | Self::NoSuchPort { node, .. }
            | Self::PortTakenTwice { node, .. }
            | Self::NothingConnected { node, .. }
            | Self::AddNeedsTwoInputs { node }
            | Self::InCycle { node }
            | Self::OutputNotFromInput { node }
            | Self::NotFromInput { node }
            | Self::FeatureColumn { node, .. }
            | Self::NoFeatures { node }
            | Self::ClassOutputOnRegression { node, .. }
            | Self::IdentityOutputOnClasses { node }
            | Self::BinaryOutputOnClasses { node, .. }
            | Self::SoftmaxUnits { node, .. }
            | Self::OutputUnits { node, .. }
            | Self::FeaturesChanged { node }
            | Self::MissingLayerWeights { node }
            | Self::WeightShape { node, .. }
            | Self::NonFiniteWeight { node } => Some(node),
            Self::Layer(error) => Some(error.node()),
            Self::TooManyNodes { .. }
            | Self::NoInput
            | Self::NoOutput
            | Self::MalformedEdge { .. }
            | Self::EdgeFromNowhere { .. }
            | Self::EdgeToNowhere { .. }
            | Self::LearningRate { .. }
            | Self::ZeroBatchSize
            | Self::TrainingSetting { .. }
            | Self::TooManyParameters { .. }
            | Self::Dataset { .. }
            | Self::NoTrainedWeights => None,
        }
    }

    /// The port the problem belongs to, if it belongs to one.
    pub fn port(&self) -> Option<&str> {
        match self {
            Self::NotTheOutputPort { port, .. }
            | Self::NoSuchPort { port, .. }
            | Self::PortTakenTwice { port, .. }
            | Self::NothingConnected { port, .. } => Some(port),
            _ => None,
        }
    }

    /// What is wrong, as a sentence for the person, without the node and port (which
    /// [`GraphError::node`] and [`GraphError::port`] give, and `Display` puts in front).
    pub fn problem(&self) -> String {
        match self {
            Self::TooManyNodes { count, limit } => {
                format!("the graph has {count} nodes; at most {limit} are supported")
            }
            Self::BadId { .. } => {
                "ids must be non-empty and use only letters, digits, '_' and '-'".to_owned()
            }
            Self::DuplicateId { .. } => "two nodes have this id".to_owned(),
            Self::NoInput => "the graph has no input node".to_owned(),
            Self::SecondInput { .. } => {
                "a second input node; only one input is supported for now".to_owned()
            }
            Self::NoOutput => "the graph has no output node".to_owned(),
            Self::SecondOutput { .. } => {
                "a second output node; only one output is supported for now".to_owned()
            }
            Self::MalformedEdge { from, to } => {
                format!("the edge from '{from}' to '{to}' must connect 'node.port' to 'node.port'")
            }
            Self::EdgeFromNowhere { from } => {
                format!("an edge starts at '{from}', which is not a node")
            }
            Self::EdgeToNowhere { to } => format!("an edge ends at '{to}', which is not a node"),
            Self::NotTheOutputPort { .. } => {
                format!("edges leave from the '{}' port", crate::graph::OUTPUT_PORT)
            }
            Self::OutputFeedsNode { .. } => {
                "the output node's result cannot feed another node".to_owned()
            }
            Self::NoSuchPort { kind, expected, .. } => format!("a {kind} node has {expected}"),
            Self::PortTakenTwice { .. } => {
                "two edges arrive at this port; a port takes one".to_owned()
            }
            Self::NothingConnected { .. } => "nothing is connected to this input".to_owned(),
            Self::AddNeedsTwoInputs { .. } => "add needs at least two inputs".to_owned(),
            Self::InCycle { .. } => "is part of a cycle (or fed by one); wires must run from \
                                     the input to the output"
                .to_owned(),
            Self::OutputNotFromInput { .. } => "does not depend on the input".to_owned(),
            Self::NotFromInput { .. } => "is not connected to the input".to_owned(),
            Self::LearningRate { rate } => {
                format!("training: the learning rate must be a positive number, got {rate}")
            }
            Self::ZeroBatchSize => "training: the batch size must be at least 1".to_owned(),
            Self::TrainingSetting { problem } => format!("training: {problem}"),
            Self::FeatureColumn {
                feature,
                column,
                columns,
                ..
            } => format!(
                "the feature '{feature}' reads column {column}, but the data set has {columns} columns"
            ),
            Self::NoFeatures { .. } => "no input features are selected".to_owned(),
            Self::ClassOutputOnRegression { output, .. } => format!(
                "a {} output makes classes, but the data set is a regression; use an identity output",
                output.name()
            ),
            Self::IdentityOutputOnClasses { .. } => "an identity output predicts numbers, but \
                                                     the data set has classes; use sigmoid, \
                                                     softmax or step"
                .to_owned(),
            Self::BinaryOutputOnClasses {
                output, classes, ..
            } => format!(
                "a {} output decides between two classes, but the data set has {classes}; use softmax",
                output.name()
            ),
            Self::SoftmaxUnits { units, classes, .. } => format!(
                "{units} units, but the data set has {classes} classes (softmax needs one unit per class)"
            ),
            Self::OutputUnits { units, needed, .. } => {
                format!("{units} units, but this output needs {needed}")
            }
            Self::Layer(error) => error.problem(),
            Self::TooManyParameters { parameters, limit } => {
                format!("the network has {parameters} parameters; at most {limit} are supported")
            }
            Self::Dataset { problem } => format!("dataset: {problem}"),
            Self::NoTrainedWeights => "the document has no trained weights; train it first \
                                       (layerwright train FILE --out TRAINED.json)"
                .to_owned(),
            Self::FeaturesChanged { .. } => {
                "the input features differ from the ones the weights were trained with".to_owned()
            }
            Self::MissingLayerWeights { .. } => {
                "the document's weights have no entry for this layer".to_owned()
            }
            Self::WeightShape {
                role,
                found,
                needed,
                ..
            } => format!(
                "the saved {role} are {}×{} but the layer needs {}×{}",
                found.0, found.1, needed.0, needed.1
            ),
            Self::NonFiniteWeight { .. } => {
                "the saved weights contain a number that is not finite".to_owned()
            }
        }
    }
}

impl fmt::Display for GraphError {
    /// `node 'ID', port 'PORT': problem`, `node 'ID': problem`, or the problem alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.node(), self.port()) {
            (Some(node), Some(port)) => {
                write!(f, "node '{node}', port '{port}': {}", self.problem())
            }
            (Some(node), None) => write!(f, "node '{node}': {}", self.problem()),
            _ => f.write_str(&self.problem()),
        }
    }
}

impl std::error::Error for GraphError {}
