"""The controller workbook's structure: input Tables, native formulas, names, conventions."""

from __future__ import annotations

import re

import openpyxl
import pytest

from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from budgetcontrol.sheets import layouts
from budgetcontrol.sheets.names import ACCOUNTS, DANISH, ORDER
from budgetcontrol.xlsx.writer import save
from helpers import sheet_of

# Functions Excel 2010 or LibreOffice 7.4 lack, or that we keep out of the workbook.
FORBIDDEN = {"XLOOKUP", "LET", "LAMBDA", "FILTER", "TEXTJOIN", "UNIQUE", "SORT", "IFS", "MAXIFS", "MINIFS", "CONCAT", "SEQUENCE"}
ALLOWED = {"SUMIFS", "COUNTIFS", "COUNTIF", "SUM", "SUMPRODUCT", "IF", "ABS", "INDEX", "MATCH", "AND", "OR", "COUNTA", "COUNT",
           "EOMONTH", "EDATE", "MONTH", "MIN", "N", "NA", "ROWS"}


def formula_cells(path):
    """(worksheet, cell) for every formula cell of a workbook."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    yield ws, cell


@pytest.fixture
def built(example, tmp_path):
    path = tmp_path / "book.xlsx"
    result = compute(load(example))
    save(layouts(result), path)
    return path, result


def test_input_tables_are_named_and_headed_by_the_contract(built):
    wb = openpyxl.load_workbook(built[0])
    headers = {
        "Budget": ["sector", "category", "activity", "kind", "amount"],
        "Changes": ["change_id", "date", "status", "type", "sector", "category", "activity", "kind", "amount", "description", "reference"],
        "Actuals": ["month", "sector", "category", "activity", "kind", "amount"],
    }
    for name, columns in headers.items():
        ws = sheet_of(wb, name)
        table = ws.tables[name]
        first_row = ws[table.ref.split(":")[0]].row
        assert [c.value for c in ws[first_row]][: len(columns)] == columns
        assert [c.name for c in table.tableColumns] == columns
    assert len(list(wb["Ændringer"].tables["Changes"].ref)) and wb["Ændringer"].tables["Changes"].ref == "A3:K18"


def test_sheets_stand_in_order_inputs_calculations_outputs_checks_apart(built):
    # the account map's sheet (Kontoplan) stands only in a workbook built with accounts.csv (tests/test_exports.py)
    assert openpyxl.load_workbook(built[0]).sheetnames == [DANISH[name] for name in ORDER if name != ACCOUNTS]


def test_every_output_figure_is_a_formula_with_an_engine_figure_to_match(built):
    path, result = built
    wb = openpyxl.load_workbook(path)
    for layout in layouts(result):
        if layout.role == "input":
            continue
        for (r, c), cell in layout.cells.items():
            value = wb[layout.name].cell(r, c).value
            # Checks holds 0 targets; the Ledger holds the input Tables summed by key (checked on Checks).
            if isinstance(value, (int, float)) and layout.name not in ("Kontroller", "Beregning grundlag"):
                pytest.fail(f"{layout.name}!{r},{c} is a hard-coded number {value}")
            if cell.formula:
                assert isinstance(value, str) and value.startswith("="), (layout.name, r, c)
                assert cell.expect is not None, f"{layout.name} r{r}c{c} has no engine figure to verify"


def test_formulas_use_only_functions_excel_2010_and_libreoffice_share(built):
    for ws, cell in formula_cells(built[0]):
        text = re.sub(r'"[^"]*"', "", cell.value.upper())
        functions = set(re.findall(r"(?<![A-Z0-9_.])([A-Z][A-Z0-9.]*)\(", text))
        assert not functions & FORBIDDEN, cell.value
        assert functions <= ALLOWED, (ws.title, cell.coordinate, functions - ALLOWED)


def test_no_constants_inside_formulas_except_flags(built):
    """Settings are named cells (AsOf, VarianceSign, StatusApproved …); formulas carry no figures."""
    for ws, cell in formula_cells(built[0]):
        stripped = re.sub(r'"[^"]*"|\$?[A-Z]{1,3}\$?\d+|\[[^\]]*\]', "", cell.value)
        numbers = set(re.findall(r"(?<![A-Za-z_])\d+(?:\.\d+)?", stripped))
        assert numbers <= {"0", "1"}, (ws.title, cell.coordinate, cell.value)
        assert "approved" not in cell.value and "2014" not in cell.value


def test_settings_are_named_cells_and_recalculation_is_full_on_load(built):
    wb = openpyxl.load_workbook(built[0])
    for name in ("AsOf", "VarianceSign", "StatusApproved", "StatusPending", "Tolerance", "Unit", "CB_Corrected"):
        assert name in wb.defined_names, name
    assert wb.calculation.fullCalcOnLoad is True
    assert wb["Indstillinger"]["C8"].value.isoformat().startswith("2014-12-31")


def test_danish_number_format_frozen_headers_and_overspend_highlight(built):
    wb = openpyxl.load_workbook(built[0])
    ws = wb["Sektoroversigt"]
    assert ws["D9"].number_format == "#,##0;-#,##0;0"
    assert ws.freeze_panes == "D8"
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert any("VarianceSign*$N8>0" in r.formula[0] for r in rules)
    assert wb["Korrigeret budget"].freeze_panes and wb["Budget"].freeze_panes


def test_text_from_the_data_is_never_written_as_a_formula(example, tmp_path):
    import shutil

    folder = tmp_path / "d"
    shutil.copytree(example, folder)
    text = (folder / "changes.csv").read_text(encoding="utf-8").replace("Intern husleje", "=1+1")
    (folder / "changes.csv").write_text(text, encoding="utf-8")
    path = tmp_path / "b.xlsx"
    save(layouts(compute(load(folder))), path)
    wb = openpyxl.load_workbook(path)
    cells = [c for row in wb["Ændringer"].iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_each_corrected_line_links_to_its_change_rows(built):
    path, result = built
    wb = openpyxl.load_workbook(path)
    ws = wb["Korrigeret budget"]
    links = [c for row in ws.iter_rows(min_row=6) for c in row if c.hyperlink is not None]
    assert len(links) == len({tuple(k) for k in result.audit[["sector", "category", "activity", "kind"]].values})
    first = links[0]
    target_row = int(first.hyperlink.location.split("!A")[1])
    assert wb["Ændringsspor"].cell(target_row, 1).value == ws.cell(first.row, 1).value


def test_building_twice_gives_identical_sheets(example, tmp_path):
    import zipfile

    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    result = compute(load(example))
    save(layouts(result), a)
    save(layouts(result), b)
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    assert za.namelist() == zb.namelist()
    for name in za.namelist():
        assert za.read(name) == zb.read(name), name


def test_a_new_workbook_gets_ordinary_file_permissions_and_a_rebuild_keeps_them(example, tmp_path):
    import os

    path = tmp_path / "book.xlsx"
    result = compute(load(example))
    save(layouts(result), path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o640)
    save(layouts(result), path)
    assert path.stat().st_mode & 0o777 == 0o640
