"""Small builders that return formula text; every output formula is made here.

Only functions that evaluate the same in Excel 2010+ and LibreOffice 7.4 are used
(SUMIFS, COUNTIFS, INDEX/MATCH, SUMPRODUCT, IF, ABS, EOMONTH). Text criteria are written as
``ref&""`` because SUMIFS treats a reference to an empty cell as 0, which would
never match an empty ``activity``; ``ref&""`` matches it in both programs.
"""

from __future__ import annotations

from budgetcontrol.sheets.ledger import cum_name, key_name, rows_name

# Workbook-level names of the settings cells (Settings sheet).
AS_OF = "AsOf"
AS_OF_MONTH_END = "AsOfMonthEnd"  # EOMONTH(AsOf, 0): actuals count for whole months
SIGN = "VarianceSign"
APPROVED = "StatusApproved"
PENDING = "StatusPending"
TOLERANCE = "Tolerance"
UNIT = "Unit"
FISCAL_YEAR = "FiscalYear"


def text(ref: str) -> str:
    """A text criterion that also matches empty cells."""
    return f'{ref}&""'


def up_to(name_or_ref: str) -> str:
    """The criterion "on or before" a date cell."""
    return f'"<="&{name_or_ref}'


def column(table: str, name: str) -> str:
    """A structured reference to a Table column, e.g. ``Changes[amount]``."""
    return f"{table}[{name}]"


def sumifs(sum_range: str, criteria: list[tuple[str, str]]) -> str:
    parts = [sum_range] + [f"{rng},{crit}" for rng, crit in criteria]
    return f"SUMIFS({','.join(parts)})"


def countifs(criteria: list[tuple[str, str]]) -> str:
    return f"COUNTIFS({','.join(f'{rng},{crit}' for rng, crit in criteria)})"


def line_criteria(table: str, sector: str, category: str, activity: str, kind: str) -> list[tuple[str, str]]:
    """Criteria matching one budget line of a Table, the keys taken from cells."""
    return [
        (column(table, "sector"), text(sector)),
        (column(table, "category"), text(category)),
        (column(table, "activity"), text(activity)),
        (column(table, "kind"), text(kind)),
    ]


def counted(table: str = "Changes", until: str = AS_OF) -> list[tuple[str, str]]:
    """Criteria for change postings that count: approved and dated on or before the as-of date (or ``until``)."""
    return [(column(table, "status"), APPROVED), (column(table, "date"), up_to(until))]


def waiting(table: str = "Changes") -> list[tuple[str, str]]:
    return [(column(table, "status"), PENDING), (column(table, "date"), up_to(AS_OF))]


def actual_to_date(table: str = "Actuals") -> list[tuple[str, str]]:
    """Actual postings of the months up to the as-of month, whatever day a month cell carries."""
    return [(column(table, "month"), up_to(AS_OF_MONTH_END))]


def variance(actual: str, corrected: str) -> str:
    """Variance with the sign setting: +1 gives actual − corrected (positive = overspend)."""
    return f"{SIGN}*({actual}-{corrected})"


def overspend(variance_ref: str) -> str:
    """True where a variance cell is an overspend, whatever the sign setting."""
    return f"{SIGN}*{variance_ref}>0"


def sum_range(first: str, last: str) -> str:
    return f"SUM({first}:{last})"


def plus(refs: list[str]) -> str:
    return "+".join(refs) if refs else "0"


def status(difference: str) -> str:
    """OK when a difference is within the tolerance setting, else BRUD (break)."""
    return f'IF(ABS({difference})<={TOLERANCE},"OK","BRUD")'


# ---- part 2: monthly figures, forecast, traffic lights, activity targets ----
RUN_RATE = "ForecastRunRate"
MONTHS_IN_YEAR = "MonthsInYear"
AMBER = "AmberThreshold"
RED = "RedThreshold"


def month_end(month_ref: str) -> str:
    return f"EOMONTH({month_ref},0)"


