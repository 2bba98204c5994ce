"""What a build over an existing workbook would drop: the controller's own sheets, rows typed into its
input Tables that the data folder does not give, and defined names of their own. ``build`` refuses to
drop any of it without ``--force`` (issue 17)."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from budgetcontrol import contract
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.settings_sheet import ROWS
from budgetcontrol.contract.tables import Inputs
from budgetcontrol.sheets.layout import SheetLayout

# The Inputs frames and the Table each is read from.
TABLES = {"budget": "Budget", "changes": "Changes", "actuals": "Actuals", "phasing": "Phasing",
          "targets": "ActivityTargets", "activity": "Activity", "forecast": "Forecast", "history": "HistoryData",
          "outer_budget": "OuterBudget", "savings": "SavingsData"}
SHOWN = 3  # items named in the one line; the rest counted


def _norm(v):
    if isinstance(v, float):
        return round(v, 6)
    return v if isinstance(v, (int, str)) else str(v)


def _keys(frame: pd.DataFrame) -> list[tuple]:
    """Each row as a comparable tuple (amounts to six decimals, dates as text)."""
    return [tuple(_norm(v) for v in row) for row in frame.itertuples(index=False)]


def dropped(existing: Path, inputs: Inputs, layouts: list[SheetLayout], weights: pd.DataFrame | None = None) -> list[str]:
    """What of ``existing`` a build of ``layouts`` from ``inputs`` would not carry over, as short phrases;
    ``weights``: the phasing the build writes (resolved, where the inputs may give none)."""
    from budgetcontrol.xlsx.package import Package

    try:
        old = contract.load(existing)
    except InputError as exc:
        return [f"a workbook that cannot be read as one ({exc.message[:80]})"]
    out = []
    package = Package(io.BytesIO(existing.read_bytes()))
    names = {layout.name for layout in layouts}
    out += [f"sheet '{s['name']}'" for s in package.sheets() if s["name"] not in names]
    for key, table in TABLES.items():
        before, after = getattr(old, key, None), getattr(inputs, key, None)
        if key == "phasing" and weights is not None:
            after = weights
        if before is None or before.empty:
            continue
        columns = [c for c in before.columns if after is not None and c in after.columns]
        keys = _keys(before[columns])
        missing = Counter(keys) - (Counter(_keys(after[columns])) if after is not None else Counter())
        if missing:
            n = sum(missing.values())
            first = next((idx for idx, row in zip(before.index, keys) if row in missing), None)
            out.append(f"{n} row{'s' if n != 1 else ''} of the {table} Table" + (f" (row {first} …)" if first is not None else ""))
    own = {n for layout in layouts for n in layout.names} | {name for _, _, name, _ in ROWS if name}
    for m in re.finditer(r'<definedName\b[^>]*\bname="([^"]+)"', package.text("xl/workbook.xml")):
        name = m.group(1)
        if not name.startswith("_xlnm.") and name not in own:
            out.append(f"defined name '{name}'")
    return out


def summary(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")
