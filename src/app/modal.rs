//! Every question and message that needs an answer before anything else, as one enum. One
//! is shown at a time, centred; others wait their turn. While one is open, shortcuts do
//! nothing (only the modal's own keys: Enter, Escape).

use std::collections::VecDeque;
use std::path::PathBuf;

use layerwright_nn::data::BundledDataset;

use super::new_graph::{NewGraphAnswer, StarterData, new_graph_ui};
use crate::commands::{Action, Intent};
use crate::document::file_dialog::{DialogKind, PathPrompt};
use crate::document::recovery::{AutosaveRecord, unix_now};

/// A question or message that needs an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Modal {
    /// Save the changes before doing this?
    UnsavedChanges(Intent),
    /// Closing with an unsaved computational graph: save it, lose it, or stay?
    UnsavedExpression,
    /// No file dialog is available: type the path.
    PathPrompt(PathPrompt),
    /// Something went wrong; the open graph is unchanged.
    Error(String),
    /// A window that stopped abnormally left this autosave: restore it?
    RestoreOffer {
        /// The autosave file.
        file: PathBuf,
        /// What it holds.
        record: Box<AutosaveRecord>,
    },
    /// Every keyboard shortcut.
    Shortcuts,
    /// Version, licence and the data sets' authors.
    About,
    /// File → New: which data the new graph learns from.
    NewGraph(StarterData),
}

/// How a modal was answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Save first (unsaved changes; an unsaved expression: Save as…).
    Save,
    /// Go on without saving.
    Discard,
    /// Keep working; nothing happens.
    Cancel,
    /// The path field's answer.
    Path(DialogKind, PathBuf),
    /// Restore the offered autosave.
    Restore,
    /// The message was read, or the window closed.
    Close,
    /// Start a new graph on this data.
    Create(StarterData),
    /// Start a new graph on a CSV file: ask for it.
    ChooseCsv,
}

/// The modal shown and those waiting for it to be answered.
#[derive(Default)]
pub struct Modals {
    shown: Option<Modal>,
    waiting: VecDeque<Modal>,
}

/// Names the modal's questions use.
pub struct Names<'a> {
    /// The open graph's name.
    pub graph: &'a str,
    /// The computational graph's name.
    pub expression: &'a str,
}

impl Modals {
    /// Shows `modal` now, or after the ones already open.
    pub fn show(&mut self, modal: Modal) {
        // Help windows give way to whatever comes next instead of holding it up.
        if matches!(self.shown, None | Some(Modal::Shortcuts | Modal::About)) {
            self.shown = Some(modal);
        } else {
            self.waiting.push_back(modal);
        }
    }

    /// Closes the modal shown without an answer; the next one waiting opens.
    pub fn close(&mut self) {
        self.shown = self.waiting.pop_front();
    }

    /// Whether a modal is open.
    pub fn is_open(&self) -> bool {
        self.shown.is_some()
    }

    /// The modal shown, if any.
    pub fn shown(&self) -> Option<&Modal> {
        self.shown.as_ref()
    }

    /// The modal shown, to type into its fields.
    pub fn shown_mut(&mut self) -> Option<&mut Modal> {
        self.shown.as_mut()
    }

    /// Draws the modal shown; once answered it closes (the next one waiting opens) and the
    /// answer is returned with it.
    pub fn ui(&mut self, ctx: &egui::Context, names: &Names<'_>) -> Option<(Modal, Answer)> {
        let modal = self.shown.as_mut()?;
        let mut answer = modal_ui(ctx, modal, names);
        if answer.is_none() && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            answer = match modal {
                // A leftover autosave must be restored or discarded, not put off.
                Modal::RestoreOffer { .. } => None,
                Modal::Error(_) | Modal::Shortcuts | Modal::About => Some(Answer::Close),
                _ => Some(Answer::Cancel),
            };
        }
        let answer = answer?;
        let modal = self.shown.take()?;
        self.shown = self.waiting.pop_front();
        Some((modal, answer))
    }
}

/// A fixed window in the middle of the screen.
fn question_window(title: &str) -> egui::Window<'_> {
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
}