def counted_until(month_end_ref: str) -> str:
    """Postings count up to the month's end, but never after the as-of month's end."""
    return up_to(f"MIN({month_end_ref},{AS_OF_MONTH_END})")


def whole_month(month_ref: str) -> list[str]:
    """Criteria for a date column: any day of the month (activity is reported for whole months)."""
    return [f'">="&{month_ref}', f'"<="&{month_end(month_ref)}']


def in_month(month_ref: str, month_end_ref: str) -> list[str]:
    """Criteria for a date column: within the month, and not after the as-of month."""
    return [f'">="&{month_ref}', counted_until(month_end_ref)]


def weight_to(month_ref: str, after: bool = False) -> str:
    """Criterion on Phasing[month] (1–12): months up to ``month_ref``'s month, or the months after it."""
    return f'"{">" if after else "<="}"&MONTH({month_ref})'


def phased_share(pair: list[tuple[str, str]], month_ref: str, after: bool = False) -> str:
    """The share of the year phased up to (or after) a month: the Phasing Table's weights of the
    sector × category, or equal twelfths where the Table has no rows for it (as the engine does)."""
    share = f"({MONTHS_IN_YEAR}-MONTH({month_ref}))/{MONTHS_IN_YEAR}" if after else f"MONTH({month_ref})/{MONTHS_IN_YEAR}"
    weights = sumifs("Phasing[weight]", pair + [("Phasing[month]", weight_to(month_ref, after))])
    return f"IF({countifs(pair)}=0,{share},{weights})"


def product(a: str, b: str) -> str:
    return f"{a}*{b}"


def minus(a: str, b: str) -> str:
    return f"{a}-{b}"


def previous_month_value(above: str, month_ref: str) -> str:
    """The same key's value in the month before, on the row above (0 in January): the sheet's rows hold
    each key's months 1–12 in order, so a cell looks one row up, not through the whole column."""
    return f"IF(MONTH({month_ref})=1,0,{above})"


def forecast(actual_ytd: str, corrected: str, cum_weight: str, rest_weight: str) -> str:
    """Forventet regnskab: plan = actual to date + the rest of the phased budget; run_rate =
    actual to date ÷ phased share to date (blank where no budget is phased yet)."""
    return f'IF({RUN_RATE}=1,IF({cum_weight}=0,"",{actual_ytd}/{cum_weight}),{actual_ytd}+{corrected}*{rest_weight})'


def filled(ref: str) -> str:
    """1 where a cell holds a figure, 0 where it is blank text."""
    return f'IF({ref}="",0,1)'


def if_blank(ref: str, then: str) -> str:
    return f'IF({ref}="","",{then})'


def if_any_blank(refs: list[str], then: str) -> str:
    tests = ",".join(f'{r}=""' for r in refs)
    return f'IF(OR({tests}),"",{then})'


def expected_result(forecast_ref: str, corrected: str) -> str:
    """Forventet resultat with the sign setting: +1 gives forecast − corrected (positive = overspend)."""
    return if_blank(forecast_ref, f"{SIGN}*({forecast_ref}-{corrected})")


def ratio(numerator: str, denominator: str) -> str:
    """Blank where the denominator is 0 (forbrugsprocent of a zero budget)."""
    return f'IF({denominator}=0,"",{numerator}/{denominator})'


def light(variance_ref: str, budget_ref: str, labels: dict[str, str]) -> str:
    """Traffic light on the overspend to date as a share of the phased budget to date."""
    over = f"{SIGN}*{variance_ref}"
    return (f'IF({over}>{RED}*ABS({budget_ref}),"{labels["red"]}",'
            f'IF({over}>{AMBER}*ABS({budget_ref}),"{labels["amber"]}","{labels["green"]}"))')


def sum_or_blank(refs_or_range: str) -> str:
    """A total that stays blank when none of its cells holds a figure."""
    return f'IF(COUNT({refs_or_range})=0,"",SUM({refs_or_range}))'


