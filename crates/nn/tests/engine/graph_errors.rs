//! Each [`GraphError`] variant, from a document that causes it, matched by its fields (the
//! sentences themselves are checked in `validation.rs`).
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{add, dense, input, output, wire};
use layerwright_nn::compile::{GraphError, MAX_NODES, compile, compile_trained, load_dataset};
use layerwright_nn::data::{BundledDataset, Feature, Generator};
use layerwright_nn::graph::{DataSource, Edge, GraphDocument, Node, OutputUnits};
use layerwright_nn::network::architecture::ArchitectureError;
use layerwright_nn::{Activation, Batching, Loss, OutputFunction};

fn errors(document: &GraphDocument) -> Vec<GraphError> {
    let dataset = load_dataset(&document.dataset, None).unwrap();
    compile(document, &dataset).err().unwrap_or_default()
}

fn document(nodes: Vec<Node>, edges: Vec<Edge>) -> GraphDocument {
    GraphDocument::new(nodes, edges, common::spiral_dataset(), common::training())
}

fn sigmoid_out(id: &str) -> Node {
    output(
        id,
        OutputUnits::FromDataset,
        OutputFunction::Sigmoid,
        Loss::BinaryCrossEntropy,
    )
}

/// x → h → out on the two-class spiral: valid.
fn chain() -> GraphDocument {
    document(
        vec![
            input("x", None),
            dense("h", 4, Activation::Tanh),
            sigmoid_out("out"),
        ],
        vec![wire("x", "h"), wire("h", "out")],
    )
}

fn owned(s: &str) -> String {
    s.to_owned()
}

#[track_caller]
fn assert_reports(document: &GraphDocument, expected: &GraphError) {
    let found = errors(document);
    assert!(found.contains(expected), "{expected:?} not in {found:?}");
}

#[test]
fn a_valid_chain_has_no_errors() {
    assert!(errors(&chain()).is_empty());
}

#[test]
fn structure_errors_name_their_nodes_and_ports() {
    let mut doc = chain();
    doc.nodes.push(dense("a b", 3, Activation::Relu));
    assert_reports(&doc, &GraphError::BadId { node: owned("a b") });

    let mut doc = chain();
    doc.nodes.push(dense("h", 3, Activation::Relu));
    assert_reports(&doc, &GraphError::DuplicateId { node: owned("h") });

    let doc = document(vec![sigmoid_out("out")], vec![]);
    assert_reports(&doc, &GraphError::NoInput);
    let doc = document(vec![input("x", None)], vec![]);
    assert_reports(&doc, &GraphError::NoOutput);

    let mut doc = chain();
    doc.nodes.push(input("y", None));
    assert_reports(&doc, &GraphError::SecondInput { node: owned("y") });
    let mut doc = chain();
    doc.nodes.push(sigmoid_out("out2"));
    assert_reports(
        &doc,
        &GraphError::SecondOutput {
            node: owned("out2"),
        },
    );

    let mut doc = chain();
    doc.edges.push(Edge {
        from: owned("x"),
        to: owned("out"),
    });
    assert_reports(
        &doc,
        &GraphError::MalformedEdge {
            from: owned("x"),
            to: owned("out"),
        },
    );
    let mut doc = chain();
    doc.edges[0] = wire("ghost", "h");
    assert_reports(
        &doc,
        &GraphError::EdgeFromNowhere {
            from: owned("ghost"),
        },
    );
    let mut doc = chain();
    doc.edges[0] = wire("x", "ghost");
    assert_reports(&doc, &GraphError::EdgeToNowhere { to: owned("ghost") });

    let mut doc = chain();
    doc.edges[0] = Edge {
        from: owned("x.result"),
        to: owned("h.in"),
    };
    assert_reports(
        &doc,
        &GraphError::NotTheOutputPort {
            node: owned("x"),
            port: owned("result"),
        },
    );
    let mut doc = chain();
    doc.nodes.push(dense("after", 3, Activation::Relu));
    doc.edges.push(wire("out", "after"));
    assert_reports(&doc, &GraphError::OutputFeedsNode { node: owned("out") });

    let mut doc = chain();
    doc.edges[1] = Edge::new("h", "out", "in7");
    assert_reports(
        &doc,
        &GraphError::NoSuchPort {
            node: owned("out"),
            port: owned("in7"),
            kind: owned("output"),
            expected: owned("port 'in'"),
        },
    );
    let mut doc = chain();
    doc.edges.push(wire("x", "out"));
    assert_reports(
        &doc,
        &GraphError::PortTakenTwice {
            node: owned("out"),
            port: owned("in"),
        },
    );
    let mut doc = chain();
    doc.edges.pop();
    assert_reports(
        &doc,
        &GraphError::NothingConnected {
            node: owned("out"),
            port: owned("in"),
        },
    );
}

