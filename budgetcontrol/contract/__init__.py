"""The data contract: read a data folder or a workbook's input Tables, validate, return typed tables."""

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.tables import Inputs

__all__ = ["InputError", "Inputs", "load"]


def load(source) -> Inputs:
    """A data folder or a built workbook (.xlsx/.xlsm), validated."""
    from pathlib import Path

    path = Path(source)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from budgetcontrol.contract.workbook import load_workbook_inputs

        return load_workbook_inputs(path)
    from budgetcontrol.contract.folder import load_folder

    return load_folder(path)
