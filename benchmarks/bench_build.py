"""Build speed: the naive notebook loop vs the book build (not a test).

On the demo city (scale 1, five years, written straight to processed Parquet in a temporary
folder) it times, in one run, with every notebook of `notebooks/`:
  (a) naive — for every notebook and year, the `papermill` CLI, then `jupyter nbconvert --to html`
      CLI, each a new process (what a user would write in a shell loop);
  (b) full build — `python -m analysis build --force` into a fresh output folder;
  (c) unchanged rebuild — `python -m analysis build` again, end to end (a new process).
(b) is timed twice, just before and just after (a), each into its own fresh folder, and the
ratio uses their mean: (a) takes minutes, and the speed of a shared machine drifts over minutes
(the same build measured 33 s and 45 s twelve minutes apart, 2026-11-30), so a single build
timed only after the loop would carry whatever the machine was doing then; the two figures are
printed. It also prints the notebooks' share of (b) (the second build): the seconds the pages
spent executing (the pool's record, `.cache/page-seconds.json`) spread over the workers, against
the build's wall time — the rest is the per-year tasks (tables, public decisions, shared results, workbooks), the site
and the process start; and where each page's time went (`.cache/build-profile.json`: kernel
time, its slowest cells, the nbconvert render and safety check in the build process) and each
per-year task's.
Targets (issue 12): (b) ≤ 0.1 × (a); (c) ≤ 1 s. Ends with a Markdown table for the README and
the machine's load average before and after (other work on the machine slows every figure).
`--no-naive` skips (a) (to look at (b) alone; no ratio then).

    .venv/bin/python benchmarks/bench_build.py [--scale 1] [--years 2019-2023] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import paths
from analysis.cli import parse_years

BIN = Path(sys.executable).parent  # papermill and jupyter of the same venv
FULL_TARGET = 0.1  # × the naive loop (issue 12)
UNCHANGED_TARGET = 1.0  # s (issue 12)
PAGE_SECONDS = Path(".cache") / "page-seconds.json"  # under the output: the pool's record
PROFILE = Path(".cache") / "build-profile.json"  # under the output: the build's breakdown
TASK_NAMES = {
    "~prepare": "показатели и решение о скрытии (публичная версия)",
    "~results": "проблемы, рекомендации, списки (year_results)",
    "~evaluation": "оценка эффективности мер (страницы 06, 07 и effectiveness.csv)",
    "~exports": "выгрузки xlsx (показатели, рекомендации)",
}
TOP_CELLS = 3  # the slowest cells of a notebook shown


def naive(notebooks: list[Path], years: list[int], processed: Path, out: Path) -> float:
    """(a) Two CLI processes per notebook and year."""
    start = time.perf_counter()
    for year in years:
        for nb in notebooks:
            target = out / str(year) / nb.name
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [
                    str(BIN / "papermill"),
                    str(nb),
                    str(target),
                    "-k",
                    "python3",
                    "--cwd",
                    str(nb.parent),
                    "--no-progress-bar",
                    "-p",
                    "year",
                    str(year),
                    "-p",
                    "processed_dir",
                    str(processed),
                    "-p",
                    "output_dir",
                    str(out),
                    "-p",
                    "profile",
                    "public",
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(target)],
                check=True,
                capture_output=True,
            )
    return time.perf_counter() - start


def full_build(years: list[int], processed: Path, out: Path, jobs: int | None) -> float:
    """(b) The book runner from the command line, forced, into a fresh folder (indicator cache
    empty): a new process each time, imports and all, as a user runs it."""
    command = [sys.executable, "-m", "analysis", "build", "--force", "--profile", "public"]
    command += ["--years", *map(str, years), "--processed-dir", str(processed)]
    command += ["--output-dir", str(out), *(["--jobs", str(jobs)] if jobs else [])]
    start = time.perf_counter()
    if subprocess.run(command, check=False, stdout=subprocess.DEVNULL).returncode != 0:
        raise SystemExit("сборка завершилась с ошибкой")
    return time.perf_counter() - start


def page_seconds(out: Path) -> dict[str, float]:
    """Each page's execution seconds in the last build ("2023/04_analysis" → s); the pool's
    tasks ("2023/~prepare") are left out."""
    path = out / PAGE_SECONDS
    seconds = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {k: v for k, v in seconds.items() if "/~" not in k}


def breakdown(out: Path) -> list[str]:
    """Per notebook (summed over the years): kernel seconds, its slowest cells, render seconds;
    per year task: seconds. Lines of text, slowest first."""
    path = out / PROFILE
    if not path.exists():
        return ["(нет .cache/build-profile.json)"]
    record = json.loads(path.read_text(encoding="utf-8"))
    stages: dict[str, dict] = {}
    for key, entry in record.items():
        stage = stages.setdefault(
            key.split("/", 1)[-1], {"execute": 0.0, "render": 0.0, "cells": {}}
        )
        stage["execute"] += entry.get("execute") or 0.0
        stage["render"] += entry.get("render") or 0.0
        for number, first, seconds in entry.get("cells", []):
            cell = (number, first)
            stage["cells"][cell] = stage["cells"].get(cell, 0.0) + seconds
    lines = []
    for name, stage in sorted(stages.items(), key=lambda kv: -kv[1]["execute"]):
        if name.startswith("~"):
            lines.append(
                f"{name:18} {ru(stage['execute']):>7} с  задача: {TASK_NAMES.get(name, '')}"
            )
            continue
        cells = sorted(stage["cells"].items(), key=lambda kv: -kv[1])[:TOP_CELLS]
        slowest = "; ".join(f"яч. {n} «{first[:50]}» {ru(sec)}" for (n, first), sec in cells)
        lines.append(
            f"{name:18} {ru(stage['execute']):>7} с в ядре, отрисовка "
            f"{ru(stage['render'])} с; медленные ячейки: {slowest}"
        )
    return lines


def notebooks_share(seconds: dict[str, float], build: float, jobs: int) -> str:
    """The notebooks' share of a build, with the seconds per notebook summed over the years."""
    total = sum(seconds.values())
    by_stage: dict[str, float] = {}
    for key, value in seconds.items():
        stage = key.split("/", 1)[-1]
        by_stage[stage] = by_stage.get(stage, 0.0) + value
    stages = ", ".join(f"{k} {ru(v)}" for k, v in sorted(by_stage.items()))
    return (
        f"тетради: {ru(total)} с исполнения на {jobs} процессах = {ru(total / jobs)} с, "
        f"доля от полной сборки {ru(100 * total / jobs / build, 0)} % ({stages})"
    )


