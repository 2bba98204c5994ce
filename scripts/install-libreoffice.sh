#!/usr/bin/env bash
# Installs LibreOffice Calc and Writer (Debian packages libreoffice-calc, libreoffice-writer) unless soffice
# is on the PATH with both. The tests recalculate built workbooks with Calc to prove the formulas equal the
# engine; `budgetcontrol report --pdf` prints the budget follow-up (a Word document) with Writer.
set -euo pipefail
found="$(command -v soffice || command -v libreoffice || true)"
if [ -n "$found" ]; then
  program="$(dirname "$(readlink -f "$found")")"
  if [ -e "$program/libscfiltlo.so" ] || [ -e "$program/libsclo.so" ]; then
    if [ -e "$program/libswlo.so" ]; then
      exit 0
    fi
  fi
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing LibreOffice Calc and Writer (Debian packages libreoffice-calc, libreoffice-writer)…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc libreoffice-writer >/dev/null
