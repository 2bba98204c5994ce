"""Part 4 verified for real: LibreOffice recalculates History, Outer years, Savings and Line forecast,
and every formula cell equals the engine; the History sheet shows Aalborg's published results and the
Outer years and Savings sheets show the figures of `export --table outer_years`."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from budgetcontrol.recalc import recalculate
from budgetcontrol.sheets import checks, history, layouts, outer_years, savings, status
from budgetcontrol.verify import compare
from helpers import append_table_row, years_municipality
from test_years import AALBORG_2019, PUBLISHED_RESULTS, export

pytestmark = pytest.mark.libreoffice
runner = CliRunner()


def build(source, target) -> None:
    result = runner.invoke(app, ["build", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.stderr


def recalculated(book, tmp_path, at_least: int = 1000):
    """The workbook recalculated by LibreOffice, after holding every formula cell against the engine."""
    out = recalculate(book, tmp_path / "lo")
    mismatches, compared = compare(layouts(compute(load(book))), out)
    assert compared > at_least
    assert mismatches == [], mismatches[:10]
    return CalamineWorkbook.from_path(str(out))


def rows_of(wb, sheet: str) -> list[list]:
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def test_history_sheet_recalculated_shows_aalborgs_published_results(tmp_path):
    book = tmp_path / "aalborg-2019.xlsx"
    build(AALBORG_2019, book)
    grid = rows_of(recalculated(book, tmp_path), "Historik")
    shown = {}
    for row in grid[history.HEADER_ROW:]:
        if str(row[history.YEAR - 1]).isdigit() and row[history.EXPECTED - 1] == 0:
            shown[int(row[history.YEAR - 1])] = (row[history.RESULT_ORIGINAL - 1], row[history.RESULT_CORRECTED - 1])
    assert shown == PUBLISHED_RESULTS
    notes = [row[history.NOTE - 1] for row in grid if str(row[0]) == "2017"]
    assert notes == ["korrigeret budget inkl. merforbrug 16"]  # the note follows the HistoryData Table


@pytest.mark.parametrize("sign", ["actual_minus_budget", "budget_minus_actual"])
def test_outer_years_and_savings_sheets_recalculated_equal_the_export(sign, tmp_path):
    folder = years_municipality(tmp_path / "y", sign)
    book = tmp_path / "years.xlsx"
    build(folder, book)
    wb = recalculated(book, tmp_path)
    expected = export(folder, "outer_years").set_index(["sector", "category", "year"])
    grid = rows_of(wb, "Overslagsår")
    years = [int(v) for v in grid[outer_years.YEAR_ROW - 1][outer_years.FIRST_YEAR - 1:outer_years.FIRST_YEAR + 3]]
    assert years == [2025, 2026, 2027, 2028]
    sector, seen = None, 0
    for row in grid[outer_years.FIRST - 1:]:
        label = str(row[0])
        if label in ("Sektor A", "Sektor B", "I alt"):
            sector = {"Sektor A": "A", "Sektor B": "B", "I alt": ""}[label]
        for figure, name in (("Estimeret budget", "estimated"), ("Difference til korrigeret budget", "difference")):
            if label == figure:
                got = row[outer_years.FIRST_YEAR - 1:outer_years.FIRST_YEAR + 3]
                assert got == [expected.at[(sector, "", y), name] for y in years], (sector, name)
                seen += 1
    assert seen == 6  # two sectors and the total, each with estimated and difference
    grid = rows_of(wb, "Besparelser")
    total = next(row for row in grid if row[0] == "Besparelser i alt")
    assert total[savings.FIRST_YEAR - 1:savings.FIRST_YEAR + 4] == [0, 50, 130, 100, 280]  # 2025 (fiscal) … 2028, in all
    by_measure = {row[savings.MEASURE - 1]: row[savings.FIRST_YEAR - 1:savings.FIRST_YEAR + 4]
                  for row in grid if row[savings.SECTOR - 1] in ("A", "B")}
    assert by_measure == {"M1 Færre vikarer": [0, 50, 100, 100, 250], "M2 Fælles indkøb": [0, 0, 30, 0, 30]}


def test_status_recalculated_shows_both_forecasts_and_which_one_counts(tmp_path):
    folder = years_municipality(tmp_path / "y")
    book = tmp_path / "years.xlsx"
    build(folder, book)
    grid = rows_of(recalculated(book, tmp_path), "Status")
    rows = {(r[status.SECTOR - 1], r[status.CATEGORY - 1]): r for r in grid if r[status.CATEGORY - 1] in ("svc", "grd")}
    a = rows[("A", "svc")]
    assert (a[status.COMPUTED - 1], a[status.FORECAST - 1], a[status.SOURCE - 1]) == (1620, 1780, "Controller")
    b = rows[("B", "svc")]
    assert (b[status.COMPUTED - 1], b[status.FORECAST - 1], b[status.SOURCE - 1]) == (1860, 1860, "Beregnet")


def test_a_forecast_typed_into_the_forecast_table_counts_without_a_rebuild(tmp_path):
    """The controller types a forecast for B/svc/b1 in Excel; after recalculation Status, the outer years
    and the monthly rows follow, and equal the engine's reading of the edited workbook."""
    folder = years_municipality(tmp_path / "y")
    book = tmp_path / "years.xlsx"
    build(folder, book)
    append_table_row(book, "Forecast", "Forecast", ["B", "svc", "b1", "expense", 1900, "typed in Excel"])
    res = compute(load(book))
    assert res.status.set_index(["sector", "category"]).loc[("B", "svc"), "forecast"] == pytest.approx(1900)
    recalculated(book, tmp_path)  # every formula cell, laid out at build time, equals the engine on the new inputs


