"""An export saved straight to Excel (.xlsx, .xlsm, .xls, .ods): the first sheet, or the one named, read
with calamine. The header row is found below any title rows as in a CSV file; numbers and dates come typed
from the file, text stays text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.workbook import _open, cells_of

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
HEADER_SEARCH = 50


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEETS


def read_rows(path: Path, file: str, sheet: str | None) -> tuple[list[list], str]:
    """The sheet's cells as rows, and the sheet's name."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = _open(path)
    else:
        if not path.is_file():
            raise InputError(file, "file not found")
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_path(str(path))
        except BaseException as exc:  # calamine's own errors, and pyo3's PanicException (a BaseException) on a damaged file
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            said = str(exc).strip().splitlines()[0][:80] if str(exc).strip() else type(exc).__name__
            raise InputError(file, f"cannot read the spreadsheet ({said}); open it in Excel and save it again") from None
    names = list(wb.sheet_names)
    if sheet is None:
        if not names:
            raise InputError(file, "the workbook has no sheet")
        sheet = names[0]
    elif sheet not in names:
        raise InputError(file, f"no sheet '{sheet[:40]}' (the sheets: {', '.join(n[:30] for n in names[:10])})", column="--sheet")
    return cells_of(wb.get_sheet_by_name(sheet), file, sheet, skip_empty_area=False), sheet  # rows as the sheet numbers them


def header_row(rows: list[list], known: set[str], normal) -> int:
    """The 0-based row naming the most known headers (at least two; the first of equals) among the first rows;
    else the first row that is not blank."""
    best = (1, None)
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        score = sum(1 for value in row if isinstance(value, str) and normal(value) in known)
        if score > best[0]:
            best = (score, i)
    if best[1] is not None:
        return best[1]
    return next((i for i, row in enumerate(rows) if any(str(v).strip() for v in row)), 0)


def frame_of(path: Path, file: str, sheet: str | None, known: set[str], normal) -> tuple[pd.DataFrame, int, str]:
    """The sheet as a frame under its header (object columns: numbers and dates typed), indexed by sheet row,
    blank rows dropped; the header's row (1-based) and the sheet's name."""
    rows, name = read_rows(path, file, sheet)
    if not rows or not any(str(v).strip() for row in rows for v in row):
        raise InputError(file, "the sheet is empty", sheet=name)
    at = header_row(rows, known, normal)
    header = [str(v).strip() if v is not None else "" for v in rows[at]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    seen = set()
    for h in header:
        if h and h in seen:
            raise InputError(file, f"the column '{h[:80]}' appears twice in the header; keep one", sheet=name, row=at + 1)
        seen.add(h)
    body = [list(row[:width]) + [""] * (width - len(row)) for row in rows[at + 1:]]
    frame = pd.DataFrame(body, columns=header, dtype=object) if body else pd.DataFrame(columns=header, dtype=object)
    frame.index = pd.RangeIndex(at + 2, at + 2 + len(frame))
    frame = frame.loc[:, [h for h in header if h]]
    if len(frame):
        frame = frame[frame.map(lambda v: v not in ("", None) and str(v).strip() != "").any(axis=1)]
    return frame, at + 1, name
