"""verify: recalculate a workbook in LibreOffice and hold every formula cell against the engine.

The expected figures come from laying the workbook out again from its own input Tables,
so a stale or hand-damaged output sheet shows up as mismatches.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from python_calamine import CalamineWorkbook

from budgetcontrol import contract, sheets
from budgetcontrol.contract.tables import Inputs
from budgetcontrol.engine import compute
from budgetcontrol.recalc import recalculate
from budgetcontrol.sheets import ledger
from budgetcontrol.sheets.layout import SheetLayout, ref
from budgetcontrol.sheets.names import AUDIT, LEDGER

TOLERANCE = 0.0005  # far below the krone; only float noise may differ
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Mismatch:
    sheet: str
    cell: str
    expected: object
    got: object

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: expected {self.expected!r}, got {self.got!r}"


def same(expected, got) -> bool:
    if isinstance(expected, (dt.date, dt.datetime)):
        if isinstance(got, (int, float)) and not isinstance(got, bool):
            got = EXCEL_EPOCH + dt.timedelta(days=int(got))
        if isinstance(got, dt.datetime):
            got = got.date()
        exp = expected.date() if isinstance(expected, dt.datetime) else expected
        return got == exp
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and math.isclose(
            float(got), float(expected), abs_tol=TOLERANCE, rel_tol=1e-12)
    return str(got) == str(expected)


def compare(layouts: list[SheetLayout], recalculated: str | Path) -> tuple[list[Mismatch], int]:
    """Mismatches between each formula cell's expected figure and the recalculated value, and the count compared."""
    wb = CalamineWorkbook.from_path(str(recalculated))
    mismatches: list[Mismatch] = []
    compared = 0
    for layout in layouts:
        formulas = [(r, c, expect) for r, c, _, formula, expect in layout.entries() if formula]
        if not formulas:
            continue
        grid = wb.get_sheet_by_name(layout.name).to_python(skip_empty_area=False)
        for r, c, expect in formulas:
            got = grid[r - 1][c - 1] if r - 1 < len(grid) and c - 1 < len(grid[r - 1]) else None
            compared += 1
            if expect is None or not same(expect, got):
                mismatches.append(Mismatch(layout.name, ref(r, c), expect, got))
    return _errors_rechecked(mismatches, recalculated), compared


def _errors_rechecked(mismatches: list[Mismatch], recalculated: str | Path) -> list[Mismatch]:
    """calamine reads error cells (#N/A for chart gaps) as empty; openpyxl reads their code."""
    errors = [m for m in mismatches if isinstance(m.expected, str) and m.expected.startswith("#")]
    if not errors:
        return mismatches
    import openpyxl

    wb = openpyxl.load_workbook(recalculated, data_only=True, read_only=True)
    still = []
    for m in mismatches:
        if m in errors:
            got = wb[m.sheet][m.cell].value
            if got == m.expected:
                continue
            m = Mismatch(m.sheet, m.cell, m.expected, got)
        still.append(m)
    return still


def verify(workbook: str | Path) -> tuple[list[Mismatch], int]:
    inputs = contract.load(workbook)
    with tempfile.TemporaryDirectory(prefix="bc-verify-") as tmp:
        return compare(expected_layouts(inputs, workbook), recalculate(workbook, tmp))


def expected_layouts(inputs: Inputs, workbook: str | Path) -> list[SheetLayout]:
    """The sheets as the workbook's formulas must compute them. Rows typed into the input Tables in Excel
    since the workbook was written count in every figure, by the formulas themselves; only the Ledger and
    the drill-down (Audit) still hold the rows as written, and the Checks sheet the checks as written,
    until the next refresh: those are laid out from the rows as written."""
    tabs = sheets.tab_names_for(inputs)
    written = _written_rows(workbook, tabs[LEDGER])
    # the sheet row below the last one the Ledger summed, per Table (frames are indexed by sheet row)
    end = {table: inputs.table_headers[table][1] + 1 + rows for table, rows in written.items()}
    frames = {table: frame for table, frame in ledger.table_frames(inputs).items() if table in written}
    typed = {table: int((frame.index >= end[table]).sum()) for table, frame in frames.items()}
    result = compute(inputs)
    if not any(typed.values()):
        return sheets.layouts(result)
    then = compute(replace(inputs, table_rows={**inputs.table_rows, **written},
                           **{table.lower(): frame[frame.index < end[table]] for table, frame in frames.items()}))
    now = {c.key: c for c in result.checks}
    as_written = [now[c.key] for c in then.checks if c.key in now]  # a zero-sum change typed since has no row yet
    fresh = sheets.layouts(replace(result, checks=as_written), typed)
    old = {layout.name: layout for layout in sheets.layouts(then) if layout.name in (tabs[LEDGER], tabs[AUDIT])}
    return [old.get(layout.name, layout) for layout in fresh]


def _written_rows(workbook: str | Path, ledger_tab: str) -> dict[str, int]:
    """The rows of each input Table the Ledger summed when the workbook was written (none for a data folder)."""
    if Path(workbook).suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    wb = CalamineWorkbook.from_path(str(workbook))
    if ledger_tab not in wb.sheet_names:
        return {}
    sheet = wb.get_sheet_by_name(ledger_tab)
    return ledger.written_rows(list(itertools.islice(sheet.iter_rows(), ledger.SETTING_ROW + 1)))