/// Buttons in a row, each with a tooltip; the answer of the one clicked.
fn buttons_ui(ui: &mut egui::Ui, buttons: &[(&str, &str, Answer)]) -> Option<Answer> {
    let mut chosen = None;
    ui.horizontal(|ui| {
        for (label, tooltip, answer) in buttons {
            let button = ui.button(*label);
            let button = if tooltip.is_empty() {
                button
            } else {
                button.on_hover_text(*tooltip)
            };
            if button.clicked() {
                chosen = Some(answer.clone());
            }
        }
    });
    chosen
}

fn modal_ui(ctx: &egui::Context, modal: &mut Modal, names: &Names<'_>) -> Option<Answer> {
    match modal {
        Modal::UnsavedChanges(intent) => {
            let question = format!(
                "Save the changes to {} before {}?",
                names.graph,
                intent.phrase()
            );
            question_window("Unsaved changes")
                .show(ctx, |ui| {
                    ui.label(question);
                    buttons_ui(
                        ui,
                        &[
                            ("Save", "", Answer::Save),
                            ("Don't save", "", Answer::Discard),
                            ("Cancel", "", Answer::Cancel),
                        ],
                    )
                })
                .and_then(|r| r.inner.flatten())
        }
        Modal::UnsavedExpression => question_window("Unsaved computational graph")
            .show(ctx, |ui| {
                ui.label(format!(
                    "The computational graph \"{}\" has unsaved changes.",
                    names.expression
                ));
                buttons_ui(
                    ui,
                    &[
                        (
                            "Save expression as…",
                            "Choose a file for it; close again once it is saved.",
                            Answer::Save,
                        ),
                        (
                            "Close without saving",
                            "Lose the expression's changes and close.",
                            Answer::Discard,
                        ),
                        ("Cancel", "Keep working.", Answer::Cancel),
                    ],
                )
            })
            .and_then(|r| r.inner.flatten()),
        Modal::PathPrompt(prompt) => path_prompt_ui(ctx, prompt),
        Modal::Error(message) => {
            let mut open = true;
            let clicked = question_window("Something went wrong")
                .open(&mut open)
                .show(ctx, |ui| {
                    ui.label(message.as_str());
                    ui.label("Your open graph is unchanged.");
                    ui.button("OK").clicked()
                })
                .and_then(|r| r.inner)
                .unwrap_or(false);
            (clicked || !open).then_some(Answer::Close)
        }
        Modal::RestoreOffer { record, .. } => restore_offer_ui(ctx, record),
        Modal::NewGraph(chosen) => {
            let mut open = true;
            let answer = egui::Window::new("New graph")
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
                .show(ctx, |ui| new_graph_ui(ui, chosen))
                .and_then(|r| r.inner.flatten());
            match answer {
                Some(NewGraphAnswer::Create(data)) => Some(Answer::Create(data)),
                Some(NewGraphAnswer::ChooseCsv) => Some(Answer::ChooseCsv),
                Some(NewGraphAnswer::Cancel) => Some(Answer::Cancel),
                None => (!open).then_some(Answer::Cancel),
            }
        }
        Modal::Shortcuts => {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for action in Action::ALL {
                            let keys: Vec<String> = action
                                .shortcuts()
                                .iter()
                                .map(|s| ctx.format_shortcut(s))
                                .collect();
                            if keys.is_empty() {
                                continue;
                            }
                            ui.label(action.label()).on_hover_text(action.tooltip());
                            ui.monospace(keys.join(" or "));
                            ui.end_row();
                        }
                    });
                });
            (!open).then_some(Answer::Close)
        }
        Modal::About => {
            let mut open = true;
            egui::Window::new("About Layerwright")
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.heading(format!("Layerwright {}", env!("CARGO_PKG_VERSION")));
                    ui.label("Build neural networks visually and watch them learn.");
                    ui.label(format!("Licence: {}.", env!("CARGO_PKG_LICENSE")));
                    ui.add_space(6.0);
                    ui.strong("Bundled data sets");
                    for set in BundledDataset::ALL {
                        ui.label(set.attribution());
                    }
                });
            (!open).then_some(Answer::Close)
        }
    }
}

