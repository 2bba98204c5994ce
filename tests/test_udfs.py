"""The worksheet functions (udfs/), called as plain functions with the argument shapes xlwings
delivers: lists of rows with the header first, floats for numbers, datetimes for dates, None for
empty cells. xlwings itself imports on Linux and its decorators leave the functions as they are."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest
import xlwings as xw
from helpers import EXAMPLE

import udfs
from budgetcontrol import contract, export, functions, udf_tables
from budgetcontrol.build import build
from budgetcontrol.engine import compute

AS_OF = "2014-06-30"


def excel_rows(ws, ref):
    """A range as xlwings hands it to a function: floats for numbers, None for empty cells."""
    def value(v):
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else (None if v == "" else v)
    return [[value(c.value) for c in row] for row in ws[ref]]


def tables(path) -> dict:
    wb = openpyxl.load_workbook(path)
    out = {name: excel_rows(ws, ref) for ws in wb.worksheets for name, ref in ws.tables.items()}
    out["settings"] = excel_rows(wb["Indstillinger"], "A5:C16")
    return out


@pytest.fixture(scope="module")
def example_tables(tmp_path_factory):
    path = tmp_path_factory.mktemp("udf") / "book.xlsx"
    build(EXAMPLE, path, dt.date(2014, 6, 30))
    return tables(path)


@pytest.fixture
def muni_tables(municipality, tmp_path):
    build(municipality, tmp_path / "muni.xlsx")
    return tables(tmp_path / "muni.xlsx"), contract.load(municipality)


def args(t, *names):
    return [t[name] for name in names]


def test_xlwings_decorators_leave_plain_functions_on_linux():
    assert xw.func(len) is len and xw.sub(len) is len
    for name in ("BC_SUMMARY", "BC_CORRECTED", "BC_MONTHLY", "BC_STATUS", "BC_PHASED", "BC_FORECAST", "BC_STAMP"):
        assert callable(getattr(udfs, name)) and getattr(udfs, name).__name__ == name


def test_summary_spills_the_export_table_of_the_data_folder(example_tables):
    got = udfs.BC_SUMMARY(*args(example_tables, "Budget", "Changes", "Actuals"), AS_OF)
    expected = export.table(compute(contract.load(EXAMPLE), dt.date(2014, 6, 30)), "summary")
    assert got[0] == list(expected.columns)
    assert got[1:] == expected.values.tolist()
    assert got[-1][:3] == ["", "", "net"] and got[-1][4] == 1700757  # the grand total's corrected budget


def test_as_of_may_be_a_date_cell_an_excel_serial_or_text(example_tables):
    t = args(example_tables, "Budget", "Changes", "Actuals")
    text = udfs.BC_PHASED(*t, AS_OF)
    assert udfs.BC_PHASED(*t, dt.datetime(2014, 6, 30)) == text
    assert udfs.BC_PHASED(*t, 41820.0) == text  # 30 June 2014 as Excel's serial
    assert udfs.BC_PHASED(*t, "2014-05-31") != text


def test_grid_functions_give_sectors_down_and_categories_across(muni_tables):
    t, inputs = muni_tables
    as_of = dt.date(inputs.model.fiscal_year, 6, 30)
    result = compute(dataclasses.replace(inputs, model=inputs.model.model_copy(update={"as_of": as_of})), as_of)
    sectors, categories = inputs.model.sector_codes, inputs.model.category_codes
    budget, changes, actuals = args(t, "Budget", "Changes", "Actuals")
    corrected = udfs.BC_CORRECTED(budget, changes, as_of.isoformat(), sectors, categories)
    lines = result.lines.groupby(["sector", "category"])["corrected"].sum()
    assert corrected == [[pytest.approx(lines.get((s, c), 0.0)) for c in categories] for s in sectors]
    net = result.monthly[(result.monthly.kind == "net") & (result.monthly.m == 6)].set_index(["sector", "category"])
    phased = udfs.BC_PHASED(budget, changes, actuals, as_of, [[s] for s in sectors], [categories])
    assert phased == [[pytest.approx(net.loc[(s, c), "budget_ytd"]) for c in categories] for s in sectors]
    total = udfs.BC_FORECAST(budget, changes, actuals, as_of, None, None)
    assert total == [[pytest.approx(net["forecast"].sum())]]
    one = udfs.BC_FORECAST(budget, changes, actuals, as_of, sectors[0].lower(), None)  # codes match as in Excel
    assert one == [[pytest.approx(net.loc[sectors[0], "forecast"].sum())]]


def test_settings_sectors_and_categories_ranges_give_the_workbooks_own_figures(muni_tables):
    t, inputs = muni_tables
    as_of = inputs.model.default_as_of
    table_args = args(t, "Budget", "Changes", "Actuals")
    with_settings = udfs.BC_STATUS(*table_args, as_of.isoformat(), t["settings"], t["Sectors"], t["Categories"], t["Phasing"])
    expected = compute(inputs, as_of).status[functions.STATUS_COLUMNS]
    assert with_settings[0] == functions.STATUS_COLUMNS
    assert with_settings[1:] == [[functions._cell(v) for v in row] for row in expected.itertuples(index=False)]
    # without Categories all categories are operating: the capital total disappears
    plain = udfs.BC_STATUS(*table_args, as_of.isoformat())
    assert "capital" in [row[2] for row in with_settings] and "capital" not in [row[2] for row in plain]
    # the variance sign and the forecast method come from the settings rows
    flipped = [[k, label, -1.0 if k == "variance_sign" else ("run_rate" if k == "forecast" else v)]
               for k, label, v in t["settings"]]
    run_rate = udfs.BC_SUMMARY(*table_args, as_of.isoformat(), flipped, t["Sectors"], t["Categories"])
    normal = udfs.BC_SUMMARY(*table_args, as_of.isoformat(), t["settings"], t["Sectors"], t["Categories"])
    assert [row[6] for row in run_rate[1:]] == [-row[6] for row in normal[1:]]


def test_monthly_rows_of_one_sector_equal_the_monthly_export(muni_tables):
    t, inputs = muni_tables
    sector = inputs.model.sector_codes[1]
    as_of = dt.date(inputs.model.fiscal_year, 4, 30)
    got = udfs.BC_MONTHLY(*args(t, "Budget", "Changes", "Actuals"), as_of.isoformat(), sector, t["settings"], t["Sectors"],
                          t["Categories"], t["Phasing"])
    result = compute(dataclasses.replace(inputs, model=inputs.model.model_copy(update={"as_of": as_of})), as_of)
    frame = export.table(result, "monthly")
    frame = frame[frame.sector == sector]
    assert got[0] == list(frame.columns) and got[1:] == frame.values.tolist()
    assert {row[3] for row in got[1:]} == {f"{as_of.year}-0{m}" for m in range(1, 5)}


@pytest.mark.parametrize("change, expected", [
    (lambda t: (t["Budget"], t["Changes"], t["Actuals"], "30-06-2014"), "#BC! as_of: '30-06-2014' is not a date"),
    (lambda t: ([r if i != 2 else r[:4] + ["1.234"] for i, r in enumerate(t["Budget"])], t["Changes"], t["Actuals"], AS_OF),
     "#BC! budget, row 3, column 'amount': amount cell is text '1.234', not a number"),
    (lambda t: (t["Budget"][0][0], t["Changes"], t["Actuals"], AS_OF), "#BC! budget: expects a range with a header row"),
    (lambda t: (t["Budget"], [r[:3] for r in t["Changes"]], t["Actuals"], AS_OF), "#BC! changes, row 1: missing column 'type'"),
    (lambda t: (t["Budget"], t["Changes"], t["Actuals"], AS_OF, [["variance_sign", "", 2.0]]), "#BC! settings, column 'variance_sign'"),
])
def test_bad_arguments_give_one_readable_line_in_the_cell(example_tables, change, expected):
    got = udfs.BC_SUMMARY(*change(example_tables))
    assert isinstance(got, str) and got.startswith(expected) and "\n" not in got and "Traceback" not in got


def test_unknown_selection_and_internal_errors_are_readable_lines(example_tables, monkeypatch):
    t = args(example_tables, "Budget", "Changes", "Actuals")
    assert udfs.BC_PHASED(*t, AS_OF, "XX").startswith("#BC! sector: unknown code 'XX' (known: BU)")
    monkeypatch.setattr(functions, "compute", lambda *a: 1 / 0)
    functions._computed.cache_clear()
    assert udfs.BC_SUMMARY(*t, "2014-03-31") == "#BC! ZeroDivisionError: division by zero"


def test_a_sheet_full_of_calls_over_the_same_tables_computes_once(example_tables, monkeypatch):
    calls = []
    real = functions.compute
    monkeypatch.setattr(functions, "compute", lambda *a: calls.append(1) or real(*a))
    functions._computed.cache_clear()
    fresh = lambda: [[list(row) for row in example_tables[n]] for n in ("Budget", "Changes", "Actuals")]  # noqa: E731
    first = udfs.BC_PHASED(*fresh(), AS_OF, "BU")
    for _ in range(20):  # new lists with the same contents, as Excel passes them on every recalculation
        assert udfs.BC_PHASED(*fresh(), AS_OF, "BU") == first
        udfs.BC_FORECAST(*fresh(), AS_OF, "BU")
    assert len(calls) == 1 and functions.cache_info().hits == 40
    changed = fresh()
    changed[2][1][5] += 1000.0  # one actual edited: computed anew
    udfs.BC_FORECAST(*changed, AS_OF)
    assert len(calls) == 2


def test_blank_figures_come_back_as_empty_cells(example_tables):
    settings = [["forecast", "", "run_rate"]]
    phasing = [["sector", "category", "month", "weight"]] + [["BU", c, float(m), 0.0 if m <= 6 else 1 / 6]
                                                              for c in ("service", "guaranteed", "capital") for m in range(1, 13)]
    got = udfs.BC_FORECAST(*args(example_tables, "Budget", "Changes", "Actuals"), AS_OF, "BU", "service", settings, None, None, phasing)
    assert got == [[""]]  # run rate with nothing phased to date has no figure


def test_the_controllers_forecasts_range_replaces_the_computed_forecast_of_its_lines(tmp_path):
    from helpers import years_municipality

    folder = years_municipality(tmp_path / "y")
    build(folder, tmp_path / "y.xlsx")
    t = tables(tmp_path / "y.xlsx")
    base = args(t, "Budget", "Changes", "Actuals") + ["2025-06-30"]
    assert udfs.BC_FORECAST(*base, "A", "svc") == [[1620.0]]  # without the range: computed
    assert udfs.BC_FORECAST(*base, "A", "svc", forecasts=t["Forecast"]) == [[1780.0]]  # 1.620 − 540 + 700
    status = udfs.BC_STATUS(*base, forecasts=t["Forecast"])
    header = status[0]
    row = next(r for r in status[1:] if r[:2] == ["A", "svc"])
    assert (row[header.index("forecast_computed")], row[header.index("forecast")], row[header.index("source")]) == \
        (1620.0, 1780.0, "controller")
    wrong = [list(r) for r in t["Forecast"]]
    wrong[1][2] = "a9"  # a line nobody budgets
    assert udfs.BC_FORECAST(*base, "A", "svc", forecasts=wrong).startswith("#BC! forecasts, row 2, column 'activity'")


# ---- Tables as range references (udf_tables): read only when their stamp is new ----
# The test double stands in for xlwings' "range" conversion and counts the cells handed over. That real
# Excel calls BC_STAMP again whenever a cell of its Table changes, and before the functions that take
# the stamp cell, is Excel's dependency tree: it cannot run here, hence "excel_order_not_tested" below.

@pytest.fixture
def live_book(tmp_path):
    from xlwings_double import Book

    path = tmp_path / "book.xlsx"
    build(EXAMPLE, path, dt.date(2014, 6, 30))
    functions._computed.cache_clear()
    udf_tables.clear()
    return Book(path)


def references(book):
    return [book.table(name).range for name in ("Budget", "Changes", "Actuals")]


def test_table_references_give_what_their_values_give(live_book, example_tables):
    by_value = udfs.BC_SUMMARY(*args(example_tables, "Budget", "Changes", "Actuals"), AS_OF)
    refs = references(live_book)
    assert udfs.BC_SUMMARY(*refs, AS_OF) == by_value
    assert live_book.cells_handed_over == sum(len(t) * len(t[0]) for t in args(example_tables, "Budget", "Changes", "Actuals"))
    assert udfs.BC_PHASED(*refs, AS_OF, "BU") == udfs.BC_PHASED(*args(example_tables, "Budget", "Changes", "Actuals"), AS_OF, "BU")


def test_without_stamps_every_call_reads_its_tables(live_book):
    refs = references(live_book)
    udfs.BC_SUMMARY(*refs, AS_OF)
    once = live_book.cells_handed_over
    udfs.BC_SUMMARY(*refs, AS_OF)
    assert once > 0 and live_book.cells_handed_over == 2 * once


def test_stamped_tables_are_read_only_when_their_stamp_is_new_excel_order_not_tested(live_book, monkeypatch):
    computed = []
    real = functions.compute
    monkeypatch.setattr(functions, "compute", lambda *a: computed.append(1) or real(*a))
    refs = references(live_book)
    actuals = refs[2]
    stamps = [udfs.BC_STAMP(r) for r in refs]
    first = udfs.BC_SUMMARY(*refs, AS_OF, stamps=stamps)
    read = live_book.cells_handed_over
    for _ in range(5):  # a sheet full of calls, or a recalculation that touched no Table
        assert udfs.BC_SUMMARY(*refs, AS_OF, stamps=stamps) == first
        udfs.BC_PHASED(*refs, AS_OF, "BU", stamps=stamps)
    assert live_book.cells_handed_over == read and len(computed) == 1

    # an actual typed: Excel calls Actuals' BC_STAMP again; only Actuals is read, and it counts
    ws = actuals.ws
    amount = [c.value for c in ws[actuals.row]].index("amount") + actuals.column
    ws.cell(actuals.row + 1, amount).value += 1000  # the first row: January
    stamps[2] = udfs.BC_STAMP(actuals)
    after = udfs.BC_SUMMARY(*refs, AS_OF, stamps=stamps)
    assert live_book.cells_handed_over - read == (actuals.last_row - actuals.row + 1) * (actuals.last_column - actuals.column + 1)
    assert len(computed) == 2 and after != first
    total_actual = first[0].index("actual")
    assert after[-1][total_actual] == first[-1][total_actual] + 1000

    # a full recalculation gives every stamp anew: all is read again, but unchanged contents compute nothing
    before = live_book.cells_handed_over
    fresh = [udfs.BC_STAMP(r) for r in refs]
    assert fresh != stamps and udfs.BC_SUMMARY(*refs, AS_OF, stamps=fresh) == after
    assert live_book.cells_handed_over > before and len(computed) == 2


def test_a_stamp_counts_only_for_the_range_it_was_given_for(live_book):
    budget, changes, actuals = refs = references(live_book)
    body = actuals.sheet.range((actuals.row, actuals.column), (actuals.last_row - 1, actuals.last_column))  # one row short
    stamps = [udfs.BC_STAMP(r) for r in refs]
    udfs.BC_SUMMARY(budget, changes, body, AS_OF, stamps=stamps)
    read = live_book.cells_handed_over
    udfs.BC_SUMMARY(budget, changes, body, AS_OF, stamps=stamps)
    assert live_book.cells_handed_over - read == (body.last_row - body.row + 1) * (body.last_column - body.column + 1)
    assert all(s.startswith("[book.xlsx]") for s in stamps) and len(set(stamps)) == 3


def test_a_stamp_of_values_not_a_reference_is_one_readable_line(example_tables):
    got = udfs.BC_STAMP(example_tables["Budget"])
    assert got == "#BC! TypeError: BC_STAMP expects a Table reference, e.g. Budget[#All]"


REGISTER = r'''
import json, sys, types
for name in ("pythoncom", "pywintypes", "win32com", "win32com.client", "win32api"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["win32com.client"].Dispatch = lambda *a: None
sys.modules["win32com"].client = sys.modules["win32com.client"]
import xlwings as xw
xw._xlwindows = types.SimpleNamespace(is_range_instance=lambda a: False, Range=None)
sys.modules["xlwings._xlwindows"] = xw._xlwindows
import xlwings.udfs as real
xw.func, xw.arg = real.xlfunc, real.xlarg  # xlwings' own decorators, as on Windows
import udfs
out = {name: {a["name"]: a["options"].get("convert") for a in getattr(udfs, name).__xlfunc__["args"]}
       for name in ("BC_STAMP", "BC_SUMMARY", "BC_FORECAST", "BC_CORRECTED")}
print(json.dumps(out))
'''


def test_xlwings_own_decorators_register_the_big_tables_as_references_not_real_excel(tmp_path):
    """The registration xlwings' VBA wrapper and call_udf read (``__xlfunc__``), made by xlwings' real decorators
    with its Windows modules stubbed; that Excel then passes a Range is xlwings' and Excel's part."""
    import json
    import subprocess
    import sys

    from helpers import ROOT

    done = subprocess.run([sys.executable, "-c", REGISTER], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["BC_STAMP"] == {"table": "table_reference"}
    assert {k for k, v in got["BC_FORECAST"].items() if v == "table_reference"} == {"budget", "changes", "actuals", "forecasts"}
    assert {k for k, v in got["BC_CORRECTED"].items() if v == "table_reference"} == {"budget", "changes"}
    assert got["BC_SUMMARY"]["as_of"] is None and got["BC_SUMMARY"]["stamps"] is None  # small arguments stay values


def test_a_reference_argument_stays_a_range_and_an_array_constant_converts_as_xlwings_converts_values(monkeypatch):
    from types import SimpleNamespace

    from xlwings import conversion

    # no Excel engine on Linux: a stand-in whose value cleaning marks what it cleaned
    cleaned = lambda data, *options: [["cleaned"] + list(row) for row in data]
    engine = SimpleNamespace(impl=SimpleNamespace(clean_value_data=cleaned))
    monkeypatch.setitem(xw.engines.engines_by_name, "excel", engine)
    place = SimpleNamespace(sheet=SimpleNamespace(book=SimpleNamespace(app=SimpleNamespace(engine=engine))))
    # ``place`` stands in for the Range xlwings wraps around what Excel passed: handed on, nothing read
    assert conversion.read(place, None, {"convert": "table_reference"}) is place
    constant = (("sector", "category", "text"), ("BU", "", "x"))  # e.g. ={...} or another function's result
    got = conversion.read(None, constant, {"convert": "table_reference"})
    assert got == conversion.read(None, constant, {}) and got[0][0] == "cleaned"  # xlwings' own value conversion


def test_a_restarted_python_never_takes_an_old_stamp_for_its_own(monkeypatch, live_book):
    """Even with the same process id (a restarted server may get one): the stamp's token is random per process."""
    import importlib
    import os

    monkeypatch.setattr(os, "getpid", lambda: 4242)
    refs = references(live_book)
    before = [udfs.BC_STAMP(r) for r in refs]
    importlib.reload(udf_tables)  # the server restarted: a new counter and a new token
    after = [udfs.BC_STAMP(r) for r in refs]
    assert not set(before) & set(after)


def test_equal_contents_share_one_key_so_warm_calls_after_a_full_recalculation_compare_by_identity(live_book):
    refs = references(live_book)
    first = {udf_tables.where(r): udf_tables.stamp(r) for r in refs}
    key = udf_tables.key(refs[2], first)
    again = {udf_tables.where(r): udf_tables.stamp(r) for r in refs}  # every stamp new, nothing changed
    assert udf_tables.key(refs[2], again) is key
    ws = refs[2].ws
    ws.cell(refs[2].row + 1, refs[2].last_column).value = 12345.0
    changed = {udf_tables.where(r): udf_tables.stamp(r) for r in refs}
    assert udf_tables.key(refs[2], changed) != key
