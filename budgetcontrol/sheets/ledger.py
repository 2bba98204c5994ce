"""The "Ledger" sheet (beregning): the rows of the Budget, Changes and Actuals Tables summed at the grain
the per-line and per-month formulas need, sorted by a numeric key, with a running total — so a figure
is two binary-search lookups (``MATCH(key, keys, 1)``) instead of a SUMIFS over every input row.

A workbook of a large municipality has 30.000 lines and 360.000 actual rows: thousands of cells each
scanning every actual row made LibreOffice's recalculation grow with lines × rows (hours); with the
ledger it grows with lines × log(rows).

Each block sums the Table rows that were in the workbook when it was written (``rows`` of the Table,
kept in ``LG_Rows_<Table>``); rows typed below them since are added by every figure through a SUMIFS
over just those rows (``formulas.tail``), so typed rows count without Python, and the next refresh
summarises them. The Checks sheet holds each block's total against the Table's first rows, so an edit
to summarised rows shows as a break until the next refresh.

Keys (whole numbers, exact in floating point): a line is its row number on Line forecast (1…), a group
its block number on Monthly calc (sector × category × kind, then the pairs' net), a date its Excel
serial number, a month 1–12:

    ActualsByLine      line × 100 + month              ActualsByGroup    group × 100 + month
    BudgetByLine       line                            BudgetByGroup     group
    ApprovedByLine     line × 10^5 + date              ApprovedByGroup   group × 10^5 + date
    PendingByLine      line × 10^5 + date              ApprovedByType    line × 10^7 + type × 10^5 + date
    ChangesByAuditRow  audit row (1…)

A sum over ``lo < key ≤ hi`` is ``INDEX(cum, MATCH(hi, keys, 1)) − INDEX(cum, MATCH(lo, keys, 1))``;
each block starts with a row of key 0 and amount 0 so every ``lo`` finds a row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from budgetcontrol.engine import Result
from budgetcontrol.engine.corrected import LINE
from budgetcontrol.sheets.layout import Bulk, Column, SheetLayout, col
from budgetcontrol.sheets.names import CHECKS, LEDGER, tab

MONTH_STEP = 100
DATE_STEP = 100_000
TYPE_STEP = 10_000_000
EXCEL_EPOCH = np.datetime64("1899-12-30")
STEPS = {"LG_MonthStep": MONTH_STEP, "LG_DateStep": DATE_STEP, "LG_TypeStep": TYPE_STEP}
TABLES = ("Budget", "Changes", "Actuals")
TITLE_ROW, NOTE_ROW, SETTING_ROW, HEADER_ROW, FIRST = 1, 2, 4, 7, 8


@dataclass(frozen=True)
class Block:
    name: str
    label: str
    keys: np.ndarray  # sorted, unique
    amounts: np.ndarray


def key_name(block: str) -> str:
    return f"LG_{block}_Key"


def cum_name(block: str) -> str:
    return f"LG_{block}_Cum"


def rows_name(table: str) -> str:
    return f"LG_Rows_{table}"


def table_frames(inputs) -> dict[str, pd.DataFrame]:
    """The input Tables the Ledger sums, by Table name (:data:`TABLES`)."""
    return {"Budget": inputs.budget, "Changes": inputs.changes, "Actuals": inputs.actuals}


def table_rows(result: Result, table: str) -> int:
    """The Table rows the ledger sums: as many as the Table holds (blank rows included) when the
    workbook was read, else the rows written (an empty Table is written with one blank row)."""
    frame = table_frames(result.inputs)[table]
    return result.inputs.table_rows.get(table, max(len(frame), 1))


ROWS_LABEL = "Rækker "  # the label before each Table's summed row count on the settings row: "Rækker Budget"


def written_rows(grid: list[list]) -> dict[str, int]:
    """The Table rows the Ledger summed when it was written, read back from its sheet's grid (calamine's
    ``to_python``): the value under each "Rækker <Table>" label of the settings row."""
    labels = grid[SETTING_ROW - 1] if len(grid) > SETTING_ROW else []
    out = {}
    for c, label in enumerate(labels):
        table = str(label)[len(ROWS_LABEL):] if str(label).startswith(ROWS_LABEL) else None
        value = grid[SETTING_ROW][c] if c < len(grid[SETTING_ROW]) else None
        if table in TABLES and isinstance(value, (int, float)) and not isinstance(value, bool):
            out[table] = int(value)
    return out


def line_numbers(result: Result) -> dict[tuple, int]:
    """Each line's row number on Line forecast (1…), by (sector, category, activity, kind)."""
    return {tuple(k): i for i, k in enumerate(result.line_forecasts[LINE].itertuples(index=False), start=1)}


