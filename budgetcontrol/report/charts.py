"""The follow-up's charts as PNG images (matplotlib, no screen): the cumulative budget against actuals per
sector, the expected result per sector, and the history columns. Axis figures in Danish style."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from budgetcontrol.danish import MONTH_ABBREVIATIONS, kroner
from budgetcontrol.engine import Result
from budgetcontrol.report import figures

BUDGET, ACTUAL, OVER, UNDER = "#4472C4", "#ED7D31", "#C00000", "#70AD47"
DPI = 150
_DANISH = FuncFormatter(lambda v, _: kroner(round(v)))


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


PANELS = 9  # sectors per cumulative chart; more sectors, more charts


def cumulative(result: Result) -> list[bytes]:
    """Per sector (a panel each, nine to a chart): the phased budget to date against the actuals to date."""
    data = figures.cumulative(result)
    sectors = [c for c in result.inputs.model.sector_codes if c in set(data["sector"])]
    return [_cumulative(result, data, sectors[i:i + PANELS]) for i in range(0, len(sectors), PANELS)]


def _cumulative(result: Result, data, sectors: list[str]) -> bytes:
    columns = min(3, len(sectors)) or 1
    rows = -(-len(sectors) // columns) or 1
    fig, axes = plt.subplots(rows, columns, figsize=(6.3, 2.2 * rows + 0.4), squeeze=False)
    for ax, sector in zip(axes.flat, sectors):
        part = data[data["sector"] == sector].sort_values("m")
        ax.plot(part["m"], part["budget_ytd"], color=BUDGET, label="Periodiseret budget")
        ax.plot(part["m"], part["actual_ytd"], color=ACTUAL, marker="o", markersize=3, label="Regnskab")
        ax.set_title(figures.sector_name(result, sector), fontsize=9)
        ax.set_xticks(range(1, 13, 2), [MONTH_ABBREVIATIONS[m - 1] for m in range(1, 13, 2)], fontsize=7)
        ax.yaxis.set_major_formatter(_DANISH)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(sectors):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"Akkumuleret budget og regnskab, netto, {result.inputs.model.unit}", fontsize=10)
    fig.tight_layout()
    return _png(fig)


def expected_results(result: Result) -> bytes:
    """The expected year-end result per sector, overspend red and underspend green."""
    rows = figures.sector_rows(result)
    rows = rows[rows["sector"] != ""]
    names = [figures.sector_name(result, c) for c in rows["sector"]]
    values = rows["expected_result"].fillna(0.0).tolist()
    overspend = [v * result.inputs.model.sign > 0 for v in values]
    fig, ax = plt.subplots(figsize=(6.3, 0.3 * len(names) + 1.0))
    ax.barh(names[::-1], values[::-1], height=0.5, color=[OVER if o else UNDER for o in overspend[::-1]])
    ax.xaxis.set_major_formatter(_DANISH)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.tick_params(labelsize=8)
    ax.set_title(f"Forventet resultat pr. sektor, {result.inputs.model.unit} (rød = merforbrug)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def history(result: Result) -> bytes | None:
    """Original budget, corrected budget and accounts per year, all sectors (the fiscal year expected)."""
    h = result.history
    if h.empty:
        return None
    totals = h[h["category"] == ""] if (h["category"] == "").any() else h  # a sector's total, else its categories
    years = totals.groupby("year")[["original", "corrected", "actual"]].sum()
    fig, ax = plt.subplots(figsize=(6.3, 2.8))
    width = 0.27
    x = range(len(years))
    for i, (column, label, colour) in enumerate((("original", "Oprindeligt budget", "#A5A5A5"),
                                                ("corrected", "Korrigeret budget", BUDGET),
                                                ("actual", "Regnskab (budgetåret forventet)", ACTUAL))):
        ax.bar([p + (i - 1) * width for p in x], years[column], width, label=label, color=colour)
    ax.set_xticks(list(x), [str(y) for y in years.index], fontsize=8)
    ax.yaxis.set_major_formatter(_DANISH)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=7, loc="lower right")
    ax.axhline(0, color="black", linewidth=0.8)  # bars from zero: the differences are not blown up
    ax.set_title(f"Budget og regnskab pr. år, netto, {result.inputs.model.unit}", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)
