//! Every validation rule of the graph document reports its problem naming the node (and
//! port), and all problems are reported at once.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{add, concat, dense, dropout, input, output, wire};
use layerwright_nn::compile::{GraphError, compile, load_dataset};
use layerwright_nn::data::{BundledDataset, Feature};
use layerwright_nn::graph::{DataSource, Edge, GraphDocument, OutputUnits};
use layerwright_nn::{Activation, Loss, OutputFunction};

fn errors(document: &GraphDocument) -> Vec<String> {
    let dataset = load_dataset(&document.dataset, None).unwrap();
    match compile(document, &dataset) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(GraphError::to_string).collect(),
    }
}

fn document(nodes: Vec<layerwright_nn::graph::Node>, edges: Vec<Edge>) -> GraphDocument {
    GraphDocument::new(nodes, edges, common::spiral_dataset(), common::training())
}

fn sigmoid_out() -> layerwright_nn::graph::Node {
    output(
        "out",
        OutputUnits::FromDataset,
        OutputFunction::Sigmoid,
        Loss::BinaryCrossEntropy,
    )
}

#[test]
fn the_example_documents_compile() {
    assert_eq!(errors(&common::spiral_document()), Vec::<String>::new());
    assert_eq!(errors(&common::skip_document()), Vec::<String>::new());
}

#[test]
fn a_cycle_names_its_nodes() {
    let doc = document(
        vec![
            input("x", None),
            dense("a", 4, Activation::Tanh),
            add("loop"),
            sigmoid_out(),
        ],
        vec![
            wire("x", "a"),
            Edge::new("a", "loop", "in0"),
            Edge::new("loop", "a", "in"),
            wire("loop", "out"),
        ],
    );
    let found = errors(&doc);
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("node 'a', port 'in': two edges arrive")),
        "{found:?}"
    );
    let doc = document(
        vec![
            input("x", None),
            dense("a", 4, Activation::Tanh),
            add("s"),
            dense("b", 4, Activation::Tanh),
            sigmoid_out(),
        ],
        vec![
            wire("x", "a"),
            Edge::new("a", "s", "in0"),
            Edge::new("b", "s", "in1"),
            wire("s", "b"),
            wire("a", "out"),
        ],
    );
    let found = errors(&doc);
    assert!(found.contains(&"node 's': is part of a cycle (or fed by one); wires must run from the input to the output".to_owned()), "{found:?}");
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("node 'b': is part of a cycle")),
        "{found:?}"
    );
}

#[test]
fn a_node_not_connected_to_the_input_is_named() {
    let doc = document(
        vec![
            input("x", None),
            dense("lonely", 3, Activation::Relu),
            dense("h", 3, Activation::Relu),
            sigmoid_out(),
        ],
        vec![wire("x", "h"), wire("h", "out")],
    );
    // One message per node: the first problem found is the one to fix.
    assert_eq!(
        errors(&doc),
        ["node 'lonely', port 'in': nothing is connected to this input"]
    );
}

#[test]
fn an_output_that_depends_on_no_input_is_named() {
    // The output is wired, but to a layer that nothing feeds.
    let doc = document(
        vec![
            input("x", None),
            dense("floating", 3, Activation::Relu),
            sigmoid_out(),
        ],
        vec![wire("floating", "out")],
    );
    assert_eq!(
        errors(&doc),
        [
            "node 'floating', port 'in': nothing is connected to this input",
            "node 'out': does not depend on the input",
        ]
    );
}

#[test]
fn a_second_input_or_output_is_refused_by_name() {
    let doc = document(
        vec![
            input("x", None),
            input("y", None),
            sigmoid_out(),
            output(
                "out2",
                OutputUnits::FromDataset,
                OutputFunction::Sigmoid,
                Loss::BinaryCrossEntropy,
            ),
        ],
        vec![wire("x", "out"), wire("y", "out2")],
    );
    let found = errors(&doc);
    assert!(
        found.contains(
            &"node 'y': a second input node; only one input is supported for now".to_owned()
        ),
        "{found:?}"
    );
    assert!(
        found.contains(
            &"node 'out2': a second output node; only one output is supported for now".to_owned()
        ),
        "{found:?}"
    );
}

#[test]
fn an_add_of_different_widths_names_the_node_and_widths() {
    let doc = document(
        vec![
            input("x", None),
            dense("a", 3, Activation::Relu),
            dense("b", 5, Activation::Relu),
            add("sum"),
            sigmoid_out(),
        ],
        vec![
            wire("x", "a"),
            wire("x", "b"),
            Edge::new("a", "sum", "in0"),
            Edge::new("b", "sum", "in1"),
            wire("sum", "out"),
        ],
    );
    assert_eq!(
        errors(&doc),
        ["node 'sum': add needs inputs of equal width, got [3, 5]"]
    );
}

