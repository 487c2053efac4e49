#!/usr/bin/env bash
# Builds Layerwright for the browser (issue 29) into dist/web/: index.html, layerwright.js
# and layerwright_bg.wasm, static files any web server can serve, for example
#     python3 -m http.server --directory dist/web 8080
# then open http://localhost:8080 (or http://localhost:8080/?example=iris).
# Installs what it needs itself (the wasm32 target, wasm-bindgen-cli of Cargo.lock's version).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wasm-bindgen-cli.sh

cargo build --release --target wasm32-unknown-unknown --bin layerwright
out=dist/web
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$out" --out-name layerwright \
    target/wasm32-unknown-unknown/release/layerwright.wasm
cp web/index.html "$out/"

wasm_bytes=$(stat -c %s "$out/layerwright_bg.wasm")
compressed=$(gzip -9 -c "$out/layerwright_bg.wasm" "$out/layerwright.js" "$out/index.html" | wc -c)
echo "built $out: layerwright_bg.wasm $((wasm_bytes / 1024)) KiB, everything gzip-compressed $((compressed / 1024)) KiB"
