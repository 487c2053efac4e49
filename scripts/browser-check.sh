#!/usr/bin/env bash
# Builds the web version (scripts/web.sh) and checks it in headless Chromium by screenshots
# (scripts/browser-check.py): the default example is drawn, Space trains, ?example=iris
# opens iris. Installs Debian's chromium and chromium-driver, and Pillow, where missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
/usr/bin/python3 -c "import PIL" 2>/dev/null || missing+=(python3-pil)
if ((${#missing[@]})); then
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash scripts/web.sh
# Debian's own Python, which has python3-pil (a python3 earlier on PATH may not).
/usr/bin/python3 scripts/browser-check.py
