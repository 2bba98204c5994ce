"""An input Table's body rewritten in its sheet part (xlsx/table_body.py): a controller's formula column,
filled down as Excel saves it (shared formulas), keeps a right formula in every row when a correction moves
rows; a new row gets the Table's calculated column; a note beside the Table stays in its grid row."""

from __future__ import annotations

import csv
import re
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.recalc import recalculate
from budgetcontrol.xlsx.lint import lint
from budgetcontrol.xlsx.stream import _sheet_parts
from budgetcontrol.xlsx.table_body import unshare
from helpers import EXAMPLE
from ooxml_validators import sdk_errors

runner = CliRunner()


def test_shared_formulas_are_written_out_in_every_cell_of_their_group():
    xml = ('<sheetData><row r="4"><c r="F4"><v>10</v></c><c r="G4" s="1"/><c r="H4"><f t="shared" ref="H4:H6" si="0">'
           'F4/1000</f><v>0.01</v></c></row><row r="5"><c r="F5"><v>20</v></c><c r="H5"><f t="shared" si="0"/><v>0.02</v>'
           '</c></row><row r="6"><c r="H6" s="2"><f t="shared" si="0"/></c></row><row r="7"><c r="F7"><f>SUM(F4:F6)</f></c>'
           '</row></sheetData>')
    out = unshare(xml)
    assert re.findall(r'<c r="(H\d)"[^>]*><f>([^<]*)</f>', out) == [("H4", "F4/1000"), ("H5", "F5/1000"), ("H6", "F6/1000")]
    assert '<c r="G4" s="1"/>' in out and "<f>SUM(F4:F6)</f>" in out and 't="shared"' not in out


def with_andel_column(book) -> tuple[str, int]:
    """A controller's column 'andel' in Actuals: a calculated column (amount / 1000) written as Excel writes a
    filled-down column (a shared formula), and a note beside the Table on row 10."""
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
        part = _sheet_parts(z)["Regnskab"]
    table = next(n for n in parts if n.startswith("xl/tables/") and b'displayName="Actuals"' in parts[n])
    t = parts[table].decode()
    ref = re.search(r' ref="A3:F(\d+)"', t)
    last = int(ref.group(1))
    xml = parts[part].decode()

    def add(m: re.Match) -> str:
        r = int(m.group(1))
        if r == 3:
            extra = '<c r="G3" t="inlineStr"><is><t>andel</t></is></c>'
        elif 4 <= r <= last:
            f = f'<f t="shared" ref="G4:G{last}" si="0">F4/1000</f>' if r == 4 else '<f t="shared" si="0"/>'
            extra = f'<c r="G{r}">{f}<v>0</v></c>' + ('<c r="J10" t="inlineStr"><is><t>note: row 10</t></is></c>' if r == 10 else "")
        else:
            return m.group(0)
        return m.group(0).replace("</row>", extra + "</row>")
    parts[part] = re.sub(r'<row r="(\d+)"[^>]*>.*?</row>', add, xml).encode()
    t = t.replace(ref.group(0), f' ref="A3:G{last}"').replace(f'<autoFilter ref="A3:F{last}"', f'<autoFilter ref="A3:G{last}"')
    t = re.sub(r'<tableColumns count="6">', '<tableColumns count="7">', t)
    t = t.replace("</tableColumns>", '<tableColumn id="7" name="andel"><calculatedColumnFormula>'
                                     'Actuals[[#This Row],[amount]]/1000</calculatedColumnFormula></tableColumn></tableColumns>')
    parts[table] = t.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return part, last


@pytest.mark.libreoffice
def test_a_correction_that_moves_rows_keeps_the_controllers_formula_right_in_every_row(tmp_path):
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(book), "--as-of", "2014-05-31"]).exit_code == 0
    _, last = with_andel_column(book)
    assert sdk_errors(book) == []
    march = [r for r in csv.DictReader((EXAMPLE / "actuals.csv").open(encoding="utf-8")) if r["month"] == "2014-03"]
    export = tmp_path / "march.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(march[0]))
        w.writeheader()
        w.writerows(march + [dict(march[0], activity="", amount="1000")])  # one row more: later rows move
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(export), "--month", "2014-03"])
    assert result.exit_code == 0, result.stderr
    assert sdk_errors(book) == [] and lint(book) == []
    values = openpyxl.load_workbook(recalculate(book, tmp_path / "lo"), data_only=True)["Regnskab"]
    formulas = openpyxl.load_workbook(book)["Regnskab"]
    assert formulas.tables["Actuals"].ref == f"A3:G{last + 1}"
    for r in range(4, last + 2):
        amount, andel = values[f"F{r}"].value, values[f"G{r}"].value
        assert isinstance(andel, (int, float)) and andel == pytest.approx(amount / 1000), (r, formulas[f"G{r}"].value)
    assert formulas["J10"].value == "note: row 10"  # the note stays in its grid row
    new = [r for r in range(4, last + 2) if values[f"F{r}"].value == 1000 and values[f"B{r}"].value]
    assert new and formulas[f"G{new[0]}"].value == "=Actuals[[#This Row],[amount]]/1000"  # the calculated column


def test_new_rows_under_a_last_row_without_cell_formats_get_the_tools_formats_in_excels_font_order(tmp_path):
    """Excel writes no s= for a General cell: the new rows' formats then come from the tool's styles, appended
    to the styles part (fonts in Excel's child order, so the SDK validator still reads it)."""
    from budgetcontrol import contract
    from helpers import JUNE_EXPORT

    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(book), "--as-of", "2014-05-31"]).exit_code == 0
    last = contract.load(book).table_rows["Actuals"] + 3
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
        part = _sheet_parts(z)["Regnskab"]
    xml = parts[part].decode()
    row = re.search(rf'<row r="{last}".*?</row>', xml).group(0)
    parts[part] = xml.replace(row, re.sub(r'(<c r="[B-F]\d+") s="\d+"', r"\1", row)).encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE_EXPORT)]).exit_code == 0
    assert sdk_errors(book) == [] and lint(book) == []
    ws = openpyxl.load_workbook(book)["Regnskab"]
    june = [r for r in range(4, last + 1) if getattr(ws[f"A{r}"].value, "month", None) == 6]
    assert june and all(ws[f"F{r}"].number_format != "General" for r in june)  # the tool's amount format
