//! Things seen trying the window, mended: cards that grow when their unit maps appear do
//! not cover their neighbours, and the confusion matrix's accuracy column fits the panel at
//! 1400 × 900. (The palette wiring a new node after the selected one is in `editor_ui.rs`,
//! a new graph clearing the last run's views in `training_ui.rs`.)
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{harness_on, run_until};
use egui_kittest::kittest::Queryable;
use layerwright::commands::Command;
use layerwright::document::graph::Edit;

#[test]
fn a_card_that_grows_with_its_unit_maps_pushes_the_card_below_it_down_without_editing_the_graph() {
    let mut harness = harness_on("spiral.json");
    // hidden2 just below hidden1: apart while the cards are small.
    let document = harness.state().editor().document.document().clone();
    let above = document.view.as_ref().unwrap().positions["hidden1"];
    let below = [above[0], above[1] + 120.0];
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(
        &ctx,
        Command::Edit(Edit::MoveNodes(vec![("hidden2".to_owned(), below)])),
    );
    harness.run_steps(3);
    // The first snapshot brings the unit maps into the cards: hidden1 grows downwards.
    run_until(&mut harness, "unit maps in the cards", |app| {
        !app.training().insight.maps.is_empty()
    });
    harness.run_steps(4);
    let editor = harness.state().editor();
    let upper = editor.node_screen_rect("hidden1").unwrap();
    let lower = editor.node_screen_rect("hidden2").unwrap();
    assert!(
        upper.height() > 120.0 * editor.canvas_transform().scaling,
        "hidden1 grew past where hidden2 starts: {upper:?}"
    );
    assert!(
        !upper.intersects(lower),
        "the cards do not overlap: {upper:?} and {lower:?}"
    );
    assert!(lower.min.y > upper.max.y, "hidden2 moved below hidden1");
    // Only the drawing moved: the document keeps the person's position.
    let positions = &editor.document.document().view.as_ref().unwrap().positions;
    assert_eq!(positions["hidden2"], below);
    assert!(editor.card_shift("hidden2").y > 0.0);
    assert_eq!(editor.card_shift("hidden1"), egui::Vec2::ZERO);
}

#[test]
fn the_confusion_matrix_of_ten_digits_fits_the_panel_at_1400_by_900() {
    let mut harness = harness_on("digits.json");
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", |app| {
        app.training().run.epochs() == 1 && app.training().run.is_settled()
    });
    harness.get_by_label("Confusion matrix").click();
    harness.run_steps(3);
    let heading = harness.get_by_label("accuracy").rect();
    let view = harness.state().training().views_area().unwrap();
    // The column's heading ends inside the view's area, left of its right edge.
    assert!(
        heading.max.x <= view.max.x,
        "the accuracy column ends at {} but the view at {}",
        heading.max.x,
        view.max.x
    );
    // Each row's accuracy is shown whole.
    for row in harness.get_all_by_label_contains("%") {
        assert!(row.rect().max.x <= view.max.x, "{:?}", row.rect());
    }
}
