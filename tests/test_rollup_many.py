"""The national roll-up (budgetcontrol rollup): DuckDB's sums over many data folders equal the engine's
summary of each folder, with each folder's own as-of date and sign; --as-of moves them as in the engine;
a bad folder is refused with one line and nothing written; a Danish export reads the same."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from budgetcontrol import synth
from budgetcontrol.cli import app
from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from helpers import ROOT, copy_example

runner = CliRunner()
FIGURES = ["original", "corrected", "actual", "variance"]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A small synthetic municipality reporting mid-August, variance as budget − actual (Varde's sign)."""
    folder = tmp_path_factory.mktemp("synth") / "syntetisk"
    synth.write(folder, synth.Size(lines=400, changes=120, months=12), seed=3)
    model = yaml.safe_load((folder / "model.yaml").read_text(encoding="utf-8"))
    model.update(as_of=dt.date(2026, 8, 15), variance_sign="budget_minus_actual")
    (folder / "model.yaml").write_text(yaml.safe_dump(model, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def rolled(tmp_path: Path, *args) -> list[dict]:
    out = tmp_path / "national.csv"
    result = runner.invoke(app, ["rollup", *map(str, args), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def engine_rows(folder: Path, as_of: dt.date | None = None) -> list[tuple]:
    """The engine's summary at the roll-up's grain: sector × category × kind, no net, no totals."""
    summary = compute(load(folder), as_of).summary
    detail = summary[(summary["sector"] != "") & (summary["category"] != "") & (summary["kind"] != "net")]
    return [(r.sector, r.category, r.kind, *(getattr(r, f) for f in FIGURES)) for r in detail.itertuples()]


def by_municipality(rows: list[dict]) -> dict[str, list[tuple]]:
    out = defaultdict(list)
    for row in rows:
        out[row["municipality"]].append((row["sector"], row["category"], row["kind"], *(float(row[f]) for f in FIGURES)))
    return dict(out)


def assert_same(ours: list[tuple], engine: list[tuple]) -> None:
    assert [r[:3] for r in ours] == [r[:3] for r in engine]
    for mine, theirs in zip(ours, engine):
        for a, b, name in zip(mine[3:], theirs[3:], FIGURES):
            assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-6), (mine[:3], name, a, b)


def test_the_rollup_equals_the_engine_per_folder_and_the_national_total_is_their_sum(tmp_path, synthetic):
    folders = [EXAMPLES / "aalborg-2014-bu", EXAMPLES / "aalborg-2019-bu", synthetic]
    rows = rolled(tmp_path, *folders)
    assert list(rows[0]) == ["municipality", "sector", "category", "kind", "original", "corrected", "actual", "variance"]
    detail = [r for r in rows if r["municipality"]]
    national = [r for r in rows if not r["municipality"]]
    assert rows == detail + national and all(r["sector"] == "" for r in national)
    per_folder = by_municipality(detail)
    assert list(per_folder) == [load(f).model.name for f in folders]  # in the order given, named by model.yaml
    for folder, name in zip(folders, per_folder):
        assert_same(per_folder[name], engine_rows(folder))  # each folder's own as_of (2019: September; synth: 15 August)
    sums = defaultdict(lambda: [0.0] * 4)
    for row in detail:
        for i, f in enumerate(FIGURES):
            sums[row["category"], row["kind"]][i] += float(row[f])
    kinds = ["expense", "income", "refund"]
    # the categories in the models' order, the first folder's first, then the kinds
    order = list(dict.fromkeys(code for folder in folders for code in load(folder).model.category_codes))
    assert [(r["category"], r["kind"]) for r in national] == sorted(sums, key=lambda k: (order.index(k[0]), kinds.index(k[1])))
    for row in national:
        for i, f in enumerate(FIGURES):
            assert math.isclose(float(row[f]), sums[row["category"], row["kind"]][i], abs_tol=1e-6), (row, f)
    assert all("." not in r["original"] for r in rows if r["municipality"].startswith("Familie"))  # whole kroner print whole


def test_the_variance_follows_each_folders_sign(tmp_path, synthetic):
    rows = [r for r in rolled(tmp_path, synthetic) if r["municipality"]]
    for row in rows:  # budget_minus_actual
        assert math.isclose(float(row["variance"]), float(row["corrected"]) - float(row["actual"]), abs_tol=1e-6)


def test_as_of_moves_corrected_and_actual_as_in_the_engine(tmp_path, synthetic):
    example = EXAMPLES / "aalborg-2014-bu"
    june = by_municipality(rolled(tmp_path, example, "--as-of", "2014-06-30"))
    (name,) = [n for n in june if n]
    assert_same(june[name], engine_rows(example, dt.date(2014, 6, 30)))
    whole_year = by_municipality(rolled(tmp_path, example))[name]
    assert [r[4] for r in june[name]] != [r[4] for r in whole_year]  # changes after June no longer count
    assert [r[5] for r in june[name]] != [r[5] for r in whole_year]  # nor the actuals after June
    mid_march = by_municipality(rolled(tmp_path, synthetic, "--as-of", "2026-03-14"))
    (name,) = [n for n in mid_march if n]
    assert_same(mid_march[name], engine_rows(synthetic, dt.date(2026, 3, 14)))  # changes to the 14th, actuals to March


def test_as_of_outside_a_folders_fiscal_year_is_refused(tmp_path, synthetic):
    out = tmp_path / "national.csv"
    result = runner.invoke(app, ["rollup", str(EXAMPLES / "aalborg-2014-bu"), str(synthetic), "--as-of", "2014-06-30", "-o", str(out)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "--as-of: 2014-06-30 is not in the fiscal year 2026" in result.stderr and not out.exists()


def _edit(name: str, old: str, new: str):
    def edit(folder: Path) -> None:
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text
        (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


@pytest.mark.parametrize("spoil, expected", [
    (lambda folder: (folder / "actuals.csv").unlink(), "actuals.csv: file not found"),
    (_edit("budget.csv", "kind,amount", "kind,amont"), "budget.csv, row 1: missing column 'amount'"),
    (_edit("actuals.csv", "2014-03,BU,service,,expense,166324", "2014-03,BU,service,,expense,166.3x4"),
     "actuals.csv, row 4, column 'amount': '166.3x4' is not a number"),
    (_edit("changes.csv", "C14-03,2014-11-24,approved,carryover_out,BU", "C14-03,2014-11-24,approved,carryover_out,XY"),
     "changes.csv, row 4, column 'sector': unknown sector 'XY'"),
    (_edit("actuals.csv", "2014-03,BU,service,,expense,166324", "2014-03,BU,service,,expense,166324,7"),
     "actuals.csv, row 4: cannot read as CSV"),
    (_edit("model.yaml", "fiscal_year: 2014", "fiscal_year: next"), "model.yaml, row"),
])
def test_a_bad_folder_gives_one_line_exit_2_and_no_output(tmp_path, spoil, expected):
    bad = copy_example(tmp_path / "bad")
    spoil(bad)
    out = tmp_path / "national.csv"
    result = runner.invoke(app, ["rollup", str(EXAMPLES / "aalborg-2019-bu"), str(bad), "-o", str(out)])
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(bad) in lines[0] and expected in lines[0], lines[0]
    assert not out.exists() and not list(tmp_path.glob(".national.csv.*"))


def _danish(source: Path, target: Path) -> Path:
    """The folder as a Danish finance-system export: semicolons, 1.234,5 with a trailing minus,
    26-02-2014 dates, 06-2014 months, codes in other case, Windows-1252 with a euro sign."""
    target.mkdir()
    shutil.copy(source / "model.yaml", target / "model.yaml")

    def amount(text: str) -> str:
        value = Decimal(text)
        digits = f"{abs(value):,}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return digits + ("-" if value < 0 else "")

    for name in ("budget", "changes", "actuals"):
        with (source / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            row["amount"] = amount(row["amount"])
            row["kind"] = row["kind"].capitalize()
            if "date" in row:
                row["date"] = dt.date.fromisoformat(row["date"]).strftime("%d-%m-%Y")
                row["description"] += " (5 €)"
            if "month" in row:
                row["month"] = f"{row['month'][5:]}-{row['month'][:4]}"
        with (target / f"{name}.csv").open("w", encoding="cp1252", newline="") as fh:
            writer = csv.DictWriter(fh, list(rows[0]), delimiter=";", lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
    return target


def test_a_danish_export_gives_the_same_figures(tmp_path, synthetic):
    danish = _danish(synthetic, tmp_path / "dansk")
    text = (danish / "actuals.csv").read_bytes()
    assert b";" in text and b"-\r\n" in text and re.search(rb"\d\.\d{3},\d", text)
    assert b"\x80" in (danish / "changes.csv").read_bytes()  # the euro sign in Windows-1252
    rows = rolled(tmp_path, synthetic, danish)
    per_folder = by_municipality([r for r in rows if r["municipality"]])
    plain, export = per_folder.values()
    assert list(per_folder) == ["Syntetisk Kommune (syntetisk)", "Syntetisk Kommune (dansk)"]  # the same name twice
    assert export == plain
    assert_same(export, engine_rows(danish))
    national = [r for r in rows if not r["municipality"]]
    assert all(math.isclose(float(r["original"]), 2 * sum(p[3] for p in plain if p[1:3] == (r["category"], r["kind"])),
                            abs_tol=1e-6) for r in national)


def test_a_small_memory_limit_gives_the_same_figures(tmp_path, synthetic):
    roomy = rolled(tmp_path, synthetic)
    tight = rolled(tmp_path, synthetic, "--memory-limit", "64MB")
    assert tight == roomy


AMOUNTS = ["1234", "-1234.5", "1,234.5", "1.234,5-", "1 234,5", "\u221212", "12\u00a0345", "1,234,567.25-", "1e5", "+5",
           " 12 ", ".5", "5.", "-0", "1_000", "1,5", "12-", "1.234.567", "1.5", "1.2.3", "1,2,3", "0,1", "00012",
           "123456789012.12", "", "--5", "0x10", "inf", "nan", "12x", "１２"]


@pytest.mark.parametrize("decimal", [".", ","])
def test_amounts_read_in_duckdb_as_the_contract_reads_them(decimal):
    import duckdb
    import pandas as pd

    from budgetcontrol.contract.values import ValueProblem, parse_amounts
    from budgetcontrol.rollup_many import _sql

    con = duckdb.connect()
    con.execute("CREATE TABLE codes (folder INT, list VARCHAR, key VARCHAR, code VARCHAR, rank INT)")
    con.execute("CREATE TABLE folders (folder INT)")
    con.execute(_sql())
    for text in AMOUNTS:
        try:
            expected = float(parse_amounts(pd.Series([text]), decimal).iloc[0])
        except ValueProblem:
            expected = None
        got = con.execute("SELECT amount_of(?, ?)", [text, decimal]).fetchone()[0]
        assert (None if got is None else float(got)) == expected, (text, decimal)


def test_a_windows_1252_file_whose_first_64_kb_are_ascii_rolls_up_as_the_engine_reads_it(tmp_path):
    """The encoding is told from the start of a file; a Windows-1252 letter after 64 KB of ASCII is read as
    the contract reads it (the whole file is checked), not refused with DuckDB's advice."""
    folder = copy_example(tmp_path / "cp1252")
    path = folder / "changes.csv"
    text = path.read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    assert any(not row.isascii() for row in rows)  # Øvrige tillægsbevillinger …
    padding = [f"P{i:05d},2014-01-02,rejected,supplementary,BU,service,,expense,1,Afvist forslag nr. {i},"
               for i in range(2000)]  # rejected changes count nowhere: 2.000 ASCII rows in front
    body = "\n".join([header] + padding + rows) + "\n"
    assert body[:64 * 1024].isascii() and not body.isascii()
    path.write_bytes(body.encode("cp1252"))
    out = rolled(tmp_path, str(folder))
    assert_same(by_municipality(out)[load(folder).model.name], engine_rows(folder))
