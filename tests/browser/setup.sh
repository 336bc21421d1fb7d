#!/usr/bin/env bash
# What the browser tests (tests/html_browser.rs) need: Debian's chromium, a font with
# Chinese glyphs (the screenshots are read by people), and playwright-core from npm (the
# version package-lock.json pins; it drives the installed chromium and downloads none).
set -euo pipefail
cd "$(dirname "$0")"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
command -v node >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --silent
