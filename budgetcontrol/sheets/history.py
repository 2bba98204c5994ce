"""The "History" sheet (regnskabshistorik): per sector (or sector × category) one row per year with the
original budget, the corrected budget, the accounts, the result against the original and against
the corrected budget (with the sign setting) and the note, from the HistoryData Table; the fiscal
year in its place from the workbook's own figures (the forecast as the expected accounts, marked
expected); and a chart of the three series over the years.

Twin of ``engine/history.py``.
"""

from __future__ import annotations

from budgetcontrol.contract.tables import HISTORY
from budgetcontrol.engine import Result
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets import heading
from budgetcontrol.sheets.layout import Chart, Conditional, Series, SheetLayout, range_ref, ref, sheet_ref
from budgetcontrol.sheets.names import HISTORY_DATA, tab
from budgetcontrol.sheets.names import HISTORY as SHEET

HEADER_ROW = 5
YEAR, ORIGINAL, CORRECTED, ACTUAL, RESULT_ORIGINAL, RESULT_CORRECTED, NOTE, EXPECTED, SECTOR, CATEGORY = range(1, 11)
HEADERS = {YEAR: "År", ORIGINAL: "Oprindeligt budget", CORRECTED: "Korrigeret budget", ACTUAL: "Regnskab",
           RESULT_ORIGINAL: "Resultat ift. oprindeligt budget", RESULT_CORRECTED: "Resultat ift. korrigeret budget",
           NOTE: "Note", EXPECTED: "Forventet (1 = prognose)", SECTOR: "Sektor", CATEGORY: "Kategori"}
FIGURES = {ORIGINAL: "original", CORRECTED: "corrected", ACTUAL: "actual"}
CHART_HEIGHT, CHART_ROWS = 7.0, 16  # cm, and the rows it covers


def _column(name: str) -> str:
    return f.column(HISTORY.table, name)


def layout(result: Result) -> SheetLayout:
    model = result.inputs.model
    sheet = SheetLayout(SHEET, "output")
    heading.title_unit_as_of(sheet, f"Regnskabshistorik og {model.fiscal_year} — {model.name}", result,
                             f.AS_OF, result.as_of)
    heading.checks_and_sign(sheet, result)
    sheet.put(4, 1, "Resultat = regnskab − budget med fortegnsindstillingen. Tidligere år fra tabellen HistoryData "
                    f"(arket '{tab(HISTORY_DATA)}'); {model.fiscal_year} er korrigeret budget pr. opgørelsesdatoen og "
                    "forventet regnskab (prognosen).", "note")
    for c, label in HEADERS.items():
        sheet.put(HEADER_ROW, c, label, "header_wrap")
    sectors = {s.code: s.name for s in model.sectors}
    categories = {c.code: c.name for c in model.categories}
    frame = result.history
    r = HEADER_ROW + 2
    for (sector, category), block in frame.groupby(["sector", "category"], sort=False):
        title = sectors[sector] + (f" · {categories[category]}" if category else f" · {model.label('total')}")
        sheet.put(r, 1, title, "group_heading")
        first = r + 1
        for row in block.to_dict("records"):
            r += 1
            _row(sheet, r, row, sector, category)
        series = [Series(sheet_ref(SHEET, HEADER_ROW, c), range_ref(SHEET, first, r, c)) for c in FIGURES]
        sheet.charts.append(Chart(kind="bar", title=f"{title}: budget og regnskab", anchor=f"L{first - 1}",
                                  categories=range_ref(SHEET, first, r, YEAR), series=series, y_title=model.unit,
                                  width=16, height=CHART_HEIGHT, from_zero=True))
        r = max(r + 3, first + CHART_ROWS)  # the next block below the chart
    result_cols = f"{ref(HEADER_ROW + 2, RESULT_ORIGINAL)}:{ref(max(r, HEADER_ROW + 2), RESULT_CORRECTED)}"
    sheet.conditionals.append(Conditional(result_cols, f.overspend(ref(HEADER_ROW + 2, RESULT_ORIGINAL)), "overspend"))
    sheet.freeze = f"B{HEADER_ROW + 1}"
    notes = [len(str(v)) for v in result.inputs.history["note"]] + [len(result.inputs.model.label("history_expected"))]
    sheet.widths.update({YEAR: 9, NOTE: max(34, min(70, max(notes) + 2)), EXPECTED: 11, SECTOR: 9, CATEGORY: 11})
    sheet.hidden_columns.append(EXPECTED)  # the flag of the expected year (shown in blue): for the formulas
    sheet.widths.update({c: 14 for c in FIGURES})
    sheet.widths.update({RESULT_ORIGINAL: 14, RESULT_CORRECTED: 14})
    sheet.heights[HEADER_ROW] = 45
    return sheet


def _row(sheet: SheetLayout, r: int, row: dict, sector: str, category: str) -> None:
    sheet.put(r, SECTOR, sector, "code_text")
    sheet.put(r, CATEGORY, category or None, "code_text")
    keys = [ref(r, SECTOR, "c"), ref(r, CATEGORY, "c")]
    expected = bool(row["expected"])
    style = "expected_amount" if expected else "amount"
    if expected:
        sheet.formula(r, YEAR, f'={f.FISCAL_YEAR}&""', str(row["year"]), "code_text")
        pair = [("sector", f.text(keys[0]))] + ([("category", f.text(keys[1]))] if category else [])  # empty: the sector
        lines = [(f"LF_{name.title()}", crit) for name, crit in pair]
        sheet.formula(r, ORIGINAL, f.original(pair), float(row["original"]), style)
        sheet.formula(r, CORRECTED, f.corrected(pair, f.counted()), float(row["corrected"]), style)
        sheet.formula(r, ACTUAL, f.sumifs("LF_Forecast", lines), float(row["actual"]), style)
        sheet.put(r, NOTE, row["note"], "expected_label")
    else:
        sheet.put(r, YEAR, str(row["year"]), "code_text")  # a label (text), so no number is hard-coded
        match = [("year", ref(r, YEAR, "c")), ("sector", f.text(keys[0])), ("category", f.text(keys[1]))]
        for c, name in FIGURES.items():
            sheet.formula(r, c, f.sumifs(_column(name), [(_column(key), cell) for key, cell in match]), float(row[name]), style)
        sheet.formula(r, NOTE, f.text_lookup(HISTORY.table, "note", match), row["note"] or "", "text")
    sheet.formula(r, RESULT_ORIGINAL, f.variance(ref(r, ACTUAL), ref(r, ORIGINAL)), float(row["result_original"]), style)
    sheet.formula(r, RESULT_CORRECTED, f.variance(ref(r, ACTUAL), ref(r, CORRECTED)), float(row["result_corrected"]), style)
    sheet.formula(r, EXPECTED, f.flag(f'{ref(r, YEAR)}={f.FISCAL_YEAR}&""'), int(row["expected"]), "flag")
