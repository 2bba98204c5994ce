"""The outer years (overslagsår) of the budget period: for the fiscal year and each outer year, per
sector × category (net), the fiscal year's corrected budget as the yardstick, the base (the fiscal
year's forecast; an outer year's adopted budget where a line has one, else the forecast carried
forward), the savings of the catalogue for the year, the estimated budget (base − savings) and its
difference to the corrected budget (estimated − corrected, positive = expected overspend; the other
way round under ``variance_sign: budget_minus_actual``). Then each sector's total and the total.

Twin of ``sheets/outer_years.py`` (and ``sheets/savings.py`` for the catalogue).
"""

from __future__ import annotations

import pandas as pd

from budgetcontrol.contract.model import Model
from budgetcontrol.engine.forecast import base_column
from budgetcontrol.engine.phasing import PAIR

COLUMNS = ["sector", "category", "year", "corrected", "base", "savings", "estimated", "difference"]
FIGURES = ["corrected", "base", "savings"]


def pairs(lines: pd.DataFrame, line_forecasts: pd.DataFrame, savings: pd.DataFrame, model: Model) -> list[tuple[str, str]]:
    found = set()
    for frame in (lines, line_forecasts, savings):
        found |= set(map(tuple, frame[PAIR].itertuples(index=False)))
    return [(s, c) for s in model.sector_codes for c in model.category_codes if (s, c) in found]


def figures(lines: pd.DataFrame, line_forecasts: pd.DataFrame, savings: pd.DataFrame, model: Model,
            years: list[int]) -> pd.DataFrame:
    chosen = pairs(lines, line_forecasts, savings, model)
    index = pd.MultiIndex.from_tuples(chosen, names=PAIR) if chosen else pd.MultiIndex.from_arrays([[], []], names=PAIR)
    corrected = lines.groupby(PAIR)["corrected"].sum().reindex(index, fill_value=0.0)
    bases = line_forecasts.groupby(PAIR)[[base_column(y) for y in years]].sum().reindex(index, fill_value=0.0)
    saved = savings.groupby(PAIR + ["year"])["amount"].sum()
    rows = []
    for pair in chosen:
        for year in years:
            rows.append({"sector": pair[0], "category": pair[1], "year": year, "corrected": float(corrected[pair]),
                         "base": float(bases.at[pair, base_column(year)]),
                         "savings": float(saved.get((*pair, year), 0.0))})
    detail = pd.DataFrame(rows, columns=["sector", "category", "year"] + FIGURES)
    parts = []
    for sector in dict.fromkeys(detail["sector"]):
        own = detail[detail["sector"] == sector]
        total = own.groupby("year", sort=False)[FIGURES].sum().reset_index().assign(sector=sector, category="")
        parts += [own, total]
    grand = detail.groupby("year", sort=False)[FIGURES].sum().reset_index().assign(sector="", category="")
    out = pd.concat(parts + [grand], ignore_index=True) if parts else grand
    out["estimated"] = out["base"] - out["savings"]
    out["difference"] = model.sign * (out["estimated"] - out["corrected"])
    out["year"] = out["year"].astype(int)
    return out[COLUMNS].reset_index(drop=True)


def saved(savings: pd.DataFrame, by: list[str]) -> pd.Series:
    """The savings summed by ``by`` and year (the Savings and Outer years sheets' breakdowns)."""
    return savings.groupby(by + ["year"], sort=False)["amount"].sum()
