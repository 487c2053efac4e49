//! The window's file lifecycle: replacing the open document (after asking about unsaved
//! changes), opening and saving, the file dialogs' answers, files made in memory (a plot's
//! PNG, an export made on a worker thread) waiting for a place.

use std::path::Path;

use layerwright_nn::graph::io::save_document;

use super::LayerwrightApp;
use super::modal::Modal;
use crate::commands::{Intent, Mode};
use crate::document::export::{ExportFormat, Exported, PlotCapture, crop, encode_png};
use crate::document::file_dialog::{DialogKind, DialogOutcome, PathPrompt, PendingDialog};
use crate::document::session::{FileSession, OpenedDocument, file_name, load_for_editing};
use crate::worker::{Job, Polled};

/// A file made in memory (a plot's PNG, an exported model), waiting for the person to
/// choose where it goes.
pub(super) struct PendingFile {
    bytes: Vec<u8>,
    /// The file name the dialog suggests.
    suggested: String,
    /// Said after it is saved (the ONNX check's result).
    note: Option<String>,
}

/// An export being made on the `export` thread (ONNX is checked in tract first).
pub(super) struct ExportJob {
    format: ExportFormat,
    suggested: String,
    job: Job<Result<Exported, Vec<String>>>,
}

/// File work under way: a native dialog, a file waiting for a place, an export being
/// made, and what to do once a Save as… started from a question has saved.
#[derive(Default)]
pub(super) struct FileWork {
    dialog: Option<PendingDialog>,
    pending: Option<PendingFile>,
    export: Option<ExportJob>,
    after_save: Option<Intent>,
    /// A CSV file being read, for a new graph or as the data set.
    pub(super) csv: Option<super::data_files::CsvJob>,
    /// The window importing an ONNX model.
    pub(super) import: Option<super::model_import::ModelImport>,
}

impl LayerwrightApp {
    /// Asks to replace the document (or close): first about unsaved changes, if any.
    pub fn request(&mut self, ctx: &egui::Context, intent: Intent) {
        if self.is_dirty() {
            self.modals.show(Modal::UnsavedChanges(intent));
        } else {
            self.perform(ctx, intent);
        }
    }

