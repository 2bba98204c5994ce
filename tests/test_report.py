"""`budgetcontrol report`: the budget follow-up as a Word document and a PDF (issue 21). Every figure printed
is read back (python-docx, pypdf) and held against the engine's own tables; the published Aalborg history
and Varde's outer years appear to the krone; the controller's comments print under their figures."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from helpers import EXAMPLE, ROOT, append_table_row, copy_example
from typer.testing import CliRunner

from budgetcontrol import contract, export
from budgetcontrol.cli import app
from budgetcontrol.engine import compute
from budgetcontrol.report import figures

runner = CliRunner()
EXAMPLES = ROOT / "examples"


def report(source: Path, out: Path, *extra: str) -> Document:
    done = runner.invoke(app, ["report", str(source), "-o", str(out), *extra])
    assert done.exit_code == 0, done.output
    return Document(str(out))


def excel_round(value: float, decimals: int = 0) -> float:
    """As Excel's number formats round: half away from zero (0,5 → 1), not Python's half to even."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def danish(text: str) -> float | None:
    """A figure as printed (1.234.567, -21.685, 98,7 %) back as a number; None for a blank."""
    text = text.strip().replace("\u2212", "-")
    if text == "":
        return None
    if text.endswith("%"):
        return float(text[:-1].strip().replace(".", "").replace(",", ".")) / 100
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d)?", text), text
    return float(text.replace(".", "").replace(",", "."))


def tables_by_caption(doc: Document) -> dict[str, list[list[str]]]:
    """Each table's rows of cell texts, by the caption paragraph just before it."""
    out, caption = {}, None
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[1]
        if tag == "p":
            caption = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
        elif tag == "tbl":
            rows = [["".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t")) for tc in tr.iterchildren()
                     if tc.tag.endswith("}tc")] for tr in block.iterchildren() if tr.tag.endswith("}tr")]
            out[caption] = rows
    return out


def body_texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def sections(result) -> list[figures.Section]:
    found = [figures.key_figures(result), figures.groups(result), figures.deviations(result)]
    found += [figures.status_of(result, s) for s in result.inputs.model.sector_codes]
    found += [s for s in (figures.activity(result), figures.history(result)) if s is not None]
    return found + figures.outer_years(result)


ALL_EXAMPLES = ["aalborg-2014-bu", "aalborg-2014-bu-may", "aalborg-2019-bu", "aalborg-2017-placements"]


@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_every_table_prints_the_figures_of_its_section_rounded_to_the_unit(tmp_path, example):
    doc = report(EXAMPLES / example, tmp_path / "r.docx")
    printed = tables_by_caption(doc)
    result = compute(contract.load(EXAMPLES / example))
    expected = sections(result)
    assert set(printed) == {s.caption for s in expected}
    for section in expected:
        rows = printed[section.caption]
        assert rows[0] == list(section.frame.columns), section.caption
        assert len(rows) == len(section.frame) + 1, section.caption
        for got, want in zip(rows[1:], section.frame.itertuples(index=False)):
            for column, text, value in zip(section.frame.columns, got, want):
                if column in section.texts:
                    assert text == ("" if value is None else str(value)), (section.caption, column)
                elif value is None or pd.isna(value):
                    assert text == ""
                elif column in section.percent:
                    assert danish(text) == pytest.approx(excel_round(value * 100, 1) / 100), (section.caption, column)
                else:
                    decimals = 1 if column in section.fine else 0
                    assert danish(text) == excel_round(value, decimals), (section.caption, column, text, value)


