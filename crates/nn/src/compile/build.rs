//! Building the network of a checked document against the data's shape: widths,
//! activation parameters, the loss fitting the output, the limits on size.

use std::collections::HashMap;

use super::check::check_structure;
use super::{GraphError, MAX_PARAMETERS};
use crate::data::{DataDescription, Dataset, Feature, Task};
use crate::graph::{GraphDocument, Node, OutputUnits, Padding};
use crate::math::losses::OutputFunction;
use crate::network::architecture::{
    Architecture, ArchitectureBuilder, ArchitectureError, ConvPadding, ConvSpec, DenseSpec,
    ImageSize, NodeId, OutputSpec,
};

/// What compiling needs to know about the data: its task, raw columns and classes. It comes
/// from the data set itself ([`super::compile`]) or from a trained document's description
/// ([`super::compile_trained`]), so a trained model can be used without its training data.
#[derive(Clone, Copy, Debug)]
pub struct DataShape<'a> {
    /// Classification or regression.
    pub task: Task,
    /// The raw input columns' names.
    pub feature_names: &'a [String],
    /// The number of classes (0 for regression).
    pub class_count: usize,
    /// When each row is an image: its shape (the input node then gives `[batch, c, h, w]`).
    pub image: Option<crate::data::ImageShape>,
}

impl<'a> DataShape<'a> {
    /// The shape of a data set whose rows are images of `image`, if any.
    pub fn of(dataset: &'a Dataset, image: Option<crate::data::ImageShape>) -> Self {
        Self {
            task: dataset.task,
            feature_names: &dataset.feature_names,
            class_count: dataset.class_count(),
            image,
        }
    }

    /// The shape recorded with trained weights.
    pub fn of_description(description: &'a DataDescription) -> Self {
        Self {
            task: description.task,
            feature_names: &description.raw_feature_names,
            class_count: description.class_names.len(),
            image: description.image,
        }
    }
}

/// The output width the data set calls for, or why output `node` cannot meet it.
fn output_units(
    node: &str,
    units: OutputUnits,
    output: OutputFunction,
    dataset: &DataShape,
) -> Result<usize, GraphError> {
    let classes = dataset.class_count;
    let node = node.to_owned();
    let needed = match (dataset.task, output) {
        (Task::Regression, OutputFunction::Identity) => 1,
        (Task::Regression, _) => return Err(GraphError::ClassOutputOnRegression { node, output }),
        (Task::Classification, OutputFunction::Identity) => {
            return Err(GraphError::IdentityOutputOnClasses { node });
        }
        (Task::Classification, OutputFunction::Softmax) => classes,
        (Task::Classification, _) if classes == 2 => 1,
        (Task::Classification, _) => {
            return Err(GraphError::BinaryOutputOnClasses {
                node,
                output,
                classes,
            });
        }
    };
    match units {
        OutputUnits::FromDataset => Ok(needed),
        OutputUnits::Count(count) if count == needed => Ok(count),
        OutputUnits::Count(units) => Err(match (dataset.task, output) {
            (Task::Classification, OutputFunction::Softmax) => GraphError::SoftmaxUnits {
                node,
                units,
                classes,
            },
            _ => GraphError::OutputUnits {
                node,
                units,
                needed,
            },
        }),
    }
}

/// The checked network of a document and how its input is made.
pub(super) struct Built {
    pub(super) architecture: Architecture,
    pub(super) features: Vec<Feature>,
    pub(super) input_id: String,
    pub(super) output_function: OutputFunction,
}

