"""Checks (afstemning): totals that must tie, changes posted to lines not in the
original budget, and changes of a zero-sum type (omplacering) that do not net to zero.

The Checks sheet computes the same checks with formulas; each ``Check`` carries the
engine's two figures so the sheet's can be held against them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from budgetcontrol.contract.tables import Inputs
from budgetcontrol.engine.corrected import counts
from budgetcontrol.engine.rollup import actuals_to_date


@dataclass(frozen=True)
class Check:
    key: str  # stable identifier, e.g. "original_ties" or "zero_sum:C14-20"
    left: float
    right: float
    tolerance: float
    detail: str = ""  # what breaks, as found by the engine

    @property
    def difference(self) -> float:
        return self.left - self.right

    @property
    def ok(self) -> bool:
        return abs(self.difference) <= self.tolerance


def zero_sum_changes(inputs: Inputs, as_of: dt.date) -> pd.Series:
    """Sum per approved change of a zero-sum type (e.g. reallocation), counted as of ``as_of``."""
    changes = inputs.changes
    mask = counts(changes, as_of) & changes["type"].isin(inputs.model.zero_sum)
    return changes[mask].groupby("change_id", sort=False)["amount"].sum()


def run(inputs: Inputs, as_of: dt.date, lines: pd.DataFrame, audit: pd.DataFrame, base: pd.DataFrame,
        groups: pd.DataFrame, types: list[str]) -> list[Check]:
    tol = inputs.model.tolerance
    changes = inputs.changes
    counted_total = float(changes.loc[counts(changes, as_of), "amount"].sum())
    approved_lines = float(lines["approved"].sum())
    unknown = lines[lines["in_budget"] == 0]
    unknown_detail = "; ".join("/".join(str(v) for v in row) for row in unknown[["sector", "category", "activity", "kind"]].itertuples(index=False))
    zero = zero_sum_changes(inputs, as_of)
    grand_net = float(base["corrected"].sum())
    group_net = sum(float(groups.loc[(g, "net"), "corrected"]) for g in groups.index.get_level_values(0).unique())
    found = [
        Check("original_ties", float(lines["original"].sum()), float(inputs.budget["amount"].sum()), tol),
        Check("approved_ties", approved_lines, counted_total, tol),
        Check("types_add_up", float(lines[[f"type:{t}" for t in types]].to_numpy().sum()), approved_lines, tol),
        Check("summary_original", float(base["original"].sum()), float(lines["original"].sum()), tol),
        Check("summary_corrected", grand_net, float(lines["corrected"].sum()), tol),
        Check("summary_actual", float(base["actual"].sum()), float(actuals_to_date(inputs.actuals, as_of)["amount"].sum()), tol),
        Check("groups_add_up", group_net, grand_net, tol),
        Check("drilldown_complete", float(audit["counted"].sum()), approved_lines, tol),
        Check("lines_in_budget", float(len(unknown)), 0.0, 0.0, unknown_detail),
        Check("zero_sum_total", float(zero.sum()), 0.0, tol),
    ]
    found += [Check(f"zero_sum:{cid}", float(total), 0.0, tol) for cid, total in zero.items()]
    return found


def monthly(inputs: Inputs, as_of: dt.date, months: pd.DataFrame, status: pd.DataFrame) -> list[Check]:
    """The monthly sheets tie: each sector × category's phasing weights sum to 1 (the deviation of
    weights to date + weights still to come from 1, summed over the net rows of every month, is 0),
    and the Status sheet's actuals to date equal the Actuals Table up to the as-of month."""
    tol = inputs.model.tolerance
    net = months[months["kind"] == "net"]
    deviation = float((net["cum_weight"] + net["rest_weight"] - 1).abs().sum())
    grand = status[(status["sector"] == "") & (status["group"] == "")].iloc[0]
    booked = float(actuals_to_date(inputs.actuals, as_of)["amount"].sum())
    return [Check("phasing_sums", deviation, 0.0, tol), Check("status_actual", float(grand["actual_ytd"]), booked, tol)]


def forecasts(inputs: Inputs, line_forecasts: pd.DataFrame) -> list[Check]:
    """Every row of the controller's forecasts and of the adopted outer-year budgets counts on a line (a row
    typed in Excel for a line the Line forecast sheet does not have would otherwise be ignored until the
    next refresh)."""
    counted = float(line_forecasts["controller"].fillna(0.0).sum())
    return [Check("forecast_counted", counted, float(inputs.forecast["amount"].sum()), inputs.model.tolerance),
            Check("outer_budget_counted", float(line_forecasts["adopted"].sum()), float(len(inputs.outer_budget)), 0.0)]


def ledger(inputs: Inputs) -> list[Check]:
    """The workbook's Ledger sheet sums the Budget, Changes and Actuals Tables' rows as they were written; on
    the Checks sheet each block's total is held against those rows (an edit since breaks until a refresh)."""
    tol = inputs.model.tolerance
    return [Check(f"ledger_{name.lower()}", total, total, tol)
            for name, total in (("Budget", float(inputs.budget["amount"].sum())),
                                ("Changes", float(inputs.changes["amount"].sum())),
                                ("Actuals", float(inputs.actuals["amount"].sum())))]


UNMAPPED_SECTOR = "IKKE_PLACERET"  # the sector of accounts the account map does not place (intake/accounts.py)


def unmapped(inputs: Inputs) -> list[Check]:
    """Rows booked on "Ikke placeret" (accounts the account map did not place, kept with --unmapped keep) are a
    break until they are placed: the check is there once the workbook has that sector."""
    if UNMAPPED_SECTOR not in inputs.model.sector_codes:
        return []
    frames = (inputs.budget, inputs.changes, inputs.actuals)
    rows = [frame[frame["sector"] == UNMAPPED_SECTOR] for frame in frames]
    accounts = sorted({a for frame in rows for a in frame["activity"]})
    detail = ", ".join(accounts[:10]) + (" …" if len(accounts) > 10 else "")
    return [Check("unmapped", float(sum(len(r) for r in rows)), 0.0, 0.0, detail)]
