"""The data contract: plain CSV and Danish finance-system exports read the same."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from budgetcontrol.contract import load
from budgetcontrol.contract.values import ValueProblem, parse_amounts, parse_months
from budgetcontrol.engine import compute


def danish(text: str) -> str:
    """Rewrite a plain CSV as a Danish export: semicolons and 1.234,5 numbers."""
    out = []
    for i, line in enumerate(text.splitlines()):
        cells = line.split(",")
        if i and cells[-1].lstrip("-").replace(".", "").isdigit():
            value = float(cells[-1])
            whole = f"{abs(int(value)):,}".replace(",", ".")
            frac = f"{abs(value) % 1:.2f}"[1:].replace(".", ",") if value % 1 else ""
            cells[-1] = ("-" if value < 0 else "") + whole + frac
        out.append(";".join(cells))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-8-sig"])
def test_a_danish_export_gives_the_same_figures_as_plain_csv(example, tmp_path, encoding):
    folder = tmp_path / "dk"
    shutil.copytree(example, folder)
    for name in ("budget.csv", "actuals.csv"):
        plain = (example / name).read_text(encoding="utf-8")
        (folder / name).write_text(danish(plain), encoding=encoding)
    changes = pd.read_csv(example / "changes.csv", dtype=str, keep_default_na=False)
    changes["amount"] = changes["amount"].map(lambda v: f"{int(v):,}".replace(",", "."))
    changes["date"] = pd.to_datetime(changes["date"]).dt.strftime("%d-%m-%Y")
    changes.to_csv(folder / "changes.csv", sep=";", index=False, encoding=encoding)
    assert "1.914.428" in (folder / "budget.csv").read_text(encoding=encoding)
    got, want = compute(load(folder)).summary, compute(load(example)).summary
    pd.testing.assert_frame_equal(got, want)
    assert load(folder).changes["description"].str.contains("Øvrige").any()


def test_danish_numbers_with_decimals_trailing_minus_and_unicode_minus():
    s = pd.Series(["1.234,5", "-264.337", "12,25", "1.000-", "\u22127,5", "0"])
    assert parse_amounts(s, ",").tolist() == [1234.5, -264337.0, 12.25, -1000.0, -7.5, 0.0]


def test_plain_numbers_and_grouped_numbers():
    assert parse_amounts(pd.Series(["1234.5", "-3", "1,234.75"]), ".").tolist() == [1234.5, -3.0, 1234.75]


@pytest.mark.parametrize("value,decimal", [("1.23,4", ","), ("abc", "."), ("12.3.4", "."), ("1,5", ".")])
def test_malformed_numbers_are_refused(value, decimal):
    with pytest.raises(ValueProblem):
        parse_amounts(pd.Series(["1", value]), decimal)


def test_months_in_iso_and_danish_forms():
    assert parse_months(pd.Series(["2014-06", "2014-6", "06-2014", "2014-06-01", "06.2014"])).tolist() == ["2014-06"] * 5


def test_codes_are_matched_ignoring_case_as_excel_does(example, tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(example, folder)
    text = (folder / "actuals.csv").read_text(encoding="utf-8").replace(",BU,service,", ",bu,Service,")
    (folder / "actuals.csv").write_text(text, encoding="utf-8")
    pd.testing.assert_frame_equal(compute(load(folder)).summary, compute(load(example)).summary)


def test_a_quoted_description_with_the_delimiter_inside(example, tmp_path):
    folder = tmp_path / "q"
    shutil.copytree(example, folder)
    changes = load(folder).changes
    assert changes.loc[changes.change_id == "C14-04", "description"].iloc[0] == "Aktuel status, midtvejsregulering"


def test_tab_separated_file_is_read(example, tmp_path):
    folder = tmp_path / "tab"
    shutil.copytree(example, folder)
    (folder / "budget.csv").write_text((example / "budget.csv").read_text().replace(",", "\t"), encoding="utf-8")
    assert load(folder).budget["amount"].sum() == load(example).budget["amount"].sum()
