"""One module per sheet of the controller workbook: where each figure sits and its formula.

:func:`layouts` lays out every sheet for an engine result, in workbook order.
"""

from __future__ import annotations

from budgetcontrol.engine import Result
from budgetcontrol.sheets import (audit, checks, corrected, history, inputs, ledger, line_forecast, monthly, monthly_calc, outer_years, overview,
                                  savings, settings, status, summary, targets)
from budgetcontrol.sheets.layout import SheetLayout, range_ref
from budgetcontrol.sheets import names
from budgetcontrol.sheets.names import ORDER, OVERVIEW
from budgetcontrol.sheets.rename import rename


def layouts(result: Result, typed: dict[str, int] | None = None) -> list[SheetLayout]:
    """Every sheet, in order, under its tab name: the model's language for a build, the workbook's own tab names
    when the inputs were read from a workbook (a refresh never renames a sheet). ``typed``: rows typed into the
    input Tables since the workbook was written (``verify``)."""
    tabs = tab_names_for(result.inputs)
    with names.laying_out(tabs):
        return rename(_layouts(result, typed), tabs)


def tab_names_for(inputs) -> dict[str, str]:
    """Identifier -> tab name for the workbook of ``inputs``."""
    if inputs.sheet_names:
        return names.tabs_of(inputs.sheet_names, inputs.model.language)
    return names.tab_names(inputs.model.language)


def _layouts(result: Result, typed: dict[str, int] | None) -> list[SheetLayout]:
    data = result.inputs
    line_rows = {tuple(key): corrected.FIRST + i
                 for i, key in enumerate(result.lines[corrected.KEYS].itertuples(index=False))}
    summary_sheet, anchors = summary.layout(result)
    status_sheet, status_total = status.layout(result)
    settings_sheet = settings.layout(data.model, result.as_of, result.types)
    sectors = settings_sheet.tables[0]  # the Sectors Table: code, name
    codes = range_ref(settings_sheet.name, sectors.first_row + 1, sectors.last_row, sectors.first_col)
    sector_names = range_ref(settings_sheet.name, sectors.first_row + 1, sectors.last_row, sectors.first_col + 1)
    sheets = [
        status_sheet,
        monthly.layout(result, codes, sector_names),
        targets.layout(result),
        history.layout(result),
        outer_years.layout(result),
        savings.layout(result),
        monthly_calc.layout(result),
        line_forecast.layout(result),
        ledger.layout(result),
        summary_sheet,
        corrected.layout(result, audit.rows_by_line(result)),
        audit.layout(result, line_rows),
        checks.layout(result, anchors, status_total, typed),
        settings_sheet,
        *inputs.layouts(data, result.weights),
    ]
    by_name = {s.name: s for s in sheets}
    by_name[OVERVIEW] = overview.layout(result, [by_name[name] for name in ORDER if name != OVERVIEW and name in by_name])
    ordered = [by_name[name] for name in ORDER if name in by_name]
    _print_setup(ordered, result)
    return ordered


# The heading rows each report sheet repeats on every printed page (first, last).
PRINT_TITLES = {
    names.STATUS: (status.HEADER_ROW, status.FIRST - 1), names.SUMMARY: (summary.GROUP_ROW, summary.FIRST - 1),
    names.CORRECTED: (corrected.HEADER_ROW, corrected.FIRST - 1), names.MONTHLY: (monthly.HEADER_ROW, monthly.FIRST - 1),
    names.TARGETS: (targets.HEADER_ROW, targets.FIRST - 1), names.HISTORY: (history.HEADER_ROW, history.HEADER_ROW),
    names.OUTER_YEARS: (outer_years.HEADER_ROW, outer_years.FIRST - 1), names.SAVINGS: (savings.HEADER_ROW, savings.FIRST - 1),
    names.CHECKS: (checks.HEADER_ROW, checks.FIRST - 1), names.AUDIT: (audit.HEADER_ROW, audit.FIRST - 1),
}


def _print_setup(layouts: list[SheetLayout], result: Result) -> None:
    """Headings repeated on every page of a report and a footer on every sheet: the name, the sheet and, on the
    sheets every refresh rebuilds, the as-of date (an input sheet's footer would go stale)."""
    model = result.inputs.model
    as_of = f" — opgjort pr. {result.as_of:%d-%m-%Y}"
    for layout in layouts:
        layout.hidden = layout.name in names.CALCULATIONS
        first_last = PRINT_TITLES.get(layout.name, (inputs.HEADER_ROW, inputs.HEADER_ROW) if layout.role == "input"
                                      and layout.name != names.SETTINGS else None)  # an input Table's header row
        if first_last:
            layout.print_titles = f"{first_last[0]}:{first_last[1]}"
        layout.footer = (model.name.replace("&", "&&"), "&A" + (as_of if layout.name in names.GENERATED else ""))
