"""The synthetic municipality (budgetcontrol synth): deterministic, valid against the contract, shaped
like a real one (seasonality, zero-sum reallocations, every status), and its workbook verified."""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetcontrol import synth
from budgetcontrol.cli import app
from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from budgetcontrol.recalc import recalculate
from budgetcontrol.sheets import layouts
from budgetcontrol.verify import compare

runner = CliRunner()


def made(tmp_path, *args) -> object:
    result = runner.invoke(app, ["synth", str(tmp_path), *map(str, args)])
    assert result.exit_code == 0, result.stderr
    return tmp_path


def test_the_same_seed_gives_the_same_files_and_another_seed_other_ones(tmp_path):
    a, b, c = (made(tmp_path / n, "--lines", 300, "--changes", 40, "--seed", s) for n, s in (("a", 5), ("b", 5), ("c", 6)))
    names = sorted(p.name for p in a.iterdir())
    assert filecmp.cmpfiles(a, b, names, shallow=False)[0] == names
    assert filecmp.cmpfiles(a, c, ["budget.csv"], shallow=False)[1] == ["budget.csv"]


def test_a_synthetic_municipality_is_valid_and_shaped_like_a_real_one(tmp_path):
    folder = made(tmp_path / "s", "--lines", 1200, "--changes", 300, "--months", 12)
    inputs = load(folder)  # the contract's validation passes
    assert len(inputs.budget) == 1200 and len(inputs.model.sectors) == 12
    assert set(inputs.budget["category"]) == {c[0] for c in synth.CATEGORIES}
    assert inputs.budget["activity"].str.fullmatch(r"\d\.\d\d\.\d\d").all()  # function codes, e.g. 5.25.10
    assert set(inputs.changes["status"]) == {"approved", "pending", "rejected"}
    assert set(inputs.changes["type"]) == set(synth.TYPES)
    assert inputs.changes["change_id"].nunique() == 300
    by_month = inputs.actuals.assign(m=inputs.actuals["month"].str[5:]).query("kind == 'expense'").groupby("m")["amount"].sum()
    assert by_month.idxmin() == "07" and by_month.idxmax() == "12"  # a low July, a high December
    assert len(inputs.actuals) == 12 * len(inputs.budget)
    result = compute(inputs)
    assert all(c.ok for c in result.checks), [c.key for c in result.checks if not c.ok]  # reallocations net to zero etc.
    assert len(result.targets) > 0


def test_synth_refuses_a_folder_that_is_not_empty_and_bad_sizes(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "model.yaml").write_text("mine", encoding="utf-8")
    for args, piece in ((["synth", str(tmp_path / "data")], "is not an empty folder"),
                        (["synth", str(tmp_path / "x"), "--size", "huge"], "'huge' is not one of: small, medium, large"),
                        (["synth", str(tmp_path / "y"), "--months", "13"], "--months: 13 is not between 1 and 12")):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1 and piece in result.stderr, result.stderr
    assert (tmp_path / "data" / "model.yaml").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


@pytest.mark.libreoffice
def test_a_synthetic_workbook_recalculated_by_libreoffice_equals_the_engine(tmp_path):
    folder = made(tmp_path / "s", "--lines", 240, "--changes", 60, "--months", 9)
    book = tmp_path / "synth.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(book)]).exit_code == 0
    mismatches, compared = compare(layouts(compute(load(book))), recalculate(book, tmp_path / "lo"))
    assert compared > 10_000 and mismatches == [], mismatches[:5]
    assert pd.read_csv(folder / "actuals.csv")["month"].max() == "2026-09"


@pytest.mark.libreoffice
def test_a_refresh_streams_a_large_actuals_table_and_the_workbook_still_equals_the_engine(tmp_path):
    """A refresh rewriting a month of a big Actuals Table (xlsx/table_body.py); the refreshed workbook reads
    back with every row, and recalculated by LibreOffice equals the engine."""
    folder = made(tmp_path / "s", "--lines", 240, "--changes", 60, "--months", 10)
    book = tmp_path / "synth.xlsx"
    assert runner.invoke(app, ["build", str(folder), "-o", str(book), "--as-of", "2026-09-30"]).exit_code == 0
    actuals = pd.read_csv(folder / "actuals.csv", dtype={"activity": str}, keep_default_na=False)
    october = tmp_path / "october.csv"
    actuals[actuals["month"] == "2026-10"].assign(amount=lambda f: f["amount"] + 1).to_csv(october, index=False)
    assert len(actuals) >= 1000
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(october)])
    assert result.exit_code == 0, result.stderr
    refreshed = load(book)
    assert len(refreshed.actuals) == len(actuals) and refreshed.model.default_as_of.isoformat() == "2026-10-31"
    assert refreshed.actuals["amount"].sum() == pytest.approx(actuals["amount"].sum() + (actuals["month"] == "2026-10").sum())
    mismatches, compared = compare(layouts(compute(refreshed)), recalculate(book, tmp_path / "lo"))
    assert compared > 10_000 and mismatches == [], mismatches[:5]
