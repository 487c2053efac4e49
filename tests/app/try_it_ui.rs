//! "Try it": inputs the person sets, or a digit drawn on the pad with the mouse, answered by
//! the trainer with the latest weights, the same answer `layerwright predict` gives.

use crate::common::{TempFolder, harness_on, run_until, set_value, train_to_budget};
use egui::{Event, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::LayerwrightApp;
use layerwright::network::views::View;
use layerwright::network::views::try_it::class_probabilities;

/// A press and release of `button` at `at`.
fn click_at(harness: &mut Harness<'_, LayerwrightApp>, at: Pos2, button: PointerButton) {
    harness.event(Event::PointerMoved(at));
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos: at,
            button,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        harness.run_steps(1);
    }
}

/// The class the trainer's latest answer for the person's row gives, once it answers for
/// exactly `row`.
fn answered_class(harness: &mut Harness<'_, LayerwrightApp>, row: &[f64]) -> usize {
    run_until(harness, "the answer for the row", |app| {
        app.training()
            .probe()
            .is_some_and(|probe| probe.row.as_slice() == row)
    });
    let probe = harness.state().training().probe().unwrap();
    let probabilities = class_probabilities(&probe.outputs);
    (0..probabilities.len())
        .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
        .unwrap()
}

/// What `layerwright train` then `layerwright predict` say of `row` for `example`.
fn predicted_by_the_cli(example: &str, row: &[f64], folder: &TempFolder) -> String {
    let document = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/examples")
        .join(example);
    let trained = folder.join("trained.json");
    let mut printed = Vec::new();
    layerwright::cli::train(&document, None, None, Some(&trained), false, &mut printed).unwrap();
    let input = folder.join("row.csv");
    let cells: Vec<String> = row.iter().map(f64::to_string).collect();
    std::fs::write(&input, cells.join(",") + "\n").unwrap();
    let mut predictions = Vec::new();
    layerwright::cli::predict(&trained, &input, None, &mut predictions).unwrap();
    let text = String::from_utf8(predictions).unwrap();
    let line = text.lines().nth(1).unwrap();
    line.split(',').next().unwrap().to_owned()
}

#[test]
fn a_test_digit_painted_on_the_pad_gets_the_class_predict_gives() {
    let mut harness = harness_on("digits.json");
    train_to_budget(&mut harness);
    harness.get_by_label("Try it").click();
    harness.run_steps(2);
    assert_eq!(harness.state().training().current_view(), Some(View::TryIt));
    let app = harness.state();
    let graph = app.network().compiled().unwrap().graph.clone().unwrap();
    let dataset = app.network().compiled().unwrap().dataset.clone().unwrap();
    let index = graph.data.test_indices[3];
    let digit: Vec<f64> = dataset.inputs.row(index).to_vec();
    // The pad starts with the first test image (so a convolution's feature maps show
    // something); Clear blanks it.
    let first: Vec<f64> = dataset.inputs.row(graph.data.test_indices[0]).to_vec();
    assert_eq!(app.training().try_it.pad().unwrap().pixels(), &first[..]);
    harness.get_by_label("Clear").click();
    harness.run_steps(2);
    let pad = harness.state().training().try_it.pad().unwrap();
    assert!(
        pad.pixels().iter().all(|&p| p == 0.0),
        "Clear blanks the pad"
    );
    let rect = pad.rect().unwrap();
    let shape = pad.shape();
    let cell = egui::vec2(
        rect.width() / shape.width as f32,
        rect.height() / shape.height as f32,
    );
    // Paint every inked pixel of the digit with its own value as the ink.
    for (pixel, &value) in digit.iter().enumerate() {
        if value == 0.0 {
            continue;
        }
        set_value(&mut harness, "Ink", value);
        let (row, column) = (pixel / shape.width, pixel % shape.width);
        let centre =
            rect.min + egui::vec2((column as f32 + 0.5) * cell.x, (row as f32 + 0.5) * cell.y);
        click_at(&mut harness, centre, PointerButton::Primary);
    }
    let class = answered_class(&mut harness, &digit);
    let folder = TempFolder::new("try-it", "digit");
    let names = &dataset.class_names;
    assert_eq!(
        names[class],
        predicted_by_the_cli("digits.json", &digit, &folder)
    );
    // The right button erases: the pad is blank where it clicks.
    let first_inked = digit.iter().position(|&p| p > 0.0).unwrap();
    let (row, column) = (first_inked / shape.width, first_inked % shape.width);
    let centre = rect.min + egui::vec2((column as f32 + 0.5) * cell.x, (row as f32 + 0.5) * cell.y);
    click_at(&mut harness, centre, PointerButton::Secondary);
    let pad = harness.state().training().try_it.pad().unwrap();
    assert_eq!(pad.pixels()[first_inked], 0.0);
}

#[test]
fn a_mistaken_test_image_opens_in_the_pad() {
    let mut harness = harness_on("digits.json");
    run_until(&mut harness, "the test predictions", |app| {
        !app.training().views().test_predictions.is_empty()
    });
    // Untrained, most test images are mistaken: the first one is opened.
    harness.get_by_label("Test images").click();
    harness.run_steps(2);
    let app = harness.state();
    let graph = app.network().compiled().unwrap().graph.clone().unwrap();
    let dataset = app.network().compiled().unwrap().dataset.clone().unwrap();
    let predictions = app.training().views().test_predictions.clone();
    let mistaken = (0..predictions.len())
        .find(|&i| {
            let truth =
                layerwright_nn::data::class_index(dataset.targets[graph.data.test_indices[i]]);
            truth != Some(predictions[i])
        })
        .unwrap();
    harness
        .get_by_label(&format!("Test example {}", mistaken + 1))
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().training().current_view(), Some(View::TryIt));
    let expected = dataset
        .inputs
        .row(graph.data.test_indices[mistaken])
        .to_vec();
    let pad = harness.state().training().try_it.pad().unwrap();
    assert_eq!(pad.pixels(), expected.as_slice());
}

#[test]
fn iris_inputs_filled_from_a_row_answer_as_predict_does_and_move_with_a_slider() {
    let mut harness = harness_on("iris.json");
    train_to_budget(&mut harness);
    harness.get_by_label("Try it").click();
    harness.run_steps(2);
    let dataset = harness
        .state()
        .network()
        .compiled()
        .unwrap()
        .dataset
        .clone()
        .unwrap();
    // Row 101 of the file (index 100): a virginica.
    set_value(&mut harness, "Data row", 101.0);
    let row = dataset.inputs.row(100).to_vec();
    let class = answered_class(&mut harness, &row);
    let folder = TempFolder::new("try-it", "iris");
    assert_eq!(
        dataset.class_names[class],
        predicted_by_the_cli("iris.json", &row, &folder)
    );
    // The smallest petals in the data make a setosa of it.
    set_value(&mut harness, "petal_length_cm", 1.0);
    set_value(&mut harness, "petal_width_cm", 0.1);
    let mut small = row.clone();
    small[2] = 1.0;
    small[3] = 0.1;
    let class = answered_class(&mut harness, &small);
    assert_eq!(dataset.class_names[class], "setosa");
}
