"""Giving every sheet layout its tab name (``names.tab_names``): the sheet modules lay out with the sheets'
identifiers; here each identifier is replaced by the tab name wherever a formula names a sheet — the layout's
name, ``'Sheet'!`` in every formula (cells and streamed columns), hyperlink, defined name, validation, conditional
format and chart series — and in the Oversigt sheet's list of sheets. Texts are never touched (a text from the
data stays as it is): a note naming a sheet takes its tab name when it is laid out (``names.tab``)."""

from __future__ import annotations

import re

from budgetcontrol.sheets.layout import SheetLayout


def rename(layouts: list[SheetLayout], tabs: dict[str, str]) -> list[SheetLayout]:
    changes = {old: new for old, new in tabs.items() if old != new}
    if not changes:
        return layouts
    quoted = re.compile("'(" + "|".join(re.escape(old) for old in sorted(changes, key=len, reverse=True)) + ")'")
    swap = lambda text: quoted.sub(lambda m: f"'{changes[m.group(1)]}'", text) if "'" in text else text  # noqa: E731
    for layout in layouts:
        layout.name = changes.get(layout.name, layout.name)
        for cell in layout.cells.values():
            if cell.formula:
                cell.value = swap(cell.value)
            if cell.link:
                if cell.value in changes:  # the overview's list: a sheet's name, linked to it
                    cell.value = changes[cell.value]
                cell.link = swap(cell.link)
        for block in layout.bulk:
            for column in block.columns:
                if column.kind == "formula" and any(isinstance(v, str) and "'" in v for v in column.values):
                    column.values = [swap(v) if isinstance(v, str) else v for v in column.values]
        layout.names = {name: swap(target) for name, target in layout.names.items()}
        for v in layout.validations:
            v.formula1 = swap(v.formula1)
            v.formula2 = swap(v.formula2) if v.formula2 else v.formula2
        for rule in layout.conditionals:
            rule.formula = swap(rule.formula)
        for chart in layout.charts:
            chart.categories = swap(chart.categories)
            for series in chart.series:
                series.title, series.values = swap(series.title), swap(series.values)
    return layouts
