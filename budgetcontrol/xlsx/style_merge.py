"""The style records new parts need, added to a controller's ``xl/styles.xml`` without renumbering any
record it has: a cell format (xf) of the tool's own styles part is mapped to an identical record of the
controller's where one exists, else appended with its number format, font, fill and border (each
likewise found or appended); conditional formats' dxf records the same way. Only the collections that
get records change, and only by text inserted before their closing tag and a new count: every other
byte of the part stays as Excel (or the tool) wrote it.
"""

from __future__ import annotations

import re

# A styles part's collections in schema order, with their record tag.
COLLECTIONS = [("numFmts", "numFmt"), ("fonts", "font"), ("fills", "fill"), ("borders", "border"),
               ("cellStyleXfs", "xf"), ("cellXfs", "xf"), ("cellStyles", "cellStyle"), ("dxfs", "dxf")]
_AFTER = {name: [c for c, _ in COLLECTIONS[COLLECTIONS.index((name, tag)) + 1:]] + ["tableStyles", "colors", "extLst"]
          for name, tag in COLLECTIONS}
_ID = re.compile(r'\s(numFmtId|fontId|fillId|borderId|xfId)="(\d+)"')
_SPACE = re.compile(r">\s+<")
BUILTIN_FORMATS = 164  # number formats below this id are Excel's own


def _collection(xml: str, name: str) -> tuple[int, int, int] | None:
    """(start of the opening tag, end of it, start of the closing tag) of ``<name>``; None if absent."""
    m = re.search(rf"<(?:\w+:)?{name}\b[^>]*?(/?)>", xml)
    if not m:
        return None
    if m.group(1):
        return m.start(), m.end(), m.end()
    return m.start(), m.end(), re.compile(rf"</(?:\w+:)?{name}>").search(xml, m.end()).start()


def records(xml: str, name: str, tag: str) -> list[str]:
    found = _collection(xml, name)
    if not found or found[1] == found[2]:
        return []
    inner = xml[found[1]:found[2]]
    pattern = re.compile(rf"<(?:\w+:)?{tag}\b(?:[^>]*?/>|[^>]*?>.*?</(?:\w+:)?{tag}>)", re.S)
    return pattern.findall(inner)


def _canonical(record: str) -> str:
    return re.sub(r"<(/?)\w+:", r"<\1", _SPACE.sub("><", record.strip()))


class StyleMerge:
    """Appends to ``target`` (the controller's styles part text) what records of ``source`` (the tool's)
    need; :attr:`xf` and :attr:`dxf` map the source's indexes to the target's."""

    def __init__(self, target: str, source: str):
        self.xml = target
        self.source = source
        self.pending: dict[str, list[str]] = {}
        self.have = {name: [_canonical(r) for r in records(target, name, tag)] for name, tag in COLLECTIONS}
        self.formats = {m.group(2): int(m.group(1)) for m in
                        re.finditer(r'numFmtId="(\d+)"\s+formatCode="([^"]*)"', "".join(records(target, "numFmts", "numFmt")))}
        self.xf = self._map_xfs()
        self.dxf = self._map("dxfs", "dxf", records(source, "dxfs", "dxf"))

    def _map(self, name: str, tag: str, wanted: list[str]) -> dict[int, int]:
        out = {}
        for i, record in enumerate(wanted):
            key = _canonical(record)
            have = self.have[name]
            if key not in have:
                have.append(key)
                self.pending.setdefault(name, []).append(record)
            out[i] = have.index(key)
        return out

    def _number_format(self, source_id: int) -> int:
        if source_id < BUILTIN_FORMATS:
            return source_id
        code = next((m.group(1) for m in re.finditer(rf'numFmtId="{source_id}"\s+formatCode="([^"]*)"',
                                                     "".join(records(self.source, "numFmts", "numFmt")))), None)
        if code is None:
            return 0
        if code not in self.formats:
            new = max([BUILTIN_FORMATS - 1, *self.formats.values()]) + 1
            self.formats[code] = new
            self.pending.setdefault("numFmts", []).append(f'<numFmt numFmtId="{new}" formatCode="{code}"/>')
            self.have["numFmts"].append(code)
        return self.formats[code]

    def _map_xfs(self) -> dict[int, int]:
        fonts = self._map("fonts", "font", records(self.source, "fonts", "font"))
        fills = self._map("fills", "fill", records(self.source, "fills", "fill"))
        borders = self._map("borders", "border", records(self.source, "borders", "border"))
        ids = {"fontId": fonts, "fillId": fills, "borderId": borders}

        def remap(m: re.Match) -> str:
            key, value = m.group(1), int(m.group(2))
            if key == "numFmtId":
                return f' numFmtId="{self._number_format(value)}"'
            if key == "xfId":
                return ' xfId="0"'  # the Normal cell style
            return f' {key}="{ids[key].get(value, 0)}"'
        remapped = [_ID.sub(remap, record) for record in records(self.source, "cellXfs", "xf")]
        return self._map("cellXfs", "xf", remapped)

    def result(self) -> str:
        """The target's styles part with the pending records inserted (unchanged when none are)."""
        xml = self.xml
        for name, tag in COLLECTIONS:
            added = self.pending.get(name)
            if not added:
                continue
            found = _collection(xml, name)
            if found is None:
                at = min([m.start() for c in _AFTER[name] for m in [re.search(rf"<(?:\w+:)?{c}\b", xml)] if m]
                         or [re.search(r"</(?:\w+:)?styleSheet>", xml).start()])
                xml = xml[:at] + f'<{name} count="{len(added)}">' + "".join(added) + f"</{name}>" + xml[at:]
                continue
            start, opening, closing = found
            count = len(records(xml, name, tag)) + len(added)
            head, tail = xml[start:opening], ""
            if head.endswith("/>"):
                head, tail = head[:-2].rstrip() + ">", f"</{name}>"
            if re.search(r'\scount="\d*"', head):
                head = re.sub(r'\scount="\d*"', f' count="{count}"', head)
            else:
                head = re.sub(rf"^(<(?:\w+:)?{name})", rf'\1 count="{count}"', head)
            xml = xml[:start] + head + xml[opening:closing] + "".join(added) + tail + xml[closing:]
        return xml
