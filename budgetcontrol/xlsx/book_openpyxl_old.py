"""A controller workbook on disk, behind the small interface the monthly refresh needs
(``budgetcontrol.refresh.Book``): read its inputs, rewrite the rows of an input Table, set a
setting, replace the generated sheets, save. openpyxl here; a live Excel book (xlwings)
implements the same methods for the refresh button.

Sheets the controller added, and rows typed into the input Tables, are kept: only the
generated sheets (outputs, calculations, checks) are replaced, and only the Tables the
refresh changes are rewritten.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet._reader import WorksheetReader
from python_calamine import CalamineWorkbook

from budgetcontrol import contract
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.settings_sheet import KEY, SHEET as SETTINGS, VALUE
from budgetcontrol.contract.tables import Inputs
from budgetcontrol.contract.workbook import cells_of
from budgetcontrol.sheets.layout import Bulk, Column, SheetLayout
from budgetcontrol.sheets.names import GENERATED, ORDER
from budgetcontrol.xlsx import stream, writer
from budgetcontrol.xlsx.safe import write_atomically
from budgetcontrol.xlsx.styles import style


STREAM_ROWS = 1000  # a Table rewritten with this many rows is streamed into the file


class Formula(str):
    """A Table cell's formula as :meth:`FileBook.table_rows` reads it: written back as a formula, where any
    other text beginning with "=" is written as text."""


def _value(cell):
    return Formula(cell.value) if cell.data_type == "f" and isinstance(cell.value, str) else cell.value


def _column(values: list, key: str) -> Column:
    """A Table column's values as streamed: dates, numbers or text, by what the column holds."""
    samples = {type(v): v for v in values if v is not None and v != ""}  # one value of each type
    kinds = {writer.kind_of(v) for v in samples.values()}
    return Column(values, kinds.pop() if len(kinds) == 1 else "text", key)


