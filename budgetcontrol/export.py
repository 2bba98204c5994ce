"""The engine's tables as CSV or JSON (for CI and scripts)."""

from __future__ import annotations

import io
import json
import math

import pandas as pd

from budgetcontrol.engine import Result, history, monthly, outer_years, targets

SUMMARY_COLUMNS = ["sector", "category", "kind", "original", "corrected", "actual", "variance"]
AUDIT_COLUMNS = ["sector", "category", "activity", "kind", "change_id", "date", "status", "type",
                 "amount", "counts", "counted", "description", "reference"]
TABLES = ("summary", "changes", "monthly", "targets", "history", "outer_years")
NULLABLE = {"forecast", "expected_result", "consumption", "target", "actual", "difference", "cost"}  # blank = null in JSON


def number(value: float) -> int | float | str:
    """Whole numbers print without a decimal point; float noise below 1e-9 is dropped; blanks stay empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = round(float(value), 9)
    if math.isclose(rounded, round(rounded), abs_tol=1e-9):
        return int(round(rounded))
    return rounded


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
        numeric = ["original", "corrected", "actual", "variance"]
    elif name == "changes":
        frame = result.audit[AUDIT_COLUMNS].copy()
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        numeric = ["amount", "counts", "counted"]
    elif name == "monthly":
        frame = monthly.export(result.monthly, result.as_of)
        numeric = monthly.EXPORT_COLUMNS[4:]
    elif name == "targets":
        frame = targets.export(result.targets, result.as_of)
        numeric = ["target", "actual", "difference", "unit_cost", "cost"]
    elif name == "history":
        frame = result.history[history.COLUMNS].copy()
        numeric = ["original", "corrected", "actual", "result_original", "result_corrected"]
    elif name == "outer_years":
        frame = result.outer_years[outer_years.COLUMNS].copy()
        numeric = ["corrected", "base", "savings", "estimated", "difference"]
    else:
        raise ValueError(name)
    for col in numeric:
        frame[col] = frame[col].map(number).astype(object)
    return frame


def render(result: Result, name: str, fmt: str) -> str:
    frame = table(result, name)
    if fmt == "csv":
        buffer = io.StringIO()
        frame.map(inert).to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    records = [{k: (None if v == "" and k in NULLABLE else v) for k, v in row.items()}
               for row in frame.to_dict(orient="records")]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
