#!/usr/bin/env bash
# The engine compiled to WebAssembly gives the desktop's numbers (issue 29): the workload
# checkpoints (crates/nn/tests/engine/workloads.rs) run in Node through wasm-bindgen's test
# runner. Installs what it needs: the wasm32 target, a wasm-bindgen-cli of the version in
# Cargo.lock (from crates.io), and Node.js (Debian's package) where it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/wasm-bindgen-cli.sh
if ! command -v node >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nodejs
fi

CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p layerwright-nn --target wasm32-unknown-unknown --test wasm_checkpoints
