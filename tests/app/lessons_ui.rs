//! Lessons in the window, driven headless: opened from the Learn menu, stepped through,
//! formulas lighting up the nodes they describe, the stated outcome checked and the
//! variants compared on the background thread.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{harness_on, run_until};
use egui_kittest::kittest::Queryable;
use layerwright::commands::Intent;
use layerwright::learn::lessons::LESSONS;

fn open_lesson(
    harness: &mut egui_kittest::Harness<'_, layerwright::app::LayerwrightApp>,
    index: usize,
) {
    harness.get_by_label("Learn").click();
    harness.run_steps(2);
    harness
        .get_by_label(&format!("Lesson {}: {}", index + 1, LESSONS[index].title))
        .click();
    harness.run_steps(3);
}

#[test]
fn the_learn_menu_opens_a_lesson_and_next_moves_through_its_stages() {
    let mut harness = harness_on("spiral.json");
    open_lesson(&mut harness, 1);
    let app = harness.state();
    assert_eq!(app.file().name, "Lesson 2 · Learning AND");
    assert!(!app.is_dirty(), "a lesson's network opens unmodified");
    assert!(harness.state_mut().editor_mut().diagnostics().is_valid());
    harness.get_by_label("Learning AND");

    harness.get_by_label("Next ▶").click();
    harness.run_steps(3);
    assert_eq!(harness.state().file().name, "Lesson 2 · Learning OR");
    harness.get_by_label("Stage 2 of 4");
    harness.get_by_label("◀ Back").click();
    harness.run_steps(3);
    assert_eq!(harness.state().file().name, "Lesson 2 · Learning AND");

    harness.get_by_label("Close lesson").click();
    harness.run_steps(2);
    assert!(harness.state().learn().lesson.is_none());
    assert_eq!(
        harness.state().file().name,
        "Lesson 2 · Learning AND",
        "closing the panel keeps the network"
    );
}

#[test]
fn hovering_a_formula_highlights_its_nodes_and_clicking_selects_them() {
    let mut harness = harness_on("spiral.json");
    open_lesson(&mut harness, 1);
    // Stage 4: XOR with a hidden layer, whose first formula is the hidden layer's.
    for _ in 0..3 {
        harness.get_by_label("Next ▶").click();
        harness.run_steps(3);
    }
    assert_eq!(
        harness.state().file().name,
        "Lesson 2 · XOR with a hidden layer"
    );
    assert!(harness.state().editor().highlighted.is_empty());
    let formula = harness.get_by_label(
        "The hidden layer: an affine map, then an activation, for each of its two units.",
    );
    formula.hover();
    harness.run_steps(3);
    assert_eq!(
        harness.state().editor().highlighted,
        vec!["hidden".to_owned()]
    );
    harness
        .get_by_label("The output combines the hidden units' answers into a probability.")
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().editor().selected, vec!["output".to_owned()]);
}

#[test]
fn the_perceptron_on_xor_is_checked_to_fail_as_stated() {
    let mut harness = harness_on("spiral.json");
    open_lesson(&mut harness, 1);
    for _ in 0..2 {
        harness.get_by_label("Next ▶").click();
        harness.run_steps(3);
    }
    assert_eq!(harness.state().file().name, "Lesson 2 · Failing on XOR");
    harness.get_by_label("Check the stated outcome").click();
    run_until(&mut harness, "the check", |app| {
        app.learn()
            .lesson
            .as_ref()
            .and_then(|l| l.comparison.as_ref())
            .is_some_and(|c| c.finished() == c.entries.len())
    });
    harness.get_by_label("✔ as stated");
    harness.get_by_label("best accuracy 50.0% after 100 epochs");
}

#[test]
fn two_learning_rates_are_compared_side_by_side_and_one_opens_in_the_editor() {
    let mut harness = harness_on("spiral.json");
    // Tall enough that the whole stage fits without scrolling.
    harness.set_size(egui::vec2(1400.0, 1800.0));
    open_lesson(&mut harness, 0);
    assert!(
        !harness.state().is_dirty(),
        "drawing a full-batch network's settings does not change it"
    );
    harness.get_by_label("Next ▶").click();
    harness.run_steps(3);
    harness.get_by_label("Run comparison").click();
    run_until(&mut harness, "the comparison", |app| {
        app.learn()
            .lesson
            .as_ref()
            .and_then(|l| l.comparison.as_ref())
            .is_some_and(|c| c.finished() == c.entries.len())
    });
    assert_eq!(harness.get_all_by_label("✔ as stated").count(), 2);
    harness.get_by_label("The descent paths over the loss surface L(w, b), side by side:");
    let opens: Vec<_> = harness.get_all_by_label("Open").collect();
    opens[1].click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(
        app.file().name,
        "Lesson 1 · Gradient descent and the learning rate · η = 0.28 (too large)"
    );
    assert_eq!(
        app.editor().document.document().training.learning_rate,
        0.28
    );
}

#[test]
fn opening_an_example_closes_the_lesson() {
    let mut harness = harness_on("spiral.json");
    open_lesson(&mut harness, 3);
    assert!(harness.state().learn().lesson.is_some());
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .request(&ctx, Intent::OpenExample("circle.json".to_owned()));
    harness.run_steps(3);
    assert!(harness.state().learn().lesson.is_none());
    assert_eq!(harness.state().file().name, "circle.json");
}
