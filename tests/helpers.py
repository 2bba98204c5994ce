"""Test helpers: write data folders, and a small seeded multi-sector municipality."""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "aalborg-2014-bu"
JUNE_EXPORT = ROOT / "examples" / "exports" / "aalborg-bu-2014-06.csv"  # the demo's June as the finance system exports it

BUDGET_COLS = ["sector", "category", "activity", "kind", "amount"]
CHANGE_COLS = ["change_id", "date", "status", "type", "sector", "category", "activity", "kind", "amount", "description", "reference"]
ACTUAL_COLS = ["month", "sector", "category", "activity", "kind", "amount"]


def write_csv(path: Path, columns: list[str], rows: list[dict], delimiter: str = ",", encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.DictWriter(fh, columns, delimiter=delimiter, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in columns})


def write_folder(folder: Path, model: dict, budget: list[dict], changes: list[dict], actuals: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.yaml").write_text(yaml.safe_dump(model, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_csv(folder / "budget.csv", BUDGET_COLS, budget)
    write_csv(folder / "changes.csv", CHANGE_COLS, changes)
    write_csv(folder / "actuals.csv", ACTUAL_COLS, actuals)
    return folder


def copy_example(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target)
    return target


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def small_municipality(seed: int = 7, sectors: int = 3, activities: int = 3) -> tuple[dict, list, list, list]:
    """A deterministic multi-sector model: operating and capital categories, activities (some empty),
    every status, a reallocation that nets to zero, one that does not, and a change to a line
    that is not in the original budget."""
    rng = random.Random(seed)
    model = {
        "name": "Testkommune", "fiscal_year": 2025, "unit": "1.000 kr.",
        "sectors": [{"code": f"S{i}", "name": f"Sektor {i}"} for i in range(1, sectors + 1)],
        "categories": [
            {"code": "service", "name": "Serviceudgifter"},
            {"code": "guaranteed", "name": "Budgetgaranterede udgifter"},
            {"code": "capital", "name": "Anlæg", "group": "capital"},
        ],
    }
    budget, lines = [], []
    for s in model["sectors"]:
        for cat in ("service", "guaranteed", "capital"):
            acts = [""] + [f"5.{rng.randint(10, 99)}.{a:02d}" for a in range(1, activities)]
            for act in dict.fromkeys(acts):
                kinds = ["expense"] if cat == "capital" else ["expense", "income", "refund"]
                for kind in kinds:
                    amount = rng.randint(1_000, 90_000) * (1 if kind == "expense" else -1) / (1 if kind == "expense" else 7)
                    line = {"sector": s["code"], "category": cat, "activity": act, "kind": kind, "amount": round(amount, 1)}
                    budget.append(line)
                    lines.append(line)
    changes, n = [], 0
    types = ["supplementary", "carryover_in", "carryover_out", "technical", "mid_year", "salary"]
    for _ in range(25):
        n += 1
        line = rng.choice(lines)
        status = rng.choice(["approved"] * 4 + ["pending", "rejected"])
        changes.append({"change_id": f"C{n:03d}", "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "status": status, "type": rng.choice(types), **{k: line[k] for k in BUDGET_COLS[:4]},
                        "amount": rng.randint(-5_000, 9_000), "description": f"Ændring {n}", "reference": f"BV-{n}"})
    a, b = rng.sample(lines, 2)
    for cid, amounts in (("R001", (1500, -1500)), ("R002", (800, -750))):
        for line, amount in zip((a, b), amounts):
            changes.append({"change_id": cid, "date": "2025-05-01", "status": "approved", "type": "reallocation",
                            **{k: line[k] for k in BUDGET_COLS[:4]}, "amount": amount, "description": "Omplacering"})
    changes.append({"change_id": "N001", "date": "2025-03-03", "status": "approved", "type": "supplementary",
                    "sector": "S1", "category": "service", "activity": "9.99.99", "kind": "expense", "amount": 250,
                    "description": "Ny aktivitet"})
    actuals = []
    for line in lines:
        for m in range(1, 13):
            if rng.random() < 0.9:
                actuals.append({"month": f"2025-{m:02d}", **{k: line[k] for k in BUDGET_COLS[:4]},
                                "amount": round(float(line["amount"]) / 12 * rng.uniform(0.7, 1.3), 2)})
    return model, budget, changes, actuals


def years_municipality(folder: Path, sign: str = "actual_minus_budget") -> Path:
    """A hand-computed case for part 4 (twelfths, as of June 2025, plan forecast; see test_years.py):
    a controller forecast on A/svc/a2, computed forecasts elsewhere, an adopted 2026 budget on A/grd,
    savings with and without activity, and a history of two years."""
    model = {"name": "Årskommune", "fiscal_year": 2025, "unit": "1.000 kr.", "as_of": "2025-06-30",
             "variance_sign": sign, "outer_years": 3,
             "sectors": [{"code": "A", "name": "Sektor A"}, {"code": "B", "name": "Sektor B"}],
             "categories": [{"code": "svc", "name": "Serviceudgifter"}, {"code": "grd", "name": "Budgetgaranteret"}]}
    budget = [{"sector": "A", "category": "svc", "activity": "a1", "kind": "expense", "amount": 1200},
              {"sector": "A", "category": "svc", "activity": "a1", "kind": "income", "amount": -240},
              {"sector": "A", "category": "svc", "activity": "a2", "kind": "expense", "amount": 600},
              {"sector": "A", "category": "grd", "activity": "", "kind": "expense", "amount": 2400},
              {"sector": "B", "category": "svc", "activity": "b1", "kind": "expense", "amount": 1800}]
    changes = [{"change_id": "C1", "date": "2025-03-10", "status": "approved", "type": "supplementary", "sector": "A",
                "category": "svc", "activity": "a1", "kind": "expense", "amount": 120, "description": "Tillæg"},
               {"change_id": "C2", "date": "2025-08-01", "status": "approved", "type": "supplementary", "sector": "A",
                "category": "grd", "activity": "", "kind": "expense", "amount": 240, "description": "Efter opgørelsen"}]
    monthly = {("A", "svc", "a1", "expense"): 110, ("A", "svc", "a1", "income"): -20, ("A", "svc", "a2", "expense"): 40,
               ("A", "grd", "", "expense"): 200, ("B", "svc", "b1", "expense"): 160}
    actuals = [{"month": f"2025-{m:02d}", "sector": s, "category": c, "activity": a, "kind": k, "amount": v}
               for m in range(1, 7) for (s, c, a, k), v in monthly.items()]
    write_folder(folder, model, budget, changes, actuals)
    write_csv(folder / "forecast.csv", ["sector", "category", "activity", "kind", "amount", "note"],
              [{"sector": "A", "category": "svc", "activity": "a2", "kind": "expense", "amount": 700,
                "note": "bestilt til og med december"}])
    write_csv(folder / "outer_budget.csv", ["year", "sector", "category", "activity", "kind", "amount"],
              [{"year": 2026, "sector": "A", "category": "grd", "activity": "", "kind": "expense", "amount": 2300}])
    write_csv(folder / "savings.csv", ["measure", "catalogue", "sector", "category", "activity", "year", "amount"],
              [{"measure": "M1 Færre vikarer", "catalogue": "Effektiviseringskatalog", "sector": "A", "category": "svc",
                "activity": "a1", "year": y, "amount": v} for y, v in ((2026, 50), (2027, 100), (2028, 100))]
              + [{"measure": "M2 Fælles indkøb", "catalogue": "Øvrige emner", "sector": "B", "category": "svc",
                  "activity": "", "year": 2027, "amount": 30}])
    write_csv(folder / "history.csv", ["year", "sector", "category", "original", "corrected", "actual", "note"],
              [{"year": 2023, "sector": "A", "category": "", "original": 4000, "corrected": 4100, "actual": 4150, "note": ""},
               {"year": 2024, "sector": "A", "category": "", "original": 4200, "corrected": 4150, "actual": 4100,
                "note": "inkl. merforbrug 23"}])
    return folder


def sheet_of(wb, table: str):
    """The openpyxl worksheet holding the Table ``table`` (its tab name is the workbook's language's)."""
    return next(ws for ws in wb.worksheets if table in ws.tables)


def append_table_row(book: Path, sheet: str, table: str, values: list) -> None:
    """Type a row under an Excel Table of a built workbook and grow the Table over it, as Excel does."""
    import openpyxl
    from openpyxl.utils import get_column_letter, range_boundaries

    wb = openpyxl.load_workbook(book)
    ws = next((w for w in wb.worksheets if table in w.tables), None) or wb[sheet]  # the Table's sheet, by any tab name
    found = ws.tables[table]
    c1, r1, c2, r2 = range_boundaries(found.ref)
    for c, value in enumerate(values, start=c1):
        ws.cell(r2 + 1, c, value)
    found.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2 + 1}"
    if found.autoFilter is not None:
        found.autoFilter.ref = found.ref
    wb.save(book)