/// The in-app path field, where no native file dialog answers.
fn path_prompt_ui(ctx: &egui::Context, prompt: &mut PathPrompt) -> Option<Answer> {
    let title = match prompt.kind {
        DialogKind::Open => "Open a graph file",
        DialogKind::SaveAs => "Save the graph as",
        DialogKind::SavePng => "Save the plot as",
        DialogKind::Export(_) => "Export the model as",
        DialogKind::OpenExpression => "Open an expression",
        DialogKind::SaveExpression => "Save the expression as",
        DialogKind::OpenData => "Open a CSV file as the data set",
        DialogKind::NewFromData => "Start a new graph on a CSV file",
        DialogKind::SaveData => "Save the data as",
        DialogKind::ImportModel => "Import an ONNX model",
        DialogKind::ImportData => "The CSV file the model works on",
    };
    let mut answer: Option<bool> = None;
    question_window(title).show(ctx, |ui| {
        ui.label("No file dialog is available here; type the file's path.");
        let field = ui
            .horizontal(|ui| {
                let label = ui.label("Path");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut prompt.text).desired_width(360.0))
                    .labelled_by(label.id);
                // Typing goes to the field straight away.
                if ui.memory(|m| m.focused().is_none()) {
                    field.request_focus();
                }
                field
            })
            .inner;
        // Enter answers the prompt wherever the focus is: it is the only thing open.
        if (field.lost_focus() || field.has_focus())
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
        {
            answer = Some(true);
        }
        ui.horizontal(|ui| {
            let verb = match prompt.kind {
                DialogKind::Open
                | DialogKind::OpenExpression
                | DialogKind::OpenData
                | DialogKind::NewFromData
                | DialogKind::ImportData => "Open",
                DialogKind::ImportModel => "Import",
                DialogKind::SaveAs
                | DialogKind::SavePng
                | DialogKind::SaveExpression
                | DialogKind::SaveData => "Save",
                DialogKind::Export(_) => "Export",
            };
            if ui.button(verb).clicked() {
                answer = Some(true);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(false);
            }
        });
    });
    match answer {
        Some(true) if !prompt.text.trim().is_empty() => {
            Some(Answer::Path(prompt.kind, PathBuf::from(prompt.text.trim())))
        }
        Some(false) => Some(Answer::Cancel),
        _ => None,
    }
}

/// The offer to restore an autosave left by a window that stopped abnormally.
fn restore_offer_ui(ctx: &egui::Context, record: &AutosaveRecord) -> Option<Answer> {
    question_window("Restore unsaved work?")
        .show(ctx, |ui| {
            ui.label(format!(
                "Layerwright stopped without closing properly while \"{}\" had unsaved changes.",
                record.name
            ));
            ui.label(format!(
                "The last autosave, from {} ago, holds {} nodes.",
                record.age(unix_now()),
                record.document.nodes.len()
            ));
            if let Some(expression) = &record.expression {
                ui.label(format!(
                    "It also holds the computational graph \"{}\" with its unsaved changes.",
                    expression.name
                ));
            }
            if let Some(path) = &record.path {
                ui.weak(format!(
                    "Restoring opens it with unsaved changes against {}.",
                    path.display()
                ));
            }
            buttons_ui(
                ui,
                &[
                    (
                        "Restore",
                        "Open the autosaved graph in place of this one.",
                        Answer::Restore,
                    ),
                    (
                        "Discard",
                        "Delete the autosave and keep what is open.",
                        Answer::Discard,
                    ),
                ],
            )
        })
        .and_then(|r| r.inner.flatten())
}

/// A small window in the bottom right corner saying what work is under way, with a spinner
/// and Cancel; true when Cancel was clicked.
pub(super) fn busy_window_ui(
    ctx: &egui::Context,
    title: &str,
    label: &str,
    cancel_tooltip: &str,
) -> bool {
    let mut cancel = false;
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -16.0))
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(label);
                cancel = ui.button("Cancel").on_hover_text(cancel_tooltip).clicked();
            });
        });
    cancel
}
