#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed, for the end-to-end test that drives the API's docs
# page in a headless browser: installs the `chromium` package with apt-get when it is missing
# (when run as root, or with sudo).
set -euo pipefail

if command -v "${CHROMIUM:-chromium}" >/dev/null; then
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
command -v apt-get >/dev/null || { echo "apt-get not found: install Chromium yourself (or set CHROMIUM to its binary)" >&2; exit 1; }

echo "Chromium is not installed: installing the chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
as_root apt-get install -y -q chromium || { as_root apt-get update -q && as_root apt-get install -y -q chromium; }
command -v chromium >/dev/null || { echo "chromium is still missing after apt-get install" >&2; exit 1; }
