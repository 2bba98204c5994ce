"""The monthly figures (budgetopfølgning) per sector × category × kind and net, month by month:
corrected budget (korrigeret budget) as of each month's end, phased budget (periodiseret
budget) for the month and to date, actuals (regnskab) for the month and to date, the variance
to date, the forecast (forventet regnskab), the expected result and the consumption
(forbrugsprocent); and the Status view of the reporting month with its traffic light.

Months after the as-of month keep the as-of month's corrected budget and have no actuals,
so the sheets can show the plan for the rest of the year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from budgetcontrol.contract.model import MONTHS, Model
from budgetcontrol.engine.phasing import PAIR

KEY = ["sector", "category", "kind"]
EXPORT_COLUMNS = KEY + ["month", "corrected", "budget_month", "actual_month", "budget_ytd", "actual_ytd",
                        "variance_ytd", "forecast", "expected_result", "consumption"]
FIGURES = ["corrected", "budget_ytd", "actual_ytd", "variance_ytd", "consumption", "forecast", "expected_result"]


def month_of_date(dates: pd.Series, fiscal_year: int) -> pd.Series:
    """The fiscal month from which a dated posting counts: 1 for earlier years, 13 (never) for later."""
    month = dates.dt.month.where(dates.dt.year == fiscal_year)
    month = month.where(dates.dt.year >= fiscal_year, 1)
    return month.where(dates.dt.year <= fiscal_year, 13).astype(int)


def approved_until(changes: pd.DataFrame, fiscal_year: int, last: int) -> pd.DataFrame:
    """The approved change postings that count by the end of month ``last``, with the month ``m`` they
    count from (nothing dated after that month's end counts)."""
    counted = changes[changes["status"] == "approved"]
    counted = counted.assign(m=month_of_date(counted["date"], fiscal_year).clip(upper=99))
    return counted[counted["m"] <= last]


def projected(actual_ytd: pd.Series, corrected: pd.Series, cum_weight: pd.Series, rest_weight: pd.Series,
              model: Model) -> pd.Series:
    """The forecast (forventet regnskab) by the model's method: plan = actual to date + the rest of the
    phased budget; run_rate = actual to date ÷ the share phased to date (blank where none is)."""
    if model.forecast == "plan":
        return actual_ytd + corrected * rest_weight
    return actual_ytd / cum_weight.where(cum_weight != 0)


def _cumulative(frame: pd.DataFrame, value: str, month_col: str, keys: pd.DataFrame) -> pd.DataFrame:
    """Per key and month 1–12, the sum of ``value`` over rows whose ``month_col`` is on or before the month."""
    per_month = frame.groupby(KEY + [month_col])[value].sum().unstack(month_col)
    per_month = per_month.reindex(columns=list(MONTHS), fill_value=0.0).fillna(0.0)
    cum = per_month.cumsum(axis=1)
    out = keys.join(cum, on=KEY).fillna(0.0)
    return out.melt(id_vars=KEY, value_vars=list(MONTHS), var_name="m", value_name=value)


def figures(base: pd.DataFrame, budget: pd.DataFrame, changes: pd.DataFrame, actuals: pd.DataFrame,
            weights: pd.DataFrame, model: Model, as_of: dt.date) -> pd.DataFrame:
    """Every month 1–12 for every sector × category × kind of ``base`` and each pair's net."""
    last = as_of.month
    keys = base[KEY].drop_duplicates().reset_index(drop=True)
    original = budget.groupby(KEY)["amount"].sum().rename("original")
    counted = approved_until(changes, model.fiscal_year, last)
    approved = _cumulative(counted, "amount", "m", keys).rename(columns={"amount": "approved"})
    booked = actuals.assign(m=actuals["month"].str[5:7].astype(int))
    booked = booked[booked["m"] <= last]
    per_month = booked.groupby(KEY + ["m"])["amount"].sum().rename("actual_month")
    frame = approved.join(original, on=KEY).fillna({"original": 0.0})
    frame["corrected"] = frame["original"] + frame["approved"]
    frame = frame.join(per_month, on=KEY + ["m"]).fillna({"actual_month": 0.0})
    frame = frame[KEY + ["m", "corrected", "actual_month"]].astype({"corrected": float, "actual_month": float})
    net = frame.groupby(PAIR + ["m"], sort=False)[["corrected", "actual_month"]].sum().reset_index().assign(kind="net")
    frame = pd.concat([frame, net[frame.columns]], ignore_index=True)
    return derive(frame, weights, model)


def derive(frame: pd.DataFrame, weights: pd.DataFrame, model: Model) -> pd.DataFrame:
    """From corrected and actual_month per key and month ``m``: the phased and derived figures."""
    w = weights.rename(columns={"month": "m"}).sort_values(PAIR + ["m"])
    w["cum_weight"] = w.groupby(PAIR)["weight"].cumsum()
    w["rest_weight"] = w.iloc[::-1].groupby(PAIR)["weight"].cumsum().iloc[::-1] - w["weight"]
    out = frame.merge(w[PAIR + ["m", "weight", "cum_weight", "rest_weight"]], on=PAIR + ["m"], how="left")
    out = out.sort_values(KEY + ["m"]).reset_index(drop=True)
    out["budget_ytd"] = out["corrected"] * out["cum_weight"]
    out["budget_month"] = out["budget_ytd"] - out.groupby(KEY)["budget_ytd"].shift(1).fillna(0.0)
    out["actual_ytd"] = out.groupby(KEY)["actual_month"].cumsum()
    out["variance_ytd"] = model.sign * (out["actual_ytd"] - out["budget_ytd"])
    out["forecast"] = projected(out["actual_ytd"], out["corrected"], out["cum_weight"], out["rest_weight"], model)
    out["expected_result"] = model.sign * (out["forecast"] - out["corrected"])
    out["consumption"] = out["actual_ytd"] / out["corrected"].where(out["corrected"] != 0)
    out["month"] = [f"{model.fiscal_year:04d}-{m:02d}" for m in out["m"]]
    return order(out, model)


def order(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Sector and category in the model's order, kinds expense, income, refund, then net; months ascending."""
    rank = {"sector": {c: i for i, c in enumerate(model.sector_codes)},
            "category": {c: i for i, c in enumerate(model.category_codes)},
            "kind": {"expense": 0, "income": 1, "refund": 2, "net": 3}}
    keys = pd.DataFrame({c: frame[c].map(rank[c]) for c in KEY}, index=frame.index)
    keys["m"] = frame["m"]
    return frame.loc[keys.sort_values(list(keys.columns), kind="stable").index].reset_index(drop=True)


def export(monthly: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The export contract: months from the first of the fiscal year to the as-of month."""
    return monthly[monthly["m"] <= as_of.month][EXPORT_COLUMNS].reset_index(drop=True)


def light(variance: float, budget_ytd: float, model: Model) -> str:
    """Traffic light (trafiklys) on an overspend to date, as a share of the phased budget to date."""
    overspend = model.sign * variance
    scale = abs(budget_ytd)
    lights = model.lights
    if overspend > lights.red * scale:
        return "red"
    if overspend > lights.amber * scale:
        return "amber"
    return "green"


def status(monthly: pd.DataFrame, model: Model, as_of: dt.date, controlled: pd.Series) -> pd.DataFrame:
    """The reporting month, net: per sector × category, each sector's total, the operating and
    capital totals and the grand total (``sector``/``category`` empty or ``group`` set for totals).
    ``forecast`` is the one that counts, ``forecast_computed`` part 2's; ``controller_lines`` counts the
    lines whose forecast the controller gave (``controlled``, per sector × category)."""
    month = monthly[(monthly["m"] == as_of.month) & (monthly["kind"] == "net")]
    month = month.assign(controller_lines=controlled.reindex(pd.MultiIndex.from_frame(month[PAIR]), fill_value=0).to_numpy(float))
    sums = ["corrected", "budget_ytd", "actual_ytd", "forecast", "forecast_computed", "controller_lines"]
    detail = month[PAIR + sums].assign(group="")
    by_sector = month.groupby("sector", sort=False)[sums].sum(min_count=1).reset_index().assign(category="", group="")
    grouped = month.assign(group=month["category"].map(model.category_group))
    by_group = grouped.groupby("group", sort=False)[sums].sum(min_count=1).reset_index().assign(sector="", category="")
    grand = month[sums].sum(min_count=1).to_frame().T.assign(sector="", category="", group="")
    if month.empty:
        grand[sums] = 0.0
    out = pd.concat([detail, by_sector, by_group, grand], ignore_index=True)
    out[sums] = out[sums].astype(float)
    out["variance_ytd"] = model.sign * (out["actual_ytd"] - out["budget_ytd"])
    out["consumption"] = out["actual_ytd"] / out["corrected"].where(out["corrected"] != 0)
    out["expected_result"] = model.sign * (out["forecast"] - out["corrected"])
    out["light"] = [light(v, b, model) for v, b in zip(out["variance_ytd"], out["budget_ytd"])]
    out["source"] = np.where(out["controller_lines"] > 0, "controller", "computed")
    return out[["sector", "category", "group"] + FIGURES + ["light", "forecast_computed", "controller_lines", "source"]]


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
