"""One module per sheet of the controller workbook: where each figure sits and its formula.

:func:`layouts` lays out every sheet for an engine result, in workbook order.
"""

from __future__ import annotations

from budgetcontrol.engine import Result
from budgetcontrol.sheets import audit, checks, corrected, inputs, settings, summary
from budgetcontrol.sheets.layout import SheetLayout
from budgetcontrol.sheets.names import ORDER


def layouts(result: Result) -> list[SheetLayout]:
    data = result.inputs
    line_rows = {tuple(key): corrected.FIRST + i
                 for i, key in enumerate(result.lines[corrected.KEYS].itertuples(index=False))}
    summary_sheet, anchors = summary.layout(result)
    sheets = [
        summary_sheet,
        corrected.layout(result, audit.rows_by_line(result)),
        audit.layout(result, line_rows),
        checks.layout(result, anchors),
        settings.layout(data.model, result.as_of, result.types),
        *inputs.layouts(data.budget, data.changes, data.actuals, data.model),
    ]
    by_name = {s.name: s for s in sheets}
    return [by_name[name] for name in ORDER]
