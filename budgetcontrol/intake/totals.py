"""Total rows ("I alt") at the end of an export: recognised, checked against the rows above, and left out.

A row whose first filled cell reads as a total (``I alt``, ``Total``, ``Sum``, ``Samlet`` …) and that stands
after every data row is a total: its amount must equal the sum of the rows above it (a mismatch is refused
in one line). A total between data rows (a subtotal) is refused: export without subtotals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from budgetcontrol.contract.errors import InputError

_TOTAL = re.compile(r"^(i\s*alt|total[t]?|sum|samlet|hovedtotal|subtotal|sum i alt)\b", re.IGNORECASE)


@dataclass(frozen=True)
class TotalRow:
    index: int  # the row's number in the file
    amount: object  # as written (text) or typed (an .xlsx number)


def _first_filled(frame: pd.DataFrame, typed: bool) -> pd.Series:
    """Each row's first cell that is not empty, column at a time (a CSV file's cells come stripped)."""
    first = pd.Series("", index=frame.index, dtype=object)
    for column in frame.columns:
        values = frame[column]
        text = values.map(lambda v: "" if v is None else str(v).strip()) if typed else values
        first = first.where(first != "", text)
    return first.fillna("").astype(str)


def split_totals(frame: pd.DataFrame, file: str, amount_column: str | None, typed: bool = False
                 ) -> tuple[pd.DataFrame, list[TotalRow]]:
    """The data rows and the trailing total rows of ``frame`` (file columns as read; ``amount_column`` the
    header of the amount column, if any)."""
    if frame.empty:
        return frame, []
    text_columns = [c for c in frame.columns if c != amount_column]
    firsts = _first_filled(frame[text_columns], typed) if text_columns else pd.Series("", index=frame.index)
    is_total = firsts.str.match(_TOTAL)
    if not is_total.any():
        return frame, []
    positions = [i for i, flag in enumerate(is_total.tolist()) if flag]
    first_total = positions[0]
    data_after = [i for i in range(first_total, len(frame)) if not is_total.iloc[i]]
    if data_after:
        idx = frame.index[first_total]
        raise InputError(file, f"'{firsts.iloc[first_total][:40]}' is a subtotal between data rows; export without "
                               f"subtotals (a total row may stand only at the end)", row=int(idx))
    if amount_column is None:
        raise InputError(file, "a total row without an amount column", row=int(frame.index[first_total]))
    totals = [TotalRow(int(frame.index[i]), frame.iloc[i][amount_column]) for i in positions]
    return frame.iloc[:first_total], totals


def check_totals(totals: list[TotalRow], parsed: list[float], data_sum: float, file: str, column: str, unit: str,
                 tolerance: float = 0.005) -> float | None:
    """Each total row's amount (``parsed``, in order) against the sum of the data rows; the export's total."""
    from budgetcontrol.danish import with_unit

    for row, amount in zip(totals, parsed):
        if abs(amount - data_sum) > tolerance:
            raise InputError(file, f"the total row says {with_unit(amount, unit)}, but the rows above it sum to "
                                   f"{with_unit(data_sum, unit)}; is a row missing or doubled?", row=row.index, column=column)
    return parsed[-1] if parsed else None
