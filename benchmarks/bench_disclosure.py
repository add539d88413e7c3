"""Benchmark: the public disclosure audit's CPU time per year of the demo city.

    .venv/bin/python benchmarks/bench_disclosure.py [--scale 1] [--work-dir DIR]
                                                    [--save masks.json] [--compare masks.json]

The demo city (2019–2023, seed 0) is written as processed Parquet and each year's indicator
table computed (not timed); then `hidden_rows` (the primary rule, chains, cheap secondary and
the audit's integer programs) runs once per year and its process CPU seconds are printed.
`--save` writes every year's hidden rows (indicator, level, unit), `--compare` checks them
against a file saved before (e.g. by the previous version of the code): the decisions of two
versions must be identical. With `--trace-solver` (both runs) the file also holds a digest of
every `milp` call, in order — its arrays (objective, matrix, bounds) and its answer — so a
speed-up can be shown to leave the solver the very same problems (the digests cost CPU: the
times printed are then not comparable). Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import hashlib
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


def trace_solver() -> list[str]:
    """Wrap `scipy.optimize.milp` (the audit imports it on each call) so that every call
    appends a digest of what the solver is given and what it answers to the list returned."""
    import numpy as np
    import scipy.optimize
    from scipy.sparse import csc_array

    solve, digests = scipy.optimize.milp, []

    def traced(c, *, constraints, bounds, integrality, **options):
        a = csc_array(constraints.A)
        given = (c, a.indptr, a.indices, a.data, constraints.lb, constraints.ub)
        given += (bounds.lb, bounds.ub, integrality)
        res = solve(c, constraints=constraints, bounds=bounds, integrality=integrality, **options)
        digest = hashlib.sha256()
        for part in (*given, res.x if res.x is not None else []):
            digest.update(np.asarray(part, dtype=float).tobytes() + b"|")
        digests.append(digest.hexdigest()[:16])
        return res

    scipy.optimize.milp = traced
    return digests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--save", type=Path, default=None)
    parser.add_argument("--compare", type=Path, default=None)
    parser.add_argument("--trace-solver", action="store_true")
    args = parser.parse_args(argv)
    digests = trace_solver() if args.trace_solver else None
    from analysis.disclosure import default_threshold
    from analysis.disclosure.protect import hidden_rows
    from analysis.indicators import compute_year
    from analysis.processed import read_table

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-disclosure-"))
    processed = city(work, args.scale)
    threshold = default_threshold()
    decisions: dict[str, list] = {}
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
    if digests is not None:
        decisions["milp calls"] = digests
    if args.save:
        args.save.write_text(json.dumps(decisions, ensure_ascii=False, indent=1), "utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text("utf-8"))
        differ = [y for y in decisions if before.get(y) != decisions[y]]
        if "milp calls" in differ and "milp calls" not in before:
            differ.remove("milp calls")  # the file saved before holds no trace
        print("decisions identical" if not differ else f"decisions DIFFER in {differ}")
        if digests is not None and "milp calls" in before and "milp calls" not in differ:
            print(f"solver calls identical ({len(digests)})")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
