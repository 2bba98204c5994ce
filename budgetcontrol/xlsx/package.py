"""A workbook as the Open Packaging Conventions package it is: parts by name, their relationships and
content types, and the workbook part's sheet list and defined names — so a refresh can replace the
parts the tool owns and copy every other part byte for byte (``xlsx/package_book.py``).

Parts are read from the zip on demand; :meth:`Package.save` writes every part in the original order,
those not changed with their original bytes, then the added ones.
"""

from __future__ import annotations

import copy
import html
import posixpath
import re
import struct
import zlib
from dataclasses import dataclass
from zipfile import ZIP_DEFLATED, BadZipFile, ZipFile, ZipInfo

from defusedxml import ElementTree

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"
WORKSHEET = REL_NS + "/worksheet"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_SHEET = re.compile(r"<(?:\w+:)?sheet\b[^>]*?(?:/>|>\s*</(?:\w+:)?sheet>)")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')


class DamagedPart(ValueError):
    """A part whose bytes do not match the CRC the package records for it."""


def _check(data: bytes, info: ZipInfo) -> None:
    """The compressed bytes of an entry unpack to its recorded size and CRC (as reading it would check)."""
    try:
        if info.compress_type == ZIP_DEFLATED:
            unpack = zlib.decompressobj(-15)
            crc, size = 0, 0
            for start in range(0, len(data), 1 << 20):
                chunk = unpack.decompress(data[start:start + (1 << 20)])
                crc, size = zlib.crc32(chunk, crc), size + len(chunk)
            rest = unpack.flush()
            crc, size = zlib.crc32(rest, crc), size + len(rest)
        elif info.compress_type == 0:
            crc, size = zlib.crc32(data), len(data)
        else:
            raise DamagedPart(f"{info.filename}: compressed in a way this tool does not copy")
    except zlib.error as exc:
        raise DamagedPart(f"{info.filename}: {exc}") from None
    if crc != info.CRC or size != info.file_size:
        raise DamagedPart(f"{info.filename}: its bytes do not match the package's check sum")


@dataclass(frozen=True)
class Copied:
    """A part taken from another package as it is there (copied compressed when saved)."""
    zip: ZipFile
    info: ZipInfo


def _copy_compressed(source: ZipFile, info: ZipInfo, out: ZipFile, name: str | None = None) -> bool:
    """Copy an entry's compressed bytes from ``source`` to ``out`` as they are (the part's bytes, CRC and
    compression unchanged); False where this zipfile cannot (then the caller writes the entry anew).

    The standard library has no call for it: this reads the entry's local header itself and registers
    the entry the way ``ZipFile.writestr`` does (``filelist``, ``NameToInfo``, ``start_dir``)."""
    try:
        if out._writing or info.file_size >= 0xFFFFFFFF or info.compress_size >= 0xFFFFFFFF or info.flag_bits & 0x01:
            return False
        fp = source.fp
        fp.seek(info.header_offset)
        fixed = fp.read(30)
        if fixed[:4] != b"PK\x03\x04":
            return False
        name_length, extra_length = struct.unpack("<HH", fixed[26:30])
        fp.seek(info.header_offset + 30 + name_length + extra_length)
        data = fp.read(info.compress_size)
        if len(data) != info.compress_size:
            return False
        _check(data, info)
        entry = copy.copy(info)
        if name is not None and name != info.filename:
            entry.filename, entry.orig_filename = name, name
            entry.flag_bits &= ~0x800 if name.isascii() else ~0
        entry.flag_bits &= ~0x08  # sizes and CRC in the local header, no data descriptor after the data
        entry.extra = b""
        entry.header_offset = out.fp.tell()
        out.fp.write(entry.FileHeader(zip64=False))
        out.fp.write(data)
        out.filelist.append(entry)
        out.NameToInfo[entry.filename] = entry
        out.start_dir = out.fp.tell()
        out._didModify = True
        return True
    except (AttributeError, OSError, struct.error):
        return False
    # DamagedPart goes to the caller: a damaged part is never copied on


@dataclass
class Rel:
    id: str
    type: str
    target: str  # the part's name (resolved), or the external target
    external: bool = False


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source))


