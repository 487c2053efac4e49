#!/usr/bin/env bash
# Installs what the WebAssembly builds need, where missing: the wasm32 target and a
# wasm-bindgen-cli of the version in Cargo.lock (from crates.io; the CLI must match the
# crate it processes). Sourced by scripts/web.sh and scripts/wasm-test.sh.
rustup target add wasm32-unknown-unknown
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wasm_bindgen_version}\$" \
    || ! wasm-bindgen-test-runner --version 2>/dev/null | grep -q " ${wasm_bindgen_version}\$"; then
    echo "installing wasm-bindgen-cli ${wasm_bindgen_version}"
    # Not --locked: the registry here lacks the exact webpki-roots its lockfile pins.
    cargo install wasm-bindgen-cli --version "${wasm_bindgen_version}" --quiet
fi
