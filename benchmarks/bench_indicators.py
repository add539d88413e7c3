"""Benchmark: every indicator of a year on the demo city at several scales.

    .venv/bin/python benchmarks/bench_indicators.py [--scales 1 20 200] [--year 2023]
                                                   [--work-dir DIR] [--keep]

For each scale the demo city (2019–2023, seed 0) is written as processed Parquet (not timed),
then a fresh subprocess imports the library, runs `compute_year` once and reports wall seconds
and peak resident memory (``ru_maxrss``, which includes the interpreter and pandas, about
0.15 GB). Target (issue 3): scale 200 in ≤ 10 s and ≤ 4 GB on 2 cores, time growing no faster
than the data. Not a test: run it by hand (``make bench``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEARS = list(range(2019, 2024))
SEED = 0
CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from analysis.indicators import compute_year
imported = time.perf_counter()
tidy = compute_year(sys.argv[1], int(sys.argv[2]))
done = time.perf_counter()
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"seconds": done - imported, "import_seconds": imported - t0,
                  "peak_gb": rss_kb / 1024 ** 2, "rows": len(tidy)}))
"""


def staff_rows(processed_dir: Path, year: int) -> int:
    manifest = json.loads((processed_dir / "manifest.json").read_text(encoding="utf-8"))
    return int(manifest["years"][str(year)]["rows"].get("staff", 0))


def run_scale(work: Path, scale: float, year: int) -> dict:
    target = work / f"scale-{scale:g}"
    if not (target / "manifest.json").exists():
        started = time.perf_counter()
        # In its own process: ru_maxrss survives fork+exec, so a child of a parent that had
        # just built a big city in memory would report the parent's peak as its own.
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
        print(
            f"  демо-город масштаба {scale:g} создан за {time.perf_counter() - started:.1f} с",
            file=sys.stderr,
        )
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(target), str(year)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(scale=scale, staff=staff_rows(target, year))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 20, 200])
    parser.add_argument("--year", type=int, default=YEARS[-1])
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the generated cities")
    args = parser.parse_args(argv)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-indicators-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'scale':>6} {'staff':>10} {'rows':>9} {'seconds':>8} {'peak GB':>8} {'µs/staff':>9}")
    try:
        for scale in args.scales:
            r = run_scale(work, scale, args.year)
            per = 1e6 * r["seconds"] / max(r["staff"], 1)
            print(
                f"{r['scale']:>6g} {r['staff']:>10} {r['rows']:>9} {r['seconds']:>8.2f} "
                f"{r['peak_gb']:>8.2f} {per:>9.2f}",
                flush=True,
            )
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
