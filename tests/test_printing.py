"""Printing like a report (issue 18, point 3), measured as LibreOffice prints: its PDF export of the workbook
prints the visible sheets, each with our footer (the name, the sheet, the as-of date, "Side n af m"), so each
page is counted for the sheet its footer names. Calculation sheets are hidden (not very hidden), report sheets
repeat their heading rows on every page, and fitting to one page wide means no column is cut off: the first and
the last visible heading of the sheet stand on every one of its pages."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import openpyxl
import pypdf
import pytest
from typer.testing import CliRunner

from budgetcontrol import contract, sheets
from budgetcontrol.cli import app
from budgetcontrol.engine import compute
from budgetcontrol.recalc import convert
from budgetcontrol.sheets import names
from helpers import EXAMPLE

pytestmark = pytest.mark.libreoffice
runner = CliRunner()
TAB = names.DANISH
REPORTS = [TAB[n] for n in names.OUTPUTS if n != names.AUDIT]  # the drill-down (Audit) prints apart, on demand
CALCULATION = [TAB[n] for n in names.CALCULATIONS]


def printed(book: Path, tmp: Path) -> list[tuple[str, str]]:
    """(sheet, page text) for every printed page, the sheet read from the page's footer."""
    known = sorted(openpyxl.load_workbook(book, read_only=True).sheetnames, key=len, reverse=True)
    pages = []
    for page in pypdf.PdfReader(str(convert(book, tmp, "pdf"))).pages:
        text = page.extract_text()
        name = next((n for n in known if re.search(rf"{re.escape(n)} — (opgjort pr\.|Side \d+ af \d+)", text)), None)
        assert name, text[:200]
        pages.append((name, text))
    return pages


def built(source: Path, book: Path) -> Path:
    result = runner.invoke(app, ["build", str(source), "-o", str(book)])
    assert result.exit_code == 0, result.stderr
    return book


def test_the_demo_prints_in_26_pages_its_reports_in_10(soffice, tmp_path):
    """25 pages before part 7; the comments sheet (Bemærkninger, issue 21) is one more."""
    book = built(EXAMPLE, tmp_path / "demo.xlsx")
    pages = printed(book, tmp_path)
    per_sheet = Counter(name for name, _ in pages)
    assert len(pages) <= 26, per_sheet
    assert per_sheet["Bemærkninger"] == 1, per_sheet
    assert sum(per_sheet[n] for n in REPORTS) <= 10, per_sheet
    assert not set(CALCULATION) & set(per_sheet)  # hidden: never printed
    assert all(text.count("Side ") >= 1 and "Familie- og Beskæftigelsesforvaltningen" in text for _, text in pages)
    assert any(n == TAB[names.STATUS] and "opgjort pr. 31-12-2014" in t for n, t in pages)
    wb = openpyxl.load_workbook(book)
    assert {ws.title: ws.sheet_state for ws in wb.worksheets if ws.sheet_state != "visible"} == {
        n: "hidden" for n in CALCULATION}
    status = wb[TAB[names.STATUS]]
    assert status.page_setup.orientation == "landscape" and status.page_setup.fitToWidth == 1
    assert status.print_title_rows == "$6:$7"
    assert all(status.column_dimensions[c].hidden for c in "NOPQ")  # the helper columns
    assert wb[TAB[names.BUDGET]].page_setup.fitToWidth == 1
    assert wb[TAB[names.ACTUALS]].print_title_rows == "$3:$3"  # an input Table's header on every page


def test_a_small_municipality_prints_its_reports_in_40_pages_with_headings_on_every_page(soffice, tmp_path):
    folder = tmp_path / "small"
    assert runner.invoke(app, ["synth", str(folder), "--size", "small"]).exit_code == 0
    book = built(folder, tmp_path / "small.xlsx")
    pages = printed(book, tmp_path)
    per_sheet = Counter(name for name, _ in pages)
    assert sum(per_sheet[n] for n in REPORTS) <= 40, per_sheet
    assert per_sheet[TAB[names.STATUS]] > 1 and per_sheet[TAB[names.CORRECTED]] > 1  # so the headings are tested on page 2 on
    layouts = {layout.name: layout for layout in sheets.layouts(compute(contract.load(book)))}
    for sheet in (TAB[names.STATUS], TAB[names.CORRECTED], TAB[names.SUMMARY], TAB[names.HISTORY], TAB[names.ACTUALS]):
        layout = layouts[sheet]
        first, last = (int(x) for x in layout.print_titles.split(":"))
        headings = {c: cell.value for (r, c), cell in layout.cells.items()
                    if first <= r <= last and cell.style.startswith("header") and isinstance(cell.value, str)
                    and c not in layout.hidden_columns}
        words = [headings[min(headings)].split()[0], headings[max(headings)].split()[0]]
        for name, text in pages:
            if name == sheet:
                assert all(w in text for w in words), (sheet, words, text[:300])
