"""The command line: parse, call, print. No logic lives here.

Every error a user can cause ends as one line on stderr and exit code 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console

from budgetcontrol.contract.errors import InputError
from budgetcontrol.danish import kroner, with_unit
from budgetcontrol.contract.model import FORECASTS

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Budget control for municipal controllers: corrected budgets, roll-ups and the controller workbook.")
err = Console(stderr=True, highlight=False)

AS_OF_HELP = "Count approved changes dated on or before this date, and actuals up to its month (YYYY-MM-DD); " \
             "the monthly figures count each month's changes to the month's end. " \
             "Default: the model's as_of, else the end of the fiscal year."


def _as_of(text: Optional[str]) -> Optional[dt.date]:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("--as-of", f"'{text}' is not a date (use YYYY-MM-DD)") from None


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError(option, f"'{value}' is not one of: {', '.join(allowed)}")
    return value


def _check_year(as_of: Optional[dt.date], fiscal_year: int) -> None:
    if as_of is not None and as_of.year != fiscal_year:
        raise InputError("--as-of", f"{as_of.isoformat()} is not in the fiscal year {fiscal_year}")


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    import zipfile
    import zlib

    try:
        yield
    except InputError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a workbook damaged where no reader looked before
        said = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        err.print(f"error: cannot read the workbook: its package is damaged ({said}); open it in Excel and save it "
                  f"again, or take the last version from the backups", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


QUIET = {"on": False}  # --quiet: no progress display


def _status(message: str):
    """A progress display (rich) on the terminal while a step runs; none when output is not a terminal or with --quiet."""
    return err.status(message) if err.is_terminal and not QUIET["on"] else contextlib.nullcontext()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"budgetcontrol {version('budgetcontrol')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and stop."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
) -> None:
    """Budget control for Danish municipal controllers."""
    QUIET["on"] = quiet


@app.command()
def build(
    data_dir: Path = typer.Argument(..., help="A data folder (model.yaml, budget.csv, changes.csv, actuals.csv) or a built workbook."),
    output: Path = typer.Option(..., "-o", "--output", help="The workbook to write: .xlsx, or .xlsm for the macro-enabled workbook with the xlwings bridge and buttons."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    check: bool = typer.Option(False, "--check", help="Write nothing: exit 1 with what differs when OUTPUT is not the "
                                                       "workbook this build makes (a stale committed workbook), 0 when it is."),
    force: bool = typer.Option(False, "--force", help="Write even though OUTPUT holds work the build drops (sheets, "
                                                       "typed rows, names of your own; a backup is kept) or Excel's "
                                                       "owner file (~$…) is beside it."),
    keep: bool = typer.Option(False, "--keep", help="Build over OUTPUT keeping your work in it: your own sheets, "
                                                     "names and every row typed into its Tables; the data folder's "
                                                     "rows the Tables lack are added."),
) -> None:
    """Build the controller workbook from a data folder."""
    from budgetcontrol import build as building, contract
    from budgetcontrol.engine import compute
    from budgetcontrol.xlsx import safe

    with _user_errors():
        date = _as_of(as_of)
        if output.suffix.lower() not in building.SUFFIXES:
            raise InputError(str(output), "the output must be an .xlsx file (or .xlsm for the macro-enabled workbook)")
        if not output.parent.exists():
            raise InputError(str(output), f"folder '{output.parent}' does not exist")
        if output.is_dir():
            raise InputError(str(output), "is a folder, not a workbook file")
        # held from reading to writing: a refresh of OUTPUT meanwhile (also when it is the source) is not lost
        with contextlib.nullcontext() if check else safe.exclusive(output, force):
            with _status("Reading and checking the inputs…"):
                inputs = contract.load(data_dir)
                _check_year(date, inputs.model.fiscal_year)
            with _status("Computing…"):
                result = compute(inputs, date)
            if check:
                _check(result, output)
                return
            if keep and output.is_file():
                from budgetcontrol.keep import build_keeping

                with _status(f"Writing {output}, keeping your work in it…"):
                    try:
                        result, added, replaced = build_keeping(data_dir, output, date)
                    except OSError as exc:
                        raise InputError(str(output), f"cannot write the workbook: {exc.strerror or exc}") from None
                err.print(f"kept your sheets, names and typed rows; {added} row{'s' if added != 1 else ''} of {data_dir} "
                          f"in, replacing {replaced} of the workbook's", markup=False, soft_wrap=True)
                failed = [c.key for c in result.checks if not c.ok]
                err.print(f"wrote {output} (as of {result.as_of.isoformat()}; checks: {'OK' if not failed else 'BRUD ' + ', '.join(failed)})",
                          markup=False)
                return
            layouts = building.layouts_for(result, output)
            drops = []
            from budgetcontrol import overwrite

            if output.is_file():
                drops = overwrite.dropped(output, inputs, layouts, result.weights)
                if drops and not force:
                    raise InputError(str(output), f"holds work a build would drop: {overwrite.summary(drops)}; bring a "
                                                  f"month's actuals in with `budgetcontrol refresh`, carry your work over with "
                                                  f"`build --keep`, or replace the workbook with `build --force` (the old "
                                                  f"one is kept in {safe.BACKUP_FOLDER}/)")
            with _status(f"Writing {output}…"):
                try:
                    building.write(result, output, layouts)
                except OSError as exc:
                    raise InputError(str(output), f"cannot write the workbook: {exc.strerror or exc}") from None
            if drops:
                kept = safe.backups(output)
                err.print(f"dropped: {overwrite.summary(drops)}; the previous version is {kept[-1] if kept else 'not kept'}",
                          markup=False, soft_wrap=True)
    failed = [c.key for c in result.checks if not c.ok]
    err.print(f"wrote {output} (as of {result.as_of.isoformat()}; checks: {'OK' if not failed else 'BRUD ' + ', '.join(failed)})",
              markup=False)


def _check(result, output: Path) -> None:
    """build --check: build into a temporary folder and compare with ``output``; exit 1 when they differ."""
    import tempfile

    from budgetcontrol import build as building
    from budgetcontrol.difference import differences

    if not output.is_file():
        print(f"{output}: missing (the build would write it)")
        raise typer.Exit(1)
    with tempfile.TemporaryDirectory(prefix="bc-check-") as folder:
        fresh = Path(folder) / output.name
        with _status("Building to compare…"):
            building.write(result, fresh)
            try:
                lines, count = differences(output, fresh)
            except Exception as exc:  # a damaged committed workbook is stale too
                lines, count = [f"cannot read the committed workbook: {exc}"], 1
    if count:
        print(f"{output} is stale: {count} difference{'s' if count != 1 else ''} from a fresh build")
        for line in lines:
            print(f"  {line}")
        if count > len(lines):
            print(f"  … and {count - len(lines)} more")
        raise typer.Exit(1)
    print(f"{output} is up to date")


@app.command()
def export(
    source: Path = typer.Argument(..., help="A data folder or a built workbook (its input sheets are read)."),
    table: str = typer.Option("summary", "--table", help="summary | changes | monthly | targets | history | outer_years"),
    fmt: str = typer.Option("csv", "--format", help="csv | csv-da (semicolons, decimal commas, UTF-8 with BOM: a Danish "
                                                     "Excel opens it straight into columns) | json"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    forecast: Optional[str] = typer.Option(None, "--forecast", help="plan | run_rate (default: the model's setting, else plan)"),
) -> None:
    """Print the engine's figures: the summary roll-up, the audit list of changes, the monthly
    figures (phased budget, actuals, variance, forecast) or the activity targets."""
    from budgetcontrol import contract
    from budgetcontrol.engine import compute
    from budgetcontrol.export import FORMATS, TABLES, render

    with _user_errors():
        _choice("--table", table, TABLES)
        _choice("--format", fmt, FORMATS)
        if forecast is not None:
            _choice("--forecast", forecast, FORECASTS)
        date = _as_of(as_of)
        inputs = contract.load(source)
        _check_year(date, inputs.model.fiscal_year)
        if forecast is not None:
            inputs = dataclasses.replace(inputs, model=inputs.model.model_copy(update={"forecast": forecast}))
        text = render(compute(inputs, date), table, fmt)
    write_out(text)


@app.command()
def report(
    source: Path = typer.Argument(..., help="A data folder or a built workbook (its input Tables, settings and comments)."),
    output: Path = typer.Option(Path("budgetopfoelgning.docx"), "-o", "--output", help="The Word document to write (.docx)."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write the PDF beside it (LibreOffice headless)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=AS_OF_HELP),
    template: Optional[Path] = typer.Option(None, "--template", help="Your own Word document: its styles, header and footer."),
) -> None:
    """Write the budget follow-up (budgetopfølgning) for management and the committee, in Word (and PDF)."""
    from budgetcontrol.report.make import report as making

    with _user_errors(), _status("Writing the budget follow-up…"):
        line = making(source, output, _as_of(as_of), pdf, template)
    err.print(line, markup=False, soft_wrap=True)


@app.command()
def refresh(
    workbook: Path = typer.Argument(..., help="The controller workbook (.xlsx/.xlsm) to refresh in place."),
    actuals: Path = typer.Option(..., "--actuals", help="The finance-system export of the month's actuals: CSV in any "
                                 "encoding and dialect, or .xlsx; the contract's columns, Danish headers, or accounts of the "
                                 "chart of accounts placed through the workbook's Accounts Table."),
    month: Optional[str] = typer.Option(None, "--month", help="The month to replace (YYYY-MM). Default: the one month in the export."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="The sheet of a spreadsheet export (default: the first)."),
    unmapped: str = typer.Option("refuse", "--unmapped", help="Accounts the account map does not place: refuse (default) "
                                 "or keep them on the line 'Ikke placeret', which Checks shows as a break."),
    force: bool = typer.Option(False, "--force", help="Refresh even though Excel's owner file (~$…) is beside the workbook."),
) -> None:
    """The monthly refresh: replace one month's actuals from an export, make it the reporting month
    when it is the newest, and rebuild the output sheets (rows typed in and sheets added are kept)."""
    from budgetcontrol.refresh import refresh as run
    from budgetcontrol.xlsx import safe
    from budgetcontrol.xlsx.book import FileBook

    with _user_errors():
        from budgetcontrol.intake import UNMAPPED_CHOICES

        _choice("--unmapped", unmapped, UNMAPPED_CHOICES)
        if workbook.suffix.lower() not in (".xlsx", ".xlsm"):
            raise InputError(str(workbook), "not a workbook (.xlsx or .xlsm)")
        if not workbook.is_file():
            raise InputError(str(workbook), "file not found")
        with safe.exclusive(workbook, force):  # read, refresh and write as one: a second refresh is refused meanwhile
            with _status("Reading the workbook…"):
                book = FileBook(workbook)
            with _status("Refreshing…"):
                report = run(book, actuals, month, sheet, unmapped)
            with _status(f"Writing {workbook}…"):
                try:
                    book.save()
                except OSError as exc:
                    raise InputError(str(workbook), f"cannot write the workbook: {exc.strerror or exc}") from None
    unit = report.result.inputs.model.unit
    lines = [_export_line(report, actuals.name, unit),
             f"Actuals {report.month}: {report.rows_out} rows out, {report.rows_in} rows in"
             + (f" ({report.ignored} rows of other months in the export left out)" if report.ignored else "")]
    for key, before, after in report.net_changes():
        change = "unchanged" if abs(after - before) < 0.005 else f"change {with_unit(after - before, unit)}"
        lines.append(f"  {'/'.join(key)} net {report.month}: {with_unit(before, unit)} -> {with_unit(after, unit)} ({change})")
    lines.append(f"  total net {report.month}: {with_unit(float(report.before.sum()), unit)} -> "
                 f"{with_unit(float(report.after.sum()), unit)}")
    lines.append(f"As-of date: {report.as_of_before.isoformat()} -> {report.as_of_after.isoformat()}")
    failed = [c.key for c in report.result.checks if not c.ok]
    lines.append(f"wrote {workbook} (checks: {'OK' if not failed else 'BRUD ' + ', '.join(failed)})")
    write_out("\n".join(lines) + "\n")  # the workbook is written: a full disk or closed pipe here is one line or quiet


def _export_line(report, name: str, unit: str) -> str:
    """The export's total and the total imported (equal: nothing is lost on the way)."""
    from budgetcontrol.intake import rows_text

    read = report.export
    imported = float(read.rows["amount"].sum())
    keyed = f" keyed by account, placed as {rows_text(report.rows_in)}" if read.keyed else ""
    text = f"Export {name}: {read.rows_read} rows{keyed}, total {with_unit(read.total, unit)}; imported {with_unit(imported, unit)}"
    if read.ignored:
        text += f" for {report.month} and {with_unit(read.ignored_total, unit)} of other months left out"
    if read.unmapped_rows:
        text += (f"; {rows_text(read.unmapped_rows)} ({with_unit(read.unmapped_total, unit)}) of accounts the map does not place "
                 f"on 'Ikke placeret' (a break on the Checks sheet)")
    return text


