"""Work done once per year in the build process, before the notebooks run.

The indicator table of a year is computed here once (and cached in `<output>/.cache`, where the
notebooks find it), then written as the year's `indicators.csv` — suppressed in the public
profile — and summarised into the key figures of the front page. The year's workbooks
(`indicators.xlsx`, the recommendation workbooks: `analysis.exports`) and the tidy tables of
stages 04–06 (`analysis.decision_tables`) are written beside it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from analysis import catalogue, context, exports, fmt, indicators
from analysis.disclosure import hidden_by_level
from analysis.disclosure.cache import public_table
from analysis.files import write_text_atomic
from analysis.params.recommendations import load_rules
from analysis.processed import read_table, table_path
from analysis.vocabulary import (
    INCOMPLETE_WINDOW,
    LEVEL_NAMES,
    LEVEL_PLURAL,
    SUPPRESSED,
    flag_mask,
    has_flag,
)
from analysis.year_results import YearResults, year_results

CACHE_DIR = ".cache"  # under the output root: shared by profiles and by the notebooks


def cache_dir(output_dir: Path) -> Path:
    """Where the indicator engine caches its tables for this output folder."""
    return Path(output_dir) / CACHE_DIR


def compute(processed_dir: Path, year: int, output_dir: Path) -> pd.DataFrame:
    """The full (unsuppressed) indicator table of a year, through the engine's cache."""
    return indicators.compute_year(processed_dir, year, cache_dir=cache_dir(output_dir))


def warm(processed_dir: Path, year: int, output_dir: Path) -> None:
    """Compute the year's indicator table and shared results (problems, recommendations, person
    lists: `analysis.year_results`) into the cache, before the pages that read them run."""
    shared_results(compute(processed_dir, year, output_dir), processed_dir, year, output_dir)


# --- the tasks a pool worker runs beside the pages (`analysis.book.execute.Task`) -----------
# The build hands each the tables it holds rather than letting it compute them again; each
# writes into the cache the pages read.


def prepare_task(
    processed_dir: Path, year: int, output_dir: Path, profile: str, threshold: int
) -> None:
    """The year's indicator table and, in the public profile, its public decision (the
    costliest step of a year), into the cache."""
    tidy = indicators.compute_year(processed_dir, year, cache_dir=cache_dir(output_dir))
    for_profile(tidy, processed_dir, year, profile, threshold, output_dir)


def results_task(tidy: pd.DataFrame, processed_dir: Path, year: int, output_dir: Path) -> None:
    """The year's shared results on its indicator table `tidy`, into the cache."""
    shared_results(tidy, processed_dir, year, output_dir)


def evaluation_task(processed_dir: Path, year: int, output_dir: Path, profile: str) -> None:
    """Page 06's evaluation of the year (the costliest part of pages 06 and 07 and of
    `effectiveness.csv`), into the cache all three read, with the pages' window."""
    # lazy: the page modules pull IPython and matplotlib, which a build's own process never needs
    from analysis.pages import effectiveness as effectiveness_page

    effectiveness_page.year_evaluation(context.resolve(year, processed_dir, output_dir, profile))


def shared_results(
    tidy: pd.DataFrame, processed_dir: Path, year: int, output_dir: Path
) -> YearResults:
    """The year's `analysis.year_results.YearResults` on its indicator table `tidy`, through
    the cache the pages read (with the pages' default window)."""
    return year_results(context.resolve(year, processed_dir, output_dir), tidy)


def for_profile(
    tidy: pd.DataFrame,
    processed_dir: Path,
    year: int,
    profile: str,
    threshold: int,
    output_dir: Path | None = None,
) -> pd.DataFrame:
    """The table as the profile may show it: suppressed in public (the decision the notebooks
    read too, cached beside the indicator table), whole in internal."""
    if profile != "public":
        return tidy
    cache = cache_dir(output_dir) if output_dir is not None else None
    return public_table(tidy, processed_dir, threshold, cache)


def protection_line(tidy: pd.DataFrame, shown: pd.DataFrame, year: int, threshold: int) -> str:
    """«2023: скрыто 444 из 3299 значений учреждений, …» — the cost of protection, per level."""
    hidden = pd.Series(flag_mask(shown["flags"], SUPPRESSED))
    counts = hidden_by_level(tidy.reset_index(drop=True), hidden, threshold)
    parts = [
        f"{level_words(r.level)} {int(r.hidden)} из {int(r.cells)} (по порогу {int(r.primary)})"
        for r in counts.itertuples()
        if r.cells
    ]
    return f"{year}: скрыто значений — " + "; ".join(parts)


