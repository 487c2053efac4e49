//! The application window: menu bar, palette, canvas and inspector around one document.

pub mod frame_times;

use std::path::{Path, PathBuf};

use layerwright_nn::data::BundledDataset;
use layerwright_nn::graph::io::{load_document, save_document};

use crate::commands::{Action, Command};
use crate::document::file_dialog::{DialogKind, DialogOutcome, PathPrompt, PendingDialog};
use crate::document::graph::Edit;
pub use crate::document::session::OpenedDocument;
use crate::document::session::{FileSession, empty_document, file_name, load_for_editing};
pub use crate::document::settings::{APP_ID, SETTINGS_KEY};
use crate::document::settings::{Settings, Theme};
use crate::examples::{DEFAULT_EXAMPLE, EXAMPLES};
use crate::network::editor::Editor;
use crate::network::training::panel::TrainingPanel;

/// How far pasted nodes are shifted from the originals, in canvas units.
const PASTE_OFFSET: [f32; 2] = [40.0, 40.0];

/// Something that replaces the open document, and so may first ask about unsaved changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Start a new, empty graph.
    New,
    /// Open this file.
    Open(PathBuf),
    /// Open this embedded example.
    OpenExample(String),
    /// Open a stage of a bundled lesson (an index into `lessons::LESSONS`), or one of the
    /// stage's variants.
    OpenLesson {
        /// Which lesson.
        lesson: usize,
        /// Which stage (0-based).
        stage: usize,
        /// Which of the stage's variants, if not the stage's own network.
        variant: Option<usize>,
    },
    /// Close the window.
    Quit,
}

impl Intent {
    fn phrase(&self) -> &'static str {
        match self {
            Self::New => "starting a new graph",
            Self::Open(_) | Self::OpenExample(_) => "opening another graph",
            Self::OpenLesson { .. } => "opening the lesson's network",
            Self::Quit => "closing",
        }
    }
}

/// The app: the editor and what the window shows around it.
pub struct LayerwrightApp {
    /// The node editor on the open document.
    pub editor: Editor,
    /// The open document's file and its saved content.
    pub file: FileSession,
    /// What is remembered between runs.
    pub settings: Settings,
    /// A message to show in a dialog (a file that could not be opened or saved).
    pub error_dialog: Option<String>,
    /// The question about unsaved changes, with what to do after it.
    pub unsaved_prompt: Option<Intent>,
    /// The in-app path field, where no native dialog is available.
    pub path_prompt: Option<PathPrompt>,
    /// Training: the trainer thread's run, curves and decision boundary.
    pub training: TrainingPanel,
    /// What to do once a Save as… started from the unsaved prompt has saved.
    after_save: Option<Intent>,
    pending_dialog: Option<PendingDialog>,
    allow_close: bool,
    show_shortcuts: bool,
    show_about: bool,
    shown_title: String,
    /// A plot's PNG waiting for the person to choose where it goes, with its suggested name.
    pending_file: Option<PendingFile>,
    /// The last gradient check, shown in its window while open.
    pub gradient_report: Option<GradientReport>,
    /// The activation gallery window.
    pub gallery: crate::learn::gallery::Gallery,
    /// Stepping one example through the network.
    pub step_through: crate::learn::step_through::StepThrough,
    /// Whether the frame-time overlay is shown.
    pub show_frame_times: bool,
    /// Which canvas is shown: the network or the computational graph.
    pub mode: Mode,
    /// The computational-graph mode's expression.
    pub expressions: crate::learn::expression::ExpressionEditor,
    /// The open lesson's side panel.
    pub lesson: Option<crate::learn::lessons::LessonPanel>,
    /// Autosaving the open graph while it has unsaved changes (off until `enable_recovery`).
    pub autosave: Option<crate::document::recovery::Autosave>,
    /// An autosave left by a window that stopped abnormally, offered for restoring.
    pub recovery_offer: Option<(PathBuf, crate::document::recovery::AutosaveRecord)>,
    /// Closing was asked while the computational graph's expression has unsaved changes.
    pub expression_close_prompt: bool,
    frame_stats: crate::app::frame_times::FrameStats,
}

/// A gradient check of the current network on one training example.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientReport {
    /// The training example checked (0-based).
    pub example: usize,
    /// How many training examples there are.
    pub examples: usize,
    /// Each parameter tensor's largest relative error, or why there is no check.
    pub result: Result<layerwright_nn::gradient_check::GradientCheck, String>,
}

/// Relative errors below this mean back-propagation and finite differences agree.
pub const GRADIENT_TOLERANCE: f64 = 1e-6;

/// Which canvas the window shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Networks: layers, training, plots.
    Network,
    /// Scalar expressions and the chain rule, number by number.
    Expression,
}

/// A file made in memory (a plot's PNG, an exported model), waiting for the person to
/// choose where it goes.
struct PendingFile {
    bytes: Vec<u8>,
    /// The file name the dialog suggests.
    suggested: String,
    /// Said after it is saved (the ONNX check's result).
    note: Option<String>,
}

impl LayerwrightApp {
    /// The window on `opened`; when it failed to load, the default example with the error shown.
    pub fn new(opened: OpenedDocument) -> Self {
        Self::with_settings(opened, Settings::default())
    }

    /// The window on `opened` with remembered `settings`.
    pub fn with_settings(opened: OpenedDocument, mut settings: Settings) -> Self {
        let (document, error_dialog, name, folder, path) = match opened.document {
            Ok(document) => {
                let path = opened
                    .folder
                    .as_ref()
                    .map(|folder| folder.join(&opened.name));
                (document, None, opened.name, opened.folder, path)
            }
            Err(message) => {
                let fallback = OpenedDocument::example(DEFAULT_EXAMPLE);
                let document = fallback.document.unwrap_or_else(|_| empty_document());
                (document, Some(message), fallback.name, None, None)
            }
        };
        if let Some(path) = &path {
            settings.remember(path);
        }
        Self {
            file: FileSession::new(name, path, &document),
            editor: Editor::new(document, folder),
            settings,
            error_dialog,
            unsaved_prompt: None,
            training: TrainingPanel::default(),
            path_prompt: None,
            after_save: None,
            pending_dialog: None,
            allow_close: false,
            show_shortcuts: false,
            show_about: false,
            shown_title: String::new(),
            pending_file: None,
            gradient_report: None,
            gallery: crate::learn::gallery::Gallery::default(),
            step_through: crate::learn::step_through::StepThrough::default(),
            show_frame_times: false,
            mode: Mode::Network,
            expressions: crate::learn::expression::ExpressionEditor::default_preset(),
            lesson: None,
            autosave: None,
            recovery_offer: None,
            expression_close_prompt: false,
            frame_stats: Default::default(),
        }
    }

    /// Whether the window has been told it may close (every question answered).
    pub fn is_closing(&self) -> bool {
        self.allow_close
    }

