"""A workbook open in Excel (an xlwings Book, from ``xw.Book.caller()``) behind the interface the
monthly refresh needs (``refresh.Book``), and Excel's status bar, message box, file dialog and
selection behind ``actions.UI``. The same refresh code runs on a file through ``xlsx/book.py``.

Only the BSD-licensed xlwings API is used: sheets, ranges, Tables, names, ``app.status_bar``,
``app.alert``, and Excel's own ``SaveCopyAs`` and ``GetOpenFilename`` through ``.api`` (Windows).

The inputs are read from a copy the book saves of itself, by the same strict reader as the CLI,
so rows typed and not yet saved count. Rebuilt sheets get their values and formulas in one
write per sheet; their formats, charts and conditional formats stay from the build (the sheets'
shape only changes when sectors or categories are added: build the workbook anew then).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

from budgetcontrol import contract
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.ranges import rows_of
from budgetcontrol.contract.settings_sheet import KEY, SHEET as SETTINGS, VALUE
from budgetcontrol.sheets.names import settings_sheet
from budgetcontrol.contract.tables import YEARS, Inputs
from budgetcontrol.sheets.layout import SheetLayout
from budgetcontrol.xlsx.styles import style

SETTINGS_ROWS = 100  # how far down column A of Settings a key is looked for
FILE_FILTER = "Eksport (*.csv;*.txt;*.xlsx;*.xls),*.csv;*.txt;*.xlsx;*.xls"


class LiveBook:
    def __init__(self, book):
        self.book = book
        self._inputs: Inputs | None = None

    def inputs(self) -> Inputs:
        if self._inputs is None:
            suffix = Path(self.book.name).suffix or ".xlsm"
            with tempfile.TemporaryDirectory(prefix="bc-live-") as folder:
                copy = Path(folder) / f"copy{suffix}"
                self.book.api.SaveCopyAs(str(copy))
                inputs = contract.load(copy)
            tables = {t.name for sheet in self.book.sheets for t in sheet.tables}
            missing = [spec.table for spec in YEARS if spec.table not in tables]
            if missing:  # adding sheets with Tables through Excel is left to the file refresh
                raise InputError(self.book.name, f"the workbook has no Table {missing[0]} (built by an earlier version); "
                                                 f"rebuild it once: budgetcontrol build OLD.xlsm -o NEW.xlsm")
            self._inputs = dataclasses.replace(inputs, source=self.book.name)
        return self._inputs

    def _table(self, name: str):
        for sheet in self.book.sheets:
            if name in [t.name for t in sheet.tables]:
                return sheet, sheet.tables[name]
        raise InputError(self.book.name, f"the workbook has no Excel Table named '{name}'")

    def table_rows(self, name: str) -> list[dict]:
        _, table = self._table(name)
        headers = rows_of(table.header_row_range.value, name)[0]
        body = rows_of(table.data_body_range.value, name) if table.data_body_range is not None else []
        return [dict(zip(headers, row)) for row in body if any(v not in (None, "") for v in row)]

    def month_rows(self, name: str) -> list[dict]:
        """The Table's body rows: Excel hands them over whole, so they are the rows as table_rows reads them."""
        return self.table_rows(name)

    def set_table_rows(self, name: str, rows: list[dict], styles: dict[str, str]) -> None:
        sheet, table = self._table(name)
        header = table.header_row_range
        headers = rows_of(header.value, name)[0]
        top, left, width = header.row, header.column, len(headers)
        old_last = top + (table.data_body_range.rows.count if table.data_body_range is not None else 0)
        count = max(len(rows), 1)
        table.resize(sheet.range((top, left), (top + count, left + width - 1)))
        body = [[_entry(row.get(h), False) for h in headers] for row in rows] or [[None] * width]  # texts stay texts
        sheet.range((top + 1, left), (top + count, left + width - 1)).value = body
        if old_last > top + count:
            sheet.range((top + count + 1, left), (old_last, left + width - 1)).clear_contents()
        for column, key in styles.items():
            if column in headers:
                c = left + headers.index(column)
                sheet.range((top + 1, c), (top + count, c)).number_format = style(key)["number_format"]

    def set_setting(self, key: str, value) -> None:
        tab = settings_sheet(s.name for s in self.book.sheets) or SETTINGS
        sheet = self.book.sheets[tab]
        keys = sheet.range((1, KEY), (SETTINGS_ROWS, KEY)).value
        if key not in keys:
            raise InputError(self.book.name, f"setting '{key}' is missing (column A of the {tab} sheet)", sheet=tab)
        sheet.range((keys.index(key) + 1, VALUE)).value = _datetime(value)

    def replace_generated(self, layouts: list[SheetLayout]) -> None:
        names = [s.name for s in self.book.sheets]
        for layout in layouts:
            if layout.role == "input":
                continue
            if layout.name in names:
                sheet = self.book.sheets[layout.name]
                sheet.clear_contents()
            else:
                sheet = self.book.sheets.add(layout.name, after=self.book.sheets[len(self.book.sheets) - 1])
            entries = list(layout.entries())
            rows = max(e[0] for e in entries)
            columns = max(e[1] for e in entries)
            grid = [[None] * columns for _ in range(rows)]
            for r, c, value, formula, _ in entries:
                grid[r - 1][c - 1] = _entry(value, formula)
            sheet.range((1, 1), (rows, columns)).formula = grid
            for name, target in layout.names.items():
                self.book.names.add(name, "=" + target)

    def save(self) -> None:
        """Nothing: the changes are in the open workbook, and the controller saves it as usual."""


def _entry(value, formula: bool):
    """A cell as Range.Formula takes it: formulas as written, text behind an apostrophe (so '010'
    stays text and '=x' is no formula), numbers and dates as they are."""
    if formula or value is None:
        return value
    if isinstance(value, str):
        return "'" + value
    return _datetime(value)


def _datetime(value):
    """Dates as datetimes, which COM passes to Excel as dates."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


class ExcelUI:
    """Excel's status bar, message boxes, file dialog and selection."""

    def __init__(self, book):
        self.book = book

    def status(self, text: str) -> None:
        self.book.app.status_bar = text or False  # False hands the status bar back to Excel

    def alert(self, text: str, critical: bool = False) -> None:
        self.book.app.alert(text, title="budgetcontrol", mode="critical" if critical else "info")

    def pick_file(self, title: str) -> str | None:
        chosen = self.book.app.api.GetOpenFilename(FILE_FILTER, 1, title)
        return chosen if isinstance(chosen, str) and chosen else None

    def goto(self, sheet: str, cell: str) -> None:
        target = self.book.sheets[sheet]
        target.activate()
        target.range(cell).select()