def test_key_figures_and_status_equal_the_engines_export_tables(tmp_path):
    """Independently of the report's own frames: the totals against `export --table summary` and the status
    rows against `export --table monthly` (the as-of month, net)."""
    source = EXAMPLES / "aalborg-2019-bu"
    printed = tables_by_caption(report(source, tmp_path / "r.docx"))
    result = compute(contract.load(source))
    summary = export.table(result, "summary")
    grand = summary[(summary["sector"] == "") & (summary["category"] == "") & (summary["kind"] == "net")].iloc[-1]
    key = printed["Hovedtal pr. sektor, netto, 1.000 kr."]
    total = dict(zip(key[0], key[-1]))
    assert total["Sektor"] == "I alt"
    assert danish(total["Oprindeligt budget"]) == excel_round(grand["original"])
    assert danish(total["Korrigeret budget"]) == excel_round(grand["corrected"])
    month = export.table(result, "monthly")
    month = month[(month["month"] == "2019-09") & (month["kind"] == "net")].set_index("category")
    status = printed["Børn og Unge: status pr. kategori, netto, 1.000 kr."]
    names = {c.name: c.code for c in result.inputs.model.categories}
    for row in status[1:-1]:
        cells = dict(zip(status[0], row))
        figures_of = month.loc[names[cells["Kategori"]]]
        assert danish(cells["Korrigeret budget"]) == excel_round(figures_of["corrected"])
        assert danish(cells["Periodiseret budget til dato"]) == excel_round(figures_of["budget_ytd"])
        assert danish(cells["Regnskab til dato"]) == excel_round(figures_of["actual_ytd"])
        assert danish(cells["Forventet regnskab"]) == excel_round(figures_of["forecast"])
        assert danish(cells["Forventet resultat"]) == excel_round(figures_of["expected_result"])
        assert danish(cells["Forbrugsprocent"]) == pytest.approx(excel_round(figures_of["consumption"] * 100, 1) / 100)
    # the controller's forecast counts for placements, and the deviations say so
    deviations = next(rows for caption, rows in printed.items() if caption.startswith("De "))
    placements = next(dict(zip(deviations[0], r)) for r in deviations[1:] if r[2] == "anbringelser" and r[3] == "Udgift")
    assert placements["Prognose"] == "Controllerens" and danish(placements["Forventet regnskab"]) == 346_500


def test_the_published_aalborg_history_appears_to_the_krone(tmp_path):
    printed = tables_by_caption(report(EXAMPLES / "aalborg-2019-bu", tmp_path / "r.docx"))
    rows = next(rows for caption, rows in printed.items() if caption.startswith("Økonomi hovedtal"))
    results = {r[0]: (danish(r[5]), danish(r[6])) for r in rows[1:]}
    assert {y: results[y] for y in ("2015", "2016", "2017", "2018")} == {
        "2015": (548, -7_061), "2016": (21_195, 20_022), "2017": (-5_083, 17_235), "2018": (2_541, 7_628)}
    assert rows[2][4] == "568.622"  # 2016's accounts, as printed (row 1 is the heading)


def test_vardes_outer_years_and_savings_catalogue_appear_to_the_krone(tmp_path):
    from helpers import VARDE_CATALOGUES, varde_2018
    from test_years import VARDE_PUBLISHED

    printed = tables_by_caption(report(varde_2018(tmp_path / "varde"), tmp_path / "r.docx"))
    rows = next(rows for caption, rows in printed.items() if "overslagsår med besparelseskataloget" in caption)
    header, by_label = rows[0], {r[0].strip(): r[1:] for r in rows[1:]}
    years = [int(y) for y in header[1:]]
    for year, (saved, estimated, difference) in VARDE_PUBLISHED.items():
        i = years.index(year)
        assert danish(by_label["Besparelser i alt"][i]) == saved
        assert danish(by_label["Estimeret budget"][i]) == estimated
        assert danish(by_label["Difference til korrigeret budget"][i]) == difference
    for catalogue, measures in VARDE_CATALOGUES.items():
        for measure, amounts in measures.items():
            assert [danish(v) for v in by_label[measure]] == list(amounts)
        assert [danish(v) for v in by_label[f"{catalogue} i alt"]] == [sum(a) for a in zip(*measures.values())]


def test_comments_from_the_folder_print_under_their_figures_and_a_red_overspend_without_one_is_listed(tmp_path):
    folder = copy_example(tmp_path / "bu")
    doc = report(folder, tmp_path / "bare.docx")
    assert "Mangler bemærkning" not in body_texts(doc)  # the demo's year ends 1,3 % under the corrected budget
    model = (folder / "model.yaml").read_text(encoding="utf-8")
    (folder / "model.yaml").write_text(model + "traffic_lights: {amber: 0.0, red: 0.00001}\n", encoding="utf-8")
    (folder / "budget.csv").write_text((folder / "budget.csv").read_text(encoding="utf-8").replace(",1914428", ",1800000"),
                                       encoding="utf-8")  # a lower service budget: an overspend beyond red
    done = runner.invoke(app, ["report", str(folder), "-o", str(tmp_path / "red.docx")])
    assert done.exit_code == 0 and "mangler bemærkning: Børn og Unge" in done.output  # said on the terminal too
    listed = body_texts(Document(str(tmp_path / "red.docx")))
    assert "Mangler bemærkning" in listed and "mangler bemærkning: Børn og Unge" in listed
    (folder / "comments.csv").write_text(
        "sector,category,text\nBU,,Merforbruget skyldes flere anbringelser.\nbu,service,Handleplan forelægges udvalget.\n",
        encoding="utf-8")
    doc = report(folder, tmp_path / "said.docx")
    texts = body_texts(doc)
    assert "Mangler bemærkning" not in texts
    after = texts[texts.index("Børn og Unge"):]  # the sector's heading, its table's caption, then (after the table) the comments
    assert after[1].startswith("Børn og Unge: status pr. kategori")
    assert after[2] == "Bemærkning: Merforbruget skyldes flere anbringelser."
    assert after[3] == "Serviceudgifter: Handleplan forelægges udvalget."
    # the comment follows the sector's status table in the document's body order
    body = [b.tag.rsplit("}", 1)[1] for b in doc.element.body.iterchildren()]
    paragraphs = [b for b in doc.element.body.iterchildren() if b.tag.endswith("}p")]
    comment = next(p for p in paragraphs if "Merforbruget" in "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t")))
    assert body[list(doc.element.body.iterchildren()).index(comment) - 1] == "tbl"


