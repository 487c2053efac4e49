//! The data panel and starting from data, driven headless: generators with their noise and
//! split, Regenerate and undo, bundled sets, a CSV with its target, File → New, a dropped
//! CSV, and saving generated points as CSV.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{harness_on, run_until, set_value, type_path_and_press};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use layerwright::app::LayerwrightApp;
use layerwright::commands::{Action, Command};
use layerwright_nn::data::{BundledDataset, Generator, ImageShape, Task};
use layerwright_nn::graph::{DataSource, DatasetSpec, GraphDocument, Node};
use layerwright_nn::{Loss, OutputFunction};

fn temporary_dir(name: &str) -> common::TempFolder {
    common::TempFolder::new("data", name)
}

fn document(harness: &Harness<'_, LayerwrightApp>) -> GraphDocument {
    harness.state().editor().document.document().clone()
}

fn dataset(harness: &Harness<'_, LayerwrightApp>) -> DatasetSpec {
    document(harness).dataset
}

/// Waits until the compile result is the open document's.
fn settle(harness: &mut Harness<'_, LayerwrightApp>) {
    run_until(harness, "the compile of the document as it is", |app| {
        let key = layerwright::network::compiled::compile_key(
            app.editor().document.document(),
            app.editor().base_dir.as_deref(),
        );
        !app.network().is_compiling() && app.network().compiled().is_some_and(|c| c.key == key)
    });
}

/// The raw inputs of the loaded data, as the compile read them.
fn loaded_inputs(harness: &Harness<'_, LayerwrightApp>) -> Vec<f64> {
    let compiled = harness.state().network().compiled().unwrap();
    compiled
        .dataset
        .as_ref()
        .unwrap()
        .inputs
        .iter()
        .copied()
        .collect()
}

/// Opens the data panel with its shortcut, past the window's sizing frame.
fn open_data_panel(harness: &mut Harness<'_, LayerwrightApp>) {
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    harness.run_steps(4);
    assert!(harness.state().network().data.open);
}

/// Opens the data panel and chooses the CSV at `path` as the data set, through the path
/// field (no file dialog answers headless); the file is then read on its worker.
fn choose_csv_in_data_panel(harness: &mut Harness<'_, LayerwrightApp>, path: &Path) {
    open_data_panel(harness);
    harness.get_by_label("CSV file…").click();
    harness.run_steps(3);
    type_path_and_press(harness, path, "Open");
}