def after_as_of(month_ref: str, then: str) -> str:
    """Blank for months after the as-of month (no actuals yet)."""
    return f'IF({month_ref}>{AS_OF_MONTH_END},"",{then})'


def chart_actual(month_ref: str, value: str) -> str:
    """For charts: #N/A after the as-of month, so the actuals line stops instead of dropping to 0."""
    return f"IF({month_ref}>{AS_OF_MONTH_END},NA(),{value})"


def lookup(return_range: str, match_range: str, key: str) -> str:
    return f"INDEX({return_range},MATCH({key},{match_range},0))"


# ---- part 4: the controller's forecast, history, outer years ----
def with_adjustment(computed: str, month_end_ref: str, adjustment: str, lines: str) -> str:
    """The forecast that counts: in the reporting month the computed one (blank counts 0) plus the
    controller's adjustments of its ``lines``; blank where nothing is computed and no line has the
    controller's forecast; other months the computed one."""
    now = f'IF(AND({computed}="",{lines}=0),"",N({computed})+{adjustment})'
    return f"IF({month_end_ref}={AS_OF_MONTH_END},{now},{computed})"


def source(lines_ref: str, labels: dict[str, str]) -> str:
    """Which forecast counts: the controller's where any line of the row has one, else the computed."""
    return f'IF({lines_ref}=0,"{labels["computed"]}","{labels["controller"]}")'


def year_column(table_range: str, years_range: str, year_ref: str) -> str:
    """The column of a block (one column per year) for the year in ``year_ref``."""
    return f"INDEX({table_range},0,MATCH({year_ref},{years_range},0))"


def given_or(count: str, given: str, otherwise: str) -> str:
    """``given`` where ``count`` (of matching input rows) is not 0, else ``otherwise``."""
    return f"IF({count}=0,{otherwise},{given})"


def adjustment(has: str, computed: str, counted: str) -> str:
    """What the controller's forecast adds to the computed one (0 without one; a blank computed counts 0)."""
    return f"IF({has}=0,0,{counted}-N({computed}))"


def original(keys: list[tuple[str, str]]) -> str:
    """The original budget for ``keys`` (column name, criterion) of the Budget Table."""
    return sumifs(column("Budget", "amount"), [(column("Budget", name), crit) for name, crit in keys])


def corrected(keys: list[tuple[str, str]], counts: list[tuple[str, str]]) -> str:
    """Original budget + the changes that count, for ``keys`` (column name, criterion) of the Budget and
    Changes Tables; ``counts`` are the Changes criteria that make a posting count."""
    budget = original(keys)
    changes = sumifs(column("Changes", "amount"), [(column("Changes", name), crit) for name, crit in keys] + counts)
    return f"{budget}+{changes}"


def text_lookup(table: str, name: str, keys: list[tuple[str, str]]) -> str:
    """The text in column ``name`` of the Table row whose columns equal the ``keys`` (column name, cell as
    text), "" when no row does: INDEX at the position SUMPRODUCT finds (no array entry needed)."""
    where = "*".join(f'({column(table, key)}&""={cell})' for key, cell in keys)
    target = column(table, name)
    position = f"SUMPRODUCT({where}*(ROW({target})-ROW(INDEX({target},1,1))+1))"
    found = countifs([(column(table, key), cell) for key, cell in keys])
    return given_or(found, f'INDEX({target},{position})&""', '""')


def flag(test: str) -> str:
    """1 where ``test`` holds, else 0."""
    return f"IF({test},1,0)"


# ---- issue 7: the Ledger sheet's sorted sums instead of SUMIFS over every input row ----
def ledger(block: str, lo: str, hi: str) -> str:
    """The sum of a Ledger block's amounts with ``lo`` < key ≤ ``hi``: two binary searches on its sorted keys."""
    keys, cum = key_name(block), cum_name(block)
    return f"INDEX({cum},MATCH({hi},{keys},1))-INDEX({cum},MATCH({lo},{keys},1))"


