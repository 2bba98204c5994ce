"""Turning text cells into numbers, dates and months, column at a time.

Numbers: a strict pattern for the common well-formed case parses the whole
column at once; whatever it does not accept goes to Babel's locale-aware
parser (da_DK or en_US), which either parses it or says what is wrong.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

import numpy as np
import pandas as pd
from babel.numbers import NumberFormatError, parse_decimal

LOCALE = {",": "da_DK", ".": "en_US"}
_PLAIN = {
    ".": re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$"),
    ",": re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$"),
}


class ValueProblem(Exception):
    """A cell that cannot be read; carries the index label of the bad cell."""

    def __init__(self, index, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


def normalise_number_text(s: pd.Series) -> pd.Series:
    """Unicode minus to '-', trailing minus (SAP style '1.234,5-') and an accountant's parentheses
    ('(1.234,5)') to a leading minus, spaces (also non-breaking ones as thousands separator) out."""
    s = s.str.replace("\u2212", "-", regex=False)
    for space in ("\u00a0", "\u202f", " "):
        s = s.str.replace(space, "", regex=False)
    trailing = s.str.endswith("-") & ~s.str.startswith("-")
    s = s.where(~trailing, "-" + s.str[:-1])
    bracketed = s.str.startswith("(") & s.str.endswith(")") & (s.str.len() > 2) & ~s.str[1:-1].str.contains("[()-]", regex=True)
    return s.where(~bracketed, "-" + s.str[1:-1])


def parse_amounts(text: pd.Series, decimal: str, what: str = "amount") -> pd.Series:
    """Numbers written with ``decimal`` as decimal mark; raises ValueProblem at the first bad cell. The
    common well-formed cell is read as written; only the others are normalised (signs, spaces, brackets)."""
    raw = text.astype(str)
    ok = raw.str.match(_PLAIN[decimal])
    s = raw.copy()
    if not ok.all():
        s[~ok] = normalise_number_text(raw[~ok])
        empty = s == ""
        if empty.any():
            raise ValueProblem(s.index[empty.argmax()], f"{what} is empty")
        ok = ok | s.str.match(_PLAIN[decimal])
    group, dec = (",", ".") if decimal == "." else (".", ",")
    fast = pd.to_numeric(s[ok].str.replace(group, "", regex=False).str.replace(dec, ".", regex=False), errors="coerce")
    out = pd.Series(index=s.index, dtype="float64")
    out[ok] = fast
    for idx, value in s[~ok].items():
        out[idx] = _parse_one(idx, value, decimal)
    huge = ~np.isfinite(out)
    if huge.any():
        raise ValueProblem(out.index[huge.argmax()], f"'{text[out.index[huge.argmax()]]}' is too large to be a number")
    return out


def quoted(value: str, limit: int = 80) -> str:
    """A value for a message: at most ``limit`` characters, an ellipsis for the rest."""
    return value if len(value) <= limit else value[:limit] + "…"


def _parse_one(idx, value: str, decimal: str) -> float:
    if "_" in value:  # Python reads 1_000 as 1000; no export writes it, and Excel does not read it
        raise ValueProblem(idx, f"'{quoted(value)}' is not a number (an underscore is no digit group mark)")
    try:
        number = parse_decimal(value, locale=LOCALE[decimal], strict=True)
    except NumberFormatError as exc:
        hint = "Danish export: 1.234,5" if decimal == "," else "plain CSV: 1234.5"
        detail = str(exc).split(". ", 1)[-1] if "Did you mean" in str(exc) else ""
        raise ValueProblem(idx, f"'{quoted(value)}' is not a number ({hint}){'; ' + detail[:80] if detail else ''}") from None
    if not isinstance(number, Decimal) or not number.is_finite():
        raise ValueProblem(idx, f"'{quoted(value)}' is not a number")
    return float(number)


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates as ISO ``2014-02-26`` or Danish ``26-02-2014`` / ``26.02.2014``."""
    s = text.astype(str)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = out.isna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce")
    bad = out.isna()
    if bad.any():
        value = s[bad].iloc[0]
        msg = "date is empty" if value == "" else f"'{value}' is not a date (use YYYY-MM-DD)"
        raise ValueProblem(s.index[bad.argmax()], msg)
    return out


def by_distinct(col: pd.Series, convert: Callable[[pd.Series], pd.Series], share: float = 0.5) -> pd.Series:
    """``convert(col)`` worked out on the column's distinct values only and spread back to its rows: a
    column of 360.000 months or sector codes holds a dozen. A column of mostly different values (more than
    ``share`` of its rows), or of values not all texts, is converted as it is."""
    if len(col) < 64 or pd.api.types.infer_dtype(col, skipna=False) != "string":
        return convert(col)  # 1, 1.0 and True are one value to factorize, but not one text
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    if len(uniques) > share * len(col):
        return convert(col)
    return _spread(col, codes, uniques, convert)


def each_distinct(col: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``convert(col)`` worked out once per distinct value, whatever the values (dates, say), and spread back."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    return _spread(col, codes, uniques, convert)


def _spread(col: pd.Series, codes: np.ndarray, uniques, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Each distinct value stands at the row where it first occurs, so a value refused is refused at the same
    (first) row as over the whole column; the converted values are then spread back to every row."""
    first = np.unique(codes, return_index=True)[1]  # the first row of each distinct value, in their order
    distinct = pd.Series(np.asarray(uniques, dtype=object), index=col.index[first], dtype=object, name=col.name)
    out = convert(distinct)
    return pd.Series(out.to_numpy()[codes], index=col.index, dtype=out.dtype, name=col.name)


_MONTH = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), (1, 2)),
    (re.compile(r"^(\d{4})-(\d{1,2})-\d{1,2}$"), (1, 2)),
    (re.compile(r"^(\d{1,2})[-.](\d{4})$"), (2, 1)),
]


def parse_months(text: pd.Series) -> pd.Series:
    """Months as ``YYYY-MM`` (also ``YYYY-MM-DD`` and Danish ``MM-YYYY``); returns ``YYYY-MM`` text."""
    s = text.astype(str)
    out = pd.Series(index=s.index, dtype=object)
    for pattern, (yi, mi) in _MONTH:
        todo = out.isna()
        if not todo.any():
            break
        parts = s[todo].str.extract(pattern)
        hit = parts[0].notna()
        year = parts.loc[hit, yi - 1].astype(int)
        month = parts.loc[hit, mi - 1].astype(int)
        valid = (month >= 1) & (month <= 12)
        out.loc[valid[valid].index] = [f"{y:04d}-{m:02d}" for y, m in zip(year[valid], month[valid])]
    bad = out.isna()
    if bad.any():
        value = s[bad].iloc[0]
        msg = "month is empty" if value == "" else f"'{value}' is not a month (use YYYY-MM)"
        raise ValueProblem(s.index[bad.argmax()], msg)
    return out.astype(str)
