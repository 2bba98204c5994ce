"""A controller workbook on disk, refreshed as the package it is (``refresh.Book``): the parts the tool
owns are replaced and every other part is copied byte for byte.

What a refresh owns:
* the generated sheets (outputs, calculations, checks) with their drawings and charts — made by the
  writer as a workbook of their own (the *donor*) and moved in, each into the part its sheet had;
* the body rows of an input Table it rewrites (Actuals, Phasing), with its Table part's extent
  (``xlsx/table_body.py``: rows it keeps are not touched where they stand);
* the tool's defined names, the Settings cells it sets, full recalculation on load;
* the style records the new parts need, appended to the styles part (``xlsx/style_merge.py``).

Everything else — the controller's own sheets with their sparklines, dropdowns, pivot tables and
charts, the input sheets around their Tables, VBA, custom XML, printer settings, themes, parts the tool
does not know — is written back as it was read. Relationships and content types change for exactly the
parts added or removed.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from openpyxl.utils import range_boundaries
from python_calamine import CalamineWorkbook

from budgetcontrol import contract
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.settings_sheet import KEY, SHEET as SETTINGS, VALUE
from budgetcontrol.contract.tables import SPECS, Inputs
from budgetcontrol.contract.workbook import cells_of
from budgetcontrol.sheets.layout import SheetLayout
from budgetcontrol.sheets.names import ORDER, identifier, settings_sheet
from budgetcontrol.xlsx import table_body, unchanged, vba, writer
from budgetcontrol.xlsx.package import (DamagedPart, REL_NS, SHEET_TYPE, WORKBOOK, WORKSHEET, Package, Rel, attributes)
from budgetcontrol.xlsx.excel_order import fonts_in_excel_order
from budgetcontrol.xlsx.safe import write_atomically
from budgetcontrol.xlsx.style_merge import StyleMerge
from budgetcontrol.xlsx.styles import style

TABLE = REL_NS + "/table"
_STYLE_ATTR = re.compile(r'(<(?:c|row)\b[^>]*?\ss=")(\d+)(")')
_COL_STYLE = re.compile(r'(<col\b[^>]*?\sstyle=")(\d+)(")')
_DXF = re.compile(r'(<cfRule\b[^>]*?\sdxfId=")(\d+)(")')
_DEFINED = re.compile(r"<definedName\b[^>]*>.*?</definedName>|<definedName\b[^>]*/>", re.S)


_PREFIXED = ("{part} is written with a namespace prefix (x:…), as some tools write it and Excel never does; the "
             "refresh edits Excel's own form only: open the workbook in Excel and save it, then refresh again")


def _editable(xml: str, part: str, file: str) -> str:
    """A sheet part the refresh edits as text: its rows in SpreadsheetML's default namespace, as Excel writes."""
    if "<sheetData" not in xml or re.search(r"<\w+:sheetData\b", xml):
        raise InputError(file, _PREFIXED.format(part=part))
    return xml


class Row(dict):
    """A Table body row as :meth:`FileBook.table_rows` reads it; ``row`` is its number in the sheet, so a
    row handed back unchanged is kept as written."""
    row: int


