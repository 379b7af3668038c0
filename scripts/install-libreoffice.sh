#!/bin/sh
# Install Debian's LibreOffice Calc (no GUI) for the print tests (tests/documents/test_print.py), when it is absent.
# Idempotent: does nothing when soffice is on the PATH. Needs root (or sudo) and apt.
# The tests convert the Excel outputs to PDF (soffice --headless --convert-to pdf) and count the A4 pages.
set -eu

if command -v soffice >/dev/null 2>&1; then
    echo "libreoffice: already installed ($(command -v soffice))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "libreoffice: apt-get not found; install LibreOffice Calc by hand so that soffice is on the PATH" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "libreoffice: run this script as root (apt-get needs it)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends libreoffice-calc-nogui fonts-dejavu-core
command -v soffice
