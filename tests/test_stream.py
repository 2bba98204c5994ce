"""Streaming rows into a package openpyxl wrote: every kind of column read back by openpyxl and
calamine with its value, type and style; the rest of the package untouched; the dimension; the
sheets found through the workbook's relationships; the refusals; and LibreOffice's recalculation."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from defusedxml import ElementTree
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo
from python_calamine import CalamineWorkbook

from budgetcontrol.xlsx import stream
from budgetcontrol.xlsx.stream import Block, Column, rows_xml, splice

SHEET = "Line forecast"
HEADERS = ["Kind", "Note", "Maybe", "Amount", "Count", "Date", "Formula", "Bare"]
KINDS = ["Drift", "=not a formula", "+45", "-3", "@home", "\ttabbed"]
NOTES = [" leading", "trailing ", "multi\nline", "a & b < c > \"d\"", "bell\x07char", "cr\r\nlf"]
MAYBE = ["x", None, float("nan"), "", pd.NA, "y"]
AMOUNTS = np.array([1.5, np.nan, 3.0, -0.1, 1e20, 1234.5678])
COUNTS = np.array([1, 2, 3, 2**40, 0, -7])
DATES = [dt.date(2024, 1, 31), dt.datetime(2024, 2, 29, 12, 30), pd.Timestamp("2024-03-01"),
         np.datetime64("2024-12-31"), None, pd.NaT]
FORMULAS = ["D3*2", None, '=IF(A3="Drift","yes","no")', "", "COUNTA(A3:A8)", 'SUMIFS(D3:D8,A3:A8,"<>x")&"!"']
BARE = [1.0, None, 2.0, np.nan, 3.0, None]
SUMMARY_FORMULAS = ['SUMIFS($D$3:$D$8,$A$3:$A$8,"Drift")', 'SUMIFS($D$3:$D$8,$F$3:$F$8,">="&DATE(2024,3,1))']


def styles(wb: openpyxl.Workbook) -> dict[str, int]:
    """xf indexes of styled cells on a scratch sheet: openpyxl's cell.style_id is the cellXfs index."""
    ws = wb["Overview"]
    date, number, text = ws["A1"], ws["A2"], ws["A3"]
    date.value, number.value, text.value = dt.date(2024, 1, 1), 1.0, "styled"
    date.number_format = "yyyy-mm-dd"
    number.number_format, number.font = "#,##0.00", Font(bold=True)
    text.font = Font(italic=True)
    return {"date": date.style_id, "number": number.style_id, "text": text.style_id}


def build() -> tuple[bytes, dict[str, int]]:
    """A workbook as openpyxl writes it: a title row and a header row, an Excel Table over the rows to
    come, a defined name; "Line forecast" is the second sheet, "Empty" has no cells."""
    wb = openpyxl.Workbook()
    wb.active.title = "Overview"
    ws = wb.create_sheet(SHEET)
    wb.create_sheet("Empty")
    style = styles(wb)
    ws["A1"] = "Line forecast 2024"
    for i, header in enumerate(HEADERS, 1):
        ws.cell(row=2, column=i, value=header)
    table = Table(displayName="Lines", ref="A2:H8")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.row_dimensions[1].height = 30
    wb.defined_names["Amounts"] = DefinedName("Amounts", attr_text="'Line forecast'!$D$3:$D$8")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), style


def blocks(style: dict[str, int]) -> dict[str, list[Block]]:
    data = Block(3, 1, [
        Column(KINDS, "text"),
        Column(NOTES, "text", style["text"]),
        Column(MAYBE, "text", style["text"]),
        Column(AMOUNTS, "number", style["number"]),
        Column(COUNTS, "integer"),
        Column(DATES, "date", style["date"]),
        Column(FORMULAS, "formula", style["number"]),
        Column(BARE, "number"),
    ], row_height=20)
    summary = Block(10, 4, [Column(SUMMARY_FORMULAS, "formula", style["number"])])
    return {SHEET: [data, summary], "Empty": [Block(5, 3, [Column([1, 2], "integer"), Column(["a", "b"], "text")])]}


