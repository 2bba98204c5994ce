"""Roll-up (sammendrag): per sector × category × kind, category totals across sectors,
sector totals across categories, the operating total ("I alt Drift") with capital apart,
and the grand total. Variance = actual − corrected, or the opposite by the model's setting.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetcontrol.contract.model import KINDS, Model
from budgetcontrol.engine.corrected import KIND_RANK

FIGURES = ["original", "corrected", "actual"]
KEY = ["sector", "category", "kind"]


def actuals_to_date(actuals: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Actual postings of the months up to and including the as-of date's month."""
    return actuals[actuals["month"] <= as_of.strftime("%Y-%m")]


def base(lines: pd.DataFrame, actuals: pd.DataFrame, model: Model, as_of: dt.date) -> pd.DataFrame:
    """Original, corrected and actual per sector × category × kind that appears in any input."""
    budgeted = lines.groupby(KEY)[["original", "corrected"]].sum()
    actual = actuals_to_date(actuals, as_of).groupby(KEY)["amount"].sum().rename("actual")
    present = budgeted.index.union(pd.MultiIndex.from_frame(actuals[KEY].drop_duplicates()))
    out = pd.DataFrame(index=present).join(budgeted).join(actual).fillna(0.0).reset_index()
    out["variance"] = model.sign * (out["actual"] - out["corrected"])
    return _order(out, model)


def _order(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    rank = {
        "sector": {c: i for i, c in enumerate([""] + model.sector_codes)},
        "category": {c: i for i, c in enumerate([""] + model.category_codes)},
        "kind": {**KIND_RANK, "net": len(KINDS)},
    }
    keys = pd.DataFrame({c: frame[c].map(rank[c]) for c in KEY if c in frame})
    return frame.loc[keys.sort_values(list(keys.columns), kind="stable").index].reset_index(drop=True)


def _with_net(frame: pd.DataFrame, by: list[str], model: Model) -> pd.DataFrame:
    """Rows per kind plus a ``net`` row for each group of ``by``."""
    per_kind = frame.groupby(by + ["kind"], sort=False)[FIGURES].sum().reset_index()
    net = frame.groupby(by, sort=False)[FIGURES].sum().reset_index().assign(kind="net")
    out = pd.concat([per_kind, net], ignore_index=True)
    out["variance"] = model.sign * (out["actual"] - out["corrected"])
    return out


def summary(base_frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """The export contract: sector,category,kind,original,corrected,actual,variance.

    Rows per sector × category × kind and ``net``; then each category across sectors
    (sector empty), each sector across categories (category empty), the grand total (both empty).
    """
    detail = _with_net(base_frame, ["sector", "category"], model)
    by_category = _with_net(base_frame, ["category"], model).assign(sector="")
    by_sector = _with_net(base_frame, ["sector"], model).assign(category="")
    grand = _with_net(base_frame.assign(all=""), ["all"], model).drop(columns="all").assign(sector="", category="")
    parts = [_order(p, model) for p in (detail, by_category, by_sector, grand)]
    return pd.concat(parts, ignore_index=True)[KEY + FIGURES + ["variance"]]


def group_totals(base_frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Per category group (operating = "I alt Drift", capital = "I alt Anlæg") and kind, plus net."""
    frame = base_frame.assign(group=base_frame["category"].map(model.category_group))
    out = _with_net(frame, ["group"], model)
    return out.set_index(["group", "kind"])
