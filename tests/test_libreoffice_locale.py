"""A Danish-locale recalculation: LibreOffice with a da-DK profile (decimal comma, Danish dates), over a
municipality whose activity codes look like dates or decimals to a Danish spreadsheet (5.02.53, 1,5 …).
Every formula cell must still equal the engine: the codes stay texts and the criteria built from them
match them as texts."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from budgetcontrol.recalc import PROFILE, recalculate
from budgetcontrol.sheets import layouts
from budgetcontrol.verify import compare
from helpers import small_municipality, write_folder
from test_ooxml_valid import cli

pytestmark = pytest.mark.libreoffice

# What a Danish Excel or LibreOffice would read as a date (D-M-Y), a decimal or a number if it were typed,
# and the activity codes of the authorized chart of accounts' form (5.02.53), which look like dates elsewhere.
# No two are one number to Excel (1,5 and 1.5 would be: the contract refuses such a pair).
LOOKALIKES = ["5.02.53", "1,5", "0,25", "12.05.14", "01-02-2014", "2014-06", "1.234,5", "00012", "1e3", "-1", "3/4",
              "2,75", "31.12", "1.02.03", "7,0", "10-10", "5-2-53", "3,14", "0,5", "12-2014"]


def lookalike_municipality(folder):
    write_folder(folder, *small_municipality(seed=11))
    frames = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("budget", "changes", "actuals")}
    codes = sorted({a for f in frames.values() for a in f["activity"] if a})
    assert len(codes) <= len(LOOKALIKES)
    mapping = dict(zip(codes, LOOKALIKES))
    for name, frame in frames.items():
        frame.assign(activity=frame["activity"].map(lambda a: mapping.get(a, a))).to_csv(folder / f"{name}.csv", index=False)
    return folder, set(mapping.values())


def test_the_recalculation_profile_is_danish(tmp_path):
    assert "da-DK" in PROFILE
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"], wb.active["A3"] = '=VALUE("1,5")', '=VALUE("1.234,5")', '=VALUE("01-02-2014")'
    wb.save(tmp_path / "probe.xlsx")
    out = openpyxl.load_workbook(recalculate(tmp_path / "probe.xlsx", tmp_path / "lo"), data_only=True).active
    assert out["A1"].value == 1.5 and out["A2"].value == 1234.5  # a decimal comma, a thousands dot: da-DK in effect
    assert out["A3"].value == 41671  # a Danish date, 1 February 2014


def test_codes_that_look_like_dates_or_decimals_recalculate_equal_to_the_engine_in_a_danish_locale(tmp_path):
    folder, codes = lookalike_municipality(tmp_path / "muni")
    res = compute(load(folder))
    assert codes <= set(res.lines["activity"])  # read as the texts they are
    book = tmp_path / "book.xlsx"
    cli("build", folder, "-o", book)
    out = recalculate(book, tmp_path / "lo")
    mismatches, compared = compare(layouts(compute(load(book))), out)
    assert compared > 3000
    assert mismatches == [], mismatches[:10]
    shown = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Korrigeret budget").to_python()
    assert codes <= {c for row in shown for c in row if isinstance(c, str)}  # still texts after LibreOffice saved them
