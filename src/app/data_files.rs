//! Data files in the window: a CSV chosen as the data set or to start a new graph on
//! (read on a `csv-reader` thread that guesses the task), a CSV dropped on the window, and
//! generated points saved as CSV.

use std::path::{Path, PathBuf};

use layerwright_nn::data::{HeaderRow, TableSource, TargetColumn, Task, guess_task_and_classes};
use layerwright_nn::graph::starter::starter_document;
use layerwright_nn::graph::{DataSource, DatasetSpec};

use super::LayerwrightApp;
use super::modal::Modal;
use crate::document::file_dialog::DialogKind;
use crate::document::graph::Edit;
use crate::document::session::FileSession;
use crate::worker::{Job, Polled};

/// What a CSV being read is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CsvPurpose {
    /// A new graph on it (File → New, or dropped on the window).
    NewGraph,
    /// The open graph's data set (the data panel, Data → Open CSV…).
    DataSet,
}

/// A CSV file being read on the `csv-reader` thread: its task and class count, or why it
/// cannot be used.
pub(super) struct CsvJob {
    purpose: CsvPurpose,
    path: PathBuf,
    job: Job<Result<(Task, usize), String>>,
}

/// Streams `path` and guesses its task and class count (see [`guess_task_and_classes`]),
/// the header detected and the last column the target.
fn read_task(path: &Path) -> Result<(Task, usize), String> {
    guess_task_and_classes(
        &TableSource::File(path),
        HeaderRow::Detect,
        &TargetColumn::Last,
    )
    .map_err(|error| format!("{}: {error}", path.display()))
}

/// `path` as the document stores it: relative to the document's folder when inside it.
fn stored_path(path: &Path, base_dir: Option<&Path>) -> String {
    base_dir
        .and_then(|base| path.strip_prefix(base).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

impl LayerwrightApp {
    /// Starts reading the CSV at `path` for `purpose` on the `csv-reader` thread; the
    /// open graph is unchanged until it is read, and kept if it cannot be.
    pub(super) fn read_csv_for(&mut self, ctx: &egui::Context, path: PathBuf, purpose: CsvPurpose) {
        let wake = ctx.clone();
        let reading = path.clone();
        let job = Job::spawn(
            "csv-reader",
            move || wake.request_repaint(),
            move |_| read_task(&reading),
        );
        self.files.csv = Some(CsvJob { purpose, path, job });
    }

    /// Once a frame: a CSV that finished reading becomes a new graph or the data set.
    pub(super) fn poll_csv(&mut self, ctx: &egui::Context) {
        let Some(reading) = &self.files.csv else {
            return;
        };
        let result = match reading.job.poll() {
            Polled::Running => return,
            Polled::Finished(result) => result,
            Polled::Failed => Err("reading the file stopped unexpectedly".to_owned()),
        };
        let (purpose, path) = (reading.purpose, reading.path.clone());
        self.files.csv = None;
        let (task, classes) = match result {
            Ok(found) => found,
            Err(message) => return self.modals.show(Modal::Error(message)),
        };
        match purpose {
            CsvPurpose::NewGraph => {
                let stored = stored_path(&path, None);
                let document = starter_document(DatasetSpec::csv(&stored, task), classes);
                self.replace_document(FileSession::new("Untitled".to_owned(), None, &document));
                self.network.open(document, None);
                self.network.data.open = true;
            }
            CsvPurpose::DataSet => {
                let editor = &self.network.editor;
                let stored = stored_path(&path, editor.base_dir.as_deref());
                let current = &editor.document.document().dataset;
                let mut dataset = DatasetSpec::csv(&stored, task);
                dataset.train_fraction = current.train_fraction;
                dataset.seed = current.seed;
                self.network.editor.apply_edit(
                    ctx,
                    Edit::UpdateDataset {
                        dataset: Box::new(dataset),
                        field: "source",
                    },
                );
            }
        }
    }

    /// "Reading data.csv…" with Cancel while a CSV is being read.
    pub(super) fn csv_progress_ui(&mut self, ctx: &egui::Context) {
        let Some(reading) = &self.files.csv else {
            return;
        };
        let label = format!(
            "Reading {}…",
            crate::document::session::file_name(&reading.path)
        );
        let cancel = super::modal::busy_window_ui(
            ctx,
            "Reading data",
            &label,
            "Stop; the open graph stays as it is.",
        );
        if cancel {
            self.files.csv = None;
        }
    }

    /// Whether a CSV file is being read.
    pub fn is_reading_csv(&self) -> bool {
        self.files.csv.is_some()
    }

    /// Data → Save data as CSV…: the generated or hand-placed examples as loaded, waiting
    /// for a place to be saved.
    pub(super) fn save_data_as_csv(&mut self, ctx: &egui::Context) {
        let spec = &self.network.editor.document.document().dataset;
        if !crate::network::data::can_save_as_csv(spec) {
            return self.modals.show(Modal::Error(
                "Only generated or hand-placed data can be saved as CSV; this data set already is a file."
                    .to_owned(),
            ));
        }
        let name = match &spec.source {
            DataSource::Generated { generator, .. } => generator.name(),
            _ => "points".to_owned(),
        };
        let dataset = match self.network.compiled().map(|c| &c.dataset) {
            Some(Ok(dataset)) => dataset.clone(),
            Some(Err(message)) => {
                return self
                    .modals
                    .show(Modal::Error(format!("The data is not loaded: {message}")));
            }
            None => {
                return self.network.editor.notify(
                    ctx,
                    "The data is still loading; try again in a moment.".to_owned(),
                    None,
                );
            }
        };
        let file_name: String = name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        self.set_pending_file(
            dataset.to_csv().into_bytes(),
            format!("{}.csv", file_name.trim_matches('-')),
        );
        self.start_dialog(ctx, DialogKind::SaveData);
    }
}
