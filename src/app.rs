//! The application window.

use layerwright_nn::Activation;

/// The id under which eframe stores settings; fixed so they survive renames.
pub const APP_ID: &str = "layerwright";

/// The app's state. The node editor, training panels and plots arrive in later issues.
#[derive(Default)]
pub struct LayerwrightApp;

impl eframe::App for LayerwrightApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            welcome_ui(ui);
        });
    }
}

/// What the window shows until the editor exists: what the app is and what is coming.
fn welcome_ui(ui: &mut egui::Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.heading("Layerwright");
        ui.label("Build neural networks visually and watch them learn.");
    });
    ui.add_space(24.0);
    ui.label("The training engine is ready. Coming next:");
    for line in [
        "A node editor: drag input, dense and output layers onto a canvas and wire them.",
        "Training on a background thread, with live loss curves and the decision boundary.",
        "Built-in data sets (spirals, circles, XOR, Iris, digits) and your own CSV files.",
        "Saving graphs as JSON and exporting trained models to JSON, ONNX and PyTorch.",
    ] {
        ui.label(format!("• {line}"));
    }
    ui.add_space(16.0);
    let names: Vec<&str> = Activation::ALL.iter().map(Activation::name).collect();
    ui.label(format!("Activations available: {}.", names.join(", ")));
}
