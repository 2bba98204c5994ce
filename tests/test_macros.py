"""The macros behind the buttons (macros/ over budgetcontrol.actions): run headless on built
workbooks through the openpyxl book, and — for the live-Excel side — against a test double of
the xlwings Book API (tests/xlwings_double.py), because real Excel cannot run on this machine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlwings as xw

import macros
from budgetcontrol import actions, contract
from budgetcontrol.engine import compute
from budgetcontrol.sheets.checks import LABELS
from budgetcontrol.verify import verify
from budgetcontrol.xlsx import vba
from budgetcontrol.xlsx.book import FileBook
from helpers import EXAMPLE
from test_refresh import built, export_csv, split_example
import xlwings_double


def run(action, path: Path, picked: str | None = None) -> actions.RecordingUI:
    ui = actions.RecordingUI(file=picked)
    ui.result = actions.run(action, lambda: FileBook(path), ui)
    return ui


def test_refresh_headless_replaces_the_month_and_reports_in_a_message(tmp_path):
    folder, export = split_example(tmp_path, "2014-06")
    book = built(folder, tmp_path / "book.xlsm", "2014-05-31")
    ui = run(actions.refresh, book, str(export))
    assert ui.result.month == "2014-06" and ui.result.rows_in == 7
    text, critical = ui.alerts[-1]
    assert not critical and "2014-06: 0 rækker ud, 7 ind." in text and "2014-05-31 → 2014-06-30" in text
    assert "BU / service: 0 t.kr. → 139.137 t.kr." in text
    assert ui.statuses[0].startswith("Opdaterer fra erp-2014-06.csv") and ui.statuses[-1] == ""
    assert export_csv(book, "summary").equals(export_csv(EXAMPLE, "summary", "2014-06-30"))
    assert vba.button_macros(book)["Opdatér måned fra eksport …"] == "BC_Refresh"  # buttons survive the save


def test_refresh_cancelled_or_refused_leaves_the_workbook_byte_identical(tmp_path):
    folder, export = split_example(tmp_path, "2014-06")
    book = built(folder, tmp_path / "book.xlsm", "2014-05-31")
    before = book.read_bytes()
    cancelled = run(actions.refresh, book, None)
    assert cancelled.result is None and cancelled.alerts == [] and book.read_bytes() == before
    bad = tmp_path / "bad.csv"
    bad.write_text(export.read_bytes().decode("cp1252").replace("service", "servise", 1), encoding="cp1252")
    refused = run(actions.refresh, book, str(bad))
    (text, critical), = refused.alerts
    assert critical and text.startswith("Intet er ændret.") and "bad.csv, row 2, column 'category': unknown category 'servise'" in text
    assert "Traceback" not in text and refused.statuses[-1] == "" and book.read_bytes() == before


def test_add_month_moves_the_reporting_month_and_stops_at_december(tmp_path):
    book = built(split_example(tmp_path)[0], tmp_path / "book.xlsx", "2014-05-31")
    ui = run(actions.add_month, book)
    assert ui.alerts == [("Opgørelsesdato: 2014-05-31 → 2014-06-30.", False)]
    inputs = contract.load(book)
    assert inputs.model.as_of == dt.date(2014, 6, 30)
    assert export_csv(book, "monthly")["month"].max() == "2014-06"
    december = built(split_example(tmp_path / "d")[0], tmp_path / "dec.xlsx", "2014-12-31")
    before = december.read_bytes()
    (text, critical), = run(actions.add_month, december).alerts
    assert critical and "already reports December 2014" in text and december.read_bytes() == before


def test_check_selects_the_first_break_on_the_checks_sheet(municipality, example, tmp_path):
    clean = built(example, tmp_path / "clean.xlsx", "2014-06-30")
    ok = run(actions.check, clean)
    count = len(compute(contract.load(clean)).checks)  # every check of the Checks sheet
    assert ok.result is None and ok.selected == ("Kontroller", "B2") and ok.alerts[-1] == (f"Alle {count} kontroller er OK.", False)
    broken = built(municipality, tmp_path / "broken.xlsx", contract.load(municipality).model.default_as_of.isoformat())
    ui = run(actions.check, broken)
    result = compute(contract.load(broken))
    first = next(c for c in result.checks if not c.ok)
    assert ui.result == first
    sheet, cell = ui.selected
    ws = openpyxl.load_workbook(broken)[sheet]
    assert ws[cell].value.startswith("=") and ws.cell(ws[cell].row, 2).value == LABELS[first.key.split(":")[0]]
    text, critical = ui.alerts[-1]
    assert critical and LABELS[first.key.split(":")[0]] in text


def test_refresh_button_against_a_test_double_of_the_xlwings_book_api_not_real_excel(tmp_path, monkeypatch, soffice):
    folder, export = split_example(tmp_path, "2014-06")
    path = built(folder, tmp_path / "controller.xlsm", "2014-05-31")
    live = xlwings_double.Book(path, picked=str(export))
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: live), raising=False)
    report = macros.BC_Refresh()
    assert report.month == "2014-06" and report.as_of_after == dt.date(2014, 6, 30)
    assert live.app.status_bars[0].startswith("Opdaterer fra") and live.app.status_bars[-1] is False
    (text, title, mode), = live.app.alerts
    assert title == "budgetcontrol" and mode == "info" and "0 rækker ud, 7 ind" in text
    after = tmp_path / "after.xlsm"
    live.save(after)  # what the controller's Ctrl+S would keep
    assert contract.load(after).actuals["month"].value_counts()["2014-06"] == 7
    mismatches, compared = verify(after)  # the rebuilt sheets' formulas, recalculated by LibreOffice
    assert compared > 2000 and mismatches == []
    assert export_csv(after, "monthly").equals(export_csv(EXAMPLE, "monthly", "2014-06-30"))


def test_next_month_and_check_buttons_against_the_xlwings_double_not_real_excel(tmp_path, monkeypatch):
    path = built(split_example(tmp_path)[0], tmp_path / "controller.xlsm", "2014-05-31")
    live = xlwings_double.Book(path)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: live), raising=False)
    macros.BC_AddMonth()
    assert live.wb["Indstillinger"]["C8"].value.date() == dt.date(2014, 6, 30)
    assert macros.BC_Check() is None
    assert live.active == "Kontroller" and live.selected == ("Kontroller", "B2")
    assert live.app.alerts[-1][0] == f"Alle {len(compute(contract.load(path)).checks)} kontroller er OK."
    live.app.api.GetOpenFilename = lambda *a: False  # the controller cancels the file dialog
    assert macros.BC_Refresh() is None and live.app.status_bars[-1] is False


def test_a_workbook_excel_cannot_read_back_ends_in_a_message_box_not_a_traceback(tmp_path, monkeypatch):
    path = built(split_example(tmp_path)[0], tmp_path / "controller.xlsm", "2014-05-31")
    live = xlwings_double.Book(path)
    live.wb["Budget"]["E5"].value = "tusind"  # typed over an amount, not yet saved
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: live), raising=False)
    assert macros.BC_Check() is None
    (text, _, mode), = live.app.alerts
    assert mode == "critical" and "sheet 'Budget', cell E5" in text and "Traceback" not in text
