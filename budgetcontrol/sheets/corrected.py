"""The "Corrected budget" sheet (korrigeret budget): one row per budget line with the
original budget, the approved changes by type, their total, the corrected budget and the
pending changes; each line links to its change rows on the Audit sheet (the drill-down).

Twin of ``engine/corrected.py``.
"""

from __future__ import annotations

from budgetcontrol.engine import Result
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets import heading, ledger
from budgetcontrol.sheets.layout import Conditional, SheetLayout, col, per_row, range_ref, ref
from budgetcontrol.sheets.names import AUDIT, CORRECTED

HEADER_ROW, CODE_ROW, FIRST = 4, 5, 6
KEYS = ["sector", "category", "activity", "kind"]


def columns(types: list[str]) -> list[str]:
    """Column keys in sheet order (A = 1)."""
    return KEYS + ["original"] + [f"type:{t}" for t in types] + ["approved", "corrected", "pending", "in_budget", "drill", "line"]


def position(types: list[str], key: str) -> int:
    return columns(types).index(key) + 1


def last_row(result: Result) -> int:
    return FIRST + len(result.lines) - 1


def column_range(result: Result, key: str) -> str:
    """The data range of a column, e.g. for the Checks sheet."""
    return range_ref(CORRECTED, FIRST, last_row(result), position(result.types, key))


def block_range(result: Result, first_key: str, last_key: str) -> str:
    """The data range spanning several adjacent columns, e.g. all change-type columns."""
    first, last = position(result.types, first_key), position(result.types, last_key)
    return f"'{CORRECTED}'!${col(first)}${FIRST}:${col(last)}${last_row(result)}"


def layout(result: Result, audit_rows: dict[tuple, tuple[int, int]]) -> SheetLayout:
    model = result.inputs.model
    types = result.types
    keys = columns(types)
    pos = {k: i + 1 for i, k in enumerate(keys)}
    sheet = SheetLayout(CORRECTED, "output")
    sheet.stream_from = FIRST  # many rows: streamed into the file
    heading.title_unit_as_of(sheet, f"Korrigeret budget {model.fiscal_year} — {model.name}", result, f.AS_OF, result.as_of)
    sheet.put(3, 1, "Korrigeret budget = oprindeligt budget + godkendte ændringer dateret til og med opgørelsesdatoen. "
                    "Afventende ændringer vises, men tæller ikke. Klik på linket i kolonnen Ændringer for ændringsrækkerne.", "note")
    labels = {"sector": "Sektor", "category": "Kategori", "activity": "Aktivitet", "kind": "Art",
              "original": model.label("original"), "approved": model.label("approved_changes"),
              "corrected": model.label("corrected"), "pending": model.label("pending"),
              "in_budget": "I oprindeligt budget (1/0)", "drill": "Ændringer", "line": "Linje nr. (nøgle på Ledger)"}
    type_labels = model.type_labels
    for key, c in pos.items():
        label = type_labels.get(key[5:], key[5:]) if key.startswith("type:") else labels[key]
        sheet.put(HEADER_ROW, c, label, "header_wrap")
        sheet.put(CODE_ROW, c, key[5:] if key.startswith("type:") else key, "code")

    numbers = ledger.line_numbers(result)
    cells = lambda r: [ref(r, pos[k], "c") for k in KEYS]
    line = lambda r: ref(r, pos["line"], "c")
    pattern = {  # one formula pattern per column, made once (layout.per_row)
        "line": lambda r: f.numbered("LG_CorrectedLine", ref(FIRST, pos["line"], "cr"), line(r)),
        "original": lambda r: f.line_original(line(r), cells(r)),
        **{f"type:{t}": lambda r, c=pos[f"type:{t}"]: f.line_type(line(r), cells(r), ref(CODE_ROW, c, "r")) for t in types},
        "approved": lambda r: f.line_approved(line(r), cells(r), f.AS_OF),
        "corrected": lambda r: f"{ref(r, pos['original'])}+{ref(r, pos['approved'])}",
        "pending": lambda r: f.line_pending(line(r), cells(r)),
        "in_budget": lambda r: f.line_in_budget(line(r), cells(r)),
    }
    formula = {key: per_row(build, FIRST) for key, build in pattern.items()}
    styles = {"line": "integer", "in_budget": "flag"}
    for i, values in enumerate(result.lines.to_dict(orient="records")):
        r = FIRST + i
        for key in KEYS:
            sheet.put(r, pos[key], values[key] or None, "code_text")
        expect = {**values, "line": numbers[tuple(values[k] for k in KEYS)]}
        for key, made in formula.items():
            sheet.formula(r, pos[key], made(r), expect[key], styles.get(key, "amount"))
        first_audit, n = audit_rows.get(tuple(values[k] for k in KEYS), (None, 0))
        if first_audit:
            sheet.put(r, pos["drill"], f"{n} ændring{'er' if n != 1 else ''} →", "link", link=f"'{AUDIT}'!A{first_audit}")
        else:
            sheet.put(r, pos["drill"], None, "link")  # every row alike: streamed as one block
    last = last_row(result)
    total = last + 1
    sheet.put(total, 1, model.label("total"), "total_label")
    for key in keys[len(KEYS):-2]:
        c = pos[key]
        expect = float(result.lines[key].sum())
        sheet.formula(total, c, f.sum_range(ref(FIRST, c), ref(last, c)), expect, "total_amount")
    for key in ("sector", "category", "kind", "original", "approved", "corrected", "in_budget"):
        name = "CB_" + key.title().replace("_", "")
        sheet.names[name] = range_ref(CORRECTED, FIRST, last, pos[key])
    in_budget = ref(FIRST, pos["in_budget"], "c")
    sheet.conditionals.append(Conditional(f"A{FIRST}:{col(len(keys))}{last}", f"{in_budget}=0", "break"))
    sheet.heights[HEADER_ROW] = 45
    sheet.hidden_rows.append(CODE_ROW)
    sheet.hidden_columns.append(pos["line"])  # the line's key on the Ledger: for the formulas
    sheet.freeze = f"E{FIRST}"
    sheet.fit_widths(maximum=40)
    for key, c in pos.items():
        if key not in KEYS and key != "drill":
            sheet.widths[c] = 14
    return sheet