def test_a_comment_typed_into_the_workbooks_comments_table_is_printed(tmp_path):
    from budgetcontrol.build import build

    book = tmp_path / "book.xlsx"
    build(EXAMPLE, book, dt.date(2014, 6, 30))
    append_table_row(book, "Bemærkninger", "Comments", ["BU", "guaranteed", "Flere sager end budgetteret."])
    assert contract.load(book).comments["text"].tolist() == ["Flere sager end budgetteret."]
    texts = body_texts(report(book, tmp_path / "r.docx"))
    assert "Budgetgaranterede udgifter: Flere sager end budgetteret." in texts
    assert "Opgjort pr. 30. juni 2014 (regnskab til og med juni 2014)" in "\n".join(texts)


def test_a_comment_for_an_unknown_sector_is_refused_with_one_line(tmp_path):
    folder = copy_example(tmp_path / "bu")
    (folder / "comments.csv").write_text("sector,category,text\nXX,,Hvem?\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    done = runner.invoke(app, ["report", str(folder), "-o", str(out / "r.docx")])
    assert done.exit_code == 2 and "comments.csv, row 2, column 'sector'" in done.output
    assert len(done.output.strip().splitlines()) == 1 and list(out.iterdir()) == []


def _garbage_template(folder: Path) -> dict[str, Path]:
    not_zip = folder / "garbage.docx"
    not_zip.write_bytes(b"not a zip at all" * 100)
    workbook = folder / "book.docx"
    shutil.copyfile(EXAMPLES.parent / "budgetcontrol" / "report" / "template.docx", workbook)
    with zipfile.ZipFile(workbook) as z, zipfile.ZipFile(folder / "nodoc.docx", "w") as out:
        for item in z.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, z.read(item))
    return {"garbage": not_zip, "nodoc": folder / "nodoc.docx", "missing": folder / "missing.docx",
            "text": Path(__file__)}


@pytest.mark.parametrize("case, expected", [
    (lambda t, tpl: ["-o", str(t / "r.pdf")], "the report must be a .docx file"),
    (lambda t, tpl: ["-o", str(t / "nowhere" / "r.docx")], "does not exist"),
    (lambda t, tpl: ["-o", str(t / "r.docx"), "--as-of", "2013-06-30"], "--as-of: 2013-06-30 is not in the fiscal year 2014"),
    (lambda t, tpl: ["-o", str(t / "r.docx"), "--as-of", "30-06-2014"], "--as-of: '30-06-2014' is not a date"),
    (lambda t, tpl: ["-o", str(t / "r.docx"), "--template", str(tpl["garbage"])], "cannot be read as a Word document"),
    (lambda t, tpl: ["-o", str(t / "r.docx"), "--template", str(tpl["nodoc"])], "is not a Word document"),
    (lambda t, tpl: ["-o", str(t / "r.docx"), "--template", str(tpl["missing"])], "no such template file"),
    (lambda t, tpl: ["-o", str(t / "r.docx"), "--template", str(tpl["text"])], "must be a Word document"),
])
def test_bad_options_are_one_line_exit_2_and_nothing_written(tmp_path, case, expected):
    templates = tmp_path / "templates"
    templates.mkdir()
    tpl = _garbage_template(templates)
    out = tmp_path / "out"
    out.mkdir()
    done = runner.invoke(app, ["report", str(EXAMPLE), *case(out, tpl)])
    assert done.exit_code == 2, done.output
    assert expected in done.output and len(done.output.strip().splitlines()) == 1 and "Traceback" not in done.output
    assert list(out.iterdir()) == []