#[test]
fn merges_cycles_and_reachability_name_their_nodes() {
    let doc = document(
        vec![
            input("x", None),
            add("sum"),
            dense("h", 4, Activation::Tanh),
            sigmoid_out("out"),
        ],
        vec![
            wire("x", "h"),
            Edge::new("h", "sum", "in0"),
            wire("sum", "out"),
        ],
    );
    assert_reports(&doc, &GraphError::AddNeedsTwoInputs { node: owned("sum") });

    // a → b → a, fed by nothing else.
    let mut doc = chain();
    doc.nodes.push(dense("a", 3, Activation::Relu));
    doc.nodes.push(dense("b", 3, Activation::Relu));
    doc.edges.push(wire("a", "b"));
    doc.edges.push(wire("b", "a"));
    assert_reports(&doc, &GraphError::InCycle { node: owned("a") });
    assert_reports(&doc, &GraphError::InCycle { node: owned("b") });

    // A layer fed by a layer that nothing feeds: the input never reaches it.
    let doc = document(
        vec![
            input("x", None),
            dense("lonely", 3, Activation::Relu),
            dense("after", 3, Activation::Relu),
            dense("h", 4, Activation::Tanh),
            sigmoid_out("out"),
        ],
        vec![
            wire("x", "h"),
            wire("lonely", "after"),
            wire("after", "out"),
        ],
    );
    assert_reports(
        &doc,
        &GraphError::NothingConnected {
            node: owned("lonely"),
            port: owned("in"),
        },
    );
    assert_reports(
        &doc,
        &GraphError::NotFromInput {
            node: owned("after"),
        },
    );
    assert_reports(&doc, &GraphError::OutputNotFromInput { node: owned("out") });
}

#[test]
fn training_settings_are_named_with_their_values() {
    let mut doc = chain();
    doc.training.learning_rate = -0.5;
    assert_reports(&doc, &GraphError::LearningRate { rate: -0.5 });
    let mut doc = chain();
    doc.training.batching = Batching::MiniBatch { size: 0 };
    assert_reports(&doc, &GraphError::ZeroBatchSize);
}

#[test]
fn input_features_and_outputs_are_checked_against_the_data() {
    let mut doc = chain();
    doc.nodes[0] = input("x", Some(vec![Feature::Column { index: 5 }]));
    assert_reports(
        &doc,
        &GraphError::FeatureColumn {
            node: owned("x"),
            feature: owned("column 6"),
            column: 6,
            columns: 2,
        },
    );
    let mut doc = chain();
    doc.nodes[0] = input("x", Some(Vec::new()));
    assert_reports(&doc, &GraphError::NoFeatures { node: owned("x") });

    // Identity on classes; softmax with the wrong units; sigmoid on three classes.
    let mut doc = chain();
    doc.nodes[2] = output(
        "out",
        OutputUnits::FromDataset,
        OutputFunction::Identity,
        Loss::HalfSquaredError,
    );
    assert_reports(
        &doc,
        &GraphError::IdentityOutputOnClasses { node: owned("out") },
    );
    let mut doc = chain();
    doc.nodes[2] = output(
        "out",
        OutputUnits::Count(3),
        OutputFunction::Softmax,
        Loss::SoftmaxCrossEntropy,
    );
    assert_reports(
        &doc,
        &GraphError::SoftmaxUnits {
            node: owned("out"),
            units: 3,
            classes: 2,
        },
    );
    let mut doc = chain();
    doc.nodes[2] = output(
        "out",
        OutputUnits::Count(2),
        OutputFunction::Sigmoid,
        Loss::BinaryCrossEntropy,
    );
    assert_reports(
        &doc,
        &GraphError::OutputUnits {
            node: owned("out"),
            units: 2,
            needed: 1,
        },
    );
    let mut iris = chain();
    iris.dataset.source = DataSource::Bundled {
        name: BundledDataset::Iris,
    };
    assert_reports(
        &iris,
        &GraphError::BinaryOutputOnClasses {
            node: owned("out"),
            output: OutputFunction::Sigmoid,
            classes: 3,
        },
    );
    let mut regression = chain();
    regression.dataset.task = layerwright_nn::data::Task::Regression;
    regression.dataset.source = DataSource::Generated {
        generator: Generator::Line { w: 2.0, b: -1.0 },
        samples: 50,
        noise: 0.0,
        seed: 1,
    };
    assert_reports(
        &regression,
        &GraphError::ClassOutputOnRegression {
            node: owned("out"),
            output: OutputFunction::Sigmoid,
        },
    );
}

