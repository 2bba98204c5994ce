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
from openpyxl.workbook.properties import CalcProperties

from budgetcontrol import contract
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.settings_sheet import KEY, SHEET as SETTINGS, VALUE
from budgetcontrol.contract.tables import Inputs
from budgetcontrol.sheets.layout import Bulk, Column, SheetLayout
from budgetcontrol.sheets.names import GENERATED, ORDER
from budgetcontrol.xlsx import stream, writer
from budgetcontrol.xlsx.safe import write_atomically
from budgetcontrol.xlsx.styles import style


STREAM_ROWS = 1000  # a Table rewritten with this many rows is streamed into the file


def _column(values: list, key: str) -> Column:
    """A Table column's values as streamed: dates, numbers or text, by what the column holds."""
    kinds = {writer.kind_of(v) for v in values if v not in (None, "")}
    return Column(values, kinds.pop() if len(kinds) == 1 else "text", key)


class FileBook:
    """An .xlsx/.xlsm file opened with openpyxl (VBA kept for .xlsm)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._inputs = contract.load(self.path)  # validates first: a bad workbook is refused before anything changes
        try:  # the generated sheets are replaced anyway: opened without their rows, which is much faster
            package = stream.without_rows(self.path.read_bytes(), set(GENERATED))
            self.wb = openpyxl.load_workbook(io.BytesIO(package), keep_vba=self.path.suffix.lower() == ".xlsm")
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
        headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
        rows = []
        for r in range(r1 + 1, r2 + 1):
            values = [ws.cell(r, c).value for c in range(c1, c2 + 1)]
            if any(v not in (None, "") for v in values):
                rows.append(dict(zip(headers, values)))
        return rows

    def set_table_rows(self, name: str, rows: list[dict], styles: dict[str, str]) -> None:
        """Rewrite a Table's body with ``rows`` (missing columns blank) and resize it; ``styles`` maps a
        column to a style key."""
        ws, table = self._table(name)
        c1, r1, c2, r2 = range_boundaries(table.ref)
        headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
        last = r1 + max(len(rows), 1)
        if len(rows) >= STREAM_ROWS and not any(r > r1 and not (c1 <= c <= c2 and r <= r2) for r, c in ws._cells):
            self._stream_rows(ws, r1, c1, rows, styles, headers)
        else:
            for r in range(r1 + 1, max(r2, last) + 1):
                row = rows[r - r1 - 1] if r - r1 - 1 < len(rows) else {}
                for c, header in zip(range(c1, c2 + 1), headers):
                    cell = ws.cell(r, c)
                    cell.value = row.get(header)
                    if header in styles:
                        for attr, value in style(styles[header]).items():
                            setattr(cell, attr, value)
        table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{last}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref

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
