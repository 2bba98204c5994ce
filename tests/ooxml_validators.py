"""The two Office Open XML validators the tests hold every written workbook against, both installed
test dependencies (pyproject's ``test`` extra), neither a download:

* Microsoft's Open XML SDK 2.8.1 (``DocumentFormat.OpenXml.dll``), the validator behind Excel's own
  schema reading, run in-process through pythonnet on the self-contained .NET 8 runtime that the
  ``python-redlines-ooxmlpowertools`` wheel carries (its redline tool is not used). The wheel's runtime is
  unpacked once into a folder laid out as a .NET installation (``host/fxr``, ``shared/Microsoft.NETCore.App``)
  for clr_loader.
* ``openxml-audit``, a Python port of the SDK's schema and semantic checks (calibrated on SDK 3.5.1),
  errors only: its warnings are advice (e.g. that Excel moves inline strings to a shared-string table
  when it saves), not defects.
"""

from __future__ import annotations

import functools
import json
import os
import tarfile
import tempfile
from pathlib import Path

RUNTIME = "8.0.32"  # the wheel's runtimeconfig (includedFrameworks)


@functools.lru_cache(maxsize=1)
def _runtime_folder() -> Path:
    import python_redlines_ooxmlpowertools as wheel

    archive = Path(wheel.__file__).parent / "_binaries" / "linux-x64.tar.gz"
    root = Path(tempfile.mkdtemp(prefix="bc-openxml-sdk-"))
    app = root / "app"
    with tarfile.open(archive) as tar:
        tar.extractall(app, filter="data")
    framework = root / "dotnet" / "shared" / "Microsoft.NETCore.App" / RUNTIME
    framework.mkdir(parents=True)
    for item in app.iterdir():
        if item.suffix in (".dll", ".so"):
            (framework / item.name).symlink_to(item)
    # the host lists a framework only with its .deps.json: the app's lists the runtime pack's files
    (framework / "Microsoft.NETCore.App.deps.json").write_bytes((app / "redlines.deps.json").read_bytes())
    fxr = root / "dotnet" / "host" / "fxr" / RUNTIME
    fxr.mkdir(parents=True)
    (fxr / "libhostfxr.so").write_bytes((app / "libhostfxr.so").read_bytes())
    config = root / "validator.runtimeconfig.json"
    config.write_text(json.dumps({"runtimeOptions": {"tfm": "net8.0", "framework": {
        "name": "Microsoft.NETCore.App", "version": RUNTIME}}}), encoding="utf-8")
    return root


@functools.lru_cache(maxsize=1)
def _loaded() -> None:
    """The .NET runtime and the SDK's assembly, loaded once a process (pythonnet refuses a second load)."""
    os.environ.setdefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
    from clr_loader import get_coreclr
    from pythonnet import set_runtime

    root = _runtime_folder()
    set_runtime(get_coreclr(runtime_config=str(root / "validator.runtimeconfig.json"), dotnet_root=str(root / "dotnet")))
    import clr

    clr.AddReference(str(root / "app" / "DocumentFormat.OpenXml.dll"))


def _sdk(suffix: str = ".xlsx"):
    """The SDK's SpreadsheetDocument (WordprocessingDocument for .docx) and OpenXmlValidator classes."""
    _loaded()
    from DocumentFormat.OpenXml import FileFormatVersions
    from DocumentFormat.OpenXml.Packaging import SpreadsheetDocument, WordprocessingDocument
    from DocumentFormat.OpenXml.Validation import OpenXmlValidator

    return {".docx": WordprocessingDocument}.get(suffix, SpreadsheetDocument), OpenXmlValidator, FileFormatVersions


def sdk_errors(path: str | Path) -> list[str]:
    """Every error the Open XML SDK 2.8.1 validator reports (Office 2010 rules), as "part path: text"."""
    document_class, validator_class, versions = _sdk(Path(path).suffix.lower())
    document = document_class.Open(str(path), False)
    try:
        found = validator_class(versions.Office2010).Validate(document)
        return [f"{e.Part.Uri if e.Part else ''} {e.Path.XPath if e.Path else ''}: {e.Description}" for e in found]
    finally:
        document.Close()


def audit_errors(path: str | Path) -> list[str]:
    """openxml-audit's errors (not its warnings), as "part path: text"."""
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator().validate(str(path))
    return [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors if e.severity.value != "warning"]
