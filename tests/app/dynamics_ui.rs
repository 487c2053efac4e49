//! The training-dynamics view and the stuck-units badge, driven headless: a ReLU layer whose
//! weights all start at 0 is dead on every example (its gradient is 0 there, so it stays
//! dead), which the badge on its node and the view both say.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{TempFolder, harness_on, run_until};
use egui_kittest::kittest::Queryable;
use layerwright_nn::graph::Node;
use layerwright_nn::graph::io::{document_to_json, load_document};
use layerwright_nn::{Activation, Initializer};

#[test]
fn a_layer_of_dead_relu_units_gets_a_badge_and_the_dynamics_view_shows_its_layers() {
    let folder = TempFolder::new("dynamics", "dead-relu");
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/circle.json");
    let mut document = load_document(&example).unwrap();
    for node in &mut document.nodes {
        if let Node::Dense(dense) = node {
            dense.activation = Activation::Relu;
            dense.initializer = Initializer::Constant { value: 0.0 };
        }
    }
    let path = folder.join("dead.json");
    std::fs::write(&path, document_to_json(&document).unwrap()).unwrap();

    let mut harness = harness_on("circle.json");
    harness.state_mut().open_path(&path);
    // z = 0·x + 0 = 0 for every example: all six units are 0 everywhere, dead.
    run_until(&mut harness, "the badge", |app| {
        app.training().insight.stuck.contains_key("hidden")
    });
    harness.get_by_label("6 of 6 dead");
    let badge = &harness.state().training().insight.stuck["hidden"];
    assert!(
        badge
            .tooltip
            .contains("6 of 6 units dead (0 on every example)"),
        "{}",
        badge.tooltip
    );

    // An epoch of training adds the gradient figures: no gradient reaches the dead units'
    // weights, and the output's ∂L/∂W = hᵀ·∂L/∂z is 0 too, since h = 0 (only its bias learns).
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "an epoch's dynamics", |app| {
        !app.training().dynamics_history().is_empty()
    });
    let latest = harness
        .state()
        .training()
        .latest_dynamics()
        .unwrap()
        .clone();
    let names: Vec<&str> = latest.gradients.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["hidden", "output"]);
    for layer in &latest.gradients {
        assert_eq!(
            (layer.gradient_norm, layer.update_ratio),
            (0.0, 0.0),
            "{}",
            layer.name
        );
    }
    assert_eq!(latest.activity[0].dead_units, 6);

    // The tab and its figures.
    harness.get_by_label("Dynamics").click();
    harness.run_steps(2);
    for figure in ["Gradient norm", "Update ratio", "Stuck units"] {
        harness.get_by_label(figure).click();
        harness.run_steps(2);
    }
    harness.get_by_label("Histograms").click();
    harness.run_steps(2);
    // The sample is every training example here (circle: 500 points, half for training).
    harness.get_by_label_contains("250 training examples; 6 of 6 units dead (0 on every example)");
}
