#!/usr/bin/env bash
# The test command: installs what the tests need (LibreOffice Calc and Writer from Debian, the
# package with its test extras) and runs the whole suite, LibreOffice tests included.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-libreoffice.sh
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
python3 -m pytest -q "$@"
