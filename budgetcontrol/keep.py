"""build --keep: a build over an existing workbook that carries the controller's work over (issue 17).

The workbook stays the package it is (``xlsx/package_book.py``): its own sheets and defined names are
kept as written; in each input Table the data folder's rows replace the workbook's for every group the
folder gives (a change by its id, a month of actuals, a budget line …: see :data:`GROUPS`), and rows of
groups only the workbook has — typed in Excel — are kept as written; the folder's settings are set, and
the generated sheets are built from the whole. The union
is read back and validated as any workbook is (a budget line both typed and in the data folder is then
refused in one line naming its cell), before anything replaces the workbook.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from budgetcontrol import contract, sheets
from budgetcontrol.engine.checks import UNMAPPED_SECTOR
from budgetcontrol.intake import with_unmapped
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

LISTS = ("Sectors", "Categories", "ChangeTypes", "UnitCosts", "ExportColumns", "AccountKinds")  # Settings' Tables, from model.yaml
ADDED_LATER = ("ExportColumns", "AccountKinds")  # part 6: a workbook built without them keeps its Settings sheet as it is


# What identifies a row's group in each input: the data folder's rows replace the workbook's for every
# group the folder gives (a corrected change, a month's actuals, a budget line); groups only the workbook
# has — typed in Excel — are kept as written.
GROUPS = {"budget": ["sector", "category", "activity", "kind"], "changes": ["change_id"], "actuals": ["month"],
          "phasing": ["sector", "category"], "targets": ["month", "sector", "group", "measure"],
          "activity": ["month", "sector", "group", "measure"], "forecast": ["sector", "category", "activity", "kind"],
          "history": ["year", "sector", "category"], "outer_budget": ["year", "sector", "category", "activity", "kind"],
          "savings": ["measure", "catalogue", "year", "sector", "category", "activity"],
          "accounts": ["konto", "funktion", "dranst", "gruppering", "omkostningssted"]}


def _merged_rows(data: Inputs, book: Inputs, spec, rows: list) -> tuple[list, int, int] | None:
    """The Table's rows after --keep: the workbook's rows (``rows``, as read) where the data folder gives
    nothing for their group or the same rows, the data folder's rows for every group it gives otherwise;
    how many rows were added and how many of the workbook's were replaced. None when nothing changes."""
    new, old = getattr(data, spec.key, None), getattr(book, spec.key, None)
    if new is None or new.empty or spec.key not in GROUPS:
        return None
    group = [c for c in GROUPS[spec.key] if c in new.columns]
    columns = [name for name, _ in spec.columns if name in new.columns]
    types = dict(spec.columns)
    wanted: dict[tuple, list] = {}
    for key, full, record in zip(_keys(new[group]), _keys(new[columns]), new[columns].to_dict("records")):
        wanted.setdefault(key, []).append((full, {name: cell_value(value, types[name]) for name, value in record.items()}))
    have: dict[tuple, list] = {}
    if old is not None and not old.empty and set(columns) <= set(old.columns):
        for sheet_row, key, full in zip(old.index, _keys(old[group]), _keys(old[columns])):
            have.setdefault(key, []).append((sheet_row, full))
    replaced_groups = {key for key, given in wanted.items()
                       if Counter(f for f, _ in given) != Counter(f for _, f in have.get(key, []))}
    if not replaced_groups:
        return None
    dropped = {sheet_row for key in replaced_groups for sheet_row, _ in have.get(key, [])}
    kept = [row for row in rows if getattr(row, "row", None) not in dropped]
    added = [record for key in wanted if key in replaced_groups for _, record in wanted[key]]
    return kept + added, len(added), len(dropped)


def _lists(book: FileBook, data: Inputs, as_of: dt.date) -> None:
    """The Settings sheet's lists (sectors, categories, change types, unit costs) and cells from model.yaml."""
    layout = settings_sheet.layout(data.model, as_of, change_types(data.model, data.changes))
    for table in layout.tables:
        if table.name not in LISTS:
            continue
        rows = [{name: layout.cells[(r, table.first_col + i)].value if (r, table.first_col + i) in layout.cells else None
                 for i, name in enumerate(table.columns)} for r in range(table.first_row + 1, table.last_row + 1)]
        try:
            book.set_table_rows(table.name, [r for r in rows if any(v not in (None, "") for v in r.values())], {})
        except InputError:
            if table.name not in ADDED_LATER:
                raise
    values = settings_sheet.settings_values(data.model, as_of)
    for key, *_ in ROWS:
        if key in values:
            book.set_setting(key, values[key])


def build_keeping(source: str | Path, target: Path, as_of: dt.date | None = None) -> tuple[Result, int, int]:
    """Build ``target`` from the data folder ``source``, keeping the controller's work in it; returns the
    result, how many of the data folder's rows went into the workbook's Tables and how many of the
    workbook's rows they replaced."""
    data = contract.load(source)
    as_of = as_of or data.model.default_as_of
    book = FileBook(target)
    year = book.inputs().model.fiscal_year
    if UNMAPPED_SECTOR in book.inputs().model.sector_codes:  # rows kept on "Ikke placeret" by a refresh stay there
        data = dataclasses.replace(data, model=with_unmapped(data.model))
    if data.model.fiscal_year != year:
        raise InputError(str(target), f"--keep builds the workbook's own fiscal year {year}, and {source} is for "
                                      f"{data.model.fiscal_year}; build the new year's workbook to a new file")
    macro = target.suffix.lower() == ".xlsm"
    if macro != book.pkg.has("xl/vbaProject.bin"):
        raise InputError(str(target), f"--keep keeps the workbook as it is, and it is {'not ' if macro else ''}"
                                      f"macro-enabled while its name ends in {target.suffix}; build it anew with --force")
    added = replaced = 0
    for spec in SPECS + OPTIONAL:
        try:
            existing = book.table_rows(spec.table)
        except InputError:
            continue  # a Table the workbook does not have (an older version): the generated build adds it
        merged = _merged_rows(data, book.inputs(), spec, existing)
        if merged is None:
            continue
        rows, n_added, n_replaced = merged
        styles = {name: STYLE[vtype] for name, vtype in spec.columns if vtype in STYLE}
        book.set_table_rows(spec.table, rows, styles)
        added, replaced = added + n_added, replaced + n_replaced
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
    return result, added, replaced
