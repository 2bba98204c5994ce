"""The "Oversigt" sheet, the first a controller sees: the as-of date, the checks status, and every sheet of the
workbook with a link, what it is for and what kind of sheet it is (report, input, checks, calculation)."""

from __future__ import annotations

from budgetcontrol.engine import Result
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import Conditional, SheetLayout, ref
from budgetcontrol.sheets.names import (ACCOUNTS, ACTIVITY, ACTIVITY_TARGETS, ACTUALS, AUDIT, BUDGET, CHANGES, CHECKS, COMMENTS,
                                        CORRECTED,
                                        FORECAST, HISTORY, HISTORY_DATA, LEDGER, LINE_FORECAST, MONTHLY, MONTHLY_CALC,
                                        OUTER_BUDGET, OUTER_YEARS, OVERVIEW, PHASING, SAVINGS, SAVINGS_DATA, SETTINGS,
                                        STATUS, SUMMARY, TARGETS, CALCULATIONS, tab)

HEADER_ROW, FIRST = 5, 6
SHEET, KIND, PURPOSE = 1, 2, 3
KINDS = {"output": "Rapport", "input": "Input", "check": "Kontrol", "calc": "Beregning"}
PURPOSES = {
    STATUS: "Månedens budgetopfølgning pr. sektor og kategori: budget og regnskab til dato, afvigelse, forbrug, "
            "prognose, forventet resultat, trafiklys",
    MONTHLY: "Måned for måned for den sektor, du vælger i B3: budget, regnskab, akkumuleret og afvigelse, med graf",
    TARGETS: "Måltal for aktivitet: mål og faktisk pr. måned, forskellen og dens omkostning",
    HISTORY: "Årene bagud: oprindeligt og korrigeret budget, regnskab og resultat, med budgetåret som forventet regnskab",
    OUTER_YEARS: "Budgetår og overslagsår: grundlag, besparelser, estimeret budget og forskel til korrigeret budget",
    SAVINGS: "Besparelseskataloget pr. katalog, tiltag og sektor for budgetåret og overslagsårene",
    SUMMARY: "Sektoroversigt: korrigeret budget og regnskab pr. kategori og art, afvigelse til dato, I alt Drift og Anlæg",
    CORRECTED: "Korrigeret budget pr. budgetlinje: oprindeligt budget, godkendte ændringer pr. type, afventende, "
               "med link til ændringerne",
    BUDGET: "Oprindeligt budget (tabellen Budget): indsæt eller ret budgetlinjer her",
    CHANGES: "Bevillingsændringer (tabellen Changes): tast en godkendt ændring her; den tæller med det samme",
    ACTUALS: "Regnskab pr. måned (tabellen Actuals): indsæt månedens eksport fra økonomisystemet under tabellen",
    PHASING: "Periodisering: tolv vægte pr. sektor og kategori",
    ACTIVITY_TARGETS: "Måltal pr. måned (tabellen ActivityTargets)",
    ACTIVITY: "Faktisk aktivitet pr. måned (tabellen Activity)",
    FORECAST: "Controllerens egen prognose for en linje (tabellen Forecast)",
    HISTORY_DATA: "Tidligere års budget og regnskab (tabellen HistoryData)",
    OUTER_BUDGET: "Vedtaget budget for overslagsårene (tabellen OuterBudget)",
    SAVINGS_DATA: "Besparelser pr. tiltag og år (tabellen SavingsData)",
    COMMENTS: "Bemærkninger pr. sektor og kategori til budgetopfølgningen (tabellen Comments)",
    ACCOUNTS: "Kontoplanen: finanssystemets konti placeret på sektor, kategori og aktivitet (tabellen Accounts)",
    CHECKS: "Kontroller: OK, eller bruddet vist; og rækker tastet siden sidste opdatering",
    SETTINGS: "Indstillinger: opgørelsesdato, enhed, fortegn, tolerance, prognosemetode, trafiklys; sektorer og kategorier",
    AUDIT: "Ændringssporet: ændringsrækkerne bag hvert korrigeret tal",
    MONTHLY_CALC: "Beregning af alle månedstal pr. sektor, kategori og art",
    LINE_FORECAST: "Beregning af prognosen pr. budgetlinje",
    LEDGER: "Summeret grundlag for formlerne (skrives ved hver opdatering)",
}


def layout(result: Result, sheets: list[SheetLayout]) -> SheetLayout:
    """``sheets``: the workbook's other sheets, in order."""
    model = result.inputs.model
    sheet = SheetLayout(OVERVIEW, "output")
    sheet.put(1, SHEET, f"Budgetopfølgning {model.fiscal_year} — {model.name}", "title")
    sheet.put(2, SHEET, "Opgjort pr.", "note")
    sheet.formula(2, KIND, f"={f.AS_OF}", result.as_of, "date_note")
    sheet.put(3, SHEET, "Kontroller:", "note")
    sheet.formula(3, KIND, f"='{CHECKS}'!$B$2", "OK" if all(c.ok for c in result.checks) else "BRUD", "status")
    sheet.put(3, PURPOSE, f"Beløb i {model.unit}. Klik på et ark for at gå til det.", "note")
    for c, label in ((SHEET, "Ark"), (KIND, "Type"), (PURPOSE, "Hvad arket viser")):
        sheet.put(HEADER_ROW, c, label, "header")
    for i, other in enumerate(sheets):
        r = FIRST + i
        if other.name in CALCULATIONS:  # a link into a hidden sheet does nothing
            sheet.put(r, SHEET, tab(other.name), "text")
        else:
            sheet.put(r, SHEET, other.name, "link", link=f"'{other.name}'!A1")
        kind = KINDS.get(other.role, "")
        sheet.put(r, KIND, f"{kind} (skjult: højreklik på en fane → Vis)" if other.name in CALCULATIONS else kind, "text")
        sheet.put(r, PURPOSE, PURPOSES.get(other.name, ""), "text")
    sheet.widths.update({SHEET: 20, KIND: 40, PURPOSE: 125})
    sheet.conditionals.append(Conditional(ref(3, KIND), f'{ref(3, KIND)}="BRUD"', "break_text"))
    return sheet
