//! The app in a browser (issue 29): the page's entry and what stands in for the desktop's
//! file system there.
//!
//! - The app draws on the page's canvas `layerwright_canvas` through eframe's web runner.
//! - `?example=NAME` opens that example (`?example=iris`), so a teacher can link to one.
//! - Files live in memory (`layerwright_nn::files`): a file picked or dropped on the page is
//!   put there, a file written under the downloads folder is offered as a download, and the
//!   files under the local-storage folder (the autosave, unsaved documents' runs) are kept in
//!   the page's local storage, so "Restore unsaved work?" works after the tab was closed.
//!   Settings are kept there by eframe itself.

use std::path::{Path, PathBuf};

use wasm_bindgen::JsCast;

use crate::app::LayerwrightApp;
use crate::document::file_dialog::DOWNLOADS_DIR;
use crate::document::recovery::BROWSER_DATA_DIR;
use crate::document::session::OpenedDocument;
use crate::examples::{DEFAULT_EXAMPLE, example_named};

/// The id of the page's canvas.
pub const CANVAS_ID: &str = "layerwright_canvas";

/// Local storage keys of kept files: this prefix, then the file's path.
const STORAGE_PREFIX: &str = "layerwright.file:";

/// Starts the app on the page's canvas; a failure is written into the page.
pub fn start() {
    restore_kept_files();
    layerwright_nn::files::set_write_hook(Box::new(file_written));
    wasm_bindgen_futures::spawn_local(async {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        let canvas = document
            .get_element_by_id(CANVAS_ID)
            .and_then(|element| element.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let Some(canvas) = canvas else {
            show_failure(&format!("the page has no canvas with the id {CANVAS_ID}"));
            return;
        };
        let opened = OpenedDocument::example(&linked_example());
        let started = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(|creation| Ok(Box::new(LayerwrightApp::create(creation, opened)))),
            )
            .await;
        match started {
            Ok(()) => {
                if let Some(loading) = document.get_element_by_id("loading") {
                    loading.remove();
                }
            }
            Err(error) => show_failure(&format!("{error:?}")),
        }
    });
}

/// The example the page's address asks for (`?example=iris`), else the default one.
fn linked_example() -> String {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "example")
        .and_then(|(_, value)| example_named(value))
        .map_or(DEFAULT_EXAMPLE, |example| example.file_name)
        .to_owned()
}

/// Says in the page why the app did not start.
fn show_failure(message: &str) {
    let loading = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("loading"));
    if let Some(loading) = loading {
        loading.set_text_content(Some(&format!("Layerwright could not start: {message}")));
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Puts the files kept in local storage back among the files in memory.
fn restore_kept_files() {
    let Some(storage) = local_storage() else {
        return;
    };
    let count = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .collect();
    for key in keys {
        if let Some(path) = key.strip_prefix(STORAGE_PREFIX)
            && let Ok(Some(text)) = storage.get_item(&key)
        {
            let _ = layerwright_nn::files::insert(Path::new(path), text.into_bytes());
        }
    }
}

/// After a file in memory was written (`Some`) or removed (`None`): files under the
/// local-storage folder are kept there; files under the downloads folder are downloaded.
fn file_written(path: &Path, bytes: Option<&[u8]>) {
    if path.starts_with(BROWSER_DATA_DIR) {
        let Some(storage) = local_storage() else {
            return;
        };
        let key = format!("{STORAGE_PREFIX}{}", path.display());
        // A full local storage loses only the copy kept there, never the open work.
        let _ = match bytes.map(std::str::from_utf8) {
            Some(Ok(text)) => storage.set_item(&key, text),
            Some(Err(_)) | None => storage.remove_item(&key),
        };
    } else if path.starts_with(DOWNLOADS_DIR)
        && let Some(bytes) = bytes
    {
        let name = path
            .file_name()
            .map_or_else(|| PathBuf::from("layerwright"), PathBuf::from);
        download(&name.to_string_lossy(), bytes);
    }
}

/// Offers `bytes` to the person as the file `name` (the browser's download).
fn download(name: &str, bytes: &[u8]) {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&parts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let anchor = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.create_element("a").ok())
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(anchor) = anchor {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