@pytest.fixture(scope="module")
def package() -> tuple[bytes, dict[str, int]]:
    return build()


@pytest.fixture(scope="module")
def spliced(package, tmp_path_factory) -> Path:
    source, style = package
    target = tmp_path_factory.mktemp("stream") / "spliced.xlsx"
    splice(source, blocks(style), target)
    return target


def part_text(package: bytes | Path, name: str) -> str:
    with zipfile.ZipFile(package if isinstance(package, Path) else io.BytesIO(package)) as z:
        return z.read(name).decode("utf-8")


def doctored(package: bytes, change) -> bytes:
    """``package`` with each entry's (name, bytes) passed through ``change`` (None drops the entry)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            changed = change(info.filename, source.read(info))
            if changed:
                target.writestr(changed[0], changed[1])
    return out.getvalue()


# --- values, types and styles ---------------------------------------------------------------


def test_openpyxl_reads_every_value_type_and_style(spliced):
    wb = openpyxl.load_workbook(spliced)
    ws = wb[SHEET]
    assert ws["A1"].value == "Line forecast 2024" and [c.value for c in ws[2]] == HEADERS
    for row, text in enumerate(KINDS, 3):  # texts that look like formulas or numbers stay texts
        assert (ws.cell(row, 1).value, ws.cell(row, 1).data_type) == (text, "s")
    assert [ws.cell(row, 2).value for row in (3, 4, 6)] == [" leading", "trailing ", 'a & b < c > "d"']
    assert ws["B5"].value == "multi\nline"
    assert ws["B7"].value == "bellchar"  # the control character is dropped
    assert ws["B3"].font.italic and ws["C4"].font.italic  # an empty text cell keeps its style
    assert ws["C3"].value == "x" and ws["C8"].value == "y"
    assert [ws.cell(row, 3).value for row in range(4, 8)] == [None] * 4
    assert [ws.cell(row, 4).value for row in range(3, 9)] == [1.5, None, 3, -0.1, 1e20, 1234.5678]
    assert ws["D4"].number_format == "#,##0.00" and ws["D4"].font.bold  # NaN: an empty cell with its style
    assert [ws.cell(row, 5).value for row in range(3, 9)] == COUNTS.tolist()
    assert [ws.cell(row, 6).value for row in range(3, 9)] == [
        dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 29, 12, 30), dt.datetime(2024, 3, 1), dt.datetime(2024, 12, 31), None, None]
    assert all(ws.cell(row, 6).number_format == "yyyy-mm-dd" for row in range(3, 9))
    assert all(ws.cell(row, 6).is_date for row in range(3, 7))
    assert ws["G3"].data_type == "f" and ws["G3"].value == "=D3*2"
    assert ws["G5"].value == '=IF(A3="Drift","yes","no")'  # a leading "=" is not doubled
    assert ws["G8"].value == '=SUMIFS(D3:D8,A3:A8,"<>x")&"!"'
    assert ws["G4"].value is None and ws["G4"].font.bold and ws["G6"].value is None
    assert ws["G3"].number_format == "#,##0.00" and ws["G3"].font.bold
    assert [ws.cell(row, 8).value for row in range(3, 9)] == [1, None, 2, None, 3, None]
    assert ws["D10"].value == '=SUMIFS($D$3:$D$8,$A$3:$A$8,"Drift")' and ws["D10"].data_type == "f"
    assert ws["D11"].value == '=SUMIFS($D$3:$D$8,$F$3:$F$8,">="&DATE(2024,3,1))'
    assert ws.row_dimensions[3].height == 20 and ws.row_dimensions[1].height == 30
    assert ws.tables["Lines"].ref == "A2:H8"
    assert wb.defined_names["Amounts"].attr_text == "'Line forecast'!$D$3:$D$8"
    assert (wb["Empty"]["C5"].value, wb["Empty"]["D6"].value) == (1, "b")
    assert wb["Overview"]["A3"].value == "styled"


def test_calamine_reads_every_value(spliced):
    book = CalamineWorkbook.from_path(str(spliced))
    rows = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    assert rows[0][0] == "Line forecast 2024" and rows[1] == HEADERS
    data = rows[2:8]
    assert [r[0] for r in data] == KINDS
    assert [r[1] for r in data] == [" leading", "trailing ", "multi\nline", 'a & b < c > "d"', "bellchar", "cr\r\nlf"]
    assert [r[2] for r in data] == ["x", "", "", "", "", "y"]
    assert [r[3] for r in data] == [1.5, "", 3, -0.1, 1e20, 1234.5678]
    assert [r[4] for r in data] == COUNTS.tolist()
    assert [r[5] for r in data] == [dt.date(2024, 1, 31), dt.datetime(2024, 2, 29, 12, 30), dt.date(2024, 3, 1),
                                    dt.date(2024, 12, 31), "", ""]
    assert [r[7] for r in data] == [1, "", 2, "", 3, ""]
    assert len(rows) == 8  # the formulas of rows 10 and 11 have no cached value: calamine's range ends before them
    empty = book.get_sheet_by_name("Empty").to_python(skip_empty_area=False)
    assert empty[4][2:] == [1, "a"] and empty[5][2:] == [2, "b"]


def test_text_that_reads_as_an_escape_stays_literal(package, tmp_path):
    """Excel (and calamine) read _xHHHH_ in a text as the character HHHH: such a text is escaped."""
    source, _ = package
    splice(source, {"Empty": [Block(1, 1, [Column(["_x0041_ literal", "plain_x"], "text")])]}, tmp_path / "x.xlsx")
    rows = CalamineWorkbook.from_path(str(tmp_path / "x.xlsx")).get_sheet_by_name("Empty").to_python()
    assert rows == [["_x0041_ literal"], ["plain_x"]]


def test_the_rows_as_written(spliced):
    xml = part_text(spliced, "xl/worksheets/sheet2.xml")
    ElementTree.fromstring(xml)  # well-formed
    assert '<row r="3" ht="20.0" customHeight="1">' in xml
    assert '<t xml:space="preserve"> leading</t>' in xml and "<t>Drift</t>" in xml
    assert '<c r="D4" s="' in xml and re.search(r'<c r="D4" s="\d+"/>', xml)  # NaN, styled: an empty cell
    assert '<c r="H4"' not in xml and '<c r="H6"' not in xml  # NaN, unstyled: no cell at all
    assert re.search(r'<c r="G3" s="\d+"><f>D3\*2</f></c>', xml)  # a formula without a cached value
    assert "&amp;&quot;!&quot;" not in xml and "&amp;\"!\"" in xml  # quotes need no escaping outside attributes
    assert "\x07" not in xml
    assert '<c r="F3" s="' in xml and "<v>45322</v>" in xml and "<v>45351.520833333336</v>" in xml


@pytest.mark.parametrize("texts", [
    ["plain", "texts", "only"] * 700,  # repeated: checked once per distinct text
    ["plain", "a & b", " x", None, "y\n"] * 500,
    [f"unique {i}" for i in range(3000)],  # checked all at once
    [f"unique {i}" for i in range(3000)] + ["<b>", "", "\x1f", "t\t"],
])
def test_a_column_of_texts_is_written_as_each_text_alone(texts):
    """However a column is checked (once per distinct text, or all at once), each cell is what the
    text gives written alone."""
    def cells(values):
        return re.findall(r"<c [^>]*/>|<c [^>]*>.*?</c>", "".join(rows_xml(Block(1, 1, [Column(values, "text", 2)]))), re.S)

    together = [re.sub(r'r="A\d+"', "", cell) for cell in cells(texts)]
    alone = {text: re.sub(r'r="A\d+"', "", cells([text])[0]) for text in set(texts)}
    assert together == [alone[text] for text in texts]
    assert ("xml:space" in "".join(together)) == any(t and (t[0] in " \t" or t[-1] in " \t\n" or "\n" in t) for t in texts)


def test_dates_become_excel_serials():
    dates = [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.datetime(2024, 1, 1, 6),
             pd.Timestamp("2024-01-01 18:00", tz="Europe/Copenhagen")]
    assert _cells(dates, "date") == ["1", "59", "61", "45292.25", "45292.75"]  # as openpyxl counts 1900
    as_array = np.array(["1900-01-01", "1900-03-01", "2024-01-01T06:00", "NaT"], dtype="datetime64[ns]")
    assert _cells(as_array, "date") == ["1", "61", "45292.25", None]
    assert _cells(pd.Series(pd.to_datetime(["2024-01-01", None])), "date") == ["45292", None]


def test_numbers_and_integers():
    assert _cells([0.1, 2, None, float("nan"), -1e-300], "number") == ["0.1", "2.0", None, None, "-1e-300"]
    assert _cells(pd.Series([1.5, None], dtype="Float64"), "number") == ["1.5", None]
    assert _cells(pd.Series([1, None], dtype="Int64"), "integer") == ["1", None]
    assert _cells([3.0, np.int64(4), None], "integer") == ["3", "4", None]
    with pytest.raises(ValueError, match="infinite"):
        list(rows_xml(Block(1, 1, [Column([math.inf], "number")])))
    with pytest.raises(ValueError, match="not an integer"):
        list(rows_xml(Block(1, 1, [Column([1.5], "integer")])))


def _cells(values, kind) -> list[str | None]:
    """The <v> of each row's only cell (None when there is no value)."""
    text = "".join(rows_xml(Block(1, 1, [Column(values, kind, 1)])))
    rows = re.findall(r"<row [^>]*>(.*?)</row>", text)
    return [(re.search(r"<v>(.*)</v>", row) or [None, None])[1] for row in rows]


