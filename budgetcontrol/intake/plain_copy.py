"""For the national roll-up (``rollup_many.py``): a data folder's file as the finance system wrote it (Danish
headers, title and total rows, UTF-16, rows keyed by the chart of accounts) read and validated by the intake,
as ``build`` reads it, and written in the contract's plain shape for DuckDB to read."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from budgetcontrol.contract.model import Model
from budgetcontrol.contract.tables import ACCOUNTS, TableSpec


def plain_copy(path: Path, spec: TableSpec, model: Model, accounts: pd.DataFrame | None, folder: Path) -> Path:
    """The file's rows in the contract's plain shape (comma, dot decimals, ISO dates, UTF-8), in ``folder``."""
    from budgetcontrol import intake

    rows = intake.load(path, spec, model, accounts, map_file=str(path.parent / ACCOUNTS.file), unmapped="never").rows
    copy = Path(tempfile.mkstemp(prefix=path.stem + "-", suffix=".csv", dir=folder)[1])
    out = rows[spec.names].copy()
    if "date" in out:
        out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out["amount"] = out["amount"].map(repr)
    out.to_csv(copy, index=False, encoding="utf-8")
    return copy
