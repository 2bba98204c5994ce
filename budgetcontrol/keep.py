"""build --keep: a build over an existing workbook that carries the controller's work over (issue 17).

The workbook stays the package it is (``xlsx/package_book.py``): its own sheets, defined names and every
row typed into its input Tables are kept as written; the data folder's rows that the Tables lack are
added below theirs, its settings are set, and the generated sheets are built from the whole. The union
is read back and validated as any workbook is (a budget line both typed and in the data folder is then
refused in one line naming its cell), before anything replaces the workbook.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from budgetcontrol import contract, sheets
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.settings_sheet import ROWS
from budgetcontrol.contract.tables import OPTIONAL, SPECS, Inputs
from budgetcontrol.engine import Result, compute
from budgetcontrol.engine.corrected import change_types
from budgetcontrol.overwrite import _keys
from budgetcontrol.refresh import _complete_phasing
from budgetcontrol.sheets import settings as settings_sheet
from budgetcontrol.sheets.inputs import STYLE, cell_value
from budgetcontrol.xlsx.package_book import FileBook

LISTS = ("Sectors", "Categories", "ChangeTypes", "UnitCosts")  # the Settings sheet's Tables, from model.yaml


def _missing_rows(data: Inputs, book: Inputs, spec) -> list[dict]:
    """The data folder's rows of ``spec`` that the workbook's Table does not hold (as many times as missing)."""
    new = getattr(data, spec.key, None)
    if new is None or new.empty:
        return []
    old = getattr(book, spec.key, None)
    columns = [name for name, _ in spec.columns if name in new.columns]
    have = Counter(_keys(old[columns])) if old is not None and not old.empty and set(columns) <= set(old.columns) else Counter()
    out = []
    for key, row in zip(_keys(new[columns]), new[columns].to_dict("records")):
        if have[key]:
            have[key] -= 1
            continue
        types = dict(spec.columns)
        out.append({name: cell_value(value, types[name]) for name, value in row.items()})
    return out


def _lists(book: FileBook, data: Inputs, as_of: dt.date) -> None:
    """The Settings sheet's lists (sectors, categories, change types, unit costs) and cells from model.yaml."""
    layout = settings_sheet.layout(data.model, as_of, change_types(data.model, data.changes))
    for table in layout.tables:
        if table.name not in LISTS:
            continue
        rows = [{name: layout.cells[(r, table.first_col + i)].value if (r, table.first_col + i) in layout.cells else None
                 for i, name in enumerate(table.columns)} for r in range(table.first_row + 1, table.last_row + 1)]
        book.set_table_rows(table.name, [r for r in rows if any(v not in (None, "") for v in r.values())], {})
    values = settings_sheet.settings_values(data.model, as_of)
    for key, *_ in ROWS:
        if key in values:
            book.set_setting(key, values[key])


def build_keeping(source: str | Path, target: Path, as_of: dt.date | None = None) -> tuple[Result, int]:
    """Build ``target`` from the data folder ``source``, keeping the controller's work in it; returns the
    result and how many rows of the data folder were added to the workbook's Tables."""
    data = contract.load(source)
    as_of = as_of or data.model.default_as_of
    book = FileBook(target)
    added = 0
    for spec in SPECS + OPTIONAL:
        rows = _missing_rows(data, book.inputs(), spec)
        if not rows:
            continue
        try:
            existing = book.table_rows(spec.table)
        except InputError:
            continue  # a Table the workbook does not have (an older version): the generated build adds it
        styles = {name: STYLE[vtype] for name, vtype in spec.columns if vtype in STYLE}
        book.set_table_rows(spec.table, existing + rows, styles)
        added += len(rows)
    _lists(book, data, as_of)
    with tempfile.TemporaryDirectory(prefix="bc-keep-", dir=target.parent) as folder:
        merged = Path(folder) / target.name
        book.pkg_save_to(merged)
        try:
            inputs = contract.load(merged)
        except InputError as exc:  # the union names the merged copy: name the workbook instead
            exc.file = str(target)
            exc.message += " (with --keep: the workbook's rows and the data folder's together)"
            raise
        result = compute(inputs, as_of)
        final = FileBook(merged)
        _complete_phasing(final, inputs, result)
        final.replace_generated(sheets.layouts(result))
        final.save(target)
    return result, added
