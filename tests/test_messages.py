"""Messages that say what is true (issue 17): an error value is named as such, a number in a month cell is
called a number, a damaged package is called damaged, a backups "folder" that is a file is named, and a
write the system refuses leaves no new backup behind."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from typer.testing import CliRunner

from budgetcontrol.cli import app
from budgetcontrol.xlsx import safe
from budgetcontrol.xlsx.stream import _sheet_parts
from helpers import JUNE_EXPORT, sheet_of

runner = CliRunner()
JUNE = JUNE_EXPORT


@pytest.fixture
def book(may_book):
    return may_book


def one_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout[-300:], result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def first_body_cell(book, sheet: str, table: str, column: str) -> str:
    ws = sheet_of(openpyxl.load_workbook(book), table)
    t = ws.tables[table]
    c1, r1, _, _ = range_boundaries(t.ref)
    names = [c.name for c in t.tableColumns]
    return f"{openpyxl.utils.get_column_letter(c1 + names.index(column))}{r1 + 1}"


def test_an_error_value_in_an_amount_cell_is_named_as_the_error(book):
    cell = first_body_cell(book, "Changes", "Changes", "amount")
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
        part = _sheet_parts(z)["Ændringer"]
    xml = parts[part].decode()
    xml, n = __import__("re").subn(rf'<c r="{cell}"([^>]*)>.*?</c>', rf'<c r="{cell}"\1 t="e"><f>#REF!*2</f><v>#REF!</v></c>', xml, count=1)
    assert n == 1
    parts[part] = xml.encode()
    with zipfile.ZipFile(book, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    line = one_line(runner.invoke(app, ["export", str(book)]))
    assert f"cell {cell}" in line and "amount cell is the error #REF!" in line


def test_a_number_in_a_month_cell_is_called_a_number(book):
    wb = openpyxl.load_workbook(book)
    cell = first_body_cell(book, "Actuals", "Actuals", "month")
    wb["Regnskab"][cell] = 99999999
    wb.save(book)
    line = one_line(runner.invoke(app, ["export", str(book)]))
    assert "month cell is the number 99999999, not a date" in line and "text" not in line


def test_a_damaged_package_is_called_damaged(tmp_path):
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<not-a-workbook")
    line = one_line(runner.invoke(app, ["export", str(bad)]))
    assert "cannot read the workbook: its package is damaged or is not an Excel workbook" in line


def test_a_file_where_the_backups_folder_belongs_is_named(book):
    (book.parent / safe.BACKUP_FOLDER).write_text("not a folder", encoding="utf-8")
    before = book.read_bytes()
    line = one_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)]))
    assert f"'{safe.BACKUP_FOLDER}' beside the workbook is a file" in line and "File exists" not in line
    assert book.read_bytes() == before


def test_a_write_the_system_refuses_leaves_no_new_backup_and_prunes_none(book, monkeypatch):
    for _ in range(safe.BACKUPS):
        assert runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)]).exit_code == 0
    kept = safe.backups(book)
    assert len(kept) == safe.BACKUPS

    def refused(src, dst):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(safe.os, "replace", refused)
    line = one_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)]))
    assert "cannot write the workbook: Operation not permitted" in line
    assert safe.backups(book) == kept  # none added, none pruned
    assert not [p for p in book.parent.iterdir() if p.name.endswith(".tmp")]


def _rewrite(book, edit) -> None:
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
        sheets = _sheet_parts(z)
    edit(parts, sheets)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _prefixed(xml: bytes, root: str) -> bytes:
    import re

    text = re.sub(r"<(/?)([A-Za-z]\w*)([\s/>])", lambda m: f"<{m.group(1)}x:{m.group(2)}{m.group(3)}", xml.decode())
    return text.replace(f'<x:{root} xmlns="', f'<x:{root} xmlns:x="', 1).encode()


@pytest.mark.parametrize("where", ["workbook", "Regnskab", "Indstillinger"])
def test_a_part_written_with_a_namespace_prefix_is_refused_in_one_line_not_a_traceback(book, where):
    def edit(parts, sheets):
        if where == "workbook":
            parts["xl/workbook.xml"] = _prefixed(parts["xl/workbook.xml"], "workbook")
        else:
            parts[sheets[where]] = _prefixed(parts[sheets[where]], "worksheet")
    _rewrite(book, edit)
    before = book.read_bytes()
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)])
    if result.exit_code == 2 and "namespace prefix" not in result.stderr:
        pytest.skip(f"the reader refuses it first: {result.stderr.strip()[:120]}")
    line = one_line(result)
    assert "namespace prefix (x:…)" in line and "save it" in line
    assert book.read_bytes() == before


def test_a_sheet_tag_with_an_end_tag_is_read_like_a_short_one(book):
    def edit(parts, sheets):
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'r:id="rId1"/>', b'r:id="rId1"></sheet>', 1)
    _rewrite(book, edit)
    assert b"></sheet>" in zipfile.ZipFile(book).read("xl/workbook.xml")
    result = runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("back", [8, 400])
def test_a_part_damaged_inside_the_package_is_refused_and_never_copied_on(book, back):
    """One byte flipped in the compressed data of a part the refresh does not edit (the theme)."""
    import struct

    with zipfile.ZipFile(book) as z:
        info = z.getinfo("xl/theme/theme1.xml")
    raw = bytearray(book.read_bytes())
    name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    raw[info.header_offset + 30 + name_length + extra_length + info.compress_size - back] ^= 0xFF
    book.write_bytes(bytes(raw))
    before = book.read_bytes()
    line = one_line(runner.invoke(app, ["refresh", str(book), "--actuals", str(JUNE)]))
    assert "its package is damaged" in line and "theme1.xml" in line
    assert book.read_bytes() == before
