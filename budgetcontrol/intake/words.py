"""Months and kinds as the finance systems write them, turned into the contract's spelling before validation.

Months: ``2014-06``, ``06-2014``, ``201406``, ``2014M06``, ``2014/06``, a date (its month: ``30-06-2014``,
``2014-06-30``, ``30.06.2014``, a date cell of an .xlsx) or a Danish month name with the year (``juni 2014``,
``jun. 2014``). Kinds: ``udgift``, ``indtægt``, ``refusion`` (and their plurals) as well as the contract's words.
Whatever is not recognised is left as written, so validation names the cell.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from budgetcontrol.danish import MONTH_ABBREVIATIONS, MONTHS

MONTH_NAMES = {name: number for number, name in enumerate(MONTHS, start=1)}
_ABBREVIATIONS = {name: number for number, name in enumerate(MONTH_ABBREVIATIONS, start=1)}
_NAME = "|".join(sorted(list(MONTH_NAMES) + list(_ABBREVIATIONS), key=len, reverse=True))
_FORMS = [  # (pattern, group of the year, group of the month)
    (re.compile(r"^(\d{4})-(\d{1,2})$"), 1, 2),
    (re.compile(r"^(\d{4})/(\d{1,2})$"), 1, 2),
    (re.compile(r"^(\d{1,2})[-./](\d{4})$"), 2, 1),
    (re.compile(r"^(\d{4})(\d{2})$"), 1, 2),
    (re.compile(r"^(\d{4})[mp](\d{1,2})$", re.IGNORECASE), 1, 2),
    (re.compile(r"^(\d{4})-(\d{1,2})-\d{1,2}(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$", re.IGNORECASE), 1, 2),
    (re.compile(r"^\d{1,2}[-./](\d{1,2})[-./](\d{4})(?: \d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$"), 2, 1),
]
_NAMED = [
    (re.compile(rf"^(?:\d{{1,2}}\.?\s+)?({_NAME})\.?[\s-]+(\d{{4}})$", re.IGNORECASE), 2, 1),
    (re.compile(rf"^(\d{{4}})[\s-]+({_NAME})\.?$", re.IGNORECASE), 1, 2),
]

KIND_WORDS = {
    "expense": ("expense", "udgift", "udgifter"),
    "income": ("income", "indtægt", "indtægter", "indtaegt", "indtaegter"),
    "refund": ("refund", "refusion", "refusioner", "statsrefusion"),
}
_KIND = {word: kind for kind, words in KIND_WORDS.items() for word in words}


def month_of(value) -> str | None:
    """``YYYY-MM`` for a month in any of the forms above, else None."""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    for pattern, yi, mi in _FORMS:
        found = pattern.match(text)
        if found:
            year, month = int(found.group(yi)), int(found.group(mi))
            return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    for pattern, yi, mi in _NAMED:
        found = pattern.match(text)
        if found:
            name = found.group(mi).casefold()
            return f"{int(found.group(yi)):04d}-{MONTH_NAMES.get(name) or _ABBREVIATIONS[name[:3]]:02d}"
    return None


def months(values: pd.Series) -> pd.Series:
    """Each cell as ``YYYY-MM`` where it is a month in one of the forms above; other cells as written. The
    distinct values are parsed once (an export of 360.000 rows has twelve)."""
    def cell(v):
        if isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
            return v
        if isinstance(v, float) and v.is_integer():  # an .xlsx number cell: 201406.0
            return str(int(v))
        return str(v).strip()

    text = values.map(cell) if values.map(type).ne(str).any() else values.str.strip()
    unique = pd.unique(text)
    found = {v: month_of(v) or str(v) for v in unique}
    return text.map(found)


def is_kind_word(value) -> bool:
    return str(value).strip().casefold() in _KIND


def kinds(values: pd.Series) -> pd.Series:
    """The contract's kind for the Danish words; other cells as written."""
    text = values.astype(str).str.strip()
    return text.str.casefold().map(_KIND).fillna(text)
