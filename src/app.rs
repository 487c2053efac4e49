//! The application window: menu bar, palette, canvas and inspector around one document.

use std::path::Path;

use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::io::{load_document, parse_document};

use crate::commands::{Action, Command};
use crate::editor::Editor;
use crate::editor::state::Edit;
use crate::examples::{DEFAULT_EXAMPLE, EXAMPLES, example};

/// The id under which eframe stores settings; fixed so they survive renames.
pub const APP_ID: &str = "layerwright";

/// How far pasted nodes are shifted from the originals, in canvas units.
const PASTE_OFFSET: [f32; 2] = [40.0, 40.0];

/// The document the window opens on, or why it could not be opened.
pub struct OpenedDocument {
    /// The file name shown in the title.
    pub name: String,
    /// The document, or the loader's message.
    pub document: Result<GraphDocument, String>,
    /// The folder of the file, for data paths relative to it.
    pub folder: Option<std::path::PathBuf>,
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
                folder: path.parent().map(Path::to_path_buf),
            },
            None => Self::example(DEFAULT_EXAMPLE),
        }
    }

    /// An embedded example.
    pub fn example(file_name: &str) -> Self {
        let text = example(file_name).map_or("", |e| e.text);
        Self {
            name: file_name.to_owned(),
            document: parse_document(text, file_name).map_err(|e| e.to_string()),
            folder: None,
        }
    }
}

/// The app: the editor and what the window shows around it.
pub struct LayerwrightApp {
    /// The node editor on the open document.
    pub editor: Editor,
    /// The open document's file name.
    pub file_name: String,
    /// A message to show in a dialog (a file that could not be opened).
    pub error_dialog: Option<String>,
}

impl LayerwrightApp {
    /// The window on `opened`; when it failed to load, the default example with the error shown.
    pub fn new(opened: OpenedDocument) -> Self {
        let (document, error_dialog, name, folder) = match opened.document {
            Ok(document) => (document, None, opened.name, opened.folder),
            Err(message) => {
                let fallback = OpenedDocument::example(DEFAULT_EXAMPLE);
                let document = fallback.document.unwrap_or_else(|_| empty_document());
                (document, Some(message), fallback.name, None)
            }
        };
        Self {
            editor: Editor::new(document, folder),
            file_name: name,
            error_dialog,
        }
    }

