"""Reading one CSV file of the data contract as text, whatever its dialect.

A plain CSV (comma, dot decimal) and a Danish finance-system export
(semicolon, ``1.234,5`` numbers, UTF-8 or Windows-1252) are both accepted:
the encoding is found by decoding (UTF-8 strictly, else Windows-1252), the
dialect by clevercsv, and the number convention follows the delimiter.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import clevercsv
import pandas as pd

from budgetcontrol.contract import values
from budgetcontrol.contract.errors import InputError

DELIMITERS = (",", ";", "\t")
SAMPLE_CHARS = 64_000


@dataclass(frozen=True)
class CsvText:
    """A CSV file read as strings: ``frame`` has one column per header name and
    ``row`` the spreadsheet-style record number (header = 1)."""

    frame: pd.DataFrame
    decimal: str  # "." or ","
    encoding: str
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) if the bytes are valid UTF-8, else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def detect_delimiter(text: str, file: str) -> tuple[str, str]:
    """The delimiter and quote character of a CSV text (clevercsv's detector)."""
    sample = text[:SAMPLE_CHARS]
    if "\n" in sample[:-1]:
        sample = sample[: sample.rfind("\n") + 1]  # whole records only
    try:
        dialect = clevercsv.Detector().detect(sample, delimiters=list(DELIMITERS))
    except Exception:  # clevercsv raises on degenerate input; fall through to the check below
        dialect = None
    if dialect is None or dialect.delimiter not in DELIMITERS:
        header = text.splitlines()[0] if text else ""
        found = [d for d in DELIMITERS if d in header]
        if not found:
            raise InputError(file, "cannot tell the CSV delimiter (expected comma, semicolon or tab between the column names)", row=1)
        return max(found, key=header.count), '"'
    return dialect.delimiter, dialect.quotechar or '"'


def read_bytes(path: Path, file: str, limit: int = -1) -> bytes:
    """The file's bytes (the first ``limit`` of them), a missing or unreadable file refused in one line."""
    try:
        with path.open("rb") as fh:
            return fh.read(limit)
    except FileNotFoundError:
        raise InputError(file, "file not found") from None
    except OSError as exc:
        raise InputError(file, f"cannot read the file: {exc.strerror}") from None


def refuse_binary(data: bytes, file: str) -> None:
    if b"\x00" in data[:4096]:
        raise InputError(file, "not a text CSV file (it contains binary data)")


def text_of(data: bytes, file: str) -> tuple[str, str]:
    """A CSV file's bytes as text and its encoding; binary data and an empty file refused."""
    refuse_binary(data, file)
    text, encoding = decode(data)
    if not text.strip():
        raise InputError(file, "file is empty")
    return text, encoding


MAX_HEADER = 1024**2  # characters of a header line
_LINE_END = re.compile(r"[\r\n]")
MAX_COLUMNS = 1000
MAX_CELL = 32_767  # Excel's limit on the characters of a cell: a longer text is refused, never cut


def _header_line(text: str, file: str) -> str:
    """The first line, refused when it is over :data:`MAX_HEADER` characters (before any detection reads it)."""
    found = _LINE_END.search(text, 0, MAX_HEADER + 2)  # \n, \r\n, or a lone \r (old Mac exports)
    end = found.start() if found else -1
    if end < 0 and len(text) > MAX_HEADER:
        raise InputError(file, f"the header line is over {MAX_HEADER:,} characters long; is this the export?", row=1)
    return text[:end if end >= 0 else len(text)].rstrip("\r")


def _sane_header(header: str, delimiter: str, quote: str, file: str) -> None:
    """A header of a sane width, each column named once (before pandas reads a byte more)."""
    if header.count(delimiter) >= MAX_COLUMNS:
        raise InputError(file, f"the header has {header.count(delimiter) + 1:,} columns; at most {MAX_COLUMNS:,} are read", row=1)
    names = [n.strip().lstrip("\ufeff") for n in next(csv.reader([header], delimiter=delimiter, quotechar=quote), [])]
    seen = set()
    for name in names:
        if name and name in seen:
            raise InputError(file, f"the column '{values.quoted(name)}' appears twice in the header; keep one", row=1,
                             column=values.quoted(name))
        seen.add(name)


def _sane_cells(frame: pd.DataFrame, file: str) -> None:
    for column in frame.columns:
        lengths = frame[column].str.len()
        if len(lengths) and lengths.max() > MAX_CELL // 2:  # Excel counts UTF-16 units: an emoji is two
            lengths = lengths + frame[column].str.count("[\U00010000-\U0010FFFF]")
        if len(lengths) and lengths.max() > MAX_CELL:
            idx = lengths.idxmax()
            raise InputError(file, f"a text of {int(lengths.max()):,} characters ('{values.quoted(frame.at[idx, column])}'): "
                                   f"over Excel's limit of {MAX_CELL:,} characters a cell", row=int(idx), column=str(column))


def read_csv_text(path: Path, display: str | None = None) -> CsvText:
    file = display or str(path)
    text, encoding = text_of(read_bytes(path, file), file)
    header = _header_line(text, file)
    delimiter, quote = detect_delimiter(text, file)
    _sane_header(header, delimiter, quote, file)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, quotechar=quote, dtype=str, keep_default_na=False,
            na_filter=False, skipinitialspace=False, engine="c", quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        raise InputError(file, f"cannot parse as CSV: {str(exc).strip()}") from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    # Drop records that are entirely empty (trailing separators in ERP exports).
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    _sane_cells(frame, file)
    if len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    decimal = "," if delimiter != "," else "."
    return CsvText(frame=frame, decimal=decimal, encoding=encoding, delimiter=delimiter)
