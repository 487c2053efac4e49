//! The scalar autograd on the notes' two computational graphs, loaded from their preset
//! documents, and the wiring errors an expression document can have.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use layerwright_nn::graph::expression::{ExpressionError, parse_expression};

fn preset(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/examples")
            .join(name),
    )
    .unwrap()
}

/// Each named node's value and gradient `∂f/∂node`.
fn evaluate(name: &str) -> Vec<(String, f64, f64)> {
    let document = parse_expression(&preset(name), name).unwrap();
    let (graph, _) = document.to_graph().unwrap();
    let evaluation = graph.evaluate().unwrap();
    graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), evaluation.values[i], evaluation.gradients[i]))
        .collect()
}

fn lookup(results: &[(String, f64, f64)], id: &str) -> (f64, f64) {
    let (_, value, gradient) = results.iter().find(|(n, _, _)| n == id).unwrap();
    (*value, *gradient)
}

#[test]
fn f_equals_x_plus_y_times_z_at_minus_2_5_minus_4() {
    // q = x + y = 3, f = q·z = −12; ∂f/∂q = z = −4, ∂f/∂z = q = 3, ∂f/∂x = ∂f/∂y = −4.
    let results = evaluate("backprop-fxyz.json");
    assert_eq!(lookup(&results, "q"), (3.0, -4.0));
    assert_eq!(lookup(&results, "f"), (-12.0, 1.0));
    assert_eq!(lookup(&results, "z"), (-4.0, 3.0));
    assert_eq!(lookup(&results, "x"), (-2.0, -4.0));
    assert_eq!(lookup(&results, "y"), (5.0, -4.0));
}

#[test]
fn the_shopping_example_costs_715_with_the_book_s_gradients() {
    // 2 apples at 100 and 3 oranges at 150, tax 1.1: (200 + 450)·1.1 = 715.
    let results = evaluate("backprop-shopping.json");
    let close = |(value, gradient): (f64, f64), want: (f64, f64)| {
        assert!(
            (value - want.0).abs() < 1e-9 && (gradient - want.1).abs() < 1e-9,
            "{value}, {gradient} vs {want:?}"
        );
    };
    close(lookup(&results, "total"), (715.0, 1.0));
    close(lookup(&results, "apple_price"), (100.0, 2.2));
    close(lookup(&results, "apple_count"), (2.0, 110.0));
    close(lookup(&results, "orange_price"), (150.0, 3.3));
    close(lookup(&results, "orange_count"), (3.0, 165.0));
    close(lookup(&results, "tax"), (1.1, 650.0));
    close(lookup(&results, "subtotal"), (650.0, 1.1));
}

#[test]
fn wiring_mistakes_are_named_by_node_and_port() {
    let base = preset("backprop-fxyz.json");
    let errors_of = |text: &str| {
        parse_expression(text, "test.json")
            .unwrap()
            .to_graph()
            .unwrap_err()
    };
    let unconnected = base.replace(
        "{ \"from\": \"z\", \"to\": \"f.b\" }",
        "{ \"from\": \"z\", \"to\": \"q.a\" }",
    );
    assert!(
        errors_of(&unconnected).contains(&ExpressionError::DoubleWire {
            node: "q".to_owned(),
            port: "a".to_owned()
        })
    );
    let missing = base.replace(",\n    { \"from\": \"z\", \"to\": \"f.b\" }", "");
    assert_eq!(
        errors_of(&missing),
        [ExpressionError::Unconnected {
            node: "f".to_owned(),
            port: "b".to_owned()
        }]
    );
    let bad_port = base.replace("\"to\": \"f.b\"", "\"to\": \"f.c\"");
    assert_eq!(
        errors_of(&bad_port),
        [ExpressionError::UnknownPort {
            node: "f".to_owned(),
            port: "c".to_owned(),
            ports: "a, b".to_owned()
        }]
    );
    let cycle = base.replace(
        "{ \"from\": \"x\", \"to\": \"q.a\" }",
        "{ \"from\": \"f\", \"to\": \"q.a\" }",
    );
    assert!(matches!(errors_of(&cycle)[..], [ExpressionError::Cycle(_)]));
}

#[test]
fn a_graph_document_is_not_an_expression_and_bad_json_names_line_and_column() {
    let network = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples/xor.json"),
    )
    .unwrap();
    let error = parse_expression(&network, "xor.json")
        .unwrap_err()
        .to_string();
    assert!(error.contains("xor.json"), "{error}");
    let broken = preset("backprop-fxyz.json").replace("\"kind\": \"add\"", "\"kind\": \"addd\"");
    let error = parse_expression(&broken, "broken.json")
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("broken.json:9:"), "{error}");
    assert!(error.contains("nodes[3].op"), "{error}");
}
