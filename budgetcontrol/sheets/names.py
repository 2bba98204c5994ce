"""Sheet names, and the order the sheets stand in the workbook."""

import contextvars

from budgetcontrol.contract.settings_sheet import SHEET as SETTINGS

SUMMARY = "Sector summary"
CORRECTED = "Corrected budget"
AUDIT = "Audit"
CHECKS = "Checks"
BUDGET = "Budget"
CHANGES = "Changes"
ACTUALS = "Actuals"
STATUS = "Status"
MONTHLY = "Monthly"
TARGETS = "Targets"
MONTHLY_CALC = "Monthly calc"
PHASING = "Phasing"
ACTIVITY_TARGETS = "Activity targets"
ACTIVITY = "Activity"
HISTORY = "History"
OUTER_YEARS = "Outer years"
SAVINGS = "Savings"
LINE_FORECAST = "Line forecast"
LEDGER = "Ledger"
FORECAST = "Forecast"
HISTORY_DATA = "History data"
OUTER_BUDGET = "Outer budget"
SAVINGS_DATA = "Savings data"
OVERVIEW = "Oversigt"
COMMENTS = "Comments"  # the controller's comments for the budget follow-up (part 7)
ACCOUNTS = "Accounts"  # the account map (part 6): only in a workbook built with accounts.csv

OUTPUTS = [STATUS, MONTHLY, TARGETS, HISTORY, OUTER_YEARS, SAVINGS, SUMMARY, CORRECTED, AUDIT]
INPUTS = [BUDGET, CHANGES, ACTUALS, PHASING, ACTIVITY_TARGETS, ACTIVITY, FORECAST, HISTORY_DATA, OUTER_BUDGET, SAVINGS_DATA,
          COMMENTS, ACCOUNTS]
CALCULATIONS = [MONTHLY_CALC, LINE_FORECAST, LEDGER]  # hidden (an auditor unhides them)
# The overview first, then the reports (the drill-down Audit after Corrected budget: its links must reach it, and
# a link into a hidden sheet does nothing), the inputs, the checks and settings, and the hidden calculation sheets.
ORDER = [OVERVIEW] + OUTPUTS + INPUTS + [CHECKS, SETTINGS] + CALCULATIONS

GENERATED = [OVERVIEW] + OUTPUTS + [CHECKS, MONTHLY_CALC, LINE_FORECAST, LEDGER]  # rewritten by every build and refresh


# The names above are the sheets' identifiers in the code. The tabs a controller reads are the model's language
# (``language: da`` by default): sheet modules lay out with the identifiers, and ``sheets.rename`` gives every
# layout its tab name, in every formula, link, defined name and chart that points at it.
DANISH = {
    OVERVIEW: "Oversigt", STATUS: "Status", MONTHLY: "Måned for måned", TARGETS: "Måltal", HISTORY: "Historik",
    OUTER_YEARS: "Overslagsår", SAVINGS: "Besparelser", SUMMARY: "Sektoroversigt", CORRECTED: "Korrigeret budget",
    BUDGET: "Budget", CHANGES: "Ændringer", ACTUALS: "Regnskab", PHASING: "Periodisering",
    ACTIVITY_TARGETS: "Aktivitetsmål", ACTIVITY: "Aktivitet", FORECAST: "Prognose", HISTORY_DATA: "Historikdata",
    OUTER_BUDGET: "Budget overslagsår", SAVINGS_DATA: "Besparelsesdata", CHECKS: "Kontroller", SETTINGS: "Indstillinger",
    COMMENTS: "Bemærkninger", ACCOUNTS: "Kontoplan", AUDIT: "Ændringsspor", MONTHLY_CALC: "Beregning måned", LINE_FORECAST: "Beregning linje", LEDGER: "Beregning grundlag",
}
ENGLISH = {key: key for key in DANISH} | {OVERVIEW: "Overview"}  # the names of workbooks built before part 5
TABS = {"da": DANISH, "en": ENGLISH}


def tab_names(language: str) -> dict[str, str]:
    """Identifier -> tab name in ``language``."""
    return TABS[language]


def tabs_of(sheet_names, language: str) -> dict[str, str]:
    """The tab names of a workbook: those of the language its Settings sheet is named in (a refresh never renames
    a sheet: a controller's formulas may point at it), else ``language``. Only that language's names count as the
    tool's, so a sheet of the controller's own named like a tab of the other language is never taken over."""
    present = set(sheet_names)
    if DANISH[SETTINGS] in present:
        language = "da"
    elif ENGLISH[SETTINGS] in present:
        language = "en"
    return TABS[language]


def identifier(tab: str) -> str | None:
    """The identifier of a tab name in either language (None for a sheet of the controller's own)."""
    return next((key for lang in ("da", "en") for key, name in TABS[lang].items() if name == tab), None)


def settings_sheet(sheet_names) -> str | None:
    """The Settings sheet of a workbook, in either language (``sheet_names`` may be any iterable, read once)."""
    present = set(sheet_names)
    return next((name for name in (DANISH[SETTINGS], ENGLISH[SETTINGS]) if name in present), None)


_TABS: contextvars.ContextVar = contextvars.ContextVar("tabs", default=None)


def tab(key: str) -> str:
    """A sheet's tab name for a note that names it, as the sheets being laid out name it (``laying_out``)."""
    current = _TABS.get()
    return current.get(key, key) if current else key


class laying_out:
    """``with laying_out(tabs):`` notes laid out inside name the sheets by ``tabs``."""

    def __init__(self, tabs: dict[str, str]):
        self.tabs = tabs

    def __enter__(self):
        self.token = _TABS.set(self.tabs)

    def __exit__(self, *exc):
        _TABS.reset(self.token)
