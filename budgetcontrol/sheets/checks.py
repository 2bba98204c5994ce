"""The Checks sheet (kontroller): OK, or the break shown. Twin of ``engine/checks.py``:
each row computes the check's two figures with formulas, the difference, and OK/BRUD
against the tolerance setting. B2 holds the overall status."""

from __future__ import annotations

from budgetcontrol.engine import Result
from budgetcontrol.engine.checks import UNMAPPED_SECTOR
from budgetcontrol.sheets import audit, corrected
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import Conditional, SheetLayout, ref
from budgetcontrol.sheets.names import AUDIT, CHECKS, CORRECTED, LEDGER, LINE_FORECAST, tab
from budgetcontrol.sheets.summary import ACT_NET, CORR_NET, ORIGINAL, Anchors

HEADER_ROW, FIRST = 4, 5
NO, LABEL, LEFT, RIGHT, DIFF, STATUS, ID, DETAIL = range(1, 9)

LABELS = {
    "original_ties": "Oprindeligt budget på '{corrected}' = Budget-tabellen i alt",
    "approved_ties": "Godkendte ændringer på '{corrected}' = godkendte ændringer i Changes til og med opgørelsesdatoen",
    "types_add_up": "Kolonnerne pr. ændringstype summer til godkendte ændringer i alt (en ukendt type bryder)",
    "summary_original": "Sektoroversigt: oprindeligt budget i alt = '{corrected}'",
    "summary_corrected": "Sektoroversigt: korrigeret budget i alt = '{corrected}'",
    "summary_actual": "Sektoroversigt: regnskab i alt = Actuals-tabellen til og med opgørelsesmåneden",
    "groups_add_up": "I alt Drift + I alt Anlæg = I alt",
    "drilldown_complete": "Ændringssporet ('{audit}') og ændringer tastet siden sidste opdatering dækker alle godkendte ændringer",
    "lines_in_budget": "Ændringer posteret på linjer, der ikke findes i oprindeligt budget (antal linjer)",
    "zero_sum_total": "Ændringer af nulsumstyper (omplaceringer) netter til 0 i alt",
    "amounts_numeric": "Beløbsceller med tekst i Budget, Changes og Actuals (antal)",
    "dates_valid": "Dato- og månedsceller uden gyldig dato i Changes og Actuals (antal)",
    "zero_sum": "Omplacering netter til 0",
    "phasing_sums": "Periodisering: vægtene pr. sektor og kategori summer til 1 (samlet afvigelse fra 1)",
    "status_actual": "Status: regnskab til dato i alt = Actuals-tabellen til og med opgørelsesmåneden",
    "forecast_counted": "Controllerens prognoser tæller alle på arket '{line_forecast}' = Forecast-tabellen i alt "
                        "(ellers: en linje uden budget, ændringer eller regnskab; opdater projektmappen)",
    "outer_budget_counted": "Vedtagne budgetter for overslagsår (OuterBudget-tabellen) tæller alle på arket '{line_forecast}' "
                            "(antal rækker; ellers: opdater projektmappen)",
    "unmapped": "Rækker på 'Ikke placeret': konti, kontoplanen ikke placerer (antal; placér dem i tabellen Accounts og opdater "
                "måneden igen)",
    "ledger_budget": "'{ledger}': Budget-tabellens summerede rækker er uændrede siden opdateringen (ellers: opdater projektmappen)",
    "ledger_changes": "'{ledger}': Changes-tabellens summerede rækker er uændrede siden opdateringen (ellers: opdater projektmappen)",
    "ledger_actuals": "'{ledger}': Actuals-tabellens summerede rækker er uændrede siden opdateringen (ellers: opdater projektmappen)",
}


def label_of(key: str) -> str:
    """A check's text, naming the sheets by their tab names (``names.tab``)."""
    return LABELS[key].format(corrected=tab(CORRECTED), audit=tab(AUDIT), line_forecast=tab(LINE_FORECAST), ledger=tab(LEDGER))


def _formulas(result: Result, anchors: Anchors, status_total: str) -> dict[str, tuple[str, str]]:
    cb = lambda key: f"SUM({corrected.column_range(result, key)})"  # noqa: E731
    types = [f"type:{t}" for t in result.types]
    type_block = f"SUM({corrected.block_range(result, types[0], types[-1])})" if types else "0"
    grand = lambda c: anchors.cell(anchors.grand, c)  # noqa: E731
    amount = lambda t: f"COUNTA({t}[amount])-COUNT({t}[amount])"  # noqa: E731
    zero_sum = (f"SUMPRODUCT(SUMIFS(Changes[amount],Changes[type],ChangeTypes[code],Changes[status],{f.APPROVED},"
                f"Changes[date],{f.up_to(f.AS_OF)})*ChangeTypes[zero_sum])")
    return {
        "original_ties": (cb("original"), "SUM(Budget[amount])"),
        "approved_ties": (cb("approved"), f.sumifs("Changes[amount]", f.counted())),
        "types_add_up": (type_block, cb("approved")),
        "summary_original": (grand(ORIGINAL), cb("original")),
        "summary_corrected": (grand(CORR_NET), cb("corrected")),
        "summary_actual": (grand(ACT_NET), f.sumifs("Actuals[amount]", f.actual_to_date())),
        "groups_add_up": (f.plus([anchors.cell(r, CORR_NET) for r in anchors.groups.values()]), grand(CORR_NET)),
        "drilldown_complete": (f"SUM({audit.counted_range(result)})+{f.typed_sum('Changes[amount]', f.counted())}",
                               cb("approved")),
        "lines_in_budget": (f"COUNTIF({corrected.column_range(result, 'in_budget')},0)", "0"),
        "zero_sum_total": (zero_sum, "0"),
        "amounts_numeric": ("+".join(amount(t) for t in ("Budget", "Changes", "Actuals")), "0"),
        "phasing_sums": ('SUMPRODUCT((MC_Kind="net")*ABS(MC_CumWeight+MC_RestWeight-1))', "0"),
        "status_actual": (status_total, f.sumifs("Actuals[amount]", f.actual_to_date())),
        "forecast_counted": ("SUM(LF_Controller)", "SUM(Forecast[amount])"),
        "outer_budget_counted": ("SUM(LF_Adopted)", "COUNT(OuterBudget[amount])"),
        "ledger_budget": (ledger_side("Budget"), f"{f.ledger_total('BudgetByLine')}+{f.typed_total('Budget[amount]')}"),
        "ledger_changes": (ledger_side("Changes"), f"{f.ledger_total('ChangesByAuditRow')}+{f.typed_total('Changes[amount]')}"),
        "ledger_actuals": (ledger_side("Actuals"), f"{f.ledger_total('ActualsByLine')}+{f.typed_total('Actuals[amount]')}"),
        "dates_valid": ("COUNTA(Changes[date])-COUNT(Changes[date])+COUNTA(Actuals[month])-COUNT(Actuals[month])", "0"),
    }


