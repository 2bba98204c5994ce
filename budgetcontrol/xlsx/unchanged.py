"""Which generated sheets a refresh can keep as they are: each sheet part the tool writes carries the digest
of the layout it was written from, and a refresh that would write the same layout again keeps the part,
byte for byte, instead of writing it (xlsx/package_book.py).

The digest covers everything a layout writes: every cell's value, formula, style and cached figure, the
streamed columns, the Tables, names, widths, print set-up and charts, and the source of the code that
writes them (a new version of the tool rewrites every sheet once). It is written as an XML comment before
the sheet's root element, ``<!--budgetcontrol layout 3f…-->``. Excel and LibreOffice drop comments when
they save, so a sheet saved by either has no mark and is always rewritten: a mark says that the part is
as the tool wrote it, for that layout.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from pathlib import Path

import numpy as np

MARK = "<!--budgetcontrol layout "
_MARK = re.compile(r"<!--budgetcontrol layout ([0-9a-f]{32})-->")
_DECLARATION = re.compile(r"\A(?:\ufeff)?<\?xml[^>]*\?>\s*")
HEAD = 512  # bytes of a part read to find its mark


@functools.lru_cache(maxsize=1)
def _code() -> bytes:
    """The digest of the code that turns layouts into sheet parts (this package's writer and sheets)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for folder in ("xlsx", "sheets"):
        for path in sorted((root / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _update(digest, value) -> None:
    if isinstance(value, np.ndarray) and value.dtype != object:
        digest.update(f"a{value.dtype.str}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif hasattr(value, "to_numpy"):  # a pandas Series or Index
        _update(digest, value.to_numpy())
    elif isinstance(value, (list, tuple, np.ndarray)):
        digest.update(f"l{len(value)}[".encode())
        digest.update("\x1f".join(map(repr, value)).encode("utf-8", "surrogatepass"))
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
    else:
        digest.update(repr(value).encode("utf-8", "surrogatepass") + b"\x1e")


def _list_of_dataclasses(value) -> bool:
    return isinstance(value, list) and bool(value) and dataclasses.is_dataclass(value[0])


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
        elif _list_of_dataclasses(value):
            for item in value:
                _update(h, item)
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


def mark_of(head: bytes) -> str | None:
    """The layout digest a part's first bytes carry, or None (a part saved by Excel or LibreOffice)."""
    found = _MARK.search(head[:HEAD].decode("utf-8", "replace"))
    return found.group(1) if found else None
