"""`make bench`: every benchmark, one after the other, each in its own process.

    .venv/bin/python benchmarks/run.py [--only indicators|build|ingest]

Runs benchmarks/bench_indicators.py (indicator engine at scales 1/20/200), then
benchmarks/bench_build.py (book build vs the naive notebook loop, and the notebooks' share of
the build), then benchmarks/bench_ingest.py (clean and runaway workbooks through ingest) and
prints their figures as they come; exits non-zero if a benchmark failed. Run on a quiet machine: other work slows
every figure (each script prints the load average).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "indicators": (
        "Показатели: расчёт года на демо-городе масштабов 1, 20, 200",
        "bench_indicators.py",
    ),
    "build": ("Книга: полная и повторная сборка против наивного цикла", "bench_build.py"),
    "ingest": (
        "Загрузка форм: демо-город, 100 000 строк кадров, столбец до строки 1 048 576",
        "bench_ingest.py",
    ),
}


def run(name: str) -> int:
    """Run one benchmark script with this interpreter; its output goes straight through."""
    title, script = BENCHMARKS[name]
    print(f"\n== {title} ({script}) ==", flush=True)
    start = time.perf_counter()
    code = subprocess.run([sys.executable, str(HERE / script)], check=False).returncode
    status = "готово" if code == 0 else f"ОШИБКА (код {code})"
    print(f"-- {script}: {status} за {time.perf_counter() - start:.0f} с", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    args = parser.parse_args(argv)
    codes = [run(name) for name in (args.only or list(BENCHMARKS))]
    return 1 if any(codes) else 0


if __name__ == "__main__":
    sys.exit(main())
