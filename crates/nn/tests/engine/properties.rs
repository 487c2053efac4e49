//! Properties of random valid graphs: DAGs of dense, add and concat nodes with random widths
//! and activations compile, give finite outputs for finite inputs, agree with central finite
//! differences, and survive save and load exactly.

use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::{document_to_json, parse_document};
use layerwright_nn::math::float::Precision;
use layerwright_nn::teach::gradient_check::gradient_check;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{Value, json};

/// The activations a random dense node picks from. ReLU and leaky ReLU have a kink at 0 that
/// finite differences straddle, and zero-initialised biases put pre-activations exactly
/// there (a unit fed only by dead ReLUs sees `0·w + 0`), so graphs for the gradient check
/// are drawn from the smooth ones only (`smooth`).
fn activation(index: u8, smooth: bool) -> Value {
    let index = if smooth && index % 9 >= 3 && index % 9 <= 4 {
        index + 2
    } else {
        index
    };
    match index % 9 {
        0 => json!({"kind": "identity"}),
        1 => json!({"kind": "sigmoid"}),
        2 => json!({"kind": "tanh"}),
        3 => json!({"kind": "relu"}),
        4 => json!({"kind": "leaky_relu", "a": 10.0}),
        5 => json!({"kind": "elu", "alpha": 1.0}),
        6 => json!({"kind": "softplus"}),
        7 => json!({"kind": "gelu"}),
        _ => json!({"kind": "swish"}),
    }
}

/// One node to add: which kind, which earlier nodes feed it, its width and activation.
#[derive(Clone, Debug)]
struct NodeChoice {
    kind: u8,
    first: usize,
    second: usize,
    units: usize,
    activation: u8,
}

fn node_choice() -> impl Strategy<Value = NodeChoice> {
    (0u8..3, 0usize..64, 0usize..64, 1usize..=5, 0u8..9).prop_map(
        |(kind, first, second, units, activation)| NodeChoice {
            kind,
            first,
            second,
            units,
            activation,
        },
    )
}

/// Builds a graph document from `choices`: each node takes its inputs from earlier nodes
/// (an add only from two of equal width, else it becomes a dense node); every node nothing
/// reads is gathered by a final concat into a sigmoid output.
fn random_graph(choices: &[NodeChoice], seed: u64, smooth: bool) -> GraphDocument {
    let mut nodes = vec![json!({"kind": "input", "id": "input"})];
    let mut widths = vec![2usize];
    let mut ids = vec!["input".to_owned()];
    let mut edges: Vec<Value> = Vec::new();
    let mut read = vec![false];
    for (index, choice) in choices.iter().enumerate() {
        let id = format!("n{index}");
        let first = choice.first % ids.len();
        let same_width: Vec<usize> = (0..ids.len())
            .filter(|&other| other != first && widths[other] == widths[first])
            .collect();
        let kind = match choice.kind {
            1 if !same_width.is_empty() => "add",
            2 if ids.len() > 1 => "concat",
            _ => "dense",
        };
        let sources: Vec<usize> = match kind {
            "add" => vec![first, same_width[choice.second % same_width.len()]],
            "concat" => {
                let second = (first + 1 + choice.second % (ids.len() - 1)) % ids.len();
                vec![first, second]
            }
            _ => vec![first],
        };
        let width = match kind {
            "add" => widths[first],
            "concat" => sources.iter().map(|&s| widths[s]).sum(),
            _ => choice.units,
        };
        nodes.push(match kind {
            "dense" => json!({"kind": "dense", "id": id, "units": choice.units,
                "activation": activation(choice.activation, smooth),
                "initializer": {"kind": "glorot_uniform"}, "use_bias": true}),
            other => json!({"kind": other, "id": id}),
        });
        for (port, &source) in sources.iter().enumerate() {
            let to = if kind == "dense" {
                format!("{id}.in")
            } else {
                format!("{id}.in{port}")
            };
            edges.push(json!({"from": format!("{}.out", ids[source]), "to": to}));
            read[source] = true;
        }
        ids.push(id);
        widths.push(width);
        read.push(false);
    }
    let sinks: Vec<usize> = (0..ids.len()).filter(|&i| !read[i]).collect();
    let last = if sinks.len() == 1 {
        ids[sinks[0]].clone()
    } else {
        nodes.push(json!({"kind": "concat", "id": "gather"}));
        for (port, &sink) in sinks.iter().enumerate() {
            edges.push(
                json!({"from": format!("{}.out", ids[sink]), "to": format!("gather.in{port}")}),
            );
        }
        "gather".to_owned()
    };
    nodes.push(
        json!({"kind": "output", "id": "output", "units": "from_dataset",
        "output_function": "sigmoid", "loss": "binary_cross_entropy", "reduction": "mean",
        "initializer": {"kind": "glorot_uniform"}, "use_bias": true}),
    );
    edges.push(json!({"from": format!("{last}.out"), "to": "output.in"}));
    let document = json!({
        "format": "layerwright.graph", "version": 1, "nodes": nodes, "edges": edges,
        "dataset": {"task": "classification",
            "source": {"kind": "generated", "generator": {"kind": "two_gaussians"},
                       "samples": 12, "noise": 0.2, "seed": seed},
            "target": {"kind": "last"}, "normalization": "none", "standardize_target": false,
            "train_fraction": 1.0, "seed": seed},
        "training": {"optimizer": {"kind": "gradient_descent"}, "learning_rate": 0.1,
            "batching": {"kind": "full_batch"}, "epochs": 3,
            "regularization": {"kind": "none"}, "shuffle": "never", "seed": seed}
    });
    parse_document(&document.to_string(), "random.json").expect("the generated JSON parses")
}

