"""Excel will open what we write: every kind of workbook the tool writes passes Microsoft's Open XML SDK
validator and openxml-audit with zero errors, and the lints the validators miss (xlsx/lint.py). Real
Excel cannot run here; the validators are the nearest proxy, and Excel's "We found a problem with some
content" prompt comes from the class of defect they find. Each planted defect is found again."""

from __future__ import annotations

import re
import shutil
import zipfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.xlsx.excel_order import FONT_ORDER, fonts_in_excel_order
from budgetcontrol.xlsx.lint import lint
from helpers import EXAMPLE, ROOT
from ooxml_validators import audit_errors, sdk_errors
from test_big_tables_on_refresh import with_shared_strings

runner = CliRunner()
JUNE = ROOT / "examples" / "exports" / "aalborg-bu-2014-06.csv"


def cli(*args) -> None:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr or result.stdout


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict:
    """Every kind of workbook we write: built .xlsx and .xlsm of each example, both refreshed with June's
    export, and a synthetic municipality whose Tables take the streamed path (1.200 lines, over 1.000 rows
    of Budget and Actuals), built as of November, saved with shared strings as Excel saves, then
    refreshed with December (the big Tables cut and spliced, December's rows streamed)."""
    tmp = tmp_path_factory.mktemp("ooxml")
    out = {}
    for suffix in ("xlsx", "xlsm"):
        out[f"built.{suffix}"] = tmp / f"built.{suffix}"
        cli("build", EXAMPLE, "-o", out[f"built.{suffix}"], "--as-of", "2014-05-31")
        out[f"refreshed.{suffix}"] = tmp / f"refreshed.{suffix}"
        shutil.copy(out[f"built.{suffix}"], out[f"refreshed.{suffix}"])
        cli("refresh", out[f"refreshed.{suffix}"], "--actuals", JUNE)
    out["kept.xlsm"] = tmp / "kept.xlsm"  # build --keep over a refreshed workbook with a sheet of the controller's own
    shutil.copy(out["refreshed.xlsm"], out["kept.xlsm"])
    from excel_features import add_excel_features

    add_excel_features(out["kept.xlsm"])
    cli("build", EXAMPLE, "-o", out["kept.xlsm"], "--keep")
    for name in ("aalborg-2019-bu", "aalborg-2017-placements"):
        out[name] = tmp / f"{name}.xlsx"
        cli("build", ROOT / "examples" / name, "-o", out[name])
    folder = tmp / "synth"
    cli("synth", folder, "--lines", "1200", "--changes", "80", "--months", "12")
    out["synth built"] = tmp / "synth.xlsx"
    cli("build", folder, "-o", out["synth built"], "--as-of", "2026-11-30")
    out["synth refreshed"] = tmp / "synth-refreshed.xlsx"
    shutil.copy(out["synth built"], out["synth refreshed"])
    with_shared_strings(out["synth refreshed"])
    actuals = pd.read_csv(folder / "actuals.csv", dtype=str, keep_default_na=False)
    december = tmp / "december.csv"
    actuals[actuals["month"] == "2026-12"].to_csv(december, index=False)
    cli("refresh", out["synth refreshed"], "--actuals", december)
    # Part 6: the account map's sheet, the Settings Tables of an export's column map and kind rules, refreshed
    # from the kontoplan-keyed export with one account left unmapped and kept on "Ikke placeret".
    may = tmp / "may"
    shutil.copytree(ROOT / "examples" / "aalborg-2014-bu-may", may)
    with (may / "model.yaml").open("a", encoding="utf-8") as fh:
        fh.write('columns: {"Bogført beløb": amount}\naccount_kinds: [{dranst: "1", art: "7.9", kind: income}]\n')
    out["kontoplan unmapped kept"] = tmp / "kontoplan.xlsx"
    cli("build", may, "-o", out["kontoplan unmapped kept"])
    export = tmp / "kontoplan.csv"
    export.write_text(KONTOPLAN.read_text(encoding="cp1252").replace(";5.28.20;", ";5.38.20;"), encoding="cp1252")
    cli("refresh", out["kontoplan unmapped kept"], "--actuals", export, "--unmapped", "keep")
    return out


