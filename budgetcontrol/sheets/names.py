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

OUTPUTS = [STATUS, MONTHLY, TARGETS, HISTORY, OUTER_YEARS, SAVINGS, SUMMARY, CORRECTED, AUDIT]
ORDER = OUTPUTS + [CHECKS, MONTHLY_CALC, LINE_FORECAST, LEDGER, SETTINGS, BUDGET, CHANGES, ACTUALS, PHASING, ACTIVITY_TARGETS,
                   ACTIVITY, FORECAST, HISTORY_DATA, OUTER_BUDGET, SAVINGS_DATA]

GENERATED = OUTPUTS + [CHECKS, MONTHLY_CALC, LINE_FORECAST, LEDGER]  # rewritten by every build and refresh
