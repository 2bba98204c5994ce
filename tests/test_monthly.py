"""Monthly figures, phasing, forecast and traffic lights, on cases computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.contract import load
from budgetcontrol.engine import compute, monthly
from budgetcontrol.export import render
from helpers import write_csv, write_folder

runner = CliRunner()
MODEL = {"name": "Handkommune", "fiscal_year": 2025, "unit": "kr.",
         "sectors": [{"code": "A", "name": "Sektor A"}, {"code": "B", "name": "Sektor B"}],
         "categories": [{"code": "svc", "name": "Service"}, {"code": "cap", "name": "Anlæg", "group": "capital"}]}


def folder(tmp_path, model=None, budget=None, changes=None, actuals=None, phasing=None, prior=None):
    budget = budget or [{"sector": "A", "category": "svc", "kind": "expense", "amount": 1200},
                        {"sector": "B", "category": "svc", "kind": "expense", "amount": 2400},
                        {"sector": "B", "category": "cap", "kind": "expense", "amount": 0}]
    path = write_folder(tmp_path / "data", {**MODEL, **(model or {})}, budget, changes or [], actuals or [])
    if phasing is not None:
        write_csv(path / "phasing.csv", ["sector", "category", "month", "weight"], phasing)
    if prior is not None:
        write_csv(path / "actuals_prior.csv", ["month", "sector", "category", "activity", "kind", "amount"], prior)
    return path


def row(result, sector, category, kind, month):
    frame = result.monthly
    hit = frame[(frame.sector == sector) & (frame.category == category) & (frame.kind == kind) & (frame.m == month)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_twelfths_when_no_phasing_is_given(tmp_path):
    r = compute(load(folder(tmp_path)), dt.date(2025, 3, 31))
    march = row(r, "A", "svc", "net", 3)
    assert march.budget_ytd == pytest.approx(300)  # 1200 × 3/12
    assert march.budget_month == pytest.approx(100)


def test_a_change_approved_mid_year_counts_from_its_month_and_catches_up_the_phasing(tmp_path):
    changes = [{"change_id": "T1", "date": "2025-04-15", "status": "approved", "type": "supplementary",
                "sector": "A", "category": "svc", "kind": "expense", "amount": 600}]
    r = compute(load(folder(tmp_path, changes=changes)), dt.date(2025, 6, 30))
    assert row(r, "A", "svc", "net", 3).corrected == 1200
    april = row(r, "A", "svc", "net", 4)
    assert april.corrected == 1800
    assert april.budget_ytd == pytest.approx(600)  # 1800 × 4/12
    assert april.budget_month == pytest.approx(300)  # 600 − 1200 × 3/12: April carries the catch-up
    assert row(r, "A", "svc", "net", 5).budget_month == pytest.approx(150)


def test_a_pending_change_and_one_dated_after_the_as_of_month_never_count(tmp_path):
    changes = [{"change_id": "P1", "date": "2025-02-01", "status": "pending", "type": "supplementary",
                "sector": "A", "category": "svc", "kind": "expense", "amount": 999},
               {"change_id": "L1", "date": "2025-07-01", "status": "approved", "type": "supplementary",
                "sector": "A", "category": "svc", "kind": "expense", "amount": 500}]
    r = compute(load(folder(tmp_path, changes=changes)), dt.date(2025, 6, 30))
    assert {row(r, "A", "svc", "net", m).corrected for m in range(1, 13)} == {1200}


def test_a_sector_with_a_custom_profile_is_phased_by_it(tmp_path):
    weights = [0.2, 0.1] + [0.07] * 10
    phasing = [{"sector": "A", "category": "svc", "month": m, "weight": w} for m, w in enumerate(weights, start=1)]
    r = compute(load(folder(tmp_path, phasing=phasing)), dt.date(2025, 3, 31))
    assert row(r, "A", "svc", "net", 1).budget_month == pytest.approx(240)
    assert row(r, "A", "svc", "net", 3).budget_ytd == pytest.approx(1200 * 0.37)
    assert row(r, "B", "svc", "net", 3).budget_ytd == pytest.approx(600)  # B keeps twelfths


def test_the_profile_of_last_years_expense_actuals(tmp_path):
    prior = [{"month": f"2024-{m:02d}", "sector": "A", "category": "svc", "kind": "expense", "amount": 50 if m <= 6 else 150}
             for m in range(1, 13)]
    prior += [{"month": "2024-03", "sector": "A", "category": "svc", "kind": "refund", "amount": -400}]  # lumps do not count
    r = compute(load(folder(tmp_path, model={"phasing": "prior_actuals"}, prior=prior)), dt.date(2025, 6, 30))
    assert row(r, "A", "svc", "net", 6).budget_ytd == pytest.approx(1200 * 300 / 1200)
    assert row(r, "B", "svc", "net", 6).budget_ytd == pytest.approx(1200)  # no prior actuals: twelfths


def test_a_month_without_actuals_adds_nothing(tmp_path):
    actuals = [{"month": "2025-01", "sector": "A", "category": "svc", "kind": "expense", "amount": 90},
               {"month": "2025-03", "sector": "A", "category": "svc", "kind": "expense", "amount": 110}]
    r = compute(load(folder(tmp_path, actuals=actuals)), dt.date(2025, 3, 31))
    feb = row(r, "A", "svc", "net", 2)
    assert (feb.actual_month, feb.actual_ytd) == (0, 90)
    march = row(r, "A", "svc", "net", 3)
    assert march.actual_ytd == 200
    assert march.variance_ytd == pytest.approx(200 - 300)


def test_forecast_plan_and_run_rate(tmp_path):
    actuals = [{"month": f"2025-{m:02d}", "sector": "A", "category": "svc", "kind": "expense", "amount": 120} for m in (1, 2, 3)]
    path = folder(tmp_path, actuals=actuals)
    plan = row(compute(load(path), dt.date(2025, 3, 31)), "A", "svc", "net", 3)
    assert plan.forecast == pytest.approx(360 + 1200 * 9 / 12)
    assert plan.expected_result == pytest.approx(60)  # positive = expected overspend
    assert plan.consumption == pytest.approx(0.3)
    (path / "model.yaml").write_text((path / "model.yaml").read_text() + "forecast: run_rate\n", encoding="utf-8")
    run_rate = row(compute(load(path), dt.date(2025, 3, 31)), "A", "svc", "net", 3)
    assert run_rate.forecast == pytest.approx(360 / (3 / 12))
    assert run_rate.expected_result == pytest.approx(1440 - 1200)


def test_the_variance_sign_setting_turns_variance_and_expected_result(tmp_path):
    actuals = [{"month": "2025-01", "sector": "A", "category": "svc", "kind": "expense", "amount": 130}]
    r = compute(load(folder(tmp_path, model={"variance_sign": "budget_minus_actual"}, actuals=actuals)), dt.date(2025, 1, 31))
    jan = row(r, "A", "svc", "net", 1)
    assert jan.variance_ytd == pytest.approx(100 - 130)
    assert jan.expected_result == pytest.approx(-(130 + 1100 - 1200))


def test_corrected_budget_zero_leaves_consumption_empty(tmp_path):
    actuals = [{"month": "2025-01", "sector": "B", "category": "cap", "kind": "expense", "amount": 10}]
    path = folder(tmp_path, actuals=actuals)
    r = compute(load(path), dt.date(2025, 1, 31))
    assert math.isnan(row(r, "B", "cap", "net", 1).consumption)
    out = runner.invoke(app, ["export", str(path), "--table", "monthly", "--as-of", "2025-01-31"])
    line = next(x for x in out.stdout.splitlines() if x.startswith("B,cap,net,"))
    assert line.endswith(",")  # consumption empty


def test_export_monthly_has_the_contract_columns_and_one_row_per_month_to_the_as_of_month(tmp_path):
    path = folder(tmp_path)
    out = runner.invoke(app, ["export", str(path), "--table", "monthly", "--as-of", "2025-04-30"])
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "sector,category,kind,month,corrected,budget_month,actual_month,budget_ytd,actual_ytd,variance_ytd,forecast,expected_result,consumption"
    a_net = [x for x in lines[1:] if x.startswith("A,svc,net,")]
    assert [x.split(",")[3] for x in a_net] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    kinds = {tuple(x.split(",")[:3]) for x in lines[1:]}
    assert kinds == {("A", "svc", "expense"), ("A", "svc", "net"), ("B", "svc", "expense"), ("B", "svc", "net"),
                     ("B", "cap", "expense"), ("B", "cap", "net")}


def test_export_forecast_option_overrides_the_model(tmp_path):
    actuals = [{"month": "2025-01", "sector": "A", "category": "svc", "kind": "expense", "amount": 150}]
    path = folder(tmp_path, actuals=actuals)
    out = runner.invoke(app, ["export", str(path), "--table", "monthly", "--as-of", "2025-01-31", "--forecast", "run_rate"])
    line = next(x for x in out.stdout.splitlines() if x.startswith("A,svc,net,2025-01"))
    assert line.split(",")[10] == "1800"


@pytest.mark.parametrize("actual,expected", [(102, "green"), (102.5, "amber"), (105, "amber"), (105.5, "red"), (50, "green")])
def test_traffic_light_is_the_pace_against_the_phased_budget_to_date(tmp_path, actual, expected):
    actuals = [{"month": "2025-01", "sector": "A", "category": "svc", "kind": "expense", "amount": actual}]
    r = compute(load(folder(tmp_path, actuals=actuals)), dt.date(2025, 1, 31))
    status = r.status[(r.status.sector == "A") & (r.status.category == "svc")].iloc[0]
    assert status.light == expected


def test_traffic_light_thresholds_come_from_model_yaml(tmp_path):
    actuals = [{"month": "2025-01", "sector": "A", "category": "svc", "kind": "expense", "amount": 103}]
    r = compute(load(folder(tmp_path, model={"traffic_lights": {"amber": 0.01, "red": 0.025}}, actuals=actuals)),
                dt.date(2025, 1, 31))
    assert r.status[(r.status.sector == "A") & (r.status.category == "svc")].iloc[0].light == "red"


def test_status_totals_add_up(tmp_path):
    r = compute(load(folder(tmp_path)), dt.date(2025, 5, 31))
    s = r.status
    detail = s[(s.sector != "") & (s.category != "")]
    grand = s[(s.sector == "") & (s.group == "")].iloc[0]
    assert grand.corrected == pytest.approx(detail.corrected.sum())
    assert grand.budget_ytd == pytest.approx(1500)  # (1200 + 2400) × 5/12
    operating = s[s.group == "operating"].iloc[0]
    assert operating.corrected == 3600


def test_monthly_net_is_the_sum_of_its_kinds(example):
    r = compute(load(example), dt.date(2014, 8, 31))
    m = r.monthly
    kinds = m[m.kind != "net"].groupby(["sector", "category", "m"])[["corrected", "budget_ytd", "actual_ytd", "forecast"]].sum()
    net = m[m.kind == "net"].set_index(["sector", "category", "m"])[kinds.columns]
    assert (kinds - net.loc[kinds.index]).abs().max().max() < 1e-6


def test_json_export_writes_blanks_as_null(tmp_path):
    r = compute(load(folder(tmp_path)), dt.date(2025, 1, 31))
    text = render(r, "monthly", "json")
    assert '"consumption": null' in text
