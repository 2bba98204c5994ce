"""Streaming big blocks of rows as raw SpreadsheetML into a package openpyxl has already written.

openpyxl builds a Python object per cell, far too slow for sheets of hundreds of thousands of
rows. Here a sheet is written by openpyxl with everything but its big data rows (titles, headers,
styles, tables, names …), and :func:`splice` then copies the package, inserting the rows of each
:class:`Block` into the sheet's ``<sheetData>`` as text made column by column:

* every column is converted once, up front (numbers with ``repr``, dates to Excel serials vectorised,
  texts checked in one pass over the column and escaped only when they need it);
* each row is one f-string holding the fixed parts of its cells (tag, column letter, style, type),
  filled with the row number and the columns' converted values;
* the rows are compressed in chunks, in a thread, while the next chunk is made.

Texts are inline strings (``t="inlineStr"``), so a text beginning with "=" stays a text; characters
XML 1.0 forbids are dropped, and a literal ``_xHHHH_`` is escaped as Excel reads it (``_x005F_``).

For openpyxl, the streamed rows must not exist: no cell, and no ``row_dimensions`` entry (even a
read of ``ws.row_dimensions[r]`` makes one, and openpyxl then writes an empty row r), or splice
refuses the block; a row height goes in :attr:`Block.row_height`. An Excel Table over the rows
should get its ``tableColumns`` before saving, else openpyxl reads the header through
``ws[table.ref]``, which makes a cell object for every cell of the table.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import posixpath
import queue
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterator, Sequence
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
import pandas as pd
from defusedxml import ElementTree
from openpyxl.utils import column_index_from_string, get_column_letter

from . import shared_formulas, unchanged

KINDS = ("number", "text", "date", "formula", "integer")
CHUNK_ROWS = 4096  # rows per chunk of text
# zlib level of the rewritten sheet parts. 360.000 rows × 6 columns (142 MB of XML) give 23,5 MB at
# level 1, 21,0 MB at 3 and 18,2 MB at 6, which costs some 1,2 s more than 1.
COMPRESSLEVEL = 1
MAX_ROW, MAX_COL = 1_048_576, 16_384

MAIN_NS = _MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OFFICE_DOCUMENT = _REL + "/officeDocument"
_WORKSHEET = _REL + "/worksheet"

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XSTRING_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")  # Excel reads _xHHHH_ as the character HHHH
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # to escape or drop
_XML_SPACE = " \t\n\r"
_PRESERVE = ' xml:space="preserve">'
_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of the 1900 date system as openpyxl counts it
_EPOCH_US = np.datetime64("1899-12-30", "us").astype(np.int64)
_US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Column:
    """One column of a block: a value per row, how to write it, and the style (cellXfs index) of its cells."""
    values: Sequence
    kind: str
    style: int = 0


@dataclass(frozen=True)
class Block:
    """Columns written side by side from ``first_row``/``first_col`` (1-based), one row per value."""
    first_row: int
    first_col: int
    columns: list[Column]
    row_height: float | None = None


# ---------------------------------------------------------------------------------------------
# Converting columns: each gives the list of its cells' texts (None for an empty cell), and the fixed
# text around them in each cell, after <c r=".." s="..": the opening and the closing.


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _escaped_text(value) -> str | None:
    """One text as the content of ``<t>``: XML-escaped, without the characters XML 1.0 forbids; None when empty."""
    if type(value) is not str:
        if _is_missing(value):
            return None
        value = str(value)
    if _SPECIAL.search(value) or "_x" in value:
        value = _ILLEGAL.sub("", value)
        if "_x" in value:
            value = _XSTRING_ESCAPE.sub(r"_x005F_\1", value)
        value = _escape(value)
        if "\r" in value:
            value = value.replace("\r", "&#13;")  # a raw CR would be read back as LF
    return value or None


def _preserve(text: str) -> bool:
    """Whether an escaped text needs xml:space="preserve": spaces at an end, or a line break."""
    return text[0] in _XML_SPACE or text[-1] in _XML_SPACE or "\n" in text or "&#13;" in text


def _plain(values: Sequence) -> list:
    """``values`` as a list of Python objects (numpy scalars → Python scalars)."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy()
    if isinstance(values, np.ndarray):
        return values.tolist()
    return list(values)


