"""Turning sheet layouts into an .xlsx file with openpyxl."""

from __future__ import annotations

from copy import copy

import datetime as dt
import io
from pathlib import Path

from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
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
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo

from budgetcontrol.sheets.layout import SheetLayout, col
from budgetcontrol.xlsx import vba
from budgetcontrol.xlsx.safe import write_atomically
from budgetcontrol.xlsx.styles import TAB_COLORS, conditional, style

# Fixed document timestamp: the same inputs give the same workbook.
EPOCH = dt.datetime(2000, 1, 1)


def workbook(layouts: list[SheetLayout]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
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


def write_sheet(wb: Workbook, layout: SheetLayout, index: int | None = None) -> None:
    """Add the sheet of ``layout`` to ``wb`` (at ``index``, default last)."""
    ws = wb.create_sheet(layout.name, index)
    ws.sheet_properties.tabColor = TAB_COLORS[layout.role]
    styled: dict[str, object] = {}  # style key -> the workbook's style indexes, found once per sheet
    cells = [(r, c, cell.value, cell.formula, cell.style, cell.link) for (r, c), cell in layout.cells.items()]
    for block in layout.bulk:
        for j, column in enumerate(block.columns):
            for i, value in enumerate(column.values):
                if value is not None:
                    text = "=" + value if column.kind == "formula" else value
                    cells.append((block.first_row + i, block.first_col + j, text, column.kind == "formula", column.style, None))
    for row, column, value, formula, key, link in cells:
        target = ws.cell(row=row, column=column)
        target.value = value
        if not formula and isinstance(value, str) and target.data_type == "f":
            target.data_type = "s"  # text from the data is never a formula
        if key in styled:
            target._style = copy(styled[key])  # as openpyxl copies a cell's style; far faster than each attribute
        else:
            for attr, setting in style(key).items():
                setattr(target, attr, setting)
            styled[key] = copy(target._style)
        if link:
            target.hyperlink = Hyperlink(ref=target.coordinate, location=link, display=str(value))
    for column, width in layout.widths.items():
        ws.column_dimensions[col(column)].width = width
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    for table in layout.tables:
        ref = f"{col(table.first_col)}{table.first_row}:{col(table.first_col + len(table.columns) - 1)}{table.last_row}"
        t = Table(displayName=table.name, ref=ref)
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
    if layout.role in ("output", "check"):  # printed as reports: landscape, one page wide
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


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


def write_file(wb: Workbook, path: str | Path) -> None:
    """Save without openpyxl's own ``save``, which stamps the current time as "modified": the same
    inputs must give the same file contents. A macro-enabled workbook gets its buttons (again)."""
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    package = buffer.getvalue()
    if wb.vba_archive is not None:
        package = vba.with_buttons(package, wb)
    Path(path).write_bytes(package)


def save(layouts: list[SheetLayout], target: str | Path, macro_enabled: bool = False) -> None:
    """Write the workbook to ``target`` atomically (an existing file is replaced only on success);
    ``macro_enabled`` adds the xlwings VBA bridge and the buttons (an .xlsm)."""
    wb = workbook(layouts)
    if macro_enabled:
        vba.enable(wb)
    write_atomically(target, lambda tmp: write_file(wb, tmp))
