"""Reading a built controller workbook's inputs: the Settings sheet and the Budget,
Changes and Actuals Tables (python-calamine), so that rows typed in Excel count.

Cells must hold what the formulas can use: numbers in amount cells, dates in date and
month cells. Anything else is refused with the sheet and cell named, because the
workbook's own SUMIFS would silently skip it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter as col
from python_calamine import CalamineError, CalamineWorkbook

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.model import model_from_dict
from budgetcontrol.contract.tables import (ACCOUNTS, ACTIVITY, COMMENTS, NUMERIC, PHASING, SPECS, TARGETS, YEARS, Inputs, TableSpec,
                                            check_excel_matching, validate)
from budgetcontrol.contract.values import each_distinct
from budgetcontrol.contract.year_rules import check_all_lines
from budgetcontrol.contract.settings_sheet import HEADER_ROW as SETTINGS_HEADER
from budgetcontrol.contract.settings_sheet import KEY, OPTIONAL_ROWS, ROWS, SIGNS, VALUE
from budgetcontrol.contract.settings_sheet import SHEET as SETTINGS
from budgetcontrol.sheets.names import DANISH, settings_sheet


MAX_UNPACKED = 4 * 1024**3  # bytes a workbook's parts may unpack to, in all
MAX_RATIO = 500  # a part unpacking to more than this many times its packed size is a zip bomb (Excel's parts: < 100)


def _open(path: Path) -> CalamineWorkbook:
    if not path.is_file():
        raise InputError(str(path), "file not found")
    if not zipfile.is_zipfile(path):
        raise InputError(str(path), "not an .xlsx workbook (not a zip package)")
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(str(path), _unreadable(exc)) from None
    if sum(p.file_size for p in parts) > MAX_UNPACKED or any(
            p.file_size > 10 * 1024**2 and p.file_size > MAX_RATIO * max(p.compress_size, 1) for p in parts):
        raise InputError(str(path), f"refused: its parts would unpack to {sum(p.file_size for p in parts) / 1024**2:,.0f} MB "
                                    f"from {path.stat().st_size / 1024**2:,.1f} MB (a zip bomb?)")
    try:
        return CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception as exc:  # calamine raises its own types for damaged packages
        raise InputError(str(path), _unreadable(exc)) from None


def _unreadable(exc: Exception) -> str:
    """One line for a package the readers cannot open: what it means, and the reader's own words (short)."""
    said = str(exc).strip().splitlines()[0][:80] if str(exc).strip() else type(exc).__name__
    return f"cannot read the workbook: its package is damaged or is not an Excel workbook ({said}); open it in Excel and save it again"


def cells_of(part, file: str, sheet: str, **options) -> list[list]:
    """A calamine sheet's or Table's cells; a cell calamine cannot convert (it panics, e.g. on a date cell
    holding a number far outside any date) refused as bad input, not a traceback."""
    try:
        return part.to_python(**options)
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise InputError(file, f"a cell cannot be read ({exc}); typically a date cell holding a number far "
                               f"outside any date, which Excel shows as ####", sheet=sheet) from None


def _table(wb: CalamineWorkbook, name: str, file: str):
    if name not in wb.table_names:
        raise InputError(file, f"the workbook has no Excel Table named '{name}' (was it renamed or deleted?)")
    return wb.get_table_by_name(name)


def _list(wb: CalamineWorkbook, name: str, columns: list[str], file: str) -> list[dict]:
    """The rows of a Settings list Table (Sectors, Categories, ChangeTypes) by header name; blank codes skipped."""
    return _list_by(wb, name, columns, "code", file)


def text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


def _settings(wb: CalamineWorkbook, file: str) -> tuple[dict, dict[str, str], str]:
    """The Settings sheet's values and their cells by key, and the sheet's tab name (in either language)."""
    sheet = settings_sheet(wb.sheet_names)
    if sheet is None:
        raise InputError(file, f"the workbook has no '{DANISH[SETTINGS]}' (or '{SETTINGS}') sheet")
    grid = cells_of(wb.get_sheet_by_name(sheet), file, sheet, skip_empty_area=False)
    cells: dict[str, str] = {}
    values: dict[str, object] = {}
    wanted = {key for key, *_ in ROWS}
    for r, row in enumerate(grid, start=1):
        if r > SETTINGS_HEADER and len(row) >= VALUE and row[KEY - 1] in wanted:
            values[row[KEY - 1]] = row[VALUE - 1]
            cells[row[KEY - 1]] = f"{col(VALUE)}{r}"
    for key, default in OPTIONAL_ROWS.items():
        values.setdefault(key, default)
    for key in wanted:
        if key not in values:
            raise InputError(file, f"setting '{key}' is missing (column A of the {sheet} sheet)", sheet=sheet)
    return values, cells, sheet