def unchanged(years: list[int], processed: Path, out: Path) -> float:
    """(c) The CLI again on the same inputs: a whole new process, nothing to execute."""
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "build",
            "--years",
            *map(str, years),
            "--processed-dir",
            str(processed),
            "--output-dir",
            str(out),
        ],
        check=True,
    )
    return time.perf_counter() - start


def load() -> str:
    """The 1-minute load average and the number of cores, e.g. «2,4 на 2 ядрах»."""
    return f"{os.getloadavg()[0]:.1f} на {os.cpu_count()} ядрах".replace(".", ",")


def ru(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def table(a: float, b: float, c: float, notebooks: float) -> str:
    """The figures as a Markdown table (Russian, as the README)."""
    mark = {True: "да", False: "нет"}
    full = f"{mark[b <= FULL_TARGET * a]}"
    again = f"{mark[c <= UNCHANGED_TARGET]}"
    full_goal, again_goal = f"≤ {ru(FULL_TARGET)} ×", f"≤ {ru(UNCHANGED_TARGET, 0)} с"
    rows = [
        "| Что измерено | Секунды | Доля от наивного цикла | Цель | Выполнена |",
        "|---|---:|---:|---|---|",
        f"| Наивный цикл: `papermill` + `jupyter nbconvert` (CLI) | {ru(a)} | 1 | — | — |",
        (
            f"| Полная сборка `build --force`, среднее до и после (a) | {ru(b)} "
            f"| {ru(b / a, 3)} | {full_goal} | {full} |"
        ),
        f"| в ней тетради (исполнение / процессы) | {ru(notebooks)} | {ru(notebooks / a, 2)} | — | — |",
        f"| Повторная сборка без изменений | {ru(c, 2)} | — | {again_goal} | {again} |",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", nargs="+", default=["2019-2023"])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--no-naive", action="store_true", help="skip (a), the naive loop")
    args = parser.parse_args()
    years = parse_years(args.years)
    notebooks = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    from analysis.demo import generate

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = Path(tmp)
        processed = root / "processed"
        generate(processed, years, 0, args.scale, "parquet")
        before = load()
        head = (
            f"Демо-город масштаба {ru(args.scale, 0)}, годы {years[0]}–{years[-1]}, "
            f"тетрадей {len(notebooks)} → страниц {len(notebooks) * len(years)}, "
            f"процессов {args.jobs or os.cpu_count()}"
        )
        print(head, flush=True)
        builds = []
        if not args.no_naive:  # (b) before (a) too: see the module's docstring
            builds.append(full_build(years, processed, root / "book-before", args.jobs))
            print(f"(b) полная сборка до наивного цикла:          {builds[0]:7.1f} с", flush=True)
        a = float("nan") if args.no_naive else naive(notebooks, years, processed, root / "naive")
        print(f"(a) наивный цикл papermill + nbconvert (CLI): {a:7.1f} с", flush=True)
        builds.append(full_build(years, processed, root / "book", args.jobs))
        b = sum(builds) / len(builds)
        both = " и ".join(f"{x:.1f}" for x in builds)
        print(
            f"(b) полная сборка (build --force):            {b:7.1f} с  = {b / a:.3f} × (a)"
            f"  (цель ≤ {FULL_TARGET}"
            + (f"; среднее сборок до и после (a): {both} с)" if len(builds) > 1 else ")"),
            flush=True,
        )
        jobs = min(args.jobs or os.cpu_count() or 1, len(notebooks) * len(years))
        seconds = page_seconds(root / "book")
        print(f"    {notebooks_share(seconds, b, jobs)}", flush=True)
        print("    где время (секунды процессов, сумма по годам):", flush=True)
        for line in breakdown(root / "book"):
            print(f"      {line}", flush=True)
        c = unchanged(years, processed, root / "book")
        print(
            f"(c) повторная сборка без изменений (CLI):     {c:7.2f} с  (цель ≤ {UNCHANGED_TARGET} с)"
        )
        print()
        print(f"{head}; загрузка машины (load average): до {before}, после {load()}.")
        print()
        print(table(a, b, c, sum(seconds.values()) / jobs))


if __name__ == "__main__":
    main()
