"""Benchmark: the public disclosure audit's CPU time per year of the demo city.

    .venv/bin/python benchmarks/bench_disclosure.py [--scale 1] [--work-dir DIR]
                                                    [--save masks.json] [--compare masks.json]

The demo city (2019–2023, seed 0) is written as processed Parquet and each year's indicator
table computed (not timed); then `hidden_rows` (the primary rule, chains, cheap secondary and
the audit's integer programs) runs once per year and its process CPU seconds are printed.
`--save` writes every year's hidden rows (indicator, level, unit), `--compare` checks them
against a file saved before (e.g. by the previous version of the code): the decisions of two
versions must be identical. Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEARS = list(range(2019, 2024))
SEED = 0


def city(work: Path, scale: float) -> Path:
    target = work / f"scale-{scale:g}"
    if not (target / "manifest.json").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "analysis",
                "demo-data",
                "--raw-dir",
                str(target),
                "--years",
                f"{YEARS[0]}-{YEARS[-1]}",
                "--seed",
                str(SEED),
                "--scale",
                f"{scale:g}",
                "--format",
                "parquet",
            ],
            check=True,
        )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--save", type=Path, default=None)
    parser.add_argument("--compare", type=Path, default=None)
    args = parser.parse_args(argv)
    from analysis.disclosure import default_threshold
    from analysis.disclosure.protect import hidden_rows
    from analysis.indicators import compute_year
    from analysis.processed import read_table

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-disclosure-"))
    processed = city(work, args.scale)
    threshold = default_threshold()
    decisions: dict[str, list[list[str]]] = {}
    total = 0.0
    print(f"{'year':>5} {'rows':>6} {'hidden':>7} {'CPU s':>7}")
    for year in YEARS:
        tidy = compute_year(processed, year)
        institutions = read_table(processed, year, "institutions")
        started = time.process_time()
        full, mask = hidden_rows(tidy, threshold, institutions)
        cpu = time.process_time() - started
        total += cpu
        rows = full.loc[mask, ["indicator_id", "level", "unit_id"]].astype(str)
        decisions[str(year)] = sorted(rows.to_numpy().tolist())
        print(f"{year:>5} {len(full):>6} {int(mask.sum()):>7} {cpu:>7.2f}", flush=True)
    print(f"{'all':>5} {'':>6} {'':>7} {total:>7.2f}")
    if args.save:
        args.save.write_text(json.dumps(decisions, ensure_ascii=False, indent=1), "utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text("utf-8"))
        differ = [y for y in decisions if before.get(y) != decisions[y]]
        print("decisions identical" if not differ else f"decisions DIFFER in {differ}")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