def monthly_rows(result: Result) -> pd.DataFrame:
    """(sector, category, kind) of each Monthly calc row, in the sheet's order: the kinds, then the pairs' net."""
    frame = result.monthly[["sector", "category", "kind"]]
    return pd.concat([frame[frame["kind"] != "net"], frame[frame["kind"] == "net"]])


def group_numbers(result: Result) -> dict[tuple, int]:
    """Each Monthly calc block's number (1…) by (sector, category, kind or 'net'), in the sheet's order."""
    keys = dict.fromkeys(monthly_rows(result).itertuples(index=False, name=None))
    return {k: i for i, k in enumerate(keys, start=1)}


def _serial(dates: pd.Series) -> np.ndarray:
    return ((dates.values.astype("datetime64[D]") - EXCEL_EPOCH) // np.timedelta64(1, "D")).astype(np.int64)


def _summed(name: str, label: str, keys: np.ndarray, amounts: np.ndarray) -> Block:
    frame = pd.DataFrame({"key": np.asarray(keys, dtype=np.int64), "amount": np.asarray(amounts, dtype=float)})
    summed = frame.groupby("key", sort=True)["amount"].sum()
    return Block(name, label, summed.index.to_numpy(), summed.to_numpy())


def _lines(frame: pd.DataFrame, numbers: dict[tuple, int]) -> np.ndarray:
    keys = zip(*(frame[c].tolist() for c in LINE))  # plain lists: iterating pandas string arrays is slow
    return np.array([numbers[k] for k in keys], dtype=np.int64)


def _groups(frame: pd.DataFrame, numbers: dict[tuple, int], net: bool) -> np.ndarray:
    keys = zip(frame["sector"].tolist(), frame["category"].tolist(), ["net"] * len(frame) if net else frame["kind"].tolist())
    return np.array([numbers[k] for k in keys], dtype=np.int64)


def blocks(result: Result) -> list[Block]:
    inputs = result.inputs
    lines, groups = line_numbers(result), group_numbers(result)
    budget, changes, actuals = inputs.budget, inputs.changes, inputs.actuals
    month = actuals["month"].str[5:7].astype(int).to_numpy()
    approved = changes[changes["status"] == "approved"]
    pending = changes[changes["status"] == "pending"]
    type_no = {t: i for i, t in enumerate(result.types, start=1)}
    typed = approved[approved["type"].isin(type_no)]
    audit_no = {k: i for i, k in enumerate(result.audit[["change_id"] + LINE].itertuples(index=False, name=None), start=1)}
    both = lambda frame, values: (np.concatenate([_groups(frame, groups, False), _groups(frame, groups, True)]),
                                  np.concatenate([values, values]))
    a_groups, a_amounts = both(actuals, actuals["amount"].to_numpy())
    b_groups, b_amounts = both(budget, budget["amount"].to_numpy())
    approved_dates = _serial(approved["date"])
    c_groups, c_dates = both(approved, approved_dates)
    return [
        _summed("ActualsByLine", "Regnskab pr. linje og måned",
                _lines(actuals, lines) * MONTH_STEP + month, actuals["amount"]),
        _summed("ActualsByGroup", "Regnskab pr. gruppe og måned",
                a_groups * MONTH_STEP + np.concatenate([month, month]), a_amounts),
        _summed("BudgetByLine", "Budget pr. linje", _lines(budget, lines), budget["amount"]),
        _summed("BudgetByGroup", "Budget pr. gruppe", b_groups, b_amounts),
        _summed("ApprovedByLine", "Godkendte ændringer pr. linje og dato",
                _lines(approved, lines) * DATE_STEP + approved_dates, approved["amount"]),
        _summed("ApprovedByType", "Godkendte ændringer pr. linje, type og dato",
                _lines(typed, lines) * TYPE_STEP + typed["type"].map(type_no).to_numpy() * DATE_STEP + _serial(typed["date"]),
                typed["amount"]),
        _summed("PendingByLine", "Afventende ændringer pr. linje og dato",
                _lines(pending, lines) * DATE_STEP + _serial(pending["date"]), pending["amount"]),
        _summed("ApprovedByGroup", "Godkendte ændringer pr. gruppe og dato",
                c_groups * DATE_STEP + c_dates, np.concatenate([approved["amount"], approved["amount"]])),
        _summed("ChangesByAuditRow", "Ændringer pr. række på Audit",
                [audit_no[k] for k in changes[["change_id"] + LINE].itertuples(index=False, name=None)], changes["amount"]),
    ]


def layout(result: Result) -> SheetLayout:
    sheet = SheetLayout(LEDGER, "calc")
    sheet.put(TITLE_ROW, 1, "Summeret grundlag (ledger): Budget, Changes og Actuals lagt sammen pr. nøgle", "title")
    sheet.put(NOTE_ROW, 1, "Beregningsark: skrevet ved hver opdatering. Hver blok summerer tabellens første rækker "
                           "(antal herunder) pr. nøgle, sorteret, med løbende sum; formlerne slår op med MATCH(…;1). "
                           f"Rækker tastet under dem lægges til af formlerne selv. Arket '{tab(CHECKS)}' viser, om de "
                           "summerede rækker er ændret siden.", "note")
    settings = [(name[3:], name, value) for name, value in STEPS.items()]
    settings += [(f"{ROWS_LABEL}{table}", rows_name(table), table_rows(result, table)) for table in TABLES]
    for i, (label, name, value) in enumerate(settings):
        c = 1 + 2 * i
        sheet.put(SETTING_ROW, c, label, "header")
        sheet.put(SETTING_ROW + 1, c, value, "integer")
        sheet.names[name] = f"'{LEDGER}'!${col(c)}${SETTING_ROW + 1}"
    c = 1 + 2 * len(settings)  # the change types in column order of Corrected budget: a type's number is its position
    sheet.put(SETTING_ROW, c, "Ændringstyper", "header")
    for i, t in enumerate(result.types):
        sheet.put(SETTING_ROW + 1, c + i, t, "code_text")
    sheet.names["LG_TypeCodes"] = f"'{LEDGER}'!${col(c)}${SETTING_ROW + 1}:${col(c + max(len(result.types), 1) - 1)}${SETTING_ROW + 1}"
    columns: list[Column] = []
    for block in blocks(result):
        columns += _block(sheet, block, 1 + len(columns))
    numbers, groups = line_numbers(result), group_numbers(result)
    lists = [("LG_CorrectedLine", "Line forecast-nr. pr. række på Corrected budget",
              [numbers[k] for k in result.lines[LINE].itertuples(index=False, name=None)]),
             ("LG_LineGroup", "Gruppe på Monthly calc pr. linje på Line forecast",
              [groups[k[:2] + k[3:]] for k in result.line_forecasts[LINE].itertuples(index=False, name=None)]),
             ("LG_MonthlyGroup", "Gruppe pr. række på Monthly calc",
              [groups[k] for k in monthly_rows(result).itertuples(index=False, name=None)])]
    for name, label, values in lists:
        columns += _numbers(sheet, 1 + len(columns), name, label, values)
    sheet.bulk.append(Bulk(FIRST, 1, columns))
    sheet.freeze = f"A{FIRST + 1}"
    return sheet


def _block(sheet: SheetLayout, block: Block, c: int) -> list[Column]:
    """The block's columns (key, amount, running total as a formula, a blank one) from column ``c``."""
    sheet.put(HEADER_ROW - 1, c, block.label, "subtitle")
    for offset, label in enumerate(("Nøgle", "Beløb", "Løbende sum")):
        sheet.put(HEADER_ROW, c + offset, label, "header")
        sheet.widths[c + offset] = 14
    keys = np.concatenate([[0], block.keys]).astype(np.int64)
    amounts = np.concatenate([[0.0], block.amounts])
    amount, running = col(c + 1), col(c + 2)
    formulas = [f"{amount}{FIRST}"] + [f"{running}{r - 1}+{amount}{r}" for r in range(FIRST + 1, FIRST + len(keys))]
    last = FIRST + len(keys) - 1
    sheet.names[key_name(block.name)] = f"'{LEDGER}'!${col(c)}${FIRST}:${col(c)}${last}"
    sheet.names[cum_name(block.name)] = f"'{LEDGER}'!${running}${FIRST}:${running}${last}"
    return [Column(keys, "integer", "integer"), Column(amounts, "number", "amount"),
            Column(formulas, "formula", "amount", np.cumsum(amounts)), Column([], "number")]


def _numbers(sheet: SheetLayout, c: int, name: str, label: str, values: list[int]) -> list[Column]:
    """A column of numbers another sheet reads by its own row (``INDEX(name, ROWS(...))``), and a blank one."""
    sheet.put(HEADER_ROW - 1, c, label, "subtitle")
    sheet.put(HEADER_ROW, c, "Nr.", "header")
    sheet.names[name] = f"'{LEDGER}'!${col(c)}${FIRST}:${col(c)}${FIRST + max(len(values), 1) - 1}"
    sheet.widths[c] = 14
    return [Column(values, "integer", "integer"), Column([], "number")]
