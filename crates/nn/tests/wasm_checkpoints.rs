//! The benchmark's workload checkpoints, compiled to WebAssembly and run in Node by
//! wasm-bindgen's test runner (`scripts/wasm-test.sh`): the engine in the browser build
//! gives the same losses as on the desktop (issue 29). Natively this target is empty; the
//! same tests run there as part of `tests/engine`.
#![cfg(target_arch = "wasm32")]

#[path = "engine/workloads.rs"]
mod workloads;