def ledger_total(block: str) -> str:
    """A Ledger block's total (its last running sum)."""
    return f"INDEX({cum_name(block)},ROWS({cum_name(block)}))"


def in_ledger(block: str, key: str) -> str:
    """True where a Ledger block has the key."""
    keys = key_name(block)
    return f"INDEX({keys},MATCH({key},{keys},1))={key}"


def _below(table_column: str) -> str:
    """The rows of a Table column below the ones the Ledger sums (rows typed since it was written)."""
    rows = rows_name(table_column.split("[", 1)[0])
    return f"INDEX({table_column},{rows}+1):INDEX({table_column},ROWS({table_column}))"


def _typed_since(table_column: str, then: str) -> str:
    return f"IF(ROWS({table_column})>{rows_name(table_column.split('[', 1)[0])},{then},0)"


def typed_sum(sum_range: str, criteria: list[tuple[str, str]]) -> str:
    """SUMIFS over the Table rows typed below the Ledger's rows (0 when there are none)."""
    return _typed_since(sum_range, sumifs(_below(sum_range), [(_below(rng), crit) for rng, crit in criteria]))


def typed_total(table_column: str) -> str:
    """The sum of the Table column's rows typed below the Ledger's rows (0 when there are none)."""
    return _typed_since(table_column, f"SUM({_below(table_column)})")


def typed_rows(table_column: str) -> str:
    """How many rows typed below the Ledger's rows fill ``table_column`` (0 when there are none)."""
    return _typed_since(table_column, f"COUNTA({_below(table_column)})")


def typed_count(criteria: list[tuple[str, str]]) -> str:
    """COUNTIFS over the Table rows typed below the Ledger's rows (0 when there are none)."""
    return _typed_since(criteria[0][0], countifs([(_below(rng), crit) for rng, crit in criteria]))


def step(number: str, name: str, plus: str = "") -> str:
    """A Ledger key: ``number`` × the step ``name`` (+ ``plus``)."""
    return f"{number}*{name}" + (f"+{plus}" if plus else "")


def summarised_rows(table: str) -> str:
    """The sum of the Table's rows the Ledger summarised (fewer if rows were deleted since)."""
    amount = column(table, "amount")
    return f"SUM(INDEX({amount},1):INDEX({amount},MIN({rows_name(table)},ROWS({amount}))))"


def line_original(line: str, keys: list[str]) -> str:
    """A line's original budget: its Ledger sum and rows typed into Budget since."""
    return (f"{ledger('BudgetByLine', f'{line}-1', line)}"
            f"+{typed_sum(column('Budget', 'amount'), line_criteria('Budget', *keys))}")


def line_approved(line: str, keys: list[str], until: str) -> str:
    """A line's approved changes dated on or before ``until``."""
    return (f"{ledger('ApprovedByLine', step(line, 'LG_DateStep'), step(line, 'LG_DateStep', until))}"
            f"+{typed_sum(column('Changes', 'amount'), line_criteria('Changes', *keys) + counted(until=until))}")


def line_corrected(line: str, keys: list[str], until: str) -> str:
    """A line's corrected budget: original + approved changes dated on or before ``until``."""
    return f"{line_original(line, keys)}+{line_approved(line, keys, until)}"


def line_actual(line: str, keys: list[str]) -> str:
    """A line's actuals of the months up to the as-of month."""
    hi = step(line, "LG_MonthStep", f"MONTH({AS_OF_MONTH_END})")
    return (f"{ledger('ActualsByLine', step(line, 'LG_MonthStep'), hi)}"
            f"+{typed_sum(column('Actuals', 'amount'), line_criteria('Actuals', *keys) + actual_to_date())}")


