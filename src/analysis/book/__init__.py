"""The book runner: execute every stage notebook for every year and render the HTML book.

    build(years=None, profile="public", jobs=None, processed_dir=None, output_dir=None,
          force=False, notebooks_dir=None) -> int     (0 = all pages good, 1 = some failed)

Steps (SPEC §6): plan the pages and their fingerprints (`plan`); compute each year's indicator
table once and write `indicators.csv` (`yearly`); execute the pages whose inputs changed with
papermill in a process pool (`execute`); normalise and render them with a warm nbconvert
exporter (`render`); add the nav bar to every page and write the front page (`site`).

Output: `<output>/<profile>/index.html`, `<output>/<profile>/<year>/NN_stage.html` (and `.ipynb`, internal only),
`<output>/<profile>/<year>/indicators.csv`, `<output>/<profile>/.build-state.json`.
An unchanged rebuild imports none of papermill, nbconvert or the indicator engine.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from analysis import paths
from analysis.book import plan
from analysis.book.lock import book_lock
from analysis.book.runner import Build
from analysis.errors import UserError

__all__ = ["build"]


def build(
    years: list[int] | None = None,
    profile: str = "public",
    jobs: int | None = None,
    processed_dir: Path | None = None,
    output_dir: Path | None = None,
    force: bool = False,
    notebooks_dir: Path | None = None,
    wait: bool = False,
) -> int:
    """Build the book; print a summary; 0 when every page is good, 1 when some failed.

    One build at a time per book folder (`lock`): another build into it is refused with
    `lock.FolderBusy`, or waited for with `wait`.
    """
    start = time.perf_counter()
    if profile not in ("public", "internal"):
        raise UserError(f"Неизвестный профиль «{profile}»: ожидается public или internal")
    processed_dir = Path(processed_dir or paths.default_processed_dir()).resolve()
    output_dir = Path(output_dir or paths.default_output_dir()).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS).resolve()
    manifest = plan.read_manifest(processed_dir)
    available = plan.manifest_years(manifest)
    if not available:
        raise UserError(
            f"Нет обработанных данных в {processed_dir}: сначала выполните "
            "`python -m analysis ingest` (или `make data`)"
        )
    chosen = sorted(set(years)) if years else plan.book_years(manifest)
    missing = [y for y in chosen if y not in available]
    if missing:
        raise UserError(
            "Нет обработанных данных за "
            + ", ".join(map(str, missing))
            + " (есть: "
            + ", ".join(map(str, available))
            + ")"
        )
    stages = plan.discover_stages(notebooks_dir)
    if not stages:
        raise UserError(f"В {notebooks_dir} нет тетрадей вида NN_этап.ipynb")
    with book_lock(output_dir / profile, wait):  # before Build reads the folder's record
        runner = Build(
            stages=stages,
            years=chosen,
            profile=profile,
            jobs=jobs or os.cpu_count() or 1,
            processed_dir=processed_dir,
            output_dir=output_dir,
            notebooks_dir=notebooks_dir,
            manifest=manifest,
            force=force,
        )
        summary = runner.run()
    print(summary.text(time.perf_counter() - start), file=sys.stdout, flush=True)
    print(f"Оглавление книги: {output_dir / profile / 'index.html'}", file=sys.stdout, flush=True)
    return 1 if summary.failed else 0
