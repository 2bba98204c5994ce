"""The budget follow-up (budgetopfølgning) as a Word document (python-docx), in Danish, from the engine's
result: title and as-of date, key figures, status per sector and category with the controller's comments
under their figures, the largest deviations, activity targets, the years behind and ahead with the
savings catalogue, the checks, and the sectors whose overspend still lacks a comment.

The municipality's own template (``--template``) gives the styles: Title, Heading 1 and 2, Caption,
the table style "Budgetopfølgning" (else "Table Grid"), and its header and footer (a logo) are kept.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from babel.numbers import format_decimal
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from budgetcontrol.danish import MONTHS
from budgetcontrol.engine import Result
from budgetcontrol.report import charts, figures
from budgetcontrol.report.figures import Section

TEMPLATE = Path(__file__).with_name("template.docx")
TABLE_STYLES = ("Budgetopfølgning", "Table Grid")
SHADES = {"Grøn": "C6EFCE", "Gul": "FFEB9C", "Rød": "FFC7CE"}
TABLE_FONT, HEADER_FONT = Pt(8), Pt(7)
WIDTH = Cm(16)  # the text width of the default template's A4 page, where a template gives none
TOGETHER = 25  # a table of up to this many rows stays on one page with its caption


def half_up(value: float, decimals: int = 0) -> Decimal:
    """Rounded as Excel's number formats round (half away from zero, 0,5 → 1), never −0."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else Decimal(0).quantize(Decimal(1).scaleb(-decimals))


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def amount(value, decimals: int = 0) -> str:
    """A figure in Danish style (1.234.567, -21.685; with ``decimals`` 84,5 but 84); blank when there is none."""
    pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
    return "" if _blank(value) else format_decimal(half_up(value, decimals), format=pattern, locale="da_DK")


def percent(value) -> str:
    """A share as Danish percent with one decimal (48,7 %)."""
    return "" if _blank(value) else f"{format_decimal(half_up(float(value) * 100, 1), format='#,##0.0', locale='da_DK')} %"


def long_date(day) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _empty(template: Path | None) -> Document:
    """The template with its body emptied; its styles, section set-up, header and footer stay."""
    doc = Document(str(template or TEMPLATE))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _style(doc: Document, names: tuple[str, ...], kind=WD_STYLE_TYPE.PARAGRAPH) -> str | None:
    """The first of ``names`` the template has as a style of that kind; None: the template's default."""
    present = {s.name for s in doc.styles if s.type == kind}
    return next((n for n in names if n in present), None)


def heading(doc: Document, text: str, level: int) -> None:
    """A heading in the template's Heading style; bold text where the template has none."""
    style = _style(doc, (f"Heading {level}",))
    paragraph = doc.add_paragraph(style=style)
    run = paragraph.add_run(text)
    if style is None:
        run.bold = True
        run.font.size = Pt(16 if level == 1 else 13)
    paragraph.paragraph_format.keep_with_next = True


def _repeat_header(row) -> None:
    """The heading row repeats at the top of every page the table runs onto."""
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:tblHeader"))  # on by its presence (ST_OnOff has no "true" in the 2010 schema)


