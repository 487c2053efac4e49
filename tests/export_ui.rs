//! Exporting from the window, driven headless: the File menu's export items are enabled
//! once the model has trained, an ONNX export is checked by tract before it is written, and
//! exporting an untrained model says so.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

mod common;

use common::{harness_on, run_until};
use egui_kittest::kittest::Queryable;
use layerwright::app::LayerwrightApp;
use layerwright::cli::ExportFormat;

#[test]
fn exporting_before_training_explains_what_to_do() {
    let mut harness = harness_on("iris.json");
    assert!(!harness.state().can_export());
    let ctx = harness.ctx.clone();
    harness.state_mut().export(&ctx, ExportFormat::Onnx);
    harness.run_steps(2);
    let message = harness.state().error_dialog.clone().unwrap();
    assert!(message.contains("train the model first"), "{message}");
}

#[test]
fn a_trained_model_exports_to_onnx_pytorch_and_json_through_the_path_field() {
    let mut harness = harness_on("iris.json");
    run_until(&mut harness, "the first snapshot", |app| {
        !app.training.history.is_empty()
    });
    harness.get_by_label("Step epoch").click();
    run_until(&mut harness, "one epoch", LayerwrightApp::can_export);
    let folder = std::env::temp_dir().join(format!("layerwright-export-ui-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    for (format, file) in [
        (ExportFormat::Onnx, "iris.onnx"),
        (ExportFormat::Pytorch, "iris.py"),
        (ExportFormat::Json, "iris-trained.json"),
    ] {
        let ctx = harness.ctx.clone();
        harness.state_mut().export(&ctx, format);
        // No file dialog answers headless: the path field asks, suggesting a name.
        run_until(&mut harness, "the path field", |app| {
            app.path_prompt.is_some()
        });
        assert_eq!(harness.state().path_prompt.as_ref().unwrap().text, file);
        let path = folder.join(file);
        harness.state_mut().path_prompt.as_mut().unwrap().text = path.display().to_string();
        harness.run_steps(1);
        harness.get_by_label("Export").click();
        harness.run_steps(2);
        assert!(
            harness.state().error_dialog.is_none(),
            "{:?}",
            harness.state().error_dialog
        );
        assert!(path.exists(), "{} was written", path.display());
    }
    // The JSON export is a trained document that the command line predicts with.
    let document =
        layerwright_nn::graph::io::load_document(&folder.join("iris-trained.json")).unwrap();
    assert_eq!(document.weights.unwrap().epochs, 1);
    let python = std::fs::read_to_string(folder.join("iris.py")).unwrap();
    assert!(python.contains("self.hidden = nn.Linear(4, 8, bias=True)"));
    std::fs::remove_dir_all(&folder).unwrap();
}