def _model(wb: CalamineWorkbook, file: str):
    values, cells, sheet = _settings(wb, file)

    def fail(key: str, message: str) -> InputError:
        return InputError(file, message, sheet=sheet, cell=cells[key], column=key)

    sign = values["variance_sign"]
    if sign not in (1, -1, 1.0, -1.0):
        raise fail("variance_sign", f"variance sign must be 1 or -1, got {text(sign)!r}")
    as_of = values["as_of"]
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if not isinstance(as_of, dt.date):
        raise fail("as_of", f"as-of date must be a date cell, got {text(as_of)!r}")
    for key, expected in (("approved_status", "approved"), ("pending_status", "pending")):
        if str(values[key]).strip().casefold() != expected:
            raise fail(key, f"must be '{expected}' (the data contract's status), got {text(values[key])!r}")
    sectors = [{"code": text(r["code"]), "name": text(r["name"])} for r in _list(wb, "Sectors", ["code", "name"], file)]
    categories = [{"code": text(r["code"]), "name": text(r["name"]), "group": text(r["group"]) or "operating"}
                  for r in _list(wb, "Categories", ["code", "name", "group"], file)]
    types = [(text(r["code"]), text(r["label"]), r["zero_sum"])
             for r in _list(wb, "ChangeTypes", ["code", "label", "zero_sum"], file)]
    data = {
        "name": text(values["name"]), "fiscal_year": values["fiscal_year"], "unit": text(values["unit"]),
        "sectors": sectors, "categories": categories, "variance_sign": SIGNS[int(sign)], "as_of": as_of,
        "zero_sum_types": [c for c, _, z in types if z in (1, 1.0)],
        "check_tolerance": values["check_tolerance"],
        "forecast": text(values["forecast"]),
        "traffic_lights": {"amber": values["amber"], "red": values["red"]},
        "unit_costs": _unit_costs(wb, file),
        "outer_years": values["outer_years"],
        "language": "da" if sheet == DANISH[SETTINGS] else "en",  # as the workbook's tabs are named
    }
    # Part 6: an export's headers in the controller's words and the kind rules before the chart's, when given.
    if "ExportColumns" in wb.table_names:
        data["columns"] = {text(r["header"]): text(r["column"])
                           for r in _list_by(wb, "ExportColumns", ["header", "column"], "header", file)}
    if "AccountKinds" in wb.table_names:
        data["account_kinds"] = [{"dranst": text(r["dranst"]) or "*", "art": text(r["art"]) or "*", "kind": text(r["kind"])}
                                 for r in _list_by(wb, "AccountKinds", ["dranst", "art", "kind"], "kind", file)]
    if values["change_types_listed"] in (1, 1.0):
        data["change_types"] = {c: label or c for c, label, _ in types}

    def where(loc: tuple) -> tuple[int | None, str | None]:
        key = str(loc[0]) if loc else ""
        return None, ".".join(str(p) for p in loc) or key

    try:
        return model_from_dict(data, file, where=where)
    except InputError as exc:
        key = exc.column.split(".")[0] if exc.column else ""
        if key in cells:
            raise InputError(file, exc.message, sheet=sheet, cell=cells[key], column=key) from None
        table = {"sectors": "Sectors", "categories": "Categories", "unit_costs": "UnitCosts", "columns": "ExportColumns",
                 "account_kinds": "AccountKinds"}.get(key, "ChangeTypes")
        if key in ("forecast", "traffic_lights"):
            cell_key = exc.column.split(".")[-1] if key == "traffic_lights" else key
            raise InputError(file, exc.message, sheet=sheet, cell=cells.get(cell_key), column=cell_key) from None
        raise InputError(file, f"{exc.column}: {exc.message}", sheet=sheet, column=f"Table {table}") from None


