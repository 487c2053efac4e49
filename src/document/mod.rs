//! What is saved and what it takes to keep it: the open graph with its undo history, the
//! file it came from, recovery after a crash, remembered settings, file dialogs and the
//! files made for export.

pub mod export;
pub mod file_dialog;
pub mod graph;
pub mod recovery;
pub mod session;
pub mod settings;
pub mod undo;