fn config() -> Config {
    Config {
        cases: 256,
        // The same graphs on every run: a failure is reproducible, not a flake.
        rng_seed: RngSeed::Fixed(0x1a7e_5eed),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_smooth_graphs_compile_predict_finite_values_and_agree_with_finite_differences(
        choices in prop::collection::vec(node_choice(), 1..=7),
        seed in 0u64..1000,
    ) {
        let document = random_graph(&choices, seed, true);
        let dataset = load_dataset(&document.dataset, None).expect("generated data");
        let compiled = match compile(&document, &dataset) {
            Ok(compiled) => compiled,
            Err(errors) => {
                let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Err(TestCaseError::fail(format!("{messages:?}")));
            }
        };
        let mut session = compiled.session(Precision::F64).expect("a session");
        let outputs = session.predict(compiled.data.train.inputs.view()).expect("predictions");
        prop_assert!(outputs.iter().all(|v| v.is_finite()), "{outputs:?}");
        let train = compiled.data.train.rows_in_f64(0..compiled.data.train.len());
        let check = gradient_check(
            &compiled.architecture,
            &compiled.initial,
            train.inputs.view(),
            train.targets.view(),
            None,
        );
        let worst = check.max_relative_error();
        prop_assert!(worst < 1e-6, "largest relative error {worst:e} in {check:?}");
        session.run_epoch().expect("one epoch trains");
        prop_assert!(session.parameters().tensors.iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    fn random_graphs_with_any_activation_compile_to_finite_outputs(
        choices in prop::collection::vec(node_choice(), 1..=7),
        seed in 0u64..1000,
    ) {
        let document = random_graph(&choices, seed, false);
        let dataset = load_dataset(&document.dataset, None).expect("generated data");
        let compiled = compile(&document, &dataset).map_err(|errors| {
            TestCaseError::fail(format!("{:?}", errors.iter().map(ToString::to_string).collect::<Vec<_>>()))
        })?;
        let mut session = compiled.session(Precision::F32).expect("a session");
        for _ in 0..3 {
            session.run_epoch().expect("trains");
        }
        let outputs = session.predict(compiled.data.train.inputs.view()).expect("predictions");
        prop_assert!(outputs.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)), "{outputs:?}");
    }

    #[test]
    fn random_graphs_round_trip_through_save_and_load_exactly(
        choices in prop::collection::vec(node_choice(), 1..=7),
        seed in 0u64..1000,
    ) {
        let document = random_graph(&choices, seed, false);
        let text = document_to_json(&document).expect("saves");
        let loaded = parse_document(&text, "saved.json").expect("loads");
        prop_assert_eq!(&loaded, &document);
        prop_assert_eq!(document_to_json(&loaded).expect("saves again"), text);
    }
}
