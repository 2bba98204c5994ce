"""Reading the finance system's files as they come: one table of the data contract from a CSV file (any
encoding and dialect Excel and the finance systems write) or a spreadsheet (.xlsx …), with the header row
found below title rows, headers in Danish or the controller's own words (model.yaml ``columns``), months
and kinds in Danish, total rows checked and left out, and rows keyed by the authorized chart of accounts
placed on the controller's lines through the account map (``intake/accounts.py``).

Modules: ``headers`` (which column is which), ``words`` (months, kinds), ``totals`` (I alt rows),
``accounts`` (the account map, kinds from dranst and art), ``xlsx_export`` (spreadsheet files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from budgetcontrol.contract.csvfile import read_csv_text
from budgetcontrol.danish import with_unit
from budgetcontrol.engine.checks import UNMAPPED_SECTOR  # the check that shows unmapped rows as a break
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.model import Category, Model, Sector
from budgetcontrol.contract.tables import TableSpec, validate
from budgetcontrol.contract.values import ValueProblem, parse_amounts, quoted
from budgetcontrol.intake import accounts as account_map
from budgetcontrol.intake import words
from budgetcontrol.intake.headers import known_words, map_headers, missing_message, normal
from budgetcontrol.intake.totals import TotalRow, check_totals, split_totals
from budgetcontrol.intake.xlsx_export import frame_of, is_spreadsheet

UNMAPPED_CHOICES = ("refuse", "keep")  # refresh --unmapped; build and rollup pass "never" (they have no such option)


def rows_text(count: int) -> str:
    """"1 row", "2 rows"."""
    return f"{count} row" + ("s" if count != 1 else "")


@dataclass(frozen=True)
class Loaded:
    rows: pd.DataFrame  # validated rows of the contract (account-keyed rows summed per line)
    model: Model  # the model, with the "Ikke placeret" sector and category when unmapped rows were kept
    total: float  # the export's total: its total row, else the sum of its rows
    rows_read: int  # data rows in the file
    keyed: bool  # keyed by account
    unmapped_rows: int
    unmapped_total: float


@dataclass(frozen=True)
class Raw:
    frame: pd.DataFrame  # the contract's column names (canonical), month and kind in the contract's spelling
    file: str
    decimal: str
    header_row: int
    headers: dict[str, str]  # canonical name -> the file's header
    found: list[str]  # the file's headers as written
    totals: list[TotalRow]
    sheet: str | None
    typed: bool = False  # cells typed by a spreadsheet (numbers, dates); a CSV file's are text

    def locate(self, index, column: str) -> dict:
        where = {"row": self.header_row if index is None else int(index), "column": self.headers.get(column, column)}
        return where | ({"sheet": self.sheet} if self.sheet else {})


def _art_is_kind(frame: pd.DataFrame, header: str) -> bool:
    values = frame[header].astype(str).str.strip()
    values = values[values != ""]
    return len(values) > 0 and bool(values.map(words.is_kind_word).all())


def read(path: str | Path, names: list[str], model: Model | None, sheet: str | None = None,
         display: str | None = None) -> Raw:
    """A file's rows under the contract's column names (the others left as they are)."""
    path = Path(path)
    file = display or str(path)
    known = known_words(model, names)
    if is_spreadsheet(path):
        frame, header_row, sheet = frame_of(path, file, sheet, known, normal)
        decimal = ","
    else:
        if sheet is not None:
            raise InputError(file, "--sheet names a sheet of a spreadsheet export; this is a text (CSV) file", column="--sheet")
        raw = read_csv_text(path, file, known, normal)
        frame, decimal, header_row = raw.frame, raw.decimal, raw.header_row
    found = [str(c) for c in frame.columns]
    mapping = map_headers(found, model, names, file, header_row)
    art = next((h for h, name in mapping.items() if name == "art"), None)
    if art is not None and "kind" in names and "kind" not in mapping.values() and _art_is_kind(frame, art):
        mapping[art] = "kind"  # "Art" holding udgift/indtægt is the kind, not the kontoplan's art
    amount = next((h for h, name in mapping.items() if name == "amount"), None)
    typed = is_spreadsheet(path)
    periods = tuple(h for h, name in mapping.items() if name == "month")
    frame, totals = split_totals(frame, file, amount, typed, periods)
    frame = frame[list(mapping)].rename(columns=mapping)
    if typed:  # a spreadsheet's cells: whole numbers without their decimals, the rest as text (dates, amounts typed)
        for column in frame.columns:
            if column == "art":  # a number cell 9.0 is art 9.0, not 9
                frame[column] = frame[column].map(lambda v: f"{v:.1f}" if isinstance(v, float) and 0 <= v < 10 else _text(v))
            elif column not in ("amount", "date", "month"):
                frame[column] = frame[column].map(_text)
    if "month" in frame:
        frame["month"] = words.months(frame["month"])
    if "kind" in frame:
        frame["kind"] = words.kinds(frame["kind"])
    return Raw(frame, file, decimal, header_row, {name: h for h, name in mapping.items()}, found, totals, sheet, typed)


def _text(value) -> str:
    """A cell as text: a whole number without its decimals (an .xlsx writes 52821 as 52821.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def amounts(raw: Raw, values: pd.Series) -> pd.Series:
    """Amounts as numbers: typed cells as they are, text in the file's convention (a CSV file's cells are all text)."""
    typed = values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)) if raw.typed else None
    text = values if typed is None else values[~typed]
    try:
        parsed = parse_amounts(text.astype(str), raw.decimal)
    except ValueProblem as exc:
        raise InputError(raw.file, exc.message, **raw.locate(exc.index, "amount")) from None
    if typed is None:
        return parsed
    out = pd.Series(index=values.index, dtype="float64")
    out[typed] = values[typed].astype("float64")
    out[~typed] = parsed
    return out


