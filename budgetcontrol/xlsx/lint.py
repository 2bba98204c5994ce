"""Checks of a written workbook that the Office Open XML validators do not make, each a defect that
makes Excel repair a file ("We found a problem with some content") or read a formula otherwise than
LibreOffice does:

* ``xlfn``: a function Excel 2007 does not know (it needs an ``_xlfn.`` prefix in the file, and Excel
  2010 or LibreOffice 7.4 may not evaluate it);
* ``this-row``: ``[@col]`` in a formula (Excel's file format writes ``[#This Row]``);
* ``structured-ref``: a structured reference to a Table or column the workbook does not have;
* ``header``: a Table whose header cells differ from its column names;
* ``table-id`` / ``table-name``: two Tables with one id, or one name (Tables and defined names share
  one namespace, case-insensitive);
* ``style``: a cell, row or column style index at or past the ``cellXfs`` count;
* ``name``: a defined name that reads as a cell reference (``AB12``, ``R1C1``);
* ``empty-inline``: an inline-string cell without its ``<is>`` text;
* ``markup``: a formula whose text holds XML markup (``<v>``, ``</c>`` …): a part edited as text went wrong.

:func:`lint` returns one line per finding ("rule: part: what"), capped at :data:`LIMIT` per rule.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import defaultdict
from pathlib import Path
from zipfile import ZipFile

from defusedxml import ElementTree
from openpyxl.utils import FORMULAE
from openpyxl.utils.cell import column_index_from_string

LIMIT = 20
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_FORMULA = re.compile(r"<(?:\w+:)?(f|formula|formula1|formula2|calculatedColumnFormula)(?:\s[^>]*)?>([^<]*)</(?:\w+:)?\1>")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_QUOTED_SHEET = re.compile(r"'(?:[^']|'')*'!")
_FUNCTION = re.compile(r"(?<![\w.\]])((?:_xlfn\.|_xlws\.)?[A-Za-z][\w.]*)\(")
_STRUCTURED = re.compile(r"(?<![\w.!\]'])((?:[^\W\d]|[_\\])[\w.\\]*)\[((?:[^\[\]']|'.|\[(?:[^\[\]']|'.)*\])*)\]")
_ITEM = re.compile(r"\[((?:[^\[\]']|'.)*)\]")
_SPECIALS = {"#all", "#data", "#headers", "#totals", "#this row"}
_CELL = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_STYLE_ON = re.compile(r'<(c|row)\b[^>]*?\ss="(\d+)"')
_COL_STYLE = re.compile(r'<col\b[^>]*?\sstyle="(\d+)"')
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_R1C1 = re.compile(r"^(R(\d*)C?(\d*)|C(\d*))$", re.I)


def _rels(archive: ZipFile, part: str) -> dict[str, str]:
    """A part's relationships: {id: target part name}."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    out = {}
    for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{PKG_REL}Relationship"):
        if rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return out


def _strip(formula: str) -> str:
    """A formula without its string literals and quoted sheet names (neither holds a function or a Table)."""
    return _QUOTED_SHEET.sub("S!", _STRING.sub('""', formula))


def _columns_of(inner: str) -> list[str]:
    items = _ITEM.findall(inner) if inner.lstrip().startswith("[") else [inner]
    out = []
    for item in items:
        if item.strip().lower() not in _SPECIALS and item:
            out.append(re.sub(r"'(.)", r"\1", item))
    return out


def _looks_like_cell(name: str) -> bool:
    m = _A1.match(name)
    if m:
        try:
            return column_index_from_string(m.group(1).upper()) <= 16384 and 1 <= int(m.group(2)) <= 1048576
        except ValueError:
            return False
    return bool(_R1C1.match(name))


class _Findings:
    def __init__(self):
        self.lines: list[str] = []
        self.count: dict[str, int] = defaultdict(int)

    def add(self, rule: str, part: str, what: str) -> None:
        self.count[rule] += 1
        if self.count[rule] <= LIMIT:
            self.lines.append(f"{rule}: {part}: {what}")


def lint(path: str | Path) -> list[str]:
    found = _Findings()
    with ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        book_rels = _rels(archive, "xl/workbook.xml")
        sheets = {s.get("name"): book_rels.get(s.get(f"{REL}id")) for s in book.iter(f"{MAIN}sheet")}
        names = [(d.get("name"), d.text or "") for d in book.iter(f"{MAIN}definedName")]
        tables = _tables(path, archive, sheets, found)
        _names(names, tables, found)
        formulas: list[tuple[str, str]] = [("xl/workbook.xml", text) for _, text in names]
        xfs = _cell_xfs(archive)
        for title, part in sheets.items():
            if part is None or part not in archive.namelist():
                continue
            xml = archive.read(part).decode("utf-8")
            formulas += [(part, html.unescape(m.group(2))) for m in _FORMULA.finditer(xml)]
            _cells(part, xml, xfs, found)
        for table in tables.values():
            formulas += [(table["part"], f) for f in table["formulas"]]
        for part in archive.namelist():
            if part.startswith("xl/charts/") and part.endswith(".xml"):
                xml = archive.read(part).decode("utf-8")
                formulas += [(part, html.unescape(t)) for t in re.findall(r"<(?:\w+:)?f>(.*?)</(?:\w+:)?f>", xml, re.S)]
        _formulas(formulas, tables, found)
    return found.lines