def _unit_costs(wb: CalamineWorkbook, file: str) -> dict:
    """The UnitCosts Table (measure, month 1–12, unit_cost) as model.yaml's unit_costs mapping."""
    costs: dict[str, dict] = {}
    table = _table(wb, "UnitCosts", file)
    for i, row in enumerate(_list_by(wb, "UnitCosts", ["measure", "month", "unit_cost"], "measure", file)):
        month, cost = row["month"], row["unit_cost"]
        where = {"sheet": table.sheet, "column": "Table UnitCosts"}
        if not (isinstance(month, (int, float)) and not isinstance(month, bool) and float(month) in range(1, 13)):
            raise InputError(file, f"UnitCosts: month {text(month)!r} of '{text(row['measure'])}' is not a month number 1 to 12", **where)
        if isinstance(cost, bool) or not isinstance(cost, (int, float)):
            raise InputError(file, f"UnitCosts: unit cost {text(cost)!r} of '{text(row['measure'])}' is not a number "
                                   f"(the workbook's formulas would skip it)", **where)
        prices = costs.setdefault(text(row["measure"]), {})
        if int(month) in prices:
            raise InputError(file, f"UnitCosts: '{text(row['measure'])}' month {int(month)} has two prices", **where)
        prices[int(month)] = cost
    return costs


def _list_by(wb: CalamineWorkbook, name: str, columns: list[str], key: str, file: str) -> list[dict]:
    table = _table(wb, name, file)
    headers = [str(c).strip() for c in table.columns]
    for column in columns:
        if column not in headers:
            raise InputError(file, f"the Table '{name}' has no column '{column}' (expected: {', '.join(columns)})",
                             sheet=table.sheet, column=column)
    rows = [dict(zip(headers, row)) for row in cells_of(table, file, table.sheet)]
    return [row for row in rows if text(row[key])]


def _frame(wb: CalamineWorkbook, spec: TableSpec, file: str, totals: dict[str, int] | None = None
           ) -> tuple[pd.DataFrame, callable, object]:
    table = _table(wb, spec.table, file)
    first_data0, first_col0 = table.start  # calamine: 0-based first data row (the header is the row above)
    sheet = table.sheet
    names = [str(c).strip() for c in table.columns]

    def locate(index, column: str) -> dict:
        c = names.index(column) if column in names else len(names)
        row = first_data0 if index is None else int(index)  # 1-based: the header row, or the data row
        return {"sheet": sheet, "cell": f"{col(first_col0 + c + 1)}{row}", "column": column}

    _nothing_below(wb, table, file, names, (totals or {}).get(spec.table, 0))
    return cells_frame(cells_of(table, file, sheet), names, first_data0 + 1, spec, file, locate), locate, table


def cells_frame(rows: list[list], names: list[str], first_row: int, spec: TableSpec, file: str, locate) -> pd.DataFrame:
    """The body rows of a Table as a frame indexed by row number (from ``first_row``), blank rows
    dropped, the spec's columns typed strictly (:func:`_typed`)."""
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names, dtype=object)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    frame = frame[(frame.ne("") & frame.notna()).any(axis=1)] if len(frame) else frame
    types = dict(spec.columns)
    for name in names:
        if name in types:
            frame[name] = _typed(frame[name], types[name], file, lambda idx, n=name: locate(idx, n))
    return frame


def _typed(values: pd.Series, vtype: str, file: str, locate) -> pd.Series:
    """Convert cells of one column; numbers and dates must be real numbers and dates."""
    types = set(map(type, values))
    if vtype in NUMERIC and types <= {int, float}:
        return values.astype("float64")
    if vtype in ("date", "month") and types <= {dt.date, dt.datetime}:
        return _dates(values, vtype, file, locate)
    if vtype not in NUMERIC and vtype not in ("date", "month") and types <= {str}:
        return values.astype(str)
    if vtype in NUMERIC:  # something is wrong: find the first bad cell
        bad = values.map(lambda v: isinstance(v, bool) or not isinstance(v, (int, float)))
        if bad.any():
            idx = values.index[bad.argmax()]
            what = _what(values[idx], "a number", file, locate(idx))
            raise InputError(file, f"{vtype.replace('_', ' ')} cell is {what} (the workbook's formulas would skip it)", **locate(idx))
        return values.astype("float64")
    if vtype in ("date", "month"):
        bad = values.map(lambda v: not isinstance(v, (dt.date, dt.datetime)))
        if bad.any():
            idx = values.index[bad.argmax()]
            what = _what(values[idx], "a date", file, locate(idx))
            if isinstance(values[idx], (int, float)) and not isinstance(values[idx], bool):
                what += " (a month cell holds a date of the month, e.g. 01-06-2014, shown as 2014-06)" if vtype == "month" else ""
            raise InputError(file, f"{vtype} cell is {what} (the workbook's formulas would skip it)", **locate(idx))
        return _dates(values, vtype, file, locate)
    return values.map(text).astype(str)


