"""What the workbook's buttons do — refresh from an export, move to the next month, run the checks —
over any :class:`~budgetcontrol.refresh.Book` and any :class:`UI`. In Excel that is the live book
and Excel's status bar and message boxes (``xlsx/live.py``, called from ``macros/``); headless it
is a file opened with openpyxl and a recording UI, so CI runs the very same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from budgetcontrol.danish import kroner, with_unit
from budgetcontrol.contract.errors import InputError
from budgetcontrol.engine import compute
from budgetcontrol.engine.checks import Check
from budgetcontrol.refresh import Book, Report, next_month, refresh as refresh_book
from budgetcontrol.sheets.checks import label_of as check_label, status_cell
from budgetcontrol.sheets import tab_names_for
from budgetcontrol.sheets.names import CHECKS, laying_out

TITLE = "budgetcontrol"


class UI(Protocol):
    def status(self, text: str) -> None: ...  # the status bar; "" clears it

    def alert(self, text: str, critical: bool = False) -> None: ...  # a message box

    def pick_file(self, title: str) -> str | None: ...  # a file dialog; None when cancelled

    def goto(self, sheet: str, cell: str) -> None: ...  # select a cell


@dataclass
class RecordingUI:
    """The headless UI: answers the file dialog with ``file`` and records what Excel would show."""

    file: str | None = None
    statuses: list[str] = field(default_factory=list)
    alerts: list[tuple[str, bool]] = field(default_factory=list)
    selected: tuple[str, str] | None = None

    def status(self, text: str) -> None:
        self.statuses.append(text)

    def alert(self, text: str, critical: bool = False) -> None:
        self.alerts.append((text, critical))

    def pick_file(self, title: str) -> str | None:
        return self.file

    def goto(self, sheet: str, cell: str) -> None:
        self.selected = (sheet, cell)


def run(action: Callable, book: Callable[[], Book], ui: UI):
    """Run a button's action: errors end in a message box (one line, no traceback), and the status bar
    is cleared whatever happens. ``book`` is called inside, so a workbook that cannot be read is
    reported the same way."""
    try:
        return action(book(), ui)
    except InputError as exc:
        ui.alert(f"Intet er ændret.\n\n{exc}", critical=True)
    except Exception as exc:  # noqa: BLE001 - shown to the controller, never lost in a console
        ui.alert(f"Intet er ændret. Uventet fejl: {type(exc).__name__}: {exc}", critical=True)
    finally:
        ui.status("")
    return None


def refresh(book: Book, ui: UI) -> Report | None:
    """Pick the finance system's export, replace its month in Actuals, rebuild the outputs."""
    path = ui.pick_file("Vælg eksporten fra økonomisystemet (CSV)")
    if not path:
        return None
    ui.status(f"Opdaterer fra {Path(path).name} …")
    report = refresh_book(book, path)
    book.save()
    lines = [f"{report.month}: {report.rows_out} rækker ud, {report.rows_in} ind"
             + (f" ({report.ignored} rækker fra andre måneder sprunget over)" if report.ignored else "") + ".",
             f"Opgørelsesdato: {report.as_of_before.isoformat()} → {report.as_of_after.isoformat()}."]
    for (sector, category), before, after in report.net_changes():
        unit = report.result.inputs.model.unit
        lines.append(f"{sector} / {category}: {with_unit(before, unit)} → {with_unit(after, unit)}")
    ui.alert("\n".join(lines))
    return report


def add_month(book: Book, ui: UI):
    """Move the reporting month one month on and rebuild the outputs."""
    ui.status("Flytter opgørelsen en måned frem …")
    before, after, result = next_month(book)
    book.save()
    ui.alert(f"Opgørelsesdato: {before.isoformat()} → {after.isoformat()}.")
    return result


def check(book: Book, ui: UI) -> Check | None:
    """Run the checks; select the first break on the Checks sheet (None when all hold)."""
    ui.status("Kører kontrollerne …")
    inputs = book.inputs()
    result = compute(inputs)
    tabs = tab_names_for(inputs)
    broken = [c for c in result.checks if not c.ok]
    if not broken:
        ui.goto(tabs[CHECKS], "B2")
        ui.alert(f"Alle {len(result.checks)} kontroller er OK.")
        return None
    first = broken[0]
    ui.goto(tabs[CHECKS], status_cell(result, first.key))
    with laying_out(tabs):
        label = check_label(first.key.split(":", 1)[0])
    ui.alert(f"{len(broken)} af {len(result.checks)} kontroller brudt. Første: {label} "
             f"(forskel {kroner(first.difference)}){': ' + first.detail if first.detail else ''}", critical=True)
    return first
