"""Turning sheet layouts into an .xlsx file with openpyxl."""

from __future__ import annotations

from copy import copy

import datetime as dt
import io
import math
import weakref
from pathlib import Path

from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.chart import BarChart, LineChart
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef, StrRef
from openpyxl.chart.series import Series as ChartSeries
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from budgetcontrol.sheets.layout import SheetLayout, col
from budgetcontrol.xlsx import stream, unchanged, vba
from budgetcontrol.xlsx.excel_order import fonts_in_excel_order
from budgetcontrol.xlsx.safe import write_atomically
from budgetcontrol.xlsx.styles import TAB_COLORS, conditional, style

# Fixed document timestamp: the same inputs give the same workbook.
EPOCH = dt.datetime(2000, 1, 1)


def workbook(layouts: list[SheetLayout], digests: dict[str, str] | None = None) -> Workbook:
    """The workbook of ``layouts``; each generated sheet is marked with its layout's digest (from ``digests``
    where given, else computed: xlsx/unchanged.py)."""
    wb = Workbook()
    wb.remove(wb.active)
    digests = digests or {}
    _MARKS[wb] = {layout.name: digests.get(layout.name) or unchanged.digest(layout)
                  for layout in layouts if layout.role != "input"}
    for layout in layouts:
        write_sheet(wb, layout)
    set_names(wb, layouts)
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    wb.properties.creator = "budgetcontrol"
    wb.properties.created = wb.properties.modified = EPOCH
    return wb


def set_names(wb: Workbook, layouts: list[SheetLayout]) -> None:
    for layout in layouts:
        for name, target in layout.names.items():
            wb.defined_names[name] = DefinedName(name, attr_text=target)


# The rows each Workbook's sheets stream into the file (xlsx/stream.py) rather than through openpyxl cells.
_STREAMED: "weakref.WeakKeyDictionary[Workbook, dict[str, tuple[list[stream.Block], list]]]" = weakref.WeakKeyDictionary()
# The layout digest each generated sheet's part is marked with (xlsx/unchanged.py).
_MARKS: "weakref.WeakKeyDictionary[Workbook, dict[str, str]]" = weakref.WeakKeyDictionary()


def write_sheet(wb: Workbook, layout: SheetLayout, index: int | None = None) -> None:
    """Add the sheet of ``layout`` to ``wb`` (at ``index``, default last). Its ``bulk`` and the cells from
    its ``stream_from`` row on are streamed into the file by :func:`write_file`; the rest are openpyxl cells."""
    ws = wb.create_sheet(layout.name, index)
    ws.sheet_properties.tabColor = TAB_COLORS[layout.role]
    styles = _Styles(ws)
    start = layout.stream_from or math.inf
    streamed = {}
    for (row, column), cell in layout.cells.items():
        if row >= start:
            streamed[(row, column)] = cell
            continue
        target = ws.cell(row=row, column=column)
        target.value = cell.value
        if not cell.formula and isinstance(cell.value, str) and target.data_type == "f":
            target.data_type = "s"  # text from the data is never a formula
        target._style = copy(styles.array(cell.style))
        if cell.link:
            target.hyperlink = Hyperlink(ref=target.coordinate, location=cell.link, display=str(cell.value))
    blocks, links = _cell_blocks(streamed, styles)
    _STREAMED.setdefault(wb, {})[layout.name] = (blocks, links)
    for bulk in layout.bulk:
        stream_bulk(wb, ws, bulk, styles)

    for column, width in layout.widths.items():
        ws.column_dimensions[col(column)].width = width
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    for table in layout.tables:
        ref = f"{col(table.first_col)}{table.first_row}:{col(table.first_col + len(table.columns) - 1)}{table.last_row}"
        t = Table(displayName=table.name, ref=ref, autoFilter=AutoFilter(ref=ref))
        t.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(table.columns, start=1)]  # not from the cells
        t.tableStyleInfo = TableStyleInfo(name=table.style, showRowStripes=True)
        ws.add_table(t)
    for merged in layout.merges:
        ws.merge_cells(merged)
    for rule in layout.conditionals:
        ws.conditional_formatting.add(rule.range, FormulaRule(formula=[rule.formula], stopIfTrue=False,
                                                              font=conditional(rule.style).font,
                                                              fill=conditional(rule.style).fill))
    for v in layout.validations:
        dv = DataValidation(type=v.kind, formula1=v.formula1, formula2=v.formula2, allow_blank=False,
                            operator="between" if v.formula2 else None, prompt=v.prompt or None,
                            showErrorMessage=True)
        dv.add(v.range)
        ws.add_data_validation(dv)
    for chart in layout.charts:
        ws.add_chart(_chart(chart), chart.anchor)
    _print_setup(ws, layout)


