"""The macro-enabled controller workbook: `build -o controller.xlsm` carries the xlwings VBA bridge
(from the installed xlwings' standalone quickstart), the xlwings.conf sheet and the buttons, and
openpyxl round-trips it with the VBA intact. Excel itself cannot run here: the VBA is inspected
with oletools, and the buttons' macros are checked against the VBA project and against the subs
that xlwings' Import Functions generates from macros/."""

from __future__ import annotations

import ast
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from oletools.olevba import VBA_Parser
from typer.testing import CliRunner

import macros
from budgetcontrol.build import PROJECT, build, project_folder_from
from budgetcontrol.cli import app
from budgetcontrol.verify import verify
from budgetcontrol.xlsx import vba
from budgetcontrol.xlsx.book import FileBook
from helpers import EXAMPLE

runner = CliRunner()


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsm") / "controller.xlsm"
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-06-30"])
    assert result.exit_code == 0, result.stderr
    return path


def vba_code(path: Path) -> dict[str, str]:
    """{module: source} of the workbook's VBA project."""
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def subs(code: str) -> set[str]:
    return set(re.findall(r"^(?:Public |Private )?(?:Sub|Function) (\w+)", code, re.M))


def test_xlsm_carries_the_vba_project_of_the_installed_xlwings_template(xlsm):
    with zipfile.ZipFile(xlsm) as z, zipfile.ZipFile(vba.template()) as t:
        assert z.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin")
        types = z.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types and "vbaProject" in types
        assert "vbaProject.bin" in z.read("xl/_rels/workbook.xml.rels").decode()
    code = vba_code(xlsm)
    assert {"ThisWorkbook", "xlwings"} <= set(code)
    assert {"RunPython", "ImportPythonUDFs", "GetConfigFromSheet"} <= subs(code["xlwings"])
    assert "LICENSE_KEY" not in code.get("Module1", "")  # no PRO set-up of our own
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    assert wb.code_name == "ThisWorkbook"
    names = [ws.sheet_properties.codeName for ws in wb.worksheets]
    assert len(set(names)) == len(names) and names[:2] == ["Sheet1", "Sheet2"]


def test_xlwings_conf_sheet_points_excel_at_udfs_and_macros_without_build_machine_paths(xlsm):
    wb = openpyxl.load_workbook(xlsm)
    conf = wb["xlwings.conf"]
    # xlwings reads the keys from A1 down to the first blank cell
    keys = [conf.cell(r, 1).value for r in range(1, 4)]
    assert keys == ["UDF Modules", "PYTHONPATH", None]
    assert conf["B1"].value == "udfs;macros"
    assert conf["B2"].value.startswith("=IF($C$2=\"\",\"\",") and 'CELL("filename"' in conf["B2"].value
    with zipfile.ZipFile(xlsm) as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    for machine_path in (str(PROJECT), str(xlsm.parent), "/root", "/home", "/tmp"):
        assert machine_path not in text
    assert project_folder_from(PROJECT / "workbook" / "controller.xlsm") == ".."
    assert project_folder_from(PROJECT / "controller.xlsm") == "."
    assert project_folder_from(Path("/somewhere/else/controller.xlsm")) == ""


def test_every_button_calls_a_macro_of_the_vba_project_or_a_sub_import_functions_generates(xlsm):
    """Excel cannot run here: a button's macro must be a Sub of the VBA project, or a function of
    macros/ decorated with @xw.sub, which Import Functions turns into a VBA Sub of the same name."""
    buttons = vba.button_macros(xlsm)
    assert list(buttons.values()) == [macro for _, macro in vba.BUTTONS]
    in_vba = set().union(*(subs(code) for code in vba_code(xlsm).values()))
    tree = ast.parse(Path(macros.__file__).read_text(encoding="utf-8"))
    xw_subs = {f.name for f in tree.body if isinstance(f, ast.FunctionDef)
               and any(ast.unparse(d) == "xw.sub" for d in f.decorator_list)}
    for label, macro in buttons.items():
        assert macro in in_vba or (macro in xw_subs and callable(getattr(macros, macro))), (label, macro)
    assert buttons["1. Importér funktioner"] == "ImportPythonUDFs" and "ImportPythonUDFs" in in_vba
    assert {"BC_Refresh", "BC_AddMonth", "BC_Check"} <= xw_subs


def test_openpyxl_round_trip_keeps_the_vba_the_conf_sheet_and_the_buttons(xlsm, tmp_path):
    copy = tmp_path / "copy.xlsm"
    copy.write_bytes(xlsm.read_bytes())
    book = FileBook(copy)
    book.set_setting("as_of", dt.date(2014, 7, 31))
    book.save()
    with zipfile.ZipFile(copy) as z, zipfile.ZipFile(xlsm) as before:
        assert z.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
    assert vba.button_macros(copy) == vba.button_macros(xlsm)
    wb = openpyxl.load_workbook(copy, keep_vba=True)
    assert wb["xlwings.conf"]["B1"].value == "udfs;macros" and wb.code_name == "ThisWorkbook"
    assert wb["Indstillinger"]["C8"].value.date() == dt.date(2014, 7, 31)


def test_an_xlsx_stays_macro_free(tmp_path):
    path = tmp_path / "plain.xlsx"
    build(EXAMPLE, path)
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        assert "macroEnabled" not in z.read("[Content_Types].xml").decode()
    assert vba.button_macros(path) == {}
    assert "xlwings.conf" not in openpyxl.load_workbook(path).sheetnames


def test_two_builds_of_the_xlsm_are_identical(xlsm, tmp_path):
    again = tmp_path / "controller.xlsm"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(again), "--as-of", "2014-06-30"]).exit_code == 0
    with zipfile.ZipFile(xlsm) as a, zipfile.ZipFile(again) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())


@pytest.mark.libreoffice
def test_the_xlsm_recalculates_in_libreoffice_to_the_engines_figures(xlsm, soffice):
    mismatches, compared = verify(xlsm)
    assert compared > 2000 and mismatches == []
