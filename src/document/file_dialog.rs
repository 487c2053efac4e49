//! Native file dialogs run off the UI thread on a thread named `file-dialog`, with an
//! in-app path field where the system has no dialog service. In a browser the page's file
//! picker gives a file's bytes (kept in memory, see `layerwright_nn::files`) and a file
//! written is downloaded.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
#[cfg(not(target_arch = "wasm32"))]
use web_time::{Duration, Instant};

use crate::document::export::ExportFormat;

/// In a browser, where files picked or dropped on the page are kept (in memory).
pub const UPLOADS_DIR: &str = "/uploads";

/// In a browser, files written here are offered as downloads.
pub const DOWNLOADS_DIR: &str = "/downloads";

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

impl DialogKind {
    /// Whether the dialog chooses where to write (else a file to read).
    pub fn saves(self) -> bool {
        match self {
            Self::SaveAs
            | Self::SavePng
            | Self::Export(_)
            | Self::SaveExpression
            | Self::SaveData => true,
            Self::Open
            | Self::OpenExpression
            | Self::OpenData
            | Self::NewFromData
            | Self::ImportModel
            | Self::ImportData => false,
        }
    }

    /// The file types it offers: a description and its extensions, each.
    pub fn filters(self) -> Vec<(&'static str, &'static [&'static str])> {
        match self {
            Self::Open => vec![
                ("Layerwright graph", &["json"]),
                ("ONNX model (imported on a CSV file)", &["onnx"]),
            ],
            Self::OpenExpression | Self::SaveExpression => {
                vec![("Layerwright expression", &["json"])]
            }
            Self::SaveAs => vec![("Layerwright graph", &["json"])],
            Self::ImportModel => vec![("ONNX model", &["onnx"])],
            Self::OpenData | Self::NewFromData | Self::ImportData => {
                vec![("CSV table", &["csv", "txt"])]
            }
            Self::SaveData => vec![("CSV table", &["csv"])],
            Self::SavePng => vec![("PNG image", &["png"])],
            Self::Export(format) => {
                let (what, extensions) = format.filter();
                vec![(what, extensions.as_slice())]
            }
        }
    }
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
#[cfg(not(target_arch = "wasm32"))]
const INSTANT_ANSWER: Duration = Duration::from_millis(250);

impl PendingDialog {
    /// Starts `kind` on a thread named `file-dialog`; `suggested` names the file for Save as.
    #[cfg(not(target_arch = "wasm32"))]
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
                let mut dialog = rfd::FileDialog::new();
                for (what, extensions) in kind.filters() {
                    dialog = dialog.add_filter(what, extensions);
                }
                let chosen = if kind.saves() {
                    dialog.set_file_name(&suggested).save_file()
                } else {
                    dialog.pick_file()
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

    /// In a browser: a file to read comes from the browser's picker, its bytes kept in
    /// memory under [`UPLOADS_DIR`]; a file to write goes under [`DOWNLOADS_DIR`] at once,
    /// and the page offers it as a download when it is written.
    #[cfg(target_arch = "wasm32")]
    pub fn start(kind: DialogKind, suggested: &str, ctx: &egui::Context) -> Self {
        let (sender, receiver): (SyncSender<DialogOutcome>, _) = sync_channel(1);
        if kind.saves() {
            let name = if suggested.is_empty() {
                let extension = kind
                    .filters()
                    .first()
                    .and_then(|(_, extensions)| extensions.first().copied())
                    .unwrap_or("txt");
                format!("layerwright.{extension}")
            } else {
                suggested.to_owned()
            };
            let path = PathBuf::from(DOWNLOADS_DIR).join(name);
            let _ = sender.try_send(DialogOutcome::Chosen(kind, path));
            return Self { receiver };
        }
        let mut dialog = rfd::AsyncFileDialog::new();
        for (what, extensions) in kind.filters() {
            dialog = dialog.add_filter(what, extensions);
        }
        let ctx = ctx.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match dialog.pick_file().await {
                Some(file) => {
                    let path = PathBuf::from(UPLOADS_DIR).join(file.file_name());
                    let bytes = file.read().await;
                    match layerwright_nn::files::insert(&path, bytes) {
                        Ok(()) => DialogOutcome::Chosen(kind, path),
                        Err(_) => DialogOutcome::Cancelled,
                    }
                }
                None => DialogOutcome::Cancelled,
            };
            let _ = sender.try_send(outcome);
            ctx.request_repaint();
        });
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
