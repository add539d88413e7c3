"""Benchmark: ingest of clean and of runaway workbooks, optionally against an earlier commit.

    .venv/bin/python benchmarks/bench_ingest.py [--compare REF] [--repeat 3] [--work-dir DIR]

Cases (the workbooks are written once into the work folder, not timed):

- ``demo``: the demo city, 2019–2023, scale 1 (≈ 6 000 staff a year), as xlsx;
- ``staff100k``: one year with ≈ 100 000 staff rows (demo scale 16.7, institutions and staff);
- ``pasted``: the small city with «педагог» pasted down column C of `Кадры` to row 1 048 576.

Each run is `python -m analysis ingest` in a fresh child, measured by a wrapper process: wall
seconds, CPU seconds (user + system: less sensitive than wall time to other work on a shared
machine) and peak resident memory. With ``--compare REF`` the `src/` of that git commit is
extracted and run the same way, interleaved with the working tree, so the two are measured
under the same load; the lowest of ``--repeat`` runs is shown. Targets (issue 10): demo ≤ 1.2×
the time before, 100 000 staff rows < 10 s, the pasted column well under 60 s and 1 GB.
Not a test: run it by hand (``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALE_100K = 16.7  # demo staff ≈ 6 000 × scale → ≈ 100 000 rows
WRAPPER = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024}))
"""


def _python(*args: str, env: dict | None = None) -> None:
    subprocess.run([sys.executable, *args], check=True, env=env, stdout=subprocess.DEVNULL)


def prepare(work: Path) -> dict[str, Path]:
    """Write the three raw folders (once; kept in the work folder between runs)."""
    cases = {"demo": work / "demo", "staff100k": work / "staff100k", "pasted": work / "pasted"}
    if not cases["demo"].exists():
        print("  пишу демо-город 2019–2023…", file=sys.stderr)
        _python("-m", "analysis", "demo-data", "--raw-dir", str(cases["demo"]))
    if not cases["staff100k"].exists():
        print("  пишу 100 000 строк кадров…", file=sys.stderr)
        full = work / "staff100k-full"
        shutil.rmtree(full, ignore_errors=True)
        _python(
            "-m",
            "analysis",
            "demo-data",
            "--raw-dir",
            str(full),
            "--years",
            "2023",
            "--scale",
            str(SCALE_100K),
        )
        year = cases["staff100k"] / "2023"
        year.mkdir(parents=True)
        for stem in ("institutions", "staff"):
            shutil.copy(full / "2023" / f"{stem}.xlsx", year / f"{stem}.xlsx")
        shutil.rmtree(full)
    if not cases["pasted"].exists():
        print("  пишу столбец, протянутый до строки 1 048 576…", file=sys.stderr)
        _write_pasted(cases["pasted"])
    return cases


def _write_pasted(raw: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from ingest_helpers import good_city, write_city, write_city_xml

    def pasted_down():
        for start in range(5, 1_048_577, 50_000):
            yield "".join(
                f'<row r="{n}"><c r="C{n}" t="inlineStr"><is><t>педагог</t></is></c></row>'
                for n in range(start, min(start + 50_000, 1_048_577))
            )

    city = good_city()
    write_city_xml(raw, {"staff": city["staff"]}, staff={"sheet_tail": {"Кадры": pasted_down()}})
    write_city(raw, {k: v for k, v in city.items() if k != "staff"})


def extract(ref: str, work: Path) -> Path:
    """`src/` of a git commit (with the `params/` it reads), for the before/after comparison."""
    target = work / f"src-{ref.replace('/', '_')}"
    if not target.exists():
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "src", "params"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def measure(raw: Path, src: Path, work: Path) -> dict:
    out = work / "out"
    env = dict(os.environ, PYTHONPATH=str(src))
    command = [
        sys.executable,
        "-c",
        WRAPPER,
        sys.executable,
        "-m",
        "analysis",
        "ingest",
        "--raw-dir",
        str(raw),
        "--processed-dir",
        str(out / "processed"),
        "--report-dir",
        str(out / "report"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    shutil.rmtree(out, ignore_errors=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", help="git commit to measure the same way (before)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", nargs="+", default=["demo", "staff100k", "pasted"])
    parser.add_argument(
        "--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "analysis-bench-ingest"
    )
    args = parser.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(f"нагрузка машины (load average): {os.getloadavg()[0]:.1f}")
    cases = prepare(args.work_dir)
    versions = {"сейчас": ROOT / "src"}
    if args.compare:
        versions = {args.compare: extract(args.compare, args.work_dir), **versions}
    for case in args.cases:
        if case == "pasted" and args.compare:  # the old reader runs for many minutes here
            runs = {
                "сейчас": [
                    measure(cases[case], versions["сейчас"], args.work_dir) for _ in range(1)
                ]
            }
        else:
            runs = {name: [] for name in versions}
            for _ in range(args.repeat):  # interleaved: both see the same load
                for name, src in versions.items():
                    runs[name].append(measure(cases[case], src, args.work_dir))
        for name, results in runs.items():
            wall = min(r["wall"] for r in results)
            cpu = min(r["cpu"] for r in results)
            peak = max(r["peak_mb"] for r in results)
            codes = sorted({r["code"] for r in results})
            print(
                f"{case:10} {name:>12}: {wall:6.1f} с, ЦП {cpu:6.1f} с, пик {peak:6.0f} МБ, "
                f"код выхода {codes}"
            )
        if len(runs) == 2:
            before = runs[args.compare]
            ratio_wall = min(r["wall"] for r in runs["сейчас"]) / min(r["wall"] for r in before)
            ratio_cpu = min(r["cpu"] for r in runs["сейчас"]) / min(r["cpu"] for r in before)
            print(
                f"{case:10} {'отношение':>12}: {ratio_wall:.2f}× по времени, {ratio_cpu:.2f}× по ЦП"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
