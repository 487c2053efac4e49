//! The app's integration tests, in one test binary: each binary links the whole app (egui,
//! wgpu, the engine; about 230 MB unoptimised), so one binary instead of eighteen keeps a
//! clean `cargo test` to a few gigabytes of disk. Each module is one suite:
//! `cargo test --test app data_ui::` runs one of them.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

mod bad_inputs;
mod cli;
mod common;
mod data_ui;
mod dynamics_ui;
mod editor_ui;
mod examples;
mod export_ui;
mod expression_ui;
mod files_ui;
mod images_ui;
mod import_ui;
mod insight_ui;
mod lessons_ui;
mod mends_ui;
mod metrics_ui;
mod recovery_ui;
mod runs_ui;
mod slice_ui;
mod snapshots;
mod structure;
mod summary_ui;
mod trainer;
mod training_ui;
mod try_it_ui;
