"""A refresh keeps, byte for byte, each generated sheet whose layout it would write again unchanged
(xlsx/unchanged.py), rewrites the others and every sheet another program saved, and the result still
equals a full rebuild."""

from __future__ import annotations

import dataclasses
import zipfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.refresh import refresh
from budgetcontrol.sheets.layout import Cell, SheetLayout
from budgetcontrol.xlsx import unchanged
from budgetcontrol.xlsx.book import FileBook
from budgetcontrol.xlsx.stream import _sheet_parts
from helpers import EXAMPLE
from test_big_tables_on_refresh import cells

runner = CliRunner()
JUNE = EXAMPLE.parent / "exports" / "aalborg-bu-2014-06.csv"


def _refresh(path, export) -> list[str]:
    book = FileBook(path)
    refresh(book, export)
    book.save()
    return book.kept


def _sheets(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {title: z.read(part) for title, part in _sheet_parts(z).items()}


def _with_part(path, title: str, edit) -> None:
    """The workbook with one sheet's part replaced by ``edit(its bytes)``, every other part as it was."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
        part = _sheet_parts(z)[title]
    parts[part] = edit(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_every_generated_sheet_carries_the_digest_of_its_layout(may_book):
    with zipfile.ZipFile(may_book) as z:
        parts = _sheet_parts(z)
        marks = {title: unchanged.mark_of(z.read(part)) for title, part in parts.items()}
    assert marks["Korrigeret budget"] and marks["Status"]
    assert marks["Budget"] is None and marks["Regnskab"] is None  # input sheets are the controller's: no mark


@pytest.fixture
def june_book(tmp_path):
    """The demo workbook built as of 30 June 2014 (the example holds every month's actuals)."""
    path = tmp_path / "june.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-06-30"]).exit_code == 0
    return path


def _generated(path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        return {title for title, part in _sheet_parts(z).items() if unchanged.mark_of(z.read(part))}


def test_a_refresh_that_changes_nothing_keeps_every_generated_sheet_byte_for_byte(june_book):
    before = _sheets(june_book)
    kept = _refresh(june_book, JUNE)  # the export holds June as the workbook does
    assert set(kept) == _generated(june_book) and len(kept) >= 12
    after = _sheets(june_book)
    assert {t: after[t] for t in kept} == {t: before[t] for t in kept}


def test_a_correction_of_the_month_keeps_the_sheets_that_do_not_read_actuals(june_book, tmp_path):
    before = _sheets(june_book)
    june = pd.read_csv(JUNE, sep=";", dtype=str, keep_default_na=False)
    june.loc[0, "amount"] = "170.000"
    corrected = tmp_path / "june-corrected.csv"
    june.to_csv(corrected, sep=";", index=False)
    kept = _refresh(june_book, corrected)
    assert {"Korrigeret budget", "Ændringsspor"} <= set(kept)
    assert "Status" not in kept and "Beregning grundlag" not in kept
    after = _sheets(june_book)
    assert after["Korrigeret budget"] == before["Korrigeret budget"]
    assert after["Status"] != before["Status"]
    rebuilt = tmp_path / "rebuilt.xlsx"
    assert runner.invoke(app, ["build", str(june_book), "-o", str(rebuilt)]).exit_code == 0
    fresh = _sheets(rebuilt)
    assert all(fresh[t] == after[t] for t in kept)  # a full rebuild writes the kept sheets' very bytes
    assert cells(june_book) == cells(rebuilt)


def test_a_sheet_saved_by_another_program_has_no_mark_and_is_rewritten(june_book):
    _with_part(june_book, "Status", lambda data: data[data.index(b"-->") + 3:])  # as Excel saves it: no comment
    kept = _refresh(june_book, JUNE)
    assert "Status" not in kept and "Korrigeret budget" in kept
    assert unchanged.mark_of(_sheets(june_book)["Status"])


def test_the_digest_changes_with_any_value_style_figure_or_setting_of_a_layout():
    def layout(**change) -> SheetLayout:
        sheet = SheetLayout("S", "output")
        sheet.cells[(1, 1)] = Cell(**{"value": "=A2", "style": "amount", "expect": 1.0, "formula": True, **change})
        sheet.widths[1] = 12
        return sheet
    base = unchanged.digest(layout())
    assert unchanged.digest(layout()) == base
    for change in ({"value": "=A3"}, {"style": "total_amount"}, {"expect": 1.5}, {"link": "'S'!A1"}):
        assert unchanged.digest(layout(**change)) != base, change
    other = layout()
    other.widths[1] = 13
    assert unchanged.digest(other) != base
    other = layout()
    other.print_titles = "4:5"
    assert unchanged.digest(other) != base
    assert [f.name for f in dataclasses.fields(Cell)] == ["value", "style", "expect", "formula", "link"], \
        "a new Cell field must be added to xlsx/unchanged.digest"


def test_the_digest_sees_every_value_of_a_long_numeric_column():
    """numpy shortens an array's repr ("..."), and rounds its figures: the digest reads the array's bytes."""
    import numpy as np

    from budgetcontrol.sheets.layout import Bulk, Column

    def layout(values) -> SheetLayout:
        sheet = SheetLayout("S", "calc")
        sheet.bulk.append(Bulk(5, 1, [Column(np.asarray(values), "number", "amount", np.cumsum(values))]))
        return sheet
    amounts = np.arange(5000, dtype=float)
    swapped = amounts.copy()
    swapped[[2000, 2001]] = swapped[[2001, 2000]]
    assert unchanged.digest(layout(amounts)) != unchanged.digest(layout(swapped))
    assert unchanged.digest(layout([0.5, 123456789.12])) != unchanged.digest(layout([0.5, 123456789.13]))


def test_a_generated_part_edited_by_a_tool_that_keeps_comments_is_rewritten(june_book):
    assert unchanged.intact(_sheets(june_book)["Status"])

    def edit(data: bytes) -> bytes:
        edited = data.replace(b'<row r="1"', b'<row r="1" ht="30" customHeight="1"', 1)
        assert edited != data and unchanged.mark_of(edited) and not unchanged.intact(edited)
        return edited
    _with_part(june_book, "Status", edit)
    kept = _refresh(june_book, JUNE)
    assert "Status" not in kept and "Korrigeret budget" in kept
    assert unchanged.intact(_sheets(june_book)["Status"])
