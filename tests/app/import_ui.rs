//! File → Import ONNX model…: the model is read and described, the data chosen, and the
//! document made replaces the open graph, predicting as the exported model did.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use layerwright::app::LayerwrightApp;
use layerwright::app::modal::Modal;
use layerwright_nn::Precision;
use layerwright_nn::compile::{compile, compile_trained, load_dataset};
use layerwright_nn::export::onnx::to_onnx;
use layerwright_nn::graph::Node;
use layerwright_nn::graph::io::parse_document;

use crate::common::{self, harness_on, run_until};

/// Iris trained for 20 epochs, exported as ONNX into `folder`, with the iris CSV beside it.
fn iris_model_and_data(folder: &Path) -> (PathBuf, PathBuf) {
    let text = layerwright::examples::example("iris.json").unwrap().text;
    let mut document = parse_document(text, "iris.json").unwrap();
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    let mut session = compiled.session(Precision::F32).unwrap();
    session.run_epochs(20).unwrap();
    document.weights = Some(compiled.trained_weights(&session.parameters(), 20));
    let model = compile_trained(&document).unwrap();
    let onnx = folder.join("iris.onnx");
    std::fs::write(&onnx, to_onnx(&model, "iris").unwrap()).unwrap();
    let csv = folder.join("iris.csv");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/datasets/iris.csv"),
        &csv,
    )
    .unwrap();
    (onnx, csv)
}

/// Runs frames until a widget labelled with text containing `text` shows.
fn run_until_shown(harness: &mut Harness<'static, LayerwrightApp>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while harness.query_by_label_contains(text).is_none() {
        assert!(Instant::now() < deadline, "timed out waiting for '{text}'");
        harness.run_steps(1);
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn choose_in_path_field(harness: &mut Harness<'static, LayerwrightApp>, path: &Path, button: &str) {
    run_until(harness, "the path field", |app| {
        matches!(app.modal(), Some(Modal::PathPrompt(_)))
    });
    common::type_path_and_press(harness, path, button);
}

/// File → Import ONNX model… with `model` typed in the path field.
fn import_from_file_menu(harness: &mut Harness<'static, LayerwrightApp>, model: &Path) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Import ONNX model…").click();
    choose_in_path_field(harness, model, "Import");
}

#[test]
fn an_onnx_model_is_described_imported_on_a_csv_and_replaces_the_graph() {
    let folder = common::TempFolder::new("import_ui", "iris");
    let (onnx, csv) = iris_model_and_data(&folder);
    let mut harness = harness_on("spiral.json");
    import_from_file_menu(&mut harness, &onnx);
    run_until_shown(
        &mut harness,
        "4 inputs, then dense 8 ReLU, dense 3 identity; ends in softmax.",
    );
    // Nothing is replaced until the data is chosen and Import pressed.
    assert!(
        harness
            .state()
            .editor()
            .document
            .document()
            .node("hidden1")
            .is_some()
    );
    // The window fades in; its buttons answer once it has.
    harness.run_steps(5);
    harness.get_by_label("Choose…").click();
    choose_in_path_field(&mut harness, &csv, "Open");
    // The header is read: the last column is offered as the target.
    run_until_shown(&mut harness, "of the file's 5 columns");
    harness.run_steps(5);
    harness.get_by_label("Import").click();
    run_until(&mut harness, "the imported graph", |app| {
        app.editor().document.document().node("dense1").is_some()
    });
    let document = harness.state().editor().document.document().clone();
    let kinds: Vec<&str> = document
        .nodes
        .iter()
        .map(|n| match n {
            Node::Input(_) => "input",
            Node::Dense(_) => "dense",
            Node::Output(_) => "output",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["input", "dense", "output"]);
    assert_eq!(
        document.dataset.normalization,
        layerwright_nn::data::Normalization::None
    );
    let weights = document.weights.as_ref().unwrap();
    assert_eq!(
        weights.data.class_names,
        ["setosa", "versicolor", "virginica"]
    );
    assert!(
        harness.query_by_label("Import ONNX model").is_none(),
        "the window closed"
    );
    run_until_shown(
        &mut harness,
        "read as the classes setosa, versicolor, virginica",
    );
}

#[test]
fn a_model_with_an_operator_it_cannot_read_says_so_in_the_window_and_changes_nothing() {
    let folder = common::TempFolder::new("import_ui", "refused");
    let (onnx, _) = iris_model_and_data(&folder);
    let broken = common::onnx_with_cosh(&onnx, &folder);
    let mut harness = harness_on("spiral.json");
    import_from_file_menu(&mut harness, &broken);
    run_until_shown(&mut harness, "cosh.onnx: operator Cosh (node 'Cosh_");
    harness.run_steps(5);
    assert!(
        harness
            .get_by_label("Import")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("operator Cosh").is_none());
    assert!(
        harness
            .state()
            .editor()
            .document
            .document()
            .node("hidden1")
            .is_some()
    );
}

#[test]
fn file_open_on_an_onnx_file_opens_the_import_window() {
    let folder = common::TempFolder::new("import_ui", "open");
    let (onnx, _) = iris_model_and_data(&folder);
    let mut harness = harness_on("spiral.json");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    choose_in_path_field(&mut harness, &onnx, "Open");
    run_until_shown(&mut harness, "4 inputs, then dense 8 ReLU");
    assert!(harness.query_by_label("Import ONNX model").is_some());
    assert!(
        harness
            .state()
            .editor()
            .document
            .document()
            .node("hidden1")
            .is_some()
    );
}

#[test]
fn a_dropped_model_opens_the_window_and_its_graph_asks_about_unsaved_changes_first() {
    let folder = common::TempFolder::new("import_ui", "dropped");
    let (onnx, csv) = iris_model_and_data(&folder);
    let mut harness = harness_on("spiral.json");
    // An unsaved change first.
    harness.get_by_label("Dense").click();
    harness.run_steps(2);
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(common::Dropped(onnx)));
    run_until_shown(&mut harness, "4 inputs, then dense 8 ReLU");
    harness.run_steps(5);
    harness.get_by_label("Choose…").click();
    choose_in_path_field(&mut harness, &csv, "Open");
    run_until_shown(&mut harness, "of the file's 5 columns");
    harness.run_steps(5);
    harness.get_by_label("Import").click();
    run_until_shown(
        &mut harness,
        "Save the changes to spiral.json before starting a new graph?",
    );
    harness.get_by_label("Don't save").click();
    run_until(&mut harness, "the imported graph", |app| {
        app.editor().document.document().node("dense1").is_some()
    });
}
