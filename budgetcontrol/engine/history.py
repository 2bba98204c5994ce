"""The years before (and around) the budget year (regnskabshistorik): per year the original budget,
the corrected budget and the accounts, with the result against the original and against the
corrected budget (``actual − original`` and ``actual − corrected`` with the sign setting), and the
fiscal year itself from the engine: its original and corrected budget (as of the as-of date) and
its forecast as the expected accounts, marked ``expected``.

Rows come per sector × category as history.csv gives them (an empty category is the sector's total
over all its categories); without history.csv, per sector. Twin of ``sheets/history.py``.
"""

from __future__ import annotations

import pandas as pd

from budgetcontrol.contract.model import Model

COLUMNS = ["year", "sector", "category", "original", "corrected", "actual", "result_original", "result_corrected",
           "note", "expected"]
KEY = ["sector", "category"]


def keys(history: pd.DataFrame, lines: pd.DataFrame, model: Model) -> list[tuple[str, str]]:
    """The sector × category keys shown, in the model's order (a sector's total after its categories)."""
    found = set(map(tuple, history[KEY].itertuples(index=False))) if len(history) else {(s, "") for s in lines["sector"]}
    rank = {c: i for i, c in enumerate(model.category_codes)}
    order = {s: i for i, s in enumerate(model.sector_codes)}
    return sorted(found, key=lambda k: (order[k[0]], rank.get(k[1], len(rank))))


def _of(frame: pd.DataFrame, key: tuple[str, str], column: str) -> float:
    sector, category = key
    mask = frame["sector"] == sector
    if category:
        mask &= frame["category"] == category
    return float(frame.loc[mask, column].fillna(0.0).sum())


def figures(history: pd.DataFrame, lines: pd.DataFrame, line_forecasts: pd.DataFrame, model: Model,
            expected_note: str) -> pd.DataFrame:
    """``lines``: the corrected budget per line as of the as-of date; ``line_forecasts``: the forecast per line."""
    rows = []
    shown = keys(history, lines, model)
    for key in shown:
        past = history[(history["sector"] == key[0]) & (history["category"] == key[1])]
        for row in past.to_dict("records"):
            rows.append({**row, "expected": 0})
        rows.append({"year": model.fiscal_year, "sector": key[0], "category": key[1],
                     "original": _of(lines, key, "original"), "corrected": _of(lines, key, "corrected"),
                     "actual": _of(line_forecasts, key, "forecast"), "note": expected_note, "expected": 1})
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if not c.startswith("result")])
    if out.empty:
        return pd.DataFrame(columns=COLUMNS)
    order = {k: i for i, k in enumerate(shown)}
    out = out.assign(_k=[order[(s, c)] for s, c in zip(out["sector"], out["category"])])
    out = out.sort_values(["_k", "year"], kind="stable").drop(columns="_k").reset_index(drop=True)
    out["result_original"] = model.sign * (out["actual"] - out["original"])
    out["result_corrected"] = model.sign * (out["actual"] - out["corrected"])
    out["year"] = out["year"].astype(int)
    out["expected"] = out["expected"].astype(int)
    return out[COLUMNS]