@app.command()
def verify(workbook: Path = typer.Argument(..., help="A built workbook.")) -> None:
    """Recalculate a workbook in LibreOffice and compare every formula cell with the engine (exit 1 on any mismatch)."""
    from budgetcontrol.recalc import LibreOfficeMissing
    from budgetcontrol.verify import verify as run

    with _user_errors():
        try:
            with _status("Recalculating in LibreOffice…"):
                mismatches, compared = run(workbook)
        except LibreOfficeMissing as exc:
            raise InputError(str(workbook), str(exc)) from None
    for m in mismatches[:50]:
        print(m)
    if mismatches:
        print(f"{len(mismatches)} of {compared} formula cells differ from the engine")
        raise typer.Exit(1)
    print(f"OK: all {compared} formula cells equal the engine's figures")


@app.command()
def synth(
    out_dir: Path = typer.Argument(..., help="The data folder to write (new, or empty)."),
    size: str = typer.Option("small", "--size", help="small (600 lines) | medium (6.000) | large (30.000 lines, 5.000 changes, 360.000 actual rows)"),
    seed: int = typer.Option(1, "--seed", help="The same seed and sizes give the same files."),
    lines: Optional[int] = typer.Option(None, "--lines", help="Original-budget lines (overrides --size)."),
    changes: Optional[int] = typer.Option(None, "--changes", help="Changes (about 2,4 posting rows each)."),
    months: Optional[int] = typer.Option(None, "--months", help="Months of actuals, 1–12 (the as-of month)."),
) -> None:
    """Write a deterministic synthetic municipality in the data contract (for benchmarks and scale tests)."""
    from budgetcontrol import synth as synthetic

    with _user_errors():
        chosen = synthetic.Size.named(_choice("--size", size, tuple(synthetic.SIZES)))
        for option, value, low, high in (("--lines", lines, 1, 10**7), ("--changes", changes, 0, 10**7), ("--months", months, 1, 12)):
            if value is not None and not low <= value <= high:
                raise InputError(option, f"{value} is not between {low} and {high}")
        chosen = synthetic.Size(lines or chosen.lines, chosen.changes if changes is None else changes, months or chosen.months)
        if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
            raise InputError(str(out_dir), "exists and is not an empty folder; synth writes a new data folder")
        with _status(f"Writing {out_dir}…"):
            counts = synthetic.write(out_dir, chosen, seed)
    err.print(f"wrote {out_dir}: " + ", ".join(f"{name}.csv {kroner(n)} rows" for name, n in counts.items()), markup=False)