def _need_no_change(texts: list[str]) -> bool:
    """Whether every text goes into ``<t>`` as it is: nothing to escape or drop, no spaces at an end, no
    line break, none empty. One pass over the texts joined by line breaks, no loop in Python."""
    joined = "\n".join(texts)
    return not (_SPECIAL.search(joined) or ("_x" in joined and _XSTRING_ESCAPE.search(joined))
                or joined.count("\n") != len(texts) - 1 or "\n\n" in joined
                or joined[:1] in _XML_SPACE or joined[-1:] in _XML_SPACE
                or any(pair in joined for pair in ("\n ", " \n", "\n\t", "\t\n")))


def _texts(values: Sequence) -> tuple[list[str | None], str, str]:
    values = _plain(values)
    sample = values[:2000]
    repeated = len(set(sample)) < 0.9 * len(sample)  # then work on the distinct texts (only a speed-up)
    distinct = list(set(values)) if repeated else values
    if not values or (all(type(v) is str for v in distinct) and _need_no_change(distinct)):
        return values, ' t="inlineStr"><is><t>', "</t></is></c>"  # the usual column: as it is
    if repeated:
        escaped = {value: _escaped_text(value) for value in distinct}
        texts = list(map(escaped.__getitem__, values))
    else:
        texts = [_escaped_text(value) for value in values]
    if not any(_preserve(text) for text in texts if text is not None):
        return texts, ' t="inlineStr"><is><t>', "</t></is></c>"
    texts = [text if text is None else (_PRESERVE if _preserve(text) else ">") + text for text in texts]
    return texts, ' t="inlineStr"><is><t', "</t></is></c>"


def _formulas(values: Sequence) -> tuple[list[str | None], str, str]:
    out: list[str | None] = []
    for value in _plain(values):
        if type(value) is not str:
            if _is_missing(value):
                out.append(None)
                continue
            value = str(value)
        if value == "":
            out.append(None)
            continue
        formula = value[1:] if value.startswith("=") else value
        out.append(_ILLEGAL.sub("", formula) if _SPECIAL.search(formula) else formula)
    return out, ">", "</c>"


def _formula_cells(formulas: list[str | None], first_row: int, letter: str, shared: Iterator[int]) -> list[str | None]:
    """The ``<f>`` element of each cell: runs of one pattern as shared formulas (xlsx/shared_formulas.py)."""
    out: list[str | None] = [None] * len(formulas)
    at = 0
    for start, stop in shared_formulas.runs(formulas, first_row) + [(len(formulas), len(formulas))]:
        out[at:start] = [None if f is None else f"<f>{_escape(f)}</f>" for f in formulas[at:start]]
        if stop > start:
            si = next(shared)
            ref = f"{letter}{first_row + start}:{letter}{first_row + stop - 1}"
            out[start] = f'<f t="shared" ref="{ref}" si="{si}">{_escape(formulas[start])}</f>'
            out[start + 1:stop] = [f'<f t="shared" si="{si}"/>'] * (stop - start - 1)
        at = stop
    return out


def _floats(values: Sequence) -> np.ndarray:
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):  # pd.NA and the like among objects
        return pd.to_numeric(pd.Series(list(values), dtype=object), errors="raise").to_numpy(dtype=float, na_value=np.nan)


def _numbers(values: Sequence) -> tuple[list[str | None], str, str]:
    array = _floats(values)
    if np.isinf(array).any():
        raise ValueError("a number column holds an infinite value, which a cell cannot store")
    out: list[str | None] = list(map(float.__repr__, array.tolist()))
    for i in np.flatnonzero(np.isnan(array)).tolist():
        out[i] = None
    return out, "><v>", "</v></c>"


def _integers(values: Sequence) -> tuple[list[str | None], str, str]:
    array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if array.dtype.kind in "iub":
        return list(map(str, array.astype(int).tolist() if array.dtype.kind == "b" else array.tolist())), "><v>", "</v></c>"
    out: list[str | None] = []
    for value in array.tolist():
        if _is_missing(value):
            out.append(None)
        elif isinstance(value, float) and not value.is_integer():
            raise ValueError(f"an integer column holds {value!r}, which is not an integer")
        else:
            out.append(str(int(value)))
    return out, "><v>", "</v></c>"


def _serial_text(days: int, micros: int) -> str:
    """An Excel serial with openpyxl's correction for the 1900 leap day Excel believes in."""
    if 0 < days <= 60:
        days -= 1
    return str(days) if not micros else repr(days + micros / _US_PER_DAY)


