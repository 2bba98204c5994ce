"""Render sheets of a workbook to PNG for the README (first printed page of each sheet).

Usage: python scripts/picture.py SOURCE OUT_DIR [--as-of YYYY-MM-DD] SHEET=NAME ...
  e.g. python scripts/picture.py examples/aalborg-2014-bu workbook --as-of 2014-06-30 \
           "Status=status" "Monthly=monthly" "Sector summary=sector-summary"
SOURCE is a data folder or a workbook. Needs LibreOffice and pdftoppm. Each sheet is printed
alone (the others hidden), so its first page is the picture.
"""

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from budgetcontrol import contract, sheets
from budgetcontrol.engine import compute
from budgetcontrol.recalc import convert
from budgetcontrol.xlsx import writer

args = sys.argv[1:]
source, out = Path(args.pop(0)), Path(args.pop(0))
as_of = None
if args and args[0] == "--as-of":
    as_of = dt.date.fromisoformat(args[1])
    args = args[2:]
layouts = sheets.layouts(compute(contract.load(source), as_of))
with tempfile.TemporaryDirectory() as tmp:
    for spec in args:
        sheet, name = spec.split("=")
        wb = writer.workbook(layouts)
        for ws in wb.worksheets:
            ws.sheet_state = "visible" if ws.title == sheet else "hidden"
        wb.active = wb.sheetnames.index(sheet)
        book = Path(tmp) / f"{name}.xlsx"
        writer.write_file(wb, book)  # with the rows streamed into the file (Monthly calc, Ledger …)
        pdf = convert(book, tmp, "pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out / name)],
                       check=True)
