"""What a sheet holds, independent of the file writer.

A sheet module (``sheets/corrected.py`` …) returns a :class:`SheetLayout`: cells with
a value or a formula, a style key, and — for every figure — the engine's value the
formula must produce (``expect``). The writer (``xlsx/writer.py``) turns layouts into a
workbook; the verifier (``verify.py``) recalculates that workbook and holds every
``expect`` against what the spreadsheet computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from openpyxl.utils import get_column_letter


def col(n: int) -> str:
    return get_column_letter(n)


def ref(row: int, column: int, absolute: str = "") -> str:
    """A1 reference; ``absolute`` may hold 'c' and/or 'r' for $ on column/row."""
    c = ("$" if "c" in absolute else "") + col(column)
    r = ("$" if "r" in absolute else "") + str(row)
    return c + r


_SENTINEL_ROW = 987_654  # a row number no formula holds otherwise (formulas hold no constants)


def per_row(build: Callable[[int], str], check_row: int) -> Callable[[int], str]:
    """A column's formula for any row, made once: one formula pattern per column, so ``build`` is called
    at a sentinel row and split where the row number stands, and ``r`` is put back in (many times faster
    than building each row's text). ``build(check_row)`` must come out the same, or ValueError."""
    parts = build(_SENTINEL_ROW).split(str(_SENTINEL_ROW))
    made = lambda r: str(r).join(parts)
    if made(check_row) != build(check_row):
        raise ValueError(f"the formula {build(check_row)!r} is not one pattern per row")
    return made


def sheet_ref(sheet: str, row: int, column: int) -> str:
    return f"'{sheet}'!${col(column)}${row}"


def range_ref(sheet: str, first_row: int, last_row: int, column: int) -> str:
    c = col(column)
    return f"'{sheet}'!${c}${first_row}:${c}${last_row}"


def row_range(sheet: str, row: int, first_col: int, last_col: int) -> str:
    return f"'{sheet}'!${col(first_col)}${row}:${col(last_col)}${row}"


def figure(value) -> Any:
    """An engine figure as a cell's expected value: blank (NaN/None) is the empty text a formula gives."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return float(value)


@dataclass(slots=True)  # hundreds of thousands per build: slots make them quicker to make and smaller
class Cell:
    value: Any = None  # text, number, date, or a formula starting with "=" (only when formula=True)
    style: str = "text"
    expect: Any = None  # the engine's figure for a formula cell, or None
    formula: bool = False
    link: str | None = None  # internal hyperlink target, e.g. "'Audit'!A7"


@dataclass
class Column:
    """One column of a :class:`Bulk`: a value per row (a formula text without "=" for kind "formula";
    None = an empty cell), of one kind and style; ``expect`` holds a formula column's engine figures."""

    values: Any
    kind: str  # number | integer | text | date | formula
    style: str = "text"
    expect: Any = None


@dataclass
class Bulk:
    """Many rows of a sheet given column by column (input Tables, the Ledger): written straight into the
    file by ``xlsx/stream.py`` instead of cell by cell. Rows below every cell of the sheet's ``cells``."""

    first_row: int
    first_col: int
    columns: list[Column]

    @property
    def rows(self) -> int:
        return max((len(c.values) for c in self.columns), default=0)


@dataclass
class Table:
    name: str
    first_row: int  # header row
    last_row: int
    first_col: int
    columns: list[str]
    style: str = "TableStyleLight9"


@dataclass
class Conditional:
    range: str
    formula: str
    style: str  # a key of xlsx.styles.CONDITIONAL


@dataclass
class Validation:
    range: str
    kind: str  # "list" | "whole" | "date"
    formula1: str
    formula2: str | None = None
    prompt: str = ""


@dataclass
class Series:
    title: str  # a reference to the cell holding the series name, e.g. "'Monthly'!$A$40"
    values: str  # a range, e.g. "'Monthly'!$C$40:$N$40"


@dataclass
class Chart:
    """A native Excel chart over cells of the sheet (line or bar)."""

    kind: str  # "line" | "bar"
    title: str
    anchor: str  # top-left cell
    categories: str  # a range holding the x-axis labels
    series: list[Series]
    y_title: str = ""
    width: float = 22.0  # cm
    height: float = 9.0
    number_format: str = "#,##0"
    from_zero: bool = False  # the value axis starts at 0 (columns of amounts: never a cut-off axis)


@dataclass
class SheetLayout:
    name: str
    role: str  # input | output | calc | check
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    tables: list[Table] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # workbook-level defined names
    conditionals: list[Conditional] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    bulk: list[Bulk] = field(default_factory=list)
    stream_from: int | None = None  # cells from this row on are streamed into the file (many rows, below all else)
    # What a controller sees and prints: helper columns and rows hidden (not printed), the heading rows repeated on
    # every printed page ("6:7"), page breaks before these rows (a chart block on a page of its own), the footer's
    # left text and the text before "Side n af m" on the right.
    hidden: bool = False  # a calculation sheet: hidden, not very hidden
    hidden_columns: list[int] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    print_titles: str | None = None
    page_breaks: list[int] = field(default_factory=list)
    footer: tuple[str, str] = ("", "")

    def entries(self):
        """Every cell as (row, column, value, is_formula, expect), ``cells`` then ``bulk`` (formula texts with "=")."""
        for (r, c), cell in self.cells.items():
            yield r, c, cell.value, cell.formula, cell.expect
        for block in self.bulk:
            for j, column in enumerate(block.columns):
                formula = column.kind == "formula"
                expect = column.expect if column.expect is not None else [None] * len(column.values)
                for i, (value, figure) in enumerate(zip(column.values, expect)):
                    if value is not None:
                        yield block.first_row + i, block.first_col + j, "=" + value if formula else value, formula, figure

    def put(self, row: int, column: int, value: Any, style: str = "text", expect: Any = None,
            link: str | None = None) -> Cell:
        cell = Cell(value=value, style=style, expect=expect, link=link)
        self.cells[(row, column)] = cell
        return cell

    def formula(self, row: int, column: int, text: str, expect: Any, style: str = "amount") -> Cell:
        """A formula cell; ``expect`` is the engine's figure it must equal after recalculation."""
        cell = Cell(text if text[:1] == "=" else "=" + text, style, expect, True)
        self.cells[(row, column)] = cell
        return cell

    def fit_widths(self, minimum: float = 8, maximum: float = 60, padding: float = 2) -> None:
        """Column widths that fit the text and figures (formulas count as figures of 12 characters)."""
        for (row, column), cell in self.cells.items():
            if cell.formula:
                length = 12 if cell.style != "text" else 16
            elif cell.style in ("title", "subtitle", "note"):
                continue
            else:
                length = len(str(cell.value)) if cell.value is not None else 0
            self.widths[column] = max(self.widths.get(column, minimum), min(maximum, length + padding))
        for block in self.bulk:  # a sample of each bulk column is enough
            for j, col_ in enumerate(block.columns):
                sample = [v for v in col_.values[:2000] if v is not None]
                length = max((len(str(v)) for v in sample), default=0) if col_.kind == "text" else 12
                c = block.first_col + j
                self.widths[c] = max(self.widths.get(c, minimum), min(maximum, length + padding))
