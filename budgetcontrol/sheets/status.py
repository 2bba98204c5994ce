"""The "Status" sheet (budgetopfølgning for the reporting month): per sector and category the
corrected budget, the phased budget and actuals to date, the variance to date, the consumption
(forbrugsprocent), the computed forecast, the forecast that counts (forventet regnskab: the
controller's where a line has one) and which one it is, and the expected result, with a traffic
light; each sector's total, "I alt Drift", "I alt Anlæg" and "I alt"; and a chart of the
variance and expected result per sector.

Twin of ``engine/monthly.py`` (``status``). Detail rows read the "Monthly calc" sheet's net
rows of the as-of month by name (MC_*).
"""

from __future__ import annotations

from budgetcontrol.engine import Result
from budgetcontrol.engine.monthly import is_blank, month_end
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets import heading
from budgetcontrol.sheets.layout import Chart, Conditional, Series, SheetLayout, col, figure, range_ref, ref
from budgetcontrol.sheets.names import STATUS

HEADER_ROW, CODE_ROW, FIRST = 6, 7, 8
LABEL, SECTOR, CATEGORY = 1, 2, 3
(CORRECTED, BUDGET, ACTUAL, VARIANCE, CONSUMPTION, COMPUTED, FORECAST, SOURCE, EXPECTED, LIGHT, GROUP, HAS_FORECAST,
 CONTROLLER_LINES, HAS_COMPUTED) = range(4, 18)
SUMMED = {CORRECTED: ("corrected", "MC_Corrected"), BUDGET: ("budget_ytd", "MC_BudgetYtd"),
          ACTUAL: ("actual_ytd", "MC_ActualYtd")}
HEADERS = {LABEL: "Sektor / kategori", SECTOR: "Sektor", CATEGORY: "Kategori", CORRECTED: "Korrigeret budget",
           BUDGET: "Periodiseret budget til dato", ACTUAL: "Regnskab til dato", VARIANCE: "Afvigelse til dato",
           CONSUMPTION: "Forbrug %", COMPUTED: "Beregnet prognose", FORECAST: "Forventet regnskab",
           SOURCE: "Prognose fra", EXPECTED: "Forventet resultat", LIGHT: "Trafiklys", GROUP: "Gruppe",
           HAS_FORECAST: "Prognose findes", CONTROLLER_LINES: "Linjer med controllerprognose",
           HAS_COMPUTED: "Beregnet prognose findes"}



def _derived(sheet: SheetLayout, r: int, figures: dict, labels: dict[str, str], style: str, sources: dict[str, str]) -> None:
    """The columns computed from the row's own figures (one pattern per column for every row);
    ``style`` is the row's amount style (amount, total_amount, group_total_amount)."""
    x = {c: ref(r, c) for c in range(CORRECTED, HAS_COMPUTED + 1)}
    sheet.formula(r, VARIANCE, f.variance(x[ACTUAL], x[BUDGET]), float(figures["variance_ytd"]), style)
    sheet.formula(r, CONSUMPTION, f.ratio(x[ACTUAL], x[CORRECTED]), figure(figures["consumption"]), "percent")
    sheet.formula(r, EXPECTED, f.expected_result(x[FORECAST], x[CORRECTED]), figure(figures["expected_result"]), style)
    sheet.formula(r, LIGHT, f.light(x[VARIANCE], x[BUDGET], labels), labels[figures["light"]], "light")
    sheet.formula(r, HAS_FORECAST, f.filled(x[FORECAST]), 0 if is_blank(figures["forecast"]) else 1, "code")
    sheet.formula(r, SOURCE, f.source(x[CONTROLLER_LINES], sources), sources[figures["source"]], "text")
    sheet.formula(r, HAS_COMPUTED, f.filled(x[COMPUTED]), 0 if is_blank(figures["forecast_computed"]) else 1, "code")
    sheet.cells[(r, CONTROLLER_LINES)].expect = float(figures["controller_lines"])
    sheet.cells[(r, CONTROLLER_LINES)].style = "code"
    sheet.cells[(r, COMPUTED)].expect = figure(figures["forecast_computed"])
    sheet.cells[(r, COMPUTED)].style = style
    for c, (name, _) in SUMMED.items():
        sheet.cells[(r, c)].expect = float(figures[name])
        sheet.cells[(r, c)].style = style
    sheet.cells[(r, FORECAST)].expect = figure(figures["forecast"])
    sheet.cells[(r, FORECAST)].style = style


