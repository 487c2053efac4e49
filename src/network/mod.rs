//! The network mode: the node editor on the graph document, the compiled graph shared by
//! diagnostics and training, the trainer thread and its run, and the views of what it
//! learns.

pub mod editor;
pub mod snapshot;
pub mod training;
pub mod views;
