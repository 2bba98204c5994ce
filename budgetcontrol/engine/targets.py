"""Activity targets (måltal): per sector, group and measure, the target and the actual activity
of each month, the difference (actual − target, signed like the variance), and its cost
(difference × the measure's unit cost of the month). Months without a target row, or without
an activity row up to the as-of month, are blank: a missing report is not zero activity.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetcontrol.contract.model import MONTHS, Model

KEY = ["sector", "group", "measure"]
COLUMNS = KEY + ["m", "month", "target", "actual", "difference", "unit_cost", "cost"]
EXPORT_COLUMNS = KEY + ["month", "target", "actual", "difference", "unit_cost", "cost"]


def rows(targets: pd.DataFrame, activity: pd.DataFrame, model: Model) -> pd.DataFrame:
    """The (sector, group, measure) rows: sectors in the model's order, measures in unit_costs order,
    groups in order of first appearance."""
    keys = pd.concat([targets[KEY], activity[KEY]], ignore_index=True).drop_duplicates().reset_index(drop=True)
    sector_rank = {c: i for i, c in enumerate(model.sector_codes)}
    group_rank = {g: i for i, g in enumerate(dict.fromkeys(keys["group"]))}
    measure_rank = {m: i for i, m in enumerate(model.unit_costs)}
    rank = pd.DataFrame({"s": keys["sector"].map(sector_rank), "g": keys["group"].map(group_rank),
                         "m": keys["measure"].map(measure_rank)})
    return keys.loc[rank.sort_values(["s", "g", "m"], kind="stable").index].reset_index(drop=True)


def figures(targets: pd.DataFrame, activity: pd.DataFrame, model: Model, as_of: dt.date) -> pd.DataFrame:
    """Every month 1–12 for every (sector, group, measure) found in the targets or the activity."""
    keys = rows(targets, activity, model)
    grid = keys.merge(pd.DataFrame({"m": list(MONTHS)}), how="cross")
    planned = targets.assign(m=targets["month"].str[5:7].astype(int)).groupby(KEY + ["m"])["target"].sum()
    done = activity.assign(m=activity["month"].str[5:7].astype(int))
    done = done[done["m"] <= as_of.month].groupby(KEY + ["m"])["actual"].sum()
    out = grid.join(planned, on=KEY + ["m"]).join(done, on=KEY + ["m"])
    out["difference"] = model.sign * (out["actual"] - out["target"])
    out["unit_cost"] = [model.unit_cost(measure, m) for measure, m in zip(out["measure"], out["m"])]
    out["cost"] = out["difference"] * out["unit_cost"]
    out["month"] = [f"{model.fiscal_year:04d}-{m:02d}" for m in out["m"]]
    return out[COLUMNS]


def measure_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per sector and measure, summed over groups (blank where every group is blank)."""
    sums = ["target", "actual", "difference", "cost"]
    return frame.groupby(["sector", "measure", "m"], sort=False)[sums].sum(min_count=1).reset_index()


def sector_cost(frame: pd.DataFrame) -> pd.DataFrame:
    """Per sector and month, the cost of all its differences."""
    return frame.groupby(["sector", "m"], sort=False)["cost"].sum(min_count=1).reset_index()


def export(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    return frame[frame["m"] <= as_of.month][EXPORT_COLUMNS].reset_index(drop=True)