class FileBook:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._inputs = contract.load(self.path)  # validates first: a bad workbook is refused before anything changes
        self.pkg = Package(io.BytesIO(self.path.read_bytes()))
        try:
            declared = self.pkg.with_doctype()
        except DamagedPart as exc:
            raise InputError(str(self.path), _damaged(exc)) from None
        if declared:
            raise InputError(str(self.path), f"refused: the part {declared} declares a document type (XML entities), "
                                             f"which no workbook needs; save it again from Excel")
        if re.match(r"(?:<\?xml[^>]*\?>\s*)?<\w+:workbook\b", self.pkg.text(WORKBOOK)):
            raise InputError(str(self.path), _PREFIXED.format(part=WORKBOOK))
        self.layouts: list[SheetLayout] = []
        self.kept: list[str] = []  # generated sheets the last save kept as they were (their layout unchanged)
        self._calamine = None

    def inputs(self) -> Inputs:
        return self._inputs

    # ---- Tables ----
    def _table_tag(self, table_part: str) -> dict[str, str]:
        """The attributes of a Table part's ``<table>`` element (displayName, ref, totalsRowCount …)."""
        return attributes(re.search(r"<(?:\w+:)?table\b[^>]*>", self.pkg.text(table_part)).group(0))

    def _tables(self) -> dict[str, tuple[str, str, str]]:
        """{Table name: (sheet name, sheet part, Table part)} of every Table in the workbook."""
        return {self._table_tag(rel.target).get("displayName"): (sheet["name"], sheet["part"], rel.target)
                for sheet in self.pkg.sheets() for rel in self.pkg.rels(sheet["part"] or "")
                if rel.type == TABLE and self.pkg.has(rel.target)}

    def _table(self, name: str) -> tuple[str, str, str]:
        """(sheet name, sheet part, Table part) of the Table ``name``."""
        found = self._tables().get(name)
        if found is None:
            raise InputError(str(self.path), f"the workbook has no Excel Table named '{name}'")
        return found

    def _ref(self, table_part: str) -> tuple[int, int, int, int]:
        return range_boundaries(self._table_tag(table_part)["ref"])

    def _reader(self) -> CalamineWorkbook:
        """The workbook as read from disk (python-calamine), opened once."""
        if self._calamine is None:
            self._calamine = CalamineWorkbook.from_path(str(self.path), load_tables=True)
        return self._calamine

    def table_rows(self, name: str) -> list[dict]:
        """The body rows of a Table as {header: value}, every column (also ones a controller added)."""
        sheet, _, part = self._table(name)
        c1, r1, c2, r2 = self._ref(part)
        body = self._reader().get_table_by_name(name)
        headers = list(body.columns)
        out = []
        for i, values in enumerate(cells_of(body, str(self.path), sheet)):
            values = [None if v == "" else v for v in values]
            if any(v is not None for v in values):
                row = Row(zip(headers, values))
                row.row = r1 + 1 + i
                out.append(row)
        return out

    def month_rows(self, name: str) -> list[dict]:
        """The body rows of an input Table as read and validated on opening, each only its month (YYYY-MM) and its
        row: no second pass over the Table when its other rows are kept as written."""
        frame = getattr(self._inputs, next(spec.key for spec in SPECS if spec.table == name))
        out = []
        for number, month in zip(frame.index.tolist(), frame["month"].tolist()):
            row = Row(month=month)
            row.row = number
            out.append(row)
        return out

    def set_table_rows(self, name: str, rows: list[dict], styles: dict[str, str]) -> None:
        """Rewrite a Table's body with ``rows`` (missing columns blank) and resize it; ``styles`` maps a
        column to a style key for new rows where the Table's last row gives none."""
        _, sheet_part, table_part = self._table(name)
        c1, r1, c2, r2 = self._ref(table_part)
        table_xml = self.pkg.text(table_part)
        headers = [attributes(m.group(0)).get("name") for m in re.finditer(r"<(?:\w+:)?tableColumn\b[^>]*>", table_xml)]
        column = {h: c1 + i for i, h in enumerate(headers)}
        xml = _editable(self.pkg.text(sheet_part), sheet_part, str(self.path))
        totals = int(self._table_tag(table_part).get("totalsRowCount", 0) or 0)
        template = self._last_row_styles(xml, r1, r2 - totals)
        cell_styles = {c: template.get(c) or (self._style_index(styles[h]) if h in styles else 0) for h, c in column.items()}
        body = [table_body.Kept(row.row) if isinstance(row, Row) else {column[h]: v for h, v in row.items() if h in column}
                for row in rows]
        if totals:  # Excel's Total Row stays the Table's last row, below the new body
            body = (body or [{}]) + [table_body.Kept(r) for r in range(r2 - totals + 1, r2 + 1)]
        calculated = {column[name]: formula for name, formula in _calculated_columns(table_xml) if name in column}
        xml = table_body.rewrite(xml, r1, c1, c2, r2, body, cell_styles, calculated)
        last = r1 + max(len(rows), 1) + totals
        self.pkg.write(sheet_part, table_body.set_dimension(xml, last, c2))
        ref = f"{_letter(c1)}{r1}:{_letter(c2)}{last}"
        table_xml = re.sub(r'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\sref=")[^"]*(")', rf"\g<1>{ref}\2", table_xml)
        self.pkg.write(table_part, table_xml)

    def _last_row_styles(self, xml: str, header_row: int, last_row: int) -> dict[int, int]:
        if last_row <= header_row:
            return {}
        m = re.search(rf'<row\b[^>]*?\sr="{last_row}"[^>]*?(?:/>|>.*?</row>)', xml, re.S)
        if not m:
            return {}
        return {c: int(s) for c, cell in table_body.parse_row(m.group(0)).cells.items()
                for s in re.findall(r'\ss="(\d+)"', cell[:cell.index(">")])}

    def _style_index(self, key: str) -> int:
        """The controller's cell format for the tool's style ``key`` (appended to its styles part if new)."""
        from openpyxl import Workbook
        from openpyxl.cell.cell import Cell

        wb = Workbook()
        probe = Cell(wb.active)
        for attr, setting in style(key).items():
            setattr(probe, attr, setting)
        index = wb._cell_styles.add(probe._style)
        buffer = io.BytesIO()
        writer.write_file(wb, buffer)  # fonts in Excel's order, as every styles part we write
        donor = Package(io.BytesIO(buffer.getvalue()))
        merge = StyleMerge(self.pkg.text("xl/styles.xml"), donor.text("xl/styles.xml"))
        self.pkg.write("xl/styles.xml", merge.result())
        return merge.xf[index]

    # ---- Settings ----
    def set_setting(self, key: str, value) -> None:
        tab = settings_sheet(s["name"] for s in self.pkg.sheets()) or SETTINGS
        part = next((s["part"] for s in self.pkg.sheets() if s["name"] == tab), None)
        if part is None:
            raise InputError(str(self.path), "the workbook has no Settings sheet", sheet=tab)
        grid = cells_of(self._reader().get_sheet_by_name(tab), str(self.path), tab, skip_empty_area=False)
        row = next((i + 1 for i, r in enumerate(grid) if len(r) >= KEY and r[KEY - 1] == key), None)
        if row is None:
            raise InputError(str(self.path), f"setting '{key}' is missing (column A of the {tab} sheet)", sheet=tab)
        xml = _editable(self.pkg.text(part), part, str(self.path))
        m = re.search(rf'<row\b[^>]*?\sr="{row}"[^>]*?(?:/>|>.*?</row>)', xml, re.S)
        if m is None:
            raise InputError(str(self.path), f"setting '{key}' is in a row the Settings sheet's part does not hold as a row "
                                             f"element; open the workbook in Excel and save it again", sheet=tab)
        cells = table_body.parse_row(m.group(0))
        old = cells.cells.get(VALUE, "")
        kept_style = re.search(r'\ss="(\d+)"', old[:old.index(">")]) if old else None
        cells.cells[VALUE] = table_body.value_cell(f"{_letter(VALUE)}{row}", value, int(kept_style.group(1)) if kept_style else 0)
        self.pkg.write(part, xml[:m.start()] + table_body.row_xml(row, cells) + xml[m.end():])

    # ---- generated sheets ----
    def replace_generated(self, layouts: list[SheetLayout]) -> None:
        self.layouts = layouts

    def save(self, target: str | Path | None = None) -> None:
        if self.layouts:
            self._move_in(self.layouts)
        self._full_calculation_on_load()
        try:
            write_atomically(Path(target or self.path), self.pkg.save)
        except DamagedPart as exc:
            raise InputError(str(self.path), _damaged(exc)) from None

    def pkg_save_to(self, path: Path) -> None:
        """The package as edited so far, written to ``path`` (a scratch copy: no backup, not atomic)."""
        try:
            self.pkg.save(path)
        except DamagedPart as exc:
            raise InputError(str(self.path), _damaged(exc)) from None

    def _move_in(self, layouts: list[SheetLayout]) -> None:
        names = {s["name"] for s in self.pkg.sheets()}
        tables = set(self._tables())
        missing = [l for l in layouts if l.role == "input" and l.tables and l.tables[0].name not in tables]
        for layout in missing:
            if layout.name in names:
                raise InputError(str(self.path), f"the workbook has a sheet '{layout.name}' of its own where this version "
                                                 f"adds the Table {layout.tables[0].name}; rename that sheet and refresh again",
                                 sheet=layout.name)
        generated = {l.name: unchanged.digest(l) for l in layouts if l.role != "input"}
        parts = {s["name"]: s["part"] for s in self.pkg.sheets()}
        kept = {name for name, digest in generated.items() if self._as_written(parts.get(name), digest)}
        moved = [l for l in layouts if l.role != "input" and l.name not in kept] + missing
        self.kept = sorted(kept)
        if not moved:
            return
        wb = writer.workbook(moved, generated)
        merged: list[StyleMerge] = []

        def restyle(package: bytes) -> tuple[bytes, dict[int, int]]:
            """The donor's sheets in the controller's style numbering (before the big rows are streamed in)."""
            small = Package(io.BytesIO(package))
            merge = StyleMerge(self.pkg.text("xl/styles.xml"), fonts_in_excel_order(small.read("xl/styles.xml")).decode())
            for sheet in small.sheets():
                small.write(sheet["part"], self._remap_styles(small.text(sheet["part"]), merge))
            out = io.BytesIO()
            small.save(out)
            merged.append(merge)
            return out.getvalue(), merge.xf

        buffer = io.BytesIO()
        writer.write_file(wb, buffer, restyle)
        data = buffer.getvalue()
        if self.pkg.has("xl/vbaProject.bin"):
            data = vba.with_buttons(data, wb)
        donor = Package(io.BytesIO(data))
        self.pkg.write("xl/styles.xml", merged[0].result())
        donor_sheets = donor.sheets()
        for sheet in donor_sheets:
            self._move_sheet(donor, sheet)
        self._set_names(donor, donor_sheets)

    def _as_written(self, part: str | None, digest: str) -> bool:
        """The sheet part is as the tool wrote it from a layout of this digest (xlsx/unchanged.py)."""
        if not part or not self.pkg.has(part) or unchanged.mark_of(self.pkg.head(part, unchanged.HEAD)) != digest:
            return False
        return unchanged.intact(self.pkg.read(part))  # and not edited since

    def _remap_styles(self, xml: str, merge: StyleMerge) -> str:
        xml = _STYLE_ATTR.sub(lambda m: f"{m.group(1)}{merge.xf.get(int(m.group(2)), 0)}{m.group(3)}", xml)
        xml = _COL_STYLE.sub(lambda m: f"{m.group(1)}{merge.xf.get(int(m.group(2)), 0)}{m.group(3)}", xml)
        return _DXF.sub(lambda m: f"{m.group(1)}{merge.dxf.get(int(m.group(2)), 0)}{m.group(3)}", xml)

    def _move_sheet(self, donor: Package, sheet: dict) -> None:
        """A donor sheet (its styles already the controller's) into the part of the sheet it replaces, or a new one."""
        existing = next((s for s in self.pkg.sheets() if s["name"] == sheet["name"]), None)
        code = None
        if existing:
            part = existing["part"]
            head = self.pkg.read(part)[:4096].decode("utf-8", "replace")
            code = re.search(r'<sheetPr\b[^>]*?\scodeName="([^"]*)"', head)
            owned = [p for p in self.pkg.owned(part) if not p.startswith(("xl/worksheets/", "xl/vbaProject"))]
            shared = self.pkg.referenced_from_outside({part, *owned})  # e.g. a picture the controller's sheet shows too
            for name in owned:
                if name not in shared:
                    self.pkg.remove(name)
        else:
            part = self.pkg.free_name("xl/worksheets/sheet{}.xml")
            self._add_sheet(sheet, part)
        if code:  # the VBA project's document module stays bound to the sheet by its code name
            xml = donor.text(sheet["part"])
            xml = re.sub(r'<sheetPr\b(?![^>]*codeName)', f'<sheetPr codeName="{code.group(1)}"', xml, count=1)
            self.pkg.write(part, xml)
        else:
            self.pkg.copy_from(donor, sheet["part"], part)  # as the writer compressed it
        rels = []
        for rel in donor.rels(sheet["part"]):
            rels.append(self._copy_part(donor, rel) if not rel.external else rel)
        self.pkg.set_rels(part, rels)
        self.pkg.set_override(part, SHEET_TYPE)

    def _copy_part(self, donor: Package, rel: Rel) -> Rel:
        """A donor part (a drawing, a chart, a Table …) and what it relates to, copied in under free names."""
        source = rel.target
        folder, name = source.rsplit("/", 1)
        stem = re.sub(r"\d+$", "", name.rsplit(".", 1)[0])
        target = self.pkg.free_name(f"{folder}/{stem}{{}}.{name.rsplit('.', 1)[1]}")
        data = donor.read(source)
        if source.startswith("xl/tables/"):
            data = self._fresh_table_id(data.decode("utf-8")).encode("utf-8")
        self.pkg.write(target, data)
        self.pkg.set_override(target, donor.content_type(source))
        self.pkg.set_rels(target, [self._copy_part(donor, r) if not r.external else r for r in donor.rels(source)])
        return Rel(rel.id, rel.type, target)

    def _fresh_table_id(self, xml: str) -> str:
        ids = [int(m) for p in self.pkg.names + list(self.pkg.changed) if p.startswith("xl/tables/") and self.pkg.has(p)
               for m in re.findall(r'<(?:\w+:)?table\b[^>]*?\sid="(\d+)"', self.pkg.text(p))]
        return re.sub(r'(<(?:\w+:)?table\b[^>]*?\sid=")\d+(")', rf"\g<1>{max(ids, default=0) + 1}\2", xml, count=1)

    def _add_sheet(self, sheet: dict, part: str) -> None:
        """A new sheet in the workbook part, where the standard order puts it."""
        xml = self.pkg.text(WORKBOOK)
        sheets = self.pkg.sheets()
        rels = self.pkg.rels(WORKBOOK)
        rid = next(f"rId{n}" for n in range(1, 10**6) if f"rId{n}" not in {r.id for r in rels})
        self.pkg.set_rels(WORKBOOK, rels + [Rel(rid, WORKSHEET, part)])
        key = identifier(sheet["name"])  # the tab name in either language
        later = set(ORDER[ORDER.index(key) + 1:]) if key in ORDER else set()
        index = next((i for i, s in enumerate(sheets) if identifier(s["name"]) in later), len(sheets))
        state = f' state="{sheet["state"]}"' if sheet["state"] != "visible" else ""
        sheet_id = max([s["sheetId"] for s in sheets], default=0) + 1
        tag = (f'<sheet xmlns:r="{REL_NS}" name="{_escape(sheet["name"])}" sheetId="{sheet_id}"{state} r:id="{rid}"/>')
        if index < len(sheets):
            at = xml.index(sheets[index]["tag"])
        else:
            at = re.search(r"</(?:\w+:)?sheets>", xml).start()
        xml = xml[:at] + tag + xml[at:]
        xml = re.sub(r'(\slocalSheetId=")(\d+)(")', lambda m: f"{m.group(1)}{int(m.group(2)) + (int(m.group(2)) >= index)}{m.group(3)}", xml)
        xml = re.sub(r'(\s(?:activeTab|firstSheet)=")(\d+)(")', lambda m: f"{m.group(1)}{int(m.group(2)) + (int(m.group(2)) >= index)}{m.group(3)}", xml)
        self.pkg.write(WORKBOOK, xml)

    def _set_names(self, donor: Package, donor_sheets: list[dict]) -> None:
        """The donor's defined names replace the controller's of the same name (and sheet scope)."""
        positions = {s["name"]: i for i, s in enumerate(self.pkg.sheets())}
        xml = self.pkg.text(WORKBOOK)
        new = []
        for m in _DEFINED.finditer(donor.text(WORKBOOK)):
            tag = m.group(0)
            local = re.search(r'\slocalSheetId="(\d+)"', tag)
            if local:
                target = positions[donor_sheets[int(local.group(1))]["name"]]
                tag = tag.replace(local.group(0), f' localSheetId="{target}"')
            new.append(tag)
        keys = {_name_key(t) for t in new}
        kept = [t for t in _DEFINED.findall(xml) if _name_key(t) not in keys]
        block = "<definedNames>" + "".join(kept + new) + "</definedNames>" if kept or new else ""
        existing = re.search(r"<(?:\w+:)?definedNames\b[^>]*>.*?</(?:\w+:)?definedNames>|<(?:\w+:)?definedNames\s*/>", xml, re.S)
        if existing:
            xml = xml[:existing.start()] + block + xml[existing.end():]
        else:
            after = re.search(r"</(?:\w+:)?sheets>", xml)
            xml = xml[:after.end()] + block + xml[after.end():]
        self.pkg.write(WORKBOOK, xml)

    def _full_calculation_on_load(self) -> None:
        xml = self.pkg.text(WORKBOOK)
        m = re.search(r"<(?:\w+:)?calcPr\b[^>]*?/?>", xml)
        if m:
            tag = re.sub(r'\sfullCalcOnLoad="[^"]*"', "", m.group(0))
            tag = re.sub(r"(/?>)$", r' fullCalcOnLoad="1"\1', tag)
            xml = xml[:m.start()] + tag + xml[m.end():]
        else:
            after = re.search(r"</(?:\w+:)?definedNames>|<(?:\w+:)?definedNames\s*/>|</(?:\w+:)?sheets>", xml)
            xml = xml[:after.end()] + '<calcPr calcId="191029" fullCalcOnLoad="1"/>' + xml[after.end():]
        self.pkg.write(WORKBOOK, xml)


def _calculated_columns(table_xml: str) -> list[tuple[str, str]]:
    """(column name, its calculated column formula) for each Table column that has one."""
    out = []
    for m in re.finditer(r"<(?:\w+:)?tableColumn\b([^>]*?)(/?)>", table_xml):
        if m.group(2):
            continue  # <tableColumn …/>: no formula
        end = re.compile(r"</(?:\w+:)?tableColumn>").search(table_xml, m.end())
        inner = table_xml[m.end():end.start() if end else len(table_xml)]
        formula = re.search(r"<(?:\w+:)?calculatedColumnFormula\b[^>]*>(.*?)</(?:\w+:)?calculatedColumnFormula>", inner, re.S)
        if formula:
            out.append((attributes(m.group(0)).get("name"), html.unescape(formula.group(1))))
    return out


def _damaged(exc: Exception) -> str:
    return (f"cannot read the workbook: its package is damaged ({str(exc)[:120]}); open it in Excel and save it "
            f"again, or take the last version from the backups")


def _name_key(tag: str) -> tuple[str, str | None]:
    a = attributes(tag[:tag.index(">") + 1])
    return a.get("name", "").lower(), a.get("localSheetId")


def _letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