class FileBook:
    """An .xlsx/.xlsm file opened with openpyxl (VBA kept for .xlsm).

    Opening is quick on a big workbook: the generated sheets are opened empty (they are replaced anyway),
    and the body rows of a big input Table (1.000+ rows: the budget, the year's actuals) are cut out of
    their sheet as text and written back unchanged on save (``xlsx/stream.py``), unless the refresh
    rewrites that Table; its rows are then read with python-calamine."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._inputs = contract.load(self.path)  # validates first: a bad workbook is refused before anything changes
        big: dict[str, int] = {}
        for name, (sheet, header) in self._inputs.table_headers.items():
            if self._inputs.table_rows.get(name, 0) >= STREAM_ROWS:
                big[sheet] = min(header, big.get(sheet, header))
        package = self.path.read_bytes()
        self.wb, self._cut = self._open(package, big)
        if any(r >= self._cut[ws.title].first_row for ws in self.wb.worksheets if ws.title in self._cut for r, _ in ws._cells):
            self.wb, self._cut = self._open(package, {})  # a hyperlink, comment or merge in the rows: read them as cells
        for title, raw in self._cut.items():
            writer.keep_rows(self.wb, title, raw)

    def _open(self, package: bytes, cut: dict[str, int]):
        try:
            package, raws = stream.for_reading(package, set(GENERATED), cut)
            return openpyxl.load_workbook(io.BytesIO(package), keep_vba=self.path.suffix.lower() == ".xlsm"), raws
        except Exception as exc:  # openpyxl raises many types for damaged packages
            raise InputError(str(self.path), f"cannot open the workbook: {exc}") from None

    def inputs(self) -> Inputs:
        return self._inputs

    def _table(self, name: str):
        for ws in self.wb.worksheets:
            if name in ws.tables:
                return ws, ws.tables[name]
        raise InputError(str(self.path), f"the workbook has no Excel Table named '{name}'")

    def table_rows(self, name: str) -> list[dict]:
        """The body rows of a Table as {header: value}, every column (also ones a controller added)."""
        ws, table = self._table(name)
        c1, r1, c2, r2 = range_boundaries(table.ref)
        if ws.title in self._cut:
            body = CalamineWorkbook.from_path(str(self.path), load_tables=True).get_table_by_name(name)
            headers, grid = list(body.columns), [[None if v == "" else v for v in row]
                                                for row in cells_of(body, str(self.path), ws.title)]
        else:
            headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
            grid = [[_value(ws.cell(r, c)) for c in range(c1, c2 + 1)] for r in range(r1 + 1, r2 + 1)]
        return [dict(zip(headers, values)) for values in grid if any(v not in (None, "") for v in values)]

    def set_table_rows(self, name: str, rows: list[dict], styles: dict[str, str]) -> None:
        """Rewrite a Table's body with ``rows`` (missing columns blank) and resize it; ``styles`` maps a
        column to a style key."""
        ws, table = self._table(name)
        c1, r1, c2, r2 = range_boundaries(table.ref)
        headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
        last = r1 + max(len(rows), 1)
        raw = self._cut.get(ws.title)
        alone = raw is None or (raw.first_row > r1 and raw.last_row <= r2 and not stream.has_cells_outside(raw, c1, c2))
        formulas = any(isinstance(v, (Formula, ArrayFormula)) for row in rows for v in row.values())
        if len(rows) >= STREAM_ROWS and alone and not formulas and not any(r > r1 and not (c1 <= c <= c2 and r <= r2) for r, c in ws._cells):
            if raw:
                writer.drop_rows(self.wb, ws.title, self._cut.pop(ws.title))
            self._stream_rows(ws, r1, c1, rows, styles, headers)
        else:
            if raw:
                self._read_cut_rows(ws)
            for r in range(r1 + 1, max(r2, last) + 1):
                row = rows[r - r1 - 1] if r - r1 - 1 < len(rows) else {}
                for c, header in zip(range(c1, c2 + 1), headers):
                    cell = ws.cell(r, c)
                    cell.value = value = row.get(header)
                    if cell.data_type == "f" and isinstance(value, str) and not isinstance(value, Formula):
                        cell.data_type = "s"  # a text from the finance system beginning with "=" stays a text
                    if header in styles:
                        for attr, setting in style(styles[header]).items():
                            setattr(cell, attr, setting)
        table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{last}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref

    def _read_cut_rows(self, ws) -> None:
        """Make the rows cut from ``ws`` openpyxl cells again (a Table there is rewritten cell by cell)."""
        raw = self._cut.pop(ws.title)
        writer.drop_rows(self.wb, ws.title, raw)
        xml = f'<worksheet xmlns="{stream.MAIN_NS}"><sheetData>{raw.xml}</sheetData></worksheet>'
        reader = WorksheetReader(ws, io.BytesIO(xml.encode("utf-8")), [], False, False)
        reader.bind_cells()
        reader.bind_row_dimensions()

    def _stream_rows(self, ws, r1: int, c1: int, rows: list[dict], styles: dict[str, str], headers: list) -> None:
        """Many rows (a year of actuals) go straight into the file when the Table is all the sheet holds
        below its header (row ``r1``): the old body's cells are dropped and the new rows streamed on save."""
        for key in [key for key in ws._cells if key[0] > r1]:
            del ws._cells[key]
        for r in [r for r in ws.row_dimensions if r > r1]:
            del ws.row_dimensions[r]
        columns = [_column([row.get(h) for row in rows], styles.get(h, "input_text")) for h in headers]
        writer.stream_bulk(self.wb, ws, Bulk(r1 + 1, c1, columns))

    def set_setting(self, key: str, value) -> None:
        ws = self.wb[SETTINGS]
        for row in ws.iter_rows(min_col=KEY, max_col=KEY):
            if row[0].value == key:
                ws.cell(row[0].row, VALUE).value = value
                return
        raise InputError(str(self.path), f"setting '{key}' is missing (column A of the Settings sheet)", sheet=SETTINGS)

    def replace_generated(self, layouts: list[SheetLayout]) -> None:
        """Replace every generated sheet (outputs, calculations, checks) where it stands; add missing ones
        in the standard order; leave input sheets and the controller's own sheets alone, but add an input
        sheet a workbook built by an earlier version lacks (e.g. Forecast), so every formula finds its Table."""
        tables = {name for ws in self.wb.worksheets for name in ws.tables}
        missing = [layout for layout in layouts if layout.role == "input" and layout.tables
                   and layout.tables[0].name not in tables]
        for layout in missing:
            if layout.name in self.wb.sheetnames:
                raise InputError(str(self.path), f"the workbook has a sheet '{layout.name}' of its own where this version "
                                                 f"adds the Table {layout.tables[0].name}; rename that sheet and refresh again",
                                 sheet=layout.name)
        generated = [layout for layout in layouts if layout.role != "input"]
        for layout in generated + missing:
            if layout.name in self.wb.sheetnames:
                index = self.wb.sheetnames.index(layout.name)
                self.wb.remove(self.wb[layout.name])
            else:
                later = [n for n in ORDER[ORDER.index(layout.name) + 1:] if n in self.wb.sheetnames] if layout.name in ORDER else []
                index = self.wb.sheetnames.index(later[0]) if later else None
            writer.write_sheet(self.wb, layout, index)
        writer.set_names(self.wb, generated)
        self.wb.calculation = CalcProperties(fullCalcOnLoad=True)

    def save(self, target: str | Path | None = None) -> None:
        self.wb.properties.modified = dt.datetime(2000, 1, 1)
        write_atomically(Path(target or self.path), lambda tmp: writer.write_file(self.wb, tmp))
