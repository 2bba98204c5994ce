"""The benchmark: synthetic municipalities of three sizes through build, refresh, export and
LibreOffice's full recalculation, each a separate process measured for wall time and peak memory
(its own maximum resident set, from ``os.wait4``); the engine alone and the summary worksheet
function in-process. Prints a table and writes ``bench/results.json``.

    python bench/run.py                      # small, medium, large
    python bench/run.py small medium --recalc-timeout 300

Not a test: these machines are shared and noisy, so the targets (issue 7) are compared here, not asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = [sys.executable, "-m", "budgetcontrol"]
# The goals of issue 20 (large; medium recalculates in 15 s).
TARGETS = {"build_s": 12.0, "build_mb": 1536.0, "refresh_s": 10.0, "refresh_mb": 1536.0, "refresh_after_save_s": 15.0,
           "refresh_over_floor": 1.5, "recalc_s": 60.0, "recalc_medium_s": 15.0, "recalc_mb": 3072.0, "file_mb": 45.0,
           "udf_cold_ms": 200.0, "udf_warm_ms": 20.0}


def measured(command: list[str], timeout: float | None = None, stdout=subprocess.DEVNULL) -> dict:
    """Wall time and peak memory (MB) of one process; ``timed_out`` when it ran past ``timeout``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, start_new_session=True)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            os.killpg(process.pid, 9)
            pid, status, usage = os.wait4(process.pid, 0)
            return {"seconds": round(time.perf_counter() - start, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1),
                    "timed_out": True}
        time.sleep(0.05)
    error = process.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{error}")
    return {"seconds": round(time.perf_counter() - start, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1), "timed_out": False}


class _Reference:
    """A Table as xlwings' "range" conversion hands it to a function: a place, and values on demand."""

    def __init__(self, name: str, values: list):
        self.name, self._values = name, values

    def get_address(self, external: bool = False) -> str:
        return f"[bench.xlsx]{self.name}!$A$1" if external else "$A$1"

    @property
    def value(self):
        return self._values


def in_process(folder: Path) -> dict:
    """The engine on the loaded inputs, and the summary worksheet function: cold (new stamps), warm
    (same stamps), warm without stamps (read and keyed by contents), after a full recalculation (new stamps,
    same contents) and warm after it, and after one actual was typed;
    with the cells handed over per call (udf_tables)."""
    import pandas as pd

    from budgetcontrol import contract, functions, udf_tables
    from budgetcontrol.engine import compute

    inputs = contract.load(folder)
    start = time.perf_counter()
    compute(inputs)
    engine = time.perf_counter() - start
    ranges = {}  # as xlwings reads Tables: header first, floats, datetimes
    for name, dates in (("budget", None), ("changes", "date"), ("actuals", "month")):
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        frame["amount"] = frame["amount"].astype(float)
        if dates:
            frame[dates] = pd.to_datetime(frame[dates]).dt.to_pydatetime()
        ranges[name] = _Reference(name, [list(frame.columns)] + frame.astype(object).values.tolist())
    refs = [ranges[n] for n in ("budget", "changes", "actuals")]
    as_of = inputs.model.default_as_of.isoformat()
    functions._computed.cache_clear()
    udf_tables.clear()

    def call(stamps):
        read = udf_tables.cells_read
        start = time.perf_counter()
        out = functions.summary(*refs, as_of, stamps=stamps)
        if isinstance(out, str):
            raise SystemExit(f"the summary function failed: {out}")
        return round((time.perf_counter() - start) * 1000, 1), udf_tables.cells_read - read

    stamps = [udf_tables.stamp(r) for r in refs]
    cold = call(stamps)
    warm = call(stamps)
    unstamped = call(None)
    for r in refs:  # a full recalculation: every stamp new, the same contents handed over afresh
        r._values = [list(row) for row in r._values]
    stamps = [udf_tables.stamp(r) for r in refs]
    recalculated = call(stamps)
    after_recalc = call(stamps)
    ranges["actuals"]._values[1][ranges["actuals"]._values[0].index("amount")] += 1000.0  # typed: stamped anew
    stamps[2] = udf_tables.stamp(ranges["actuals"])
    typed = call(stamps)
    return {"engine_s": round(engine, 2), "udf_cold_ms": round(cold[0]), "udf_warm_ms": warm[0],
            "udf_cells": cold[1], "udf_warm_cells": warm[1], "udf_unstamped_ms": unstamped[0],
            "udf_unstamped_cells": unstamped[1], "udf_recalc_ms": recalculated[0], "udf_recalc_cells": recalculated[1],
            "udf_warm_after_recalc_ms": after_recalc[0], "udf_typed_ms": round(typed[0]), "udf_typed_cells": typed[1]}


def formula_cells(book: Path) -> dict[str, dict]:
    """Per sheet: formula cells, and the shared-formula groups they are stored in (xlsx/shared_formulas.py)."""
    import re
    import zipfile

    from budgetcontrol.xlsx.stream import _sheet_parts
    out = {}
    with zipfile.ZipFile(book) as z:
        for title, part in _sheet_parts(z).items():
            xml = z.read(part).decode("utf-8")
            cells = len(re.findall(r"<f\b", xml))
            if cells:
                out[title] = {"formula_cells": cells, "shared_groups": len(re.findall(r'<f\b[^>]*\bref="', xml))}
    return out


