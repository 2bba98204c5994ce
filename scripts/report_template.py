"""Writes budgetcontrol/report/template.docx, the default template of `budgetcontrol report`: python-docx's
own template set up for a Danish A4 document (margins, Liberation Sans, which LibreOffice's Debian
packages install, Danish proofing language, a table style "Budgetopfølgning", page numbers in the footer).
A municipality passes its own with --template. Run: python scripts/report_template.py
"""

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "budgetcontrol" / "report" / "template.docx"
FONT = "Liberation Sans"


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def main() -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet"):
        style = doc.styles[name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "da-DK")
        rpr.append(lang)
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Title"].font.size = Pt(22)
    doc.styles["Caption"].font.size = Pt(9)
    doc.styles["Caption"].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    grid = doc.styles.add_style("Budgetopfølgning", WD_STYLE_TYPE.TABLE)
    grid.base_style = doc.styles["Table Grid"]
    grid.font.name, grid.font.size = FONT, Pt(8)
    footer = section.footer.paragraphs[0]
    footer.add_run("Budgetopfølgning · side ")
    _field(footer, "PAGE")
    footer.add_run(" af ")
    _field(footer, "NUMPAGES")
    doc.core_properties.author = "budgetcontrol"
    doc.core_properties.title = "Budgetopfølgning"
    for rid, rel in list(doc.part.rels.items()):  # Word 2010's copy of the styles, stale once styles change
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
    doc.save(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