def test_rows_come_in_chunks_in_row_order(monkeypatch):
    block = Block(7, 2, [Column([f"t{i}" for i in range(10)], "text"), Column(list(range(10)), "integer")])
    whole = "".join(rows_xml(block))
    monkeypatch.setattr(stream, "CHUNK_ROWS", 3)
    chunks = list(rows_xml(block))
    assert len(chunks) == 4 and "".join(chunks) == whole
    assert re.findall(r'<row r="(\d+)"', whole) == [str(r) for r in range(7, 17)]
    assert '<c r="B16" t="inlineStr"><is><t>t9</t></is></c><c r="C16"><v>9</v></c>' in whole
    assert list(rows_xml(Block(3, 1, [Column([], "text")]))) == []


# --- the package --------------------------------------------------------------------------


def test_every_other_part_is_copied_unchanged(package, spliced):
    source, _ = package
    with zipfile.ZipFile(io.BytesIO(source)) as before, zipfile.ZipFile(spliced) as after:
        assert after.namelist() == before.namelist()
        for old, new in zip(before.infolist(), after.infolist()):
            assert (new.filename, new.compress_type, new.date_time) == (old.filename, old.compress_type, old.date_time)
            if old.filename not in ("xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"):
                assert after.read(new) == before.read(old), old.filename


