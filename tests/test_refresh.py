"""The monthly refresh: idempotent, keeps what the controller typed and added, equals a fresh build."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from budgetcontrol import contract
from budgetcontrol.cli import app
from budgetcontrol.engine import compute
from budgetcontrol.refresh import refresh
from budgetcontrol.sheets.layout import SheetLayout
from helpers import EXAMPLE, read_rows

runner = CliRunner()


def split_example(tmp_path: Path, month: str = "2014-06") -> tuple[Path, Path]:
    """A copy of the example with actuals up to the month before ``month``, and ``month``'s rows as a
    Danish finance-system export (semicolons, decimal comma, Windows-1252)."""
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder)
    rows = read_rows(EXAMPLE / "actuals.csv")
    with (folder / "actuals.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(r for r in rows if r["month"] < month)
    export = tmp_path / f"erp-{month}.csv"
    lines = ["Month;Sector;Category;Activity;Kind;Amount".lower()]
    for r in rows:
        if r["month"] == month:
            amount = f"{float(r['amount']):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
            lines.append(";".join([r["month"], r["sector"], r["category"], r["activity"], r["kind"], amount]))
    export.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return folder, export


def built(folder: Path, path: Path, as_of: str) -> Path:
    result = runner.invoke(app, ["build", str(folder), "-o", str(path), "--as-of", as_of])
    assert result.exit_code == 0, result.stderr
    return path


def snapshot(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: ([[c.value for c in row] for row in ws.iter_rows()], dict(ws.tables.items()))
            for ws in wb.worksheets}


def export_csv(source: Path, table: str, as_of: str | None = None) -> pd.DataFrame:
    args = ["export", str(source), "--table", table] + (["--as-of", as_of] if as_of else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), keep_default_na=False, dtype=str)


def test_refresh_equals_a_fresh_build_with_the_month_in_the_data(tmp_path):
    folder, export = split_example(tmp_path)
    book = built(folder, tmp_path / "book.xlsx", "2014-05-31")
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(export)])
    assert result.exit_code == 0, result.stderr
    assert "Actuals 2014-06: 0 rows out, 7 rows in" in result.stdout
    assert "As-of date: 2014-05-31 -> 2014-06-30" in result.stdout
    assert "total net 2014-06: 0 t.kr. -> 142.674 t.kr." in result.stdout
    refreshed = export_csv(book, "monthly")
    assert refreshed["month"].iloc[-1] == "2014-06"
    pd.testing.assert_frame_equal(refreshed, export_csv(EXAMPLE, "monthly", "2014-06-30"))
    pd.testing.assert_frame_equal(export_csv(book, "summary"), export_csv(EXAMPLE, "summary", "2014-06-30"))


def test_refresh_twice_changes_nothing(tmp_path):
    folder, export = split_example(tmp_path)
    book = built(folder, tmp_path / "book.xlsx", "2014-05-31")
    assert runner.invoke(app, ["refresh", str(book), "--actuals", str(export)]).exit_code == 0
    first = snapshot(book)
    again = runner.invoke(app, ["refresh", str(book), "--actuals", str(export)])
    assert again.exit_code == 0, again.stderr
    assert "7 rows out, 7 rows in" in again.stdout and "unchanged" in again.stdout
    assert snapshot(book) == first


def test_refresh_replaces_a_months_rows_and_keeps_hand_typed_rows_and_added_sheets(tmp_path):
    book = built(EXAMPLE, tmp_path / "book.xlsx", "2014-06-30")
    service_before = _service(compute(contract.load(book)))
    wb = openpyxl.load_workbook(book)
    changes = wb["Ændringer"]
    table = changes.tables["Changes"]
    last = changes.max_row + 1
    for c, value in enumerate(["H-01", dt.datetime(2014, 3, 3), "approved", "supplementary", "BU", "service", None,
                               "expense", 1000.0, "Typed in Excel", None], start=1):
        changes.cell(last, c).value = value
    table.ref = f"A3:K{last}"
    notes = wb.create_sheet("Mine noter")
    notes["A1"] = "Husk at tjekke anbringelser"
    notes["B2"] = "='Status'!D9"
    wb.save(book)
    corrected_before = contract.load(book)
    export = tmp_path / "juni.csv"
    export.write_text("month,sector,category,activity,kind,amount\n2014-06,BU,service,,expense,170000\n", encoding="utf-8")
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(export)])
    assert result.exit_code == 0, result.stderr
    assert "Actuals 2014-06: 7 rows out, 1 rows in" in result.stdout
    wb = openpyxl.load_workbook(book)
    assert wb["Mine noter"]["A1"].value == "Husk at tjekke anbringelser"
    assert wb["Mine noter"]["B2"].value == "='Status'!D9"
    inputs = contract.load(book)
    assert "H-01" in set(inputs.changes["change_id"])
    june = inputs.actuals[inputs.actuals["month"] == "2014-06"]
    assert june["amount"].tolist() == [170000.0]
    assert len(inputs.actuals) == len(corrected_before.actuals) - 7 + 1
    assert _service(compute(inputs)).corrected == service_before.corrected + 1000  # the typed change counts
    assert _service(compute(inputs)).actual_ytd == service_before.actual_ytd - 139137 + 170000


def _service(result):
    status = result.status
    return status[(status.sector == "BU") & (status.category == "service")].iloc[0]


class MemoryBook:
    """The refresh's Book interface, in memory: proves the refresh needs nothing but these methods,
    as the live-Excel book of the refresh button will provide (that one needs Excel on Windows)."""

    def __init__(self, inputs):
        self._inputs = inputs
        self.tables = {"Actuals": [dict(zip(["month", "sector", "category", "activity", "kind", "amount", "note"],
                                            [dt.datetime.strptime(m, "%Y-%m"), s, c, a or None, k, v, "x"]))
                                   for m, s, c, a, k, v in inputs.actuals.itertuples(index=False)],
                       "Phasing": []}
        self.settings: dict = {}
        self.generated: list[SheetLayout] = []

    def inputs(self):
        return self._inputs

    def table_rows(self, name):
        return list(self.tables[name])

    def month_rows(self, name):
        return self.table_rows(name)

    def set_table_rows(self, name, rows, styles):
        self.tables[name] = rows

    def set_setting(self, key, value):
        self.settings[key] = value

    def replace_generated(self, layouts):
        self.generated = layouts


def test_refresh_runs_on_any_book_with_the_small_interface_up_to_the_live_excel_boundary(tmp_path):
    folder, export = split_example(tmp_path, "2014-07")
    inputs = contract.load(folder)
    book = MemoryBook(dataclasses.replace(inputs, model=inputs.model.model_copy(update={"as_of": dt.date(2014, 6, 30)})))
    report = refresh(book, export)
    assert (report.month, report.rows_in, report.rows_out) == ("2014-07", 7, 0)
    assert book.settings == {"as_of": dt.date(2014, 7, 31)}
    months = [row["month"].strftime("%Y-%m") if hasattr(row["month"], "strftime") else row["month"] for row in book.tables["Actuals"]]
    before = [r["month"] for r in read_rows(folder / "actuals.csv")]
    assert months[:-7] == before and months[-7:] == ["2014-07"] * 7  # rows kept in their order, the newest month last
    assert all(row.get("note") == "x" for row in book.tables["Actuals"] if row["month"].month < 7)  # extra columns kept
    assert {layout.name for layout in book.generated} >= {"Status", "Måned for måned", "Måltal", "Beregning måned", "Kontroller"}
    assert all(layout.role != "input" for layout in book.generated if layout.name in ("Status", "Måned for måned"))
    assert len(book.tables["Phasing"]) == 36  # the build-less book had no Phasing rows: twelfths added


def test_the_newest_month_becomes_the_reporting_month_and_a_correction_keeps_it(tmp_path):
    folder, export = split_example(tmp_path)
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(book)]).exit_code == 0  # as of 31 December
    first = runner.invoke(app, ["refresh", str(book), "--actuals", str(export)])
    assert "As-of date: 2014-12-31 -> 2014-06-30" in first.stdout, first.stdout
    march = tmp_path / "marts.csv"
    march.write_text("month,sector,category,activity,kind,amount\n2014-03,BU,service,,expense,166000\n", encoding="utf-8")
    again = runner.invoke(app, ["refresh", str(book), "--actuals", str(march)])
    assert again.exit_code == 0, again.stderr
    assert "As-of date: 2014-06-30 -> 2014-06-30" in again.stdout
