#!/usr/bin/env bash
# Installs LibreOffice Calc (Debian package libreoffice-calc) if soffice is not on the PATH.
# The tests recalculate built workbooks with it to prove the formulas equal the engine.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing LibreOffice Calc (Debian package libreoffice-calc)…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc >/dev/null
