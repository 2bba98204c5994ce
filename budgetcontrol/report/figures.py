"""The budget follow-up's tables, as the engine computed them: one function per section, each a frame
of figures with Danish column headings, in the model's unit. No formatting and no Word here
(``document.py`` prints them), so a test can hold every printed figure against these and the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from budgetcontrol.danish import MONTHS
from budgetcontrol.engine import Result, monthly, targets

LIGHTS = {"green": "Grøn", "amber": "Gul", "red": "Rød"}
DEVIATIONS = 10  # lines shown under "the largest deviations"


@dataclass(frozen=True)
class Section:
    """One table: its caption (with the unit), the frame, which columns are amounts and which percent."""

    caption: str
    frame: pd.DataFrame
    percent: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()  # columns printed as text, not figures
    fine: tuple[str, ...] = ()  # figures printed with one decimal where they have one (counts, unit prices)
    light: str | None = None  # the column holding the traffic light, shaded in its colour
    total_rows: tuple[int, ...] = ()  # rows printed bold (totals)


def sign_note(result: Result) -> str:
    """The sign convention of the expected result, as the Status sheet states it."""
    if result.inputs.model.sign == 1:
        return "Forventet resultat = forventet regnskab − korrigeret budget: positivt er merforbrug, negativt mindreforbrug."
    return "Forventet resultat = korrigeret budget − forventet regnskab: negativt er merforbrug, positivt mindreforbrug."


def sector_name(result: Result, code: str) -> str:
    return next((s.name for s in result.inputs.model.sectors if s.code == code), code)


def category_name(result: Result, code: str) -> str:
    return next((c.name for c in result.inputs.model.categories if c.code == code), code)


def _status(result: Result) -> pd.DataFrame:
    """The Status figures; no consumption where the corrected budget is within the check tolerance of 0 (a
    leftover of 0,1 + 0,2 − 0,3 is no budget to measure against)."""
    s = result.status
    tiny = s["corrected"].abs() <= result.inputs.model.tolerance
    return s.assign(consumption=s["consumption"].mask(tiny)) if tiny.any() else s


def sector_rows(result: Result) -> pd.DataFrame:
    """Each sector's total, then the grand total, from the Status figures."""
    s = _status(result)
    sectors = s[(s["sector"] != "") & (s["category"] == "")]
    grand = s[(s["sector"] == "") & (s["category"] == "") & (s["group"] == "")]
    return pd.concat([sectors, grand], ignore_index=True)


def key_figures(result: Result) -> Section:
    """Hovedtal: per sector original and corrected budget, actuals to date, forecast and expected result."""
    unit = result.inputs.model.unit
    rows = sector_rows(result)
    original = result.lines.groupby("sector")["original"].sum()
    frame = pd.DataFrame({
        "Sektor": [sector_name(result, c) if c else "I alt" for c in rows["sector"]],
        "Oprindeligt budget": [original.sum() if c == "" else original.get(c, 0.0) for c in rows["sector"]],
        "Korrigeret budget": rows["corrected"].to_numpy(),
        "Regnskab til dato": rows["actual_ytd"].to_numpy(),
        "Forventet regnskab": rows["forecast"].to_numpy(),
        "Forventet resultat": rows["expected_result"].to_numpy(),
    })
    return Section(f"Hovedtal pr. sektor, netto, {unit}", frame, texts=("Sektor",), total_rows=(len(frame) - 1,))


def _status_section(caption: str, first: str, labels: list[str], rows: pd.DataFrame) -> Section:
    """Status rows as a table: the row's label under ``first``, the reporting month's figures and the light; the
    last row is the total."""
    frame = pd.DataFrame({
        first: labels,
        "Korrigeret budget": rows["corrected"].to_numpy(),
        "Periodiseret budget til dato": rows["budget_ytd"].to_numpy(),
        "Regnskab til dato": rows["actual_ytd"].to_numpy(),
        "Forbrugsprocent": rows["consumption"].to_numpy(),
        "Forventet regnskab": rows["forecast"].to_numpy(),
        "Forventet resultat": rows["expected_result"].to_numpy(),
        "Trafiklys": [LIGHTS[x] for x in rows["light"]],
    })
    return Section(caption, frame, percent=("Forbrugsprocent",), texts=(first, "Trafiklys"), light="Trafiklys",
                   total_rows=(len(frame) - 1,))


