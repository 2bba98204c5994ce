"""The "Outer years" sheet (overslagsår), laid out like a budget proposal: years across — the fiscal
year's corrected budget, its expected accounts (the forecast) and each outer year — and per sector
the base per category, the savings per catalogue and measure, their total, the estimated budget
(base − savings) and its difference to the corrected budget (with the sign setting); then the same
for all sectors.

Twin of ``engine/outer_years.py``. The base reads the Line forecast sheet (LF_Bases, one column per
year), the savings the SavingsData Table, the corrected budget the Budget and Changes Tables.
"""

from __future__ import annotations

from budgetcontrol.contract.tables import SAVINGS
from budgetcontrol.engine import Result
from budgetcontrol.engine import outer_years as engine
from budgetcontrol.engine.forecast import years
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets import heading
from budgetcontrol.sheets.layout import Conditional, SheetLayout, ref
from budgetcontrol.sheets.line_forecast import year_cell
from budgetcontrol.sheets.names import OUTER_YEARS

HEADER_ROW, YEAR_ROW, FIRST = 6, 7, 9
LABEL, SECTOR, CATEGORY, CORRECTED, FIRST_YEAR = range(1, 6)  # the catalogue and measure codes stand right of the years


def _saving(name: str) -> str:
    return f.column(SAVINGS.table, name)


class _Sheet:
    """Row writing for one sheet: the year columns and the figures the engine expects."""

    def __init__(self, result: Result):
        self.model = result.inputs.model
        self.years = years(result.inputs)
        self.figures = result.outer_years.set_index(["sector", "category", "year"]).sort_index()
        self.sheet = SheetLayout(OUTER_YEARS, "output")
        self.catalogue = FIRST_YEAR + len(self.years) + 1
        self.measure = self.catalogue + 1

    def columns(self):
        return [(FIRST_YEAR + k, year) for k, year in enumerate(self.years)]

    def year(self, c: int) -> str:
        return ref(YEAR_ROW, c, "r")

    def base_row(self, r: int, label: str, style: str, sector: str, category: str) -> None:
        self.sheet.put(r, LABEL, label, "indent")
        self.sheet.put(r, SECTOR, sector, "code_text")
        self.sheet.put(r, CATEGORY, category, "code_text")
        keys = [(name, f.text(ref(r, c, "c"))) for name, c in (("sector", SECTOR), ("category", CATEGORY))]
        self.sheet.formula(r, CORRECTED, f.corrected(keys, f.counted()), self.figures.at[(sector, category, self.years[0]), "corrected"], style)
        for c, year in self.columns():
            base = f.sumifs(f.year_column("LF_Bases", "LF_Years", self.year(c)), [(f"LF_{n.title()}", v) for n, v in keys])
            self.sheet.formula(r, c, base, self.figures.at[(sector, category, year), "base"], style)

    def sums(self, r: int, label: str, rows: list[int], key: tuple[str, str], style: str) -> None:
        """A total row: the sum of ``rows`` in the corrected column and every year's."""
        self.sheet.put(r, LABEL, label, "total_label" if style == "total_amount" else "group_total_label")
        for c, year in [(CORRECTED, None)] + self.columns():
            name, at = ("corrected", self.years[0]) if year is None else ("base", year)
            self.sheet.formula(r, c, f.plus([ref(x, c) for x in rows]), self.figures.at[(*key, at), name], style)

    def saving_row(self, r: int, label: str, criteria: list[tuple[str, str]], expected, style: str = "amount") -> None:
        self.sheet.put(r, LABEL, label, "indent" if style == "amount" else "total_label")
        for c, year in self.columns():
            crit = criteria + [(_saving("year"), self.year(c))]
            self.sheet.formula(r, c, f.sumifs(_saving("amount"), crit), float(expected.get(year, 0.0)), style)

    def result_rows(self, r: int, base: int, saved: int, key: tuple[str, str], style: str) -> int:
        """Estimated budget and its difference to the corrected budget; the row after them."""
        self.sheet.put(r, LABEL, "Estimeret budget", "total_label")
        self.sheet.put(r + 1, LABEL, "Difference til korrigeret budget", "total_label")
        for c, year in self.columns():
            row = self.figures.loc[(*key, year)]
            self.sheet.formula(r, c, f.minus(ref(base, c), ref(saved, c)), float(row["estimated"]), style)
            self.sheet.formula(r + 1, c, f.variance(ref(r, c), ref(base, CORRECTED, "c")), float(row["difference"]), style)
        last = FIRST_YEAR + len(self.years) - 1
        self.sheet.conditionals.append(Conditional(f"{ref(r + 1, FIRST_YEAR)}:{ref(r + 1, last)}",
                                                   f.overspend(ref(r + 1, FIRST_YEAR)), "overspend"))
        return r + 2