def test_the_sheet_part_changes_only_by_its_rows_and_dimension(package, spliced):
    source, style = package
    before, after = part_text(source, "xl/worksheets/sheet2.xml"), part_text(spliced, "xl/worksheets/sheet2.xml")
    rows = "".join(text for block in blocks(style)[SHEET] for text in rows_xml(block))
    expected = before.replace("</sheetData>", rows + "</sheetData>")
    expected = re.sub(r"<dimension [^>]*/>", '<dimension ref="A1:H11"/>', expected)
    assert after == expected


def test_the_dimension_covers_everything(spliced):
    assert '<dimension ref="A1:H11"/>' in part_text(spliced, "xl/worksheets/sheet2.xml")
    assert '<dimension ref="C5:D6"/>' in part_text(spliced, "xl/worksheets/sheet3.xml")  # a sheet without cells


@pytest.mark.parametrize("strip", [r"<dimension [^>]*/>", r"<dimension [^>]*/>|<sheetPr>.*?</sheetPr>"])
def test_a_missing_dimension_is_added_in_schema_order(package, strip, tmp_path):
    """Into an empty <sheetData/>, without a dimension, with or without a <sheetPr> to put it after."""
    source, _ = package
    part = "xl/worksheets/sheet3.xml"

    def strip_part(name, data):
        if name == part:
            data = re.sub(strip, "", data.decode()).replace("<sheetData></sheetData>", "<sheetData/>")
            assert "<dimension" not in data and "<sheetData/>" in data
        return name, data

    source = doctored(source, strip_part)
    splice(source, {"Empty": [Block(2, 2, [Column([1], "integer")])]}, tmp_path / "x.xlsx")
    xml = part_text(tmp_path / "x.xlsx", part)
    assert re.search(r'(</sheetPr>|<worksheet [^>]*>)<dimension ref="B2"/><sheetViews>', xml)
    assert openpyxl.load_workbook(tmp_path / "x.xlsx")["Empty"]["B2"].value == 1