    /// Applies one command from a panel, a menu or a key.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        let editor = &mut self.editor;
        let before = editor.document.node_ids();
        let result = match command {
            Command::Edit(edit) => editor.document.apply(edit),
            Command::Action(action) => match action {
                Action::Undo => {
                    editor.document.undo();
                    Ok(())
                }
                Action::Redo => {
                    editor.document.redo();
                    Ok(())
                }
                Action::Delete if !editor.selected.is_empty() => editor
                    .document
                    .apply(Edit::DeleteNodes(editor.selected.clone())),
                Action::Copy if !editor.selected.is_empty() => {
                    editor.clipboard = editor.document.copy(&editor.selected);
                    Ok(())
                }
                Action::Paste if !editor.clipboard.nodes.is_empty() => {
                    let clip = editor.clipboard.clone();
                    editor.document.apply(Edit::Paste {
                        clip,
                        offset: PASTE_OFFSET,
                    })
                }
                Action::Duplicate if !editor.selected.is_empty() => {
                    let clip = editor.document.copy(&editor.selected);
                    editor.document.apply(Edit::Paste {
                        clip,
                        offset: PASTE_OFFSET,
                    })
                }
                Action::FitView => {
                    editor.request_fit();
                    Ok(())
                }
                Action::AddNode => {
                    editor.open_add_menu();
                    Ok(())
                }
                Action::ConnectSelected => match editor.selected.as_slice() {
                    [from, to, ..] => editor.document.apply(Edit::Connect {
                        from: from.clone(),
                        to: to.clone(),
                        port: "in+".to_owned(),
                    }),
                    _ => {
                        editor.notify(
                            ctx,
                            "Select two nodes (click, then Shift+click) to connect them."
                                .to_owned(),
                            None,
                        );
                        Ok(())
                    }
                },
                Action::SelectNext | Action::SelectPrevious => {
                    let ids = editor.document.node_ids();
                    let current = editor
                        .selected
                        .last()
                        .and_then(|s| ids.iter().position(|i| i == s));
                    let next = match (action, current) {
                        (_, None) => 0,
                        (Action::SelectNext, Some(i)) => (i + 1) % ids.len().max(1),
                        (_, Some(i)) => (i + ids.len().max(1) - 1) % ids.len().max(1),
                    };
                    editor.selected = ids.get(next).cloned().into_iter().collect();
                    Ok(())
                }
                Action::Delete | Action::Copy | Action::Paste | Action::Duplicate => Ok(()),
            },
        };
        // Whatever an edit added becomes the selection, so the next key acts on it.
        let added: Vec<String> = editor
            .document
            .node_ids()
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect();
        if !added.is_empty() && result.is_ok() {
            editor.selected = added;
        }
        if let Err(error) = result {
            editor.notify(ctx, format!("Refused: {error}"), None);
        }
    }

    /// Opens an embedded example, replacing the document as one undo step.
    pub fn open_example(&mut self, file_name: &str) {
        let opened = OpenedDocument::example(file_name);
        match opened.document {
            Ok(document) => {
                if self
                    .editor
                    .document
                    .apply(Edit::ReplaceDocument(Box::new(document)))
                    .is_ok()
                {
                    self.file_name = opened.name;
                    self.editor.base_dir = None;
                    self.editor.request_fit();
                }
            }
            Err(message) => self.error_dialog = Some(message),
        }
    }

    /// Draws the whole window into `ui` and applies what it asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let mut commands: Vec<Command> = Action::pressed(&ctx)
            .into_iter()
            .map(Command::Action)
            .collect();
        egui::Panel::top("menu-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                self.menu_ui(ui, &mut commands);
            });
        });
        egui::Panel::left("palette")
            .resizable(false)
            .exact_size(150.0)
            .show(ui, |ui| {
                commands.extend(crate::editor::palette::palette_ui(&self.editor, ui));
            });
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    commands.extend(crate::editor::inspector::inspector_ui(&mut self.editor, ui));
                });
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                commands.extend(self.editor.canvas_ui(ui));
            });
        commands.extend(self.editor.add_menu_ui(&ctx));
        self.error_dialog_ui(&ctx);
        for command in commands {
            self.apply(&ctx, command);
        }
        let settled = !ctx.input(|i| i.pointer.any_down()) && !ctx.text_edit_focused();
        if settled {
            self.editor.document.end_gesture();
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.menu_button("File", |ui| {
            ui.menu_button("Open example", |ui| {
                for example in EXAMPLES {
                    if ui
                        .button(example.title)
                        .on_hover_text(example.file_name)
                        .clicked()
                    {
                        self.open_example(example.file_name);
                        ui.close();
                    }
                }
            });
        });
        ui.menu_button("Edit", |ui| {
            let has_selection = !self.editor.selected.is_empty();
            let enabled = [
                (Action::Undo, self.editor.document.can_undo()),
                (Action::Redo, self.editor.document.can_redo()),
                (Action::Copy, has_selection),
                (Action::Paste, !self.editor.clipboard.nodes.is_empty()),
                (Action::Duplicate, has_selection),
                (Action::Delete, has_selection),
                (Action::AddNode, true),
                (Action::ConnectSelected, self.editor.selected.len() >= 2),
            ];
            for (action, on) in enabled {
                if action.menu_button(ui, on) {
                    commands.push(Command::Action(action));
                    ui.close();
                }
            }
        });
        ui.menu_button("View", |ui| {
            if Action::FitView.menu_button(ui, true) {
                commands.push(Command::Action(Action::FitView));
                ui.close();
            }
            for action in [Action::SelectNext, Action::SelectPrevious] {
                if action.menu_button(ui, true) {
                    commands.push(Command::Action(action));
                    ui.close();
                }
            }
            ui.separator();
            ui.label("Theme");
            let mut theme = ui.ctx().options(|o| o.theme_preference);
            let before = theme;
            ui.radio_value(&mut theme, egui::ThemePreference::Dark, "Dark");
            ui.radio_value(&mut theme, egui::ThemePreference::Light, "Light");
            ui.radio_value(
                &mut theme,
                egui::ThemePreference::System,
                "Follow the system",
            );
            if theme != before {
                ui.ctx().set_theme(theme);
            }
        });
        ui.separator();
        ui.strong(&self.file_name);
        let valid = self.editor.diagnostics().is_valid();
        if valid {
            ui.weak("valid");
        } else {
            let count = {
                let d = self.editor.diagnostics();
                d.general_errors.len() + d.node_errors.values().map(Vec::len).sum::<usize>()
            };
            ui.colored_label(
                crate::theme::error_colour(ui.visuals().dark_mode),
                format!("{count} problem{}", if count == 1 { "" } else { "s" }),
            );
        }
    }

    fn error_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(message) = self.error_dialog.clone() else {
            return;
        };
        let mut open = true;
        egui::Window::new("Could not open the file")
            .collapsible(false)
            .resizable(false)
            .open(&mut open)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(message);
                if ui.button("OK").clicked() {
                    self.error_dialog = None;
                }
            });
        if !open {
            self.error_dialog = None;
        }
    }
}

/// A document with nothing in it, on the spiral data, for when even the example fails.
fn empty_document() -> GraphDocument {
    use layerwright_nn::data::{Generator, Normalization, TargetColumn, Task};
    use layerwright_nn::graph::{DataSource, DatasetSpec, TrainingSpec};
    GraphDocument::new(
        Vec::new(),
        Vec::new(),
        DatasetSpec {
            task: Task::Classification,
            source: DataSource::Generated {
                generator: Generator::Spiral,
                samples: 500,
                noise: 0.0,
                seed: 1,
            },
            target: TargetColumn::Last,
            normalization: Normalization::None,
            standardize_target: false,
            train_fraction: 0.8,
            seed: 1,
        },
        TrainingSpec {
            optimizer: layerwright_nn::Optimizer::ADAM,
            learning_rate: 0.01,
            batching: layerwright_nn::Batching::MiniBatch { size: 10 },
            epochs: 500,
            regularization: layerwright_nn::Regularization::None,
            shuffle: layerwright_nn::Shuffle::EveryEpoch,
            seed: 1,
        },
    )
}

impl eframe::App for LayerwrightApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
