"""A refresh of a workbook with big input Tables, saved as Excel saves (shared strings, row hints), works on
the package (xlsx/package_book.py): the Budget sheet and the other months' rows of Actuals are copied byte
for byte, a controller's hyperlink, merge, formula or note beside a Table is kept, and the result equals a
full rebuild from the same inputs cell for cell."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.hyperlink import Hyperlink
from typer.testing import CliRunner

from budgetcontrol import contract
from budgetcontrol.cli import app
from budgetcontrol.refresh import refresh
from budgetcontrol.xlsx.book import FileBook

runner = CliRunner()
INPUTS = ("Budget", "Changes", "Actuals")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A synthetic municipality of 1.200 lines (Budget and Actuals Tables over 1.000 rows), built to
    the end of September, its texts saved as shared strings (as Excel saves them), and
    October's actuals as an export with every amount one krone more."""
    tmp = tmp_path_factory.mktemp("big")
    folder = tmp / "data"
    assert runner.invoke(app, ["synth", str(folder), "--lines", "1200", "--changes", "80", "--months", "10"]).exit_code == 0
    book = tmp / "book.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(book), "--as-of", "2026-09-30"]).exit_code == 0
    with_shared_strings(book)
    actuals = pd.read_csv(folder / "actuals.csv", dtype={"activity": str}, keep_default_na=False)
    october = tmp / "october.csv"
    actuals[actuals["month"] == "2026-10"].assign(amount=lambda f: (f["amount"] + 1).round(2)).to_csv(october, index=False)
    return book, october


