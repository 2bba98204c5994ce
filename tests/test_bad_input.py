"""Bad input: one clear line on stderr naming the file, row and column; exit code 2;
nothing written, and an existing output left exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.xlsx.writer import EPOCH  # noqa: F401  (the writer module must import cleanly)

runner = CliRunner()


def edit(name: str, old: str, new: str, count: int = 1):
    def apply(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return apply


def write(name: str, content: bytes):
    def apply(folder: Path) -> None:
        (folder / name).write_bytes(content)
    return apply


def remove(name: str):
    def apply(folder: Path) -> None:
        (folder / name).unlink()
    return apply


def add_line(name: str, line: str):
    def apply(folder: Path) -> None:
        with (folder / name).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    return apply


# (case, mutation of the example folder, expected pieces of the one error line)
CASES = [
    ("unknown sector", edit("budget.csv", "BU,service,,expense", "XX,service,,expense"),
     ["budget.csv", "row 2", "column 'sector'", "unknown sector 'XX'"]),
    ("unknown category", edit("changes.csv", "BU,service,,expense,4727", "BU,dagtilbud,,expense,4727"),
     ["changes.csv", "row 2", "column 'category'", "unknown category 'dagtilbud'"]),
    ("unknown kind", edit("actuals.csv", "2014-03,BU,service,,expense", "2014-03,BU,service,,forbrug"),
     ["actuals.csv", "row 4", "column 'kind'", "unknown kind 'forbrug'"]),
    ("unknown status", edit("changes.csv", "2014-04-07,approved,carryover_in,BU,service", "2014-04-07,godkendt,carryover_in,BU,service"),
     ["changes.csv", "row 3", "column 'status'", "unknown status 'godkendt'"]),
    ("text amount", edit("budget.csv", "99577", "99.577 kr"), ["budget.csv", "row 5", "column 'amount'", "is not a number"]),
    ("empty amount", edit("budget.csv", "-86188", ""), ["budget.csv", "row 7", "column 'amount'", "amount is empty"]),
    ("malformed date", edit("changes.csv", "2014-02-26", "2014-02-30"), ["changes.csv", "row 2", "column 'date'", "'2014-02-30' is not a date"]),
    ("text date", edit("changes.csv", "2014-02-26", "primo marts"), ["changes.csv", "row 2", "column 'date'", "is not a date"]),
    ("malformed month", edit("actuals.csv", "2014-05,BU,service,,expense", "2014-13,BU,service,,expense"),
     ["actuals.csv", "row 6", "column 'month'", "'2014-13' is not a month"]),
    ("month outside the fiscal year", edit("actuals.csv", "2014-05,BU,service,,expense", "2013-05,BU,service,,expense"),
     ["actuals.csv", "row 6", "column 'month'", "not in fiscal_year 2014"]),
    ("missing column", edit("actuals.csv", "month,sector,category,activity,kind,amount", "month,sector,category,activity,amount"),
     ["actuals.csv", "row 1", "missing column 'kind'"]),
    ("duplicated budget line", add_line("budget.csv", "BU,service,,income,-5"),
     ["budget.csv", "row 9", "duplicated original-budget line BU/service//income (first at row 3)"]),
    ("duplicated budget line differing by case", add_line("budget.csv", "bu,Service,,income,-5"),
     ["budget.csv", "row 9", "duplicated original-budget line"]),
    ("empty file", write("budget.csv", b""), ["budget.csv", "file is empty"]),
    ("header only budget", write("budget.csv", b"sector,category,activity,kind,amount\n"), ["budget.csv", "row 2", "no rows"]),
    ("binary file", write("changes.csv", b"PK\x03\x04\x00\x00binary"), ["changes.csv", "not a text CSV file"]),
    ("missing file", remove("actuals.csv"), ["actuals.csv", "file not found"]),
    ("missing model file", remove("model.yaml"), ["model.yaml", "file not found"]),
    ("missing model key", edit("model.yaml", "fiscal_year: 2014\n", ""), ["model.yaml", "row 4", "column 'fiscal_year'", "missing key"]),
    ("misspelt model key", edit("model.yaml", "unit:", "units:"), ["model.yaml", "row 6", "column 'units'", "unknown key"]),
    ("bad variance sign", add_line("model.yaml", "variance_sign: budget_minus_actuals"),
     ["model.yaml", "column 'variance_sign'", "budget_minus_actuals"]),
    ("bad category group", edit("model.yaml", "group: capital", "group: investment"),
     ["model.yaml", "row 12", "column 'categories[2].group'", "investment"]),
    ("duplicated sector code", edit("model.yaml", '  - {code: BU, name: "Børn og Unge"}', '  - {code: BU, name: "Børn og Unge"}\n  - {code: bu, name: "X"}'),
     ["model.yaml", "column 'sectors'", "used twice"]),
    ("invalid YAML", edit("model.yaml", "fiscal_year: 2014", "fiscal_year: [2014"), ["model.yaml", "not valid YAML"]),
    ("fiscal year not a number", edit("model.yaml", "fiscal_year: 2014", "fiscal_year: tyve"), ["model.yaml", "row 5", "column 'fiscal_year'"]),
    ("change postings disagree on status", edit("changes.csv", "C14-04,2014-09-29,approved,mid_year,BU,service,,income", "C14-04,2014-09-29,pending,mid_year,BU,service,,income"),
     ["changes.csv", "row 6", "column 'status'", "change C14-04"]),
    ("change type outside the model's list", add_line("model.yaml", "change_types: [supplementary, carryover_in, carryover_out, mid_year, salary, technical]"),
     ["changes.csv", "row 9", "column 'type'", "unknown change type 'internal_rent'"]),
    ("empty change id", edit("changes.csv", "C14-06,", ","), ["changes.csv", "row 9", "column 'change_id'", "change_id is empty"]),
    ("activity differing only by case", lambda f: (edit("budget.csv", "BU,service,,refund", "BU,service,5.25.a,refund")(f),
                                                   edit("changes.csv", "C14-01,2014-02-26,approved,supplementary,BU,service,,", "C14-01,2014-02-26,approved,supplementary,BU,service,5.25.A,")(f)),
     ["changes.csv", "row 2", "column 'activity'", "only by upper/lower case"]),
    ("activities Excel would read as one number", lambda f: (edit("budget.csv", "BU,service,,refund", "BU,service,0100,refund")(f),
                                                            edit("actuals.csv", "2014-01,BU,service,,refund", "2014-01,BU,service,100,refund")(f)),
     ["actuals.csv", "column 'activity'", "'100' and '0100' differ only"]),
    ("wildcard in an activity", edit("budget.csv", "BU,service,,refund", "BU,service,5.25.*,refund"),
     ["budget.csv", "row 4", "column 'activity'", "read as a pattern"]),
    ("change ids differing only by case", edit("changes.csv", "C14-02,", "c14-01,"),
     ["changes.csv", "row 3", "column 'change_id'", "differ only by upper/lower case"]),
    ("comparison sign in a sector code", edit("model.yaml", "{code: BU,", "{code: '<BU',"),
     ["model.yaml", "column 'sectors[0].code'", "read as a pattern"]),
    ("sector codes Excel would read as one number", edit("model.yaml", '  - {code: BU, name: "Børn og Unge"}', '  - {code: BU, name: "Børn og Unge"}\n  - {code: 010, name: "A"}\n  - {code: "10", name: "B"}'),
     ["model.yaml", "column 'sectors'", "'010' and '10' are one"]),
    ("as-of outside the model year", add_line("model.yaml", "as_of: 2015-01-31"), ["model.yaml", "not in fiscal_year 2014"]),
]


def _error_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def assert_refused(source: Path, mutate, expected: list[str], tmp_path: Path) -> None:
    """A copy of ``source`` changed by ``mutate`` is refused by build and export with the same one
    line holding every ``expected`` piece; the previous workbook stays as it was, nothing else is written."""
    folder = tmp_path / "data"
    shutil.copytree(source, folder)
    mutate(folder)
    out = tmp_path / "controller.xlsx"
    out.write_bytes(b"the controller's previous workbook")
    line = _error_line(runner.invoke(app, ["build", str(folder), "-o", str(out)]))
    for piece in expected:
        assert piece in line, (piece, line)
    assert out.read_bytes() == b"the controller's previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["controller.xlsx", "data"]  # the lock beside it stays (xlsx/safe.py)
    assert _error_line(runner.invoke(app, ["export", str(folder)])) == line


@pytest.mark.parametrize("case,mutate,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_one_clear_line_and_nothing_written(case, mutate, expected, example, tmp_path):
    assert_refused(example, mutate, expected, tmp_path)


@pytest.mark.parametrize("args,expected", [
    (["export", "{ex}", "--as-of", "2014-02-30"], "--as-of: '2014-02-30' is not a date"),
    (["export", "{ex}", "--as-of", "2015-03-31"], "--as-of: 2015-03-31 is not in the fiscal year 2014"),
    (["export", "{ex}", "--table", "budget"], "--table: 'budget' is not one of: summary, changes"),
    (["export", "{ex}", "--format", "xml"], "--format: 'xml' is not one of: csv, csv-da, json"),
    (["export", "/no/such/folder"], "/no/such/folder: not a data folder"),
    (["build", "{ex}", "-o", "{tmp}/out.csv"], "the output must be an .xlsx file"),
    (["build", "{ex}", "-o", "{tmp}/missing/out.xlsx"], "does not exist"),
])
def test_bad_command_line_values(args, expected, example, tmp_path):
    args = [a.format(ex=example, tmp=tmp_path) for a in args]
    assert expected in _error_line(runner.invoke(app, args))


def _built(example: Path, tmp_path: Path) -> Path:
    out = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(example), "-o", str(out)]).exit_code == 0
    return out


def _edit_book(path: Path, sheet: str, cell: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell].value = value
    wb.save(path)


@pytest.mark.parametrize("sheet,cell,value,expected", [
    ("Ændringer", "I5", "4.727", ["sheet 'Ændringer'", "cell I5", "column 'amount'", "text '4.727', not a number"]),
    ("Ændringer", "B6", "7. april", ["sheet 'Ændringer'", "cell B6", "column 'date'", "not a date"]),
    ("Regnskab", "A4", "2014-01", ["sheet 'Regnskab'", "cell A4", "column 'month'", "not a date"]),
    ("Budget", "A4", "XX", ["sheet 'Budget'", "cell A4", "unknown sector 'XX'"]),
    ("Indstillinger", "C9", 2, ["sheet 'Indstillinger'", "cell C9", "variance sign must be 1 or -1"]),
    ("Indstillinger", "C8", "31-12-2014", ["sheet 'Indstillinger'", "cell C8", "as-of date must be a date cell"]),
    ("Ændringer", "A19", "C99", ["sheet 'Ændringer'", "cell A19", "below the Table 'Changes' but not part of it"]),
])
def test_a_workbook_damaged_by_hand_is_refused_naming_sheet_and_cell(sheet, cell, value, expected, example, tmp_path):
    book = _built(example, tmp_path)
    _edit_book(book, sheet, cell, value)
    line = _error_line(runner.invoke(app, ["export", str(book)]))
    for piece in expected:
        assert piece in line, (piece, line)


def test_a_workbook_whose_table_was_renamed_is_refused(example, tmp_path):
    book = _built(example, tmp_path)
    wb = openpyxl.load_workbook(book)
    table = wb["Regnskab"].tables["Actuals"]
    table.displayName = table.name = "Regnskab"
    del wb["Regnskab"].tables["Actuals"]
    wb["Regnskab"].add_table(table)
    wb.save(book)
    assert "no Excel Table named 'Actuals'" in _error_line(runner.invoke(app, ["export", str(book)]))


def test_a_settings_list_table_with_a_missing_column_is_refused(example, tmp_path):
    book = _built(example, tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Indstillinger"]["F4"] = "navn"  # Excel renames the Table's column with its header cell; openpyxl needs both
    wb["Indstillinger"].tables["Sectors"].tableColumns[1].name = "navn"
    wb.save(book)
    line = _error_line(runner.invoke(app, ["export", str(book)]))
    assert "Table 'Sectors' has no column 'name'" in line


def test_an_output_that_cannot_be_written_is_refused_in_one_line(example, tmp_path):
    folder_named_like_a_book = tmp_path / "d.xlsx"
    folder_named_like_a_book.mkdir()
    assert "is a folder" in _error_line(runner.invoke(app, ["build", str(example), "-o", str(folder_named_like_a_book)]))


def test_leading_zero_codes_in_model_yaml_stay_as_written(example, tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(example, folder)
    for name in ("model.yaml", "budget.csv", "changes.csv", "actuals.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("code: BU", "code: 010").replace("BU,", "010,"), encoding="utf-8")
    result = runner.invoke(app, ["export", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert "010,service,net,1648977,1658580,1636895,-21685" in result.stdout


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    fake = tmp_path / "book.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    assert "not an .xlsx workbook" in _error_line(runner.invoke(app, ["export", str(fake)]))


# Part 4: the years around the budget year (examples/aalborg-2019-bu).
YEARS_CASES = [
    ("saving for a year after the last outer year", edit("savings.csv", "anbringelser,2022,7500", "anbringelser,2023,7500"),
     ["savings.csv", "row 4", "column 'year'",
      "a saving for 2023, which is neither the fiscal year nor an outer year (fiscal year 2019, outer years 2020–2022"]),
    ("saving for a year before the fiscal year", edit("savings.csv", "administration,2020,400", "administration,2018,400"),
     ["savings.csv", "row 5", "column 'year'", "a saving for 2018, which is neither the fiscal year nor an outer year"]),
    ("adopted budget for the fiscal year", edit("outer_budget.csv", "2020,BU,service,anbringelser", "2019,BU,service,anbringelser"),
     ["outer_budget.csv", "column 'year'", "an adopted budget for 2019, which is not an outer year (outer years: 2020–2022"]),
    ("forecast for an unknown line", edit("forecast.csv", "BU,service,anbringelser,expense", "BU,service,anbringelse,expense"),
     ["forecast.csv", "row 2", "column 'activity'", "line BU/service/anbringelse/expense", "neither the budget"]),
    ("two forecasts for one line", add_line("forecast.csv", "BU,service,anbringelser,expense,350000,igen"),
     ["forecast.csv", "row 3", "column 'amount'", "has two forecasts"]),
    ("duplicated history year", edit("history.csv", "2016,BU,", "2015,BU,"),
     ["history.csv", "row 3", "column 'year'", "year 2015 of BU/(sector total) appears twice"]),
    ("history for the fiscal year", edit("history.csv", "2018,BU,", "2019,BU,"),
     ["history.csv", "row 5", "column 'year'", "2019 is the fiscal year"]),
    ("text year", edit("savings.csv", "anbringelser,2020,2500", "anbringelser,tyve,2500"),
     ["savings.csv", "row 2", "column 'year'", "year 'tyve' is not a year"]),
    ("adopted budget twice for a line", add_line("outer_budget.csv", "2020,BU,service,anbringelser,expense,1"),
     ["outer_budget.csv", "row 5", "column 'amount'", "two budgets for 2020"]),
    ("saving without a measure", edit("savings.csv", "Digital sagsbehandling,Øvrige", ",Øvrige"),
     ["savings.csv", "row 10", "column 'measure'", "measure is empty"]),
    ("unknown category in history", edit("history.csv", "2015,BU,,", "2015,BU,skole,"),
     ["history.csv", "row 2", "column 'category'", "unknown category 'skole'"]),
    ("adopted budget for an unknown line", edit("outer_budget.csv", "2021,BU,service,anbringelser", "2021,BU,service,anbringelse"),
     ["outer_budget.csv", "row 3", "column 'activity'", "adopted budget for line BU/service/anbringelse/expense"]),
    ("history after the fiscal year", edit("history.csv", "2018,BU,", "2020,BU,"),
     ["history.csv", "row 5", "column 'year'", "year 2020 is after the fiscal year 2019"]),
    ("saving for an unknown activity", edit("savings.csv", "service,administration,2021", "service,admin,2021"),
     ["savings.csv", "row 6", "column 'activity'", "saving for line BU/service/admin"]),
    ("no outer years", edit("model.yaml", "outer_years: 3", "outer_years: 0"),
     ["model.yaml", "row 15", "column 'outer_years'", "greater than or equal to 1"]),
]


@pytest.mark.parametrize("case,mutate,expected", YEARS_CASES, ids=[c[0] for c in YEARS_CASES])
def test_bad_part_4_input_is_refused_with_one_clear_line_and_nothing_written(case, mutate, expected, tmp_path):
    from test_years import AALBORG_2019

    assert_refused(AALBORG_2019, mutate, expected, tmp_path)


def test_a_forecast_typed_in_the_workbook_for_an_unknown_line_is_refused_by_the_refresh(example, tmp_path):
    book = _built(example, tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["Prognose"]
    for c, value in enumerate(["BU", "service", "9.99", "expense", 1000.0, "ny"], start=1):
        ws.cell(4, c).value = value
    wb.save(book)
    before = book.read_bytes()
    export_file = tmp_path / "june.csv"
    export_file.write_text("month,sector,category,activity,kind,amount\n2014-06,BU,service,,expense,1\n", encoding="utf-8")
    line = _error_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(export_file)]))
    for piece in ("sheet 'Prognose'", "cell C4", "column 'activity'", "line BU/service/9.99/expense"):
        assert piece in line, (piece, line)
    assert book.read_bytes() == before


def test_an_older_workbook_with_its_own_sheet_named_like_a_new_input_sheet_is_refused(example, tmp_path):
    book = _built(example, tmp_path)
    wb = openpyxl.load_workbook(book)
    del wb["Prognose"]
    wb.create_sheet("Prognose")["A1"] = "mine"  # an own sheet under the tab this version adds
    wb.save(book)
    before = book.read_bytes()
    export_file = tmp_path / "june.csv"
    export_file.write_text("month,sector,category,activity,kind,amount\n2014-06,BU,service,,expense,1\n", encoding="utf-8")
    line = _error_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(export_file)]))
    assert "sheet 'Prognose'" in line and "rename that sheet" in line
    assert book.read_bytes() == before


def _rename_header(wb) -> None:
    ws = wb["Budget"]
    ws["E3"] = "beløb"
    ws.tables["Budget"].tableColumns[4].name = "beløb"


def _delete_column(wb) -> None:
    ws = wb["Budget"]
    table = ws.tables["Budget"]
    ws.delete_cols(4)
    table.ref = table.autoFilter.ref = table.ref.replace("E", "D")
    del table.tableColumns[3]


def _merge(wb) -> None:
    wb["Regnskab"].merge_cells("B6:C6")


def _text_amount(wb) -> None:
    wb["Regnskab"]["F5"] = "1.234,50 kr."


def _far_date(wb) -> None:
    import datetime as dt

    wb["Ændringer"]["B4"] = dt.datetime(9999, 12, 31)


@pytest.mark.parametrize("damage,expected", [
    (_rename_header, ["sheet 'Budget'", "missing column 'amount'"]),
    (_delete_column, ["sheet 'Budget'", "missing column 'kind'"]),
    (_merge, ["sheet 'Regnskab'", "cell B6", "merged cells (B6:C6)"]),
    (_text_amount, ["sheet 'Regnskab'", "cell F5", "column 'amount'", "not a number"]),
    (_far_date, ["sheet 'Ændringer'", "cell B4", "column 'date'", "9999-12-31, a date far outside any fiscal year"]),
], ids=["renamed header", "deleted column", "merged cell in a Table", "text in an amount cell", "date in 9999"])
def test_a_table_damaged_by_hand_is_refused_by_export_and_refresh_and_the_workbook_is_left_alone(damage, expected, example, tmp_path):
    book = _built(example, tmp_path)
    wb = openpyxl.load_workbook(book)
    damage(wb)
    wb.save(book)
    before = book.read_bytes()
    export = tmp_path / "juni.csv"
    export.write_text("month,sector,category,activity,kind,amount\n2014-06,BU,service,,expense,170000\n", encoding="utf-8")
    for args in (["export", str(book)], ["refresh", str(book), "--actuals", str(export)]):
        line = _error_line(runner.invoke(app, args))
        for piece in expected:
            assert piece in line, (piece, line)
    assert book.read_bytes() == before
