//! Training in the window: the trainer thread (`worker`), the run it is on as the UI sees
//! it (`run`, no egui), the panel that draws its status, curves and views (`panel`,
//! `boundary`, `judging`) and the controls beside them (`controls`); `split_views` works out what the views show
//! of each split's predictions on the trainer thread.

mod boundary;
pub mod controls;
mod curves_view;
mod judging;
pub mod panel;
mod plan;
pub mod run;
mod runs_view;
pub mod settings;
mod split_views;
mod trainer_core;
mod trainer_run;
mod trying;
pub mod worker;
