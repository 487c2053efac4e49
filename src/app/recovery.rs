//! Nothing lost: the open graph (and an unsaved expression) autosaved while unsaved, and a
//! copy left by a window that stopped abnormally offered and restored.

use std::path::{Path, PathBuf};

use layerwright_nn::graph::io::load_document;

use super::LayerwrightApp;
use super::modal::Modal;
use crate::document::recovery::{Autosave, AutosaveRecord, Unsaved};
use crate::document::session::{FileSession, empty_document};
use crate::learn::expression::ExpressionEditor;

impl LayerwrightApp {
    /// Autosaves into `dir` from now on, and offers to restore what a window that stopped
    /// abnormally left there.
    pub fn enable_recovery(&mut self, dir: PathBuf) {
        if let Some((file, record)) = Autosave::leftover(&dir) {
            self.modals.show(Modal::RestoreOffer {
                file,
                record: Box::new(record),
            });
        }
        self.autosave = Some(Autosave::new(dir));
    }

    /// Restores an offered autosave as the open graph, with unsaved changes against its file
    /// (or against nothing, when it had none).
    pub(super) fn restore_autosave(&mut self, file: PathBuf, record: AutosaveRecord) {
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
        self.replace_document(FileSession::new(record.name, record.path, &on_disk));
        self.network.open(record.document, folder);
        if let Some(unsaved) = record.expression {
            let baseline = self.expression.document().clone();
            self.expression = ExpressionEditor::new(unsaved.document, unsaved.name);
            self.expression.set_saved(baseline);
        }
        if let Some(autosave) = &mut self.autosave {
            autosave.inherited = Some(file);
        }
    }

    /// Autosaves when due; asks for a frame when the next one will be.
    pub(super) fn autosave_tick(&mut self, ctx: &egui::Context) {
        let Some(autosave) = &mut self.autosave else {
            return;
        };
        let now = ctx.input(|i| i.time);
        let document = self.network.editor.document.document();
        let expression = self
            .expression
            .is_dirty()
            .then(|| (self.expression.name.as_str(), self.expression.document()));
        let version = self.network.editor.version();
        let dirty = self.file.is_dirty(version, document) || expression.is_some();
        let unsaved = Unsaved {
            document,
            name: &self.file.name,
            path: self.file.path.as_deref(),
            expression,
        };
        if let Some(wait) = autosave.tick(now, dirty, unsaved) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait.max(0.05)));
        }
    }
}
