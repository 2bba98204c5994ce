"""The input tables of the data contract and their validation.

Both readers (a data folder's CSV files and a workbook's input Tables) hand a
frame to :func:`validate`, which returns typed columns or raises one
InputError naming the file (or sheet), row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract import year_rules
from budgetcontrol.contract.excel_match import CRITERION_TRAPS, excel_key
from budgetcontrol.contract.model import KINDS, STATUSES, Model
from budgetcontrol.contract.values import ValueProblem, by_distinct, parse_amounts, parse_dates, parse_months

LINE = ["sector", "category", "activity", "kind"]


@dataclass(frozen=True)
class TableSpec:
    key: str  # budget | changes | actuals
    table: str  # the Excel Table's name
    file: str  # the CSV file's name in a data folder
    columns: tuple[tuple[str, str], ...]  # (column name, value type)

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]


BUDGET = TableSpec("budget", "Budget", "budget.csv", (
    ("sector", "sector"), ("category", "category"), ("activity", "text"), ("kind", "kind"), ("amount", "amount"),
))
CHANGES = TableSpec("changes", "Changes", "changes.csv", (
    ("change_id", "required"), ("date", "date"), ("status", "status"), ("type", "type"),
    ("sector", "sector"), ("category", "category"), ("activity", "text"), ("kind", "kind"),
    ("amount", "amount"), ("description", "text"), ("reference", "text"),
))
ACTUALS = TableSpec("actuals", "Actuals", "actuals.csv", (
    ("month", "month"), ("sector", "sector"), ("category", "category"), ("activity", "text"), ("kind", "kind"), ("amount", "amount"),
))
SPECS = (BUDGET, CHANGES, ACTUALS)

# Optional tables (part 2): phasing, last year's actuals, activity targets and activity.
PHASING = TableSpec("phasing", "Phasing", "phasing.csv", (
    ("sector", "sector"), ("category", "category"), ("month", "month_number"), ("weight", "weight"),
))
ACTUALS_PRIOR = TableSpec("actuals_prior", "ActualsPrior", "actuals_prior.csv", ACTUALS.columns)
TARGETS = TableSpec("targets", "ActivityTargets", "targets.csv", (
    ("month", "month"), ("sector", "sector"), ("group", "required"), ("measure", "required"), ("target", "count"),
))
ACTIVITY = TableSpec("activity", "Activity", "activity.csv", (
    ("month", "month"), ("sector", "sector"), ("group", "required"), ("measure", "required"), ("actual", "count"),
))
# Optional tables (part 4): the years around the budget year.
FORECAST = TableSpec("forecast", "Forecast", "forecast.csv", (
    ("sector", "sector"), ("category", "category"), ("activity", "text"), ("kind", "kind"), ("amount", "amount"),
    ("note", "text"),
))
HISTORY = TableSpec("history", "HistoryData", "history.csv", (
    ("year", "year"), ("sector", "sector"), ("category", "category_or_total"), ("original", "amount"),
    ("corrected", "amount"), ("actual", "amount"), ("note", "text"),
))
OUTER_BUDGET = TableSpec("outer_budget", "OuterBudget", "outer_budget.csv", (
    ("year", "year"), ("sector", "sector"), ("category", "category"), ("activity", "text"), ("kind", "kind"),
    ("amount", "amount"),
))
SAVINGS = TableSpec("savings", "SavingsData", "savings.csv", (
    ("measure", "required"), ("catalogue", "required"), ("sector", "sector"), ("category", "category"),
    ("activity", "text"), ("year", "year"), ("amount", "amount"),
))
YEARS = (FORECAST, HISTORY, OUTER_BUDGET, SAVINGS)
# Part 6: the account map from the authorized chart of accounts to the lines (intake/accounts.py).
ACCOUNT_PATTERNS = ("konto", "funktion", "dranst", "gruppering", "omkostningssted")
ACCOUNTS = TableSpec("accounts", "Accounts", "accounts.csv", tuple((name, "text") for name in ACCOUNT_PATTERNS) + (
    ("sector", "sector"), ("category", "category"), ("activity", "text"),
))
# Part 7: the controller's comments (bemærkninger), printed under their figures in the budget follow-up.
COMMENTS = TableSpec("comments", "Comments", "comments.csv", (
    ("sector", "sector"), ("category", "category_or_total"), ("text", "text"),
))
OPTIONAL = (PHASING, ACTUALS_PRIOR, TARGETS, ACTIVITY) + YEARS + (ACCOUNTS, COMMENTS)
ALL_COLUMNS = tuple(dict.fromkeys(name for spec in SPECS + OPTIONAL for name in spec.names))
NUMERIC = ("amount", "weight", "count", "month_number", "year")
WEIGHT_TOLERANCE = 1e-6  # the weights of one sector × category sum to 1 within this

# Characters XML 1.0 (and so xlsx) cannot hold; finance-system exports sometimes carry them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Locate = Callable[[object, str], dict]


@dataclass(frozen=True)
class Inputs:
    """The validated inputs of one model: settings and the three tables."""

    model: Model
    budget: pd.DataFrame
    changes: pd.DataFrame
    actuals: pd.DataFrame
    source: str
    phasing: pd.DataFrame = field(default_factory=lambda: empty(PHASING))
    actuals_prior: pd.DataFrame = field(default_factory=lambda: empty(ACTUALS_PRIOR))
    targets: pd.DataFrame = field(default_factory=lambda: empty(TARGETS))
    activity: pd.DataFrame = field(default_factory=lambda: empty(ACTIVITY))
    forecast: pd.DataFrame = field(default_factory=lambda: empty(FORECAST))
    history: pd.DataFrame = field(default_factory=lambda: empty(HISTORY))
    outer_budget: pd.DataFrame = field(default_factory=lambda: empty(OUTER_BUDGET))
    savings: pd.DataFrame = field(default_factory=lambda: empty(SAVINGS))
    accounts: pd.DataFrame = field(default_factory=lambda: empty(ACCOUNTS))
    comments: pd.DataFrame = field(default_factory=lambda: empty(COMMENTS))
    table_rows: dict[str, int] = field(default_factory=dict)  # body rows (blank ones too) of a workbook's Tables, by name
    table_headers: dict[str, tuple[str, int]] = field(default_factory=dict)  # their sheet and header row (1-based)
    sheet_names: tuple[str, ...] = ()  # a workbook's sheets, in order (its tab names are kept by a refresh)


def empty(spec: TableSpec) -> pd.DataFrame:
    """A table with no rows and the spec's columns, typed."""
    dtypes = {"amount": "float64", "weight": "float64", "count": "float64", "month_number": "int64", "year": "int64"}
    return pd.DataFrame({name: pd.Series(dtype=dtypes.get(vtype, object)) for name, vtype in spec.columns})