#[test]
fn concat_widths_add_up() {
    let doc = document(
        vec![
            input("x", None),
            dense("a", 3, Activation::Relu),
            dense("b", 5, Activation::Relu),
            concat("both"),
            sigmoid_out(),
        ],
        vec![
            wire("x", "a"),
            wire("x", "b"),
            Edge::new("a", "both", "in0"),
            Edge::new("b", "both", "in1"),
            wire("both", "out"),
        ],
    );
    let dataset = load_dataset(&doc.dataset, None).unwrap();
    let compiled = compile(&doc, &dataset).unwrap();
    let both = compiled
        .architecture
        .nodes()
        .iter()
        .find(|n| n.name == "both")
        .unwrap();
    assert_eq!(both.width, 8);
}

#[test]
fn output_units_that_disagree_with_the_data_set_are_named() {
    let mut doc = common::spiral_document();
    doc.nodes[3] = output(
        "out",
        OutputUnits::Count(3),
        OutputFunction::Softmax,
        Loss::SoftmaxCrossEntropy,
    );
    assert_eq!(
        errors(&doc),
        ["node 'out': 3 units, but the data set has 2 classes (softmax needs one unit per class)"]
    );
    doc.dataset.source = DataSource::Bundled {
        name: BundledDataset::Iris,
    };
    doc.nodes[0] = input("x", None);
    doc.nodes[3] = output(
        "out",
        OutputUnits::FromDataset,
        OutputFunction::Sigmoid,
        Loss::BinaryCrossEntropy,
    );
    assert_eq!(
        errors(&doc),
        [
            "node 'out': a sigmoid output decides between two classes, but the data set has 3; use softmax"
        ]
    );
    doc.nodes[3] = output(
        "out",
        OutputUnits::FromDataset,
        OutputFunction::Identity,
        Loss::SquaredError,
    );
    assert_eq!(
        errors(&doc),
        [
            "node 'out': an identity output predicts numbers, but the data set has classes; use sigmoid, softmax or step"
        ]
    );
}

#[test]
fn a_loss_that_does_not_fit_the_output_function_is_named() {
    let mut doc = common::spiral_document();
    doc.nodes[3] = output(
        "out",
        OutputUnits::FromDataset,
        OutputFunction::Step,
        Loss::BinaryCrossEntropy,
    );
    assert_eq!(
        errors(&doc),
        [
            "node 'out': the binary cross-entropy loss does not fit a step output (use perceptron rule)"
        ]
    );
}

#[test]
fn zero_or_too_many_units_are_named() {
    let mut doc = common::spiral_document();
    doc.nodes[1] = dense("h1", 0, Activation::Tanh);
    doc.nodes[2] = dense("h2", 5000, Activation::Tanh);
    assert_eq!(errors(&doc), ["node 'h1': 0 units is outside 1..=4096"]);
    doc.nodes[1] = dense("h1", 4, Activation::Tanh);
    assert_eq!(errors(&doc), ["node 'h2': 5000 units is outside 1..=4096"]);
}

#[test]
fn more_than_1000_nodes_are_refused() {
    let mut nodes = vec![input("x", None)];
    let mut edges = Vec::new();
    let mut previous = "x".to_owned();
    for i in 0..1000 {
        let id = format!("d{i}");
        nodes.push(dropout(&id, 0.0));
        edges.push(wire(&previous, &id));
        previous = id;
    }
    nodes.push(sigmoid_out());
    edges.push(wire(&previous, "out"));
    assert_eq!(
        errors(&document(nodes, edges)),
        ["the graph has 1002 nodes; at most 1000 are supported"]
    );
}

#[test]
fn more_than_ten_million_parameters_are_refused() {
    let layers = |width: usize| {
        document(
            vec![
                input("x", None),
                dense("a", width, Activation::Relu),
                dense("b", width, Activation::Relu),
                sigmoid_out(),
            ],
            vec![wire("x", "a"), wire("a", "b"), wire("b", "out")],
        )
    };
    // 3000 × 3000 = 9 M weights fit. With 4096 units: (2·4096 + 4096) + (4096² + 4096)
    // + (4096 + 1) = 16 797 697 parameters do not.
    assert!(errors(&layers(3000)).is_empty());
    assert_eq!(
        errors(&layers(4096)),
        ["the network has 16797697 parameters; at most 10000000 are supported"]
    );
}