def _serial(value) -> str | None:
    if _is_missing(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):  # pandas Timestamp included
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)  # the wall-clock time, as openpyxl refuses and Excel has no zones
        delta = value - _EPOCH
        return _serial_text(delta.days, delta.seconds * 1_000_000 + delta.microseconds)
    if isinstance(value, dt.date):
        return _serial_text((value - _EPOCH.date()).days, 0)
    raise ValueError(f"a date column holds {value!r}, which is not a date")


def _dates(values: Sequence) -> tuple[list[str | None], str, str]:
    if isinstance(values, (pd.Series, pd.Index)) and values.dtype.kind == "M":
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":  # vectorised
        micros = values.astype("datetime64[us]")
        missing = np.isnat(micros)
        days, rest = np.divmod(micros.view(np.int64) - _EPOCH_US, _US_PER_DAY)
        days = np.where((days > 0) & (days <= 60), days - 1, days)
        out = list(map(str, days.tolist()))
        timed = np.flatnonzero(rest)  # a time of day: a fraction
        for i, text in zip(timed.tolist(), map(float.__repr__, (days[timed] + rest[timed] / _US_PER_DAY).tolist())):
            out[i] = text
        for i in np.flatnonzero(missing).tolist():
            out[i] = None
        return out, "><v>", "</v></c>"
    values = _plain(values)
    converted = {value: _serial(value) for value in set(values)}  # once per distinct date
    return list(map(converted.__getitem__, values)), "><v>", "</v></c>"


_CONVERTERS = {"text": _texts, "formula": _formulas, "number": _numbers, "integer": _integers, "date": _dates}


# ---------------------------------------------------------------------------------------------
# Rows


def _validate(block: Block) -> int:
    """The number of rows of ``block``; ValueError when it cannot be written."""
    if not block.columns:
        raise ValueError("a block needs at least one column")
    if block.first_row < 1 or block.first_col < 1:
        raise ValueError(f"a block starts at row and column 1 or later, not {block.first_row}, {block.first_col}")
    for column in block.columns:
        if column.kind not in KINDS:
            raise ValueError(f"unknown column kind {column.kind!r}; one of {', '.join(KINDS)}")
        if not isinstance(column.style, (int, np.integer)) or isinstance(column.style, bool) or column.style < 0:
            raise ValueError(f"a style is a cellXfs index, 0 or more, not {column.style!r}")
    if block.row_height is not None and not 0 <= block.row_height <= 409:
        raise ValueError(f"a row height is 0 to 409 points, not {block.row_height!r}")
    lengths = {len(column.values) for column in block.columns}
    if len(lengths) != 1:
        raise ValueError(f"the columns of a block must be of equal length, not {sorted(lengths)}")
    n = lengths.pop()
    if n and block.first_row + n - 1 > MAX_ROW:
        raise ValueError(f"a block of {n} rows from row {block.first_row} goes past Excel's last row {MAX_ROW}")
    if block.first_col + len(block.columns) - 1 > MAX_COL:
        raise ValueError(f"a block of {len(block.columns)} columns from column {block.first_col} goes past Excel's last column")
    return n


def _row_maker(pieces: list[str | int], n_values: int) -> Callable[..., str]:
    """A function (row numbers, value lists …) → the text of those rows, for ``pieces``: fixed text, or
    an int i for the i-th value list (0: the row number). It is one f-string in a list comprehension,
    compiled here: twice as fast as ``str.format`` per row. Only this module's own fixed text goes
    into the source (tags, column letters, style numbers), never a value."""
    names = ["r"] + [f"v{i}" for i in range(1, n_values + 1)]
    body = []
    for piece in pieces:
        if isinstance(piece, int):
            body.append("{" + names[piece] + "}")
        else:
            if set(piece) & set("'\\{}\n\r"):
                raise AssertionError(f"unexpected characters in the fixed text {piece!r}")
            body.append(piece)
    source = (f"def make({', '.join(names)}):\n"
              f"    return ''.join([f'{''.join(body)}' for {', '.join(names)} in zip({', '.join(names)})])\n")
    namespace: dict = {}
    exec(compile(source, "<budgetcontrol.xlsx.stream rows>", "exec"), namespace)
    return namespace["make"]