/// Trains until `epochs` have passed, and returns the first and latest training loss.
fn train_for(harness: &mut Harness<'_, LayerwrightApp>, epochs: usize) -> (f64, f64) {
    run_until(harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    let first = harness.state().training().run.train_loss().unwrap();
    harness.get_by_label("Train").click();
    run_until(harness, "training", |app| {
        app.training().run.epochs() >= epochs
    });
    (first, harness.state().training().run.train_loss().unwrap())
}

#[test]
fn circle_with_noise_and_a_seventy_percent_split_trains() {
    let mut harness = harness_on("spiral.json");
    open_data_panel(&mut harness);
    harness
        .get_by_role_and_label(Role::Button, "circle")
        .click();
    harness.run_steps(2);
    set_value(&mut harness, "Noise", 0.3);
    set_value(&mut harness, "Train fraction", 0.7);
    let spec = dataset(&harness);
    match &spec.source {
        DataSource::Generated {
            generator, noise, ..
        } => {
            assert_eq!(*generator, Generator::Circle);
            assert!((noise - 0.3).abs() < 1e-9, "noise {noise}");
        }
        other => panic!("not generated: {other:?}"),
    }
    assert!((spec.train_fraction - 0.7).abs() < 1e-9);
    settle(&mut harness);
    let compiled = harness.state().network().compiled().unwrap().clone();
    let graph = compiled.graph.as_ref().unwrap();
    // 500 points, 70% of them for training: 350 and 150.
    assert_eq!(graph.data.train_indices.len(), 350);
    assert_eq!(graph.data.test_indices.len(), 150);
    harness.get_by_label_contains("circle: 500 examples, 2 input columns");
    let (first, latest) = train_for(&mut harness, 20);
    assert!(latest < first, "the loss fell from {first} to {latest}");
}

#[test]
fn regenerate_draws_new_points_and_undo_brings_the_old_ones_back() {
    let mut harness = harness_on("circle.json");
    open_data_panel(&mut harness);
    let before = loaded_inputs(&harness);
    let seed_of = |spec: &DatasetSpec| match spec.source {
        DataSource::Generated { seed, .. } => seed,
        _ => u64::MAX,
    };
    let old_seed = seed_of(&dataset(&harness));
    harness.get_by_label("Regenerate").click();
    harness.run_steps(2);
    settle(&mut harness);
    assert_eq!(seed_of(&dataset(&harness)), old_seed + 1);
    let after = loaded_inputs(&harness);
    assert_eq!(after.len(), before.len());
    assert_ne!(after, before, "new points");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    settle(&mut harness);
    assert_eq!(seed_of(&dataset(&harness)), old_seed);
    assert_eq!(loaded_inputs(&harness), before, "the same points as before");
}

#[test]
fn a_bundled_set_is_chosen_and_the_digits_declare_their_images() {
    let mut harness = harness_on("spiral.json");
    open_data_panel(&mut harness);
    harness.get_by_label("Bundled set").click();
    harness.run_steps(2);
    let spec = dataset(&harness);
    assert_eq!(
        spec.source,
        DataSource::Bundled {
            name: BundledDataset::Iris
        }
    );
    settle(&mut harness);
    harness.run_steps(2);
    harness.get_by_label_contains("Iris: 150 examples, 4 input columns");
    // Three species: the spiral's one sigmoid unit became a softmax over the classes.
    let Some(Node::Output(output)) = document(&harness).node("output").cloned() else {
        panic!("an output node")
    };
    assert_eq!(output.output_function, OutputFunction::Softmax);
    assert_eq!(output.loss, Loss::SoftmaxCrossEntropy);
    assert!(harness.state().network().compiled().unwrap().graph.is_ok());
    harness
        .get_by_role_and_label(Role::Button, "Digits 8×8")
        .click();
    harness.run_steps(2);
    assert_eq!(dataset(&harness).image, Some(ImageShape::DIGITS));
    settle(&mut harness);
    harness.run_steps(2);
    harness.get_by_label("Rows are images");
    harness.get_by_label_contains("1797 examples, 64 input columns");
    // The first images are drawn in the preview, each with its class on hover.
    harness.get_by_label("Images");
}

/// A numeric CSV whose target, `price`, is the first column: price = 3·size − rooms + 2.
fn write_prices(dir: &Path) -> PathBuf {
    let path = dir.join("prices.csv");
    let mut text = String::from("price,size,rooms\n");
    for i in 0..60 {
        let size = f64::from(i % 12) * 0.5;
        let rooms = f64::from(i % 5);
        text.push_str(&format!("{},{size},{rooms}\n", 3.0 * size - rooms + 2.0));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_numeric_csv_with_a_header_trains_a_regression_on_the_chosen_target() {
    let dir = temporary_dir("prices");
    let path = write_prices(&dir);
    let mut harness = harness_on("spiral.json");
    choose_csv_in_data_panel(&mut harness, &path);
    run_until(&mut harness, "the CSV read", |app| !app.is_reading_csv());
    let spec = dataset(&harness);
    assert!(matches!(spec.source, DataSource::Csv { .. }), "{spec:?}");
    // The last column, rooms (0 to 4), was guessed to be classes.
    assert_eq!(spec.task, Task::Classification);
    settle(&mut harness);
    harness.run_steps(2);
    harness.get_by_label("Target column").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "price").click();
    harness.run_steps(2);
    harness.get_by_label("Task").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Button, "regression")
        .click();
    harness.run_steps(2);
    let spec = dataset(&harness);
    assert_eq!(spec.task, Task::Regression);
    assert_eq!(
        spec.target,
        layerwright_nn::data::TargetColumn::Name("price".to_owned())
    );
    assert!(spec.standardize_target);
    settle(&mut harness);
    let compiled = harness.state().network().compiled().unwrap().clone();
    let loaded = compiled.dataset.as_ref().unwrap();
    assert_eq!(loaded.feature_names, vec!["size", "rooms"]);
    assert_eq!(loaded.target_name, "price");
    // The output followed the task: identity with squared error.
    let Some(Node::Output(output)) = document(&harness).node("output").cloned() else {
        panic!("an output node")
    };
    assert_eq!(output.output_function, OutputFunction::Identity);
    assert_eq!(output.loss, Loss::SquaredError);
    let (first, latest) = train_for(&mut harness, 30);
    assert!(
        latest < first * 0.5,
        "the loss fell from {first} to {latest}"
    );
}

#[test]
fn a_dropped_csv_asks_about_unsaved_changes_then_gives_a_graph_that_trains() {
    let dir = temporary_dir("dropped");
    let path = write_prices(&dir);
    let mut harness = harness_on("spiral.json");
    // An unsaved change first.
    harness.get_by_label("Dense").click();
    harness.run_steps(2);
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(common::Dropped(path.clone())));
    harness.run_steps(3);
    harness.get_by_label("Save the changes to spiral.json before starting a new graph?");
    harness.get_by_label("Don't save").click();
    harness.run_steps(2);
    run_until(&mut harness, "the CSV read", |app| !app.is_reading_csv());
    settle(&mut harness);
    let document = document(&harness);
    let ids: Vec<&str> = document.nodes.iter().map(Node::id).collect();
    assert_eq!(ids, vec!["input", "hidden", "output"]);
    assert_eq!(
        document.dataset.source,
        DataSource::Csv {
            path: path.display().to_string(),
            header: layerwright_nn::data::HeaderRow::Detect
        }
    );
    assert_eq!(harness.state().file().name, "Untitled");
    assert!(
        harness.state().network().data.open,
        "the data panel shows it"
    );
    let (first, latest) = train_for(&mut harness, 20);
    assert!(latest < first, "the loss fell from {first} to {latest}");
}

