//! Training in the window: the trainer thread (`worker`), the run it is on as the UI sees
//! it (`run`, no egui), the panel that draws its status, curves and views (`panel`,
//! `boundary`) and the controls beside them (`controls`).

mod boundary;
pub mod controls;
pub mod panel;
pub mod run;
pub mod settings;
pub mod worker;
