"""Rewriting the body of an input Table inside its sheet part's XML, leaving every other byte alone.

The new body is a list of rows, each either an existing body row of the Table (:class:`Kept`: its cells
in the Table's columns copied as written — moved to another row only when rows before it were added or
removed, their row numbers and formulas then translated) or a new row of values (a dict by column
position). Cells outside the Table's columns stay in their grid row; rows outside the body are not
touched. A shared formula in a row that moves or goes is first written out in every cell of its group.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import NamedTuple

from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter

from budgetcontrol.xlsx import stream

_ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_ROW_NUMBER = re.compile(r'<row\b[^>]*?\sr="(\d+)"')
_CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_CELL_REF = re.compile(r'\sr="([A-Z]+)(\d+)"')
_FORMULA = re.compile(r"(<f\b[^>]*?)(/>|>(.*?)</f>)", re.S)
_F = re.compile(r"<f\b([^>]*?)(/>|>(.*?)</f>)", re.S)  # a cell's formula: self-closing, or with its text


class _Formula(str):
    """A formula for a new cell (its text with "=")."""
    is_formula = True


class Kept(NamedTuple):
    """An existing body row, by its number in the sheet (a tuple: hundreds of thousands are made per refresh)."""
    row: int


@dataclass
class Cells:
    """A row element taken apart: its opening tag's attributes (without r and spans) and its cells by column."""
    attrs: str
    cells: dict[int, str]


def parse_row(xml: str) -> Cells:
    head = xml[:xml.index(">") + 1]
    attrs = re.sub(r'\s(r|spans)="[^"]*"', "", head[4:-1].rstrip("/")).strip()
    cells, last = {}, 0
    if not head.endswith("/>"):
        for cell in _CELL.findall(xml[len(head):]):
            m = _CELL_REF.search(cell[:cell.index(">")])
            last = column_index_from_string(m.group(1)) if m else last + 1
            cells[last] = cell
    return Cells(attrs, cells)


def row_xml(number: int, row: Cells) -> str:
    attrs = f" {row.attrs}" if row.attrs else ""
    if not row.cells:
        return f'<row r="{number}"{attrs}/>'
    return f'<row r="{number}"{attrs}>' + "".join(row.cells[c] for c in sorted(row.cells)) + "</row>"


def _moved(cell: str, column: int, old: int, new: int) -> str:
    """A cell moved from row ``old`` to ``new``: its reference and its formula's relative references."""
    letter = get_column_letter(column)
    cell = _CELL_REF.sub(f' r="{letter}{new}"', cell, count=1)
    if new == old or "<f" not in cell:
        return cell

    def translate(m: re.Match) -> str:
        opening, text = m.group(1), m.group(3)
        if text:
            moved = Translator("=" + html.unescape(text), f"{letter}{old}").translate_formula(f"{letter}{new}")[1:]
            text = html.escape(moved, quote=False)
        ref = re.search(r'\sref="([^"]+)"', opening)
        if ref:
            shifted = Translator("=" + ref.group(1), f"{letter}{old}").translate_formula(f"{letter}{new}")[1:]
            opening = opening.replace(ref.group(0), f' ref="{shifted}"')
        return opening + (m.group(2) if not text else f">{text}</f>")
    return _FORMULA.sub(translate, cell)


def unshare(xml: str) -> str:
    """Every shared formula of the sheet written out in full in each of its cells: the master cell (its
    ``<f t="shared" si ref>`` holds the text) and each dependent (``<f t="shared" si/>``), read cell by cell."""
    masters: dict[str, tuple[str, str]] = {}
    for cell in _CELL.findall(xml):
        if 't="shared"' not in cell:
            continue
        f, ref = _F.search(cell), _CELL_REF.search(cell[:cell.index(">")])
        si = re.search(r'\ssi="(\d+)"', f.group(1)) if f else None
        if f and ref and si and f.group(3) and 't="shared"' in f.group(1):
            masters[si.group(1)] = (ref.group(1) + ref.group(2), html.unescape(f.group(3)))
    if not masters:
        return xml

    def full(match: re.Match) -> str:
        cell = match.group(0)
        if 't="shared"' not in cell:
            return cell
        f, ref = _F.search(cell), _CELL_REF.search(cell[:cell.index(">")])
        si = re.search(r'\ssi="(\d+)"', f.group(1)) if f else None
        if not (f and ref and si and si.group(1) in masters and 't="shared"' in f.group(1)):
            return cell
        origin, text = masters[si.group(1)]
        formula = Translator("=" + text, origin).translate_formula(ref.group(1) + ref.group(2))[1:]
        return cell[:f.start()] + f"<f>{html.escape(formula, quote=False)}</f>" + cell[f.end():]
    return _CELL.sub(full, xml)


