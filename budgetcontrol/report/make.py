"""`budgetcontrol report`: check the options, compute, write the Word document (and the PDF through
LibreOffice headless) beside the target, and move them into place only when both are written. Bad input
is one InputError line and nothing is written."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from budgetcontrol.contract.errors import InputError

TEMPLATE_BYTES = 20_000_000  # a house template with a logo is a few hundred KB
TEMPLATE_UNPACKED = 200_000_000  # what its parts may unpack to (a zip bomb is refused before Word's parser sees it)
PDF_TIMEOUT = 300.0


def check_output(output: Path, pdf: bool = False) -> None:
    if output.suffix.lower() != ".docx":
        raise InputError(str(output), "the report must be a .docx file (add --pdf for the PDF beside it)")
    if not output.parent.is_dir():
        raise InputError(str(output), f"folder '{output.parent}' does not exist")
    if not os.access(output.parent, os.W_OK):
        raise InputError(str(output), f"cannot write in folder '{output.parent}' (no permission)")
    for target in [output] + ([output.with_suffix(".pdf")] if pdf else []):
        if target.is_dir():
            raise InputError(str(target), "is a folder, not a document file")
        if target.exists() and not os.access(target, os.W_OK):
            raise InputError(str(target), "is read-only; close it (Word, a PDF viewer) or make it writable")


def check_template(template: Path | None) -> None:
    """A Word document (.docx) python-docx can open; read only to take its styles, header and footer."""
    if template is None:
        return
    what = str(template)
    if not template.is_file():
        raise InputError(what, "no such template file (--template takes a Word document, .docx)")
    if template.suffix.lower() != ".docx":
        raise InputError(what, "the template must be a Word document (.docx; save a .dotx template as .docx)")
    if template.stat().st_size > TEMPLATE_BYTES:
        raise InputError(what, f"the template is larger than {TEMPLATE_BYTES // 1_000_000} MB; save it without embedded media")
    try:
        with zipfile.ZipFile(template) as z:
            if sum(i.file_size for i in z.infolist()) > TEMPLATE_UNPACKED:
                raise InputError(what, "the template's parts unpack to more than 200 MB; it is not a normal Word document")
            if "word/document.xml" not in z.namelist():
                raise InputError(what, "is not a Word document (it has no word/document.xml); save it from Word as .docx")
        from docx import Document

        Document(str(template))
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(what, f"cannot be read as a Word document ({type(exc).__name__}); save it from Word as .docx") from None
    except Exception as exc:  # a part python-docx cannot parse: one line, never a traceback
        raise InputError(what, f"cannot be read as a Word document ({type(exc).__name__}: {str(exc)[:120]})") from None


def write_pdf(document: Path, pdf: Path) -> None:
    """The document printed by LibreOffice headless (Writer), as the tests recalculate workbooks."""
    from budgetcontrol.recalc import LibreOfficeMissing, convert

    with tempfile.TemporaryDirectory(prefix="bc-report-pdf-") as folder:
        try:
            printed = convert(document, folder, "pdf", timeout=PDF_TIMEOUT)
        except LibreOfficeMissing:
            raise InputError("--pdf", "LibreOffice is not installed (Debian: apt-get install -y libreoffice-writer)") from None
        except (RuntimeError, OSError) as exc:
            raise InputError("--pdf", f"LibreOffice could not print the document ({str(exc).splitlines()[0][:160]}); "
                                      f"LibreOffice Writer is needed (Debian: libreoffice-writer)") from None
        except Exception as exc:  # subprocess.TimeoutExpired and the like
            raise InputError("--pdf", f"LibreOffice did not print the document ({type(exc).__name__})") from None
        shutil.move(str(printed), str(pdf))


@contextlib.contextmanager
def _beside(target: Path, suffix: str):
    """A temporary file in the target's folder, removed unless moved into place."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=suffix, dir=target.parent)
    except OSError as exc:
        raise InputError(str(target), f"cannot write in its folder: {exc.strerror or exc}") from None
    os.close(handle)
    path = Path(name)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's owner-only
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def report(source: Path, output: Path, as_of: dt.date | None = None, pdf: bool = False,
           template: Path | None = None) -> str:
    """Write the follow-up for ``source`` (a data folder or a workbook); the line saying what was written."""
    from budgetcontrol import contract
    from budgetcontrol.engine import compute
    from budgetcontrol.report import document

    check_output(output, pdf)
    check_template(template)
    inputs = contract.load(source)
    if as_of is not None and as_of.year != inputs.model.fiscal_year:
        raise InputError("--as-of", f"{as_of.isoformat()} is not in the fiscal year {inputs.model.fiscal_year}")
    result = compute(inputs, as_of)
    written = [output] + ([output.with_suffix(".pdf")] if pdf else [])
    with _beside(output, ".docx") as draft, _beside(output, ".pdf") as printed:
        try:
            missing = document.write(result, draft, template)
        except OSError as exc:
            raise InputError(str(output), f"cannot write the document: {exc.strerror or exc}") from None
        if pdf:
            write_pdf(draft, printed)
        try:  # the document first: a PDF never stands beside an older document
            os.replace(draft, output)
            if pdf:
                os.replace(printed, written[1])
        except OSError as exc:
            raise InputError(str(output), f"cannot write the document: {exc.strerror or exc} (is it open in Word?)") from None
    note = f"; mangler bemærkning: {', '.join(missing)}" if missing else ""
    return f"wrote {' and '.join(map(str, written))} (as of {result.as_of.isoformat()}{note})"
