//! Training in the window, driven headless: Train, Pause, Reset, and a diverging run. The
//! trainer runs on its own thread in real time, so each wait has a deadline.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

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

/// Sets dense layer `id`'s units, as the inspector's field does.
fn set_units(harness: &mut Harness<'_, LayerwrightApp>, id: &str, units: usize) {
    let document = harness.state().editor().document.document().clone();
    let Some(layerwright_nn::graph::Node::Dense(mut dense)) = document.node(id).cloned() else {
        panic!("{id} is dense")
    };
    dense.units = units;
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Edit(Edit::UpdateNode {
            node: layerwright_nn::graph::Node::Dense(dense),
            field: "units",
        }),
    );
}

/// The latest training loss, checking the panel shows it as a label.
fn shown_train_loss(harness: &Harness<'_, LayerwrightApp>) -> f64 {
    let loss = harness.state().training().run.train_loss().unwrap();
    harness.get_by_label(&format!("Train loss {loss:.4}"));
    loss
}

#[test]
fn training_lowers_the_loss_and_pause_stops_the_counter() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    harness.get_by_label("Epoch 0");
    let initial_loss = shown_train_loss(&harness);
    harness.get_by_label("Train").click();
    run_until(&mut harness, "epoch 20", |app| {
        app.training().run.epochs() > 20
    });
    let epochs = harness.state().training().run.epochs();
    harness.get_by_label(&format!("Epoch {epochs}"));
    assert!(epochs > 20);
    let loss = shown_train_loss(&harness);
    assert!(
        loss < initial_loss,
        "loss {loss} is not below {initial_loss}"
    );
    harness.get_by_label("Pause").click();
    run_until(&mut harness, "the pause", |app| {
        !app.training().run.is_playing() && app.training().run.is_settled()
    });
    let paused_at = harness.state().training().run.epochs();
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(3);
    assert_eq!(
        harness.state().training().run.epochs(),
        paused_at,
        "the counter stands still"
    );
}

#[test]
fn reset_restores_the_initial_loss_exactly() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    let initial = harness.state().training().run.history()[0].train_loss;
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", |app| {
        app.training().run.epochs() == 1
    });
    assert_ne!(harness.state().training().run.train_loss(), Some(initial));
    harness.get_by_label("Reset").click();
    run_until(&mut harness, "the reset", |app| {
        app.training().run.epochs() == 0 && app.training().run.history().len() == 1
    });
    assert_eq!(harness.state().training().run.train_loss(), Some(initial));
}

#[test]
fn a_huge_learning_rate_pauses_with_a_message_and_the_app_keeps_running() {
    // Linear regression explodes to infinity within a few epochs at η = 1e6.
    let mut harness = harness_on("linear-regression.json");
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    let mut training = harness
        .state()
        .editor()
        .document
        .document()
        .training
        .clone();
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
        app.training().run.message().is_some()
    });
    let message = harness.state().training().run.message().unwrap().to_owned();
    assert!(message.contains("diverged in epoch"), "{message}");
    assert!(message.contains("lower learning rate"), "{message}");
    assert!(!harness.state().training().run.is_playing());
    harness.get_by_label_contains("training diverged");
    // The app still responds: the palette still adds nodes.
    harness.get_by_label("Dense").click();
    harness.run_steps(2);
    assert!(
        harness
            .state()
            .editor()
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
        app.training().has_boundary()
    });
    harness.get_by_label("Discretize output");
    harness.get_by_label("Test points");
}

#[test]
fn a_graph_edit_restarts_training_keeping_the_layers_whose_shapes_did_not_change() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", |app| {
        app.training().run.epochs() == 1 && app.training().run.is_settled()
    });
    let trained = harness.state().training().run.parameters().unwrap().clone();
    // Widen hidden2: its weights and the output's change shape; hidden1's do not.
    set_units(&mut harness, "hidden2", 12);
    run_until(&mut harness, "the restarted run", |app| {
        app.training().run.epochs() == 0
            && app.training().run.is_settled()
            && app
                .training()
                .run
                .parameters()
                .is_some_and(|p| p.tensors[2].ncols() == 12)
    });
    let restarted = harness.state().training().run.parameters().unwrap();
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
        !app.training().run.history().is_empty()
    });
    let document = harness.state().editor().document.document().clone();
    // The panic message goes to stderr; the test is about what the app does next.
    harness.state_mut().training_mut().run.panic_for_test();
    run_until(&mut harness, "the failure message", |app| {
        app.training().run.message().is_some()
    });
    let message = harness.state().training().run.message().unwrap().to_owned();
    assert!(
        message.starts_with("The trainer failed (a deliberate failure); your graph is safe."),
        "{message}"
    );
    assert_eq!(*harness.state().editor().document.document(), document);
    // The graph is loaded again from fresh weights, and training works.
    run_until(&mut harness, "the reloaded run", |app| {
        app.training().run.epochs() == 0
            && app.training().run.is_settled()
            && app.training().run.parameters().is_some()
    });
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "an epoch after the failure", |app| {
        app.training().run.epochs() == 1
    });
}

