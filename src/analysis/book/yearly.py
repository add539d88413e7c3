"""Work done once per year in the build process, before the notebooks run.

The indicator table of a year is computed here once (and cached in `<output>/.cache`, where the
notebooks find it), then written as the year's `indicators.csv` — suppressed in the public
profile — and summarised into the key figures of the front page. The year's workbooks
(`indicators.xlsx`, the recommendation workbooks: `analysis.exports`) are written beside it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import fmt
from analysis.disclosure import SUPPRESSED_FLAG
from analysis.files import write_text_atomic

INCOMPLETE_FLAG = "incomplete_window"  # analysis.indicators: a _3y window before the data
CACHE_DIR = ".cache"  # under the output root: shared by profiles and by the notebooks


def cache_dir(output_dir: Path) -> Path:
    """Where the indicator engine caches its tables for this output folder."""
    return Path(output_dir) / CACHE_DIR


def compute(processed_dir: Path, year: int, output_dir: Path) -> pd.DataFrame:
    """The full (unsuppressed) indicator table of a year, through the engine's cache."""
    from analysis.indicators import compute_year

    return compute_year(processed_dir, year, cache_dir=cache_dir(output_dir))


def warm(processed_dir: Path, year: int, output_dir: Path) -> None:
    """Compute the year's indicator table and shared results (problems, recommendations, person
    lists: `analysis.year_results`) into the cache, before the pages that read them run."""
    shared_results(compute(processed_dir, year, output_dir), processed_dir, year, output_dir)


def shared_results(tidy: pd.DataFrame, processed_dir: Path, year: int, output_dir: Path):
    """The year's `analysis.year_results.YearResults` on its indicator table `tidy`, through
    the cache the pages read (with the pages' default window)."""
    from analysis import context
    from analysis.year_results import year_results

    return year_results(context.resolve(year, processed_dir, output_dir), tidy)


def for_profile(
    tidy: pd.DataFrame, processed_dir: Path, year: int, profile: str, threshold: int,
    output_dir: Path | None = None,
) -> pd.DataFrame:
    """The table as the profile may show it: suppressed in public (the decision the notebooks
    read too, cached beside the indicator table), whole in internal."""
    if profile != "public":
        return tidy
    from analysis.disclosure.cache import public_table

    cache = cache_dir(output_dir) if output_dir is not None else None
    return public_table(tidy, processed_dir, threshold, cache)


def protection_line(tidy: pd.DataFrame, shown: pd.DataFrame, year: int, threshold: int) -> str:
    """«2023: скрыто 444 из 3299 значений учреждений, …» — the cost of protection, per level."""
    from analysis.disclosure import hidden_by_level

    hidden = shown["flags"].astype("string").fillna("").str.split(";").map(
        lambda f: SUPPRESSED_FLAG in f).astype(bool)
    counts = hidden_by_level(tidy.reset_index(drop=True), hidden.reset_index(drop=True),
                             threshold)
    parts = [f"{LEVEL_WORDS.get(r.level, r.level)} {int(r.hidden)} из {int(r.cells)} "
             f"(по порогу {int(r.primary)})" for r in counts.itertuples() if r.cells]
    return f"{year}: скрыто значений — " + "; ".join(parts)


LEVEL_WORDS = {"city": "город", "district": "районы", "inst_type": "типы",
               "institution": "учреждения", "association": "объединения", "centre": "Центр"}


def csv_text(tidy: pd.DataFrame) -> str:
    """The tidy table as SPEC §5 CSV — the indicator engine's own formatting, not a second one."""
    from analysis.indicators import csv_text as engine_csv_text

    return engine_csv_text(tidy)


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
    output_dir: Path | None = None,
) -> None:
    """The year's workbooks: `indicators.xlsx` of the table as shown, and the recommendations
    (worked out on the whole table; the public profile gets only their suppressed counts).
    With `output_dir`, the recommendations and person lists come from the shared results the
    pages read (computed once); without it, they are worked out here."""
    from analysis import exports
    from analysis.params.recommendations import load_rules
    from analysis.processed import read_table
    from analysis.reader import YearData
    from analysis.recommendations import person_lists, recommend, texts

    if output_dir is not None:
        shared = shared_results(tidy, processed_dir, year, output_dir)
        recs, people = shared.recommendations, shared.person_lists
    else:
        data = YearData(processed_dir, year)
        recs = recommend(data, tidy, load_rules(), texts.fill)
        people = person_lists(data)
    institutions = read_table(processed_dir, year, "institutions")
    associations = read_table(processed_dir, year, "associations")
    exports.write_indicators_xlsx(shown, Path(folder) / exports.INDICATORS_NAME,
                                  institutions=institutions, associations=associations, year=year)
    exports.write_recommendation_workbooks(
        recs, folder, profile, tidy=shown,
        institutions=institutions, associations=associations, year=year, threshold=threshold,
        rule_titles={rule.id: rule.title for rule in load_rules() if rule.title},
        person_lists=people if profile == "internal" else None,
    )


def key_figures(tidy: pd.DataFrame, key_ids: tuple[str, ...]) -> list[list[str]]:
    """[name, formatted city value] of each key indicator («*» when suppressed, «†» after a
    value over an incomplete window)."""
    city = tidy[tidy["level"].eq("city")].drop_duplicates("indicator_id").set_index("indicator_id")
    rows = []
    for ind in key_ids:
        if ind not in city.index:
            continue
        row = city.loc[ind]
        flags = str(row.get("flags", "") or "").split(";")
        if SUPPRESSED_FLAG in flags:
            text = fmt.SUPPRESSED
        else:  # † : the window reaches before the data (footnote on the front page)
            text = fmt.marked(fmt.value(row["value"], str(row["unit"]), missing=fmt.NO_DATA),
                              INCOMPLETE_FLAG in flags)
        rows.append([indicator_name(ind), text])
    return rows


def indicator_name(indicator_id: str) -> str:
    """The Russian name of an indicator from the catalogue (its id when it is not there)."""
    from analysis import catalogue

    try:
        return str(catalogue.get(indicator_id).name)
    except KeyError:
        return indicator_id


def staff_ids(processed_dir: Path, years: list[int]) -> set[str]:
    """Every person_id of the `Кадры` tables of the given years (for the public safety net)."""
    import pyarrow.parquet as pq

    from analysis.processed import table_path

    ids: set[str] = set()
    for year in years:
        path = table_path(processed_dir, year, "staff")
        if path.exists():
            column = pq.read_table(path, columns=["person_id"]).column("person_id")
            ids.update(str(v) for v in column.to_pylist() if v is not None)
    return ids
