"""The national roll-up: many municipalities' data folders summed into one summary by DuckDB,
straight over the CSV files and out of core (a memory limit, spilling to a temporary folder).

One row per municipality × sector × category × kind with the engine's figures for that folder
(``original``, ``corrected`` = original + approved changes dated on or before the as-of date,
``actual`` = actuals of the months up to the as-of month, ``variance`` = sign × (actual − corrected)),
then the national total per category × kind (municipality and sector empty).

Python only looks at each file's first 64 KB (dialect, encoding, header) and validates model.yaml
with the contract's loader; every row is read by DuckDB, as text, in one pass a folder at a time
(:data:`SCAN`: sums per key as written), and the small result is read against the models and summed
(:data:`PROBLEMS`, :data:`ROLLUP`). What the engine would refuse and that changes the figures (an
amount, date or month that cannot be read, a code the model does not know, a month outside the
fiscal year) is refused here too, naming the file and row. The contract's other checks (duplicated
budget lines, change types, the optional files, …) are not run: ``budgetcontrol export`` does them
for one folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from budgetcontrol.contract.csvfile import SAMPLE_CHARS, all_utf8, detect_delimiter, read_bytes, refuse_binary, text_of
from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.folder import folder_model
from budgetcontrol.contract.model import KINDS, STATUSES, Model
from budgetcontrol.contract.tables import ACTUALS, BUDGET, CHANGES, TableSpec
from budgetcontrol.export import inert, number

COLUMNS = ["municipality", "sector", "category", "kind", "original", "corrected", "actual", "variance"]
FILES = (BUDGET, CHANGES, ACTUALS)
# The columns each file contributes to the one pass; the others are NULL there.
READ = {"budget": ("sector", "category", "kind"), "changes": ("sector", "category", "kind", "status", "date"),
        "actuals": ("sector", "category", "kind", "month")}
KEYS = ("sector", "category", "kind", "status", "date", "month")

# The macros and tables of the roll-up. rollup() adds the small tables `folders` (as-of date, sign, name)
# and `codes` (each model's sectors and categories, the kinds and statuses) and runs SCAN once per folder.
SQL = r"""
-- Numbers, dates and months as the contract reads them (budgetcontrol/contract/values.py): a plain
-- CSV's -1,234.5 or a Danish export's 1.234,5- (trailing minus, spaces, Unicode minus); NULL if not one.
CREATE TYPE AMOUNT AS DECIMAL(38, 10);  -- exact sums of amounts written with up to 10 decimals
CREATE MACRO signed(t) AS CASE WHEN t LIKE '%-' AND t NOT LIKE '-%' THEN '-' || t[:-2] ELSE t END;
CREATE MACRO number_text(t) AS signed(replace(replace(replace(trim(t), '−', '-'), chr(160), ''), ' ', ''));
CREATE MACRO amount_of(t, decimal) AS CASE  -- first the common case as written, then the contract's pattern
    WHEN contains(t, '_') THEN NULL  -- DuckDB, like Python, reads 1_000 as 1000; the contract refuses it
    WHEN decimal = '.' THEN coalesce(TRY_CAST(t AS AMOUNT),
        CASE WHEN regexp_full_match(number_text(t), '-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?')
             THEN TRY_CAST(replace(number_text(t), ',', '') AS AMOUNT) END)
    ELSE coalesce(CASE WHEN NOT contains(t, '.') THEN TRY_CAST(replace(t, ',', '.') AS AMOUNT) END,
        CASE WHEN regexp_full_match(number_text(t), '-?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?')
             THEN TRY_CAST(replace(replace(number_text(t), '.', ''), ',', '.') AS AMOUNT) END)
END;
CREATE MACRO date_of(t) AS coalesce(
    try_strptime(trim(t), '%Y-%m-%d'), try_strptime(trim(t), '%d-%m-%Y'), try_strptime(trim(t), '%d.%m.%Y'))::DATE;
CREATE MACRO year_month(y, m) AS CASE WHEN m::INT BETWEEN 1 AND 12 THEN y::INT * 100 + m::INT END;
CREATE MACRO month_of(t) AS CASE  -- 2014-06, 2014-06-30 or 06-2014 → 201406
    WHEN regexp_full_match(trim(t), '\d{4}-\d{1,2}(-\d{1,2})?') THEN year_month(split_part(trim(t), '-', 1), split_part(trim(t), '-', 2))
    WHEN regexp_full_match(trim(t), '\d{1,2}[-.]\d{4}') THEN year_month(trim(t)[-4:], regexp_extract(trim(t), '^\d+'))