#[test]
fn the_gradient_check_agrees_on_the_spiral_and_explains_the_perceptron() {
    let mut harness = harness();
    harness.get_by_label("Gradient check…").click();
    run_until(&mut harness, "the check's result", |app| {
        app.learn().gradient_check.report().is_some()
    });
    let report = harness
        .state()
        .learn()
        .gradient_check
        .report()
        .unwrap()
        .clone();
    let check = report.result.unwrap();
    // Three dense layers: W and b each.
    assert_eq!(check.parameters.len(), 6);
    assert!(check.max_relative_error() < 1e-6);
    harness.get_by_label_contains("back-propagation agrees with finite differences");
    // Another training example is one drag away; the check follows it.
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(&ctx, Command::CheckGradients(7));
    run_until(&mut harness, "the check of example 8", |app| {
        app.learn()
            .gradient_check
            .report()
            .is_some_and(|r| r.example == 7)
    });

    let mut perceptron = harness_on("perceptron-and.json");
    perceptron.get_by_label("Gradient check…").click();
    perceptron.run_steps(3);
    perceptron.get_by_label_contains("The perceptron rule (eq. 2.1) is an update rule");
}

#[test]
fn the_digits_gradient_check_shows_checking_with_cancel_and_its_result_arrives_later() {
    let mut harness = harness_on("digits.json");
    // Hidden layer widened from 32 to 600 units: 45,010 parameters, each nudged twice. The
    // check is held before its first parameter, so it is under way whatever the speed.
    set_units(&mut harness, "hidden", 600);
    let hold = harness
        .state_mut()
        .learn_mut()
        .gradient_check
        .hold_for_test();
    harness.get_by_label("Gradient check…").click();
    run_until(&mut harness, "the check to start", |app| {
        app.learn().gradient_check.progress() == Some((0, 45010))
    });
    // The check is under way on its thread while the window goes on drawing frames.
    harness.get_by_label_contains("Checking… training example 1 of");
    harness.get_by_label_contains("of 45010 parameters");
    assert!(harness.state().learn().gradient_check.is_checking());
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(!harness.state().learn().gradient_check.is_checking());
    harness.get_by_label("The check was cancelled.");
    // The digits network as it ships: started, it shows its result once it arrives.
    hold.store(false, std::sync::atomic::Ordering::SeqCst);
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, Command::Action(layerwright::commands::Action::Undo));
    harness.get_by_label("Gradient check…").click();
    run_until(&mut harness, "the digits check's result", |app| {
        app.learn()
            .gradient_check
            .report()
            .is_some_and(|r| r.result.is_ok())
    });
    let check = harness
        .state()
        .learn()
        .gradient_check
        .report()
        .unwrap()
        .result
        .clone()
        .unwrap();
    assert_eq!(check.parameters.len(), 4, "W and b of two dense layers");
    assert!(check.max_relative_error() < 1e-6, "{check:?}");
    harness.get_by_label_contains("back-propagation agrees with finite differences");
}

#[test]
fn stepping_through_one_example_shows_the_forward_then_the_backward_pass() {
    let mut harness = harness_on("linear-regression.json");
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Action(layerwright::commands::Action::StepThrough),
    );
    run_until(&mut harness, "the pass", |app| {
        app.learn().step_through.result.is_some()
    });
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
    let vectors = &harness.state().training().insight.step_vectors;
    assert!(vectors["output"].1.is_some() && vectors["input"].1.is_some());
    harness.get_by_label_contains("ΔW = −η·∂L/∂W");
}

#[test]
fn a_structural_edit_compiles_once_and_a_learning_rate_change_not_at_all() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty() && !app.network().is_compiling()
    });
    let compiles = harness.state().network().compile_count();
    // A learning-rate drag: several edits of the one field, frames in between.
    let ctx = harness.ctx.clone();
    for rate in [0.02, 0.03, 0.05] {
        let mut training = harness
            .state()
            .editor()
            .document
            .document()
            .training
            .clone();
        training.learning_rate = rate;
        harness.state_mut().apply(
            &ctx,
            Command::Edit(Edit::UpdateTraining {
                training,
                field: "learning_rate",
            }),
        );
        harness.run_steps(3);
    }
    assert_eq!(
        harness.state().network().compile_count(),
        compiles,
        "the learning rate changes live, without compiling or loading data"
    );
    // Widening a layer changes the network: exactly one compile, shared by the canvas's
    // diagnostics and the trainer.
    set_units(&mut harness, "hidden2", 12);
    run_until(&mut harness, "the restarted run", |app| {
        !app.network().is_compiling()
            && app
                .training()
                .run
                .parameters()
                .is_some_and(|p| p.tensors[2].ncols() == 12)
    });
    harness.run_steps(5);
    assert_eq!(harness.state().network().compile_count(), compiles + 1);
    assert_eq!(
        harness.state().editor().diagnostics().parameters,
        Some(7 * 8 + 8 + 8 * 12 + 12 + 12 + 1),
        "the canvas shows the new network's parameter count"
    );
}