def ledger_side(table: str) -> str:
    """The Table's rows the Ledger summed, as they stand now, plus the rows typed below them since: an
    edit to a summed row breaks the check, a typed row is on both sides."""
    return f"{f.summarised_rows(table)}+{f.typed_total(f.column(table, 'amount'))}"


def status_cell(result: Result, key: str) -> str:
    """The cell showing OK/BRUD of check ``key`` on the Checks sheet."""
    return ref(FIRST + [c.key for c in result.checks].index(key), STATUS)


TYPED_TABLES = ("Budget", "Changes", "Actuals")
TYPED_LABEL = ("Rækker tastet i {table} efter sidste opdatering (oplysning, ikke et brud): de tæller i alle tal; "
               "'{audit}' og '{ledger}' viser dem efter næste opdatering")


def layout(result: Result, anchors: Anchors, status_total: str, typed: dict[str, int] | None = None) -> SheetLayout:
    """``status_total``: the Status sheet's cell of the grand total's actuals to date; ``typed``: the rows typed
    into each input Table below the ones the Ledger summed (none in a workbook as written)."""
    sheet = SheetLayout(CHECKS, "check")
    sheet.put(1, 1, "Kontroller", "title")
    sheet.put(2, 1, "Status:", "subtitle")
    for c, label in zip(range(NO, DETAIL + 1), ["#", "Kontrol", "Værdi", "Skal være", "Forskel", "Status", "Ændring",
                                                  "Fundet ved opbygning"]):
        sheet.put(HEADER_ROW, c, label, "header")
    formulas = _formulas(result, anchors, status_total)
    r = FIRST
    for check in result.checks:
        key = check.key.split(":", 1)[0]
        sheet.put(r, NO, r - FIRST + 1, "integer")
        sheet.put(r, LABEL, label_of(key), "text")
        if key == "zero_sum":
            change_id = check.key.split(":", 1)[1]
            sheet.put(r, ID, change_id, "code_text")
            left = f.sumifs("Changes[amount]", [("Changes[change_id]", f.text(ref(r, ID, "c")))] + f.counted())
            right = "0"
        elif key == "unmapped":  # the sector code in the row's own cell: no constant inside the formula
            sheet.put(r, ID, UNMAPPED_SECTOR, "code_text")
            left = "+".join(f"COUNTIF({t}[sector],{ref(r, ID, 'c')})" for t in ("Budget", "Changes", "Actuals"))
            right = "0"
        else:
            left, right = formulas[key]
        sheet.formula(r, LEFT, left, check.left)
        if right == "0":
            sheet.put(r, RIGHT, 0, "amount")
        else:
            sheet.formula(r, RIGHT, right, check.right)
        sheet.formula(r, DIFF, f"{ref(r, LEFT)}-{ref(r, RIGHT)}", check.difference)
        sheet.formula(r, STATUS, f.status(ref(r, DIFF)), "OK" if check.ok else "BRUD", "status")
        if check.detail:
            sheet.put(r, DETAIL, check.detail, "text")
        r += 1
    last = r - 1
    for i, table in enumerate(TYPED_TABLES):
        row = last + 2 + i
        sheet.put(row, LABEL, TYPED_LABEL.format(table=table, audit=tab(AUDIT), ledger=tab(LEDGER)), "note")
        sheet.formula(row, LEFT, f.typed_rows(f.column(table, "amount")), float((typed or {}).get(table, 0)), "integer")
    all_ok = all(c.ok for c in result.checks)
    sheet.formula(2, 2, f'IF(COUNTIF({ref(FIRST, STATUS, "cr")}:{ref(last, STATUS, "cr")},"BRUD")=0,"OK","BRUD")',
                  "OK" if all_ok else "BRUD", "status")
    sheet.conditionals.append(Conditional("B2", 'B2="BRUD"', "break_text"))
    sheet.conditionals.append(Conditional(f"{ref(FIRST, STATUS)}:{ref(last, STATUS)}", f'{ref(FIRST, STATUS, "c")}="BRUD"', "break_text"))
    sheet.widths.update({NO: 5, LABEL: 90, LEFT: 14, RIGHT: 14, DIFF: 12, STATUS: 9, ID: 12, DETAIL: 50})
    sheet.freeze = f"A{FIRST}"
    return sheet