def csv_locate(index, column: str) -> dict:
    """Error location in a CSV file: the record number (header = row 1; None = the header)."""
    return {"row": 1 if index is None else int(index), "column": column}


def _fail(file: str, locate: Locate, index, column: str, message: str) -> InputError:
    return InputError(file, message, **locate(index, column))


def _codes(col: pd.Series, allowed: list[str], what: str, file: str, locate: Locate, name: str, hint: str) -> pd.Series:
    """Map codes to the model's spelling, ignoring case as Excel's SUMIFS does."""
    lookup = {code.casefold(): code for code in allowed}
    mapped = col.str.casefold().map(lookup)
    bad = mapped.isna()
    if bad.any():
        idx = col.index[bad.argmax()]
        value = col[idx]
        msg = f"{what} is empty" if value == "" else f"unknown {what} '{value}' ({hint}: {', '.join(allowed)})"
        raise _fail(file, locate, idx, name, msg)
    return mapped.astype(str)


# Column types converted value by value (codes, texts, months, dates): worked out once per distinct value.
_PER_VALUE = {"month", "date", "sector", "category", "category_or_total", "kind", "status", "type", "required", "text",
              "optional"}


def validate(frame: pd.DataFrame, spec: TableSpec, model: Model, file: str, locate: Locate = csv_locate,
             decimal: str = ".") -> pd.DataFrame:
    """Typed, validated columns of one input table (index kept for error locations)."""
    missing = [c for c in spec.names if c not in frame.columns]
    if missing:
        loc = {k: v for k, v in locate(None, missing[0]).items() if k != "column"}
        raise InputError(file, f"missing column '{missing[0]}' (expected columns: {', '.join(spec.names)})", **loc)
    if spec in OPTIONAL and len(frame) == 0:
        return empty(spec)
    if spec is BUDGET and len(frame) == 0:
        raise InputError(file, "the original budget has no rows", row=2)
    out = pd.DataFrame(index=frame.index)
    for name, vtype in spec.columns:
        col = frame[name]
        try:
            if vtype in _PER_VALUE:  # by_distinct converts a column of other than texts as it is
                out[name] = by_distinct(col, lambda c, t=vtype, n=name: _convert(c, t, n, model, file, locate, decimal))
            else:
                out[name] = _convert(col, vtype, name, model, file, locate, decimal)
        except ValueProblem as exc:
            raise _fail(file, locate, exc.index, name, exc.message) from None
    if spec in (ACTUALS, TARGETS, ACTIVITY):
        _months_in_year(out, model.fiscal_year, file, locate)
    if spec is ACTUALS_PRIOR:
        _months_in_year(out, model.fiscal_year - 1, file, locate, "the year before fiscal_year")
        months = sorted(set(out["month"]))
        if len(months) < 12:
            raise InputError(file, f"last year's actuals hold {len(months)} months ({months[0]} to {months[-1]}); "
                                   f"a phasing profile needs the whole year")
    if spec is PHASING:
        _phasing_consistent(out, file, locate)
    if spec in (TARGETS, ACTIVITY):
        _measures_priced(out, spec, model, file, locate)
    if spec in YEARS:
        year_rules.check(spec.key, out, model, lambda idx, column, message: _fail(file, locate, idx, column, message))
    if spec is BUDGET:
        _no_duplicate_lines(out, file, locate)
    if spec is CHANGES:
        _changes_consistent(out, file, locate)
    return out


