"""Which generated sheets a refresh can keep as they are: each sheet part the tool writes carries the digest
of the layout it was written from, and a refresh that would write the same layout again keeps the part,
byte for byte, instead of writing it (xlsx/package_book.py).

The digest covers everything a layout writes: every cell's value, formula, style and cached figure, the
streamed columns, the Tables, names, widths, print set-up and charts, and the source of the code that
writes them (a new version of the tool rewrites every sheet once). It is written as an XML comment before
the sheet's root element, ``<!--budgetcontrol layout 3f…-->``, and a closing comment after it holds the
digest of every byte before it (``<!--budgetcontrol bytes 9a…-->``). Excel and LibreOffice drop comments
when they save, so a sheet saved by either has no mark and is always rewritten; a part edited by a tool that
keeps comments fails its closing digest and is rewritten too. A sheet is kept only when both hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

MARK = "<!--budgetcontrol layout "
SEAL = "<!--budgetcontrol bytes "
_MARK = re.compile(r"<!--budgetcontrol layout ([0-9a-f]{32})-->")
_DECLARATION = re.compile(r"\A(?:\ufeff)?<\?xml[^>]*\?>\s*")
HEAD = 512  # bytes of a part read to find its mark


@functools.lru_cache(maxsize=1)
def _code() -> bytes:
    """The digest of what turns layouts into sheet parts besides the layout: this package's writer and sheets,
    its default formats (config/defaults.yaml), and the versions of the package and of openpyxl."""
    import openpyxl
    from importlib import metadata, resources

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for folder in ("xlsx", "sheets"):
        for path in sorted((root / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(resources.files("budgetcontrol.config").joinpath("defaults.yaml").read_bytes())
    try:
        version = metadata.version("budgetcontrol")
    except metadata.PackageNotFoundError:
        version = "?"
    digest.update(f"{version} {openpyxl.__version__}".encode())
    return digest.digest()


_SCALARS = {str, int, float, bool, type(None), dt.date, dt.datetime, np.float64, np.int64, np.bool_}


def _update(digest, value) -> None:
    if isinstance(value, np.ndarray) and value.dtype != object:
        digest.update(f"a{value.dtype.str}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif hasattr(value, "to_numpy"):  # a pandas Series or Index
        _update(digest, value.to_numpy())
    elif isinstance(value, (list, tuple, np.ndarray)):
        digest.update(f"l{len(value)}[".encode())
        if set(map(type, value)) <= _SCALARS:  # texts and numbers, repr'd in full (numpy's repr of an array is not)
            digest.update("\x1f".join(map(repr, value)).encode("utf-8", "surrogatepass"))
        else:
            for item in value:
                _update(digest, item)
                digest.update(b"\x1f")
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(f"d{len(value)}{{".encode())
        for key, item in value.items():
            digest.update(repr(key).encode("utf-8", "surrogatepass") + b":")
            _update(digest, item)
        digest.update(b"}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(type(value).__name__.encode() + b"(")
        for f in dataclasses.fields(value):
            _update(digest, getattr(value, f.name))
        digest.update(b")")
    else:  # a text, number, date …: its repr is its value in full
        digest.update(f"{type(value).__name__}:{value!r}".encode("utf-8", "surrogatepass") + b"\x1e")


def digest(layout) -> str:
    """The digest of a :class:`~budgetcontrol.sheets.layout.SheetLayout` as it would be written."""
    h = hashlib.blake2b(digest_size=16)
    h.update(_code())
    for f in dataclasses.fields(layout):
        value = getattr(layout, f.name)
        h.update(f.name.encode() + b"=")
        if f.name == "cells":  # many: each field of every cell as one list; formula texts joined, not repr'd
            cells = list(value.values())
            formulas = [c.value for c in cells if c.formula and type(c.value) is str]
            h.update(f"{len(formulas)}:".encode())
            h.update("\x00".join(formulas).encode("utf-8", "surrogatepass"))
            for part in (list(value), [None if c.formula and type(c.value) is str else c.value for c in cells],
                         [c.style for c in cells], [c.expect for c in cells], [c.formula for c in cells],
                         [c.link for c in cells]):
                h.update(repr(part).encode("utf-8", "surrogatepass"))
        else:
            _update(h, value)
    return h.hexdigest()


def marked(xml: str | bytes, layout_digest: str) -> str | bytes:
    """A sheet part's text with the layout's mark after its XML declaration."""
    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    found = _DECLARATION.match(text)
    at = found.end() if found else 0
    text = text[:at] + f"{MARK}{layout_digest}-->" + text[at:]
    return text.encode("utf-8") if isinstance(xml, bytes) else text


def sealed(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """A part's chunks, then a closing comment holding the digest of every byte before it (:func:`intact`)."""
    h = hashlib.blake2b(digest_size=16)
    for chunk in chunks:
        h.update(chunk)
        yield chunk
    yield f"{SEAL}{h.hexdigest()}-->".encode()


def seal(data: bytes) -> bytes:
    return b"".join(sealed(iter([data])))


def intact(data: bytes) -> bool:
    """The part's bytes are those the tool wrote: its closing comment holds their digest (nothing was edited)."""
    at = data.rfind(SEAL.encode())
    if at < 0 or not data.endswith(b"-->"):
        return False
    return hashlib.blake2b(data[:at], digest_size=16).hexdigest().encode() == data[at + len(SEAL):-3]


def mark_of(head: bytes) -> str | None:
    """The layout digest a part's first bytes carry, or None (a part saved by Excel or LibreOffice)."""
    found = _MARK.search(head[:HEAD].decode("utf-8", "replace"))
    return found.group(1) if found else None