def status_of(result: Result, sector: str) -> Section:
    """Status of one sector per category, with its total: the reporting month's figures and the light."""
    s = _status(result)
    rows = s[(s["sector"] == sector) & (s["group"] == "")]
    rows = pd.concat([rows[rows["category"] != ""], rows[rows["category"] == ""]], ignore_index=True)
    return _status_section(f"{sector_name(result, sector)}: status pr. kategori, netto, {result.inputs.model.unit}",
                           "Kategori", [category_name(result, c) if c else "I alt" for c in rows["category"]], rows)


def groups(result: Result) -> Section:
    """Drift, Anlæg and I alt over every sector."""
    model, s = result.inputs.model, _status(result)
    rows = pd.concat([s[(s["sector"] == "") & (s["group"] != "")], s[(s["sector"] == "") & (s["category"] == "") &
                                                                      (s["group"] == "")]], ignore_index=True)
    labels = {"operating": model.label("operating_total"), "capital": model.label("capital_total")}
    return _status_section(f"Alle sektorer: drift, anlæg og i alt, netto, {model.unit}", "",
                           [labels.get(g, model.label("grand_total")) for g in rows["group"]], rows)


def deviations(result: Result, count: int = DEVIATIONS) -> Section:
    """The lines with the largest expected results (either sign), the controller's forecast marked."""
    model = result.inputs.model
    lines = result.line_forecasts.copy()
    lines["expected"] = model.sign * (lines["forecast"] - lines["corrected"])
    lines = lines[lines["expected"].round(9) != 0]
    lines = lines.reindex(lines["expected"].abs().sort_values(ascending=False, kind="stable").index).head(count)
    kinds = {k: model.label("kind", k) for k in ("expense", "income", "refund")}
    frame = pd.DataFrame({
        "Sektor": [sector_name(result, c) for c in lines["sector"]],
        "Kategori": [category_name(result, c) for c in lines["category"]],
        "Aktivitet": lines["activity"].to_numpy(),
        "Art": [kinds.get(k, k) for k in lines["kind"]],
        "Korrigeret budget": lines["corrected"].to_numpy(),
        "Forventet regnskab": lines["forecast"].to_numpy(),
        "Forventet resultat": lines["expected"].to_numpy(),
        "Prognose": ["Controllerens" if c else "Beregnet" for c in lines["has_controller"]],
    })
    return Section(f"De {len(frame)} største forventede afvigelser pr. budgetlinje, {model.unit}", frame,
                   texts=("Sektor", "Kategori", "Aktivitet", "Art", "Prognose"))


def activity(result: Result) -> Section | None:
    """The activity targets of the reporting month against actual, and the cost of the difference."""
    if result.targets.empty:
        return None
    rows = targets.export(result.targets, result.as_of)
    rows = rows[rows["month"] == f"{result.as_of.year:04d}-{result.as_of.month:02d}"]
    frame = pd.DataFrame({
        "Sektor": [sector_name(result, c) for c in rows["sector"]],
        "Gruppe": rows["group"].to_numpy(),
        "Mål": rows["measure"].to_numpy(),
        "Måltal": rows["target"].to_numpy(),
        "Faktisk": rows["actual"].to_numpy(),
        "Forskel": rows["difference"].to_numpy(),
        "Enhedspris": rows["unit_cost"].to_numpy(),
        "Omkostning": rows["cost"].to_numpy(),
    })
    caption = (f"Aktivitetsmål i {monthly_name(result)}: antal, enhedspris og omkostning af forskellen i "
               f"{result.inputs.model.unit}")
    return Section(caption, frame, texts=("Sektor", "Gruppe", "Mål"), fine=("Måltal", "Faktisk", "Forskel", "Enhedspris"))


def monthly_name(result: Result) -> str:
    return f"{MONTHS[result.as_of.month - 1]} {result.as_of.year}"