def test_a_missing_source_is_one_line(tmp_path):
    done = runner.invoke(app, ["report", str(tmp_path / "nothing"), "-o", str(tmp_path / "r.docx")])
    assert done.exit_code == 2 and len(done.output.strip().splitlines()) == 1 and not (tmp_path / "r.docx").exists()


def test_the_municipalitys_template_gives_its_styles_header_and_logo(tmp_path):
    import io

    from docx.shared import Pt, RGBColor
    from PIL import Image

    house = Document()
    house.styles["Heading 1"].font.name = "DejaVu Serif"
    house.styles["Heading 1"].font.color.rgb = RGBColor(0x00, 0x66, 0x33)
    house.styles["Normal"].font.size = Pt(11)
    logo = io.BytesIO()
    Image.new("RGB", (60, 20), (0, 102, 51)).save(logo, format="PNG")
    header = house.sections[0].header.paragraphs[0]
    header.add_run("Varde Kommune ").add_picture(io.BytesIO(logo.getvalue()))
    house.add_paragraph("Skabelonens egen tekst, som rapporten ikke tager med.")
    house.save(str(tmp_path / "house.docx"))
    doc = report(EXAMPLE, tmp_path / "r.docx", "--template", str(tmp_path / "house.docx"))
    assert doc.styles["Heading 1"].font.name == "DejaVu Serif"
    assert doc.styles["Heading 1"].font.color.rgb == RGBColor(0x00, 0x66, 0x33)
    assert doc.sections[0].header.paragraphs[0].text.startswith("Varde Kommune")
    assert any(r.reltype.endswith("/image") for r in doc.sections[0].header.part.rels.values())
    assert "Skabelonens egen tekst" not in "\n".join(body_texts(doc))
    assert doc.tables[0].style.name == "Table Grid"  # the house template has no "Budgetopfølgning" style
    default = report(EXAMPLE, tmp_path / "d.docx")
    assert default.tables[0].style.name == "Budgetopfølgning" and default.styles["Normal"].font.name == "Liberation Sans"


def test_every_table_repeats_its_heading_row_and_the_document_passes_the_open_xml_validators(tmp_path):
    from ooxml_validators import audit_errors, sdk_errors

    path = tmp_path / "r.docx"
    doc = report(EXAMPLES / "aalborg-2019-bu", path)
    for grid in doc.tables:
        assert grid.rows[0]._tr.trPr is not None and grid.rows[0]._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    assert sdk_errors(path) == [] and audit_errors(path) == []
    assert len([s for s in doc.inline_shapes]) == 3  # expected results, cumulative, history


@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_the_pdf_holds_the_key_figures_of_each_example_and_the_2014_demo_fits_in_eight_pages(tmp_path, soffice, example):
    from pypdf import PdfReader

    from budgetcontrol.report.document import amount, percent

    done = runner.invoke(app, ["report", str(EXAMPLES / example), "-o", str(tmp_path / "r.docx"), "--pdf"])
    assert done.exit_code == 0, done.output
    pdf = PdfReader(str(tmp_path / "r.pdf"))
    assert 1 <= len(pdf.pages) <= (8 if example == "aalborg-2014-bu" else 12)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    result = compute(contract.load(EXAMPLES / example))
    key = figures.key_figures(result).frame
    for column in ("Oprindeligt budget", "Korrigeret budget", "Regnskab til dato", "Forventet regnskab", "Forventet resultat"):
        assert amount(key[column].iloc[-1]) in text, column
    grand = figures.groups(result).frame.iloc[-1]
    assert percent(grand["Forbrugsprocent"]) in text
    assert f"Budgetopfølgning {result.inputs.model.fiscal_year}" in text and "Alle kontroller OK." in text


def test_as_of_moves_the_follow_up_to_that_month(tmp_path):
    texts = "\n".join(body_texts(report(EXAMPLE, tmp_path / "r.docx", "--as-of", "2014-03-31")))
    assert "Opgjort pr. 31. marts 2014 (regnskab til og med marts 2014)" in texts
    printed = tables_by_caption(Document(str(tmp_path / "r.docx")))
    result = compute(contract.load(EXAMPLE), dt.date(2014, 3, 31))
    key = printed["Hovedtal pr. sektor, netto, 1.000 kr."]
    assert danish(dict(zip(key[0], key[-1]))["Regnskab til dato"]) == excel_round(figures.key_figures(result).frame["Regnskab til dato"].iloc[-1])


