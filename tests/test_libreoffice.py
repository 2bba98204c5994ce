"""The formula fallback verified for real: LibreOffice headless recalculates the built
workbook and every formula cell must equal the engine's figure."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from budgetcontrol.recalc import recalculate
from budgetcontrol.sheets import layouts
from budgetcontrol.verify import compare, expected_layouts
from helpers import EXAMPLE, append_table_row, read_rows

pytestmark = pytest.mark.libreoffice
runner = CliRunner()


def build(source, path, *extra) -> None:
    result = runner.invoke(app, ["build", str(source), "-o", str(path), *extra])
    assert result.exit_code == 0, result.stderr


def grid(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def summary_rows(path) -> dict[tuple[str, str], list]:
    """Sector summary rows by (sector code, category code), from column B and C."""
    rows = {}
    for row in grid(path, "Sektoroversigt")[7:]:
        if row[1] or row[2]:
            rows.setdefault((row[1], row[2]), row)
    return rows


def test_recalculated_workbook_equals_the_published_figures(soffice, tmp_path):
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    recalculated = recalculate(book, tmp_path / "lo")
    rows = summary_rows(recalculated)
    columns = {"original": {"net": 3}, "corrected": {"expense": 4, "income": 5, "refund": 6, "net": 7},
               "actual": {"expense": 8, "income": 9, "refund": 10, "net": 11}, "variance": {"net": 13}}
    checked = 0
    for pub in read_rows(EXAMPLE / "published.csv"):
        row = rows[(pub["sector"], pub["category"])]
        for figure, by_kind in columns.items():
            if pub["kind"] in by_kind:
                # the variance: against the phased budget to date, which at the year's end is the corrected (to float noise)
                assert row[by_kind[pub["kind"]]] == pytest.approx(float(pub[figure]), abs=1e-6), (pub, figure)
                checked += 1
    assert checked == 30  # 4 net rows × 4 figures + 7 kind rows × 2


def test_a_mid_year_sector_summary_shows_the_variance_to_date_as_status_does(soffice, tmp_path):
    """June 2014: actuals to date against the full-year budget would read −873.984, a huge underspend that does
    not exist; the Sector summary shows the variance against the phased budget to date, Status's −23.606."""
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book, "--as-of", "2014-06-30")
    recalculated = recalculate(book, tmp_path / "lo")
    summary = grid(recalculated, "Sektoroversigt")
    grand = next(row for row in summary[7:] if row[0] == "I alt" and row[3] != "")
    status = grid(recalculated, "Status")
    status_grand = next(row for row in status[7:] if row[0] == "I alt")
    assert summary[5][12] == "Periodiseret budget netto" and summary[5][13] == "Afvigelse netto"
    assert round(grand[13]) == round(status_grand[status[5].index("Afvigelse til dato")]) == -23606
    assert grand[12] == pytest.approx(status_grand[status[5].index("Periodiseret budget til dato")])
    assert round(grand[11] - grand[7]) == -873984  # what the old column showed: no longer a variance on the sheet
    assert "periodiseret budget til dato" in summary[3][0]


def test_every_formula_cell_of_the_example_equals_the_engine(soffice, tmp_path):
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    mismatches, compared = compare(layouts(compute(load(book))), recalculate(book, tmp_path / "lo"))
    assert compared > 300
    assert mismatches == []


def test_every_formula_cell_of_a_multi_sector_model_equals_the_engine_breaks_included(soffice, municipality, tmp_path):
    book = tmp_path / "muni.xlsx"
    build(municipality, book, "--as-of", "2025-08-31")
    recalculated = recalculate(book, tmp_path / "lo")
    mismatches, compared = compare(layouts(compute(load(book))), recalculated)
    assert compared > 1000
    assert mismatches == []
    checks = grid(recalculated, "Kontroller")
    assert checks[1][1] == "BRUD"
    broken = {row[6] or row[1] for row in checks[4:] if row[5] == "BRUD"}
    assert "R002" in broken and any("ikke findes i oprindeligt budget" in b for b in broken)


def test_a_change_typed_into_the_workbook_counts_without_python(soffice, tmp_path):
    """A controller adds an approved change row in Excel; the workbook's own formulas pick it up."""
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    values = ["C14-99", dt.date(2014, 12, 1), "approved", "supplementary", "BU", "service", None, "expense", 1000.0, "Ny", None]
    append_table_row(book, "Changes", "Changes", values)
    recalculated = recalculate(book, tmp_path / "lo")
    row = summary_rows(recalculated)[("BU", "service")]
    assert row[7] == 1658580 + 1000  # corrected net
    assert row[13] == pytest.approx(-21685 - 1000, abs=1e-6)  # variance net
    exported = runner.invoke(app, ["export", str(book)]).stdout
    assert "BU,service,net,1648977,1659580,1636895,-22685" in exported
    checks = {r[1]: r[5] for r in grid(recalculated, "Kontroller")[4:] if r[1] and r[5]}
    assert checks and all(v == "OK" for v in checks.values())  # the drill-down counts the typed row by formula