def attributes(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


class Package:
    def __init__(self, path):
        self.zip = ZipFile(path)
        self.infos: list[ZipInfo] = self.zip.infolist()
        self.names = [i.filename for i in self.infos]
        self.changed: dict[str, bytes | Copied] = {}
        self.removed: set[str] = set()

    def with_doctype(self) -> str | None:
        """The first XML part that declares a document type (entities: the billion-laughs attack); a
        workbook never needs one, and the parts are edited as text here, not by a defusing parser."""
        for info in self.infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    with self.zip.open(info) as part:
                        head = part.read(4096)
                except (zlib.error, BadZipFile, EOFError) as exc:
                    raise DamagedPart(f"{info.filename}: {exc}") from None
                if b"<!DOCTYPE" in head.upper():
                    return info.filename
        return None

    # ---- parts ----
    def has(self, part: str) -> bool:
        return part in self.changed or (part in self.names and part not in self.removed)

    def read(self, part: str) -> bytes:
        if part in self.changed:
            data = self.changed[part]
            return data.zip.read(data.info) if isinstance(data, Copied) else data
        if part in self.removed:
            raise KeyError(part)
        return self.zip.read(part)

    def head(self, part: str, size: int) -> bytes:
        """The first ``size`` bytes of a part (only as much of it uncompressed)."""
        if part in self.changed or part in self.removed:
            return self.read(part)[:size]
        with self.zip.open(part) as stream:
            return stream.read(size)

    def text(self, part: str) -> str:
        return self.read(part).decode("utf-8")

    def write(self, part: str, data: bytes | str) -> None:
        self.changed[part] = data.encode("utf-8") if isinstance(data, str) else data
        self.removed.discard(part)

    def copy_from(self, other: "Package", source: str, part: str) -> None:
        """``part`` becomes ``other``'s part ``source`` as it is (copied compressed on save, where unchanged there)."""
        if source in other.changed or source not in other.names:
            self.write(part, other.read(source))
        else:
            self.changed[part] = Copied(other.zip, other.zip.getinfo(source))
            self.removed.discard(part)

    def remove(self, part: str) -> None:
        """Remove a part with its relationships part and its content-type override."""
        for name in (part, rels_name(part)):
            self.changed.pop(name, None)
            if name in self.names:
                self.removed.add(name)
        self.set_override(part, None)

    def free_name(self, pattern: str) -> str:
        """The first unused name for ``pattern`` (with ``{}`` for a number from 1)."""
        n = 1
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    # ---- relationships ----
    def rels(self, part: str) -> list[Rel]:
        name = rels_name(part)
        if not self.has(name):
            return []
        out = []
        for rel in ElementTree.fromstring(self.read(name)).iter(f"{{{PKG_REL_NS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            out.append(Rel(rel.get("Id"), rel.get("Type"), target if external else resolve(part, target), external))
        return out

    def set_rels(self, part: str, rels: list[Rel]) -> None:
        if not rels:
            if self.has(rels_name(part)):
                self.changed.pop(rels_name(part), None)
                if rels_name(part) in self.names:
                    self.removed.add(rels_name(part))
            return
        items = "".join(
            f'<Relationship Id="{r.id}" Type="{r.type}" Target="{html.escape(r.target if r.external else relative(part, r.target))}"'
            + (' TargetMode="External"' if r.external else "") + "/>" for r in rels)
        self.write(rels_name(part), '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                    f'<Relationships xmlns="{PKG_REL_NS}">{items}</Relationships>')

    def owned(self, part: str) -> list[str]:
        """The parts reached from ``part`` through internal relationships, depth first (``part`` excluded)."""
        seen: list[str] = []

        def walk(p: str) -> None:
            for rel in self.rels(p):
                if not rel.external and rel.target not in seen and rel.target != part and self.has(rel.target):
                    seen.append(rel.target)
                    walk(rel.target)
        walk(part)
        return seen

    def referenced_from_outside(self, inside: set[str]) -> set[str]:
        """The parts that some part outside ``inside`` relates to (so a part of ``inside`` it reaches must stay)."""
        out = set()
        for name in set(self.names) | set(self.changed):
            if not name.endswith(".rels") or not self.has(name) or "/_rels/" not in "/" + name:
                continue
            folder, rels_file = name.rsplit("_rels/", 1)
            source = (folder + rels_file[:-len(".rels")]).lstrip("/")
            if source in inside:
                continue
            out |= {rel.target for rel in self.rels(source) if not rel.external}
        return out

    # ---- content types ----
    def set_override(self, part: str, content_type: str | None) -> None:
        xml = self.text(CONTENT_TYPES)
        entry = re.compile(rf'<Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>')
        found = entry.search(xml)
        if found and content_type and attributes(found.group(0)).get("ContentType") == content_type:
            return  # as it is: the part keeps its entry where it stands
        xml = entry.sub("", xml)
        if content_type:
            xml = xml.replace("</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
        self.write(CONTENT_TYPES, xml)

    def content_type(self, part: str) -> str | None:
        xml = self.text(CONTENT_TYPES)
        m = re.search(rf'<Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', xml)
        if m:
            return attributes(m.group(0)).get("ContentType")
        ext = part.rsplit(".", 1)[-1]
        m = re.search(rf'<Default\b[^>]*Extension="{re.escape(ext)}"[^>]*/>', xml, re.I)
        return attributes(m.group(0)).get("ContentType") if m else None

    # ---- the workbook part ----
    def sheets(self) -> list[dict]:
        """The workbook's sheets in order: name, sheetId, r:id, state, part, and the tag as written."""
        xml = self.text(WORKBOOK)
        rels = {r.id: r.target for r in self.rels(WORKBOOK)}
        out = []
        for m in _SHEET.finditer(xml):
            a = attributes(m.group(0))
            rid = next((v for k, v in a.items() if k.endswith(":id")), None)
            out.append({"name": a.get("name"), "sheetId": int(a.get("sheetId", 0)), "rid": rid,
                        "state": a.get("state", "visible"), "part": rels.get(rid), "tag": m.group(0)})
        return out

    def save(self, target) -> None:
        """Every part in the original order (an unchanged one copied as its compressed bytes, never
        recompressed), then the added ones."""
        with ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True) as out:
            for info in self.infos:
                if info.filename in self.removed:
                    continue
                if info.filename in self.changed:
                    self._write_changed(out, info.filename, info.date_time)
                elif not _copy_compressed(self.zip, info, out):
                    out.writestr(info, self.zip.read(info))
            for name in self.changed:
                if name not in self.names:
                    self._write_changed(out, name, (2000, 1, 1, 0, 0, 0))

    def _write_changed(self, out: ZipFile, name: str, date_time: tuple) -> None:
        data = self.changed[name]
        if isinstance(data, Copied) and _copy_compressed(data.zip, data.info, out, name):
            return
        entry = ZipInfo(name, date_time)
        entry.compress_type = ZIP_DEFLATED
        out.writestr(entry, data.zip.read(data.info) if isinstance(data, Copied) else data)
