"""The forecast per line (forventet regnskab pr. linje) in the reporting month, and the base of each
outer year (overslagsår).

For every line (sector, category, activity, kind) the budget, changes, actuals, forecast.csv or
outer_budget.csv know: the corrected budget and actuals to the reporting month's end, the phased
shares of its sector × category, the computed forecast of part 2 (plan or run rate), the
controller's own forecast where forecast.csv gives one, the forecast that counts, and its
adjustment (counted − computed). The base of the fiscal year is the forecast that counts; the base
of an outer year is the budget the council adopted for the line where outer_budget.csv has one,
else the fiscal year's forecast carried forward ("with today's assumptions").

The computed forecast is linear in the lines, so a sector × category's computed forecast is the sum
of its lines'; :func:`apply` adds the controller's adjustments to the monthly figures of the
reporting month. Twin of ``sheets/line_forecast.py``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from budgetcontrol.contract.tables import LINE, Inputs
from budgetcontrol.contract.year_rules import outer_years
from budgetcontrol.engine.corrected import order_lines
from budgetcontrol.engine.monthly import KEY, approved_until, projected
from budgetcontrol.engine.phasing import PAIR
from budgetcontrol.engine.rollup import actuals_to_date


def years(inputs: Inputs) -> list[int]:
    """The fiscal year and its outer years."""
    return [inputs.model.fiscal_year] + outer_years(inputs.model)


def base_column(year: int) -> str:
    return f"base:{year}"


def _sum(frame: pd.DataFrame, keys: pd.MultiIndex) -> pd.Series:
    return frame.groupby(LINE)["amount"].sum().reindex(keys, fill_value=0.0).to_numpy(float)


def lines(inputs: Inputs, weights: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    model = inputs.model
    last = as_of.month
    sources = [inputs.budget, inputs.changes, inputs.actuals, inputs.forecast, inputs.outer_budget]
    universe = pd.concat([frame[LINE] for frame in sources], ignore_index=True).drop_duplicates()
    out = order_lines(universe, model)
    keys = pd.MultiIndex.from_frame(out[LINE])
    out["corrected"] = _sum(inputs.budget, keys) + _sum(approved_until(inputs.changes, model.fiscal_year, last), keys)
    out["actual_ytd"] = _sum(actuals_to_date(inputs.actuals, as_of), keys)
    shares = weights.assign(to_date=weights["month"] <= last)
    cum = shares[shares["to_date"]].groupby(PAIR)["weight"].sum()
    rest = shares[~shares["to_date"]].groupby(PAIR)["weight"].sum()
    pairs = pd.MultiIndex.from_frame(out[PAIR])
    out["cum_weight"] = cum.reindex(pairs, fill_value=0.0).to_numpy(float)
    out["rest_weight"] = rest.reindex(pairs, fill_value=0.0).to_numpy(float)
    out["computed"] = projected(out["actual_ytd"], out["corrected"], out["cum_weight"], out["rest_weight"], model)
    given = inputs.forecast.set_index(LINE)["amount"]
    out["has_controller"] = keys.isin(given.index).astype(int)
    out["controller"] = given.reindex(keys).to_numpy(float)
    controlled = out["has_controller"] == 1
    out["forecast"] = out["controller"].where(controlled, out["computed"])
    out["adjustment"] = (out["forecast"] - out["computed"].fillna(0.0)).where(controlled, 0.0)  # a blank computed counts 0
    out["adopted"] = inputs.outer_budget.groupby(LINE).size().reindex(keys, fill_value=0).to_numpy(int)
    adopted = inputs.outer_budget.set_index(LINE + ["year"])["amount"].unstack("year")  # outer years only (validated)
    for year in years(inputs):
        amount = adopted[year].reindex(keys).to_numpy(float) if year in adopted else np.full(len(out), np.nan)
        out[base_column(year)] = np.where(np.isnan(amount), out["forecast"], amount)
    return out


def _per_key(out: pd.DataFrame, line_frame: pd.DataFrame, column: str) -> np.ndarray:
    """A line column summed to each monthly row's key (sector × category for the net rows)."""
    by_kind = line_frame.groupby(KEY)[column].sum()
    by_pair = line_frame.groupby(PAIR)[column].sum()
    return np.where(out["kind"] == "net",
                    by_pair.reindex(pd.MultiIndex.from_frame(out[PAIR]), fill_value=0).to_numpy(float),
                    by_kind.reindex(pd.MultiIndex.from_frame(out[KEY]), fill_value=0).to_numpy(float))


def apply(months: pd.DataFrame, line_frame: pd.DataFrame, model, as_of: dt.date) -> pd.DataFrame:
    """The monthly figures with ``forecast_computed`` (part 2's forecast) and ``forecast`` the one that
    counts: in the reporting month the controller's adjustments of the key's lines are added (where
    nothing is computed — run_rate before any budget is phased — the controller's lines count and
    the rest 0; without controller lines it stays blank); other months keep the computed forecast."""
    out = months.copy()
    out["forecast_computed"] = out["forecast"]
    adjust, lines = _per_key(out, line_frame, "adjustment"), _per_key(out, line_frame, "has_controller")
    computed = out["forecast_computed"].to_numpy(float)
    counted = np.where(np.isnan(computed) & (lines == 0), np.nan, np.nan_to_num(computed) + adjust)
    out["forecast"] = np.where((out["m"] == as_of.month).to_numpy(), counted, computed)
    out["expected_result"] = model.sign * (out["forecast"] - out["corrected"])
    return out


def controller_lines(line_frame: pd.DataFrame) -> pd.Series:
    """How many lines of each sector × category carry the controller's forecast."""
    return line_frame.groupby(PAIR)["has_controller"].sum()
