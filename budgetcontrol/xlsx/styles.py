"""Cell styles by key: fonts, fills, borders and number formats of the controller workbook."""

from __future__ import annotations

from functools import lru_cache

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle

from budgetcontrol.contract.model import defaults

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
TAB_COLORS = {"input": "FFD966", "output": "4472C4", "calc": "A5A5A5", "check": "70AD47"}


@lru_cache(maxsize=None)
def style(key: str) -> dict:
    """openpyxl attributes for a style key (cached: openpyxl shares equal style objects)."""
    fmt = defaults()["formats"]
    amount = fmt["amount"]
    table = {
        "title": {"font": Font(bold=True, size=14)},
        "subtitle": {"font": Font(bold=True, size=11)},
        "note": {"font": Font(italic=True, color="595959")},
        "date_note": {"font": Font(italic=True, color="595959"), "number_format": fmt["date"],
                      "alignment": Alignment(horizontal="left")},
        "header": {"font": Font(bold=True), "fill": HEADER_FILL, "border": Border(bottom=THIN)},
        "header_wrap": {"font": Font(bold=True), "fill": HEADER_FILL, "border": Border(bottom=THIN),
                        "alignment": Alignment(wrap_text=True, vertical="top")},
        "header_right": {"font": Font(bold=True), "fill": HEADER_FILL, "border": Border(bottom=THIN),
                         "alignment": Alignment(horizontal="right")},
        "group_header": {"font": Font(bold=True), "fill": HEADER_FILL, "alignment": Alignment(horizontal="center")},
        "code": {"font": Font(size=8, color="808080")},
        "code_text": {"font": Font(color="404040")},
        "text": {},
        "indent": {"alignment": Alignment(indent=1)},
        "group_heading": {"font": Font(bold=True, size=11)},
        "amount": {"number_format": amount},
        "integer": {"number_format": "0"},
        "flag": {"number_format": "0", "alignment": Alignment(horizontal="center")},
        "date": {"number_format": fmt["date"]},
        "date_month": {"number_format": fmt["month"]},
        "total_label": {"font": Font(bold=True), "border": Border(top=THIN)},
        "total_amount": {"font": Font(bold=True), "number_format": amount, "border": Border(top=THIN)},
        "group_total_label": {"font": Font(bold=True), "fill": TOTAL_FILL, "border": Border(top=THIN, bottom=THIN)},
        "group_total_amount": {"font": Font(bold=True), "fill": TOTAL_FILL, "number_format": amount,
                               "border": Border(top=THIN, bottom=THIN)},
        "status": {"font": Font(bold=True, color="375623"), "alignment": Alignment(horizontal="center")},
        "link": {"font": Font(color="0563C1", underline="single")},
        "input_text": {"fill": INPUT_FILL},
        "input_int": {"fill": INPUT_FILL, "number_format": "0"},
        "input_decimal": {"fill": INPUT_FILL, "number_format": "0.000"},
        "input_decimal2": {"fill": INPUT_FILL, "number_format": "#,##0.00"},
        "input_percent": {"fill": INPUT_FILL, "number_format": fmt["percent"]},
        "input_weight": {"number_format": fmt["weight"]},
        "input_count": {"number_format": fmt["count"]},
        "input_month_number": {"number_format": "0"},
        "input_year": {"number_format": "0"},
        "expected_amount": {"font": Font(italic=True, color="1F4E79"), "number_format": amount},
        "expected_label": {"font": Font(italic=True, color="1F4E79")},
        "percent": {"number_format": fmt["percent"]},
        "weight": {"number_format": fmt["weight"]},
        "month_header": {"font": Font(bold=True), "fill": HEADER_FILL, "border": Border(bottom=THIN),
                         "number_format": fmt["month"], "alignment": Alignment(horizontal="right")},
        "light": {"font": Font(bold=True), "alignment": Alignment(horizontal="center")},
        "chart_data": {"font": Font(color="808080", size=8), "number_format": amount},
        "chart_label": {"font": Font(color="808080", size=8)},
        "selector": {"fill": INPUT_FILL, "font": Font(bold=True, size=12), "border": Border(top=THIN, bottom=THIN, left=THIN, right=THIN)},
        "input_date": {"fill": INPUT_FILL, "number_format": fmt["date"], "alignment": Alignment(horizontal="left")},
        "input_month": {"number_format": fmt["month"]},
        "input_amount": {"number_format": amount},
    }
    return table[key]


def conditional(key: str) -> DifferentialStyle:
    red_fill = PatternFill(bgColor="F8CBAD", fill_type="solid")
    return {
        "overspend": DifferentialStyle(font=Font(color="9C0006", bold=True), fill=red_fill),
        "break": DifferentialStyle(fill=red_fill),
        "break_text": DifferentialStyle(font=Font(color="9C0006", bold=True), fill=red_fill),
        "light_red": DifferentialStyle(font=Font(color="9C0006", bold=True), fill=PatternFill(bgColor="FFC7CE", fill_type="solid")),
        "light_amber": DifferentialStyle(font=Font(color="9C5700", bold=True), fill=PatternFill(bgColor="FFEB9C", fill_type="solid")),
        "light_green": DifferentialStyle(font=Font(color="006100"), fill=PatternFill(bgColor="C6EFCE", fill_type="solid")),
        "muted_error": DifferentialStyle(font=Font(color="BFBFBF")),
    }[key]
