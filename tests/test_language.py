"""Danish for the controller, English for the code (issue 18, point 1): the tabs are Danish by default
(``language: da``), English with ``language: en``; Table names and their headers stay the contract's. A
refresh never renames a sheet: a workbook with English tabs (as every workbook built before part 5 has)
keeps them, and a sheet it lacks is added under its English name."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.sheets import names
from helpers import EXAMPLE, JUNE_EXPORT

runner = CliRunner()
MAY = EXAMPLE.parent / "aalborg-2014-bu-may"


def in_english(tmp_path):
    folder = tmp_path / "en"
    shutil.copytree(MAY, folder)
    model = yaml.safe_load((folder / "model.yaml").read_text(encoding="utf-8"))
    (folder / "model.yaml").write_text(yaml.safe_dump({**model, "language": "en"}, allow_unicode=True), encoding="utf-8")
    return folder


def build(source, book):
    result = runner.invoke(app, ["build", str(source), "-o", str(book)])
    assert result.exit_code == 0, result.stderr
    return book


def formula_sheets(book) -> set[str]:
    """Every sheet a formula, defined name or hyperlink of the workbook points at."""
    wb = openpyxl.load_workbook(book)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    texts += [d.attr_text for d in wb.defined_names.values()]
    texts += [c.hyperlink.location for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.hyperlink]
    return {m for text in texts for m in re.findall(r"'([^']+)'!", text or "")}


def test_the_tabs_are_danish_by_default_and_every_reference_names_them(tmp_path):
    book = build(MAY, tmp_path / "da.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [names.DANISH[key] for key in names.ORDER]
    assert wb.sheetnames[:3] == ["Oversigt", "Status", "Måned for måned"]
    assert {"Indstillinger", "Kontroller", "Ændringer", "Regnskab", "Sektoroversigt"} <= set(wb.sheetnames)
    assert formula_sheets(book) <= set(wb.sheetnames)
    assert not formula_sheets(book) & (set(names.ENGLISH.values()) - set(names.DANISH.values()))
    assert {t for ws in wb.worksheets for t in ws.tables} >= {"Budget", "Changes", "Actuals", "Forecast", "Sectors"}
    assert [c.value for c in wb["Ændringer"][3]][:3] == ["change_id", "date", "status"]  # the contract's headers
    checks = [wb["Kontroller"].cell(r, 2).value or "" for r in range(5, 40)]
    assert any("'Korrigeret budget'" in text for text in checks)
    assert not any("Corrected budget" in text or "Line forecast" in text for text in checks)
    assert runner.invoke(app, ["export", str(book), "--table", "summary"]).exit_code == 0


def test_language_en_gives_the_english_tabs(tmp_path):
    book = build(in_english(tmp_path), tmp_path / "en.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [names.ENGLISH[key] for key in names.ORDER]
    assert "Settings" in wb.sheetnames and "Overview" in wb.sheetnames
    assert formula_sheets(book) <= set(wb.sheetnames)


def test_a_refresh_keeps_english_tabs_and_adds_a_missing_sheet_in_english(tmp_path):
    """A workbook as built before part 5: English tabs, no overview sheet."""
    book = build(in_english(tmp_path), tmp_path / "old.xlsx")
    wb = openpyxl.load_workbook(book)
    del wb["Overview"]
    wb.save(book)
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE_EXPORT)])
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(book)
    assert "Overview" in wb.sheetnames and "Oversigt" not in wb.sheetnames
    assert [n for n in wb.sheetnames if n != "Overview"] == [names.ENGLISH[k] for k in names.ORDER if k != names.OVERVIEW]
    assert formula_sheets(book) <= set(wb.sheetnames)
    exported = runner.invoke(app, ["export", str(book), "--table", "monthly"])
    assert exported.exit_code == 0 and "2014-06" in exported.stdout


def test_a_refresh_of_a_danish_workbook_keeps_its_danish_tabs(tmp_path):
    book = build(MAY, tmp_path / "da.xlsx")
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE_EXPORT)])
    assert result.exit_code == 0, result.stderr
    assert openpyxl.load_workbook(book).sheetnames == [names.DANISH[key] for key in names.ORDER]


@pytest.mark.libreoffice
def test_an_english_workbook_refreshed_verifies(soffice, tmp_path):
    book = build(in_english(tmp_path), tmp_path / "en.xlsx")
    assert runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE_EXPORT)]).exit_code == 0
    result = runner.invoke(app, ["verify", str(book)])
    assert result.exit_code == 0, result.output
