//! Training in the window, driven headless: Train, Pause, Reset, and a diverging run. The
//! trainer runs on its own thread in real time, so each wait has a deadline.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

mod common;

use std::time::Duration;

use common::{harness_on, run_until};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::LayerwrightApp;
use layerwright::commands::Command;
use layerwright::document::graph::Edit;

fn harness() -> Harness<'static, LayerwrightApp> {
    harness_on("spiral.json")
}

/// The latest training loss, checking the panel shows it as a label.
fn shown_train_loss(harness: &Harness<'_, LayerwrightApp>) -> f64 {
    let loss = harness.state().training.train_loss().unwrap();
    harness.get_by_label(&format!("Train loss {loss:.4}"));
    loss
}

#[test]
fn training_lowers_the_loss_and_pause_stops_the_counter() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training.history.is_empty()
    });
    harness.get_by_label("Epoch 0");
    let initial_loss = shown_train_loss(&harness);
    harness.get_by_label("Train").click();
    run_until(&mut harness, "epoch 20", |app| app.training.epochs > 20);
    let epochs = harness.state().training.epochs;
    harness.get_by_label(&format!("Epoch {epochs}"));
    assert!(epochs > 20);
    let loss = shown_train_loss(&harness);
    assert!(
        loss < initial_loss,
        "loss {loss} is not below {initial_loss}"
    );
    harness.get_by_label("Pause").click();
    run_until(&mut harness, "the pause", |app| {
        !app.training.playing && app.training.is_settled()
    });
    let paused_at = harness.state().training.epochs;
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(3);
    assert_eq!(
        harness.state().training.epochs,
        paused_at,
        "the counter stands still"
    );
}

#[test]
fn reset_restores_the_initial_loss_exactly() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training.history.is_empty()
    });
    let initial = harness.state().training.history[0].train_loss;
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", |app| app.training.epochs == 1);
    assert_ne!(harness.state().training.train_loss(), Some(initial));
    harness.get_by_label("Reset").click();
    run_until(&mut harness, "the reset", |app| {
        app.training.epochs == 0 && app.training.history.len() == 1
    });
    assert_eq!(harness.state().training.train_loss(), Some(initial));
}

#[test]
fn a_huge_learning_rate_pauses_with_a_message_and_the_app_keeps_running() {
    // Linear regression explodes to infinity within a few epochs at η = 1e6.
    let mut harness = harness_on("linear-regression.json");
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training.history.is_empty()
    });
    let mut training = harness.state().editor.document.document().training.clone();
    training.learning_rate = 1e6;
    training.optimizer = layerwright_nn::Optimizer::GradientDescent;
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Edit(Edit::UpdateTraining {
            training,
            field: "learning_rate",
        }),
    );
    harness.run_steps(2);
    harness.get_by_label("Train").click();
    run_until(&mut harness, "the divergence message", |app| {
        app.training.message.is_some()
    });
    let message = harness.state().training.message.clone().unwrap();
    assert!(message.contains("diverged in epoch"), "{message}");
    assert!(message.contains("lower learning rate"), "{message}");
    assert!(!harness.state().training.playing);
    harness.get_by_label_contains("training diverged");
    // The app still responds: the palette still adds nodes.
    harness.get_by_label("Dense").click();
    harness.run_steps(2);
    assert!(
        harness
            .state()
            .editor
            .document
            .document()
            .node("dense1")
            .is_some()
    );
}

#[test]
fn the_decision_boundary_appears_for_two_dimensional_data() {
    let mut harness = harness();
    run_until(&mut harness, "the first boundary", |app| {
        app.training.has_boundary()
    });
    harness.get_by_label("Discretize output");
    harness.get_by_label("Test points");
}

