"""Bounds on input (issue 17): what would be accepted silently, cut, or take minutes is refused in one
short line naming file, row and column, quoting at most 80 characters, exit 2, nothing written."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from helpers import EXAMPLE

runner = CliRunner()


def refused(folder) -> str:
    result = runner.invoke(app, ["export", str(folder), "--table", "summary"])
    assert result.exit_code == 2, (result.exit_code, result.stdout[:200])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and len(lines[0]) < 400, lines[:2]
    return lines[0]


@pytest.fixture
def folder(tmp_path):
    return shutil.copytree(EXAMPLE, tmp_path / "data")


def test_a_csv_with_two_amount_columns_is_refused(folder):
    path = folder / "budget.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",amount"] + [line + ",1" for line in lines[1:]]) + "\n", encoding="utf-8")
    line = refused(folder)
    assert "budget.csv" in line and "row 1" in line and "'amount' appears twice" in line


def test_an_amount_written_with_an_underscore_is_refused(folder):
    path = folder / "budget.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head, *rest = lines[1].rsplit(",", 1)
    lines[1] = f"{head},1_000"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = refused(folder)
    assert "budget.csv" in line and "row 2" in line and "'1_000' is not a number" in line


def test_a_key_given_twice_in_model_yaml_is_refused(folder):
    path = folder / "model.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "unit: \"kr.\"\n", encoding="utf-8")
    line = refused(folder)
    assert "model.yaml" in line and "the key 'unit' is given twice" in line


@pytest.mark.parametrize("column", ["activity", "description"])
def test_a_text_over_excels_cell_limit_is_refused_never_cut(folder, column):
    name = "budget.csv" if column == "activity" else "changes.csv"
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index(column)] = "x" * 40_000
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = refused(folder)
    assert name in line and "row 2" in line and f"column '{column}'" in line and "40,000 characters" in line
    assert "x" * 81 not in line


def test_a_header_of_50_mb_or_of_100_000_columns_is_refused_at_once(folder, tmp_path):
    export = tmp_path / "huge.csv"
    export.write_text("month," + "x" * (50 * 1024**2) + "\n2014-06,1\n", encoding="utf-8")
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(book)]).exit_code == 0
    before = book.read_bytes()
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(export)])
    assert result.exit_code == 2 and "header line is over" in result.stderr and len(result.stderr) < 400
    export.write_text("month," + ",".join(f"c{i}" for i in range(99_999)) + "\n" + ",".join("1" * 100_000) + "\n",
                      encoding="utf-8")
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(export)])
    assert result.exit_code == 2 and "100,000 columns" in result.stderr and len(result.stderr) < 400
    assert book.read_bytes() == before


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory):
    """A synthetic municipality whose monthly export is far more than a pipe holds (64 KB)."""
    folder = tmp_path_factory.mktemp("big") / "data"
    assert runner.invoke(app, ["synth", str(folder), "--lines", "300", "--months", "6"]).exit_code == 0
    return folder


@pytest.mark.parametrize("command", ["export", "rollup"])
def test_a_full_disk_is_one_line_and_a_closed_pipe_a_quiet_end(command, big_folder):
    import subprocess
    import sys

    args = ["export", str(big_folder), "--table", "monthly", "--format", "csv"] if command == "export" else ["rollup", str(big_folder)]
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "budgetcontrol", *args], stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 2 and done.stderr.strip().splitlines() == ["error: cannot write the output: No space left on device"]
    reader = subprocess.Popen([sys.executable, "-m", "budgetcontrol", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.read(10)
    reader.stdout.close()  # as `| head -c 10` does, long before the output ends
    _, stderr = reader.communicate()
    assert reader.returncode == 0 and b"Traceback" not in stderr and not stderr.strip()


def test_a_unit_over_excels_cell_limit_is_refused_never_cut(folder):
    path = folder / "model.yaml"
    text = path.read_text(encoding="utf-8")
    import re

    path.write_text(re.sub(r'(?m)^unit: .*$', 'unit: "' + "k" * 40_000 + '"', text), encoding="utf-8")
    line = refused(folder)
    assert "model.yaml" in line and "40,000 characters" in line and "k" * 81 not in line


def test_build_check_over_a_workbook_with_excel_2010_features_prints_no_raw_warning(tmp_path):
    from excel_features import add_excel_features

    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(book)]).exit_code == 0
    add_excel_features(book)
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "budgetcontrol", "build", str(EXAMPLE), "-o", str(book), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 1  # stale: a sheet of the controller's own
    assert "Warning" not in done.stderr and "site-packages" not in done.stderr


def test_a_csv_with_old_mac_line_endings_is_read_like_any_other(folder):
    path = folder / "budget.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    result = runner.invoke(app, ["export", str(folder), "--table", "summary", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "010,service,net" in result.stdout or "BU,service,net" in result.stdout


def test_a_recursive_yaml_alias_does_not_hang_the_reader(folder):
    """A walk over the YAML nodes that remembers the ones it has seen (before, it never ended: a hang, not a
    speed target; the generous timeout only turns a hang into a failure)."""
    import subprocess
    import sys

    path = folder / "model.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "labels: &a {x: *a}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "budgetcontrol", "export", str(folder), "--table", "summary"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 2) and "Traceback" not in done.stderr
