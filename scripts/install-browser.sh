#!/bin/sh
# Install Debian's Chromium for the browser test (tests/browser), when it is absent.
# Idempotent: does nothing when /usr/bin/chromium exists. Needs root (or sudo) and apt.
# Playwright drives this browser (executable_path=/usr/bin/chromium); its own download is not used.
set -eu

if [ -x /usr/bin/chromium ]; then
    echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium: apt-get not found; install Chromium by hand so that /usr/bin/chromium exists" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "chromium: run this script as root (apt-get needs it)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
