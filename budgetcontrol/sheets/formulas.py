"""Small builders that return formula text; every output formula is made here.

Only functions that evaluate the same in Excel 2010+ and LibreOffice 7.4 are used
(SUMIFS, COUNTIFS, INDEX/MATCH, SUMPRODUCT, IF, ABS, EOMONTH). Text criteria are written as
``ref&""`` because SUMIFS treats a reference to an empty cell as 0, which would
never match an empty ``activity``; ``ref&""`` matches it in both programs.
"""

from __future__ import annotations

# Workbook-level names of the settings cells (Settings sheet).
AS_OF = "AsOf"
AS_OF_MONTH_END = "AsOfMonthEnd"  # EOMONTH(AsOf, 0): actuals count for whole months
SIGN = "VarianceSign"
APPROVED = "StatusApproved"
PENDING = "StatusPending"
TOLERANCE = "Tolerance"
UNIT = "Unit"


def text(ref: str) -> str:
    """A text criterion that also matches empty cells."""
    return f'{ref}&""'


def up_to(name_or_ref: str) -> str:
    """The criterion "on or before" a date cell."""
    return f'"<="&{name_or_ref}'


def column(table: str, name: str) -> str:
    """A structured reference to a Table column, e.g. ``Changes[amount]``."""
    return f"{table}[{name}]"


def sumifs(sum_range: str, criteria: list[tuple[str, str]]) -> str:
    parts = [sum_range] + [f"{rng},{crit}" for rng, crit in criteria]
    return f"SUMIFS({','.join(parts)})"


def countifs(criteria: list[tuple[str, str]]) -> str:
    return f"COUNTIFS({','.join(f'{rng},{crit}' for rng, crit in criteria)})"


def line_criteria(table: str, sector: str, category: str, activity: str, kind: str) -> list[tuple[str, str]]:
    """Criteria matching one budget line of a Table, the keys taken from cells."""
    return [
        (column(table, "sector"), text(sector)),
        (column(table, "category"), text(category)),
        (column(table, "activity"), text(activity)),
        (column(table, "kind"), text(kind)),
    ]


def counted(table: str = "Changes") -> list[tuple[str, str]]:
    """Criteria for change postings that count: approved and dated on or before the as-of date."""
    return [(column(table, "status"), APPROVED), (column(table, "date"), up_to(AS_OF))]


def waiting(table: str = "Changes") -> list[tuple[str, str]]:
    return [(column(table, "status"), PENDING), (column(table, "date"), up_to(AS_OF))]


def actual_to_date(table: str = "Actuals") -> list[tuple[str, str]]:
    """Actual postings of the months up to the as-of month, whatever day a month cell carries."""
    return [(column(table, "month"), up_to(AS_OF_MONTH_END))]


def variance(actual: str, corrected: str) -> str:
    """Variance with the sign setting: +1 gives actual − corrected (positive = overspend)."""
    return f"{SIGN}*({actual}-{corrected})"


def overspend(variance_ref: str) -> str:
    """True where a variance cell is an overspend, whatever the sign setting."""
    return f"{SIGN}*{variance_ref}>0"


def sum_range(first: str, last: str) -> str:
    return f"SUM({first}:{last})"


def plus(refs: list[str]) -> str:
    return "+".join(refs) if refs else "0"


def status(difference: str) -> str:
    """OK when a difference is within the tolerance setting, else BRUD (break)."""
    return f'IF(ABS({difference})<={TOLERANCE},"OK","BRUD")'