def layout(result: Result) -> tuple[SheetLayout, str]:
    """The sheet, and the reference of the grand total's actuals to date (for the Checks sheet)."""
    model = result.inputs.model
    labels = {k: model.label("light", k) for k in ("green", "amber", "red")}
    sources = {k: model.label("forecast_source", k) for k in ("computed", "controller")}
    sheet = SheetLayout(STATUS, "output")
    _headings(sheet, result)
    status = result.status
    detail = status[(status["sector"] != "") & (status["category"] != "")]
    totals = status[(status["sector"] != "") & (status["category"] == "")].set_index("sector")
    groups = status[status["group"] != ""].set_index("group")
    grand = status[(status["sector"] == "") & (status["group"] == "")].iloc[0]
    names = {c.code: c.name for c in model.categories}
    r = FIRST
    sector_rows: dict[str, int] = {}
    for sector in model.sectors:
        rows = detail[detail["sector"] == sector.code]
        if rows.empty:
            continue
        sheet.put(r, LABEL, sector.name, "group_heading")
        r += 1
        first = r
        for row in rows.to_dict("records"):
            sheet.put(r, LABEL, names[row["category"]], "indent")
            sheet.put(r, SECTOR, sector.code, "code_text")
            sheet.put(r, CATEGORY, row["category"], "code_text")
            sheet.put(r, GROUP, model.category_group(row["category"]), "code")
            crit = [("MC_Sector", f.text(ref(r, SECTOR, "c"))), ("MC_Category", f.text(ref(r, CATEGORY, "c"))),
                    ("MC_MonthEnd", f.AS_OF_MONTH_END)]
            for c, (_, name) in SUMMED.items():
                sheet.formula(r, c, f.sumifs(name, crit + [("MC_Kind", f.text(ref(CODE_ROW, c, "r")))]), None)
            kind = [("MC_Kind", f.text(ref(CODE_ROW, FORECAST, "r")))]
            has = f.sumifs("MC_HasForecast", crit + kind)
            sheet.formula(r, FORECAST, f.given_or(has, f.sumifs("MC_Forecast", crit + kind), '""'), None)
            sheet.formula(r, COMPUTED, f.given_or(f.sumifs("MC_HasComputed", crit + kind),
                                                  f.sumifs("MC_ForecastComputed", crit + kind), '""'), None)
            sheet.formula(r, CONTROLLER_LINES, f.sumifs("LF_HasController", [("LF_Sector", crit[0][1]), ("LF_Category", crit[1][1])]), None)
            _derived(sheet, r, row, labels, "amount", sources)
            r += 1
        sheet.put(r, LABEL, f"{model.label('total')} {sector.name}", "total_label")
        sheet.put(r, SECTOR, sector.code, "code_text")
        for c in SUMMED:
            sheet.formula(r, c, f.sum_range(ref(first, c), ref(r - 1, c)), None)
        for c in (FORECAST, COMPUTED):
            sheet.formula(r, c, f.sum_or_blank(f"{ref(first, c)}:{ref(r - 1, c)}"), None)
        sheet.formula(r, CONTROLLER_LINES, f.sum_range(ref(first, CONTROLLER_LINES), ref(r - 1, CONTROLLER_LINES)), None)
        _derived(sheet, r, totals.loc[sector.code].to_dict(), labels, "total_amount", sources)
        sector_rows[sector.code] = r
        r += 2
    detail_last = r - 1
    group_rows = []
    for group in ("operating", "capital"):
        if group not in groups.index:
            continue
        sheet.put(r, LABEL, model.label("operating_total" if group == "operating" else "capital_total"), "group_total_label")
        sheet.put(r, GROUP, group, "code")
        crit_col = f"{ref(FIRST, GROUP, 'cr')}:{ref(detail_last, GROUP, 'cr')}"
        key = f.text(ref(r, GROUP, "c"))
        for c in list(SUMMED) + [CONTROLLER_LINES]:
            sheet.formula(r, c, f.sumifs(f"{ref(FIRST, c, 'r')}:{ref(detail_last, c, 'r')}", [(crit_col, key)]), None)
        for c, flag in ((FORECAST, HAS_FORECAST), (COMPUTED, HAS_COMPUTED)):
            has = f.sumifs(f"{ref(FIRST, flag, 'r')}:{ref(detail_last, flag, 'r')}", [(crit_col, key)])
            total = f.sumifs(f"{ref(FIRST, c, 'r')}:{ref(detail_last, c, 'r')}", [(crit_col, key)])
            sheet.formula(r, c, f.given_or(has, total, '""'), None)
        _derived(sheet, r, groups.loc[group].to_dict(), labels, "group_total_amount", sources)
        group_rows.append(r)
        r += 1
    r += 1
    sheet.put(r, LABEL, model.label("grand_total"), "group_total_label")
    for c in list(SUMMED) + [CONTROLLER_LINES]:
        sheet.formula(r, c, f.plus([ref(g, c) for g in group_rows]), None)
    for c in (FORECAST, COMPUTED):
        sheet.formula(r, c, f.sum_or_blank(",".join(ref(g, c) for g in group_rows)), None)
    _derived(sheet, r, grand.to_dict(), labels, "group_total_amount", sources)
    last = r
    lights = f"{col(VARIANCE)}{FIRST}:{col(VARIANCE)}{last} {col(LIGHT)}{FIRST}:{col(LIGHT)}{last}"
    for key in ("red", "amber", "green"):
        sheet.conditionals.append(Conditional(lights, f'{ref(FIRST, LIGHT, "c")}="{labels[key]}"', f"light_{key}"))
    _chart_block(sheet, result, sector_rows, last + 3)
    sheet.page_breaks.append(last + 3)  # the chart block on a page of its own, never split
    sheet.hidden_columns += [GROUP, HAS_FORECAST, CONTROLLER_LINES, HAS_COMPUTED]  # helpers the formulas read
    sheet.hidden_rows.append(CODE_ROW)
    sheet.freeze = f"D{FIRST}"
    sheet.fit_widths(maximum=40)
    for c in range(CORRECTED, EXPECTED + 1):
        sheet.widths[c] = 14
    sheet.widths[SECTOR] = sheet.widths[CATEGORY] = 11
    sheet.widths[LIGHT] = sheet.widths[SOURCE] = 11
    sheet.widths.update({GROUP: 9, HAS_FORECAST: 9, CONTROLLER_LINES: 11, HAS_COMPUTED: 9})
    sheet.heights[HEADER_ROW] = 32
    return sheet, f"'{STATUS}'!${col(ACTUAL)}${last}"