def test_a_sheet_is_found_through_the_relationships(package, tmp_path):
    """The part of "Line forecast" renamed, its target relative (openpyxl writes absolute ones): found
    by the sheet's title, not by its number."""
    source, style = package

    def rename(name, data):
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b'Target="/xl/worksheets/sheet2.xml"', b'Target="worksheets/forecast.xml"')
            assert b"forecast.xml" in data
        if name == "[Content_Types].xml":
            data = data.replace(b"/xl/worksheets/sheet2.xml", b"/xl/worksheets/forecast.xml")
        return name.replace("sheet2.xml", "forecast.xml"), data

    source = doctored(source, rename)
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        assert "xl/worksheets/forecast.xml" in z.namelist() and "xl/worksheets/sheet2.xml" not in z.namelist()
    splice(source, blocks(style), tmp_path / "renamed.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "renamed.xlsx")[SHEET]
    assert ws["A3"].value == "Drift" and ws["D3"].value == 1.5 and ws.tables["Lines"].ref == "A2:H8"
    assert stream._sheet_parts(zipfile.ZipFile(tmp_path / "renamed.xlsx")) == {
        "Overview": "xl/worksheets/sheet1.xml", SHEET: "xl/worksheets/forecast.xml", "Empty": "xl/worksheets/sheet3.xml"}


def test_paths_and_file_objects(package, tmp_path):
    source, _ = package
    (tmp_path / "in.xlsx").write_bytes(source)
    out = io.BytesIO()
    splice(tmp_path / "in.xlsx", {"Empty": [Block(1, 1, [Column(["a"], "text")])]}, out)
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Empty"]["A1"].value == "a"
    splice(str(tmp_path / "in.xlsx"), {}, tmp_path / "same.xlsx")
    with zipfile.ZipFile(tmp_path / "same.xlsx") as z, zipfile.ZipFile(io.BytesIO(source)) as original:
        assert all(z.read(name) == original.read(name) for name in original.namelist())
    with pytest.raises(ValueError, match="cannot write over"):
        splice(tmp_path / "in.xlsx", {}, str(tmp_path / "in.xlsx"))


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sheet, bad, message", [
    ("Empty", [Block(1, 1, [Column([1, 2], "integer"), Column(["a"], "text")])], "equal length"),
    (SHEET, [Block(2, 1, [Column([1], "integer")])], "overlaps"),  # row 2 holds the headers
    (SHEET, [Block(1, 9, [Column([1], "integer")])], "overlaps"),  # beside the title: no interleaving
    ("Empty", [Block(5, 1, [Column([1, 2], "integer")]), Block(6, 1, [Column([1], "integer")])], "overlaps"),
    ("Empty", [Block(5, 1, [Column([1], "integer")]), Block(3, 1, [Column([1], "integer")])], "overlaps"),
    ("Empty", [Block(1, 1, [Column([1], "currency")])], "unknown column kind"),
    ("Empty", [Block(1, 1, [])], "at least one column"),
    ("Empty", [Block(1, 1, [Column([1], "integer", "3")])], "cellXfs index"),
    ("Empty", [Block(1, 1, [Column([1], "integer", -1)])], "cellXfs index"),
    ("Empty", [Block(1, 1, [Column([1], "integer")], row_height=float("nan"))], "row height"),
    ("Empty", [Block(0, 1, [Column([1], "integer")])], "row and column 1"),
    ("Empty", [Block(1_048_576, 1, [Column([1, 2], "integer")])], "last row"),
    ("Missing sheet", [Block(1, 1, [Column([1], "integer")])], "no worksheet named 'Missing sheet'"),
])
def test_refusals(package, sheet, bad, message, tmp_path):
    source, _ = package
    with pytest.raises(ValueError, match=message):
        splice(source, {sheet: bad}, tmp_path / "bad.xlsx")
    assert not (tmp_path / "bad.xlsx").exists()  # refused before anything is written


