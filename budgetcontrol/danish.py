"""Figures written the Danish way for people to read (1.234.567 and 12,5), through Babel."""

from __future__ import annotations

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
          "december")
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTHS)  # jan … maj … dec


def kroner(value: float) -> str:
    """An amount with Danish separators: whole kroner plainly, else one decimal."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0" if float(value).is_integer() else "#,##0.0", locale="da_DK")


# A unit as it follows a figure in running text: "139.137 t.kr." reads as one number, "139.137 1.000 kr." as two.
UNIT_AFTER_FIGURE = {"1.000 kr.": "t.kr.", "1000 kr.": "t.kr.", "t.kr.": "t.kr.", "tkr.": "t.kr.",
                     "1.000.000 kr.": "mio. kr.", "mio. kr.": "mio. kr.", "kr.": "kr.", "kr": "kr."}


def with_unit(value: float, unit: str) -> str:
    """An amount and its unit as one figure: ``with_unit(139137, "1.000 kr.")`` is ``139.137 t.kr.``."""
    short = UNIT_AFTER_FIGURE.get(unit.strip().lower(), unit.strip())
    return f"{kroner(value)} {short}" if short else kroner(value)
