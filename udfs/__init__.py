"""Worksheet functions for the controller workbook (xlwings UDFs).

Import them into the workbook with the button "1. Importér funktioner" (or the xlwings ribbon's
Import Functions); xlwings.conf lists this module under UDF Modules. Each one returns a whole
block that spills (Excel 365; older Excel: enter it as an array formula over the block), e.g.

    =BC_SUMMARY(Budget[#All], Changes[#All], Actuals[#All], "2014-06-30")
    =BC_PHASED(Budget[#All], Changes[#All], Actuals[#All], AsOf, A5:A12, B4:E4)

Tables are passed whole, with their header row ([#All]). The optional ``settings`` (the Settings
sheet's key-to-value rows, e.g. Settings!A5:C16), ``sectors`` (Sectors[#All]), ``categories``
(Categories[#All]) and ``phasing`` (Phasing[#All]) make a function use the workbook's own
settings, and ``forecasts`` (Forecast[#All]) the controller's own forecasts; without them the defaults of the data contract apply. A selection (``sector``,
``category``) is a code, a range of codes (one result row or column each), or blank for all.
The big Tables (budget, changes, actuals, forecasts) come as range references: their values are
read only when needed. Put ``=BC_STAMP(Budget[#All])`` (and one each for Changes, Actuals and
Forecast) in cells of their own and pass those cells as the last argument, ``stamps``: a call then
reads only the Tables whose stamp is new, i.e. the ones typed into since (``budgetcontrol.udf_tables``
tells how and what cannot be known without a read). Without stamps every call reads its Tables.
The work is done in ``budgetcontrol.functions``; these are only its Excel names.
"""

import xlwings as xw
from xlwings import conversion

from budgetcontrol import functions as bc

BIG_TABLES = ("budget", "changes", "actuals", "forecasts")


class TableReference(conversion.Accessor):
    """A range argument as its Range, its values read only when needed; anything else (an array constant,
    a value another function computed) converted as xlwings converts values. xlwings' own "range"
    conversion would turn those into None."""

    @staticmethod
    def _stage(ctx):
        ctx.value = ctx.range if ctx.range is not None else conversion.read(None, ctx.value, {})

    @classmethod
    def reader(cls, options):
        return conversion.Pipeline().append_stage(cls._stage)


TableReference.register("table_reference")


def tables_by_reference(function):
    """The big Table arguments as range references (``TableReference``), not their values."""
    names = function.__code__.co_varnames[:function.__code__.co_argcount]
    for name in BIG_TABLES:
        if name in names:
            function = xw.arg(name, "table_reference")(function)
    return function


@xw.func
@xw.arg("table", "table_reference")
def BC_STAMP(table):
    """A new stamp each time a cell of the Table changes; pass the stamp cells as a function's ``stamps``."""
    return bc.stamp(table)


@xw.func
@tables_by_reference
def BC_SUMMARY(budget, changes, actuals, as_of, settings=None, sectors=None, categories=None, stamps=None):
    """Sector summary: original, corrected, actual and variance per sector, category and kind, with totals."""
    return bc.summary(budget, changes, actuals, as_of, settings, sectors, categories, stamps=stamps)


@xw.func
@tables_by_reference
def BC_CORRECTED(budget, changes, as_of, sector=None, category=None, settings=None, sectors=None, categories=None, stamps=None):
    """Corrected budget (original + approved changes to as_of), net, per selected sector (down) and category (across)."""
    return bc.corrected(budget, changes, as_of, sector, category, settings, sectors, categories, stamps=stamps)


@xw.func
@tables_by_reference
def BC_MONTHLY(budget, changes, actuals, as_of, sector=None, settings=None, sectors=None, categories=None, phasing=None,
               forecasts=None, stamps=None):
    """Monthly figures of a sector (or all) from January to the as-of month, as export --table monthly."""
    return bc.monthly_rows(budget, changes, actuals, as_of, sector, settings, sectors, categories, phasing, forecasts, stamps=stamps)


@xw.func
@tables_by_reference
def BC_STATUS(budget, changes, actuals, as_of, settings=None, sectors=None, categories=None, phasing=None,
              forecasts=None, stamps=None):
    """Status of the reporting month per sector and category with totals, the traffic light, the computed
    forecast and where the counted one comes from."""
    return bc.status(budget, changes, actuals, as_of, settings, sectors, categories, phasing, forecasts, stamps=stamps)


@xw.func
@tables_by_reference
def BC_PHASED(budget, changes, actuals, as_of, sector=None, category=None, settings=None, sectors=None, categories=None,
              phasing=None, stamps=None):
    """Phased budget to date (periodiseret budget til dato), net, per selected sector and category."""
    return bc.phased(budget, changes, actuals, as_of, sector, category, settings, sectors, categories, phasing, stamps=stamps)


@xw.func
@tables_by_reference
def BC_FORECAST(budget, changes, actuals, as_of, sector=None, category=None, settings=None, sectors=None,
                categories=None, phasing=None, forecasts=None, stamps=None):
    """Forecast year-end (forventet regnskab), net, per selected sector and category (settings: forecast method;
    forecasts: the controller's own, which replace the computed one for their lines)."""
    return bc.forecast(budget, changes, actuals, as_of, sector, category, settings, sectors, categories, phasing,
                       forecasts, stamps=stamps)
