"""A year's shared results — problems, recommendations, person lists — computed once.

The build's exports and the pages of stages 04 and 05 all need them; computed in each, they
cost the build several seconds per year. `year_results` computes them once and caches them
beside the indicator tables (`<output>/.cache`), under the fingerprint the book gives a page of
the year (library source, params/, every processed year up to the year) and the window, so a
change in data, rules, settings or code gives a new key and stale results are never read.

I/O stays at the edges: `read_inputs` is the one reader of a year, `compute` takes its data
and reads no file, `load` / `store` move the results to and from the cache. The results are
the whole (unsuppressed) ones; what a profile may show is decided where they are shown.
"""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import context, problems
from analysis.catalogue import CATALOGUE, PERSON_LISTS
from analysis.context import Context
from analysis.files import write_bytes_atomic, write_text_atomic
from analysis.params.recommendations import load_rules
from analysis.recommendations import texts
from analysis.recommendations.engine import Fill, Frames, apply_rules
from analysis.recommendations.lists import WITHHELD
from analysis.recommendations.rules import Rule
from analysis.settings import BookSettings

KEY_LENGTH = 16  # hex digits of the fingerprint kept in the file names


@dataclass(frozen=True)
class YearResults:
    """What the pages and the exports of a year share."""

    problems: pd.DataFrame  # problems.find_problems, unsuppressed
    recommendations: pd.DataFrame  # recommendations.recommend, attrs["withheld"] kept
    person_lists: dict[str, pd.DataFrame]  # lists.person_lists, attrs["withheld"] kept


@dataclass(frozen=True)
class YearInputs:
    """Everything `compute` reads, loaded by `read_inputs`."""

    year: int
    tidy: pd.DataFrame  # the year's indicator table
    history: pd.DataFrame  # the window's indicator tables, stacked
    institutions: pd.DataFrame | None
    associations: pd.DataFrame | None
    settings: BookSettings
    rules: list[Rule]
    frames: Frames  # registers, members, person and unit lists
    fill: Fill  # a rule's text in Russian (`recommendations.texts.fill`)


def year_results(ctx: Context, tidy: pd.DataFrame | None = None) -> YearResults:
    """The shared results of the context's year: from the cache, else computed and cached.

    `tidy`: the year's indicator table when the caller holds it already (the build); else it
    is read through the indicator cache.
    """
    key = cache_key(ctx)
    cached = load(ctx.cache_dir, ctx.year, key)
    if cached is not None:
        return cached
    results = compute(read_inputs(ctx, tidy))
    store(ctx.cache_dir, ctx.year, key, results)
    return results


def cached_frame(ctx: Context, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A frame of the year that a page and the build's workbooks both need (page 06's
    evaluation): read from the cache under the year's key, else computed and cached, so the
    second reader does not compute it again. Pickled: the frame comes back exactly as made."""
    path = Path(ctx.cache_dir) / f"results-{ctx.year}-{cache_key(ctx)}-{name}.pickle"
    try:
        frame = pickle.loads(path.read_bytes())
        if isinstance(frame, pd.DataFrame):
            return frame
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        pass
    frame = compute()
    write_bytes_atomic(path, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    return frame


def read_inputs(ctx: Context, tidy: pd.DataFrame | None = None) -> YearInputs:
    """The one reader: the indicator tables (through their cache), the year's tables through
    `ctx.data`, the rules of `params/`."""
    tidy = context.indicator_table(ctx) if tidy is None else tidy
    return YearInputs(
        ctx.year,
        tidy,
        context.indicator_history(ctx, tidy),
        ctx.data.table("institutions"),
        ctx.data.table("associations"),
        ctx.settings,
        load_rules(),
        Frames.read(ctx.data),
        texts.fill,
    )


def compute(inputs: YearInputs) -> YearResults:
    """The results from the year's data (reads no file)."""
    found = problems.find_problems(
        inputs.history,
        inputs.year,
        CATALOGUE,
        inputs.settings,
        institutions=inputs.institutions,
        associations=inputs.associations,
    )
    recs = apply_rules(inputs.rules, inputs.tidy, inputs.frames, inputs.year, inputs.fill)
    people = {k: v for k, v in inputs.frames.lists.items() if k in PERSON_LISTS}
    return YearResults(found, recs, people)


def cache_key(ctx: Context) -> str:
    """The book's fingerprint of a page of the year (code, params/, data up to the year),
    with the window the problems are judged over (`Context.results_key`, shortened)."""
    return ctx.results_key[:KEY_LENGTH]


def index_path(cache_dir: Path, year: int, key: str) -> Path:
    """The index of a year's results; written last, so its presence means they are complete."""
    return Path(cache_dir) / f"results-{year}-{key}.json"


def _frame_path(cache_dir: Path, year: int, key: str, name: str) -> Path:
    return Path(cache_dir) / f"results-{year}-{key}-{name}.parquet"


def _named(results: YearResults) -> dict[str, pd.DataFrame]:
    return {
        "problems": results.problems,
        "recommendations": results.recommendations,
        **{f"list-{k}": v for k, v in results.person_lists.items()},
    }


def store(cache_dir: Path, year: int, key: str, results: YearResults) -> None:
    """Each frame atomically, then the index (names and attrs): a parallel reader sees the
    results whole or not at all."""
    frames = _named(results)
    for name, frame in frames.items():
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        write_bytes_atomic(_frame_path(cache_dir, year, key, name), buffer.getvalue())
    index = {
        "lists": list(results.person_lists),
        "attrs": {
            name: frame.attrs.get(WITHHELD)
            for name, frame in frames.items()
            if WITHHELD in frame.attrs
        },
    }
    write_text_atomic(
        index_path(cache_dir, year, key),
        json.dumps(index, ensure_ascii=False, sort_keys=True) + "\n",
    )


def load(cache_dir: Path, year: int, key: str) -> YearResults | None:
    """The cached results, or None when absent or unreadable (then they are computed again)."""
    try:
        index = json.loads(index_path(cache_dir, year, key).read_text(encoding="utf-8"))
        names = ["problems", "recommendations", *(f"list-{k}" for k in index["lists"])]
        frames = {n: pd.read_parquet(_frame_path(cache_dir, year, key, n)) for n in names}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for name, value in index["attrs"].items():
        if name in frames:
            frames[name].attrs[WITHHELD] = value
    return YearResults(
        frames["problems"],
        frames["recommendations"],
        {k: frames[f"list-{k}"] for k in index["lists"]},
    )
