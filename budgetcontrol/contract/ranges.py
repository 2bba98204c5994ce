"""Reading the inputs from cell ranges, as Excel hands them to a worksheet function: lists of rows,
the header row first (``Budget[#All]``), floats for numbers, datetimes for dates, None for empty
cells. The third reader of the data contract, beside the data folder and the workbook file; the
tables are validated exactly as theirs (``tables.validate``).

The settings a data folder keeps in model.yaml come from optional ranges: ``settings`` (rows of
key … value, e.g. the Settings sheet's key and value columns), ``sectors`` (Sectors[#All]) and
``categories`` (Categories[#All]). Without them, sectors and categories are the codes met in the
tables, in order, and every category is operating.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.excel_match import excel_key
from budgetcontrol.contract.model import Model, model_from_dict
from budgetcontrol.contract.settings_sheet import SIGNS
from budgetcontrol.contract.tables import (ACTUALS, BUDGET, CHANGES, FORECAST, PHASING, Inputs, TableSpec, check_excel_matching,
                                            csv_locate, empty, validate)
from budgetcontrol.contract.workbook import cells_frame, text
from budgetcontrol.contract.year_rules import check_lines

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
SETTING_KEYS = ("name", "unit", "variance_sign", "check_tolerance", "forecast", "amber", "red")


def rows_of(value: Any, what: str) -> list[list]:
    """A range's value as rows: one row comes as a flat list, one cell as a scalar."""
    if value is None or value == "":
        return []
    if not isinstance(value, (list, tuple)):
        raise InputError(what, "expects a range with a header row (e.g. Budget[#All]), got a single value")
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]
    return [list(row) for row in value]


def as_of_date(value: Any) -> dt.date:
    """A date cell, an Excel serial number, or text YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return (EXCEL_EPOCH + dt.timedelta(days=int(value))).date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError("as_of", f"{text(value)!r} is not a date (a date cell or text YYYY-MM-DD)") from None


def _frame(value: Any, spec: TableSpec, what: str) -> tuple[pd.DataFrame, callable]:
    """The rows of a Table range, typed like the workbook reader's (numbers must be numbers), with
    a locator naming the row of the range (the header is row 1, as in a CSV file)."""
    rows = rows_of(value, what)
    if not rows:
        if spec is BUDGET:
            raise InputError(what, "is empty; pass the whole Table with its header, e.g. Budget[#All]")
        return empty(spec), None
    names = [text(c).strip() for c in rows[0]]
    return cells_frame(rows[1:], names, 2, spec, what, csv_locate), csv_locate


def _codes(frames: list[pd.DataFrame], column: str) -> list[str]:
    seen: dict[str, str] = {}
    for frame in frames:
        if column in frame:
            for code in frame[column]:
                if code:
                    seen.setdefault(excel_key(code), code)
    return list(seen.values())


def _list(value: Any, what: str, columns: list[str]) -> list[dict]:
    rows = rows_of(value, what)
    if not rows:
        return []
    names = [text(c).strip() for c in rows[0]]
    missing = [c for c in columns if c not in names]
    if missing:
        raise InputError(what, f"has no column '{missing[0]}' (expected: {', '.join(columns)})", row=1)
    return [{c: text(row[names.index(c)]) for c in columns} for row in rows[1:] if text(row[names.index(columns[0])])]


def _settings(value: Any) -> dict[str, Any]:
    """Rows of key … value: the first cell is the key, the last non-empty cell its value."""
    found: dict[str, Any] = {}
    for row in rows_of(value, "settings"):
        key = text(row[0]).strip() if row else ""
        values = [v for v in row[1:] if v not in (None, "")]
        if key in SETTING_KEYS and values:
            found[key] = values[-1]
    if "variance_sign" in found:
        sign = found["variance_sign"]
        if sign not in (1, -1, 1.0, -1.0):
            raise InputError("settings", f"variance_sign must be 1 or -1, got {text(sign)!r}", column="variance_sign")
        found["variance_sign"] = SIGNS[int(sign)]
    if "amber" in found or "red" in found:
        found["traffic_lights"] = {"amber": found.pop("amber", None), "red": found.pop("red", None)}
    return found


def model_from(frames: list[pd.DataFrame], as_of: dt.date, settings: Any, sectors: Any, categories: Any) -> Model:
    given = _settings(settings)
    sector_rows = _list(sectors, "sectors", ["code", "name"]) or [
        {"code": c, "name": c} for c in _codes(frames, "sector")]
    category_rows = [{**row, "group": row["group"] or "operating"}
                     for row in _list(categories, "categories", ["code", "name", "group"])] or [
        {"code": c, "name": c, "group": "operating"} for c in _codes(frames, "category")]
    lights = given.pop("traffic_lights", None)
    data = {"name": "budgetcontrol", "unit": "kr.", **given, "fiscal_year": as_of.year, "as_of": as_of,
            "sectors": sector_rows, "categories": category_rows}
    if lights is not None:
        data["traffic_lights"] = {k: v for k, v in lights.items() if v is not None}
    for key in ("name", "unit", "forecast"):
        if key in data:
            data[key] = text(data[key])
    return model_from_dict(data, "settings", where=lambda loc: (None, ".".join(str(p) for p in loc)))


def inputs_from_ranges(budget: Any, changes: Any, actuals: Any, as_of: Any, settings: Any = None, sectors: Any = None,
                       categories: Any = None, phasing: Any = None, forecasts: Any = None) -> Inputs:
    """Validated inputs from the ranges a worksheet function is given (``forecasts``: the Forecast Table)."""
    date = as_of_date(as_of)
    specs = ((BUDGET, budget), (CHANGES, changes), (ACTUALS, actuals), (PHASING, phasing), (FORECAST, forecasts))
    raw = {spec.key: _frame(value, spec, spec.key) for spec, value in specs}
    model = model_from([frame for frame, _ in raw.values()], date, settings, sectors, categories)
    tables, locates = {}, {}
    for spec, _ in specs:
        frame, locate = raw[spec.key]
        tables[spec.key] = frame if locate is None else validate(frame, spec, model, spec.key, locate)
        locates[spec.key] = locate
    check_excel_matching({k: v for k, v in tables.items() if locates[k]}, {k: k for k in tables},
                         {k: v for k, v in locates.items() if v})
    if locates["forecast"]:
        check_lines(tables, "forecast", lambda idx, column, message: InputError("forecasts", message, **locates["forecast"](idx, column)))
    return Inputs(model=model, source="ranges", **tables)
