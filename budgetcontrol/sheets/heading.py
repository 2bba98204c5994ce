"""The heading every report sheet shares: title, the unit and the as-of date (row 2), and on the
summary sheets the overall check status and the sign convention (rows 2–3)."""

from __future__ import annotations

import datetime as dt

from budgetcontrol.engine import Result
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import SheetLayout
from budgetcontrol.sheets.names import CHECKS


def title_unit_as_of(sheet: SheetLayout, title: str, result: Result, as_of_name: str, as_of: dt.date) -> None:
    """Row 1 the title; row 2 "Beløb i" the Unit cell and "Opgjort pr." the named as-of cell."""
    sheet.put(1, 1, title, "title")
    sheet.put(2, 1, "Beløb i", "note")
    sheet.formula(2, 2, f"={f.UNIT}", result.inputs.model.unit, "note")
    sheet.put(2, 4, "Opgjort pr.", "note")
    sheet.formula(2, 5, f"={as_of_name}", as_of, "date_note")


def checks_and_sign(sheet: SheetLayout, result: Result) -> None:
    """Row 2 the Checks sheet's overall status; row 3 what the sign of a variance means."""
    model = result.inputs.model
    sheet.put(2, 7, "Kontroller:", "note")
    sheet.formula(2, 8, f"='{CHECKS}'!$B$2", "OK" if all(c.ok for c in result.checks) else "BRUD", "status")
    notes = [model.label("overspend_note_actual_minus_budget"), model.label("overspend_note_budget_minus_actual")]
    sheet.formula(3, 1, f'IF({f.SIGN}>0,"{notes[0]}","{notes[1]}")', notes[0] if model.sign > 0 else notes[1], "note")
