"""The pure engine: pandas functions over validated tables, no Excel and no file I/O.

:func:`compute` runs every concept for one as-of date; each concept lives in its own
module (``corrected``, ``rollup``, ``checks``, ``phasing``, ``monthly``, ``targets``, ``forecast``,
``history``, ``outer_years``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from budgetcontrol.contract.tables import Inputs
from budgetcontrol.engine import checks, corrected, forecast, history, monthly, outer_years, phasing, rollup, targets


@dataclass(frozen=True)
class Result:
    inputs: Inputs
    as_of: dt.date
    lines: pd.DataFrame  # corrected budget per line, by change type
    audit: pd.DataFrame  # change rows per line
    base: pd.DataFrame  # sector × category × kind
    summary: pd.DataFrame  # the export contract, with totals
    groups: pd.DataFrame  # operating / capital totals
    checks: list  # list[checks.Check]
    types: list[str]  # change types shown as columns
    weights: pd.DataFrame  # phasing: sector × category × month 1–12
    monthly: pd.DataFrame  # sector × category × kind/net × month 1–12
    status: pd.DataFrame  # the reporting month, net, with totals and traffic lights
    targets: pd.DataFrame  # activity targets: sector × group × measure × month 1–12
    line_forecasts: pd.DataFrame  # forecast per line in the reporting month, and each year's base
    history: pd.DataFrame  # past years and the fiscal year (expected)
    outer_years: pd.DataFrame  # the fiscal year and the outer years: corrected, base, savings, difference


def compute(inputs: Inputs, as_of: dt.date | None = None) -> Result:
    model = inputs.model
    as_of = as_of or model.default_as_of
    lines = corrected.lines(inputs.budget, inputs.changes, model, as_of)
    audit = corrected.audit(inputs.changes, model, as_of)
    base = rollup.base(lines, inputs.actuals, model, as_of)
    groups = rollup.group_totals(base, model)
    types = corrected.change_types(model, inputs.changes)
    weights = phasing.weights(model, inputs.phasing, inputs.actuals_prior)
    per_line = forecast.lines(inputs, weights, as_of)
    months = monthly.figures(base, inputs.budget, inputs.changes, inputs.actuals, weights, model, as_of)
    months = forecast.apply(months, per_line, model, as_of)
    status = monthly.status(months, model, as_of, forecast.controller_lines(per_line))
    found = checks.run(inputs, as_of, lines, audit, base, groups, types) + checks.monthly(inputs, as_of, months, status)
    found += checks.forecasts(inputs, per_line) + checks.ledger(inputs) + checks.unmapped(inputs)
    past = history.figures(inputs.history, lines, per_line, model, model.label("history_expected"))
    ahead = outer_years.figures(lines, per_line, inputs.savings, model, forecast.years(inputs))
    return Result(inputs, as_of, lines, audit, base, rollup.summary(base, model), groups, found, types,
                  weights, months, status, targets.figures(inputs.targets, inputs.activity, model, as_of),
                  per_line, past, ahead)
