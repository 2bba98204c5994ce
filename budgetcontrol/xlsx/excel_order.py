"""What openpyxl writes in an order or form Excel's own schema reading does not expect, put right in
the bytes of the saved parts (found by the Open XML SDK validator, see tests/test_ooxml_valid.py).

* :func:`fonts_in_excel_order`: the children of every ``<font>`` in ``xl/styles.xml`` (cell fonts and the
  conditional formats' fonts) in the order of Excel's schema. openpyxl writes ``name, charset, family,
  b … color, sz, u …``; the SDK reports "unexpected child element" for ``color``, ``sz`` and ``u``.
"""

from __future__ import annotations

import re

# CT_Font as the Open XML SDK (and Excel) reads it.
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
              "name", "family", "charset", "scheme")
_RANK = {name.encode(): k for k, name in enumerate(FONT_ORDER)}

_FONT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?font)(\s[^>]*)?>(.*?)</\1>", re.S)
_CHILD = re.compile(rb"\s*(<(?:[A-Za-z_][\w.-]*:)?([A-Za-z]+)\b[^<>]*/>)\s*")


def _ordered(match: re.Match) -> bytes:
    inner = match.group(3)
    children, at = [], 0
    while at < len(inner):
        child = _CHILD.match(inner, at)
        if child is None:  # not a run of empty elements (a comment, text, nested markup): left as written
            return match.group(0)
        children.append((child.group(2), child.group(1)))
        at = child.end()
    ranked = sorted(children, key=lambda c: _RANK.get(c[0], len(_RANK)))  # stable: unknown names keep their order
    if ranked == children:
        return match.group(0)
    tag, attributes = match.group(1), match.group(2) or b""
    return b"<" + tag + attributes + b">" + b"".join(markup for _, markup in ranked) + b"</" + tag + b">"


def fonts_in_excel_order(styles_xml: bytes) -> bytes:
    """``xl/styles.xml`` with each font's children in :data:`FONT_ORDER`; everything else byte for byte."""
    return _FONT.sub(_ordered, styles_xml)