END;

-- Per folder, file and key as written: the rows, the sum of their amounts, an amount that cannot be read.
CREATE TEMP TABLE written (folder INT, file VARCHAR, sector VARCHAR, category VARCHAR, kind VARCHAR, status VARCHAR,
                           date VARCHAR, month VARCHAR, n BIGINT, amount AMOUNT, bad_amounts BIGINT, bad_amount VARCHAR);

-- The kinds in Danish (udgift, indtægt, refusion and their plurals) as the contract's loader reads them (intake/words.py).
CREATE MACRO kind_word(t) AS CASE t {kind_words} ELSE t END;

-- The keys read against each folder's model: codes in the model's spelling (ignoring case, as the
-- contract does) with their order, change dates and months read.
CREATE TEMP VIEW keyed AS
SELECT w.*, s.code AS sector_code, s.rank AS sector_rank, c.code AS category_code, c.rank AS category_rank,
       k.code AS kind_code, k.rank AS kind_rank, st.code AS status_code,
       date_of(w.date) AS day, month_of(w.month) AS year_month
FROM written w
LEFT JOIN codes s ON s.folder = w.folder AND s.list = 'sector' AND s.key = lower(trim(w.sector))
LEFT JOIN codes c ON c.folder = w.folder AND c.list = 'category' AND c.key = lower(trim(w.category))
LEFT JOIN codes k ON k.folder = w.folder AND k.list = 'kind' AND k.key = kind_word(lower(trim(w.kind)))
LEFT JOIN codes st ON st.folder = w.folder AND st.list = 'status' AND st.key = lower(trim(w.status));
"""

# The one pass over every row, a folder at a time (so the memory does not grow with the folders): `rows` is
# a view over the folder's budget.csv, changes.csv and actuals.csv, each read with its own dialect, all as text.
SCAN = r"""
INSERT INTO written
SELECT folder, file, sector, category, kind, status, date, month,
       count(*), sum(amount), count(*) FILTER (WHERE amount IS NULL), min(coalesce(amount_text, '')) FILTER (WHERE amount IS NULL)
