//! The Layerwright app: the window, the editor, the command line and the embedded examples,
//! on top of the `layerwright-nn` engine. `main.rs` only dispatches to these modules.

pub mod app;
pub mod cli;
pub mod commands;
pub mod editor;
pub mod examples;
pub mod expression;
pub mod files;
pub mod gallery;
pub mod insight;
pub mod lessons;
pub mod memory;
pub mod recovery;
pub mod step_through;
pub mod theme;
pub mod training_panel;
pub mod training_worker;
