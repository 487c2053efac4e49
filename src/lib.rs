//! The Layerwright app: the window, the editor, the command line and the embedded examples,
//! on top of the `layerwright-nn` engine. `main.rs` only dispatches to these modules.
//!
//! The rooms, each importing only from the ones listed before it:
//! - [`theme`], [`canvas`], [`examples`], [`memory`], [`worker`]: leaves (colours, the
//!   canvases' shared style, the embedded example files, allocator tuning, background jobs).
//! - [`document`]: what is saved and its history: the open file, undo, recovery, settings,
//!   file dialogs, exports.
//! - [`commands`]: the one `Command` type every panel returns and the action table.
//! - [`network`]: the network mode: editor, the compiled graph, training, views.
//! - [`learn`]: the teaching windows: computational graph, lessons, gallery, step-through,
//!   gradient check.
//! - [`app`]: the window that holds the rooms and applies their commands.
//! - [`cli`]: the headless command line.
//! - `web` (wasm32 only): the page's entry in a browser, and its files.

pub mod app;
pub mod canvas;
pub mod cli;
pub mod commands;
pub mod document;
pub mod examples;
pub mod learn;
pub mod memory;
pub mod network;
pub mod theme;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod worker;
