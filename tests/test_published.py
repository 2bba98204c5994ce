"""The municipality's own published figures (published.csv) are reproduced to the krone."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from helpers import EXAMPLE, ROOT, read_rows

from budgetcontrol.contract import load
from budgetcontrol.engine import compute

KEY = ("sector", "category", "kind")
FIGURES = ("original", "actual", "corrected", "variance")


def published() -> list[dict]:
    return read_rows(EXAMPLE / "published.csv")


def test_engine_reproduces_every_published_figure():
    summary = compute(load(EXAMPLE)).summary.set_index(list(KEY))
    for row in published():
        key = tuple(row[k] for k in KEY)
        for figure in FIGURES:
            assert summary.at[key, figure] == float(row[figure]), (key, figure)


def test_export_command_prints_published_figures():
    out = subprocess.run([sys.executable, "-m", "budgetcontrol", "export", str(EXAMPLE), "--table", "summary", "--format", "csv"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    rows = {tuple(r[k] for k in KEY): r for r in csv.DictReader(io.StringIO(out))}
    assert list(csv.DictReader(io.StringIO(out)).fieldnames) == ["sector", "category", "kind", "original", "corrected", "actual", "variance"]
    for row in published():
        exported = rows[tuple(row[k] for k in KEY)]
        for figure in FIGURES:
            assert exported[figure] == row[figure], (row, figure)


def test_worked_fact_1_corrected_service_budget():
    """domain.md fact 1: corrected 1.906.915 / −248.335 (income incl. refund), net 1.658.580, variance −21.685."""
    s = compute(load(EXAMPLE)).summary.set_index(list(KEY))
    assert s.at[("BU", "service", "expense"), "corrected"] == 1906915
    assert s.at[("BU", "service", "income"), "corrected"] + s.at[("BU", "service", "refund"), "corrected"] == -248335
    assert s.at[("BU", "service", "net"), "corrected"] == 1658580
    assert s.at[("BU", "service", "net"), "variance"] == -21685


def test_example_data_matches_shared_data_where_shared_is_present():
    """examples/ is a copy of ../shared/data (plus group: capital for Anlæg); the CSVs must not drift."""
    shared = ROOT.parent / "shared" / "data" / "aalborg-2014-bu"
    if not shared.exists():
        pytest.skip("no ../shared beside this clone")
    for name in ("budget.csv", "changes.csv", "actuals.csv", "published.csv"):
        assert (EXAMPLE / name).read_bytes() == (shared / name).read_bytes(), name
