"""Never lose a controller's work (issue 8): atomic writes with backups, one command per workbook at a
time, Excel's owner file respected, texts that look like formulas kept as texts, build --check."""

from __future__ import annotations

import csv
import io
import json
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import TableColumn
import pytest
from typer.testing import CliRunner

from budgetcontrol import contract
from budgetcontrol.cli import app
from budgetcontrol.export import inert
from budgetcontrol.xlsx import safe
from helpers import EXAMPLE
from test_refresh import split_example

runner = CliRunner()
CLI = [sys.executable, "-m", "budgetcontrol"]


@pytest.fixture
def book(tmp_path) -> tuple[Path, Path]:
    """The example built to May, and June's actuals as a finance-system export."""
    folder, export = split_example(tmp_path)
    path = tmp_path / "book.xlsx"
    result = runner.invoke(app, ["build", str(folder), "-o", str(path), "--as-of", "2014-05-31"])
    assert result.exit_code == 0, result.stderr
    return path, export


def one_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# ---- safe writes ---------------------------------------------------------------------------------


def test_a_process_killed_at_any_moment_leaves_the_old_or_the_new_workbook_20_times(book, tmp_path):
    path, export = book
    original = path.read_bytes()
    folder = tmp_path / "data"
    commands = {
        "refresh": CLI + ["refresh", str(path), "--actuals", str(export)],
        "build": CLI + ["build", str(folder), "-o", str(path), "--as-of", "2014-04-30"],
    }
    finished, took = {}, {}
    for name, command in commands.items():  # each run to the end once: the new workbook, and how long it takes
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        took[name] = time.perf_counter() - start
        finished[name] = path.read_bytes()
        path.write_bytes(original)
    assert finished["refresh"] != original and finished["build"] != original
    rng = random.Random(8)
    outcomes = []
    for i in range(20):
        name = "refresh" if i % 2 == 0 else "build"
        path.write_bytes(original)
        process = subprocess.Popen(commands[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, took[name] * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = path.read_bytes()
        assert now in (original, finished[name]), f"kill {i} ({name}) left a workbook that is neither the old nor the new"
        outcomes.append(now == original)
        contract.load(path)  # loadable
    assert any(outcomes), "no kill came before the rename: the test did not test anything"
    # a command after the kills cleans up what they left half-written
    subprocess.run(commands["refresh"], check=True, capture_output=True)
    assert not list(tmp_path.glob(".book.xlsx.*.tmp"))


def test_each_write_keeps_the_previous_version_as_a_backup_five_generations(book, tmp_path):
    path, export = book
    versions = [path.read_bytes()]
    for as_of in ("2014-01-31", "2014-02-28", "2014-03-31", "2014-04-30", "2014-05-31", "2014-06-30"):
        assert runner.invoke(app, ["build", str(tmp_path / "data"), "-o", str(path), "--as-of", as_of]).exit_code == 0
        versions.append(path.read_bytes())
    kept = safe.backups(path)
    assert len(kept) == safe.BACKUPS
    assert [p.read_bytes() for p in kept] == versions[-safe.BACKUPS - 1:-1]  # the five before the current one
    assert all(p.parent.name == safe.BACKUP_FOLDER and p.parent.parent == path.parent for p in kept)


def test_a_workbook_reached_through_a_symlink_is_written_through_it_and_backed_up_as_a_real_copy(book, tmp_path):
    path, export = book
    folder = tmp_path / "links"
    folder.mkdir()
    link = folder / "controller.xlsx"
    link.symlink_to(path)
    before = path.read_bytes()
    result = runner.invoke(app, ["refresh", str(link), "--actuals", str(export)])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and link.resolve() == path.resolve()  # still a link, to the same workbook
    assert path.read_bytes() != before and contract.load(link).model.default_as_of.isoformat() == "2014-06-30"
    kept = safe.backups(path)
    assert kept and not kept[-1].is_symlink() and kept[-1].read_bytes() == before


def test_a_second_refresh_while_one_holds_the_workbook_is_refused_and_changes_nothing(book):
    path, export = book
    before = path.read_bytes()
    with safe.exclusive(path):
        line = one_line(runner.invoke(app, ["refresh", str(path), "--actuals", str(export)]))
        assert "another budgetcontrol command is writing this workbook" in line and str(path) in line
    assert path.read_bytes() == before
    assert runner.invoke(app, ["refresh", str(path), "--actuals", str(export)]).exit_code == 0  # released


def test_two_refreshes_started_together_give_one_whole_refreshed_workbook(book, tmp_path):
    path, export = book
    twin = tmp_path / "twin.xlsx"
    twin.write_bytes(path.read_bytes())
    subprocess.run(CLI + ["refresh", str(twin), "--actuals", str(export)], check=True, capture_output=True)
    processes = [subprocess.Popen(CLI + ["refresh", str(path), "--actuals", str(export)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(2)]
    codes = [p.wait() for p in processes]
    assert sorted(codes) in ([0, 0], [0, 2]), codes
    assert path.read_bytes() == twin.read_bytes()  # refreshed once (a second refresh changes nothing)


@pytest.mark.parametrize("name,owner", [("book.xlsx", "~$book.xlsx"), ("controller.xlsx", "~$ntroller.xlsx")])
def test_a_workbook_open_in_excel_is_refused_unless_forced(book, tmp_path, name, owner):
    path, export = book
    path = path.rename(tmp_path / name)
    before = path.read_bytes()
    (tmp_path / owner).write_bytes(b"\x0cJens Hansen")
    line = one_line(runner.invoke(app, ["refresh", str(path), "--actuals", str(export)]))
    assert "open in Excel" in line and owner in line and "--force" in line
    line = one_line(runner.invoke(app, ["build", str(tmp_path / "data"), "-o", str(path)]))
    assert "open in Excel" in line
    assert path.read_bytes() == before
    result = runner.invoke(app, ["refresh", str(path), "--actuals", str(export), "--force"])
    assert result.exit_code == 0, result.stderr
    assert contract.load(path).model.default_as_of.isoformat() == "2014-06-30"


# ---- texts that look like formulas ---------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","klik")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _hostile_folder(tmp_path: Path) -> Path:
    """The example with the changes' descriptions replaced by texts a spreadsheet would run as formulas."""
    folder, _ = split_example(tmp_path)
    path = folder / "changes.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for i, row in enumerate(rows):
        row["description"] = HOSTILE[i % len(HOSTILE)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_texts_beginning_like_a_formula_are_inert_in_csv_exports(tmp_path):
    folder = _hostile_folder(tmp_path)
    result = runner.invoke(app, ["export", str(folder), "--table", "changes"])
    assert result.exit_code == 0, result.stderr
    descriptions = [row["description"] for row in csv.DictReader(io.StringIO(result.stdout))]
    read = [h.strip() for h in HOSTILE]  # the contract strips the whitespace around a CSV cell
    assert len(descriptions) > len(HOSTILE)
    assert all(d in [("'" + h) if h[0] in "=+-@" else h for h in read] for d in descriptions), descriptions
    assert sum(d.startswith("'") for d in descriptions) >= 4
    assert [inert(t) for t in ("\tx", "\rx", "=1", "x=1", 5, -5.0)] == ["'\tx", "'\rx", "'=1", "x=1", 5, -5.0]
    amounts = [row["amount"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert any(a.startswith("-") for a in amounts)  # negative numbers stay numbers
    result = runner.invoke(app, ["export", str(folder), "--table", "changes", "--format", "json"])
    assert {r["description"] for r in json.loads(result.stdout)} <= set(read)  # JSON is not a spreadsheet


def test_texts_beginning_like_a_formula_stay_texts_in_the_workbook_and_through_a_refresh(tmp_path):
    folder = _hostile_folder(tmp_path)
    path = tmp_path / "hostile.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(path), "--as-of", "2014-05-31"]).exit_code == 0
    wb = openpyxl.load_workbook(path)  # a controller's own column in Actuals: a text like a formula, and a formula
    ws, table = wb["Regnskab"], wb["Regnskab"].tables["Actuals"]
    ws["G3"], ws["G4"], ws["G5"] = "note", "=SUM(99)", "=F5*2"
    ws["G4"].data_type = "s"
    ws["G6"] = ArrayFormula("G6", "=SUM(F4:F6*1)")  # an array (CSE) formula
    table.ref = table.autoFilter.ref = table.ref.replace("F", "G")
    table.tableColumns.append(TableColumn(id=7, name="note"))
    wb.save(path)
    export = tmp_path / "erp-2014-06.csv"
    text = export.read_bytes().decode("cp1252").splitlines()
    month, sector, category, _, kind, amount = text[1].split(";")
    text.append(";".join([month, sector, category, "+1+1", kind, "1,00"]))  # an activity code beginning with "+"
    export.write_bytes(("\r\n".join(text) + "\r\n").encode("cp1252"))
    result = runner.invoke(app, ["refresh", str(path), "--actuals", str(export)])
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(path)
    changes = wb["Ændringer"]
    header = [c.value for c in changes[3]]
    found = [changes.cell(r, header.index("description") + 1) for r in range(4, changes.max_row + 1)]
    assert {c.value for c in found if c.value} == {h.strip() for h in HOSTILE}
    assert all(c.data_type == "s" for c in found if c.value)
    typed = [c for row in wb["Regnskab"].iter_rows(min_row=4) for c in row if c.value == "+1+1"]
    assert len(typed) == 1 and typed[0].data_type == "s"
    notes = {getattr(c.value, "text", c.value): c.data_type for c in wb["Regnskab"]["G"][3:] if c.value}
    assert notes == {"=SUM(99)": "s", "=F5*2": "f", "=SUM(F4:F6*1)": "f"}
    assert (contract.load(path).actuals["activity"] == "+1+1").sum() == 1


# ---- reproducible regeneration -------------------------------------------------------------------


def test_building_twice_gives_the_same_bytes_and_check_says_up_to_date(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (a, b):
        assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-09-30"]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    mtime = a.stat().st_mtime_ns
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(a), "--as-of", "2014-09-30", "--check"])
    assert result.exit_code == 0 and "up to date" in result.stdout
    assert a.stat().st_mtime_ns == mtime and not safe.backups(a)


def test_check_exits_1_with_sheet_cell_old_and_new_when_the_committed_workbook_is_stale(tmp_path):
    path = tmp_path / "committed.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-09-30"]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    wb["Budget"]["E4"] = 1
    wb.save(path)
    before = path.read_bytes()
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-09-30", "--check"])
    assert result.exit_code == 1
    assert "stale" in result.stdout and "Budget!E4: 1 -> " in result.stdout
    assert path.read_bytes() == before
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-06-30", "--check"])
    assert result.exit_code == 1 and "Indstillinger!C8" in result.stdout
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(tmp_path / "none.xlsx"), "--check"])
    assert result.exit_code == 1 and "missing" in result.stdout and not (tmp_path / "none.xlsx").exists()


# ---- hostile packages ----------------------------------------------------------------------------


def test_a_zip_bomb_and_a_truncated_workbook_are_refused_in_one_line(book, tmp_path):
    path, export = book
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/media/padding.bin", b"\0" * (64 * 1024**2))
    assert "zip bomb" in one_line(runner.invoke(app, ["export", str(bomb)]))
    assert "zip bomb" in one_line(runner.invoke(app, ["refresh", str(bomb), "--actuals", str(export)]))
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    before = truncated.read_bytes()
    assert "not an .xlsx workbook" in one_line(runner.invoke(app, ["refresh", str(truncated), "--actuals", str(export)]))
    assert truncated.read_bytes() == before


# ---- preserved edits -----------------------------------------------------------------------------


def test_a_controllers_edits_survive_three_refreshes_of_the_xlsm(tmp_path):
    """Typed Table rows, an added sheet, comments and formatting on input sheets, a defined name of one's
    own and the VBA project all survive any number of refreshes."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    folder, june = split_example(tmp_path / "june")
    july, august = (split_example(tmp_path / m, f"2014-{m[-2:]}")[1] for m in ("m07", "m08"))
    path = tmp_path / "controller.xlsm"
    assert runner.invoke(app, ["build", str(folder), "-o", str(path), "--as-of", "2014-05-31"]).exit_code == 0
    vba = zipfile.ZipFile(path).read("xl/vbaProject.bin")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    budget = wb["Budget"]
    table = budget.tables["Budget"]
    last = int(table.ref.split(":")[1][1:]) + 1
    for c, value in enumerate(["BU", "service", "9.99", "expense", 1234.0], start=1):
        budget.cell(last, c).value = value
    table.ref = table.autoFilter.ref = f"{table.ref.split(':')[0]}:E{last}"
    budget["B4"].comment = Comment("Tjek med fagchefen", "Jens")
    budget["E5"].fill = PatternFill("solid", fgColor="FFFF00")
    wb["Ændringer"]["L1"] = "Mine noter til ændringerne"
    wb.create_sheet("Mine noter")["A1"] = "='Status'!D9"
    wb.defined_names["MinGraense"] = DefinedName("MinGraense", attr_text="'Mine noter'!$A$1")
    wb.save(path)
    for export in (june, july, august):
        result = runner.invoke(app, ["refresh", str(path), "--actuals", str(export)])
        assert result.exit_code == 0, result.stderr
        wb = openpyxl.load_workbook(path, keep_vba=True)
        budget = wb["Budget"]
        assert [budget.cell(last, c).value for c in range(1, 6)] == ["BU", "service", "9.99", "expense", 1234]
        assert budget.tables["Budget"].ref.endswith(f"E{last}")
        assert budget["B4"].comment is not None and budget["B4"].comment.text.startswith("Tjek med fagchefen")
        assert budget["E5"].fill.fgColor.rgb.endswith("FFFF00")
        assert wb["Ændringer"]["L1"].value == "Mine noter til ændringerne"
        assert wb["Mine noter"]["A1"].value == "='Status'!D9"
        assert wb.defined_names["MinGraense"].attr_text == "'Mine noter'!$A$1"
        assert zipfile.ZipFile(path).read("xl/vbaProject.bin") == vba
    inputs = contract.load(path)
    assert inputs.model.default_as_of.isoformat() == "2014-08-31"
    assert ((inputs.budget["activity"] == "9.99") & (inputs.budget["amount"] == 1234)).sum() == 1


def test_openpyxl_parses_with_defusedxml_and_an_entity_bomb_is_refused_in_one_line(book, tmp_path):
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # openpyxl uses defusedxml when it is installed
    path, export = book
    bomb = tmp_path / "laughs.xlsx"
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                text = data.decode()
                at = text.index("?>") + 2 if text.startswith("<?xml") else 0
                data = (text[:at] + laughs + text[at:]).encode()
            target.writestr(info, data)
    before = bomb.read_bytes()
    line = one_line(runner.invoke(app, ["refresh", str(bomb), "--actuals", str(export)]))
    assert str(bomb) in line
    assert bomb.read_bytes() == before


def test_check_sees_a_changed_number_format_and_a_changed_column_width(tmp_path):
    path = tmp_path / "committed.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-09-30"]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    wb["Status"]["A1"].number_format = "0.00%"
    wb["Budget"].column_dimensions["B"].width = 99
    wb.save(path)
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(path), "--as-of", "2014-09-30", "--check"])
    assert result.exit_code == 1, result.stdout
    assert "Status!A1: format ('0.00%'" in result.stdout and "Budget: column widths" in result.stdout
