"""Rows near an input Table (issue 17): a row typed below a Table is refused wherever it stands, blank rows
between or not; Excel's Total Row is the Table's own row, read as such, never counted, and kept as the
Table's last row by a refresh."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from typer.testing import CliRunner

from budgetcontrol import contract
from budgetcontrol.cli import app
from helpers import JUNE_EXPORT, sheet_of

runner = CliRunner()
JUNE = JUNE_EXPORT


@pytest.fixture
def book(may_book):
    return may_book


def with_total_row(book, sheet: str, table: str, label_column: str = "month") -> int:
    """Tick Total Row on a Table as Excel does: a row below the body with a label and SUBTOTAL of amount."""
    wb = openpyxl.load_workbook(book)
    ws = sheet_of(wb, table)
    t = ws.tables[table]
    c1, r1, c2, r2 = range_boundaries(t.ref)
    names = [c.name for c in t.tableColumns]
    total = r2 + 1
    ws.cell(total, c1 + names.index(label_column), "I alt")
    ws.cell(total, c1 + names.index("amount"), f"=SUBTOTAL(109,{table}[amount])")
    t.tableColumns[names.index(label_column)].totalsRowLabel = "I alt"
    t.tableColumns[names.index("amount")].totalsRowFunction = "sum"
    t.totalsRowCount = 1
    t.ref = f"{t.ref.split(':')[0]}:{openpyxl.utils.get_column_letter(c2)}{total}"
    wb.save(book)
    return total


def test_a_total_row_is_read_as_the_tables_own_and_never_counted(book):
    before = contract.load(book)
    with_total_row(book, "Changes", "Changes", "change_id")
    result = runner.invoke(app, ["export", str(book), "--table", "summary", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    after = contract.load(book)
    assert len(after.changes) == len(before.changes)
    assert after.changes["amount"].sum() == pytest.approx(before.changes["amount"].sum())


def test_a_refresh_keeps_the_total_row_as_the_tables_last_row(book):
    total = with_total_row(book, "Actuals", "Actuals")
    rows_before = len(contract.load(book).actuals)
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(book)["Regnskab"]
    t = ws.tables["Actuals"]
    last = range_boundaries(t.ref)[3]
    assert t.totalsRowCount == 1 and last == total  # June's rows replaced where they stood: the same count
    names = [c.name for c in t.tableColumns]
    assert ws.cell(last, 1 + names.index("amount")).value == "=SUBTOTAL(109,Actuals[amount])"
    assert len(contract.load(book).actuals) == rows_before


@pytest.mark.parametrize("gap", [0, 1, 3])
def test_a_row_typed_below_a_table_is_refused_blank_rows_between_or_not(book, gap):
    wb = openpyxl.load_workbook(book)
    ws = wb["Ændringer"]
    last = range_boundaries(ws.tables["Changes"].ref)[3]
    ws.cell(last + 1 + gap, 9, 500)  # an amount typed under the Table
    wb.save(book)
    before = book.read_bytes()
    for command in (["export", str(book)], ["refresh", str(book), "--actuals", str(JUNE)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        line = result.stderr.strip()
        assert f"row {last + 1 + gap} is" in line and "Table 'Changes'" in line and len(line.splitlines()) == 1
        assert ("right below" in line) == (gap == 0)
    assert book.read_bytes() == before


def test_a_row_without_its_number_below_a_table_is_read_and_refused(book):
    """Some generators write <row> without r (rows then follow each other): the quick look at the sheet's last
    row number cannot tell, so the cells are read, and the row below the Table is refused as ever."""
    import zipfile

    from budgetcontrol.xlsx.stream import _sheet_parts
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
        part = _sheet_parts(z)["Ændringer"]
    parts[part] = parts[part].replace(b"</sheetData>", b'<row><c t="inlineStr"><is><t>typed below</t></is></c></row></sheetData>')
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    result = runner.invoke(app, ["export", str(book)])
    assert result.exit_code == 2
    assert "Table 'Changes'" in result.stderr and "right below" in result.stderr
