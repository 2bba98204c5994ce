"""The Settings sheet as an input contract: which key stands in which row and column.
The writer (``sheets/settings.py``) and the reader (``contract/workbook.py``) share it."""

from __future__ import annotations

SHEET = "Settings"
HEADER_ROW = 4
KEY, LABEL, VALUE, NAME = 1, 2, 3, 4

# (key, label, defined name or None, style)
ROWS = [
    ("name", "Navn", "ModelName", "input_text"),
    ("fiscal_year", "Regnskabsår", "FiscalYear", "input_int"),
    ("unit", "Enhed", "Unit", "input_text"),
    ("as_of", "Opgørelsesdato (ændringer og regnskab til og med)", "AsOf", "input_date"),
    ("variance_sign", "Fortegn for afvigelse: 1 = regnskab − korrigeret budget (positiv = merforbrug); "
                      "−1 = korrigeret budget − regnskab", "VarianceSign", "input_int"),
    ("approved_status", "Status der tæller i korrigeret budget", "StatusApproved", "input_text"),
    ("pending_status", "Status for afventende ændringer", "StatusPending", "input_text"),
    ("check_tolerance", "Tolerance i kontroller (i enheden)", "Tolerance", "input_decimal"),
    ("change_types_listed", "Kun ændringstyper fra listen ChangeTypes er tilladt (1 = ja, 0 = nej)", None, "input_int"),
    ("forecast", "Prognosemetode: plan = regnskab til dato + resten af det periodiserede budget; "
                 "run_rate = regnskab til dato ÷ periodiseret andel til dato", "ForecastMethod", "input_text"),
    ("amber", "Trafiklys gul: merforbrug til dato over denne andel af det periodiserede budget til dato",
     "AmberThreshold", "input_percent"),
    ("red", "Trafiklys rød: merforbrug til dato over denne andel af det periodiserede budget til dato",
     "RedThreshold", "input_percent"),
    ("outer_years", "Antal overslagsår efter regnskabsåret (arket Outer years; ændres ved genopbygning)", "OuterYears", "input_int"),
]
OPTIONAL_ROWS = {"outer_years": 3}  # settings added after part 3: a workbook built before has the default
SIGNS = {1: "actual_minus_budget", -1: "budget_minus_actual"}