FROM (SELECT *, amount_of(amount_text, decimal) AS amount FROM rows)
GROUP BY ALL
"""

# What the engine would refuse, in the order of the contract's files and columns (the first is reported).
PROBLEMS = r"""
SELECT * FROM (
    SELECT folder, 'budget' AS file, 0 AS position, 'rows' AS "column", NULL AS value FROM folders
    WHERE folder NOT IN (SELECT folder FROM written WHERE file = 'budget')
    UNION ALL SELECT folder, file, 1, 'month', month FROM keyed WHERE file = 'actuals' AND year_month IS NULL
    UNION ALL SELECT folder, file, 1, 'month_year', month FROM keyed JOIN folders f USING (folder)
              WHERE file = 'actuals' AND year_month // 100 <> f.fiscal_year
    UNION ALL SELECT folder, file, 2, 'date', date FROM keyed WHERE file = 'changes' AND day IS NULL
    UNION ALL SELECT folder, file, 3, 'status', status FROM keyed WHERE file = 'changes' AND status_code IS NULL
    UNION ALL SELECT folder, file, 4, 'sector', sector FROM keyed WHERE sector_code IS NULL
    UNION ALL SELECT folder, file, 5, 'category', category FROM keyed WHERE category_code IS NULL
    UNION ALL SELECT folder, file, 6, 'kind', kind FROM keyed WHERE kind_code IS NULL
    UNION ALL SELECT folder, file, 7, 'amount', bad_amount FROM keyed WHERE bad_amounts > 0
)
ORDER BY folder, CASE file WHEN 'budget' THEN 0 WHEN 'changes' THEN 1 ELSE 2 END, position, value NULLS FIRST
LIMIT 1
"""

# The roll-up: the engine's rollup.base per folder, then the national total per category × kind.
ROLLUP = r"""
WITH counted AS (
    SELECT folder, sector_code AS sector, category_code AS category, kind_code AS kind, sector_rank, category_rank, kind_rank,
           CASE WHEN file = 'budget' THEN amount ELSE 0 END AS original,
           CASE WHEN file = 'changes' AND status_code = 'approved' AND day <= f.as_of THEN amount ELSE 0 END AS approved,
           CASE WHEN file = 'actuals' AND year_month <= f.as_of_month THEN amount ELSE 0 END AS actual
    FROM keyed JOIN folders f USING (folder)
),
summed AS (
    SELECT folder, sector, category, kind, sector_rank, category_rank, kind_rank,
           sum(original) AS original, sum(original) + sum(approved) AS corrected, sum(actual) AS actual
    FROM counted
    GROUP BY ALL
),
municipal AS (
    SELECT s.*, f.municipality, f.sign * (s.actual - s.corrected) AS variance
    FROM summed s JOIN folders f USING (folder)
),
categories AS (  -- in the order of the first folder that has the category
    SELECT category, min(folder) AS folder, arg_min(category_rank, folder) AS category_rank FROM municipal GROUP BY category
),
national AS (
    SELECT c.folder, '' AS municipality, '' AS sector, category, kind, 0 AS sector_rank, c.category_rank, kind_rank,
           sum(original) AS original, sum(corrected) AS corrected, sum(actual) AS actual, sum(variance) AS variance
    FROM municipal JOIN categories c USING (category)
    GROUP BY ALL
)
SELECT municipality, sector, category, kind, original, corrected, actual, variance
FROM (SELECT 0 AS part, * FROM municipal UNION ALL BY NAME SELECT 1 AS part, * FROM national)
ORDER BY part, folder, sector_rank, category_rank, kind_rank
"""

_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FILE = re.compile(r"^\s*file = (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class CsvFile:
    """How DuckDB is to read one CSV file of a data folder (found on its first 64 KB)."""

    path: Path
    columns: tuple[str, ...]  # the header, as written (stripped)
    delimiter: str
    quote: str
    decimal: str  # "." or ","
    encoding: str  # "utf-8" or "cp1252"
    as_exported: Model | None = None  # read through the intake first (Danish headers, title rows, UTF-16, accounts)
    accounts: object = None  # the folder's account map (a validated frame) for a file keyed by account

    def records(self):
        """(record number, {column: text}) for each record, header = 1, as the contract numbers them."""
        with self.path.open(encoding="utf-8-sig" if self.encoding == "utf-8" else "cp1252", errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter, quotechar=self.quote)
            next(reader, None)
            for row, record in enumerate(reader, start=2):
                yield row, dict(zip(self.columns, record))


@dataclass(frozen=True)
class Folder:
    path: Path
    model: Model
    municipality: str
    as_of: dt.date
    files: dict[str, CsvFile]


@dataclass(frozen=True)
class Rollup:
    rows: list[tuple]  # COLUMNS
    municipalities: int
    rows_read: int


def rollup(folders: Sequence[str | Path], as_of: dt.date | None = None, memory_limit: str = "1GB") -> Rollup:
    """Sum the data folders; InputError on the first folder, file or row the engine would refuse."""
    import duckdb

    if not folders:
        raise InputError("rollup", "no data folders given")
    read = [_folder(Path(f), as_of) for f in folders]
    seen: dict[Path, Path] = {}
    for folder in read:
        same = seen.setdefault(folder.path.resolve(), folder.path)
        if same is not folder.path:
            also = "" if str(same) == str(folder.path) else f" (also as {same})"
            raise InputError(str(folder.path), f"is given twice{also}; each municipality counts once")
    names = [f.municipality for f in read]
    municipalities = [f"{n} ({f.path.name})" if names.count(n) > 1 else n for n, f in zip(names, read)]
    with tempfile.TemporaryDirectory(prefix="budgetcontrol-rollup-") as spill, duckdb.connect(":memory:") as con:
        try:
            con.execute(f"SET memory_limit = {_text(memory_limit)}")
        except duckdb.Error as exc:
            raise InputError("--memory-limit", f"'{memory_limit}' is not a memory size (e.g. 1GB, 512MB): {_first_line(exc)}") from None
        con.execute(f"SET temp_directory = {_text(spill)}")
        con.execute("SET preserve_insertion_order = false")
        _tables(con, read, municipalities)
        con.execute(_sql())
        for i, folder in enumerate(read):
            read_as = {key: _utf8(folder.files[key], Path(spill)) for key in READ}
            sources = {key: path for key, (path, _) in read_as.items()}
            con.execute("CREATE OR REPLACE TEMP VIEW rows AS\n"
                        + "\nUNION ALL ".join(_select(i, key, read_as[key][1], sources[key]) for key in READ))
            try:
                con.execute(SCAN)
            except duckdb.Error as exc:
                raise _duckdb_error(exc, {str(sources[k]): str(folder.files[k].path) for k in READ}) from None
            for key, source in sources.items():
                if source != folder.files[key].path:
                    source.unlink()  # a UTF-8 copy
        try:
            problem = con.execute(PROBLEMS).fetchone()
            if problem:
                index, file, _, column, value = problem
                raise _problem(read[index], file, column, value)
            rows = con.execute(ROLLUP).fetchall()
            rows_read = con.execute("SELECT sum(n) FROM written").fetchone()[0] or 0
        except duckdb.Error as exc:
            raise _duckdb_error(exc, {}) from None
    return Rollup(rows=rows, municipalities=len(read), rows_read=int(rows_read))


def render(rows: list[tuple]) -> str:
    """The roll-up as CSV, numbers as in ``budgetcontrol export`` (whole numbers without decimals)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([inert(v) for v in row[:4]] + [number(v) for v in row[4:]])
    return buffer.getvalue()