def _chart_block(sheet: SheetLayout, result: Result, sector_rows: dict[str, int], r: int) -> None:
    """Per sector, the variance to date and the expected result (chart data and chart)."""
    model = result.inputs.model
    totals = result.status[(result.status["sector"] != "") & (result.status["category"] == "")].set_index("sector")
    sheet.put(r, LABEL, "Afvigelse og forventet resultat pr. sektor", "group_heading")
    r += 1
    sheet.put(r, LABEL, "Sektor", "header")
    sheet.put(r, 2, HEADERS[VARIANCE], "header")
    sheet.put(r, 3, HEADERS[EXPECTED], "header")
    head = r
    names = {s.code: s.name for s in model.sectors}
    for code, row in sector_rows.items():
        r += 1
        sheet.put(r, LABEL, names[code], "indent")
        sheet.formula(r, 2, ref(row, VARIANCE), float(totals.at[code, "variance_ytd"]))
        sheet.formula(r, 3, f"N({ref(row, EXPECTED)})", 0.0 if is_blank(totals.at[code, "expected_result"])
                      else float(totals.at[code, "expected_result"]))
    if r == head:
        return
    sheet.charts.append(Chart(
        kind="bar", title="Afvigelse til dato og forventet resultat pr. sektor", anchor=f"E{head}",
        categories=range_ref(STATUS, head + 1, r, LABEL),
        series=[Series(f"'{STATUS}'!$B${head}", range_ref(STATUS, head + 1, r, 2)),
                Series(f"'{STATUS}'!$C${head}", range_ref(STATUS, head + 1, r, 3))],
        y_title=model.unit, height=7.5 + 0.4 * len(sector_rows)))


def _headings(sheet: SheetLayout, result: Result) -> None:
    model = result.inputs.model
    heading.title_unit_as_of(sheet, f"Budgetopfølgning {model.fiscal_year} — status — {model.name}", result,
                             f.AS_OF_MONTH_END, month_end(result.as_of))
    heading.checks_and_sign(sheet, result)
    sheet.put(4, 1, "Trafiklys på merforbrug til dato i forhold til periodiseret budget til dato — gul over:", "note")
    sheet.formula(4, 4, f"={f.AMBER}", model.lights.amber, "percent")
    sheet.put(4, 5, "rød over:", "note")
    sheet.formula(4, 6, f"={f.RED}", model.lights.red, "percent")
    for c, label in HEADERS.items():
        sheet.put(HEADER_ROW, c, label, "header_wrap")
    for c in list(SUMMED) + [FORECAST, COMPUTED]:
        sheet.put(CODE_ROW, c, "net", "code")
