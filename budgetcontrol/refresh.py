"""The monthly refresh (månedlig opdatering): take a finance-system export of one month's
actuals, replace that month's rows in the workbook's Actuals Table, make the month the reporting
month when it is the newest one (the as-of date moves to its end), and rebuild the generated sheets.

Running it twice with the same export changes nothing. It works on any :class:`Book` — a file edited
as a package (``xlsx/package_book.py``) or, for the refresh button, a live Excel book.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from budgetcontrol import intake, sheets
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.model import Model
from budgetcontrol.contract.tables import ACTUALS, Inputs, check_excel_matching, csv_locate
from budgetcontrol.engine import Result, compute
from budgetcontrol.engine.monthly import month_end
from budgetcontrol.engine.phasing import PAIR
from budgetcontrol.sheets.names import settings_sheet
from budgetcontrol.sheets.inputs import STYLE, cell_value
from budgetcontrol.sheets.layout import SheetLayout

KEY = ["sector", "category", "kind"]


class Book(Protocol):
    """What the refresh needs of a workbook."""

    def inputs(self) -> Inputs: ...

    def table_rows(self, name: str) -> list[dict]: ...

    def month_rows(self, name: str) -> list[dict]: ...  # the rows with at least their month, as cheap as the book can

    def set_table_rows(self, name: str, rows: list[dict], styles: dict[str, str]) -> None: ...

    def set_setting(self, key: str, value) -> None: ...

    def replace_generated(self, layouts: list[SheetLayout]) -> None: ...

    def save(self) -> None: ...


@dataclass(frozen=True)
class Report:
    month: str
    rows_out: int
    rows_in: int
    ignored: int  # rows of other months in the export
    before: pd.DataFrame  # the month's net per sector × category before
    after: pd.DataFrame
    as_of_before: dt.date
    as_of_after: dt.date
    result: Result
    export: Export | None = None

    def net_changes(self) -> list[tuple[tuple[str, str], float, float]]:
        """(sector, category), the month's net before and after, for every pair either holds."""
        keys = sorted(set(self.before.index) | set(self.after.index))
        return [(key, float(self.before.get(key, 0.0)), float(self.after.get(key, 0.0))) for key in keys]


@dataclass(frozen=True)
class Export:
    """The refreshed month's rows of an export, and what the file held."""

    rows: pd.DataFrame  # the month's rows, validated like actuals.csv
    month: str
    ignored: int  # rows of other months left out
    ignored_total: float
    total: float  # the export's total (its total row, else the sum of its rows)
    rows_read: int  # data rows in the file
    keyed: bool  # keyed by the chart of accounts and placed through the account map
    unmapped_rows: int  # kept on the line "Ikke placeret" (--unmapped keep)
    unmapped_total: float
    model: Model  # the workbook's model (with "Ikke placeret" when unmapped rows were kept)


def read_export(path: str | Path, inputs: Inputs, month: str | None, sheet: str | None = None,
                unmapped: str = "refuse") -> Export:
    """The export's rows of the refreshed month (validated like actuals.csv) and what else the file held."""
    file = str(path)
    loaded = intake.load(path, ACTUALS, inputs.model, inputs.accounts, sheet=sheet, month=month, unmapped=unmapped,
                         map_file=f"the Accounts Table of {Path(inputs.source).name}", empty_refused=True)
    rows = loaded.rows
    months = list(dict.fromkeys(rows["month"]))
    if month is None:
        if len(months) > 1:
            raise InputError(file, f"the export holds several months ({', '.join(sorted(months))}); "
                                   f"name the one to refresh with --month YYYY-MM")
        month = months[0]
    chosen = rows[rows["month"] == month]
    if chosen.empty:
        raise InputError(file, f"the export has no rows for {month} (it holds {', '.join(sorted(months))})")
    # The export's codes must match the workbook's spelling the way Excel's formulas will match them.
    kept = inputs.actuals[inputs.actuals["month"] != month]
    frames = {"budget": inputs.budget, "changes": inputs.changes, "actuals_kept": kept, "export": chosen}
    files = {"budget": inputs.source, "changes": inputs.source, "actuals_kept": inputs.source, "export": file}
    check_excel_matching(frames, files, {key: csv_locate for key in frames})
    other = rows[rows["month"] != month]
    return Export(chosen, month, int(len(other)), float(other["amount"].sum()), loaded.total, loaded.rows_read, loaded.keyed,
                  loaded.unmapped_rows, loaded.unmapped_total, loaded.model)


def parse_month(text: str, fiscal_year: int) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError("--month", f"'{text}' is not a month (use YYYY-MM)")
    if int(match.group(1)) != fiscal_year:
        raise InputError("--month", f"{text} is not in the workbook's fiscal year {fiscal_year}")
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def _as_of_after(as_of: dt.date, month: str, kept: pd.DataFrame) -> dt.date:
    """The reporting month becomes the refreshed month when it is the newest month of actuals (a
    workbook built without --as-of reports to 31 December until its first refresh); refreshing an
    older month (a correction) keeps the as-of date."""
    if kept.empty or month >= kept["month"].max():
        return month_end(dt.date.fromisoformat(month + "-01"))
    return as_of


