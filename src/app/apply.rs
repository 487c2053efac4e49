//! The one place commands are carried out: from panels, menus, windows and keys alike, and
//! the answers to the modal questions.

use super::LayerwrightApp;
use super::modal::{Answer, Modal};
use crate::commands::{Action, Command, Intent, Mode};
use crate::document::export::ExportFormat;
use crate::document::file_dialog::{DialogKind, DialogOutcome};

impl LayerwrightApp {
    /// Applies one command from a panel, a menu, a window or a key.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Action(action) => self.apply_action(ctx, action),
            Command::Edit(edit) if self.mode == Mode::Network => {
                self.network.editor.apply_edit(ctx, edit);
            }
            Command::Edit(_) => {}
            Command::Intent(intent) => self.request(ctx, intent),
            Command::SetMode(mode) => self.mode = mode,
            Command::SaveText { text, file_name } => {
                self.set_pending_file(text.into_bytes(), file_name);
                self.start_dialog(ctx, crate::document::file_dialog::DialogKind::SaveData);
            }
            Command::SavePlot(capture) => {
                // The screenshot arrives as an event in a later frame (see `window_events`).
                ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::UserData::new(
                    capture,
                )));
            }
            Command::StartDialog(kind) => self.start_dialog(ctx, kind),
            Command::Notify(text) => self.network.editor.notify(ctx, text, None),
            Command::ShowError(message) => self.modals.show(Modal::Error(message)),
            Command::SelectNodes(nodes) => self.network.editor.selected = nodes,
            Command::CheckGradients(example) => self.check_gradients(ctx, example),
            Command::CloseLesson => {
                self.learn.lesson = None;
                self.network.editor.highlighted.clear();
            }
        }
    }

    /// One action of the command table. The computational-graph mode has its own undo; the
    /// network's editing and training actions do nothing there.
    fn apply_action(&mut self, ctx: &egui::Context, action: Action) {
        let network = self.mode == Mode::Network;
        match action {
            Action::New => self
                .modals
                .show(Modal::NewGraph(super::new_graph::StarterData::default())),
            Action::ShowData if network => self.network.data.open = true,
            Action::OpenDataCsv if network => self.start_dialog(ctx, DialogKind::OpenData),
            Action::Regenerate if network => {
                let spec = &self.network.editor.document.document().dataset;
                match crate::network::data::regenerated(spec) {
                    Some(dataset) => self.network.editor.apply_edit(
                        ctx,
                        crate::document::graph::Edit::UpdateDataset {
                            dataset: Box::new(dataset),
                            field: "regenerate",
                        },
                    ),
                    None => self.network.editor.notify(
                        ctx,
                        "Only generated data can be drawn again; this data set is not generated."
                            .to_owned(),
                        None,
                    ),
                }
            }
            Action::SaveDataCsv if network => self.save_data_as_csv(ctx),
            Action::Open => self.start_dialog(ctx, DialogKind::Open),
            Action::ImportOnnx => self.start_dialog(ctx, DialogKind::ImportModel),
            Action::Save => {
                self.save(ctx);
            }
            Action::SaveAs => self.start_dialog(ctx, DialogKind::SaveAs),
            Action::ShowShortcuts => self.modals.show(Modal::Shortcuts),
            Action::ShowAbout => self.modals.show(Modal::About),
            Action::ExportJson => self.export(ctx, ExportFormat::Json),
            Action::ExportOnnx => self.export(ctx, ExportFormat::Onnx),
            Action::ExportPytorch => self.export(ctx, ExportFormat::Pytorch),
            Action::SaveDiagramSvg if network => self.save_diagram(ctx, ExportFormat::DiagramSvg),
            Action::SaveDiagramPng if network => self.save_diagram(ctx, ExportFormat::DiagramPng),
            Action::ShowGallery => self.learn.gallery.open = true,
            Action::Undo if !network => self.expression.undo(),
            Action::Redo if !network => self.expression.redo(),
            Action::GradientCheck if network => self.check_gradients(ctx, 0),
            Action::StepThrough if network => self.learn.step_through.open(),
            Action::Undo
            | Action::Redo
            | Action::Delete
            | Action::Copy
            | Action::Paste
            | Action::Duplicate
            | Action::FitView
            | Action::AddNode
            | Action::ConnectSelected
            | Action::SelectNext
            | Action::SelectPrevious
            | Action::TrainPause
            | Action::StepEpoch
            | Action::StepBatch
            | Action::ResetTraining
            | Action::ResetNewSeed
                if network =>
            {
                self.network.apply_action(ctx, action);
            }
            // The network's actions in the computational-graph mode.
            _ => {}
        }
    }

    /// Checks back-propagation against central finite differences (f64) for the current
    /// weights (the initial ones before training) on training example `example`, on a
    /// worker thread; the window shows "Checking…" until the result arrives.
    pub fn check_gradients(&mut self, ctx: &egui::Context, example: usize) {
        self.learn.gradient_check.start(
            ctx,
            self.network.compiled_now(),
            self.network.training.run.parameters(),
            example,
        );
    }

    /// Carries out the answer to a modal question.
    pub(super) fn answered(&mut self, ctx: &egui::Context, modal: Modal, answer: Answer) {
        match (modal, answer) {
            (Modal::UnsavedChanges(intent), Answer::Save) => self.save_then(ctx, intent),
            (Modal::UnsavedChanges(intent), Answer::Discard) => self.perform(ctx, intent),
            (Modal::UnsavedExpression, Answer::Save) => {
                self.mode = Mode::Expression;
                self.start_dialog(ctx, DialogKind::SaveExpression);
            }
            (Modal::UnsavedExpression, Answer::Discard) => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            (Modal::PathPrompt(_), Answer::Path(kind, path)) => {
                self.dialog_answered(ctx, DialogOutcome::Chosen(kind, path));
            }
            (Modal::PathPrompt(_), _) => self.file_dialog_cancelled(),
            (Modal::NewGraph(_), Answer::Create(data)) => {
                self.request(ctx, Intent::New(Box::new(data.document())));
            }
            (Modal::NewGraph(_), Answer::ChooseCsv) => {
                self.start_dialog(ctx, DialogKind::NewFromData);
            }
            (Modal::RestoreOffer { file, record }, Answer::Restore) => {
                self.restore_autosave(file, *record);
            }
            (Modal::RestoreOffer { file, .. }, Answer::Discard) => {
                // Already gone is as good as deleted.
                let _ = layerwright_nn::files::remove(&file);
            }
            // Cancelled, read, or closed: nothing more to do.
            _ => {}
        }
    }
}
