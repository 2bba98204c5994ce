"""The monthly sheets verified for real: LibreOffice recalculates Status, Monthly, Targets and
Monthly calc, and every formula cell must equal the engine — after a build and after a refresh."""

from __future__ import annotations

import csv
import io
import shutil

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from budgetcontrol.recalc import recalculate
from budgetcontrol.sheets import layouts
from budgetcontrol.sheets.monthly import FIRST, FIRST_MONTH
from budgetcontrol.sheets.monthly_calc import C, FIRST as CALC_FIRST
from budgetcontrol.verify import compare
from helpers import ROOT, write_csv

pytestmark = pytest.mark.libreoffice
runner = CliRunner()
PLACEMENTS = ROOT / "examples" / "aalborg-2017-placements"


def invoke(*args) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def recalculated_equals_engine(book, tmp_path) -> None:
    recalculated = recalculate(book, tmp_path / "lo")
    mismatches, compared = compare(layouts(compute(load(book))), recalculated)
    assert compared > 1000
    assert mismatches == [], mismatches[:10]
    return recalculated


def calc_rows(recalculated) -> pd.DataFrame:
    """The recalculated Monthly calc rows as the export's columns (month as YYYY-MM)."""
    grid = CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("Beregning måned").to_python(skip_empty_area=False)
    rows = []
    for row in grid[CALC_FIRST - 1:]:
        if not row[0]:
            continue
        rec = {name: row[c - 1] for name, c in C.items()}
        rec["month"] = rec["month"].strftime("%Y-%m")
        rows.append(rec)
    return pd.DataFrame(rows)


def test_refreshed_placements_workbook_recalculated_equals_export(tmp_path):
    """Done-when: refresh with a new month's export, recalculate in LibreOffice: Status, Monthly,
    Targets and Monthly calc equal the engine, and the calc rows equal `export --table monthly`."""
    folder = tmp_path / "data"
    shutil.copytree(PLACEMENTS, folder)
    rows = list(csv.DictReader((folder / "actuals.csv").open(encoding="utf-8")))
    write_csv(folder / "actuals.csv", list(rows[0]), [r for r in rows if r["month"] < "2017-09"])
    export = tmp_path / "erp-2017-09.csv"
    write_csv(export, list(rows[0]), [r for r in rows if r["month"] == "2017-09"], delimiter=";", encoding="cp1252")
    book = tmp_path / "placements.xlsx"
    invoke("build", folder, "-o", book, "--as-of", "2017-08-31")
    invoke("refresh", book, "--actuals", export)
    recalculated = recalculated_equals_engine(book, tmp_path)
    exported = pd.read_csv(io.StringIO(invoke("export", PLACEMENTS, "--table", "monthly")), keep_default_na=False)
    assert exported["month"].max() == "2017-09"
    sheet = calc_rows(recalculated).set_index(["sector", "category", "kind", "month"])
    checked = 0
    for rec in exported.to_dict("records"):
        got = sheet.loc[(rec["sector"], rec["category"], rec["kind"], rec["month"])]
        for name in exported.columns[4:]:
            want = rec[name]
            assert (got[name] == "" if want == "" else got[name] == pytest.approx(float(want), abs=0.005)), (rec, name)  # the export prints to the øre
            checked += 1
    assert checked == len(exported) * 9
    targets = pd.read_csv(io.StringIO(invoke("export", PLACEMENTS, "--table", "targets")), keep_default_na=False)
    cost_to_date = CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("Måltal").to_python()
    totals = [row for row in cost_to_date if str(row[0]).startswith("Omkostning i alt")]
    assert totals[0][16] == pytest.approx(targets["cost"].replace("", 0).astype(float).sum())


def test_the_sector_selector_switches_the_monthly_sheet_without_python(municipality, tmp_path):
    book = tmp_path / "muni.xlsx"
    invoke("build", municipality, "-o", book, "--as-of", "2025-07-31")
    wb = openpyxl.load_workbook(book)
    assert wb["Måned for måned"]["B3"].value == "S1"
    wb["Måned for måned"]["B3"] = "S3"
    wb.save(book)
    grid = CalamineWorkbook.from_path(str(recalculate(book, tmp_path / "lo"))).get_sheet_by_name("Måned for måned").to_python(skip_empty_area=False)
    assert grid[2][2] == "Sektor 3"
    net = compute(load(municipality), __import__("datetime").date(2025, 7, 31)).monthly
    s3 = net[(net.sector == "S3") & (net.kind == "net") & (net.category == "service")].set_index("m")
    budget_row, actual_ytd_row = grid[FIRST], grid[FIRST + 3]  # the first category block: service
    for m in range(1, 13):
        assert budget_row[FIRST_MONTH - 1 + m - 1] == pytest.approx(s3.at[m, "budget_month"], abs=1e-6)
        if m <= 7:
            assert actual_ytd_row[FIRST_MONTH - 1 + m - 1] == pytest.approx(s3.at[m, "actual_ytd"], abs=1e-6)
        else:
            assert actual_ytd_row[FIRST_MONTH - 1 + m - 1] == ""