def line_type(line: str, keys: list[str], type_code: str) -> str:
    """A line's approved changes of one type (its code in ``type_code``) dated on or before the as-of date."""
    first = f"{step(line, 'LG_TypeStep')}+{step(f'MATCH({text(type_code)},LG_TypeCodes,0)', 'LG_DateStep')}"
    crit = line_criteria("Changes", *keys) + [(column("Changes", "type"), text(type_code))] + counted()
    return f"{ledger('ApprovedByType', first, f'{first}+{AS_OF}')}+{typed_sum(column('Changes', 'amount'), crit)}"


def line_pending(line: str, keys: list[str]) -> str:
    """A line's pending changes dated on or before the as-of date."""
    return (f"{ledger('PendingByLine', step(line, 'LG_DateStep'), step(line, 'LG_DateStep', AS_OF))}"
            f"+{typed_sum(column('Changes', 'amount'), line_criteria('Changes', *keys) + waiting())}")


def line_in_budget(line: str, keys: list[str]) -> str:
    """1 where the line has a row in the Budget Table, else 0."""
    return flag(f"OR({in_ledger('BudgetByLine', line)},{typed_count(line_criteria('Budget', *keys))}>0)")


def group_corrected(group: str, keys, month_end_ref: str) -> str:
    """A Monthly calc group's corrected budget by a month's end (never after the as-of month's end);
    ``keys(table)`` gives the group's criteria on a Table."""
    until = f"MIN({month_end_ref},{AS_OF_MONTH_END})"
    approved = keys("Changes") + [(column("Changes", "status"), APPROVED), (column("Changes", "date"), up_to(until))]
    return (f"{ledger('BudgetByGroup', f'{group}-1', group)}+{typed_sum(column('Budget', 'amount'), keys('Budget'))}"
            f"+{ledger('ApprovedByGroup', step(group, 'LG_DateStep'), step(group, 'LG_DateStep', until))}"
            f"+{typed_sum(column('Changes', 'amount'), approved)}")


def group_actual_ytd(group: str, keys, month_end_ref: str) -> str:
    """A group's actuals from January to a month (never after the as-of month)."""
    until = f"MIN({month_end_ref},{AS_OF_MONTH_END})"
    hi = step(group, "LG_MonthStep", f"MONTH({until})")
    return (f"{ledger('ActualsByGroup', step(group, 'LG_MonthStep'), hi)}"
            f"+{typed_sum(column('Actuals', 'amount'), keys('Actuals') + [(column('Actuals', 'month'), up_to(until))])}")


def group_actual_month(group: str, keys, month_ref: str, month_end_ref: str) -> str:
    """A group's actuals of one month (0 after the as-of month)."""
    at = step(group, "LG_MonthStep", f"MONTH({month_ref})")
    first, until = in_month(month_ref, month_end_ref)
    typed = typed_sum(column("Actuals", "amount"), keys("Actuals") + [(column("Actuals", "month"), first),
                                                                      (column("Actuals", "month"), until)])
    return f"IF({month_end_ref}>{AS_OF_MONTH_END},0,{ledger('ActualsByGroup', f'{at}-1', at)})+{typed}"


def audit_amount(number: str, change_id: str, keys: list[str]) -> str:
    """The amount of one change on one line: the Audit row ``number``'s Ledger sum and rows typed since."""
    crit = [(column("Changes", "change_id"), text(change_id))] + line_criteria("Changes", *keys)
    return f"{ledger('ChangesByAuditRow', f'{number}-1', number)}+{typed_sum(column('Changes', 'amount'), crit)}"


def row_number(first: str, here: str) -> str:
    """The row's number in its block (1 in the first row)."""
    return f"ROWS({first}:{here})"


def numbered(name: str, first: str, here: str) -> str:
    """The number a Ledger column holds for this row of the block (same order)."""
    return f"INDEX({name},{row_number(first, here)})"


def line_weight(weights: str, line: str) -> str:
    """A line's phased share in the as-of month, read from its group's row on Monthly calc (12 rows a group)."""
    return f"INDEX({weights},(INDEX(LG_LineGroup,{line})-1)*{MONTHS_IN_YEAR}+MONTH({AS_OF_MONTH_END}))"