def rows_xml(block: Block, shared: Iterator[int] | None = None) -> Iterator[str]:
    """The ``<row>`` elements of ``block``, in chunks of :data:`CHUNK_ROWS` rows; a formula column's runs
    of one pattern are shared formulas numbered from ``shared`` (0 on when None)."""
    n = _validate(block)
    shared = itertools.count() if shared is None else shared
    if not n:
        return
    if block.row_height is None:
        pieces: list[str | int] = ['<row r="', 0, '">']
    else:
        pieces = ['<row r="', 0, f'" ht="{float(block.row_height)!r}" customHeight="1">']
    columns: list[tuple[list, tuple | None]] = []  # converted values, and how to make a chunk's cells when some are empty
    for i, column in enumerate(block.columns):
        values, opening, closing = _CONVERTERS[column.kind](column.values)
        letter = get_column_letter(block.first_col + i)
        if column.kind == "formula":
            values = _formula_cells(values, block.first_row, letter, shared)
        style = f' s="{column.style}"' if column.style else ""
        slot = len(columns) + 1
        if None not in values:  # the usual case: the cell's fixed parts are in the row's f-string
            pieces += [f'<c r="{letter}', 0, '"' + style + opening, slot, closing]
            columns.append((values, None))
        elif column.style:  # empty cells keep their style: <c r=".." s=".."/>
            pieces += [f'<c r="{letter}', 0, '"', slot]
            columns.append((values, ("style", style + opening, closing, style + "/>")))
        else:  # empty cells are left out: the whole cell comes from the values
            pieces += [slot]
            columns.append((values, ("cell", f'<c r="{letter}', '"' + opening, closing)))
    pieces.append("</row>")
    make = _row_maker(pieces, len(columns))
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        numbers = list(map(str, range(block.first_row + start, block.first_row + stop)))
        slices = []
        for values, empty in columns:
            part = values[start:stop]
            if empty is None:
                slices.append(part)
            elif empty[0] == "style":
                _, opening, closing, blank = empty
                slices.append([blank if v is None else opening + v + closing for v in part])
            else:
                _, before, opening, closing = empty
                slices.append(["" if v is None else before + r + opening + v + closing for r, v in zip(numbers, part)])
        yield make(numbers, *slices)


# ---------------------------------------------------------------------------------------------
# The package


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip entry name, relative to the part at ``base``."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _sheet_parts(source: ZipFile) -> dict[str, str]:
    """{sheet title: worksheet part} from the workbook and its relationships."""
    workbook = "xl/workbook.xml"
    names = set(source.namelist())
    if "_rels/.rels" in names:
        for rel in ElementTree.fromstring(source.read("_rels/.rels")):
            if rel.get("Type") == _OFFICE_DOCUMENT:
                workbook = _resolve("", rel.get("Target"))
    targets = {}
    for rel in ElementTree.fromstring(source.read(_rels_name(workbook))):
        if rel.get("Type") == _WORKSHEET:
            targets[rel.get("Id")] = _resolve(workbook, rel.get("Target"))
    root = ElementTree.fromstring(source.read(workbook))
    parts = {}
    for sheet in root.iter(f"{{{_MAIN}}}sheet"):
        rid = sheet.get(f"{{{_REL}}}id")
        if rid in targets:
            parts[sheet.get("name")] = targets[rid]
    return parts


def _sheet_data(xml: str) -> tuple[int, int, int, int] | None:
    """Where the rows of a sheet part's text are: (start of <sheetData…>, start of its rows, end of its rows
    (the start of </sheetData>), end of the element); for <sheetData/> the last three are equal. None
    without a <sheetData> element (in the default namespace)."""
    start = xml.find("<sheetData")
    if start < 0:
        return None
    opening = xml.index(">", start) + 1
    if xml[opening - 2] == "/":
        return start, opening, opening, opening
    closing = xml.rfind("</sheetData>")
    if closing < opening:
        return None
    return start, opening, closing, closing + len("</sheetData>")


_ROW = re.compile(r"<row\b[^>]*>")
_ROW_NUMBER = re.compile(r'\sr="(\d+)"')
_CELL_REF = re.compile(r'<c\b[^>]*?\sr="([A-Z]+)(\d+)"')
_DIMENSION = re.compile(r"<dimension\b[^>]*/>")
_SHEET_PR = re.compile(r"<sheetPr\b[^>]*/>|<sheetPr\b.*?</sheetPr>", re.S)
_WORKSHEET_OPEN = re.compile(r"<worksheet\b[^>]*>")


