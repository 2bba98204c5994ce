"""Activity targets (måltal): difference and cost by hand, blanks where nothing was reported."""

from __future__ import annotations

import datetime as dt
import math


from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from budgetcontrol.engine.targets import measure_totals, sector_cost
from helpers import ROOT, write_csv, write_folder

PLACEMENTS = ROOT / "examples" / "aalborg-2017-placements"
MODEL = {"name": "Målkommune", "fiscal_year": 2017, "unit": "1.000 kr.",
         "sectors": [{"code": "BU", "name": "Børn og Unge"}], "categories": [{"code": "svc", "name": "Service"}],
         "unit_costs": {"inst": {m: (80 if m < 7 else 90) for m in range(1, 13)}, "foster": 30}}
BUDGET = [{"sector": "BU", "category": "svc", "kind": "expense", "amount": 1000}]


def folder(tmp_path, targets, activity, model=None):
    path = write_folder(tmp_path / "d", {**MODEL, **(model or {})}, BUDGET, [], [])
    write_csv(path / "targets.csv", ["month", "sector", "group", "measure", "target"], targets)
    write_csv(path / "activity.csv", ["month", "sector", "group", "measure", "actual"], activity)
    return path


def at(frame, group, measure, m):
    hit = frame[(frame.group == group) & (frame.measure == measure) & (frame.m == m)]
    return hit.iloc[0]


def test_difference_times_the_months_unit_cost(tmp_path):
    targets = [{"month": f"2017-{m:02d}", "sector": "BU", "group": "east", "measure": "inst", "target": 10} for m in range(1, 13)]
    activity = [{"month": "2017-06", "sector": "BU", "group": "east", "measure": "inst", "actual": 12},
                {"month": "2017-07", "sector": "BU", "group": "east", "measure": "inst", "actual": 9}]
    r = compute(load(folder(tmp_path, targets, activity)), dt.date(2017, 7, 31))
    june, july = at(r.targets, "east", "inst", 6), at(r.targets, "east", "inst", 7)
    assert (june.difference, june.cost) == (2, 160)
    assert (july.difference, july.cost) == (-1, -90)  # the price rises in July


def test_a_month_without_a_report_is_blank_not_zero(tmp_path):
    targets = [{"month": "2017-01", "sector": "BU", "group": "east", "measure": "inst", "target": 10}]
    activity = [{"month": "2017-02", "sector": "BU", "group": "east", "measure": "inst", "actual": 11},
                {"month": "2017-05", "sector": "BU", "group": "east", "measure": "inst", "actual": 11}]
    r = compute(load(folder(tmp_path, targets, activity)), dt.date(2017, 4, 30))
    jan = at(r.targets, "east", "inst", 1)
    assert math.isnan(jan.actual) and math.isnan(jan.difference) and math.isnan(jan.cost)
    feb = at(r.targets, "east", "inst", 2)
    assert math.isnan(feb.target) and feb.actual == 11 and math.isnan(feb.cost)
    assert math.isnan(at(r.targets, "east", "inst", 5).actual)  # after the as-of month


def test_sector_totals_sum_the_groups(tmp_path):
    targets = [{"month": "2017-01", "sector": "BU", "group": g, "measure": "foster", "target": t} for g, t in (("a", 5), ("b", 7))]
    activity = [{"month": "2017-01", "sector": "BU", "group": g, "measure": "foster", "actual": t} for g, t in (("a", 6), ("b", 9))]
    r = compute(load(folder(tmp_path, targets, activity)), dt.date(2017, 1, 31))
    totals = measure_totals(r.targets)
    jan = totals[(totals.measure == "foster") & (totals.m == 1)].iloc[0]
    assert (jan.target, jan.actual, jan.difference, jan.cost) == (12, 15, 3, 90)
    cost = sector_cost(r.targets)
    assert cost[(cost.m == 1)].iloc[0].cost == 90
    assert math.isnan(cost[(cost.m == 2)].iloc[0].cost)


def test_the_placements_example_follows_the_published_path():
    """Domain fact 4: 601 placements in 2016, 574 the target for 2017, network care at least 10 %."""
    inputs = load(PLACEMENTS)
    per_month = inputs.targets.groupby("month")["target"].sum()
    assert len(per_month) == 12
    assert per_month.iloc[-1] == 574
    assert per_month.is_monotonic_decreasing and per_month.iloc[0] < 601
    network = inputs.targets[inputs.targets.measure == "network_foster_family"].groupby("month")["target"].sum()
    assert (network / per_month >= 0.10).all()
    r = compute(inputs)
    assert r.as_of == dt.date(2017, 9, 30)
    assert all(c.ok for c in r.checks)
    assert not r.targets[r.targets.m <= 9]["cost"].isna().any()