def layout(result: Result) -> SheetLayout:
    w = _Sheet(result)
    sheet, model = w.sheet, w.model
    outer = w.years[1:]
    heading.title_unit_as_of(sheet, f"Budget {model.fiscal_year} og overslagsår {outer[0]}–{outer[-1]} — {model.name}",
                             result, f.AS_OF, result.as_of)
    heading.checks_and_sign(sheet, result)
    sheet.put(4, 1, "Grundlag: regnskabsårets prognose (controllerens hvor en linje har en); i et overslagsår det vedtagne "
                    "budget (tabellen OuterBudget) hvor en linje har et, ellers prognosen fremskrevet med dagens "
                    "forudsætninger. Estimeret budget = grundlag − besparelser.", "note")
    CATALOGUE, MEASURE = w.catalogue, w.measure
    headers = {LABEL: "Sektor / kategori / tiltag", SECTOR: "Sektor", CATEGORY: "Kategori", CATALOGUE: "Katalog",
               MEASURE: "Tiltag", CORRECTED: "Korrigeret budget"}
    for c, label in headers.items():
        sheet.put(HEADER_ROW, c, label, "header_wrap")
    sheet.formula(YEAR_ROW, CORRECTED, year_cell(0), w.years[0], "group_header")
    for k, (c, year) in enumerate(w.columns()):
        sheet.put(HEADER_ROW, c, "Budgetår" if k == 0 else "Overslagsår", "header_wrap")
        sheet.formula(YEAR_ROW, c, year_cell(k), year, "group_header")
    savings = result.inputs.savings
    detail = result.outer_years[(result.outer_years["sector"] != "") & (result.outer_years["category"] != "")]
    names = {s.code: s.name for s in model.sectors}
    categories = {c.code: c.name for c in model.categories}
    r, base_totals = FIRST, []
    for sector in dict.fromkeys(detail["sector"]):
        sheet.put(r, LABEL, names[sector], "group_heading")
        rows = []
        for category in dict.fromkeys(detail.loc[detail["sector"] == sector, "category"]):
            r += 1
            w.base_row(r, categories[category], "amount", sector, category)
            rows.append(r)
        r += 1
        w.sums(r, f"Grundlag i alt, {names[sector]}", rows, (sector, ""), "total_amount")
        base = r
        base_totals.append(base)
        own = savings[savings["sector"] == sector]
        amounts = engine.saved(own, ["catalogue", "measure"])
        r += 1
        sheet.put(r, LABEL, "Besparelser (positiv = mindre forbrug)", "subtitle")
        for catalogue in dict.fromkeys(own["catalogue"]):
            r += 1
            sheet.put(r, LABEL, catalogue, "indent")
            sheet.put(r, CATALOGUE, catalogue, "code_text")
            for measure in dict.fromkeys(own.loc[own["catalogue"] == catalogue, "measure"]):
                r += 1
                sheet.put(r, SECTOR, sector, "code_text")
                sheet.put(r, CATALOGUE, catalogue, "code_text")
                sheet.put(r, MEASURE, measure, "code_text")
                crit = [(_saving(n), f.text(ref(r, c, "c"))) for n, c in (("sector", SECTOR), ("catalogue", CATALOGUE), ("measure", MEASURE))]
                w.saving_row(r, f"  {measure}", crit, amounts.xs((catalogue, measure), level=[0, 1]))
        r += 1
        sheet.put(r, SECTOR, sector, "code_text")
        w.saving_row(r, "Besparelser i alt", [(_saving("sector"), f.text(ref(r, SECTOR, "c")))],
                     w.figures.loc[(sector, "")]["savings"], "total_amount")
        r = w.result_rows(r + 1, base, r, (sector, ""), "total_amount") + 1
    sheet.put(r, LABEL, model.label("grand_total"), "group_heading")
    r += 1
    w.sums(r, "Grundlag i alt", base_totals, ("", ""), "group_total_amount")
    base = r
    by_catalogue = engine.saved(savings, ["catalogue"])
    for catalogue in dict.fromkeys(savings["catalogue"]):
        r += 1
        sheet.put(r, CATALOGUE, catalogue, "code_text")
        w.saving_row(r, catalogue, [(_saving("catalogue"), f.text(ref(r, CATALOGUE, "c")))], by_catalogue.xs(catalogue, level=0))
    r += 1
    w.saving_row(r, "Besparelser i alt", [], w.figures.loc[("", "")]["savings"], "total_amount")
    w.result_rows(r + 1, base, r, ("", ""), "group_total_amount")
    sheet.freeze = f"B{YEAR_ROW + 1}"
    sheet.widths.update({LABEL: 40, SECTOR: 8, CATEGORY: 11, CATALOGUE: 30, MEASURE: 30, CORRECTED: 15})
    sheet.widths.update({c: 15 for c, _ in w.columns()})
    sheet.heights[HEADER_ROW] = 32
    return sheet
