"""Reading one CSV file of the data contract as text, whatever its dialect.

A plain CSV (comma, dot decimal) and a Danish finance-system export
(semicolon, ``1.234,5`` numbers, UTF-8 or Windows-1252) are both accepted:
the encoding is found by decoding (UTF-8 strictly, else Windows-1252), the
dialect by clevercsv, and the number convention follows the delimiter.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import clevercsv
import pandas as pd

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


def read_csv_text(path: Path, display: str | None = None) -> CsvText:
    file = display or str(path)
    text, encoding = text_of(read_bytes(path, file), file)
    delimiter, quote = detect_delimiter(text, file)
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
    if len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    decimal = "," if delimiter != "," else "."
    return CsvText(frame=frame, decimal=decimal, encoding=encoding, delimiter=delimiter)