def _print_setup(ws, layout: SheetLayout) -> None:
    """What a controller sees and prints: the calculation sheets hidden (not very hidden: an auditor unhides them),
    helper columns and rows hidden, every sheet printed on A4 fitted to one page wide (reports landscape,
    the narrow input Tables portrait), the heading
    rows repeated on every page, a footer with the name, the sheet, the as-of date and "Side n af m"."""
    if layout.hidden:
        ws.sheet_state = "hidden"
    for c in layout.hidden_columns:
        ws.column_dimensions[col(c)].hidden = True
    for r in layout.hidden_rows:
        ws.row_dimensions[r].hidden = True
    ws.page_setup.orientation = "portrait" if layout.role == "input" else "landscape"  # input Tables are narrow
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if layout.print_titles:
        ws.print_title_rows = layout.print_titles
    for r in layout.page_breaks:
        ws.row_breaks.append(Break(id=r - 1))  # a break after row r − 1: row r starts a page
    left, right = layout.footer  # header/footer codes: &A the sheet, &P the page, &N the pages; && an ampersand
    ws.oddFooter.left.text = left or None
    ws.oddFooter.right.text = f"{right} — Side &P af &N" if right else "Side &P af &N"
    for c, width in _header_word_widths(layout).items():
        if width > (ws.column_dimensions[col(c)].width or 0):
            ws.column_dimensions[col(c)].width = width


def _header_word_widths(layout: SheetLayout) -> dict[int, float]:
    """A wrapped heading breaks at spaces, never mid-word: each column is at least as wide as the longest word
    of its wrapped headings (bold, so a little wider than the characters)."""
    out: dict[int, float] = {}
    for (_, c), cell in layout.cells.items():
        if cell.style == "header_wrap" and isinstance(cell.value, str) and not cell.formula:
            longest = max((len(word) for word in cell.value.split()), default=0)
            out[c] = max(out.get(c, 0), round(longest * 1.15 + 2, 1))
    return out


def stream_bulk(wb: Workbook, ws, bulk, styles: "_Styles | None" = None) -> None:
    """Stream ``bulk`` (a :class:`~budgetcontrol.sheets.layout.Bulk`) into ``ws`` when the file is written;
    the sheet must have no openpyxl cells from its first row on."""
    styles = styles or _Styles(ws)
    keep_rows(wb, ws.title, stream.Block(bulk.first_row, bulk.first_col,
                                         [stream.Column(_padded(c.values, bulk.rows), c.kind, styles.index(c.style))
                                          for c in bulk.columns]))


def keep_rows(wb: Workbook, title: str, block: "stream.Block") -> None:
    """Stream ``block`` (rows made from columns) into the sheet ``title`` when the file is written."""
    blocks, links = _STREAMED.setdefault(wb, {}).get(title, ([], []))
    _STREAMED[wb][title] = (sorted(blocks + [block], key=lambda b: b.first_row), links)


class _Styles:
    """A sheet's style keys as openpyxl style arrays and as the workbook's cell format (xf) indexes."""

    def __init__(self, ws):
        self.ws = ws
        self.arrays: dict[str, object] = {}

    def array(self, key: str):
        if key not in self.arrays:
            probe = Cell(self.ws)  # a cell outside the sheet: styling it registers fonts, fills … in the workbook
            for attr, setting in style(key).items():
                setattr(probe, attr, setting)
            self.arrays[key] = copy(probe._style) if probe._style is not None else StyleArray()
        return self.arrays[key]

    def index(self, key: str) -> int:
        return self.ws.parent._cell_styles.add(self.array(key))


def kind_of(value) -> str:
    """How a value is streamed: "date", "number" or "text"."""
    if isinstance(value, (dt.date, dt.datetime)):
        return "date"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "number"
    return "text"


def _kind(cell) -> str:
    return "formula" if cell.formula else kind_of(cell.value)


