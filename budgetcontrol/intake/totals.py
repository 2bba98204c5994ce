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


def _cells(frame: pd.DataFrame, typed: bool) -> pd.DataFrame:
    """The cells as stripped text (a CSV file's come stripped)."""
    if not typed:
        return frame
    return frame.apply(lambda column: column.map(lambda v: "" if v is None else str(v).strip()))


def split_totals(frame: pd.DataFrame, file: str, amount_column: str | None, typed: bool = False,
                 period_columns: tuple[str, ...] = ()) -> tuple[pd.DataFrame, list[TotalRow]]:
    """The data rows and the trailing total rows of ``frame`` (file columns as read; ``amount_column`` the
    header of the amount column, if any; ``period_columns`` the month's, which a total row may repeat). A
    total row reads as one (``I alt`` …) in a cell and has nothing else but the period and the amount: a
    posting text beginning "Total renovering" on a row with its account is data. Rows after the data with
    no amount and one text (a footer: "Udskrevet 01-07-2014") are left out."""
    if frame.empty:
        return frame, []
    labels = [c for c in frame.columns if c != amount_column]
    cells = _cells(frame[labels], typed)
    filled = (cells != "").sum(axis=1)
    labelled = pd.Series(False, index=frame.index)
    others = pd.Series(0, index=frame.index)  # filled cells besides the label and the period
    for column in labels:
        match = cells[column].str.match(_TOTAL)
        labelled |= match
        others += ((cells[column] != "") & ~match & (column not in period_columns)).astype(int)
    is_total = labelled & (others == 0)
    amount = _cells(frame[[amount_column]], typed)[amount_column] if amount_column else pd.Series("", index=frame.index)
    footer = (filled <= 1) & (amount == "") & ~is_total
    data = ~is_total & ~footer
    if not is_total.any() and not footer.any():
        return frame, []
    last_data = max((i for i, flag in enumerate(data.tolist()) if flag), default=-1)
    inner_total = [i for i, flag in enumerate(is_total.tolist()) if flag and i < last_data]
    if inner_total:
        idx = frame.index[inner_total[0]]
        label = next(v for v in cells.iloc[inner_total[0]] if v)
        raise InputError(file, f"'{label[:40]}' is a subtotal between data rows; export without subtotals (a total "
                               f"row may stand only at the end)", row=int(idx))
    positions = [i for i, flag in enumerate(is_total.tolist()) if flag]
    if positions and amount_column is None:
        raise InputError(file, "a total row without an amount column", row=int(frame.index[positions[0]]))
    totals = [TotalRow(int(frame.index[i]), frame.iloc[i][amount_column]) for i in positions]
    return frame.iloc[: last_data + 1], totals


def check_totals(totals: list[TotalRow], parsed: list[float], data_sum: float, file: str, column: str, unit: str,
                 tolerance: float = 0.005) -> float | None:
    """Each total row's amount (``parsed``, in order) against the sum of the data rows; the export's total."""
    from budgetcontrol.danish import with_unit

    for row, amount in zip(totals, parsed):
        if abs(amount - data_sum) > tolerance:
            raise InputError(file, f"the total row says {with_unit(amount, unit)}, but the rows above it sum to "
                                   f"{with_unit(data_sum, unit)}; is a row missing or doubled?", row=row.index, column=column)
    return parsed[-1] if parsed else None
