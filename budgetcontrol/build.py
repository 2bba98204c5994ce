"""build: a data folder (or workbook) -> validated inputs -> engine -> controller workbook.

An ``.xlsm`` target is the macro-enabled workbook: the same sheets, plus the xlwings VBA bridge,
the ``xlwings.conf`` sheet and the buttons (``xlsx/vba.py``, ``sheets/xlwings_conf.py``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from budgetcontrol import contract, sheets
from budgetcontrol.engine import Result, compute
from budgetcontrol.sheets import xlwings_conf
from budgetcontrol.xlsx import writer

PROJECT = Path(__file__).resolve().parent.parent  # holds udfs/ and macros/ in a source checkout


SUFFIXES = (".xlsx", ".xlsm")


def build(source: str | Path, target: str | Path, as_of: dt.date | None = None) -> Result:
    result = compute(contract.load(source), as_of)
    write(result, target)
    return result


def layouts_for(result: Result, target: str | Path) -> list:
    """Every sheet the workbook of ``result`` at ``target`` has (with xlwings.conf for an .xlsm)."""
    layouts = sheets.layouts(result)
    if Path(target).suffix.lower() == ".xlsm":
        layouts.append(xlwings_conf.layout(project_folder_from(Path(target))))
    return layouts


def write(result: Result, target: str | Path, layouts: list | None = None) -> None:
    """The workbook of ``result``; macro-enabled when ``target`` ends in .xlsm."""
    layouts = layouts if layouts is not None else layouts_for(result, target)
    writer.save(layouts, target, Path(target).suffix.lower() == ".xlsm")


def project_folder_from(target: Path) -> str:
    """The project folder relative to the workbook's folder when the workbook is built inside a
    source checkout (``..`` for workbook/controller.xlsm); else empty: the packages are then
    expected to be installed, and no path of this machine goes into the workbook."""
    folder = target.resolve().parent
    if not (PROJECT / "udfs").is_dir() or not folder.is_relative_to(PROJECT):
        return ""
    return Path(os.path.relpath(PROJECT, folder)).as_posix().replace("/", "\\")