def _tables(path: str | Path, archive: ZipFile, sheets: dict[str, str | None], found: _Findings) -> dict[str, dict]:
    """{lower-case Table name: its part, columns, formulas}; header, id and name findings on the way."""
    from openpyxl import load_workbook

    tables: dict[str, dict] = {}
    ids: dict[str, str] = {}
    headers: dict[str, list[tuple[str, int, int, list[str]]]] = defaultdict(list)
    for title, part in sheets.items():
        if part is None:
            continue
        for target in _rels(archive, part).values():
            if not target.startswith("xl/tables/") or target not in archive.namelist():
                continue
            root = ElementTree.fromstring(archive.read(target))
            name = root.get("displayName") or root.get("name") or ""
            columns = [c.get("name", "") for c in root.iter(f"{MAIN}tableColumn")]
            formulas = [c.text or "" for c in root.iter(f"{MAIN}calculatedColumnFormula")]
            if root.get("id") in ids:
                found.add("table-id", target, f"Table {name!r} has id {root.get('id')}, as Table {ids[root.get('id')]!r} has")
            ids[root.get("id")] = name
            if name.lower() in tables:
                found.add("table-name", target, f"two Tables are named {name!r}")
            tables[name.lower()] = {"name": name, "part": target, "columns": {c.lower() for c in columns},
                                    "formulas": formulas}
            if root.get("headerRowCount", "1") != "0":
                first = (root.get("ref") or "A1").split(":")[0]
                m = _A1.match(first)
                if m:
                    headers[title].append((target, int(m.group(2)), column_index_from_string(m.group(1).upper()), columns))
    if headers:
        wb = load_workbook(path, read_only=True, data_only=False)
        for title, wanted in headers.items():
            ws = wb[title]
            for target, row, first_col, columns in wanted:
                cells = next(ws.iter_rows(min_row=row, max_row=row, min_col=first_col,
                                          max_col=first_col + len(columns) - 1, values_only=True), ())
                shown = ["" if v is None else str(v) for v in cells]
                if shown != columns:
                    found.add("header", target, f"header cells {shown} differ from the column names {columns}")
        wb.close()
    return tables


def _names(names: list[tuple[str, str]], tables: dict[str, dict], found: _Findings) -> None:
    for name, _ in names:
        if _looks_like_cell(name):
            found.add("name", "xl/workbook.xml", f"defined name {name!r} reads as a cell reference")
        if name.lower() in tables:
            found.add("table-name", "xl/workbook.xml", f"defined name {name!r} is also a Table's name")


def _cell_xfs(archive: ZipFile) -> int:
    if "xl/styles.xml" not in archive.namelist():
        return 1
    root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    xfs = root.find(f"{MAIN}cellXfs")
    return len(xfs.findall(f"{MAIN}xf")) if xfs is not None else 0


def _cells(part: str, xml: str, xfs: int, found: _Findings) -> None:
    for m in _STYLE_ON.finditer(xml):
        if int(m.group(2)) >= xfs:
            found.add("style", part, f"a {m.group(1)} has style {m.group(2)}, past the {xfs} cell formats")
    for m in _COL_STYLE.finditer(xml):
        if int(m.group(1)) >= xfs:
            found.add("style", part, f"a column has style {m.group(1)}, past the {xfs} cell formats")
    if 'inlineStr"' not in xml:
        return
    for m in _CELL.finditer(xml):
        if 't="inlineStr"' in m.group(1) and not (m.group(3) and re.search(r"<(?:\w+:)?is[\s>]", m.group(3))):
            ref = re.search(r'\br="([A-Z]+\d+)"', m.group(1))
            found.add("empty-inline", part, f"cell {ref.group(1) if ref else '?'} is an inline string without <is>")


def _formulas(formulas: list[tuple[str, str]], tables: dict[str, dict], found: _Findings) -> None:
    seen: set[tuple[str, str]] = set()
    for part, formula in formulas:
        if (part, formula) in seen:
            continue
        seen.add((part, formula))
        if re.search(r"</?(?:[a-z]+:)?(?:c|v|f|row|is|t|sheetData)\b[^>]*>", formula):
            found.add("markup", part, f"the formula {formula[:80]!r} holds XML markup")
        if "[@" in formula:
            found.add("this-row", part, f"[@…] in {formula[:80]!r} (write Table[[#This Row],[column]])")
        bare = _strip(formula)
        for name in _FUNCTION.findall(_STRUCTURED.sub("T", bare)):  # a column named "beløb(kr)" is no function
            if name.upper().startswith(("_XLFN.", "_XLWS.")) or name.upper() not in FORMULAE:
                found.add("xlfn", part, f"function {name} in {formula[:80]!r} needs Excel 2010+ (_xlfn.)")
        for table, inner in _STRUCTURED.findall(bare):
            known = tables.get(table.lower())
            if known is None:
                found.add("structured-ref", part, f"no Table {table!r} for {table}[{inner}] in {formula[:80]!r}")
                continue
            for column in _columns_of(inner):
                if column.lower() not in known["columns"]:
                    found.add("structured-ref", part, f"Table {known['name']!r} has no column {column!r} ({formula[:80]!r})")
