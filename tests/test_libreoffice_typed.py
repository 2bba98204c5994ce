"""Green without Python (issue 18, point 4): what a controller types or pastes in Excel or LibreOffice —
a change, a month of actuals, a forecast — counts in every report after recalculation, every check stays OK,
the Checks sheet names the typed rows in an information line (not a break), and ``verify`` passes. Real
breaks typed the same way (a reallocation that does not net to zero, a change to a line the budget does not
have) still show as BRUD. Recalculated in LibreOffice; the rows are typed with openpyxl, as Excel would."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.recalc import recalculate
from helpers import EXAMPLE, append_table_row

pytestmark = pytest.mark.libreoffice
runner = CliRunner()
MAY = EXAMPLE.parent / "aalborg-2014-bu-may"
JUNE = [("BU", "service", "expense", 166324.0), ("BU", "service", "income", -27070.0), ("BU", "service", "refund", -117.0),
        ("BU", "guaranteed", "expense", 8335.0), ("BU", "guaranteed", "income", -6271.0), ("BU", "guaranteed", "refund", -22.0),
        ("BU", "capital", "expense", 1495.0)]


def built(tmp_path, source=MAY):
    tmp_path.mkdir(exist_ok=True)
    book = tmp_path / "book.xlsx"
    result = runner.invoke(app, ["build", str(source), "-o", str(book)])
    assert result.exit_code == 0, result.stderr
    return book


def sheet(path, name):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def checks(path) -> dict[str, str]:
    return {row[1]: row[5] for row in sheet(path, "Kontroller")[4:] if row[1] and row[5]}


def typed_info(path) -> dict[str, float]:
    """The information lines: rows typed since the last refresh, per Table."""
    return {row[1].split(" ")[3]: row[2] for row in sheet(path, "Kontroller")[4:] if str(row[1]).startswith("Rækker tastet i")}


def status_total(path, column_label: str) -> float:
    rows = sheet(path, "Status")
    column = rows[5].index(column_label)
    return next(row[column] for row in rows[7:] if row[0] == "I alt")


def verified(book) -> str:
    result = runner.invoke(app, ["verify", str(book)])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_change_typed_in_excel_keeps_every_check_ok_and_verify_passes(soffice, tmp_path):
    book = built(tmp_path)
    append_table_row(book, "Changes", "Changes", ["C14-90", dt.date(2014, 5, 20), "approved", "supplementary", "BU",
                                                  "service", None, "expense", 1000.0, "Tastet i Excel", None])
    recalculated = recalculate(book, tmp_path / "lo")
    found = checks(recalculated)
    assert found and set(found.values()) == {"OK"}, found
    assert sheet(recalculated, "Kontroller")[1][1] == "OK"
    assert sheet(recalculated, "Status")[1][7] == "OK"  # "Kontroller:" on every report
    assert typed_info(recalculated) == {"Budget": 0, "Changes": 1, "Actuals": 0}
    before = status_total(recalculate(built(tmp_path / "fresh"), tmp_path / "lo0"), "Korrigeret budget")
    assert status_total(recalculated, "Korrigeret budget") == pytest.approx(before + 1000)
    assert "OK: all" in verified(book)


def test_a_month_of_actuals_pasted_under_actuals_counts_everywhere(soffice, tmp_path):
    """June pasted under the Actuals Table and the as-of date set to 30 June by hand (what the Næste måned
    button does with Python): Status shows June, every check is OK, and verify holds every cell."""
    book = built(tmp_path)
    for sector, category, kind, amount in JUNE:
        append_table_row(book, "Actuals", "Actuals", [dt.date(2014, 6, 1), sector, category, None, kind, amount])
    wb = openpyxl.load_workbook(book)
    wb["Indstillinger"]["C8"] = dt.datetime(2014, 6, 30)
    wb.save(book)
    recalculated = recalculate(book, tmp_path / "lo")
    assert set(checks(recalculated).values()) == {"OK"}
    assert typed_info(recalculated)["Actuals"] == 7
    assert status_total(recalculated, "Regnskab til dato") == pytest.approx(
        sum(a for *_, a in JUNE) + status_total(recalculate(built(tmp_path / "fresh"), tmp_path / "lo0"), "Regnskab til dato"))
    verified(book)


def test_a_forecast_typed_in_excel_replaces_the_computed_one(soffice, tmp_path):
    book = built(tmp_path)
    append_table_row(book, "Forecast", "Forecast", ["BU", "guaranteed", None, "expense", 120000.0, "Tastet i Excel"])
    recalculated = recalculate(book, tmp_path / "lo")
    assert set(checks(recalculated).values()) == {"OK"}
    rows = sheet(recalculated, "Status")
    head = rows[5]
    line = next(r for r in rows[7:] if r[1] == "BU" and r[2] == "guaranteed")
    assert line[head.index("Prognose fra")] == "Controller"
    assert line[head.index("Forventet regnskab")] != line[head.index("Beregnet prognose")]
    verified(book)


def test_a_reallocation_typed_that_does_not_net_to_zero_is_a_break(soffice, tmp_path):
    book = built(tmp_path)
    append_table_row(book, "Changes", "Changes", ["C14-91", dt.date(2014, 5, 20), "approved", "reallocation", "BU",
                                                  "service", None, "expense", 500.0, "Halv omplacering", None])
    found = checks(recalculate(book, tmp_path / "lo"))
    assert found["Ændringer af nulsumstyper (omplaceringer) netter til 0 i alt"] == "BRUD"


def test_a_change_typed_for_a_line_the_budget_does_not_have_is_a_break(soffice, tmp_path):
    book = built(tmp_path)
    append_table_row(book, "Changes", "Changes", ["C14-92", dt.date(2014, 5, 20), "approved", "supplementary", "BU",
                                                  "service", "5.99.99", "expense", 300.0, "Ny linje", None])
    recalculated = recalculate(book, tmp_path / "lo")
    assert "BRUD" in checks(recalculated).values()
    assert sheet(recalculated, "Kontroller")[1][1] == "BRUD"
