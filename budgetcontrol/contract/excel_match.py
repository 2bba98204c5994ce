"""How Excel's criteria (SUMIFS, COUNTIFS, MATCH) compare codes, so the contract can refuse
codes the workbook's formulas would match differently from the engine."""

from __future__ import annotations

import re

# * ? ~ are wildcards in a criterion, and a leading = < > makes it a comparison.
CRITERION_TRAPS = re.compile(r"[*?~]|^[=<>]")


def excel_key(value: str) -> str:
    """A code as Excel compares it: ignoring case, and numeric-looking text as its number."""
    try:
        return repr(float(value.replace(",", ".")))
    except ValueError:
        return value.casefold()
