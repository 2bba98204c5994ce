"""The "Sector summary" sheet (sektoroversigt), laid out like the administration's own
summary: per spending category each sector's corrected budget and actuals (expense,
income, refund, net), the phased budget to date and the variance to date (net); category
subtotals; "I alt Drift"; capital ("Anlæg") apart; the grand total; and each sector across categories.

The variance is actuals to date against the phased budget to date, as on Status: before the year's end,
actuals to date against the full-year budget would read as an underspend that does not exist. At the
year's end the phased budget is the corrected budget, and the variance is the accounts' afvigelse.

Twin of ``engine/rollup.py``. Corrected figures are summed from the "Corrected budget"
sheet (so the two sheets tie), actuals from the as-of month's rows of Monthly calc.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetcontrol.contract.model import KINDS
from budgetcontrol.engine import Result
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets import heading
from budgetcontrol.sheets.layout import Conditional, SheetLayout, col, ref, sheet_ref
from budgetcontrol.sheets.names import SUMMARY

GROUP_ROW, HEADER_ROW, CODE_ROW, FIRST = 5, 6, 7, 8
LABEL, SECTOR, CATEGORY, ORIGINAL = 1, 2, 3, 4
CORR = {k: 5 + i for i, k in enumerate(KINDS)}  # E, F, G
CORR_NET = 8  # H
ACT = {k: 9 + i for i, k in enumerate(KINDS)}  # I, J, K
ACT_NET = 12  # L
PHASED = 13  # M: the phased budget to date, net (as on Status)
VARIANCE = 14  # N: actuals to date − phased budget to date, net (at the year's end: − corrected)
FIGURE_COLS = [ORIGINAL, *CORR.values(), CORR_NET, *ACT.values(), ACT_NET, PHASED]


@dataclass
class Anchors:
    """Where the totals stand, for the Checks sheet."""

    grand: int = 0
    groups: dict[str, int] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> str:
        return sheet_ref(SUMMARY, row, column)


def _expect(result: Result):
    table = result.summary.set_index(["sector", "category", "kind"])
    months = result.monthly
    net = months[(months["kind"] == "net") & (months["m"] == result.as_of.month)]
    groups = {result.inputs.model.category_group(c) for c in net["category"]}
    group_of = net["category"].map(result.inputs.model.category_group)
    phased = {**net.groupby(["sector", "category"])["budget_ytd"].sum().to_dict(),
              **{("", c): v for c, v in net.groupby("category")["budget_ytd"].sum().items()},
              **{(s, ""): v for s, v in net.groupby("sector")["budget_ytd"].sum().items()},
              **{("group", g): float(net.loc[group_of == g, "budget_ytd"].sum()) for g in groups},
              ("", ""): float(net["budget_ytd"].sum())}
    sign = result.inputs.model.sign

    def get(sector: str, category: str, kind: str, figure: str) -> float:
        if figure in ("phased", "variance_ytd"):
            budget = float(phased.get((sector, category), 0.0))
            return budget if figure == "phased" else sign * (get(sector, category, "net", "actual") - budget)
        if sector == "group":
            groups_ = result.groups
            return float(groups_.at[(category, kind), figure]) if (category, kind) in groups_.index else 0.0
        key = (sector, category, kind)
        return float(table.at[key, figure]) if key in table.index else 0.0

    return get


def _figure_row(sheet: SheetLayout, r: int, get, style: str) -> None:
    """Expectations for one row: ``get(kind, figure)``; formulas are set by the caller."""
    for cell_col, kind, figure in ([(ORIGINAL, "net", "original"), (CORR_NET, "net", "corrected"), (ACT_NET, "net", "actual")]
                                   + [(CORR[k], k, "corrected") for k in KINDS] + [(ACT[k], k, "actual") for k in KINDS]):
        sheet.cells[(r, cell_col)].expect = get(kind, figure)
        sheet.cells[(r, cell_col)].style = style
    sheet.cells[(r, PHASED)].expect = get("net", "phased")
    sheet.cells[(r, PHASED)].style = style
    sheet.formula(r, VARIANCE, f.variance(ref(r, ACT_NET), ref(r, PHASED)), get("net", "variance_ytd"), style)


def _detail_formulas(sheet: SheetLayout, r: int) -> None:
    sector, category = ref(r, SECTOR, "c"), ref(r, CATEGORY, "c")
    by_line = [("CB_Sector", f.text(sector)), ("CB_Category", f.text(category))]
    sheet.formula(r, ORIGINAL, f.sumifs("CB_Original", by_line), None)
    for kind in KINDS:
        code = f.text(ref(CODE_ROW, CORR[kind], "r"))
        sheet.formula(r, CORR[kind], f.sumifs("CB_Corrected", by_line + [("CB_Kind", code)]), None)
        crit = [("MC_Sector", f.text(sector)), ("MC_Category", f.text(category)),
                ("MC_Kind", f.text(ref(CODE_ROW, ACT[kind], "r"))), ("MC_MonthEnd", f.AS_OF_MONTH_END)]
        sheet.formula(r, ACT[kind], f.sumifs("MC_ActualYtd", crit), None)
    sheet.formula(r, PHASED, f.sumifs("MC_BudgetYtd", crit[:2] + [("MC_Kind", f.text(ref(CODE_ROW, PHASED, "r"))),
                                                                   ("MC_MonthEnd", f.AS_OF_MONTH_END)]), None)
    sheet.formula(r, CORR_NET, f.sum_range(ref(r, CORR["expense"]), ref(r, CORR["refund"])), None)
    sheet.formula(r, ACT_NET, f.sum_range(ref(r, ACT["expense"]), ref(r, ACT["refund"])), None)


def _sum_rows(sheet: SheetLayout, r: int, rows: list[int], contiguous: bool) -> None:
    for c in FIGURE_COLS:
        text = f.sum_range(ref(rows[0], c), ref(rows[-1], c)) if contiguous else f.plus([ref(x, c) for x in rows])
        sheet.formula(r, c, text, None)


def layout(result: Result) -> tuple[SheetLayout, Anchors]:
    model = result.inputs.model
    get = _expect(result)
    sheet = SheetLayout(SUMMARY, "output")
    anchors = Anchors()
    _headings(sheet, result)
    present = result.base[["sector", "category"]].drop_duplicates()
    r = FIRST
    subtotals: dict[str, list[int]] = {"operating": [], "capital": []}
    group_rows: dict[str, int] = {}
    for group in ("operating", "capital"):
        categories = [c for c in model.categories if c.group == group and c.code in set(present["category"])]
        for category in categories:
            sheet.put(r, LABEL, category.name, "group_heading")
            r += 1
            first = r
            for sector in model.sectors:
                if not ((present["sector"] == sector.code) & (present["category"] == category.code)).any():
                    continue
                sheet.put(r, LABEL, sector.name, "indent")
                sheet.put(r, SECTOR, sector.code, "code_text")
                sheet.put(r, CATEGORY, category.code, "code_text")
                _detail_formulas(sheet, r)
                _figure_row(sheet, r, lambda k, fig, s=sector.code, c=category.code: get(s, c, k, fig), "amount")
                r += 1
            sheet.put(r, LABEL, f"{model.label('total')} {category.name}", "total_label")
            sheet.put(r, CATEGORY, category.code, "code_text")
            _sum_rows(sheet, r, list(range(first, r)), contiguous=True)
            _figure_row(sheet, r, lambda k, fig, c=category.code: get("", c, k, fig), "total_amount")
            subtotals[group].append(r)
            r += 2
        if categories:
            label = model.label("operating_total" if group == "operating" else "capital_total")
            sheet.put(r, LABEL, label, "group_total_label")
            _sum_rows(sheet, r, subtotals[group], contiguous=False)
            _figure_row(sheet, r, lambda k, fig, g=group: get("group", g, k, fig), "group_total_amount")
            group_rows[group] = r
            r += 2
    detail_last = r - 1
    anchors.groups = group_rows
    anchors.grand = r
    sheet.put(r, LABEL, model.label("grand_total"), "group_total_label")
    _sum_rows(sheet, r, subtotals["operating"] + subtotals["capital"], contiguous=False)
    _figure_row(sheet, r, lambda k, fig: get("", "", k, fig), "group_total_amount")
    r += 3
    r = _sector_totals(sheet, result, r, detail_last, get)
    sheet.conditionals.append(Conditional(f"{col(VARIANCE)}{FIRST}:{col(VARIANCE)}{r}",
                                          f.overspend(ref(FIRST, VARIANCE, "c")), "overspend"))
    sheet.freeze = f"D{FIRST}"
    sheet.hidden_rows.append(CODE_ROW)
    sheet.heights[HEADER_ROW] = 32
    sheet.fit_widths(maximum=42)
    for c in FIGURE_COLS + [VARIANCE]:
        sheet.widths[c] = 13
    sheet.widths[ORIGINAL] = 19
    sheet.widths[SECTOR] = sheet.widths[CATEGORY] = 11
    return sheet, anchors


def _sector_totals(sheet: SheetLayout, result: Result, r: int, detail_last: int, get) -> int:
    model = result.inputs.model
    sheet.put(r, LABEL, model.label("sector_totals"), "group_heading")
    r += 1
    first = r
    for sector in model.sectors:
        if sector.code not in set(result.base["sector"]):
            continue
        sheet.put(r, LABEL, sector.name, "indent")
        sheet.put(r, SECTOR, sector.code, "code_text")
        crit_col = f"{ref(FIRST, SECTOR, 'cr')}:{ref(detail_last, SECTOR, 'cr')}"
        for c in FIGURE_COLS:
            sum_col = f"{ref(FIRST, c, 'r')}:{ref(detail_last, c, 'r')}"
            sheet.formula(r, c, f.sumifs(sum_col, [(crit_col, f.text(ref(r, SECTOR, 'c')))]), None)
        _figure_row(sheet, r, lambda k, fig, s=sector.code: get(s, "", k, fig), "amount")
        r += 1
    sheet.put(r, LABEL, model.label("total"), "total_label")
    _sum_rows(sheet, r, list(range(first, r)), contiguous=True)
    _figure_row(sheet, r, lambda k, fig: get("", "", k, fig), "total_amount")
    return r


def _headings(sheet: SheetLayout, result: Result) -> None:
    model = result.inputs.model
    heading.title_unit_as_of(sheet, f"Sektoroversigt {model.fiscal_year} — {model.name}", result, f.AS_OF, result.as_of)
    heading.checks_and_sign(sheet, result)
    sheet.put(4, 1, "Afvigelse = regnskab til dato mod periodiseret budget til dato (som på Status), ikke mod hele årets "
                    "budget; ved årets udgang er det regnskabets afvigelse mod korrigeret budget.", "note")
    spans = [(ORIGINAL, ORIGINAL, model.label("original")), (CORR["expense"], CORR_NET, model.label("corrected")),
             (ACT["expense"], ACT_NET, model.label("actual")), (PHASED, VARIANCE, "Til dato, som på Status")]
    for first, last, label in spans:
        sheet.put(GROUP_ROW, first, label, "group_header")
        for c in range(first + 1, last + 1):
            sheet.put(GROUP_ROW, c, None, "group_header")
        if last > first:
            sheet.merges.append(f"{col(first)}{GROUP_ROW}:{col(last)}{GROUP_ROW}")
    kind_label = lambda k: model.label("kind", k)  # noqa: E731
    headers = {LABEL: "Kategori / sektor", SECTOR: "Sektor", CATEGORY: "Kategori", ORIGINAL: kind_label("net"),
               CORR_NET: kind_label("net"), ACT_NET: kind_label("net"), PHASED: "Periodiseret budget netto",
               VARIANCE: f"{model.label('variance')} netto"}
    codes = {SECTOR: "sector", CATEGORY: "category", ORIGINAL: "net", CORR_NET: "net", ACT_NET: "net", PHASED: "net",
             VARIANCE: "net"}
    for k in KINDS:
        headers[CORR[k]] = headers[ACT[k]] = kind_label(k)
        codes[CORR[k]] = codes[ACT[k]] = k
    for c, label in headers.items():
        sheet.put(HEADER_ROW, c, label, "header_wrap")
        if c in codes:
            sheet.put(CODE_ROW, c, codes[c], "code")