#[test]
fn a_graph_edit_restarts_training_keeping_the_layers_whose_shapes_did_not_change() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training.history.is_empty()
    });
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", |app| {
        app.training.epochs == 1 && app.training.is_settled()
    });
    let trained = harness.state().training.parameters().unwrap().clone();
    // Widen hidden2: its weights and the output's change shape; hidden1's do not.
    let document = harness.state().editor.document.document().clone();
    let Some(layerwright_nn::graph::Node::Dense(mut hidden2)) = document.node("hidden2").cloned()
    else {
        panic!("hidden2 is dense")
    };
    hidden2.units = 12;
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Edit(Edit::UpdateNode {
            node: layerwright_nn::graph::Node::Dense(hidden2),
            field: "units",
        }),
    );
    run_until(&mut harness, "the restarted run", |app| {
        app.training.epochs == 0
            && app.training.is_settled()
            && app
                .training
                .parameters()
                .is_some_and(|p| p.tensors[2].ncols() == 12)
    });
    let restarted = harness.state().training.parameters().unwrap();
    assert_eq!(
        restarted.tensors[0], trained.tensors[0],
        "hidden1's weights are kept"
    );
    assert_eq!(
        restarted.tensors[1], trained.tensors[1],
        "hidden1's bias is kept"
    );
    assert_eq!(
        restarted.tensors[2].dim(),
        (8, 12),
        "hidden2 starts afresh at its new shape"
    );
}

#[test]
fn a_failure_in_the_trainer_is_shown_and_the_app_and_document_survive() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training.history.is_empty()
    });
    let document = harness.state().editor.document.document().clone();
    let ctx = harness.ctx.clone();
    // The panic message goes to stderr; the test is about what the app does next.
    harness.state_mut().training.panic_for_test(&ctx);
    run_until(&mut harness, "the failure message", |app| {
        app.training.message.is_some()
    });
    let message = harness.state().training.message.clone().unwrap();
    assert!(
        message.starts_with("The trainer failed (a deliberate failure); your graph is safe."),
        "{message}"
    );
    assert_eq!(*harness.state().editor.document.document(), document);
    // The graph is loaded again from fresh weights, and training works.
    run_until(&mut harness, "the reloaded run", |app| {
        app.training.epochs == 0 && app.training.is_settled() && app.training.parameters().is_some()
    });
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "an epoch after the failure", |app| {
        app.training.epochs == 1
    });
}

#[test]
fn the_gradient_check_agrees_on_the_spiral_and_explains_the_perceptron() {
    let mut harness = harness();
    harness.get_by_label("Gradient check…").click();
    harness.run_steps(3);
    let report = harness.state().gradient_report.clone().unwrap();
    let check = report.result.unwrap();
    // Three dense layers: W and b each.
    assert_eq!(check.parameters.len(), 6);
    assert!(check.max_relative_error() < 1e-6);
    harness.get_by_label_contains("back-propagation agrees with finite differences");
    // Another training example is one drag away; the check follows it.
    harness.state_mut().check_gradients(7);
    harness.run_steps(2);
    assert_eq!(harness.state().gradient_report.as_ref().unwrap().example, 7);

    let mut perceptron = harness_on("perceptron-and.json");
    perceptron.get_by_label("Gradient check…").click();
    perceptron.run_steps(3);
    perceptron.get_by_label_contains("The perceptron rule (eq. 2.1) is an update rule");
}

#[test]
fn stepping_through_one_example_shows_the_forward_then_the_backward_pass() {
    let mut harness = harness_on("linear-regression.json");
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Action(layerwright::commands::Action::StepThrough),
    );
    harness.run_steps(3);
    for _ in 0..2 {
        harness.get_by_label("Step").click();
        harness.run_steps(2);
    }
    // Forward complete: the loss of the example is shown, no gradient yet.
    harness.get_by_label_contains("loss L = ");
    assert!(harness.query_by_label_contains("∂L/∂output").is_none());
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    harness.get_by_label_contains("∂L/∂output = ");
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    harness.get_by_label_contains("∂L/∂input = ");
    // The canvas shows the vectors on the nodes, and the update of the one layer.
    let vectors = &harness.state().training.insight.step_vectors;
    assert!(vectors["output"].1.is_some() && vectors["input"].1.is_some());
    harness.get_by_label_contains("ΔW = −η·∂L/∂W");
}
