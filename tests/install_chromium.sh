#!/bin/sh
# Installs Debian's chromium for tests/test_web.py when it is missing: the test drives that
# browser and never downloads one (no `playwright install`).
set -eu

if [ -x /usr/bin/chromium ]; then
    echo "install_chromium: /usr/bin/chromium is already installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_chromium: not root, so not installing chromium (run: apt-get install chromium)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_chromium: no apt-get here, so not installing chromium (install it to /usr/bin/chromium)"
    exit 0
fi
echo "install_chromium: installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
