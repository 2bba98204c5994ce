"""What differs between two workbooks, cell by cell: for ``build --check``, which tells CI whether a
committed workbook is stale (like a formatter's check mode)."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def _cells(ws) -> dict[str, object]:
    return {cell.coordinate: cell.value for row in ws.iter_rows() for cell in row
            if cell.value is not None and hasattr(cell, "coordinate")}


def differences(old: str | Path, new: str | Path, limit: int = 20) -> tuple[list[str], int]:
    """Up to ``limit`` lines "sheet!cell: old -> new" (and sheets, Tables and names only one side has),
    and how many differences there are in all; ([], 0) when the files are byte for byte the same or
    hold the same sheets, cells, Tables and names."""
    if Path(old).read_bytes() == Path(new).read_bytes():
        return [], 0
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
            if x.get(ref) != y.get(ref):
                found.append(f"{title}!{ref}: {x.get(ref)!r} -> {y.get(ref)!r}")
        tables = (sorted((t.name, t.ref) for t in a[title].tables.values()), sorted((t.name, t.ref) for t in b[title].tables.values()))
        if tables[0] != tables[1]:
            found.append(f"{title}: Tables {tables[0]} -> {tables[1]}")
    names = ({n: d.attr_text for n, d in a.defined_names.items()}, {n: d.attr_text for n, d in b.defined_names.items()})
    for name in sorted(set(names[0]) | set(names[1])):
        if names[0].get(name) != names[1].get(name):
            found.append(f"name {name}: {names[0].get(name)!r} -> {names[1].get(name)!r}")
    return found[:limit], len(found)
