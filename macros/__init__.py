"""The macros behind the workbook's buttons (xlwings subs). "1. Importér funktioner" (or the
ribbon's Import Functions) turns each into a VBA macro of the same name, which the buttons on the
Status sheet call. Each one works on the calling workbook through ``budgetcontrol.actions``, the
same code the headless ``budgetcontrol refresh`` and ``budgetcontrol check`` run on a file.
"""

import xlwings as xw

from budgetcontrol import actions
from budgetcontrol.xlsx.live import ExcelUI, LiveBook


def _run(action):
    book = xw.Book.caller()
    return actions.run(action, lambda: LiveBook(book), ExcelUI(book))


@xw.sub
def BC_Refresh():
    """Opdatér måned: pick the finance system's export, replace its month in Actuals, rebuild the outputs."""
    return _run(actions.refresh)


@xw.sub
def BC_AddMonth():
    """Næste måned: move the reporting month one month on and rebuild the outputs."""
    return _run(actions.add_month)


@xw.sub
def BC_Check():
    """Kør kontroller: run the checks and select the first break on the Checks sheet."""
    return _run(actions.check)
