#!/bin/sh
# Install Debian's Chromium for the browser test (tests/browser), when it is absent.
# Idempotent: does nothing when /usr/bin/chromium exists. Needs root (or sudo) and apt.
# Playwright drives this browser (executable_path=/usr/bin/chromium); its own download is not used.
set -eu
. "$(dirname "$0")/apt-install.sh"

if [ -x /usr/bin/chromium ]; then
    echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
    exit 0
fi
apt_install chromium chromium fonts-dejavu-core
/usr/bin/chromium --version
