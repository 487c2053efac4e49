//! What is saved and what it takes to keep it: the open graph with its undo history, the
//! file it came from, recovery after a crash, remembered settings, file dialogs.

pub mod files;
pub mod graph;
pub mod recovery;