# Varde's budget paper (domain fact 5, issue 16), adult social services, kr.: the forecast carried forward,
# the two savings catalogues per year of the budget period 2018–2021 and the corrected budget 2018.
VARDE_FORECAST = 145_024_000
VARDE_CORRECTED = 138_893_154
VARDE_CATALOGUES = {  # catalogue: {measure: amounts 2018, 2019, 2020, 2021}; two measures each
    "Effektiviserings- og prioriteringskatalog": {
        "Omlægning af bostøtte": (1_200_000, 1_675_000, 1_575_000, 1_575_000),
        "Færre eksterne konsulenter": (894_000, 1_194_000, 1_194_000, 1_194_000)},
    "Øvrige emner fra masterplaner": {
        "Samling af botilbud": (200_000, 500_000, 500_000, 500_000),
        "Digital medicinhåndtering": (116_000, 262_000, 262_000, 262_000)},
}


def varde_2018(folder: Path) -> Path:
    """Varde's adult social services 2018 on two lines: original 100.000.000 + 37.500.000, an approved
    change of +1.393.154 (corrected 138.893.154), the controller's forecast 106.524.000 + 38.500.000
    (145.024.000), both catalogues with two measures each, Varde's sign (budget − actual)."""
    model = {"name": "Varde Kommune, Social og Sundhed (voksne)", "fiscal_year": 2018, "unit": "kr.",
             "as_of": "2018-08-31", "variance_sign": "budget_minus_actual", "outer_years": 3,
             "sectors": [{"code": "VOK", "name": "Voksne"}],
             "categories": [{"code": "service", "name": "Serviceudgifter"}]}
    lines = [("bostoette", 100_000_000, 106_524_000), ("botilbud", 37_500_000, 38_500_000)]
    budget = [{"sector": "VOK", "category": "service", "activity": a, "kind": "expense", "amount": amount}
              for a, amount, _ in lines]
    changes = [{"change_id": "T1", "date": "2018-03-15", "status": "approved", "type": "supplementary", "sector": "VOK",
                "category": "service", "activity": "bostoette", "kind": "expense", "amount": 1_393_154,
                "description": "Tillægsbevilling"}]
    actuals = [{"month": f"2018-{m:02d}", "sector": "VOK", "category": "service", "activity": a, "kind": "expense",
                "amount": forecast // 12} for m in range(1, 9) for a, _, forecast in lines]
    write_folder(folder, model, budget, changes, actuals)
    write_csv(folder / "forecast.csv", ["sector", "category", "activity", "kind", "amount", "note"],
              [{"sector": "VOK", "category": "service", "activity": a, "kind": "expense", "amount": forecast,
                "note": "forventet 2018"} for a, _, forecast in lines])
    activity = {"Omlægning af bostøtte": "bostoette", "Færre eksterne konsulenter": "",
                "Samling af botilbud": "botilbud", "Digital medicinhåndtering": "botilbud"}
    write_csv(folder / "savings.csv", ["measure", "catalogue", "sector", "category", "activity", "year", "amount"],
              [{"measure": measure, "catalogue": catalogue, "sector": "VOK", "category": "service",
                "activity": activity[measure], "year": 2018 + k, "amount": amount}
               for catalogue, measures in VARDE_CATALOGUES.items() for measure, amounts in measures.items()
               for k, amount in enumerate(amounts)])
    return folder
