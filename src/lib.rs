//! The Layerwright app: the window, the command line and the embedded examples, on top of
//! the `layerwright-nn` engine. `main.rs` only dispatches to these modules.

pub mod app;
pub mod cli;
pub mod examples;