def history(result: Result) -> Section | None:
    """The years behind the fiscal year and the fiscal year expected, as on the History sheet."""
    h = result.history
    if len(h) <= 1 and result.inputs.history.empty:
        return None
    frame = pd.DataFrame({
        "År": h["year"].astype(str).to_numpy(),
        "Sektor": [sector_name(result, c) + (f", {category_name(result, k)}" if k else "")
                   for c, k in zip(h["sector"], h["category"])],
        "Oprindeligt budget": h["original"].to_numpy(),
        "Korrigeret budget": h["corrected"].to_numpy(),
        "Regnskab": h["actual"].to_numpy(),
        "Resultat mod oprindeligt": h["result_original"].to_numpy(),
        "Resultat mod korrigeret": h["result_corrected"].to_numpy(),
        "Note": h["note"].fillna("").to_numpy(),
    })
    return Section(f"Økonomi hovedtal: årene bagud og budgetåret (forventet), netto, {result.inputs.model.unit}", frame,
                   texts=("År", "Sektor", "Note"))


def outer_years(result: Result) -> list[Section]:
    """Per sector, years across (Varde's "Budget og forventet forbrug"): corrected budget, the forecast carried
    forward, each catalogue's measures and total, savings in all, the estimated budget and its difference."""
    o, savings = result.outer_years, result.inputs.savings
    if savings.empty and result.inputs.outer_budget.empty:
        return []
    out = []
    for sector in [c for c in result.inputs.model.sector_codes if c in set(o["sector"])]:
        years = o[(o["sector"] == sector) & (o["category"] == "")].groupby("year")[["corrected", "base", "savings", "estimated", "difference"]].sum()
        cols = [str(y) for y in years.index]
        rows: list[tuple[str, list[float]]] = [("Korrigeret budget " + str(result.inputs.model.fiscal_year),
                                                years["corrected"].tolist()),
                                               ("Forventet forbrug (grundlag)", years["base"].tolist())]
        mine = savings[savings["sector"] == sector]
        bold = []
        for catalogue, measures in mine.groupby("catalogue", sort=False):
            for measure, amounts in measures.groupby("measure", sort=False):
                per_year = amounts.groupby("year")["amount"].sum()
                rows.append((f"  {measure}", [per_year.get(y, 0.0) for y in years.index]))
            per_year = measures.groupby("year")["amount"].sum()
            bold.append(len(rows))
            rows.append((f"{catalogue} i alt", [per_year.get(y, 0.0) for y in years.index]))
        bold += [len(rows), len(rows) + 1, len(rows) + 2]
        rows += [("Besparelser i alt", years["savings"].tolist()), ("Estimeret budget", years["estimated"].tolist()),
                 ("Difference til korrigeret budget", years["difference"].tolist())]
        frame = pd.DataFrame([[label] + values for label, values in rows], columns=[""] + cols)
        caption = (f"{sector_name(result, sector)}: budgetår og overslagsår med besparelseskataloget, netto, "
                   f"{result.inputs.model.unit} (besparelser positive = mindre forbrug)")
        out.append(Section(caption, frame, texts=("",), total_rows=tuple(bold)))
    return out


def cumulative(result: Result) -> pd.DataFrame:
    """Per sector and month: the phased budget and the actuals to date, net (actuals only to the as-of month)."""
    m = result.monthly[result.monthly["kind"] == "net"]
    out = m.groupby(["sector", "m"], sort=False)[["budget_ytd", "actual_ytd"]].sum().reset_index()
    out.loc[out["m"] > result.as_of.month, "actual_ytd"] = float("nan")
    return out


def light_of_expected(result: Result, row: pd.Series) -> str:
    """The traffic light on the expected year-end result, as a share of the corrected budget."""
    return monthly.light(row["expected_result"], row["corrected"], result.inputs.model)


def comments(result: Result) -> dict[tuple[str, str], str]:
    """The controller's comments by (sector, category); category "" is the whole sector; several rows join."""
    out: dict[tuple[str, str], str] = {}
    for sector, category, text in result.inputs.comments[["sector", "category", "text"]].itertuples(index=False):
        text = str(text).strip()
        if text:
            key = (sector, category or "")
            out[key] = f"{out[key]}\n{text}" if key in out else text
    return out


def missing_comments(result: Result) -> list[str]:
    """Sectors whose expected overspend is beyond the red threshold and that have no comment at all."""
    said = {sector for sector, _ in comments(result)}
    rows = sector_rows(result)
    return [sector_name(result, row["sector"]) for _, row in rows.iterrows()
            if row["sector"] and row["sector"] not in said and light_of_expected(result, row) == "red"]
