#!/usr/bin/env bash
# The test command: installs what the tests need (LibreOffice Calc from Debian, the
# package with its test extras) and runs the whole suite, LibreOffice tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing LibreOffice Calc (Debian package libreoffice-calc)…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
python3 -m pytest -q "$@"