def _convert(col: pd.Series, vtype: str, name: str, model: Model, file: str, locate: Locate, decimal: str) -> pd.Series:
    if vtype in ("amount", "weight", "count"):
        out = col if pd.api.types.is_float_dtype(col) else parse_amounts(col, decimal, name)
        if vtype == "count" and (out < 0).any():
            idx = out.index[(out < 0).argmax()]
            raise ValueProblem(idx, f"{name} {out[idx]:g} is negative (a number of cases)")
        if vtype == "weight" and ((out < 0) | (out > 1)).any():
            idx = out.index[((out < 0) | (out > 1)).argmax()]
            raise ValueProblem(idx, f"weight {out[idx]:g} is not between 0 and 1")
        return out
    if vtype == "month_number":
        number = col if pd.api.types.is_numeric_dtype(col) else pd.to_numeric(col.astype(str).str.strip(), errors="coerce")
        bad = number.isna() | ~number.isin(list(range(1, 13)))
        if bad.any():
            idx = col.index[bad.argmax()]
            raise ValueProblem(idx, f"month '{col[idx]}' is not a month number 1 to 12")
        return number.astype("int64")
    if vtype == "year":
        number = col if pd.api.types.is_numeric_dtype(col) else pd.to_numeric(col.astype(str).str.strip(), errors="coerce")
        bad = number.isna() | (number % 1 != 0) | (number < 1900) | (number > 2200)
        if bad.any():
            idx = col.index[bad.argmax()]
            raise ValueProblem(idx, f"year '{col[idx]}' is not a year (four digits, e.g. 2019)")
        return number.astype("int64")
    if vtype == "date":
        return col if pd.api.types.is_datetime64_any_dtype(col) else parse_dates(col)
    if vtype == "month":
        return parse_months(col)
    text = col.astype(str).str.strip().str.replace(_ILLEGAL_XML, " ", regex=True)
    if vtype == "sector":
        return _codes(text, model.sector_codes, "sector", file, locate, name, "model.yaml sectors")
    if vtype == "category":
        return _codes(text, model.category_codes, "category", file, locate, name, "model.yaml categories")
    if vtype == "category_or_total":  # empty = the sector's total over all its categories
        given = text != ""
        out = text.copy()
        out[given] = _codes(text[given], model.category_codes, "category", file, locate, name, "model.yaml categories")
        return out
    if vtype == "kind":
        return _codes(text, list(KINDS), "kind", file, locate, name, "expected")
    if vtype == "status":
        return _codes(text, list(STATUSES), "status", file, locate, name, "expected")
    if vtype == "type":
        if model.restricts_types:
            return _codes(text, list(model.type_labels), "change type", file, locate, name, "model.yaml change_types")
        empty = text == ""
        if empty.any():
            raise ValueProblem(text.index[empty.argmax()], "change type is empty")
        return text
    if vtype == "required":
        empty = text == ""
        if empty.any():
            raise ValueProblem(text.index[empty.argmax()], f"{name} is empty")
    return text