#[test]
fn layers_and_sizes_the_network_cannot_take_are_named() {
    let mut doc = chain();
    doc.nodes[1] = dense("h", 0, Activation::Tanh);
    assert_reports(
        &doc,
        &GraphError::Layer(ArchitectureError::BadWidth {
            node: owned("h"),
            width: 0,
        }),
    );
    let mut doc = chain();
    doc.nodes[2] = output(
        "out",
        OutputUnits::FromDataset,
        OutputFunction::Sigmoid,
        Loss::SoftmaxCrossEntropy,
    );
    assert_reports(
        &doc,
        &GraphError::Layer(ArchitectureError::LossDoesNotFit {
            node: owned("out"),
            loss: Loss::SoftmaxCrossEntropy,
            output: OutputFunction::Sigmoid,
        }),
    );
    // 1001 nodes.
    let mut doc = chain();
    for i in 0..MAX_NODES {
        doc.nodes.push(dense(&format!("d{i}"), 1, Activation::Relu));
    }
    assert_reports(
        &doc,
        &GraphError::TooManyNodes {
            count: MAX_NODES + 3,
            limit: MAX_NODES,
        },
    );
    // Three 2000-wide layers: about 8 million weights in the middle, past ten million in all.
    let doc = document(
        vec![
            input("x", None),
            dense("a", 4000, Activation::Relu),
            dense("b", 3000, Activation::Relu),
            sigmoid_out("out"),
        ],
        vec![wire("x", "a"), wire("a", "b"), wire("b", "out")],
    );
    let parameters = 2 * 4000 + 4000 + 4000 * 3000 + 3000 + 3000 + 1;
    assert_reports(
        &doc,
        &GraphError::TooManyParameters {
            parameters,
            limit: layerwright_nn::compile::MAX_PARAMETERS,
        },
    );
}

#[test]
fn data_that_cannot_be_prepared_is_named() {
    let mut doc = chain();
    doc.dataset.train_fraction = 1.5;
    let found = errors(&doc);
    assert!(
        found
            .iter()
            .any(|e| matches!(e, GraphError::Dataset { problem } if problem.contains("train"))),
        "{found:?}"
    );
}

#[test]
fn trained_weights_are_checked_layer_by_layer() {
    let doc = chain();
    assert_eq!(
        compile_trained(&doc).err(),
        Some(vec![GraphError::NoTrainedWeights])
    );
    let dataset = load_dataset(&doc.dataset, None).unwrap();
    let compiled = compile(&doc, &dataset).unwrap();
    let mut trained = doc.clone();
    trained.weights = Some(compiled.trained_weights(&compiled.initial, 1));
    assert!(compile_trained(&trained).is_ok());

    let mut missing = trained.clone();
    missing.weights.as_mut().unwrap().layers.remove("h");
    assert_reports_trained(
        &missing,
        &GraphError::MissingLayerWeights { node: owned("h") },
    );

    let mut wide = trained.clone();
    wide.weights
        .as_mut()
        .unwrap()
        .layers
        .get_mut("h")
        .unwrap()
        .weights[0]
        .push(0.5);
    assert_reports_trained(
        &wide,
        &GraphError::WeightShape {
            node: owned("h"),
            role: "weights",
            found: (2, 5),
            needed: (2, 4),
        },
    );

    let mut infinite = trained.clone();
    infinite
        .weights
        .as_mut()
        .unwrap()
        .layers
        .get_mut("h")
        .unwrap()
        .weights[0][0] = f64::INFINITY;
    assert_reports_trained(&infinite, &GraphError::NonFiniteWeight { node: owned("h") });

    let mut other_features = trained.clone();
    other_features.nodes[0] = input("x", Some(vec![Feature::Column { index: 1 }]));
    assert_reports_trained(
        &other_features,
        &GraphError::FeaturesChanged { node: owned("x") },
    );
}

#[track_caller]
fn assert_reports_trained(document: &GraphDocument, expected: &GraphError) {
    let found = compile_trained(document).err().unwrap_or_default();
    assert!(found.contains(expected), "{expected:?} not in {found:?}");
}

#[test]
fn the_sentences_name_the_node_and_port_in_front() {
    let error = GraphError::NothingConnected {
        node: owned("out"),
        port: owned("in"),
    };
    assert_eq!(error.node(), Some("out"));
    assert_eq!(error.port(), Some("in"));
    assert_eq!(
        error.to_string(),
        "node 'out', port 'in': nothing is connected to this input"
    );
    let layer = GraphError::Layer(ArchitectureError::BadWidth {
        node: owned("h"),
        width: 0,
    });
    assert_eq!(layer.node(), Some("h"));
    assert_eq!(layer.to_string(), "node 'h': 0 units is outside 1..=4096");
    assert_eq!(
        GraphError::NoInput.to_string(),
        "the graph has no input node"
    );
}
