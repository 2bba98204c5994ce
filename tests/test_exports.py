"""Part 6: the finance system's export as it really comes. Every form is read to the same Actuals rows as the
contract-shaped June export, or refused with one line, exit code 2 and the workbook byte for byte as it was."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.contract.workbook import load_workbook_inputs
from helpers import ROOT
from test_bad_input import _error_line

runner = CliRunner()
MAY = ROOT / "examples" / "aalborg-2014-bu-may"
JUNE = ROOT / "examples" / "exports" / "aalborg-bu-2014-06.csv"
KONTOPLAN = ROOT / "examples" / "exports" / "aalborg-bu-2014-06-kontoplan.csv"
# June's seven rows: (kind, category, amount in 1.000 kr.)
ROWS = [("expense", "service", 166324), ("income", "service", -27070), ("refund", "service", -117),
        ("expense", "guaranteed", 8335), ("income", "guaranteed", 0), ("refund", "guaranteed", -6293),
        ("expense", "capital", 1495)]
DANISH_KIND = {"expense": "udgift", "income": "indtægt", "refund": "refusion"}


def _danish(x: float, form: str = "trailing") -> str:
    text = f"{abs(x):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    if x >= 0:
        return text
    return {"trailing": text + "-", "leading": "-" + text, "brackets": f"({text})"}[form]


def export_text(header=("month", "sector", "category", "activity", "kind", "amount"), sep=";", month="2014-06",
                kind=lambda k: k, amount=_danish, before="", after="") -> str:
    lines = [sep.join(header)]
    for k, category, x in ROWS:
        values = {"month": month, "sector": "BU", "category": category, "activity": "", "kind": kind(k), "amount": amount(x)}
        lines.append(sep.join(values[name] for name in ("month", "sector", "category", "activity", "kind", "amount")))
    return before + "\n".join(lines) + "\n" + after


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """The May demo workbook (with its account map), and the Actuals its contract-shaped June export gives."""
    tmp = tmp_path_factory.mktemp("exports")
    path = tmp / "may.xlsx"
    assert runner.invoke(app, ["build", str(MAY), "-o", str(path)]).exit_code == 0
    return path


@pytest.fixture(scope="module")
def reference(book, tmp_path_factory) -> pd.DataFrame:
    copy = tmp_path_factory.mktemp("reference") / "june.xlsx"
    shutil.copy(book, copy)
    result = runner.invoke(app, ["refresh", str(copy), "--actuals", str(JUNE)])
    assert result.exit_code == 0, result.stderr
    return _actuals(copy)


def _actuals(path: Path) -> pd.DataFrame:
    actuals = load_workbook_inputs(path).actuals
    return actuals.sort_values(["month", "sector", "category", "kind"]).reset_index(drop=True)[
        ["month", "sector", "category", "activity", "kind", "amount"]]


def _refresh(book: Path, tmp_path: Path, name: str, data: bytes, *args) -> tuple[object, Path]:
    copy = tmp_path / "book.xlsx"
    shutil.copy(book, copy)
    export = tmp_path / name
    export.write_bytes(data)
    return runner.invoke(app, ["refresh", str(copy), "--actuals", str(export), *args]), copy


TITLE = "Aalborg Kommune\nRegnskab juni 2014 (1.000 kr.)\n\n"
FORMS = {
    "utf-8 with a BOM": export_text().encode("utf-8-sig"),
    "utf-8 without a BOM": export_text().encode("utf-8"),
    "windows-1252": export_text(header=("Måned", "Sektor", "Kategori", "Aktivitet", "Type", "Beløb")).encode("cp1252"),
    "utf-16 le with a BOM (Excel's Unicode text)": export_text(sep="\t").encode("utf-16"),
    "utf-16 be with a BOM": b"\xfe\xff" + export_text(sep="\t").encode("utf-16-be"),
    "comma separated, dot decimals": export_text(sep=",", amount=lambda x: f"{x:.2f}").encode(),
    "tab separated": export_text(sep="\t").encode(),
    "a sep= first line": export_text(before="sep=;\n").encode(),
    "title and blank rows above the header": export_text(before=TITLE).encode("cp1252"),
    "a total row at the end": export_text(after=f"I alt;;;;;{_danish(142674)}\n").encode(),
    "title rows, sep= and a total row in UTF-16": export_text(sep="\t", before="sep=\t\n" + TITLE.replace("\n", "\t\n"),
                                                               after=f"I alt\t\t\t\t\t{_danish(142674)}\n").encode("utf-16"),
    "leading minus": export_text(amount=lambda x: _danish(x, "leading")).encode(),
    "an accountant's parentheses": export_text(amount=lambda x: _danish(x, "brackets")).encode(),
    "non-breaking space as thousands separator": export_text(amount=lambda x: _danish(x, "leading").replace(".", "\u00a0")).encode(),
    "Danish headers, the kind under Art": export_text(header=("Måned", "Sektor", "Kategori", "Aktivitet", "Art", "Beløb"),
                                                      kind=DANISH_KIND.get).encode("utf-8"),
    "Periode and Bevillingsområde": export_text(header=("Periode", "Sektor", "Bevillingsområde", "Aktivitet", "Type", "Beløb")).encode(),
    "kinds in Danish": export_text(kind=lambda k: DANISH_KIND[k].upper()).encode(),
    "month as MM-YYYY": export_text(month="06-2014").encode(),
    "month as YYYYMM": export_text(month="201406").encode(),
    "month as 2014M06": export_text(month="2014M06").encode(),
    "month as a date": export_text(month="30-06-2014").encode(),
    "month as an ISO date": export_text(month="2014-06-30").encode(),
    "month as a Danish month name": export_text(month="juni 2014").encode(),
    "month as an abbreviated month name": export_text(month="Jun. 2014").encode(),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_the_export_gives_the_same_actuals(book, reference, tmp_path, form):
    result, copy = _refresh(book, tmp_path, "june.csv", FORMS[form])
    assert result.exit_code == 0, result.stderr
    pd.testing.assert_frame_equal(_actuals(copy), reference)
    assert "total 142.674 t.kr.; imported 142.674 t.kr." in result.stdout


def test_the_kontoplan_export_gives_the_same_figures_as_the_contract_export(book, reference, tmp_path):
    """15 postings keyed by funktion, dranst, gruppering, art and cost centre (title rows, Windows-1252, a total
    row) are placed through the Accounts Table and summed per line: the same seven rows."""
    result, copy = _refresh(book, tmp_path, "kontoplan.csv", KONTOPLAN.read_bytes())
    assert result.exit_code == 0, result.stderr
    pd.testing.assert_frame_equal(_actuals(copy), reference)
    assert ("Export kontoplan.csv: 15 rows keyed by account, placed as 7 rows, total 142.674 t.kr.; imported 142.674 t.kr."
            in result.stdout)
    assert "checks: OK" in result.stdout
    sheets = openpyxl.load_workbook(copy, read_only=True).sheetnames
    assert sheets[sheets.index("Bemærkninger") + 1] == "Kontoplan"  # the account map after the other inputs


def _may_built(tmp_path: Path, file: str, line: str) -> Path:
    """The May demo with ``line`` added to its ``file`` (model.yaml, accounts.csv), built to book.xlsx."""
    folder = tmp_path / "may"
    shutil.copytree(MAY, folder)
    with (folder / file).open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    path = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(path)]).exit_code == 0
    return path


def test_a_column_map_in_model_yaml_names_the_finance_systems_headers(tmp_path):
    path = _may_built(tmp_path, "model.yaml", 'columns: {"Bogført beløb": amount, "Regnskabsår-måned": month}')
    data = export_text(header=("Regnskabsår-måned", "Sektor", "Kategori", "Aktivitet", "Type", "Bogført beløb")).encode()
    export = tmp_path / "june.csv"
    export.write_bytes(data)
    result = runner.invoke(app, ["refresh", str(path), "--actuals", str(export)])  # the map lives in the workbook now
    assert result.exit_code == 0, result.stderr
    assert load_workbook_inputs(path).actuals["month"].eq("2014-06").sum() == 7


def _xlsx(path: Path, rows: list[list], title: bool = True, sheet: str = "Posteringer", first: str | None = None) -> None:
    wb = openpyxl.Workbook()
    if first:
        wb.active.title = first
        wb.active["A1"] = "not this sheet"
        ws = wb.create_sheet(sheet)
    else:
        ws = wb.active
        ws.title = sheet
    if title:
        ws.append(["Regnskab juni 2014"])
        ws.append([])
    for row in rows:
        ws.append(row)
    wb.save(path)


def _typed_rows(month) -> list[list]:
    return [["Måned", "Sektor", "Kategori", "Aktivitet", "Art", "Beløb"]] + [
        [month, "BU", category, None, DANISH_KIND[k], float(x)] for k, category, x in ROWS]


@pytest.mark.parametrize("month", [dt.datetime(2014, 6, 30), "2014-06", 201406])
def test_an_xlsx_export_is_read_from_its_first_sheet_below_title_rows(book, reference, tmp_path, month):
    export = tmp_path / "june.xlsx"
    _xlsx(export, _typed_rows(month) + [["I alt", None, None, None, None, 142674.0]])
    copy = tmp_path / "book.xlsx"
    shutil.copy(book, copy)
    result = runner.invoke(app, ["refresh", str(copy), "--actuals", str(export)])
    assert result.exit_code == 0, result.stderr
    pd.testing.assert_frame_equal(_actuals(copy), reference)


def test_an_xlsx_export_from_a_named_sheet_and_keyed_by_account(book, reference, tmp_path):
    """The kontoplan export saved as .xlsx on its second sheet, funktion as a number (52514) as Excel keeps it."""
    text = KONTOPLAN.read_text(encoding="cp1252").splitlines()
    header = text[3].split(";")
    rows = [header]
    for line in text[4:-1]:
        cells = line.split(";")
        amount = cells[-1]
        value = -float(amount[:-1].replace(".", "")) if amount.endswith("-") else float(amount.replace(".", ""))
        rows.append([int(cells[0]), int(cells[1].replace(".", "")), int(cells[2]), cells[3], cells[4], cells[5], cells[6], value])
    export = tmp_path / "kontoplan.xlsx"
    _xlsx(export, rows, sheet="Posteringer", first="Forside")
    copy = tmp_path / "book.xlsx"
    shutil.copy(book, copy)
    result = runner.invoke(app, ["refresh", str(copy), "--actuals", str(export), "--sheet", "Posteringer"])
    assert result.exit_code == 0, result.stderr
    pd.testing.assert_frame_equal(_actuals(copy), reference)


REFUSALS = {
    "a total row that does not tie": (export_text(after="I alt;;;;;142.675\n").encode(), [],
                                      ["june.csv", "row 9", "column 'amount'", "the total row says 142.675 t.kr.",
                                       "rows above it sum to 142.674 t.kr."]),
    "a subtotal between data rows": (export_text().replace("2014-06;BU;guaranteed;;expense", "I alt service;;;;;139.137\n2014-06;BU;guaranteed;;expense", 1).encode(),
                                     [], ["june.csv", "row 5", "subtotal between data rows"]),
    "no header the tool knows": (export_text(header=("Periode", "Enhed", "Konto2", "Aktivitet", "Type", "Sum kr")).encode(), [],
                                 ["june.csv", "missing column", "headers found: Periode, Enhed, Konto2", "expected one of",
                                  "model.yaml", "columns:"]),
    "a sep= line naming another delimiter": (b"sep=|\n" + export_text().encode(), [], ["june.csv", "row 1", "sep=|"]),
    "a month that is no month": (export_text(month="juni").encode(), [], ["june.csv", "row 2", "column 'month'", "'juni' is not a month"]),
    "an unknown kind word": (export_text(kind=lambda k: "forbrug").encode(), [], ["june.csv", "row 2", "unknown kind 'forbrug'"]),
    "--sheet on a CSV file": (export_text().encode(), ["--sheet", "Ark1"], ["--sheet", "CSV"]),
    "an xlsx export saved under .csv": (b"PK\x03\x04" + b"\x00" * 200, [], ["june.csv", "zip package", ".xlsx"]),
    "--unmapped with an unknown word": (export_text().encode(), ["--unmapped", "drop"], ["--unmapped", "'drop' is not one of"]),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_export_is_refused_in_one_line_and_the_workbook_kept(book, tmp_path, case):
    data, args, expected = REFUSALS[case]
    before = book.read_bytes()
    result, copy = _refresh(book, tmp_path, "june.csv", data, *args)
    line = _error_line(result)
    for piece in expected:
        assert piece in line, (piece, line)
    assert copy.read_bytes() == before


def _kontoplan(old: str, new: str) -> bytes:
    text = KONTOPLAN.read_text(encoding="cp1252")
    assert old in text
    return text.replace(old, new).encode("cp1252")


def test_an_unmapped_account_is_refused_with_its_rows_and_sum(book, tmp_path):
    result, copy = _refresh(book, tmp_path, "kontoplan.csv", _kontoplan(";5.28.20;", ";5.38.20;"))
    line = _error_line(result)
    for piece in ("kontoplan.csv", "row 8", "1 row (31.904 t.kr.) carry accounts no pattern", "5.38.20.1.002.4.0.BU2010",
                  "--unmapped keep"):
        assert piece in line, (piece, line)
    assert copy.read_bytes() == book.read_bytes()


def test_two_equally_specific_patterns_are_refused(tmp_path):
    # as specific as 5.25.* (five characters that are no wildcards)
    path = _may_built(tmp_path, "accounts.csv", ",5.2?.1*,,,,BU,guaranteed,")
    export = tmp_path / "kontoplan.csv"
    export.write_bytes(KONTOPLAN.read_bytes())
    before = path.read_bytes()
    line = _error_line(runner.invoke(app, ["refresh", str(path), "--actuals", str(export)]))
    assert "matches rows" in line and "equally specifically" in line and "row 5" in line, line
    assert path.read_bytes() == before


def test_a_kontoplan_export_into_a_workbook_without_an_account_map_is_refused(may_book, tmp_path):
    export = tmp_path / "kontoplan.csv"
    export.write_bytes(KONTOPLAN.read_bytes())
    before = may_book.read_bytes()
    line = _error_line(runner.invoke(app, ["refresh", str(may_book), "--actuals", str(export)]))
    assert "carry accounts" in line and "account map" in line and "Accounts Table" in line, line
    assert may_book.read_bytes() == before


@pytest.mark.libreoffice
def test_unmapped_accounts_kept_stand_on_ikke_placeret_as_a_break(book, tmp_path, soffice):
    """--unmapped keep: the rows are never lost from the totals; they stand on the sector and category
    "Ikke placeret", the Checks sheet shows a break, and the workbook's formulas still equal the engine."""
    result, copy = _refresh(book, tmp_path, "kontoplan.csv", _kontoplan(";5.28.20;", ";5.38.20;"), "--unmapped", "keep")
    assert result.exit_code == 0, result.stderr
    assert "total 142.674 t.kr.; imported 142.674 t.kr." in result.stdout
    assert "1 row (31.904 t.kr.) of accounts the map does not place on 'Ikke placeret'" in result.stdout
    assert "checks: BRUD unmapped" in result.stdout
    inputs = load_workbook_inputs(copy)
    june = inputs.actuals[inputs.actuals["month"] == "2014-06"]
    assert june["amount"].sum() == pytest.approx(142674)
    unmapped = june[june["sector"] == "IKKE_PLACERET"]
    assert unmapped["activity"].tolist() == ["5.38.20.1.002.4.0.BU2010"] and unmapped["amount"].tolist() == [31904]
    assert "Ikke placeret" in [s.name for s in inputs.model.sectors]
    verified = runner.invoke(app, ["verify", str(copy)])
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    again = runner.invoke(app, ["refresh", str(copy), "--actuals", str(tmp_path / "kontoplan.csv"), "--unmapped", "keep"])
    assert again.exit_code == 0 and [s.code for s in load_workbook_inputs(copy).model.sectors].count("IKKE_PLACERET") == 1


