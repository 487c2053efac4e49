#!/usr/bin/env bash
# The engine compiled to WebAssembly gives the desktop's numbers (issue 29): the workload
# checkpoints (crates/nn/tests/engine/workloads.rs) run in Node through wasm-bindgen's test
# runner. Installs what it needs: the wasm32 target, a wasm-bindgen-cli of the version in
# Cargo.lock (from crates.io), and Node.js (Debian's package) where it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target add wasm32-unknown-unknown
if ! command -v node >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nodejs
fi
# The runner must be the same version as the wasm-bindgen crate the tests link.
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if ! wasm-bindgen-test-runner --version 2>/dev/null | grep -q " ${version}\$"; then
    echo "installing wasm-bindgen-cli ${version}"
    cargo install wasm-bindgen-cli --version "${version}" --quiet
fi

CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p layerwright-nn --target wasm32-unknown-unknown --test wasm_checkpoints
