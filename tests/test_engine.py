"""The engine's rules, as a controller states them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from budgetcontrol.contract import load
from budgetcontrol.engine import compute


def test_a_pending_or_rejected_change_never_counts(example):
    result = compute(load(example))
    lines = result.lines.set_index(["sector", "category", "activity", "kind"])
    # C14-11 (pending, 12.000) and C14-12 (rejected, 5.000) post to service expense.
    assert lines.at[("BU", "service", "", "expense"), "corrected"] == 1906915
    assert lines.at[("BU", "service", "", "expense"), "pending"] == 12000
    audit = result.audit.set_index("change_id")
    assert audit.at["C14-11", "counted"] == 0 and audit.at["C14-12", "counted"] == 0


def test_the_as_of_date_is_respected(example):
    """C14-07 (technical, 15-12-2014) does not count as of 30 November; C14-03 (24-11) does."""
    before = compute(load(example), dt.date(2014, 11, 30)).lines.set_index(["category", "kind"])
    assert before.at[("service", "expense"), "type:technical"] == 0
    assert before.at[("service", "expense"), "type:carryover_out"] == -10000
    assert before.at[("service", "expense"), "corrected"] == 1906915 + 17471


def test_actuals_count_up_to_the_as_of_month(example):
    inputs = load(example)
    june = compute(inputs, dt.date(2014, 6, 15)).summary
    first_half = inputs.actuals[inputs.actuals["month"] <= "2014-06"]["amount"].sum()
    assert june.query("sector == '' and category == '' and kind == 'net'")["actual"].item() == first_half


def test_variance_sign_is_a_setting(example, tmp_path):
    import shutil

    folder = tmp_path / "varde"
    shutil.copytree(example, folder)
    text = (folder / "model.yaml").read_text(encoding="utf-8") + "variance_sign: budget_minus_actual\n"
    (folder / "model.yaml").write_text(text, encoding="utf-8")
    flipped = compute(load(folder)).summary
    normal = compute(load(example)).summary
    assert (flipped["variance"] == -normal["variance"]).all()
    assert flipped.query("sector == 'BU' and category == 'service' and kind == 'net'")["variance"].item() == 21685


def test_operating_total_keeps_capital_apart(example):
    result = compute(load(example))
    assert result.groups.at[("operating", "net"), "corrected"] == 1658580 + 22389
    assert result.groups.at[("capital", "net"), "corrected"] == 14381


def test_audit_lists_the_rows_behind_each_corrected_figure(example):
    result = compute(load(example))
    audit, lines = result.audit, result.lines
    by_line = audit.groupby(["sector", "category", "activity", "kind"])["counted"].sum()
    for row in lines.itertuples(index=False):
        key = (row.sector, row.category, row.activity, row.kind)
        assert row.corrected == row.original + by_line.get(key, 0.0)


def test_checks_find_a_change_to_an_unknown_line_and_a_reallocation_that_does_not_net(municipality):
    checks = {c.key: c for c in compute(load(municipality)).checks}
    assert not checks["lines_in_budget"].ok and "9.99.99" in checks["lines_in_budget"].detail
    assert checks["zero_sum:R001"].ok
    assert not checks["zero_sum:R002"].ok and checks["zero_sum:R002"].difference == pytest.approx(50)
    assert all(c.ok for k, c in checks.items() if k not in ("lines_in_budget", "zero_sum_total", "zero_sum:R002"))


def test_a_change_to_a_line_outside_the_budget_still_counts_in_the_totals(municipality):
    result = compute(load(municipality))
    line = result.lines.set_index(["sector", "category", "activity", "kind"]).loc[("S1", "service", "9.99.99", "expense")]
    assert line["original"] == 0 and line["corrected"] == 250 and line["in_budget"] == 0
    total = result.summary.query("sector == '' and category == '' and kind == 'net'")["corrected"].item()
    assert total == pytest.approx(result.inputs.budget["amount"].sum() + result.audit["counted"].sum())


def test_export_summary_has_rows_for_every_sector_category_kind_and_totals(municipality):
    summary = compute(load(municipality)).summary
    assert set(summary.query("sector == '' and category == ''")["kind"]) == {"expense", "income", "refund", "net"}
    assert set(summary.query("category == '' and sector != ''")["sector"]) == {"S1", "S2", "S3"}
    capital = summary.query("sector == '' and category == 'capital'")
    assert set(capital["kind"]) == {"expense", "net"}
    assert not summary.duplicated(["sector", "category", "kind"]).any()
    assert isinstance(summary, pd.DataFrame)
