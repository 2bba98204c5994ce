"""Property-based fuzz of the readers (hypothesis): whatever a CSV file or a workbook holds, reading it
ends in a result or in one clear InputError — never in any other exception (a traceback for the user)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import IllegalCharacterError
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from budgetcontrol import contract
from budgetcontrol.cli import app
from budgetcontrol.contract.errors import InputError
from helpers import EXAMPLE

runner = CliRunner()
FILES = ["budget.csv", "changes.csv", "actuals.csv"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


def read_or_refuse(path: Path):
    """The inputs, or None when refused with an InputError that has a message and names the file."""
    try:
        return contract.load(path)
    except InputError as exc:
        assert exc.message and str(path) in str(exc) or exc.file, str(exc)
        assert "\n" not in str(exc).strip(), str(exc)
        return None


cell_text = st.one_of(st.text(max_size=12), st.sampled_from(["", "=1+1", "1.234,50", "-", "2014-13", "NaN", "1e309",
                                                               "\"", ";", ",", "\t", "\x00", "ÆØÅ", "−5", "1 000"]))


@st.composite
def damaged_csv(draw):
    """One of the example's CSV files with a few cells replaced, lines dropped or duplicated, or bytes cut."""
    name = draw(st.sampled_from(FILES))
    lines = (EXAMPLE / name).read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["cell", "drop", "duplicate", "cut", "delimiter"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if not lines:
            break
        if action == "cell":
            cells = lines[i].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(cell_text)
            lines[i] = ",".join(cells)
        elif action == "drop":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "cut":
            lines = lines[:i] + [lines[i][: draw(st.integers(0, len(lines[i])))]]
        else:
            lines[i] = lines[i].replace(",", draw(st.sampled_from([";", "\t", "|"])), 1)
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-16"]))
    return name, ("\n".join(lines) + "\n").encode(encoding, errors="replace")


@SETTINGS
@given(damaged_csv())
def test_a_damaged_csv_is_read_or_refused_with_one_clear_line(tmp_path, damage):
    name, data = damage
    folder = tmp_path / "fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(EXAMPLE, folder)
    (folder / name).write_bytes(data)
    read_or_refuse(folder)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzzbook") / "book.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-06-30"]).exit_code == 0
    return path


value = st.one_of(st.none(), cell_text, st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12),
                  st.booleans(), st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)))


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["Budget", "Ændringer", "Regnskab", "Indstillinger", "Periodisering"]),
                          st.integers(1, 25), st.integers(1, 12), value), min_size=1, max_size=4))
def test_a_workbook_edited_anywhere_is_read_or_refused_with_one_clear_line(built, tmp_path, edits):
    wb = openpyxl.load_workbook(built)
    for sheet, row, column, new in edits:
        try:
            wb[sheet].cell(row, column).value = new
        except IllegalCharacterError:
            assume(False)  # no workbook can hold it
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    read_or_refuse(path)


@SETTINGS
@given(st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=3))
def test_a_corrupted_workbook_file_is_read_or_refused_with_one_clear_line(built, tmp_path, damage):
    data = bytearray(built.read_bytes())
    for where, junk in damage:
        at = int(where * (len(data) - 1))
        data[at:at + len(junk)] = junk
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    read_or_refuse(path)
