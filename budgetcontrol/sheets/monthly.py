"""The "Monthly" sheet (måned for måned): for the sector chosen in cell B3 (a list of the
Sectors Table; works without Python), per category and for the sector in all, the 12 months
across — phased budget, actuals, cumulative budget and actuals, variance to date — and a line
chart of cumulative budget against cumulative actuals that follows the chosen sector.

Twin of ``engine/monthly.py`` (``figures``). Reads the "Monthly calc" sheet by name (MC_*);
the engine's figures for the sector chosen at build time are the cells' expected values.
"""

from __future__ import annotations

import datetime as dt

from budgetcontrol.contract.model import MONTHS
from budgetcontrol.danish import MONTH_ABBREVIATIONS
from budgetcontrol.engine import Result
from budgetcontrol.engine.monthly import month_end
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets import heading
from budgetcontrol.sheets.layout import Chart, Conditional, Series, SheetLayout, Validation, ref, row_range
from budgetcontrol.sheets.names import MONTHLY

SELECTOR = (3, 2)  # B3
KIND_CODE = (4, 2)  # B4: "net"
HEADER_ROW, FIRST = 5, 7
LABEL, CODE, FIRST_MONTH = 1, 2, 3
YEAR = FIRST_MONTH + 12  # O
MONTH_LABELS = list(MONTH_ABBREVIATIONS)
ROWS = [  # (figure, label, blank after the as-of month, year total)
    ("budget_month", "Periodiseret budget", False, True),
    ("actual_month", "Regnskab", True, True),
    ("budget_ytd", "Akkumuleret budget", False, False),
    ("actual_ytd", "Akkumuleret regnskab", True, False),
    ("variance_ytd", "Afvigelse akkumuleret", True, False),
]
CALC = {"budget_month": "MC_BudgetMonth", "actual_month": "MC_ActualMonth", "budget_ytd": "MC_BudgetYtd",
        "actual_ytd": "MC_ActualYtd", "variance_ytd": "MC_Variance"}


def selected_sector(result: Result) -> str:
    """The sector shown when the workbook is built: the first sector of the model that has figures."""
    present = set(result.monthly["sector"])
    return next((s.code for s in result.inputs.model.sectors if s.code in present), result.inputs.model.sectors[0].code)


def layout(result: Result, sectors_range: str, names_range: str) -> SheetLayout:
    """``sectors_range``/``names_range``: the Sectors Table's code and name cells (for the selector)."""
    model = result.inputs.model
    sheet = SheetLayout(MONTHLY, "output")
    chosen = selected_sector(result)
    sector_names = {s.code: s.name for s in model.sectors}
    heading.title_unit_as_of(sheet, f"Måned for måned {model.fiscal_year} — {model.name}", result,
                             f.AS_OF_MONTH_END, month_end(result.as_of))
    sheet.put(3, 1, "Vælg sektor (kode):", "subtitle")
    sheet.put(*SELECTOR, chosen, "selector")
    sheet.formula(3, 3, f.lookup(names_range, sectors_range, ref(*SELECTOR, "cr")), sector_names[chosen], "subtitle")
    sheet.validations.append(Validation(ref(*SELECTOR), "list", sectors_range, prompt="Vælg en sektorkode"))
    sheet.put(4, 1, "Netto (art):", "note")
    sheet.put(*KIND_CODE, "net", "code")
    sheet.hidden_rows.append(KIND_CODE[0])  # the kind code the formulas read: not for the reader
    sheet.put(HEADER_ROW, LABEL, "Kategori / række", "header")
    sheet.put(HEADER_ROW, CODE, "Kode", "header")
    for m in MONTHS:
        sheet.put(HEADER_ROW, FIRST_MONTH + m - 1, dt.date(model.fiscal_year, m, 1), "month_header")
    sheet.put(HEADER_ROW, YEAR, "År i alt", "header_right")  # right-aligned as the months beside it
    net = result.monthly[(result.monthly["kind"] == "net") & (result.monthly["sector"] == chosen)]
    r = FIRST
    for category in model.categories:
        rows = net[net["category"] == category.code]
        values = {(name, int(m)): float(v) for name in CALC for m, v in zip(rows["m"], rows[name])}
        r = _block(sheet, r, category.name, category.code, values, result)
    totals = net.groupby("m")[list(CALC)].sum()
    values = {(name, int(m)): float(totals.at[m, name]) for name in CALC for m in totals.index}
    block = r
    r = _block(sheet, r, f"{model.label('total')} (sektoren)", None, values, result)
    _chart(sheet, result, block, r + 1, values)
    sheet.conditionals.append(Conditional(f"C{FIRST}:{ref(r, YEAR)}", f"ISERROR({ref(FIRST, FIRST_MONTH)})", "muted_error"))
    sheet.freeze = f"C{HEADER_ROW + 1}"
    sheet.widths.update({LABEL: 30, CODE: 11, YEAR: 13})
    sheet.widths.update({c: 11 for c in range(FIRST_MONTH, YEAR)})
    return sheet


