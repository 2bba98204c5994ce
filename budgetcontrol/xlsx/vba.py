"""The macro-enabled controller workbook (.xlsm): the VBA bridge of xlwings and the buttons.

The VBA project is taken, at build time and unchanged, from the installed xlwings package's
standalone quickstart workbook (BSD-licensed): it holds the ``xlwings`` VBA module (RunPython,
ImportPythonUDFs, the UDF server glue). Nothing of it is copied into this repository.

The buttons are DrawingML shapes on the Status sheet whose ``macro`` attribute names the macro
they run: ``ImportPythonUDFs`` (in the xlwings module) and the ``BC_*`` subs that Import Functions
generates from ``macros/``. openpyxl neither writes nor keeps shapes, so every save of an .xlsm
adds them again to the sheet's drawing.
"""

from __future__ import annotations

import importlib.util
import io
import posixpath
import re
from pathlib import Path
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from defusedxml import ElementTree

from openpyxl import Workbook

from budgetcontrol.contract.errors import InputError
from budgetcontrol.sheets.names import STATUS

TEMPLATE = "quickstart_standalone.xlsm"
VBA_PART = "xl/vbaProject.bin"
BUTTON_SHEET = STATUS
# (label, macro): the order they stand in, top to bottom.
BUTTONS = [
    ("1. Importér funktioner", "ImportPythonUDFs"),
    ("Opdatér måned fra eksport …", "BC_Refresh"),
    ("Næste måned", "BC_AddMonth"),
    ("Kør kontroller", "BC_Check"),
]
BUTTON_ROWS, BUTTON_COLS = 2, 3  # each button spans this many rows and columns
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"


def template() -> Path:
    """The standalone quickstart workbook of the installed xlwings (without importing xlwings)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("-o", "a macro-enabled workbook (.xlsm) needs the xlwings package; install it with pip install xlwings")
    path = Path(spec.submodule_search_locations[0]) / TEMPLATE
    if not path.is_file():
        raise InputError("-o", f"the installed xlwings has no {TEMPLATE} to take the VBA bridge from")
    return path


def enable(wb: Workbook) -> None:
    """Make ``wb`` macro-enabled: the VBA project of the xlwings template, and the code names
    (ThisWorkbook, Sheet1 …) its document modules and Excel expect."""
    wb.vba_archive = ZipFile(template())
    wb.code_name = "ThisWorkbook"
    taken = {ws.sheet_properties.codeName for ws in wb.worksheets}
    n = 0
    for ws in wb.worksheets:
        if not ws.sheet_properties.codeName:
            n += 1
            while f"Sheet{n}" in taken:
                n += 1
            ws.sheet_properties.codeName = f"Sheet{n}"


def with_buttons(package: bytes, wb: Workbook) -> bytes:
    """The saved package with the buttons added to the Status sheet's drawing, right of its figures."""
    if BUTTON_SHEET not in wb.sheetnames:
        return package
    ws = wb[BUTTON_SHEET]
    first_col = ws.max_column + 1  # 0-based in DrawingML: one blank column after the last used one
    source = ZipFile(io.BytesIO(package))
    sheet_part = ws.path.lstrip("/")
    drawing = _drawing_part(source, sheet_part)
    anchors = "".join(_anchor(i, label, macro, first_col) for i, (label, macro) in enumerate(BUTTONS))
    xml = source.read(drawing).decode("utf-8")
    closing = re.search(r"</(?:\w+:)?wsDr>\s*$", xml)
    xml = xml[:closing.start()] + anchors + xml[closing.start():]
    out = io.BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as target:
        for item in source.infolist():
            target.writestr(item, xml.encode("utf-8") if item.filename == drawing else source.read(item.filename))
    return out.getvalue()


def _drawing_part(source: ZipFile, sheet_part: str) -> str:
    folder, name = sheet_part.rsplit("/", 1)
    rels = ElementTree.fromstring(source.read(f"{folder}/_rels/{name}.rels"))
    for rel in rels:
        if rel.get("Type") == _DRAWING:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    raise RuntimeError(f"{sheet_part} has no drawing to put the buttons on")


def _anchor(i: int, label: str, macro: str, first_col: int) -> str:
    row = 1 + i * (BUTTON_ROWS + 1)
    return (
        f'<xdr:twoCellAnchor editAs="absolute" xmlns:xdr="{_XDR}" xmlns:a="{_A}">'
        f"<xdr:from><xdr:col>{first_col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>{first_col + BUTTON_COLS}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + BUTTON_ROWS}</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:to>"
        f'<xdr:sp macro="[0]!{macro}" textlink="">'
        f'<xdr:nvSpPr><xdr:cNvPr id="{1000 + i}" name="{macro}" descr="{escape(label)}"/><xdr:cNvSpPr/></xdr:nvSpPr>'
        '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="roundRect"><a:avLst/></a:prstGeom>'
        '<a:solidFill><a:srgbClr val="1F4E79"/></a:solidFill><a:ln><a:noFill/></a:ln></xdr:spPr>'
        '<xdr:txBody><a:bodyPr vertOverflow="clip" horzOverflow="clip" rtlCol="0" anchor="ctr"/><a:lstStyle/>'
        '<a:p><a:pPr algn="ctr"/><a:r><a:rPr lang="da-DK" sz="1100" b="1"><a:solidFill><a:srgbClr val="FFFFFF"/>'
        f"</a:solidFill></a:rPr><a:t>{escape(label)}</a:t></a:r></a:p></xdr:txBody>"
        "</xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
    )


def button_macros(package: str | Path) -> dict[str, str]:
    """The buttons of a saved workbook: {label: macro} from the shapes' macro attributes."""
    found: dict[str, str] = {}
    with ZipFile(package) as z:
        for name in z.namelist():
            if re.fullmatch(r"xl/drawings/drawing\d+\.xml", name):
                for sp in ElementTree.fromstring(z.read(name)).iter(f"{{{_XDR}}}sp"):
                    macro = sp.get("macro")
                    if macro:
                        text = "".join(t.text or "" for t in sp.iter(f"{{{_A}}}t"))
                        found[text] = macro.split("!", 1)[-1]
    return found
