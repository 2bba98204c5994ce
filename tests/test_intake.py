"""The intake's pieces (budgetcontrol/intake): month and kind words, the parts of an account, the account
map's specificity, kinds from dranst and art, headers; and the account map in build and rollup."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.contract.csvfile import decode
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.model import KindRule
from budgetcontrol.intake import accounts, words
from budgetcontrol.intake.headers import map_headers, normal
from budgetcontrol.intake.totals import split_totals
from helpers import ROOT

runner = CliRunner()
MAY = ROOT / "examples" / "aalborg-2014-bu-may"


@pytest.mark.parametrize("text", ["2014-06", "2014-6", "06-2014", "06.2014", "201406", "2014M06", "2014m6", "2014/06",
                                  "30-06-2014", "30.06.2014", "2014-06-30", "2014-06-30 00:00:00", "juni 2014", "Juni 2014",
                                  "jun 2014", "jun. 2014", "JUNI-2014", "2014 juni", "1. juni 2014", "2014-06-30T00:00:00"])
def test_every_month_form_reads_as_its_month(text):
    assert words.month_of(text) == "2014-06"


@pytest.mark.parametrize("text", ["juni", "13-2014", "2014-13", "201413", "juno 2014", "", "14-06"])
def test_what_is_no_month_is_left_for_validation_to_name(text):
    assert words.month_of(text) is None


def test_kind_words_in_danish():
    assert words.kinds(pd.Series(["Udgift", "UDGIFTER", "indtægt", "Indtaegter", "refusion", "Statsrefusion", "income", "x"])
                       ).tolist() == ["expense", "expense", "income", "income", "refund", "refund", "income", "x"]


@pytest.mark.parametrize("name,value,expected", [
    ("funktion", "5.28.21", "5.28.21"), ("funktion", "52821", "5.28.21"), ("funktion", "05.28.21", "5.28.21"),
    ("funktion", "5 28 21", "5.28.21"), ("funktion", 52821.0, "5.28.21"), ("funktion", "2201", "0.22.01"),
    ("art", "4.0", "4.0"), ("art", "40", "4.0"), ("art", "4,0", "4.0"), ("gruppering", "1", "001"),
    ("omkostningssted", "BU2110", "bu2110"), ("dranst", "02", "2"), ("dranst", "2 Statsrefusion", "2"), ("art", 9.0, "9.0"),
])
def test_the_parts_of_an_account_are_compared_as_the_chart_writes_them(name, value, expected):
    assert accounts.normal_part(name, value) == expected


def _map(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([{**{p: "" for p in accounts.PATTERNS}, "activity": "", **row} for row in rows])
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def test_the_most_specific_pattern_wins_and_a_tie_is_refused():
    table = _map([{"funktion": "5.28.*", "sector": "BU", "category": "service"},
                  {"funktion": "5.28.21", "sector": "BU", "category": "special"},
                  {"funktion": "5.28.21", "omkostningssted": "BG*", "sector": "BU", "category": "guaranteed"}])
    export = pd.DataFrame({"funktion": ["52820", "5.28.21", "5.28.21", "5.38.20"], "omkostningssted": ["X", "BU1", "BG7", "X"]},
                          index=[5, 6, 7, 8])
    placed, unmapped = accounts.place(export, accounts.normal_parts(export), table, "export.csv", "accounts.csv")
    assert placed["category"].tolist() == ["service", "special", "guaranteed", ""]
    assert unmapped.tolist() == [False, False, False, True]
    tie = _map([{"funktion": "5.28.2?", "sector": "BU", "category": "a"}, {"funktion": "5.28.?1", "sector": "BU", "category": "b"}])
    with pytest.raises(InputError) as err:
        accounts.place(export, accounts.normal_parts(export), tie, "export.csv", "accounts.csv")
    assert "matches rows 2 and 3" in str(err.value) and "row 6" in str(err.value)


def test_a_pattern_on_a_part_the_export_lacks_matches_nothing():
    table = _map([{"gruppering": "003", "sector": "BU", "category": "guaranteed"}])
    export = pd.DataFrame({"funktion": ["5.28.21"]}, index=[2])
    placed, unmapped = accounts.place(export, accounts.normal_parts(export), table, "e", "a")
    assert unmapped.tolist() == [True]


def test_kinds_follow_dranst_and_art_with_the_models_rules_first(tmp_path):
    from budgetcontrol.contract.folder import folder_model

    model = folder_model(MAY)
    frame = pd.DataFrame({"dranst": ["1", "1", "1", "2", "2", "3", "1", "1"],
                          "art": ["1.0", "4.0", "7.1", "8.6", "4.0", "4.5", "9.7", "8.6"]})
    assert accounts.kinds(frame, accounts.normal_parts(frame), model, "e").tolist() == ["expense", "expense", "income", "refund", "refund", "expense",
                                                          "expense", "income"]
    own = model.model_copy(update={"account_kinds": [KindRule(dranst="1", art="9.7", kind="income")]})
    assert accounts.kinds(frame, accounts.normal_parts(frame), own, "e").tolist()[6] == "income"
    with pytest.raises(InputError, match="no kind column, and no dranst and art"):
        accounts.kinds(frame[["art"]], accounts.normal_parts(frame[["art"]]), model, "e")


def test_headers_in_danish_the_contracts_and_the_models_words():
    from budgetcontrol.contract.folder import folder_model

    model = folder_model(MAY).model_copy(update={"columns": {"Bogført beløb": "amount"}})
    names = ["month", "sector", "category", "activity", "kind", "amount"]
    assert map_headers(["Måned:", " sektor ", "KATEGORI", "Omk.sted", "Bogført beløb", "Tekst"], model, names, "f", 1) == {
        "Måned:": "month", " sektor ": "sector", "KATEGORI": "category", "Omk.sted": "omkostningssted", "Bogført beløb": "amount"}
    with pytest.raises(InputError, match="'Beløb' and 'amount' both name the column 'amount'"):
        map_headers(["Beløb", "amount"], model, names, "f", 1)
    changes = ["change_id", "date", "status", "type", "sector", "category", "activity", "kind", "amount"]
    assert map_headers(["Type"], model, changes, "f", 1) == {"Type": "type"}  # the Changes Table's own column wins
    assert normal("\ufeffBeløb (kr.):") == "beløb (kr.)"
    assert map_headers(["Kontonr.", "Dranst"], model, names, "f", 1) == {"Kontonr.": "konto", "Dranst": "dranst"}


def test_utf16_without_a_byte_order_mark_is_text():
    assert decode("måned;beløb\n".encode("utf-16-le")) == ("måned;beløb\n", "utf-16")
    assert decode("måned;beløb\n".encode("utf-16-be")) == ("måned;beløb\n", "utf-16")


def test_a_total_row_is_recognised_only_at_the_end():
    frame = pd.DataFrame({"a": ["x", "y", "I alt", "Total"], "amount": ["1", "2", "3", "3"]}, index=[2, 3, 4, 5])
    rows, totals = split_totals(frame, "f", "amount")
    assert len(rows) == 2 and [t.index for t in totals] == [4, 5]
    with pytest.raises(InputError, match="subtotal between data rows"):
        split_totals(frame.iloc[[0, 2, 1]], "f", "amount")


def _keyed_folder(tmp_path: Path) -> Path:
    """The May demo with its actuals exported by account (UTF-16, title rows, Danish headers, YYYYMM months)."""
    folder = tmp_path / "keyed"
    shutil.copytree(MAY, folder)
    plain = pd.read_csv(folder / "actuals.csv", dtype=str, keep_default_na=False)
    account = {("service", "expense"): "5.28.21;1;001;4.0;BU2110", ("service", "income"): "5.25.14;1;001;7.1;BU1020",
               ("service", "refund"): "5.28.21;2;001;8.6;BU2110", ("guaranteed", "expense"): "5.28.21;1;003;4.0;BG2120",
               ("guaranteed", "income"): "5.28.21;1;003;7.7;BG2120", ("guaranteed", "refund"): "5.28.21;2;003;8.6;BG2120",
               ("capital", "expense"): "5.25.14;3;010;4.5;BU1099"}
    lines = ["Posteringer 2014", "", "Periode;Funktion;Dranst;Gruppering;Art;Omkostningssted;Beløb"]
    for row in plain.itertuples():
        lines.append(f"{row.month.replace('-', '')};{account[(row.category, row.kind)]};{row.amount.replace('.', ',')}")
    (folder / "actuals.csv").write_text("\n".join(lines) + "\n", encoding="utf-16")
    return folder


def test_build_and_rollup_read_actuals_keyed_by_account_to_the_same_figures(tmp_path):
    keyed = _keyed_folder(tmp_path)
    plain = runner.invoke(app, ["export", str(MAY), "--table", "summary"])
    by_account = runner.invoke(app, ["export", str(keyed), "--table", "summary"])
    assert plain.exit_code == 0 and by_account.exit_code == 0, by_account.stderr
    assert by_account.stdout == plain.stdout
    rolled = runner.invoke(app, ["rollup", str(MAY), str(keyed)])
    assert rolled.exit_code == 0, rolled.stderr
    rows = pd.read_csv(pd.io.common.StringIO(rolled.stdout))
    first, second = (rows[rows["municipality"].str.endswith(f"({name})")].drop(columns="municipality").reset_index(drop=True)
                     for name in (MAY.name, "keyed"))
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == 7


ACCOUNT_OF = {("service", "expense"): ("5.28.21", "1", "001", "4.0", "BU2110"), ("service", "income"): ("5.25.14", "1", "001", "7.1", "BU1020"),
              ("service", "refund"): ("5.28.21", "2", "001", "8.6", "BU2110"), ("guaranteed", "expense"): ("5.28.21", "1", "003", "4.0", "BG2120"),
              ("guaranteed", "income"): ("5.28.21", "1", "003", "7.7", "BG2120"), ("guaranteed", "refund"): ("5.28.21", "2", "003", "8.6", "BG2120"),
              ("capital", "expense"): ("5.25.14", "3", "010", "4.5", "BU1099")}


def test_a_budget_and_changes_exported_by_account_build_the_same_workbook_figures(tmp_path):
    """budget.csv and changes.csv as the finance system exports them: Danish headers, accounts instead of lines,
    each line's budget split over two postings (summed back per line)."""
    folder = tmp_path / "keyed"
    shutil.copytree(MAY, folder)
    budget = pd.read_csv(MAY / "budget.csv", dtype=str, keep_default_na=False)
    lines = ["Oprindeligt budget 2014", "Funktion;Dranst;Gruppering;Art;Omk.sted;Beløb"]
    for row in budget.itertuples():
        funktion, dranst, gruppering, art, cost = ACCOUNT_OF[(row.category, row.kind)]
        half = float(row.amount) / 2
        for _ in range(2):
            lines.append(f"{funktion};{dranst};{gruppering};{art};{cost};{str(half).replace('.', ',')}")
    (folder / "budget.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")
    changes = pd.read_csv(MAY / "changes.csv", dtype=str, keep_default_na=False)
    rows = [["Ændring", "Dato", "Status", "Ændringstype", "Funktion", "Dranst", "Gruppering", "Art", "Omkostningssted", "Beløb",
             "Beskrivelse", "Sagsnr"]]
    for row in changes.itertuples():
        rows.append([row.change_id, row.date, row.status, row.type, *ACCOUNT_OF[(row.category, row.kind)],
                     row.amount.replace(".", ","), row.description, row.reference])
    with (folder / "changes.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    for table in ("summary", "changes", "monthly"):
        plain = runner.invoke(app, ["export", str(MAY), "--table", table])
        keyed = runner.invoke(app, ["export", str(folder), "--table", table])
        assert keyed.exit_code == 0, keyed.stderr
        assert keyed.stdout == plain.stdout, table


def test_rollup_reads_kinds_in_danish_in_a_contract_shaped_file(tmp_path):
    folder = tmp_path / "danish"
    shutil.copytree(MAY, folder)
    text = (folder / "actuals.csv").read_text(encoding="utf-8")
    (folder / "actuals.csv").write_text(text.replace(",expense,", ",Udgift,").replace(",income,", ",indtægter,")
                                        .replace(",refund,", ",refusion,"), encoding="utf-8")
    plain, danish = (runner.invoke(app, ["rollup", str(f)]) for f in (MAY, folder))
    assert danish.exit_code == 0, danish.stderr
    assert danish.stdout.replace(folder.name, MAY.name) == plain.stdout


def test_a_funktion_pattern_with_a_leading_zero_matches_as_the_chart_writes_it():
    table = _map([{"funktion": "05.28.*", "sector": "BU", "category": "service"}])
    export = pd.DataFrame({"funktion": ["52821"]}, index=[2])
    placed, unmapped = accounts.place(export, accounts.normal_parts(export), table, "e", "a")
    assert placed["category"].tolist() == ["service"] and not unmapped.any()
