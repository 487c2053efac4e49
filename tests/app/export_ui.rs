//! Exporting from the window, driven headless through the File menu: its export items are
//! disabled until the model has trained, then clicked, the path typed into the path field
//! (no file dialog answers headless), and the files written hold the trained weights. An
//! ONNX export is checked by tract before it is written, and checked again here.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use crate::common;

use common::{harness_on, run_until};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use layerwright::app::LayerwrightApp;
use layerwright::app::modal::Modal;

const EXPORT_ITEMS: [&str; 3] = ["Export as JSON…", "Export as ONNX…", "Export as PyTorch…"];

/// Opens the File menu and says whether each export item is enabled.
fn export_items_enabled(harness: &mut Harness<'_, LayerwrightApp>) -> Vec<bool> {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    let enabled = EXPORT_ITEMS
        .iter()
        .map(|label| !harness.get_by_label(label).accesskit_node().is_disabled())
        .collect();
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    enabled
}

#[test]
fn the_export_items_are_disabled_until_the_model_has_trained() {
    let mut harness = harness_on("iris.json");
    assert_eq!(export_items_enabled(&mut harness), [false, false, false]);
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Train the model to export it.");
}

#[test]
fn a_trained_model_exports_from_the_file_menu_to_onnx_pytorch_and_json() {
    let mut harness = harness_on("iris.json");
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training().run.history().is_empty()
    });
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", LayerwrightApp::can_export);
    assert_eq!(export_items_enabled(&mut harness), [true, true, true]);
    let trained = harness.state().training().run.parameters().unwrap().clone();
    let folder = common::TempFolder::new("export-ui", "formats");
    for (item, file) in [
        ("Export as ONNX…", "iris.onnx"),
        ("Export as PyTorch…", "iris.py"),
        ("Export as JSON…", "iris-trained.json"),
    ] {
        let path = folder.join(file);
        save_from_file_menu(&mut harness, item, &path);
        assert!(
            harness.state().modal().is_none(),
            "{item}: {:?}",
            harness.state().modal()
        );
        assert!(path.exists(), "{} was written", path.display());
    }
    // The JSON export is a trained document holding exactly the weights the window trained.
    let document =
        layerwright_nn::graph::io::load_document(&folder.join("iris-trained.json")).unwrap();
    let weights = document.weights.clone().unwrap();
    assert_eq!(weights.epochs, 1);
    let model = layerwright_nn::compile::compile_trained(&document).unwrap();
    assert_eq!(
        model.parameters(),
        &trained,
        "the exported weights are the trained ones"
    );
    // The ONNX file runs in tract and agrees with the engine on the trained weights.
    let onnx = std::fs::read(folder.join("iris.onnx")).unwrap();
    let inputs = layerwright_nn::export::domain_samples(&model, None, 20, 7);
    let verification = layerwright_nn::export::verify_onnx(&onnx, &model, inputs.view()).unwrap();
    assert_eq!(verification.rows, 20);
    assert!(verification.max_difference < 1e-4, "{verification}");
    let python = std::fs::read_to_string(folder.join("iris.py")).unwrap();
    assert!(python.contains("self.hidden = nn.Linear(4, 8, bias=True)"));
}

#[test]
fn exporting_before_training_explains_what_to_do() {
    let mut harness = harness_on("iris.json");
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .export(&ctx, layerwright::document::export::ExportFormat::Onnx);
    harness.run_steps(2);
    let message = harness.state().error_message().unwrap().to_owned();
    assert!(message.contains("train the model first"), "{message}");
}

#[test]
fn the_file_menu_saves_the_network_as_an_svg_and_a_png_diagram_untrained() {
    let mut harness = harness_on("iris.json");
    let folder = common::TempFolder::new("export-ui", "diagram");
    for (item, file) in [
        ("Save diagram as SVG…", "iris-diagram.svg"),
        ("Save diagram as PNG…", "iris-diagram.png"),
    ] {
        let path = folder.join(file);
        save_from_file_menu(&mut harness, item, &path);
        assert!(path.exists(), "{} was written", path.display());
    }
    let svg = std::fs::read_to_string(folder.join("iris-diagram.svg")).unwrap();
    // The cards say what the canvas says, shapes included.
    for text in [">hidden<", "8 units, ReLU", "[batch, 4]", "[batch, 3]"] {
        assert!(svg.contains(text), "{text} in {svg}");
    }
    let png = std::fs::read(folder.join("iris-diagram.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

/// Chooses `item` in the File menu; the file is made on a worker thread, then the path field
/// asks, suggesting `path`'s name; answers with `path`.
fn save_from_file_menu(
    harness: &mut egui_kittest::Harness<'static, LayerwrightApp>,
    item: &str,
    path: &std::path::Path,
) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label(item).click();
    run_until(harness, "the path field", |app| {
        matches!(app.modal(), Some(Modal::PathPrompt(_)))
    });
    let field = harness.get_by_label("Path");
    let suggested = path.file_name().and_then(|n| n.to_str());
    assert_eq!(field.value().as_deref(), suggested, "the suggested name");
    common::type_path_and_press(harness, path, "Export");
}
