//! The app's side of the browser page (wasm32 only): the page's title, and files dropped
//! on the page, whose bytes the browser reads asynchronously.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::document::file_dialog::UPLOADS_DIR;

/// Shows `title` as the page's (its tab's) title.
pub fn set_page_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        document.set_title(title);
    }
}

/// Files dropped on the page whose bytes have been read, waiting for the next frame.
static ARRIVED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Reads files dropped on the page (the browser reads them asynchronously) into the page's
/// files under the uploads folder; each arrives in [`take_arrived_files`] once read.
pub fn read_dropped_files(ctx: &egui::Context, files: Vec<egui::DroppedFileHandle>) {
    for file in files {
        let ctx = ctx.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Some(name) = file.path().file_name().map(ToOwned::to_owned) else {
                return;
            };
            let path = Path::new(UPLOADS_DIR).join(name);
            let read = file.bytes_async().await;
            let kept = read.is_ok_and(|bytes| layerwright_nn::files::insert(&path, bytes).is_ok());
            if kept && let Ok(mut arrived) = ARRIVED.lock() {
                arrived.push(path);
            }
            ctx.request_repaint();
        });
    }
}

/// The dropped files read since the last call, as paths among the page's files.
pub fn take_arrived_files() -> Vec<PathBuf> {
    ARRIVED
        .lock()
        .map(|mut arrived| std::mem::take(&mut *arrived))
        .unwrap_or_default()
}