#[test]
fn bad_ids_edges_and_ports_are_named() {
    let doc = document(
        vec![
            input("x", None),
            dense("a b", 3, Activation::Relu),
            dense("a", 3, Activation::Relu),
            dense("a", 3, Activation::Relu),
            sigmoid_out(),
        ],
        vec![
            wire("x", "a"),
            wire("ghost", "out"),
            Edge {
                from: "x.result".to_owned(),
                to: "a.in".to_owned(),
            },
            Edge::new("x", "out", "in7"),
            Edge {
                from: "x".to_owned(),
                to: "out".to_owned(),
            },
        ],
    );
    let found = errors(&doc);
    for expected in [
        "node 'a b': ids must be non-empty and use only letters, digits, '_' and '-'",
        "node 'a': two nodes have this id",
        "an edge starts at 'ghost', which is not a node",
        "node 'x', port 'result': edges leave from the 'out' port",
        "node 'out', port 'in7': a output node has port 'in'",
        "the edge from 'x' to 'out' must connect 'node.port' to 'node.port'",
    ] {
        assert!(
            found.contains(&expected.to_owned()),
            "missing {expected:?} in {found:?}"
        );
    }
}

#[test]
fn bad_layer_parameters_are_named() {
    let mut doc = common::skip_document();
    doc.nodes[1] = dense("a", 6, Activation::LeakyRelu { a: 0.5 });
    assert_eq!(
        errors(&doc),
        ["node 'a': leaky ReLU needs a divisor a > 1 (the negative slope is 1/a), got 0.5"]
    );
    let mut doc = common::skip_document();
    doc.nodes[4] = dropout("drop", 1.5);
    assert_eq!(
        errors(&doc),
        ["node 'drop': dropout rate must be at least 0 and below 1, got 1.5"]
    );
}

#[test]
fn input_features_beyond_the_data_set_are_named_on_the_input() {
    let mut doc = common::spiral_document();
    doc.nodes[0] = input(
        "x",
        Some(vec![
            Feature::Column { index: 0 },
            Feature::Sine { index: 4 },
        ]),
    );
    assert_eq!(
        errors(&doc),
        ["node 'x': the feature 'sin column 5' reads column 5, but the data set has 2 columns"]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let doc = document(
        vec![
            input("x", None),
            dense("a", 0, Activation::Relu),
            dense("b", 3, Activation::Relu),
            dense("c", 3, Activation::Relu),
            sigmoid_out(),
        ],
        vec![wire("x", "a"), wire("x", "b"), wire("b", "out")],
    );
    let found = errors(&doc);
    assert_eq!(
        found,
        ["node 'c', port 'in': nothing is connected to this input"]
    );
    // Structure first; once it is sound, every layer problem at once.
    let doc = document(
        vec![
            input("x", None),
            dense("a", 0, Activation::Relu),
            dense("b", 9999, Activation::Relu),
            add("s"),
            sigmoid_out(),
        ],
        vec![
            wire("x", "a"),
            wire("x", "b"),
            Edge::new("a", "s", "in0"),
            Edge::new("b", "s", "in1"),
            wire("s", "out"),
        ],
    );
    let found = errors(&doc);
    assert_eq!(
        found,
        [
            "node 'a': 0 units is outside 1..=4096",
            "node 'b': 9999 units is outside 1..=4096"
        ]
    );
}

#[test]
fn bad_training_settings_are_reported() {
    let mut doc = common::spiral_document();
    doc.training.learning_rate = -1.0;
    assert_eq!(
        errors(&doc),
        ["training: the learning rate must be a positive number, got -1"]
    );
}

#[test]
fn out_of_range_data_settings_are_refused_before_anything_is_allocated() {
    let mut doc = common::spiral_document();
    doc.dataset.source = DataSource::Generated {
        generator: layerwright_nn::data::Generator::Spiral,
        samples: 1_000_000_000_000,
        noise: 0.0,
        seed: 1,
    };
    let error = load_dataset(&doc.dataset, None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "dataset: the number of points must be between 1 and 1000000, got 1000000000000"
    );
    doc.dataset.source = DataSource::Generated {
        generator: layerwright_nn::data::Generator::Blobs { classes: 1_000_000 },
        samples: 10,
        noise: 0.0,
        seed: 1,
    };
    assert!(
        load_dataset(&doc.dataset, None)
            .unwrap_err()
            .to_string()
            .contains("classes must be between 2 and 100")
    );
    doc.dataset.source = DataSource::Points {
        points: vec![layerwright_nn::data::LabeledPoint {
            x: 0.0,
            y: 0.0,
            label: 1e9,
        }],
        classes: 2,
    };
    assert_eq!(
        load_dataset(&doc.dataset, None).unwrap_err().to_string(),
        "dataset: point 1 has the class 1000000000; classes are whole numbers from 0 to 99"
    );
}
