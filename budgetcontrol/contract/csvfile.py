"""Reading one CSV file of the data contract as text, whatever its dialect.

A plain CSV (comma, dot decimal) and a Danish finance-system export
(semicolon, ``1.234,5`` numbers) are both accepted. The encoding is found from
a byte-order mark (UTF-8, UTF-16 LE/BE: Excel's "Unicode text"), else by
decoding (UTF-8 strictly, else Windows-1252); a ``sep=;`` first line (which
Excel writes and reads) names the delimiter, else clevercsv detects it; title
or blank rows above the header are skipped when the caller names the header
words it knows (``known``). The number convention follows the delimiter.
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
    header_row: int = 1  # the header's line in the file (title rows and a sep= line above it)


BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "utf-8"), (b"\xff\xfe", "utf-16-le", "utf-16"), (b"\xfe\xff", "utf-16-be", "utf-16"))


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the bytes look like UTF-16 text without a byte-order mark (every other
    byte a NUL, as ASCII text in UTF-16 is), else None."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: by a byte-order mark (UTF-8, UTF-16 LE or BE), UTF-16 without one, else
    UTF-8 if the bytes are valid UTF-8, else Windows-1252."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace").lstrip("\ufeff"), name
    codec = utf16_without_bom(data)
    if codec:
        return data.decode(codec, errors="replace"), "utf-16"
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
    """Binary data refused; UTF-16 text (NUL bytes between its characters) is text."""
    utf16 = tuple(bom for bom, _, name in BOMS if name == "utf-16")
    if b"\x00" in data[:4096] and not data.startswith(utf16) and not utf16_without_bom(data):
        if data.startswith(b"PK\x03\x04"):
            raise InputError(file, "not a text CSV file: it is a zip package (an .xlsx workbook?); name it with its .xlsx ending")
        raise InputError(file, "not a text CSV file (it contains binary data)")


def text_of(data: bytes, file: str) -> tuple[str, str]:
    """A CSV file's bytes as text and its encoding; binary data and an empty file refused."""
    refuse_binary(data, file)
    text, encoding = decode(data)
    if "\x00" in text[:4096]:
        raise InputError(file, "not a text CSV file (it contains binary data)")
    if not text.strip():
        raise InputError(file, "file is empty")
    return text, encoding


_SEP_LINE = re.compile(r'^"?sep=(.)"?[ \t]*(\r\n|\n|\r|$)', re.IGNORECASE)
HEADER_SEARCH = 50  # lines searched for the header row below title rows
_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def sep_line(text: str) -> tuple[str, str | None]:
    """The text without a ``sep=X`` first line (Excel's way of naming the delimiter), and that delimiter."""
    found = _SEP_LINE.match(text)
    if not found:
        return text, None
    return text[found.end():], found.group(1)


def _lines(text: str, count: int) -> list[str]:
    """The first ``count`` lines (of a sane length; a longer one is cut for the search only)."""
    out, start = [], 0
    while len(out) < count and start < len(text):
        found = _LINE_END.search(text, start, start + MAX_HEADER + 2)
        end = found.start() if found else min(len(text), start + MAX_HEADER)
        out.append(text[start:end])
        if not found:
            break
        start = found.end()
    return out


def find_header(text: str, known: set[str] | None, delimiter: str | None, normal) -> tuple[int, str | None]:
    """The header's line (0-based) among the first lines, and the delimiter that splits it into the most
    names of ``known`` (names as ``normal`` makes them): the line naming the most (at least two; a title or
    filter line naming two does not beat the header below it); else the first line that is not blank."""
    lines = _lines(text, HEADER_SEARCH)
    if known:
        best = (1, None, None)  # (score, line, delimiter)
        for i, line in enumerate(lines):
            if len(line) >= MAX_HEADER or line.count(",") + line.count(";") + line.count("\t") > MAX_COLUMNS:
                break  # refused below, before any more is read
            for d in ([delimiter] if delimiter else DELIMITERS):
                if d not in line:
                    continue
                try:
                    names = next(csv.reader([line], delimiter=d), [])
                except csv.Error:
                    continue
                score = sum(1 for name in names if normal(name) in known)
                if score > best[0]:  # the line naming the most known names (the first of equals)
                    best = (score, i, d)
        if best[1] is not None:
            return best[1], best[2]
    blank = next((i for i, line in enumerate(lines) if line.strip(" ;,\t\"")), 0)
    return blank, delimiter


