"""The engine's tables as CSV or JSON (for CI and scripts)."""

from __future__ import annotations

import io
import json
import math

import pandas as pd

from budgetcontrol.danish import UNIT_AFTER_FIGURE
from budgetcontrol.engine import Result, history, monthly, outer_years, targets

SUMMARY_COLUMNS = ["sector", "category", "kind", "original", "corrected", "actual", "variance"]
AUDIT_COLUMNS = ["sector", "category", "activity", "kind", "change_id", "date", "status", "type",
                 "amount", "counts", "counted", "description", "reference"]
FORMATS = ("csv", "csv-da", "json")
TABLES = ("summary", "changes", "monthly", "targets", "history", "outer_years")
NUMERIC = {"summary": ["original", "corrected", "actual", "variance"], "changes": ["amount", "counts", "counted"],
           "monthly": monthly.EXPORT_COLUMNS[4:], "targets": ["target", "actual", "difference", "unit_cost", "cost"],
           "history": ["original", "corrected", "actual", "result_original", "result_corrected"],
           "outer_years": ["corrected", "base", "savings", "estimated", "difference"]}
NULLABLE = {"forecast", "expected_result", "consumption", "target", "actual", "difference", "cost"}  # blank = null in JSON


RATIO_DECIMALS = 6  # a consumption: 0.987654
RATIOS = {"consumption", "counts"}
# Amounts print to the øre in the model's unit: 2 decimals of kroner, 5 of thousands, 8 of millions.
ORE = {"kr.": 2, "t.kr.": 5, "mio. kr.": 8}


def amount_decimals(unit: str) -> int:
    return ORE.get(UNIT_AFTER_FIGURE.get(unit.strip().lower(), ""), 2)


def number(value: float, decimals: int = 9) -> int | float | str:
    """Whole numbers print without a decimal point; float noise below ``decimals`` decimals is dropped; blanks
    stay empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = round(float(value), decimals)
    if math.isclose(rounded, round(rounded), abs_tol=10 ** -(decimals + 3)):
        return int(round(rounded))
    return rounded


def danish_csv(frame: pd.DataFrame) -> str:
    """A CSV a Danish Excel opens straight into columns: semicolons, decimal commas, UTF-8 with a byte order
    mark (so Excel reads æ, ø and å), figures without thousands separators (so they stay numbers)."""
    buffer = io.StringIO()
    cells = frame.map(lambda v: str(v).replace(".", ",") if isinstance(v, float) else inert(v))  # a figure is no formula
    cells.to_csv(buffer, index=False, sep=";", lineterminator="\r\n")
    return "\ufeff" + buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet opening a CSV runs such a cell as a formula


def inert(value):
    """A text that a spreadsheet would run as a formula (CSV injection, OWASP) made plain text by a leading
    apostrophe; numbers and other texts unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table(result: Result, name: str) -> pd.DataFrame:
    if name == "summary":
        frame = result.summary[SUMMARY_COLUMNS].copy()
    elif name == "changes":
        frame = result.audit[AUDIT_COLUMNS].copy()
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    elif name == "monthly":
        frame = monthly.export(result.monthly, result.as_of)
    elif name == "targets":
        frame = targets.export(result.targets, result.as_of)
    elif name == "history":
        frame = result.history[history.COLUMNS].copy()
    elif name == "outer_years":
        frame = result.outer_years[outer_years.COLUMNS].copy()
    else:
        raise ValueError(name)
    for col in NUMERIC[name]:
        frame[col] = frame[col].map(number).astype(object)
    return frame


def printed(result: Result, name: str) -> pd.DataFrame:
    """The table as CSV and JSON print it: amounts to the øre in the model's unit, ratios to six decimals (no float
    noise: 159535.66667 t.kr., never 159535.666666667). The worksheet functions keep ``table``'s full figures."""
    frame = table(result, name)
    amounts = amount_decimals(result.inputs.model.unit)
    for col in NUMERIC[name]:
        decimals = RATIO_DECIMALS if col in RATIOS else amounts
        frame[col] = frame[col].map(lambda v, d=decimals: number(v, d) if v != "" else v).astype(object)
    return frame


def render(result: Result, name: str, fmt: str) -> str:
    frame = printed(result, name)
    if fmt == "csv-da":
        return danish_csv(frame)
    if fmt == "csv":
        buffer = io.StringIO()
        frame.map(inert).to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    records = [{k: (None if v == "" and k in NULLABLE else v) for k, v in row.items()}
               for row in frame.to_dict(orient="records")]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
