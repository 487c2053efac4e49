//! The computational-graph mode, driven headless: it opens on the notes' f = (x + y)·z with
//! every value shown, Backward adds every gradient, Step backward narrates one node at a
//! time, and edits are undoable.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::{LayerwrightApp, OpenedDocument};
use layerwright::commands::Mode;

fn harness() -> Harness<'static, LayerwrightApp> {
    let app = LayerwrightApp::new(OpenedDocument::example("spiral.json"));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut LayerwrightApp| app.show(ui), app);
    harness.run_steps(3);
    harness.get_by_label("Computational graph").click();
    harness.run_steps(3);
    harness
}

#[test]
fn the_mode_opens_on_the_notes_example_and_backward_shows_every_gradient() {
    let mut harness = harness();
    assert_eq!(harness.state().mode(), Mode::Expression);
    // Forward values: x = −2, y = 5, z = −4, q = 3, f = −12.
    for value in ["= -2", "= 5", "= -4", "= 3", "= -12"] {
        harness.get_by_label(value);
    }
    harness.get_by_label("f = -12");
    assert!(
        harness.query_by_label("∂ -4").is_none(),
        "no gradients before Backward"
    );
    harness.get_by_label("Backward").click();
    harness.run_steps(2);
    // ∂f/∂x = ∂f/∂y = ∂f/∂q = −4, ∂f/∂z = 3, ∂f/∂f = 1.
    assert_eq!(harness.get_all_by_label("∂ -4").count(), 3);
    harness.get_by_label("∂ 3");
    harness.get_by_label("∂ 1");
}

#[test]
fn step_backward_names_the_rule_of_each_node() {
    let mut harness = harness();
    harness.get_by_label("Step backward").click();
    harness.run_steps(2);
    harness.get_by_label("∂ 1");
    assert!(
        harness.query_by_label("∂ 3").is_none(),
        "z's gradient comes with the next step"
    );
    // One line per step: the node, its gradient, the rule, what each input gets.
    for part in [
        "1. f (multiply): ∂f/∂f = 1. The local rule: multiplication passes each input the other input times the upstream gradient.",
        "q gets -4 × 1 = -4",
        "z gets 3 × 1 = 3",
    ] {
        harness.get_by_label_contains(part);
    }
    harness.get_by_label("Step backward").click();
    harness.run_steps(2);
    // Reverse topological order: z, a leaf read by f, is next, then q.
    harness.get_by_label_contains("2. z (input): ∂f/∂z = 3. An input: the gradient stops here.");
    harness.get_by_label("∂ 3");
    harness.get_by_label("Step backward").click();
    harness.run_steps(2);
    harness.get_by_label_contains(
        "3. q (add): ∂f/∂q = -4. The local rule: addition passes the upstream gradient to each input unchanged.",
    );
    harness.get_by_label_contains("x gets 1 × -4 = -4");
}

#[test]
fn the_shopping_preset_costs_715_and_edits_undo() {
    let mut harness = harness();
    harness.get_by_label("Apples, oranges and tax").click();
    harness.run_steps(3);
    harness.get_by_label("f = 715");
    harness.get_by_label("Backward").click();
    harness.run_steps(2);
    for gradient in ["∂ 2.2", "∂ 110", "∂ 3.3", "∂ 165", "∂ 650"] {
        harness.get_by_label(gradient);
    }
    // Undo goes back to the first preset (opening a preset is one undo step).
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(3);
    harness.get_by_label("f = -12");
}