# ---- found by the review of part 6 ----

@pytest.mark.parametrize("data,expected", [
    (b"sep=;\n", ["june.csv", "row 2", "no header row"]),
    (b"\xef\xbb\xbfsep=;\r\n", ["june.csv", "no header row"]),
    (("Titel\n" + export_text().replace("2014-06;BU;service;;income;27.070,00-", "2014-06;BU;service;;income;27.070,00-;x"))
     .encode(), ["june.csv", "row 4", "the row has 7 fields and the header 6", "needs quotes"]),
    (export_text().replace("\n2014-06;BU;service;;refund", "\n\n2014-06;BU;service;;refund").replace("117,00-", "1x7"),
     ["june.csv", "row 5", "'1x7' is not a number"]),
])
def test_a_broken_file_is_one_line_naming_the_files_own_row(book, tmp_path, data, expected):
    result, copy = _refresh(book, tmp_path, "june.csv", data if isinstance(data, bytes) else data.encode())
    line = _error_line(result)
    for piece in expected:
        assert piece in line, (piece, line)
    assert copy.read_bytes() == book.read_bytes()


def test_total_rows_are_told_from_posting_texts_and_footers(book, reference, tmp_path):
    """A posting text beginning "Total" on a row with its account is data; a total row may repeat the period;
    a footer after the total ("Udskrevet …") is left out; a filter line naming two headers does not beat the
    header below it."""
    text = KONTOPLAN.read_text(encoding="cp1252")
    text = text.replace(";Forebyggende foranstaltninger;", ";Total renovering og foranstaltninger;")
    text = text.replace("\nI alt;;;;;;;", "\n201406;I alt;;;;;;") + "\nUdskrevet 01-07-2014 af controller\n"
    text = text.replace("Aalborg Kommune - Familie", "Sektor;Beløb\nAalborg Kommune - Familie")
    result, copy = _refresh(book, tmp_path, "kontoplan.csv", text.encode("cp1252"))
    assert result.exit_code == 0, result.stderr
    pd.testing.assert_frame_equal(_actuals(copy), reference)
    assert "15 rows keyed by account" in result.stdout