def _what(value, wanted: str, file: str, where: dict) -> str:
    """What a cell holds instead of ``wanted``: empty, an error value (calamine reads #REF! as empty), a
    number or a text, quoted at most 80 characters."""
    if value in ("", None):
        error = _error_value(file, where.get("sheet"), where.get("cell"))
        return f"the error {error}" if error else "empty"
    if isinstance(value, bool):
        return f"the value {'TRUE' if value else 'FALSE'}, not {wanted}"
    if isinstance(value, (int, float)):
        return f"the number {int(value) if float(value).is_integer() else value}, not {wanted}"
    shown = str(value) if len(str(value)) <= 80 else str(value)[:80] + "…"
    return f"text {shown!r}, not {wanted}"


def _error_value(file: str, sheet: str | None, cell: str | None) -> str | None:
    """The error value (#REF!, #N/A …) a cell holds, read from its sheet part; None when it holds none."""
    if not sheet or not cell:
        return None
    data = _sheet_part(file, sheet)
    try:
        xml = data.decode("utf-8") if data is not None else None
    except ValueError:
        xml = None
    if xml is None:
        return None
    m = re.search(rf'<c\b[^>]*\br="{cell}"[^>]*>((?:(?!</c>).)*)</c>', xml, re.S)
    if not m or not re.search(r'\bt="e"', m.group(0)[:m.group(0).index(">")]):
        return None
    value = re.search(r"<v>([^<]*)</v>", m.group(1))
    return value.group(1) if value else None


def _dates(values: pd.Series, vtype: str, file: str, locate) -> pd.Series:
    """Date cells as dates (a month cell as YYYY-MM); a date pandas cannot hold (after 2262) refused."""
    def convert(distinct: pd.Series) -> pd.Series:
        stamps = pd.to_datetime(distinct.map(pd.Timestamp))
        return stamps.dt.strftime("%Y-%m") if vtype == "month" else stamps.astype("datetime64[ns]")
    try:
        return each_distinct(values, convert)  # a dozen distinct months in 360.000 rows: each converted once
    except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
        idx = values.index[values.map(lambda v: not 1678 <= v.year <= 2261).argmax()]
        raise InputError(file, f"{vtype} cell holds {values[idx].isoformat()}, a date far outside any fiscal year",
                         **locate(idx)) from None


def totals_rows(path: Path) -> dict[str, int]:
    """{Table name: 1} for each Table with Excel's Total Row ticked (Table Design → Total Row): that row is
    part of the Table, below its body; calamine's extent of the Table leaves it out."""
    out = {}
    try:
        with zipfile.ZipFile(path) as package:
            heads = {name: package.open(name).read(4096).decode("utf-8", "replace") for name in package.namelist()
                     if name.startswith("xl/tables/") and name.endswith(".xml")}
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise InputError(str(path), _unreadable(exc)) from None
    for head in heads.values():
        tag = re.search(r"<(?:\w+:)?table\b[^>]*>", head)
        count = re.search(r'\stotalsRowCount="(\d+)"', tag.group(0)) if tag else None
        display = re.search(r'\sdisplayName="([^"]*)"', tag.group(0)) if tag else None
        if count and display and int(count.group(1)):
            out[display.group(1)] = int(count.group(1))
    return out


def _sheet_part(file: str, sheet: str) -> bytes | None:
    """The bytes of a sheet's part, or None where the package cannot give them."""
    try:
        with zipfile.ZipFile(file) as package:
            from budgetcontrol.xlsx.stream import _sheet_parts

            return package.read(_sheet_parts(package)[sheet])
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, ValueError):
        return None


