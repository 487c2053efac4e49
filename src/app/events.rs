//! What the window itself reports each frame: files dropped on it (a graph opens, a CSV
//! starts a new graph on its data), a plot's screenshot arriving, and the close button.

use std::path::{Path, PathBuf};

use super::LayerwrightApp;
use super::modal::Modal;
use crate::commands::Intent;
use crate::document::export::PlotCapture;
use crate::document::session::file_name;

impl LayerwrightApp {
    /// Files dropped on the window, a plot's screenshot arriving, and the close button.
    pub(super) fn window_events(&mut self, ctx: &egui::Context) {
        #[cfg(not(target_arch = "wasm32"))]
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        // A browser hands over no paths: the bytes are read first and arrive in a later frame.
        #[cfg(target_arch = "wasm32")]
        let dropped: Vec<PathBuf> = {
            let handles = ctx.input(|i| i.raw.dropped_files.clone());
            super::page::read_dropped_files(ctx, handles);
            super::page::take_arrived_files()
        };
        let has_extension = |path: &Path, wanted: &[&str]| {
            path.extension()
                .is_some_and(|e| wanted.iter().any(|w| e.eq_ignore_ascii_case(w)))
        };
        if let Some(path) = dropped.iter().find(|p| has_extension(p, &["json"])) {
            self.request(ctx, Intent::Open(path.clone()));
        } else if let Some(path) = dropped.iter().find(|p| has_extension(p, &["onnx"])) {
            // The import window asks for the data; the open graph stays until it is made.
            self.files.import = Some(super::model_import::ModelImport::new(ctx, path.clone()));
        } else if let Some(path) = dropped
            .iter()
            .find(|p| has_extension(p, &["csv", "tsv", "txt"]))
        {
            // A new graph on the data, once unsaved changes are dealt with.
            self.request(ctx, Intent::NewFromCsv(path.clone()));
        } else if let Some(path) = dropped.first() {
            self.network.editor.notify(
                ctx,
                format!(
                    "{} is not a graph (.json), a data table (.csv) or a model (.onnx): nothing was opened.",
                    file_name(path)
                ),
                None,
            );
        }
        let screenshot = ctx.input(|i| {
            i.raw.events.iter().find_map(|event| match event {
                egui::Event::Screenshot {
                    user_data, image, ..
                } => {
                    let capture = user_data
                        .data
                        .as_ref()?
                        .downcast_ref::<PlotCapture>()?
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
                self.modals.show(Modal::UnsavedChanges(Intent::Quit));
            } else if self.expression.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.modals.show(Modal::UnsavedExpression);
            }
        }
    }
}
