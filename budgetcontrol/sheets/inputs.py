"""The input sheets (Budget, Changes, Actuals, Phasing, Activity targets, Activity, Forecast, History
data, Outer budget, Savings data): one Excel Table each, headed exactly by the data contract's column
names so a finance-system export can be pasted under them and formulas can say ``Changes[amount]``."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetcontrol.contract.model import Model
from budgetcontrol.contract.tables import (ACCOUNTS, ACTIVITY, ACTUALS, BUDGET, CHANGES, COMMENTS, FORECAST, HISTORY, OUTER_BUDGET,
                                            PHASING, SAVINGS, TARGETS, Inputs, TableSpec)
from budgetcontrol.sheets.names import SETTINGS, tab
from budgetcontrol.sheets.layout import Bulk, Column, SheetLayout, Table

HEADER_ROW = 3
STYLE = {"amount": "input_amount", "date": "input_date", "month": "input_month", "weight": "input_weight",
         "count": "input_count", "month_number": "input_month_number", "year": "input_year"}
NOTES = {
    "budget": "Oprindeligt budget pr. linje. Udgifter positive; indtægter og refusion negative.",
    "changes": "Bevillingsændringer, én række pr. postering. Kun status 'approved' med dato til og med opgørelsesdatoen tæller.",
    "actuals": "Regnskab pr. måned (måned gemt som månedens første dag, vist som åååå-mm).",
    "phasing": "Periodisering: månedens andel (1–12) af årets budget pr. sektor og kategori; summen pr. sektor og "
               "kategori skal være 1.",
    "targets": "Måltal pr. måned, sektor, gruppe og mål (f.eks. antal anbringelser). Enhedspriser: tabellen UnitCosts "
               "på arket '{settings}'.",
    "activity": "Faktisk aktivitet pr. måned, sektor, gruppe og mål. En måned uden række vises tom (ikke som 0).",
    "forecast": "Controllerens forventede regnskab pr. linje (netto for linjens art). En linje her erstatter den beregnede "
                "prognose i opgørelsesmåneden; linjen skal findes i Budget, Changes eller Actuals.",
    "history": "Tidligere års oprindelige budget, korrigerede budget og regnskab (netto). Tom kategori = sektoren i alt. "
               "Regnskabsåret selv kommer fra beregningen.",
    "outer_budget": "Vedtaget budget for et overslagsår pr. linje. En linje uden række her fremskrives med årets prognose.",
    "savings": "Besparelseskatalog: beløb pr. tiltag og år, budgetåret eller et overslagsår (positiv = mindre forbrug); 'catalogue' grupperer "
               "tiltagene. Aktivitet må være tom.",
    "comments": "Bemærkninger til budgetopfølgningen: én tekst pr. sektor (tom kategori = hele sektoren) eller pr. sektor og "
                "kategori. Teksten trykkes under tallene i 'budgetcontrol report'.",
    "accounts": "Kontoplan: finanssystemets konti placeret på sektor, kategori og aktivitet. Mønstre på konto, funktion "
                "(5.28.21), dranst, gruppering og omkostningssted (* = vilkårlige tegn, ? = ét tegn, tom = alle); det mest "
                "specifikke mønster vinder. Arten (udgift, indtægt, refusion) følger af dranst og art.",
}
SHEET_NAMES = {"targets": "Activity targets", "history": "History data", "outer_budget": "Outer budget",
               "savings": "Savings data"}
WITH_UNIT = ("budget", "changes", "actuals", "forecast", "history", "outer_budget", "savings")


def cell_value(value, vtype: str):
    if vtype == "month":
        year, month = str(value).split("-")
        return dt.date(int(year), int(month), 1)
    if vtype == "date":
        return pd.Timestamp(value).date()
    if vtype in ("amount", "weight", "count"):
        return float(value)
    if vtype in ("month_number", "year"):
        return int(value)
    return None if value == "" else value


KINDS = {"month": "date", "date": "date", "amount": "number", "weight": "number", "count": "number",
         "month_number": "integer", "year": "integer"}


def _column(values: pd.Series, vtype: str) -> Column:
    """A Table column as the writer streams it: typed values (blank text = an empty cell) and the column's style."""
    return Column([cell_value(v, vtype) for v in values.tolist()], KINDS.get(vtype, "text"), STYLE.get(vtype, "input_text"))


def layout(spec: TableSpec, frame: pd.DataFrame, model: Model) -> SheetLayout:
    sheet = SheetLayout(SHEET_NAMES.get(spec.key, spec.table), "input")
    sheet.put(1, 1, f"{tab(sheet.name)} (tabellen {spec.table}, {spec.file})", "title")
    unit = f" Enhed: {model.unit}" if spec.key in WITH_UNIT else ""
    sheet.put(2, 1, f"{NOTES[spec.key].format(settings=tab(SETTINGS))}{unit}", "note")
    for c, name in enumerate(spec.names, start=1):
        sheet.put(HEADER_ROW, c, name, "header")
    sheet.bulk.append(Bulk(HEADER_ROW + 1, 1, [_column(frame[name], vtype) for name, vtype in spec.columns]))
    last = HEADER_ROW + max(len(frame), 1)
    sheet.tables.append(Table(spec.table, HEADER_ROW, last, 1, spec.names, "TableStyleLight9"))
    sheet.freeze = f"A{HEADER_ROW + 1}"
    sheet.fit_widths(maximum=50)
    return sheet


def layouts(data: Inputs, weights: pd.DataFrame) -> list[SheetLayout]:
    """The input sheets; Phasing holds the resolved weights of every sector × category."""
    tables = [(BUDGET, data.budget), (CHANGES, data.changes), (ACTUALS, data.actuals), (PHASING, weights),
              (TARGETS, data.targets), (ACTIVITY, data.activity), (FORECAST, data.forecast), (HISTORY, data.history),
              (OUTER_BUDGET, data.outer_budget), (SAVINGS, data.savings), (COMMENTS, data.comments)]
    if len(data.accounts):  # the account map: only for a municipality that exports by the chart of accounts
        tables.append((ACCOUNTS, data.accounts))
    return [layout(spec, frame, data.model) for spec, frame in tables]