@pytest.mark.parametrize("dranst,art,kind", [("02", "8.6", "refund"), ("2.0", "86", "refund"),
                                             ("2 Statsrefusion", "8,6", "refund"), ("1", "7.9", "income")])
def test_dranst_and_art_as_finance_systems_write_them(book, tmp_path, dranst, art, kind):
    text = f"Periode;Funktion;Dranst;Art;Beløb\n201406;5.28.21;{dranst};{art};100-\n"
    result, copy = _refresh(book, tmp_path, "june.csv", text.encode())
    assert result.exit_code == 0, result.stderr
    june = load_workbook_inputs(copy).actuals.query("month == '2014-06'")
    assert june["kind"].tolist() == [kind] and june["amount"].tolist() == [-100]


@pytest.mark.parametrize("dranst,art,expected", [("x", "8.6", "dranst 'x' is not a dranst"), ("1", "", "art '' is not an art"),
                                                 ("1", "forbrug", "art 'forbrug' is not an art")])
def test_a_dranst_or_art_the_chart_does_not_know_is_refused(book, tmp_path, dranst, art, expected):
    text = f"Periode;Funktion;Dranst;Art;Beløb\n201406;5.28.21;{dranst};{art};100-\n"
    result, copy = _refresh(book, tmp_path, "june.csv", text.encode())
    line = _error_line(result)
    assert expected in line and "row 2" in line, line
    assert copy.read_bytes() == book.read_bytes()


