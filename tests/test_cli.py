"""The command line's conventions (issue 18, point 7): --version, --quiet, figures with their unit as one
number, CSV exports without float noise, and a CSV a Danish Excel opens straight into columns."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from importlib.metadata import version

from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.danish import with_unit
from helpers import EXAMPLE

runner = CliRunner()
MAY = EXAMPLE.parent / "aalborg-2014-bu-may"


def test_version_prints_the_installed_version():
    result = subprocess.run([sys.executable, "-m", "budgetcontrol", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"budgetcontrol {version('budgetcontrol')}"


def test_quiet_is_accepted_before_any_command():
    result = runner.invoke(app, ["--quiet", "export", str(MAY), "--table", "summary"])
    assert result.exit_code == 0 and result.stdout.startswith("sector,category,kind")


def test_a_figure_and_its_unit_read_as_one_number():
    assert with_unit(139137, "1.000 kr.") == "139.137 t.kr."
    assert with_unit(-2.5, "kr.") == "-2,5 kr."
    assert with_unit(12, "1.000.000 kr.") == "12 mio. kr."
    assert with_unit(7, "timer") == "7 timer"


def test_csv_exports_print_amounts_to_the_ore_and_ratios_to_six_decimals(tmp_path):
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["export", str(MAY), "--table", "monthly"]).stdout)))
    january = rows[0]
    assert january["budget_month"] == "159535.66667"  # 1.914.428 t.kr. / 12 to the øre, not 159535.666666667
    assert january["consumption"] == "0.081769"
    for row in rows:
        for name in ("corrected", "budget_month", "budget_ytd", "variance_ytd", "forecast", "expected_result"):
            assert len(row[name].partition(".")[2]) <= 5, (name, row[name])
    kroner = tmp_path / "kr"
    shutil.copytree(MAY, kroner)
    model = (kroner / "model.yaml").read_text(encoding="utf-8").replace('unit: "1.000 kr."', 'unit: "kr."')
    (kroner / "model.yaml").write_text(model, encoding="utf-8")
    in_kroner = list(csv.DictReader(io.StringIO(runner.invoke(app, ["export", str(kroner), "--table", "monthly"]).stdout)))
    assert in_kroner[0]["budget_month"] == "159535.67"


def test_the_danish_csv_opens_in_a_danish_excel_straight_into_columns():
    result = subprocess.run([sys.executable, "-m", "budgetcontrol", "export", str(MAY), "--table", "monthly", "--format",
                             "csv-da"], capture_output=True)
    assert result.returncode == 0
    assert result.stdout.startswith("\ufeffsector;category;kind;month;".encode("utf-8")) and b"\r\n" in result.stdout
    text = result.stdout.decode("utf-8").replace("\r\n", "\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0]["budget_month"] == "159535,66667" and rows[0]["variance_ytd"] == "-2994,66667"  # a figure, no apostrophe
    plain = list(csv.DictReader(io.StringIO(runner.invoke(app, ["export", str(MAY), "--table", "monthly"]).stdout)))
    assert [r["variance_ytd"].replace(".", ",") for r in plain] == [r["variance_ytd"] for r in rows]