#[test]
fn switching_adam_to_gradient_descent_restarts_the_run_with_gradient_descent() {
    let mut harness = harness();
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", |app| {
        app.training().run.epochs() == 1 && app.training().run.is_settled()
    });
    assert_eq!(
        harness
            .state()
            .editor()
            .document
            .document()
            .training
            .optimizer,
        layerwright_nn::Optimizer::ADAM
    );
    harness.get_by_label("More settings").click();
    harness.run_steps(10);
    let optimizer = harness.get_by_label("Optimizer");
    assert_eq!(optimizer.value().as_deref(), Some("Adam"));
    optimizer.click();
    harness.run_steps(3);
    harness.get_by_label("Gradient descent").click();
    harness.run_steps(2);
    assert_eq!(
        harness
            .state()
            .editor()
            .document
            .document()
            .training
            .optimizer,
        layerwright_nn::Optimizer::GradientDescent
    );
    run_until(&mut harness, "the restarted run", |app| {
        app.training().run.epochs() == 0 && app.training().run.is_settled()
    });
    assert_eq!(
        harness.state().training().run.config().map(|c| c.optimizer),
        Some(layerwright_nn::Optimizer::GradientDescent),
        "the trainer runs with gradient descent"
    );
    // Undone, Adam comes back.
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, Command::Action(layerwright::commands::Action::Undo));
    harness.run_steps(2);
    assert_eq!(
        harness.state().training().run.config().map(|c| c.optimizer),
        Some(layerwright_nn::Optimizer::ADAM)
    );
}

#[test]
fn a_new_graph_shows_nothing_of_the_last_run() {
    let mut harness = harness();
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch and a boundary", |app| {
        app.training().run.epochs() == 1 && app.training().has_boundary()
    });
    let ctx = harness.ctx.clone();
    harness.state_mut().perform(
        &ctx,
        layerwright::commands::Intent::New(Box::new(
            layerwright::document::session::empty_document(),
        )),
    );
    run_until(&mut harness, "the new graph's compile", |app| {
        !app.network().is_compiling() && app.editor().document.document().nodes.is_empty()
    });
    harness.run_steps(2);
    let training = harness.state().training();
    assert_eq!(training.run.epochs(), 0);
    assert!(training.run.history().is_empty());
    assert!(!training.has_boundary());
    harness.get_by_label("Epoch 0");
    assert!(harness.query_by_label_contains("Train loss").is_none());
}

#[test]
fn an_opened_graph_shows_nothing_of_the_last_run() {
    let mut harness = harness();
    harness.get_by_label("Train").click();
    run_until(&mut harness, "epoch 5", |app| {
        app.training().run.epochs() >= 5
    });
    harness.get_by_label("Pause").click();
    run_until(&mut harness, "the pause", |app| {
        app.training().run.is_settled()
    });
    let ctx = harness.ctx.clone();
    harness.state_mut().perform(
        &ctx,
        layerwright::commands::Intent::OpenExample("circle.json".to_owned()),
    );
    harness.run_steps(1);
    // Before the circle has compiled, and after: epoch 0, no curve of the spiral's run.
    let training = harness.state().training();
    assert_eq!(training.run.epochs(), 0);
    assert!(training.run.history().len() <= 1);
    run_until(&mut harness, "the circle's first snapshot", |app| {
        !app.network().is_compiling() && !app.training().run.history().is_empty()
    });
    let training = harness.state().training();
    assert_eq!(training.run.epochs(), 0);
    assert_eq!(training.run.history().len(), 1);
    harness.get_by_label("Epoch 0");
}

#[test]
fn the_schedule_and_early_stopping_are_set_in_the_training_settings() {
    use egui::accesskit::Role;
    use layerwright_nn::train::early_stopping::EarlyStopping;
    use layerwright_nn::train::schedule::Decay;
    let mut harness = harness_on("circle.json");
    let training = |harness: &egui_kittest::Harness<'_, LayerwrightApp>| {
        harness
            .state()
            .editor()
            .document
            .document()
            .training
            .clone()
    };
    assert!(training(&harness).schedule.is_constant());
    harness.get_by_label("Learning-rate schedule").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::ComboBox, "Schedule")
        .click();
    harness.run_steps(2);
    harness.get_by_label("Cosine").click();
    harness.run_steps(2);
    // Cosine over the epoch budget (100) down to 0 at first.
    assert_eq!(
        training(&harness).schedule.decay,
        Decay::Cosine {
            minimum: 0.0,
            epochs: 100
        }
    );
    // Folded again, so the next section fits the panel.
    harness.get_by_label("Learning-rate schedule").click();
    harness.run_steps(2);
    harness.get_by_label("Early stopping").click();
    harness.run_steps(2);
    harness.get_by_label("Stop early").click();
    harness.run_steps(2);
    assert_eq!(
        training(&harness).early_stopping,
        Some(EarlyStopping::default())
    );
    // One undoable step each.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(training(&harness).early_stopping, None);
}