def _cell_blocks(cells: dict, styles: _Styles) -> tuple[list[stream.Block], list[tuple[str, str, str]]]:
    """Cells as streamed blocks: runs of consecutive rows with the same columns, kinds and styles; and the
    cells' internal hyperlinks (cell, location, display)."""
    rows: dict[int, dict[int, object]] = {}
    for (r, c), cell in cells.items():
        rows.setdefault(r, {})[c] = cell
    blocks, links = [], []
    run: list[int] = []
    signature = None

    def close():
        if not run:
            return
        first_col, last_col = min(c for c, _, _ in signature), max(c for c, _, _ in signature)
        kinds = {c: (kind, key) for c, kind, key in signature}
        columns = []
        for c in range(first_col, last_col + 1):
            kind, key = kinds.get(c, ("text", None))
            values = [_value(rows[r].get(c), kind) for r in run]
            columns.append(stream.Column(values, kind, styles.index(key) if key else 0))
        blocks.append(stream.Block(run[0], first_col, columns))

    for r in sorted(rows):
        mine = tuple((c, _kind(cell), cell.style) for c, cell in sorted(rows[r].items()))
        if mine != signature or not run or r != run[-1] + 1:
            close()
            run, signature = [], mine
        run.append(r)
        links += [(f"{col(c)}{r}", cell.link, str(cell.value)) for c, cell in rows[r].items() if cell.link]
    close()
    return blocks, links


def _padded(values, rows: int):
    """A bulk column as long as its block (blank cells below a shorter one)."""
    return values if len(values) == rows else list(values) + [None] * (rows - len(values))


def _value(cell, kind: str):
    if cell is None or cell.value is None:
        return None
    return cell.value[1:] if kind == "formula" else cell.value


def _chart(spec):
    """A native line or bar chart whose series point at formula cells, so it follows every recalculation."""
    chart = LineChart() if spec.kind == "line" else BarChart()
    if spec.kind == "bar":
        chart.type = "col"
    chart.title = spec.title
    chart.y_axis.title = spec.y_title or None
    chart.y_axis.numFmt = spec.number_format
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = spec.width, spec.height
    chart.visible_cells_only = False  # a chart's data block may be hidden rows: they are plotted, never printed
    if spec.from_zero:
        chart.y_axis.scaling.min = 0
    chart.legend.position = "b"
    for i, s in enumerate(spec.series):
        series = ChartSeries(idx=i, order=i, val=NumDataSource(numRef=NumRef(f=s.values)),
                             tx=SeriesLabel(strRef=StrRef(f=s.title)),
                             cat=AxDataSource(strRef=StrRef(f=spec.categories)))
        if spec.kind == "line":
            series.smooth = False
            series.marker = Marker(symbol="circle", size=5)
        chart.series.append(series)
    return chart


def write_file(wb: Workbook, path: str | Path, restyle=None) -> None:
    """Save without openpyxl's own ``save``, which stamps the current time as "modified": the same
    inputs must give the same file contents. A macro-enabled workbook gets its buttons (again). Fonts are
    written in Excel's child order, and no cell is an empty text (openpyxl writes ``<c t="inlineStr"/>``
    for one, an inline string without its ``<is>``): an empty text is an empty cell.

    ``restyle(package) -> (package, {style index: new index})``, when given, renumbers the styles of the
    package openpyxl wrote before the streamed rows go in, and the streamed columns' styles are renumbered
    by its map (per column, not per cell: the refresh moves sheets into a workbook with styles of its own)."""
    _no_empty_texts(wb)
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    package = buffer.getvalue()
    if wb.vba_archive is not None:
        package = vba.with_buttons(package, wb)
    streamed = _STREAMED.get(wb, {})
    present = {title: parts for title, parts in streamed.items() if title in wb.sheetnames and parts[0]}
    if restyle is not None:
        package, renumber = restyle(package)
        present = {t: ([_renumbered(b, renumber) for b in blocks], links) for t, (blocks, links) in present.items()}
    stream.splice(package, {t: blocks for t, (blocks, _) in present.items()}, path,
                  {t: links for t, (_, links) in present.items()}, EPOCH.timetuple()[:6],
                  rewrite={"xl/styles.xml": fonts_in_excel_order}, marks=_MARKS.get(wb, {}))


def _renumbered(block: stream.Block, renumber: dict[int, int]) -> stream.Block:
    columns = [stream.Column(c.values, c.kind, renumber.get(c.style, 0) if c.style else 0) for c in block.columns]
    return stream.Block(block.first_row, block.first_col, columns, block.row_height)


def _no_empty_texts(wb: Workbook) -> None:
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if cell._value in ("", None) and cell.data_type in ("s", "inlineStr"):
                cell._value, cell.data_type = None, "n"  # openpyxl writes t="inlineStr" for any "s" cell


def save(layouts: list[SheetLayout], target: str | Path, macro_enabled: bool = False) -> None:
    """Write the workbook to ``target`` atomically (an existing file is replaced only on success);
    ``macro_enabled`` adds the xlwings VBA bridge and the buttons (an .xlsm)."""
    wb = workbook(layouts)
    if macro_enabled:
        vba.enable(wb)
    write_atomically(target, lambda tmp: write_file(wb, tmp))