# ---- reading the folders (Python: model.yaml and each file's first 64 KB) ----

def _folder(path: Path, as_of: dt.date | None) -> Folder:
    model = folder_model(path)
    if as_of is not None and as_of.year != model.fiscal_year:
        raise InputError("--as-of", f"{as_of.isoformat()} is not in the fiscal year {model.fiscal_year} of {path}")
    from budgetcontrol.intake.accounts import load_map

    accounts = load_map(path, model)
    files = {spec.key: _csv(path / spec.file, spec, model, accounts) for spec in FILES}
    return Folder(path, model, model.name.strip() or path.name, as_of or model.default_as_of, files)


def _csv(path: Path, spec: TableSpec, model: Model | None = None, accounts=None) -> CsvFile:
    file = str(path)
    data = read_bytes(path, file, SAMPLE_CHARS + 1)
    whole, data = len(data) <= SAMPLE_CHARS, data[:SAMPLE_CHARS]
    refuse_binary(data, file)
    if not whole and b"\n" in data:
        data = data[: data.rfind(b"\n") + 1]  # whole records (and whole UTF-8 characters) only
    text, encoding = text_of(data, file)
    if encoding == "utf-8" and not whole and not all_utf8(path):
        encoding = "cp1252"  # ASCII at the start, Windows-1252 further on (æ, ø, å in a later row): as the contract reads it
    as_exported = CsvFile(path, (), ",", '"', ".", "utf-8", as_exported=model, accounts=accounts)  # read by the intake
    if encoding == "utf-16" or text.lower().startswith(("sep=", '"sep=')) or accounts is not None:
        return as_exported
    delimiter, quote = detect_delimiter(text, file)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote), [])
    columns = tuple(str(c).strip().lstrip("\ufeff") for c in header)
    missing = [c for c in spec.names if c not in columns]
    if missing and model is not None:  # Danish headers or title rows: the export as it comes
        return as_exported
    if missing:
        raise InputError(file, f"missing column '{missing[0]}' (expected columns: {', '.join(spec.names)})", row=1)
    return CsvFile(path, columns, delimiter, quote, "," if delimiter != "," else ".", encoding)


# ---- the DuckDB side ----

def _text(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _select(index: int, key: str, f: CsvFile, source: Path) -> str:
    """One file's rows in the shape of the one pass: folder, file, the keys, amount_text, decimal."""
    types = "{" + ", ".join(f"{_text(c)}: 'VARCHAR'" for c in f.columns) + "}"
    read = (f"read_csv({_text(str(source))}, delim={_text(f.delimiter)}, quote={_text(f.quote)}, escape={_text(f.quote)}, "
            f"header = true, auto_detect = false, columns = {types})")
    keys = ", ".join(f"{_name(k)} AS {k}" if k in READ[key] else f"NULL::VARCHAR AS {k}" for k in KEYS)
    anything = '"amount" IS NOT NULL OR coalesce(' + ", ".join(_name(c) for c in f.columns) + ") IS NOT NULL"
    return (f"SELECT {index} AS folder, {_text(key)} AS file, {keys}, \"amount\" AS amount_text, {_text(f.decimal)} AS decimal "
            f"FROM {read} WHERE {anything}")  # records entirely empty are skipped, as the contract does


def _utf8(f: CsvFile, spill: Path) -> tuple[Path, CsvFile]:
    """The file DuckDB reads and how: the file itself, a UTF-8 copy of a Windows-1252 export (DuckDB's
    latin-1 refuses the bytes 0x80–0x9F, where Windows-1252 has € – and the typographic quotes), or, for an
    export as it comes (``as_exported``), its rows in the contract's plain shape as the intake reads them."""
    if f.as_exported is not None:
        from budgetcontrol.intake.plain_copy import plain_copy

        spec = next(s for s in FILES if s.file == f.path.name)
        copy = plain_copy(f.path, spec, f.as_exported, f.accounts, spill)
        return copy, CsvFile(copy, tuple(spec.names), ",", '"', ".", "utf-8")
    if f.encoding == "utf-8":
        return f.path, f
    copy = Path(tempfile.mkstemp(prefix=f.path.stem + "-", suffix=".csv", dir=spill)[1])
    with f.path.open(encoding="cp1252", errors="replace", newline="") as source, \
            copy.open("w", encoding="utf-8", newline="") as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)
    return copy, f


