"""The engine's tables as CSV or JSON (for CI and scripts)."""

from __future__ import annotations

import io
import json
import math

import pandas as pd

from budgetcontrol.engine import Result

SUMMARY_COLUMNS = ["sector", "category", "kind", "original", "corrected", "actual", "variance"]
AUDIT_COLUMNS = ["sector", "category", "activity", "kind", "change_id", "date", "status", "type",
                 "amount", "counts", "counted", "description", "reference"]
TABLES = ("summary", "changes")


def number(value: float) -> int | float:
    """Whole numbers print without a decimal point; float noise below 1e-6 is dropped."""
    rounded = round(float(value), 6)
    if math.isclose(rounded, round(rounded), abs_tol=1e-9):
        return int(round(rounded))
    return rounded


def table(result: Result, name: str) -> pd.DataFrame:
    if name == "summary":
        frame = result.summary[SUMMARY_COLUMNS].copy()
        numeric = ["original", "corrected", "actual", "variance"]
    elif name == "changes":
        frame = result.audit[AUDIT_COLUMNS].copy()
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        numeric = ["amount", "counts", "counted"]
    else:
        raise ValueError(name)
    for col in numeric:
        frame[col] = frame[col].map(number).astype(object)
    return frame


def render(result: Result, name: str, fmt: str) -> str:
    frame = table(result, name)
    if fmt == "csv":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    records = frame.to_dict(orient="records")
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