    /// Whether the document has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.file.is_dirty(self.editor.document.document())
    }

    /// The window title: file name, a dot when unsaved, the app.
    pub fn title(&self) -> String {
        self.file.title(self.is_dirty())
    }

    /// Asks to replace the document (or close): first about unsaved changes, if any.
    pub fn request(&mut self, ctx: &egui::Context, intent: Intent) {
        if self.is_dirty() {
            self.unsaved_prompt = Some(intent);
        } else {
            self.perform(ctx, intent);
        }
    }

    /// Replaces the document (or closes) without asking.
    pub fn perform(&mut self, ctx: &egui::Context, intent: Intent) {
        match intent {
            Intent::New => {
                let document = empty_document();
                // Another graph: the lesson's explanations no longer describe it.
                self.lesson = None;
                self.file = FileSession::new("Untitled".to_owned(), None, &document);
                self.editor = Editor::new(document, None);
            }
            Intent::Open(path) => self.open_path(&path),
            Intent::OpenExample(name) => {
                let opened = OpenedDocument::example(&name);
                match opened.document {
                    Ok(document) => {
                        self.lesson = None;
                        self.file = FileSession::new(opened.name, None, &document);
                        self.editor = Editor::new(document, None);
                    }
                    Err(message) => self.error_dialog = Some(message),
                }
            }
            Intent::OpenLesson {
                lesson,
                stage,
                variant,
            } => self.open_lesson(lesson, stage, variant),
            // The graph is saved or given up; an unsaved expression gets its own question.
            Intent::Quit if self.expressions.is_dirty() => self.expression_close_prompt = true,
            Intent::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Autosaves into `dir` from now on, and offers to restore what a window that stopped
    /// abnormally left there.
    pub fn enable_recovery(&mut self, dir: PathBuf) {
        self.recovery_offer = crate::document::recovery::Autosave::leftover(&dir);
        self.autosave = Some(crate::document::recovery::Autosave::new(dir));
    }

    /// Restores the offered autosave as the open graph, with unsaved changes against its file
    /// (or against nothing, when it had none).
    pub fn restore_autosave(&mut self) {
        let Some((file, record)) = self.recovery_offer.take() else {
            return;
        };
        let on_disk = record
            .path
            .as_deref()
            .and_then(|path| load_document(path).ok())
            .unwrap_or_else(empty_document);
        let folder = record
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        self.lesson = None;
        self.file = FileSession::new(record.name, record.path, &on_disk);
        self.editor = Editor::new(record.document, folder);
        if let Some(unsaved) = record.expression {
            let baseline = self.expressions.document().clone();
            self.expressions =
                crate::learn::expression::ExpressionEditor::new(unsaved.document, unsaved.name);
            self.expressions.set_saved(baseline);
        }
        if let Some(autosave) = &mut self.autosave {
            autosave.inherited = Some(file);
        }
    }

    /// Declines the offered autosave and deletes it.
    pub fn discard_autosave(&mut self) {
        if let Some((file, _)) = self.recovery_offer.take() {
            // Already gone is as good as deleted.
            let _ = std::fs::remove_file(file);
        }
    }

    /// Autosaves when due; asks for a frame when the next one will be.
    fn autosave_tick(&mut self, ctx: &egui::Context) {
        let Some(autosave) = &mut self.autosave else {
            return;
        };
        let now = ctx.input(|i| i.time);
        let document = self.editor.document.document();
        let expression = self
            .expressions
            .is_dirty()
            .then(|| (self.expressions.name.as_str(), self.expressions.document()));
        let dirty = self.file.is_dirty(document) || expression.is_some();
        if let Some(wait) = autosave.tick(
            now,
            dirty,
            crate::document::recovery::Unsaved {
                document,
                name: &self.file.name,
                path: self.file.path.as_deref(),
                expression,
            },
        ) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait.max(0.05)));
        }
    }

    /// The offer to restore an autosave, until it is answered.
    fn recovery_ui(&mut self, ctx: &egui::Context) {
        let Some((_, record)) = &self.recovery_offer else {
            return;
        };
        let mut choice = None;
        question_window("Restore unsaved work?").show(ctx, |ui| {
            ui.label(format!(
                "Layerwright stopped without closing properly while \"{}\" had unsaved changes.",
                record.name
            ));
            ui.label(format!(
                "The last autosave, from {} ago, holds {} nodes.",
                record.age(crate::document::recovery::unix_now()),
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
            ui.horizontal(|ui| {
                if ui
                    .button("Restore")
                    .on_hover_text("Open the autosaved graph in place of this one.")
                    .clicked()
                {
                    choice = Some(true);
                }
                if ui
                    .button("Discard")
                    .on_hover_text("Delete the autosave and keep what is open.")
                    .clicked()
                {
                    choice = Some(false);
                }
            });
        });
        match choice {
            Some(true) => self.restore_autosave(),
            Some(false) => self.discard_autosave(),
            None => {}
        }
    }

    /// The question before closing with an unsaved expression.
    fn expression_close_ui(&mut self, ctx: &egui::Context) {
        if !self.expression_close_prompt {
            return;
        }
        let mut choice = None;
        question_window("Unsaved computational graph").show(ctx, |ui| {
            ui.label(format!(
                "The computational graph \"{}\" has unsaved changes.",
                self.expressions.name
            ));
            ui.horizontal(|ui| {
                if ui
                    .button("Save expression as…")
                    .on_hover_text("Choose a file for it; close again once it is saved.")
                    .clicked()
                {
                    choice = Some(ExpressionCloseChoice::Save);
                }
                if ui
                    .button("Close without saving")
                    .on_hover_text("Lose the expression's changes and close.")
                    .clicked()
                {
                    choice = Some(ExpressionCloseChoice::Discard);
                }
                if ui.button("Cancel").on_hover_text("Keep working.").clicked() {
                    choice = Some(ExpressionCloseChoice::Cancel);
                }
            });
        });
        match choice {
            Some(ExpressionCloseChoice::Save) => {
                self.expression_close_prompt = false;
                self.mode = Mode::Expression;
                self.start_dialog(ctx, DialogKind::SaveExpression);
            }
            Some(ExpressionCloseChoice::Discard) => {
                self.expression_close_prompt = false;
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Some(ExpressionCloseChoice::Cancel) => self.expression_close_prompt = false,
            None => {}
        }
    }

    /// Opens stage `stage` of bundled lesson `lesson` (with `variant` applied) in the editor,
    /// with the lesson's side panel; an error is shown and the open document kept.
    pub fn open_lesson(&mut self, lesson: usize, stage: usize, variant: Option<usize>) {
        let panel = match self.lesson.take() {
            Some(panel) if panel.index == lesson => Ok(panel),
            other => {
                self.lesson = other;
                crate::learn::lessons::LessonPanel::open(lesson)
            }
        };
        let mut panel = match panel {
            Ok(panel) => panel,
            Err(message) => {
                self.error_dialog = Some(message);
                return;
            }
        };
        let Some(shown) = panel.lesson.stages.get(stage) else {
            self.error_dialog = Some(format!("lesson {} has no stage {}", lesson + 1, stage + 1));
            self.lesson = Some(panel);
            return;
        };
        let (graph, name) = match variant.and_then(|v| shown.variants.get(v)) {
            Some(chosen) => (
                chosen.apply(&shown.graph),
                format!("{} · {}", panel.stage_name(stage), chosen.label),
            ),
            None => (shown.graph.clone(), panel.stage_name(stage)),
        };
        panel.stage = stage;
        panel.hovered_formula = None;
        self.file = FileSession::new(name, None, &graph);
        self.editor = Editor::new(graph, None);
        self.mode = Mode::Network;
        self.lesson = Some(panel);
    }

    /// Carries out what the lesson panel asked for.
    fn apply_lesson(&mut self, ctx: &egui::Context, command: crate::learn::lessons::LessonCommand) {
        use crate::learn::lessons::LessonCommand;
        let Some(panel) = &self.lesson else {
            return;
        };
        let (lesson, current) = (panel.index, panel.stage);
        match command {
            LessonCommand::GoToStage(stage) => self.request(
                ctx,
                Intent::OpenLesson {
                    lesson,
                    stage,
                    variant: None,
                },
            ),
            LessonCommand::OpenVariant(variant) => self.request(
                ctx,
                Intent::OpenLesson {
                    lesson,
                    stage: current,
                    variant: Some(variant),
                },
            ),
            LessonCommand::SelectNodes(nodes) => self.editor.selected = nodes,
            LessonCommand::Close => {
                self.lesson = None;
                self.editor.highlighted.clear();
            }
        }
    }

    /// Opens the file at `path`; a load error is shown and the open document kept.
    pub fn open_path(&mut self, path: &Path) {
        match load_for_editing(path) {
            Ok(document) => {
                self.lesson = None;
                self.file = FileSession::new(file_name(path), Some(path.to_path_buf()), &document);
                self.editor = Editor::new(document, path.parent().map(Path::to_path_buf));
                self.settings.remember(path);
            }
            Err(message) => self.error_dialog = Some(message),
        }
    }

    /// Saves to `path`; a failure is shown and the document stays unsaved. Returns success.
    pub fn save_to(&mut self, path: &Path) -> bool {
        match save_document(self.editor.document.document(), path) {
            Ok(()) => {
                self.file.mark_saved(self.editor.document.document(), path);
                self.editor.base_dir = path.parent().map(Path::to_path_buf);
                self.settings.remember(path);
                true
            }
            Err(error) => {
                self.error_dialog = Some(format!("The graph was not saved. {error}"));
                false
            }
        }
    }

    /// Save: to the document's file, or through Save as… when it has none.
    fn save(&mut self, ctx: &egui::Context) -> bool {
        match self.file.path.clone() {
            Some(path) => self.save_to(&path),
            None => {
                self.start_dialog(ctx, DialogKind::SaveAs);
                false
            }
        }
    }

    fn start_dialog(&mut self, ctx: &egui::Context, kind: DialogKind) {
        if self.pending_dialog.is_none() {
            let suggested = if self.file.name.ends_with(".json") {
                self.file.name.clone()
            } else {
                format!("{}.json", self.file.name)
            };
            self.pending_dialog = Some(PendingDialog::start(kind, &suggested, ctx));
        }
    }

    /// Acts on a file dialog's answer (also how the in-app path field answers).
    pub fn dialog_answered(&mut self, ctx: &egui::Context, outcome: DialogOutcome) {
        match outcome {
            DialogOutcome::Chosen(DialogKind::Open, path) => self.request(ctx, Intent::Open(path)),
            DialogOutcome::Chosen(DialogKind::SaveAs, path) => {
                if self.save_to(&path)
                    && let Some(intent) = self.after_save.take()
                {
                    self.perform(ctx, intent);
                }
            }
            DialogOutcome::Chosen(DialogKind::SavePng | DialogKind::Export(_), path) => {
                self.save_pending_to(ctx, &path);
            }
            DialogOutcome::Chosen(DialogKind::OpenExpression, path) => {
                let name = file_name(&path);
                let opened = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: cannot read the file: {e}", path.display()))
                    .and_then(|text| {
                        self.expressions
                            .open_text(&text, &path.display().to_string())
                    });
                match opened {
                    Ok(()) => self.expressions.name = name,
                    Err(message) => self.error_dialog = Some(message),
                }
            }
            DialogOutcome::Chosen(DialogKind::SaveExpression, path) => {
                let written = self.expressions.to_json().and_then(|text| {
                    layerwright_nn::graph::io::write_atomically(&path, text.as_bytes())
                        .map_err(|e| e.to_string())
                });
                match written {
                    Ok(()) => {
                        self.expressions.mark_saved();
                        self.expressions.name = file_name(&path);
                        self.editor
                            .notify(ctx, format!("Saved {}", path.display()), None);
                    }
                    Err(message) => self.error_dialog = Some(message),
                }
            }
            DialogOutcome::Cancelled => {
                self.after_save = None;
                self.pending_file = None;
            }
            DialogOutcome::Unavailable(kind) => {
                let text = match (kind, &self.file.path) {
                    (DialogKind::SaveAs, Some(path)) => path.display().to_string(),
                    (DialogKind::SavePng | DialogKind::Export(_), _) => self
                        .pending_file
                        .as_ref()
                        .map(|file| file.suggested.clone())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                self.path_prompt = Some(PathPrompt { kind, text });
            }
        }
    }

    /// Applies one command from a panel, a menu or a key.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        // The computational-graph mode has its own undo; the network's editing and training
        // keys do nothing there.
        if self.mode == Mode::Expression
            && let Command::Action(action) = &command
        {
            match action {
                Action::Undo => return self.expressions.undo(),
                Action::Redo => return self.expressions.redo(),
                Action::New
                | Action::Open
                | Action::Save
                | Action::SaveAs
                | Action::ShowShortcuts
                | Action::ShowAbout
                | Action::ExportJson
                | Action::ExportOnnx
                | Action::ExportPytorch
                | Action::ShowGallery => {}
                _ => return,
            }
        }
        match command {
            Command::Action(Action::New) => return self.request(ctx, Intent::New),
            Command::Action(Action::Open) => return self.start_dialog(ctx, DialogKind::Open),
            Command::Action(Action::Save) => {
                self.save(ctx);
                return;
            }
            Command::Action(Action::SaveAs) => return self.start_dialog(ctx, DialogKind::SaveAs),
            Command::Action(Action::ShowShortcuts) => {
                self.show_shortcuts = true;
                return;
            }
            Command::Action(Action::ShowAbout) => {
                self.show_about = true;
                return;
            }
            Command::Action(Action::TrainPause) => return self.training.toggle(ctx),
            Command::Action(Action::StepEpoch) => return self.training.step_epoch(ctx),
            Command::Action(Action::StepBatch) => return self.training.step_batch(ctx),
            Command::Action(Action::ResetTraining) => return self.training.reset(ctx, false),
            Command::Action(Action::ResetNewSeed) => return self.training.reset(ctx, true),
            Command::Action(Action::GradientCheck) => return self.check_gradients(0),
            Command::Action(Action::ShowGallery) => {
                self.gallery.open = true;
                return;
            }
            Command::Action(Action::StepThrough) => {
                self.step_through.open = true;
                self.step_through.result = None;
                self.step_through.restart();
                return;
            }
            Command::Action(Action::ExportJson) => {
                return self.export(ctx, crate::document::export::ExportFormat::Json);
            }
            Command::Action(Action::ExportOnnx) => {
                return self.export(ctx, crate::document::export::ExportFormat::Onnx);
            }
            Command::Action(Action::ExportPytorch) => {
                return self.export(ctx, crate::document::export::ExportFormat::Pytorch);
            }
            Command::SavePlot(capture) => {
                // The screenshot arrives as an event in a later frame (see `window_events`).
                ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::UserData::new(
                    capture,
                )));
                return;
            }
            Command::Notify(text) => return self.editor.notify(ctx, text, None),
            _ => {}
        }
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
                // Handled above, or nothing to act on.
                Action::New
                | Action::Open
                | Action::Save
                | Action::SaveAs
                | Action::ShowShortcuts
                | Action::ShowAbout
                | Action::TrainPause
                | Action::StepEpoch
                | Action::StepBatch
                | Action::ResetTraining
                | Action::ResetNewSeed
                | Action::ExportJson
                | Action::ExportOnnx
                | Action::ExportPytorch
                | Action::GradientCheck
                | Action::ShowGallery
                | Action::StepThrough
                | Action::Delete
                | Action::Copy
                | Action::Paste
                | Action::Duplicate => Ok(()),
            },
            // Handled above.
            Command::SavePlot(_) | Command::Notify(_) => Ok(()),
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

    /// Draws the whole window into `ui` and applies what it asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let mut commands: Vec<Command> = if self.unsaved_prompt.is_some()
            || self.path_prompt.is_some()
            || self.expression_close_prompt
        {
            Vec::new()
        } else {
            Action::pressed(&ctx)
                .into_iter()
                .map(Command::Action)
                .collect()
        };
        if let Some(outcome) = self.pending_dialog.as_ref().and_then(PendingDialog::poll) {
            self.pending_dialog = None;
            self.dialog_answered(&ctx, outcome);
        } else if self.pending_dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.window_events(&ctx);
        self.training.sync(&ctx, &mut self.editor);
        egui::Panel::top("menu-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                self.menu_ui(ui, &mut commands);
            });
        });
        if self.mode == Mode::Expression {
            self.expression_ui(ui);
        } else {
            self.network_ui(ui, &mut commands);
        }
        self.dialogs_ui(&ctx);
        self.expression_close_ui(&ctx);
        self.recovery_ui(&ctx);
        self.gradient_check_ui(&ctx);
        self.gallery.ui(&ctx);
        self.step_through_ui(&ctx);
        self.frame_times_ui(&ctx);
        for command in commands {
            self.apply(&ctx, command);
        }
        let settled = !ctx.input(|i| i.pointer.any_down()) && !ctx.text_edit_focused();
        if settled {
            self.editor.document.end_gesture();
            self.expressions.end_gesture();
        }
        self.autosave_tick(&ctx);
        let title = self.title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }
    }

    /// The network mode: training panel, palette, inspector and canvas.
    fn network_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        if let Some(panel) = &mut self.lesson {
            let lesson_commands = egui::Panel::left("lesson")
                .resizable(true)
                .default_size(340.0)
                .min_size(240.0)
                .show(ui, |ui| panel.ui(ui))
                .inner;
            self.editor.highlighted = panel.highlighted_nodes();
            let ctx = ui.ctx().clone();
            for command in lesson_commands {
                self.apply_lesson(&ctx, command);
            }
        }
        egui::Panel::bottom("training")
            .resizable(true)
            .default_size(310.0)
            .show(ui, |ui| {
                self.training_ui(ui, commands);
            });
        egui::Panel::left("palette")
            .resizable(false)
            .exact_size(150.0)
            .show(ui, |ui| {
                commands.extend(crate::network::editor::palette::palette_ui(
                    &self.editor,
                    ui,
                ));
            });
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    commands.extend(crate::network::editor::inspector::inspector_ui(
                        &mut self.editor,
                        ui,
                    ));
                });
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                let background = ui.visuals().extreme_bg_color;
                self.training.insight.refresh_textures(ui.ctx(), background);
                let (canvas_commands, hovered) = self.editor.canvas_ui(ui, &self.training.insight);
                commands.extend(canvas_commands);
                if hovered != self.training.hovered_unit {
                    self.training.hovered_unit = hovered;
                    // The plot below shows the hovered unit: draw it again now.
                    ui.ctx().request_repaint();
                }
            });
        commands.extend(self.editor.add_menu_ui(ui.ctx()));
    }

    /// The computational-graph mode: operations and presets, the canvas, and the backward
    /// pass with its narration.
    fn expression_ui(&mut self, ui: &mut egui::Ui) {
        use crate::learn::expression::{ExpressionEdit, KINDS, viewer::ExpressionViewer};
        let ctx = ui.ctx().clone();
        let mut edits: Vec<ExpressionEdit> = Vec::new();
        egui::Panel::left("expression-palette")
            .resizable(false)
            .exact_size(150.0)
            .show(ui, |ui| {
                ui.heading("Operations");
                ui.weak("Click to add, or right-click the canvas. Wire an output into a, b or in.");
                for (index, op) in KINDS.into_iter().enumerate() {
                    if ui.button(op.name()).on_hover_text(op.rule()).clicked() {
                        let offset = 30.0 * (self.expressions.document().nodes.len() % 8) as f32;
                        edits.push(ExpressionEdit::AddNode {
                            op,
                            position: [200.0 + offset, 80.0 + offset + index as f32],
                        });
                    }
                }
                ui.separator();
                ui.heading("From the notes");
                for example in crate::examples::EXPRESSION_EXAMPLES {
                    if ui
                        .button(example.title)
                        .on_hover_text(example.file_name)
                        .clicked()
                        && let Err(message) =
                            self.expressions.open_text(example.text, example.file_name)
                    {
                        self.error_dialog = Some(message);
                    }
                }
            });
        egui::Panel::right("expression-panel")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.expression_panel_ui(ui));
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                self.expressions.sync_snarl();
                let numbers = self.expressions.shown_numbers();
                let document = self.expressions.document().clone();
                let mut viewer = ExpressionViewer {
                    document: &document,
                    numbers: &numbers,
                    edits: &mut edits,
                    fit: std::mem::take(&mut self.expressions.fit_requested),
                    canvas_rect: ui.available_rect_before_wrap(),
                };
                egui_snarl::ui::SnarlWidget::new()
                    .id_salt("expression-canvas")
                    .style(crate::canvas::canvas_style(ui))
                    .show(&mut self.expressions.snarl, &mut viewer, ui);
            });
        for edit in edits {
            if let Err(message) = self.expressions.apply(edit) {
                self.editor.notify(&ctx, message, None);
            }
        }
    }

    /// The backward-pass controls, the result and each step's rule.
    fn expression_panel_ui(&mut self, ui: &mut egui::Ui) {
        use crate::learn::expression::viewer::shown;
        ui.heading("Computational graph");
        let title = self.expressions.document().title.clone();
        if !title.is_empty() {
            ui.label(title);
        }
        // Owned: the buttons below change the editor.
        let evaluated = self.expressions.evaluate().clone();
        match &evaluated {
            Ok((_, _, evaluation)) => {
                if let Some(f) = evaluation.values.last() {
                    ui.label(
                        egui::RichText::new(format!("f = {}", shown(*f)))
                            .strong()
                            .size(18.0),
                    );
                }
            }
            Err(message) => {
                ui.colored_label(crate::theme::error_colour(ui.visuals().dark_mode), message);
            }
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Backward")
                .on_hover_text("Run the whole backward pass: every value gets ∂f/∂(value).")
                .clicked()
            {
                self.expressions.backward();
            }
            if ui
                .button("Step backward")
                .on_hover_text(
                    "One node of the backward pass at a time, from f back to the inputs.",
                )
                .clicked()
            {
                self.expressions.step_backward();
            }
            if ui
                .button("Clear gradients")
                .on_hover_text("Hide the gradients and start the backward pass again.")
                .clicked()
            {
                self.expressions.clear_gradients();
            }
        });
        ui.weak(
            "Each node shows its value (=) where its wires leave it; after the backward pass, \
             its gradient ∂f/∂(value) below, marked ∂.",
        );
        if let (Ok((graph, _, evaluation)), Some(revealed)) =
            (&evaluated, self.expressions.revealed())
        {
            ui.separator();
            ui.strong("Backward pass");
            for (number, step) in evaluation.steps.iter().take(revealed).enumerate() {
                let node = &graph.nodes[step.node];
                let mut line = format!(
                    "{}. {} ({}): ∂f/∂{} = {}",
                    number + 1,
                    node.id,
                    node.op.name(),
                    node.id,
                    shown(step.upstream)
                );
                if step.sends.is_empty() {
                    line.push_str(". An input: the gradient stops here.");
                } else {
                    line.push_str(&format!(". The local rule: {}.", step.rule));
                    for (input, local, sent) in &step.sends {
                        line.push_str(&format!(
                            "\n    {} gets {} × {} = {}",
                            graph.nodes[*input].id,
                            shown(*local),
                            shown(step.upstream),
                            shown(*sent)
                        ));
                    }
                }
                ui.label(line);
            }
        }
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            if ui.button("Open expression…").clicked() && self.pending_dialog.is_none() {
                self.pending_dialog = Some(PendingDialog::start(
                    DialogKind::OpenExpression,
                    "",
                    ui.ctx(),
                ));
            }
            if ui.button("Save expression as…").clicked() && self.pending_dialog.is_none() {
                let suggested = self.expressions.name.clone();
                self.pending_dialog = Some(PendingDialog::start(
                    DialogKind::SaveExpression,
                    &suggested,
                    ui.ctx(),
                ));
            }
        });
        ui.weak(format!("Shown: {}", self.expressions.name));
    }

    /// The training panel: controls and settings, curves, decision boundary.
    fn training_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(240.0);
                ui.heading("Training");
                ui.horizontal_wrapped(|ui| {
                    let train_label = if self.training.playing {
                        "Pause"
                    } else {
                        "Train"
                    };
                    let mut controls = vec![(Action::TrainPause, train_label)];
                    controls.extend([
                        (Action::StepEpoch, "Step epoch"),
                        (Action::StepBatch, "Step batch"),
                        (Action::ResetTraining, "Reset"),
                        (Action::ResetNewSeed, "Reset with new seed"),
                        (Action::GradientCheck, "Gradient check…"),
                    ]);
                    for (action, label) in controls {
                        let keys = action
                            .shortcut_text(ui.ctx())
                            .map_or_else(String::new, |k| format!(" ({k})"));
                        if ui
                            .button(label)
                            .on_hover_text(format!("{}{keys}", action.tooltip()))
                            .clicked()
                        {
                            commands.push(Command::Action(action));
                        }
                    }
                });
                self.training_settings_ui(ui, commands);
                self.training.speed_ui(ui);
                ui.separator();
                self.training.status_ui(ui);
            });
            ui.separator();
            let width = ((ui.available_width() - 16.0) / 2.0).max(120.0);
            ui.vertical(|ui| {
                ui.set_width(width);
                commands.extend(self.training.curves_ui(ui));
            });
            ui.separator();
            ui.vertical(|ui| {
                ui.set_width(width);
                commands.extend(self.training.views_ui(ui, &mut self.editor));
            });
        });
    }

    /// Learning rate, batch size and regularization, applied live.
    fn training_settings_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        use layerwright_nn::{Batching, Regularization};
        let mut training = self.editor.document.document().training.clone();
        let mut field = None;
        egui::Grid::new("training-settings")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui
                    .label("Learning rate")
                    .on_hover_text("η in w ← w − η·∂L/∂w (eq. 1.8)");
                if ui
                    .add(
                        egui::DragValue::new(&mut training.learning_rate)
                            .range(1e-6..=10.0)
                            .speed(0.001)
                            .max_decimals(6),
                    )
                    .labelled_by(label.id)
                    .changed()
                {
                    field = Some("learning_rate");
                }
                ui.end_row();
                let label = ui
                    .label("Batch size")
                    .on_hover_text("Examples per update; the last, shorter batch counts as one.");
                let full = matches!(training.batching, Batching::FullBatch);
                ui.horizontal(|ui| {
                    // A full batch has no size to show: a drag value would clamp it to its
                    // range and so change the document just by drawing it.
                    if full {
                        ui.weak("every example");
                    } else {
                        let mut size = training.batching.batch_size(usize::MAX);
                        let response = ui
                            .add(egui::DragValue::new(&mut size).range(1..=4096))
                            .labelled_by(label.id);
                        if response.changed() {
                            training.batching = if size == 1 {
                                Batching::PerExample
                            } else {
                                Batching::MiniBatch { size }
                            };
                            field = Some("batching");
                        }
                    }
                    let mut all = full;
                    let toggled = ui
                        .checkbox(&mut all, "All")
                        .on_hover_text(
                            "Full batch: one update per epoch, on the mean gradient of every training example.",
                        )
                        .changed();
                    if toggled {
                        training.batching = if all {
                            Batching::FullBatch
                        } else {
                            Batching::MiniBatch { size: 32 }
                        };
                        field = Some("batching");
                    }
                });
                ui.end_row();
                let label = ui
                    .label("L2 rate")
                    .on_hover_text("Weight decay: adds rate·w to each weight's gradient (0: off).");
                let mut rate = match training.regularization {
                    Regularization::L2 { rate } | Regularization::L1 { rate } => rate,
                    Regularization::None => 0.0,
                };
                if ui
                    .add(
                        egui::DragValue::new(&mut rate)
                            .range(0.0..=1.0)
                            .speed(0.0001)
                            .max_decimals(5),
                    )
                    .labelled_by(label.id)
                    .changed()
                {
                    training.regularization = if rate > 0.0 {
                        Regularization::L2 { rate }
                    } else {
                        Regularization::None
                    };
                    field = Some("regularization");
                }
                ui.end_row();
            });
        if let Some(field) = field {
            commands.push(Command::Edit(Edit::UpdateTraining { training, field }));
        }
    }

    /// Files dropped on the window, and the close button.
    fn window_events(&mut self, ctx: &egui::Context) {
        let dropped: Option<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| {
                    p.extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                })
        });
        if let Some(path) = dropped {
            self.request(ctx, Intent::Open(path));
        }
        let screenshot = ctx.input(|i| {
            i.raw.events.iter().find_map(|event| match event {
                egui::Event::Screenshot {
                    user_data, image, ..
                } => {
                    let capture = user_data
                        .data
                        .as_ref()?
                        .downcast_ref::<crate::document::export::PlotCapture>()?
                        .clone();
                    Some((capture, image.clone(), i.pixels_per_point))
                }
                _ => None,
            })
        });
        if let Some((capture, image, pixels_per_point)) = screenshot {
            self.plot_captured(ctx, &capture, &image, pixels_per_point);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            if self.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.unsaved_prompt = Some(Intent::Quit);
            } else if self.expressions.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.expression_close_prompt = true;
            }
        }
    }

    /// Crops a screenshot to the plot, encodes it and asks where to save it.
    pub fn plot_captured(
        &mut self,
        ctx: &egui::Context,
        capture: &crate::document::export::PlotCapture,
        image: &egui::ColorImage,
        pixels_per_point: f32,
    ) {
        use crate::document::export::{crop, encode_png};
        let Some(cropped) = crop(image, capture.rect, pixels_per_point) else {
            self.error_dialog = Some("The plot was not on screen; nothing was saved.".to_owned());
            return;
        };
        match encode_png(&cropped) {
            Ok(bytes) => {
                self.pending_file = Some(PendingFile {
                    bytes,
                    suggested: capture.file_name.clone(),
                    note: None,
                });
                if self.pending_dialog.is_none() {
                    self.pending_dialog = Some(PendingDialog::start(
                        DialogKind::SavePng,
                        &capture.file_name,
                        ctx,
                    ));
                }
            }
            Err(error) => self.error_dialog = Some(format!("Could not encode the image: {error}")),
        }
    }

    /// Writes the waiting file (a plot's PNG, an export) to `path`; true if it was saved.
    pub fn save_pending_to(&mut self, ctx: &egui::Context, path: &Path) -> bool {
        let Some(PendingFile { bytes, note, .. }) = self.pending_file.take() else {
            return false;
        };
        match layerwright_nn::graph::io::write_atomically(path, &bytes) {
            Ok(()) => {
                let note = note.map_or_else(String::new, |n| format!(" ({n})"));
                self.editor
                    .notify(ctx, format!("Saved {}{note}", path.display()), None);
                true
            }
            Err(error) => {
                self.error_dialog = Some(error.to_string());
                false
            }
        }
    }

    /// Records one frame's CPU time for the overlay.
    pub fn record_frame_time(&mut self, now_secs: f64, cpu_secs: f32) {
        self.frame_stats.record(now_secs, cpu_secs);
    }

    /// The overlay with the UI thread's frame times (View → Frame times).
    fn frame_times_ui(&self, ctx: &egui::Context) {
        if !self.show_frame_times {
            return;
        }
        let text = match self.frame_stats.p50_p95() {
            Some((p50, p95)) => format!(
                "UI CPU per frame: p50 {:.2} ms, p95 {:.2} ms ({} frames in the last second)",
                p50 * 1000.0,
                p95 * 1000.0,
                self.frame_stats.len()
            ),
            None => "UI CPU per frame: measuring…".to_owned(),
        };
        egui::Area::new(egui::Id::new("frame-times"))
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 30.0))
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(egui::RichText::new(text).monospace().small());
                });
            });
        // Keep measuring while the overlay is open.
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }

    /// Checks back-propagation against central finite differences (f64) for the current
    /// weights (the initial ones before training) on training example `example`.
    pub fn check_gradients(&mut self, example: usize) {
        use layerwright_nn::gradient_check::gradient_check;
        use ndarray::{Axis, Slice};
        let compiled = match self.editor.compile_current() {
            Ok(compiled) => compiled,
            Err(message) => {
                self.gradient_report = Some(GradientReport {
                    example: 0,
                    examples: 0,
                    result: Err(format!("The graph cannot be checked: {message}")),
                });
                return;
            }
        };
        let examples = compiled.data.train.len();
        let example = example.min(examples.saturating_sub(1));
        let result = if compiled.architecture.head().loss == layerwright_nn::Loss::Perceptron {
            Err(
                "The perceptron rule (eq. 2.1) is an update rule, not the gradient of a loss: \
                 it passes ŷ − y straight through the step, whose derivative is 0 almost \
                 everywhere, so finite differences do not apply."
                    .to_owned(),
            )
        } else if compiled.architecture.parameter_count() > 50_000 {
            Err(
                "This network has over 50,000 parameters; the check nudges each one twice, \
                 which is too slow to do here."
                    .to_owned(),
            )
        } else if examples == 0 {
            Err("There are no training examples.".to_owned())
        } else {
            let parameters = self
                .training
                .parameters()
                .filter(|p| compiled.architecture.fits(p))
                .cloned()
                .unwrap_or_else(|| compiled.initial.clone());
            let rows = Slice::from(example..example + 1);
            Ok(gradient_check(
                &compiled.architecture,
                &parameters,
                compiled.data.train.inputs.slice_axis(Axis(0), rows),
                compiled.data.train.targets.slice_axis(Axis(0), rows),
                None,
            ))
        };
        self.gradient_report = Some(GradientReport {
            example,
            examples,
            result,
        });
    }

    /// The gradient check's window.
    fn gradient_check_ui(&mut self, ctx: &egui::Context) {
        let Some(report) = self.gradient_report.clone() else {
            return;
        };
        let mut open = true;
        let mut example = report.example;
        egui::Window::new("Gradient check")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .default_pos(egui::pos2(420.0, 120.0))
            .show(ctx, |ui| {
                ui.label(
                    "Each weight is nudged by ±1e-5 and the change of the loss compared with the \
                     gradient back-propagation computed (central differences, in f64).",
                );
                if report.examples > 0 {
                    ui.horizontal(|ui| {
                        let label = ui.label("Training example");
                        let mut shown = example + 1;
                        ui.add(
                            egui::DragValue::new(&mut shown)
                                .range(1..=report.examples)
                                .speed(0.2),
                        )
                        .labelled_by(label.id);
                        ui.weak(format!("of {}", report.examples));
                        example = shown - 1;
                    });
                }
                match &report.result {
                    Ok(check) => {
                        let worst = check.max_relative_error();
                        let verdict = if worst < GRADIENT_TOLERANCE {
                            format!(
                                "Largest relative error {worst:.1e}: back-propagation agrees with finite differences."
                            )
                        } else {
                            format!(
                                "Largest relative error {worst:.1e}: back-propagation and finite differences disagree."
                            )
                        };
                        if worst < GRADIENT_TOLERANCE {
                            ui.strong(verdict);
                        } else {
                            ui.colored_label(
                                crate::theme::error_colour(ui.visuals().dark_mode),
                                verdict,
                            );
                        }
                        egui::Grid::new("gradient-check").striped(true).show(ui, |ui| {
                            ui.strong("node");
                            ui.strong("parameter");
                            ui.strong("largest relative error");
                            ui.end_row();
                            for parameter in &check.parameters {
                                ui.label(&parameter.node);
                                ui.label(match parameter.role {
                                    layerwright_nn::architecture::ParameterRole::Weights => "W",
                                    layerwright_nn::architecture::ParameterRole::Bias => "b",
                                    layerwright_nn::architecture::ParameterRole::Slopes => "α",
                                });
                                ui.monospace(format!("{:.1e}", parameter.max_relative_error));
                                ui.end_row();
                            }
                        });
                    }
                    Err(message) => {
                        ui.label(message);
                    }
                }
            });
        if !open {
            self.gradient_report = None;
        } else if example != report.example {
            self.check_gradients(example);
        }
    }

    /// The step-through window, and the vectors it puts on the canvas's nodes.
    fn step_through_ui(&mut self, ctx: &egui::Context) {
        use crate::learn::step_through::step_result;
        self.training.insight.step_vectors.clear();
        if !self.step_through.open {
            return;
        }
        if self.step_through.result.is_none() {
            let example = self.step_through.example;
            self.step_through.result = Some(match self.editor.compile_current() {
                Ok(compiled) => {
                    let parameters = self
                        .training
                        .parameters()
                        .filter(|p| compiled.architecture.fits(p))
                        .cloned()
                        .unwrap_or_else(|| compiled.initial.clone());
                    step_result(&compiled, &parameters, example)
                }
                Err(message) => Err(format!("The graph cannot be run: {message}")),
            });
        }
        for (name, values, gradient) in self.step_through.shown_vectors() {
            self.training
                .insight
                .step_vectors
                .insert(name, (values, gradient));
        }
        let mut open = true;
        let walk = &mut self.step_through;
        let mut example = walk.example;
        egui::Window::new("Step through one example")
            .open(&mut open)
            .default_pos(egui::pos2(880.0, 60.0))
            .default_width(360.0)
            .show(ctx, |ui| {
                let result = match &walk.result {
                    Some(Ok(result)) => result.clone(),
                    Some(Err(message)) => {
                        ui.label(message);
                        return;
                    }
                    None => return,
                };
                ui.horizontal(|ui| {
                    let label = ui.label("Training example");
                    let mut shown = example + 1;
                    ui.add(egui::DragValue::new(&mut shown).range(1..=result.examples).speed(0.2))
                        .labelled_by(label.id);
                    ui.weak(format!("of {}", result.examples));
                    example = shown - 1;
                });
                let listed = |values: &[f64]| {
                    let parts: Vec<String> = values.iter().take(8).map(|v| format!("{v:.3}")).collect();
                    let more = if values.len() > 8 { ", …" } else { "" };
                    format!("[{}{more}]", parts.join(", "))
                };
                ui.label(format!("inputs {}", listed(&result.inputs)));
                ui.label(format!("target {}", listed(&result.targets)));
                let count = result.names.len();
                ui.horizontal(|ui| {
                    let next = if walk.forward_shown < count {
                        format!("Forward: {}", result.names[walk.forward_shown])
                    } else if walk.backward_shown < count {
                        format!("Backward: {}", result.names[count - 1 - walk.backward_shown])
                    } else {
                        "Done".to_owned()
                    };
                    if ui
                        .add_enabled(walk.backward_shown < count, egui::Button::new("Step"))
                        .on_hover_text(next)
                        .clicked()
                    {
                        walk.step();
                    }
                    if ui.button("Restart").clicked() {
                        walk.restart();
                    }
                });
                ui.separator();
                for index in 0..count.min(walk.forward_shown) {
                    ui.label(format!("{} = {}", result.names[index], listed(&result.values[index])));
                }
                if walk.forward_shown >= count {
                    ui.strong(format!("loss L = {:.6}", result.loss));
                }
                for index in (0..count).rev().take(walk.backward_shown) {
                    ui.colored_label(
                        crate::theme::gradient_colour(ui.visuals().dark_mode),
                        format!("∂L/∂{} = {}", result.names[index], listed(&result.gradients[index])),
                    );
                }
                if walk.backward_shown >= count && !result.updates.is_empty() {
                    ui.separator();
                    let layer = walk
                        .layer
                        .clone()
                        .filter(|l| result.updates.iter().any(|(n, _)| n == l))
                        .unwrap_or_else(|| result.updates[0].0.clone());
                    let mut chosen = layer.clone();
                    egui::ComboBox::from_label("weight update of")
                        .selected_text(&chosen)
                        .show_ui(ui, |ui| {
                            for (name, _) in &result.updates {
                                ui.selectable_value(&mut chosen, name.clone(), name);
                            }
                        });
                    walk.layer = Some(chosen.clone());
                    if let Some((_, update)) = result.updates.iter().find(|(n, _)| *n == chosen) {
                        ui.weak("ΔW = −η·∂L/∂W, what one gradient-descent step on this example changes:");
                        crate::network::views::units::matrix_ui(ui, &format!("{chosen} ΔW"), update);
                    }
                }
            });
        if example != walk.example {
            walk.example = example;
            walk.result = None;
        }
        if !open {
            walk.open = false;
            walk.result = None;
        }
    }

    /// Whether a model has trained, so that it can be exported.
    pub fn can_export(&self) -> bool {
        self.training.epochs > 0 && self.training.parameters().is_some()
    }

    /// Exports the trained model in `format` (an ONNX file is first checked by running it
    /// in tract) and asks where to write it.
    pub fn export(&mut self, ctx: &egui::Context, format: crate::document::export::ExportFormat) {
        let Some(parameters) = self
            .training
            .parameters()
            .cloned()
            .filter(|_| self.can_export())
        else {
            self.error_dialog = Some(
                "Nothing to export yet: train the model first (Space), then export its weights."
                    .to_owned(),
            );
            return;
        };
        let compiled = match self.editor.compile_current() {
            Ok(compiled) => compiled,
            Err(message) => {
                self.error_dialog = Some(format!("The graph cannot be exported: {message}"));
                return;
            }
        };
        let mut document = self.editor.document.document().clone();
        document.weights = Some(compiled.trained_weights(&parameters, self.training.epochs));
        let stem = self
            .file
            .name
            .strip_suffix(".json")
            .unwrap_or(&self.file.name)
            .to_owned();
        match crate::document::export::export_bytes(
            &document,
            self.editor.base_dir.as_deref(),
            format,
            &stem,
        ) {
            Ok(exported) => {
                let (_, extension) = format.file_type();
                let suffix = if format == crate::document::export::ExportFormat::Json {
                    "-trained"
                } else {
                    ""
                };
                let suggested = format!("{stem}{suffix}.{extension}");
                self.pending_file = Some(PendingFile {
                    bytes: exported.bytes,
                    suggested: suggested.clone(),
                    note: exported.verification.map(|v| v.to_string()),
                });
                if self.pending_dialog.is_none() {
                    self.pending_dialog = Some(PendingDialog::start(
                        DialogKind::Export(format),
                        &suggested,
                        ctx,
                    ));
                }
            }
            Err(lines) => {
                self.error_dialog = Some(format!("Could not export: {}", lines.join("\n")));
            }
        }
    }

    /// Whether a file (a plot image, an export) is waiting for a place to be saved.
    pub fn has_pending_file(&self) -> bool {
        self.pending_file.is_some()
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.menu_button("File", |ui| {
            action_buttons_ui(ui, &[Action::New, Action::Open], true, commands);
            ui.menu_button("Open example", |ui| {
                for example in EXAMPLES {
                    if ui
                        .button(example.title)
                        .on_hover_text(example.file_name)
                        .clicked()
                    {
                        self.request(
                            &ui.ctx().clone(),
                            Intent::OpenExample(example.file_name.to_owned()),
                        );
                        ui.close();
                    }
                }
            });
            ui.menu_button("Open recent", |ui| {
                if self.settings.recent.is_empty() {
                    ui.weak("No recent files yet.");
                }
                for path in self.settings.recent.clone() {
                    if ui
                        .button(file_name(&path))
                        .on_hover_text(path.display().to_string())
                        .clicked()
                    {
                        self.request(&ui.ctx().clone(), Intent::Open(path));
                        ui.close();
                    }
                }
            });
            ui.separator();
            action_buttons_ui(ui, &[Action::Save, Action::SaveAs], true, commands);
            ui.separator();
            let trained = self.can_export();
            action_buttons_ui(
                ui,
                &[
                    Action::ExportJson,
                    Action::ExportOnnx,
                    Action::ExportPytorch,
                ],
                trained,
                commands,
            );
            if !trained {
                ui.weak("Train the model to export it.");
            }
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
            action_buttons_ui(
                ui,
                &[Action::FitView, Action::SelectNext, Action::SelectPrevious],
                true,
                commands,
            );
            ui.separator();
            ui.checkbox(&mut self.training.insight.show_maps, "Unit maps in nodes")
                .on_hover_text(
                    "Each unit's output over the input plane, inside its node (2-D data). \
                     Hover one to see it large in the plot.",
                );
            ui.checkbox(&mut self.training.insight.show_weights, "Weights in nodes")
                .on_hover_text("Each layer's weight matrix as a heatmap, values on hover.");
            ui.checkbox(&mut self.show_frame_times, "Frame times")
                .on_hover_text("The UI thread's CPU time per frame over the last second.");
            ui.separator();
            ui.label("Theme");
            let before = self.settings.theme;
            ui.radio_value(&mut self.settings.theme, Theme::Dark, "Dark");
            ui.radio_value(&mut self.settings.theme, Theme::Light, "Light");
            ui.radio_value(&mut self.settings.theme, Theme::System, "Follow the system");
            if self.settings.theme != before {
                ui.ctx().set_theme(self.settings.theme.preference());
            }
        });
        ui.menu_button("Learn", |ui| {
            action_buttons_ui(
                ui,
                &[
                    Action::StepThrough,
                    Action::GradientCheck,
                    Action::ShowGallery,
                ],
                true,
                commands,
            );
            if ui
                .button("Computational graph")
                .on_hover_text(
                    "Wire a scalar expression and watch the chain rule, number by number.",
                )
                .clicked()
            {
                self.mode = Mode::Expression;
                ui.close();
            }
            ui.separator();
            for (index, lesson) in crate::learn::lessons::LESSONS.iter().enumerate() {
                if ui
                    .button(format!("Lesson {}: {}", index + 1, lesson.title))
                    .on_hover_text(
                        "Open the lesson's first network, with its explanations beside it.",
                    )
                    .clicked()
                {
                    self.request(
                        &ui.ctx().clone(),
                        Intent::OpenLesson {
                            lesson: index,
                            stage: 0,
                            variant: None,
                        },
                    );
                    ui.close();
                }
            }
        });
        ui.menu_button("Help", |ui| {
            action_buttons_ui(
                ui,
                &[Action::ShowShortcuts, Action::ShowAbout],
                true,
                commands,
            );
        });
        ui.separator();
        ui.selectable_value(&mut self.mode, Mode::Network, "Network")
            .on_hover_text("Build networks, train them and watch them learn.");
        ui.selectable_value(&mut self.mode, Mode::Expression, "Computational graph")
            .on_hover_text("Wire a scalar expression and watch the chain rule, number by number.");
        ui.separator();
        if self.mode == Mode::Expression {
            ui.strong(&self.expressions.name);
            if self.expressions.is_dirty() {
                ui.label("•").on_hover_text("Unsaved changes");
            }
            return;
        }
        ui.strong(&self.file.name);
        if self.is_dirty() {
            ui.label("•").on_hover_text("Unsaved changes");
        }
        if let Some(message) = self.autosave.as_ref().and_then(|a| a.last_error.as_ref()) {
            ui.colored_label(
                crate::theme::error_colour(ui.visuals().dark_mode),
                "autosave failed",
            )
            .on_hover_text(message);
        }
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

    /// The unsaved-changes question, the path field, errors, shortcuts and About.
    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(intent) = self.unsaved_prompt.clone() {
            let mut choice = None;
            question_window("Unsaved changes").show(ctx, |ui| {
                ui.label(format!(
                    "Save the changes to {} before {}?",
                    self.file.name,
                    intent.phrase()
                ));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        choice = Some(0);
                    }
                    if ui.button("Don't save").clicked() {
                        choice = Some(1);
                    }
                    if ui.button("Cancel").clicked() {
                        choice = Some(2);
                    }
                });
            });
            if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
                choice = Some(2);
            }
            match choice {
                Some(0) => {
                    self.unsaved_prompt = None;
                    if self.file.path.is_some() {
                        if self.save(ctx) {
                            self.perform(ctx, intent);
                        }
                    } else {
                        self.after_save = Some(intent);
                        self.start_dialog(ctx, DialogKind::SaveAs);
                    }
                }
                Some(1) => {
                    self.unsaved_prompt = None;
                    self.perform(ctx, intent);
                }
                Some(_) => self.unsaved_prompt = None,
                None => {}
            }
        }
        if let Some(prompt) = &mut self.path_prompt {
            let title = match prompt.kind {
                DialogKind::Open => "Open a graph file",
                DialogKind::SaveAs => "Save the graph as",
                DialogKind::SavePng => "Save the plot as",
                DialogKind::Export(_) => "Export the model as",
                DialogKind::OpenExpression => "Open an expression",
                DialogKind::SaveExpression => "Save the expression as",
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
                        DialogKind::Open | DialogKind::OpenExpression => "Open",
                        DialogKind::SaveAs | DialogKind::SavePng | DialogKind::SaveExpression => {
                            "Save"
                        }
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
                    let path = PathBuf::from(prompt.text.trim());
                    let kind = prompt.kind;
                    self.path_prompt = None;
                    self.dialog_answered(ctx, DialogOutcome::Chosen(kind, path));
                }
                Some(false) => {
                    self.path_prompt = None;
                    self.after_save = None;
                    self.pending_file = None;
                }
                _ => {}
            }
        }
        if let Some(message) = self.error_dialog.clone() {
            let mut open = true;
            question_window("Something went wrong")
                .open(&mut open)
                .show(ctx, |ui| {
                    ui.label(message);
                    ui.label("Your open graph is unchanged.");
                    if ui.button("OK").clicked() {
                        self.error_dialog = None;
                    }
                });
            if !open {
                self.error_dialog = None;
            }
        }
        egui::Window::new("Keyboard shortcuts")
            .open(&mut self.show_shortcuts)
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
        egui::Window::new("About Layerwright")
            .open(&mut self.show_about)
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
    }
}

/// A menu's buttons for `actions` (enabled or not); a click pushes the action and closes
/// the menu.
fn action_buttons_ui(
    ui: &mut egui::Ui,
    actions: &[Action],
    enabled: bool,
    commands: &mut Vec<Command>,
) {
    for &action in actions {
        if action.menu_button(ui, enabled) {
            commands.push(Command::Action(action));
            ui.close();
        }
    }
}

/// The answers to the question before closing with an unsaved expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExpressionCloseChoice {
    Save,
    Discard,
    Cancel,
}

/// A fixed window in the middle of the screen, for a question or a message that needs an
/// answer before anything else.
fn question_window(title: &str) -> egui::Window<'_> {
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
}

impl eframe::App for LayerwrightApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        // The previous frame's work, as eframe measured it.
        if let Some(cpu_secs) = frame.info().cpu_usage {
            self.record_frame_time(ui.ctx().input(|i| i.time), cpu_secs);
        }
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }

    /// A clean exit: nothing needs recovering.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(autosave) = &mut self.autosave {
            autosave.remove();
        }
    }
}