def _ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _extent(block: Block) -> tuple[int, int, int, int] | None:
    """First and last row, first and last column of a block's cells; None when it has no rows."""
    n = _validate(block)
    if not n:
        return None
    return block.first_row, block.first_row + n - 1, block.first_col, block.first_col + len(block.columns) - 1


def _sheet_around(xml: str, title: str, blocks: list[Block]) -> tuple[str, str]:
    """The sheet part's text before and after the streamed rows (with its dimension updated)."""
    where = _sheet_data(xml)
    if where is None:
        raise ValueError(f"the sheet {title!r} has no <sheetData> (in the default namespace) to put rows in")
    start, opening, closing, end = where
    if closing == end:  # <sheetData/>
        existing = ""
        head, tail = xml[:start] + "<sheetData>", "</sheetData>" + xml[end:]
    else:
        existing = xml[opening:closing]
        head, tail = xml[:closing], xml[closing:]
    rows = _ROW.findall(existing)
    numbers = [int(m.group(1)) for m in map(_ROW_NUMBER.search, rows) if m]
    if len(numbers) != len(rows):
        raise ValueError(f"the sheet {title!r} has rows without a row number (r), which splicing cannot place")
    # the extent of everything: the existing cells, then each block
    rows_used = [int(r) for _, r in _CELL_REF.findall(existing)]
    cols_used = [column_index_from_string(c) for c, _ in _CELL_REF.findall(existing)]
    last = max(numbers, default=0)
    for block in blocks:
        extent = _extent(block)
        if block.first_row <= last:
            raise ValueError(f"the block from row {block.first_row} of the sheet {title!r} overlaps or precedes "
                             f"row {last}, which is already written")
        if extent:
            rows_used += extent[:2]
            cols_used += extent[2:]
            last = extent[1]
    if rows_used:
        first, end = _ref(min(rows_used), min(cols_used)), _ref(max(rows_used), max(cols_used))
        ref = first if first == end else f"{first}:{end}"
    else:
        ref = "A1"
    dimension = f'<dimension ref="{ref}"/>'
    found = _DIMENSION.search(head)
    if found:
        head = head[:found.start()] + dimension + head[found.end():]
    else:
        anchor = _SHEET_PR.search(head) or _WORKSHEET_OPEN.search(head)
        if not anchor:
            raise ValueError(f"the sheet part of {title!r} has no <worksheet> element")
        head = head[:anchor.end()] + dimension + head[anchor.end():]
    return head, tail


def _copy_info(info: ZipInfo, compress_type: int, date_time: tuple | None = None) -> ZipInfo:
    copy = ZipInfo(info.filename, date_time or info.date_time)
    copy.compress_type = compress_type
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    copy.comment = info.comment
    return copy


def _set_level(info: ZipInfo, level: int) -> None:
    if hasattr(ZipInfo, "compress_level"):  # Python 3.13 on
        info.compress_level = level
    else:
        info._compresslevel = level


def _chunks(head: str, blocks: list[Block], tail: str) -> Iterator[bytes]:
    yield head.encode("utf-8")
    shared = itertools.count(shared_formulas.max_shared_index(head) + 1)
    for block in blocks:
        for text in rows_xml(block, shared):
            yield text.encode("utf-8")
    yield tail.encode("utf-8")


def _write_streamed(archive: ZipFile, info: ZipInfo, chunks: Iterator[bytes]) -> None:
    """Write the entry ``info`` chunk by chunk: a thread compresses a chunk while the next is made."""
    ready: queue.Queue = queue.Queue(maxsize=4)
    failure: list[BaseException] = []

    def write(out) -> None:
        try:
            while (chunk := ready.get()) is not None:
                out.write(chunk)
        except BaseException as error:  # raised again by the caller's thread
            failure.append(error)
            while ready.get() is not None:
                pass

    with archive.open(info, "w", force_zip64=True) as out:
        writer = threading.Thread(target=write, args=(out,), daemon=True)
        writer.start()
        try:
            for chunk in chunks:
                if failure:
                    break
                ready.put(chunk)
        finally:
            ready.put(None)
            writer.join()
        if failure:
            raise failure[0]