    /// Replaces the document (or closes) without asking.
    pub fn perform(&mut self, ctx: &egui::Context, intent: Intent) {
        match intent {
            Intent::New(document) => {
                self.replace_document(FileSession::new("Untitled".to_owned(), None, &document));
                self.network.open(*document, None);
            }
            Intent::NewFromCsv(path) => {
                self.read_csv_for(ctx, path, super::data_files::CsvPurpose::NewGraph);
            }
            Intent::Open(path) => self.open_path(&path),
            Intent::OpenExample(name) => {
                let opened = OpenedDocument::example(&name);
                match opened.document {
                    Ok(document) => {
                        self.replace_document(FileSession::new(opened.name, None, &document));
                        self.network.open(document, None);
                    }
                    Err(message) => self.modals.show(Modal::Error(message)),
                }
            }
            Intent::OpenLesson {
                lesson,
                stage,
                variant,
            } => self.open_lesson(lesson, stage, variant),
            // The graph is saved or given up; an unsaved expression gets its own question.
            Intent::Quit if self.expression.is_dirty() => {
                self.modals.show(Modal::UnsavedExpression);
            }
            Intent::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// The file session of another graph: the lesson's explanations no longer describe it.
    pub(super) fn replace_document(&mut self, file: FileSession) {
        self.learn.lesson = None;
        self.network.editor.highlighted.clear();
        self.file = file;
    }

    /// Opens stage `stage` of bundled lesson `lesson` (with `variant` applied) in the editor,
    /// with the lesson's side panel; an error is shown and the open document kept.
    pub fn open_lesson(&mut self, lesson: usize, stage: usize, variant: Option<usize>) {
        let panel = match self.learn.lesson.take() {
            Some(panel) if panel.index == lesson => Ok(panel),
            other => {
                self.learn.lesson = other;
                crate::learn::lessons::LessonPanel::open(lesson)
            }
        };
        let mut panel = match panel {
            Ok(panel) => panel,
            Err(message) => return self.modals.show(Modal::Error(message)),
        };
        let Some(shown) = panel.lesson.stages.get(stage) else {
            let message = format!("lesson {} has no stage {}", lesson + 1, stage + 1);
            self.learn.lesson = Some(panel);
            return self.modals.show(Modal::Error(message));
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
        self.network.open(graph, None);
        self.mode = Mode::Network;
        self.learn.lesson = Some(panel);
    }

    /// Opens the file at `path`; a load error is shown and the open document kept.
    pub fn open_path(&mut self, path: &Path) {
        match load_for_editing(path) {
            Ok(document) => {
                self.replace_document(FileSession::new(
                    file_name(path),
                    Some(path.to_path_buf()),
                    &document,
                ));
                self.network
                    .open(document, path.parent().map(Path::to_path_buf));
                self.settings.remember(path);
            }
            Err(message) => self.modals.show(Modal::Error(message)),
        }
    }

    /// Saves to `path`; a failure is shown and the document stays unsaved. Returns success.
    pub fn save_to(&mut self, path: &Path) -> bool {
        let editor = &mut self.network.editor;
        match save_document(editor.document.document(), path) {
            Ok(()) => {
                self.file.mark_saved(editor.document.document(), path);
                editor.base_dir = path.parent().map(Path::to_path_buf);
                self.settings.remember(path);
                true
            }
            Err(error) => {
                self.modals
                    .show(Modal::Error(format!("The graph was not saved. {error}")));
                false
            }
        }
    }

    /// Save: to the document's file, or through Save as… when it has none.
    pub(super) fn save(&mut self, ctx: &egui::Context) -> bool {
        match self.file.path.clone() {
            Some(path) => self.save_to(&path),
            None => {
                self.start_dialog(ctx, DialogKind::SaveAs);
                false
            }
        }
    }

    /// Saves first, then does `intent` (the unsaved-changes question's Save).
    pub(super) fn save_then(&mut self, ctx: &egui::Context, intent: Intent) {
        if self.file.path.is_some() {
            if self.save(ctx) {
                self.perform(ctx, intent);
            }
        } else {
            self.files.after_save = Some(intent);
            self.start_dialog(ctx, DialogKind::SaveAs);
        }
    }

    /// Starts a native file dialog of `kind` (one at a time), suggesting a file name.
    pub(super) fn start_dialog(&mut self, ctx: &egui::Context, kind: DialogKind) {
        if self.files.dialog.is_some() {
            return;
        }
        let suggested = match kind {
            DialogKind::Open
            | DialogKind::OpenExpression
            | DialogKind::OpenData
            | DialogKind::NewFromData
            | DialogKind::ImportModel
            | DialogKind::ImportData => String::new(),
            DialogKind::SaveExpression => self.expression.name.clone(),
            DialogKind::SavePng | DialogKind::Export(_) | DialogKind::SaveData => self
                .files
                .pending
                .as_ref()
                .map(|file| file.suggested.clone())
                .unwrap_or_default(),
            DialogKind::SaveAs if self.file.name.ends_with(".json") => self.file.name.clone(),
            DialogKind::SaveAs => format!("{}.json", self.file.name),
        };
        self.files.dialog = Some(PendingDialog::start(kind, &suggested, ctx));
    }

    /// Once a frame: a native dialog's answer, a CSV read, and a finished export.
    pub(super) fn poll_file_work(&mut self, ctx: &egui::Context) {
        self.poll_csv(ctx);
        if let Some(outcome) = self.files.dialog.as_ref().and_then(PendingDialog::poll) {
            self.files.dialog = None;
            self.dialog_answered(ctx, outcome);
        } else if self.files.dialog.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Some(export) = &self.files.export else {
            return;
        };
        let result = match export.job.poll() {
            Polled::Running => return,
            Polled::Finished(result) => result,
            Polled::Failed => Err(vec!["the export stopped unexpectedly".to_owned()]),
        };
        let format = export.format;
        let suggested = export.suggested.clone();
        self.files.export = None;
        match result {
            Ok(exported) => {
                self.files.pending = Some(PendingFile {
                    bytes: exported.bytes,
                    suggested,
                    note: exported.verification.map(|v| v.to_string()),
                });
                self.start_dialog(ctx, DialogKind::Export(format));
            }
            Err(lines) => self.modals.show(Modal::Error(format!(
                "Could not export: {}",
                lines.join("\n")
            ))),
        }
    }

    /// Acts on a file dialog's answer (also how the in-app path field answers).
    pub fn dialog_answered(&mut self, ctx: &egui::Context, outcome: DialogOutcome) {
        match outcome {
            DialogOutcome::Chosen(DialogKind::Open, path)
                if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("onnx")) =>
            {
                // A model from elsewhere: the import window asks for its data.
                self.files.import = Some(super::model_import::ModelImport::new(ctx, path));
            }
            DialogOutcome::Chosen(DialogKind::Open, path) => self.request(ctx, Intent::Open(path)),
            DialogOutcome::Chosen(DialogKind::SaveAs, path) => {
                if self.save_to(&path)
                    && let Some(intent) = self.files.after_save.take()
                {
                    self.perform(ctx, intent);
                }
            }
            DialogOutcome::Chosen(
                DialogKind::SavePng | DialogKind::Export(_) | DialogKind::SaveData,
                path,
            ) => {
                self.save_pending_to(ctx, &path);
            }
            DialogOutcome::Chosen(DialogKind::OpenData, path) => {
                self.read_csv_for(ctx, path, super::data_files::CsvPurpose::DataSet);
            }
            DialogOutcome::Chosen(DialogKind::NewFromData, path) => {
                self.request(ctx, Intent::NewFromCsv(path));
            }
            DialogOutcome::Chosen(DialogKind::ImportModel, path) => {
                self.files.import = Some(super::model_import::ModelImport::new(ctx, path));
            }
            DialogOutcome::Chosen(DialogKind::ImportData, path) => {
                if let Some(window) = &mut self.files.import {
                    window.set_data(&path);
                }
            }
            DialogOutcome::Chosen(DialogKind::OpenExpression, path) => {
                let name = file_name(&path);
                let opened = layerwright_nn::files::read_to_string(&path)
                    .map_err(|e| format!("{}: cannot read the file: {e}", path.display()))
                    .and_then(|text| {
                        self.expression
                            .open_text(&text, &path.display().to_string())
                    });
                match opened {
                    Ok(()) => self.expression.name = name,
                    Err(message) => self.modals.show(Modal::Error(message)),
                }
            }
            DialogOutcome::Chosen(DialogKind::SaveExpression, path) => {
                let written = self.expression.to_json().and_then(|text| {
                    layerwright_nn::graph::io::write_atomically(&path, text.as_bytes())
                        .map_err(|e| e.to_string())
                });
                match written {
                    Ok(()) => {
                        self.expression.mark_saved();
                        self.expression.name = file_name(&path);
                        self.network
                            .editor
                            .notify(ctx, format!("Saved {}", path.display()), None);
                    }
                    Err(message) => self.modals.show(Modal::Error(message)),
                }
            }
            DialogOutcome::Cancelled => self.file_dialog_cancelled(),
            DialogOutcome::Unavailable(kind) => {
                let text = match (kind, &self.file.path) {
                    (DialogKind::SaveAs, Some(path)) => path.display().to_string(),
                    (DialogKind::SavePng | DialogKind::Export(_) | DialogKind::SaveData, _) => self
                        .files
                        .pending
                        .as_ref()
                        .map(|file| file.suggested.clone())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                self.modals
                    .show(Modal::PathPrompt(PathPrompt { kind, text }));
            }
        }
    }

    /// The person closed a file dialog (or the path field) without choosing.
    pub(super) fn file_dialog_cancelled(&mut self) {
        self.files.after_save = None;
        self.files.pending = None;
    }

    /// Crops a screenshot to the plot, encodes it and asks where to save it.
    pub fn plot_captured(
        &mut self,
        ctx: &egui::Context,
        capture: &PlotCapture,
        image: &egui::ColorImage,
        pixels_per_point: f32,
    ) {
        let Some(cropped) = crop(image, capture.rect, pixels_per_point) else {
            return self.modals.show(Modal::Error(
                "The plot was not on screen; nothing was saved.".to_owned(),
            ));
        };
        match encode_png(&cropped) {
            Ok(bytes) => {
                self.files.pending = Some(PendingFile {
                    bytes,
                    suggested: capture.file_name.clone(),
                    note: None,
                });
                self.start_dialog(ctx, DialogKind::SavePng);
            }
            Err(error) => self
                .modals
                .show(Modal::Error(format!("Could not encode the image: {error}"))),
        }
    }

    /// Writes the waiting file (a plot's PNG, an export) to `path`; true if it was saved.
    pub fn save_pending_to(&mut self, ctx: &egui::Context, path: &Path) -> bool {
        let Some(PendingFile { bytes, note, .. }) = self.files.pending.take() else {
            return false;
        };
        match layerwright_nn::graph::io::write_atomically(path, &bytes) {
            Ok(()) => {
                let note = note.map_or_else(String::new, |n| format!(" ({n})"));
                self.network
                    .editor
                    .notify(ctx, format!("Saved {}{note}", path.display()), None);
                true
            }
            Err(error) => {
                self.modals.show(Modal::Error(error.to_string()));
                false
            }
        }
    }

    /// Keeps `bytes` waiting for a place to be saved, the dialog suggesting `suggested`.
    pub(super) fn set_pending_file(&mut self, bytes: Vec<u8>, suggested: String) {
        self.files.pending = Some(PendingFile {
            bytes,
            suggested,
            note: None,
        });
    }

    /// Whether a file (a plot image, an export) is waiting for a place to be saved.
    pub fn has_pending_file(&self) -> bool {
        self.files.pending.is_some()
    }

    /// Whether an export is being made.
    pub fn is_exporting(&self) -> bool {
        self.files.export.is_some()
    }

    /// Whether a model has trained, so that it can be exported.
    pub fn can_export(&self) -> bool {
        self.network.can_export()
    }

    /// Starts exporting the trained model in `format` on a thread named `export` (an ONNX
    /// file is first checked by running it in tract); once made, asks where to write it.
    pub fn export(&mut self, ctx: &egui::Context, format: ExportFormat) {
        let parameters = self
            .network
            .training
            .run
            .parameters()
            .cloned()
            .filter(|_| self.can_export());
        let Some(parameters) = parameters else {
            return self.modals.show(Modal::Error(
                "Nothing to export yet: train the model first (Space), then export its weights."
                    .to_owned(),
            ));
        };
        let graph = match self.network.compiled().map(|c| &c.graph) {
            Some(Ok(graph)) if graph.architecture.fits(&parameters) => graph,
            Some(Err(message)) => {
                return self.modals.show(Modal::Error(format!(
                    "The graph cannot be exported: {message}"
                )));
            }
            _ => {
                return self.modals.show(Modal::Error(
                    "The graph changed since it was trained; train it again, then export."
                        .to_owned(),
                ));
            }
        };
        let editor = &self.network.editor;
        let mut document = editor.document.document().clone();
        document.weights =
            Some(graph.trained_weights(&parameters, self.network.training.run.epochs()));
        let stem = self.file_stem();
        let (_, extension) = format.file_type();
        let suffix = if format == ExportFormat::Json {
            "-trained"
        } else {
            ""
        };
        let suggested = format!("{stem}{suffix}.{extension}");
        let folder = editor.base_dir.clone();
        let wake = ctx.clone();
        let job = Job::spawn(
            "export",
            move || wake.request_repaint(),
            move |_| {
                crate::document::export::export_bytes(&document, folder.as_deref(), format, &stem)
            },
        );
        self.files.export = Some(ExportJob {
            format,
            suggested,
            job,
        });
    }

    /// The open file's name without `.json`, for the names exports suggest.
    fn file_stem(&self) -> String {
        self.file
            .name
            .strip_suffix(".json")
            .unwrap_or(&self.file.name)
            .to_owned()
    }

    /// Draws the network's diagram (light, for slides; a PNG at scale 2) on the export
    /// worker, then asks where to save it as an export's file is saved.
    pub fn save_diagram(&mut self, ctx: &egui::Context, format: ExportFormat) {
        use crate::network::diagram::{DiagramTheme, diagram_png, diagram_svg};
        let editor = &self.network.editor;
        let document = editor.document.document().clone();
        let diagnostics = editor.diagnostics();
        let shapes: std::collections::HashMap<String, String> = document
            .nodes
            .iter()
            .map(|n| (n.id().to_owned(), diagnostics.shape_text(n.id())))
            .collect();
        let stem = self.file_stem();
        let (_, extension) = format.file_type();
        let suggested = format!("{stem}-diagram.{extension}");
        let wake = ctx.clone();
        let job = Job::spawn(
            "diagram",
            move || wake.request_repaint(),
            move |_| {
                let shape_of = |id: &str| {
                    shapes
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| "[batch, ?]".to_owned())
                };
                let svg = diagram_svg(&document, &shape_of, DiagramTheme::Light);
                let bytes = if format == ExportFormat::DiagramPng {
                    diagram_png(&svg, 2.0).map_err(|e| vec![e.to_string()])?
                } else {
                    svg.into_bytes()
                };
                Ok(layerwright_nn::export::Exported {
                    bytes,
                    verification: None,
                })
            },
        );
        self.files.export = Some(ExportJob {
            format,
            suggested,
            job,
        });
    }

    /// "Exporting…" with Cancel while an export is being made.
    pub(super) fn export_progress_ui(&mut self, ctx: &egui::Context) {
        let Some(export) = &self.files.export else {
            return;
        };
        let (what, _) = export.format.file_type();
        let label = format!("Exporting… ({what})");
        if super::modal::busy_window_ui(ctx, "Exporting", &label, "Stop; nothing is written.") {
            self.files.export = None;
        }
    }
}
