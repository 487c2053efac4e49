//! Autosave and crash recovery: while the open graph (or the computational-graph mode's
//! expression) has unsaved changes, a copy (with its view) is written every 30 seconds into the app's data directory, one file per running
//! window; a clean exit removes it. A copy left by a window that is no longer running means
//! that window stopped abnormally, and the next start offers to restore it.

use std::path::{Path, PathBuf};
use web_time::{SystemTime, UNIX_EPOCH};

use layerwright_nn::graph::GraphDocument;
use layerwright_nn::graph::expression::ExpressionDocument;
use layerwright_nn::graph::io::write_atomically;
use serde::{Deserialize, Serialize};

/// The environment variable that overrides the data directory (tests use it).
pub const DATA_DIR_VARIABLE: &str = "LAYERWRIGHT_DATA_DIR";

/// Seconds between autosaves while there are unsaved changes: 30 on the desktop; 5 in a
/// browser, where a tab closes at once and nothing of the page runs after (a copy is only
/// written when it differs from the last, into local storage, which is quick).
pub const AUTOSAVE_INTERVAL_SECS: f64 = if cfg!(target_arch = "wasm32") {
    5.0
} else {
    30.0
};

/// The `format` of an autosave file.
pub const AUTOSAVE_FORMAT: &str = "layerwright.autosave";

/// Where autosaves go: `$LAYERWRIGHT_DATA_DIR` when set, else the app's data directory
/// (where eframe keeps its settings), if the system has one.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_VARIABLE) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => app_data_dir(),
    }
}

/// The system's data directory for the app (where eframe keeps its settings).
#[cfg(not(target_arch = "wasm32"))]
fn app_data_dir() -> Option<PathBuf> {
    eframe::storage_dir(crate::document::settings::APP_ID)
}

/// In a browser: the folder of files the page keeps in its local storage.
#[cfg(target_arch = "wasm32")]
fn app_data_dir() -> Option<PathBuf> {
    Some(PathBuf::from(BROWSER_DATA_DIR))
}

/// In a browser, the files under this folder are kept in the page's local storage, so an
/// autosave outlives the tab.
pub const BROWSER_DATA_DIR: &str = "/local-storage";

/// An autosaved graph: what was open, where it came from, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutosaveRecord {
    /// Always [`AUTOSAVE_FORMAT`].
    pub format: String,
    /// The process that wrote it.
    pub process_id: u32,
    /// When it was written, in seconds since 1970.
    pub saved_at_unix_secs: u64,
    /// The name the window showed (a file name, an example's, "Untitled").
    pub name: String,
    /// The file the graph was opened from or last saved to, if any.
    pub path: Option<PathBuf>,
    /// The graph with its unsaved changes and its view.
    pub document: GraphDocument,
    /// The computational-graph mode's expression, when it had unsaved changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<SavedExpression>,
}

/// An autosaved expression of the computational-graph mode, with the name it was shown as.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedExpression {
    /// The file or preset name.
    pub name: String,
    /// The expression with its unsaved changes.
    pub document: ExpressionDocument,
}

/// What the window has open, for an autosave: the graph and, when it has unsaved changes,
/// the computational-graph mode's expression.
#[derive(Clone, Copy, Debug)]
pub struct Unsaved<'a> {
    /// The network graph.
    pub document: &'a GraphDocument,
    /// The name the window shows for it.
    pub name: &'a str,
    /// Its file, if it has one.
    pub path: Option<&'a Path>,
    /// The expression's name and document, when it differs from what was opened or saved.
    pub expression: Option<(&'a str, &'a ExpressionDocument)>,
}

impl AutosaveRecord {
    /// How long before `now_unix_secs` it was written, in words ("2 minutes").
    pub fn age(&self, now_unix_secs: u64) -> String {
        let seconds = now_unix_secs.saturating_sub(self.saved_at_unix_secs);
        match seconds {
            0..=59 => format!("{seconds} seconds"),
            60..=119 => "1 minute".to_owned(),
            120..=3599 => format!("{} minutes", seconds / 60),
            3600..=7199 => "1 hour".to_owned(),
            7200..=172_799 => format!("{} hours", seconds / 3600),
            _ => format!("{} days", seconds / 86_400),
        }
    }
}

/// Seconds since 1970 now (0 if the clock is before it).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether process `id` is running. Where the system cannot tell (no `/proc`), it answers
/// no, so a leftover autosave is offered rather than lost.
fn process_running(id: u32) -> bool {
    id == window_id() || (cfg!(target_os = "linux") && Path::new(&format!("/proc/{id}")).exists())
}

/// This window's id in its autosave's name: the process id on the desktop; in a browser,
/// which has none, a number drawn from the clock when the page loaded (one per tab).
pub fn window_id() -> u32 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::process::id()
    }
    #[cfg(target_arch = "wasm32")]
    {
        static ID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        *ID.get_or_init(|| {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos());
            // Mixed so two tabs opened within the same millisecond still differ.
            (nanos ^ (nanos >> 29)).wrapping_mul(0x9E37_79B9) as u32 | 1
        })
    }
}

