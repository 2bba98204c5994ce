"""The national roll-up's benchmark: N synthetic `large` municipalities (seeds 1..N; kept in the work
folder and reused), then `budgetcontrol rollup` over all of them as its own process, measured for wall
time and peak memory like bench/run.py. Prints the figures and writes ``bench/rollup.json``.

    python bench/rollup.py                   # 10 municipalities in /tmp/bc-rollup-bench
    python bench/rollup.py -n 20 --memory-limit 512MB
    python bench/rollup.py -n 98 --distinct 10   # 98 folders, the 11th on hard links to the files of the 1st, …

Not a test: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import CLI, HERE, machine, measured  # noqa: E402  (bench/run.py)

FILES = ("budget.csv", "changes.csv", "actuals.csv")


def municipality(work: Path, seed: int) -> Path:
    """The synthetic municipality of this seed, written unless a complete one is there."""
    folder = work / f"large-{seed:03d}"
    if (folder / "model.yaml").exists() and all((folder / f).exists() for f in FILES):
        return folder
    if folder.exists():
        shutil.rmtree(folder)  # an interrupted write
    measured(CLI + ["synth", str(folder), "--size", "large", "--seed", str(seed)])
    return folder


def linked(work: Path, number: int, original: Path) -> Path:
    """Municipality ``number`` as a folder of hard links to another's files (no disk for a national scale run)."""
    folder = work / f"large-{number:03d}"
    if not (folder / "model.yaml").exists():
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(original, folder, copy_function=os.link)
    return folder


def rows(folder: Path) -> int:
    """Data rows of budget.csv, changes.csv and actuals.csv (synth writes no line breaks inside fields)."""
    total = 0
    for name in FILES:
        with open(folder / name, "rb") as fh:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1
    return total


def danish(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--municipalities", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bc-rollup-bench"), help="where the municipalities are kept")
    parser.add_argument("--distinct", type=int, help="write only this many; the others are hard links to their files")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--out", type=Path, default=HERE / "rollup.json")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    distinct = min(args.distinct or args.municipalities, args.municipalities)
    folders = [municipality(args.work, seed) for seed in range(1, distinct + 1)]
    folders += [linked(args.work, n, folders[(n - 1) % distinct]) for n in range(distinct + 1, args.municipalities + 1)]
    print(f"{len(folders)} municipalities in {args.work} ({time.perf_counter() - start:.0f} s to write the missing ones)", flush=True)
    read = sum(rows(f) for f in folders)
    megabytes = sum((f / name).stat().st_size for f in folders for name in FILES) / 2**20
    output = args.work / "national.csv"
    step = measured(CLI + ["rollup", *map(str, folders), "-o", str(output), "--memory-limit", args.memory_limit])
    lines = sum(1 for _ in open(output, encoding="utf-8")) - 1
    result = {"machine": machine(), "municipalities": len(folders), "distinct": distinct, "size": "large", "memory_limit": args.memory_limit,
              "rows_read": read, "csv_mb": round(megabytes, 1), "output_rows": lines, "rollup": step,
              "rows_per_second": round(read / step["seconds"])}
    print(f"rollup of {len(folders)} municipalities: {danish(read)} rows ({danish(megabytes)} MB of CSV) in "
          f"{danish(step['seconds'], 1)} s, peak {danish(step['peak_mb'])} MB (memory limit {args.memory_limit}); {lines} output rows")
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
