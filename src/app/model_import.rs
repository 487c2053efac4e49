//! File → Import ONNX model… (or an `.onnx` file dropped on the window): a window that reads
//! the model on an `onnx-reader` thread and says what it found, asks for the data (a CSV
//! file, its target column read on a `csv-header` thread, the task, the model's class order
//! and the loss), and makes the document on an `importer` thread, as `layerwright import`
//! does. The open graph is untouched until the document is made; a refusal is shown in the
//! window, naming the operator and node.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use layerwright_nn::data::{
    HeaderRow, TableSource, TargetColumn, Task, guess_task_and_classes, header_of,
};
use layerwright_nn::graph::{DataSource, DatasetSpec};
use layerwright_nn::import::{
    ImportSettings, ImportedDocument, ImportedGraph, ImportedLayer, import_document, read_onnx,
    suggested_task,
};
use layerwright_nn::{Loss, OutputFunction};

use crate::document::session::file_name;
use crate::worker::{Job, Polled};

/// What the window's buttons ask for.
pub(super) enum ImportAnswer {
    /// Ask for the CSV file with a dialog.
    ChooseCsv,
    /// The document was made: open it (asking about unsaved changes first).
    Imported(Box<ImportedDocument>),
    /// Close the window.
    Close,
}

/// A CSV file's column names, or why they cannot be read.
type Columns = Result<Vec<String>, String>;

/// The import window's state.
pub(super) struct ModelImport {
    model: PathBuf,
    reading: Option<Job<Result<ImportedGraph, String>>>,
    graph: Option<Result<Arc<ImportedGraph>, String>>,
    form: ImportForm,
    /// The CSV file whose header is being read, and the job.
    header: Option<(String, Job<Columns>)>,
    /// The CSV file whose header was read last, and its column names.
    columns: Option<(String, Columns)>,
    importing: Option<Job<Result<ImportedDocument, String>>>,
    finished: Option<ImportedDocument>,
    error: Option<String>,
}

/// What the person chose in the window.
#[derive(Clone, Debug, Default, PartialEq)]
struct ImportForm {
    data: String,
    target: String,
    /// `None`: from the model's end, else guessed from the target.
    task: Option<Task>,
    classes: String,
    loss: Option<Loss>,
}

impl ModelImport {
    /// The window for the model at `model`, reading it at once.
    pub fn new(ctx: &egui::Context, model: PathBuf) -> Self {
        let wake = ctx.clone();
        let path = model.clone();
        let reading = Job::spawn(
            "onnx-reader",
            move || wake.request_repaint(),
            move |_| {
                let bytes = layerwright_nn::files::read(&path)
                    .map_err(|e| format!("{}: cannot read the file: {e}", path.display()))?;
                read_onnx(&bytes).map_err(|e| format!("{}: {e}", file_name(&path)))
            },
        );
        Self {
            model,
            reading: Some(reading),
            graph: None,
            form: ImportForm::default(),
            header: None,
            columns: None,
            importing: None,
            finished: None,
            error: None,
        }
    }

    /// The CSV file chosen with the dialog.
    pub fn set_data(&mut self, path: &Path) {
        self.form.data = path.display().to_string();
    }