def skip_lines(text: str, count: int) -> str:
    """The text after its first ``count`` lines."""
    start = 0
    for _ in range(count):
        found = _LINE_END.search(text, start)
        if not found:
            return ""
        start = found.end()
    return text[start:]


MAX_HEADER = 1024**2  # characters of a header line
_LINE_END = re.compile(r"\r\n|[\r\n]")  # \r\n, \n, or a lone \r (old Mac exports): one line end each
MAX_COLUMNS = 1000
MAX_CELL = 32_767  # Excel's limit on the characters of a cell: a longer text is refused, never cut


def _header_line(text: str, file: str) -> str:
    """The first line, refused when it is over :data:`MAX_HEADER` characters (before any detection reads it)."""
    found = _LINE_END.search(text, 0, MAX_HEADER + 2)  # \n, \r\n, or a lone \r (old Mac exports)
    end = found.start() if found else -1
    if end < 0 and len(text) > MAX_HEADER:
        raise InputError(file, f"the header line is over {MAX_HEADER:,} characters long; is this the export?", row=1)
    return text[:end if end >= 0 else len(text)].rstrip("\r")


def _sane_header(header: str, delimiter: str, quote: str, file: str, row: int = 1) -> None:
    """A header of a sane width, each column named once (before pandas reads a byte more)."""
    if header.count(delimiter) >= MAX_COLUMNS:
        raise InputError(file, f"the header has {header.count(delimiter) + 1:,} columns; at most {MAX_COLUMNS:,} are read", row=row)
    names = [n.strip().lstrip("\ufeff") for n in next(csv.reader([header], delimiter=delimiter, quotechar=quote), [])]
    seen = set()
    for name in names:
        if name and name in seen:
            raise InputError(file, f"the column '{values.quoted(name)}' appears twice in the header; keep one", row=row,
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


def read_csv_text(path: Path, display: str | None = None, known: set[str] | None = None, normal=None) -> CsvText:
    """The file as text columns. With ``known`` (header names as ``normal`` makes them), title and blank rows
    above the header are skipped; row numbers stay the file's lines."""
    file = display or str(path)
    text, encoding = text_of(read_bytes(path, file), file)
    text, given = sep_line(text)
    skipped = 0 if given is None else 1
    if given is not None and given not in DELIMITERS:
        raise InputError(file, f"the first line names the delimiter '{given}' (sep={given}); expected comma, semicolon or tab",
                         row=1)
    at, found = find_header(text, known, given, normal or (lambda name: name))
    if at:
        text = skip_lines(text, at)
        skipped += at
    if not text.strip():
        raise InputError(file, "no header row (the file holds only a sep= line or title rows)", row=skipped + 1)
    header = _header_line(text, file)
    if given or found:
        delimiter, quote = given or found, '"'
    else:
        delimiter, quote = detect_delimiter(text, file)
    _sane_header(header, delimiter, quote, file, skipped + 1)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, quotechar=quote, dtype=str, keep_default_na=False,
            na_filter=False, skipinitialspace=False, engine="c", quoting=csv.QUOTE_MINIMAL, skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        raise InputError(file, "no header row", row=skipped + 1) from None
    except pd.errors.ParserError as exc:
        fields = _FIELDS.search(str(exc))
        if fields:
            expected, line, saw = (int(g) for g in fields.groups())
            raise InputError(file, f"the row has {saw} fields and the header {expected}; a text holding the delimiter "
                                   f"'{delimiter}' needs quotes around it", row=line + skipped) from None
        raise InputError(file, f"cannot parse as CSV: {str(exc).strip()[:200]}") from None
    if frame.isna().to_numpy().any():  # blank lines (kept, so row numbers stay the file's lines) and short rows
        frame = frame.fillna("")
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    # Drop records that are entirely empty (trailing separators in ERP exports).
    frame.index = pd.RangeIndex(skipped + 2, skipped + len(frame) + 2)
    _sane_cells(frame, file)
    if len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    decimal = "," if delimiter != "," else "."
    return CsvText(frame=frame, decimal=decimal, encoding=encoding, delimiter=delimiter, header_row=skipped + 1)


def all_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (read in chunks; stops at the first bad byte)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
