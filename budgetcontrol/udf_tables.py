"""The worksheet functions' Table arguments as range references, read only when the cache lacks them.

By default xlwings reads every argument's values over COM before it calls the function. For whole
Tables that costs seconds per million cells in real Excel. So ``udfs/`` takes the big Tables (Budget,
Changes, Actuals, Forecast) as references (its ``table_reference`` conversion: the Range itself; an
array or a computed value stays a value). This module reads a reference's values only when no cached
copy is known to be current.

**The key.** Excel tells about a reference, without handing its values over, its book, sheet,
address and size. None of that says whether a controller typed into the range, so a reference alone
is never a key. The key is a stamp. ``=BC_STAMP(Budget[#All])`` in a cell of its own returns a new
stamp every time Excel calls it. Excel calls it exactly when a cell of the Table changed (the Table
is the cell's precedent) or on a full recalculation (Ctrl+Alt+F9, or opening a workbook that asks for
one, as every built or refreshed workbook does). The stamp cells go to a function as its last argument,
``stamps``. They are then precedents of the function's
cell too, so Excel computes them first. A reference whose stamp is given is taken from the cache
under (where it is, its stamp). Any other argument is read and keyed by its contents, as before.

**What cannot be known without a read:**
- whether a Table without a stamp changed: it is read on every call;
- whether anything changed in a full recalculation, which gives every stamp anew: the values are
  read once more, and their contents then find the result already computed if nothing changed;
- a stamp cell Excel did not recalculate: calculating one sheet only (Shift+F9, in manual calculation)
  leaves the stamp cells of other sheets as they were. Keep the stamp cells on the functions' sheet.

Each contents key keeps its hash (``Frozen``), and equal contents share one key object, so a call whose
stamps are all known hashes and compares nothing of the Tables' size, also after a recalculation that
read them again. A stamp holds a token random per process, so a restarted Python never takes an old
stamp in a cell for one of its own.
"""

from __future__ import annotations

import itertools
import secrets
import weakref
from collections import OrderedDict
from typing import Any

SEEN_SIZE = 16  # stamped reads kept: a few Tables times the stamps of the last recalculations
_counter = itertools.count(1)
_PROCESS = secrets.token_hex(8)  # not the process id: a restarted server may get the same one
cells_read = 0  # cells whose values this module asked for, for the benchmark and the tests


class Frozen:
    """An argument's values as a hashable key that computes its hash once."""

    __slots__ = ("__weakref__", "_hash", "value")

    def __init__(self, value: Any):
        self.value = _frozen(value)
        self._hash = hash(self.value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Frozen) and self._hash == other._hash and self.value == other.value)


_seen: OrderedDict[tuple[str, str], Frozen] = OrderedDict()
_shared: weakref.WeakValueDictionary[Frozen, Frozen] = weakref.WeakValueDictionary()  # equal contents, one key


def shared(found: Frozen) -> Frozen:
    """The key object already held for equal contents (so later lookups compare by identity), else this one."""
    held = _shared.get(found)
    if held is not None:
        return held
    _shared[found] = found
    return found


def _frozen(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def is_reference(value: Any) -> bool:
    """An xlwings Range (or its test double): it has a place, and its values are read on demand. Asked of
    the class, so no property goes over COM."""
    return hasattr(type(value), "get_address")


def where(reference: Any) -> str:
    """Book, sheet and address of a reference (one COM call): what Excel tells without handing values over."""
    return reference.get_address(external=True)


def stamp(reference: Any) -> str:
    """A stamp never given before in this process, tied to where the reference is."""
    if not is_reference(reference):
        raise TypeError("BC_STAMP expects a Table reference, e.g. Budget[#All]")
    return f"{where(reference)}|{_PROCESS}:{next(_counter)}"


def stamps_by_place(stamps: Any) -> dict[str, str]:
    """The stamp texts of the ``stamps`` argument (a cell, a row, a column or a block), by place."""
    if stamps is None:
        return {}
    cells = stamps if isinstance(stamps, (list, tuple)) else [stamps]
    flat = [c for cell in cells for c in (cell if isinstance(cell, (list, tuple)) else [cell])]
    out = {}
    for text in flat:
        if isinstance(text, str) and "|" in text:
            place, _, _ = text.rpartition("|")
            out[place] = text
    return out


def _read(reference: Any) -> Any:
    global cells_read
    value = reference.value
    cells_read += _count(value)
    return value


def _count(value: Any) -> int:
    if isinstance(value, (list, tuple)):
        return sum(_count(v) for v in value) if value and isinstance(value[0], (list, tuple)) else len(value)
    return 1


def key(argument: Any, stamped: dict[str, str]) -> Frozen | None:
    """The argument's contents key; a stamped reference's from the cache when its stamp was seen."""
    if argument is None:
        return None
    if not is_reference(argument):
        return shared(Frozen(argument))
    place = where(argument)
    mark = stamped.get(place)
    if mark is None:
        return shared(Frozen(_read(argument)))
    found = _seen.get((place, mark))
    if found is not None:
        _seen.move_to_end((place, mark))
        return found
    found = _seen[(place, mark)] = shared(Frozen(_read(argument)))
    while len(_seen) > SEEN_SIZE:
        _seen.popitem(last=False)
    return found


def clear() -> None:
    global cells_read
    _seen.clear()
    _shared.clear()
    cells_read = 0
