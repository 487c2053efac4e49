//! The engine's integration tests, in one test binary (one link of the engine and its ONNX
//! reader instead of twenty): `cargo test -p layerwright-nn --test engine gradients::` runs
//! one suite. The allocation test stays a binary of its own, as it installs a counting
//! global allocator.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

mod autograd;
mod common;
mod convolution;
mod csv_import;
mod dynamics;
mod early_stopping;
mod example_gradients;
mod export;
mod fuzz_regressions;
mod generators;
mod gradients;
mod graph_document;
mod graph_errors;
mod hand_worked;
mod importance;
mod lessons;
mod normalization;
mod onnx_import;
mod perceptron;
mod prepare;
mod properties;
mod real_csv;
mod recompile;
mod runs;
mod summary;
mod training;
mod validation;
mod workloads;