def test_a_value_found_unwritable_while_writing_leaves_no_file(package, tmp_path):
    source, _ = package
    with pytest.raises(ValueError, match="not a date"):
        splice(source, {"Empty": [Block(1, 1, [Column([dt.date(2024, 1, 1), "2024-01-02"], "date")])]}, tmp_path / "bad.xlsx")
    assert not (tmp_path / "bad.xlsx").exists()


def test_a_failing_target_fails_the_splice_without_hanging(package, monkeypatch):
    class Full(io.BytesIO):
        def write(self, data):
            if self.tell() > 20_000:
                raise OSError("disk full")
            return super().write(data)

    source, _ = package
    monkeypatch.setattr(stream, "CHUNK_ROWS", 100)
    with pytest.raises(OSError, match="disk full"):
        splice(source, {"Empty": [Block(1, 1, [Column([f"text {i}" for i in range(50_000)], "text")])]}, Full())


def test_unequal_columns_are_refused_by_rows_xml_too():
    with pytest.raises(ValueError, match="equal length"):
        list(rows_xml(Block(1, 1, [Column([1.0], "number"), Column([], "text")])))


# --- LibreOffice ----------------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice is not installed")
def test_libreoffice_recalculates_formulas_over_streamed_rows(package, tmp_path):
    from budgetcontrol.recalc import recalculate

    source, style = package
    n = 2_000
    kinds = np.where(np.arange(n) % 3 == 0, "Drift", "Anlæg").tolist()
    amounts = (np.arange(n) * 1.25).round(2)
    dates = np.datetime64("2024-01-01") + (np.arange(n) % 366).astype("timedelta64[D]")
    data = Block(3, 1, [Column(kinds, "text"), Column([f"note {i}" for i in range(n)], "text", style["text"]),
                        Column([None] * n, "text"), Column(amounts, "number", style["number"]),
                        Column(np.arange(n), "integer"), Column(dates, "date", style["date"])])
    last = 2 + n
    formulas = [f'SUMIFS($D$3:$D${last},$A$3:$A${last},"Drift")',
                f'SUMIFS($D$3:$D${last},$F$3:$F${last},">="&DATE(2024,7,1))',
                f'COUNTIFS($A$3:$A${last},"Anlæg",$E$3:$E${last},">=1000")',
                "SUM(Amounts)"]
    summary = Block(last + 2, 4, [Column(formulas, "formula", style["number"])])
    splice(source, {SHEET: [data, summary]}, tmp_path / "lo.xlsx")
    recalculated = recalculate(tmp_path / "lo.xlsx", tmp_path / "out")
    ws = openpyxl.load_workbook(recalculated, data_only=True)[SHEET]
    values = [ws.cell(last + 2 + i, 4).value for i in range(len(formulas))]
    in_july = dates >= np.datetime64("2024-07-01")
    assert values[0] == pytest.approx(amounts[np.arange(n) % 3 == 0].sum())
    assert values[1] == pytest.approx(amounts[in_july].sum())
    assert values[2] == sum(1 for i in range(n) if i % 3 and i >= 1000)
    assert values[3] == pytest.approx(amounts[:6].sum())
    assert ws.cell(3, 6).value == dt.datetime(2024, 1, 1) and ws.cell(last, 1).value == kinds[-1]