/// Checks the document's structure and layers against the data's shape and builds the network.
pub(super) fn build(
    document: &GraphDocument,
    dataset: &DataShape,
) -> Result<Built, Vec<GraphError>> {
    let mut errors = Vec::new();
    let training = &document.training;
    if !(training.learning_rate.is_finite() && training.learning_rate > 0.0) {
        errors.push(GraphError::LearningRate {
            rate: training.learning_rate,
        });
    }
    if let crate::train::training::Batching::MiniBatch { size: 0 } = training.batching {
        errors.push(GraphError::ZeroBatchSize);
    }
    let problems = [
        training.schedule.problem(),
        training
            .early_stopping
            .as_ref()
            .and_then(crate::train::early_stopping::EarlyStopping::problem),
    ];
    let watches_missing_test = training.early_stopping.is_some_and(|rule| {
        rule.watch == crate::train::early_stopping::Watched::TestSplit
            && document.dataset.train_fraction >= 1.0
    });
    let problems = problems.into_iter().chain([watches_missing_test.then(|| {
        "early stopping watches the test split, but all the data is for training".to_owned()
    })]);
    for problem in problems.flatten() {
        errors.push(GraphError::TrainingSetting { problem });
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
            errors.push(GraphError::FeatureColumn {
                node: input_node.id.clone(),
                feature: feature.label(dataset.feature_names),
                column: feature.largest_column() + 1,
                columns: dataset.feature_names.len(),
            });
        }
    }
    if features.is_empty() {
        errors.push(GraphError::NoFeatures {
            node: input_node.id.clone(),
        });
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
            (Node::Input(input), _) => match dataset.image {
                // Rows of pixels fed as they are: the input is the images.
                Some(image) if input.features.is_none() => builder.input_image(
                    id,
                    ImageSize {
                        channels: image.channels,
                        height: image.height,
                        width: image.width,
                    },
                ),
                _ => builder.input(id, features.len().max(1)),
            },
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
            (Node::Activation(node), Some(source)) => {
                builder.activation(id, source, node.activation)
            }
            (Node::BatchNorm(node), Some(source)) => {
                builder.batch_norm(id, source, node.epsilon, node.momentum)
            }
            (Node::LayerNorm(node), Some(source)) => builder.layer_norm(id, source, node.epsilon),
            (Node::Conv2D(conv), Some(source)) => builder.conv2d(
                id,
                source,
                ConvSpec {
                    filters: conv.filters,
                    kernel: conv.kernel,
                    stride: conv.stride,
                    padding: match conv.padding {
                        Padding::Valid => ConvPadding::Valid,
                        Padding::Same => ConvPadding::Same,
                        Padding::Explicit {
                            top,
                            left,
                            bottom,
                            right,
                        } => ConvPadding::Explicit([top, left, bottom, right]),
                    },
                    activation: conv.activation,
                    initializer: conv.initializer,
                    use_bias: conv.use_bias,
                },
            ),
            (Node::MaxPool2D(pool), Some(source)) => {
                builder.pool2d(id, source, pool.size, pool.stride(), true)
            }
            (Node::AvgPool2D(pool), Some(source)) => {
                builder.pool2d(id, source, pool.size, pool.stride(), false)
            }
            (Node::Flatten(_), Some(source)) => builder.flatten(id, source),
            (Node::Output(output), Some(source)) => {
                match output_units(id, output.units, output.output_function, dataset) {
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
                    Err(error) => errors.push(error),
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
            Err(error) => errors.push(GraphError::Layer(error)),
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
            errors.push(GraphError::Layer(error));
            return Err(errors);
        }
    };
    let one_example_batches = matches!(
        training.batching,
        crate::train::training::Batching::PerExample
            | crate::train::training::Batching::MiniBatch { size: 1 }
    );
    if let (Some(node), true) = (architecture.first_batch_norm(), one_example_batches) {
        return Err(vec![GraphError::Layer(
            ArchitectureError::BadNormalization {
                node: node.name.clone(),
                problem: "batch norm needs at least two examples a batch, and this network trains \
                      on one at a time; choose mini-batches of 2 or more, or layer norm"
                    .to_owned(),
            },
        )]);
    }
    let parameters = architecture.parameter_count();
    if parameters > MAX_PARAMETERS {
        return Err(vec![GraphError::TooManyParameters {
            parameters,
            limit: MAX_PARAMETERS,
        }]);
    }
    Ok(Built {
        architecture,
        features,
        input_id: input_node.id.clone(),
        output_function: spec.output_function,
    })
}
