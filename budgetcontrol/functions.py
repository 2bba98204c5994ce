"""The worksheet functions' work, without xlwings: ranges in (``contract/ranges.py``), the engine,
arrays out — lists of rows, the header first, blanks as empty text — so that one call fills a
whole block (Excel spills it). ``udfs/`` only declares them to Excel.

Parsed and computed inputs are kept in a small cache keyed by the ranges' contents, so a sheet
full of calls over the same Tables computes once. A Table may come as a range reference with a stamp
(``udf_tables``): then its values are read only when its stamp is new. Anything wrong comes back as one readable
line in the cell, starting with ``#BC!``, never a traceback.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np
import pandas as pd

from budgetcontrol import export, udf_tables
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.excel_match import excel_key
from budgetcontrol.contract.ranges import inputs_from_ranges
from budgetcontrol.contract.workbook import text
from budgetcontrol.engine import Result, compute, monthly

ERROR = "#BC!"
CACHE_SIZE = 32
STATUS_COLUMNS = ["sector", "category", "group"] + monthly.FIGURES + ["light", "forecast_computed", "source"]


def guarded(function: Callable) -> Callable:
    """Return a readable error line instead of raising (Excel would show a bare #VALUE!)."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except InputError as exc:
            return f"{ERROR} {exc}"
        except Exception as exc:  # a bug must still not put a traceback into a cell
            return f"{ERROR} {type(exc).__name__}: {exc}".splitlines()[0]
    return wrapper


@functools.lru_cache(maxsize=CACHE_SIZE)
def _computed(key: tuple) -> Result:
    inputs = inputs_from_ranges(*(None if k is None else k.value for k in key))
    return compute(inputs, inputs.model.as_of)


def result(budget, changes, actuals, as_of, settings=None, sectors=None, categories=None, phasing=None,
           forecasts=None, stamps=None) -> Result:
    """The engine's result for these ranges, from the cache when their contents were seen before;
    a reference whose stamp is among ``stamps`` is not read again (``udf_tables``)."""
    stamped = udf_tables.stamps_by_place(stamps)
    arguments = (budget, changes, actuals, as_of, settings, sectors, categories, phasing, forecasts)
    return _computed(tuple(udf_tables.key(a, stamped) for a in arguments))


def cache_info():
    return _computed.cache_info()


def _cell(value: Any) -> Any:
    """A value Excel can take: NumPy numbers as Python numbers, blanks (None, NaN) as empty text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


def rows(frame: pd.DataFrame) -> list[list]:
    """A frame as an array: the header row, then the rows."""
    body = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return [list(frame.columns)] + body


def _selection(value: Any, codes: list[str], what: str) -> list[str | None]:
    """Codes chosen in a cell or a range (None = all); matched as Excel matches codes."""
    flat = [v for row in value for v in (row if isinstance(row, (list, tuple)) else [row])] \
        if isinstance(value, (list, tuple)) else [value]
    lookup = {excel_key(c): c for c in codes}
    chosen: list[str | None] = []
    for v in flat:
        code = text(v).strip()
        if code == "":
            chosen.append(None)
        elif excel_key(code) in lookup:
            chosen.append(lookup[excel_key(code)])
        else:
            raise InputError(what, f"unknown code '{code}' (known: {', '.join(codes)})")
    return chosen


def grid(per_pair: pd.Series, model, sector: Any, category: Any) -> list[list]:
    """A figure per (sector, category) summed over the selection: sectors down, categories across;
    a blank selection means all."""
    sectors = _selection(sector, model.sector_codes, "sector")
    categories = _selection(category, model.category_codes, "category")
    out = []
    for s in sectors:
        row = []
        for c in categories:
            mask = pd.Series(True, index=per_pair.index)
            if s is not None:
                mask &= per_pair.index.get_level_values("sector") == s
            if c is not None:
                mask &= per_pair.index.get_level_values("category") == c
            row.append(_cell(per_pair[mask].sum(min_count=1)) if mask.any() else 0.0)
        out.append(row)
    return out


def _month_net(res: Result, figure: str) -> pd.Series:
    net = res.monthly[(res.monthly["kind"] == "net") & (res.monthly["m"] == res.as_of.month)]
    return net.set_index(["sector", "category"])[figure]


# ---- the functions, one per worksheet function ----

@guarded
def summary(budget, changes, actuals, as_of, settings=None, sectors=None, categories=None, stamps=None) -> list[list]:
    return rows(export.table(result(budget, changes, actuals, as_of, settings, sectors, categories, stamps=stamps),
                              "summary"))


@guarded
def monthly_rows(budget, changes, actuals, as_of, sector=None, settings=None, sectors=None, categories=None,
                 phasing=None, forecasts=None, stamps=None) -> list[list]:
    res = result(budget, changes, actuals, as_of, settings, sectors, categories, phasing, forecasts, stamps=stamps)
    frame = export.table(res, "monthly")
    chosen = [s for s in _selection(sector, res.inputs.model.sector_codes, "sector") if s is not None]
    return rows(frame[frame["sector"].isin(chosen)] if chosen else frame)


@guarded
def status(budget, changes, actuals, as_of, settings=None, sectors=None, categories=None, phasing=None,
           forecasts=None, stamps=None) -> list[list]:
    res = result(budget, changes, actuals, as_of, settings, sectors, categories, phasing, forecasts, stamps=stamps)
    return rows(res.status[STATUS_COLUMNS])


@guarded
def corrected(budget, changes, as_of, sector=None, category=None, settings=None, sectors=None,
              categories=None, stamps=None) -> list[list]:
    res = result(budget, changes, None, as_of, settings, sectors, categories, stamps=stamps)
    return grid(res.lines.groupby(["sector", "category"])["corrected"].sum(), res.inputs.model, sector, category)


@guarded
def phased(budget, changes, actuals, as_of, sector=None, category=None, settings=None, sectors=None,
           categories=None, phasing=None, stamps=None) -> list[list]:
    res = result(budget, changes, actuals, as_of, settings, sectors, categories, phasing, stamps=stamps)
    return grid(_month_net(res, "budget_ytd"), res.inputs.model, sector, category)


@guarded
def forecast(budget, changes, actuals, as_of, sector=None, category=None, settings=None, sectors=None,
             categories=None, phasing=None, forecasts=None, stamps=None) -> list[list]:
    res = result(budget, changes, actuals, as_of, settings, sectors, categories, phasing, forecasts, stamps=stamps)
    return grid(_month_net(res, "forecast"), res.inputs.model, sector, category)


@guarded
def stamp(table) -> str:
    """A new stamp for a Table reference; Excel calls it again whenever a cell of the Table changes."""
    return udf_tables.stamp(table)
