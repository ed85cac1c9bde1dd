#!/bin/sh
# Installs what tests/test_web.py needs and is missing: Debian's chromium (the test drives
# that browser and never downloads one: no `playwright install`) and a font with Chinese
# glyphs (fonts-wqy-zenhei, 7 MB, Simplified and Traditional; without one Chinese renders as
# empty boxes).
set -eu

missing=""
[ -x /usr/bin/chromium ] || missing="chromium"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    missing="$missing fonts-wqy-zenhei"
fi
if [ -z "$missing" ]; then
    echo "install_chromium: /usr/bin/chromium and a Chinese font are already installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_chromium: not root, so not installing$missing (run: apt-get install$missing)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_chromium: no apt-get here, so not installing$missing"
    exit 0
fi
echo "install_chromium: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq $missing >/dev/null