def value_cell(ref: str, value, style: int) -> str | None:
    s = f' s="{style}"' if style else ""
    if value is None or (isinstance(value, str) and value == "") or stream._is_missing(value):
        return f'<c r="{ref}"{s}/>' if style else None
    if getattr(value, "is_formula", False):
        return f'<c r="{ref}"{s}><f>{html.escape(str(value).lstrip("="), quote=False)}</f></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        return f'<c r="{ref}"{s}><v>{stream._serial(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = stream._escaped_text(value)
    if text is None:
        return f'<c r="{ref}"{s}/>' if style else None
    space = ' xml:space="preserve"' if stream._preserve(text) else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def rewrite(xml: str, header_row: int, first_col: int, last_col: int, last_row: int,
            body: list[Kept | dict[int, object]], styles: dict[int, int], calculated: dict[int, str] | None = None) -> str:
    """The sheet part ``xml`` with the Table's body rows (``header_row`` + 1 … ``last_row``, columns
    ``first_col`` … ``last_col``) replaced by ``body``; ``styles`` gives a new row's cell format per column,
    ``calculated`` a calculated column's formula (as Excel stores it: for the first body row), which a new
    row gets where it gives no value, as Excel fills a Table's new row. The leading rows the body keeps
    where they are are not even read."""
    new_last = header_row + max(len(body), 1)
    span_end = max(last_row, new_last)
    same = 0
    while same < len(body) and isinstance(body[same], Kept) and body[same].row == header_row + 1 + same:
        same += 1
    if same == len(body) and new_last >= last_row:
        return xml  # every row where it was, none dropped
    first = header_row + 1 + same  # the first row that changes
    if 't="shared"' in xml:
        xml = unshare(xml)  # a moved or dropped row must not take a shared formula's text from the others
    start, opening, closing, _ = stream._sheet_data(xml)
    scan = opening
    if all(item.row >= first for item in body[same:] if isinstance(item, Kept)):
        found = xml.find(f'<row r="{first}"', opening, closing)  # the rows above it are not even read
        scan = found if found >= 0 else opening
    rows = [m for m in _ROW.finditer(xml, scan, closing)]
    number = [int(_ROW_NUMBER.match(m.group(0)).group(1)) for m in rows]
    inside = [i for i, n in enumerate(number) if first <= n <= span_end]
    old = {number[i]: rows[i].group(0) for i in inside}
    # rows kept but moved may come from before ``first`` too (a row removed after them does not move them)
    sources = {item.row for item in body[same:] if isinstance(item, Kept)} - set(old)
    for i, n in enumerate(number):
        if n in sources:
            old[n] = rows[i].group(0)
    parsed: dict[int, Cells] = {}

    def cells(r: int) -> Cells:
        if r not in parsed:
            parsed[r] = parse_row(old[r]) if r in old else Cells("", {})
        return parsed[r]

    table_cols = range(first_col, last_col + 1)
    out: dict[int, str] = {}
    for k in range(same, len(body)):
        item, r = body[k], header_row + 1 + k
        target = Cells(cells(r).attrs, {c: v for c, v in cells(r).cells.items() if c not in table_cols})
        if isinstance(item, Kept):
            source = cells(item.row)
            for c in table_cols:
                if c in source.cells:
                    target.cells[c] = _moved(source.cells[c], c, item.row, r)
        else:
            for c in table_cols:
                value = item.get(c)
                if value in (None, "") and calculated and c in calculated:
                    value = _Formula(Translator("=" + calculated[c], f"{get_column_letter(c)}{header_row + 1}")
                                     .translate_formula(f"{get_column_letter(c)}{r}"))
                made = value_cell(f"{get_column_letter(c)}{r}", value, styles.get(c, 0))
                if made:
                    target.cells[c] = made
        out[r] = row_xml(r, target)
    for r in range(max(new_last + 1, first), span_end + 1):  # rows the body no longer reaches: their other cells stay
        if r in old:
            rest = Cells(cells(r).attrs, {c: v for c, v in cells(r).cells.items() if c not in table_cols})
            if rest.cells:
                out[r] = row_xml(r, rest)
    text = "".join(out[r] for r in sorted(out))
    if inside:
        return xml[:rows[inside[0]].start()] + text + xml[rows[inside[-1]].end():]
    at = next((rows[i].start() for i, n in enumerate(number) if n > span_end), closing)
    return xml[:at] + text + xml[at:]


def set_dimension(xml: str, last_row: int, last_col: int) -> str:
    """Widen the sheet's ``<dimension ref>`` to cover ``last_row`` and ``last_col`` (never narrowed)."""
    m = re.search(r'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"\s*/>', xml)
    if not m:
        return xml
    c1, r1 = m.group(1), int(m.group(2))
    c2 = m.group(3) or c1
    r2 = int(m.group(4) or r1)
    c2 = get_column_letter(max(column_index_from_string(c2), last_col))
    return xml[:m.start()] + f'<dimension ref="{c1}{r1}:{c2}{max(r2, last_row)}"/>' + xml[m.end():]