def test_run_rate_forecast_custom_phasing_and_the_other_sign_recalculate_to_the_engine(municipality, tmp_path):
    model = (municipality / "model.yaml").read_text(encoding="utf-8")
    (municipality / "model.yaml").write_text(model + "forecast: run_rate\nvariance_sign: budget_minus_actual\n"
                                             "traffic_lights: {amber: 0.01, red: 0.03}\n", encoding="utf-8")
    weights = [0, 0, 0.1, 0.1, 0.1, 0.1, 0.05, 0.1, 0.1, 0.1, 0.1, 0.15]  # nothing phased before March
    write_csv(municipality / "phasing.csv", ["sector", "category", "month", "weight"],
              [{"sector": "S2", "category": "guaranteed", "month": m, "weight": w} for m, w in enumerate(weights, start=1)])
    book = tmp_path / "muni.xlsx"
    invoke("build", municipality, "-o", book, "--as-of", "2025-02-28")
    recalculated_equals_engine(book, tmp_path)
    status = compute(load(book)).status
    assert status[(status.sector == "S2") & (status.category == "guaranteed")].forecast.isna().all()  # run rate of nothing phased


def test_a_prior_year_profile_recalculates_to_the_engine(municipality, tmp_path):
    rows = list(csv.DictReader((municipality / "actuals.csv").open(encoding="utf-8")))
    prior = [{**r, "month": r["month"].replace("2025", "2024"), "amount": float(r["amount"]) * (2 if r["month"].endswith("12") else 1)}
             for r in rows]
    write_csv(municipality / "actuals_prior.csv", list(rows[0]), prior)
    model = (municipality / "model.yaml").read_text(encoding="utf-8")
    (municipality / "model.yaml").write_text(model + "phasing: prior_actuals\n", encoding="utf-8")
    book = tmp_path / "muni.xlsx"
    invoke("build", municipality, "-o", book, "--as-of", "2025-10-31")
    recalculated_equals_engine(book, tmp_path)
    phasing = load(book).phasing
    december = phasing[(phasing.sector == "S1") & (phasing.category == "service") & (phasing.month == 12)].weight.iloc[0]
    assert december > 1 / 12


def test_a_phasing_weight_broken_in_excel_shows_as_a_break_on_checks(tmp_path):
    book = tmp_path / "aalborg.xlsx"
    invoke("build", ROOT / "examples" / "aalborg-2014-bu", "-o", book, "--as-of", "2014-06-30")
    wb = openpyxl.load_workbook(book)
    ws = wb["Periodisering"]
    assert ws["A4"].value == "BU" and ws["C4"].value == 1
    ws["D4"] = 0.5  # January of BU/service: the year now sums to 1.4167
    wb.save(book)
    grid = CalamineWorkbook.from_path(str(recalculate(book, tmp_path / "lo"))).get_sheet_by_name("Kontroller").to_python()
    assert grid[1][1] == "BRUD"
    row = next(r for r in grid if str(r[1]).startswith("Periodisering"))
    assert row[2] == pytest.approx(12 * (0.5 - 1 / 12)) and row[5] == "BRUD"  # the deviation in each of 12 months
    assert "sum to 1.41667, not 1" in runner.invoke(app, ["export", str(book)]).stderr


def test_a_sector_and_category_without_phasing_rows_is_phased_in_twelfths_by_the_formulas_too(tmp_path):
    book = tmp_path / "aalborg.xlsx"
    invoke("build", ROOT / "examples" / "aalborg-2014-bu", "-o", book, "--as-of", "2014-06-30")
    wb = openpyxl.load_workbook(book)
    ws = wb["Periodisering"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=ws.max_row)]
    keep = [r for r in rows if r[1] != "guaranteed"]
    for i in range(len(rows)):
        for c in range(4):
            ws.cell(4 + i, c + 1).value = keep[i][c] if i < len(keep) else None
    ws.tables["Phasing"].ref = f"A3:D{3 + len(keep)}"
    wb.save(book)
    assert len(load(book).phasing) == 24
    recalculated_equals_engine(book, tmp_path)