    /// Draws the window; returns what its buttons ask for.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<ImportAnswer> {
        self.poll(ctx);
        let mut open = true;
        let mut answer = None;
        egui::Window::new("Import ONNX model")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui| answer = self.contents_ui(ui));
        if !open {
            answer = Some(ImportAnswer::Close);
        }
        answer
    }

    /// Finished jobs: the model read, the header read, the document made.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(job) = &self.reading {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(result) => {
                    self.graph = Some(result.map(Arc::new));
                    self.reading = None;
                }
                Polled::Failed => {
                    self.graph = Some(Err("reading the model stopped unexpectedly".to_owned()));
                    self.reading = None;
                }
            }
        }
        let wanted = self.form.data.trim().to_owned();
        let reading_wanted = self
            .header
            .as_ref()
            .is_some_and(|(path, _)| *path == wanted);
        let read = self
            .columns
            .as_ref()
            .is_some_and(|(path, _)| *path == wanted);
        if !reading_wanted && !read && layerwright_nn::files::len(Path::new(&wanted)).is_ok() {
            let wake = ctx.clone();
            let path = PathBuf::from(&wanted);
            let job = Job::spawn(
                "csv-header",
                move || wake.request_repaint(),
                move |_| {
                    header_of(&TableSource::File(&path))
                        .map_err(|e| format!("{}: {e}", path.display()))
                },
            );
            self.header = Some((wanted, job));
        }
        if let Some((path, job)) = &self.header {
            let polled = job.poll();
            if !matches!(polled, Polled::Running) {
                let columns = match polled {
                    Polled::Finished(result) => result,
                    _ => Err("reading the file stopped unexpectedly".to_owned()),
                };
                if let Ok(names) = &columns
                    && !names.contains(&self.form.target)
                {
                    // The target is most often the last column.
                    self.form.target = names.last().cloned().unwrap_or_default();
                }
                self.columns = Some((path.clone(), columns));
                self.header = None;
            }
        }
        if let Some(job) = &self.importing {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(result) => {
                    self.importing = None;
                    match result {
                        Ok(document) => self.finished = Some(document),
                        Err(message) => self.error = Some(message),
                    }
                }
                Polled::Failed => {
                    self.importing = None;
                    self.error = Some("making the document stopped unexpectedly".to_owned());
                }
            }
        }
    }

    /// The model's description, the data form, and Import / Cancel.
    fn contents_ui(&mut self, ui: &mut egui::Ui) -> Option<ImportAnswer> {
        if let Some(document) = self.finished.take() {
            return Some(ImportAnswer::Imported(Box::new(document)));
        }
        let mut answer = None;
        ui.horizontal(|ui| {
            ui.label("Model:");
            ui.strong(file_name(&self.model));
        });
        let graph = match &self.graph {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading the model…");
                });
                None
            }
            Some(Err(message)) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
                None
            }
            Some(Ok(graph)) => {
                ui.label(describe(graph));
                Some(Arc::clone(graph))
            }
        };
        ui.separator();
        ui.label(
            "The model takes its inputs as they are: the document applies no normalisation \
             of its own.",
        );
        egui::Grid::new("import-form")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Data (CSV)");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.form.data)
                            .desired_width(260.0)
                            .hint_text("path to a CSV file with a header row"),
                    );
                    if ui.button("Choose…").clicked() {
                        answer = Some(ImportAnswer::ChooseCsv);
                    }
                });
                ui.end_row();
                ui.label("Target column");
                self.target_ui(ui);
                ui.end_row();
                ui.label("Task");
                let automatic = match graph.as_deref().and_then(suggested_task) {
                    Some(_) => "Classification (the model ends in probabilities)",
                    None => "Guessed from the target",
                };
                egui::ComboBox::from_id_salt("import-task")
                    .selected_text(match self.form.task {
                        None => automatic,
                        Some(Task::Classification) => "Classification",
                        Some(Task::Regression) => "Regression",
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.form.task, None, automatic);
                        ui.selectable_value(
                            &mut self.form.task,
                            Some(Task::Classification),
                            "Classification",
                        );
                        ui.selectable_value(
                            &mut self.form.task,
                            Some(Task::Regression),
                            "Regression",
                        );
                    });
                ui.end_row();
                ui.label("Class order").on_hover_text(
                    "The classes in the order of the model's outputs, separated by commas.",
                );
                ui.add(
                    egui::TextEdit::singleline(&mut self.form.classes)
                        .desired_width(260.0)
                        .hint_text("empty: Layerwright's order"),
                );
                ui.end_row();
                ui.label("Loss");
                egui::ComboBox::from_id_salt("import-loss")
                    .selected_text(
                        self.form
                            .loss
                            .map_or("The one fitting the output", Loss::name),
                    )
                    .show_ui(ui, |ui| {
                        ui.selectable_value(
                            &mut self.form.loss,
                            None,
                            "The one fitting the output",
                        );
                        for loss in Loss::ALL {
                            ui.selectable_value(&mut self.form.loss, Some(loss), loss.name());
                        }
                    });
                ui.end_row();
            });
        if let Some(message) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
        ui.separator();
        ui.horizontal(|ui| {
            let ready =
                graph.is_some() && self.importing.is_none() && !self.form.data.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new("Import"))
                .on_hover_text("Make the graph from the model (asks about unsaved changes).")
                .on_disabled_hover_text("Choose the data first; the model must have been read.")
                .clicked()
                && let Some(graph) = graph
            {
                self.start_import(ui.ctx(), graph);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(ImportAnswer::Close);
            }
            if self.importing.is_some() {
                ui.spinner();
                ui.label("Reading the data and making the graph…");
            }
        });
        answer
    }

    /// The target column: a menu of the CSV's columns once its header is read.
    fn target_ui(&mut self, ui: &mut egui::Ui) {
        match &self.columns {
            Some((path, Ok(names))) if *path == self.form.data.trim() => {
                ui.horizontal(|ui| {
                    egui::ComboBox::from_id_salt("import-target")
                        .selected_text(self.form.target.clone())
                        .show_ui(ui, |ui| {
                            for name in names {
                                ui.selectable_value(&mut self.form.target, name.clone(), name);
                            }
                        });
                    ui.weak(format!("of the file's {} columns", names.len()));
                });
            }
            Some((path, Err(message))) if *path == self.form.data.trim() => {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            _ if self.header.is_some() => {
                ui.spinner();
            }
            _ => {
                ui.weak("Choose the data first.");
            }
        }
    }

    /// Makes the document on the `importer` thread.
    fn start_import(&mut self, ctx: &egui::Context, graph: Arc<ImportedGraph>) {
        self.error = None;
        let form = self.form.clone();
        let wake = ctx.clone();
        self.importing = Some(Job::spawn(
            "importer",
            move || wake.request_repaint(),
            move |_| import_with(&graph, &form),
        ));
    }
}

