"""Recalculating a workbook in LibreOffice headless, the independent spreadsheet engine
that proves the workbook's own formulas give the engine's figures."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Always recalculate on load (0), for xlsx and ods, whatever the file's cached values say.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>da-DK</value></prop></item>
</oor:items>
"""


class LibreOfficeMissing(RuntimeError):
    pass


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LibreOfficeMissing("LibreOffice is not installed (Debian: apt-get install -y libreoffice-calc)")


def convert(source: str | Path, out_dir: str | Path, fmt: str = "xlsx", timeout: float = 600) -> Path:
    """Open ``source`` in LibreOffice headless (recalculating everything) and save it as ``fmt`` in ``out_dir``."""
    source, out_dir = Path(source).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bc-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--nologo", "--convert-to", fmt, "--outdir", str(out_dir), str(source)]
        env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp"}
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    target = out_dir / (source.stem + "." + fmt.split(":")[0])
    if proc.returncode != 0 or not target.exists():
        raise RuntimeError(f"LibreOffice failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return target


def recalculate(source: str | Path, out_dir: str | Path | None = None) -> Path:
    """A recalculated copy of ``source`` (xlsx with LibreOffice's computed values cached)."""
    out_dir = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="bc-recalc-"))
    return convert(source, out_dir, "xlsx")