/// This window's autosave: where it goes, when the next one is due and what was written.
#[derive(Debug)]
pub struct Autosave {
    dir: PathBuf,
    /// Seconds between autosaves ([`AUTOSAVE_INTERVAL_SECS`]; tests shorten it).
    pub interval_secs: f64,
    next_due_secs: Option<f64>,
    written: Option<(GraphDocument, Option<ExpressionDocument>)>,
    /// Why the last autosave failed, shown in the menu bar until one succeeds.
    pub last_error: Option<String>,
    /// A crashed window's autosave this one restored: kept until this window has written
    /// its own copy or exits cleanly, so a second crash in between loses nothing.
    pub inherited: Option<PathBuf>,
}

impl Autosave {
    /// The data directory it writes to (where an unsaved document's runs are kept too).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Autosaves into `dir` (created when first needed).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            interval_secs: AUTOSAVE_INTERVAL_SECS,
            next_due_secs: None,
            written: None,
            last_error: None,
            inherited: None,
        }
    }

    /// This process's autosave file.
    pub fn file(&self) -> PathBuf {
        self.dir.join(format!("autosave-{}.json", window_id()))
    }

    /// Called every frame with the clock (`now_secs`) and what is open: writes it when it
    /// has had unsaved changes (`dirty`) for an interval and differs from the last copy;
    /// removes the copy once there are no unsaved changes. Returns the seconds until the next
    /// check is due, for a repaint request, when one is pending.
    pub fn tick(&mut self, now_secs: f64, dirty: bool, open: Unsaved<'_>) -> Option<f64> {
        if !dirty {
            self.next_due_secs = None;
            if self.written.take().is_some() {
                self.remove();
            }
            return None;
        }
        let due = *self
            .next_due_secs
            .get_or_insert(now_secs + self.interval_secs);
        if now_secs < due {
            return Some(due - now_secs);
        }
        self.next_due_secs = Some(now_secs + self.interval_secs);
        let current = (
            open.document.clone(),
            open.expression.map(|(_, expression)| expression.clone()),
        );
        if self.written.as_ref() != Some(&current) {
            match self.write(open) {
                Ok(()) => {
                    self.written = Some(current);
                    self.last_error = None;
                    self.remove_inherited();
                }
                Err(message) => self.last_error = Some(message),
            }
        }
        Some(self.interval_secs)
    }

    fn write(&self, open: Unsaved<'_>) -> Result<(), String> {
        let record = AutosaveRecord {
            format: AUTOSAVE_FORMAT.to_owned(),
            process_id: window_id(),
            saved_at_unix_secs: unix_now(),
            name: open.name.to_owned(),
            path: open.path.map(Path::to_path_buf),
            document: open.document.clone(),
            expression: open.expression.map(|(name, document)| SavedExpression {
                name: name.to_owned(),
                document: document.clone(),
            }),
        };
        let failed =
            |e: &dyn std::fmt::Display| format!("autosave into {} failed: {e}", self.dir.display());
        layerwright_nn::files::create_dir_all(&self.dir).map_err(|e| failed(&e))?;
        let text = serde_json::to_string_pretty(&record).map_err(|e| failed(&e))?;
        write_atomically(&self.file(), text.as_bytes()).map_err(|e| failed(&e))
    }

    /// Removes this window's autosave and any it inherited (a clean exit, or nothing left
    /// unsaved).
    pub fn remove(&mut self) {
        self.written = None;
        // Nothing to do if it was never written.
        let _ = layerwright_nn::files::remove(&self.file());
        self.remove_inherited();
    }

    fn remove_inherited(&mut self) {
        if let Some(path) = self.inherited.take() {
            // Already gone is as good as removed.
            let _ = layerwright_nn::files::remove(&path);
        }
    }

    /// The newest autosave in `dir` left by a window that is no longer running, with its file.
    pub fn leftover(dir: &Path) -> Option<(PathBuf, AutosaveRecord)> {
        let entries = layerwright_nn::files::list(dir).ok()?;
        entries
            .into_iter()
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("autosave-") && n.ends_with(".json"))
            })
            .filter_map(|path| {
                let text = layerwright_nn::files::read_to_string(&path).ok()?;
                let record: AutosaveRecord = serde_json::from_str(&text).ok()?;
                (record.format == AUTOSAVE_FORMAT && !process_running(record.process_id))
                    .then_some((path, record))
            })
            .max_by_key(|(_, record)| record.saved_at_unix_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_as_words() {
        let record = |saved| AutosaveRecord {
            format: AUTOSAVE_FORMAT.to_owned(),
            process_id: 1,
            saved_at_unix_secs: saved,
            name: String::new(),
            path: None,
            document: crate::document::session::empty_document(),
            expression: None,
        };
        assert_eq!(record(1000).age(1042), "42 seconds");
        assert_eq!(record(1000).age(1090), "1 minute");
        assert_eq!(record(1000).age(1000 + 5 * 60 + 3), "5 minutes");
        assert_eq!(record(1000).age(1000 + 3 * 3600), "3 hours");
        assert_eq!(record(1000).age(1000 + 3 * 86_400), "3 days");
    }
}
