"""The Settings sheet (Indstillinger): the model's settings as named input cells, and the
Sectors, Categories and ChangeTypes Tables. Formulas use the names, never constants."""

from __future__ import annotations

import datetime as dt

from budgetcontrol.contract.model import FORECASTS, Model
from budgetcontrol.engine.monthly import month_end
from budgetcontrol.sheets import formulas as f
from budgetcontrol.sheets.layout import SheetLayout, Table, Validation, sheet_ref

from budgetcontrol.contract.settings_sheet import HEADER_ROW, KEY, LABEL, NAME, ROWS, SHEET, VALUE

SECTORS_COL, CATEGORIES_COL, TYPES_COL, COSTS_COL, COLUMNS_COL, KINDS_COL = 5, 8, 12, 16, 20, 23
FORECAST_RUN_RATE = "ForecastRunRate"  # 1 when the forecast method is run_rate, else 0


def settings_values(model: Model, as_of: dt.date) -> dict[str, object]:
    return {
        "name": model.name, "fiscal_year": model.fiscal_year, "unit": model.unit, "as_of": as_of,
        "variance_sign": model.sign, "approved_status": "approved", "pending_status": "pending",
        "check_tolerance": model.tolerance, "change_types_listed": 1 if model.restricts_types else 0,
        "forecast": model.forecast, "amber": model.lights.amber, "red": model.lights.red,
        "outer_years": model.outer_years,
    }


def layout(model: Model, as_of: dt.date, type_codes: list[str]) -> SheetLayout:
    sheet = SheetLayout(SHEET, "input")
    sheet.put(1, 1, "Indstillinger", "title")
    sheet.put(2, 1, "Gule celler er input. Formlerne bruger navnene i kolonne D (f.eks. AsOf), aldrig faste tal.", "note")
    for c, label in enumerate(["Nøgle", "Indstilling", "Værdi", "Navn"], start=1):
        sheet.put(HEADER_ROW, c, label, "header")
    values = settings_values(model, as_of)
    for i, (key, label, name, style) in enumerate(ROWS):
        row = HEADER_ROW + 1 + i
        sheet.put(row, KEY, key, "code")
        sheet.put(row, LABEL, label, "text")
        sheet.put(row, VALUE, values[key], style)
        if name:
            sheet.put(row, NAME, name, "code")
            sheet.names[name] = sheet_ref(SHEET, row, VALUE)
        if key == "variance_sign":
            sheet.validations.append(Validation(f"C{row}", "list", '"1,-1"', prompt="1 eller -1"))
        if key == "forecast":
            sheet.validations.append(Validation(f"C{row}", "list", f'"{",".join(FORECASTS)}"', prompt=" eller ".join(FORECASTS)))
        if key == "as_of":
            sheet.validations.append(Validation(f"C{row}", "date", "DATE(1900,1,1)", "DATE(2200,12,31)"))
    row = HEADER_ROW + 1 + len(ROWS)
    sheet.put(row, KEY, "as_of_month_end", "code")
    sheet.put(row, LABEL, "Opgørelsesmånedens sidste dag (beregnet): regnskab tæller for hele måneder", "text")
    sheet.formula(row, VALUE, f"EOMONTH({f.AS_OF},0)", month_end(as_of), "date")
    sheet.put(row, NAME, f.AS_OF_MONTH_END, "code")
    sheet.names[f.AS_OF_MONTH_END] = sheet_ref(SHEET, row, VALUE)
    row += 1
    sheet.put(row, KEY, "months_in_year", "code")
    sheet.put(row, LABEL, "Måneder i året: en sektor og kategori uden rækker i Phasing periodiseres i lige store dele", "text")
    sheet.put(row, VALUE, 12, "integer")
    sheet.put(row, NAME, f.MONTHS_IN_YEAR, "code")
    sheet.names[f.MONTHS_IN_YEAR] = sheet_ref(SHEET, row, VALUE)
    row += 1
    sheet.put(row, KEY, "forecast_run_rate", "code")
    sheet.put(row, LABEL, "Prognose efter run_rate (beregnet): 1 = ja, 0 = plan", "text")
    sheet.formula(row, VALUE, f'IF(ForecastMethod="run_rate",1,0)', 1 if model.forecast == "run_rate" else 0, "integer")
    sheet.put(row, NAME, FORECAST_RUN_RATE, "code")
    sheet.names[FORECAST_RUN_RATE] = sheet_ref(SHEET, row, VALUE)
    _list_table(sheet, "Sectors", SECTORS_COL, ["code", "name"], [[s.code, s.name] for s in model.sectors])
    _list_table(sheet, "Categories", CATEGORIES_COL, ["code", "name", "group"],
                [[c.code, c.name, c.group] for c in model.categories])
    labels = model.type_labels
    types = list(dict.fromkeys(list(labels) + type_codes))
    _list_table(sheet, "ChangeTypes", TYPES_COL, ["code", "label", "zero_sum"],
                [[t, labels.get(t, t), 1 if t in model.zero_sum else 0] for t in types])
    _list_table(sheet, "UnitCosts", COSTS_COL, ["measure", "month", "unit_cost"],
                [[measure, m, float(cost)] for measure, costs in model.unit_costs.items() for m, cost in sorted(costs.items())])
    if model.columns:  # an export's headers in the controller's words (model.yaml columns)
        _list_table(sheet, "ExportColumns", COLUMNS_COL, ["header", "column"], [[h, c] for h, c in model.columns.items()])
    if model.account_kinds:  # kind rules before the chart of accounts' own (model.yaml account_kinds)
        _list_table(sheet, "AccountKinds", KINDS_COL, ["dranst", "art", "kind"],
                    [[r.dranst, r.art, r.kind] for r in model.account_kinds])
    sheet.widths.update({KEY: 20, LABEL: 60, VALUE: 26, 4: 16})
    sheet.freeze = "A5"
    return sheet


def _list_table(sheet: SheetLayout, name: str, first_col: int, columns: list[str], rows: list[list]) -> None:
    sheet.put(HEADER_ROW - 1, first_col, name, "subtitle")
    for c, header in enumerate(columns):
        sheet.put(HEADER_ROW, first_col + c, header, "header")
        sheet.widths[first_col + c] = 14 if header != "name" and header != "label" else 30
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for c, value in enumerate(values):
            style = "input_int" if isinstance(value, int) else "input_decimal2" if isinstance(value, float) else "input_text"
            sheet.put(r, first_col + c, value, style)
    last = HEADER_ROW + max(len(rows), 1)
    sheet.tables.append(Table(name, HEADER_ROW, last, first_col, columns, "TableStyleLight1"))