def test_figures_round_as_excel_shows_them_half_away_from_zero_and_never_minus_zero():
    from budgetcontrol.report.document import amount, percent

    assert [amount(v) for v in (1_682_366.5, 2.5, -2.5, -0.4, 1234567.49, float("nan"))] == \
        ["1.682.367", "3", "-3", "0", "1.234.567", ""]
    assert [amount(v, 1) for v in (84.0, 84.55, -0.04, 1234.25)] == ["84", "84,6", "0", "1.234,3"]
    assert [percent(v) for v in (0.4865, 0.98765, -0.00001, 1.0735)] == ["48,7 %", "98,8 %", "0,0 %", "107,4 %"]


def test_each_sector_of_a_municipality_equals_the_monthly_export(municipality, tmp_path):
    """Three sectors: every sector's status table against `export --table monthly` (the as-of month, net)."""
    printed = tables_by_caption(report(municipality, tmp_path / "r.docx"))
    result = compute(contract.load(municipality))
    month = export.table(result, "monthly")
    month = month[(month["month"] == f"{result.as_of:%Y-%m}") & (month["kind"] == "net")]
    names = {c.name: c.code for c in result.inputs.model.categories}
    for sector in result.inputs.model.sector_codes:
        rows = printed[f"{figures.sector_name(result, sector)}: status pr. kategori, netto, {result.inputs.model.unit}"]
        mine = month[month["sector"] == sector].set_index("category")
        assert len(rows) - 2 == len(mine)  # the heading row and the sector's total besides its categories
        for row in rows[1:-1]:
            cells = dict(zip(rows[0], row))
            want = mine.loc[names[cells["Kategori"]]]
            assert [danish(cells[c]) for c in ("Korrigeret budget", "Regnskab til dato", "Forventet resultat")] == \
                [excel_round(want[c]) for c in ("corrected", "actual_ytd", "expected_result")]
        total = dict(zip(rows[0], rows[-1]))
        assert danish(total["Korrigeret budget"]) == excel_round(mine["corrected"].sum())


def test_the_traffic_light_is_text_and_its_colour(tmp_path):
    doc = report(EXAMPLE, tmp_path / "r.docx", "--as-of", "2014-06-30")  # guaranteed runs red in June
    shaded = {}
    for grid in doc.tables:
        header = [c.text for c in grid.rows[0].cells]
        if "Trafiklys" in header:
            for row in grid.rows[1:]:
                cell = row.cells[header.index("Trafiklys")]
                fill = cell._tc.tcPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd")
                shaded.setdefault(cell.text, set()).add(fill.get(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill"))
    assert shaded["Rød"] == {"FFC7CE"} and shaded["Grøn"] == {"C6EFCE"}


def test_a_break_is_listed_with_its_change_and_the_difference_in_the_unit(tmp_path):
    folder = copy_example(tmp_path / "bu")
    with open(folder / "changes.csv", "a", encoding="utf-8") as fh:
        fh.write("R99,2014-03-01,approved,reallocation,BU,service,,expense,50,Omplacering uden modpost,\n")
    texts = body_texts(report(folder, tmp_path / "r.docx"))
    line = next(t for t in texts if t.startswith("BRUD:") and "R99" in t)
    assert line.endswith("forskel 50 t.kr.") and "Alle kontroller OK." not in texts


def test_a_template_without_the_expected_styles_still_gives_the_document(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    bare = Document()
    styles = bare.styles.element
    for style in list(styles):
        if style.tag.endswith("}style") and style.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId") not in ("Normal", "TableNormal"):
            styles.remove(style)
    bare.styles.add_style("Budgetopfølgning", WD_STYLE_TYPE.PARAGRAPH)  # a paragraph style of the table style's name
    bare.save(str(tmp_path / "bare.docx"))
    doc = report(EXAMPLE, tmp_path / "r.docx", "--template", str(tmp_path / "bare.docx"))
    hovedtal = next(p for p in doc.paragraphs if p.text == "Hovedtal")
    assert hovedtal.runs[0].bold and len(doc.tables) >= 4


def test_a_pdf_target_that_is_a_folder_is_one_line_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    (out / "r.pdf").mkdir(parents=True)
    done = runner.invoke(app, ["report", str(EXAMPLE), "-o", str(out / "r.docx"), "--pdf"])
    assert done.exit_code == 2 and "r.pdf: is a folder" in done.output and len(done.output.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["r.pdf"]
