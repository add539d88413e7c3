"""The order of a build's work: each year's shared work in the pool, before what reads it.

Per year of the book that must be (re)built, the pool runs, as soon as what it needs is done:

1. `~prepare` — the year's indicator table and (public) its public decision, for every year a
   page or a shared result of the book reads (back to `READ_BACK` years before it); the
   costliest step;
2. `~results` — the year's problems, recommendations and person lists (`analysis.year_results`),
   once the indicator tables of its window are there;
3. its pages and, when a page reads page 06's evaluation, `~evaluation` (computed once,
   before the pages that read it), once its results and every year its pages read are there;
4. the evaluation's readers: pages 06 and 07 and `~exports` (the year's workbooks, with
   `effectiveness.csv`), once the evaluation is cached.

Between 1 and 2, this process writes the year's `indicators.csv` and key figures (cheap: the
tables are cached), in year order. Every core works from the start, each thing is computed by
one worker only, and the pages read it from the cache.

This module is imported only when something is built.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Self

from tqdm import tqdm

from analysis import context
from analysis.book import yearly
from analysis.book.execute import Job, Outcome, Task, run_task

if TYPE_CHECKING:
    from analysis.book import plan
    from analysis.book.runner import Build

PREPARE, RESULTS, EXPORTS = "~prepare", "~results", "~exports"  # task stems: no notebook's
EVALUATION = "~evaluation"
# the pages that read the year's evaluation (as `effectiveness.csv` of the workbooks does): they
# wait for `~evaluation` rather than each computing it beside the others
EVALUATION_READERS = ("06_effectiveness", "07_audit")
# the years a page of y reads: back to y−4, the year before a measure of y−3 that page 06
# compares (analysis.effectiveness.LOOKBACK + 1)
READ_BACK = 4


class YearWork:
    """One build's pages and year tasks, handed to the pool in dependency order."""

    def __init__(
        self,
        build: Build,
        pool,
        todo: list[plan.Page],
        table_years: list[int],
        year_fps: dict[int, str],
    ) -> None:
        self.build = build
        self.pool = pool
        self.pages = {p.key: p for p in todo}
        self.table_years = sorted(table_years)
        self.year_fps = year_fps
        data_years = context.resolve(None, build.processed_dir, build.output_dir).data_years
        # the years each year's results (and public pages) read: the pages' default window
        self.window = {
            y: set(context.resolve(y, build.processed_dir, build.output_dir).window_years)
            for y in self.table_years
        }
        back = READ_BACK if self.pages else 0  # no page to run: the results' window only
        self.reads = {
            y: {d for d in data_years if y - back <= d <= y} | self.window[y]
            for y in self.table_years
        }
        self.preparing = set().union(*self.reads.values())
        self.csv_queue = list(self.table_years)  # written in year order
        self.tables: dict[int, tuple | None] = {}  # year → (tidy, shown, figures) or None
        self.results_sent: set[int] = set()
        self.results_done: set[int] = set()
        self.pages_sent: set[int] = set()
        self.after_evaluation: dict[int, list] = {}  # year → what waits for its evaluation
        self.bar = None

    def run(self) -> None:
        b = self.build
        record = b.output_dir / ".cache" / "page-seconds.json"
        self.pool.submit(
            [
                Task(
                    f"{y}/{PREPARE}",
                    yearly.prepare_task,
                    (b.processed_dir, y, b.output_dir, b.profile, b.threshold),
                    str(b.output_dir),
                )
                for y in sorted(self.preparing)
            ],
            record,
        )
        self._advance()
        try:
            for outcome in self.pool.outcomes():
                self._done(outcome)
        finally:
            if self.bar is not None:
                self.bar.close()

    def _done(self, outcome: Outcome) -> None:
        year, stem = outcome.key.split("/", 1)
        year = int(year)
        b = self.build
        b.profile_record.setdefault(f"{year}/{stem}", {})["execute"] = round(outcome.seconds, 2)
        if stem == PREPARE:  # a failure is met again (and reported) by the table step
            self.preparing.discard(year)
            self._advance()
        elif stem == RESULTS:  # a failure is met again by the pages and the workbooks
            self.results_done.add(year)
            self._advance()
        elif stem == EXPORTS:
            # the year's unit pages are made in this process next (a second or two): the
            # workers get their next jobs now
            self.pool.queue_ahead()
            b.exports_done(year, outcome, self.year_fps[year])
        elif stem == EVALUATION:  # a failure is met again by its readers, which say why
            self.pool.submit(self.after_evaluation.pop(year, []))
        else:
            self._progress().set_postfix_str(outcome.key, refresh=False)
            b.page_done(self.pages[outcome.key], outcome)
            self._progress().update(1)

    def _advance(self) -> None:
        """The CSVs whose tables are ready (in year order), then the results and pages now
        possible."""
        while self.csv_queue and self.csv_queue[0] not in self.preparing:
            year = self.csv_queue.pop(0)
            self.tables[year] = self.build.table_step(year, self.year_fps[year])
        for year in self.table_years:
            if year in self.results_sent or year not in self.tables:
                continue
            if self.window[year] & self.preparing:
                continue
            self.results_sent.add(year)
            table = self.tables[year]
            if table is None:  # the year's table failed: its pages say why on their own
                self.results_done.add(year)
                continue
            b = self.build
            self.pool.submit(
                [
                    Task(
                        f"{year}/{RESULTS}",
                        yearly.results_task,
                        (table[0], b.processed_dir, year, b.output_dir),
                        str(b.output_dir),
                    )
                ]
            )
        for year in self.table_years:
            ready = year in self.results_done and not self.reads[year] & self.preparing
            if ready and year not in self.pages_sent:
                self.pages_sent.add(year)
                self._year_ready(year)

    def _year_ready(self, year: int) -> None:
        """The year's pages and workbooks, now that what they read is computed; the readers of
        its evaluation after it."""
        b = self.build
        pages = [p for p in self.pages.values() if p.year == year]
        readers = [p for p in pages if p.stage.stem in EVALUATION_READERS]
        jobs: list = [self._job(p) for p in pages if p not in readers]
        held: list = [self._job(p) for p in readers]
        table = self.tables.get(year)
        if table is not None:
            (held if readers else jobs).append(self._exports_task(year, table))
        if readers:
            self.after_evaluation[year] = held
            jobs.append(
                Task(
                    f"{year}/{EVALUATION}",
                    yearly.evaluation_task,
                    (b.processed_dir, year, b.output_dir, b.profile),
                    str(b.output_dir),
                )
            )
        self.pool.submit(jobs)

    def _job(self, page: plan.Page) -> Job:
        return Job(page.key, str(page.stage.path), page.parameters, str(self.build.notebooks_dir))

    def _exports_task(self, year: int, table: tuple) -> Task:
        """The year's workbooks and tidy tables (`yearly.write_exports`)."""
        b = self.build
        folder = b.root / str(year)
        return Task(
            f"{year}/{EXPORTS}",
            yearly.write_exports,
            (
                table[0],
                table[1],
                b.processed_dir,
                year,
                b.profile,
                folder,
                b.threshold,
                b.output_dir,
            ),
            str(folder),
        )

    def _progress(self):
        """The pages' progress bar, shown from the first page on (not before: the year
        tables' messages come first)."""
        if self.bar is None:
            self.bar = tqdm(total=len(self.pages), desc="Тетради", unit="стр.", file=sys.stderr)
        return self.bar


class InlinePool:
    """The pool's interface, run in this process: the year tasks of a build with no page to
    execute (a workbook deleted, say) need no workers and no kernels."""

    def __init__(self) -> None:
        self.queue: list[Task] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.clear()

    def submit(self, jobs: list, record=None) -> None:
        self.queue.extend(jobs)

    def queue_ahead(self) -> None:
        """Nothing to do: no worker waits for this process."""

    def outcomes(self) -> Iterator[Outcome]:
        while self.queue:
            yield run_task(self.queue.pop(0))