def _block(sheet: SheetLayout, r: int, title: str, code: str | None, values: dict, result: Result) -> int:
    """A heading and the five rows of one category (``code``) or of the sector in all (``code`` None)."""
    as_of_month = result.as_of.month
    sheet.put(r, LABEL, title, "group_heading")
    if code is not None:
        sheet.put(r, CODE, code, "code_text")
    heading = r
    for name, label, blank_later, year_total in ROWS:
        r += 1
        total_style = "total_amount" if code is None else "amount"
        sheet.put(r, LABEL, label, "indent")
        for m in MONTHS:
            c = FIRST_MONTH + m - 1
            month = ref(HEADER_ROW, c, "r")
            crit = [("MC_Sector", f.text(ref(*SELECTOR, "cr"))), ("MC_Kind", f.text(ref(*KIND_CODE, "cr"))),
                    ("MC_Month", month)]
            if code is not None:
                crit.insert(1, ("MC_Category", f.text(ref(heading, CODE, "c"))))
            text = f.sumifs(CALC[name], crit)
            expect = values.get((name, m), 0.0)
            if blank_later:
                text = f.after_as_of(month, text)
                expect = "" if m > as_of_month else expect
            sheet.formula(r, c, text, expect, total_style)
        if year_total:
            expect = sum(values.get((name, m), 0.0) for m in MONTHS if not (blank_later and m > as_of_month))
            sheet.formula(r, YEAR, f.sum_range(ref(r, FIRST_MONTH), ref(r, YEAR - 1)), expect, "total_amount")
    return r + 2


def _chart(sheet: SheetLayout, result: Result, block: int, r: int, values: dict) -> None:
    """Chart data (greyed) and the line chart of cumulative budget against cumulative actuals. The actuals
    series spans the months to the as-of month (the refresh rebuilds it); later months hold #N/A, which
    Excel leaves out of a line chart should the as-of date be moved by hand."""
    as_of_month = result.as_of.month
    sheet.put(r, LABEL, "Grafdata (akkumuleret, sektoren i alt)", "chart_label")
    labels_row, budget_row, actual_row = r + 1, r + 2, r + 3
    sheet.hidden_rows += [r, labels_row, budget_row, actual_row]  # the chart's data: plotted, not shown or printed
    sheet.page_breaks.append(r)  # the chart on a page of its own, never split
    sheet.put(labels_row, LABEL, "Måned", "chart_label")
    sheet.put(budget_row, LABEL, "Akkumuleret budget", "chart_label")
    sheet.put(actual_row, LABEL, "Akkumuleret regnskab", "chart_label")
    source_budget, source_actual = block + 3, block + 4  # rows of the total block
    for m in MONTHS:
        c = FIRST_MONTH + m - 1
        sheet.put(labels_row, c, MONTH_LABELS[m - 1], "chart_label")
        sheet.formula(budget_row, c, ref(source_budget, c), values.get(("budget_ytd", m), 0.0), "chart_data")
        sheet.formula(actual_row, c, f.chart_actual(ref(HEADER_ROW, c, "r"), ref(source_actual, c)),
                      "#N/A" if m > as_of_month else values.get(("actual_ytd", m), 0.0), "chart_data")
    sheet.charts.append(Chart(
        kind="line", title="Akkumuleret budget og regnskab (sektoren i alt)", anchor=f"A{actual_row + 2}",
        categories=row_range(MONTHLY, labels_row, FIRST_MONTH, YEAR - 1),
        series=[Series(f"'{MONTHLY}'!$A${budget_row}", row_range(MONTHLY, budget_row, FIRST_MONTH, YEAR - 1)),
                Series(f"'{MONTHLY}'!$A${actual_row}", row_range(MONTHLY, actual_row, FIRST_MONTH, FIRST_MONTH + as_of_month - 1))],
        y_title=result.inputs.model.unit))
