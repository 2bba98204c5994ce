"""The input sheets Budget, Changes and Actuals: one Excel Table each, named as the sheet,
headed exactly by the data contract's column names so a finance-system export can be
pasted under them and formulas can say ``Changes[amount]``."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetcontrol.contract.model import Model
from budgetcontrol.contract.tables import ACTIVITY, ACTUALS, BUDGET, CHANGES, PHASING, TARGETS, TableSpec
from budgetcontrol.sheets.layout import SheetLayout, Table

HEADER_ROW = 3
STYLE = {"amount": "input_amount", "date": "input_date", "month": "input_month", "weight": "input_weight",
         "count": "input_count", "month_number": "input_month_number"}
NOTES = {
    "budget": "Oprindeligt budget pr. linje. Udgifter positive; indtægter og refusion negative.",
    "changes": "Bevillingsændringer, én række pr. postering. Kun status 'approved' med dato til og med opgørelsesdatoen tæller.",
    "actuals": "Regnskab pr. måned (måned gemt som månedens første dag, vist som åååå-mm).",
    "phasing": "Periodisering: månedens andel (1–12) af årets budget pr. sektor og kategori; summen pr. sektor og "
               "kategori skal være 1.",
    "targets": "Måltal pr. måned, sektor, gruppe og mål (f.eks. antal anbringelser). Enhedspriser: tabellen UnitCosts "
               "på arket Settings.",
    "activity": "Faktisk aktivitet pr. måned, sektor, gruppe og mål. En måned uden række vises tom (ikke som 0).",
}
SHEET_NAMES = {"targets": "Activity targets"}


def cell_value(value, vtype: str):
    if vtype == "month":
        year, month = str(value).split("-")
        return dt.date(int(year), int(month), 1)
    if vtype == "date":
        return pd.Timestamp(value).date()
    if vtype in ("amount", "weight", "count"):
        return float(value)
    if vtype == "month_number":
        return int(value)
    return None if value == "" else value


def layout(spec: TableSpec, frame: pd.DataFrame, model: Model) -> SheetLayout:
    sheet = SheetLayout(SHEET_NAMES.get(spec.key, spec.table), "input")
    sheet.put(1, 1, f"{spec.table} ({spec.file})", "title")
    unit = f" Enhed: {model.unit}" if spec.key in ("budget", "changes", "actuals") else ""
    sheet.put(2, 1, f"{NOTES[spec.key]}{unit}", "note")
    for c, name in enumerate(spec.names, start=1):
        sheet.put(HEADER_ROW, c, name, "header")
    types = dict(spec.columns)
    columns = [frame[name].tolist() for name in spec.names]
    for r, values in enumerate(zip(*columns), start=HEADER_ROW + 1):
        for c, (name, value) in enumerate(zip(spec.names, values), start=1):
            vtype = types[name]
            sheet.put(r, c, cell_value(value, vtype), STYLE.get(vtype, "input_text"))
    last = HEADER_ROW + max(len(frame), 1)
    sheet.tables.append(Table(spec.table, HEADER_ROW, last, 1, spec.names, "TableStyleLight9"))
    sheet.freeze = f"A{HEADER_ROW + 1}"
    sheet.fit_widths(maximum=50)
    return sheet


def layouts(budget: pd.DataFrame, changes: pd.DataFrame, actuals: pd.DataFrame, model: Model, weights: pd.DataFrame,
            targets: pd.DataFrame, activity: pd.DataFrame) -> list[SheetLayout]:
    """The input sheets; Phasing holds the resolved weights of every sector × category."""
    return [layout(BUDGET, budget, model), layout(CHANGES, changes, model), layout(ACTUALS, actuals, model),
            layout(PHASING, weights, model), layout(TARGETS, targets, model), layout(ACTIVITY, activity, model)]
