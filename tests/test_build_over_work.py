"""`build` over an existing workbook never drops a controller's work silently (issue 17): a sheet of their
own, a row typed into an input Table or a defined name of their own makes it refuse in one line, unless
--force, which says what it dropped and where the backup is. A rebuild that drops nothing just writes."""

from __future__ import annotations

import datetime as dt

import zipfile

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.xlsx import safe
from helpers import EXAMPLE, append_table_row

runner = CliRunner()


def built(tmp_path):
    path = tmp_path / "that.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path)]).exit_code == 0
    return path


def test_rebuilding_over_an_unchanged_workbook_just_writes(tmp_path):
    path = built(tmp_path)
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-06-30"])
    assert result.exit_code == 0, result.stderr
    assert "dropped" not in result.stderr


def test_a_build_over_an_own_sheet_a_typed_change_row_and_an_own_name_is_refused_then_forced(tmp_path):
    path = built(tmp_path)
    append_table_row(path, "Changes", "Changes", ["X99", dt.date(2014, 11, 20), "approved", "supplementary", "BU", "service", "",
                                                  "expense", 250, "Tastet i Excel", "BV-99"])
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Min analyse")["A1"] = "mine"
    wb.defined_names["MitNavn"] = DefinedName("MitNavn", attr_text="'Min analyse'!$A$1")
    wb.save(path)
    row = range_boundaries(openpyxl.load_workbook(path)["Ændringer"].tables["Changes"].ref)[3]
    before = path.read_bytes()
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path)])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "holds work a build would drop" in line and "sheet 'Min analyse'" in line
    assert f"1 row of the Changes Table (row {row}" in line and "defined name 'MitNavn'" in line
    assert "budgetcontrol refresh" in line and "--force" in line
    assert path.read_bytes() == before
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--force"])
    assert result.exit_code == 0, result.stderr
    assert "dropped: sheet 'Min analyse'" in result.stderr and safe.BACKUP_FOLDER in result.stderr
    assert safe.backups(path)[-1].read_bytes() == before
    assert "Min analyse" not in openpyxl.load_workbook(path).sheetnames


def test_build_keep_carries_the_own_sheet_the_typed_row_and_the_name_over_and_adds_the_data_folders_rows(tmp_path):
    from excel_features import OWN_PARTS, add_excel_features

    from budgetcontrol import contract
    from helpers import copy_example

    folder = copy_example(tmp_path / "data")
    path = tmp_path / "that.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(path)]).exit_code == 0
    append_table_row(path, "Changes", "Changes", ["X99", dt.date(2014, 11, 20), "approved", "supplementary", "BU", "service",
                                                  "", "expense", 250, "Tastet i Excel", "BV-99"])
    add_excel_features(path)
    with zipfile.ZipFile(path) as z:
        own = {n: z.read(n) for n in OWN_PARTS}
    with (folder / "changes.csv").open("a", encoding="utf-8") as fh:  # a change the data folder got since
        fh.write("C14-99,2014-12-01,approved,mid_year,BU,guaranteed,,expense,1000,Midtvejsregulering 2,\n")
    result = runner.invoke(app, ["build", str(folder), "-o", str(path), "--keep"])
    assert result.exit_code == 0, result.stderr
    assert "1 row of" in result.stderr and "replacing 0" in result.stderr
    changes = contract.load(path).changes
    assert {"X99", "C14-99"} <= set(changes["change_id"])
    with zipfile.ZipFile(path) as z:
        assert {n: z.read(n) for n in OWN_PARTS} == own  # the controller's sheet and its parts, byte for byte
    assert runner.invoke(app, ["build", str(folder), "-o", str(path), "--keep"]).exit_code == 0  # again: nothing to add
    assert (contract.load(path).changes["change_id"] == "C14-99").sum() == 1


def test_build_keep_takes_the_data_folders_corrections_and_counts_nothing_twice(tmp_path):
    """A change corrected in the data folder, and a month of actuals it gives anew, replace the workbook's
    rows of that change and month: the figures equal a fresh build's, with the typed change on top."""
    from budgetcontrol import contract
    from budgetcontrol.engine import compute
    from helpers import copy_example

    folder = copy_example(tmp_path / "data")
    path = tmp_path / "that.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(path)]).exit_code == 0
    append_table_row(path, "Changes", "Changes", ["X99", dt.date(2014, 11, 20), "approved", "supplementary", "BU", "service",
                                                  "", "expense", 250, "Tastet i Excel", "BV-99"])
    text = (folder / "changes.csv").read_text(encoding="utf-8").replace(",9861,", ",9900,")
    (folder / "changes.csv").write_text(text, encoding="utf-8")
    lines = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines()
    january = next(i for i, line in enumerate(lines) if line.startswith("2014-01,BU,service,,expense,"))
    lines[january] = lines[january].rsplit(",", 1)[0] + ",156000"
    (folder / "actuals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(folder), "-o", str(path), "--keep"])
    assert result.exit_code == 0, result.stderr
    fresh = tmp_path / "fresh.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(fresh)]).exit_code == 0
    kept, built = compute(contract.load(path)), compute(contract.load(fresh))
    line = ("BU", "service", "", "expense")
    by = lambda r: r.lines.set_index(["sector", "category", "activity", "kind"])  # noqa: E731
    assert by(kept).at[line, "corrected"] == pytest.approx(by(built).at[line, "corrected"] + 250)  # the typed X99
    assert contract.load(path).actuals["amount"].sum() == pytest.approx(contract.load(fresh).actuals["amount"].sum())
    assert len(contract.load(path).changes) == len(contract.load(fresh).changes) + 1


def test_build_keep_refuses_another_fiscal_year_and_a_name_that_belies_the_package(tmp_path):
    from helpers import copy_example

    folder = copy_example(tmp_path / "data")
    path = tmp_path / "that.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(path)]).exit_code == 0
    renamed = tmp_path / "that.xlsm"
    renamed.write_bytes(path.read_bytes())
    result = runner.invoke(app, ["build", str(folder), "-o", str(renamed), "--keep"])
    assert result.exit_code == 2 and "not macro-enabled while its name ends in .xlsm" in result.stderr
    before = path.read_bytes()
    other_year = EXAMPLE.parent / "aalborg-2019-bu"
    result = runner.invoke(app, ["build", str(other_year), "-o", str(path), "--keep"])
    assert result.exit_code == 2 and "fiscal year 2014" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before


def test_a_build_over_an_own_column_in_a_table_or_an_own_note_on_an_input_sheet_is_refused(tmp_path):
    path = built(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    t = ws.tables["Budget"]
    c1, r1, c2, r2 = range_boundaries(t.ref)
    ws.cell(r1, c2 + 1, "note")
    from openpyxl.worksheet.table import TableColumn

    t.tableColumns.append(TableColumn(id=len(t.tableColumns) + 1, name="note"))
    t.ref = t.autoFilter.ref = f"A{r1}:{openpyxl.utils.get_column_letter(c2 + 1)}{r2}"
    ws.cell(r1 + 1, c2 + 1, "husk")
    wb["Ændringer"]["P2"] = "spørg økonomi"
    wb.save(path)
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path)])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "column 'note' of the Budget Table" in line and "your cells on the sheet 'Ændringer' (P2" in line
