"""The "Targets" sheet (måltal): per sector, for each group and measure, the target and the
actual activity of each month, the difference (signed like the variance) and its cost
(difference × the measure's unit cost of the month, from the UnitCosts Table); then per
measure the sector's totals over its groups, and the cost of all its differences.

Twin of ``engine/targets.py``. Formulas read the ActivityTargets, Activity and UnitCosts Tables.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetcontrol.contract.model import MONTHS
from budgetcontrol.engine import Result
from budgetcontrol.engine import targets as engine
from budgetcontrol.engine.monthly import month_end
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import SheetLayout, figure, ref
from budgetcontrol.sheets.names import ACTIVITY, ACTIVITY_TARGETS, TARGETS, tab

HEADER_ROW, FIRST = 5, 7
LABEL, SECTOR, GROUP, MEASURE, FIRST_MONTH = 1, 2, 3, 4, 5
TO_DATE = FIRST_MONTH + 12  # Q
FIGURES = [("target", "Mål"), ("actual", "Faktisk"), ("difference", "Difference"), ("cost", "Omkostning")]



def _to_date(values: pd.Series, months: pd.Series, last: int) -> float:
    return float(values[(months <= last)].fillna(0.0).sum())


def layout(result: Result) -> SheetLayout:
    model = result.inputs.model
    sheet = SheetLayout(TARGETS, "output")
    sheet.put(1, 1, f"Måltal {model.fiscal_year} — {model.name}", "title")
    sheet.put(2, 1, "Antal pr. måned; omkostning i", "note")
    sheet.formula(2, 3, f"={f.UNIT}", model.unit, "note")
    sheet.put(2, 4, "Opgjort pr.", "note")
    sheet.formula(2, 5, f"={f.AS_OF_MONTH_END}", month_end(result.as_of), "date_note")
    sheet.put(3, 1, "Difference = faktisk − mål (med fortegnsindstillingen); omkostning = difference × enhedspris "
                    "(tabellen UnitCosts). Tom måned = intet mål eller ingen indberetning.", "note")
    for c, label in ((LABEL, "Sektor / gruppe / mål"), (SECTOR, "Sektor"), (GROUP, "Gruppe"), (MEASURE, "Mål")):
        sheet.put(HEADER_ROW, c, label, "header")
    for m in MONTHS:
        sheet.put(HEADER_ROW, FIRST_MONTH + m - 1, dt.date(model.fiscal_year, m, 1), "month_header")
    sheet.put(HEADER_ROW, TO_DATE, "Omkostning til dato", "header_wrap")
    frame = result.targets
    if frame.empty:
        sheet.put(FIRST, LABEL, f"Ingen måltal: udfyld tabellerne på arkene '{tab(ACTIVITY_TARGETS)}' og '{tab(ACTIVITY)}'.",
                  "note")
    r = FIRST
    names = {s.code: s.name for s in model.sectors}
    for sector in dict.fromkeys(frame["sector"]):
        rows = frame[frame["sector"] == sector]
        sheet.put(r, LABEL, names[sector], "group_heading")
        r += 1
        figure_rows: dict[tuple[str, str], dict[str, int]] = {}
        for (group, measure), block in rows.groupby(["group", "measure"], sort=False):
            figure_rows[(group, measure)] = _group_block(sheet, r, sector, group, measure, block, result)
            r += len(FIGURES) + 1
        totals = engine.measure_totals(rows)
        cost_rows = []
        for measure in dict.fromkeys(rows["measure"]):
            sources = [v for (g, m), v in figure_rows.items() if m == measure]
            block = totals[totals["measure"] == measure]
            cost_rows.append(_total_block(sheet, r, sector, measure, sources, block, result)["cost"])
            r += len(FIGURES) + 1
        cost = engine.sector_cost(rows)
        sheet.put(r, LABEL, f"Omkostning i alt, {names[sector]}", "group_total_label")
        sheet.put(r, SECTOR, sector, "code_text")
        for m in MONTHS:
            c = FIRST_MONTH + m - 1
            refs = ",".join(ref(x, c) for x in cost_rows)
            sheet.formula(r, c, f.sum_or_blank(refs), figure(cost.loc[cost["m"] == m, "cost"].iloc[0]), "group_total_amount")
        sheet.formula(r, TO_DATE, f.sum_range(ref(r, FIRST_MONTH), ref(r, TO_DATE - 1)),
                      _to_date(cost["cost"], cost["m"], result.as_of.month), "group_total_amount")
        r += 3
    sheet.freeze = f"E{HEADER_ROW + 1}"
    sheet.widths.update({LABEL: 30, SECTOR: 9, GROUP: 12, MEASURE: 22, TO_DATE: 14})
    sheet.widths.update({c: 10 for c in range(FIRST_MONTH, TO_DATE)})
    sheet.heights[HEADER_ROW] = 32
    return sheet


def _keys(r: int, table: str) -> list[tuple[str, str]]:
    return [(f.column(table, "sector"), f.text(ref(r, SECTOR, "c"))), (f.column(table, "group"), f.text(ref(r, GROUP, "c"))),
            (f.column(table, "measure"), f.text(ref(r, MEASURE, "c")))]


def _group_block(sheet: SheetLayout, r: int, sector: str, group: str, measure: str, block: pd.DataFrame,
                 result: Result) -> dict[str, int]:
    rows = _labelled_rows(sheet, r, f"{group} · {measure}", "indent", {SECTOR: sector, GROUP: group, MEASURE: measure})
    by_month = block.set_index("m")
    for m in MONTHS:
        c = FIRST_MONTH + m - 1
        month = ref(HEADER_ROW, c, "r")
        planned = _keys(rows["target"], "ActivityTargets") + [("ActivityTargets[month]", crit) for crit in f.whole_month(month)]
        sheet.formula(rows["target"], c, f'IF({f.countifs(planned)}=0,"",{f.sumifs("ActivityTargets[target]", planned)})',
                      figure(by_month.at[m, "target"]), "amount")
        done = _keys(rows["actual"], "Activity") + [("Activity[month]", crit) for crit in f.whole_month(month)]
        sheet.formula(rows["actual"], c, f.after_as_of(month, f'IF({f.countifs(done)}=0,"",{f.sumifs("Activity[actual]", done)})'),
                      figure(by_month.at[m, "actual"]), "amount")
        target, actual, diff = ref(rows["target"], c), ref(rows["actual"], c), ref(rows["difference"], c)
        sheet.formula(rows["difference"], c, f.if_any_blank([target, actual], f.variance(actual, target)),
                      figure(by_month.at[m, "difference"]), "amount")
        price = f.sumifs("UnitCosts[unit_cost]", [("UnitCosts[measure]", f.text(ref(rows["cost"], MEASURE, "c"))),
                                                  ("UnitCosts[month]", f"MONTH({month})")])
        sheet.formula(rows["cost"], c, f.if_blank(diff, f"{diff}*{price}"), figure(by_month.at[m, "cost"]), "amount")
    _cost_to_date(sheet, rows, block, result)
    return rows


def _total_block(sheet: SheetLayout, r: int, sector: str, measure: str, sources: list[dict[str, int]],
                 block: pd.DataFrame, result: Result) -> dict[str, int]:
    rows = _labelled_rows(sheet, r, f"{measure} i alt", "total_label", {SECTOR: sector, MEASURE: measure})
    by_month = block.set_index("m")
    for name, _ in FIGURES:
        for m in MONTHS:
            c = FIRST_MONTH + m - 1
            refs = ",".join(ref(src[name], c) for src in sources)
            sheet.formula(rows[name], c, f.sum_or_blank(refs), figure(by_month.at[m, name]), "total_amount")
    _cost_to_date(sheet, rows, block, result)
    return rows


def _labelled_rows(sheet: SheetLayout, r: int, title: str, style: str, codes: dict[int, str]) -> dict[str, int]:
    """A block's rows, one per figure from row ``r``: the label (the first one titled) and the code columns."""
    rows = {name: r + i for i, (name, _) in enumerate(FIGURES)}
    for name, label in FIGURES:
        sheet.put(rows[name], LABEL, f"{title} · {label}" if name == "target" else label, style)
        for column, code in codes.items():
            sheet.put(rows[name], column, code, "code_text")
    return rows


def _cost_to_date(sheet: SheetLayout, rows: dict[str, int], block: pd.DataFrame, result: Result) -> None:
    """The cost row's total to date: the sum of its months (blank months after the as-of month add nothing)."""
    sheet.formula(rows["cost"], TO_DATE, f.sum_range(ref(rows["cost"], FIRST_MONTH), ref(rows["cost"], TO_DATE - 1)),
                  _to_date(block["cost"], block["m"], result.as_of.month), "total_amount")
