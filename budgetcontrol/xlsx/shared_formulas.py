"""A column of one formula pattern stored as Excel stores it: a shared formula.

Excel writes a run of cells whose formulas differ only in their relative row references once, in the
run's first cell (``<f t="shared" ref="F6:F6005" si="0">…</f>``), and gives every other cell of the run
only ``<f t="shared" si="0"/>``. LibreOffice compiles such a run once and loads it as one formula group
(one set of range listeners for the group, not one per cell); Excel does the same, and the file is
smaller. The figures do not change: each cell's formula is the first cell's, moved down.

:func:`template` splits a formula at its relative row numbers, each kept as its distance from the cell's
own row; :func:`render` puts the formula together again for another row. :func:`runs` takes a column's
cells in order: a cell whose text is its run's first formula rendered for its row belongs to the run. A
reference is found outside texts (``"…"``), quoted sheet names (``'…'``) and structured references
(``Table[…]``); an absolute row (``$5``) stays as written. A cell joins a run only where its text is exactly
the first one moved, so a formula this reading does not understand is at worst left unshared, never changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A text, a quoted sheet name, a structured reference (one level of nested brackets), or a cell
# reference whose row is relative (group 1: what comes before the row number, group 2: the row). A
# reference is not preceded by a letter, digit, "_", "." or "$" that would make it part of a name, and
# not followed by what makes it a function ("(") or a name.
_TOKEN = re.compile(
    r'"(?:[^"]|"")*"'
    r"|'(?:[^']|'')*'"
    r"|\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
    r"|(?<![A-Za-z0-9_.$\\])(\$?[A-Za-z]{1,3})([1-9][0-9]{0,6})(?![A-Za-z0-9_.(\[!])"
)
# What this reading does not move, but Excel would: a row range (5:5, $5:6) and a row written with a leading
# zero (A05). A formula holding either (anywhere, even in a text: at worst it stays unshared) is never shared.
_UNSURE = re.compile(r"(?<![A-Za-z0-9_.$])\$?[0-9]+:\$?[0-9]+|(?<![A-Za-z0-9_.$])\$?[A-Za-z]{1,3}\$?0[0-9]")
MIN_RUN = 2  # a run of one cell stays a plain formula


def template(formula: str, row: int) -> tuple[list[str], list[int]]:
    """``formula`` (of a cell on ``row``) split at its relative row numbers: the texts between them, and
    each number's distance from ``row``."""
    parts: list[str] = []
    offsets: list[int] = []
    at = 0
    for match in _TOKEN.finditer(formula):
        if match.group(2) is not None:
            parts.append(formula[at:match.start(2)])
            offsets.append(int(match.group(2)) - row)
            at = match.end(2)
    parts.append(formula[at:])
    return parts, offsets


def render(made: tuple[list[str], list[int]], row: int) -> str:
    """The formula of :func:`template` moved to ``row``."""
    parts, offsets = made
    if not offsets:
        return parts[0]
    if not any(offsets):
        return str(row).join(parts)
    return "".join([part + str(row + offset) for part, offset in zip(parts, offsets)]) + parts[-1]


def runs(formulas: Sequence[str | None], first_row: int) -> list[tuple[int, int]]:
    """The runs (start, stop) of indexes into ``formulas`` (one a row from ``first_row``; None for a cell
    without a formula) whose cells share one pattern, each of at least :data:`MIN_RUN` cells. A run's first
    cell is read for its references; each next cell is its formula moved down, compared as text."""
    out: list[tuple[int, int]] = []
    start, made = 0, None
    for i, formula in enumerate(formulas):
        if made is not None and formula is not None and render(made, first_row + i) == formula:
            continue
        if made is not None and i - start >= MIN_RUN:
            out.append((start, i))
        start, made = i, None if formula is None or _UNSURE.search(formula) else template(formula, first_row + i)
    if made is not None and len(formulas) - start >= MIN_RUN:
        out.append((start, len(formulas)))
    return out


def max_shared_index(xml: str) -> int:
    """The highest ``si`` of the shared formulas already in a sheet part's text (-1 when there are none)."""
    return max(map(int, re.findall(r'<f\b(?=[^>]*\bt="shared")[^>]*\bsi="(\d+)"', xml)), default=-1)