_AFTER_HYPERLINKS = re.compile(r"<(?:printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|"
                               r"cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|picture|"
                               r"oleObjects|controls|webPublishItems|tableParts|extLst)\b|</worksheet>")


def _with_links(tail: str, links: list[tuple[str, str, str]]) -> str:
    """The sheet's text after <sheetData> with internal hyperlinks (cell, location, display) added where the
    schema wants them (in an existing <hyperlinks>, else before the elements that follow it)."""
    if not links:
        return tail
    items = "".join(f'<hyperlink ref="{cell}" location="{_escape(location).replace(chr(34), "&quot;")}" '
                    f'display="{_escape(display).replace(chr(34), "&quot;")}"/>' for cell, location, display in links)
    closing = tail.find("</hyperlinks>")
    if closing >= 0:
        return tail[:closing] + items + tail[closing:]
    at = _AFTER_HYPERLINKS.search(tail)
    return tail[:at.start()] + f"<hyperlinks>{items}</hyperlinks>" + tail[at.start():]


def splice(package: bytes | str | Path | IO[bytes], blocks: dict[str, list[Block]],
           target: str | Path | IO[bytes], links: dict[str, list[tuple[str, str, str]]] | None = None,
           date_time: tuple[int, int, int, int, int, int] | None = None,
           rewrite: dict[str, Callable[[bytes], bytes]] | None = None, marks: dict[str, str] | None = None) -> None:
    """Copy the .xlsx/.xlsm ``package`` to ``target`` with the rows of ``blocks`` ({sheet title: its blocks
    in increasing row order}) added to those sheets after their existing rows, and their dimension made
    to cover everything. Every other entry is copied unchanged, in the same order; the sheets given are
    compressed at :data:`COMPRESSLEVEL`.

    The sheets are found by title through the workbook's relationships. Blocks that overlap the rows
    already written, or each other, are refused (ValueError) before anything is written; a value that
    cannot be written (an infinite number, a text in a date column) is found while writing, and a
    ``target`` path is then removed again. ``links`` adds internal hyperlinks ({sheet title: [(cell,
    location, display)]}) to sheets that get blocks; ``date_time`` stamps every entry with that time
    instead of its own (the same inputs then give the same file); ``rewrite`` ({part name: function of its
    bytes}) puts other parts right on the way (xlsx/excel_order.py); ``marks`` ({sheet title: layout digest})
    marks those sheets' parts as written from that layout (xlsx/unchanged.py)."""
    if isinstance(package, (bytes, bytearray, memoryview)):
        package = io.BytesIO(package)
    elif isinstance(package, (str, Path)) and isinstance(target, (str, Path)) \
            and Path(package).resolve() == Path(target).resolve():
        raise ValueError("splice cannot write over the package it reads; write elsewhere and replace it")
    with ZipFile(package) as source:
        parts = _sheet_parts(source)
        missing = [title for title in blocks if title not in parts]
        if missing:
            raise ValueError(f"no worksheet named {', '.join(map(repr, missing))} in the package "
                             f"(sheets: {', '.join(map(repr, parts))})")
        titles = {parts[title]: title for title in blocks}
        marking = {parts[title]: mark for title, mark in (marks or {}).items() if title in parts}
        around = {part: _sheet_around(source.read(part).decode("utf-8"), title, blocks[title])
                  for part, title in titles.items()}
        around = {part: (unchanged.marked(head, marking[part]) if part in marking else head, tail)
                  for part, (head, tail) in around.items()}
        try:
            with ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True) as archive:
                for info in source.infolist():
                    if info.filename in titles:
                        entry = _copy_info(info, ZIP_DEFLATED, date_time)
                        _set_level(entry, COMPRESSLEVEL)
                        head, tail = around[info.filename]
                        tail = _with_links(tail, (links or {}).get(titles[info.filename], []))
                        chunks = _chunks(head, blocks[titles[info.filename]], tail)
                        _write_streamed(archive, entry, unchanged.sealed(chunks) if info.filename in marking else chunks)
                    else:
                        data = source.read(info)
                        if rewrite and info.filename in rewrite:
                            data = rewrite[info.filename](data)
                        if info.filename in marking:
                            data = unchanged.seal(unchanged.marked(data, marking[info.filename]))
                        archive.writestr(_copy_info(info, info.compress_type, date_time), data)
        except BaseException:
            if isinstance(target, (str, Path)):
                Path(target).unlink(missing_ok=True)
            raise
