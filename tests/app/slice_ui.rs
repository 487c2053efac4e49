//! The decision boundary of data with more than two columns: a slice through the input
//! space, two chosen columns on the axes and every other column held at a value the person
//! sets, with the points faded by their distance from it.

use crate::common::{harness_on, run_until, set_value};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::LayerwrightApp;
use layerwright::network::views::View;

/// Opens the combo box labelled `axis` and picks `column` in it.
fn choose_axis(harness: &mut Harness<'_, LayerwrightApp>, axis: &str, column: &str) {
    harness.get_by_role_and_label(Role::ComboBox, axis).click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, column).click();
    harness.run_steps(3);
}

/// The latest boundary's axes, held row and outputs.
fn boundary(harness: &Harness<'_, LayerwrightApp>) -> ([usize; 2], Vec<f64>, Vec<f64>) {
    let grid = harness.state().training().boundary().unwrap();
    (
        grid.spec.axes,
        grid.held.clone(),
        grid.outputs.iter().copied().collect(),
    )
}

#[test]
fn iris_petal_length_by_petal_width_draws_a_boundary_that_moves_with_a_held_column() {
    let mut harness = harness_on("iris.json");
    run_until(&mut harness, "the first boundary", |app| {
        app.training().boundary().is_some()
    });
    assert_eq!(
        harness.state().training().current_view(),
        Some(View::Boundary)
    );
    // By default the first two columns are on the axes, the others held at their means.
    let (axes, held, _) = boundary(&harness);
    assert_eq!(axes, [0, 1]);
    assert!(
        (3.0..5.0).contains(&held[2]),
        "petal length's mean: {held:?}"
    );
    choose_axis(&mut harness, "Across", "petal_length_cm");
    choose_axis(&mut harness, "Up", "petal_width_cm");
    run_until(&mut harness, "the petal plane", |app| {
        app.training()
            .boundary()
            .is_some_and(|grid| grid.spec.axes == [2, 3])
    });
    let (_, held, before) = boundary(&harness);
    // Sepal length and width held at their training means (iris: about 5.8 and 3.1).
    assert!((5.5..6.2).contains(&held[0]), "{held:?}");
    assert!((2.8..3.3).contains(&held[1]), "{held:?}");
    // The grid spans petal length 1.0–6.9 and width 0.1–2.5 (training split) with margins.
    let spec = harness.state().training().boundary().unwrap().spec;
    assert!(spec.x.0 < 1.0 && spec.x.1 > 6.9, "{spec:?}");
    assert!(spec.y.0 < 0.1 && spec.y.1 > 2.5, "{spec:?}");
    // Moving the held sepal length's slider re-evaluates the boundary at once (paused).
    // The slider moves in hundredths of the training range (4.3–7.9): 7.5 is about 7.504.
    set_value(&mut harness, "sepal_length_cm", 7.5);
    run_until(&mut harness, "the boundary at sepal length 7.5", |app| {
        app.training()
            .boundary()
            .is_some_and(|grid| (grid.held[0] - 7.5).abs() < 0.02)
    });
    let (axes, _, after) = boundary(&harness);
    assert_eq!(axes, [2, 3]);
    let moved = before
        .iter()
        .zip(&after)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        moved > 1e-3,
        "the boundary changed (largest change {moved})"
    );
}