KONTOPLAN = ROOT / "examples" / "exports" / "aalborg-bu-2014-06-kontoplan.csv"
KINDS = ["built.xlsx", "built.xlsm", "refreshed.xlsx", "refreshed.xlsm", "kept.xlsm", "aalborg-2019-bu", "aalborg-2017-placements",
         "synth built", "synth refreshed", "kontoplan unmapped kept"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_workbook_passes_the_open_xml_sdk_validator(books, kind):
    assert sdk_errors(books[kind]) == []


@pytest.mark.parametrize("kind", [k for k in KINDS if not k.startswith("synth")])
def test_every_kind_of_workbook_up_to_the_examples_size_passes_openxml_audit(books, kind):
    """openxml-audit 0.8.0 finds an element's position among its siblings by walking them (quadratic in a
    sheet's rows: 80 s for each synthetic workbook, 1 s for the demo), so the streamed sizes are left to
    the SDK above, which reads them in 3–4 s."""
    assert audit_errors(books[kind]) == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_workbook_passes_the_lints_the_validators_miss(books, kind):
    assert lint(books[kind]) == []


def test_the_lints_look_at_what_they_check(books):
    """The demo's formulas hold structured references, Tables and defined names for the lints to read:
    a lint that saw nothing would pass anything."""
    with zipfile.ZipFile(books["built.xlsx"]) as z:
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        tables = [n for n in z.namelist() if n.startswith("xl/tables/")]
        names = z.read("xl/workbook.xml").count(b"<definedName ")
    assert len(re.findall(rb"Changes\[(?:amount|status|date)\]", sheets)) > 50
    assert len(tables) >= 10 and names >= 20
    from budgetcontrol.xlsx import lint as module

    seen = []
    original = module._formulas
    try:
        module._formulas = lambda formulas, tables, found: seen.extend(formulas)
        module.lint(books["built.xlsx"])
    finally:
        module._formulas = original
    assert any(part.startswith("xl/charts/") for part, _ in seen)  # the charts' series formulas are read too


@pytest.mark.parametrize("formula,columns", [
    ("T[a'[b]", ["a[b"]), ("T[a']b]", ["a]b"]), ("Øko[nope]", ["nope"]), ("T[ lead]", [" lead"]),
    ("Changes[[#This Row],[amount]]", ["amount"]), ("T[[a]:[b]]", ["a", "b"]), ("T[#All]", [])])
def test_structured_references_are_read_with_excels_escapes(formula, columns):
    from budgetcontrol.xlsx.lint import _STRUCTURED, _columns_of

    assert [c for _, inner in _STRUCTURED.findall(formula) for c in _columns_of(inner)] == columns


def test_a_column_name_with_parentheses_is_no_function():
    from budgetcontrol.xlsx.lint import _Findings, _formulas

    found = _Findings()
    _formulas([("p", "SUM(T[beløb(kr)])")], {"t": {"name": "T", "part": "t", "columns": {"beløb(kr)"}, "formulas": []}}, found)
    assert found.lines == []


def test_an_empty_text_is_written_as_an_empty_cell_never_an_inline_string_without_text(tmp_path):
    from openpyxl import Workbook

    from budgetcontrol.xlsx.writer import write_file

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "", "tekst"
    ws["C1"].data_type = "inlineStr"  # as openpyxl reads a styled <c t="inlineStr"/>
    ws["C1"].number_format = "0.0"
    write_file(wb, tmp_path / "e.xlsx")
    assert lint(tmp_path / "e.xlsx") == []
    with zipfile.ZipFile(tmp_path / "e.xlsx") as z:
        assert z.read("xl/worksheets/sheet1.xml").count(b"inlineStr") == 1  # B1 only


# ---- planted defects: each put back into a valid workbook is found ----
def planted(source, target, part: str, edit) -> None:
    with zipfile.ZipFile(source) as z:
        parts = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info, edit(data) if info.filename == part else data)


def sheet_part(book, title: str) -> str:
    from budgetcontrol.xlsx.stream import _sheet_parts

    with zipfile.ZipFile(book) as z:
        return _sheet_parts(z)[title]


def openpyxl_font_order(styles: bytes) -> bytes:
    """openpyxl's own order of a font's children (name, charset, family, b … color, sz, u …)."""
    order = ("name", "charset", "family", "b", "i", "strike", "outline", "shadow", "condense", "extend", "color",
             "sz", "u", "vertAlign", "scheme")

    def reorder(m: re.Match) -> bytes:
        children = re.findall(rb"<(\w+)\b[^>]*/>", m.group(1))
        items = re.findall(rb"<\w+\b[^>]*/>", m.group(1))
        ranked = sorted(zip(children, items), key=lambda c: order.index(c[0].decode()))
        return b"<font>" + b"".join(i for _, i in ranked) + b"</font>"
    return re.sub(rb"<font>(.*?)</font>", reorder, styles)


def test_fonts_in_openpyxls_order_are_found_by_both_validators(books, tmp_path):
    bad = tmp_path / "fonts.xlsx"
    planted(books["built.xlsx"], bad, "xl/styles.xml", openpyxl_font_order)
    assert any("styles.xml" in e and "sz" in e for e in sdk_errors(bad))
    assert any("styles.xml" in e and "'sz'" in e for e in audit_errors(bad))


def test_an_empty_inline_string_is_found(books, tmp_path):
    bad = tmp_path / "empty.xlsx"
    part = sheet_part(books["built.xlsx"], "Status")
    planted(books["built.xlsx"], bad, part, lambda xml: xml.replace(b"</row>", b'<c r="ZZ1" t="inlineStr"/></row>', 1))
    assert lint(bad) == [f"empty-inline: {part}: cell ZZ1 is an inline string without <is>"]


