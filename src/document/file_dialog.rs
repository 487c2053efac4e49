//! Native file dialogs run off the UI thread on a thread named `file-dialog`, with an
//! in-app path field where the system has no dialog service.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use web_time::{Duration, Instant};

use crate::document::export::ExportFormat;

/// Which file dialog is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    /// Choose a graph to open.
    Open,
    /// Choose where to save the graph.
    SaveAs,
    /// Choose where to save a plot's PNG image.
    SavePng,
    /// Choose where to write an exported model.
    Export(ExportFormat),
    /// Choose a scalar expression to open.
    OpenExpression,
    /// Choose where to save the scalar expression.
    SaveExpression,
    /// Choose a CSV file as the data set.
    OpenData,
    /// Choose a CSV file to start a new graph from.
    NewFromData,
    /// Choose where to save the data as CSV.
    SaveData,
    /// Choose an ONNX model to import.
    ImportModel,
    /// Choose the CSV file an imported model works on.
    ImportData,
}

/// What a dialog answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogOutcome {
    /// A path was chosen.
    Chosen(DialogKind, PathBuf),
    /// The person cancelled.
    Cancelled,
    /// No dialog service answered: ask for a path in the window instead.
    Unavailable(DialogKind),
}

/// A native dialog running on its own thread; the UI polls it each frame.
pub struct PendingDialog {
    receiver: Receiver<DialogOutcome>,
}

/// An answer faster than this cannot be a person cancelling: the dialog never showed.
const INSTANT_ANSWER: Duration = Duration::from_millis(250);

impl PendingDialog {
    /// Starts `kind` on a thread named `file-dialog`; `suggested` names the file for Save as.
    pub fn start(kind: DialogKind, suggested: &str, ctx: &egui::Context) -> Self {
        let (sender, receiver): (SyncSender<DialogOutcome>, _) = sync_channel(1);
        let outcome_of = move |chosen: Option<PathBuf>, started: Instant| match chosen {
            Some(path) => DialogOutcome::Chosen(kind, path),
            None if started.elapsed() < INSTANT_ANSWER => DialogOutcome::Unavailable(kind),
            None => DialogOutcome::Cancelled,
        };
        let has_session_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
            || cfg!(not(target_os = "linux"));
        if !has_session_bus {
            // Nothing can answer a portal request: go straight to the path field.
            let _ = sender.try_send(DialogOutcome::Unavailable(kind));
            return Self { receiver };
        }
        let suggested = suggested.to_owned();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let started = Instant::now();
                let chosen = match kind {
                    DialogKind::Open => rfd::FileDialog::new()
                        .add_filter("Layerwright graph", &["json"])
                        .add_filter("ONNX model (imported on a CSV file)", &["onnx"])
                        .pick_file(),
                    DialogKind::OpenExpression => rfd::FileDialog::new()
                        .add_filter("Layerwright expression", &["json"])
                        .pick_file(),
                    DialogKind::SaveExpression => rfd::FileDialog::new()
                        .add_filter("Layerwright expression", &["json"])
                        .set_file_name(&suggested)
                        .save_file(),
                    DialogKind::SaveAs => rfd::FileDialog::new()
                        .add_filter("Layerwright graph", &["json"])
                        .set_file_name(&suggested)
                        .save_file(),
                    DialogKind::ImportModel => rfd::FileDialog::new()
                        .add_filter("ONNX model", &["onnx"])
                        .pick_file(),
                    DialogKind::OpenData | DialogKind::NewFromData | DialogKind::ImportData => {
                        rfd::FileDialog::new()
                            .add_filter("CSV table", &["csv", "txt"])
                            .pick_file()
                    }
                    DialogKind::SaveData => rfd::FileDialog::new()
                        .add_filter("CSV table", &["csv"])
                        .set_file_name(&suggested)
                        .save_file(),
                    DialogKind::SavePng => rfd::FileDialog::new()
                        .add_filter("PNG image", &["png"])
                        .set_file_name(&suggested)
                        .save_file(),
                    DialogKind::Export(format) => {
                        let (what, extension) = ExportFormat::file_type(format);
                        rfd::FileDialog::new()
                            .add_filter(what, &[extension])
                            .set_file_name(&suggested)
                            .save_file()
                    }
                };
                // The window may have closed meanwhile; then nobody is waiting.
                let _ = sender.send(outcome_of(chosen, started));
                ctx.request_repaint();
            });
        if spawned.is_err() {
            let (sender, receiver) = sync_channel(1);
            let _ = sender.try_send(DialogOutcome::Unavailable(kind));
            return Self { receiver };
        }
        Self { receiver }
    }

    /// The answer, once there is one.
    pub fn poll(&self) -> Option<DialogOutcome> {
        match self.receiver.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(DialogOutcome::Cancelled),
        }
    }
}

/// The in-app path field shown where no native dialog is available.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPrompt {
    /// Open or save.
    pub kind: DialogKind,
    /// What has been typed.
    pub text: String,
}