def test_the_variance_sign_setting_flips_the_workbook(soffice, tmp_path):
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    wb = openpyxl.load_workbook(book)
    wb["Indstillinger"]["C9"] = -1
    wb.save(book)
    recalculated = recalculate(book, tmp_path / "lo")
    assert summary_rows(recalculated)[("BU", "service")][13] == pytest.approx(21685, abs=1e-6)
    mismatches, _ = compare(layouts(compute(load(book))), recalculated)
    assert mismatches == []


def test_verify_command_passes_a_fresh_build_and_catches_a_tampered_output(soffice, tmp_path):
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    ok = runner.invoke(app, ["verify", str(book)])
    assert ok.exit_code == 0 and "OK: all" in ok.stdout
    wb = openpyxl.load_workbook(book)
    wb["Sektoroversigt"]["H9"] = 1658581  # a hard-typed number over a formula
    wb.save(book)
    bad = runner.invoke(app, ["verify", str(book)])
    assert bad.exit_code == 1
    assert "Sektoroversigt!H9: expected 1658580.0, got 1658581" in bad.stdout


def test_as_of_mid_year_workbook_equals_the_engine(soffice, tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(EXAMPLE, folder)
    book = tmp_path / "june.xlsx"
    build(folder, book, "--as-of", "2014-06-30")
    mismatches, compared = compare(layouts(compute(load(book))), recalculate(book, tmp_path / "lo"))
    assert compared > 300 and mismatches == []


def test_a_month_cell_dated_mid_or_end_of_month_counts_alike_in_workbook_and_engine(soffice, tmp_path):
    """Finance exports often date a month by its last day; the as-of month counts whole."""
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Regnskab"]
    june = [r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value and ws.cell(r, 1).value.month == 6]
    for r in june:
        ws.cell(r, 1).value = dt.datetime(2014, 6, 30)
    wb["Indstillinger"]["C8"] = dt.datetime(2014, 6, 15)
    wb.save(book)
    mismatches, compared = compare(layouts(compute(load(book))), recalculate(book, tmp_path / "lo"))
    assert compared > 300 and mismatches == []
    june_actuals = compute(load(book)).summary.query("sector == '' and category == '' and kind == 'net'")["actual"].item()
    first_half = compute(load(EXAMPLE), dt.date(2014, 6, 30)).summary.query("sector == '' and category == '' and kind == 'net'")["actual"].item()
    assert june_actuals == first_half


def test_actuals_and_changes_typed_below_the_ledger_rows_count_everywhere(soffice, tmp_path):
    """The per-line and per-month sheets read the Ledger's sorted sums of the rows written; rows typed
    below them since are added by the formulas themselves: every figure equals the engine on the
    workbook's own Tables (the Ledger and the Audit list still hold the written rows until a refresh, so
    those two are laid out from the rows as written: ``verify.expected_layouts``)."""
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    append_table_row(book, "Actuals", "Actuals", [dt.date(2014, 3, 1), "BU", "service", None, "expense", 500.0])
    append_table_row(book, "Changes", "Changes", ["C14-98", dt.date(2014, 2, 1), "pending", "supplementary", "BU",
                                                  "service", None, "expense", 700.0, "Ny", None])
    recalculated = recalculate(book, tmp_path / "lo")
    mismatches, compared = compare(expected_layouts(load(book), book), recalculated)
    assert [str(m) for m in mismatches] == [] and compared > 1000
    sheet = grid(recalculated, "Korrigeret budget")
    codes, row = sheet[4], sheet[5]  # the code row and BU/service/expense
    assert row[:4] == ["BU", "service", "", "expense"] and row[codes.index("pending")] == 12000 + 700  # pending in the data + the typed row


def test_an_edit_to_rows_the_ledger_summed_shows_as_a_break_until_the_refresh(soffice, tmp_path):
    book = tmp_path / "aalborg.xlsx"
    build(EXAMPLE, book)
    wb = openpyxl.load_workbook(book)
    wb["Regnskab"]["F4"] = wb["Regnskab"]["F4"].value + 1  # an amount the Ledger summed
    wb.save(book)
    checks = {r[1]: r[5] for r in grid(recalculate(book, tmp_path / "lo"), "Kontroller")[4:] if r[1]}
    assert checks["'Beregning grundlag': Actuals-tabellens summerede rækker er uændrede siden opdateringen (ellers: opdater projektmappen)"] == "BRUD"
    assert checks["'Beregning grundlag': Budget-tabellens summerede rækker er uændrede siden opdateringen (ellers: opdater projektmappen)"] == "OK"