def test_a_this_row_reference_is_found(books, tmp_path):
    bad = tmp_path / "at.xlsx"
    part = sheet_part(books["built.xlsx"], "Status")
    planted(books["built.xlsx"], bad, part,
            lambda xml: xml.replace(b"</row>", b'<c r="ZZ1"><f>Changes[@amount]*2</f></c></row>', 1))
    found = lint(bad)
    assert any(line.startswith(f"this-row: {part}: [@") for line in found), found


@pytest.mark.parametrize("formula,rule", [("&lt;v&gt;0&lt;/v&gt;&lt;/c&gt;", "markup: "),
    ("IFS(A1&gt;1,1,TRUE,0)", "xlfn: "), ("_xlfn.XLOOKUP(A1,B:B,C:C)", "xlfn: "), ("SUM(Nowhere[amount])", "structured-ref: "),
    ("SUM(Changes[amount_typo])", "structured-ref: "), ("SUM(Changes[[#This Row],[nope]])", "structured-ref: ")])
def test_a_new_function_or_a_reference_to_no_table_or_column_is_found(books, tmp_path, formula, rule):
    bad = tmp_path / "f.xlsx"
    part = sheet_part(books["built.xlsx"], "Status")
    planted(books["built.xlsx"], bad, part,
            lambda xml: xml.replace(b"</row>", f'<c r="ZZ1"><f>{formula}</f></c></row>'.encode(), 1))
    found = lint(bad)
    assert len(found) == 1 and found[0].startswith(rule + part), found


def test_a_table_header_differing_from_its_column_name_and_a_style_past_the_formats_are_found(books, tmp_path):
    bad = tmp_path / "h.xlsx"
    with zipfile.ZipFile(books["built.xlsx"]) as z:
        table = next(n for n in z.namelist() if n.startswith("xl/tables/") and b'displayName="Changes"' in z.read(n))
    planted(books["built.xlsx"], bad, table, lambda xml: xml.replace(b'name="amount"', b'name="Amount2"', 1))
    found = lint(bad)
    assert any(line.startswith(f"header: {table}: header cells") for line in found), found
    assert any(line.startswith("structured-ref: ") and "'amount'" in line for line in found)  # the formulas' column is gone
    bad = tmp_path / "s.xlsx"
    part = sheet_part(books["built.xlsx"], "Status")
    planted(books["built.xlsx"], bad, part, lambda xml: xml.replace(b"</row>", b'<c r="ZZ1" s="9999"/></row>', 1))
    assert lint(bad) == [f"style: {part}: a c has style 9999, past the {_cell_formats(books['built.xlsx'])} cell formats"]


def _cell_formats(book) -> int:
    with zipfile.ZipFile(book) as z:
        styles = z.read("xl/styles.xml").decode()
    return styles[styles.index("<cellXfs"):styles.index("</cellXfs>")].count("<xf ")


def test_a_cell_like_defined_name_and_duplicate_table_ids_are_found(books, tmp_path):
    bad = tmp_path / "n.xlsx"
    planted(books["built.xlsx"], bad, "xl/workbook.xml",
            lambda xml: xml.replace(b"</definedNames>", b'<definedName name="AB12">Settings!$B$2</definedName>'
                                                        b'<definedName name="R1C1">Settings!$B$2</definedName></definedNames>'))
    assert [line.split(": ")[0] for line in lint(bad)] == ["name", "name"]
    with zipfile.ZipFile(books["built.xlsx"]) as z:
        tables = sorted(n for n in z.namelist() if n.startswith("xl/tables/"))
        first_id = re.search(rb' id="(\d+)"', z.read(tables[0])).group(1)
    bad = tmp_path / "t.xlsx"
    planted(books["built.xlsx"], bad, tables[1], lambda xml: re.sub(rb' id="\d+"', b' id="' + first_id + b'"', xml, count=1))
    assert [line.split(": ")[0] for line in lint(bad)] == ["table-id"]


# ---- fonts in Excel's order (xlsx/excel_order.py) ----
def test_font_children_are_put_in_excels_order_and_nothing_else_changes():
    xml = (b'<styleSheet><fonts count="2"><font><name val="Calibri"/><family val="2"/><b val="1"/><color rgb="FF0000"/>'
           b'<sz val="11"/><u val="single"/></font><font/></fonts><dxfs count="1"><dxf><font><color rgb="9C0006"/>'
           b'<b val="1"/></font></dxf></dxfs></styleSheet>')
    fixed = fonts_in_excel_order(xml)
    assert fixed == (b'<styleSheet><fonts count="2"><font><b val="1"/><u val="single"/><sz val="11"/><color rgb="FF0000"/>'
                     b'<name val="Calibri"/><family val="2"/></font><font/></fonts><dxfs count="1"><dxf><font><b val="1"/>'
                     b'<color rgb="9C0006"/></font></dxf></dxfs></styleSheet>')
    assert fonts_in_excel_order(fixed) == fixed
    odd = b"<fonts><font><b val='1'/><!-- a comment --><name val='x'/></font></fonts>"
    assert fonts_in_excel_order(odd) == odd  # anything but a run of empty elements is left as written
    assert FONT_ORDER.index("u") < FONT_ORDER.index("sz") < FONT_ORDER.index("color") < FONT_ORDER.index("name")
