"""Render the demo workbook's first pages (Sector summary, Corrected budget) to PNG for the README.

Usage: python scripts/picture.py WORKBOOK OUT_DIR   (needs LibreOffice and pdftoppm)
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from budgetcontrol.recalc import convert

book, out = Path(sys.argv[1]), Path(sys.argv[2])
with tempfile.TemporaryDirectory() as tmp:
    pdf = convert(book, tmp, "pdf")
    for page, name in ((1, "sector-summary"), (2, "corrected-budget")):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(out / name)], check=True)
