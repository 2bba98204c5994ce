"""A refresh opens a workbook with big input Tables quickly: their body rows are cut out of the sheet as
text and written back unchanged (xlsx/book.py, xlsx/stream.for_reading). The result must be the one the
slow path (every cell through openpyxl) gives, also for a workbook saved by another application
(shared strings), and rows with a controller's hyperlink, merge or formula are read as cells."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.hyperlink import Hyperlink
from typer.testing import CliRunner

from budgetcontrol import contract
from budgetcontrol.cli import app
from budgetcontrol.refresh import refresh
from budgetcontrol.xlsx import book as book_module
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


def refreshed(source, export, target, monkeypatch=None, slow=False):
    target.write_bytes(source.read_bytes())
    if slow:  # every Table read and written as openpyxl cells
        monkeypatch.setattr(book_module, "STREAM_ROWS", 10**9)
    book = FileBook(target)
    cut = set(book._cut)
    refresh(book, export)
    book.save()
    monkeypatch and monkeypatch.undo()
    return cut


def test_big_tables_are_cut_and_the_refresh_equals_the_slow_path_cell_for_cell(made, tmp_path, monkeypatch):
    book, october = made
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    assert refreshed(book, october, fast) == {"Budget", "Actuals"}  # Changes has fewer than 1.000 rows
    assert refreshed(book, october, slow, monkeypatch, slow=True) == set()
    assert cells(fast) == cells(slow)
    inputs = contract.load(fast)
    assert len(inputs.budget) == 1200 and inputs.model.default_as_of.isoformat() == "2026-10-31"
    assert inputs.budget["amount"].sum() == pytest.approx(contract.load(book).budget["amount"].sum())


def test_the_budget_rows_are_copied_unchanged_apart_from_shared_strings_made_inline(made, tmp_path):
    import re
    import zipfile

    book, october = made
    fast = tmp_path / "fast.xlsx"
    refreshed(book, october, fast)

    def rows(path):
        with zipfile.ZipFile(path) as z:
            wb = openpyxl.load_workbook(path, read_only=True)
            index = wb.sheetnames.index("Budget") + 1
            xml = z.read(f"xl/worksheets/sheet{index}.xml").decode()
            return xml[xml.index('<row r="4"'):xml.index("</sheetData>")]

    before, after = rows(book), rows(fast)
    assert 't="s"' in before and 't="s"' not in after and after.count("<row ") == before.count("<row ") == 1200
    assert "x14ac:" in before and "x14ac:" not in after  # its prefix is not declared on the rewritten <worksheet>
    assert re.sub(r'<c ([^>]*?) t="s"([^>]*)><v>\d+</v></c>', "", before).replace(' x14ac:dyDescent="0.25"', "") == \
        re.sub(r'<c ([^>]*?) t="inlineStr"([^>]*)><is>.*?</is></c>', "", after)
    from defusedxml import ElementTree
    with zipfile.ZipFile(fast) as z:  # every sheet part is well-formed XML
        for name in [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]:
            ElementTree.fromstring(z.read(name))


def test_rows_with_a_hyperlink_a_merge_or_a_formula_are_read_as_cells_and_kept(made, tmp_path, monkeypatch):
    book, october = made
    wb = openpyxl.load_workbook(book)
    budget, actuals = wb["Budget"], wb["Actuals"]
    budget["E10"].hyperlink = Hyperlink(ref="E10", target="https://example.org/decision-17")
    budget["H20"] = "note"
    budget.merge_cells("H20:I20")
    actuals["H50"] = "=F50*2"  # a controller's own formula next to the Table
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    fast = tmp_path / "fast.xlsx"
    assert refreshed(edited, october, fast) == set()  # nothing cut: every row read as cells
    after = openpyxl.load_workbook(fast)
    assert after["Budget"]["E10"].hyperlink.target == "https://example.org/decision-17"
    assert "H20:I20" in {str(r) for r in after["Budget"].merged_cells.ranges}
    assert any(c.value == "=F50*2" for row in after["Actuals"].iter_rows(min_col=8, max_col=8) for c in row)


def test_a_cut_table_rewritten_with_few_rows_is_read_back_as_cells_first(made, tmp_path):
    book, _ = made
    target = tmp_path / "few.xlsx"
    target.write_bytes(book.read_bytes())
    opened = FileBook(target)
    assert "Budget" in opened._cut
    rows = opened.table_rows("Budget")
    assert len(rows) == 1200 and set(rows[0]) >= {"sector", "category", "activity", "kind", "amount"}
    opened.set_table_rows("Budget", rows[:5], {"amount": "input_amount"})
    assert "Budget" not in opened._cut
    opened.save()
    ws = openpyxl.load_workbook(target)["Budget"]
    assert ws.tables["Budget"].ref.endswith("8")  # header on row 3, five rows
    assert [ws.cell(r, 5).value for r in range(4, 9)] == [row["amount"] for row in rows[:5]]
    assert all(ws.cell(r, c).value is None for r in range(9, 1204) for c in range(1, 6))


def test_a_note_beside_a_big_actuals_table_survives_its_rewrite(made, tmp_path):
    book, october = made
    edited = tmp_path / "note.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["Actuals"]["H100"] = "spørg økonomi om denne"
    wb.save(edited)
    fast = tmp_path / "fast.xlsx"
    assert refreshed(edited, october, fast) == {"Budget", "Actuals"}
    assert openpyxl.load_workbook(fast)["Actuals"]["H100"].value == "spørg økonomi om denne"
    assert len(contract.load(fast).actuals) == len(contract.load(book).actuals)