def _sql() -> str:
    """The SQL with the Danish kind words filled in (one place: intake/words.py)."""
    from budgetcontrol.intake.words import KIND_WORDS

    cases = " ".join(f"WHEN {_text(word.casefold())} THEN {_text(kind)}"
                     for kind, words in KIND_WORDS.items() for word in words if word != kind)
    return SQL.replace("{kind_words}", cases)


def _tables(con, folders: list[Folder], municipalities: list[str]) -> None:
    """The small tables `folders` and `codes`."""
    con.execute("CREATE TEMP TABLE folders (folder INT, municipality VARCHAR, fiscal_year INT, as_of DATE, as_of_month INT, sign INT)")
    con.executemany("INSERT INTO folders VALUES (?, ?, ?, ?, ?, ?)", [
        (i, name, f.model.fiscal_year, f.as_of, f.as_of.year * 100 + f.as_of.month, f.model.sign)
        for i, (f, name) in enumerate(zip(folders, municipalities))])
    con.execute("CREATE TEMP TABLE codes (folder INT, list VARCHAR, key VARCHAR, code VARCHAR, rank INT)")
    rows = []
    for i, f in enumerate(folders):
        for list_name, codes in (("sector", f.model.sector_codes), ("category", f.model.category_codes),
                                 ("kind", KINDS), ("status", STATUSES)):
            rows += [(i, list_name, code, code, rank) for rank, code in enumerate(codes)]
    con.executemany("INSERT INTO codes VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("UPDATE codes SET key = lower(code)")  # DuckDB's lower on both sides


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _duckdb_error(exc: Exception, sources: dict[str, str]) -> InputError:
    """DuckDB's error on a CSV file as one line: the file, the record (DuckDB's line) and what is wrong."""
    import duckdb

    text = str(exc)
    found = _FILE.search(text)
    file = sources.get(found.group(1).strip(), found.group(1).strip()) if found else "rollup"
    line = _LINE.search(text)
    message = _first_line(exc)
    if line and "Original Line:" in text:
        # "CSV Error on Line: N / Original Line: … / what is wrong / Possible fixes: …"; the original
        # line runs on to the end of the file after an unterminated quote, and the problem follows a blank line.
        first, _, rest = text.partition("\n\n")
        before_fixes = first.split("\nPossible fixes", 1)
        message = before_fixes[0].splitlines()[-1] if len(before_fixes) > 1 else (rest.strip().splitlines() or [message])[0]
    message = re.sub(r"^[A-Za-z ]+Error: ", "", message.strip())
    if isinstance(exc, duckdb.OutOfMemoryException) or "could not allocate" in message:
        return InputError("--memory-limit", f"DuckDB ran out of memory ({message}); give it more with --memory-limit")
    return InputError(file, f"cannot read as CSV: {message}", row=int(line.group(1)) if line else None)


def _problem(folder: Folder, key: str, column: str, value: str | None) -> InputError:
    """The engine's message for a value the roll-up cannot count, at the first record holding it."""
    f = folder.files[key]
    model = folder.model
    text = (value or "").strip()
    if column == "rows":
        return InputError(str(f.path), "the original budget has no rows", row=2)
    if column == "month_year":
        column, message = "month", f"month {text} is not in fiscal_year {model.fiscal_year}"
    elif not text:
        message = f"{column} is empty"
    elif column == "amount":
        hint = "Danish export: 1.234,5" if f.decimal == "," else "plain CSV: 1234.5"
        message = f"'{text}' is not a number ({hint})"
    elif column == "date":
        message = f"'{text}' is not a date (use YYYY-MM-DD)"
    elif column == "month":
        message = f"'{text}' is not a month (use YYYY-MM)"
    else:
        allowed, hint = {"sector": (model.sector_codes, "model.yaml sectors"),
                         "category": (model.category_codes, "model.yaml categories"),
                         "kind": (KINDS, "expected"), "status": (STATUSES, "expected")}[column]
        message = f"unknown {column} '{text}' ({hint}: {', '.join(allowed)})"
    row = next((r for r, record in f.records()
                if (record.get(column) or "").strip() == text and any(v.strip() for v in record.values())), None)
    return InputError(str(f.path), message, row=row, column=column)