def load(path: str | Path, spec: TableSpec, model: Model, accounts: pd.DataFrame | None = None, *,
         sheet: str | None = None, month: str | None = None, unmapped: str = "refuse", map_file: str = "accounts.csv",
         display: str | None = None, empty_refused: bool = False) -> Loaded:
    """One table of the contract from a finance-system file, validated like the contract's own CSV files.
    ``month`` names the month of a file without a month column; ``unmapped`` says what becomes of rows no
    pattern of the account map places: refused (in one line), or kept on the line "Ikke placeret"."""
    raw = read(path, spec.names, model, sheet, display)
    frame = raw.frame
    if "activity" in spec.names and "activity" not in frame:
        frame = frame.assign(activity="")
    if month is not None and "month" in spec.names and "month" not in frame:
        frame = frame.assign(month=month)
    keyed = account_map.is_account_keyed(frame.columns) and "sector" in spec.names
    unmapped_rows, unmapped_total = 0, 0.0
    if keyed:
        frame, model, unmapped_rows, unmapped_total = _place(raw, frame, spec, model, accounts, unmapped, map_file)
    for name in spec.names:
        if name not in frame:
            if name == "month":
                message = missing_message("month", raw.found, model, spec.names) + "; or name the month with --month YYYY-MM"
            else:
                message = missing_message(name, raw.found, model, spec.names)
            if raw.sheet:
                message += f" (read from the sheet '{raw.sheet}'; name another with --sheet)"
            raise InputError(raw.file, message, row=raw.header_row, **({"sheet": raw.sheet} if raw.sheet else {}))
    if frame.empty and empty_refused:
        raise InputError(raw.file, "the export has no rows", row=raw.header_row + 1)
    frame = frame.assign(amount=amounts(raw, frame["amount"])) if "amount" in frame else frame
    rows_read = len(frame)
    total = float(frame["amount"].sum()) if "amount" in frame else 0.0
    if raw.totals:
        parsed = [float(amounts(raw, pd.Series([t.amount], index=[t.index])).iloc[0]) for t in raw.totals]
        total = check_totals(raw.totals, parsed, total, raw.file, raw.headers.get("amount", "amount"), model.unit)
    if keyed:
        frame = _summed(frame, spec)
    rows = validate(frame, spec, model, raw.file, raw.locate, raw.decimal)
    return Loaded(rows, model, total, rows_read, keyed, unmapped_rows, unmapped_total)


def _summed(rows: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Account-keyed rows summed per row of the contract (a line's month, a change's posting: the budget has a
    line once), before validation; each sum keeps the file row of its first row for messages."""
    keys = [n for n in spec.names if n != "amount"]
    frame = rows[spec.names].copy()
    frame["_row"] = frame.index
    summed = frame.groupby(keys, sort=False, dropna=False).agg(_row=("_row", "first"), amount=("amount", "sum"))
    out = summed.reset_index().set_index("_row").sort_index()
    out.index.name = None
    return out[spec.names]


def _place(raw: Raw, frame: pd.DataFrame, spec: TableSpec, model: Model, accounts: pd.DataFrame | None, unmapped: str,
           map_file: str):
    if accounts is None or accounts.empty:
        raise InputError(raw.file, f"the rows carry accounts (headers {', '.join(quoted(h, 20) for h in raw.found[:6])}) "
                                   f"and no sector or category, and there is no account map ({map_file}); write accounts.csv "
                                   f"in the data folder and build again (build --keep keeps a workbook's own work)",
                         row=raw.header_row)
    parts = account_map.normal_parts(frame)
    placed, missing = account_map.place(frame, parts, accounts, raw.file, map_file)
    if "kind" not in placed:
        placed["kind"] = account_map.kinds(frame, parts, model, raw.file, raw.header_row)
    count = int(missing.sum())
    total = 0.0
    if count:
        money = amounts(raw, frame.loc[missing, "amount"]) if "amount" in frame else pd.Series(0.0, index=frame.index[missing])
        total = float(money.sum())
        text = account_map.account_text(frame.loc[missing])
        by = pd.DataFrame({"account": text, "amount": money}).groupby("account", sort=True)["amount"].agg(["size", "sum"])
        listed = "; ".join(f"{account} ({rows_text(int(n))}, {with_unit(s, model.unit)})" for account, (n, s) in list(by.iterrows())[:5])
        more = f"; and {len(by) - 5} more accounts" if len(by) > 5 else ""
        if unmapped != "keep":
            keep = (f", or refresh with --unmapped keep to book them on the line '{account_map.UNMAPPED_NAME}'"
                    if unmapped == "refuse" else "")
            raise InputError(raw.file, f"{rows_text(count)} ({with_unit(total, model.unit)}) carry accounts no pattern of the account map "
                                       f"({map_file}) places: {quoted(listed, 300)}{more}; add patterns for them{keep}",
                             row=int(frame.index[missing.argmax()]))
        placed.loc[missing, "sector"] = UNMAPPED_SECTOR
        placed.loc[missing, "category"] = UNMAPPED_SECTOR
        placed.loc[missing, "activity"] = text
        model = with_unmapped(model)
    return placed, model, count, total


def with_unmapped(model: Model) -> Model:
    """The model with the sector and category "Ikke placeret" (where unmapped accounts are booked)."""
    code, name = UNMAPPED_SECTOR, account_map.UNMAPPED_NAME
    update = {}
    if code not in model.sector_codes:
        update["sectors"] = list(model.sectors) + [Sector(code=code, name=name)]
    if code not in model.category_codes:
        update["categories"] = list(model.categories) + [Category(code=code, name=name)]
    return model.model_copy(update=update) if update else model
