"""A deterministic synthetic municipality in the data contract (for the benchmark and scale tests).

A dozen sectors, the real spending categories (service, demand-driven transfers, the employment
grant, fully reimbursed areas, capital), activities with function codes in the style of the
municipal chart of accounts (``5.25.10``), expense lines with income and refund lines where the
category has them; changes of every type and status spread over the year (reallocations and
technical adjustments that net to zero, some pending and rejected); monthly actuals with
seasonality (a low July, a high December); phasing by the same profile; placements targets for
one sector. The same seed and sizes give the same files, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SECTORS = ["Børn og Unge", "Skole", "Dagtilbud", "Ældre", "Handicap", "Sundhed", "Beskæftigelse", "Sociale forhold",
           "Kultur og Fritid", "Miljø og Energi", "Trafik og Infrastruktur", "Administration"]
CATEGORIES = [("service", "Serviceudgifter", "operating", 0.70), ("guaranteed", "Budgetgaranterede udgifter", "operating", 0.12),
              ("employment_grant", "Beskæftigelsestilskud", "operating", 0.04),
              ("full_refund", "Områder med 100 % refusion", "operating", 0.04), ("capital", "Anlæg", "capital", 0.10)]
SEASON = np.array([1.0, 0.98, 1.02, 1.0, 1.0, 1.05, 0.62, 0.95, 1.03, 1.05, 1.08, 1.22])  # low July, high December
SEASON = SEASON / SEASON.sum()
TYPES = ["supplementary", "carryover_in", "carryover_out", "mid_year", "salary", "reallocation", "technical"]
SIZES = {"small": (600, 100, 12), "medium": (6_000, 1_000, 12), "large": (30_000, 5_000, 12)}  # lines, changes, months
YEAR = 2026


@dataclass(frozen=True)
class Size:
    lines: int
    changes: int
    months: int

    @classmethod
    def named(cls, name: str) -> "Size":
        return cls(*SIZES[name])


def _lines(rng: np.random.Generator, count: int) -> pd.DataFrame:
    """``count`` budget lines: expense lines, each with an income line (a third of service and capital
    lines) or a refund line (the transfers, which the state part-reimburses)."""
    rows = []
    shares = np.array([c[3] for c in CATEGORIES])
    n = 0
    while len(rows) < count:
        n += 1
        sector = (n - 1) % len(SECTORS)
        code, _, _, _ = CATEGORIES[rng.choice(len(CATEGORIES), p=shares)]
        main = {"service": 5, "guaranteed": 5, "employment_grant": 5, "full_refund": 5, "capital": 0}[code]
        activity = f"{main}.{(n // 100) % 100:02d}.{n % 100:02d}"  # unique per sector below 30.000 lines
        expense = float(np.round(rng.lognormal(7.0, 1.1), 1))
        rows.append((f"S{sector + 1:02d}", code, activity, "expense", expense))
        if code in ("guaranteed", "employment_grant", "full_refund"):
            rows.append((f"S{sector + 1:02d}", code, activity, "refund", -round(expense * (1.0 if code == "full_refund" else 0.5), 1)))
        elif rng.random() < 0.33:
            rows.append((f"S{sector + 1:02d}", code, activity, "income", -round(expense * rng.uniform(0.05, 0.4), 1)))
    frame = pd.DataFrame(rows[:count], columns=["sector", "category", "activity", "kind", "amount"])
    return frame.drop_duplicates(["sector", "category", "activity", "kind"]).reset_index(drop=True)


def _changes(rng: np.random.Generator, budget: pd.DataFrame, count: int, months: int) -> pd.DataFrame:
    """``count`` changes, about 2,4 postings each: reallocations (three postings netting to zero) and
    technical adjustments (expense and income, netting to zero) between lines of one sector."""
    expense = budget[budget["kind"] == "expense"].reset_index(drop=True)
    by_sector = {s: g.index.to_numpy() for s, g in expense.groupby("sector")}
    has_income = set(map(tuple, budget.loc[budget["kind"] == "income", ["sector", "category", "activity"]].itertuples(index=False)))
    grossed = {s: g.index[[(r.sector, r.category, r.activity) in has_income for r in g.itertuples()]].to_numpy()
               for s, g in expense.groupby("sector")}  # lines a technical adjustment can gross up
    sectors = list(by_sector)
    rows = []
    for n in range(1, count + 1):
        kind = TYPES[rng.choice(len(TYPES), p=[0.25, 0.1, 0.05, 0.1, 0.1, 0.25, 0.15])]
        status = ["approved", "pending", "rejected"][rng.choice(3, p=[0.8, 0.12, 0.08])]
        month = int(rng.integers(1, months + 1))
        date = f"{YEAR}-{month:02d}-{int(rng.integers(1, 29)):02d}"
        sector = sectors[int(rng.integers(len(sectors)))]
        if kind == "technical" and len(grossed[sector]) == 0:
            kind = "supplementary"
        picks = expense.loc[rng.choice(grossed[sector] if kind == "technical" else by_sector[sector], size=3)]
        amount = float(np.round(rng.lognormal(4.5, 1.0), 1))
        if kind == "reallocation":
            amounts = [-amount, round(amount * 0.6, 1), round(amount - round(amount * 0.6, 1), 1)]
            postings = [(line, a, "expense") for line, a in zip(picks.itertuples(index=False), amounts)]
        elif kind == "technical":
            line = next(picks.itertuples(index=False))
            postings = [(line, amount, "expense"), (line, -amount, "income")]
        else:
            sign = -1.0 if kind == "carryover_out" or rng.random() < 0.2 else 1.0
            parts = int(rng.integers(1, 4))
            postings = [(line, sign * round(amount / parts, 1), "expense") for line in list(picks.itertuples(index=False))[:parts]]
        for line, value, kind_of in postings:
            rows.append((f"C{n:05d}", date, status, kind, line.sector, line.category, line.activity, kind_of, value,
                         f"Ændring {n} ({kind})", f"BV-{YEAR}-{n}"))
    return pd.DataFrame(rows, columns=["change_id", "date", "status", "type", "sector", "category", "activity", "kind",
                                       "amount", "description", "reference"])


def _actuals(rng: np.random.Generator, budget: pd.DataFrame, months: int) -> pd.DataFrame:
    """Every line every month: a twelfth of the year shaped by the season, ±15 % noise, a little overspend."""
    n = len(budget)
    pace = rng.normal(1.02, 0.05, size=n)
    frames = []
    for m in range(1, months + 1):
        noise = rng.uniform(0.85, 1.15, size=n)
        amount = np.round(budget["amount"].to_numpy() * SEASON[m - 1] * pace * noise, 2)
        frames.append(budget[["sector", "category", "activity", "kind"]].assign(amount=amount, month=f"{YEAR}-{m:02d}"))
    return pd.concat(frames, ignore_index=True)[["month", "sector", "category", "activity", "kind", "amount"]]


def _phasing() -> pd.DataFrame:
    """The season for every sector × category, six decimals, December taking the rounding."""
    weights = np.round(SEASON, 6)
    weights[-1] = round(1 - weights[:-1].sum(), 6)
    rows = [(f"S{s + 1:02d}", c[0], m + 1, float(weights[m])) for s in range(len(SECTORS)) for c in CATEGORIES for m in range(12)]
    return pd.DataFrame(rows, columns=["sector", "category", "month", "weight"])


def _targets(months: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Placements in sector S01: targets falling 5 % over the year per family group, activity a little above."""
    targets, activity = [], []
    for m in range(1, 13):
        for group, base in (("oest", 240), ("vest", 210), ("syd", 150)):
            for measure, share in (("institution", 0.35), ("foster_family", 0.52), ("network_foster_family", 0.13)):
                target = round(base * share * (1 - 0.05 * m / 12))
                targets.append((f"{YEAR}-{m:02d}", "S01", group, measure, target))
                if m <= months:
                    activity.append((f"{YEAR}-{m:02d}", "S01", group, measure, target + (1 if measure == "institution" else 0)))
    columns = ["month", "sector", "group", "measure"]
    return pd.DataFrame(targets, columns=columns + ["target"]), pd.DataFrame(activity, columns=columns + ["actual"])


def model(size: Size) -> dict:
    last = pd.Timestamp(f"{YEAR}-{size.months:02d}-01") + pd.offsets.MonthEnd(0)
    return {
        "name": "Syntetisk Kommune", "fiscal_year": YEAR, "unit": "1.000 kr.", "as_of": last.date(),
        "sectors": [{"code": f"S{i + 1:02d}", "name": name} for i, name in enumerate(SECTORS)],
        "categories": [{"code": c, "name": name, "group": group} for c, name, group, _ in CATEGORIES],
        "unit_costs": {"institution": 85, "foster_family": 35, "network_foster_family": 14},
    }


def write(folder: str | Path, size: Size, seed: int = 1) -> dict[str, int]:
    """Write the data folder; the row count of each file."""
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    budget = _lines(rng, size.lines)
    tables = {"budget": budget, "changes": _changes(rng, budget, size.changes, size.months),
              "actuals": _actuals(rng, budget, size.months), "phasing": _phasing()}
    tables["targets"], tables["activity"] = _targets(size.months)
    (folder / "model.yaml").write_text(yaml.safe_dump(model(size), allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return {name: len(frame) for name, frame in tables.items()}
