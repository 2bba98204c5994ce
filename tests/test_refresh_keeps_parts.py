"""Never lose a controller's work (issue 17): a refresh edits only the parts the tool owns. A workbook
carrying Excel 2010+ features openpyxl does not model (a dropdown from another sheet, a sparkline, a pivot
table, an own chart, custom XML) keeps each such part byte for byte over three refreshes, and every part
that differs from the original is one the tool owns."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.sheets.names import DANISH, GENERATED
from budgetcontrol.xlsx.lint import lint
from budgetcontrol.xlsx.stream import _sheet_parts
from excel_features import OWN_PARTS, SHEET, add_excel_features
from helpers import EXAMPLE, ROOT
from ooxml_validators import sdk_errors

runner = CliRunner()
JUNE = ROOT / "examples" / "exports" / "aalborg-bu-2014-06.csv"


def june_plus_one(tmp_path):
    """June's actuals of the demo with every amount one more: the refresh has something to change."""
    import pandas as pd

    frame = pd.read_csv(EXAMPLE / "actuals.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["month"] == "2014-06"].assign(amount=lambda f: f["amount"].astype(float) + 1)
    frame.to_csv(tmp_path / "june.csv", index=False)
    return tmp_path / "june.csv"


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def owned_parts(path) -> set[str]:
    """The parts a refresh may change: the generated sheets with their drawings, charts and rels, the
    Actuals and Settings sheets and the Actuals Table, the workbook part, styles, relationships, content types."""
    with zipfile.ZipFile(path) as z:
        sheets = _sheet_parts(z)
        names = set(z.namelist())
    own = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "[Content_Types].xml"}
    for title in [DANISH[key] for key in list(GENERATED) + ["Actuals", "Settings"]]:
        if title in sheets:
            part = sheets[title]
            folder, name = part.rsplit("/", 1)
            own |= {part, f"{folder}/_rels/{name}.rels"}
    own |= {n for n in names if n.startswith(("xl/drawings/", "xl/charts/", "xl/tables/"))
            and "_own" not in n}
    return own


@pytest.mark.parametrize("suffix", ["xlsx", "xlsm"])
def test_three_refreshes_keep_every_part_the_tool_does_not_own_byte_for_byte(tmp_path, suffix):
    book = tmp_path / f"book.{suffix}"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(book), "--as-of", "2014-05-31"]).exit_code == 0
    add_excel_features(book)
    assert sdk_errors(book) == []  # the planted features are themselves valid
    original = parts(book)
    for export in (JUNE, JUNE, june_plus_one(tmp_path)):
        result = runner.invoke(app, ["refresh", str(book), "--actuals", str(export)])
        assert result.exit_code == 0, result.stderr
        assert "UserWarning" not in result.stderr and "site-packages" not in result.stderr
    after = parts(book)
    for name in OWN_PARTS + [n for n in original if n.startswith("xl/pivot") or n == "xl/vbaProject.bin"]:
        assert after[name] == original[name], name
    for name in OWN_PARTS:
        rels = name.rsplit("/", 1)[0] + "/_rels/" + name.rsplit("/", 1)[1] + ".rels"
        if rels in original:
            assert after[rels] == original[rels], rels
    differ = {n for n in set(original) | set(after) if original.get(n) != after.get(n)}
    assert differ <= owned_parts(book), sorted(differ - owned_parts(book))
    with zipfile.ZipFile(book) as z:
        actuals = _sheet_parts(z)["Regnskab"]
    assert {actuals, "xl/workbook.xml"} <= differ  # the refresh did rewrite what it owns
    assert sdk_errors(book) == [] and lint(book) == []
    with zipfile.ZipFile(book) as z:
        assert SHEET in _sheet_parts(z)


def test_a_second_refresh_adds_no_style_records(tmp_path):
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(book), "--as-of", "2014-05-31"]).exit_code == 0
    built = parts(book)["xl/styles.xml"]
    assert runner.invoke(app, ["refresh", str(book), "--actuals", str(june_plus_one(tmp_path))]).exit_code == 0
    once = parts(book)["xl/styles.xml"]
    assert runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)]).exit_code == 0
    assert parts(book)["xl/styles.xml"] == once == built  # every record the new sheets need was there


def test_the_controllers_own_sheet_keeps_its_place_and_the_generated_sheets_theirs(tmp_path):
    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(book), "--as-of", "2014-05-31"]).exit_code == 0
    add_excel_features(book)
    with zipfile.ZipFile(book) as z:
        before = list(_sheet_parts(z).items())
    shutil.copy(book, tmp_path / "before.xlsx")
    assert runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)]).exit_code == 0
    with zipfile.ZipFile(book) as z:
        assert list(_sheet_parts(z).items()) == before  # same sheets, same order, same parts


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63fccf"
                    "c0500f0004850180849a8c210000000049454e44ae426082")
PICTURE = ('<xdr:oneCellAnchor xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><xdr:from><xdr:col>0</xdr:col>'
           '<xdr:colOff>0</xdr:colOff><xdr:row>0</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="95250" '
           'cy="95250"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="77" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
           '<a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" '
           'y="0"/><a:ext cx="95250" cy="95250"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
           '</xdr:pic><xdr:clientData/></xdr:oneCellAnchor>')


def test_a_picture_the_controllers_sheet_shares_with_a_generated_sheet_stays(tmp_path):
    """Excel stores a picture shown on two sheets once: replacing the Status sheet's drawing must not take
    the controller's logo with it."""
    import re

    book = tmp_path / "book.xlsx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(book), "--as-of", "2014-05-31"]).exit_code == 0
    add_excel_features(book)
    found = parts(book)
    with zipfile.ZipFile(book) as z:
        status = _sheet_parts(z)["Status"]
    status_rels = found[status.replace("worksheets/", "worksheets/_rels/") + ".rels"].decode()
    status_drawing = "xl/drawings/" + re.search(r'drawings/([^"]+)"', status_rels).group(1)
    found["xl/media/image1.png"] = PNG
    for drawing in (status_drawing, "xl/drawings/drawing_own.xml"):
        found[drawing] = re.sub(r"</(\w+:)?wsDr>", PICTURE + r"</\1wsDr>", found[drawing].decode()).encode()
        rels = drawing.replace("drawings/", "drawings/_rels/") + ".rels"
        found[rels] = found[rels].decode().replace("</Relationships>", '<Relationship Id="rIdLogo" Type="http://schemas.'
                                                   'openxmlformats.org/officeDocument/2006/relationships/image" Target='
                                                   '"../media/image1.png"/></Relationships>').encode()
    found["[Content_Types].xml"] = found["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in found.items():
            z.writestr(name, data)
    assert sdk_errors(book) == []
    assert runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)]).exit_code == 0
    after = parts(book)
    assert after["xl/media/image1.png"] == PNG and after["xl/drawings/drawing_own.xml"] == found["xl/drawings/drawing_own.xml"]
    assert sdk_errors(book) == []
