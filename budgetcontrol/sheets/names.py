"""Sheet names, and the order the sheets stand in the workbook."""

from budgetcontrol.contract.settings_sheet import SHEET as SETTINGS

SUMMARY = "Sector summary"
CORRECTED = "Corrected budget"
AUDIT = "Audit"
CHECKS = "Checks"
BUDGET = "Budget"
CHANGES = "Changes"
ACTUALS = "Actuals"

ORDER = [SUMMARY, CORRECTED, AUDIT, CHECKS, SETTINGS, BUDGET, CHANGES, ACTUALS]
