"""Corrected budget (korrigeret budget) = original budget + approved changes up to an as-of date.

Pure functions over the validated tables; no I/O.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetcontrol.contract.model import KINDS, Model

LINE = ["sector", "category", "activity", "kind"]
KIND_RANK = {k: i for i, k in enumerate(KINDS)}


def counts(changes: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Which change postings count: approved and dated on or before the as-of date."""
    return (changes["status"] == "approved") & (changes["date"] <= pd.Timestamp(as_of))


def pending(changes: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Pending postings dated on or before the as-of date (shown, never counted)."""
    return (changes["status"] == "pending") & (changes["date"] <= pd.Timestamp(as_of))


def order_lines(frame: pd.DataFrame, model: Model, extra: list[str] | None = None) -> pd.DataFrame:
    """Sort by the model's sector and category order, then activity, then kind (expense, income, refund)."""
    sector_rank = {c: i for i, c in enumerate(model.sector_codes)}
    category_rank = {c: i for i, c in enumerate(model.category_codes)}
    keys = pd.DataFrame({
        "_s": frame["sector"].map(sector_rank),
        "_c": frame["category"].map(category_rank),
        "_a": frame["activity"] if "activity" in frame else "",
        "_k": frame["kind"].map(KIND_RANK).fillna(len(KINDS)) if "kind" in frame else 0,
    }, index=frame.index)
    for i, col in enumerate(extra or []):
        keys[f"_x{i}"] = frame[col]
    return frame.loc[keys.sort_values(list(keys.columns), kind="stable").index].reset_index(drop=True)


def change_types(model: Model, changes: pd.DataFrame) -> list[str]:
    """The change types shown as columns: the model's list, else the known types present, then any others."""
    known = list(model.type_labels)
    if model.restricts_types:
        return known
    present = set(changes["type"])
    return [t for t in known if t in present] + sorted(present - set(known))


def lines(budget: pd.DataFrame, changes: pd.DataFrame, model: Model, as_of: dt.date) -> pd.DataFrame:
    """One row per budget line (sector, category, activity, kind): original, approved changes by type,
    approved changes in all, corrected, pending, and whether the line is in the original budget.

    Lines that only appear in changes (any status) are included with original 0 and ``in_budget`` 0.
    """
    types = change_types(model, changes)
    original = budget.groupby(LINE, sort=False)["amount"].sum().rename("original")
    counted = changes[counts(changes, as_of)]
    by_type = counted.pivot_table(index=LINE, columns="type", values="amount", aggfunc="sum", fill_value=0.0)
    by_type = by_type.reindex(columns=types, fill_value=0.0).add_prefix("type:")
    approved = counted.groupby(LINE, sort=False)["amount"].sum().rename("approved")
    waiting = changes[pending(changes, as_of)].groupby(LINE, sort=False)["amount"].sum().rename("pending")
    index = pd.MultiIndex.from_frame(pd.concat([budget[LINE], changes[LINE]]).drop_duplicates())
    out = pd.DataFrame(index=index).join(original).join(by_type).join(approved).join(waiting).fillna(0.0)
    for col in [f"type:{t}" for t in types]:
        if col not in out:
            out[col] = 0.0
    out["corrected"] = out["original"] + out["approved"]
    in_budget = pd.MultiIndex.from_frame(budget[LINE])
    out["in_budget"] = out.index.isin(in_budget).astype(int)
    out = out.reset_index()
    cols = LINE + ["original"] + [f"type:{t}" for t in types] + ["approved", "corrected", "pending", "in_budget"]
    return order_lines(out[cols], model)


def audit(changes: pd.DataFrame, model: Model, as_of: dt.date) -> pd.DataFrame:
    """The audit list: for each budget line, the changes posted to it (one row per line and change),
    with the posted amount and the amount that counts in the corrected budget as of ``as_of``."""
    frame = changes.assign(counts=counts(changes, as_of).astype(int))
    grouped = frame.groupby(LINE + ["change_id"], sort=False).agg(
        date=("date", "first"), status=("status", "first"), type=("type", "first"),
        amount=("amount", "sum"), counts=("counts", "first"),
        description=("description", "first"), reference=("reference", "first"),
    ).reset_index()
    grouped["counted"] = grouped["amount"] * grouped["counts"]
    cols = LINE + ["change_id", "date", "status", "type", "amount", "counts", "counted", "description", "reference"]
    return order_lines(grouped[cols], model, extra=["date", "change_id"])
