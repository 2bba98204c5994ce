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
from budgetcontrol.sheets.names import identifier, tabs_of
from budgetcontrol.contract.tables import Inputs
from budgetcontrol.sheets.layout import SheetLayout

# The Inputs frames and the Table each is read from.
TABLES = {"budget": "Budget", "changes": "Changes", "actuals": "Actuals", "phasing": "Phasing",
          "targets": "ActivityTargets", "activity": "Activity", "forecast": "Forecast", "history": "HistoryData",
          "outer_budget": "OuterBudget", "savings": "SavingsData", "comments": "Comments"}
SHOWN = 3  # items named in the one line; the rest counted


def _keys(frame: pd.DataFrame) -> list[int]:
    """Each row as a comparable key (a hash of its values: amounts to six decimals, dates as dates, codes
    as texts), computed for the whole column at once."""
    if frame.empty:
        return []
    canonical = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            canonical[name] = column.astype("datetime64[ns]").astype("int64")
        elif pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            canonical[name] = column.astype("float64").round(6)
        else:
            canonical[name] = column.astype(str)
    return pd.util.hash_pandas_object(canonical, index=False).tolist()


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
    # the tool's sheets of the existing workbook under their tab names (English in one built before part 5)
    old_tabs = tabs_of([s["name"] for s in package.sheets()], old.model.language)
    out += [f"sheet '{s['name']}'" for s in package.sheets() if s["name"] not in names and s["name"] not in old_tabs.values()]
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
    out += _own_columns_and_cells(existing, package, layouts, old_tabs)
    own = {n for layout in layouts for n in layout.names} | {name for _, _, name, _ in ROWS if name}
    for m in re.finditer(r'<definedName\b[^>]*\bname="([^"]+)"', package.text("xl/workbook.xml")):
        name = m.group(1)
        if not name.startswith("_xlnm.") and name not in own:
            out.append(f"defined name '{name}'")
    return out


def _own_columns_and_cells(existing: Path, package, layouts: list[SheetLayout], old_tabs: dict[str, str]) -> list[str]:
    """Columns a controller added to an input Table, and cells of their own on an input sheet (outside its
    Tables and the cells the build writes there); ``old_tabs``: the existing workbook's tab names by identifier."""
    from openpyxl.utils import get_column_letter, range_boundaries
    from python_calamine import CalamineWorkbook

    from budgetcontrol.xlsx.package import attributes

    inputs = {layout.name: layout for layout in layouts if layout.role == "input"}
    wanted = {t.name: t.columns for layout in inputs.values() for t in layout.tables}
    out, areas = [], {}
    for sheet in package.sheets():
        for rel in package.rels(sheet["part"] or ""):
            if not rel.type.endswith("/table") or not package.has(rel.target):
                continue
            xml = package.text(rel.target)
            tag = attributes(re.search(r"<(?:\w+:)?table\b[^>]*>", xml).group(0))
            columns = [attributes(m.group(0)).get("name") for m in re.finditer(r"<(?:\w+:)?tableColumn\b[^>]*>", xml)]
            name = tag.get("displayName")
            extra = [c for c in columns if name in wanted and c not in wanted[name]]
            out += [f"column '{c}' of the {name} Table" for c in extra]
            areas.setdefault(sheet["name"], []).append(range_boundaries(tag.get("ref", "A1:A1")))
    book = CalamineWorkbook.from_path(str(existing))
    for tab, layout in inputs.items():
        title = old_tabs.get(identifier(tab), tab)  # the same sheet under the existing workbook's tab name
        if title not in book.sheet_names:
            continue
        sheet = book.get_sheet_by_name(title)
        spans = areas.get(title, [])
        below = None  # where the cells end, when nothing can stand beside or below its Tables
        if spans and all(c1 == 1 for c1, _, _, _ in spans) and sheet.width <= min(c2 for _, _, c2, _ in spans):
            below = min(r1 for _, r1, _, _ in spans)  # the rows above the first Table hold all there is to check
        grid = sheet.to_python(skip_empty_area=False, nrows=below)
        found = None
        for r, row in enumerate(grid, start=1):
            area = next(((c1, c2) for c1, r1, c2, r2 in areas.get(title, []) if r1 <= r <= r2), None)
            candidates = range(1, len(row) + 1) if area is None else \
                list(range(1, min(area[0], len(row) + 1))) + list(range(area[1] + 1, len(row) + 1))  # beside the Table only
            for c in candidates:
                if row[c - 1] not in ("", None) and (r, c) not in layout.cells:
                    found = f"{get_column_letter(c)}{r}"
                    break
            if found:
                out.append(f"your cells on the sheet '{title}' ({found} …)")
                break
    return out


def summary(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")
