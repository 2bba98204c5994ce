"""The "Line forecast" sheet (beregning): one row per line (sector, category, activity, kind) with
the forecast of the reporting month as native formulas — the corrected budget and actuals to the
month's end, the phased shares, part 2's computed forecast, the controller's forecast from the
Forecast Table, the one that counts and its adjustment — and each year's base for the Outer years
sheet (the OuterBudget Table's adopted budget, else the forecast carried forward).

Twin of ``engine/forecast.py``. Monthly calc adds the adjustments (LF_Adjustment) to the reporting
month's forecast; Status, History and Outer years read the sheet by name (LF_*).
"""

from __future__ import annotations

from budgetcontrol.contract.tables import FORECAST, OUTER_BUDGET
from budgetcontrol.engine import Result
from budgetcontrol.engine.forecast import base_column, years
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import SheetLayout, col, figure, per_row, ref
from budgetcontrol.sheets.names import LINE_FORECAST

YEAR_ROW, HEADER_ROW, FIRST = 4, 5, 6
COLUMNS = ["sector", "category", "activity", "kind", "corrected", "actual_ytd", "cum_weight", "rest_weight", "computed",
           "has_controller", "controller", "forecast", "adjustment", "adopted", "line"]
C = {name: i for i, name in enumerate(COLUMNS, start=1)}
FIRST_BASE = len(COLUMNS) + 1
HEADERS = {"sector": "Sektor", "category": "Kategori", "activity": "Aktivitet", "kind": "Art",
           "corrected": "Korrigeret budget (måned)", "actual_ytd": "Regnskab til dato", "cum_weight": "Andel til dato",
           "rest_weight": "Andel resten af året", "computed": "Beregnet prognose", "has_controller": "Controllerprognose findes",
           "controller": "Controllerens prognose", "forecast": "Prognose der tæller", "adjustment": "Justering",
           "adopted": "Rækker i OuterBudget", "line": "Linje nr. (nøgle på Ledger)"}
NAMES = {"sector": "LF_Sector", "category": "LF_Category", "kind": "LF_Kind", "has_controller": "LF_HasController",
         "controller": "LF_Controller", "adopted": "LF_Adopted",
         "forecast": "LF_Forecast", "adjustment": "LF_Adjustment"}


def year_cell(k: int) -> str:
    """The cell holding the k-th year (0 = the fiscal year) of the base columns, for other sheets."""
    return f"'{LINE_FORECAST}'!${col(FIRST_BASE + k)}${YEAR_ROW}"


def layout(result: Result) -> SheetLayout:
    model = result.inputs.model
    sheet = SheetLayout(LINE_FORECAST, "calc")
    sheet.stream_from = FIRST  # many rows: streamed into the file
    sheet.put(1, 1, f"Prognose pr. linje {model.fiscal_year} og grundlag for overslagsårene", "title")
    sheet.put(2, 1, "Beregningsark: én række pr. linje. Prognosen der tæller er controllerens (tabellen Forecast) hvor "
                    "linjen har en, ellers den beregnede; grundlaget for et overslagsår er det vedtagne budget "
                    "(tabellen OuterBudget) hvor linjen har et, ellers prognosen fremskrevet.", "note")
    for name, c in C.items():
        sheet.put(HEADER_ROW, c, HEADERS[name], "header_wrap")
    all_years = years(result.inputs)
    for k, year in enumerate(all_years):
        c = FIRST_BASE + k
        text = f"={f.FISCAL_YEAR}" if k == 0 else f"{ref(YEAR_ROW, c - 1)}+1"
        sheet.formula(YEAR_ROW, c, text, year, "integer")
        sheet.put(HEADER_ROW, c, "Grundlag regnskabsår" if k == 0 else "Grundlag overslagsår", "header_wrap")
    frame = result.line_forecasts
    last = FIRST + len(frame) - 1
    formula = {name: per_row(build, FIRST) for name, build in _patterns(all_years).items()}
    for i, row in enumerate(frame.to_dict("records")):
        _row(sheet, FIRST + i, i + 1, row, all_years, formula)
    for name, defined in NAMES.items():
        c = C[name]
        sheet.names[defined] = f"'{LINE_FORECAST}'!${col(c)}${FIRST}:${col(c)}${last}"
    end = FIRST_BASE + len(all_years) - 1
    sheet.names["LF_Bases"] = f"'{LINE_FORECAST}'!${col(FIRST_BASE)}${FIRST}:${col(end)}${last}"
    sheet.names["LF_Years"] = f"'{LINE_FORECAST}'!${col(FIRST_BASE)}${YEAR_ROW}:${col(end)}${YEAR_ROW}"
    sheet.freeze = f"E{FIRST}"
    sheet.widths.update({c: 12 for c in range(1, end + 1)})
    sheet.heights[HEADER_ROW] = 45
    return sheet


