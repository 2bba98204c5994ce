"""build: a data folder (or workbook) -> validated inputs -> engine -> controller workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from budgetcontrol import contract, sheets
from budgetcontrol.engine import Result, compute
from budgetcontrol.xlsx import writer


def build(source: str | Path, target: str | Path, as_of: dt.date | None = None) -> Result:
    result = compute(contract.load(source), as_of)
    writer.save(sheets.layouts(result), target)
    return result