def _net(actuals: pd.DataFrame, month: str) -> pd.DataFrame:
    return actuals[actuals["month"] == month].groupby(PAIR)["amount"].sum()


def refresh(book: Book, export: str | Path, month: str | None = None, sheet: str | None = None,
            unmapped: str = "refuse") -> Report:
    """Replace one month's actuals from ``export`` and rebuild the generated sheets of ``book``."""
    inputs = book.inputs()
    model = inputs.model
    if month is not None:
        month = parse_month(month, model.fiscal_year)
    read = read_export(export, inputs, month, sheet, unmapped)
    rows, month, ignored = read.rows, read.month, read.ignored
    if read.model is not model:  # unmapped accounts kept: the workbook gets the sector and category "Ikke placeret"
        model = read.model
        inputs = dataclasses.replace(inputs, model=model)
        _add_unmapped_lists(book, inputs)
    old = inputs.actuals
    kept = old[old["month"] != month]
    actuals = pd.concat([kept, rows], ignore_index=True)
    actuals = actuals.iloc[actuals["month"].argsort(kind="stable")].reset_index(drop=True)
    as_of_before = model.default_as_of
    as_of = _as_of_after(as_of_before, month, kept)
    written = {**inputs.table_rows, ACTUALS.table: max(len(actuals), 1)}  # the Table as _write_actuals leaves it
    fresh = dataclasses.replace(inputs, actuals=actuals, model=model.model_copy(update={"as_of": as_of}), table_rows=written)
    result = compute(fresh, as_of)
    _write_actuals(book, month, rows)
    _complete_phasing(book, inputs, result)
    book.set_setting("as_of", as_of)
    book.replace_generated(sheets.layouts(result))
    return Report(month, int((old["month"] == month).sum()), len(rows), ignored, _net(old, month), _net(actuals, month),
                  as_of_before, as_of, result, read)


def _add_unmapped_lists(book: Book, inputs: Inputs) -> None:
    """The model's sectors and categories the Sectors and Categories Tables lack (the sector and category
    "Ikke placeret", once) added to them."""
    for table, items in (("Sectors", inputs.model.sectors), ("Categories", inputs.model.categories)):
        rows = book.table_rows(table)
        have = {str(row.get("code", "")).casefold() for row in rows}
        added = [item.model_dump() for item in items if item.code.casefold() not in have]
        if added:
            book.set_table_rows(table, rows + added, {})


def next_month(book: Book) -> tuple[dt.date, dt.date, Result]:
    """Move the reporting month one month on (the month's actuals typed or pasted into the Actuals
    Table) and rebuild the generated sheets: the as-of date before and after, and the result."""
    inputs = book.inputs()
    model = inputs.model
    before = model.default_as_of
    if before.month == 12:
        raise InputError(inputs.source, f"the workbook already reports December {before.year}; the fiscal year has no next month",
                         sheet=settings_sheet(inputs.sheet_names) or "Settings", column="as_of")
    after = month_end(dt.date(before.year, before.month + 1, 1))
    result = compute(dataclasses.replace(inputs, model=model.model_copy(update={"as_of": after})), after)
    _complete_phasing(book, inputs, result)
    book.set_setting("as_of", after)
    book.replace_generated(sheets.layouts(result))
    return before, after, result


def _write_actuals(book: Book, month: str, new_rows: pd.DataFrame) -> None:
    """The Actuals Table without the month's old rows, with the new ones where the old ones stood (or,
    for a month it did not hold, before the first row of a later month: at the end for the newest
    month); every other row (and columns a controller added) stays where it was."""
    def month_key(value) -> str:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.strftime("%Y-%m")
        return str(value or "")[:7]

    rows = book.month_rows(ACTUALS.table)
    months = [month_key(row.get("month")) for row in rows]
    old = [i for i, m in enumerate(months) if m == month]
    at = old[0] if old else next((i for i, m in enumerate(months) if m > month), len(rows))
    kept = [row for row, m in zip(rows, months) if m != month]
    at -= sum(1 for i in old if i < at)
    types = dict(ACTUALS.columns)
    added = [{name: cell_value(value, types[name]) for name, value in row.items() if name in types}
             for row in new_rows[ACTUALS.names].to_dict("records")]
    styles = {name: STYLE[vtype] for name, vtype in ACTUALS.columns if vtype in STYLE}
    book.set_table_rows(ACTUALS.table, kept[:at] + added + kept[at:], styles)


def _complete_phasing(book: Book, inputs: Inputs, result: Result) -> None:
    """A sector or category added to the Settings lists since the build gets its twelfths as Phasing rows,
    so the workbook's formulas phase it as the engine does."""
    have = set(map(tuple, inputs.phasing[PAIR].drop_duplicates().itertuples(index=False)))
    missing = result.weights[[tuple(k) not in have for k in result.weights[PAIR].itertuples(index=False)]]
    if missing.empty:
        return
    rows = book.table_rows("Phasing") + [
        {"sector": s, "category": c, "month": int(m), "weight": float(w)}
        for s, c, m, w in missing[PAIR + ["month", "weight"]].itertuples(index=False)]
    book.set_table_rows("Phasing", rows, {"weight": "input_weight", "month": "input_month_number"})