def test_an_art_typed_as_a_number_in_an_xlsx_matches_the_models_rule(tmp_path):
    path = _may_built(tmp_path, "model.yaml", 'account_kinds: [{dranst: "1", art: "9.0", kind: income}]')
    export = tmp_path / "june.xlsx"
    _xlsx(export, [["Periode", "Funktion", "Dranst", "Art", "Beløb"], [201406, 52821, 1, 9.0, -50.0]], title=False)
    result = runner.invoke(app, ["refresh", str(path), "--actuals", str(export)])
    assert result.exit_code == 0, result.stderr
    assert load_workbook_inputs(path).actuals.query("month == '2014-06'")["kind"].tolist() == ["income"]


def test_an_xlsx_error_names_the_sheets_own_row(book, tmp_path):
    export = tmp_path / "june.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(_typed_rows("2014-06"), start=3):
        for c, value in enumerate(row, start=2):  # the table starts at B3
            ws.cell(r, c, value)
    ws.cell(5, 7, "mange")  # the second data row's amount
    wb.save(export)
    result, copy = _refresh(book, tmp_path, "june.xlsx", export.read_bytes())
    line = _error_line(result)
    assert "row 5" in line and "column 'Beløb'" in line and "'mange' is not a number" in line, line


def test_a_row_of_the_account_map_without_a_pattern_is_refused_in_the_workbook(book, tmp_path):
    from helpers import append_table_row

    copy = tmp_path / "book.xlsx"
    shutil.copy(book, copy)
    append_table_row(copy, "Kontoplan", "Accounts", [None, None, None, None, None, "BU", "service", None])
    export = tmp_path / "kontoplan.csv"
    export.write_bytes(KONTOPLAN.read_bytes())
    line = _error_line(runner.invoke(app, ["refresh", str(copy), "--actuals", str(export)]))
    assert "an account map row without a pattern" in line and "Kontoplan" in line, line


def test_a_build_keeping_the_work_after_unmapped_accounts_were_kept(book, tmp_path):
    result, copy = _refresh(book, tmp_path, "kontoplan.csv", _kontoplan(";5.28.20;", ";5.38.20;"), "--unmapped", "keep")
    assert result.exit_code == 0, result.stderr
    kept = runner.invoke(app, ["build", str(MAY), "-o", str(copy), "--keep"])
    assert kept.exit_code == 0, kept.stderr
    inputs = load_workbook_inputs(copy)
    assert inputs.actuals.query("sector == 'IKKE_PLACERET'")["amount"].tolist() == [31904]
