"""Phasing (periodisering): the share of each month in a sector × category's annual budget.

For every sector × category of the model, twelve weights that sum to 1, taken from
(first that applies): the rows of phasing.csv for that sector × category (months
without a row weigh 0); the profile of last year's expense actuals (``phasing:
prior_actuals`` in model.yaml); else equal twelfths.
"""

from __future__ import annotations

import pandas as pd

from budgetcontrol.contract.model import MONTHS, Model

PAIR = ["sector", "category"]
COLUMNS = PAIR + ["month", "weight", "source"]


def prior_profile(actuals_prior: pd.DataFrame) -> pd.DataFrame:
    """Last year's spending pattern per sector × category: each month's expense actuals as a share
    of the year's. Expense, not net: income and refunds are booked in lumps (quarterly refunds) that
    would give negative or oversized months. A month with net negative expense counts as 0; a pair
    without positive expense has no profile."""
    if actuals_prior.empty:
        return pd.DataFrame(columns=PAIR + ["month", "weight"])
    expense = actuals_prior[actuals_prior["kind"] == "expense"]
    frame = expense.assign(month=expense["month"].str[5:7].astype(int))
    monthly = frame.groupby(PAIR + ["month"])["amount"].sum().clip(lower=0.0)
    annual = monthly.groupby(level=PAIR).transform("sum")
    shares = (monthly / annual)[annual > 0].rename("weight").reset_index()
    grid = shares[PAIR].drop_duplicates().merge(pd.DataFrame({"month": list(MONTHS)}), how="cross")
    return grid.merge(shares, on=PAIR + ["month"], how="left").fillna({"weight": 0.0})


def weights(model: Model, phasing: pd.DataFrame, actuals_prior: pd.DataFrame) -> pd.DataFrame:
    """Twelve weights for every sector × category of the model, with where they come from."""
    grid = pd.DataFrame([(s, c, m) for s in model.sector_codes for c in model.category_codes for m in MONTHS],
                        columns=PAIR + ["month"])
    explicit = phasing[PAIR + ["month", "weight"]].assign(source="phasing.csv")
    explicit_pairs = set(map(tuple, phasing[PAIR].drop_duplicates().itertuples(index=False)))
    profile = prior_profile(actuals_prior) if model.phasing == "prior_actuals" else pd.DataFrame(columns=PAIR + ["month", "weight"])
    profile = profile[[tuple(k) not in explicit_pairs for k in profile[PAIR].itertuples(index=False)]].assign(
        source="actuals_prior.csv")
    given = pd.concat([explicit, profile], ignore_index=True)
    given_pairs = given[PAIR].drop_duplicates()
    out = grid.merge(given, on=PAIR + ["month"], how="left")
    has_pair = out[PAIR].merge(given_pairs.assign(_given=True), on=PAIR, how="left")["_given"].fillna(False).to_numpy(bool)
    out.loc[has_pair & out["weight"].isna(), ["weight", "source"]] = [0.0, "phasing.csv"]
    out.loc[~has_pair, ["weight", "source"]] = [1 / 12, "twelfths"]
    out["weight"] = out["weight"].astype(float)
    out["month"] = out["month"].astype(int)
    return out[COLUMNS]
