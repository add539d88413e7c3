"""The tidy tables of stages 04–06 (SPEC §5): the tables a decision rests on, as CSV.

`problems.csv`, `recommendations.csv`, `measures.csv` and `effectiveness.csv` of a year are
written beside `indicators.csv` in `output/<profile>/<year>/` by the build, and by
``python -m analysis tables`` anywhere: both call `write_year`, so the files are the same. The
frames come from the page modules (`tidy_for` of pages 04, 05, 06), which apply the profile's
public decision exactly as the pages do; the writers of the frames are the domain modules'
(`problems.tidy`, `recommendations.engine.tidy`, `register.tidy`, `effectiveness.tidy`).

The CSV is the indicator table's: UTF-8, comma, dot decimal, unrounded floats (whole ones
without «.0»), ``true``/``false``, an empty field for no value; rows in the writers' order.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from analysis import context
from analysis.context import Context
from analysis.files import write_text_atomic
from analysis.indicators.tidy import cell
from analysis.pages import analysis as analysis_page
from analysis.pages import effectiveness as effectiveness_page
from analysis.pages import measures as measures_page
from analysis.year_results import YearResults, year_results

# the files, in the order SPEC §5 names them
NAMES = ("problems.csv", "recommendations.csv", "measures.csv", "effectiveness.csv")


def frames(
    ctx: Context, tidy: pd.DataFrame | None = None, shared: YearResults | None = None
) -> dict[str, pd.DataFrame]:
    """The four tables of the context's year as its profile may show them, by file name.

    `tidy` and `shared`: the year's indicator table and shared results when the caller holds
    them (the build). The pages' functions share the years' tables, each read once."""
    tables_of = effectiveness_page.indicator_tables(ctx, tidy)
    shown = effectiveness_page.shown_tables(ctx, tables_of)
    shared = year_results(ctx, tables_of(ctx.year)) if shared is None else shared
    out = analysis_page.tidy_for(ctx, shared, shown)
    out["measures.csv"] = measures_page.tidy_for(ctx, shared, shown)
    out["effectiveness.csv"] = effectiveness_page.tidy_for(ctx, tables_of, shown)
    return {name: out[name] for name in NAMES}


def csv_text(frame: pd.DataFrame) -> str:
    """One table as CSV, formatted as `indicators.csv` is (`analysis.indicators.tidy.cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in zip(*(frame[c].tolist() for c in frame.columns)):
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue()


def write(
    ctx: Context,
    folder: Path,
    tidy: pd.DataFrame | None = None,
    shared: YearResults | None = None,
) -> list[Path]:
    """Every table computed first, then each file replaced whole: a failure while computing
    leaves the previous files as they were. `tidy`, `shared`: as `frames` takes them."""
    texts = {name: csv_text(frame) for name, frame in frames(ctx, tidy, shared).items()}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        write_text_atomic(folder / name, text)
    return [folder / name for name in NAMES]


def write_year(
    processed_dir: Path, year: int, folder: Path, profile: str, output_dir: Path
) -> list[Path]:
    """The four files of `year` for `profile` into `folder`; `output_dir` is the output root
    whose cache (indicator tables, public decisions, shared results) is used. The book's
    window (`params/book.yaml`) as the pages have it."""
    return write(context.resolve(year, processed_dir, output_dir, profile), folder)