def level_words(level: str) -> str:
    """«районы», «учреждения»; the city and the Centre are one unit each: «город», «Центр»."""
    return LEVEL_PLURAL.get(level) or LEVEL_NAMES.get(level, level)


def csv_text(tidy: pd.DataFrame) -> str:
    """The tidy table as SPEC §5 CSV — the indicator engine's own formatting, not a second one."""
    return indicators.csv_text(tidy)


def write_csv(tidy: pd.DataFrame, path: Path) -> None:
    write_text_atomic(path, csv_text(tidy))


def write_exports(
    tidy: pd.DataFrame,
    shown: pd.DataFrame,
    processed_dir: Path,
    year: int,
    profile: str,
    folder: Path,
    threshold: int,
    output_dir: Path,
) -> None:
    """The year's workbooks: `indicators.xlsx` of the table as shown, and the recommendations
    (worked out on the whole table; the public profile gets only their suppressed counts); the
    tidy tables of stages 04–06 (`analysis.decision_tables`); in the internal profile, the
    Centre's documents (`analysis.documents`, in `documents/`).
    The recommendations and person lists are the shared results the pages read (computed once
    a year, `analysis.year_results`)."""
    # one context for the task: its fingerprint (the key of the shared results) is worked out
    # once, and the tidy tables below read the results and tables held here
    ctx = context.resolve(year, processed_dir, output_dir, profile)
    shared = year_results(ctx, tidy)
    institutions = read_table(processed_dir, year, "institutions")
    associations = read_table(processed_dir, year, "associations")
    exports.write_indicators_xlsx(
        shown,
        Path(folder) / exports.INDICATORS_NAME,
        institutions=institutions,
        associations=associations,
        year=year,
    )
    exports.write_recommendation_workbooks(
        shared.recommendations,
        folder,
        profile,
        tidy=shown,
        institutions=institutions,
        associations=associations,
        year=year,
        threshold=threshold,
        rule_titles={rule.id: rule.title for rule in load_rules() if rule.title},
        person_lists=shared.person_lists if profile == "internal" else None,
    )
    # the tidy tables of stages 04–06 (SPEC §5), by the writer `python -m analysis tables`
    # calls too, on the table and results held here; lazy: it pulls the page modules
    # (IPython, matplotlib) a build's own process never needs
    from analysis import decision_tables

    decision_tables.write(ctx, folder, tidy, shared)
    if profile == "internal":  # the Centre's own reports (Word + xlsx), never public
        from analysis import documents  # lazy: python-docx is needed by this task only

        documents.write_year(processed_dir, year, tidy, Path(folder) / documents.FOLDER)


def key_figures(tidy: pd.DataFrame, key_ids: tuple[str, ...]) -> list[list[str]]:
    """[name, formatted city value] of each key indicator («*» when suppressed, «†» after a
    value over an incomplete window)."""
    city = tidy[tidy["level"].eq("city")].drop_duplicates("indicator_id").set_index("indicator_id")
    rows = []
    for ind in key_ids:
        if ind not in city.index:
            continue
        row = city.loc[ind]
        flags = row.get("flags", "")
        if has_flag(flags, SUPPRESSED):
            text = fmt.SUPPRESSED
        else:  # † : the window reaches before the data (footnote on the front page)
            text = fmt.marked(
                fmt.value(row["value"], str(row["unit"]), missing=fmt.NO_DATA),
                has_flag(flags, INCOMPLETE_WINDOW),
            )
        rows.append([indicator_name(ind), text])
    return rows


def indicator_name(indicator_id: str) -> str:
    """The Russian name of an indicator from the catalogue (its id when it is not there)."""
    try:
        return str(catalogue.get(indicator_id).name)
    except KeyError:
        return indicator_id


def staff_ids(processed_dir: Path, years: list[int]) -> set[str]:
    """Every person_id of the `Кадры` tables of the given years (for the public safety net)."""
    ids: set[str] = set()
    for year in years:
        path = table_path(processed_dir, year, "staff")
        if path.exists():
            column = pq.read_table(path, columns=["person_id"]).column("person_id")
            ids.update(str(v) for v in column.to_pylist() if v is not None)
    return ids
