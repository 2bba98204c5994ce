"""A small test double of the part of the xlwings Book API that ``budgetcontrol.xlsx.live`` uses,
backed by an openpyxl workbook. Real Excel cannot run on this Linux machine; this stands in for
it as far as the adapter's calls go: ranges (values the way xlwings returns them — a scalar for
one cell, a flat list for one row or column; every value read is counted in ``Book.cells_handed_over``,
as xlwings hands them over COM), Range.Formula (text behind an apostrophe stays
text), Tables, names, the status bar, message boxes, the file dialog and SaveCopyAs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from budgetcontrol.xlsx.writer import write_file


class _Covered:
    value = None
    number_format = "General"
    data_type = "n"


def _writable(cell):
    return _Covered() if isinstance(cell, MergedCell) else cell


class Range:
    def __init__(self, ws, r1, c1, r2=None, c2=None, book=None):
        self.ws, self.book = ws, book
        self.row, self.column = r1, c1
        self.last_row, self.last_column = r2 or r1, c2 or c1

    def _cells(self):
        """The cells; the covered cells of a merge take no values (as in Excel, where they stay empty)."""
        return [[_writable(self.ws.cell(r, c)) for c in range(self.column, self.last_column + 1)]
                for r in range(self.row, self.last_row + 1)]

    @property
    def rows(self):
        return type("Rows", (), {"count": self.last_row - self.row + 1})()

    @property
    def address(self):
        """As xlwings gives it: absolute, e.g. ``$A$4:$F$20``."""
        first = f"${get_column_letter(self.column)}${self.row}"
        last = f"${get_column_letter(self.last_column)}${self.last_row}"
        return first if first == last else f"{first}:{last}"

    @property
    def sheet(self):
        return Sheet(self.book, self.ws)

    def get_address(self, row_absolute=True, column_absolute=True, include_sheetname=False, external=False):
        """As xlwings gives it with ``external=True``: ``[book.xlsx]Sheet!$A$4:$F$20`` (absolute only)."""
        return f"[{self.book.name}]{self.ws.title}!{self.address}" if external else self.address

    @property
    def value(self):
        grid = [[c.value for c in row] for row in self._cells()]
        if self.book is not None:
            self.book.cells_handed_over += sum(len(row) for row in grid)
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if len(grid[0]) == 1:
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, grid):
        grid = grid if isinstance(grid, list) and grid and isinstance(grid[0], list) else [[grid]]
        for row, values in zip(self._cells(), grid):
            for cell, value in zip(row, values):
                _typed(cell, value)

    @property
    def formula(self):
        raise NotImplementedError

    @formula.setter
    def formula(self, grid):
        for row, values in zip(self._cells(), grid):
            for cell, value in zip(row, values):
                _typed(cell, value)

    @property
    def number_format(self):
        return self._cells()[0][0].number_format

    @number_format.setter
    def number_format(self, fmt):
        for row in self._cells():
            for cell in row:
                cell.number_format = fmt

    def clear_contents(self):
        for row in self._cells():
            for cell in row:
                cell.value = None

    def select(self):
        self.book.selected = (self.ws.title, f"{get_column_letter(self.column)}{self.row}")


class Table:
    def __init__(self, sheet, table):
        self.sheet, self.table, self.name = sheet, table, table.displayName

    def _bounds(self):
        return range_boundaries(self.table.ref)

    @property
    def range(self):
        """The whole Table with its header row, as ``Budget[#All]`` refers to it."""
        c1, r1, c2, r2 = self._bounds()
        return Range(self.sheet.ws, r1, c1, r2, c2, self.sheet.book)

    @property
    def header_row_range(self):
        c1, r1, c2, _ = self._bounds()
        return Range(self.sheet.ws, r1, c1, r1, c2, self.sheet.book)

    @property
    def data_body_range(self):
        c1, r1, c2, r2 = self._bounds()
        return Range(self.sheet.ws, r1 + 1, c1, r2, c2, self.sheet.book) if r2 > r1 else None

    def resize(self, rng):
        self.table.ref = f"{get_column_letter(rng.column)}{rng.row}:{get_column_letter(rng.last_column)}{rng.last_row}"
        if self.table.autoFilter is not None:
            self.table.autoFilter.ref = self.table.ref


class Tables(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(t for t in self if t.name == key)
        return list.__getitem__(self, key)


class Sheet:
    def __init__(self, book, ws):
        self.book, self.ws, self.name = book, ws, ws.title

    @property
    def tables(self):
        return Tables(Table(self, t) for t in self.ws.tables.values())

    def range(self, first, last=None):
        if isinstance(first, str):
            c1, r1, c2, r2 = range_boundaries(first)
            return Range(self.ws, r1, c1, r2, c2, self.book)
        last = last or first
        return Range(self.ws, first[0], first[1], last[0], last[1], self.book)

    def clear_contents(self):
        for row in self.ws.iter_rows():
            for cell in row:
                _writable(cell).value = None

    def activate(self):
        self.book.active = self.name


class Sheets:
    def __init__(self, book):
        self.book = book

    def _all(self):
        return [Sheet(self.book, ws) for ws in self.book.wb.worksheets]

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self.book.wb.worksheets)

    def __getitem__(self, key):
        return self._all()[key] if isinstance(key, int) else Sheet(self.book, self.book.wb[key])

    def add(self, name, after=None):
        return Sheet(self.book, self.book.wb.create_sheet(name))


class Names:
    def __init__(self, wb):
        self.wb = wb

    def add(self, name, refers_to):
        self.wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))


class App:
    def __init__(self, picked):
        self.status_bars: list = []
        self.alerts: list = []
        self.api = type("AppApi", (), {"GetOpenFilename": lambda _self, fltr, index, title: picked or False})()

    @property
    def status_bar(self):
        return self.status_bars[-1] if self.status_bars else False

    @status_bar.setter
    def status_bar(self, value):
        self.status_bars.append(value)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title, mode))
        return "ok"


class Book:
    """``xw.Book.caller()`` of a workbook file, as far as the adapter uses it."""

    def __init__(self, path: Path, picked: str | None = None):
        self.path = Path(path)
        self.name = self.path.name
        self.wb = openpyxl.load_workbook(self.path, keep_vba=self.path.suffix == ".xlsm")
        self.app = App(picked)
        self.sheets = Sheets(self)
        self.names = Names(self.wb)
        self.selected = self.active = None
        self.cells_handed_over = 0
        book = self
        self.api = type("BookApi", (), {"SaveCopyAs": lambda _self, target: book.save(target)})()

    def table(self, name: str) -> Table:
        """The Table of that name on whichever sheet holds it."""
        return next(t for sheet in self.sheets for t in sheet.tables if t.name == name)

    def save(self, target: str | Path) -> None:
        self.wb.properties.modified = dt.datetime(2000, 1, 1)
        write_file(self.wb, target)


def _typed(cell, value) -> None:
    """As Excel takes a value: a leading apostrophe makes the rest a text (Excel keeps it as the cell's
    prefix character, not in its value); "=…" is a formula."""
    if isinstance(value, str) and value.startswith("'"):
        cell.value = value[1:]
        cell.data_type = "s"
    else:
        cell.value = value
