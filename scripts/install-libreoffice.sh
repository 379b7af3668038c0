#!/bin/sh
# Install Debian's LibreOffice Calc (no GUI) for the print tests (tests/documents/test_print.py), when it is absent.
# Idempotent: does nothing when soffice is on the PATH. Needs root (or sudo) and apt.
# The tests convert the Excel outputs to PDF (soffice --headless --convert-to pdf) and count the A4 pages.
set -eu
. "$(dirname "$0")/apt-install.sh"

if command -v soffice >/dev/null 2>&1; then
    echo "libreoffice: already installed ($(command -v soffice))"
    exit 0
fi
apt_install libreoffice libreoffice-calc-nogui fonts-dejavu-core
command -v soffice
