"""The "Savings" sheet (besparelseskatalog): per catalogue, each measure of each sector with its
saving per year of the budget period (the fiscal year and the outer years) and in all, the
catalogue's total, and the total of all catalogues — native formulas over the SavingsData Table. Twin of the savings in ``engine/outer_years.py``.
"""

from __future__ import annotations

from budgetcontrol.contract.tables import SAVINGS
from budgetcontrol.engine import Result
from budgetcontrol.engine import outer_years as engine
from budgetcontrol.engine.forecast import years
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import SheetLayout, ref
from budgetcontrol.sheets.line_forecast import year_cell
from budgetcontrol.sheets.names import OUTER_YEARS, SAVINGS_DATA, tab
from budgetcontrol.sheets.names import SAVINGS as SHEET

HEADER_ROW, FIRST = 5, 7
LABEL, CATALOGUE, MEASURE, SECTOR, FIRST_YEAR = range(1, 6)


def _column(name: str) -> str:
    return f.column(SAVINGS.table, name)


def layout(result: Result) -> SheetLayout:
    model = result.inputs.model
    period = years(result.inputs)  # the fiscal year, then the outer years
    total_col = FIRST_YEAR + len(period)
    sheet = SheetLayout(SHEET, "output")
    sheet.put(1, 1, f"Besparelseskatalog {period[0]}–{period[-1]} — {model.name}", "title")
    sheet.put(2, 1, "Beløb i", "note")
    sheet.formula(2, 2, f"={f.UNIT}", model.unit, "note")
    sheet.put(3, 1, f"Positiv = mindre forbrug. Fra tabellen SavingsData (arket '{tab(SAVINGS_DATA)}'); indgår i arket "
                    f"'{tab(OUTER_YEARS)}'.", "note")
    for c, label in ((LABEL, "Katalog / tiltag"), (CATALOGUE, "Katalog"), (MEASURE, "Tiltag"), (SECTOR, "Sektor")):
        sheet.put(HEADER_ROW, c, label, "header")
    sheet.put(HEADER_ROW, total_col, "I alt", "header_right")  # right-aligned as the years beside it
    sheet.hidden_columns += [CATALOGUE, MEASURE]  # the keys the formulas match on: the names stand in column A
    for k, year in enumerate(period):
        sheet.formula(HEADER_ROW, FIRST_YEAR + k, year_cell(k), year, "header")
    savings = result.inputs.savings
    r = FIRST
    if savings.empty:
        sheet.put(r, LABEL, f"Ingen besparelser: udfyld tabellen SavingsData på arket '{tab(SAVINGS_DATA)}'.", "note")
        r += 1
    amounts = engine.saved(savings, ["catalogue", "measure", "sector"])
    by_catalogue = engine.saved(savings, ["catalogue"])
    names = {s.code: s.name for s in model.sectors}

    def row(r: int, label: str, style: str, criteria: list[tuple[str, str]], expected) -> None:
        sheet.put(r, LABEL, label, "indent" if style == "amount" else "total_label")
        for k, year in enumerate(period):
            c = FIRST_YEAR + k
            crit = criteria + [(_column("year"), ref(HEADER_ROW, c, "r"))]
            sheet.formula(r, c, f.sumifs(_column("amount"), crit), float(expected.get(year, 0.0)), style)
        sheet.formula(r, total_col, f.sum_range(ref(r, FIRST_YEAR), ref(r, total_col - 1)),
                      float(sum(expected.get(year, 0.0) for year in period)), style)

    for catalogue in dict.fromkeys(savings["catalogue"]):
        sheet.put(r, LABEL, catalogue, "group_heading")
        own = savings[savings["catalogue"] == catalogue]
        for measure, sector in dict.fromkeys(map(tuple, own[["measure", "sector"]].itertuples(index=False))):
            r += 1
            for c, code in ((CATALOGUE, catalogue), (MEASURE, measure), (SECTOR, sector)):
                sheet.put(r, c, code, "code_text")
            crit = [(_column(n), f.text(ref(r, c, "c"))) for n, c in (("catalogue", CATALOGUE), ("measure", MEASURE), ("sector", SECTOR))]
            row(r, f"{measure} ({names[sector]})", "amount", crit, amounts.xs((catalogue, measure, sector), level=[0, 1, 2]))
        r += 1
        sheet.put(r, CATALOGUE, catalogue, "code_text")
        row(r, f"{model.label('total')} {catalogue}", "total_amount", [(_column("catalogue"), f.text(ref(r, CATALOGUE, "c")))],
            by_catalogue.xs(catalogue, level=0))
        r += 2
    grand = savings.groupby("year")["amount"].sum()
    row(r, "Besparelser i alt", "group_total_amount", [], grand)
    sheet.freeze = f"B{HEADER_ROW + 1}"
    sheet.widths.update({LABEL: 48, CATALOGUE: 14, MEASURE: 14, SECTOR: 8, total_col: 14})
    sheet.widths.update({FIRST_YEAR + k: 13 for k in range(len(period))})
    return sheet
