"""Reading a data folder: model.yaml plus budget.csv, changes.csv and actuals.csv, and the
optional phasing.csv, actuals_prior.csv, targets.csv, activity.csv, forecast.csv, history.csv,
outer_budget.csv and savings.csv."""

from __future__ import annotations

from pathlib import Path

from budgetcontrol.contract.csvfile import read_csv_text
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.model import Model, parse_model
from budgetcontrol.contract.year_rules import check_all_lines
from budgetcontrol.contract.tables import ACCOUNTS, OPTIONAL, SPECS, Inputs, check_excel_matching, csv_locate, validate
from budgetcontrol.intake.accounts import load_map


def folder_model(folder: Path) -> Model:
    """The validated model.yaml of a data folder (UTF-8, else Windows-1252)."""
    if not folder.is_dir():
        raise InputError(str(folder), "not a data folder (expected a folder with model.yaml, budget.csv, changes.csv, actuals.csv)")
    model_path = folder / "model.yaml"
    try:
        text = model_path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(model_path), "file not found (every data folder needs a model.yaml)") from None
    except UnicodeDecodeError:
        text = model_path.read_bytes().decode("cp1252", errors="replace")
    return parse_model(text, str(model_path))


def load_folder(folder: str | Path) -> Inputs:
    """The data folder's inputs. Budget, changes and actuals are read as the finance system exports them
    (``intake``): Danish headers and words, title and total rows, and rows keyed by the chart of accounts,
    placed on the lines through the folder's ``accounts.csv``."""
    from budgetcontrol import intake

    folder = Path(folder)
    model = folder_model(folder)
    tables, files = {}, {}
    account_file = folder / ACCOUNTS.file
    accounts = load_map(folder, model)
    if accounts is not None:
        tables["accounts"], files["accounts"] = accounts, str(account_file)
    for spec in SPECS:
        path = folder / spec.file
        files[spec.key] = str(path)
        tables[spec.key] = intake.load(path, spec, model, tables.get("accounts"), map_file=str(account_file), unmapped="never").rows
    for spec in OPTIONAL:
        if spec is ACCOUNTS:
            continue
        path = folder / spec.file
        if not path.exists():
            continue
        files[spec.key] = str(path)
        raw = read_csv_text(path, str(path))
        tables[spec.key] = validate(raw.frame, spec, model, str(path), csv_locate, raw.decimal)
    if model.phasing == "prior_actuals" and "actuals_prior" not in tables:
        raise InputError(str(folder / "model.yaml"), "phasing: prior_actuals needs last year's actuals in actuals_prior.csv "
                                          "(same columns as actuals.csv)", column="phasing")
    check_excel_matching(tables, files, {k: csv_locate for k in tables})
    check_all_lines(tables, lambda key: lambda idx, column, message: InputError(files[key], message, **csv_locate(idx, column)))
    return Inputs(model=model, source=str(folder), **tables)