#[test]
fn file_new_asks_for_the_data_and_builds_a_network_that_fits_it() {
    let mut harness = harness_on("spiral.json");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run_steps(4);
    harness.get_by_label("Choose the data the new network learns from.");
    harness
        .get_by_role_and_label(Role::Button, "3 blobs")
        .click();
    harness.run_steps(2);
    harness.get_by_label_contains("a hidden layer of 8 tanh units, and a softmax output");
    harness.get_by_label("Create").click();
    harness.run_steps(3);
    settle(&mut harness);
    let document = document(&harness);
    assert_eq!(document.nodes.len(), 3);
    assert_eq!(
        document.dataset.source,
        DatasetSpec::generated(Generator::Blobs { classes: 3 }).source
    );
    let Some(Node::Output(output)) = document.node("output").cloned() else {
        panic!("an output node")
    };
    assert_eq!(output.output_function, OutputFunction::Softmax);
    let compiled = harness.state().network().compiled().unwrap().clone();
    assert!(
        compiled.graph.is_ok(),
        "{:?}",
        compiled.graph.as_ref().err()
    );
    let (first, latest) = train_for(&mut harness, 10);
    assert!(latest < first, "the loss fell from {first} to {latest}");
}

#[test]
fn generated_points_save_as_a_csv_that_reads_back_the_same() {
    let dir = temporary_dir("save");
    let path = dir.join("circle.csv");
    let mut harness = harness_on("circle.json");
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, Command::Action(Action::SaveDataCsv));
    harness.run_steps(3);
    type_path_and_press(&mut harness, &path, "Save");
    let options = layerwright_nn::data::CsvOptions {
        header: layerwright_nn::data::HeaderRow::Present,
        target: layerwright_nn::data::TargetColumn::Last,
        task: Task::Classification,
        ..Default::default()
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let back = layerwright_nn::data::read_csv(&text, "circle", &options).unwrap();
    let compiled = harness.state().network().compiled().unwrap().clone();
    let loaded = compiled.dataset.as_ref().unwrap();
    assert_eq!(back.inputs, loaded.inputs);
    assert_eq!(back.targets, loaded.targets);
}

#[test]
fn the_input_node_opens_the_data_panel() {
    let mut harness = harness_on("spiral.json");
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, Command::SelectNodes(vec!["input".to_owned()]));
    harness.run_steps(2);
    harness.get_by_label("Data set…").click();
    harness.run_steps(3);
    assert!(harness.state().network().data.open);
    harness.get_by_label("Source");
}

/// A click at `position` on the screen, with `modifiers` held.
fn click_at(harness: &mut Harness<'_, LayerwrightApp>, position: egui::Pos2, modifiers: Modifiers) {
    harness.event(egui::Event::ModifiersChanged(modifiers));
    harness.event(egui::Event::PointerMoved(position));
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: position,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers,
        });
    }
    harness.run_steps(1);
    harness.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    harness.run_steps(1);
}

#[test]
fn points_by_hand_start_from_an_empty_plane_and_train_once_two_classes_have_points() {
    let mut harness = harness_on("spiral.json");
    open_data_panel(&mut harness);
    harness.get_by_label("Points by hand").click();
    harness.run_steps(2);
    assert_eq!(
        dataset(&harness).source,
        DataSource::Points {
            points: Vec::new(),
            classes: 2
        }
    );
    // The data panel is out of the way; the plane waits for clicks.
    harness.key_press(Key::Escape);
    harness.state_mut().network_mut().data.open = false;
    settle(&mut harness);
    harness.run_steps(2);
    let hint = harness.get_by_label_contains("0 points so far").rect();
    let plane = |dx: f32, dy: f32| hint.left_bottom() + egui::vec2(80.0 + dx, 90.0 + dy);
    // Two points of the first class, then one of the next with Shift; the plane stays
    // until there are points of two classes.
    for dy in [0.0, 40.0] {
        click_at(&mut harness, plane(0.0, dy), Modifiers::NONE);
        harness.get_by_label_contains("points so far");
    }
    click_at(&mut harness, plane(200.0, 20.0), Modifiers::SHIFT);
    let DataSource::Points { points, .. } = dataset(&harness).source else {
        panic!("points")
    };
    let labels: Vec<f64> = points.iter().map(|p| p.label).collect();
    assert_eq!(labels, vec![0.0, 0.0, 1.0]);
    // The second class was placed to the right of the first, the first two one above the other.
    assert!(points[2].x > points[0].x);
    assert!(points[1].y < points[0].y);
    settle(&mut harness);
    assert!(harness.state().network().compiled().unwrap().graph.is_ok());
    let (first, latest) = train_for(&mut harness, 20);
    assert!(latest < first, "the loss fell from {first} to {latest}");
}

