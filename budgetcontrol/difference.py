"""What differs between two workbooks, cell by cell: for ``build --check``, which tells CI whether a
committed workbook is stale (like a formatter's check mode)."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl


def _cells(ws) -> dict[str, object]:
    """Each cell's value and how it shows (number format, bold, fill), empty cells with a style included."""
    return {cell.coordinate: (cell.value, cell.number_format, cell.font.b, cell.fill.fgColor.rgb)
            for row in ws.iter_rows() for cell in row if hasattr(cell, "coordinate") and (cell.value is not None or cell.has_style)}


def _show(entry) -> str:
    if entry is None:
        return "(empty)"
    value, number_format, bold, fill = entry
    return repr(value) if value is not None else f"(blank, {number_format})"


def _sheet_settings(ws) -> tuple:
    return (sorted((t.name, t.ref) for t in ws.tables.values()),
            sorted(str(r.sqref) for r in ws.conditional_formatting),
            sorted(str(v.sqref) for v in ws.data_validations.dataValidation),
            sorted(str(m) for m in ws.merged_cells.ranges),
            sorted((k, d.width) for k, d in ws.column_dimensions.items() if d.width),
            ws.freeze_panes, len(ws._charts))


def differences(old: str | Path, new: str | Path, limit: int = 20) -> tuple[list[str], int]:
    """Up to ``limit`` lines "sheet!cell: old -> new" (values, or number format / bold / fill), then what else
    differs per sheet (Tables, conditional formats, validations, merges, widths, panes, charts), the sheet
    order and the defined names, and how many differences there are in all; ([], 0) when the files are byte
    for byte the same or agree in all of that (the VBA project is not compared)."""
    if Path(old).read_bytes() == Path(new).read_bytes():
        return [], 0
    with warnings.catch_warnings():  # Excel 2010+ parts openpyxl does not model (read-only here: nothing is lost)
        warnings.simplefilter("ignore")
        a, b = openpyxl.load_workbook(old), openpyxl.load_workbook(new)
    found: list[str] = []
    for title in a.sheetnames + [t for t in b.sheetnames if t not in a.sheetnames]:
        if title not in b.sheetnames:
            found.append(f"{title}: sheet only in the committed workbook")
            continue
        if title not in a.sheetnames:
            found.append(f"{title}: sheet missing from the committed workbook")
            continue
        x, y = _cells(a[title]), _cells(b[title])
        for ref in sorted(set(x) | set(y), key=lambda r: (int("".join(filter(str.isdigit, r))), len(r), r)):
            old_cell, new_cell = x.get(ref), y.get(ref)
            if old_cell != new_cell:
                same_value = old_cell and new_cell and old_cell[0] == new_cell[0]
                found.append(f"{title}!{ref}: " + (f"format {old_cell[1:]} -> {new_cell[1:]}" if same_value
                                                    else f"{_show(old_cell)} -> {_show(new_cell)}"))
        settings = (_sheet_settings(a[title]), _sheet_settings(b[title]))
        labels = ("Tables", "conditional formats", "data validations", "merged cells", "column widths", "frozen panes", "charts")
        for label, old_setting, new_setting in zip(labels, *settings):
            if old_setting != new_setting:
                found.append(f"{title}: {label} {old_setting} -> {new_setting}")
    if [t for t in a.sheetnames if t in b.sheetnames] != [t for t in b.sheetnames if t in a.sheetnames]:
        found.append(f"sheet order {a.sheetnames} -> {b.sheetnames}")
    names = ({n: d.attr_text for n, d in a.defined_names.items()}, {n: d.attr_text for n, d in b.defined_names.items()})
    for name in sorted(set(names[0]) | set(names[1])):
        if names[0].get(name) != names[1].get(name):
            found.append(f"name {name}: {names[0].get(name)!r} -> {names[1].get(name)!r}")
    return found[:limit], len(found)
