//! Files: where the open document lives, whether it has unsaved changes, recent files, and
//! native file dialogs run off the UI thread (with an in-app path field where the system
//! has no dialog service).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::{Duration, Instant};

use layerwright_nn::graph::GraphDocument;
use serde::{Deserialize, Serialize};

/// How many recent files are remembered.
pub const RECENT_LIMIT: usize = 10;

/// The open document's file, and its content when last loaded or saved.
#[derive(Clone, Debug)]
pub struct FileSession {
    /// Where Save writes; `None` for an example or a new graph.
    pub path: Option<PathBuf>,
    /// The name shown in the title.
    pub name: String,
    saved: GraphDocument,
}

impl FileSession {
    /// A session on `document`, as loaded from `path` (or not saved anywhere yet).
    pub fn new(name: String, path: Option<PathBuf>, document: &GraphDocument) -> Self {
        Self {
            path,
            name,
            saved: document.clone(),
        }
    }

    /// Whether `current` differs from what was last loaded or saved.
    pub fn is_dirty(&self, current: &GraphDocument) -> bool {
        *current != self.saved
    }

    /// Records that `document` is now what `path` holds.
    pub fn mark_saved(&mut self, document: &GraphDocument, path: &Path) {
        self.saved = document.clone();
        self.path = Some(path.to_path_buf());
        self.name = file_name(path);
    }

    /// The window title: the file name, a dot when there are unsaved changes, the app.
    pub fn title(&self, dirty: bool) -> String {
        if dirty {
            format!("{} • - Layerwright", self.name)
        } else {
            format!("{} - Layerwright", self.name)
        }
    }
}

/// The last component of `path`, for titles and menus.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// What is remembered between runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recently opened or saved files, most recent first.
    pub recent: Vec<PathBuf>,
    /// Dark, light or the system's theme.
    pub theme: Theme,
}

/// The theme choice, stored by name so settings files stay readable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Light text on dark.
    #[default]
    Dark,
    /// Dark text on light.
    Light,
    /// Whatever the system prefers.
    System,
}

impl Theme {
    /// egui's equivalent.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::Dark => egui::ThemePreference::Dark,
            Self::Light => egui::ThemePreference::Light,
            Self::System => egui::ThemePreference::System,
        }
    }

    /// From egui's preference.
    pub fn from_preference(preference: egui::ThemePreference) -> Self {
        match preference {
            egui::ThemePreference::Dark => Self::Dark,
            egui::ThemePreference::Light => Self::Light,
            egui::ThemePreference::System => Self::System,
        }
    }
}

impl Settings {
    /// Puts `path` first in the recent list, without repeats, keeping at most [`RECENT_LIMIT`].
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(RECENT_LIMIT);
    }
}

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
    Export(crate::cli::ExportFormat),
    /// Choose a scalar expression to open.
    OpenExpression,
    /// Choose where to save the scalar expression.
    SaveExpression,
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
                    DialogKind::SavePng => rfd::FileDialog::new()
                        .add_filter("PNG image", &["png"])
                        .set_file_name(&suggested)
                        .save_file(),
                    DialogKind::Export(format) => {
                        let (what, extension) = crate::cli::ExportFormat::file_type(format);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_most_recent_first_without_repeats() {
        let mut settings = Settings::default();
        for name in ["a.json", "b.json", "c.json", "a.json"] {
            settings.remember(Path::new(name));
        }
        let names: Vec<String> = settings.recent.iter().map(|p| file_name(p)).collect();
        assert_eq!(names, ["a.json", "c.json", "b.json"]);
        for i in 0..20 {
            settings.remember(Path::new(&format!("{i}.json")));
        }
        assert_eq!(settings.recent.len(), RECENT_LIMIT);
        assert_eq!(file_name(&settings.recent[0]), "19.json");
    }
}
