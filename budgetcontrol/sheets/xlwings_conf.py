"""The ``xlwings.conf`` sheet of the macro-enabled workbook: the settings xlwings reads from the
workbook itself, ahead of the add-in's and the user's config files.

xlwings reads the keys in column A from A1 down to the first blank cell, and their values in
column B. Only what this workbook needs is set, so the interpreter and the rest keep coming from
the controller's own xlwings set-up (``xlwings addin install`` writes it):

* UDF Modules — ``udfs;macros``: the worksheet functions and the subs behind the buttons.
* PYTHONPATH — the project folder, written relative to the workbook's own folder (column C)
  and made absolute by a formula at open time, so no path of the build machine is stored.
  xlwings passes a relative PYTHONPATH to Python unresolved, which would resolve it against
  Python's working folder, not the workbook's.
"""

from __future__ import annotations

from budgetcontrol.sheets.layout import SheetLayout

SHEET = "xlwings.conf"
MODULES = "udfs;macros"
# The workbook's folder: CELL("filename") is "C:\folder\[book.xlsm]sheet" in Excel.
FOLDER = 'LEFT(CELL("filename",$A$1),FIND("[",CELL("filename",$A$1))-1)'


def layout(relative: str) -> SheetLayout:
    """``relative``: the project folder (holding udfs/ and macros/) seen from the workbook's folder,
    e.g. ``..``; empty when the packages are installed with pip and need no path."""
    sheet = SheetLayout(SHEET, "input")
    sheet.put(1, 1, "UDF Modules", "code")
    sheet.put(1, 2, MODULES, "input_text")
    sheet.put(2, 1, "PYTHONPATH", "code")
    sheet.formula(2, 2, f'IF($C$2="","",IFERROR({FOLDER}&$C$2,""))', None, "text")
    sheet.put(2, 3, relative, "input_text")
    notes = [
        "xlwings læser nøglerne i kolonne A fra A1 og ned til første tomme celle, og værdierne i kolonne B.",
        "UDF Modules: de Python-moduler, som 'Importér funktioner' henter funktioner (BC_SUMMARY …) og knapmakroer (BC_Refresh …) fra.",
        "PYTHONPATH: projektmappen (med udfs/ og macros/) regnet fra arbejdsbogens mappe; skriv den relative sti i C2. "
        "Tom, når budgetcontrol er installeret med pip.",
        "Fortolker (Interpreter_Win/Mac) og øvrige indstillinger kommer fra xlwings' tilføjelsesprogram (xlwings addin install).",
    ]
    for i, text in enumerate(notes, start=4):
        sheet.put(i, 1, text, "note")
    sheet.widths.update({1: 16, 2: 60, 3: 16})
    return sheet