@app.command()
def rollup(
    data_dirs: list[Path] = typer.Argument(..., help="Data folders, one per municipality."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="The CSV file to write (default: print it)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="The as-of date for every folder (YYYY-MM-DD). "
                                                              "Default: each model's as_of, else the end of its fiscal year."),
    memory_limit: str = typer.Option("1GB", "--memory-limit", help="DuckDB's memory limit; beyond it, it spills to a temporary folder."),
) -> None:
    """Sum many municipalities' data folders into one summary (municipality, sector, category, kind, then the
    national total per category and kind), by DuckDB over the CSV files, out of core."""
    from budgetcontrol import rollup_many
    from budgetcontrol.xlsx.safe import write_atomically

    with _user_errors():
        date = _as_of(as_of)
        if output is not None and output.is_dir():
            raise InputError(str(output), "is a folder, not a CSV file")
        if output is not None and not output.parent.exists():
            raise InputError(str(output), f"folder '{output.parent}' does not exist")
        with _status(f"Summing {len(data_dirs)} data folders…"):
            result = rollup_many.rollup(data_dirs, date, memory_limit)
        text = rollup_many.render(result.rows)
        if output is not None:
            try:
                write_atomically(output, lambda tmp: tmp.write_text(text, encoding="utf-8"), keep=0)
            except OSError as exc:
                raise InputError(str(output), f"cannot write the file: {exc.strerror or exc}") from None
    if output is None:
        write_out(text)
    else:
        err.print(f"wrote {output}: {result.municipalities} municipalities, {kroner(result.rows_read)} rows read", markup=False)


def write_out(text: str) -> None:
    """Write an export to standard output: a full disk is one line and exit 2; a closed pipe (``| head``)
    ends the command quietly, as Unix tools do."""
    if sys.stdout is None:  # started with standard output closed (>&-): nothing to write to
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_exit()
    except OSError as exc:
        err.print(f"error: cannot write the output: {exc.strerror or exc}", markup=False)
        _quiet_exit(2)


def _quiet_exit(code: int = 0) -> None:
    """Exit without Python flushing a broken standard output again at shutdown (a second traceback)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    raise SystemExit(code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
