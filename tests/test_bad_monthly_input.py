"""Bad phasing, targets, settings and refresh exports: one clear line, exit code 2, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from test_bad_input import _error_line, add_line, assert_refused, edit, write

runner = CliRunner()
PLACEMENTS = Path(__file__).resolve().parents[1] / "examples" / "aalborg-2017-placements"
PHASING = b"sector,category,month,weight\n" + b"".join(b"BU,service,%d,0.08\n" % m for m in range(1, 13))

CASES = [
    ("phasing weights that do not sum to 1", write("phasing.csv", PHASING),
     ["phasing.csv", "row 2", "column 'weight'", "BU/service sum to 0.96, not 1"]),
    ("phasing month 13", write("phasing.csv", b"sector,category,month,weight\nBU,service,13,1\n"),
     ["phasing.csv", "row 2", "column 'month'", "'13' is not a month number 1 to 12"]),
    ("negative phasing weight", write("phasing.csv", b"sector,category,month,weight\nBU,service,1,-0.5\nBU,service,2,1.5\n"),
     ["phasing.csv", "row 2", "column 'weight'", "not between 0 and 1"]),
    ("phasing month twice", write("phasing.csv", b"sector,category,month,weight\nBU,service,1,0.5\nBU,service,1,0.5\n"),
     ["phasing.csv", "row 3", "month 1 has a weight twice"]),
    ("phasing for an unknown sector", write("phasing.csv", b"sector,category,month,weight\nXX,service,1,1\n"),
     ["phasing.csv", "row 2", "column 'sector'", "unknown sector 'XX'"]),
    ("prior actuals of the wrong year", lambda f: (add_line("model.yaml", "phasing: prior_actuals")(f),
                                                   write("actuals_prior.csv", b"month,sector,category,activity,kind,amount\n2014-01,BU,service,,expense,5\n")(f)),
     ["actuals_prior.csv", "row 2", "column 'month'", "not in the year before fiscal_year 2013"]),
    ("prior-actuals phasing without the file", add_line("model.yaml", "phasing: prior_actuals"),
     ["model.yaml", "column 'phasing'", "needs last year's actuals in actuals_prior.csv"]),
    ("unknown phasing method", add_line("model.yaml", "phasing: monthly"), ["model.yaml", "column 'phasing'", "monthly"]),
    ("unknown forecast method", add_line("model.yaml", "forecast: linear"), ["model.yaml", "column 'forecast'", "linear"]),
    ("red threshold below amber", add_line("model.yaml", "traffic_lights: {amber: 0.05, red: 0.02}"),
     ["model.yaml", "column 'traffic_lights'", "must not be below amber"]),
    ("unit cost by month missing months", add_line("model.yaml", "unit_costs: {inst: {1: 10, 2: 10}}"),
     ["model.yaml", "unit_costs", "all months 1 to 12"]),
    ("target for an unpriced measure", write("targets.csv", b"month,sector,group,measure,target\n2014-01,BU,east,inst,4\n"),
     ["targets.csv", "row 2", "column 'measure'", "measure 'inst' has no unit cost"]),
]


@pytest.mark.parametrize("case,mutate,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_phasing_and_settings_are_refused(case, mutate, expected, example, tmp_path):
    assert_refused(example, mutate, expected, tmp_path)


@pytest.mark.parametrize("mutate,expected", [
    (edit("activity.csv", "2017-01,BU,oest,institution,", "2017-01,BU,oest,inst,"), ["activity.csv", "row 2", "measure 'inst' has no unit cost"]),
    (add_line("targets.csv", "2017-01,BU,oest,institution,3"), ["targets.csv", "row 110", "appears twice"]),
    (add_line("targets.csv", "2017-01,BU,o*st,institution,3"), ["targets.csv", "row 110", "column 'group'", "read as a pattern"]),
    (add_line("activity.csv", "2016-12,BU,oest,institution,3"), ["activity.csv", "column 'month'", "not in fiscal_year 2017"]),
])
def test_bad_targets_are_refused(mutate, expected, tmp_path):
    assert_refused(PLACEMENTS, mutate, expected, tmp_path)


JUNE = "month;sector;category;activity;kind;amount\n2014-06;BU;service;;expense;166.324\n2014-06;BU;service;;income;-27.070\n"


@pytest.mark.parametrize("export,args,expected", [
    (JUNE.replace("166.324", "166,324,0"), [], ["june.csv", "row 2", "column 'amount'", "is not a number"]),
    (JUNE.replace("BU;service;;income", "XX;service;;income"), [], ["june.csv", "row 3", "column 'sector'", "unknown sector 'XX'"]),
    (JUNE + "2014-07;BU;service;;expense;1\n", [], ["june.csv", "several months (2014-06, 2014-07)", "--month"]),
    (JUNE, ["--month", "2014-07"], ["june.csv", "no rows for 2014-07"]),
    (JUNE, ["--month", "2015-06"], ["--month", "not in the workbook's fiscal year 2014"]),
    (JUNE, ["--month", "juni"], ["--month", "'juni' is not a month"]),
    (JUNE.replace("month;", "xmonth;"), [], ["june.csv", "row 1", "missing column 'month'", "headers found: xmonth, sector",
                                              "expected one of: month, måned", "model.yaml", "columns:"]),
    ("sector;category;activity;kind;amount\nBU;service;;expense;1\n", [], ["june.csv", "missing column 'month'", "--month"]),
    ("month;sector;category;activity;kind;amount\n", [], ["june.csv", "no rows"]),
])
def test_a_bad_export_is_refused_and_the_workbook_left_as_it_was(export, args, expected, example, tmp_path):
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(example), "-o", str(book), "--as-of", "2014-05-31"]).exit_code == 0
    before = book.read_bytes()
    (tmp_path / "june.csv").write_text(export, encoding="cp1252")
    line = _error_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(tmp_path / "june.csv"), *args]))
    for piece in expected:
        assert piece in line, (piece, line)
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["book.xlsx", "june.csv"]  # the lock beside it stays (xlsx/safe.py)


def test_refresh_of_a_missing_workbook_or_export(example, tmp_path):
    line = _error_line(runner.invoke(app, ["refresh", str(tmp_path / "none.xlsx"), "--actuals", str(tmp_path / "x.csv")]))
    assert "none.xlsx: file not found" in line
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(example), "-o", str(book)]).exit_code == 0
    line = _error_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(tmp_path / "x.csv")]))
    assert "x.csv: file not found" in line


@pytest.mark.parametrize("mutate,expected", [
    (add_line("model.yaml", "unit_costs: {inst: 10, INST: 99}"), ["model.yaml", "unit_costs", "'INST' and 'inst' differ only"]),
    (add_line("model.yaml", "unit_costs: {inst: -10}"), ["model.yaml", "unit_costs", "negative"]),
    (lambda f: (add_line("model.yaml", "phasing: prior_actuals")(f),
                write("actuals_prior.csv", b"month,sector,category,activity,kind,amount\n2013-01,BU,service,,expense,5\n")(f)),
     ["actuals_prior.csv", "hold 1 months", "needs the whole year"]),
    (edit("budget.csv", "99577", "1e400"), ["budget.csv", "row 5", "too large to be a number"]),
    (write("phasing.csv", b"sector,category,month,weight\nBU,service,1,\n"), ["phasing.csv", "row 2", "weight is empty"]),
])
def test_more_bad_settings_are_refused(mutate, expected, example, tmp_path):
    assert_refused(example, mutate, expected, tmp_path)


def test_a_negative_count_of_placements_is_refused(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(PLACEMENTS, folder)
    add_line("activity.csv", "2017-09,BU,oest,institution,-3")(folder)
    assert "is negative" in _error_line(runner.invoke(app, ["export", str(folder)]))


def test_an_export_spelling_a_code_unlike_the_workbook_is_refused(example, tmp_path):
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(example), "-o", str(book)]).exit_code == 0
    before = book.read_bytes()
    wb_budget = (example / "budget.csv").read_text(encoding="utf-8")
    assert "BU,service,,expense" in wb_budget
    export = tmp_path / "june.csv"
    folder = tmp_path / "d"
    shutil.copytree(example, folder)
    edit("budget.csv", "BU,service,,refund", "BU,service,anbringelser,refund")(folder)
    assert runner.invoke(app, ["build", str(folder), "-o", str(book), "--force"]).exit_code == 0  # a budget line changed
    before = book.read_bytes()
    export.write_text("month,sector,category,activity,kind,amount\n2014-06,BU,service,Anbringelser,refund,-5\n", encoding="utf-8")
    line = _error_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(export)]))
    assert "june.csv" in line and "'Anbringelser' and 'anbringelser' differ only by upper/lower case" in line
    assert book.read_bytes() == before


def test_a_workbook_unit_cost_typed_as_text_or_twice_is_refused(tmp_path):
    import openpyxl

    book = tmp_path / "p.xlsx"
    assert runner.invoke(app, ["build", str(PLACEMENTS), "-o", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["Indstillinger"]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 16).value == "foster_family")
    ws.cell(row, 18).value = "35"
    wb.save(book)
    assert "UnitCosts: unit cost '35' of 'foster_family' is not a number" in _error_line(runner.invoke(app, ["export", str(book)]))
    ws.cell(row, 18).value = 35.0
    ws.cell(row, 17).value = 1 if ws.cell(row, 17).value != 1 else 2
    wb.save(book)
    assert "has two prices" in _error_line(runner.invoke(app, ["export", str(book)]))
