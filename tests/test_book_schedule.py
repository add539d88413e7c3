"""The order of a build's work (`analysis.book.schedule`): who waits for what."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from analysis.book import plan, schedule
from analysis.book.execute import Outcome


class RecordingPool:
    """The pool's interface, keeping what was handed to it."""

    def __init__(self) -> None:
        self.submitted: list[list[str]] = []

    def submit(self, jobs: list, record=None) -> None:
        self.submitted.append([job.key for job in jobs])


def page(year: int, stem: str) -> plan.Page:
    stage = plan.Stage(stem, Path(f"{stem}.ipynb"), stem, "digest")
    return plan.Page(year, stage, {}, "fingerprint", {})


def year_work(stems: list[str], table: bool = True) -> schedule.YearWork:
    """A YearWork for 2023 with the given pages, its results done, its table held."""
    work = object.__new__(schedule.YearWork)  # no processed data needed for the order
    work.build = SimpleNamespace(
        processed_dir=Path("p"),
        output_dir=Path("o"),
        profile="public",
        root=Path("o/public"),
        threshold=5,
        notebooks_dir=Path("n"),
        profile_record={},
    )
    work.pool = RecordingPool()
    work.pages = {f"2023/{s}": page(2023, s) for s in stems}
    work.tables = {2023: ("tidy", "shown", []) if table else None}
    work.after_evaluation = {}
    return work


def test_the_evaluation_is_computed_once_before_pages_06_07_and_the_workbooks():
    work = year_work(["01_goals", "03_monitoring", "06_effectiveness", "07_audit"])
    work._year_ready(2023)
    # first: the pages that do not read the evaluation, and the evaluation itself
    assert work.pool.submitted == [["2023/01_goals", "2023/03_monitoring", "2023/~evaluation"]]
    work._done(Outcome("2023/~evaluation", 2.0, task=True))
    # then its readers: pages 06 and 07 and the workbooks (effectiveness.csv)
    assert work.pool.submitted[1] == ["2023/06_effectiveness", "2023/07_audit", "2023/~exports"]
    assert work.after_evaluation == {}


def test_a_failed_evaluation_still_lets_its_readers_run_and_say_why():
    work = year_work(["06_effectiveness"])
    work._year_ready(2023)
    work._done(Outcome("2023/~evaluation", 0.1, error="ValueError: сломано", task=True))
    assert work.pool.submitted[1] == ["2023/06_effectiveness", "2023/~exports"]


def test_without_a_reader_page_the_workbooks_go_at_once_and_no_evaluation_task_runs():
    work = year_work(["01_goals"])
    work._year_ready(2023)
    assert work.pool.submitted == [["2023/01_goals", "2023/~exports"]]
    failed_table = year_work(["06_effectiveness"], table=False)  # no table: no workbooks
    failed_table._year_ready(2023)
    failed_table._done(Outcome("2023/~evaluation", 1.0, task=True))
    assert failed_table.pool.submitted[1] == ["2023/06_effectiveness"]