def test_a_workbook_built_before_part_4_gets_the_new_sheets_on_refresh(tmp_path):
    folder = years_municipality(tmp_path / "y")
    book = tmp_path / "old.xlsx"
    build(folder, book)
    wb = openpyxl.load_workbook(book)
    for name in ("Prognose", "Historikdata", "Budget overslagsår", "Besparelsesdata"):
        del wb[name]
    settings = wb["Indstillinger"]
    row = next(c.row for c in settings["A"] if c.value == "outer_years")
    for cell in settings[row]:
        cell.value = None  # the row an older Settings sheet does not have
    wb.save(book)
    assert load(book).forecast.empty  # an older workbook reads, with empty part-4 tables
    export_file = tmp_path / "june.csv"
    shutil.copy(folder / "actuals.csv", export_file)
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(export_file), "--month", "2025-06"])
    assert result.exit_code == 0, result.stderr
    names = openpyxl.load_workbook(book).sheetnames
    assert {"Prognose", "Historikdata", "Budget overslagsår", "Besparelsesdata", "Beregning linje", "Overslagsår"} <= set(names)
    recalculated(book, tmp_path)


def test_a_forecast_typed_in_excel_for_a_line_without_a_row_shows_as_a_break_on_checks(tmp_path):
    """Without Python nothing refuses the row, so the Checks sheet must show it."""
    folder = years_municipality(tmp_path / "y")
    book = tmp_path / "years.xlsx"
    build(folder, book)
    res = compute(load(book))
    append_table_row(book, "Forecast", "Forecast", ["B", "svc", "b9", "expense", 500, "ny linje"])
    out = recalculate(book, tmp_path / "lo")
    grid = rows_of(CalamineWorkbook.from_path(str(out)), "Kontroller")
    row = grid[checks.FIRST - 1 + [c.key for c in res.checks].index("forecast_counted")]
    assert (row[checks.LEFT - 1], row[checks.RIGHT - 1], row[checks.STATUS - 1]) == (700, 1200, "BRUD")
    assert grid[1][1] == "BRUD"  # the overall status in B2


def test_an_adopted_budget_typed_in_excel_for_a_line_without_a_row_shows_as_a_break_on_checks(tmp_path):
    folder = years_municipality(tmp_path / "y")
    book = tmp_path / "years.xlsx"
    build(folder, book)
    res = compute(load(book))
    append_table_row(book, "Outer budget", "OuterBudget", [2027, "B", "svc", "b9", "expense", 100])
    grid = rows_of(CalamineWorkbook.from_path(str(recalculate(book, tmp_path / "lo"))), "Kontroller")
    row = grid[checks.FIRST - 1 + [c.key for c in res.checks].index("outer_budget_counted")]
    assert (row[checks.LEFT - 1], row[checks.RIGHT - 1], row[checks.STATUS - 1]) == (1, 2, "BRUD")


def test_with_nothing_computed_yet_the_workbook_counts_the_controllers_forecast_too(tmp_path):
    from test_years import run_rate_before_any_phasing

    book = tmp_path / "r.xlsx"
    build(run_rate_before_any_phasing(tmp_path / "r"), book)
    recalculated(book, tmp_path)  # every formula cell equals the engine (700 for A/svc, blank computed)


def test_varde_2018_outer_years_and_savings_sheets_recalculated_show_the_published_table(tmp_path):
    """Varde's table (issue 16) on the recalculated sheets: every year's savings in all, estimated budget and
    difference (Varde's sign), the fiscal year 2018 included, and each catalogue's total on Savings."""
    from helpers import VARDE_CATALOGUES, VARDE_CORRECTED, varde_2018
    from test_years import VARDE_PUBLISHED

    book = tmp_path / "varde.xlsx"
    build(varde_2018(tmp_path / "varde"), book)
    wb = recalculated(book, tmp_path, at_least=500)  # two lines: fewer cells than the other cases
    grid = rows_of(wb, "Overslagsår")
    span = slice(outer_years.FIRST_YEAR - 1, outer_years.FIRST_YEAR + 3)
    assert [int(v) for v in grid[outer_years.YEAR_ROW - 1][span]] == [2018, 2019, 2020, 2021]
    total_at = next(i for i, row in enumerate(grid) if row[0] == "I alt")
    below = {row[0]: row[span] for row in grid[total_at:] if row[0]}
    assert below["Besparelser i alt"] == [v[0] for v in VARDE_PUBLISHED.values()]
    assert below["Estimeret budget"] == [v[1] for v in VARDE_PUBLISHED.values()]
    assert below["Difference til korrigeret budget"] == [v[2] for v in VARDE_PUBLISHED.values()]
    assert [row[outer_years.CORRECTED - 1] for row in grid[total_at:] if row[0] == "Grundlag i alt"] == [VARDE_CORRECTED]
    for catalogue, measures in VARDE_CATALOGUES.items():
        assert below[catalogue] == [sum(a[k] for a in measures.values()) for k in range(4)], catalogue
    grid = rows_of(wb, "Besparelser")
    by_measure = {row[savings.MEASURE - 1]: row[savings.FIRST_YEAR - 1:savings.FIRST_YEAR + 4]
                  for row in grid if row[savings.SECTOR - 1] == "VOK"}
    assert by_measure == {m: list(a) + [sum(a)] for ms in VARDE_CATALOGUES.values() for m, a in ms.items()}
