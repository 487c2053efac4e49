//! The application window.

use std::path::Path;

use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::{load_document, parse_document};

use crate::examples::{DEFAULT_EXAMPLE, EXAMPLES, example};

/// The id under which eframe stores settings; fixed so they survive renames.
pub const APP_ID: &str = "layerwright";

/// The document the window opened on, or why it could not be opened.
pub struct OpenedDocument {
    /// The file name shown in the title.
    pub name: String,
    /// The document, or the loader's message.
    pub document: Result<GraphDocument, String>,
}

impl OpenedDocument {
    /// Opens `path`, or the default example when there is none.
    pub fn open(path: Option<&Path>) -> Self {
        match path {
            Some(path) => Self {
                name: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                document: load_document(path).map_err(|e| e.to_string()),
            },
            None => {
                let text = example(DEFAULT_EXAMPLE).map_or("", |e| e.text);
                Self {
                    name: DEFAULT_EXAMPLE.to_owned(),
                    document: parse_document(text, DEFAULT_EXAMPLE).map_err(|e| e.to_string()),
                }
            }
        }
    }
}

/// The app's state. The node editor, training panels and plots arrive in later issues.
pub struct LayerwrightApp {
    opened: OpenedDocument,
}

impl LayerwrightApp {
    /// The window on `opened`.
    pub fn new(opened: OpenedDocument) -> Self {
        Self { opened }
    }
}

impl eframe::App for LayerwrightApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            welcome_ui(ui, &self.opened);
        });
    }
}

/// What the window shows until the editor exists: the open document and what is coming.
fn welcome_ui(ui: &mut egui::Ui, opened: &OpenedDocument) {
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.heading("Layerwright");
        ui.label("Build neural networks visually and watch them learn.");
    });
    ui.add_space(16.0);
    match &opened.document {
        Ok(document) => {
            ui.strong(format!("Open: {}", opened.name));
            let kinds: Vec<String> = document
                .nodes
                .iter()
                .map(|n| format!("{} ({})", n.id(), n.kind_name()))
                .collect();
            ui.label(format!("Nodes: {}.", kinds.join(" → ")));
            ui.label(format!(
                "Training: {} at learning rate {}, {} epochs.",
                document.training.optimizer.name(),
                document.training.learning_rate,
                document.training.epochs
            ));
        }
        Err(message) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Could not open {}:", opened.name),
            );
            ui.label(message);
        }
    }
    ui.add_space(16.0);
    ui.label("The engine trains these documents today from the command line:");
    ui.code("layerwright train assets/examples/spiral.json --out trained.json");
    ui.add_space(8.0);
    let titles: Vec<&str> = EXAMPLES.iter().map(|e| e.title).collect();
    ui.label(format!("Examples: {}.", titles.join("; ")));
    ui.add_space(16.0);
    ui.label("Coming next: the node editor, training in the window with live loss curves and the decision boundary, and export to ONNX and PyTorch.");
}
