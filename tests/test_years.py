"""Part 4, the years around the budget year: the published Aalborg history reproduced, a hand-computed
outer-years case in both sign settings, and the controller's forecast overriding the computed one
everywhere (Status, monthly export, outer years)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.contract import load
from budgetcontrol.engine import compute
from helpers import ROOT, years_municipality

runner = CliRunner()
AALBORG_2019 = ROOT / "examples" / "aalborg-2019-bu"
# Published by Aalborg (domain fact 3): result against the original / the corrected budget, 1.000 kr.
PUBLISHED_RESULTS = {2015: (548, -7061), 2016: (21195, 20022), 2017: (-5083, 17235), 2018: (2541, 7628)}
HISTORY_COLUMNS = "year,sector,category,original,corrected,actual,result_original,result_corrected,note,expected"
OUTER_COLUMNS = "sector,category,year,corrected,base,savings,estimated,difference"


def export(source, table: str) -> pd.DataFrame:
    result = runner.invoke(app, ["export", str(source), "--table", table, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), keep_default_na=False, dtype={"sector": str, "category": str})


def test_export_history_reproduces_aalborgs_published_results():
    result = runner.invoke(app, ["export", str(AALBORG_2019), "--table", "history", "--format", "csv"])
    assert result.stdout.splitlines()[0] == HISTORY_COLUMNS
    frame = export(AALBORG_2019, "history")
    past = frame[frame["expected"] == 0].set_index("year")
    assert {y: (past.at[y, "result_original"], past.at[y, "result_corrected"]) for y in past.index} == PUBLISHED_RESULTS
    assert past.at[2016, "actual"] - past.at[2016, "corrected"] == 20022  # 568.622 − 548.600
    assert list(frame["year"]) == [2015, 2016, 2017, 2018, 2019]


def test_the_fiscal_years_history_row_is_the_engines_own_marked_expected():
    res = compute(load(AALBORG_2019))
    own = export(AALBORG_2019, "history").query("expected == 1")
    assert len(own) == 1 and own.iloc[0]["year"] == 2019
    grand = res.status[(res.status["sector"] == "") & (res.status["group"] == "")].iloc[0]
    assert own.iloc[0]["original"] == pytest.approx(res.lines["original"].sum())
    assert own.iloc[0]["corrected"] == pytest.approx(res.lines["corrected"].sum())
    assert own.iloc[0]["actual"] == pytest.approx(grand["forecast"])  # the forecast as the expected accounts
    assert own.iloc[0]["result_corrected"] == pytest.approx(grand["forecast"] - res.lines["corrected"].sum())


# The hand computation (tests/helpers.years_municipality): twelfths, June, plan forecast = actual to date +
# half the corrected budget. A/svc: corrected 1.320 − 240 + 600 = 1.680; computed forecast 1.320 − 240 + 540
# = 1.620, but the controller expects 700 instead of 540 on a2: 1.780. A/grd: 2.400 (the change of August does
# not count), adopted 2.300 for 2026. B/svc: 1.800; forecast 960 + 900 = 1.860. Savings: A/svc/a1 50, 100, 100;
# B/svc (no activity) 30 in 2027.
HAND = {  # (sector, category, year): (corrected, base, savings)
    ("A", "svc", 2025): (1680, 1780, 0), ("A", "svc", 2026): (1680, 1780, 50), ("A", "svc", 2027): (1680, 1780, 100),
    ("A", "svc", 2028): (1680, 1780, 100),
    ("A", "grd", 2025): (2400, 2400, 0), ("A", "grd", 2026): (2400, 2300, 0), ("A", "grd", 2027): (2400, 2400, 0),
    ("A", "grd", 2028): (2400, 2400, 0),
    ("B", "svc", 2025): (1800, 1860, 0), ("B", "svc", 2026): (1800, 1860, 0), ("B", "svc", 2027): (1800, 1860, 30),
    ("B", "svc", 2028): (1800, 1860, 0),
}


@pytest.mark.parametrize("sign", ["actual_minus_budget", "budget_minus_actual"])
def test_outer_years_by_hand_in_both_sign_settings(sign, tmp_path):
    folder = years_municipality(tmp_path / "y", sign)
    result = runner.invoke(app, ["export", str(folder), "--table", "outer_years", "--format", "csv"])
    assert result.stdout.splitlines()[0] == OUTER_COLUMNS
    frame = export(folder, "outer_years").set_index(["sector", "category", "year"])
    flip = 1 if sign == "actual_minus_budget" else -1
    expected = dict(HAND)
    for year in (2025, 2026, 2027, 2028):
        a = [sum(v[i] for (s, c, y), v in HAND.items() if s == "A" and y == year) for i in range(3)]
        expected[("A", "", year)] = tuple(a)
        expected[("B", "", year)] = HAND[("B", "svc", year)]
        expected[("", "", year)] = tuple(sum(v[i] for (s, c, y), v in HAND.items() if y == year) for i in range(3))
    assert len(frame) == len(expected) == 24
    for key, (corrected, base, savings) in expected.items():
        row = frame.loc[key]
        assert (row["corrected"], row["base"], row["savings"]) == (corrected, base, savings), key
        assert row["estimated"] == base - savings, key
        assert row["difference"] == flip * (base - savings - corrected), key
    assert frame.loc[("A", "grd", 2026), "difference"] == flip * -100  # the adopted 2.300 against 2.400
    assert frame.loc[("", "", 2027), "difference"] == flip * 30  # 5.910 − 5.880


def test_the_controllers_forecast_replaces_the_computed_one_on_status_and_in_the_monthly_export(tmp_path):
    folder = years_municipality(tmp_path / "y")
    res = compute(load(folder))
    status = res.status[res.status["category"] != ""].set_index(["sector", "category"])
    assert status.at[("A", "svc"), "forecast_computed"] == pytest.approx(1620)
    assert status.at[("A", "svc"), "forecast"] == pytest.approx(1780)
    assert status.at[("A", "svc"), "source"] == "controller"
    assert status.at[("A", "svc"), "expected_result"] == pytest.approx(100)
    assert status.at[("B", "svc"), "source"] == "computed" and status.at[("B", "svc"), "forecast"] == pytest.approx(1860)
    monthly = export(folder, "monthly").set_index(["sector", "category", "kind", "month"])
    assert monthly.at[("A", "svc", "net", "2025-06"), "forecast"] == 1780
    assert monthly.at[("A", "svc", "expense", "2025-06"), "forecast"] == 2020  # 1.320 + 700
    assert monthly.at[("A", "svc", "income", "2025-06"), "forecast"] == -240
    # earlier months keep what was computed then: May, 650 booked + 7/12 of 1.680
    assert monthly.at[("A", "svc", "net", "2025-05"), "forecast"] == 1630


def test_without_the_optional_files_history_shows_the_fiscal_year_and_outer_years_carry_the_forecast(example):
    res = compute(load(example))
    history = export(example, "history")
    assert list(history["year"]) == [2014] and list(history["expected"]) == [1]
    outer = export(example, "outer_years")
    grand = outer[(outer["sector"] == "") & (outer["category"] == "")]
    assert list(grand["year"]) == [2014, 2015, 2016, 2017]
    assert grand["base"].nunique() == 1 and (grand["savings"] == 0).all()
    total = res.status[(res.status["sector"] == "") & (res.status["group"] == "")].iloc[0]
    assert grand["base"].iloc[0] == pytest.approx(total["forecast"], abs=0.5)


def test_a_line_only_in_the_changes_counts_once_in_the_forecast_history_and_outer_years(municipality):
    """The fixture has an approved change to S1/service/9.99.99, a line not in the original budget."""
    from helpers import write_csv

    write_csv(municipality / "forecast.csv", ["sector", "category", "activity", "kind", "amount", "note"],
              [{"sector": "S1", "category": "service", "activity": "9.99.99", "kind": "expense", "amount": 400}])
    res = compute(load(municipality))
    lines = res.line_forecasts
    assert not lines.duplicated(["sector", "category", "activity", "kind"]).any()
    assert len(lines) == len(res.lines)  # every budget or change line once (the actuals add no new line here)
    grand = res.status[(res.status["sector"] == "") & (res.status["group"] == "")].iloc[0]
    assert grand["controller_lines"] == 1
    own = res.history[res.history["expected"] == 1]
    assert own["actual"].sum() == pytest.approx(grand["forecast"])
    outer = res.outer_years
    total = outer[(outer["sector"] == "") & (outer["category"] == "") & (outer["year"] == 2025)].iloc[0]
    assert total["base"] == pytest.approx(grand["forecast"])
    assert [c for c in res.checks if not c.ok and c.key in ("forecast_counted", "outer_budget_counted")] == []


def run_rate_before_any_phasing(folder):
    """run_rate as of June, A/svc phased to the second half of the year only: nothing computed for A/svc."""
    from helpers import write_csv

    years_municipality(folder)
    model = (folder / "model.yaml").read_text(encoding="utf-8")
    (folder / "model.yaml").write_text(model + "forecast: run_rate\n", encoding="utf-8")
    write_csv(folder / "phasing.csv", ["sector", "category", "month", "weight"],
              [{"sector": "A", "category": "svc", "month": m, "weight": 1 / 6} for m in range(7, 13)])
    return folder


def test_with_nothing_computed_yet_the_controllers_forecast_still_counts(tmp_path):
    res = compute(load(run_rate_before_any_phasing(tmp_path / "r")))
    status = res.status[res.status["category"] != ""].set_index(["sector", "category"])
    assert pd.isna(status.at[("A", "svc"), "forecast_computed"])
    assert status.at[("A", "svc"), "forecast"] == pytest.approx(700)  # the controller's a2; a1 has nothing computed
    assert status.at[("A", "svc"), "source"] == "controller"


# Varde's published table (issue 16), kr.: per year of the budget period 2018–2021.
VARDE_PUBLISHED = {  # year: (savings in all, estimated budget, difference to the corrected budget 2018, Varde's sign)
    2018: (2_410_000, 142_614_000, -3_720_846), 2019: (3_631_000, 141_393_000, -2_499_846),
    2020: (3_531_000, 141_493_000, -2_599_846), 2021: (3_531_000, 141_493_000, -2_599_846),
}


def test_varde_2018_budget_period_with_the_budget_years_own_savings_is_reproduced_to_the_krone(tmp_path):
    from helpers import VARDE_CORRECTED, VARDE_FORECAST, varde_2018

    frame = export(varde_2018(tmp_path / "varde"), "outer_years")
    total = frame[(frame["sector"] == "") & (frame["category"] == "")].set_index("year")
    assert list(total.index) == [2018, 2019, 2020, 2021]
    for year, (saved, estimated, difference) in VARDE_PUBLISHED.items():
        assert total.at[year, "corrected"] == VARDE_CORRECTED, year  # the yardstick on every year
        assert total.at[year, "base"] == VARDE_FORECAST, year
        assert (total.at[year, "savings"], total.at[year, "estimated"], total.at[year, "difference"]) == \
               (saved, estimated, difference), year


def test_a_saving_for_the_fiscal_year_lowers_only_the_fiscal_years_estimate(tmp_path):
    """The hand case with one more saving, for 2025 (the fiscal year): 2025's estimate drops by it, the
    outer years and the forecast itself stay as they were."""
    from helpers import write_csv

    folder = years_municipality(tmp_path / "y")
    before = export(folder, "outer_years").set_index(["sector", "category", "year"])
    rows = list(pd.read_csv(folder / "savings.csv", keep_default_na=False).to_dict("records"))
    rows.append({"measure": "M3 Straks", "catalogue": "Effektiviseringskatalog", "sector": "B", "category": "svc",
                 "activity": "b1", "year": 2025, "amount": 40})
    write_csv(folder / "savings.csv", ["measure", "catalogue", "sector", "category", "activity", "year", "amount"], rows)
    after = export(folder, "outer_years").set_index(["sector", "category", "year"])
    assert after.at[("B", "svc", 2025), "savings"] == 40
    assert after.at[("B", "svc", 2025), "estimated"] == before.at[("B", "svc", 2025), "estimated"] - 40
    assert after.at[("", "", 2025), "difference"] == before.at[("", "", 2025), "difference"] - 40
    assert after.at[("B", "svc", 2025), "base"] == before.at[("B", "svc", 2025), "base"]
    for year in (2026, 2027, 2028):
        assert after.loc[("", "", year)].equals(before.loc[("", "", year)]), year
