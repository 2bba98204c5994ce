from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import EXAMPLE, small_municipality, write_folder  # noqa: E402


@pytest.fixture
def example() -> Path:
    return EXAMPLE


@pytest.fixture
def may_book(tmp_path: Path) -> Path:
    """The demo workbook built as of 31 May 2014 (June's export refreshes it)."""
    from typer.testing import CliRunner

    from budgetcontrol.cli import app

    path = tmp_path / "book.xlsx"
    result = CliRunner().invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-05-31"])
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def municipality(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "muni", *small_municipality())


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice is required: the README's test command installs it. Missing it is a failure, not a skip."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail("LibreOffice (soffice) is not installed: run the README's test command, which installs libreoffice-calc and libreoffice-writer")
    return found
