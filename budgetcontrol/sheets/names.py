"""Sheet names, and the order the sheets stand in the workbook."""

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

OUTPUTS = [STATUS, MONTHLY, TARGETS, HISTORY, OUTER_YEARS, SAVINGS, SUMMARY, CORRECTED, AUDIT]
INPUTS = [BUDGET, CHANGES, ACTUALS, PHASING, ACTIVITY_TARGETS, ACTIVITY, FORECAST, HISTORY_DATA, OUTER_BUDGET, SAVINGS_DATA]
CALCULATIONS = [AUDIT, MONTHLY_CALC, LINE_FORECAST, LEDGER]  # hidden (an auditor unhides them)
# The overview first, then the reports, the inputs, the checks and settings, and the hidden calculation sheets.
ORDER = [OVERVIEW] + [s for s in OUTPUTS if s not in CALCULATIONS] + INPUTS + [CHECKS, SETTINGS] + CALCULATIONS

GENERATED = [OVERVIEW] + OUTPUTS + [CHECKS, MONTHLY_CALC, LINE_FORECAST, LEDGER]  # rewritten by every build and refresh
