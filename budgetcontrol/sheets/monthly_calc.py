"""The "Monthly calc" sheet (beregning): one row per sector × category × kind × month 1–12,
and one per sector × category × month for the net, with every monthly figure of
``engine/monthly.py`` as a native formula over the input Tables. The Monthly and Status
sheets read from it by name (MC_*); its rows up to the as-of month are the rows of
``budgetcontrol export --table monthly``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetcontrol.engine import Result
from budgetcontrol.engine.monthly import is_blank
from budgetcontrol.engine.monthly import month_end as last_day
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets import ledger
from budgetcontrol.sheets.layout import SheetLayout, col, figure, ref
from budgetcontrol.sheets.names import LINE_FORECAST, MONTHLY_CALC, tab

HEADER_ROW, FIRST = 4, 5
COLUMNS = ["sector", "category", "kind", "month", "month_end", "cum_weight", "rest_weight", "corrected",
           "actual_month", "actual_ytd", "budget_ytd", "budget_month", "variance_ytd", "forecast_computed", "forecast", "has_forecast", "has_computed",
           "expected_result", "consumption", "group"]
C = {name: i for i, name in enumerate(COLUMNS, start=1)}
NAMES = {"sector": "MC_Sector", "category": "MC_Category", "kind": "MC_Kind", "month": "MC_Month",
         "month_end": "MC_MonthEnd", "cum_weight": "MC_CumWeight", "rest_weight": "MC_RestWeight", "corrected": "MC_Corrected",
         "actual_month": "MC_ActualMonth", "actual_ytd": "MC_ActualYtd", "budget_ytd": "MC_BudgetYtd",
         "budget_month": "MC_BudgetMonth", "variance_ytd": "MC_Variance", "forecast_computed": "MC_ForecastComputed",
         "forecast": "MC_Forecast",
         "has_forecast": "MC_HasForecast", "has_computed": "MC_HasComputed", "expected_result": "MC_Expected", "consumption": "MC_Consumption"}
HEADERS = {"sector": "Sektor", "category": "Kategori", "kind": "Art", "month": "Måned", "month_end": "Månedens slut",
           "cum_weight": "Andel til dato", "rest_weight": "Andel resten af året", "corrected": "Korrigeret budget",
           "actual_month": "Regnskab måned", "actual_ytd": "Regnskab til dato", "budget_ytd": "Budget til dato",
           "budget_month": "Budget måned", "variance_ytd": "Afvigelse til dato", "forecast_computed": "Beregnet prognose",
           "forecast": "Forventet regnskab",
           "has_forecast": "Prognose findes", "has_computed": "Beregnet prognose findes", "expected_result": "Forventet resultat", "consumption": "Forbrug %",
           "group": "Gruppe nr. (nøgle på Ledger)"}
STYLES = {"month": "date_month", "month_end": "date", "cum_weight": "weight", "rest_weight": "weight",
          "has_forecast": "integer", "consumption": "percent"}


def month_date(fiscal_year: int, m: int) -> dt.date:
    return dt.date(fiscal_year, m, 1)



def layout(result: Result) -> SheetLayout:
    model = result.inputs.model
    sheet = SheetLayout(MONTHLY_CALC, "calc")
    sheet.stream_from = FIRST  # many rows: streamed into the file
    sheet.put(1, 1, f"Månedsberegning {model.fiscal_year} — én række pr. sektor, kategori, art og måned", "title")
    sheet.put(2, 1, "Beregningsark: formler over inputtabellerne (Budget, Changes, Actuals, Phasing) og controllerens "
                    f"prognoser (arket '{tab(LINE_FORECAST)}', i opgørelsesmåneden). "
                    "Netto-rækkerne står efter art-rækkerne. Ændringer og regnskab tæller til og med månedens udgang, "
                    "dog aldrig efter opgørelsesmåneden.", "note")
    for name, c in C.items():
        sheet.put(HEADER_ROW, c, HEADERS[name], "header_wrap")
    frame = result.monthly
    ordered = pd.concat([frame[frame["kind"] != "net"], frame[frame["kind"] == "net"]])
    _check_months_in_order(ordered)
    last = FIRST + max(len(ordered), 1) - 1
    own = {name: f"${col(c)}${FIRST}:${col(c)}${last}" for name, c in C.items()}
    groups = ledger.group_numbers(result)
    for i, row in enumerate(ordered.itertuples(index=False)):
        r = FIRST + i
        _row(sheet, r, row, model.fiscal_year, own)
        sheet.formula(r, C["group"], f.numbered("LG_MonthlyGroup", ref(FIRST, C["group"], "cr"), ref(r, C["group"], "c")),
                      groups[(row.sector, row.category, row.kind)], "integer")
    for name, defined in NAMES.items():
        sheet.names[defined] = f"'{MONTHLY_CALC}'!{own[name]}"
    sheet.freeze = f"E{FIRST}"
    sheet.widths.update({c: 12 for c in C.values()})
    sheet.widths.update({C["sector"]: 9, C["category"]: 12, C["kind"]: 9})
    sheet.heights[HEADER_ROW] = 32
    return sheet


def _check_months_in_order(ordered: pd.DataFrame) -> None:
    """Each key's rows are its months 1–12, one after another (a month's figure reads the row above)."""
    months = ordered["m"].astype(int).to_numpy()
    keys = list(zip(ordered["sector"], ordered["category"], ordered["kind"]))
    for i, m in enumerate(months):
        if m != (1 if i == 0 or keys[i] != keys[i - 1] else months[i - 1] + 1):
            raise AssertionError(f"the monthly rows are not months 1–12 per key in order at row {i}: {keys[i]}, month {m}")


def _row(sheet: SheetLayout, r: int, row, fiscal_year: int, own: dict[str, str]) -> None:
    x = {name: ref(r, c) for name, c in C.items()}
    sector, category, kind = (ref(r, C[n], "c") for n in ("sector", "category", "kind"))
    sheet.put(r, C["sector"], row.sector, "code_text")
    sheet.put(r, C["category"], row.category, "code_text")
    sheet.put(r, C["kind"], row.kind, "code_text")
    sheet.put(r, C["month"], month_date(fiscal_year, int(row.m)), "date_month")
    group = ref(r, C["group"], "c")
    month = ref(r, C["month"], "c")
    month_end = ref(r, C["month_end"], "c")
    expect = {name: getattr(row, name) for name in ("cum_weight", "rest_weight", "corrected", "actual_month",
                                                   "actual_ytd", "budget_ytd", "budget_month", "variance_ytd",
                                                   "forecast_computed", "forecast", "expected_result", "consumption")}
    sheet.formula(r, C["month_end"], f.month_end(month), last_day(dt.date(fiscal_year, int(row.m), 1)), "date")
    pair = [("Phasing[sector]", f.text(sector)), ("Phasing[category]", f.text(category))]
    sheet.formula(r, C["cum_weight"], f.phased_share(pair, month), float(expect["cum_weight"]), "weight")
    sheet.formula(r, C["rest_weight"], f.phased_share(pair, month, after=True), float(expect["rest_weight"]), "weight")

    def keys(table: str) -> list[tuple[str, str]]:
        crit = [(f.column(table, "sector"), f.text(sector)), (f.column(table, "category"), f.text(category))]
        return crit if row.kind == "net" else crit + [(f.column(table, "kind"), f.text(kind))]

    sheet.formula(r, C["corrected"], f.group_corrected(group, keys, month_end), float(expect["corrected"]))
    sheet.formula(r, C["actual_month"], f.group_actual_month(group, keys, month, month_end), float(expect["actual_month"]))
    sheet.formula(r, C["actual_ytd"], f.group_actual_ytd(group, keys, month_end), float(expect["actual_ytd"]))
    sheet.formula(r, C["budget_ytd"], f.product(x["corrected"], x["cum_weight"]), float(expect["budget_ytd"]))
    sheet.formula(r, C["budget_month"], f.minus(x["budget_ytd"], f.previous_month_value(ref(r - 1, C["budget_ytd"]), month)),
                  float(expect["budget_month"]))
    sheet.formula(r, C["variance_ytd"], f.variance(x["actual_ytd"], x["budget_ytd"]), float(expect["variance_ytd"]))
    sheet.formula(r, C["forecast_computed"], f.forecast(x["actual_ytd"], x["corrected"], x["cum_weight"], x["rest_weight"]),
                  figure(expect["forecast_computed"]))
    lines = [("LF_Sector", f.text(sector)), ("LF_Category", f.text(category))]
    lines += [] if row.kind == "net" else [("LF_Kind", f.text(kind))]
    sheet.formula(r, C["forecast"], f.with_adjustment(x["forecast_computed"], month_end, f.sumifs("LF_Adjustment", lines),
                                                      f.sumifs("LF_HasController", lines)), figure(expect["forecast"]))
    sheet.formula(r, C["has_forecast"], f.filled(x["forecast"]), 0 if is_blank(expect["forecast"]) else 1, "integer")
    sheet.formula(r, C["has_computed"], f.filled(x["forecast_computed"]), 0 if is_blank(expect["forecast_computed"]) else 1,
                  "integer")
    sheet.formula(r, C["expected_result"], f.expected_result(x["forecast"], x["corrected"]), figure(expect["expected_result"]))
    sheet.formula(r, C["consumption"], f.ratio(x["actual_ytd"], x["corrected"]), figure(expect["consumption"]), "percent")