def _sheet_ends_with(file: str, sheet: str, last_row: int) -> bool:
    """The sheet's last row element is at or above ``last_row`` and it merges no cells: nothing can be below
    the Table, told from the part's bytes without reading its cells (calamine would read the whole sheet)."""
    data = _sheet_part(file, sheet)
    end = -1 if data is None else data.rfind(b"</sheetData>")
    if end < 0 or b"<mergeCell" in data[end:] or sum(map(data.count, (b"<row ", b"<row>", b"<row/>"))) != data.count(b'<row r="'):
        return False  # merged cells, or a row without its number (not Excel's): read the cells
    at = data.rfind(b"<row ", 0, end)
    if at < 0:
        return b"<c " not in data[:end]
    last = re.match(rb'<row\b[^>]*?\sr="(\d+)"', data[at:end])
    return bool(last) and int(last.group(1)) <= last_row


def _nothing_below(wb: CalamineWorkbook, table, file: str, names: list[str], totals: int = 0) -> None:
    """Rows typed under a Table that did not grow with them would be ignored by every formula: any
    non-empty cell below it in its columns, down to the sheet's last used row, blank rows between or not,
    is refused. A Total Row (``totals``) is the Table's own and is skipped, never counted."""
    (last_row0, _), (_, first_col0) = table.end, table.start
    last_row0 += totals
    if _sheet_ends_with(file, table.sheet, last_row0 + 1):
        return
    sheet = wb.get_sheet_by_name(table.sheet)
    (first_row0, _), last_col0 = table.start, table.end[1]
    for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
        if r1 <= last_row0 and r2 >= first_row0 - 1 and c1 <= last_col0 and c2 >= first_col0:
            raise InputError(file, f"the Table '{table.name}' has merged cells ({col(c1 + 1)}{r1 + 1}:{col(c2 + 1)}{r2 + 1}); "
                                   f"unmerge them (Excel: Home → Merge & Center) so every row has its own values",
                             sheet=table.sheet, cell=f"{col(c1 + 1)}{r1 + 1}")
    if sheet.end is None or sheet.end[0] <= last_row0:  # the sheet's cells end with the Table
        return
    grid = cells_of(sheet, file, table.sheet, skip_empty_area=False)
    for below in range(last_row0 + 1, len(grid)):
        row = grid[below][first_col0:first_col0 + len(names)]
        filled = [i for i, v in enumerate(row) if v not in ("", None)]
        if filled:
            gap = below - last_row0 - 1
            where = "right below" if not gap else f"{gap} blank row{'s' if gap > 1 else ''} below"
            raise InputError(file, f"row {below + 1} is {where} the Table '{table.name}' but not part of it, so no formula "
                                   f"counts it; extend the Table over it (Excel: Table Design → Resize Table) or clear it",
                             sheet=table.sheet, cell=f"{col(first_col0 + filled[0] + 1)}{below + 1}")


def load_workbook_inputs(path: str | Path) -> Inputs:
    try:
        return _load(Path(path))
    except CalamineError as exc:  # a damaged part found while reading (a corrupt deflate stream, broken XML)
        raise InputError(str(path), _unreadable(exc)) from None


def _load(path: Path) -> Inputs:
    file = str(path)
    wb = _open(path)
    totals = totals_rows(path)
    model = _model(wb, file)
    tables, locates, extents = {}, {}, {}
    for spec in SPECS + (PHASING, TARGETS, ACTIVITY) + YEARS + (ACCOUNTS, COMMENTS):
        if spec in YEARS + (ACCOUNTS, COMMENTS) and spec.table not in wb.table_names:
            continue  # a workbook built before part 4 (or 7); the refresh adds the Table's sheet
        frame, locate, extents[spec.table] = _frame(wb, spec, file, totals)
        tables[spec.key] = validate(frame, spec, model, file, locate)
        locates[spec.key] = locate
    if "accounts" in tables:
        from budgetcontrol.intake.accounts import check_map  # every row of the account map names a pattern

        check_map(tables["accounts"], file, locates["accounts"])
    check_excel_matching(tables, {k: file for k in tables}, locates)
    check_all_lines(tables, lambda key: lambda idx, column, message: InputError(file, message, **locates[key](idx, column)))
    extents = {spec.table: extents[spec.table] for spec in SPECS}
    rows = {name: table.end[0] - table.start[0] + 1 for name, table in extents.items()}
    headers = {name: (table.sheet, table.start[0]) for name, table in extents.items()}  # start: the first body row, 0-based
    return Inputs(model=model, source=file, table_rows=rows, table_headers=headers, sheet_names=tuple(wb.sheet_names), **tables)
