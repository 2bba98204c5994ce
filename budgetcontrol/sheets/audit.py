"""The Audit sheet (ændringsspor): the drill-down from each corrected figure to the change
rows that make it — one row per budget line and change, in the order of the
"Corrected budget" sheet, with the posted amount and the amount that counts.

Twin of ``engine.corrected.audit``. Date, type and status are looked up live in the
Changes Table (INDEX/MATCH on the change id), so approving a change in Excel shows here.
"""

from __future__ import annotations

import pandas as pd

from budgetcontrol.engine import Result
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import SheetLayout, range_ref, ref
from budgetcontrol.sheets.names import AUDIT, CORRECTED

HEADER_ROW, FIRST = 4, 5
COLUMNS = ["sector", "category", "activity", "kind", "change_id", "position", "date", "type", "status",
           "description", "amount", "counted", "back"]
POS = {k: i + 1 for i, k in enumerate(COLUMNS)}
LABELS = {"sector": "Sektor", "category": "Kategori", "activity": "Aktivitet", "kind": "Art", "change_id": "Ændring",
          "position": "Række i Changes", "date": "Dato", "type": "Type", "status": "Status",
          "description": "Beskrivelse", "amount": "Bogført beløb", "counted": "Medregnet", "back": "Linje"}
LINE = ["sector", "category", "activity", "kind"]


def rows_by_line(result: Result) -> dict[tuple, tuple[int, int]]:
    """Line key -> (first Audit row, number of change rows), for the drill-down links."""
    keys = result.audit[LINE].apply(tuple, axis=1) if len(result.audit) else pd.Series(dtype=object)
    out: dict[tuple, tuple[int, int]] = {}
    for i, key in enumerate(keys):
        first, n = out.get(key, (FIRST + i, 0))
        out[key] = (first, n + 1)
    return out


def last_row(result: Result) -> int:
    return FIRST + max(len(result.audit), 1) - 1


def layout(result: Result, line_rows: dict[tuple, int]) -> SheetLayout:
    sheet = SheetLayout(AUDIT, "calc")
    sheet.stream_from = FIRST  # many rows: streamed into the file
    sheet.put(1, 1, "Ændringsspor — ændringsrækkerne bag hvert korrigeret tal", "title")
    sheet.put(2, 1, "Én række pr. budgetlinje og ændring. 'Medregnet' er det beløb, der indgår i korrigeret budget "
                    "(status godkendt og dato til og med opgørelsesdatoen).", "note")
    for key, c in POS.items():
        sheet.put(HEADER_ROW, c, LABELS[key], "header_wrap")
    first_pos = {cid: i + 1 for i, cid in reversed(list(enumerate(result.inputs.changes["change_id"])))}
    for i, values in enumerate(result.audit.to_dict(orient="records")):
        r = FIRST + i
        for key in LINE + ["change_id"]:
            sheet.put(r, POS[key], values[key] or None, "code_text")
        cid, pos_ref = ref(r, POS["change_id"], "c"), ref(r, POS["position"], "c")
        sheet.formula(r, POS["position"], f"MATCH({f.text(cid)},{f.column('Changes', 'change_id')},0)",
                      first_pos[values["change_id"]], "integer")
        sheet.formula(r, POS["date"], f"INDEX({f.column('Changes', 'date')},{pos_ref})", values["date"].date(), "date")
        sheet.formula(r, POS["type"], f"INDEX({f.column('Changes', 'type')},{pos_ref})", values["type"], "text")
        sheet.formula(r, POS["status"], f"INDEX({f.column('Changes', 'status')},{pos_ref})", values["status"], "text")
        sheet.put(r, POS["description"], values["description"] or None, "text")
        line = [ref(r, POS[k], "c") for k in LINE]
        sheet.formula(r, POS["amount"], f.audit_amount(f"ROWS({ref(FIRST, POS['change_id'], 'cr')}:{cid})", cid, line),
                      values["amount"])
        status, date, amount = (ref(r, POS[k], "c") for k in ("status", "date", "amount"))
        sheet.formula(r, POS["counted"], f"IF(AND({status}={f.APPROVED},{date}<={f.AS_OF}),{amount},0)", values["counted"])
        back = line_rows.get(tuple(values[k] for k in LINE))
        if back:
            sheet.put(r, POS["back"], "← linje", "link", link=f"'{CORRECTED}'!A{back}")
        else:
            sheet.put(r, POS["back"], None, "link")  # every row alike: streamed as one block
    sheet.heights[HEADER_ROW] = 30
    sheet.freeze = f"F{FIRST}"
    sheet.fit_widths(maximum=45)
    sheet.widths[POS["amount"]] = sheet.widths[POS["counted"]] = 14
    return sheet


def counted_range(result: Result) -> str:
    return range_ref(AUDIT, FIRST, last_row(result), POS["counted"])
