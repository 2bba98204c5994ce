"""Rules of the part-4 input tables (the years around the budget year), on their own so the table
module stays about reading: history (regnskabshistorik) holds other years than the fiscal year,
once per year and sector × category; the controller's forecast (forventet regnskab) is given once
per line and only for a line the budget, changes or actuals know; adopted outer-year budgets
(overslagsår) are for the outer years only, savings (besparelseskatalog) for the fiscal year and the outer
years (a catalogue saves in the budget year too), once per line and year.

``fail(index, column, message)`` makes the InputError with the reader's location of a row.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from budgetcontrol.contract.model import Model

LINE = ["sector", "category", "activity", "kind"]
Fail = Callable[[object, str, str], Exception]


def outer_years(model: Model) -> list[int]:
    """The outer years (overslagsår): the fiscal year + 1 … + ``outer_years``."""
    return [model.fiscal_year + k for k in range(1, model.outer_years + 1)]


def budget_period(model: Model) -> list[int]:
    """The fiscal year and its outer years: the years a saving may be for."""
    return [model.fiscal_year] + outer_years(model)


def _first_duplicate(out: pd.DataFrame, key: list[str]):
    dup = out.duplicated(key, keep="first")
    return out.index[dup.argmax()] if dup.any() else None


def _line(row: pd.Series, columns: list[str] = LINE) -> str:
    return "/".join(str(row[c]) or "(blank)" for c in columns)


def _in_years(out: pd.DataFrame, model: Model, fail: Fail, what: str, with_fiscal: bool = False) -> None:
    """Every row's year is an outer year (or, ``with_fiscal``, the fiscal year or an outer year)."""
    years = (budget_period if with_fiscal else outer_years)(model)
    bad = ~out["year"].isin(years)
    if bad.any():
        idx = out.index[bad.argmax()]
        outer = outer_years(model)
        allowed = f"fiscal year {model.fiscal_year}, outer years" if with_fiscal else "outer years:"
        kind = "neither the fiscal year nor an outer year" if with_fiscal else "not an outer year"
        raise fail(idx, "year", f"{what} for {out.at[idx, 'year']}, which is {kind} "
                                f"({allowed} {outer[0]}–{outer[-1]}; model.yaml outer_years: {model.outer_years})")


def check(key: str, out: pd.DataFrame, model: Model, fail: Fail) -> None:
    if key == "history":
        own = out["year"] >= model.fiscal_year
        if own.any():
            idx = out.index[own.argmax()]
            what = "is the fiscal year; its figures come from the budget, changes and actuals" \
                if out.at[idx, "year"] == model.fiscal_year else f"is after the fiscal year {model.fiscal_year}"
            raise fail(idx, "year", f"year {out.at[idx, 'year']} {what}, not from history")
        idx = _first_duplicate(out, ["year", "sector", "category"])
        if idx is not None:
            category = out.at[idx, "category"] or "(sector total)"
            raise fail(idx, "year", f"year {out.at[idx, 'year']} of {out.at[idx, 'sector']}/{category} appears twice; "
                                    f"one row per year, sector and category")
    elif key == "forecast":
        idx = _first_duplicate(out, LINE)
        if idx is not None:
            raise fail(idx, "amount", f"line {_line(out.loc[idx])} has two forecasts; one per line")
    elif key == "outer_budget":
        _in_years(out, model, fail, "an adopted budget")
        idx = _first_duplicate(out, ["year"] + LINE)
        if idx is not None:
            raise fail(idx, "amount", f"line {_line(out.loc[idx])} has two budgets for {out.at[idx, 'year']}")
    elif key == "savings":
        _in_years(out, model, fail, "a saving", with_fiscal=True)
        idx = _first_duplicate(out, ["measure", "year", "sector", "category", "activity"])
        if idx is not None:
            raise fail(idx, "amount", f"measure '{out.at[idx, 'measure']}' has two amounts for {out.at[idx, 'year']} "
                                      f"on {out.at[idx, 'sector']}/{out.at[idx, 'category']}")


def check_lines(tables: dict[str, pd.DataFrame], key: str, fail: Fail) -> None:
    """The controller's forecasts and the adopted outer-year budgets must be for a line the budget, the
    changes or the actuals know, and a saving's activity (where given) for an activity of its sector and
    category there: a misspelt activity would otherwise add a line nobody budgets or books (a new line
    gets a row in the budget first, with amount 0)."""
    frame = tables.get(key)
    if frame is None or frame.empty:
        return
    columns = LINE if key != "savings" else LINE[:3]
    known = set()
    for name in ("budget", "changes", "actuals"):
        if name in tables:
            known |= set(map(tuple, tables[name][columns].itertuples(index=False)))
    rows = frame if key != "savings" else frame[frame["activity"] != ""]
    unknown = [idx for idx, line in zip(rows.index, rows[columns].itertuples(index=False)) if tuple(line) not in known]
    if unknown:
        idx = unknown[0]
        what = {"forecast": "forecast", "outer_budget": "adopted budget", "savings": "saving"}[key]
        raise fail(idx, "activity", f"{what} for line {_line(frame.loc[idx], columns)}, which is in neither the budget, the changes nor the "
                                    f"actuals (check the activity{'' if key == 'savings' else ' and kind'}; a new line "
                                    f"needs a budget row first, amount 0)")


def check_all_lines(tables: dict[str, pd.DataFrame], fail_for: Callable[[str], Fail]) -> None:
    """:func:`check_lines` for each part-4 table a reader found; ``fail_for(key)`` locates in its table."""
    for key in ("forecast", "outer_budget", "savings"):
        if key in tables:
            check_lines(tables, key, fail_for(key))