/// The document for `graph` on the data in `form`.
fn import_with(graph: &ImportedGraph, form: &ImportForm) -> Result<ImportedDocument, String> {
    let path = PathBuf::from(form.data.trim());
    if form.target.is_empty() {
        return Err("Choose the target column.".to_owned());
    }
    let target = TargetColumn::Name(form.target.clone());
    let task = match form.task.or_else(|| suggested_task(graph)) {
        Some(task) => task,
        None => {
            guess_task_and_classes(&TableSource::File(&path), HeaderRow::Present, &target)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .0
        }
    };
    let mut dataset = DatasetSpec::csv(&path.display().to_string(), task);
    if let DataSource::Csv { header, .. } = &mut dataset.source {
        *header = HeaderRow::Present;
    }
    dataset.target = target;
    let classes: Vec<String> = form
        .classes
        .split(',')
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    let settings = ImportSettings {
        dataset,
        classes: (!classes.is_empty()).then_some(classes),
        loss: form.loss,
    };
    import_document(graph, settings, None).map_err(|e| e.to_string())
}

/// What the model is, in a sentence: its inputs, its layers and how it ends.
fn describe(graph: &ImportedGraph) -> String {
    let layers: Vec<String> = graph
        .nodes
        .iter()
        .skip(1)
        .map(|node| match &node.layer {
            ImportedLayer::Dense {
                weights,
                activation,
                ..
            } => {
                format!("dense {} {}", weights.ncols(), activation.name())
            }
            ImportedLayer::Conv {
                weights,
                activation,
                ..
            } => {
                format!("conv {} {}", weights.nrows(), activation.name())
            }
            ImportedLayer::Activation { activation, .. } => activation.name().to_owned(),
            ImportedLayer::Pool { max: true, .. } => "max pool".to_owned(),
            ImportedLayer::Pool { max: false, .. } => "average pool".to_owned(),
            ImportedLayer::BatchNorm { .. } => "batch norm".to_owned(),
            ImportedLayer::LayerNorm { .. } => "layer norm".to_owned(),
            ImportedLayer::Add => "add".to_owned(),
            ImportedLayer::Concat => "concat".to_owned(),
            ImportedLayer::Flatten => "flatten".to_owned(),
            ImportedLayer::Input => "input".to_owned(),
        })
        .collect();
    let ending = match graph.output_function {
        OutputFunction::Identity => {
            format!("ends in {} raw values", graph.nodes[graph.logits].width)
        }
        other => format!("ends in {}", other.name()),
    };
    format!(
        "{} inputs, then {}; {ending}.",
        graph.inputs,
        layers.join(", ")
    )
}

impl super::LayerwrightApp {
    /// The import window, when open, and what its buttons ask for.
    pub(super) fn model_import_ui(&mut self, ctx: &egui::Context) {
        let Some(window) = &mut self.files.import else {
            return;
        };
        match window.ui(ctx) {
            None => {}
            Some(ImportAnswer::ChooseCsv) => {
                self.start_dialog(ctx, crate::document::file_dialog::DialogKind::ImportData);
            }
            Some(ImportAnswer::Close) => self.files.import = None,
            Some(ImportAnswer::Imported(imported)) => {
                self.files.import = None;
                let ImportedDocument {
                    document,
                    class_order,
                    classes_given,
                    ..
                } = *imported;
                self.request(ctx, crate::commands::Intent::New(Box::new(document)));
                if !class_order.is_empty() {
                    let whose = if classes_given {
                        "as given"
                    } else {
                        "Layerwright's order; give the class order if the model was trained with another"
                    };
                    self.network.editor.notify(
                        ctx,
                        format!(
                            "The model's outputs are read as the classes {} ({whose}).",
                            class_order.join(", ")
                        ),
                        None,
                    );
                }
            }
        }
    }
}