def _shade(cell, colour: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    props.append(shading)


def _text(cell, text: str, bold: bool = False, right: bool = False, size=TABLE_FONT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text)
    run.font.size, run.bold = size, bold
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def printed(section: Section, column: str, value) -> str:
    """A cell as the document prints it: text, a percent or a whole figure."""
    if column in section.texts:
        return "" if _blank(value) else str(value)
    if column in section.percent:
        return percent(value)
    return amount(value, 1 if column in section.fine else 0)


def text_width(doc: Document) -> int:
    """The width between the margins of the template's last section (where the report's body goes)."""
    page = doc.sections[-1]
    if page.page_width and page.left_margin is not None and page.right_margin is not None:
        width = page.page_width - page.left_margin - page.right_margin
        if width > Cm(5):
            return width
    return WIDTH


def _no_wrap(cell) -> None:
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _widths(columns, texts: list[list[str]], width: int = WIDTH) -> list:
    """Each column as wide as its longest printed value (``texts``: the rows as printed), its heading's words
    allowed to wrap (within bounds), together the page's text width."""
    weights = []
    for i, column in enumerate(columns):
        value = max([len(row[i]) for row in texts] + [0]) + 2
        word = max([len(w) for w in str(column).split()] + [0]) + 1
        weights.append(min(max(value, word, 5), 18))
    return [int(width * w / sum(weights)) for w in weights]


def table(doc: Document, section: Section) -> None:
    caption = doc.add_paragraph(section.caption, style=_style(doc, ("Caption",)))
    caption.paragraph_format.keep_with_next = True
    frame = section.frame
    grid = doc.add_table(rows=1, cols=len(frame.columns))
    style = _style(doc, TABLE_STYLES, WD_STYLE_TYPE.TABLE)
    if style:
        grid.style = doc.styles[style]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    texts = [[printed(section, column, value) for column, value in zip(frame.columns, values)]
             for values in frame.itertuples(index=False)]
    widths = _widths(frame.columns, texts, text_width(doc))
    for column, width in zip(grid.columns, widths):
        column.width = width
    for cell, column, width in zip(grid.rows[0].cells, frame.columns, widths):
        cell.width = width
        _text(cell, column, bold=True, right=column not in section.texts, size=HEADER_FONT)
    _repeat_header(grid.rows[0])
    for i, (values, row) in enumerate(zip(frame.itertuples(index=False), texts)):
        cells = grid.add_row().cells
        for cell, column, value, text, width in zip(cells, frame.columns, values, row, widths):
            cell.width = width
            _text(cell, text, bold=i in section.total_rows, right=column not in section.texts)
            if column not in section.texts:
                _no_wrap(cell)  # a figure is never split over two lines
            if column == section.light and value in SHADES:
                _shade(cell, SHADES[value])
    if len(frame) <= TOGETHER:  # each row kept with the next: a short table is not split over two pages
        for row in grid.rows[:-1]:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True


def _picture(doc: Document, png: bytes | None) -> None:
    if png:
        import io

        doc.add_picture(io.BytesIO(png), width=min(WIDTH, text_width(doc)))


def _comments(doc: Document, result: Result, said: dict, sector: str) -> None:
    """The sector's comment, then each category's, under the sector's figures."""
    if (sector, "") in said:
        _paragraphs(doc, "Bemærkning", said[(sector, "")])
    for category in result.inputs.model.category_codes:
        if (sector, category) in said:
            _paragraphs(doc, figures.category_name(result, category), said[(sector, category)])


def _paragraphs(doc: Document, lead: str, text: str) -> None:
    for i, line in enumerate(text.splitlines()):
        paragraph = doc.add_paragraph()
        if i == 0:
            paragraph.add_run(f"{lead}: ").bold = True
        paragraph.add_run(line)


COUNTED = ("lines_in_budget", "amounts_numeric", "dates_valid", "outer_budget_counted", "unmapped")  # not amounts


def check_line(result: Result, check) -> str:
    """A break as one line: what is checked, for which change or line, the engine's detail and the difference."""
    from budgetcontrol.danish import with_unit
    from budgetcontrol.sheets.checks import label_of

    key, _, which = check.key.partition(":")
    what = label_of(key) + (f" ({which})" if which else "")
    detail = f": {check.detail}" if check.detail else ""
    difference = amount(check.difference) if key in COUNTED else with_unit(float(half_up(check.difference)),
                                                                           result.inputs.model.unit)
    return f"BRUD: {what}{detail}; forskel {difference}"


def checks(doc: Document, result: Result) -> None:
    broken = [c for c in result.checks if not c.ok]
    if not broken:
        doc.add_paragraph("Alle kontroller OK.")
        return
    doc.add_paragraph(f"{len(broken)} kontrol{'ler' if len(broken) != 1 else ''} viser BRUD:")
    for c in broken:
        doc.add_paragraph(check_line(result, c), style=_style(doc, ("List Bullet",)))


def write(result: Result, output: Path, template: Path | None = None) -> list[str]:
    """Write the follow-up to ``output`` (.docx, in a folder that exists); the sectors listed as lacking a comment."""
    model = result.inputs.model
    doc = _empty(template)
    doc.add_paragraph(f"Budgetopfølgning {model.fiscal_year}", style=_style(doc, ("Title",)))
    doc.add_paragraph(f"{model.name}\nOpgjort pr. {long_date(result.as_of)} (regnskab til og med {figures.monthly_name(result)})")
    doc.add_paragraph(f"Beløb i {model.unit}, netto (udgifter positive, indtægter negative). {figures.sign_note(result)}")
    said = figures.comments(result)

    heading(doc, "Hovedtal", 1)
    table(doc, figures.key_figures(result))
    _picture(doc, charts.expected_results(result))

    heading(doc, "Status pr. sektor og kategori", 1)
    table(doc, figures.groups(result))
    for png in charts.cumulative(result):
        _picture(doc, png)
    for sector in model.sector_codes:
        heading(doc, figures.sector_name(result, sector), 2)
        status = figures.status_of(result, sector)
        if len(status.frame):
            table(doc, status)
        else:
            doc.add_paragraph("Ingen budget, ændringer eller regnskab for sektoren.")
        _comments(doc, result, said, sector)

    heading(doc, "Største afvigelser", 1)
    doc.add_paragraph("Linjerne med de største forventede resultater. 'Controllerens' betyder, at controllerens egen "
                      "prognose (tabellen Forecast) tæller i stedet for den beregnede.")
    table(doc, figures.deviations(result))

    targets = figures.activity(result)
    if targets is not None:
        heading(doc, "Aktivitetsmål", 1)
        table(doc, targets)

    past = figures.history(result)
    if past is not None:
        heading(doc, "Økonomi hovedtal over årene", 1)
        table(doc, past)
        _picture(doc, charts.history(result))

    ahead = figures.outer_years(result)
    if ahead:
        heading(doc, "Overslagsår og besparelser", 1)
        for section in ahead:
            table(doc, section)

    heading(doc, "Kontroller", 1)
    checks(doc, result)

    missing = figures.missing_comments(result)
    if missing:
        heading(doc, "Mangler bemærkning", 1)
        doc.add_paragraph("Sektorer med et forventet merforbrug over den røde grænse og ingen bemærkning "
                          "(tabellen Comments, arket Bemærkninger, eller comments.csv):")
        for name in missing:
            doc.add_paragraph(f"mangler bemærkning: {name}", style=_style(doc, ("List Bullet",)))

    doc.core_properties.title = f"Budgetopfølgning {model.fiscal_year}"
    doc.core_properties.author = "budgetcontrol"
    doc.save(str(output))
    return missing