def with_shared_strings(path) -> None:
    """Save the texts of every sheet as shared strings (t="s" and xl/sharedStrings.xml) and give every row
    Excel's x14ac:dyDescent (its prefix declared on <worksheet> only), as Excel does."""
    import re
    import zipfile

    strings: dict[str, int] = {}

    def shared(match: re.Match) -> str:
        index = strings.setdefault(match.group(3), len(strings))
        return f'{match.group(1)} t="s"{match.group(2)}><v>{index}</v></c>'

    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    excel = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
             'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"')
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        xml = re.sub(r'(<c [^>]*?) t="inlineStr"([^>]*)><is>(.*?)</is></c>', shared, parts[name].decode())
        xml = re.sub(r"<worksheet ([^>]*)>", rf"<worksheet \1 {excel}>", xml, count=1)  # and Excel's row markup
        parts[name] = re.sub(r'<row r="(\d+)"', r'<row r="\1" x14ac:dyDescent="0.25"', xml).encode()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    items = "".join(f"<si>{text}</si>" for text in strings)
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'.encode()
    rel = ('<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].decode().replace("</Relationships>", rel).encode()
    override = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.sharedStrings+xml"/></Types>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].decode().replace("</Types>", override).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def cells(path, sheets=None) -> dict:
    """Every non-empty cell: value, number format, bold, fill; and the Tables' extents."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if sheets and ws.title not in sheets:
            continue
        out[ws.title] = ({c.coordinate: (c.value, c.number_format, c.font.b, c.fill.fgColor.rgb)
                          for row in ws.iter_rows() for c in row if c.value is not None},
                         sorted((t.name, t.ref) for t in ws.tables.values()),
                         {c.coordinate: c.hyperlink.target or c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink})
    return out


def refreshed(source, export, target):
    target.write_bytes(source.read_bytes())
    book = FileBook(target)
    refresh(book, export)
    book.save()


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def sheet_xml(path, title: str) -> str:
    from budgetcontrol.xlsx.stream import _sheet_parts

    with zipfile.ZipFile(path) as z:
        return z.read(_sheet_parts(z)[title]).decode()


def test_a_refreshed_big_workbook_equals_a_full_rebuild_from_the_same_inputs_cell_for_cell(made, tmp_path):
    book, october = made
    fast, rebuilt = tmp_path / "fast.xlsx", tmp_path / "rebuilt.xlsx"
    refreshed(book, october, fast)
    assert runner.invoke(app, ["build", str(fast), "-o", str(rebuilt)]).exit_code == 0
    assert cells(fast) == cells(rebuilt)
    inputs = contract.load(fast)
    assert len(inputs.budget) == 1200 and inputs.model.default_as_of.isoformat() == "2026-10-31"
    assert inputs.budget["amount"].sum() == pytest.approx(contract.load(book).budget["amount"].sum())


def test_the_budget_sheet_and_the_other_months_rows_are_copied_byte_for_byte(made, tmp_path):
    book, october = made
    fast = tmp_path / "fast.xlsx"
    refreshed(book, october, fast)
    assert sheet_xml(fast, "Budget") == sheet_xml(book, "Budget")  # shared strings, Excel's row hints and all
    before, after = sheet_xml(book, "Regnskab"), sheet_xml(fast, "Regnskab")
    inputs = contract.load(book)
    header = inputs.table_headers["Actuals"][1]
    first_october = header + 1 + int((inputs.actuals["month"] < "2026-10").sum())
    assert 0 < first_october - header - 1 < len(inputs.actuals)
    cut = before.index(f'<row r="{first_october}"')
    assert after[:cut] == before[:cut]  # every row of January to September as it was written
    assert after[cut:] != before[cut:]  # October's rows replaced (every amount one krone more)
    assert after.count("<row ") == before.count("<row ")
    from defusedxml import ElementTree
    for name, data in parts(fast).items():  # every XML part is well-formed
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(data)


def test_rows_with_a_hyperlink_a_merge_or_a_formula_are_kept(made, tmp_path):
    book, october = made
    wb = openpyxl.load_workbook(book)
    budget, actuals = wb["Budget"], wb["Regnskab"]
    budget["E10"].hyperlink = Hyperlink(ref="E10", target="https://example.org/decision-17")
    budget["H20"] = "note"
    budget.merge_cells("H20:I20")
    actuals["H50"] = "=F50*2"  # a controller's own formula next to the Table
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    fast = tmp_path / "fast.xlsx"
    refreshed(edited, october, fast)
    after = openpyxl.load_workbook(fast)
    assert after["Budget"]["E10"].hyperlink.target == "https://example.org/decision-17"
    assert "H20:I20" in {str(r) for r in after["Budget"].merged_cells.ranges}
    assert after["Regnskab"]["H50"].value == "=F50*2"


def test_a_big_table_rewritten_with_few_rows_keeps_nothing_of_the_old_body(made, tmp_path):
    book, _ = made
    target = tmp_path / "few.xlsx"
    target.write_bytes(book.read_bytes())
    opened = FileBook(target)
    rows = opened.table_rows("Budget")
    assert len(rows) == 1200 and set(rows[0]) >= {"sector", "category", "activity", "kind", "amount"}
    opened.set_table_rows("Budget", rows[:5], {"amount": "input_amount"})
    opened.save()
    ws = openpyxl.load_workbook(target)["Budget"]
    assert ws.tables["Budget"].ref.endswith("8")  # header on row 3, five rows
    assert [ws.cell(r, 5).value for r in range(4, 9)] == [row["amount"] for row in rows[:5]]
    assert all(ws.cell(r, c).value is None for r in range(9, 1204) for c in range(1, 6))


def test_a_note_beside_a_big_actuals_table_survives_its_rewrite(made, tmp_path):
    book, october = made
    edited = tmp_path / "note.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["Regnskab"]["H100"] = "spørg økonomi om denne"
    wb["Regnskab"]["H20000"] = "under Tabellen, til højre"
    wb.save(edited)
    fast = tmp_path / "fast.xlsx"
    refreshed(edited, october, fast)
    ws = openpyxl.load_workbook(fast)["Regnskab"]
    assert ws["H100"].value == "spørg økonomi om denne" and ws["H20000"].value == "under Tabellen, til højre"
    assert len(contract.load(fast).actuals) == len(contract.load(book).actuals)  # October's rows replaced
