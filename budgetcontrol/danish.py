"""Figures written the Danish way for people to read (1.234.567 and 12,5), through Babel."""

from __future__ import annotations


def kroner(value: float) -> str:
    """An amount with Danish separators: whole kroner plainly, else one decimal."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0" if float(value).is_integer() else "#,##0.0", locale="da_DK")
