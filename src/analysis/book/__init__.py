"""The book runner: execute every stage notebook for every year and render the HTML book.

    build(years=None, profile="public", jobs=None, processed_dir=None, output_dir=None,
          force=False, notebooks_dir=None, wait=False, pdf=False) -> int
                                    (0 = all pages good [and every PDF made], 1 = otherwise)

Steps (SPEC §6): plan the pages and their fingerprints (`plan`); compute each year's indicator
table once and write `indicators.csv` (`yearly`); execute the pages whose inputs changed with
papermill in a process pool (`execute`); normalise and render them with a warm nbconvert
exporter (`render`); add the nav bar to every page and write the front page (`site`); with
``pdf``, print each year's pages to `<year>/book.pdf` with headless Chromium (`pdf`).

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
    pdf: bool = False,
) -> int:
    """Build the book; print a summary; 0 when every page is good, 1 when some failed.

    One build at a time per book folder (`lock`): another build into it is refused with
    `lock.FolderBusy`, or waited for with `wait`. ``pdf``: also print each year's book to
    `<year>/book.pdf`; a PDF that cannot be made is said and makes the status 1, the HTML
    book stays as built.
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
        problems = (
            _print_pdfs(output_dir / profile, chosen, stages, profile, manifest) if pdf else []
        )
    print(summary.text(time.perf_counter() - start), file=sys.stdout, flush=True)
    print(f"Оглавление книги: {output_dir / profile / 'index.html'}", file=sys.stdout, flush=True)
    for line in problems:
        print(line, file=sys.stdout, flush=True)
    return 1 if summary.failed or problems else 0


def _print_pdfs(
    root: Path, years: list[int], stages: list[plan.Stage], profile: str, manifest: dict
) -> list[str]:
    """`build --pdf`: each year's book.pdf; the lines saying what could not be made."""
    from analysis.book.pdf import print_years  # imported only when asked for

    _say(f"PDF: печать книги {', '.join(map(str, years))} в Chromium…")
    stems = [(s.stem, s.title) for s in stages]
    done, problems = print_years(root, years, stems, profile, plan.demo_years(manifest))
    for path in done:
        _say(f"PDF за {path.parent.name} год: {path}")
    return problems


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
