"""The README works as written (issue 18, point 6): the monthly routine's commands are read from the README,
run as a shell runs them in a copy of the project's examples, and what the refresh prints is what the README
shows, line for line."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def routine() -> tuple[list[str], list[str]]:
    """The routine's commands and the refresh's printed lines, from the README's section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The monthly routine"):]
    section = section[:section.index("\n## ", 3)]
    blocks = re.findall(r"```\n(.*?)```", section, re.S)
    commands = [line for line in blocks[0].splitlines() if line.strip()]
    return commands, blocks[1].splitlines()


@pytest.mark.libreoffice
def test_the_monthly_routine_prints_what_the_readme_shows(soffice, tmp_path):
    commands, shown = routine()
    assert [c.split()[1] for c in commands] == ["build", "refresh", "verify", "export", "report"]
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    outputs = []
    for command in commands:
        # the console script as the README calls it, from the interpreter running the tests
        line = command.replace("budgetcontrol ", f"{sys.executable} -m budgetcontrol ", 1)
        done = subprocess.run(line, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs.append(done.stdout)
    assert outputs[1].splitlines() == shown
    assert re.fullmatch(r"OK: all \d+ formula cells equal the engine's figures\n", outputs[2])
    with open(tmp_path / "status-2014-06.csv", encoding="utf-8") as fh:
        months = sorted({row["month"] for row in csv.DictReader(fh)})
    assert months == [f"2014-{m:02d}" for m in range(1, 7)]
    from docx import Document  # the follow-up of June, and its PDF
    texts = [p.text for p in Document(str(tmp_path / "budgetopfoelgning-2014-06.docx")).paragraphs]
    assert "Budgetopfølgning 2014" in texts and any("Opgjort pr. 30. juni 2014" in t for t in texts)
    assert (tmp_path / "budgetopfoelgning-2014-06.pdf").read_bytes().startswith(b"%PDF")
