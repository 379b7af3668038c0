#!/bin/sh
# Shared by the install scripts: `apt_install NAME PACKAGE...` installs Debian packages with apt-get,
# as root or through sudo; exits with a message when neither apt-get nor root is available.

apt_install() {
    name=$1
    shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$name: apt-get not found; install $* by hand" >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO="sudo"
        else
            echo "$name: run this script as root (apt-get needs it)" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends "$@"
}