#[test]
fn a_csv_with_text_and_blanks_shows_its_columns_and_a_column_can_be_ignored() {
    let dir = temporary_dir("columns");
    let path = dir.join("weather.csv");
    let mut text = String::from("day;outlook;temperature;humidity;play\n");
    for i in 0..40 {
        let outlook = ["sunny", "overcast", "rain"][i % 3];
        let temperature = if i % 9 == 0 {
            "NA".to_owned()
        } else {
            (15 + i % 12).to_string()
        };
        let play = if outlook == "overcast" || i % 2 == 0 {
            "yes"
        } else {
            "no"
        };
        text.push_str(&format!(
            "2026-03-{:02};{outlook};{temperature};{};{play}\n",
            i % 28 + 1,
            60 + i % 30
        ));
    }
    std::fs::write(&path, text).unwrap();
    let mut harness = harness_on("spiral.json");
    choose_csv_in_data_panel(&mut harness, &path);
    run_until(&mut harness, "the CSV read", |app| !app.is_reading_csv());
    settle(&mut harness);
    harness.run_steps(3);
    // The dates are ignored with a note; outlook is a category, the rest numbers.
    let compiled = harness.state().network().compiled().unwrap().clone();
    assert!(
        compiled.dataset.is_ok(),
        "{:?}",
        compiled.dataset.as_ref().err()
    );
    // Said in the panel and in the graph's data line.
    assert_eq!(
        harness
            .get_all_by_label_contains("Note: column 'day' is ignored")
            .count(),
        2
    );
    let loaded = harness
        .state()
        .network()
        .compiled()
        .unwrap()
        .dataset
        .clone()
        .unwrap();
    assert_eq!(
        loaded.feature_names,
        vec![
            "temperature",
            "humidity",
            "outlook=sunny",
            "outlook=overcast",
            "outlook=rain"
        ]
    );
    // Humidity left out from the panel.
    harness
        .get_by_role_and_label(Role::ComboBox, "humidity")
        .click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Button, "ignored")
        .click();
    harness.run_steps(2);
    let spec = dataset(&harness);
    assert_eq!(
        spec.columns,
        vec![layerwright_nn::data::ColumnChoice {
            name: "humidity".to_owned(),
            role: Some(layerwright_nn::data::ColumnRole::Ignored),
            kind: None
        }]
    );
    settle(&mut harness);
    let loaded = harness
        .state()
        .network()
        .compiled()
        .unwrap()
        .dataset
        .clone()
        .unwrap();
    assert_eq!(loaded.feature_count(), 4);
    assert!(harness.state().network().compiled().unwrap().graph.is_ok());
}

#[test]
fn a_fifty_thousand_row_file_loads_on_workers_while_the_window_keeps_drawing() {
    let dir = temporary_dir("large");
    let path = dir.join("large.csv");
    let mut text = String::from("a,b,c,kind\n");
    for i in 0..50_000 {
        let (a, b, c) = (i % 97, i % 89, i % 83);
        let kind = if (a + b) % 2 == 0 { "even" } else { "odd" };
        text.push_str(&format!("{a},{b},{c},{kind}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let mut harness = harness_on("spiral.json");
    choose_csv_in_data_panel(&mut harness, &path);
    // Frames go on while the file is read (the task guessed on `csv-reader`, the data
    // loaded on `compiler`); the window says so meanwhile.
    let mut busy_frames = 0;
    let mut said_reading = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let app = harness.state();
        let busy = app.is_reading_csv() || app.network().is_compiling();
        let loaded = app
            .network()
            .compiled()
            .and_then(|c| c.dataset.as_ref().ok().cloned())
            .is_some_and(|d| d.len() == 50_000);
        if !busy && loaded {
            break;
        }
        if busy {
            busy_frames += 1;
        }
        if app.is_reading_csv() {
            said_reading |= harness
                .query_by_label_contains("Reading large.csv")
                .is_some();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the file did not load"
        );
        harness.run_steps(1);
    }
    assert!(busy_frames > 0, "the window drew while the file loaded");
    assert!(said_reading, "the window said it was reading the file");
    settle(&mut harness);
    assert!(harness.state().network().compiled().unwrap().graph.is_ok());
}