def run(size: str, work: Path, recalc_timeout: float) -> dict:
    data, book = work / size, work / f"{size}.xlsx"
    row: dict = {"size": size}
    row["synth"] = measured(CLI + ["synth", str(data), "--size", size])
    counts = {name: sum(1 for _ in open(data / f"{name}.csv", encoding="utf-8")) - 1 for name in ("budget", "changes", "actuals")}
    row.update({f"{name}_rows": n for name, n in counts.items()})
    december = work / f"{size}-2026-12.csv"
    with open(data / "actuals.csv", encoding="utf-8") as source, open(december, "w", encoding="utf-8") as out:
        for i, line in enumerate(source):
            if i == 0 or line.startswith("2026-12"):
                out.write(line)
    row["build"] = measured(CLI + ["build", str(data), "-o", str(book), "--as-of", "2026-11-30"])
    row["file_mb"] = round(book.stat().st_size / 1e6, 1)
    row["sheets"] = formula_cells(book)
    row["formula_cells"] = sum(s["formula_cells"] for s in row["sheets"].values())
    built = work / f"{size}-built.xlsx"
    shutil.copyfile(book, built)
    # What a controller waits for on opening: LibreOffice loads and recalculates every formula (the file's
    # cached values ignored), then writes the first sheet as CSV (next to nothing). Then the same, saved as xlsx.
    lo = f"from budgetcontrol.recalc import convert; convert({str(built)!r}, {str(work / ('lo-' + size))!r}, "
    row["recalc"] = measured([sys.executable, "-c", lo + "'csv')"], timeout=recalc_timeout)
    row["recalc_save"] = measured([sys.executable, "-c", lo + "'xlsx')"], timeout=recalc_timeout)
    row["refresh"] = measured(CLI + ["refresh", str(book), "--actuals", str(december)])
    row["refresh_again"] = measured(CLI + ["refresh", str(book), "--actuals", str(december)])  # nothing changed
    row["floor"] = measured(CLI + ["export", str(book), "--table", "summary", "--format", "csv"])
    row["refresh_over_floor"] = round(row["refresh"]["seconds"] / row["floor"]["seconds"], 2)
    saved = work / ("lo-" + size) / f"{size}-built.xlsx"  # as LibreOffice saved it: every part rewritten, no marks
    if saved.exists():
        try:
            row["refresh_after_save"] = measured(CLI + ["refresh", str(saved), "--actuals", str(december)])
        except SystemExit as failed:  # reported, not fatal: the other figures still count
            row["refresh_after_save_failed"] = str(failed).splitlines()[-1][:300]
    row["export"] = measured(CLI + ["export", str(data), "--table", "monthly", "--format", "csv"])
    row.update(in_process(data))
    return row


def table(rows: list[dict]) -> str:
    def cell(step: dict | None) -> str:
        if not step:
            return "—"
        text = f"{step['seconds']:.1f} s / {step['peak_mb']:.0f} MB"
        return "> " + text if step["timed_out"] else text

    lines = ["| size | budget lines | change rows | actual rows | build | file | formula cells | LibreOffice open + recalc "
             "| … and save as xlsx | refresh | refresh again (nothing changed) | refresh after LibreOffice saved it "
             "| read floor | refresh ÷ floor | engine | summary UDF cold / warm (cells handed over) "
             "| … without stamps | … after one actual typed |",
             "|---|---:|---:|---:|---|---:|---:|---|---|---|---|---|---|---:|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['size']} | {r['budget_rows']:,} | {r['changes_rows']:,} | {r['actuals_rows']:,} | {cell(r['build'])} "
                     f"| {r['file_mb']} MB | {r['formula_cells']:,} | {cell(r['recalc'])} | {cell(r['recalc_save'])} "
                     f"| {cell(r['refresh'])} | {cell(r['refresh_again'])} | {cell(r.get('refresh_after_save'))} "
                     f"| {r['floor']['seconds']:.1f} s | {r['refresh_over_floor']} | {r['engine_s']:.2f} s "
                     f"| {r['udf_cold_ms']} ms / {r['udf_warm_ms']} ms ({r['udf_cells']:,} / {r['udf_warm_cells']:,}) "
                     f"| {r['udf_unstamped_ms']} ms ({r['udf_unstamped_cells']:,}) "
                     f"| {r['udf_typed_ms']} ms ({r['udf_typed_cells']:,}) |")
    return "\n".join(lines).replace(",", ".")


def sheet_table(rows: list[dict]) -> str:
    """Formula cells per sheet and the shared groups holding them, per size."""
    titles = list(dict.fromkeys(t for r in rows for t in r["sheets"]))
    lines = ["| sheet | " + " | ".join(r["size"] for r in rows) + " |", "|---|" + "---:|" * len(rows)]
    for t in titles:
        cells = [r["sheets"].get(t) for r in rows]
        lines.append(f"| {t} | " + " | ".join(f"{c['formula_cells']:,} in {c['shared_groups']:,} groups" if c else "—"
                                              for c in cells) + " |")
    return "\n".join(lines).replace(",", ".")


def machine() -> dict:
    memory = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), None) \
        if Path("/proc/meminfo").exists() else None
    return {"python": platform.python_version(), "system": platform.platform(), "cpus": os.cpu_count(), "memory_mb": memory,
            "date": dt.date.today().isoformat()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["small", "medium", "large"])
    parser.add_argument("--recalc-timeout", type=float, default=600.0, help="seconds before LibreOffice is stopped")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bc-bench-") as tmp:
        for size in args.sizes:
            rows.append(run(size, Path(tmp), args.recalc_timeout))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(table(rows))
    print()
    print(sheet_table(rows))
    args.out.write_text(json.dumps({"machine": machine(), "targets": TARGETS, "rows": rows}, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
