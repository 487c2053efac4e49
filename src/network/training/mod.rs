//! Training in the window: the trainer thread (`worker`), the run it is on as the UI sees
//! it (`run`, no egui), and the panel that draws the controls and curves (`panel`).

pub mod panel;
pub mod worker;
