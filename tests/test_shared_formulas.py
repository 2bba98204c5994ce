"""Columns of one formula pattern are written as shared formulas, and each cell still reads as its own formula."""

from __future__ import annotations

import html
import re
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.formula.translate import Translator

from budgetcontrol.xlsx import shared_formulas as sf
from budgetcontrol.xlsx import stream
from budgetcontrol.xlsx.table_body import unshare


def _moved(formula: str, row: int, to: int) -> str:
    """``formula`` of a cell on ``row`` as this reading moves it to row ``to``."""
    return sf.render(sf.template(formula, row), to)


@pytest.mark.parametrize("formula, row, same_as, other_row", [
    ("$A6+B6", 6, "$A9+B9", 9),
    ("SUM(C6:C6005)+$A$5", 6, "SUM(C7:C6006)+$A$5", 7),
    ("'Beregning linje'!$C6*2", 6, "'Beregning linje'!$C10*2", 10),
    ("INDEX(Changes[amount],LG_Rows_Changes+1)+F$5", 6, "INDEX(Changes[amount],LG_Rows_Changes+1)+F$5", 8),
    ("SUM(Tbl[[#This Row],[a1]])+A6", 6, "SUM(Tbl[[#This Row],[a1]])+A7", 7),
    ("FY2014+A6", 6, "FY2015+A7", 7),                        # FY2014 is a cell, as Excel reads it
])
def test_one_formula_moved_down_has_one_pattern(formula, row, same_as, other_row):
    assert _moved(formula, row, other_row) == same_as


@pytest.mark.parametrize("formula, row, other, other_row", [
    ("$A6+B6", 6, "$A6+B7", 7),                              # a fixed row is not a moved one
    ('IF(A6="B6",1,0)', 6, 'IF(A7="B7",1,0)', 7),            # a text is not a reference
    ("'Sheet A6'!B6", 6, "'Sheet A7'!B7", 7),                # nor a sheet's name
    ("LOG10(A6)+ATAN2(1,2)+1E5", 6, "LOG10(A7)+ATAN2(1,2)+1E6", 7),  # functions and numbers are not references
    ("A6+6", 6, "A7+7", 7),                                  # a number is not moved
    ("SUM($A$5:$A$9)", 6, "SUM($A$5:$A$10)", 7),
])
def test_different_formulas_have_different_patterns(formula, row, other, other_row):
    assert _moved(formula, row, other_row) != other


def test_names_and_structured_references_are_not_moved():
    text = "LG_Rows_Changes+Changes[[#Headers],[B6]]+'A1'!$B$2+\"C6\""
    assert sf.template(text, 6) == ([text], [])


def test_runs_break_where_the_pattern_or_the_formula_changes():
    formulas = ["A1+1", "A2+1", "A3+1", None, "A5+1", "B6", "B7", "A8*2"]
    assert sf.runs(formulas, 1) == [(0, 3), (5, 7)]
    assert sf.runs(["A1"], 1) == []                          # one cell stays plain
    assert sf.runs([], 1) == []


def test_a_formula_with_a_row_range_or_a_zero_led_row_is_never_shared():
    """Excel moves 5:5 and A05 down with the cell; this reading does not, so such a column stays plain."""
    assert sf.runs([f"SUM(5:5)+A{r}" for r in range(6, 10)], 6) == []
    assert sf.runs([f"SUM(5:$6)+A{r}" for r in range(6, 10)], 6) == []
    assert sf.runs(["A05+1"] * 4, 6) == []
    assert sf.runs([f"A{r}+1" for r in range(6, 10)], 6) == [(0, 4)]


def _cells(xml: str) -> dict[str, str]:
    return {ref: f for ref, f in re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]*)</f>', xml)}


def test_a_streamed_column_is_shared_and_reads_back_cell_by_cell():
    formulas = [f"SUM($A{r}:B{r})+IF(C{r}>0,\"x<y\",0)" for r in range(5, 15)] + [None, "D16", "Z1"]
    block = stream.Block(5, 4, [stream.Column(formulas, "formula"), stream.Column(list(range(13)), "integer")])
    xml = "".join(stream.rows_xml(block))
    assert xml.count('t="shared"') == 10
    assert '<f t="shared" ref="D5:D14" si="0">' in xml
    assert xml.count('<f t="shared" si="0"/>') == 9
    assert "<c r=\"D15\"" not in xml                             # the empty cell stays out
    cells = _cells(unshare(f"<sheetData>{xml}</sheetData>"))   # openpyxl's Translator moves the first cell's text
    expected = {f"D{5 + i}": text for i, text in enumerate(formulas) if text}
    assert {ref: html.unescape(text) for ref, text in cells.items()} == expected


def test_shared_indexes_continue_across_blocks_of_a_sheet(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "x"
    wb.save(tmp_path / "base.xlsx")
    blocks = {"S": [stream.Block(2, 1, [stream.Column([f"B{r}*2" for r in range(2, 6)], "formula")]),
                    stream.Block(10, 1, [stream.Column([f"B{r}*3" for r in range(10, 14)], "formula"),
                                         stream.Column([f"C{r}*3" for r in range(10, 14)], "formula")])]}
    stream.splice(tmp_path / "base.xlsx", blocks, tmp_path / "out.xlsx")
    xml = zipfile.ZipFile(tmp_path / "out.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert sorted(set(re.findall(r'si="(\d+)"', xml))) == ["0", "1", "2"]
    ws = load_workbook(tmp_path / "out.xlsx")["S"]
    assert ws["A4"].value == "=B4*2"
    assert ws["A13"].value == "=B13*3"
    assert ws["B12"].value == "=C12*3"


def test_the_built_demo_shares_its_columns_and_each_cell_keeps_its_formula(may_book):
    """Every cell of a shared run, moved by openpyxl's own Translator, is the formula the sheet's pattern
    gives for its row (checked here on the Corrected budget's first column of figures)."""
    archive = zipfile.ZipFile(may_book)
    parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    shared = sum(archive.read(n).decode().count('t="shared"') for n in parts)
    assert shared > 1000
    ws = load_workbook(may_book)["Korrigeret budget"]
    first = ws["E6"].value
    for row in range(7, ws.max_row):
        value = ws[f"E{row}"].value
        if not (isinstance(value, str) and value.startswith("=INDEX")):
            break
        assert value == Translator(first, "E6").translate_formula(f"E{row}")
    assert row > 8
