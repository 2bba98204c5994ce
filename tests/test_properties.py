"""Roll-up invariants as properties (hypothesis): children sum to parents, pending and
rejected changes never count, and the as-of date is respected."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcontrol.contract.model import Model
from budgetcontrol.contract.tables import Inputs
from budgetcontrol.engine import compute

SECTORS = ["A", "B", "C"]
CATS = [("svc", "operating"), ("grt", "operating"), ("cap", "capital")]
KINDS = ["expense", "income", "refund"]
MODEL = Model.model_validate({
    "name": "P", "fiscal_year": 2024, "unit": "kr.",
    "sectors": [{"code": s, "name": s} for s in SECTORS],
    "categories": [{"code": c, "name": c, "group": g} for c, g in CATS],
})

line = st.tuples(st.sampled_from(SECTORS), st.sampled_from([c for c, _ in CATS]), st.sampled_from(["", "1.1", "2.2"]),
                 st.sampled_from(KINDS))
amount = st.integers(-10**7, 10**7).map(lambda x: x / 100)
day = st.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@st.composite
def inputs(draw) -> Inputs:
    lines = draw(st.lists(line, min_size=1, max_size=12, unique=True))
    budget = pd.DataFrame([dict(zip(["sector", "category", "activity", "kind"], key), amount=draw(amount)) for key in lines])
    changes = pd.DataFrame([
        dict(zip(["sector", "category", "activity", "kind"], draw(line)), change_id=f"C{i}", date=pd.Timestamp(draw(day)),
             status=draw(st.sampled_from(["approved", "pending", "rejected"])), type=draw(st.sampled_from(["supplementary", "technical"])),
             amount=draw(amount), description="", reference="")
        for i in range(draw(st.integers(0, 15)))
    ], columns=["change_id", "date", "status", "type", "sector", "category", "activity", "kind", "amount", "description", "reference"])
    changes["date"] = pd.to_datetime(changes["date"])
    actuals = pd.DataFrame([
        dict(zip(["sector", "category", "activity", "kind"], draw(line)), month=f"2024-{draw(st.integers(1, 12)):02d}", amount=draw(amount))
        for _ in range(draw(st.integers(0, 20)))
    ], columns=["month", "sector", "category", "activity", "kind", "amount"])
    return Inputs(MODEL, budget, changes, actuals, "hypothesis")


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6 * max(1.0, abs(a), abs(b))


@PROPS
@given(inputs(), day)
def test_children_sum_to_parents(data, as_of):
    s = compute(data, as_of).summary
    figures = ["original", "corrected", "actual", "variance"]
    detail = s[(s.sector != "") & (s.category != "")]
    for (sector, category), rows in detail.groupby(["sector", "category"]):
        net = rows[rows.kind == "net"].iloc[0]
        kinds = rows[rows.kind != "net"]
        assert all(close(net[f], kinds[f].sum()) for f in figures)
    for level, by in (("category", "sector"), ("sector", "category")):
        totals = s[(s[by] == "") & (s[level] != "")]
        for row in totals.itertuples(index=False):
            parts = detail[(detail[level] == getattr(row, level)) & (detail.kind == row.kind)]
            assert all(close(getattr(row, f), parts[f].sum()) for f in figures)
    grand = s[(s.sector == "") & (s.category == "")].set_index("kind")
    for kind in grand.index:
        parts = detail[detail.kind == kind]
        assert all(close(grand.at[kind, f], parts[f].sum()) for f in figures)


@PROPS
@given(inputs(), day, amount)
def test_pending_and_rejected_changes_never_count(data, as_of, bump):
    before = compute(data, as_of)
    changed = data.changes.copy()
    mask = changed.status != "approved"
    changed.loc[mask, "amount"] = changed.loc[mask, "amount"] + bump
    after = compute(Inputs(data.model, data.budget, changed, data.actuals, "x"), as_of)
    assert before.summary["corrected"].tolist() == after.summary["corrected"].tolist()
    assert before.lines["corrected"].tolist() == after.lines["corrected"].tolist()


@PROPS
@given(inputs(), day)
def test_the_as_of_date_is_respected(data, as_of):
    result = compute(data, as_of)
    c = data.changes
    counted = c[(c.status == "approved") & (c.date <= pd.Timestamp(as_of))]["amount"].sum()
    grand = result.summary.query("sector == '' and category == '' and kind == 'net'")
    assert close(grand["corrected"].item(), data.budget["amount"].sum() + counted)
    actual = data.actuals[data.actuals.month <= as_of.strftime("%Y-%m")]["amount"].sum()
    assert close(grand["actual"].item(), actual)
    assert close(grand["variance"].item(), grand["actual"].item() - grand["corrected"].item())


@PROPS
@given(inputs(), day)
def test_operating_and_capital_make_the_grand_total(data, as_of):
    result = compute(data, as_of)
    grand = result.summary.query("sector == '' and category == '' and kind == 'net'")["corrected"].item()
    groups = result.groups.xs("net", level="kind")["corrected"].sum()
    assert close(groups, grand)