def _months_in_year(out: pd.DataFrame, year: int, file: str, locate: Locate, what: str = "fiscal_year") -> None:
    bad = out["month"].str[:4] != str(year)
    if bad.any():
        idx = out.index[bad.argmax()]
        raise _fail(file, locate, idx, "month", f"month {out.at[idx, 'month']} is not in {what} {year}")


def _phasing_consistent(out: pd.DataFrame, file: str, locate: Locate) -> None:
    """One weight per sector × category × month, and the weights of a sector × category sum to 1."""
    dup = out.duplicated(["sector", "category", "month"], keep="first")
    if dup.any():
        idx = out.index[dup.argmax()]
        raise _fail(file, locate, idx, "month", f"{out.at[idx, 'sector']}/{out.at[idx, 'category']} month "
                                                f"{out.at[idx, 'month']} has a weight twice")
    totals = out.groupby(["sector", "category"], sort=False)["weight"].sum()
    off = totals[(totals - 1).abs() > WEIGHT_TOLERANCE]
    if len(off):
        sector, category = off.index[0]
        idx = out.index[((out["sector"] == sector) & (out["category"] == category)).argmax()]
        raise _fail(file, locate, idx, "weight", f"the weights of {sector}/{category} sum to {off.iloc[0]:.6g}, "
                                                 f"not 1 (months without a row count as 0)")


def _measures_priced(out: pd.DataFrame, spec: TableSpec, model: Model, file: str, locate: Locate) -> None:
    """Each measure needs a unit cost (model.yaml unit_costs) to turn its difference into money;
    one row per month, sector, group and measure."""
    unpriced = ~out["measure"].isin(list(model.unit_costs))
    if unpriced.any():
        idx = out.index[unpriced.argmax()]
        known = ", ".join(model.unit_costs) or "none"
        raise _fail(file, locate, idx, "measure", f"measure '{out.at[idx, 'measure']}' has no unit cost in model.yaml "
                                                  f"unit_costs (priced measures: {known})")
    dup = out.duplicated(["month", "sector", "group", "measure"], keep="first")
    if dup.any():
        idx = out.index[dup.argmax()]
        raise _fail(file, locate, idx, "measure", f"{out.at[idx, 'month']} {out.at[idx, 'sector']}/{out.at[idx, 'group']}/"
                                                  f"{out.at[idx, 'measure']} appears twice; one row per month, sector, group and measure")


def _no_duplicate_lines(out: pd.DataFrame, file: str, locate: Locate) -> None:
    key = out[LINE].apply(lambda c: c.str.casefold())
    dup = key.duplicated(keep="first")
    if dup.any():
        idx = out.index[dup.argmax()]
        first = out.index[(key == key.loc[idx]).all(axis=1).argmax()]
        first_row = locate(first, "sector").get("row")
        line = "/".join(out.loc[idx, LINE])
        raise _fail(file, locate, idx, "sector",
                    f"duplicated original-budget line {line} (first at row {first_row}); each sector/category/activity/kind appears once")


def _changes_consistent(out: pd.DataFrame, file: str, locate: Locate) -> None:
    """The postings of one change share its decision: date, status and type."""
    for column in ("date", "status", "type"):
        first = out.groupby("change_id", sort=False)[column].transform("first")
        bad = out[column] != first
        if bad.any():
            idx = out.index[bad.argmax()]
            raise _fail(file, locate, idx, column,
                        f"change {out.at[idx, 'change_id']} has another {column} here than in its first row; all postings of a change share date, status and type")


def check_excel_matching(inputs: dict[str, pd.DataFrame], files: dict[str, str], locates: dict[str, Locate]) -> None:
    """Codes the workbook's formulas match on must match there exactly as in the engine:
    no wildcard or comparison characters, and no two spellings Excel would take as one
    (upper/lower case, or '0100' and '100')."""
    for column in ("activity", "change_id", "type", "group", "measure", "catalogue"):
        seen: dict[str, str] = {}
        for key, frame in inputs.items():
            if column not in frame:
                continue
            for idx, value in frame[column].drop_duplicates().items():
                if CRITERION_TRAPS.search(value):
                    raise _fail(files[key], locates[key], idx, column,
                                f"{column} '{value}' contains * ? ~ or starts with = < >, which Excel's formulas read as a pattern")
                folded = excel_key(value)
                if seen.setdefault(folded, value) != value:
                    raise _fail(files[key], locates[key], idx, column,
                                f"{column} '{value}' and '{seen[folded]}' differ only by upper/lower case or leading zeros; "
                                f"Excel would treat them as one")