def _patterns(all_years: list[int]) -> dict:
    """Each formula column's text for row ``r`` (one pattern per column, made once: layout.per_row)."""
    x = lambda r, name: ref(r, C[name])
    keys = lambda r: [ref(r, C[n], "c") for n in ("sector", "category", "activity", "kind")]
    line = lambda r: ref(r, C["line"], "c")
    mine = lambda r: f.line_criteria(FORECAST.table, *keys(r))
    adopted = lambda r, c: f.line_criteria(OUTER_BUDGET.table, *keys(r)) + [(f.column(OUTER_BUDGET.table, "year"), ref(YEAR_ROW, c, "r"))]
    patterns = {
        "line": lambda r: f.row_number(ref(FIRST, C["line"], "cr"), line(r)),
        "corrected": lambda r: f.line_corrected(line(r), keys(r), f.AS_OF_MONTH_END),
        "actual_ytd": lambda r: f.line_actual(line(r), keys(r)),
        "cum_weight": lambda r: f.line_weight("MC_CumWeight", line(r)),
        "rest_weight": lambda r: f.line_weight("MC_RestWeight", line(r)),
        "computed": lambda r: f.forecast(x(r, "actual_ytd"), x(r, "corrected"), x(r, "cum_weight"), x(r, "rest_weight")),
        "has_controller": lambda r: f.countifs(mine(r)),
        "controller": lambda r: f.given_or(x(r, "has_controller"), f.sumifs(f.column(FORECAST.table, "amount"), mine(r)), '""'),
        "forecast": lambda r: f.given_or(x(r, "has_controller"), x(r, "controller"), x(r, "computed")),
        "adjustment": lambda r: f.adjustment(x(r, "has_controller"), x(r, "computed"), x(r, "forecast")),
        "adopted": lambda r: f.countifs(f.line_criteria(OUTER_BUDGET.table, *keys(r))),
    }
    for k in range(len(all_years)):
        c = FIRST_BASE + k
        patterns[c] = lambda r, c=c: f.given_or(f.countifs(adopted(r, c)), f.sumifs(f.column(OUTER_BUDGET.table, "amount"), adopted(r, c)),
                                                x(r, "forecast"))
    return patterns


def _row(sheet: SheetLayout, r: int, number: int, row: dict, all_years: list[int], formula: dict) -> None:
    for name in ("sector", "category", "activity", "kind"):
        sheet.put(r, C[name], row[name] or None, "code_text")
    sheet.formula(r, C["line"], formula["line"](r), number, "integer")
    sheet.formula(r, C["corrected"], formula["corrected"](r), float(row["corrected"]))
    sheet.formula(r, C["actual_ytd"], formula["actual_ytd"](r), float(row["actual_ytd"]))
    sheet.formula(r, C["cum_weight"], formula["cum_weight"](r), float(row["cum_weight"]), "weight")
    sheet.formula(r, C["rest_weight"], formula["rest_weight"](r), float(row["rest_weight"]), "weight")
    sheet.formula(r, C["computed"], formula["computed"](r), figure(row["computed"]))
    sheet.formula(r, C["has_controller"], formula["has_controller"](r), int(row["has_controller"]), "integer")
    sheet.formula(r, C["controller"], formula["controller"](r), figure(row["controller"]))
    sheet.formula(r, C["forecast"], formula["forecast"](r), figure(row["forecast"]))
    sheet.formula(r, C["adjustment"], formula["adjustment"](r), float(row["adjustment"]))
    sheet.formula(r, C["adopted"], formula["adopted"](r), int(row["adopted"]), "integer")
    for k, year in enumerate(all_years):
        sheet.formula(r, FIRST_BASE + k, formula[FIRST_BASE + k](r), figure(row[base_column(year)]))
