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

OUTPUTS = [STATUS, MONTHLY, TARGETS, SUMMARY, CORRECTED, AUDIT]
ORDER = OUTPUTS + [CHECKS, MONTHLY_CALC, SETTINGS, BUDGET, CHANGES, ACTUALS, PHASING, ACTIVITY_TARGETS, ACTIVITY]
